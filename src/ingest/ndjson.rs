//! NDJSON input: one JSON object a line.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserializer as _;

use super::kind::{Kind, Record};
use super::value::Value;
use super::{malformed, read_error, record_error};
use crate::build::SnapshotBuilder;
use crate::error::{BuildError, RecordProblem};

/// The field name that [`RecordProblem::Malformed`] gives a line that is not a JSON object.
const RECORD: &str = "record";

/// Reads the records of an NDJSON file into `builder`; returns how many.
pub(super) fn read<K: Kind>(
    path: &Path,
    input: impl Read,
    builder: &mut SnapshotBuilder,
) -> Result<u64, BuildError> {
    let mut input = BufReader::new(input);
    let mut bytes = Vec::new();
    let mut object = Object::new(K::FIELDS);
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

        let record = object
            .parse(&bytes)
            .and_then(|()| K::parse(&object))
            .map_err(|problem| record_error::<K>(path, line, builder, problem))?;
        record.add(builder, path, line)?;
        count += 1;
    }
}

/// The fields of one line's object, by their index in the kind's field list; other keys are
/// skipped unread. Reused from line to line.
struct Object {
    fields: &'static [&'static str],
    values: Vec<Option<serde_json::Value>>,
}

impl Object {
    fn new(fields: &'static [&'static str]) -> Object {
        let values = vec![None; fields.len()];
        Object { fields, values }
    }

    /// Parses a line as one JSON object, replacing the previous line's fields.
    fn parse(&mut self, bytes: &[u8]) -> Result<(), RecordProblem> {
        let line = || String::from_utf8_lossy(bytes);
        self.values.fill(None);

        // serde would also read a struct from an array; only objects are records.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(malformed(RECORD, line().trim(), "a JSON object"));
        }

        let mut reader = serde_json::Deserializer::from_slice(bytes);
        let parsed = reader
            .deserialize_map(&mut *self)
            .and_then(|()| reader.end());
        parsed.map_err(|error| {
            let expected = if error.is_data() {
                "a JSON object naming each key once"
            } else {
                "a JSON object on one line (this line is not valid JSON)"
            };
            malformed(RECORD, line().trim(), expected)
        })
    }
}

impl Record for Object {
    fn name(&self, index: usize) -> &'static str {
        self.fields[index]
    }

    fn get(&self, index: usize) -> Result<Option<Value<'_>>, RecordProblem> {
        let value = self.values[index].as_ref();
        Ok(value.map(|json| Value::json(self.fields[index], json)))
    }
}

impl<'de> Visitor<'de> for &mut Object {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // A bit a field: kinds have fewer than 64.
        let mut seen = 0u64;
        while let Some(key) = map.next_key_seed(Key(self.fields))? {
            let Some(index) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if seen & 1 << index != 0 {
                return Err(de::Error::duplicate_field(self.fields[index]));
            }
            seen |= 1 << index;
            let value: serde_json::Value = map.next_value()?;
            self.values[index] = (!value.is_null()).then_some(value);
        }
        Ok(())
    }
}

/// Reads a key as its index in the field list, `None` for a key that is not read.
struct Key(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(self, keys: D) -> Result<Option<usize>, D::Error> {
        keys.deserialize_str(self)
    }
}

impl Visitor<'_> for Key {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|&field| field == key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;
    use crate::hub::Hub;

    fn parse<K: Kind>(line: &str) -> Result<K, RecordProblem> {
        let mut object = Object::new(K::FIELDS);
        object.parse(line.as_bytes())?;
        K::parse(&object)
    }

    fn hub(line: &str) -> Result<Hub, RecordProblem> {
        parse(line)
    }

    fn field_of<T>(result: Result<T, RecordProblem>) -> Option<&'static str> {
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
        let error = read::<Hub>(Path::new("t.ndjson"), text.as_bytes(), &mut builder);
        match error {
            Err(BuildError::Record { location, problem }) => {
                assert_eq!((location.line, location.record), (Some(4), 1));
                assert_eq!(problem, RecordProblem::Missing { field: "name" });
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn events_read_every_field_from_json_types_or_strings() {
        let line = r#"{"id":1,"hub_id":"7","title":"Walk","starts_at":"1970-01-02T00:00:00Z",
            "ends_at":90000,"lat":1.5,"lon":"2.5","categories":["hiking"],"rsvps":"12",
            "capacity":20,"price_cents":500,"description":"d"}"#;
        let mut expected = Event::new(1, 7, "Walk", 86_400);
        expected.ends_at = Some(90_000);
        (expected.lat, expected.lon) = (Some(1.5), Some(2.5));
        expected.categories = vec!["hiking".into()];
        (expected.rsvps, expected.capacity, expected.price_cents) = (12, Some(20), 500);
        assert_eq!(parse(&line.replace('\n', "")), Ok(expected));

        let nulls =
            r#"{"id":2,"hub_id":7,"title":"T","starts_at":0,"ends_at":null,"capacity":null}"#;
        assert_eq!(parse(nulls), Ok(Event::new(2, 7, "T", 0)));
        let base = r#""id":2,"hub_id":7,"title":"T""#;
        for (extra, field) in [
            (r#""starts_at":"next week""#, "starts_at"),
            (r#""starts_at":0,"rsvps":-1"#, "rsvps"),
            (r#""starts_at":0,"capacity":1.5"#, "capacity"),
            (r#""starts_at":0,"lat":"north""#, "lat"),
            (r#""starts_at":null"#, "starts_at"),
        ] {
            let line = format!("{{{base},{extra}}}");
            assert_eq!(field_of(parse::<Event>(&line)), Some(field), "{extra}");
        }
    }

    #[test]
    fn fields_of_one_line_do_not_carry_over_to_the_next() {
        let text = "{\"id\":1,\"name\":\"A\",\"lat\":0,\"lon\":0,\"members\":5}\n{\"id\":2,\"name\":\"B\"}\n";
        let mut builder = SnapshotBuilder::new();
        let error = read::<Hub>(Path::new("t.ndjson"), text.as_bytes(), &mut builder);
        assert!(matches!(
            error,
            Err(BuildError::Record {
                problem: RecordProblem::Missing { field: "lat" },
                ..
            })
        ));
    }
}
