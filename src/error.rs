//! Error types: one per operation, each variant carrying typed fields.

use std::fmt;
use std::path::PathBuf;

/// Why a snapshot could not be opened or verified.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The file could not be read or mapped.
    #[error("cannot open snapshot {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// Fewer bytes than a header needs.
    #[error("snapshot is {len} bytes, shorter than the {need}-byte header: the file is truncated or not a hubdex snapshot")]
    TooShort {
        /// Bytes given.
        len: usize,
        /// Bytes needed.
        need: usize,
    },
    /// The first eight bytes are not the hubdex magic number.
    #[error("not a hubdex snapshot: the file starts with {found:02x?}")]
    BadMagic {
        /// The bytes found.
        found: [u8; 8],
    },
    /// A format version this build cannot read.
    #[error("snapshot format version {found} is not supported (this build reads versions 1 to {supported}): rebuild the snapshot with this version of hubdex")]
    UnsupportedVersion {
        /// Version in the file.
        found: u32,
        /// The newest version this build reads (it reads every version from 1 up).
        supported: u32,
    },
    /// Snapshots are little-endian and are read in place.
    #[error("snapshots can only be read on little-endian machines")]
    BigEndianHost,
    /// The buffer does not start on an 8-byte boundary, so columns cannot be read in place.
    #[error("snapshot buffer starts at an address that is not a multiple of 8: copy it into an aligned buffer (hubdex::AlignedBytes)")]
    Misaligned,
    /// The header records another file length: the file was truncated or extended.
    #[error("snapshot is {actual} bytes but its header says {expected}: the file is truncated or has trailing bytes; copy it again")]
    LengthMismatch {
        /// Length in the header.
        expected: u64,
        /// Length given.
        actual: u64,
    },
    /// The header or section table does not match its checksum.
    #[error("snapshot header checksum mismatch (stored {expected:#010x}, computed {actual:#010x}): the file is corrupt; copy or rebuild it")]
    HeaderChecksum {
        /// Stored checksum.
        expected: u32,
        /// Computed checksum.
        actual: u32,
    },
    /// The section table is malformed.
    #[error("snapshot section table is malformed: {problem}; the file is corrupt or was written by another tool")]
    BadTable {
        /// What is wrong.
        problem: String,
    },
    /// A section disagrees with the structure the rest of the file implies.
    #[error("snapshot section '{section}' is inconsistent: {problem}")]
    Inconsistent {
        /// The section.
        section: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// A section's bytes do not match its checksum (found by `verify`).
    #[error("snapshot section '{section}' checksum mismatch (stored {expected:#010x}, computed {actual:#010x}): the file is corrupt; copy or rebuild it")]
    Checksum {
        /// The section.
        section: &'static str,
        /// Stored checksum.
        expected: u32,
        /// Computed checksum.
        actual: u32,
    },
    /// Padding between sections holds a non-zero byte (found by `verify`).
    #[error("snapshot byte {offset} lies in padding and is not zero: the file is corrupt")]
    Padding {
        /// Offset of the byte.
        offset: u64,
    },
}

/// Why a query was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// A parameter is out of its domain.
    #[error("invalid {parameter} {value}: {expected}")]
    InvalidParameter {
        /// The parameter.
        parameter: &'static str,
        /// Its value, printed.
        value: String,
        /// What it must be.
        expected: &'static str,
    },
    /// The cursor belongs to another snapshot or another query, or is malformed.
    #[error("cursor does not belong to this snapshot and query: {problem}; start again without a cursor")]
    BadCursor {
        /// What is wrong.
        problem: &'static str,
    },
    /// The query met data that contradicts the snapshot's structure. `verify` names the
    /// damaged section.
    #[error(
        "snapshot data is corrupt in section '{section}': run `verify` and rebuild the snapshot"
    )]
    Corrupt {
        /// The section.
        section: &'static str,
    },
}

/// Where an input record came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The input file, if the record came from one.
    pub file: Option<PathBuf>,
    /// The 1-based line in that file.
    pub line: Option<u64>,
    /// The 0-based index of the record among those given to the builder.
    pub record: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{}:{line}", file.display()),
            (Some(file), None) => write!(f, "{} record {}", file.display(), self.record + 1),
            (None, Some(line)) => write!(f, "line {line}"),
            (None, None) => write!(f, "record {}", self.record + 1),
        }
    }
}

