//! What a write key needs of the login: the permission the server would refuse it without. The
//! console says so at once ("needs tenants:update") instead of opening a form that is refused only
//! at save, and the footer dims the hints of what the login lacks (and shows no write hint at
//! all in a read-only session).

use super::keymap::Action;
use super::tab::Tab;
use crate::model::{Action as Crud, Area, Permission};

/// What is selected, where the tab holds more than one kind (the tree: dealers and tenants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selected {
    Dealer,
    Tenant,
}

/// The permission `action` on `tab` needs, with `selected` on the tree; None when it needs none
/// or when which one depends on a later choice (assigning a card: a dealer or a tenant).
pub fn needed(tab: Tab, action: Action, selected: Selected) -> Option<Permission> {
    use Permission::Crud as P;
    let area = match (tab, selected) {
        (Tab::Dealers, Selected::Dealer) => Area::Dealers,
        (Tab::Dealers, Selected::Tenant) | (Tab::Tenants, _) => Area::Tenants,
        (Tab::Packages, _) => Area::Packages,
        (Tab::Users, _) => Area::Users,
        (Tab::Groups, _) => Area::Groups,
        (Tab::RateCards, _) => Area::RateCards,
        (Tab::Audit, _) => return None,
    };
    Some(match action {
        Action::New => P(area, Crud::Create),
        Action::Edit if area == Area::Packages => P(Area::Packages, Crud::Update),
        Action::Edit | Action::ResetPassword => P(area, Crud::Update),
        Action::Delete => P(area, Crud::Delete),
        Action::Package => P(Area::Packages, Crud::Update),
        Action::NewTenant => P(Area::Tenants, Crud::Create),
        Action::Suspend => match area {
            Area::Dealers => Permission::DealersSuspend,
            Area::Tenants => Permission::TenantsSuspend,
            // Disabling a login is an update of it.
            _ => P(area, Crud::Update),
        },
        Action::Move => Permission::TenantsMove,
        Action::Import => P(Area::RateCards, Crud::Update),
        Action::ViewAs => Permission::Impersonate,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_write_needs_what_its_route_declares() {
        let on = |tab, action, selected| needed(tab, action, selected).map(|p| p.to_string());
        assert_eq!(
            on(Tab::Dealers, Action::Suspend, Selected::Dealer).as_deref(),
            Some("dealers:suspend")
        );
        assert_eq!(
            on(Tab::Dealers, Action::Edit, Selected::Tenant).as_deref(),
            Some("tenants:update")
        );
        assert_eq!(
            on(Tab::Dealers, Action::NewTenant, Selected::Dealer).as_deref(),
            Some("tenants:create")
        );
        assert_eq!(
            on(Tab::Packages, Action::Edit, Selected::Dealer).as_deref(),
            Some("packages:update")
        );
        assert_eq!(
            on(Tab::Users, Action::Suspend, Selected::Dealer).as_deref(),
            Some("users:update")
        );
        assert_eq!(
            on(Tab::Users, Action::ViewAs, Selected::Dealer).as_deref(),
            Some("impersonate")
        );
        assert_eq!(on(Tab::RateCards, Action::Assign, Selected::Dealer), None);
        assert_eq!(on(Tab::Tenants, Action::Down, Selected::Dealer), None);
        assert!(Action::Import.writes() && !Action::Describe.writes() && !Action::ViewAs.writes());
    }
}
