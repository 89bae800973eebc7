//! Rate cards and tenant moves.

use reqwest::Method;

use super::{ApiClient, ClientError, Result, read_limited, seg};
use crate::model::*;

/// The largest CSV export read: as large as the largest import the console sends.
const MAX_EXPORT: usize = 64 * 1024 * 1024;

impl ApiClient {
    pub async fn list_rate_cards(
        &self,
        filter: &RateCardFilter,
        page: &PageParams,
    ) -> Result<Page<RateCard>> {
        Self::json(self.list("/rate-cards", filter, page)).await
    }

    pub async fn create_rate_card(&self, new: &NewRateCard) -> Result<RateCard> {
        Self::json(self.request(Method::POST, "/rate-cards").json(new)).await
    }

    pub async fn get_rate_card(&self, id: &str) -> Result<RateCard> {
        Self::json(self.request(Method::GET, &format!("/rate-cards/{}", seg(id)))).await
    }

    pub async fn update_rate_card(
        &self,
        id: &str,
        version: Option<i64>,
        patch: &RateCardPatch,
    ) -> Result<RateCard> {
        let rb = self
            .request(Method::PATCH, &format!("/rate-cards/{}", seg(id)))
            .json(patch);
        Self::json(Self::if_match(rb, version)).await
    }

    pub async fn delete_rate_card(&self, id: &str, version: Option<i64>) -> Result<()> {
        Self::empty(Self::if_match(
            self.request(Method::DELETE, &format!("/rate-cards/{}", seg(id))),
            version,
        ))
        .await
    }

    /// A page of a card's rates (computed for derived cards).
    pub async fn list_rates(
        &self,
        id: &str,
        filter: &RateFilter,
        page: &PageParams,
    ) -> Result<Page<RateRow>> {
        Self::json(self.list(&format!("/rate-cards/{}/rates", seg(id)), filter, page)).await
    }

    /// The whole card (or the prefixes under `prefix`) as CSV.
    pub async fn export_rates(&self, id: &str, filter: &RateFilter) -> Result<String> {
        let rb = self
            .request(Method::GET, &format!("/rate-cards/{}/rates", seg(id)))
            .query(filter)
            .query(&[("format", "csv")]);
        let response = Self::send(rb).await?;
        let bytes = read_limited(response, MAX_EXPORT).await?;
        String::from_utf8(bytes)
            .map_err(|_| ClientError::Decode("the CSV is not UTF-8 text".into()))
    }

    /// Replaces a carrier card's rates with the CSV `body`.
    pub async fn import_rates(&self, id: &str, csv: String) -> Result<RateImport> {
        let rb = self
            .request(Method::PUT, &format!("/rate-cards/{}/rates", seg(id)))
            .header(reqwest::header::CONTENT_TYPE, "text/csv")
            .body(csv);
        Self::json(rb).await
    }

    pub async fn assign_rate_card(&self, id: &str, to: &RateCardAssignment) -> Result<RateCard> {
        Self::json(
            self.request(Method::POST, &format!("/rate-cards/{}/assign", seg(id)))
                .json(to),
        )
        .await
    }

    pub async fn preview_markup(&self, req: &MarkupPreviewRequest) -> Result<MarkupPreview> {
        Self::json(self.request(Method::POST, "/rate-cards/preview").json(req)).await
    }

    /// The price of a call to `number` lasting `seconds`, by longest prefix match.
    pub async fn quote(&self, id: &str, number: &str, seconds: u32) -> Result<CallQuote> {
        let rb = self
            .request(Method::GET, &format!("/rate-cards/{}/quote", seg(id)))
            .query(&[
                ("number", number.to_string()),
                ("seconds", seconds.to_string()),
            ]);
        Self::json(rb).await
    }

    /// Makes the move a plan showed, only if the tenant is still at the plan's version.
    pub async fn move_tenant_as_planned(
        &self,
        plan: &MovePlan,
        mv: &TenantMove,
    ) -> Result<MovePlan> {
        let rb = self
            .request(
                Method::POST,
                &format!("/tenants/{}/move", seg(&plan.tenant_id)),
            )
            .json(mv);
        Self::json(Self::if_match(rb, Some(plan.tenant_version))).await
    }

    /// Plans (`dry_run: true`) or makes a tenant move.
    pub async fn move_tenant(&self, id: &str, mv: &TenantMove) -> Result<MovePlan> {
        Self::json(
            self.request(Method::POST, &format!("/tenants/{}/move", seg(id)))
                .json(mv),
        )
        .await
    }
}
