//! Rate cards: markups from a parent card, the below-cost rule, margins, longest-prefix lookup and
//! the CSV rate format. Derived rates are computed from the parent on demand, never stored, so a
//! change upstream shows downstream at once.

use std::collections::BTreeMap;

use super::money::{BadAmount, MICROS, Money};

/// One rate of a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    pub prefix: String,
    pub destination: String,
    /// Per minute.
    pub rate: Money,
    pub connection_fee: Money,
    /// Billing increments in seconds: the first, then each next.
    pub increment_first: u32,
    pub increment_next: u32,
}

/// How a customer card prices from its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// `value` percent on top: "50" means cost × 1.5 (the value in micro-units of a percent).
    Percent(i64),
    /// A fixed amount on top of the cost.
    Relative(Money),
    /// The price itself, whatever the cost.
    Absolute(Money),
}

impl Markup {
    /// Parses a rule as the API names it: `percent`, `relative` or `absolute`, with a decimal value.
    pub fn parse(kind: &str, value: &str) -> Result<Markup, String> {
        let amount = Money::parse(value).map_err(|e| e.to_string())?;
        match kind {
            "percent" => Ok(Markup::Percent(amount.micros())),
            "relative" => Ok(Markup::Relative(amount)),
            "absolute" => Ok(Markup::Absolute(amount)),
            other => Err(format!(
                "`{other}` is not a markup (percent, relative or absolute)"
            )),
        }
    }

    /// The sell price for a cost. Percent rounds half away from zero to the micro-unit; the
    /// others are exact.
    pub fn apply(self, cost: Money) -> Money {
        match self {
            Markup::Percent(p) => {
                let hundred = 100 * MICROS as i128;
                let num = cost.micros() as i128 * (hundred + p as i128);
                let q = num / hundred;
                let r = num % hundred;
                let rounded = if 2 * r.abs() >= hundred {
                    q + num.signum()
                } else {
                    q
                };
                Money(rounded.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
            }
            Markup::Relative(m) => Money(cost.micros().saturating_add(m.micros())),
            Markup::Absolute(m) => m,
        }
    }

    /// The rate a customer card sells a parent rate at, the increments kept. A percent marks up
    /// the connection fee too; relative and absolute values are amounts per minute, so the fee
    /// passes through at cost.
    pub fn derive(self, parent: &Rate) -> Rate {
        Rate {
            rate: self.apply(parent.rate),
            connection_fee: match self {
                Markup::Percent(_) => self.apply(parent.connection_fee),
                Markup::Relative(_) | Markup::Absolute(_) => parent.connection_fee,
            },
            ..parent.clone()
        }
    }
}

/// Prices a card through a chain of markups (outermost last).
pub fn price_through(rates: &[Rate], chain: &[Markup]) -> Vec<Rate> {
    rates
        .iter()
        .map(|r| chain.iter().fold(r.clone(), |acc, m| m.derive(&acc)))
        .collect()
}

/// A carrier rate as a card down a chain of markups (outermost last) sells it, and, when
/// `with_cost`, what it costs the card's seller: the rate priced through every markup but the
/// card's own. The sell price derives from that cost, so the margin shown is the one applied.
pub fn sell_and_cost(carrier: Rate, chain: &[Markup], with_cost: bool) -> (Rate, Option<Rate>) {
    let cost = match chain.split_last() {
        Some((_, above)) if with_cost => {
            Some(above.iter().fold(carrier.clone(), |acc, m| m.derive(&acc)))
        }
        _ => None,
    };
    let sell = match (&cost, chain.last()) {
        (Some(c), Some(own)) => own.derive(c),
        _ => chain.iter().fold(carrier, |acc, m| m.derive(&acc)),
    };
    (sell, cost)
}

/// The prefixes a markup would sell below cost, in order; empty when it never does.
pub fn below_cost(parent: &[Rate], markup: Markup) -> Vec<String> {
    parent
        .iter()
        .filter(|r| {
            let d = markup.derive(r);
            d.rate < r.rate || d.connection_fee < r.connection_fee
        })
        .map(|r| r.prefix.clone())
        .collect()
}

/// The smallest per-minute margin (sell − cost) of a markup over a card, and where.
pub fn lowest_margin(parent: &[Rate], markup: Markup) -> Option<(String, Money)> {
    parent
        .iter()
        .map(|r| {
            (
                r.prefix.clone(),
                Money(
                    markup
                        .apply(r.rate)
                        .micros()
                        .saturating_sub(r.rate.micros()),
                ),
            )
        })
        .min_by_key(|(_, m)| *m)
}

impl Rate {
    /// The seconds billed for a call of `seconds` (the first increment, then whole next
    /// increments) and its price: the connection fee plus the billed minutes at the rate, rounded
    /// half up to the micro-unit. An unanswered call (0 s) costs nothing.
    pub fn price_call(&self, seconds: u32) -> (u32, Money) {
        if seconds == 0 {
            return (0, Money(0));
        }
        let first = self.increment_first.max(1);
        let next = self.increment_next.max(1);
        let billed = if seconds <= first {
            first
        } else {
            first.saturating_add((seconds - first).div_ceil(next).saturating_mul(next))
        };
        let per_minute = self.rate.micros() as i128 * billed as i128;
        let minutes = (per_minute + 30) / 60;
        let total = self.connection_fee.micros() as i128 + minutes;
        (
            billed,
            Money(total.clamp(i64::MIN as i128, i64::MAX as i128) as i64),
        )
    }
}

/// Rates by prefix, for longest-prefix lookup of a dialled number.
#[derive(Debug, Default)]
pub struct PrefixTable {
    by_prefix: BTreeMap<String, Rate>,
    longest: usize,
}

impl PrefixTable {
    pub fn new(rates: impl IntoIterator<Item = Rate>) -> PrefixTable {
        let mut t = PrefixTable::default();
        for r in rates {
            t.longest = t.longest.max(r.prefix.len());
            t.by_prefix.insert(r.prefix.clone(), r);
        }
        t
    }

