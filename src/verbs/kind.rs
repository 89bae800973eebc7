//! The kinds of object the verbs act on, with the words a person may type for each.

use clap::ValueEnum;

/// A kind of object, as typed after a verb: plural, singular or a short alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    #[value(name = "dealers", aliases = ["dealer", "d"])]
    Dealers,
    #[value(name = "tenants", aliases = ["tenant", "t", "pbx", "pbxs"])]
    Tenants,
    /// A dealer's package and what is carved out of it.
    #[value(name = "packages", aliases = ["package", "pkg"])]
    Packages,
    #[value(name = "users", aliases = ["user", "u", "logins", "login"])]
    Users,
    #[value(name = "groups", aliases = ["group", "g"])]
    Groups,
    #[value(name = "rate-cards", aliases = ["rate-card", "ratecards", "ratecard", "rc", "cards", "card"])]
    RateCards,
    /// The rates of one rate card.
    #[value(name = "rates", aliases = ["rate"])]
    Rates,
    #[value(name = "audit", aliases = ["events", "event"])]
    Audit,
    #[value(name = "api-keys", aliases = ["api-key", "apikeys", "apikey", "keys", "key"])]
    ApiKeys,
}

impl Kind {
    /// Every kind, in the order help lists them.
    pub const ALL: [Kind; 9] = [
        Kind::Dealers,
        Kind::Tenants,
        Kind::Packages,
        Kind::Users,
        Kind::Groups,
        Kind::RateCards,
        Kind::Rates,
        Kind::Audit,
        Kind::ApiKeys,
    ];

    /// The kind named by `word` (any of its names, in any case).
    pub fn parse(word: &str) -> Option<Kind> {
        Kind::from_str(word, true).ok()
    }

    /// The plural name (`tenants`).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Dealers => "dealers",
            Kind::Tenants => "tenants",
            Kind::Packages => "packages",
            Kind::Users => "users",
            Kind::Groups => "groups",
            Kind::RateCards => "rate-cards",
            Kind::Rates => "rates",
            Kind::Audit => "audit",
            Kind::ApiKeys => "api-keys",
        }
    }

    /// The singular name, used in `kind/id` lines and messages (`tenant`).
    pub fn singular(self) -> &'static str {
        match self {
            Kind::Dealers => "dealer",
            Kind::Tenants => "tenant",
            Kind::Packages => "package",
            Kind::Users => "user",
            Kind::Groups => "group",
            Kind::RateCards => "rate-card",
            Kind::Rates => "rate",
            Kind::Audit => "event",
            Kind::ApiKeys => "api-key",
        }
    }
}

impl Kind {
    /// The prefix of this kind's ids, as the server makes them (`tnt_…`).
    pub fn id_prefix(self) -> Option<&'static str> {
        match self {
            Kind::Dealers | Kind::Packages => Some("dlr_"),
            Kind::Tenants => Some("tnt_"),
            Kind::Users => Some("usr_"),
            Kind::Groups => Some("grp_"),
            Kind::RateCards => Some("rc_"),
            Kind::ApiKeys => Some("key_"),
            Kind::Rates | Kind::Audit => None,
        }
    }

    /// Whether `text` is an id of this kind rather than a name.
    pub fn is_id(self, text: &str) -> bool {
        self.id_prefix().is_some_and(|p| text.starts_with(p))
            && text.len() > 8
            && !text.contains(char::is_whitespace)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.plural())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_named_by_plural_singular_and_any_case() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.plural()), Some(k));
            assert_eq!(Kind::parse(k.singular()), Some(k), "{k}");
            assert_eq!(Kind::parse(&k.plural().to_uppercase()), Some(k));
        }
        assert_eq!(Kind::parse("rc"), Some(Kind::RateCards));
        assert_eq!(Kind::parse("login"), Some(Kind::Users));
        assert_eq!(Kind::parse("widgets"), None);
    }
}
