//! One field of one record as a file gives it, and its conversion to the type a hub or an
//! event wants. CSV gives text; NDJSON gives a JSON value, where numbers, booleans and times
//! may also be strings. Each conversion is written once for both.

use serde_json::Number;

use super::{excerpt, malformed};
use crate::error::RecordProblem;

/// What a time, a boolean or a number should look like, for messages.
pub(super) const EXPECTED_TIME: &str =
    "an RFC 3339 time such as 2024-05-01T18:30:00Z, or integer unix seconds";
const EXPECTED_BOOL: &str = "true, false, 1 or 0";
const EXPECTED_U64: &str = "an integer from 0 to 18446744073709551615";
const EXPECTED_U32: &str = "an integer from 0 to 4294967295";
const EXPECTED_DEGREES: &str = "a number of degrees";
const EXPECTED_TEXT: &str = "a string";
const EXPECTED_LIST: &str = "an array of strings";

/// A present field: a trimmed, non-empty CSV cell, or a JSON value other than `null`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Value<'a> {
    field: &'static str,
    raw: Raw<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Raw<'a> {
    Text(&'a str),
    Json(&'a serde_json::Value),
}

impl<'a> Value<'a> {
    /// The CSV cell of `field`.
    pub(super) fn text(field: &'static str, text: &'a str) -> Value<'a> {
        let raw = Raw::Text(text);
        Value { field, raw }
    }

    /// The JSON value of `field`.
    pub(super) fn json(field: &'static str, json: &'a serde_json::Value) -> Value<'a> {
        let raw = Raw::Json(json);
        Value { field, raw }
    }

    /// An id: an integer `0..=2^64-1`.
    pub(super) fn to_u64(self) -> Result<u64, RecordProblem> {
        self.number(Number::as_u64, |text| text.parse().ok(), EXPECTED_U64)
    }

    /// A count or an amount: an integer `0..=2^32-1`.
    pub(super) fn to_u32(self) -> Result<u32, RecordProblem> {
        let from_number = |n: &Number| n.as_u64().and_then(|n| u32::try_from(n).ok());
        self.number(from_number, |text| text.parse().ok(), EXPECTED_U32)
    }

    /// Degrees. `NaN` and `inf` pass; the builder rejects them, as it does values out of
    /// range, with [`RecordProblem::Coordinate`].
    pub(super) fn to_degrees(self) -> Result<f64, RecordProblem> {
        self.number(Number::as_f64, |text| text.parse().ok(), EXPECTED_DEGREES)
    }

    /// Unix seconds, from an RFC 3339 time or an integer.
    pub(super) fn to_time(self) -> Result<i64, RecordProblem> {
        self.number(Number::as_i64, time_seconds, EXPECTED_TIME)
    }

    /// `true`/`false` in any letter case, or `1`/`0`.
    pub(super) fn to_bool(self) -> Result<bool, RecordProblem> {
        let from_number = |n: &Number| match n.as_u64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        };
        match self.raw {
            Raw::Json(serde_json::Value::Bool(flag)) => Ok(*flag),
            _ => self.number(from_number, bool_of, EXPECTED_BOOL),
        }
    }

    /// Text as given; the builder trims it and checks its length.
    pub(super) fn to_text(self) -> Result<String, RecordProblem> {
        match self.as_str() {
            Some(text) => Ok(text.to_string()),
            None => Err(self.wrong(EXPECTED_TEXT)),
        }
    }

    /// A list: `;`-separated text without empty items, or a JSON array of strings.
    pub(super) fn to_list(self) -> Result<Vec<String>, RecordProblem> {
        match self.raw {
            Raw::Text(text) => Ok(split_list(text).map(str::to_string).collect()),
            Raw::Json(serde_json::Value::Array(items)) => items
                .iter()
                .map(|item| Value::json(self.field, item).json_string(EXPECTED_LIST))
                .collect(),
            Raw::Json(_) => Err(self.wrong(EXPECTED_LIST)),
        }
    }

    fn json_string(self, expected: &'static str) -> Result<String, RecordProblem> {
        match self.raw {
            Raw::Json(serde_json::Value::String(text)) => Ok(text.clone()),
            _ => Err(self.wrong(expected)),
        }
    }

    /// A value that may be a JSON number, or text holding one.
    fn number<T>(
        self,
        from_number: impl Fn(&Number) -> Option<T>,
        from_text: impl Fn(&str) -> Option<T>,
        expected: &'static str,
    ) -> Result<T, RecordProblem> {
        if let Some(text) = self.as_str() {
            let text = text.trim();
            return from_text(text).ok_or_else(|| malformed(self.field, text, expected));
        }
        match self.raw {
            Raw::Json(serde_json::Value::Number(number)) => {
                from_number(number).ok_or_else(|| self.wrong(expected))
            }
            _ => Err(self.wrong(expected)),
        }
    }

    /// The text of a CSV cell or of a JSON string.
    fn as_str(self) -> Option<&'a str> {
        match self.raw {
            Raw::Text(text) => Some(text),
            Raw::Json(serde_json::Value::String(text)) => Some(text),
            Raw::Json(_) => None,
        }
    }

    /// A JSON value of the wrong type or range, shown as JSON.
    fn wrong(self, expected: &'static str) -> RecordProblem {
        let shown = match self.raw {
            Raw::Text(text) => text.to_string(),
            Raw::Json(json) => json.to_string(),
        };
        RecordProblem::Malformed {
            field: self.field,
            value: excerpt(&shown),
            expected,
        }
    }
}

