//! The steps of a document, kind by kind: each object matched to what is stored (dealers by
//! parent and name, tenants by domain, logins by e-mail, groups and cards by dealer and name),
//! then created or changed in only the fields that differ, through the same operation (and the
//! same permission) as its own route; with prune, what the document leaves out is deleted.

use crate::model::*;
use crate::server::error::{ApiError, ApiResult};

use super::run::Run;

/// The caller acting through a run, borrowing only the fields beside its transaction.
macro_rules! at {
    ($run:expr) => {
        Acting {
            store: &*$run.st.store,
            scope: &$run.caller.scope,
            actor: &$run.actor,
        }
    };
}

/// Runs one step: the permission first, then the operation between a savepoint and its release.
macro_rules! step {
    ($run:expr, $index:expr, $need:expr, $op:expr) => {{
        match $need {
            Err(e) => {
                $run.refuse($index, e)?;
                None
            }
            Ok(()) => {
                $run.start().await?;
                let r = $op.await.map_err(ApiError::from);
                $run.settle($index, r).await?
            }
        }
    }};
}

/// Lists a step that cannot even start, with its refusal.
fn refused(
    run: &mut Run<'_>,
    op: PlanOp,
    kind: ObjectKind,
    name: &str,
    e: ApiError,
) -> ApiResult<()> {
    let i = run.begin(op, kind, name, vec![]);
    run.refuse(i, e)
}

fn crud(area: Area, action: Action) -> Permission {
    Permission::Crud(area, action)
}

/// Starts the suspend (or resume) step of an object whose `enabled` goes from `before` to
/// `after`, and answers its index.
fn begin_toggle(
    run: &mut Run<'_>,
    kind: ObjectKind,
    name: &str,
    before: bool,
    after: bool,
) -> usize {
    let op = if after {
        PlanOp::Resume
    } else {
        PlanOp::Suspend
    };
    let changes = vec![FieldChange {
        field: "enabled".into(),
        before: before.into(),
        after: after.into(),
    }];
    run.begin(op, kind, name, changes)
}

// After the macros, so that every file of a kind sees them.
mod dealers;
mod groups;
mod prune;
mod rate_cards;
mod tenants;
mod users;

pub use dealers::dealers;
pub use groups::groups;
pub use prune::prune;
pub use rate_cards::rate_cards;
pub use tenants::tenants;
pub use users::users;
