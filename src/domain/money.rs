//! Money as an exact decimal: integer micro-units (a millionth of the currency unit), never a float.

use std::fmt;

/// Micro-units per unit.
pub const MICROS: i64 = 1_000_000;

/// An exact amount of money, in micro-units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(pub i64);

/// A decimal that is not a money amount, with why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an amount: {why}")]
pub struct BadAmount {
    pub text: String,
    pub why: &'static str,
}

impl Money {
    /// Parses `"0.0125"`, `"-1"`, `"12.500000"`: at most six decimals, never rounded.
    pub fn parse(text: &str) -> Result<Money, BadAmount> {
        let bad = |why| BadAmount {
            text: text.to_string(),
            why,
        };
        let t = text.trim();
        let (negative, digits) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && frac.is_empty() {
            return Err(bad("no digits"));
        }
        if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad("only digits and one decimal point"));
        }
        if frac.len() > 6 {
            return Err(bad("more than six decimals"));
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad("too large"))?
        };
        let frac: i64 = format!("{frac:0<6}")
            .parse()
            .map_err(|_| bad("bad decimals"))?;
        let micros = whole
            .checked_mul(MICROS)
            .and_then(|w| w.checked_add(frac))
            .ok_or_else(|| bad("too large"))?;
        Ok(Money(if negative { -micros } else { micros }))
    }

    pub fn micros(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Money {
    /// Always six decimals, as the API writes money: `"0.012500"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(
            f,
            "{sign}{}.{:06}",
            abs / MICROS as u64,
            abs % MICROS as u64
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_prints_exactly() {
        assert_eq!(Money::parse("0.0125").unwrap(), Money(12_500));
        assert_eq!(Money::parse("-1").unwrap().to_string(), "-1.000000");
        assert_eq!(Money::parse(".5").unwrap(), Money(500_000));
        assert_eq!(Money(12_500).to_string(), "0.012500");
        for bad in [
            "",
            "-",
            "1.2345678",
            "1,5",
            "abc",
            "1.2.3",
            "99999999999999999",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn printing_then_parsing_gives_back_the_amount(m in -1_000_000_000_000i64..1_000_000_000_000) {
            prop_assert_eq!(Money::parse(&Money(m).to_string()).unwrap(), Money(m));
        }
    }
}
