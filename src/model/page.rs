use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One page of a list: the items, the cursor of the next page (null at the end) and the total count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

/// The paging parameters every list takes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}
