//! The Rate cards tab's requests: a page of a card's rates under a prefix, and the preview of a
//! markup typed into a form.

use crate::client::ApiClient;
use crate::console::msg::ReplyBody;
use crate::model::*;

/// A page of a card's rates whose prefixes start with `prefix`.
pub async fn rates(c: ApiClient, card_id: String, prefix: String, page: PageParams) -> ReplyBody {
    let append = page.cursor.is_some();
    let filter = RateFilter {
        prefix: (!prefix.is_empty()).then_some(prefix),
    };
    ReplyBody::Rates {
        append,
        result: c.list_rates(&card_id, &filter, &page).await,
    }
}

/// What a markup would do over its parent card.
pub async fn preview(c: ApiClient, request: MarkupPreviewRequest) -> ReplyBody {
    ReplyBody::Preview(c.preview_markup(&request).await)
}
