//! Why a request was refused: the `code` of an error answer with the `details` that code carries,
//! typed. The server builds its error answers from it and the client reads them back into it; a
//! code this build does not know (or details of another shape) stays readable as
//! [`Refusal::Other`].

use serde::{Deserialize, Serialize};

use super::ids::*;
use serde_json::Value;

use super::{Level, MovePlan, Permission};

/// The refusal an error answer describes: its `code` and, where the code has any, its `details`.
/// The HTTP status that goes with each code is the server's (`server::error`); the sentence and
/// the field at fault travel beside it in [`super::ErrorDetail`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", content = "details", rename_all = "snake_case")]
pub enum Refusal {
    /// 400: malformed JSON, parameters or path.
    BadRequest,
    /// 401: no, expired or revoked token.
    Unauthenticated,
    /// 401: wrong e-mail or password (or a login that may not sign in).
    InvalidCredentials,
    /// 403: in scope, but a permission is missing: the one a route needs (`permission`), or the
    /// ones a grant or a view would need (`missing`). Both are empty for the other refusals
    /// (your own login, viewing as someone already).
    Forbidden {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        permission: Option<Permission>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        missing: Vec<Permission>,
    },
    /// 403: a write while viewing as someone (read-only).
    ReadOnlySession,
    /// 404: missing or outside the caller's scope (never which), or no such route.
    NotFound,
    /// 405: the route does not take that method.
    MethodNotAllowed,
    /// 408: the body did not arrive in time.
    RequestTimeout,
    /// 409: a dealer of `parent_level` cannot create one of `level`; it may create `allowed`.
    LevelNotAllowed {
        allowed: Vec<Level>,
        level: Level,
        parent_level: Level,
    },
    /// 409: not enough free capacity. A package or tenant change names the `dimension`, what was
    /// `asked`, what is `free` and at which dealer (high availability names no amounts); a move
    /// carries its `plan` instead, with every blocker.
    CapacityExceeded(Box<CapacityExceeded>),
    /// 409: a package cut below what is allocated to sub-dealers and used by tenants.
    PackageBelowUsage {
        allocated: i64,
        dimension: String,
        requested: i64,
        shortfall: i64,
        used: i64,
    },
    /// 409: a dealer that still has sub-dealers or tenants.
    HasChildren { sub_dealers: i64, tenants: i64 },
    /// 409: the name is taken.
    NameTaken,
    /// 409: the domain is taken.
    DomainTaken,
    /// 409: the e-mail address is taken.
    EmailTaken,
    /// 409: the change would make the cards priced from this one sell below cost.
    BelowCostDownstream { cards: Vec<BelowCostCard> },
    /// 409: a rate card still used by derived cards, dealers or tenants.
    CardInUse,
    /// 409: a login that is not active (viewing as it).
    NotActive,
    /// 409: a move without a rate card at the destination; the move's plan.
    RateCardRequired { plan: Box<MovePlan> },
    /// 409: a move that leaves the tenant below the minimum extensions; the move's plan.
    BelowMinimumExtensions { plan: Box<MovePlan> },
    /// 409: a move whose rate card cannot bill at the destination; the move's plan.
    RateCardNotUsable { plan: Box<MovePlan> },
    /// 409: a move to a suspended dealer; the move's plan.
    DestinationSuspended { plan: Box<MovePlan> },
    /// 409: a move with another blocker; the move's plan.
    MoveBlocked { plan: Box<MovePlan> },
    /// 412: `If-Match` is stale; the object is at `current_version` now.
    VersionMismatch { current_version: i64 },
    /// 413: the body is over the route's limit.
    PayloadTooLarge { limit_bytes: u64 },
    /// 422: a field fails validation; for a CSV import, the `lines` at fault.
    InvalidField {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<BadLine>,
    },
    /// 422: a markup that sells below cost on `count` prefixes (the first of them in `prefixes`).
    BelowCost { count: usize, prefixes: Vec<String> },
    /// 429: too many sign-in attempts (with `Retry-After`).
    RateLimited,
    /// 500: the server failed.
    Internal,
    /// 502: a link could not be mailed.
    MailFailed,
    /// 503: the server is busy (with `Retry-After`).
    Busy,
    /// An answer without the API's error shape (made by the client, never sent).
    UnexpectedResponse,
    /// A code this build does not know, or known with details of another shape.
    #[serde(skip)]
    Other { code: String, details: Value },
}

