//! Marks builds made without a PostgreSQL test server (`DEALERCTL_TEST_POSTGRES` unset), so the
//! PostgreSQL half of the test suites is listed as ignored, with the reason, rather than passing
//! silently.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(no_test_postgres)");
    println!("cargo::rerun-if-env-changed=DEALERCTL_TEST_POSTGRES");
    println!("cargo::rerun-if-changed=build.rs");
    if !std::env::var("DEALERCTL_TEST_POSTGRES").is_ok_and(|v| !v.trim().is_empty()) {
        println!("cargo::rustc-cfg=no_test_postgres");
    }
}
