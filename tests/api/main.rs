//! API tests: the real server over HTTP with the project's own typed client.

mod helpers;

mod activation;
mod audit;
mod bootstrap;
mod capacity;
mod concurrency;
mod default_deny;
mod errors;
mod levels;
mod moves;
mod openapi;
mod rate_cards;
mod review;
mod scope;
mod sessions;
mod tenants;
mod view_as;
