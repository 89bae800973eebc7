//! Every refusal the server makes reads back, through the client, as the same typed refusal:
//! its code, its details, its sentence and field, and its status.

use dealerctl::client::ClientError;
use dealerctl::domain::capacity::{BelowCommitted, Dimension, Shortfall};
use dealerctl::model::*;
use dealerctl::server::error::{ApiError, status_of};
use dealerctl::server::store::{DownstreamCard, Refusal as StoreRefusal, StoreError};

fn plan(blocker: &str) -> Box<MovePlan> {
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
        capacity: vec![MoveCapacity {
            dimension: "extensions".into(),
            amount: 5,
            destination_free_before: Some(2),
            destination_free_after: None,
            source_free_before: None,
            source_free_after: None,
        }],
        rate_card_before: None,
        rate_card_after: Some(named("rc_1")),
        blockers: vec![MoveBlocker {
            code: blocker.into(),
            message: format!("blocked: {blocker}"),
            field: Some("to_dealer_id".into()),
        }],
        executed: false,
        tenant: None,
    })
}

fn store(r: StoreRefusal) -> ApiError {
    ApiError::from(StoreError::Refused(r))
}

/// The server's refusals, each with the typed refusal the client must read from its answer.
fn made_by_the_server() -> Vec<(ApiError, Refusal)> {
    let capacity = |c: Box<CapacityExceeded>| Refusal::CapacityExceeded(c);
    let mut cases = vec![
        (
            ApiError::bad_request("the body is not valid JSON"),
            Refusal::BadRequest,
        ),
        (
            ApiError::unauthenticated("sign in first"),
            Refusal::Unauthenticated,
        ),
        (ApiError::not_found(), Refusal::NotFound),
        (ApiError::internal(), Refusal::Internal),
        (
            ApiError::forbidden("you cannot delete your own login"),
            Refusal::Forbidden {
                permission: None,
                missing: vec![],
            },
        ),
        (
            ApiError::lacking(
                Permission::TenantsMove,
                "you lack the permission tenants:move",
            ),
            Refusal::Forbidden {
                permission: Some(Permission::TenantsMove),
                missing: vec![],
            },
        ),
        (
            ApiError::unless_held(
                &[Permission::Impersonate, Permission::DealersSuspend],
                |n| format!("you lack {n}"),
            )
            .unwrap_err(),
            Refusal::Forbidden {
                permission: None,
                missing: vec![Permission::Impersonate, Permission::DealersSuspend],
            },
        ),
        (
            ApiError::invalid_field("name", "is empty"),
            Refusal::InvalidField { lines: vec![] },
        ),
        (
            ApiError::invalid_field("rates", "has 1 bad line(s)").with_bad_lines(vec![BadLine {
                line: 2,
                message: "the rate is not a number".into(),
            }]),
            Refusal::InvalidField {
                lines: vec![BadLine {
                    line: 2,
                    message: "the rate is not a number".into(),
                }],
            },
        ),
        (
            ApiError::from(StoreError::VersionMismatch { current: 7 }),
            Refusal::VersionMismatch { current_version: 7 },
        ),
        (
            store(StoreRefusal::LevelNotAllowed {
                parent: Level::SubDistributor,
                child: Level::Distributor,
            }),
            Refusal::LevelNotAllowed {
                allowed: vec![Level::Reseller],
                level: Level::Distributor,
                parent_level: Level::SubDistributor,
            },
        ),
        (
            store(StoreRefusal::Capacity {
                dealer_id: "dlr_1".into(),
                dealer_name: "Harbor".into(),
                shortfall: Shortfall {
                    dimension: Dimension::Extensions,
                    asked: 5,
                    free: 2,
                },
                also: vec![],
            }),
            capacity(Box::new(CapacityExceeded {
                asked: Some(5),
                dealer_id: Some("dlr_1".into()),
                dealer_name: Some("Harbor".into()),
                dimension: Some("extensions".into()),
                free: Some(2),
                plan: None,
                also: vec![],
            })),
        ),
        (
            store(StoreRefusal::NoHighAvailability {
                dealer_id: "dlr_1".into(),
                dealer_name: "Harbor".into(),
            }),
            capacity(Box::new(CapacityExceeded {
                dealer_id: Some("dlr_1".into()),
                dealer_name: Some("Harbor".into()),
                dimension: Some("high_availability".into()),
                ..CapacityExceeded::default()
            })),
        ),
        (
            store(StoreRefusal::BelowCommitted(BelowCommitted {
                dimension: Dimension::ConcurrentCalls,
                requested: 5,
                allocated: 8,
                used: 1,
            })),
            Refusal::PackageBelowUsage {
                allocated: 8,
                dimension: "concurrent_calls".into(),
                requested: 5,
                shortfall: 4,
                used: 1,
            },
        ),
        (
            store(StoreRefusal::HasChildren {
                sub_dealers: 1,
                tenants: 2,
            }),
            Refusal::HasChildren {
                sub_dealers: 1,
                tenants: 2,
            },
        ),
        (
            store(StoreRefusal::Taken {
                field: "name",
                value: "A".into(),
            }),
            Refusal::NameTaken,
        ),
        (
            store(StoreRefusal::Taken {
                field: "domain",
                value: "a.example".into(),
            }),
            Refusal::DomainTaken,
        ),
        (
            store(StoreRefusal::Taken {
                field: "email",
                value: "a@a.example".into(),
            }),
            Refusal::EmailTaken,
        ),
        (
            store(StoreRefusal::Forbidden("not yours".into())),
            Refusal::Forbidden {
                permission: None,
                missing: vec![],
            },
        ),
        (
            store(StoreRefusal::BelowCost {
                count: 3,
                prefixes: vec!["44".into(), "4420".into()],
            }),
            Refusal::BelowCost {
                count: 3,
                prefixes: vec!["44".into(), "4420".into()],
            },
        ),
        (
            store(StoreRefusal::DownstreamBelowCost(vec![DownstreamCard {
                id: "rc_2".into(),
                name: "Flat".into(),
                why: "44 below cost".into(),
            }])),
            Refusal::BelowCostDownstream {
                cards: vec![BelowCostCard {
                    id: "rc_2".into(),
                    name: "Flat".into(),
                    why: "44 below cost".into(),
                }],
            },
        ),
        (
            store(StoreRefusal::CardInUse("2 tenants".into())),
            Refusal::CardInUse,
        ),
        (
            store(StoreRefusal::MoveBlocked(plan("capacity_exceeded"))),
            capacity(Box::new(CapacityExceeded {
                plan: Some(plan("capacity_exceeded")),
                ..CapacityExceeded::default()
            })),
        ),
        (
            store(StoreRefusal::MoveBlocked(plan("rate_card_required"))),
            Refusal::RateCardRequired {
                plan: plan("rate_card_required"),
            },
        ),
        (
            store(StoreRefusal::MoveBlocked(plan("below_minimum_extensions"))),
            Refusal::BelowMinimumExtensions {
                plan: plan("below_minimum_extensions"),
            },
        ),
        (
            store(StoreRefusal::MoveBlocked(plan("rate_card_not_usable"))),
            Refusal::RateCardNotUsable {
                plan: plan("rate_card_not_usable"),
            },
        ),
        (
            store(StoreRefusal::MoveBlocked(plan("destination_suspended"))),
            Refusal::DestinationSuspended {
                plan: plan("destination_suspended"),
            },
        ),
        (
            store(StoreRefusal::MoveBlocked(plan("something_new"))),
            Refusal::MoveBlocked {
                plan: plan("something_new"),
            },
        ),
    ];
    // The refusals made where they happen (guard, sign-in, routes) with no store behind them.
    for r in [
        Refusal::InvalidCredentials,
        Refusal::ReadOnlySession,
        Refusal::MethodNotAllowed,
        Refusal::RequestTimeout,
        Refusal::NotActive,
        Refusal::PayloadTooLarge {
            limit_bytes: 16 * 1024,
        },
        Refusal::RateLimited,
        Refusal::MailFailed,
        Refusal::Busy,
    ] {
        cases.push((ApiError::new(r.clone(), "a sentence"), r));
    }
    cases
}

