//! Reading hubs from CSV and NDJSON files into a [`SnapshotBuilder`].
//!
//! Both formats use the same field names:
//!
//! | field | required | value |
//! | --- | --- | --- |
//! | `id` | yes | integer `0..=2^64-1` |
//! | `name` | yes | text, 1 to [`MAX_NAME_BYTES`](crate::MAX_NAME_BYTES) bytes after trimming |
//! | `lat`, `lon` | yes | WGS84 degrees |
//! | `categories` | no | category slugs: `;`-separated in CSV, an array of strings in NDJSON |
//! | `members` | no | integer `0..=2^32-1` |
//! | `created_at` | no | RFC 3339 time (`2024-05-01T18:30:00Z`) or integer unix seconds |
//! | `verified` | no | `true`/`false` or `1`/`0` (any letter case) |
//!
//! * **CSV** (`.csv`) starts with a header row naming the columns, in any order. A cell that
//!   is empty or only blanks is an absent field. Empty items of a category list are skipped,
//!   so `hiking;` is one category. Every row must have as many cells as the header.
//! * **NDJSON** (`.ndjson` or `.jsonl`) holds one JSON object a line; blank lines are skipped.
//!   `null` is an absent field. Numbers and booleans may also be given as strings
//!   (`"id": "12"`), which keeps 64-bit ids exact for JavaScript producers, and `created_at`
//!   may be a JSON integer.
//!
//! **Unknown columns and keys are ignored**, so files may carry extra data (a URL, a
//! description) for other consumers. Only the fields above are read and checked.
//!
//! Every bad record stops the read with [`BuildError::Record`], whose [`Location`] names the
//! file, the 1-based line where the record starts, and whose [`RecordProblem`] names the field.

mod csv;
mod ndjson;

use std::fs::File;
use std::path::Path;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::build::SnapshotBuilder;
use crate::error::{BuildError, Location, RecordProblem};

/// The hub fields, in the order `hubdex generate` writes them; the first four are required.
pub const HUB_FIELDS: [&str; 8] = [
    "id",
    "name",
    "lat",
    "lon",
    "categories",
    "members",
    "created_at",
    "verified",
];

/// The extensions [`read_hubs`] accepts, for messages.
const ACCEPTED: &str = "expected a file name ending in .csv, .ndjson or .jsonl";

/// What an integer time, a boolean or a number field should look like, for messages.
const EXPECTED_TIME: &str =
    "an RFC 3339 time such as 2024-05-01T18:30:00Z, or integer unix seconds";
const EXPECTED_BOOL: &str = "true, false, 1 or 0";
const EXPECTED_ID: &str = "an integer from 0 to 18446744073709551615";
const EXPECTED_MEMBERS: &str = "an integer from 0 to 4294967295";
const EXPECTED_DEGREES: &str = "a number of degrees";

/// Reads every hub of the file at `path` into `builder`, choosing the format by the file's
/// extension (`.csv`, `.ndjson` or `.jsonl`, in any letter case). Returns the number of hubs
/// read.
///
/// Records are streamed: the file is never held in memory as a whole. Hubs read before a bad
/// record stay in the builder.
///
/// # Errors
///
/// * [`BuildError::Input`] for an unknown extension or a CSV header without a required
///   column;
/// * [`BuildError::Record`] for the first bad record, with its file, line and field;
/// * [`BuildError::Io`] if the file cannot be read;
/// * [`BuildError::TooMany`] if the builder is full.
pub fn read_hubs(path: &Path, builder: &mut SnapshotBuilder) -> Result<u64, BuildError> {
    let format = Format::of(path)?;

    let file = File::open(path).map_err(|source| read_error(path, source))?;

    match format {
        Format::Csv => csv::read(path, file, builder),
        Format::Ndjson => ndjson::read(path, file, builder),
    }
}

/// Parses a time: an RFC 3339 string (`2024-05-01T18:30:00Z`, `2024-05-01T20:30:00+02:00`) or
/// integer unix seconds (`1714588200`, `-86400`), surrounded by any blanks. Returns unix
/// seconds.
///
/// ```
/// use hubdex::ingest::parse_time;
///
/// assert_eq!(parse_time("created_at", "1970-01-02T00:00:00Z"), Ok(86_400));
/// assert_eq!(parse_time("created_at", "86400"), Ok(86_400));
/// assert!(parse_time("created_at", "yesterday").is_err());
/// ```
///
/// # Errors
///
/// [`RecordProblem::Malformed`] naming `field` if the text is neither.
pub fn parse_time(field: &'static str, text: &str) -> Result<i64, RecordProblem> {
    let text = text.trim();

    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let parsed = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        text.parse::<i64>().ok()
    } else {
        OffsetDateTime::parse(text, &Rfc3339)
            .ok()
            .map(OffsetDateTime::unix_timestamp)
    };

    parsed.ok_or_else(|| malformed(field, text, EXPECTED_TIME))
}

/// The input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Csv,
    Ndjson,
}

impl Format {
    fn of(path: &Path) -> Result<Format, BuildError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);

        match extension.as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("ndjson" | "jsonl") => Ok(Format::Ndjson),
            _ => Err(BuildError::Input {
                path: path.to_path_buf(),
                problem: format!("unknown input format: {ACCEPTED}"),
            }),
        }
    }
}

