//! Hostile bytes where the console expects a server's answer, and hostile text where the server
//! expects a CSV rate file: never a panic, always a value or an error that can be shown. The same
//! functions are fuzzed with coverage guidance by the targets under `fuzz/` (`scripts/fuzz-targets`);
//! these properties run them on every `cargo test`.

use dealerctl::client::{ClientError, decode_answer};
use dealerctl::domain::rates::{parse_csv, to_csv};
use dealerctl::model::*;
use proptest::prelude::*;

fn shown<T>(r: Result<T, ClientError>) {
    if let Err(e) = r {
        assert!(!e.to_string().is_empty());
    }
}

fn decode_everything(data: &[u8]) {
    let kind = Some("application/json");
    shown(decode_answer::<Me>(data, kind));
    shown(decode_answer::<TreeNode>(data, kind));
    shown(decode_answer::<Page<Tenant>>(data, kind));
    shown(decode_answer::<Page<RateCard>>(data, kind));
    shown(decode_answer::<Page<RateRow>>(data, kind));
    shown(decode_answer::<Page<AuditEvent>>(data, kind));
    shown(decode_answer::<MovePlan>(data, kind));
    shown(decode_answer::<MarkupPreview>(data, kind));
    assert!(
        !ClientError::from_error_body(409, data)
            .to_string()
            .is_empty()
    );
}

/// A real answer with some of its bytes replaced: mostly valid JSON, wrong in places.
fn mutated_answer() -> impl Strategy<Value = Vec<u8>> {
    let sample = serde_json::to_vec(&serde_json::json!({
        "items": [{"id": "tnt_1", "dealer_id": "dlr_1", "dealer_name": "Coastal", "name": "Bakery",
                   "domain": "bakery.pbx.example", "extensions": 5, "concurrent_calls": 2,
                   "recording_minutes": 0, "high_availability": false, "enabled": true,
                   "effective_enabled": true, "rate_card_id": null, "created_at": "2026-01-01T00:00:00Z",
                   "updated_at": "2026-01-01T00:00:00Z", "version": 1}],
        "next_cursor": null, "total": 1,
        "error": {"code": "capacity_exceeded", "message": "x", "field": "extensions", "details": {}}
    }))
    .unwrap();
    let len = sample.len();
    prop::collection::vec((0..len, any::<u8>()), 0..8).prop_map(move |edits| {
        let mut bytes = sample.clone();
        for (at, b) in edits {
            bytes[at] = b;
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_decode_or_fail_in_words(data in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_everything(&data);
    }

    #[test]
    fn damaged_answers_decode_or_fail_in_words(data in mutated_answer()) {
        decode_everything(&data);
    }

    #[test]
    fn any_csv_parses_or_lists_its_bad_lines(text in "(?s).{0,400}", lines in prop::collection::vec("[0-9]{1,4},[ -~]{0,12},[0-9.]{1,9},[0-9.]{1,6},[0-9]{1,3},[0-9]{1,3}", 0..10)) {
        for input in [text, lines.join("\n")] {
            match parse_csv(&input, 50) {
                Ok(rates) => prop_assert_eq!(parse_csv(&to_csv(&rates), 50).unwrap(), rates),
                Err(bad) => prop_assert!(!bad.is_empty() && bad.len() <= 50),
            }
        }
    }
}
