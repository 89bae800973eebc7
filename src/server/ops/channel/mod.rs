//! Channel documents and plans: `GET /export` writes a subtree as one document; `POST /plans`
//! runs every step of a document through the real operations in one write transaction and
//! rolls it back, so the plan meets exactly the refusals (permission, scope, level rule,
//! capacity of the whole plan) that applying it would; `POST /plans/{id}/apply` runs the same
//! steps again in one transaction and commits them all or nothing, unless the subtree changed
//! since the plan was made.

pub mod document;
pub mod run;
mod steps;

use std::collections::HashSet;

use serde_json::json;

use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::state::AppState;
use crate::server::store::{Event, PlanRow, StoreError, WriteTx, now_micros, time_of};
use document::{Kinds, fingerprint};
use run::{KnownDealer, Run, Stopped};

/// How long a plan may be applied after it was made.
pub const PLAN_HOURS: i64 = 1;

/// The dealer a request names by id or by name inside the caller's scope (the caller's own
/// dealer when it names none).
async fn under_id(tx: &mut WriteTx, caller: &Caller, under: &str) -> ApiResult<String> {
    let under = under.trim();
    if under.is_empty() {
        return Ok(caller.dealer_id.clone());
    }
    match tx.dealer(Some(&caller.scope), under).await {
        Ok(d) => return Ok(d.id),
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    match tx.dealers_named(&caller.scope, under).await?.as_slice() {
        [] => Err(ApiError::not_found()),
        [one] => Ok(one.clone()),
        many => Err(ApiError::invalid_field(
            "under",
            format!("`{under}` names {} dealers: name it by its id", many.len()),
        )),
    }
}

/// The kinds besides dealers the caller may read, and so find in an export.
fn readable(caller: &Caller) -> Kinds {
    let reads = |area| {
        caller
            .permissions
            .contains(Permission::Crud(area, Action::Read))
    };
    Kinds {
        tenants: reads(Area::Tenants),
        groups: reads(Area::Groups),
        users: reads(Area::Users),
        rate_cards: reads(Area::RateCards),
    }
}

/// `GET /export?under=`: the subtree as one document, with only the kinds the caller may read.
pub async fn export(
    st: &AppState,
    caller: &Caller,
    under: Option<&str>,
) -> ApiResult<ChannelDocument> {
    caller.authorize()?;
    // Read in one transaction, so the document is one moment of the subtree.
    let mut tx = st.store.write().await?;
    let id = under_id(&mut tx, caller, under.unwrap_or_default()).await?;
    let doc = document::read(&mut tx, &caller.scope, &id, readable(caller)).await?;
    tx.roll_back().await?;
    Ok(doc)
}

/// Runs the steps of a document under `root_id` in `tx`, as the caller with the change set
/// `plan_id`; an apply stops at the first refusal.
async fn run_steps<'a>(
    st: &'a AppState,
    caller: &'a Caller,
    mut tx: WriteTx,
    root_id: &str,
    plan_id: &str,
    req: &PlanRequest,
    stop_at_refusal: bool,
) -> ApiResult<Run<'a>> {
    let doc = &req.document;
    let ids = tx.subtree_ids(&caller.scope, root_id).await?;
    let mut dealers = Vec::with_capacity(ids.dealers.len());
    for id in &ids.dealers {
        let d = tx.dealer_row(id).await?;
        dealers.push(KnownDealer {
            id: d.id.to_string(),
            parent_id: d.parent_id.map(|p| p.to_string()),
            name: d.name,
        });
    }
    let mut actor = caller.actor.clone();
    actor.change_set = Some(plan_id.to_string());
    let mut run = Run {
        st,
        caller,
        actor,
        tx,
        root_id: root_id.to_string(),
        dealers,
        steps: Vec::new(),
        refusals: Vec::new(),
        stop_at_refusal,
        stopped: None,
        named: HashSet::new(),
        invited: Vec::new(),
    };
    steps::dealers(&mut run, doc).await?;
    steps::rate_cards(&mut run, doc).await?;
    steps::groups(&mut run, doc).await?;
    steps::tenants(&mut run, doc).await?;
    steps::users(&mut run, doc).await?;
    if req.prune && run.going() {
        steps::prune(&mut run).await?;
    }
    Ok(run)
}

