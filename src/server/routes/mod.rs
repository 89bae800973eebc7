//! The API routes, one file per resource, collected with their OpenAPI descriptions.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod dealers;
pub mod groups;
pub mod health;
pub mod plans;
pub mod rate_cards;
pub mod search;
pub mod tenants;
pub mod tree;
pub mod users;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::guard::{CSV_BODY_LIMIT, Need, Rule, delete, get, guard, holds, may, patch, post, put};
use super::state::AppState;
use crate::model::{Action, Area, Permission};

/// Every `/api/v1` route, with what it needs of its caller and the OpenAPI description
/// generated from the same handlers. A route cannot be added without its need: `guard` refuses a
/// method that declares none, and the default-deny test sweeps every operation of the document.
pub fn api() -> OpenApiRouter<AppState> {
    use Action::*;
    use Area::*;
    let r = |group, rules: Vec<Rule>| guard(group, rules);
    OpenApiRouter::new()
        .routes(r(routes!(auth::login), vec![post(Need::Public)]))
        .routes(r(routes!(auth::logout), vec![post(Need::SignedIn)]))
        .routes(r(routes!(auth::activate), vec![post(Need::Public)]))
        .routes(r(
            routes!(auth::impersonate),
            vec![post(holds(Permission::Impersonate))],
        ))
        .routes(r(routes!(auth::me), vec![get(Need::SignedIn)]))
        // A login's own keys: each holds only what the login does (`ops::api_keys`).
        .routes(r(
            routes!(api_keys::list, api_keys::create),
            vec![get(Need::SignedIn), post(Need::SignedIn)],
        ))
        .routes(r(routes!(api_keys::revoke), vec![delete(Need::SignedIn)]))
        .routes(r(
            routes!(dealers::list, dealers::create),
            vec![get(may(Dealers, Read)), post(may(Dealers, Create))],
        ))
        .routes(r(
            routes!(dealers::get, dealers::update, dealers::delete),
            vec![
                get(may(Dealers, Read)),
                patch(may(Dealers, Update)),
                delete(may(Dealers, Delete)),
            ],
        ))
        .routes(r(
            routes!(dealers::suspend),
            vec![post(holds(Permission::DealersSuspend))],
        ))
        .routes(r(
            routes!(dealers::resume),
            vec![post(holds(Permission::DealersSuspend))],
        ))
        .routes(r(
            routes!(dealers::capacity),
            vec![get(may(Packages, Read))],
        ))
        .routes(r(
            routes!(dealers::set_package),
            vec![put(may(Packages, Update))],
        ))
        .routes(r(routes!(tree::tree), vec![get(may(Dealers, Read))]))
        // Each kind is searched only if the caller may read it (`ops::search`).
        .routes(r(routes!(search::search), vec![get(Need::SignedIn)]))
        .routes(r(
            routes!(tenants::list, tenants::create),
            vec![get(may(Tenants, Read)), post(may(Tenants, Create))],
        ))
        .routes(r(
            routes!(tenants::get, tenants::update, tenants::delete),
            vec![
                get(may(Tenants, Read)),
                patch(may(Tenants, Update)),
                delete(may(Tenants, Delete)),
            ],
        ))
        .routes(r(
            routes!(tenants::suspend),
            vec![post(holds(Permission::TenantsSuspend))],
        ))
        .routes(r(
            routes!(tenants::resume),
            vec![post(holds(Permission::TenantsSuspend))],
        ))
        .routes(r(
            routes!(tenants::move_tenant),
            vec![post(holds(Permission::TenantsMove))],
        ))
        .routes(r(
            routes!(rate_cards::list, rate_cards::create),
            vec![get(may(RateCards, Read)), post(may(RateCards, Create))],
        ))
        .routes(r(
            routes!(rate_cards::preview),
            vec![post(may(RateCards, Read))],
        ))
        .routes(r(
            routes!(rate_cards::get, rate_cards::update, rate_cards::delete),
            vec![
                get(may(RateCards, Read)),
                patch(may(RateCards, Update)),
                delete(may(RateCards, Delete)),
            ],
        ))
        .routes(r(
            routes!(rate_cards::rates, rate_cards::import),
            vec![
                get(may(RateCards, Read)),
                // The CSV is read by the handler, after the token and the permission.
                put(may(RateCards, Update)).streamed(CSV_BODY_LIMIT),
            ],
        ))
        .routes(r(
            routes!(rate_cards::assign),
            // To a dealer: rate_cards:update; to a tenant: tenants:update (the body says which).
            vec![post(Need::Permission(vec![
                Permission::Crud(RateCards, Update),
                Permission::Crud(Tenants, Update),
            ]))],
        ))
        .routes(r(
            routes!(rate_cards::quote),
            vec![get(may(RateCards, Read))],
        ))
        .routes(r(
            routes!(users::list, users::create),
            vec![get(may(Users, Read)), post(may(Users, Create))],
        ))
        .routes(r(
            routes!(users::get, users::update, users::delete),
            vec![
                get(may(Users, Read)),
                patch(may(Users, Update)),
                delete(may(Users, Delete)),
            ],
        ))
        .routes(r(
            routes!(users::reset_password),
            vec![post(may(Users, Update))],
        ))
        .routes(r(routes!(users::scope), vec![get(may(Users, Read))]))
        .routes(r(
            routes!(groups::permissions),
            vec![get(may(Groups, Read))],
        ))
        .routes(r(routes!(groups::templates), vec![get(may(Groups, Read))]))
        .routes(r(
            routes!(groups::list, groups::create),
            vec![get(may(Groups, Read)), post(may(Groups, Create))],
        ))
        .routes(r(
            routes!(groups::get, groups::update, groups::delete),
            vec![
                get(may(Groups, Read)),
                patch(may(Groups, Update)),
                delete(may(Groups, Delete)),
            ],
        ))
        .routes(r(routes!(audit::list), vec![get(may(Audit, Read))]))
        .routes(r(routes!(plans::export), vec![get(may(Dealers, Read))]))
        // Each step checks its own permission, through its operation.
        .routes(r(routes!(plans::plan), vec![post(Need::SignedIn)]))
        .routes(r(routes!(plans::apply), vec![post(Need::SignedIn)]))
}
