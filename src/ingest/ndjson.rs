//! NDJSON input: one JSON object a line.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::Deserialize;
use serde_json::{Number, Value};

use super::{
    excerpt, malformed, parse_bool, parse_degrees, parse_id, parse_members, parse_time, read_error,
    record_error, EXPECTED_BOOL, EXPECTED_DEGREES, EXPECTED_ID, EXPECTED_MEMBERS, EXPECTED_TIME,
};
use crate::build::SnapshotBuilder;
use crate::error::{BuildError, RecordProblem};
use crate::hub::Hub;

/// The field name that [`RecordProblem::Malformed`] gives a line that is not a JSON object.
const RECORD: &str = "record";

/// Reads the hubs of an NDJSON file into `builder`; returns how many.
pub(super) fn read(
    path: &Path,
    input: impl Read,
    builder: &mut SnapshotBuilder,
) -> Result<u64, BuildError> {
    let mut input = BufReader::new(input);
    let mut bytes = Vec::new();
    let mut line = 0;
    let mut count = 0;

    loop {
        bytes.clear();
        let read = input
            .read_until(b'\n', &mut bytes)
            .map_err(|e| read_error(path, e))?;
        if read == 0 {
            return Ok(count);
        }
        line += 1;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }

        let hub =
            parse_line(&bytes).map_err(|problem| record_error(path, line, builder, problem))?;
        builder.add_hub_from(hub, Some(path), Some(line))?;
        count += 1;
    }
}

/// The fields read; other keys are skipped unread. `null` and absent are the same.
#[derive(Deserialize)]
struct Fields {
    id: Option<Value>,
    name: Option<Value>,
    lat: Option<Value>,
    lon: Option<Value>,
    categories: Option<Value>,
    members: Option<Value>,
    created_at: Option<Value>,
    verified: Option<Value>,
}

/// The hub of one non-blank line.
fn parse_line(bytes: &[u8]) -> Result<Hub, RecordProblem> {
    let fields = parse_object(bytes)?;

    let id = number(
        "id",
        required("id", fields.id)?,
        Number::as_u64,
        parse_id,
        EXPECTED_ID,
    )?;
    let name = text("name", required("name", fields.name)?)?;
    let lat = degrees("lat", required("lat", fields.lat)?)?;
    let lon = degrees("lon", required("lon", fields.lon)?)?;
    let mut hub = Hub::new(id, name, lat, lon);

    if let Some(value) = fields.categories {
        hub.categories = list("categories", value)?;
    }
    if let Some(value) = fields.members {
        let as_u32 = |n: &Number| n.as_u64().and_then(|n| u32::try_from(n).ok());
        hub.members = number("members", value, as_u32, parse_members, EXPECTED_MEMBERS)?;
    }
    if let Some(value) = fields.created_at {
        let parse = |text: &str| parse_time("created_at", text);
        hub.created_at = Some(number(
            "created_at",
            value,
            Number::as_i64,
            parse,
            EXPECTED_TIME,
        )?);
    }
    if let Some(value) = fields.verified {
        hub.verified = boolean("verified", value)?;
    }
    Ok(hub)
}

/// Parses the line as one JSON object.
fn parse_object(bytes: &[u8]) -> Result<Fields, RecordProblem> {
    let line = || String::from_utf8_lossy(bytes);

    // serde would also fill a struct from an array; only objects are records.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(malformed(RECORD, line().trim(), "a JSON object"));
    }

    serde_json::from_slice(bytes).map_err(|error| {
        let expected = if error.is_data() {
            "a JSON object naming each key once"
        } else {
            "a JSON object on one line (this line is not valid JSON)"
        };
        malformed(RECORD, line().trim(), expected)
    })
}

fn required(field: &'static str, value: Option<Value>) -> Result<Value, RecordProblem> {
    value.ok_or(RecordProblem::Missing { field })
}

/// A field that may be a JSON number or a string holding one.
fn number<T>(
    field: &'static str,
    value: Value,
    from_number: impl Fn(&Number) -> Option<T>,
    from_text: impl Fn(&str) -> Result<T, RecordProblem>,
    expected: &'static str,
) -> Result<T, RecordProblem> {
    match &value {
        Value::Number(number) => from_number(number).ok_or_else(|| wrong(field, &value, expected)),
        Value::String(text) => from_text(text),
        _ => Err(wrong(field, &value, expected)),
    }
}

fn degrees(field: &'static str, value: Value) -> Result<f64, RecordProblem> {
    let parse = |text: &str| parse_degrees(field, text);
    number(field, value, Number::as_f64, parse, EXPECTED_DEGREES)
}

fn boolean(field: &'static str, value: Value) -> Result<bool, RecordProblem> {
    match value {
        Value::Bool(flag) => Ok(flag),
        Value::String(text) => parse_bool(field, &text),
        Value::Number(ref n) if n.as_u64() == Some(1) => Ok(true),
        Value::Number(ref n) if n.as_u64() == Some(0) => Ok(false),
        _ => Err(wrong(field, &value, EXPECTED_BOOL)),
    }
}

