//! The console's decoding of server answers: any bytes, as any answer the console reads, must
//! give a value or a `ClientError` whose message can be shown, never a panic.
#![no_main]

use dealerctl::client::{ClientError, decode_answer};
use dealerctl::model::*;
use libfuzzer_sys::fuzz_target;

fn shown<T>(r: Result<T, ClientError>) {
    if let Err(e) = r {
        let _ = e.to_string();
    }
}

fuzz_target!(|data: &[u8]| {
    let kind = ["application/json", "text/html", "text/plain"][data.len() % 3];
    shown(decode_answer::<LoginResponse>(data, Some(kind)));
    shown(decode_answer::<Me>(data, Some(kind)));
    shown(decode_answer::<TreeNode>(data, Some(kind)));
    shown(decode_answer::<Page<Dealer>>(data, Some(kind)));
    shown(decode_answer::<Page<Tenant>>(data, Some(kind)));
    shown(decode_answer::<Page<User>>(data, Some(kind)));
    shown(decode_answer::<Page<Group>>(data, Some(kind)));
    shown(decode_answer::<Page<AuditEvent>>(data, Some(kind)));
    shown(decode_answer::<Page<RateCard>>(data, Some(kind)));
    shown(decode_answer::<Page<RateRow>>(data, Some(kind)));
    shown(decode_answer::<Capacity>(data, Some(kind)));
    shown(decode_answer::<MovePlan>(data, Some(kind)));
    shown(decode_answer::<MarkupPreview>(data, Some(kind)));
    shown(decode_answer::<ScopeReport>(data, Some(kind)));
    let _ = ClientError::from_error_body(409, data).to_string();
});
