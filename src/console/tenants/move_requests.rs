//! A tenant move's requests: the picker's tree, the cards a destination may bill with, and the
//! server's dry-run plan.

use crate::client::ApiClient;
use crate::console::msg::ReplyBody;
use crate::model::*;

/// A level of the destination picker's dealer tree.
pub async fn picker_tree(c: ApiClient, under: Option<String>) -> ReplyBody {
    let result = c.tree(under.as_deref(), 1).await;
    ReplyBody::PickerTree { under, result }
}

/// The cards usable at the destination.
pub async fn cards(c: ApiClient, dealer_id: String) -> ReplyBody {
    let filter = RateCardFilter {
        dealer_id: Some(dealer_id.into()),
        kind: None,
    };
    let all = PageParams {
        limit: Some(1000),
        ..PageParams::default()
    };
    let result = c.list_rate_cards(&filter, &all).await.map(|p| p.items);
    ReplyBody::MoveCards(result)
}

/// The dry-run plan of moving the tenant as `request` says.
pub async fn plan(c: ApiClient, tenant_id: String, request: TenantMove) -> ReplyBody {
    ReplyBody::MovePlan(c.move_tenant(&tenant_id, &request).await)
}
