//! [`Manifest`]: the JSON file that lists the shards of a sharded build.
//!
//! ```json
//! {"format":1,"as_of":1767225600,"resolution":3,"hubs":1200,"events":5400,
//!  "categories":["photo-walk","rust-meetup"],
//!  "shards":[{"cell":"833969fffffffff","file":"833969fffffffff-3f0c....hubdex",
//!             "hubs":310,"events":1400,"bytes":61440,"crc32":"9a3c4d11",
//!             "fingerprint":"3f0c9e4b7d21a680","event_reach_m":2345.5}]}
//! ```
//!
//! Every value is checked when a manifest is read; an error names the manifest and the field.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use h3o::{CellIndex, Resolution};
use serde::{Deserialize, Serialize};

use super::error::ShardError;
use crate::format::events::MAX_EVENTS;
use crate::format::meta::{MAX_CATEGORIES, MAX_HUBS};

/// The manifest format this build writes and reads.
pub const MANIFEST_FORMAT: u64 = 1;

/// Manifests above this size are refused before they are read: a manifest entry takes about
/// 250 bytes, so this allows a million shards, far more than hubs cluster into.
const MAX_MANIFEST_BYTES: u64 = 256 << 20;

/// What a sharded build wrote: its shards and what they share.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Manifest {
    /// The build's reference time, unix seconds, shared by every shard.
    pub as_of: i64,
    /// The H3 resolution of the shards' cells.
    pub resolution: Resolution,
    /// Hubs in all shards.
    pub hubs: u64,
    /// Events in all shards.
    pub events: u64,
    /// The category vocabulary every shard has, in category order.
    pub categories: Vec<String>,
    /// The shards, by ascending cell.
    pub shards: Vec<ShardEntry>,
}

/// One shard of a [`Manifest`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ShardEntry {
    /// The cell whose hubs the shard holds.
    pub cell: CellIndex,
    /// The snapshot file, relative to the manifest's directory.
    pub file: String,
    /// Its hubs.
    pub hubs: u64,
    /// Its events.
    pub events: u64,
    /// The file's length.
    pub bytes: u64,
    /// CRC-32 (IEEE) of the whole file.
    pub crc32: u32,
    /// The snapshot's [`fingerprint`](crate::Snapshot::fingerprint).
    pub fingerprint: u64,
    /// How far from the cell's centre its events' venues lie at most, metres (0 if every
    /// event is at its hub).
    pub event_reach_m: f64,
}

#[derive(Serialize, Deserialize)]
struct RawManifest {
    format: u64,
    as_of: i64,
    resolution: u8,
    hubs: u64,
    events: u64,
    categories: Vec<String>,
    shards: Vec<RawEntry>,
}

#[derive(Serialize, Deserialize)]
struct RawEntry {
    cell: String,
    file: String,
    hubs: u64,
    events: u64,
    bytes: u64,
    crc32: String,
    fingerprint: String,
    event_reach_m: f64,
}

impl Manifest {
    pub(crate) fn new(as_of: i64, resolution: Resolution, categories: Vec<String>) -> Manifest {
        Manifest {
            as_of,
            resolution,
            hubs: 0,
            events: 0,
            categories,
            shards: Vec::new(),
        }
    }

    /// Reads and checks the manifest at `path`.
    ///
    /// # Errors
    ///
    /// [`ShardError::Io`] if it cannot be read, [`ShardError::ManifestTooLarge`],
    /// [`ShardError::ManifestSyntax`] for bad JSON, [`ShardError::ManifestVersion`], and
    /// [`ShardError::ManifestField`] naming the first field with an impossible value.
    pub fn read(path: impl AsRef<Path>) -> Result<Manifest, ShardError> {
        let path = path.as_ref();
        let io = |action, source| ShardError::Io {
            action,
            path: path.to_path_buf(),
            source,
        };
        let bytes = std::fs::metadata(path)
            .map_err(|e| io("read the manifest", e))?
            .len();
        if bytes > MAX_MANIFEST_BYTES {
            return Err(ShardError::ManifestTooLarge {
                path: path.to_path_buf(),
                bytes,
                max: MAX_MANIFEST_BYTES,
            });
        }
        let text = std::fs::read(path).map_err(|e| io("read the manifest", e))?;
        Manifest::from_json(&text, path)
    }

    /// Parses and checks a manifest held in memory; `path` names it in errors.
    ///
    /// # Errors
    ///
    /// As [`Manifest::read`], except for the file errors.
    pub fn from_json(json: &[u8], path: &Path) -> Result<Manifest, ShardError> {
        let raw: RawManifest =
            serde_json::from_slice(json).map_err(|e| ShardError::ManifestSyntax {
                path: path.to_path_buf(),
                problem: e.to_string(),
            })?;
        Checker { path }.manifest(raw)
    }

    /// The manifest as (pretty-printed) JSON.
    pub fn to_json(&self) -> Vec<u8> {
        let raw = RawManifest {
            format: MANIFEST_FORMAT,
            as_of: self.as_of,
            resolution: u8::from(self.resolution),
            hubs: self.hubs,
            events: self.events,
            categories: self.categories.clone(),
            shards: self.shards.iter().map(RawEntry::of).collect(),
        };
        // Plain strings and numbers: serialising cannot fail.
        let mut json = serde_json::to_vec_pretty(&raw).unwrap_or_default();
        json.push(b'\n');
        json
    }

