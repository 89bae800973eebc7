//! How a verb fails: the exit code a script tests, and the words (or the API's error body) a
//! person or a program reads on standard error.

use crate::client::ClientError;
use crate::model::{ErrorBody, ErrorDetail, Refusal};

/// The exit codes of the verbs: 0 done, 1 error, 2 usage, 3 refused by the server, 4 not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Done = 0,
    Error = 1,
    Usage = 2,
    Refused = 3,
    NotFound = 4,
}

/// A verb that did not get done.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    /// The API's error body: the server's own, or one made here in the same shape.
    pub body: ErrorBody,
}

pub type CliResult<T> = Result<T, Failure>;

impl Failure {
    fn new(exit: Exit, code: Refusal, message: impl Into<String>) -> Failure {
        Failure {
            exit,
            body: ErrorBody {
                error: ErrorDetail {
                    refusal: code,
                    message: message.into(),
                    field: None,
                },
            },
        }
    }

    /// The command line asks for something that cannot be done as asked (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new(Exit::Usage, Refusal::BadRequest, message)
    }

    /// Nothing of that name or id in the caller's scope (exit 4).
    pub fn not_found(message: impl Into<String>) -> Failure {
        Failure::new(Exit::NotFound, Refusal::NotFound, message)
    }

    /// Anything else that went wrong on this side (exit 1).
    pub fn error(message: impl Into<String>) -> Failure {
        Failure::new(Exit::Error, Refusal::Internal, message)
    }

    /// The sentence for a person.
    pub fn message(&self) -> &str {
        &self.body.error.message
    }
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Failure {
        match e {
            ClientError::Api { status: 404, body } => Failure {
                exit: Exit::NotFound,
                body,
            },
            ClientError::Api { status, body } if (400..500).contains(&status) => Failure {
                exit: Exit::Refused,
                body,
            },
            ClientError::Api { body, .. } => Failure {
                exit: Exit::Error,
                body,
            },
            other => Failure::error(other.to_string()),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::error(format!("{e:#}"))
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::error(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> ClientError {
        ClientError::from_error_body(status, br#"{"error":{"code":"not_found","message":"m"}}"#)
    }

    #[test]
    fn statuses_become_the_documented_exit_codes() {
        assert_eq!(Failure::from(api(404)).exit, Exit::NotFound);
        assert_eq!(Failure::from(api(403)).exit, Exit::Refused);
        assert_eq!(Failure::from(api(409)).exit, Exit::Refused);
        assert_eq!(Failure::from(api(500)).exit, Exit::Error);
        assert_eq!(
            Failure::from(ClientError::Network("down".into())).exit,
            Exit::Error
        );
    }
}
