//! The OS keyring (Secret Service here) through the store the console uses. Without a Secret
//! Service (a developer's plain `cargo test`) this says it was skipped; under CI it must run.

use dealerctl::config::CredentialChoice;
use dealerctl::credentials::{CredentialStore, StoreKind};

#[test]
fn the_os_keyring_stores_reads_and_deletes_a_token() {
    let store = CredentialStore::open(CredentialChoice::Keyring);
    if store.kind() != StoreKind::OsKeyring {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must exercise the real Secret Service, but: {:?}",
            store.note
        );
        eprintln!("skipped: no OS keyring here ({:?})", store.note);
        return;
    }
    let account = format!("test:{}", uuid::Uuid::now_v7().simple());
    store.set(&account, "token-one").unwrap();
    assert_eq!(store.get(&account).unwrap().as_deref(), Some("token-one"));
    // Another start of the console finds it.
    let again = CredentialStore::open(CredentialChoice::Auto);
    assert_eq!(
        again.kind(),
        StoreKind::OsKeyring,
        "auto prefers the OS keyring"
    );
    assert_eq!(again.get(&account).unwrap().as_deref(), Some("token-one"));
    store.set(&account, "token-two").unwrap();
    assert_eq!(again.get(&account).unwrap().as_deref(), Some("token-two"));
    store.delete(&account).unwrap();
    assert_eq!(again.get(&account).unwrap(), None);
    store.delete(&account).expect("deleting nothing is fine");
}
