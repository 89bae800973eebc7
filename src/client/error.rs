//! What a request can end in, other than success.

use crate::model::{ErrorBody, ErrorDetail};

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

    pub(super) async fn from_response(r: reqwest::Response) -> ClientError {
        let status = r.status().as_u16();
        let bytes = r.bytes().await.unwrap_or_default();
        let bytes = &bytes[..bytes.len().min(MAX_ERROR_BODY)];
        match serde_json::from_slice::<ErrorBody>(bytes) {
            Ok(body) => ClientError::Api { status, body },
            Err(_) => ClientError::Api {
                status,
                body: ErrorBody {
                    error: ErrorDetail {
                        code: "unexpected_response".into(),
                        message: format!(
                            "the server answered {status} without an error description"
                        ),
                        field: None,
                        details: serde_json::json!({}),
                    },
                },
            },
        }
    }

    /// The stable error code, when the server sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { body, .. } => Some(&body.error.code),
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

    pub fn details(&self) -> Option<&serde_json::Value> {
        match self {
            ClientError::Api { body, .. } => Some(&body.error.details),
            _ => None,
        }
    }
}