/// `POST /plans`: the plan of a document, made by running it and rolling back; stored for the
/// caller to apply within [`PLAN_HOURS`].
pub async fn plan(st: &AppState, caller: &Caller, req: PlanRequest) -> ApiResult<Plan> {
    let mut tx = st.store.write().await?;
    let root_id = under_id(&mut tx, caller, &req.document.under).await?;
    let version = fingerprint(&mut tx, &caller.scope, &root_id).await?;
    let under = tx.dealer(Some(&caller.scope), &root_id).await?.name;
    let id = crate::server::store::new_id("plan");
    let run = run_steps(st, caller, tx, &root_id, &id, &req, false).await?;
    let (steps, refusals) = (run.steps, run.refusals);
    run.tx.roll_back().await?;
    let now = now_micros();
    let expires_at = now + PLAN_HOURS * 3_600_000_000;
    let document =
        serde_json::to_string(&req.document).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut tx = st.store.write().await?;
    tx.insert_plan(&PlanRow {
        id: id.clone(),
        user_id: caller.user_id.clone(),
        under_dealer_id: root_id,
        document,
        prune: req.prune,
        version: version.clone(),
        created_at: now,
        expires_at,
    })
    .await?;
    tx.commit().await?;
    Ok(Plan {
        id,
        version,
        under,
        prune: req.prune,
        expires_at: time_of(expires_at)?,
        steps,
        refusals,
    })
}

/// Why an apply did not happen.
#[derive(Debug)]
pub enum ApplyError {
    /// Refused before any step ran (not found, version mismatch, …).
    Refused(ApiError),
    /// A step was refused: nothing was applied.
    Step(Box<Stopped>),
}

impl From<ApiError> for ApplyError {
    fn from(e: ApiError) -> Self {
        ApplyError::Refused(e)
    }
}

impl From<StoreError> for ApplyError {
    fn from(e: StoreError) -> Self {
        ApplyError::Refused(e.into())
    }
}

/// `POST /plans/{id}/apply`: the plan's steps in one transaction, all or nothing; 412 when the
/// subtree changed since the plan was made. A plan applies once: then it is gone.
pub async fn apply(st: &AppState, caller: &Caller, id: &str) -> Result<AppliedPlan, ApplyError> {
    let mut tx = st.store.write().await?;
    let plan = tx.lock_plan(id, &caller.user_id, now_micros()).await?;
    let version = fingerprint(&mut tx, &caller.scope, &plan.under_dealer_id).await?;
    if version != plan.version {
        return Err(ApiError::new(
            Refusal::VersionMismatch { current_version: 0 },
            "the subtree changed since the plan was made: plan again",
        )
        .into());
    }
    let doc: ChannelDocument =
        serde_json::from_str(&plan.document).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let req = PlanRequest {
        document: doc,
        prune: plan.prune,
    };
    let run = run_steps(st, caller, tx, &plan.under_dealer_id, id, &req, true).await?;
    let Run {
        mut tx,
        steps,
        stopped,
        invited,
        actor,
        root_id,
        ..
    } = run;
    if let Some(stopped) = stopped {
        tx.roll_back().await?;
        return Err(ApplyError::Step(Box::new(stopped)));
    }
    let root = tx.dealer(None, &root_id).await?;
    let summary = Event::new("plan.apply", "plan", id, &root.name).after(json!({
        "under": root.name, "prune": plan.prune, "steps": steps.len(),
    }));
    tx.record(&actor, &root.path, summary).await?;
    tx.delete_plan(id).await?;
    tx.commit().await?;
    // Mail only what was committed.
    for (email, token) in invited {
        if let Err(e) = crate::server::ops::users::mail_activation(st, &email, &token).await {
            tracing::error!(error = ?e.message, email = %email, "the activation link of a planned login was not mailed; reset its password to send another");
        }
    }
    Ok(AppliedPlan {
        id: id.to_string(),
        change_set: id.to_string(),
        steps,
    })
}