fn read_error(path: &Path, source: std::io::Error) -> BuildError {
    BuildError::Io {
        action: "cannot read",
        path: path.to_path_buf(),
        source,
    }
}

/// The error for a record the reader rejects before the builder sees it. `record` is the
/// index the builder would have given it.
fn record_error(
    path: &Path,
    line: u64,
    builder: &SnapshotBuilder,
    problem: RecordProblem,
) -> BuildError {
    BuildError::Record {
        location: Location {
            file: Some(path.to_path_buf()),
            line: Some(line),
            record: builder.hub_count() as u64,
        },
        problem,
    }
}

fn malformed(field: &'static str, text: &str, expected: &'static str) -> RecordProblem {
    RecordProblem::Malformed {
        field,
        value: excerpt(text),
        expected,
    }
}

/// At most 80 characters of `text`, so that a runaway field does not flood a message.
fn excerpt(text: &str) -> String {
    const MAX_CHARS: usize = 80;

    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

fn parse_id(text: &str) -> Result<u64, RecordProblem> {
    text.trim()
        .parse()
        .map_err(|_| malformed("id", text, EXPECTED_ID))
}

fn parse_members(text: &str) -> Result<u32, RecordProblem> {
    text.trim()
        .parse()
        .map_err(|_| malformed("members", text, EXPECTED_MEMBERS))
}

/// Parses a coordinate. `NaN` and `inf` parse; the builder rejects them with
/// [`RecordProblem::Coordinate`], as it does values out of range.
fn parse_degrees(field: &'static str, text: &str) -> Result<f64, RecordProblem> {
    text.trim()
        .parse()
        .map_err(|_| malformed(field, text, EXPECTED_DEGREES))
}

fn parse_bool(field: &'static str, text: &str) -> Result<bool, RecordProblem> {
    let text = text.trim();

    if text == "1" || text.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if text == "0" || text.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(malformed(field, text, EXPECTED_BOOL))
    }
}

/// The items of a `;`-separated list, trimmed, without empty ones.
fn split_list(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(';')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_malformed(result: Result<i64, RecordProblem>, field: &str) -> bool {
        matches!(result, Err(RecordProblem::Malformed { field: f, .. }) if f == field)
    }

    #[test]
    fn times_parse_as_rfc3339_or_unix_seconds() {
        assert_eq!(parse_time("t", "1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(
            parse_time("t", "2024-05-01T20:30:00+02:00"),
            Ok(1_714_588_200)
        );
        assert_eq!(
            parse_time("t", "2024-05-01T18:30:00.75Z"),
            Ok(1_714_588_200)
        );
        assert_eq!(parse_time("t", " 1714588200 "), Ok(1_714_588_200));
        assert_eq!(parse_time("t", "-86400"), Ok(-86_400));
        assert_eq!(parse_time("t", "+5"), Ok(5));
        assert_eq!(parse_time("t", "1969-12-31T00:00:00Z"), Ok(-86_400));
    }

    #[test]
    fn bad_times_are_malformed_and_name_the_field() {
        for text in [
            "",
            "-",
            "yesterday",
            "2024-05-01",
            "2024-05-01 18:30:00",
            "2024-13-01T00:00:00Z",
            "1.5",
            "99999999999999999999",
        ] {
            assert!(
                is_malformed(parse_time("created_at", text), "created_at"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn booleans_accept_words_and_digits() {
        for (text, value) in [("true", true), ("TRUE", true), ("1", true), (" 0 ", false)] {
            assert_eq!(parse_bool("verified", text), Ok(value), "{text:?}");
        }
        for text in ["yes", "2", "", "t"] {
            assert!(parse_bool("verified", text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn numbers_trim_and_reject_junk() {
        assert_eq!(parse_id(" 42 "), Ok(42));
        assert_eq!(parse_id("18446744073709551615"), Ok(u64::MAX));
        assert!(parse_id("-1").is_err());
        assert!(parse_id("1.0").is_err());
        assert_eq!(parse_members("4294967295"), Ok(u32::MAX));
        assert!(parse_members("4294967296").is_err());
        assert_eq!(parse_degrees("lat", "-33.5"), Ok(-33.5));
        assert!(parse_degrees("lat", "NaN").is_ok_and(f64::is_nan));
        assert!(matches!(
            parse_degrees("lon", "abc"),
            Err(RecordProblem::Malformed { field: "lon", .. })
        ));
    }

    #[test]
    fn lists_split_on_semicolons_and_skip_empty_items() {
        let items: Vec<String> = split_list(" hiking; photo-walk ;;").collect();
        assert_eq!(items, ["hiking", "photo-walk"]);
        assert_eq!(split_list("").count(), 0);
    }

    #[test]
    fn excerpts_stop_at_80_characters_on_a_char_boundary() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(100);
        assert_eq!(excerpt(&long), format!("{}…", "é".repeat(80)));
    }

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(Format::of(Path::new("a/hubs.CSV")).ok(), Some(Format::Csv));
        assert_eq!(
            Format::of(Path::new("hubs.jsonl")).ok(),
            Some(Format::Ndjson)
        );
        assert_eq!(
            Format::of(Path::new("hubs.ndjson")).ok(),
            Some(Format::Ndjson)
        );
        assert!(matches!(
            Format::of(Path::new("hubs.json")),
            Err(BuildError::Input { problem, .. }) if problem.contains(".ndjson")
        ));
        assert!(Format::of(Path::new("hubs")).is_err());
    }
}
