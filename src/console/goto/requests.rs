//! The search behind `:goto` and the tree's `/`.

use crate::client::ApiClient;
use crate::console::goto::state::SearchFor;
use crate::console::msg::ReplyBody;

/// The server's matches for `q`, of every kind the caller may read.
pub async fn search(c: ApiClient, q: String, limit: i64, purpose: SearchFor) -> ReplyBody {
    let result = c.search(&q, limit).await;
    ReplyBody::Searched { purpose, result }
}
