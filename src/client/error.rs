//! What a request can end in, other than success.

use crate::model::{ErrorBody, ErrorDetail, Refusal};

/// Why a request failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error body (or with something we turned into one).
    #[error("{}", .body.error.message)]
    Api { status: u16, body: ErrorBody },
    /// The server could not be reached, or the connection broke or timed out.
    #[error("cannot reach the server: {0}")]
    Network(String),
    /// A success answer whose body was not what the API promises.
    #[error("the server sent an answer that could not be read: {0}")]
    Decode(String),
    /// An answer longer than the client reads (the limit in bytes).
    #[error("the server's answer is larger than {} MiB; it was not read", .limit / 1024 / 1024)]
    TooLarge { limit: usize },
}

/// The largest error body read; anything longer is cut (a hostile server cannot exhaust memory).
const MAX_ERROR_BODY: usize = 64 * 1024;

impl ClientError {
    pub(super) fn from_reqwest(e: reqwest::Error) -> ClientError {
        if e.is_decode() {
            ClientError::Decode(e.to_string())
        } else {
            // Never include the URL's query string (it may hold a token).
            ClientError::Network(e.without_url().to_string())
        }
    }

    /// The body of an answer broke off while it was read (dropped connection, time out): the
    /// connection failed, whatever reqwest calls it.
    pub(super) fn from_body(e: reqwest::Error) -> ClientError {
        if e.is_timeout() {
            return ClientError::Network("the server took too long to answer".into());
        }
        let mut cause: &dyn std::error::Error = &e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        ClientError::Network(format!("the answer broke off: {}", cut(&cause.to_string())))
    }

    /// A success answer that is not the JSON the API promises, in words. serde's messages about
    /// values quote them (`invalid type: string "…"`), so only their kind and position are kept:
    /// the console shows a sentence, never the server's bytes.
    pub(super) fn undecodable(e: &serde_json::Error, content_type: Option<&str>) -> ClientError {
        use serde_json::error::Category;
        let what = match (e.classify(), content_type) {
            (Category::Data, _) => "JSON of another shape than the API's".to_string(),
            (_, Some(kind)) if !kind.contains("json") => format!("{}, not JSON", cut(kind)),
            (Category::Eof, _) => "JSON cut short".to_string(),
            _ => "not JSON".to_string(),
        };
        let text = e.to_string();
        let detail = match e.classify() {
            Category::Data if !text.starts_with("missing field") => {
                let kind = text.split([':', '`', '"']).next().unwrap_or_default();
                format!("{} at line {} column {}", kind.trim(), e.line(), e.column())
            }
            _ => cut(&text),
        };
        ClientError::Decode(format!("{what} ({detail})"))
    }

    pub(super) async fn from_response(mut r: reqwest::Response) -> ClientError {
        let status = r.status().as_u16();
        // Only the start of an error body is read: a server cannot make us hold more.
        let mut bytes = Vec::new();
        while bytes.len() < MAX_ERROR_BODY {
            match r.chunk().await {
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                _ => break,
            }
        }
        ClientError::from_error_body(status, &bytes[..bytes.len().min(MAX_ERROR_BODY)])
    }

    /// The error a refusal's body describes, or a plain one when the body is not the API's error
    /// shape. Public so that it can be fuzzed on its own.
    pub fn from_error_body(status: u16, bytes: &[u8]) -> ClientError {
        match serde_json::from_slice::<ErrorBody>(bytes) {
            Ok(body) => ClientError::Api { status, body },
            Err(_) => ClientError::Api {
                status,
                body: ErrorBody {
                    error: ErrorDetail {
                        refusal: Refusal::UnexpectedResponse,
                        message: format!(
                            "the server answered {status} without an error description"
                        ),
                        field: None,
                    },
                },
            },
        }
    }

    /// A refusal made on this side, in the server's terms (so that it reads like one).
    pub fn refused(
        status: u16,
        refusal: Refusal,
        message: impl Into<String>,
        field: Option<&str>,
    ) -> ClientError {
        ClientError::Api {
            status,
            body: ErrorBody {
                error: ErrorDetail {
                    refusal,
                    message: message.into(),
                    field: field.map(str::to_string),
                },
            },
        }
    }

    /// Why the server refused, when it answered with a refusal.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            ClientError::Api { body, .. } => Some(&body.error.refusal),
            _ => None,
        }
    }

    /// The stable error code, when the server sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { body, .. } => Some(body.error.refusal.code()),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The field at fault, for `invalid_field` and friends.
    pub fn field(&self) -> Option<&str> {
        match self {
            ClientError::Api { body, .. } => body.error.field.as_deref(),
            _ => None,
        }
    }

    /// The refusal's details as they travel (read [`ClientError::refusal`] for them typed).
    pub fn details(&self) -> Option<serde_json::Value> {
        match self {
            ClientError::Api { body, .. } => Some(body.error.refusal.details()),
            _ => None,
        }
    }
}

/// A side detail the login may lack the permission for: `None` on a 403, so that its absence is
/// shown as such rather than as a failure.
pub fn unless_forbidden<T>(r: Result<T, ClientError>) -> Result<Option<T>, ClientError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.status() == Some(403) => Ok(None),
        Err(e) => Err(e),
    }
}

/// At most a line's worth of a message that may quote what a server sent.
fn cut(text: &str) -> String {
    const MAX: usize = 100;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
