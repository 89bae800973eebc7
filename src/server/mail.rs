//! Outgoing mail: over SMTP when configured, otherwise one RFC 5322 file per message in an outbox
//! folder that an operator can read.

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

use super::config::ServerConfig;

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: String,
    },
    Outbox {
        dir: PathBuf,
        from: String,
    },
}

impl Mailer {
    pub fn from_config(c: &ServerConfig) -> anyhow::Result<Mailer> {
        if let Some(smtp) = &c.smtp {
            let mut b =
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?.port(smtp.port);
            if let Some(user) = &smtp.username {
                let password = std::env::var("DEALERCTL_SMTP_PASSWORD").unwrap_or_default();
                b = b.credentials(Credentials::new(user.clone(), password));
            }
            return Ok(Mailer::Smtp {
                transport: b.build(),
                from: smtp.from.clone(),
            });
        }
        Ok(Mailer::Outbox {
            dir: c.mail_outbox.clone(),
            from: "dealerctl <noreply@dealerctl.invalid>".into(),
        })
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
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(plain_body(body)),
            )?;
        match self {
            Mailer::Smtp { transport, .. } => {
                transport.send(message).await?;
            }
            Mailer::Outbox { dir, .. } => {
                let name = format!(
                    "{}-{}.eml",
                    super::store::now_micros(),
                    uuid::Uuid::now_v7().simple()
                );
                let (dir, bytes) = (dir.clone(), message.formatted());
                // The mail carries a password link: the owner's eyes only.
                tokio::task::spawn_blocking(move || {
                    super::private_files::create_dir(&dir)?;
                    super::private_files::write_new(&dir.join(name), &bytes)
                })
                .await??;
            }
        }
        Ok(())
    }
}

/// A 7-bit body when the text is plain ASCII with lines within RFC 5322's 998 characters, so links
/// stay whole and readable in the outbox; otherwise the encoding lettre chooses.
fn plain_body(text: String) -> Body {
    let fits = text.is_ascii() && text.lines().all(|l| l.len() <= 998) && !text.contains('\0');
    if fits {
        let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
        Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::SevenBit)
    } else {
        Body::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn outbox_mail_keeps_long_links_whole_and_never_panics() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::Outbox {
            dir: dir.path().to_path_buf(),
            from: "a <a@example.net>".into(),
        };
        let link = format!("http://127.0.0.1:1/activate?token={}", "x".repeat(200));
        mailer
            .send("b@example.net", "Hi", format!("Use this:\n\n{link}\n"))
            .await
            .unwrap();
        mailer
            .send("b@example.net", "Hi", "Grüße, ünïcode".to_string())
            .await
            .unwrap();
        let mut texts = Vec::new();
        for e in std::fs::read_dir(dir.path()).unwrap() {
            texts.push(std::fs::read_to_string(e.unwrap().path()).unwrap());
        }
        assert!(texts.iter().any(|t| t.contains(&link)), "{texts:?}");
    }
}