    /// The rate of the longest prefix of `number`, if any prefix matches.
    pub fn lookup(&self, number: &str) -> Option<&Rate> {
        let digits: String = number.chars().filter(|c| c.is_ascii_digit()).collect();
        (1..=digits.len().min(self.longest))
            .rev()
            .find_map(|n| self.by_prefix.get(&digits[..n]))
    }
}

/// A CSV line that is not a rate: which line, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {why}")]
pub struct BadRateLine {
    pub line: usize,
    pub why: String,
}

/// The largest rate or fee a card holds (1,000,000 units), so that any chain of markups stays
/// far from overflow.
pub const MAX_AMOUNT: i64 = 1_000_000 * MICROS;

/// The CSV columns, in order.
pub const CSV_HEADER: &str =
    "prefix,destination,rate,connection_fee,increment_first,increment_next";

/// Parses rates from CSV (with or without the header line). Every line is checked; the first
/// problems are returned, up to `max_errors`, so a user can fix a file in one go.
pub fn parse_csv(text: &str, max_errors: usize) -> Result<Vec<Rate>, Vec<BadRateLine>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rates = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, record) in reader.records().enumerate() {
        // The line of the file the record starts on (a quoted field may span lines).
        let line = match &record {
            Ok(r) => r.position().map_or(i + 1, |p| p.line() as usize),
            Err(e) => e.position().map_or(i + 1, |p| p.line() as usize),
        };
        let bad = |why: String| BadRateLine { line, why };
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(bad(e.to_string()));
                continue;
            }
        };
        if line == 1 && record.get(0) == Some("prefix") {
            continue;
        }
        if record.len() != 6 {
            errors.push(bad(format!(
                "expected 6 fields ({CSV_HEADER}), found {}",
                record.len()
            )));
        } else {
            let field = |n: usize| record.get(n).unwrap_or("");
            let money = |n: usize| Money::parse(field(n)).map_err(|e: BadAmount| e.to_string());
            let secs = |n: usize| {
                field(n)
                    .parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("`{}` is not a number of seconds above 0", field(n)))
            };
            let prefix = field(0);
            let parsed = (|| -> Result<Rate, String> {
                if prefix.is_empty()
                    || prefix.len() > 20
                    || !prefix.chars().all(|c| c.is_ascii_digit())
                {
                    return Err(format!("prefix `{prefix}` must be 1 to 20 digits"));
                }
                let rate = money(2)?;
                let fee = money(3)?;
                if rate.micros() < 0 || fee.micros() < 0 {
                    return Err("rates and fees cannot be negative".into());
                }
                if rate.micros() > MAX_AMOUNT || fee.micros() > MAX_AMOUNT {
                    return Err("rates and fees are at most 1000000".into());
                }
                let destination = check_destination(field(1))?;
                Ok(Rate {
                    prefix: prefix.to_string(),
                    destination,
                    rate,
                    connection_fee: fee,
                    increment_first: secs(4)?,
                    increment_next: secs(5)?,
                })
            })();
            match parsed {
                Ok(r) if !seen.insert(r.prefix.clone()) => {
                    errors.push(bad(format!("prefix {} appears twice", r.prefix)))
                }
                Ok(r) => rates.push(r),
                Err(why) => errors.push(bad(why)),
            }
        }
        if errors.len() >= max_errors {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rates)
    } else {
        Err(errors)
    }
}