/// The details of `capacity_exceeded`: the amounts of a package or tenant change, or a move's plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CapacityExceeded {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dealer_id: Option<DealerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dealer_name: Option<String>,
    /// `extensions`, `concurrent_calls`, …, or `high_availability`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Box<MovePlan>>,
    /// The other dimensions short as well (the first is above): every blocker at once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<DimensionShort>,
}

/// One more dimension of a capacity refusal: what was asked and what is free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DimensionShort {
    pub dimension: String,
    pub asked: i64,
    pub free: i64,
}

/// A card priced from the one changed that the change would make sell below cost, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BelowCostCard {
    pub id: RateCardId,
    pub name: String,
    pub why: String,
}

/// A line of an imported CSV file that is wrong, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadLine {
    pub line: u64,
    pub message: String,
}

impl Refusal {
    /// The stable machine code of the error answer.
    pub fn code(&self) -> &str {
        match self {
            Refusal::BadRequest => "bad_request",
            Refusal::Unauthenticated => "unauthenticated",
            Refusal::InvalidCredentials => "invalid_credentials",
            Refusal::Forbidden { .. } => "forbidden",
            Refusal::ReadOnlySession => "read_only_session",
            Refusal::NotFound => "not_found",
            Refusal::MethodNotAllowed => "method_not_allowed",
            Refusal::RequestTimeout => "request_timeout",
            Refusal::LevelNotAllowed { .. } => "level_not_allowed",
            Refusal::CapacityExceeded(_) => "capacity_exceeded",
            Refusal::PackageBelowUsage { .. } => "package_below_usage",
            Refusal::HasChildren { .. } => "has_children",
            Refusal::NameTaken => "name_taken",
            Refusal::DomainTaken => "domain_taken",
            Refusal::EmailTaken => "email_taken",
            Refusal::BelowCostDownstream { .. } => "below_cost_downstream",
            Refusal::CardInUse => "card_in_use",
            Refusal::NotActive => "not_active",
            Refusal::RateCardRequired { .. } => "rate_card_required",
            Refusal::BelowMinimumExtensions { .. } => "below_minimum_extensions",
            Refusal::RateCardNotUsable { .. } => "rate_card_not_usable",
            Refusal::DestinationSuspended { .. } => "destination_suspended",
            Refusal::MoveBlocked { .. } => "move_blocked",
            Refusal::VersionMismatch { .. } => "version_mismatch",
            Refusal::PayloadTooLarge { .. } => "payload_too_large",
            Refusal::InvalidField { .. } => "invalid_field",
            Refusal::BelowCost { .. } => "below_cost",
            Refusal::RateLimited => "rate_limited",
            Refusal::Internal => "internal",
            Refusal::MailFailed => "mail_failed",
            Refusal::Busy => "busy",
            Refusal::UnexpectedResponse => "unexpected_response",
            Refusal::Other { code, .. } => code,
        }
    }

    /// The `details` object of the error answer (`{}` for a code that carries none).
    pub fn details(&self) -> Value {
        if let Refusal::Other { details, .. } = self {
            return details.clone();
        }
        match serde_json::to_value(self) {
            Ok(Value::Object(mut tagged)) => match tagged.remove("details") {
                Some(details) => details,
                None => Value::Object(Default::default()),
            },
            _ => Value::Object(Default::default()),
        }
    }

    /// The refusal an error answer's `code` and `details` describe. Never fails: a code this
    /// build does not know, or details it cannot read, make an [`Refusal::Other`]. Details added
    /// to a known code by a newer server are ignored.
    pub fn from_wire(code: String, details: Value) -> Refusal {
        let tagged = |details: Option<&Value>| {
            let mut object = serde_json::Map::new();
            object.insert("code".into(), Value::String(code.clone()));
            if let Some(d) = details {
                object.insert("details".into(), d.clone());
            }
            serde_json::from_value::<Refusal>(Value::Object(object))
        };
        // A code without details reads only without them.
        tagged(Some(&details))
            .or_else(|_| tagged(None))
            .unwrap_or(Refusal::Other { code, details })
    }

