//! CSV input: a header row naming the columns, then one record a row.

use std::io::Read;
use std::path::Path;

use csv::{ByteRecord, ErrorKind, Position, ReaderBuilder};

use super::kind::{Kind, Record};
use super::value::Value;
use super::{excerpt, read_error, record_error};
use crate::build::SnapshotBuilder;
use crate::error::{BuildError, RecordProblem};

/// Reads the records of a CSV file into `builder`; returns how many.
pub(super) fn read<K: Kind>(
    path: &Path,
    input: impl Read,
    builder: &mut SnapshotBuilder,
) -> Result<u64, BuildError> {
    let mut reader = ReaderBuilder::new().has_headers(true).from_reader(input);
    let header = reader
        .byte_headers()
        .map_err(|e| csv_error::<K>(path, builder, e))?;
    let columns = Columns::from_header::<K>(path, header)?;

    let mut row = ByteRecord::new();
    let mut count = 0;
    while reader
        .read_byte_record(&mut row)
        .map_err(|e| csv_error::<K>(path, builder, e))?
    {
        let line = row.position().map_or(0, Position::line);
        let record = K::parse(&Row {
            columns: &columns,
            row: &row,
        })
        .map_err(|problem| record_error::<K>(path, line, builder, problem))?;
        record.add(builder, path, line)?;
        count += 1;
    }
    Ok(count)
}

/// Where each field of a kind is in a row.
#[derive(Debug)]
struct Columns {
    fields: &'static [&'static str],
    index: Vec<Option<usize>>,
}

impl Columns {
    /// Finds the fields of `K` in the header row; other columns are ignored.
    fn from_header<K: Kind>(path: &Path, header: &ByteRecord) -> Result<Columns, BuildError> {
        let input = |problem: String| BuildError::Input {
            path: path.to_path_buf(),
            problem,
        };

        let mut index = vec![None; K::FIELDS.len()];
        for (column, name) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(name);
            let name = name.trim_start_matches('\u{feff}').trim();
            let Some(field) = K::FIELDS.iter().position(|&f| f == name) else {
                continue;
            };
            if index[field].replace(column).is_some() {
                return Err(input(format!("the header names column '{name}' twice")));
            }
        }

        let required = &K::FIELDS[..K::REQUIRED];
        match required.iter().zip(&index).find(|(_, i)| i.is_none()) {
            Some((field, _)) => Err(input(format!(
                "the header row has no column '{field}': the first row must name the columns, \
                 with at least {}",
                and_list(required)
            ))),
            None => Ok(Columns {
                fields: K::FIELDS,
                index,
            }),
        }
    }
}

/// One row, read through the columns of its header.
struct Row<'r> {
    columns: &'r Columns,
    row: &'r ByteRecord,
}

impl Record for Row<'_> {
    fn name(&self, index: usize) -> &'static str {
        self.columns.fields[index]
    }

    /// The trimmed cell of the field; `None` if the column is absent or the cell blank.
    fn get(&self, index: usize) -> Result<Option<Value<'_>>, RecordProblem> {
        let column = self.columns.index[index];
        let Some(bytes) = column.and_then(|column| self.row.get(column)) else {
            return Ok(None);
        };

        let field = self.name(index);
        let text = std::str::from_utf8(bytes).map_err(|_| RecordProblem::Malformed {
            field,
            value: excerpt(&String::from_utf8_lossy(bytes)),
            expected: "UTF-8 text",
        })?;

        let text = text.trim();
        Ok((!text.is_empty()).then(|| Value::text(field, text)))
    }
}

