//! Writing a sharded build: one snapshot per H3 cell that holds hubs, then the manifest.

use std::path::{Path, PathBuf};

use h3o::{LatLng, Resolution};
use rayon::prelude::*;

use super::geometry::{angle, vector};
use super::manifest::{Manifest, ShardEntry};
use crate::build::publish;
use crate::error::BuildError;
use crate::sphere::EARTH_RADIUS_M;
use crate::{Snapshot, SnapshotBuilder};

/// The manifest's file name in the shard directory.
pub const MANIFEST_FILE: &str = "manifest.json";

impl SnapshotBuilder {
    /// Builds one snapshot per H3 cell of `resolution` that holds hubs, and publishes them
    /// with a manifest at `dir/manifest.json` (see [`Manifest`]).
    ///
    /// A hub's shard is the cell of its stored coordinates; its events go with it. Every
    /// shard has the whole build's category vocabulary and `as_of`, so category sets,
    /// filters, activity and health are the same as in the unsharded snapshot. Shard files
    /// are named by cell and fingerprint, so a rebuild never overwrites a file that an older
    /// manifest names; each is published atomically (temporary file, fsync, rename), and the
    /// manifest last, so a reader never sees a manifest naming a missing file. Older shard
    /// files are left in place for readers of the older manifest.
    ///
    /// # Errors
    ///
    /// As [`SnapshotBuilder::to_bytes`], checked across all shards before any file is
    /// written (duplicate ids, events of unknown hubs); [`BuildError::Io`] if the directory
    /// or a file cannot be written. On error the manifest at `dir` is unchanged.
    pub fn write_shards(
        &self,
        dir: impl AsRef<Path>,
        resolution: Resolution,
    ) -> Result<Manifest, BuildError> {
        let dir = dir.as_ref();
        #[cfg(feature = "tracing")]
        let _span = tracing::info_span!("write shards", hubs = self.hub_count()).entered();
        let groups = self.groups(resolution)?;
        let as_of = self.fixed_as_of();
        std::fs::create_dir_all(dir).map_err(|source| BuildError::Io {
            action: "cannot create the shard directory",
            path: dir.to_path_buf(),
            source,
        })?;

        let entries: Vec<ShardEntry> = groups
            .par_iter()
            .map(|group| {
                let bytes = self.part(group, as_of).to_bytes()?;
                let fingerprint = Snapshot::from_bytes(bytes.as_ref())
                    .map(|snapshot| snapshot.fingerprint())
                    .map_err(|error| BuildError::Input {
                        path: dir.to_path_buf(),
                        problem: format!(
                            "shard {} did not open after its build: {error}",
                            group.cell
                        ),
                    })?;
                let file = format!("{}-{fingerprint:016x}.hubdex", group.cell);
                publish(&dir.join(&file), bytes.as_ref())?;
                Ok(ShardEntry {
                    cell: group.cell,
                    file,
                    hubs: group.hubs.len() as u64,
                    events: group.events.len() as u64,
                    bytes: bytes.len() as u64,
                    crc32: crc32fast::hash(bytes.as_ref()),
                    fingerprint,
                    event_reach_m: self.event_reach_m(group),
                })
            })
            .collect::<Result<_, BuildError>>()?;

        let mut manifest = Manifest::new(as_of, resolution, self.slugs().to_vec());
        manifest.hubs = entries.iter().map(|entry| entry.hubs).sum();
        manifest.events = entries.iter().map(|entry| entry.events).sum();
        manifest.shards = entries;
        publish(&manifest_path(dir), &manifest.to_json())?;
        Ok(manifest)
    }

    /// How far from the cell's centre the group's event venues lie at most, metres.
    fn event_reach_m(&self, group: &crate::build::Group) -> f64 {
        let centre = vector(LatLng::from(group.cell));
        self.venues(group)
            .filter_map(|(lat, lon)| LatLng::new(lat, lon).ok())
            .map(|venue| angle(&centre, &vector(venue)) * EARTH_RADIUS_M)
            .fold(0.0, f64::max)
    }
}

/// The manifest of a shard directory.
pub fn manifest_path(dir: &Path) -> PathBuf {
    dir.join(MANIFEST_FILE)
}
