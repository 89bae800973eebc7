//! The Packages tab's page: dealers with their capacity, in one request.

use crate::client::{ApiClient, ClientError};
use crate::model::*;

/// A page of dealers with each one's capacity, in one request, in `order` (by name when none).
pub async fn page(
    c: &ApiClient,
    page: &PageParams,
    order: Option<(DealerSort, bool)>,
) -> Result<Page<(Dealer, Option<Capacity>)>, ClientError> {
    let filter = DealerFilter {
        with_capacity: true,
        sort: order.map(|(s, _)| s),
        desc: order.is_some_and(|(_, desc)| desc),
        ..DealerFilter::default()
    };
    let dealers = c.list_dealers(&filter, page).await?;
    let items = dealers
        .items
        .into_iter()
        .map(|mut d| {
            let cap = d.capacity.take();
            (d, cap)
        })
        .collect();
    Ok(Page {
        items,
        next_cursor: dealers.next_cursor,
        total: dealers.total,
    })
}
