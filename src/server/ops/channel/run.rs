//! Running a document's steps in one write transaction, each through the real operation: the
//! plan runs them and rolls back, the apply runs them and commits. Each step is taken between a
//! savepoint and its release, so a plan goes on past a refused step and names every refusal; an
//! apply stops at the first.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::domain::validate::FieldError;
use crate::model::*;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::state::AppState;
use crate::server::store::{Actor, WriteTx};

/// A dealer of the subtree as the run knows it (stored, or created by an earlier step).
#[derive(Debug, Clone)]
pub struct KnownDealer {
    pub id: String,
    pub parent_id: Option<String>,
    pub name: String,
}

/// A refused step of an apply: the refusal and the step it stopped at.
#[derive(Debug)]
pub struct Stopped {
    pub index: usize,
    pub step: PlanStep,
    pub error: ApiError,
}

/// One run of a document's steps.
pub struct Run<'a> {
    pub st: &'a AppState,
    pub caller: &'a Caller,
    pub actor: Actor,
    pub tx: WriteTx,
    pub root_id: String,
    pub dealers: Vec<KnownDealer>,
    pub steps: Vec<PlanStep>,
    pub refusals: Vec<PlanRefusal>,
    /// Apply: stop at the first refusal.
    pub stop_at_refusal: bool,
    pub stopped: Option<Stopped>,
    /// Every stored object the document names, by id: what prune leaves alone.
    pub named: HashSet<String>,
    /// New logins and their activation tokens, mailed after the commit.
    pub invited: Vec<(String, String)>,
}

impl<'a> Run<'a> {
    /// Whether the run should go on (an apply stops at its first refusal).
    pub fn going(&self) -> bool {
        self.stopped.is_none()
    }

    /// Lists a step; its index.
    pub fn begin(
        &mut self,
        op: PlanOp,
        kind: ObjectKind,
        name: &str,
        changes: Vec<FieldChange>,
    ) -> usize {
        self.steps.push(PlanStep {
            op,
            kind,
            name: name.to_string(),
            changes,
        });
        self.steps.len() - 1
    }

    /// Records the refusal of step `index`; an error that is no refusal (the database failed)
    /// ends the run.
    pub fn refuse(&mut self, index: usize, e: ApiError) -> ApiResult<()> {
        if e.retryable || e.status.is_server_error() {
            return Err(e);
        }
        if self.stop_at_refusal && self.stopped.is_none() {
            self.stopped = Some(Stopped {
                index,
                step: self.steps[index].clone(),
                error: e.clone(),
            });
        }
        self.refusals.push(PlanRefusal {
            step: index,
            error: e.body().error,
        });
        Ok(())
    }

    /// Makes the save point a step starts from.
    pub async fn start(&mut self) -> ApiResult<()> {
        Ok(self.tx.savepoint().await?)
    }

    /// Ends step `index` with what its operation answered: kept, or undone and refused.
    pub async fn settle<T>(
        &mut self,
        index: usize,
        r: Result<T, ApiError>,
    ) -> ApiResult<Option<T>> {
        match r {
            Ok(v) => {
                self.tx.release_savepoint().await?;
                Ok(Some(v))
            }
            Err(e) => {
                if e.retryable || e.status.is_server_error() {
                    return Err(e);
                }
                self.tx.roll_back_to_savepoint().await?;
                self.refuse(index, e)?;
                Ok(None)
            }
        }
    }

    /// 403 unless the caller holds `p`, as the operation's own route would answer.
    pub fn need(&self, p: Permission) -> ApiResult<()> {
        self.caller.require(p)
    }

    /// The dealer a document's reference names: its name, or `parent/name`.
    pub fn dealer(&self, field: &'static str, reference: &str) -> ApiResult<String> {
        let found: Vec<&KnownDealer> = self
            .dealers
            .iter()
            .filter(|d| d.name.eq_ignore_ascii_case(reference))
            .collect();
        if let [one] = found.as_slice() {
            return Ok(one.id.clone());
        }
        if found.is_empty()
            && let Some((parent, name)) = reference.rsplit_once('/')
        {
            let parents: Vec<&str> = self
                .dealers
                .iter()
                .filter(|d| d.name.eq_ignore_ascii_case(parent))
                .map(|d| d.id.as_str())
                .collect();
            let found: Vec<&KnownDealer> = self
                .dealers
                .iter()
                .filter(|d| {
                    d.name.eq_ignore_ascii_case(name)
                        && d.parent_id.as_deref().is_some_and(|p| parents.contains(&p))
                })
                .collect();
            if let [one] = found.as_slice() {
                return Ok(one.id.clone());
            }
        }
        let why = if found.len() > 1 {
            format!(
                "`{reference}` names {} dealers of the subtree: write it as parent/name",
                found.len()
            )
        } else {
            format!("`{reference}` names no dealer of the subtree (nor one the document creates)")
        };
        Err(FieldError::new(field, why).into())
    }
}

/// One field's change, when it changes.
pub fn change<T: serde::Serialize + PartialEq>(
    changes: &mut Vec<FieldChange>,
    field: &str,
    before: &T,
    after: Option<&T>,
) -> bool {
    match after {
        Some(after) if after != before => {
            changes.push(FieldChange {
                field: field.to_string(),
                before: json!(before),
                after: json!(after),
            });
            true
        }
        _ => false,
    }
}

/// A field a created object gets.
pub fn set<T: serde::Serialize>(changes: &mut Vec<FieldChange>, field: &str, after: &T) {
    changes.push(FieldChange {
        field: field.to_string(),
        before: Value::Null,
        after: json!(after),
    });
}

/// The refusal of a plan at its first refused step, with that step named in `details.step`.
pub fn stopped_body(s: &Stopped) -> Value {
    let mut body = json!(s.error.body());
    let message = format!(
        "step {} ({} {} {}): {}",
        s.index,
        json!(s.step.op).as_str().unwrap_or_default(),
        s.step.kind.label(),
        s.step.name,
        s.error.message
    );
    body["error"]["message"] = json!(message);
    if !body["error"]["details"].is_object() {
        body["error"]["details"] = json!({});
    }
    body["error"]["details"]["step"] =
        json!({ "index": s.index, "op": s.step.op, "kind": s.step.kind, "name": s.step.name });
    body
}
