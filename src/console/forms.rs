//! The write flows: which form each action opens, what it needs from the server first, and the
//! request a filled form becomes.

use super::widgets::form::{Field, Form, Kind};
use crate::domain::capacity::MAX_PACKAGE_AMOUNT;
use crate::domain::level::creatable_levels;
use crate::domain::validate;
use crate::model::*;

/// What a form is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    NewDealer {
        parent_id: String,
    },
    EditDealer {
        id: String,
    },
    EditPackage {
        id: String,
    },
    NewTenant {
        dealer_id: String,
    },
    EditTenant {
        id: String,
    },
    InviteUser {
        dealer_id: String,
    },
    EditUser {
        id: String,
    },
    NewGroup {
        dealer_id: String,
    },
    EditGroup {
        id: String,
    },
    /// A customer card over a parent card, owned by `dealer_id` (both preselected).
    DeriveRateCard {
        parent_id: Option<String>,
        dealer_id: String,
    },
    EditRateCard {
        id: String,
    },
    ImportRates {
        id: String,
        name: String,
    },
    AssignRateCard {
        id: String,
    },
}

/// What the server tells a form before it opens (or reopens after a version conflict).
#[derive(Debug, Clone, Default)]
pub struct FormData {
    pub dealer: Option<Dealer>,
    pub capacity: Option<Capacity>,
    pub tenant: Option<Tenant>,
    pub user: Option<User>,
    pub group: Option<Group>,
    /// Groups usable by the dealer concerned.
    pub groups: Vec<Group>,
    pub templates: Vec<GroupTemplate>,
    /// The card concerned, and the cards the caller can see (parents to derive from).
    pub rate_card: Option<RateCard>,
    pub rate_cards: Vec<RateCard>,
    /// Dealers and tenants in scope (owners, assignees).
    pub dealers: Vec<Dealer>,
    pub tenants: Vec<Tenant>,
    /// The platform's limits, as the server said in `/me`.
    pub policy: PlatformPolicy,
}

/// A request a form or a confirmation sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    CreateDealer(NewDealer),
    UpdateDealer {
        id: String,
        version: i64,
        patch: DealerPatch,
    },
    SetPackage {
        id: String,
        version: i64,
        package: Package,
    },
    DeleteDealer {
        id: String,
        name: String,
    },
    SuspendDealer {
        id: String,
        name: String,
        resume: bool,
    },
    CreateTenant(NewTenant),
    UpdateTenant {
        id: String,
        version: i64,
        patch: TenantPatch,
    },
    DeleteTenant {
        id: String,
        name: String,
    },
    SuspendTenant {
        id: String,
        name: String,
        resume: bool,
    },
    CreateUser(NewUser),
    UpdateUser {
        id: String,
        version: i64,
        patch: UserPatch,
    },
    DeleteUser {
        id: String,
        email: String,
    },
    ResetPassword {
        id: String,
        email: String,
    },
    CreateGroup(NewGroup),
    UpdateGroup {
        id: String,
        version: i64,
        patch: GroupPatch,
    },
    DeleteGroup {
        id: String,
        name: String,
    },
    CreateRateCard(NewRateCard),
    UpdateRateCard {
        id: String,
        version: i64,
        patch: RateCardPatch,
    },
    /// The console reads the file at `path` and replaces the card's rates with it.
    ImportRates {
        id: String,
        name: String,
        path: String,
    },
    AssignRateCard {
        id: String,
        to: RateCardAssignment,
        /// The dealer's or tenant's name, for the flash line.
        target: String,
    },
    DeleteRateCard {
        id: String,
        name: String,
    },
    /// Executes a tenant move (`request.dry_run` is false) exactly as planned: at the tenant's
    /// version the plan was made at.
    MoveTenant {
        id: String,
        name: String,
        to_name: String,
        request: TenantMove,
        plan: Box<MovePlan>,
    },
}

