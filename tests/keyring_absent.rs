//! When no OS keyring answers: the kernel keyring if it keeps secrets, else memory only, with a
//! note the console shows. (Its own test binary: it points the session bus nowhere.)

use dealerctl::config::CredentialChoice;
use dealerctl::credentials::{CredentialStore, StoreKind};

#[test]
fn without_an_os_keyring_the_store_falls_back_and_says_why() {
    // SAFETY: this test binary has this one test, so no other thread reads the environment.
    unsafe {
        std::env::set_var(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/dealerctl-test-bus",
        );
    }
    let strict = CredentialStore::open(CredentialChoice::Keyring);
    assert_eq!(strict.kind(), StoreKind::Memory);
    let note = strict.note.clone().expect("the fallback is explained");
    assert!(
        note.contains("memory only") && note.contains("OS keyring unavailable"),
        "{note}"
    );

    let auto = CredentialStore::open(CredentialChoice::Auto);
    match auto.kind() {
        StoreKind::KernelKeyring => {
            // It kept the probe; it keeps real tokens too, and forgets them.
            auto.set("session:test:a@example.net", "t").unwrap();
            assert_eq!(
                auto.get("session:test:a@example.net").unwrap().as_deref(),
                Some("t")
            );
            auto.delete("session:test:a@example.net").unwrap();
            assert_eq!(auto.get("session:test:a@example.net").unwrap(), None);
        }
        StoreKind::Memory => {
            let note = auto.note.clone().expect("explained");
            assert!(note.contains("kernel keyring unavailable"), "{note}");
        }
        StoreKind::OsKeyring => panic!("no OS keyring can answer on a bus that does not exist"),
    }
    // Memory only still works for this run.
    let memory = CredentialStore::memory();
    memory.set("a", "b").unwrap();
    assert_eq!(memory.get("a").unwrap().as_deref(), Some("b"));
    assert!(
        memory.note.is_none(),
        "memory chosen on purpose needs no excuse"
    );
}