    /// The shard file of an entry, for a manifest at `manifest_path`.
    pub fn file_path(manifest_path: &Path, entry: &ShardEntry) -> PathBuf {
        let dir = manifest_path.parent().unwrap_or(Path::new("."));
        dir.join(&entry.file)
    }
}

impl RawEntry {
    fn of(entry: &ShardEntry) -> RawEntry {
        RawEntry {
            cell: entry.cell.to_string(),
            file: entry.file.clone(),
            hubs: entry.hubs,
            events: entry.events,
            bytes: entry.bytes,
            crc32: format!("{:08x}", entry.crc32),
            fingerprint: format!("{:016x}", entry.fingerprint),
            event_reach_m: entry.event_reach_m,
        }
    }
}

/// Turns raw values into a checked manifest, naming the manifest in every error.
struct Checker<'a> {
    path: &'a Path,
}

impl Checker<'_> {
    fn field(&self, field: impl Into<String>, problem: impl Into<String>) -> ShardError {
        ShardError::ManifestField {
            path: self.path.to_path_buf(),
            field: field.into(),
            problem: problem.into(),
        }
    }

    fn manifest(&self, raw: RawManifest) -> Result<Manifest, ShardError> {
        if raw.format != MANIFEST_FORMAT {
            return Err(ShardError::ManifestVersion {
                path: self.path.to_path_buf(),
                found: raw.format,
                supported: MANIFEST_FORMAT,
            });
        }
        let resolution = Resolution::try_from(raw.resolution)
            .map_err(|_| self.field("resolution", "must be an H3 resolution, 0 to 15"))?;
        if raw.categories.len() > MAX_CATEGORIES {
            return Err(self.field(
                "categories",
                format!(
                    "{} categories; a snapshot holds at most {MAX_CATEGORIES}",
                    raw.categories.len()
                ),
            ));
        }
        let mut manifest = Manifest::new(raw.as_of, resolution, raw.categories);
        manifest.hubs = raw.hubs;
        manifest.events = raw.events;
        let mut cells = HashSet::with_capacity(raw.shards.len());
        for (index, entry) in raw.shards.into_iter().enumerate() {
            let entry = self.entry(index, entry, resolution)?;
            if !cells.insert(entry.cell) {
                return Err(self.field(format!("shards[{index}].cell"), "names a cell twice"));
            }
            manifest.shards.push(entry);
        }
        self.totals(&manifest)?;
        Ok(manifest)
    }

    fn entry(
        &self,
        index: usize,
        raw: RawEntry,
        resolution: Resolution,
    ) -> Result<ShardEntry, ShardError> {
        let name = |field: &str| format!("shards[{index}].{field}");
        let cell: CellIndex = raw
            .cell
            .parse()
            .map_err(|_| self.field(name("cell"), format!("{:?} is not an H3 cell", raw.cell)))?;
        if cell.resolution() != resolution {
            return Err(self.field(
                name("cell"),
                format!(
                    "{cell} has resolution {}, not the manifest's {resolution}",
                    cell.resolution()
                ),
            ));
        }
        if !is_plain_file_name(&raw.file) {
            return Err(self.field(
                name("file"),
                format!(
                    "{:?} must be a file name beside the manifest, without directories",
                    raw.file
                ),
            ));
        }
        if raw.hubs == 0 || raw.hubs > MAX_HUBS {
            return Err(self.field(name("hubs"), format!("{} is not 1 to {MAX_HUBS}", raw.hubs)));
        }
        if raw.events > MAX_EVENTS {
            return Err(self.field(
                name("events"),
                format!("{} is above {MAX_EVENTS}", raw.events),
            ));
        }
        let hex = |field: &str, text: &str, digits: usize| {
            (text.len() == digits && text.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| u64::from_str_radix(text, 16).ok())
                .flatten()
                .ok_or_else(|| {
                    self.field(name(field), format!("{text:?} is not {digits} hex digits"))
                })
        };
        let crc32 = hex("crc32", &raw.crc32, 8)? as u32;
        let fingerprint = hex("fingerprint", &raw.fingerprint, 16)?;
        if !(raw.event_reach_m.is_finite() && raw.event_reach_m >= 0.0) {
            return Err(self.field(
                name("event_reach_m"),
                "must be a finite distance, 0 or more",
            ));
        }
        Ok(ShardEntry {
            cell,
            file: raw.file,
            hubs: raw.hubs,
            events: raw.events,
            bytes: raw.bytes,
            crc32,
            fingerprint,
            event_reach_m: raw.event_reach_m,
        })
    }

    fn totals(&self, manifest: &Manifest) -> Result<(), ShardError> {
        let hubs: u64 = manifest
            .shards
            .iter()
            .map(|s| s.hubs)
            .fold(0, u64::saturating_add);
        if hubs != manifest.hubs {
            return Err(self.field(
                "hubs",
                format!("{} but the shards hold {hubs}", manifest.hubs),
            ));
        }
        let events: u64 = manifest
            .shards
            .iter()
            .map(|s| s.events)
            .fold(0, u64::saturating_add);
        if events != manifest.events {
            return Err(self.field(
                "events",
                format!("{} but the shards hold {events}", manifest.events),
            ));
        }
        Ok(())
    }
}

/// A name that stays in the manifest's directory: no separators, no `..`, not empty.
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0', ':'])
}
