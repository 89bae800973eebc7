//! The one place the console writes: a write that passed the gate (`write_gate`) becomes its
//! request here, and nowhere else.

use crate::client::{ApiClient, ClientError};
use crate::console::write_gate::Approved;
use crate::console::writes::Write;
use crate::model::*;

/// Sends a write that passed the gate (`write_gate`): the only place the console writes.
pub async fn send(c: &ApiClient, w: &Approved) -> Result<(), ClientError> {
    match w.write() {
        Write::CreateDealer(n) => c.create_dealer(n).await.map(drop),
        Write::UpdateDealer { id, version, patch } => {
            c.update_dealer(id, Some(*version), patch).await.map(drop)
        }
        Write::SetPackage {
            id,
            version,
            package,
        } => c.set_package(id, Some(*version), package).await.map(drop),
        Write::DeleteDealer { id, .. } => c.delete_dealer(id, None).await,
        Write::SuspendDealer {
            id, resume: false, ..
        } => c.suspend_dealer(id).await.map(drop),
        Write::SuspendDealer {
            id, resume: true, ..
        } => c.resume_dealer(id).await.map(drop),
        Write::CreateTenant(n) => c.create_tenant(n).await.map(drop),
        Write::UpdateTenant { id, version, patch } => {
            c.update_tenant(id, Some(*version), patch).await.map(drop)
        }
        Write::DeleteTenant { id, .. } => c.delete_tenant(id, None).await,
        Write::SuspendTenant {
            id, resume: false, ..
        } => c.suspend_tenant(id).await.map(drop),
        Write::SuspendTenant {
            id, resume: true, ..
        } => c.resume_tenant(id).await.map(drop),
        Write::CreateUser(n) => c.create_user(n).await.map(drop),
        Write::UpdateUser { id, version, patch } => {
            c.update_user(id, Some(*version), patch).await.map(drop)
        }
        Write::DeleteUser { id, .. } => c.delete_user(id, None).await,
        Write::ResetPassword { id, .. } => c.reset_password(id).await,
        Write::CreateGroup(n) => c.create_group(n).await.map(drop),
        Write::UpdateGroup { id, version, patch } => {
            c.update_group(id, Some(*version), patch).await.map(drop)
        }
        Write::DeleteGroup { id, .. } => c.delete_group(id, None).await,
        Write::CreateRateCard(n) => c.create_rate_card(n).await.map(drop),
        Write::UpdateRateCard { id, version, patch } => c
            .update_rate_card(id, Some(*version), patch)
            .await
            .map(drop),
        Write::ImportRates { id, path, .. } => {
            let csv = read_csv(path).await?;
            c.import_rates(id, csv).await.map(drop)
        }
        Write::AssignRateCard { id, to, .. } => c.assign_rate_card(id, to).await.map(drop),
        Write::DeleteRateCard { id, .. } => c.delete_rate_card(id, None).await,
        Write::MoveTenant { request, plan, .. } => {
            c.move_tenant_as_planned(plan, request).await.map(drop)
        }
        Write::CreateApiKey(n) => c.create_api_key(n).await.map(drop),
        Write::RevokeApiKey { id, .. } => c.revoke_api_key(id).await,
    }
}

/// Sends a new API key that passed the gate and keeps the answer, whose secret the server shows
/// this once; `None` for any other write (sent by [`send`]).
pub async fn create_api_key(
    c: &ApiClient,
    w: &Approved,
) -> Option<Result<CreatedApiKey, ClientError>> {
    match w.write() {
        Write::CreateApiKey(n) => Some(c.create_api_key(n).await),
        _ => None,
    }
}

/// Asks what a write that passed the gate would do, changing nothing (`?dry_run=true`); a write
/// without a dry run harms nothing worth asking about.
pub async fn impact(c: &ApiClient, w: &Approved) -> Result<Impact, ClientError> {
    match w.write() {
        Write::SuspendDealer { id, resume, .. } => c.dealer_suspend_impact(id, *resume).await,
        Write::DeleteDealer { id, .. } => c.dealer_delete_impact(id).await,
        Write::SuspendTenant { id, resume, .. } => c.tenant_suspend_impact(id, *resume).await,
        Write::DeleteTenant { id, .. } => c.tenant_delete_impact(id).await,
        Write::UpdateUser { id, version, patch } => {
            c.user_update_impact(id, Some(*version), patch).await
        }
        Write::UpdateGroup { id, version, patch } => {
            c.group_update_impact(id, Some(*version), patch).await
        }
        Write::ImportRates { id, path, .. } => {
            let csv = read_csv(path).await?;
            c.rates_import_impact(id, csv).await
        }
        _ => Ok(Impact::default()),
    }
}

/// The largest CSV file the console sends (a rate card of a few hundred thousand prefixes).
const MAX_CSV: u64 = 64 * 1024 * 1024;

/// Reads a CSV file to import; a file that cannot be read is refused at the form's path field,
/// as the server refuses a bad field, so the path typed stays for another try.
async fn read_csv(path: &str) -> Result<String, ClientError> {
    let refuse = |message: String| {
        let refusal = Refusal::InvalidField { lines: vec![] };
        ClientError::refused(422, refusal, message, Some("path"))
    };
    let expanded = crate::console::home::expand(path);
    let meta = tokio::fs::metadata(&expanded)
        .await
        .map_err(|e| refuse(format!("cannot read {path}: {e}")))?;
    if !meta.is_file() {
        return Err(refuse(format!("{path} is not a file")));
    }
    if meta.len() > MAX_CSV {
        return Err(refuse(format!(
            "{path} is larger than {} MB",
            MAX_CSV / 1024 / 1024
        )));
    }
    let bytes = tokio::fs::read(&expanded)
        .await
        .map_err(|e| refuse(format!("cannot read {path}: {e}")))?;
    String::from_utf8(bytes).map_err(|_| refuse(format!("{path} is not UTF-8 text")))
}
