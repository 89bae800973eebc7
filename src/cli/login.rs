//! `dealerctl login` signs a profile in (the password asked for, the token kept in the keyring
//! where the console finds it too) and `dealerctl logout` signs it out (the server revokes the
//! token, the keyring forgets it).

use std::io::Read;

use super::confirm::ask;
use super::failure::{CliResult, Exit, Failure};
use super::session::Connection;
use crate::credentials::{StoreKind, remember_login};

pub async fn login(
    conn: &Connection,
    email: Option<String>,
    password_stdin: bool,
) -> CliResult<()> {
    let target = conn.target()?;
    let email = match email.or_else(|| target.email()) {
        Some(e) => e,
        None => ask("E-mail: ")?,
    };
    let password = if password_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s.trim_end_matches(['\r', '\n']).to_string()
    } else {
        rpassword::prompt_password(format!("Password for {email}: "))?
    };
    let signed = target.client.login(&email, &password).await?;
    let (store, account) = target.keyring(&email).await?;
    if store.kind() == StoreKind::Memory {
        // Nothing would outlive this process: say so instead of pretending.
        let _ = target.client.with_token(signed.token).logout().await;
        return Err(Failure::error(
            "no keyring to keep the sign-in in on this machine: use an API key with --token-file or $DEALERCTL_TOKEN",
        ));
    }
    let kind = store.kind().label();
    let token = signed.token.clone();
    tokio::task::spawn_blocking(move || store.set(&account, &token))
        .await
        .map_err(|e| Failure::error(e.to_string()))??;
    remember_login(&crate::config::data_dir(), &target.name, Some(&email))?;
    eprintln!(
        "signed in to {} as {email}; the session is kept in the {kind}",
        target.name
    );
    Ok(())
}

pub async fn logout(conn: &Connection) -> CliResult<()> {
    let target = conn.target()?;
    let Some(email) = target.email() else {
        eprintln!("profile {} is not signed in", target.name);
        return Ok(());
    };
    let (store, account) = target.keyring(&email).await?;
    let store = std::sync::Arc::new(store);
    let reader = store.clone();
    let key = account.clone();
    let token = tokio::task::spawn_blocking(move || reader.get(&key))
        .await
        .map_err(|e| Failure::error(e.to_string()))??;
    if let Some(token) = token {
        match target.client.with_token(token).logout().await {
            Ok(()) => {}
            // Already ended on the server: forgetting it here is all that is left.
            Err(e) if Failure::from(e.clone()).exit == Exit::Refused => {}
            Err(e) => return Err(e.into()),
        }
    }
    tokio::task::spawn_blocking(move || store.delete(&account))
        .await
        .map_err(|e| Failure::error(e.to_string()))??;
    remember_login(&crate::config::data_dir(), &target.name, None)?;
    eprintln!("signed out of {} ({email})", target.name);
    Ok(())
}
