//! The small HTML page behind activation and reset links: a form that sets the password.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::ops::sign_in::set_password;
use super::routes::auth::Anonymous;
use super::state::AppState;
use crate::domain::validate::MIN_PASSWORD_LEN;

const PAGE: &str = include_str!("../../assets/activate.html");

#[derive(Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The page carries a password-setting token in its address and form: it may not be framed,
/// cached, or leak its address to another site, and it runs no script at all.
const SECURITY_HEADERS: [(HeaderName, &str); 5] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::CACHE_CONTROL, "no-store"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
];

fn page(body: String) -> Response {
    let mut r = Html(PAGE.replace("{{BODY}}", &body)).into_response();
    for (name, value) in SECURITY_HEADERS {
        r.headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    r
}

fn form(token: &str, error: Option<&str>) -> Response {
    let error = error
        .map(|e| format!("<p class=\"message error\">{}</p>", escape(e)))
        .unwrap_or_default();
    page(format!(
        "<p>Choose the password for your login (at least {MIN_PASSWORD_LEN} characters).</p>{error}\
         <form method=\"post\" action=\"/activate\">\
         <input type=\"hidden\" name=\"token\" value=\"{}\">\
         <label for=\"password\">New password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"new-password\" required minlength=\"{MIN_PASSWORD_LEN}\">\
         <label for=\"confirm\">Repeat it</label><input type=\"password\" id=\"confirm\" name=\"confirm\" autocomplete=\"new-password\" required>\
         <button type=\"submit\">Set password</button></form>",
        escape(token)
    ))
}

/// `GET /activate?token=…`: the form.
pub async fn show(Query(q): Query<LinkQuery>) -> Response {
    form(&q.token, None)
}

/// `POST /activate`: sets the password, or shows the form again with the reason.
pub async fn submit(
    State(st): State<AppState>,
    Anonymous(actor): Anonymous,
    Form(f): Form<PasswordForm>,
) -> Response {
    if f.password != f.confirm {
        return form(&f.token, Some("The two passwords differ."));
    }
    match set_password(&st, &actor, &f.token, f.password).await {
        Ok(()) => page(
            "<p class=\"message\">Your password is set. You can now sign in with dealerctl.</p>"
                .into(),
        ),
        Err(e) => form(&f.token, Some(&e.message)),
    }
}
