//! [`ShardSet`]: a manifest and the shards a caller chose to load.

use std::path::{Path, PathBuf};

use h3o::CellIndex;

use super::error::ShardError;
use super::geometry::{Cap, Reach};
use super::grid::Grid;
use super::manifest::{Manifest, ShardEntry};
use crate::query::cursor::Cursor;
use crate::snapshot::{HubRef, Snapshot};
use crate::sphere::Key;
use crate::QueryError;

/// Which shards of a manifest to load.
pub struct Select(Choice);

enum Choice {
    All,
    Cells(Box<dyn Fn(CellIndex) -> bool>),
    Near { lat: f64, lon: f64, radius_m: f64 },
}

impl Select {
    /// Every shard.
    pub fn all() -> Select {
        Select(Choice::All)
    }

    /// The shards whose cell `keep` accepts.
    pub fn cells(keep: impl Fn(CellIndex) -> bool + 'static) -> Select {
        Select(Choice::Cells(Box::new(keep)))
    }

    /// The shards that may hold hubs within `radius_m` metres of `lat`, `lon` (degrees): an
    /// edge node that serves one area loads these, and can answer every hub query whose
    /// answer lies within that radius.
    pub fn near(lat: f64, lon: f64, radius_m: f64) -> Select {
        Select(Choice::Near { lat, lon, radius_m })
    }

    fn keeps(&self, cell: CellIndex, cap: &Cap) -> bool {
        match &self.0 {
            Choice::All => true,
            Choice::Cells(keep) => keep(cell),
            Choice::Near { lat, lon, radius_m } => {
                let point = crate::sphere::unit_vector(*lat, *lon);
                cap.meets(&point, &Reach::of_m(*radius_m))
            }
        }
    }
}

impl std::fmt::Debug for Select {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Choice::All => f.write_str("Select::all()"),
            Choice::Cells(_) => f.write_str("Select::cells(..)"),
            Choice::Near { lat, lon, radius_m } => {
                write!(f, "Select::near({lat}, {lon}, {radius_m})")
            }
        }
    }
}

/// Where each shard's hubs and event venues can be, for routing.
#[derive(Debug)]
pub(crate) struct Routing {
    /// Per manifest shard: a cap holding its hubs.
    pub(crate) hubs: Vec<Cap>,
    /// Per manifest shard: a cap holding its hubs and its events' venues.
    pub(crate) events: Vec<Cap>,
    /// For every point near a shard, the shards near it.
    pub(crate) grid: Grid,
}

/// The shards of a sharded build that a caller loaded, answering queries as the unsharded
/// snapshot would.
///
/// A shard set knows every shard of its [`Manifest`], loaded or not. A query asks the shards
/// that may hold an answer (nearest the point first, then every other shard whose cap comes
/// within the distance of the current k-th hit), and merges their hits. If a shard that may
/// hold part of the answer is not loaded, the query fails with [`ShardError::NotLoaded`]
/// rather than answer short.
///
/// Offered: [`nearest`](ShardSet::nearest), [`within`](ShardSet::within),
/// [`ranked`](ShardSet::ranked), [`upcoming`](ShardSet::upcoming) and
/// [`hub`](ShardSet::hub). Trending, health by region and hubs in a cell are per shard
/// (through [`shard`](ShardSet::shard)): regions coarser than the shards span several.
///
/// `within` with a limit, `ranked` and `upcoming` page: the cursor a page returns belongs to
/// the manifest (whichever shards of it are loaded) and to the query, and the next page
/// resumes after its last hit in every shard.
pub struct ShardSet<B = crate::Mmap> {
    manifest: Manifest,
    /// Identifies the manifest's shards, for cursors.
    fingerprint: u64,
    shards: Vec<Option<Snapshot<B>>>,
    pub(crate) routing: Routing,
    dir: PathBuf,
}

impl ShardSet<crate::Mmap> {
    /// Reads the manifest at `path` and opens, by memory map, the shards `select` keeps.
    /// Each loaded shard is checked against the manifest: length, hub and event counts,
    /// fingerprint, `as_of` and category vocabulary. [`ShardSet::verify`] checks checksums.
    ///
    /// # Errors
    ///
    /// As [`Manifest::read`]; [`ShardError::Open`] if a shard does not open;
    /// [`ShardError::Mismatch`] if it is not the file the manifest describes.
    pub fn open(path: impl AsRef<Path>, select: Select) -> Result<ShardSet, ShardError> {
        let path = path.as_ref();
        let manifest = Manifest::read(path)?;
        let routing = Routing::of(&manifest);
        let mut shards = Vec::with_capacity(manifest.shards.len());
        for (entry, cap) in manifest.shards.iter().zip(&routing.hubs) {
            if !select.keeps(entry.cell, cap) {
                shards.push(None);
                continue;
            }
            let file = Manifest::file_path(path, entry);
            let snapshot = Snapshot::open(&file).map_err(|source| ShardError::Open {
                path: file.clone(),
                source,
            })?;
            shards.push(Some(snapshot));
        }
        ShardSet::assemble(manifest, shards, routing, dir_of(path))
    }
}

