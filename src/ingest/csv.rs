//! CSV input: a header row naming the columns, then one hub a row.

use std::io::Read;
use std::path::Path;

use csv::{ByteRecord, ErrorKind, Position, ReaderBuilder};

use super::{
    excerpt, parse_bool, parse_degrees, parse_id, parse_members, parse_time, read_error,
    record_error, split_list,
};
use crate::build::SnapshotBuilder;
use crate::error::{BuildError, RecordProblem};
use crate::hub::Hub;

/// The fields read, in the order of [`Columns::index`]; the first four are required.
const FIELDS: [&str; 8] = super::HUB_FIELDS;
const REQUIRED: usize = 4;

const ID: usize = 0;
const NAME: usize = 1;
const LAT: usize = 2;
const LON: usize = 3;
const CATEGORIES: usize = 4;
const MEMBERS: usize = 5;
const CREATED_AT: usize = 6;
const VERIFIED: usize = 7;

/// Reads the hubs of a CSV file into `builder`; returns how many.
pub(super) fn read(
    path: &Path,
    input: impl Read,
    builder: &mut SnapshotBuilder,
) -> Result<u64, BuildError> {
    let mut reader = ReaderBuilder::new().has_headers(true).from_reader(input);
    let header = reader
        .byte_headers()
        .map_err(|e| csv_error(path, builder, e))?;
    let columns = Columns::from_header(path, header)?;

    let mut record = ByteRecord::new();
    let mut count = 0;
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(path, builder, e))?
    {
        let line = record.position().map_or(0, Position::line);
        let hub = columns
            .hub(&record)
            .map_err(|problem| record_error(path, line, builder, problem))?;
        builder.add_hub_from(hub, Some(path), Some(line))?;
        count += 1;
    }
    Ok(count)
}

/// Where each field is in a row.
#[derive(Debug)]
struct Columns {
    index: [Option<usize>; FIELDS.len()],
}

impl Columns {
    /// Finds the fields in the header row; other columns are ignored.
    fn from_header(path: &Path, header: &ByteRecord) -> Result<Columns, BuildError> {
        let input = |problem: String| BuildError::Input {
            path: path.to_path_buf(),
            problem,
        };

        let mut index = [None; FIELDS.len()];
        for (column, name) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(name);
            let name = name.trim_start_matches('\u{feff}').trim();
            let Some(field) = FIELDS.iter().position(|&f| f == name) else {
                continue;
            };
            if index[field].replace(column).is_some() {
                return Err(input(format!("the header names column '{name}' twice")));
            }
        }

        let missing = FIELDS[..REQUIRED]
            .iter()
            .zip(&index)
            .find(|(_, i)| i.is_none());
        match missing {
            Some((field, _)) => Err(input(format!(
                "the header row has no column '{field}': the first row must name the columns, \
                 with at least id, name, lat and lon"
            ))),
            None => Ok(Columns { index }),
        }
    }

    /// The hub of one row.
    fn hub(&self, record: &ByteRecord) -> Result<Hub, RecordProblem> {
        let id = parse_id(self.required(record, ID)?)?;
        let name = self.required(record, NAME)?;
        let lat = parse_degrees("lat", self.required(record, LAT)?)?;
        let lon = parse_degrees("lon", self.required(record, LON)?)?;
        let mut hub = Hub::new(id, name, lat, lon);

        if let Some(text) = self.optional(record, CATEGORIES)? {
            hub.categories = split_list(text).collect();
        }
        if let Some(text) = self.optional(record, MEMBERS)? {
            hub.members = parse_members(text)?;
        }
        if let Some(text) = self.optional(record, CREATED_AT)? {
            hub.created_at = Some(parse_time("created_at", text)?);
        }
        if let Some(text) = self.optional(record, VERIFIED)? {
            hub.verified = parse_bool("verified", text)?;
        }
        Ok(hub)
    }

    fn required<'r>(&self, record: &'r ByteRecord, field: usize) -> Result<&'r str, RecordProblem> {
        self.optional(record, field)?.ok_or(RecordProblem::Missing {
            field: FIELDS[field],
        })
    }

    /// The trimmed cell of `field`; `None` if the column is absent or the cell blank.
    fn optional<'r>(
        &self,
        record: &'r ByteRecord,
        field: usize,
    ) -> Result<Option<&'r str>, RecordProblem> {
        let Some(bytes) = self.index[field].and_then(|column| record.get(column)) else {
            return Ok(None);
        };

        let text = std::str::from_utf8(bytes).map_err(|_| RecordProblem::Malformed {
            field: FIELDS[field],
            value: excerpt(&String::from_utf8_lossy(bytes)),
            expected: "UTF-8 text",
        })?;

        let text = text.trim();
        Ok((!text.is_empty()).then_some(text))
    }
}

/// Converts an error of the CSV reader: rows of the wrong length are bad records.
fn csv_error(path: &Path, builder: &SnapshotBuilder, error: csv::Error) -> BuildError {
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
        return record_error(path, line, builder, problem);
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

    fn read_text(text: &str) -> Result<SnapshotBuilder, BuildError> {
        let mut builder = SnapshotBuilder::new();
        read(Path::new("t.csv"), text.as_bytes(), &mut builder)?;
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
        let error = read(Path::new("t.csv"), bytes, &mut builder);
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
}
