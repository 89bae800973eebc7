//! The small HTML page behind activation and reset links: a form that sets the password.

use axum::Form;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

use super::routes::auth::set_password;
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

fn page(body: String) -> Html<String> {
    Html(PAGE.replace("{{BODY}}", &body))
}

fn form(token: &str, error: Option<&str>) -> Html<String> {
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
pub async fn show(Query(q): Query<LinkQuery>) -> Html<String> {
    form(&q.token, None)
}

/// `POST /activate`: sets the password, or shows the form again with the reason.
pub async fn submit(State(st): State<AppState>, Form(f): Form<PasswordForm>) -> Html<String> {
    if f.password != f.confirm {
        return form(&f.token, Some("The two passwords differ."));
    }
    match set_password(&st, &f.token, f.password).await {
        Ok(()) => page(
            "<p class=\"message\">Your password is set. You can now sign in with dealerctl.</p>"
                .into(),
        ),
        Err(e) => form(&f.token, Some(&e.message)),
    }
}