impl<B: AsRef<[u8]>> ShardSet<B> {
    /// A shard set of snapshots opened by the caller (from any buffer): one slot per
    /// manifest shard, in manifest order, `None` for a shard not loaded. `dir` is where
    /// [`verify`](ShardSet::verify) and errors say the files are.
    ///
    /// # Errors
    ///
    /// [`ShardError::ShardCount`] if the slots do not match the manifest's shards;
    /// [`ShardError::Mismatch`] as [`ShardSet::open`].
    pub fn from_snapshots(
        manifest: Manifest,
        shards: Vec<Option<Snapshot<B>>>,
        dir: impl Into<PathBuf>,
    ) -> Result<ShardSet<B>, ShardError> {
        if shards.len() != manifest.shards.len() {
            return Err(ShardError::ShardCount {
                expected: manifest.shards.len(),
                given: shards.len(),
            });
        }
        let routing = Routing::of(&manifest);
        ShardSet::assemble(manifest, shards, routing, dir.into())
    }

    fn assemble(
        manifest: Manifest,
        shards: Vec<Option<Snapshot<B>>>,
        routing: Routing,
        dir: PathBuf,
    ) -> Result<ShardSet<B>, ShardError> {
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&manifest.as_of.to_le_bytes());
        for entry in &manifest.shards {
            hasher.update(&u64::from(entry.cell).to_le_bytes());
            hasher.update(&entry.fingerprint.to_le_bytes());
        }
        let fingerprint = u64::from(hasher.finalize()) | (manifest.shards.len() as u64) << 32;
        let set = ShardSet {
            manifest,
            fingerprint,
            shards,
            routing,
            dir,
        };
        for (entry, shard) in set.manifest.shards.iter().zip(&set.shards) {
            if let Some(snapshot) = shard {
                set.check(entry, snapshot)?;
            }
        }
        Ok(set)
    }

    /// Where a page resumes: the last `(key, id)` of the page that returned `cursor`, which
    /// must come from this manifest and a query of hash `query`.
    pub(crate) fn resume(
        &self,
        cursor: Option<Cursor>,
        query: u32,
    ) -> Result<Option<(Key, u64)>, QueryError> {
        cursor
            .map(|c| c.resume(self.fingerprint, query))
            .transpose()
    }

    /// The cursor of a page of a query of hash `query` that ended at `(key, id)`.
    pub(crate) fn cursor(&self, query: u32, key: Key, id: u64) -> Cursor {
        Cursor {
            fingerprint: self.fingerprint,
            query,
            key,
            id,
        }
    }

    /// The constant-time checks of a loaded shard against its manifest entry.
    fn check(&self, entry: &ShardEntry, snapshot: &Snapshot<B>) -> Result<(), ShardError> {
        let mismatch = |field, expected: String, found: String| ShardError::Mismatch {
            path: self.dir.join(&entry.file),
            field,
            expected,
            found,
        };
        let bytes = snapshot.bytes().len() as u64;
        if bytes != entry.bytes {
            return Err(mismatch(
                "length",
                entry.bytes.to_string(),
                bytes.to_string(),
            ));
        }
        let hubs = snapshot.hub_count() as u64;
        if hubs != entry.hubs {
            return Err(mismatch(
                "hub count",
                entry.hubs.to_string(),
                hubs.to_string(),
            ));
        }
        let events = snapshot.event_count() as u64;
        if events != entry.events {
            return Err(mismatch(
                "event count",
                entry.events.to_string(),
                events.to_string(),
            ));
        }
        if snapshot.fingerprint() != entry.fingerprint {
            let hex = |value: u64| format!("{value:016x}");
            return Err(mismatch(
                "fingerprint",
                hex(entry.fingerprint),
                hex(snapshot.fingerprint()),
            ));
        }
        if snapshot.as_of() != self.manifest.as_of {
            let (expected, found) = (self.manifest.as_of, snapshot.as_of());
            return Err(mismatch("as_of", expected.to_string(), found.to_string()));
        }
        let slugs: Vec<&str> = snapshot.categories().map(|(_, slug)| slug).collect();
        if slugs != self.manifest.categories {
            let expected = self.manifest.categories.join(",");
            return Err(mismatch("categories", expected, slugs.join(",")));
        }
        Ok(())
    }

    /// Recomputes the CRC-32 of every loaded shard's file against the manifest, then
    /// verifies each shard's sections ([`Snapshot::verify`]). Reads every loaded byte.
    ///
    /// # Errors
    ///
    /// [`ShardError::Mismatch`] naming the shard whose checksum differs;
    /// [`ShardError::Open`] with the snapshot's own verification error.
    pub fn verify(&self) -> Result<(), ShardError> {
        for (entry, shard) in self.manifest.shards.iter().zip(&self.shards) {
            let Some(snapshot) = shard else { continue };
            let path = self.dir.join(&entry.file);
            let crc32 = crc32fast::hash(snapshot.bytes());
            if crc32 != entry.crc32 {
                return Err(ShardError::Mismatch {
                    path,
                    field: "crc32",
                    expected: format!("{:08x}", entry.crc32),
                    found: format!("{crc32:08x}"),
                });
            }
            snapshot
                .verify()
                .map_err(|source| ShardError::Open { path, source })?;
        }
        Ok(())
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The shard at a manifest index, if it is loaded.
    pub fn shard(&self, index: u32) -> Option<&Snapshot<B>> {
        self.shards.get(index as usize)?.as_ref()
    }

    /// The manifest index of the shard of `cell`, loaded or not.
    pub fn shard_of_cell(&self, cell: CellIndex) -> Option<u32> {
        let at = self
            .manifest
            .shards
            .binary_search_by_key(&cell, |entry| entry.cell);
        at.ok().map(|index| index as u32)
    }

    /// Number of shards in the manifest.
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    /// Number of shards loaded.
    pub fn loaded_count(&self) -> usize {
        self.shards.iter().filter(|shard| shard.is_some()).count()
    }

    /// Number of hubs in the manifest's shards, loaded or not.
    pub fn hub_count(&self) -> usize {
        self.manifest.hubs as usize
    }

    /// The hub at a position of a shard.
    pub fn hub_at(&self, shard: u32, position: u32) -> Option<HubRef<'_>> {
        self.shard(shard)?.hub_at(position)
    }

    /// The hub with this id, and the index of its shard. Looks in every loaded shard.
    ///
    /// # Errors
    ///
    /// [`ShardError::HubNotLoaded`] if no loaded shard has it and some are not loaded.
    pub fn hub(&self, id: u64) -> Result<Option<(u32, HubRef<'_>)>, ShardError> {
        for (index, shard) in self.shards.iter().enumerate() {
            if let Some(hub) = shard.as_ref().and_then(|snapshot| snapshot.hub(id)) {
                return Ok(Some((index as u32, hub)));
            }
        }
        let unloaded = self.shards.len() - self.loaded_count();
        if unloaded > 0 {
            return Err(ShardError::HubNotLoaded { id, unloaded });
        }
        Ok(None)
    }

    /// The loaded shard at `index`, or the error that names its cell.
    pub(crate) fn loaded(&self, index: u32) -> Result<&Snapshot<B>, ShardError> {
        self.shard(index).ok_or_else(|| self.not_loaded(index))
    }

    pub(crate) fn not_loaded(&self, index: u32) -> ShardError {
        match self.manifest.shards.get(index as usize) {
            Some(entry) => ShardError::NotLoaded { cell: entry.cell },
            None => ShardError::ShardCount {
                expected: self.manifest.shards.len(),
                given: index as usize,
            },
        }
    }
}

impl Routing {
    fn of(manifest: &Manifest) -> Routing {
        let cells: Vec<CellIndex> = manifest.shards.iter().map(|entry| entry.cell).collect();
        let hubs: Vec<Cap> = cells.iter().map(|&cell| Cap::of_cell(cell)).collect();
        let events = hubs
            .iter()
            .zip(&manifest.shards)
            .map(|(cap, entry)| cap.widened(entry.event_reach_m))
            .collect();
        let grid = Grid::new(&hubs);
        Routing { hubs, events, grid }
    }
}

impl<B> std::fmt::Debug for ShardSet<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShardSet")
            .field("shards", &self.shards.len())
            .field(
                "loaded",
                &self.shards.iter().filter(|s| s.is_some()).count(),
            )
            .field("resolution", &self.manifest.resolution)
            .finish_non_exhaustive()
    }
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
