//! Channel documents and plans: export a subtree, plan a document, apply the plan.

use reqwest::Method;

use super::{ApiClient, Result, seg};
use crate::model::*;

impl ApiClient {
    /// The subtree under a dealer (by id or name; the caller's own when `None`) as one document.
    pub async fn export(&self, under: Option<&str>) -> Result<ChannelDocument> {
        let mut rb = self.request(Method::GET, "/export");
        if let Some(under) = under {
            rb = rb.query(&[("under", under)]);
        }
        Self::json(rb).await
    }

    /// The plan of a document: its steps and refusals, checked by the real operations and
    /// changing nothing.
    pub async fn plan(&self, req: &PlanRequest) -> Result<Plan> {
        Self::json(self.request(Method::POST, "/plans").json(req)).await
    }

    /// Applies a plan whole, or refuses with the first refused step (`details.step`).
    pub async fn apply_plan(&self, id: &str) -> Result<AppliedPlan> {
        Self::json(self.request(Method::POST, &format!("/plans/{}/apply", seg(id)))).await
    }
}
