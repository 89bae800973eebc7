//! Dry runs: what a harmful write would do, asked before it is made (`?dry_run=true`).

use reqwest::Method;

use super::{ApiClient, Result, seg};
use crate::model::*;

const DRY_RUN: &str = "?dry_run=true";

impl ApiClient {
    /// What suspending (or, with `resume`, resuming) the dealer would stop (or start) working.
    pub async fn dealer_suspend_impact(&self, id: &str, resume: bool) -> Result<Impact> {
        let verb = if resume { "resume" } else { "suspend" };
        Self::json(self.request(
            Method::POST,
            &format!("/dealers/{}/{verb}{DRY_RUN}", seg(id)),
        ))
        .await
    }

    /// What deleting the dealer would take with it.
    pub async fn dealer_delete_impact(&self, id: &str) -> Result<Impact> {
        Self::json(self.request(Method::DELETE, &format!("/dealers/{}{DRY_RUN}", seg(id)))).await
    }

    /// What suspending (or resuming) the tenant would change.
    pub async fn tenant_suspend_impact(&self, id: &str, resume: bool) -> Result<Impact> {
        let verb = if resume { "resume" } else { "suspend" };
        Self::json(self.request(
            Method::POST,
            &format!("/tenants/{}/{verb}{DRY_RUN}", seg(id)),
        ))
        .await
    }

    /// What deleting the tenant would do.
    pub async fn tenant_delete_impact(&self, id: &str) -> Result<Impact> {
        Self::json(self.request(Method::DELETE, &format!("/tenants/{}{DRY_RUN}", seg(id)))).await
    }

    /// What a change of a login (a disable) would do.
    pub async fn user_update_impact(
        &self,
        id: &str,
        version: Option<i64>,
        patch: &UserPatch,
    ) -> Result<Impact> {
        let rb = self
            .request(Method::PATCH, &format!("/users/{}{DRY_RUN}", seg(id)))
            .json(patch);
        Self::json(Self::if_match(rb, version)).await
    }

    /// What a change of a group would take from its members.
    pub async fn group_update_impact(
        &self,
        id: &str,
        version: Option<i64>,
        patch: &GroupPatch,
    ) -> Result<Impact> {
        let rb = self
            .request(Method::PATCH, &format!("/groups/{}{DRY_RUN}", seg(id)))
            .json(patch);
        Self::json(Self::if_match(rb, version)).await
    }

    /// What importing the CSV into the carrier card would change, there and below.
    pub async fn rates_import_impact(&self, id: &str, csv: String) -> Result<Impact> {
        let rb = self
            .request(
                Method::PUT,
                &format!("/rate-cards/{}/rates{DRY_RUN}", seg(id)),
            )
            .header(reqwest::header::CONTENT_TYPE, "text/csv")
            .body(csv);
        Self::json(rb).await
    }
}
