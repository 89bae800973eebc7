//! The Dealers tab's requests: a level of the tree, and a dealer with its capacity.

use crate::client::{ApiClient, ClientError, unless_forbidden};
use crate::console::msg::ReplyBody;
use crate::model::{Capacity, Dealer};

/// The children of `under` (the caller's own dealer when None), one level deep, with the
/// tenant `show` among them even beyond the first leaves.
pub async fn tree(c: ApiClient, under: Option<String>, show: Option<String>) -> ReplyBody {
    let result = c.tree_showing(under.as_deref(), 1, show.as_deref()).await;
    ReplyBody::Tree { under, result }
}

/// A dealer and, if the caller may see it, its capacity.
pub async fn details(c: ApiClient, id: String) -> ReplyBody {
    ReplyBody::Details(fetch(&c, &id).await)
}

/// The same, for a dealer next to the selection.
pub async fn details_ahead(c: ApiClient, id: String) -> ReplyBody {
    ReplyBody::DetailsAhead(fetch(&c, &id).await)
}

async fn fetch(c: &ApiClient, id: &str) -> Result<(Dealer, Option<Capacity>), ClientError> {
    let d = c.get_dealer(id).await?;
    let cap = unless_forbidden(c.capacity(id).await)?;
    Ok((d, cap))
}