/// Unix seconds of an RFC 3339 time or of an integer with an optional sign.
pub(super) fn time_seconds(text: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        OffsetDateTime::parse(text, &Rfc3339)
            .ok()
            .map(OffsetDateTime::unix_timestamp)
    }
}

fn bool_of(text: &str) -> Option<bool> {
    if text == "1" || text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text == "0" || text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The items of a `;`-separated list, trimmed, without empty ones.
fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(';')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(text: &str) -> Value<'_> {
        Value::text("f", text)
    }

    fn json(value: &serde_json::Value) -> Value<'_> {
        Value::json("f", value)
    }

    fn shown(problem: Result<impl std::fmt::Debug, RecordProblem>) -> String {
        match problem {
            Err(RecordProblem::Malformed {
                field: "f", value, ..
            }) => value,
            other => panic!("expected Malformed 'f', got {other:?}"),
        }
    }

    #[test]
    fn booleans_accept_words_and_digits() {
        for (given, flag) in [("true", true), ("TRUE", true), ("1", true), (" 0 ", false)] {
            assert_eq!(text(given).to_bool(), Ok(flag), "{given:?}");
        }
        for given in ["yes", "2", "t"] {
            assert!(text(given).to_bool().is_err(), "{given:?}");
        }
        let one = serde_json::json!(1);
        assert_eq!(json(&one).to_bool(), Ok(true));
        assert_eq!(shown(json(&serde_json::json!(2)).to_bool()), "2");
    }

    #[test]
    fn numbers_trim_and_reject_junk() {
        assert_eq!(text(" 42 ").to_u64(), Ok(42));
        assert_eq!(text("18446744073709551615").to_u64(), Ok(u64::MAX));
        assert_eq!(shown(text(" -1 ").to_u64()), "-1");
        assert!(text("1.0").to_u64().is_err());
        assert_eq!(text("4294967295").to_u32(), Ok(u32::MAX));
        assert!(text("4294967296").to_u32().is_err());
        assert_eq!(text("-33.5").to_degrees(), Ok(-33.5));
        assert!(text("NaN").to_degrees().is_ok_and(f64::is_nan));
        assert_eq!(shown(text("abc").to_degrees()), "abc");
    }

    #[test]
    fn json_numbers_may_be_strings_and_wrong_types_show_as_json() {
        assert_eq!(json(&serde_json::json!("12")).to_u64(), Ok(12));
        assert_eq!(json(&serde_json::json!(-5)).to_time(), Ok(-5));
        assert_eq!(shown(json(&serde_json::json!(1.5)).to_time()), "1.5");
        assert_eq!(shown(json(&serde_json::json!(true)).to_u32()), "true");
        assert_eq!(
            shown(json(&serde_json::json!(4_294_967_296u64)).to_u32()),
            "4294967296"
        );
        assert_eq!(shown(json(&serde_json::json!(3)).to_text()), "3");
    }

    #[test]
    fn lists_split_on_semicolons_or_come_as_string_arrays() {
        assert_eq!(
            text(" hiking; photo-walk ;;").to_list(),
            Ok(vec!["hiking".into(), "photo-walk".into()])
        );
        assert_eq!(text(";").to_list(), Ok(vec![]));
        let array = serde_json::json!(["x", "y"]);
        assert_eq!(json(&array).to_list(), Ok(vec!["x".into(), "y".into()]));
        assert_eq!(shown(json(&serde_json::json!("x;y")).to_list()), r#""x;y""#);
        assert_eq!(shown(json(&serde_json::json!(["x", 1])).to_list()), "1");
    }
}
