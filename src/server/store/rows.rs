//! Reading rows, and the small conversions every table shares: ids, timestamps, cursors, search.

use base64::Engine;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use super::StoreError;

/// Typed column access with errors instead of panics.
pub trait RowExt {
    fn text(&self, col: &str) -> Result<String, StoreError>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError>;
    fn int(&self, col: &str) -> Result<i64, StoreError>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError>;
    fn flag(&self, col: &str) -> Result<bool, StoreError> {
        Ok(self.int(col)? != 0)
    }
    fn time(&self, col: &str) -> Result<OffsetDateTime, StoreError> {
        time_of(self.int(col)?)
    }
    fn opt_time(&self, col: &str) -> Result<Option<OffsetDateTime>, StoreError> {
        self.opt_int(col)?.map(time_of).transpose()
    }
}

impl RowExt for AnyRow {
    fn text(&self, col: &str) -> Result<String, StoreError> {
        Ok(self.try_get::<String, _>(col)?)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get::<Option<String>, _>(col)?)
    }
    fn int(&self, col: &str) -> Result<i64, StoreError> {
        Ok(self.try_get::<i64, _>(col)?)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get::<Option<i64>, _>(col)?)
    }
}

/// A new opaque id: a kind prefix and a time-ordered UUID, so ids sort by creation.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

/// Now, in microseconds since the Unix epoch (how timestamps are stored).
pub fn now_micros() -> i64 {
    micros_of(OffsetDateTime::now_utc())
}

/// A stored timestamp (microseconds since the Unix epoch, UTC) as a time; one that RFC 3339
/// cannot write (outside the years 0 to 9999) is an inconsistency.
pub fn time_of(micros: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(micros as i128 * 1000)
        .ok()
        .filter(|t| (0..=9999).contains(&t.year()))
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {micros} out of range")))
}

/// A time as stored microseconds.
pub fn micros_of(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1000) as i64
}

/// A keyset cursor: the sort key and id of the last row of a page, opaque to clients.
pub fn encode_cursor(key: &str, id: &str) -> String {
    let raw = serde_json::json!([key, id]).to_string();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// Decodes a cursor made by [`encode_cursor`]; `None` for anything else.
pub fn decode_cursor(c: &str) -> Option<(String, String)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()?;
    let (key, id): (String, String) = serde_json::from_slice(&raw).ok()?;
    Some((key, id))
}

/// A `LIKE` pattern for a case-insensitive substring search (matched with `ESCAPE '\'`).
pub fn like_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for c in q.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::format_description::well_known::Rfc3339;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = encode_cursor("Harbor Voice", "dlr_1");
        assert_eq!(
            decode_cursor(&c),
            Some(("Harbor Voice".into(), "dlr_1".into()))
        );
        assert_eq!(decode_cursor("not a cursor"), None);
    }

    #[test]
    fn times_round_trip() {
        let t = now_micros();
        let written = time_of(t).unwrap().format(&Rfc3339).unwrap();
        let read = OffsetDateTime::parse(&written, &Rfc3339).unwrap();
        assert_eq!(micros_of(read), t);
        assert!(time_of(i64::MAX).is_err());
    }

    #[test]
    fn like_escapes_wildcards() {
        assert_eq!(like_pattern("50%_A"), "%50\\%\\_a%");
    }
}