#[test]
fn every_refusal_of_the_server_reads_back_the_same_through_the_client() {
    for (sent, expected) in made_by_the_server() {
        assert_eq!(*sent.refusal, expected);
        assert_eq!(sent.status, status_of(&expected));
        let bytes = serde_json::to_vec(&sent.body()).unwrap();
        let read = ClientError::from_error_body(sent.status.as_u16(), &bytes);
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(read.refusal(), Some(&expected), "{text}");
        assert_eq!(read.code(), Some(expected.code()), "{text}");
        assert_eq!(read.status(), Some(sent.status.as_u16()));
        assert_eq!(read.field(), sent.field.as_deref());
        assert_eq!(read.to_string(), sent.message);
        assert!(
            !matches!(read.refusal(), Some(Refusal::Other { .. })),
            "{text}"
        );
    }
}

/// The details on the wire are what they were before they were typed: the same keys, in the
/// same order, for the refusals the console and scripts read.
#[test]
fn the_details_keep_their_wire_shape() {
    let body = |e: ApiError| serde_json::to_string(&e.body()).unwrap();
    assert_eq!(
        body(store(StoreRefusal::Capacity {
            dealer_id: "dlr_1".into(),
            dealer_name: "Harbor".into(),
            shortfall: Shortfall {
                dimension: Dimension::Extensions,
                asked: 5,
                free: 2
            },
            also: vec![],
        })),
        r#"{"error":{"code":"capacity_exceeded","message":"Harbor has 2 extensions free; this needs 5","field":"extensions","details":{"asked":5,"dealer_id":"dlr_1","dealer_name":"Harbor","dimension":"extensions","free":2}}}"#
    );
    assert_eq!(
        body(ApiError::lacking(
            Permission::TenantsMove,
            "you lack the permission tenants:move"
        )),
        r#"{"error":{"code":"forbidden","message":"you lack the permission tenants:move","details":{"permission":"tenants:move"}}}"#
    );
    assert_eq!(
        body(ApiError::from(StoreError::VersionMismatch { current: 7 })),
        r#"{"error":{"code":"version_mismatch","message":"changed by someone else since you loaded it (now at version 7); reload and apply again","details":{"current_version":7}}}"#
    );
    assert_eq!(
        body(store(StoreRefusal::LevelNotAllowed {
            parent: Level::SubDistributor,
            child: Level::Distributor
        })),
        r#"{"error":{"code":"level_not_allowed","message":"a sub-distributor cannot create a distributor; it can create: reseller","field":"level","details":{"allowed":["reseller"],"level":"distributor","parent_level":"sub_distributor"}}}"#
    );
    assert_eq!(
        body(ApiError::not_found()),
        r#"{"error":{"code":"not_found","message":"no such object","details":{}}}"#
    );
}

#[test]
fn a_code_the_client_does_not_know_keeps_its_details() {
    let e = ClientError::from_error_body(
        418,
        br#"{"error":{"code":"teapot","message":"short and stout","details":{"spout":1}}}"#,
    );
    assert_eq!(e.code(), Some("teapot"));
    assert_eq!(e.details().unwrap()["spout"], 1);
    assert_eq!(e.to_string(), "short and stout");
    let e = ClientError::from_error_body(502, b"<html>bad gateway</html>");
    assert_eq!(e.refusal(), Some(&Refusal::UnexpectedResponse));
}
