//! Outgoing mail: over SMTP when configured, otherwise one RFC 5322 file per message in an outbox
//! folder that an operator can read.

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

use super::config::ServerConfig;

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: String },
    Outbox { dir: PathBuf, from: String },
}

impl Mailer {
    pub fn from_config(c: &ServerConfig) -> anyhow::Result<Mailer> {
        if let Some(smtp) = &c.smtp {
            let mut b = AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?.port(smtp.port);
            if let Some(user) = &smtp.username {
                let password = std::env::var("DEALERCTL_SMTP_PASSWORD").unwrap_or_default();
                b = b.credentials(Credentials::new(user.clone(), password));
            }
            return Ok(Mailer::Smtp { transport: b.build(), from: smtp.from.clone() });
        }
        Ok(Mailer::Outbox { dir: c.mail_outbox.clone(), from: "dealerctl <noreply@dealerctl.invalid>".into() })
    }

    /// Sends a plain-text message.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> anyhow::Result<()> {
        let from = match self {
            Mailer::Smtp { from, .. } | Mailer::Outbox { from, .. } => from,
        };
        let message = Message::builder()
            .from(from.parse()?)
            .to(to.parse()?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)?;
        match self {
            Mailer::Smtp { transport, .. } => {
                transport.send(message).await?;
            }
            Mailer::Outbox { dir, .. } => {
                tokio::fs::create_dir_all(dir).await?;
                let name = format!("{}-{}.eml", super::store::now_micros(), uuid::Uuid::now_v7().simple());
                tokio::fs::write(dir.join(name), message.formatted()).await?;
            }
        }
        Ok(())
    }
}
