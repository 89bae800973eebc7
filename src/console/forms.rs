//! Which form each purpose opens and the request a filled form becomes: the features build
//! their own forms; this table only says whose each purpose is.

use super::widgets::form::Form;
use super::writes::{FormData, Purpose, Write};
use super::{api_keys, dealers, groups, rate_cards, tenants, users};
use crate::model::Permission;

/// The form a purpose opens, filled from what the server said.
pub fn build(purpose: &Purpose, data: &FormData, held: &[Permission]) -> Form {
    match purpose {
        Purpose::NewDealer { .. } => dealers::forms::new_dealer(data),
        Purpose::EditDealer { .. } => dealers::forms::edit_dealer(data),
        Purpose::EditPackage { .. } => dealers::forms::edit_package(data),
        Purpose::NewTenant { .. } => tenants::forms::new_tenant(data),
        Purpose::EditTenant { .. } => tenants::forms::edit_tenant(data),
        Purpose::InviteUser { .. } => users::forms::invite_user(data, held),
        Purpose::EditUser { .. } => users::forms::edit_user(data, held),
        Purpose::NewGroup { .. } => groups::forms::new_group(data, held),
        Purpose::EditGroup { .. } => groups::forms::edit_group(data, held),
        Purpose::DeriveRateCard {
            parent_id,
            dealer_id,
        } => rate_cards::forms::derive_form(parent_id.as_deref(), dealer_id, data),
        Purpose::EditRateCard { .. } => rate_cards::forms::edit_form(data),
        Purpose::ImportRates { name, .. } => rate_cards::forms::import_form(name),
        Purpose::AssignRateCard { .. } => rate_cards::forms::assign_form(data),
        Purpose::NewApiKey => api_keys::forms::new_key(held),
    }
}

/// The request a filled form becomes (`version` is the object's version when it was loaded).
pub fn to_write(purpose: &Purpose, form: &Form, version: i64) -> Write {
    match purpose {
        Purpose::NewDealer { parent_id } => dealers::forms::create_write(parent_id, form),
        Purpose::EditDealer { id } => dealers::forms::edit_write(id, form, version),
        Purpose::EditPackage { id } => dealers::forms::package_write(id, form, version),
        Purpose::NewTenant { dealer_id } => tenants::forms::create_write(dealer_id, form),
        Purpose::EditTenant { id } => tenants::forms::edit_write(id, form, version),
        Purpose::InviteUser { dealer_id } => users::forms::invite_write(dealer_id, form),
        Purpose::EditUser { id } => users::forms::edit_write(id, form, version),
        Purpose::NewGroup { dealer_id } => groups::forms::create_write(dealer_id, form),
        Purpose::EditGroup { id } => groups::forms::edit_write(id, form, version),
        Purpose::DeriveRateCard { .. } => rate_cards::forms::derive_write(form),
        Purpose::EditRateCard { id } => rate_cards::forms::edit_write(id, form, version),
        Purpose::ImportRates { id, name } => rate_cards::forms::import_write(id, name, form),
        Purpose::AssignRateCard { id } => rate_cards::forms::assign_write(id, form),
        Purpose::NewApiKey => api_keys::forms::create_write(form),
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
