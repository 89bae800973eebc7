//! The group forms: a new group (blank or from a template) and a group's name, description and
//! permissions; only permissions the caller holds can be ticked.

use crate::console::widgets::checks::name_check;
use crate::console::widgets::form::{Field, Form, Kind};
use crate::console::writes::{FormData, Write};
use crate::model::*;

/// A new group of the caller's dealer, blank or from a template.
pub fn new_group(data: &FormData, held: &[Permission]) -> Form {
    let mut options = vec![(String::new(), "blank".to_string())];
    options.extend(
        data.templates
            .iter()
            .map(|t| (t.key.clone(), t.name.clone())),
    );
    Form::new(
        "New group",
        vec![
            Field::select("template", "from template", options, 0)
                .hint("space picks; a template fills the permissions"),
            Field::text("name", "name", "").required().check(name_check),
            Field::text("description", "description", ""),
            permission_field(&[], held),
        ],
    )
}

/// A group's name, description and permissions.
pub fn edit_group(data: &FormData, held: &[Permission]) -> Form {
    let g = data.group.clone();
    Form::new(
        format!(
            "Edit {}",
            g.as_ref().map(|g| g.name.as_str()).unwrap_or("?")
        ),
        vec![
            Field::text(
                "name",
                "name",
                g.as_ref().map(|g| g.name.as_str()).unwrap_or(""),
            )
            .required()
            .check(name_check),
            Field::text(
                "description",
                "description",
                g.as_ref().map(|g| g.description.as_str()).unwrap_or(""),
            ),
            permission_field(
                g.as_ref().map(|g| g.permissions.as_slice()).unwrap_or(&[]),
                held,
            ),
        ],
    )
}

/// The new group a filled form asks for.
pub fn create_write(dealer_id: &str, form: &Form) -> Write {
    let v = |k: &str| form.value(k);
    Write::CreateGroup(NewGroup {
        dealer_id: dealer_id.into(),
        name: v("name"),
        description: v("description"),
        permissions: permissions_of(form),
        template: None,
    })
}

/// The changes a filled form saves.
pub fn edit_write(id: &str, form: &Form, version: i64) -> Write {
    let v = |k: &str| form.value(k);
    Write::UpdateGroup {
        id: id.into(),
        version,
        patch: GroupPatch {
            name: Some(v("name")),
            description: Some(v("description")),
            permissions: Some(permissions_of(form)),
        },
    }
}

/// When a template is picked in a new-group form, its permissions fill the matrix.
pub fn apply_template(form: &mut Form, templates: &[GroupTemplate], held: &[Permission]) {
    let key = form.value("template");
    if let Some(t) = templates.iter().find(|t| t.key == key) {
        let chosen: Vec<Permission> = t
            .permissions
            .iter()
            .filter(|p| held.contains(p))
            .copied()
            .collect();
        if let Some(f) = form.field_mut("permissions") {
            *f = permission_field(&chosen, held);
        }
        // The description follows the template while it is one a template wrote (or empty);
        // what the user typed is theirs and stays.
        let typed = form.value("description");
        let from_template = typed.is_empty() || templates.iter().any(|o| o.description == typed);
        if from_template
            && let Some(Field {
                kind: Kind::Text { input, .. },
                ..
            }) = form.field_mut("description")
        {
            *input = tui_input::Input::new(t.description.clone());
        }
    }
}

/// A permission grid of only what the login holds (an API key's: a key holds no more).
pub fn held_permission_field(held: &[Permission]) -> Field {
    let options = reading_order(held.to_vec())
        .into_iter()
        .map(|p| (p.to_string(), p.to_string(), true))
        .collect();
    Field::multi("permissions", "permissions", options, &[])
}

fn permission_field(chosen: &[Permission], held: &[Permission]) -> Field {
    let options = reading_order(Permission::all())
        .into_iter()
        .map(|p| (p.to_string(), p.to_string(), held.contains(&p)))
        .collect();
    let chosen: Vec<String> = chosen.iter().map(|p| p.to_string()).collect();
    Field::multi("permissions", "permissions", options, &chosen)
}

/// The permissions in the order the grid shows them: area by area (`dealers:suspend` beside
/// `dealers:delete`, not after every area), so that moving along the grid moves along what is
/// read, and a tick lands where the eye is.
fn reading_order(all: Vec<Permission>) -> Vec<Permission> {
    let area = |p: &Permission| {
        p.to_string()
            .split(':')
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let mut areas: Vec<String> = Vec::new();
    for p in &all {
        if !areas.contains(&area(p)) {
            areas.push(area(p));
        }
    }
    let mut ordered = all;
    ordered.sort_by_key(|p| areas.iter().position(|a| *a == area(p)));
    ordered
}

/// The permissions ticked in a form's grid.
pub fn permissions_of(form: &Form) -> Vec<Permission> {
    form.field("permissions")
        .map(Field::chosen)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_follows_the_template_until_the_user_writes_one() {
        use crate::console::widgets::form::Form;
        let templates = crate::domain::permissions::templates();
        let keys: Vec<(String, String)> = templates
            .iter()
            .map(|t| (t.key.clone(), t.key.clone()))
            .collect();
        let mut form = Form::new(
            "New group",
            vec![
                Field::select("template", "template", keys, 0),
                Field::text("description", "description", ""),
                permission_field(&[], &Permission::all()),
            ],
        );
        let pick = |form: &mut Form, i: usize| {
            if let Some(Field {
                kind: Kind::Select { selected, .. },
                ..
            }) = form.field_mut("template")
            {
                *selected = i;
            }
            apply_template(form, &templates, &Permission::all());
        };
        pick(&mut form, 0);
        assert_eq!(form.value("description"), templates[0].description);
        pick(&mut form, 1);
        assert_eq!(
            form.value("description"),
            templates[1].description,
            "the second template's words, not the first's"
        );
        if let Some(Field {
            kind: Kind::Text { input, .. },
            ..
        }) = form.field_mut("description")
        {
            *input = tui_input::Input::new("night shift supervisors".into());
        }
        pick(&mut form, 2);
        assert_eq!(form.value("description"), "night shift supervisors");
    }

    #[test]
    fn the_grid_runs_area_by_area_as_it_reads() {
        let order: Vec<String> = reading_order(Permission::all())
            .iter()
            .map(Permission::to_string)
            .collect();
        let at = |p: &str| order.iter().position(|o| o == p).unwrap();
        assert_eq!(at("dealers:suspend"), at("dealers:delete") + 1);
        assert_eq!(at("tenants:read"), at("dealers:suspend") + 1);
        assert_eq!(at("tenants:move"), at("tenants:suspend") + 1);
        assert!(at("audit:read") > at("tenants:move"));
        assert_eq!(order.len(), Permission::all().len());
    }
}