/// The longest destination name.
pub const MAX_DESTINATION_LEN: usize = 100;

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A destination name: at most 100 printable characters, and never what a spreadsheet would
/// run as a formula when the card is exported and opened.
fn check_destination(v: &str) -> Result<String, String> {
    if v.chars().count() > MAX_DESTINATION_LEN {
        return Err(format!(
            "destination must be at most {MAX_DESTINATION_LEN} characters"
        ));
    }
    if let Err(e) = crate::domain::validate::printable("destination", v) {
        return Err(format!("destination {}", e.message));
    }
    if v.starts_with(FORMULA_STARTS) {
        return Err(format!(
            "destination `{}` starts with `{}`, which spreadsheets run as a formula",
            v.chars().take(20).collect::<String>(),
            v.chars().next().unwrap_or('=')
        ));
    }
    Ok(v.to_string())
}

/// One CSV cell as written: quoted when needed, and with a leading `'` when it would otherwise
/// start like a formula (as OWASP advises against CSV injection).
pub fn csv_cell(v: &str) -> String {
    let v = if v.starts_with(FORMULA_STARTS) {
        format!("'{v}")
    } else {
        v.to_string()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// Writes rates as CSV, header first.
pub fn to_csv(rates: &[Rate]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for r in rates {
        let cells = [
            csv_cell(&r.prefix),
            csv_cell(&r.destination),
            csv_cell(&r.rate.to_string()),
            csv_cell(&r.connection_fee.to_string()),
            r.increment_first.to_string(),
            r.increment_next.to_string(),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rate(prefix: &str, micros: i64) -> Rate {
        Rate {
            prefix: prefix.into(),
            destination: format!("dest {prefix}"),
            rate: Money(micros),
            connection_fee: Money(0),
            increment_first: 60,
            increment_next: 60,
        }
    }

    #[test]
    fn a_chain_sells_through_every_markup_and_costs_through_all_but_its_own() {
        let carrier = rate("44", 10_000);
        let chain = [
            Markup::parse("percent", "50").unwrap(),
            Markup::parse("relative", "0.002").unwrap(),
        ];
        let (sell, cost) = sell_and_cost(carrier.clone(), &chain, true);
        assert_eq!(cost.unwrap().rate, Money(15_000));
        assert_eq!(sell.rate, Money(17_000));
        let (sell_only, no_cost) = sell_and_cost(carrier.clone(), &chain, false);
        assert_eq!((sell_only.rate, no_cost), (Money(17_000), None));
        let (carrier_itself, none) = sell_and_cost(carrier.clone(), &[], true);
        assert_eq!((carrier_itself, none), (carrier, None));
    }

    #[test]
    fn the_three_rules_price_as_documented() {
        let cost = Money::parse("0.0100").unwrap();
        assert_eq!(
            Markup::parse("percent", "50")
                .unwrap()
                .apply(cost)
                .to_string(),
            "0.015000"
        );
        assert_eq!(
            Markup::parse("relative", "0.002")
                .unwrap()
                .apply(cost)
                .to_string(),
            "0.012000"
        );
        assert_eq!(
            Markup::parse("absolute", "0.02")
                .unwrap()
                .apply(cost)
                .to_string(),
            "0.020000"
        );
        assert!(Markup::parse("discount", "5").is_err());
        // 12.5 % of 0.000001 is 0.000000125: rounded half away from zero to one micro-unit.
        assert_eq!(Markup::Percent(12_500_000).apply(Money(1)), Money(1));
        assert_eq!(Markup::Percent(50_000_000).apply(Money(1)), Money(2));
    }

    #[test]
    fn a_chain_of_three_markups_prices_a_call() {
        let carrier = vec![rate("44", 10_000)];
        // Provider +50 %, distributor +0.002, reseller +10 %.
        let chain = [
            Markup::Percent(50 * MICROS),
            Markup::Relative(Money(2_000)),
            Markup::Percent(10 * MICROS),
        ];
        let sold = price_through(&carrier, &chain);
        assert_eq!(sold[0].rate.to_string(), "0.018700");
    }

    #[test]
    fn below_cost_lists_the_prefixes_and_margins_find_the_worst() {
        let card = vec![rate("1", 5_000), rate("44", 20_000), rate("4420", 12_000)];
        assert_eq!(below_cost(&card, Markup::Absolute(Money(15_000))), ["44"]);
        assert!(below_cost(&card, Markup::Percent(0)).is_empty());
        assert_eq!(
            lowest_margin(&card, Markup::Absolute(Money(15_000))),
            Some(("44".into(), Money(-5_000)))
        );
    }

    #[test]
    fn csv_round_trips_and_reports_every_bad_line() {
        let text = "prefix,destination,rate,connection_fee,increment_first,increment_next\n44,\"UK, fixed\",0.0100,0,60,60\n4420,London,0.0120,0.01,1,1\n";
        let rates = parse_csv(text, 10).unwrap();
        assert_eq!(rates.len(), 2);
        assert_eq!(parse_csv(&to_csv(&rates), 10).unwrap(), rates);
        let bad = "44,UK,abc,0,60,60\n4x,UK,0.1,0,60,60\n44,UK,0.1,0,0,60\n44,UK,0.1,0,60,60\n44,UK,0.1,0,60,60\n";
        let errors = parse_csv(bad, 10).unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            [1, 2, 3, 5],
            "{errors:?}"
        );
    }

    #[test]
    fn the_import_refuses_formulas_and_unprintable_destinations_with_their_line() {
        let text = "44,UK,0.1,0,60,60\n45,=HYPERLINK(\"http://x\"),0.1,0,60,60\n46,@SUM(A1),0.1,0,60,60\n47,\"two\nlines\",0.1,0,60,60\n48,\u{202E}kU,0.1,0,60,60\n";
        let errors = parse_csv(text, 10).unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            [2, 3, 4, 6],
            "{errors:?}"
        );
        assert!(errors[0].why.contains("formula"), "{}", errors[0].why);
        let long = format!("49,{},0.1,0,60,60\n", "x".repeat(101));
        assert!(parse_csv(&long, 10).is_err());
    }

    #[test]
    fn the_export_neutralises_cells_a_spreadsheet_would_run() {
        for start in ["=", "+", "-", "@", "\t", "\r"] {
            let r = Rate {
                destination: format!("{start}cmd|' /C calc'!A0"),
                ..rate("44", 1)
            };
            let csv = to_csv(&[r]);
            let line = csv.lines().nth(1).unwrap();
            let cell = line.split(',').nth(1).unwrap().trim_start_matches('"');
            assert!(cell.starts_with('\''), "{start:?}: {line:?}");
        }
        let plain = to_csv(&[rate("44", 1)]);
        assert!(plain.contains(",dest 44,"), "{plain}");
    }

    fn any_card() -> impl Strategy<Value = Vec<Rate>> {
        prop::collection::btree_map(
            "[1-9][0-9]{0,5}",
            (
                0i64..10_000_000,
                prop_oneof![Just(0i64), 0i64..1_000_000],
                1u32..120,
                1u32..120,
            ),
            1..40,
        )
        .prop_map(|m| {
            m.into_iter()
                .map(|(p, (c, fee, first, next))| Rate {
                    connection_fee: Money(fee),
                    increment_first: first,
                    increment_next: next,
                    ..rate(&p, c)
                })
                .collect()
        })
    }

    fn any_markup() -> impl Strategy<Value = Markup> {
        prop_oneof![
            (-100_000_000i64..500_000_000).prop_map(Markup::Percent),
            (-1_000_000i64..1_000_000).prop_map(|m| Markup::Relative(Money(m))),
            (0i64..10_000_000).prop_map(|m| Markup::Absolute(Money(m))),
        ]
    }

    #[test]
    fn a_call_is_billed_in_increments() {
        let mut r = rate("44", 120_000); // 0.12 a minute
        r.connection_fee = Money(10_000);
        r.increment_first = 30;
        r.increment_next = 6;
        assert_eq!(r.price_call(0), (0, Money(0)));
        // 10 s bills the first 30 s: 0.01 + 0.06.
        assert_eq!(r.price_call(10), (30, Money(70_000)));
        // 61 s: 30 + 6×6 = 66 s: 0.01 + 0.132.
        assert_eq!(r.price_call(61), (66, Money(142_000)));
    }

    proptest! {
        /// Percent markups are exact up to the documented rounding: within half a micro-unit of
        /// the true product, computed here in wide integers.
        #[test]
        fn percent_is_exact_to_the_micro_unit(cost in 0i64..1_000_000_000_000, p in -100_000_000i64..1_000_000_000) {
            let sold = Markup::Percent(p).apply(Money(cost)).micros() as i128;
            let exact_times_hundred = cost as i128 * (100 * MICROS as i128 + p as i128);
            let diff = (sold * 100 * MICROS as i128 - exact_times_hundred).abs();
            prop_assert!(2 * diff <= 100 * MICROS as i128);
        }

        /// No below-cost sale slips through: every prefix not listed sells at or above cost.
        #[test]
        fn below_cost_misses_nothing(card in any_card(), m in any_markup()) {
            let listed = below_cost(&card, m);
            for r in &card {
                let d = m.derive(r);
                if listed.contains(&r.prefix) {
                    prop_assert!(d.rate < r.rate || d.connection_fee < r.connection_fee);
                } else {
                    // Whatever the call, it never sells for less than it costs.
                    for secs in [1, 6, 29, 30, 31, 59, 60, 61, 600, 3601] {
                        prop_assert!(d.price_call(secs).1 >= r.price_call(secs).1, "{} at {secs} s", r.prefix);
                    }
                }
            }
        }

        /// A chain is the same as applying its markups one card at a time.
        #[test]
        fn chains_compose(card in any_card(), a in any_markup(), b in any_markup(), c in any_markup()) {
            let step = price_through(&price_through(&price_through(&card, &[a]), &[b]), &[c]);
            prop_assert_eq!(price_through(&card, &[a, b, c]), step);
        }

        /// Calls bill whole increments, exactly, and a longer call never costs less.
        #[test]
        fn a_call_bills_whole_increments_and_never_costs_less_for_longer(
            micros in 0i64..10_000_000, fee in 0i64..1_000_000,
            first in 1u32..120, next in 1u32..120, seconds in 0u32..100_000,
        ) {
            let r = Rate { connection_fee: Money(fee), increment_first: first, increment_next: next, ..rate("1", micros) };
            let (billed, price) = r.price_call(seconds);
            if seconds == 0 {
                prop_assert_eq!((billed, price), (0, Money(0)));
            } else {
                prop_assert!(billed >= seconds && billed >= first);
                prop_assert!(billed < seconds + first.max(next));
                prop_assert!(billed == first || (billed - first) % next == 0);
                prop_assert!(r.price_call(seconds + 1).1 >= price);
                // Exact to the micro-unit: fee + rate × billed / 60, rounded half up.
                let exact = fee as i128 * 60 + micros as i128 * billed as i128;
                prop_assert!((price.micros() as i128 * 60 - exact).abs() <= 30);
            }
        }

        /// Longest-prefix lookup agrees with a brute-force scan.
        #[test]
        fn longest_prefix_match_is_right(card in any_card(), number in "[0-9]{1,12}") {
            let table = PrefixTable::new(card.clone());
            let brute = card.iter().filter(|r| number.starts_with(&r.prefix)).max_by_key(|r| r.prefix.len());
            prop_assert_eq!(table.lookup(&number), brute);
        }
    }
}
