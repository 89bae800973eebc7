//! The user forms: an invitation to a dealer, and a login's name, groups and status.

use crate::console::widgets::checks::email_check;
use crate::console::widgets::form::{Field, Form};
use crate::console::writes::{FormData, Write};
use crate::model::*;

/// An invitation to the dealer in `data`, with the groups the caller may hand out.
pub fn invite_user(data: &FormData, held: &[Permission]) -> Form {
    let dealer = data.dealer.as_ref().map(|d| d.name.as_str()).unwrap_or("?");
    Form::new(
        format!("Invite a user to {dealer}"),
        vec![
            Field::text("email", "e-mail", "")
                .required()
                .check(email_check),
            Field::text("display_name", "name", ""),
            Field::multi(
                "group_ids",
                "groups",
                group_options(&data.groups, held),
                &[],
            )
            .required()
            .hint("a user without a group can do nothing at all"),
        ],
    )
}

/// A login's name, groups and status.
pub fn edit_user(data: &FormData, held: &[Permission]) -> Form {
    let u = data.user.clone();
    let chosen: Vec<String> = u
        .iter()
        .flat_map(|u| u.group_ids.iter().map(GroupId::to_string))
        .collect();
    Form::new(
        format!(
            "Edit {}",
            u.as_ref().map(|u| u.email.as_str()).unwrap_or("?")
        ),
        vec![
            Field::text(
                "display_name",
                "name",
                u.as_ref().map(|u| u.display_name.as_str()).unwrap_or(""),
            ),
            Field::multi(
                "group_ids",
                "groups",
                group_options(&data.groups, held),
                &chosen,
            )
            .required()
            .hint("a user without a group can do nothing at all"),
            Field::checkbox("enabled", "enabled", u.as_ref().is_none_or(|u| u.enabled)),
        ],
    )
}

/// The invitation a filled form sends.
pub fn invite_write(dealer_id: &str, form: &Form) -> Write {
    let v = |k: &str| form.value(k);
    Write::CreateUser(NewUser {
        dealer_id: dealer_id.into(),
        email: v("email"),
        display_name: v("display_name"),
        group_ids: chosen_groups(form),
    })
}

/// The changes a filled form saves.
pub fn edit_write(id: &str, form: &Form, version: i64) -> Write {
    let v = |k: &str| form.value(k);
    let checked = |k: &str| form.field(k).is_some_and(Field::checked);
    Write::UpdateUser {
        id: id.into(),
        version,
        patch: UserPatch {
            display_name: Some(v("display_name")),
            group_ids: Some(chosen_groups(form)),
            enabled: Some(checked("enabled")),
        },
    }
}

/// The groups ticked on the form.
fn chosen_groups(form: &Form) -> Vec<GroupId> {
    let chosen = form.field("group_ids").map(Field::chosen);
    chosen.into_iter().flatten().map(GroupId::from).collect()
}

/// The groups to pick from, each labelled with what it gives: its number of permissions, and
/// whether it lets its members view as others or change anything, so that a powerful group is
/// never ticked unseen.
fn group_options(groups: &[Group], held: &[Permission]) -> Vec<(String, String, bool)> {
    groups
        .iter()
        .map(|g| {
            let grantable = g.permissions.iter().all(|p| held.contains(p));
            let owner = if g.inherited {
                format!(" ({})", g.dealer_name)
            } else {
                String::new()
            };
            (
                g.id.to_string(),
                format!("{}{owner} {}", g.name, powers(&g.permissions)),
                grantable,
            )
        })
        .collect()
}

/// "[3, read only]", "[13, writes]", "[29, writes, impersonate]".
fn powers(permissions: &[Permission]) -> String {
    let mut words = vec![permissions.len().to_string()];
    let writes = permissions
        .iter()
        .any(|p| !p.is_read() && *p != Permission::Impersonate);
    words.push(if writes { "writes" } else { "read only" }.into());
    if permissions.contains(&Permission::Impersonate) {
        words.push("impersonate".into());
    }
    format!("[{}]", words.join(", "))
}
