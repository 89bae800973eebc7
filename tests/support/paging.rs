//! Reads every page of a list, following `next_cursor`.

use dealerctl::client::ClientError;
use dealerctl::model::{Page, PageParams};

/// Every item of a list, in pages of 1,000, or the first error.
pub async fn every_page<T, F, Fut>(fetch: F) -> Result<Vec<T>, ClientError>
where
    F: Fn(PageParams) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, ClientError>>,
{
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let p = fetch(PageParams {
            limit: Some(1000),
            cursor: cursor.clone(),
            ..PageParams::default()
        })
        .await?;
        out.extend(p.items);
        cursor = p.next_cursor;
        if cursor.is_none() {
            return Ok(out);
        }
    }
}
