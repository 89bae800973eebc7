//! Field validation shared by the server (authoritative) and the console (inline, as you type).

/// A field that failed validation: which one and why, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;

/// The longest name (dealers, tenants, groups, rate cards, display names).
pub const MAX_NAME_LEN: usize = 100;

/// Characters that change the direction text is shown in (U+202A–U+202E, U+2066–U+2069): in a
/// name they can make a table row or an audit line read as something else.
pub fn is_bidi_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Refuses what no name or note should hold: control characters (line breaks and escapes
/// included) and bidirectional overrides.
pub fn printable(field: &'static str, v: &str) -> Result<(), FieldError> {
    if v.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must not contain control characters (line breaks, tabs, escapes)",
        ));
    }
    if v.chars().any(is_bidi_override) {
        return Err(FieldError::new(
            field,
            "must not contain characters that reverse the text direction",
        ));
    }
    Ok(())
}

/// A name: 1 to 100 characters after trimming, printable.
pub fn name(field: &'static str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if v.chars().count() > MAX_NAME_LEN {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_NAME_LEN} characters"),
        ));
    }
    printable(field, v)?;
    Ok(v.to_string())
}

/// Free text (display names, addresses, notes, descriptions): at most `max` characters, printable.
pub fn text(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    printable(field, v)?;
    Ok(v.to_string())
}

/// An e-mail address, lower-cased: one `@`, a dot in the domain, no spaces.
pub fn email(field: &'static str, value: &str) -> Result<String, FieldError> {
    let v = value.trim().to_lowercase();
    let bad = || FieldError::new(field, "must be an e-mail address like name@example.com");
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || v.len() > 254
        || v.chars().any(|c| c.is_whitespace() || c.is_control())
        || !is_hostname(domain)
    {
        return Err(bad());
    }
    Ok(v)
}

/// An optional e-mail address: empty is allowed.
pub fn optional_email(field: &'static str, value: &str) -> Result<String, FieldError> {
    if value.trim().is_empty() {
        Ok(String::new())
    } else {
        email(field, value)
    }
}

/// A SIP domain: a lower-case host name with at least two labels.
pub fn sip_domain(field: &'static str, value: &str) -> Result<String, FieldError> {
    let v = value.trim().to_lowercase();
    if is_hostname(&v) {
        Ok(v)
    } else {
        Err(FieldError::new(
            field,
            "must be a host name like acme.pbx.example.net",
        ))
    }
}

fn is_hostname(v: &str) -> bool {
    let labels: Vec<&str> = v.split('.').collect();
    v.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// A whole number within `min..=max`.
pub fn range(field: &'static str, value: i64, min: i64, max: i64) -> Result<i64, FieldError> {
    if value < min || value > max {
        Err(FieldError::new(
            field,
            format!("must be between {min} and {max}"),
        ))
    } else {
        Ok(value)
    }
}

/// A new password: long enough, not all spaces.
pub fn password(field: &'static str, value: &str) -> Result<(), FieldError> {
    if value.chars().count() < MIN_PASSWORD_LEN || value.trim().is_empty() {
        return Err(FieldError::new(
            field,
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    if value.len() > 1024 {
        return Err(FieldError::new(field, "must be at most 1024 bytes"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails() {
        assert_eq!(
            email("email", " Ops@Example.COM ").unwrap(),
            "ops@example.com"
        );
        for bad in ["", "ops", "ops@", "@x.com", "a@b", "a b@x.com", "a@@x.com"] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn domains() {
        assert_eq!(
            sip_domain("domain", "Riverside-Dental.PBX.example").unwrap(),
            "riverside-dental.pbx.example"
        );
        for bad in ["", "pbx", "-a.b", "a..b", "a_b.c", "a.b-"] {
            assert!(sip_domain("domain", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_notes_refuse_control_and_direction_characters() {
        for bad in [
            "a\nb",
            "a\u{1b}[2Jb",
            "evil\u{202E}gnp.exe",
            "x\u{2066}y",
            "tab\there",
        ] {
            assert!(name("name", bad).is_err(), "{bad:?}");
            assert!(text("notes", bad, 4000).is_err(), "{bad:?}");
        }
        assert!(name("name", &"x".repeat(101)).is_err());
        assert_eq!(
            name("name", "Zürich Téléphonie").unwrap(),
            "Zürich Téléphonie"
        );
        assert_eq!(name("name", "شركة الاتصالات").unwrap(), "شركة الاتصالات");
    }

    #[test]
    fn names_and_passwords() {
        assert!(name("name", "   ").is_err());
        assert_eq!(name("name", " Harbor Voice ").unwrap(), "Harbor Voice");
        assert!(password("password", "short").is_err());
        assert!(password("password", "correct horse battery").is_ok());
    }

    proptest! {
        #[test]
        fn accepted_domains_are_lowercase_and_dotted(s in "[a-zA-Z0-9.-]{0,40}") {
            if let Ok(d) = sip_domain("domain", &s) {
                prop_assert_eq!(d.clone(), d.to_lowercase());
                prop_assert!(d.contains('.'));
            }
        }

        #[test]
        fn range_accepts_exactly_the_range(v in -1000i64..1000, lo in -500i64..0, hi in 0i64..500) {
            prop_assert_eq!(range("x", v, lo, hi).is_ok(), lo <= v && v <= hi);
        }
    }
}