impl Write {
    /// The flash line after success.
    pub fn done(&self) -> String {
        match self {
            Write::CreateDealer(n) => format!("created {}", n.name),
            Write::UpdateDealer { .. } => "saved the dealer".into(),
            Write::SetPackage { .. } => "saved the package".into(),
            Write::DeleteDealer { name, .. } => format!("deleted {name}"),
            Write::SuspendDealer { name, resume, .. }
            | Write::SuspendTenant { name, resume, .. } => {
                format!("{} {name}", if *resume { "resumed" } else { "suspended" })
            }
            Write::CreateTenant(n) => format!("created {}", n.name),
            Write::UpdateTenant { .. } => "saved the tenant".into(),
            Write::DeleteTenant { name, .. } => format!("deleted {name}"),
            Write::CreateUser(n) => format!("invited {} (the link is on its way)", n.email),
            Write::UpdateUser { .. } => "saved the user".into(),
            Write::DeleteUser { email, .. } => format!("deleted {email}"),
            Write::ResetPassword { email, .. } => {
                format!("sent {email} a new link; the old password no longer works")
            }
            Write::CreateGroup(n) => format!("created {}", n.name),
            Write::UpdateGroup { .. } => "saved the group".into(),
            Write::DeleteGroup { name, .. } => format!("deleted {name}"),
            Write::CreateRateCard(n) => format!("created {}", n.name),
            Write::UpdateRateCard { .. } => "saved the rate card".into(),
            Write::ImportRates { name, path, .. } => format!("imported {path} into {name}"),
            Write::AssignRateCard { to, target, .. } if to.unassign => {
                format!("took the card back from {target}")
            }
            Write::AssignRateCard { target, .. } => format!("assigned the card to {target}"),
            Write::DeleteRateCard { name, .. } => format!("deleted {name}"),
            Write::MoveTenant { name, to_name, .. } => format!("moved {name} to {to_name}"),
        }
    }
}

fn email_check(v: &str) -> Result<(), String> {
    validate::optional_email("email", v)
        .map(|_| ())
        .map_err(|e| e.message)
}

fn domain_check(v: &str) -> Result<(), String> {
    validate::sip_domain("domain", v)
        .map(|_| ())
        .map_err(|e| e.message)
}

/// The server's own name rule, checked as the user types (also for rate cards).
pub(super) fn name_check(v: &str) -> Result<(), String> {
    validate::name("name", v).map(|_| ()).map_err(|e| e.message)
}

fn free_hint(cap: Option<&Capacity>, pick: fn(&Capacity) -> DimensionUsage) -> Option<String> {
    let d = pick(cap?);
    Some(match d.free {
        Some(f) => format!("free above: {f}"),
        None => "unlimited above".into(),
    })
}

fn package_fields(
    p: &Package,
    above: Option<&Capacity>,
    allow_unlimited: bool,
    policy: &PlatformPolicy,
) -> Vec<Field> {
    let num = |key, label, v: Option<i64>, pick: fn(&Capacity) -> DimensionUsage| {
        let mut f = Field::number(key, label, v.unwrap_or(0), 0, MAX_PACKAGE_AMOUNT);
        if v.is_none() {
            // Unlimited stays unlimited unless a number is typed.
            if let Kind::Number { input, .. } = &mut f.kind {
                *input = tui_input::Input::default();
            }
            f = f.hint("unlimited");
        }
        if let Some(h) = free_hint(above, pick) {
            f = f.hint(h);
        }
        let _ = allow_unlimited;
        f
    };
    vec![
        num("max_tenants", "tenants", p.max_tenants, |c| c.max_tenants),
        num("extensions", "extensions", p.extensions, |c| c.extensions),
        num(
            "concurrent_calls",
            "concurrent calls",
            p.concurrent_calls,
            |c| c.concurrent_calls,
        ),
        num(
            "recording_minutes",
            "recording minutes",
            p.recording_minutes,
            |c| c.recording_minutes,
        ),
        Field::checkbox(
            "high_availability",
            "high availability",
            p.high_availability,
        )
        .hint(if above.is_some_and(|c| c.high_availability) {
            "the dealer above has it"
        } else {
            "only if the dealer above has it"
        }),
        Field::number(
            "min_extensions_per_tenant",
            "min ext / tenant",
            p.min_extensions_per_tenant,
            0,
            policy.max_extensions_per_tenant,
        ),
    ]
}

