//! Reading hubs and events from CSV and NDJSON files into a [`SnapshotBuilder`].
//!
//! Both formats use the same field names. A file of hubs ([`read_hubs`]):
//!
//! | field | required | value |
//! | --- | --- | --- |
//! | `id` | yes | integer `0..=2^64-1` |
//! | `name` | yes | text, 1 to [`MAX_NAME_BYTES`](crate::MAX_NAME_BYTES) bytes after trimming |
//! | `lat`, `lon` | yes | WGS84 degrees |
//! | `categories` | no | category slugs: `;`-separated in CSV, an array of strings in NDJSON |
//! | `members` | no | integer `0..=2^32-1` |
//! | `created_at` | no | a time: RFC 3339 (`2024-05-01T18:30:00Z`) or integer unix seconds |
//! | `verified` | no | `true`/`false` or `1`/`0` (any letter case) |
//!
//! A file of events ([`read_events`]):
//!
//! | field | required | value |
//! | --- | --- | --- |
//! | `id` | yes | integer `0..=2^64-1`, unique among events |
//! | `hub_id` | yes | the `id` of a hub of the same snapshot |
//! | `title` | yes | text, 1 to [`MAX_TITLE_BYTES`](crate::MAX_TITLE_BYTES) bytes after trimming |
//! | `starts_at` | yes | a time, from 1970-01-01 to 2106-02-07 |
//! | `ends_at` | no | a time, not before `starts_at`; absent means it ends as it starts |
//! | `lat`, `lon` | no | the venue in WGS84 degrees, both or neither; absent means the hub's place |
//! | `categories` | no | as for hubs; absent or empty means the hub's categories |
//! | `rsvps` | no | integer `0..=2^32-1` |
//! | `capacity` | no | integer `0..=2^32-1`; absent means no limit |
//! | `price_cents` | no | integer `0..=2^32-1`; absent or 0 means free |
//!
//! * **CSV** (`.csv`) starts with a header row naming the columns, in any order. A cell that
//!   is empty or only blanks is an absent field. Empty items of a category list are skipped,
//!   so `hiking;` is one category. Every row must have as many cells as the header.
//! * **NDJSON** (`.ndjson` or `.jsonl`) holds one JSON object a line; blank lines are skipped.
//!   `null` is an absent field. Numbers and booleans may also be given as strings
//!   (`"id": "12"`), which keeps 64-bit ids exact for JavaScript producers, and times may be
//!   JSON integers.
//!
//! **Unknown columns and keys are ignored**, so files may carry extra data (a URL, a
//! description) for other consumers. Only the fields above are read and checked.
//!
//! Every bad record stops the read with [`BuildError::Record`], whose [`Location`] names the
//! file, the 1-based line where the record starts, and whose [`RecordProblem`] names the field.
//! Two checks wait for the build, when every file has been read: that ids are unique, and
//! that each event's hub exists.
//!
//! [`Location`]: crate::Location

mod csv;
mod kind;
mod ndjson;
mod value;

use std::fs::File;
use std::path::Path;

use crate::build::SnapshotBuilder;
use crate::error::{BuildError, Location, RecordProblem};
use crate::event::Event;
use crate::hub::Hub;
use kind::Kind;
use value::{time_seconds, EXPECTED_TIME};

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

/// The event fields, in the order `hubdex generate` writes them; the first four are required.
pub const EVENT_FIELDS: [&str; 11] = [
    "id",
    "hub_id",
    "title",
    "starts_at",
    "ends_at",
    "lat",
    "lon",
    "categories",
    "rsvps",
    "capacity",
    "price_cents",
];

/// The extensions the readers accept, for messages.
const ACCEPTED: &str = "expected a file name ending in .csv, .ndjson or .jsonl";

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
    read::<Hub>(path, builder)
}

/// Reads every event of the file at `path` into `builder`, as [`read_hubs`] reads hubs.
/// Returns the number of events read.
///
/// Events may be read before or after their hubs: whether each event's hub exists is
/// checked when the snapshot is built.
///
/// ```
/// use hubdex::ingest::read_events;
/// use hubdex::SnapshotBuilder;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("events.csv");
/// std::fs::write(&path, "id,hub_id,title,starts_at,rsvps\n\
///     1,7,Saturday Photo Walk,2025-06-07T10:00:00Z,12\n\
///     2,7,Saturday Photo Walk,1749895200,\n")?;
///
/// let mut builder = SnapshotBuilder::new();
/// assert_eq!(read_events(&path, &mut builder)?, 2);
/// assert_eq!(builder.event_count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`read_hubs`]; [`BuildError::TooMany`] past [`MAX_EVENTS`](crate::MAX_EVENTS).
pub fn read_events(path: &Path, builder: &mut SnapshotBuilder) -> Result<u64, BuildError> {
    read::<Event>(path, builder)
}

fn read<K: Kind>(path: &Path, builder: &mut SnapshotBuilder) -> Result<u64, BuildError> {
    let format = Format::of(path)?;

    let file = File::open(path).map_err(|source| read_error(path, source))?;

    match format {
        Format::Csv => csv::read::<K>(path, file, builder),
        Format::Ndjson => ndjson::read::<K>(path, file, builder),
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
    time_seconds(text).ok_or_else(|| malformed(field, text, EXPECTED_TIME))
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

/// The error for a record of kind `K` that the reader rejects before the builder sees it.
/// Its record index is the one the builder would have given it.
fn record_error<K: Kind>(
    path: &Path,
    line: u64,
    builder: &SnapshotBuilder,
    problem: RecordProblem,
) -> BuildError {
    BuildError::Record {
        location: Location {
            file: Some(path.to_path_buf()),
            line: Some(line),
            record: K::count(builder) as u64,
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
