//! The Audit tab's server-side filter, as typed on the command line:
//! `:audit actor=EMAIL|ID dealer=NAME|ID action=ACTION object=ID type=KIND since=WHEN until=WHEN`
//! (`dealer` keeps the events of that dealer's subtree), where WHEN is
//! RFC 3339, a date (`2026-12-01`), or an age (`15m`, `2h`, `3d` ago). `:audit follow` shows new
//! events as they come; `:audit clear` drops the filter.

use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime, Time};

use crate::model::AuditFilter;

/// What the Audit tab asks the server for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditQuery {
    /// A login's e-mail (looked up when the page is asked for) or id.
    pub actor: Option<String>,
    /// A dealer's name or id (looked up when the page is asked for): its subtree's events only.
    pub dealer: Option<String>,
    /// Everything else, as the API takes it (`actor_id` and `dealer_id` stay empty: `actor` and
    /// `dealer` fill them).
    pub filter: AuditFilter,
    /// Ask again every few seconds, so new events appear.
    pub follow: bool,
}

impl AuditQuery {
    /// True when anything narrows the events.
    pub fn narrows(&self) -> bool {
        self.actor.is_some() || self.dealer.is_some() || self.filter != AuditFilter::default()
    }

    /// The filter in the words it was typed, for the tab's title.
    pub fn describe(&self) -> String {
        let f = &self.filter;
        let time = |t: Option<OffsetDateTime>| t.and_then(|t| t.format(&Rfc3339).ok());
        [
            ("actor", self.actor.clone()),
            ("dealer", self.dealer.clone()),
            ("action", f.action.clone()),
            ("type", f.object_type.clone()),
            ("object", f.object_id.clone()),
            ("since", time(f.since)),
            ("until", time(f.until)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// Reads the arguments of `:audit` into a new query (`follow` and `clear` change `current`).
pub fn parse(args: &str, current: &AuditQuery, now: OffsetDateTime) -> Result<AuditQuery, String> {
    let words: Vec<&str> = args.split_whitespace().collect();
    match words.as_slice() {
        ["clear"] => return Ok(AuditQuery::default()),
        ["follow"] => {
            return Ok(AuditQuery {
                follow: !current.follow,
                ..current.clone()
            });
        }
        _ => {}
    }
    let mut q = AuditQuery {
        follow: current.follow,
        ..AuditQuery::default()
    };
    for w in words {
        let Some((key, value)) = w.split_once('=').filter(|(_, v)| !v.is_empty()) else {
            return Err(format!(
                "`{w}`: write key=value (actor, dealer, action, object, type, since, until), or follow, or clear"
            ));
        };
        let value = value.to_string();
        match key {
            "actor" => q.actor = Some(value),
            "dealer" => q.dealer = Some(value),
            "action" => q.filter.action = Some(value),
            "object" => q.filter.object_id = Some(value),
            "type" => q.filter.object_type = Some(value),
            "since" => q.filter.since = Some(when(&value, now)?),
            "until" => q.filter.until = Some(when(&value, now)?),
            other => {
                return Err(format!(
                    "unknown filter `{other}`: actor, dealer, action, object, type, since or until"
                ));
            }
        }
    }
    Ok(q)
}

/// A moment typed as RFC 3339, as a date (midnight UTC), or as an age before `now`.
fn when(typed: &str, now: OffsetDateTime) -> Result<OffsetDateTime, String> {
    let bad =
        || format!("`{typed}`: a time is 2026-12-01, 2026-12-01T08:00:00Z, or an age: 15m, 2h, 3d");
    if let Ok(t) = OffsetDateTime::parse(typed, &Rfc3339) {
        return Ok(t);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = Date::parse(typed, &format) {
        return Ok(d.with_time(Time::MIDNIGHT).assume_utc());
    }
    // Split before the last character (not byte), and keep the number small enough that no
    // duration built from it can overflow.
    let cut = typed.char_indices().last().map_or(0, |(i, _)| i);
    let (n, unit) = typed.split_at(cut);
    let n: i64 = n.parse().map_err(|_| bad())?;
    if !(0..=1_000_000).contains(&n) {
        return Err(bad());
    }
    let age = match unit {
        "m" => Duration::minutes(n),
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        _ => return Err(bad()),
    };
    now.checked_sub(age)
        .and_then(|t| t.replace_nanosecond(0).ok())
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-06 08:30:00 UTC);

    #[test]
    fn filters_read_as_typed() {
        let q = parse(
            "actor=ops@acme.example dealer=Acme action=tenant.update since=2h until=2026-12-06",
            &AuditQuery::default(),
            NOW,
        )
        .unwrap();
        assert_eq!(q.actor.as_deref(), Some("ops@acme.example"));
        assert_eq!(q.filter.action.as_deref(), Some("tenant.update"));
        assert_eq!(q.dealer.as_deref(), Some("Acme"));
        assert_eq!(q.filter.since, Some(datetime!(2026-12-06 06:30:00 UTC)));
        assert_eq!(q.filter.until, Some(datetime!(2026-12-06 00:00:00 UTC)));
        assert!(q.narrows());
        assert_eq!(
            q.describe(),
            "actor=ops@acme.example dealer=Acme action=tenant.update since=2026-12-06T06:30:00Z until=2026-12-06T00:00:00Z"
        );
    }

    #[test]
    fn follow_toggles_and_clear_forgets() {
        let q = parse("action=x", &AuditQuery::default(), NOW).unwrap();
        let following = parse("follow", &q, NOW).unwrap();
        assert!(following.follow && following.filter.action.is_some());
        assert!(!parse("follow", &following, NOW).unwrap().follow);
        assert_eq!(
            parse("clear", &following, NOW).unwrap(),
            AuditQuery::default()
        );
    }

    #[test]
    fn nonsense_is_refused_in_words() {
        assert!(
            parse("who=me", &AuditQuery::default(), NOW)
                .unwrap_err()
                .contains("unknown filter")
        );
        assert!(
            parse("since=yesterday", &AuditQuery::default(), NOW)
                .unwrap_err()
                .contains("an age")
        );
        for odd in ["since=2hé", "since=é", "since=99999999999999d", "until=-5m"] {
            assert!(parse(odd, &AuditQuery::default(), NOW).is_err(), "{odd}");
        }
        assert!(
            parse("actor", &AuditQuery::default(), NOW)
                .unwrap_err()
                .contains("key=value")
        );
    }
}