fn package_of(form: &Form) -> Package {
    Package {
        max_tenants: form.number("max_tenants"),
        extensions: form.number("extensions"),
        concurrent_calls: form.number("concurrent_calls"),
        recording_minutes: form.number("recording_minutes"),
        high_availability: form.field("high_availability").is_some_and(Field::checked),
        min_extensions_per_tenant: form.number("min_extensions_per_tenant").unwrap_or(0),
    }
}

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
            (g.id.clone(), format!("{}{owner}", g.name), grantable)
        })
        .collect()
}

fn permission_field(chosen: &[Permission], held: &[Permission]) -> Field {
    let options = Permission::all()
        .into_iter()
        .map(|p| (p.to_string(), p.to_string(), held.contains(&p)))
        .collect();
    let chosen: Vec<String> = chosen.iter().map(|p| p.to_string()).collect();
    Field::multi("permissions", "permissions", options, &chosen)
}

/// The form a purpose opens, filled from what the server said.
pub fn build(purpose: &Purpose, data: &FormData, held: &[Permission]) -> Form {
    match purpose {
        Purpose::NewDealer { .. } => {
            let parent = data.dealer.as_ref();
            let levels = parent
                .map(|p| creatable_levels(p.level))
                .unwrap_or_default();
            let options = levels
                .iter()
                .map(|l| (l.as_str().to_string(), l.label().to_string()))
                .collect();
            let title = format!(
                "New dealer under {}",
                parent.map(|p| p.name.as_str()).unwrap_or("?")
            );
            let mut fields = vec![
                Field::select("level", "level", options, 0),
                Field::text("name", "name", "").required().check(name_check),
                Field::text("display_name", "display name", ""),
                Field::text("email", "contact e-mail", "").check(email_check),
                Field::text("phone", "phone", ""),
            ];
            fields.extend(package_fields(
                &Package::empty(),
                data.capacity.as_ref(),
                false,
                &data.policy,
            ));
            Form::new(title, fields)
        }
        Purpose::EditDealer { .. } => {
            let d = data.dealer.clone().unwrap_or_else(empty_dealer);
            Form::new(
                format!("Edit {}", d.name),
                vec![
                    Field::text("display_name", "display name", &d.display_name).required(),
                    Field::text("email", "contact e-mail", &d.email).check(email_check),
                    Field::text("phone", "phone", &d.phone),
                    Field::text("address", "address", &d.address),
                    Field::text("notes", "notes", &d.notes),
                ],
            )
        }
        Purpose::EditPackage { .. } => {
            let d = data.dealer.clone().unwrap_or_else(empty_dealer);
            Form::new(
                format!("Package of {}", d.name),
                package_fields(&d.package, None, false, &data.policy),
            )
        }
        Purpose::NewTenant { .. } => {
            let dealer = data.dealer.as_ref();
            let cap = data.capacity.as_ref();
            let min = dealer
                .map(|d| d.package.min_extensions_per_tenant)
                .unwrap_or(0);
            let hint = |d: Option<DimensionUsage>| {
                d.map(|d| match d.free {
                    Some(f) => format!("{f} free"),
                    None => "unlimited".into(),
                })
            };
            let max = data.policy.max_extensions_per_tenant;
            let mut ext = Field::number("extensions", "extensions", min.max(1), min, max);
            ext = ext.hint(format!(
                "{}; at most {max} per tenant",
                hint(cap.map(|c| c.extensions)).unwrap_or_default()
            ));
            Form::new(
                format!(
                    "New tenant of {}",
                    dealer.map(|d| d.name.as_str()).unwrap_or("?")
                ),
                vec![
                    Field::text("name", "name", "").required().check(name_check),
                    Field::text("domain", "SIP domain", "")
                        .required()
                        .check(domain_check),
                    ext,
                    Field::number("concurrent_calls", "concurrent calls", 2, 0, 1_000_000)
                        .hint(hint(cap.map(|c| c.concurrent_calls)).unwrap_or_default()),
                    Field::number(
                        "recording_minutes",
                        "recording minutes",
                        0,
                        0,
                        1_000_000_000,
                    )
                    .hint(format!(
                        "{} per tenant are free",
                        data.policy.free_recording_minutes_per_tenant
                    )),
                    Field::checkbox("high_availability", "high availability", false),
                ],
            )
        }
        Purpose::EditTenant { .. } => {
            let t = data.tenant.clone();
            let v = |f: fn(&Tenant) -> i64| t.as_ref().map(f).unwrap_or(0);
            Form::new(
                format!(
                    "Edit {}",
                    t.as_ref().map(|t| t.name.as_str()).unwrap_or("?")
                ),
                vec![
                    Field::text(
                        "name",
                        "name",
                        t.as_ref().map(|t| t.name.as_str()).unwrap_or(""),
                    )
                    .required()
                    .check(name_check),
                    Field::text(
                        "domain",
                        "SIP domain",
                        t.as_ref().map(|t| t.domain.as_str()).unwrap_or(""),
                    )
                    .required()
                    .check(domain_check),
                    Field::number(
                        "extensions",
                        "extensions",
                        v(|t| t.extensions),
                        0,
                        data.policy.max_extensions_per_tenant,
                    ),
                    Field::number(
                        "concurrent_calls",
                        "concurrent calls",
                        v(|t| t.concurrent_calls),
                        0,
                        1_000_000,
                    ),
                    Field::number(
                        "recording_minutes",
                        "recording minutes",
                        v(|t| t.recording_minutes),
                        0,
                        1_000_000_000,
                    ),
                    Field::checkbox(
                        "high_availability",
                        "high availability",
                        t.as_ref().is_some_and(|t| t.high_availability),
                    ),
                ],
            )
        }
        Purpose::InviteUser { .. } => {
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
        Purpose::EditUser { .. } => {
            let u = data.user.clone();
            let chosen = u.as_ref().map(|u| u.group_ids.clone()).unwrap_or_default();
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
        Purpose::NewGroup { .. } => {
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
        Purpose::DeriveRateCard {
            parent_id,
            dealer_id,
        } => super::rate_card_forms::derive_form(parent_id.as_deref(), dealer_id, data),
        Purpose::EditRateCard { .. } => super::rate_card_forms::edit_form(data),
        Purpose::ImportRates { name, .. } => super::rate_card_forms::import_form(name),
        Purpose::AssignRateCard { .. } => super::rate_card_forms::assign_form(data),
        Purpose::EditGroup { .. } => {
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
        if form.value("description").is_empty()
            && let Some(Field {
                kind: Kind::Text { input, .. },
                ..
            }) = form.field_mut("description")
        {
            *input = tui_input::Input::new(t.description.clone());
        }
    }
}

fn opt(s: String) -> Option<String> {
    Some(s)
}

fn permissions_of(form: &Form) -> Vec<Permission> {
    form.field("permissions")
        .map(Field::chosen)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// The request a filled form becomes (`version` is the object's version when it was loaded).
pub fn to_write(purpose: &Purpose, form: &Form, version: i64) -> Write {
    let v = |k: &str| form.value(k);
    let n = |k: &str| form.number(k).unwrap_or(0);
    let checked = |k: &str| form.field(k).is_some_and(Field::checked);
    match purpose {
        Purpose::NewDealer { parent_id } => Write::CreateDealer(NewDealer {
            parent_id: parent_id.clone(),
            level: Level::parse(&v("level")).unwrap_or_default(),
            name: v("name"),
            display_name: v("display_name"),
            email: v("email"),
            phone: v("phone"),
            address: String::new(),
            notes: String::new(),
            package: Some(package_of(form)),
        }),
        Purpose::EditDealer { id } => Write::UpdateDealer {
            id: id.clone(),
            version,
            patch: DealerPatch {
                name: None,
                display_name: opt(v("display_name")),
                email: opt(v("email")),
                phone: opt(v("phone")),
                address: opt(v("address")),
                notes: opt(v("notes")),
            },
        },
        Purpose::EditPackage { id } => Write::SetPackage {
            id: id.clone(),
            version,
            package: package_of(form),
        },
        Purpose::NewTenant { dealer_id } => Write::CreateTenant(NewTenant {
            dealer_id: dealer_id.clone(),
            name: v("name"),
            domain: v("domain"),
            extensions: n("extensions"),
            concurrent_calls: n("concurrent_calls"),
            recording_minutes: n("recording_minutes"),
            high_availability: checked("high_availability"),
            rate_card_id: None,
        }),
        Purpose::EditTenant { id } => Write::UpdateTenant {
            id: id.clone(),
            version,
            patch: TenantPatch {
                name: opt(v("name")),
                domain: opt(v("domain")),
                extensions: Some(n("extensions")),
                concurrent_calls: Some(n("concurrent_calls")),
                recording_minutes: Some(n("recording_minutes")),
                high_availability: Some(checked("high_availability")),
                rate_card_id: None,
            },
        },
        Purpose::InviteUser { dealer_id } => Write::CreateUser(NewUser {
            dealer_id: dealer_id.clone(),
            email: v("email"),
            display_name: v("display_name"),
            group_ids: form
                .field("group_ids")
                .map(Field::chosen)
                .unwrap_or_default(),
        }),
        Purpose::EditUser { id } => Write::UpdateUser {
            id: id.clone(),
            version,
            patch: UserPatch {
                display_name: opt(v("display_name")),
                group_ids: Some(
                    form.field("group_ids")
                        .map(Field::chosen)
                        .unwrap_or_default(),
                ),
                enabled: Some(checked("enabled")),
            },
        },
        Purpose::NewGroup { dealer_id } => Write::CreateGroup(NewGroup {
            dealer_id: dealer_id.clone(),
            name: v("name"),
            description: v("description"),
            permissions: permissions_of(form),
            template: None,
        }),
        Purpose::EditGroup { id } => Write::UpdateGroup {
            id: id.clone(),
            version,
            patch: GroupPatch {
                name: opt(v("name")),
                description: opt(v("description")),
                permissions: Some(permissions_of(form)),
            },
        },
        Purpose::DeriveRateCard { .. } => super::rate_card_forms::derive_write(form),
        Purpose::EditRateCard { id } => super::rate_card_forms::edit_write(id, form, version),
        Purpose::ImportRates { id, name } => Write::ImportRates {
            id: id.clone(),
            name: name.clone(),
            path: v("path"),
        },
        Purpose::AssignRateCard { id } => super::rate_card_forms::assign_write(id, form),
    }
}

/// The version of the object a form edits, from the data it was opened with.
pub fn version_of(purpose: &Purpose, data: &FormData) -> i64 {
    match purpose {
        Purpose::EditDealer { .. } | Purpose::EditPackage { .. } => {
            data.dealer.as_ref().map(|d| d.version)
        }
        Purpose::EditTenant { .. } => data.tenant.as_ref().map(|t| t.version),
        Purpose::EditUser { .. } => data.user.as_ref().map(|u| u.version),
        Purpose::EditGroup { .. } => data.group.as_ref().map(|g| g.version),
        Purpose::EditRateCard { .. } => data.rate_card.as_ref().map(|c| c.version),
        _ => None,
    }
    .unwrap_or(0)
}

fn empty_dealer() -> Dealer {
    Dealer {
        id: String::new(),
        parent_id: None,
        level: Level::Reseller,
        name: "?".into(),
        display_name: String::new(),
        email: String::new(),
        phone: String::new(),
        address: String::new(),
        notes: String::new(),
        enabled: true,
        effective_enabled: true,
        package: Package::empty(),
        children_count: 0,
        tenants_count: 0,
        users_count: 0,
        groups_count: 0,
        path: None,
        capacity: None,
        created_at: String::new(),
        updated_at: String::new(),
        version: 0,
    }
}
