//! The CSV rate import: any text must parse into rates or into a list of bad lines, never panic,
//! and what parses must write back to CSV that parses to the same rates.
#![no_main]

use dealerctl::domain::rates::{parse_csv, to_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_csv(text, 50) {
        Ok(rates) => {
            let again = parse_csv(&to_csv(&rates), 50).expect("written CSV parses");
            assert_eq!(again, rates);
        }
        Err(bad) => assert!(!bad.is_empty() && bad.len() <= 50),
    }
});
