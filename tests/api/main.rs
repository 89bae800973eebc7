//! API tests: the real server over HTTP with the project's own typed client.

#[path = "../support/backend.rs"]
#[macro_use]
mod backend;
mod helpers;
#[path = "../support/paging.rs"]
mod paging;

mod activation;
mod api_keys;
mod audit;
mod bootstrap;
mod capacity;
mod concurrency;
mod default_deny;
mod dry_runs;
mod errors;
mod hardening;
mod instances;
mod levels;
mod migrate_store;
mod model;
mod moves;
mod openapi;
mod plans;
mod races;
mod rate_cards;
mod refusals;
mod review;
mod scope;
mod search;
mod sessions;
mod sorting;
mod tenants;
mod usage_counters;
mod view_as;

#[test]
fn the_postgresql_half_runs_under_ci() {
    backend::require_postgres_under_ci();
}