fn text(field: &'static str, value: Value) -> Result<String, RecordProblem> {
    match value {
        Value::String(text) => Ok(text),
        _ => Err(wrong(field, &value, "a string")),
    }
}

fn list(field: &'static str, value: Value) -> Result<Vec<String>, RecordProblem> {
    let expected = "an array of strings";
    let Value::Array(items) = value else {
        return Err(wrong(field, &value, expected));
    };

    items
        .into_iter()
        .map(|item| match item {
            Value::String(text) => Ok(text),
            _ => Err(wrong(field, &item, expected)),
        })
        .collect()
}

/// A value of the wrong JSON type or range, shown as JSON.
fn wrong(field: &'static str, value: &Value, expected: &'static str) -> RecordProblem {
    RecordProblem::Malformed {
        field,
        value: excerpt(&value.to_string()),
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hub(line: &str) -> Result<Hub, RecordProblem> {
        parse_line(line.as_bytes())
    }

    fn field_of(result: Result<Hub, RecordProblem>) -> Option<&'static str> {
        match result {
            Err(RecordProblem::Malformed { field, .. } | RecordProblem::Missing { field }) => {
                Some(field)
            }
            _ => None,
        }
    }

    #[test]
    fn every_field_reads_from_json_types_or_strings() {
        let line = r#"{"id":"7","name":"A","lat":"1.5","lon":-2,"categories":["x","y"],
            "members":12,"created_at":"1970-01-02T00:00:00Z","verified":1,"url":"u"}"#;
        let parsed = hub(&line.replace('\n', ""));
        let mut expected = Hub::new(7, "A", 1.5, -2.0);
        expected.categories = vec!["x".into(), "y".into()];
        expected.members = 12;
        expected.created_at = Some(86_400);
        expected.verified = true;
        assert_eq!(parsed, Ok(expected));

        let parsed =
            hub(r#"{"id":1,"name":"B","lat":0,"lon":0,"created_at":-5,"verified":"false"}"#);
        assert_eq!(
            parsed.map(|h| (h.created_at, h.verified)),
            Ok((Some(-5), false))
        );
    }

    #[test]
    fn null_is_absent() {
        let parsed = hub(r#"{"id":1,"name":"B","lat":0,"lon":0,"members":null,"categories":null}"#);
        assert_eq!(parsed.map(|h| h.members), Ok(0));
        assert_eq!(
            field_of(hub(r#"{"id":null,"name":"B","lat":0,"lon":0}"#)),
            Some("id")
        );
    }

    #[test]
    fn wrong_types_and_ranges_name_the_field() {
        let base = r#""id":1,"name":"B","lat":0,"lon":0"#;
        for (extra, field) in [
            (r#""members":-1"#, "members"),
            (r#""members":4294967296"#, "members"),
            (r#""verified":2"#, "verified"),
            (r#""categories":"x""#, "categories"),
            (r#""categories":[1]"#, "categories"),
            (r#""created_at":1.5"#, "created_at"),
            (r#""created_at":true"#, "created_at"),
        ] {
            assert_eq!(
                field_of(hub(&format!("{{{base},{extra}}}"))),
                Some(field),
                "{extra}"
            );
        }
        assert_eq!(
            field_of(hub(r#"{"id":1.5,"name":"B","lat":0,"lon":0}"#)),
            Some("id")
        );
        assert_eq!(
            field_of(hub(r#"{"id":1,"name":3,"lat":0,"lon":0}"#)),
            Some("name")
        );
        assert_eq!(
            field_of(hub(r#"{"id":1,"name":"B","lat":"abc","lon":0}"#)),
            Some("lat")
        );
    }

    #[test]
    fn lines_that_are_not_one_object_are_malformed_records() {
        for line in [
            "[1,2]",
            "42",
            r#"{"id":1"#,
            r#"{"id":1}{"id":2}"#,
            r#"{"id":1,"id":2}"#,
        ] {
            assert_eq!(field_of(hub(line)), Some(RECORD), "{line}");
        }
    }

    #[test]
    fn blank_lines_are_skipped_and_lines_counted() {
        let text = "\n{\"id\":1,\"name\":\"A\",\"lat\":0,\"lon\":0}\r\n  \n{\"id\":2}\n";
        let mut builder = SnapshotBuilder::new();
        let error = read(Path::new("t.ndjson"), text.as_bytes(), &mut builder);
        match error {
            Err(BuildError::Record { location, problem }) => {
                assert_eq!((location.line, location.record), (Some(4), 1));
                assert_eq!(problem, RecordProblem::Missing { field: "name" });
            }
            other => panic!("{other:?}"),
        }
    }
}
