use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// The areas a permission applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    Dealers,
    Tenants,
    Packages,
    Users,
    Groups,
    RateCards,
    Audit,
}

impl Area {
    pub const ALL: [Area; 7] = [
        Area::Dealers,
        Area::Tenants,
        Area::Packages,
        Area::Users,
        Area::Groups,
        Area::RateCards,
        Area::Audit,
    ];

    /// The name used on the wire, as in `rate_cards:read`.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Dealers => "dealers",
            Area::Tenants => "tenants",
            Area::Packages => "packages",
            Area::Users => "users",
            Area::Groups => "groups",
            Area::RateCards => "rate_cards",
            Area::Audit => "audit",
        }
    }
}

/// The actions of the CRUD matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Read,
    Create,
    Update,
    Delete,
}

impl Action {
    pub const ALL: [Action; 4] = [Action::Read, Action::Create, Action::Update, Action::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// A permission: `area:action`, or one of the specials `dealers:suspend`, `tenants:suspend`,
/// `tenants:move` and `impersonate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    Crud(Area, Action),
    /// Suspend and resume dealers (with everything below them), nothing else.
    DealersSuspend,
    /// Suspend and resume tenants, nothing else.
    TenantsSuspend,
    TenantsMove,
    Impersonate,
}

impl Permission {
    /// Every permission the server knows, in catalogue order. The audit trail is only ever
    /// read through the API, so it has no create, update or delete permission.
    pub fn all() -> Vec<Permission> {
        let mut all: Vec<Permission> = Area::ALL
            .iter()
            .flat_map(|a| Action::ALL.iter().map(move |x| Permission::Crud(*a, *x)))
            .filter(|p| !matches!(p, Permission::Crud(Area::Audit, x) if *x != Action::Read))
            .collect();
        all.push(Permission::DealersSuspend);
        all.push(Permission::TenantsSuspend);
        all.push(Permission::TenantsMove);
        all.push(Permission::Impersonate);
        all
    }

    /// Whether this permission only lets its holder see things (`area:read`).
    pub fn is_read(self) -> bool {
        matches!(self, Permission::Crud(_, Action::Read))
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Permission::Crud(area, action) => write!(f, "{}:{}", area.as_str(), action.as_str()),
            Permission::DealersSuspend => f.write_str("dealers:suspend"),
            Permission::TenantsSuspend => f.write_str("tenants:suspend"),
            Permission::TenantsMove => f.write_str("tenants:move"),
            Permission::Impersonate => f.write_str("impersonate"),
        }
    }
}

/// A permission string that names no known permission.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown permission `{0}`")]
pub struct UnknownPermission(pub String);

impl FromStr for Permission {
    type Err = UnknownPermission;

    /// Without formatting or allocating: every request parses its caller's permissions.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let special = match s {
            "dealers:suspend" => Some(Permission::DealersSuspend),
            "tenants:suspend" => Some(Permission::TenantsSuspend),
            "tenants:move" => Some(Permission::TenantsMove),
            "impersonate" => Some(Permission::Impersonate),
            _ => None,
        };
        let crud = || {
            let (area, action) = s.split_once(':')?;
            let area = Area::ALL.into_iter().find(|a| a.as_str() == area)?;
            let action = Action::ALL.into_iter().find(|x| x.as_str() == action)?;
            // The audit trail has only a read permission.
            (area != Area::Audit || action == Action::Read)
                .then_some(Permission::Crud(area, action))
        };
        special
            .or_else(crud)
            .ok_or_else(|| UnknownPermission(s.to_string()))
    }
}

impl Serialize for Permission {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Permission {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let names: Vec<String> = Permission::all().iter().map(|p| p.to_string()).collect();
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "A permission: `area:action`, `dealers:suspend`, `tenants:suspend`, `tenants:move` or `impersonate`",
            ))
            .enum_values(Some(names))
            .into()
    }
}

impl ToSchema for Permission {}

/// One entry of `GET /permissions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PermissionInfo {
    pub permission: Permission,
    pub description: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_reads_back_from_its_name_and_nothing_else_does() {
        for p in Permission::all() {
            assert_eq!(p.to_string().parse::<Permission>(), Ok(p));
        }
        for bad in [
            "audit:delete",
            "audit:create",
            "tenants",
            "tenants:",
            ":read",
            "x:read",
            "tenants:read:x",
            "Tenants:read",
            "",
        ] {
            assert!(bad.parse::<Permission>().is_err(), "{bad:?} parsed");
        }
    }
}
