//! The API keys popup of the Users tab: the login's own keys, a new key's secret shown once,
//! and revocation after a question that names the key.

use crate::harness::Console;
use crate::snapshot;

const W: u16 = 80;
const H: u16 = 24;

#[tokio::test]
async fn a_key_is_made_its_secret_shown_once_and_revoked_after_a_question() {
    let mut c = Console::signed_in("admin@acme.example").await;
    let api = c.client_as("admin@acme.example").await;
    c.keys("4K").await;
    let empty = c.screen(W, H);
    assert!(
        empty.contains("your API keys") && empty.contains("no keys yet"),
        "{empty}"
    );
    snapshot!("api_keys_empty_80x24", empty);

    // The form offers only what the login holds; a name and one permission make a key.
    c.keys("n").await;
    let form = c.screen(W, H);
    assert!(
        form.contains("New API key") && form.contains("blank: never"),
        "{form}"
    );
    snapshot!("form_new_api_key_80x24", form);
    c.keys("deploy<tab><tab> <enter>").await;
    let (name, secret) = c
        .app
        .api_keys
        .as_ref()
        .and_then(|p| p.secret.clone())
        .expect("the secret is on show");
    assert_eq!(name, "deploy");
    assert!(secret.starts_with("dk_"), "{secret}");
    let shown = c.screen(W, H);
    assert!(
        shown.contains(&secret) && shown.contains("it will not be shown again"),
        "{shown}"
    );
    snapshot!(
        "api_key_secret_80x24",
        // The secret is random: the same width of X in its place.
        shown.replace(&secret, &format!("dk_{}", "X".repeat(secret.len() - 3)))
    );
    let keys = api.list_api_keys().await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        (keys[0].name.as_str(), keys[0].permissions.len()),
        ("deploy", 1)
    );
    // The key works as its owner, for what it holds.
    let key = dealerctl::client::ApiClient::new(api.base_url())
        .unwrap()
        .with_token(secret.clone());
    assert_eq!(key.me().await.unwrap().permissions.len(), 1);

    // Any key closes the secret; the list never shows it again.
    c.keys("x").await;
    let listed = c.screen(W, H);
    assert!(
        listed.contains("deploy") && !listed.contains(&secret),
        "{listed}"
    );
    snapshot!("api_keys_list_80x24", listed);

    // d asks first, naming the key; y revokes it at once.
    c.keys("d").await;
    let asked = c.screen(W, H);
    assert!(asked.contains("Revoke the API key deploy?"), "{asked}");
    c.keys("y").await;
    assert!(
        c.screen(W, H).contains("revoked the API key deploy"),
        "{}",
        c.screen(W, H)
    );
    assert!(api.list_api_keys().await.unwrap().is_empty());
    assert_eq!(key.me().await.unwrap_err().status(), Some(401));
    assert!(c.screen(W, H).contains("no keys yet"));
    c.keys("<esc>").await;
    assert!(c.app.api_keys.is_none());
}
