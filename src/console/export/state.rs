//! What an export is asked for and how far it got.

/// The two formats `:export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// What an export reports: rows so far, of how many.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub id: u64,
    pub done: usize,
    pub total: i64,
}
