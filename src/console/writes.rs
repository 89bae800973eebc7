//! The console's vocabulary of writes: what a form is for, what it is opened with, and the
//! request it (or a confirmation) becomes.

use crate::model::*;

/// What a form is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    NewDealer {
        parent_id: DealerId,
    },
    EditDealer {
        id: DealerId,
    },
    EditPackage {
        id: DealerId,
    },
    NewTenant {
        dealer_id: DealerId,
    },
    EditTenant {
        id: TenantId,
    },
    InviteUser {
        dealer_id: DealerId,
    },
    EditUser {
        id: UserId,
    },
    NewGroup {
        dealer_id: DealerId,
    },
    EditGroup {
        id: GroupId,
    },
    /// A customer card over a parent card, owned by `dealer_id` (both preselected).
    DeriveRateCard {
        parent_id: Option<RateCardId>,
        dealer_id: DealerId,
    },
    EditRateCard {
        id: RateCardId,
    },
    ImportRates {
        id: RateCardId,
        name: String,
    },
    AssignRateCard {
        id: RateCardId,
    },
    /// A key of the signed-in login (nothing to fetch first).
    NewApiKey,
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
        id: DealerId,
        version: i64,
        patch: DealerPatch,
    },
    SetPackage {
        id: DealerId,
        version: i64,
        package: Package,
    },
    DeleteDealer {
        id: DealerId,
        name: String,
    },
    SuspendDealer {
        id: DealerId,
        name: String,
        resume: bool,
    },
    CreateTenant(NewTenant),
    UpdateTenant {
        id: TenantId,
        version: i64,
        patch: TenantPatch,
    },
    DeleteTenant {
        id: TenantId,
        name: String,
    },
    SuspendTenant {
        id: TenantId,
        name: String,
        resume: bool,
    },
    CreateUser(NewUser),
    UpdateUser {
        id: UserId,
        version: i64,
        patch: UserPatch,
    },
    DeleteUser {
        id: UserId,
        email: String,
    },
    ResetPassword {
        id: UserId,
        email: String,
    },
    CreateGroup(NewGroup),
    UpdateGroup {
        id: GroupId,
        version: i64,
        patch: GroupPatch,
    },
    DeleteGroup {
        id: GroupId,
        name: String,
    },
    CreateRateCard(NewRateCard),
    UpdateRateCard {
        id: RateCardId,
        version: i64,
        patch: RateCardPatch,
    },
    /// The console reads the file at `path` and replaces the card's rates with it.
    ImportRates {
        id: RateCardId,
        name: String,
        path: String,
    },
    AssignRateCard {
        id: RateCardId,
        to: RateCardAssignment,
        /// The dealer's or tenant's name, for the flash line.
        target: String,
    },
    DeleteRateCard {
        id: RateCardId,
        name: String,
    },
    /// A key of the signed-in login; the answer's secret is shown once.
    CreateApiKey(NewApiKey),
    RevokeApiKey {
        id: ApiKeyId,
        name: String,
    },
    /// Executes a tenant move (`request.dry_run` is false) exactly as planned: at the tenant's
    /// version the plan was made at.
    MoveTenant {
        id: TenantId,
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
            Write::CreateApiKey(n) => format!("created the API key {}", n.name),
            Write::RevokeApiKey { name, .. } => format!("revoked the API key {name}"),
        }
    }
}