/// `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [only] => only.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Converts an error of the CSV reader: rows of the wrong length are bad records.
fn csv_error<K: Kind>(path: &Path, builder: &SnapshotBuilder, error: csv::Error) -> BuildError {
    if let ErrorKind::UnequalLengths {
        pos,
        expected_len,
        len,
    } = error.kind()
    {
        let line = pos.as_ref().map_or(0, Position::line);
        let problem = RecordProblem::CellCount {
            found: *len,
            expected: *expected_len,
        };
        return record_error::<K>(path, line, builder, problem);
    }

    let problem = format!("not readable as CSV: {error}");
    match error.into_kind() {
        ErrorKind::Io(source) => read_error(path, source),
        _ => BuildError::Input {
            path: path.to_path_buf(),
            problem,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;
    use crate::hub::Hub;

    fn read_text(text: &str) -> Result<SnapshotBuilder, BuildError> {
        let mut builder = SnapshotBuilder::new();
        read::<Hub>(Path::new("t.csv"), text.as_bytes(), &mut builder)?;
        Ok(builder)
    }

    fn problem(text: &str) -> Option<(u64, RecordProblem)> {
        match read_text(text) {
            Err(BuildError::Record { location, problem }) => Some((location.line?, problem)),
            _ => None,
        }
    }

    #[test]
    fn columns_come_in_any_order_and_extra_ones_are_ignored() {
        let text = "url,lon,lat,name,id,verified\nhttp://x,2.5,1.5,A,7,1\n";
        let builder = read_text(text).map_err(|e| e.to_string());
        assert_eq!(builder.map(|b| b.hub_count()), Ok(1));
    }

    #[test]
    fn blank_cells_are_absent_fields() {
        let text = "id,name,lat,lon,members,created_at,verified,categories\n1,A,0,0, ,,,\n";
        assert!(read_text(text).is_ok());
        let text = "id,name,lat,lon\n1, ,0,0\n";
        assert_eq!(
            problem(text),
            Some((2, RecordProblem::Missing { field: "name" }))
        );
    }

    #[test]
    fn rows_of_the_wrong_length_are_bad_records() {
        let text = "id,name,lat,lon\n1,A,0,0\n2,B,0,0,extra\n";
        let expected = RecordProblem::CellCount {
            found: 5,
            expected: 4,
        };
        assert_eq!(problem(text), Some((3, expected)));
    }

    #[test]
    fn quoted_newlines_report_the_line_a_record_starts_on() {
        let text = "id,name,lat,lon\n1,\"two\nlines\",0,0\n2,B,0,abc\n";
        assert!(matches!(
            problem(text),
            Some((4, RecordProblem::Malformed { field: "lon", .. }))
        ));
    }

    #[test]
    fn invalid_utf8_in_a_read_field_is_malformed() {
        let mut builder = SnapshotBuilder::new();
        let bytes: &[u8] = b"id,name,lat,lon,notes\n1,\xff,0,0,\xfe\n";
        let error = read::<Hub>(Path::new("t.csv"), bytes, &mut builder);
        assert!(matches!(
            error,
            Err(BuildError::Record {
                problem: RecordProblem::Malformed { field: "name", .. },
                ..
            })
        ));
    }

    #[test]
    fn headers_need_every_required_column_once() {
        for (text, needle) in [
            ("", "'id'"),
            ("id,name,lat\n", "'lon'"),
            ("id,name,lat,lon,id\n", "twice"),
        ] {
            match read_text(text) {
                Err(BuildError::Input { problem, .. }) => assert!(problem.contains(needle)),
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    /// One row, split on commas (no quoting), read as a `K` through `header`.
    fn parse_row<K: Kind>(header: &str, row: &str) -> Result<K, RecordProblem> {
        let header = ByteRecord::from(header.split(',').collect::<Vec<_>>());
        let columns = Columns::from_header::<K>(Path::new("t.csv"), &header).unwrap();
        let row = ByteRecord::from(row.split(',').collect::<Vec<_>>());
        K::parse(&Row {
            columns: &columns,
            row: &row,
        })
    }

    #[test]
    fn events_read_every_field() {
        let header =
            "title,hub_id,id,starts_at,ends_at,lat,lon,categories,rsvps,capacity,price_cents";
        let row = "Walk,7,1,1970-01-02T00:00:00Z,90000,1.5,2.5,hiking; ,12,20,500";
        let mut expected = Event::new(1, 7, "Walk", 86_400);
        expected.ends_at = Some(90_000);
        (expected.lat, expected.lon) = (Some(1.5), Some(2.5));
        expected.categories = vec!["hiking".into()];
        (expected.rsvps, expected.capacity, expected.price_cents) = (12, Some(20), 500);
        assert_eq!(parse_row::<Event>(header, row), Ok(expected));

        let blank = parse_row::<Event>(header, "Talk,7,2,0, , ,,,,,");
        assert_eq!(blank, Ok(Event::new(2, 7, "Talk", 0)));
    }

    #[test]
    fn event_errors_count_events_not_hubs() {
        let text = "id,hub_id,title,starts_at\n1,7,Walk,0\n2,7,Talk,0\n3,7,Talk,soon\n";
        let mut builder = SnapshotBuilder::new();
        builder.add_hub(Hub::new(7, "A", 0.0, 0.0)).unwrap();
        let error = read::<Event>(Path::new("e.csv"), text.as_bytes(), &mut builder);

        assert_eq!(builder.event_count(), 2);
        match error {
            Err(BuildError::Record { location, problem }) => {
                assert_eq!((location.line, location.record), (Some(4), 2));
                assert!(matches!(
                    problem,
                    RecordProblem::Malformed {
                        field: "starts_at",
                        ..
                    }
                ));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn event_headers_name_the_event_fields_they_lack() {
        let mut builder = SnapshotBuilder::new();
        let error = read::<Event>(
            Path::new("e.csv"),
            "id,hub_id,title\n".as_bytes(),
            &mut builder,
        );
        match error {
            Err(BuildError::Input { problem, .. }) => {
                assert!(problem.contains("'starts_at'"), "{problem}");
                assert!(
                    problem.contains("id, hub_id, title and starts_at"),
                    "{problem}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