    /// The plan of a refused move, for the codes a move answers with.
    pub fn move_plan(&self) -> Option<&MovePlan> {
        match self {
            Refusal::CapacityExceeded(c) => c.plan.as_deref(),
            Refusal::RateCardRequired { plan }
            | Refusal::BelowMinimumExtensions { plan }
            | Refusal::RateCardNotUsable { plan }
            | Refusal::DestinationSuspended { plan }
            | Refusal::MoveBlocked { plan } => Some(plan),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ErrorBody, ErrorDetail, MoveBlocker, NamedRef};
    use serde_json::json;

    fn plan() -> Box<MovePlan> {
        let named = |id: &str| NamedRef {
            id: id.into(),
            name: id.to_uppercase(),
        };
        Box::new(MovePlan {
            tenant_id: "tnt_1".into(),
            tenant_name: "Acme".into(),
            tenant_version: 3,
            from: named("dlr_a"),
            to: named("dlr_b"),
            capacity: vec![],
            rate_card_before: None,
            rate_card_after: Some(named("rc_1")),
            blockers: vec![MoveBlocker {
                code: "capacity_exceeded".into(),
                message: "extensions: asked 5, only 2 free at B".into(),
                field: Some("extensions".into()),
            }],
            executed: false,
            tenant: None,
        })
    }

    /// One refusal of every variant (the match makes a new variant fail to build until it is
    /// listed here).
    fn one_of_each() -> Vec<Refusal> {
        let all = vec![
            Refusal::BadRequest,
            Refusal::Unauthenticated,
            Refusal::InvalidCredentials,
            Refusal::Forbidden {
                permission: None,
                missing: vec![],
            },
            Refusal::Forbidden {
                permission: Some("tenants:create".parse().unwrap()),
                missing: vec![],
            },
            Refusal::Forbidden {
                permission: None,
                missing: vec![
                    "dealers:read".parse().unwrap(),
                    "impersonate".parse().unwrap(),
                ],
            },
            Refusal::ReadOnlySession,
            Refusal::NotFound,
            Refusal::MethodNotAllowed,
            Refusal::RequestTimeout,
            Refusal::LevelNotAllowed {
                allowed: vec![Level::Reseller],
                level: Level::Distributor,
                parent_level: Level::SubDistributor,
            },
            Refusal::CapacityExceeded(Box::new(CapacityExceeded {
                asked: Some(5),
                dealer_id: Some("dlr_1".into()),
                dealer_name: Some("Harbor".into()),
                dimension: Some("extensions".into()),
                free: Some(2),
                plan: None,
                also: vec![],
            })),
            Refusal::CapacityExceeded(Box::new(CapacityExceeded {
                dealer_id: Some("dlr_1".into()),
                dealer_name: Some("Harbor".into()),
                dimension: Some("high_availability".into()),
                ..CapacityExceeded::default()
            })),
            Refusal::CapacityExceeded(Box::new(CapacityExceeded {
                plan: Some(plan()),
                ..CapacityExceeded::default()
            })),
            Refusal::PackageBelowUsage {
                allocated: 10,
                dimension: "extensions".into(),
                requested: 5,
                shortfall: 7,
                used: 2,
            },
            Refusal::HasChildren {
                sub_dealers: 1,
                tenants: 2,
            },
            Refusal::NameTaken,
            Refusal::DomainTaken,
            Refusal::EmailTaken,
            Refusal::BelowCostDownstream {
                cards: vec![BelowCostCard {
                    id: "rc_2".into(),
                    name: "Flat".into(),
                    why: "44 below cost".into(),
                }],
            },
            Refusal::CardInUse,
            Refusal::NotActive,
            Refusal::RateCardRequired { plan: plan() },
            Refusal::BelowMinimumExtensions { plan: plan() },
            Refusal::RateCardNotUsable { plan: plan() },
            Refusal::DestinationSuspended { plan: plan() },
            Refusal::MoveBlocked { plan: plan() },
            Refusal::VersionMismatch { current_version: 4 },
            Refusal::PayloadTooLarge { limit_bytes: 16384 },
            Refusal::InvalidField { lines: vec![] },
            Refusal::InvalidField {
                lines: vec![BadLine {
                    line: 2,
                    message: "the rate is not a number".into(),
                }],
            },
            Refusal::BelowCost {
                count: 3,
                prefixes: vec!["44".into(), "4420".into()],
            },
            Refusal::RateLimited,
            Refusal::Internal,
            Refusal::MailFailed,
            Refusal::Busy,
            Refusal::UnexpectedResponse,
            Refusal::Other {
                code: "teapot".into(),
                details: json!({ "short": true }),
            },
        ];
        for r in &all {
            match r {
                Refusal::BadRequest
                | Refusal::Unauthenticated
                | Refusal::InvalidCredentials
                | Refusal::Forbidden { .. }
                | Refusal::ReadOnlySession
                | Refusal::NotFound
                | Refusal::MethodNotAllowed
                | Refusal::RequestTimeout
                | Refusal::LevelNotAllowed { .. }
                | Refusal::CapacityExceeded(_)
                | Refusal::PackageBelowUsage { .. }
                | Refusal::HasChildren { .. }
                | Refusal::NameTaken
                | Refusal::DomainTaken
                | Refusal::EmailTaken
                | Refusal::BelowCostDownstream { .. }
                | Refusal::CardInUse
                | Refusal::NotActive
                | Refusal::RateCardRequired { .. }
                | Refusal::BelowMinimumExtensions { .. }
                | Refusal::RateCardNotUsable { .. }
                | Refusal::DestinationSuspended { .. }
                | Refusal::MoveBlocked { .. }
                | Refusal::VersionMismatch { .. }
                | Refusal::PayloadTooLarge { .. }
                | Refusal::InvalidField { .. }
                | Refusal::BelowCost { .. }
                | Refusal::RateLimited
                | Refusal::Internal
                | Refusal::MailFailed
                | Refusal::Busy
                | Refusal::UnexpectedResponse
                | Refusal::Other { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_refusal_reads_back_as_itself() {
        for refusal in one_of_each() {
            let body = ErrorBody {
                error: ErrorDetail {
                    refusal: refusal.clone(),
                    message: "a sentence".into(),
                    field: Some("name".into()),
                },
            };
            let text = serde_json::to_string(&body).unwrap();
            let back: ErrorBody = serde_json::from_str(&text).unwrap();
            assert_eq!(back, body, "{text}");
            assert_eq!(back.error.refusal.code(), refusal.code());
            assert!(refusal.details().is_object(), "{text}");
        }
    }

    #[test]
    fn the_code_is_the_serde_tag() {
        for refusal in one_of_each() {
            if matches!(refusal, Refusal::Other { .. }) {
                continue;
            }
            let tagged = serde_json::to_value(&refusal).unwrap();
            assert_eq!(tagged["code"], refusal.code(), "{tagged}");
        }
    }

    #[test]
    fn the_wire_shape_is_code_message_field_details() {
        let body = ErrorBody {
            error: ErrorDetail {
                refusal: Refusal::CapacityExceeded(Box::new(CapacityExceeded {
                    asked: Some(5),
                    dealer_id: Some("dlr_1".into()),
                    dealer_name: Some("Harbor".into()),
                    dimension: Some("extensions".into()),
                    free: Some(2),
                    plan: None,
                    also: vec![],
                })),
                message: "extensions: asked 5, only 2 free at Harbor".into(),
                field: Some("extensions".into()),
            },
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"error":{"code":"capacity_exceeded","message":"extensions: asked 5, only 2 free at Harbor","field":"extensions","details":{"asked":5,"dealer_id":"dlr_1","dealer_name":"Harbor","dimension":"extensions","free":2}}}"#
        );
        let body = ErrorBody {
            error: ErrorDetail {
                refusal: Refusal::NotFound,
                message: "no such object".into(),
                field: None,
            },
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"error":{"code":"not_found","message":"no such object","details":{}}}"#
        );
    }

    #[test]
    fn unknown_codes_and_unreadable_details_stay_readable() {
        let r = Refusal::from_wire("teapot".into(), json!({ "short": true }));
        assert_eq!(r.code(), "teapot");
        assert_eq!(r.details(), json!({ "short": true }));
        // A known code with details of another shape.
        let odd = json!({ "missing": ["no:such"] });
        let r = Refusal::from_wire("forbidden".into(), odd.clone());
        assert_eq!(
            r,
            Refusal::Other {
                code: "forbidden".into(),
                details: odd
            }
        );
        // Details a newer server adds to a known code are ignored.
        let r = Refusal::from_wire("not_found".into(), json!({ "hint": "x" }));
        assert_eq!(r, Refusal::NotFound);
        let r = Refusal::from_wire(
            "version_mismatch".into(),
            json!({ "current_version": 2, "by": "x" }),
        );
        assert_eq!(r, Refusal::VersionMismatch { current_version: 2 });
        // An error object without details.
        let e: ErrorBody =
            serde_json::from_str(r#"{"error":{"code":"busy","message":"later"}}"#).unwrap();
        assert_eq!(e.error.refusal, Refusal::Busy);
    }

    #[test]
    fn a_refused_move_carries_its_plan() {
        for r in one_of_each() {
            let has = r.details().get("plan").is_some();
            assert_eq!(r.move_plan().is_some(), has, "{r:?}");
        }
    }
}