/// What is wrong with one input record.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordProblem {
    /// A required field is absent or empty.
    #[error("field '{field}' is required")]
    Missing {
        /// The field.
        field: &'static str,
    },
    /// A field could not be parsed.
    #[error("field '{field}' has value {value:?}, expected {expected}")]
    Malformed {
        /// The field.
        field: &'static str,
        /// The text found.
        value: String,
        /// What it should look like.
        expected: &'static str,
    },
    /// A coordinate is NaN, infinite or out of range.
    #[error("field '{field}' is {value}, outside {min}..={max} degrees")]
    Coordinate {
        /// `lat` or `lon`.
        field: &'static str,
        /// The value.
        value: f64,
        /// Smallest allowed.
        min: f64,
        /// Largest allowed.
        max: f64,
    },
    /// Another record has the same id.
    #[error("id {id} is used again (first at {first})")]
    DuplicateId {
        /// The id.
        id: u64,
        /// Where it was first used.
        first: Location,
    },
    /// The name is empty or too long.
    #[error("field 'name' is {len} bytes; a name must have 1 to {max} bytes")]
    NameLength {
        /// Its length in bytes after trimming.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A category slug is not a valid slug.
    #[error("category {slug:?} is not a slug: use 1 to {max} characters of a-z, 0-9, '-' or '_'")]
    CategorySlug {
        /// The slug given.
        slug: String,
        /// The length limit.
        max: usize,
    },
    /// The snapshot's category vocabulary is full.
    #[error("category {slug:?} would be category number {count}; a snapshot holds at most {max}: merge rare categories")]
    TooManyCategories {
        /// The slug that did not fit.
        slug: String,
        /// The count it would make.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A CSV row has more or fewer cells than the header has columns.
    #[error("the row has {found} cells but the header has {expected} columns: quote cells that contain a comma, and give every row a cell for every column (empty for an absent field)")]
    CellCount {
        /// Cells in the row.
        found: u64,
        /// Columns in the header.
        expected: u64,
    },
    /// The event title is empty or too long.
    #[error("field 'title' is {len} bytes; a title must have 1 to {max} bytes")]
    TitleLength {
        /// Its length in bytes after trimming.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The event ends before it starts.
    #[error("field 'ends_at' ({ends_at}) is before 'starts_at' ({starts_at}): an event cannot end before it starts")]
    EndBeforeStart {
        /// Start, unix seconds.
        starts_at: i64,
        /// End, unix seconds.
        ends_at: i64,
    },
    /// A time is outside the range a snapshot stores.
    #[error(
        "field '{field}' is {value} unix seconds, outside {min}..={max} (1970-01-01 to 2106-02-07)"
    )]
    TimeRange {
        /// The field.
        field: &'static str,
        /// The value.
        value: i64,
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// Only one of a place's two coordinates is given.
    #[error("field '{given}' is given without '{missing}': give both coordinates of the venue, or neither to use the hub's place")]
    HalfPlace {
        /// The coordinate given.
        given: &'static str,
        /// The one missing.
        missing: &'static str,
    },
    /// The event names a hub that is not in the snapshot.
    #[error("field 'hub_id' is {hub_id}, but no hub has that id: add the hub, or drop the event")]
    UnknownHub {
        /// The hub id given.
        hub_id: u64,
    },
}

/// Why a snapshot could not be built or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// An input record is invalid.
    #[error("{location}: {problem}")]
    Record {
        /// Where the record came from.
        location: Location,
        /// What is wrong with it.
        problem: RecordProblem,
    },
    /// The input file could not be parsed as a whole (for example a CSV without header).
    #[error("{path}: {problem}")]
    Input {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// More records than a snapshot holds.
    #[error("a snapshot holds at most {max} {what}")]
    TooMany {
        /// Hubs or events.
        what: &'static str,
        /// The limit.
        max: u64,
    },
    /// Reading input or writing the snapshot failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}
