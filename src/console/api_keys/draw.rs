//! Drawing the API keys popup, and the secret of a key just made over it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};

use super::state::ApiKeysPopup;
use crate::console::theme::{Sym, Theme};
use crate::console::widgets::cells::short_time;
use crate::console::widgets::popup::{Anchor, fit, show_from};
use crate::model::ApiKey;

/// One key as a row: name, how many permissions, expiry, last use.
fn row(k: &ApiKey, now: time::OffsetDateTime) -> String {
    let expires = match k.expires_at {
        None => "never".to_string(),
        Some(_) if k.expired_at(now) => "expired".to_string(),
        Some(t) => short_time(&t)[..10].to_string(),
    };
    let used = k
        .last_used_at
        .map(|t| short_time(&t))
        .unwrap_or_else(|| "never".into());
    let name: String = k.name.chars().take(22).collect();
    format!(" {name:<23}{:>5}  {expires:<11}{used}", k.permissions.len())
}

/// The login's keys, the selection marked; with a key's secret on top when one was just made.
pub fn draw(f: &mut Frame, p: &ApiKeysPopup, theme: &Theme, area: Rect) {
    let mut lines = vec![Line::styled(
        format!(
            " {:<23}{:>5}  {:<11}{}",
            "name", "perms", "expires", "last used"
        ),
        theme.title(),
    )];
    let now = time::OffsetDateTime::now_utc();
    match &p.keys {
        None => lines.push(Line::styled(" loading…", theme.dim())),
        Some(Err(e)) => lines.push(Line::styled(
            format!(" {} {e}", theme.sym(Sym::Warning)),
            theme.error(),
        )),
        Some(Ok(keys)) if keys.is_empty() => {
            lines.push(Line::styled(" no keys yet: n makes one", theme.dim()))
        }
        Some(Ok(keys)) => {
            for (i, k) in keys.iter().enumerate() {
                let style = if i == p.selected {
                    theme.selected()
                } else if k.expired_at(now) {
                    theme.dim()
                } else {
                    ratatui::style::Style::default()
                };
                lines.push(Line::styled(row(k, now), style));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        " n new · d revoke · r reload · esc closes",
        theme.dim(),
    ));
    let (rect, rows) = fit(area, 76, &lines, Anchor::Quarter);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" your API keys ");
    show_from(f, rect, block, rows, 0);
    if let Some((name, secret)) = &p.secret {
        draw_secret(f, name, secret, theme, area);
    }
}

/// The secret of a key just made, with the warning that it will not be shown again.
fn draw_secret(f: &mut Frame, name: &str, secret: &str, theme: &Theme, area: Rect) {
    let lines = vec![
        Line::raw(format!(" The API key {name} was made. Its secret:")),
        Line::raw(""),
        Line::styled(format!(" {secret}"), theme.key()),
        Line::raw(""),
        Line::styled(
            " Copy it now: it will not be shown again (the server keeps only its hash).",
            theme.warning(),
        ),
        Line::styled(" y copies it · any other key closes", theme.dim()),
    ];
    let (rect, rows) = fit(area, 76, &lines, Anchor::Middle);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" new API key secret ");
    show_from(f, rect, block, rows, 0);
}
