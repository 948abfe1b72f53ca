//! [`SnapshotBuilder`]: validates hubs and writes snapshot files.

mod events;
mod order;
mod split;

pub(crate) use split::Group;

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use h3o::{LatLng, Resolution};
use rayon::prelude::*;

use crate::bytes::AlignedBytes;
use crate::error::{BuildError, Location, RecordProblem};
use crate::event::{Event, MAX_TITLE_BYTES};
use crate::format::events::{MAX_EVENTS, NO_CAPACITY};
use crate::format::hubs::{Columns, UNKNOWN_TIME};
use crate::format::meta::{Meta, CELL_RESOLUTION, MAX_CATEGORIES, MAX_HUBS};
use crate::format::tree::LEAF_SIZE;
use crate::format::{self, cells, header, hubs, meta, strings, tree, SectionKind};
use crate::hub::{Hub, HubFlags, MAX_NAME_BYTES, MAX_SLUG_BYTES};
use crate::sphere::{quantize, Quantized};

/// Collects hubs, checks each one as it arrives, and writes a snapshot.
///
/// ```
/// use hubdex::{Hub, Nearest, Snapshot, SnapshotBuilder};
///
/// let mut builder = SnapshotBuilder::new();
/// builder.add_hub(Hub::new(1, "Lisbon Photo Walks", 38.7223, -9.1393))?;
/// builder.add_hub(Hub::new(2, "Porto Rustaceans", 41.1579, -8.6291))?;
/// let snapshot = Snapshot::from_bytes(builder.to_bytes()?)?;
/// let hits = snapshot.nearest(&Nearest::new(40.0, -8.5).k(1))?;
/// assert_eq!(hits[0].id, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct SnapshotBuilder {
    as_of: Option<i64>,
    hubs: Vec<Pending>,
    origins: Origins,
    files: Vec<PathBuf>,
    slugs: Vec<String>,
    slug_index: HashMap<String, u8>,
    events: Vec<PendingEvent>,
    event_origins: Origins,
    titles: Vec<Box<str>>,
    title_index: HashMap<Box<str>, u32>,
}

/// An event as checked on arrival; the hub it names is found at build time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PendingEvent {
    pub(crate) id: u64,
    pub(crate) hub_id: u64,
    pub(crate) start: u32,
    pub(crate) duration: u32,
    /// The venue, or [`NO_PLACE`] for the hub's place.
    pub(crate) place: [i32; 2],
    /// Category bits; 0 takes the hub's at build time.
    pub(crate) categories: u64,
    pub(crate) rsvps: u32,
    pub(crate) capacity: u32,
    pub(crate) price: u32,
    pub(crate) title: u32,
}

/// The `place` of an event held at its hub's place.
pub(crate) const NO_PLACE: [i32; 2] = [i32::MIN, i32::MIN];

#[derive(Debug, Clone)]
struct Pending {
    id: u64,
    coords: [i32; 2],
    categories: u64,
    flags: u8,
    members: u32,
    created: i64,
    name: Box<str>,
}

/// Where a pending record came from: an index into `files` and a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Origin {
    file: Option<u32>,
    line: Option<u64>,
}

/// The origins of a list of records, in four bytes a record: runs of records from one file,
/// each record's line an offset from its run's first line.
#[derive(Debug, Default)]
struct Origins {
    runs: Vec<Run>,
    offsets: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    /// The run's first record.
    first: usize,
    file: Option<u32>,
    /// The line its offsets count from, if the records have lines.
    base: Option<u64>,
}

impl Origins {
    fn push(&mut self, origin: Origin) {
        let offset = self.runs.last().and_then(|run| {
            if run.file != origin.file {
                return None;
            }
            match (run.base, origin.line) {
                (None, None) => Some(0),
                (Some(base), Some(line)) => u32::try_from(line.checked_sub(base)?).ok(),
                _ => None,
            }
        });
        let offset = offset.unwrap_or_else(|| {
            self.runs.push(Run {
                first: self.offsets.len(),
                file: origin.file,
                base: origin.line,
            });
            0
        });
        self.offsets.push(offset);
    }

    /// The origin of record `index`, which must have been pushed.
    fn get(&self, index: usize) -> Origin {
        let run = self.runs[self.runs.partition_point(|run| run.first <= index) - 1];
        Origin {
            file: run.file,
            line: run.base.map(|base| base + u64::from(self.offsets[index])),
        }
    }
}

impl SnapshotBuilder {
    /// An empty builder whose `as_of` is the time of the build.
    pub fn new() -> SnapshotBuilder {
        SnapshotBuilder::default()
    }

    /// Sets the build's reference time (unix seconds); activity and health figures are
    /// relative to it. Defaults to the time [`to_bytes`](Self::to_bytes) runs.
    pub fn as_of(&mut self, unix_seconds: i64) -> &mut SnapshotBuilder {
        self.as_of = Some(unix_seconds);
        self
    }

    /// Number of hubs added.
    pub fn hub_count(&self) -> usize {
        self.hubs.len()
    }

    /// Adds a hub from code.
    ///
    /// # Errors
    ///
    /// [`BuildError::Record`] naming the record and the field that is invalid; the hub is not
    /// added.
    pub fn add_hub(&mut self, hub: Hub) -> Result<(), BuildError> {
        self.add_hub_from(hub, None, None)
    }

    /// Adds a hub read from `file` at `line`, so that errors can point there.
    ///
    /// # Errors
    ///
    /// As [`add_hub`](Self::add_hub), with the file and line in the location.
    pub fn add_hub_from(
        &mut self,
        hub: Hub,
        file: Option<&Path>,
        line: Option<u64>,
    ) -> Result<(), BuildError> {
        let origin = Origin {
            file: file.map(|path| self.file_index(path)),
            line,
        };
        let pending = self.check(hub).map_err(|problem| BuildError::Record {
            location: self.location(origin, self.hubs.len()),
            problem,
        })?;
        if self.hubs.len() as u64 >= MAX_HUBS {
            return Err(BuildError::TooMany {
                what: "hubs",
                max: MAX_HUBS,
            });
        }
        self.hubs.push(pending);
        self.origins.push(origin);
        Ok(())
    }

    /// Number of events added.
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// Adds an event from code. Its hub may be added before or after it; the build checks
    /// that it exists.
    ///
    /// # Errors
    ///
    /// [`BuildError::Record`] naming the field that is invalid; the event is not added.
    pub fn add_event(&mut self, event: Event) -> Result<(), BuildError> {
        self.add_event_from(event, None, None)
    }

    /// Adds an event read from `file` at `line`, so that errors can point there.
    ///
    /// # Errors
    ///
    /// As [`add_event`](Self::add_event), with the file and line in the location.
    pub fn add_event_from(
        &mut self,
        event: Event,
        file: Option<&Path>,
        line: Option<u64>,
    ) -> Result<(), BuildError> {
        let origin = Origin {
            file: file.map(|path| self.file_index(path)),
            line,
        };
        if self.events.len() as u64 >= MAX_EVENTS {
            return Err(BuildError::TooMany {
                what: "events",
                max: MAX_EVENTS,
            });
        }
        let pending = self
            .check_event(event)
            .map_err(|problem| BuildError::Record {
                location: self.location(origin, self.events.len()),
                problem,
            })?;
        self.events.push(pending);
        self.event_origins.push(origin);
        Ok(())
    }

    fn check_event(&mut self, event: Event) -> Result<PendingEvent, RecordProblem> {
        let time = |field, value: i64| {
            u32::try_from(value).map_err(|_| RecordProblem::TimeRange {
                field,
                value,
                min: 0,
                max: i64::from(u32::MAX),
            })
        };
        let start = time("starts_at", event.starts_at)?;
        let end = match event.ends_at {
            Some(end) if end < event.starts_at => {
                return Err(RecordProblem::EndBeforeStart {
                    starts_at: event.starts_at,
                    ends_at: end,
                })
            }
            Some(end) => time("ends_at", end)?,
            None => start,
        };
        let place = match (event.lat, event.lon) {
            (Some(lat), Some(lon)) => [
                check_coordinate("lat", lat, 90.0)?,
                check_coordinate("lon", lon, 180.0)?,
            ],
            (None, None) => NO_PLACE,
            (Some(_), None) => {
                return Err(RecordProblem::HalfPlace {
                    given: "lat",
                    missing: "lon",
                })
            }
            (None, Some(_)) => {
                return Err(RecordProblem::HalfPlace {
                    given: "lon",
                    missing: "lat",
                })
            }
        };
        let title = event.title.trim();
        if title.is_empty() || title.len() > MAX_TITLE_BYTES {
            return Err(RecordProblem::TitleLength {
                len: title.len(),
                max: MAX_TITLE_BYTES,
            });
        }
        if event.capacity == Some(NO_CAPACITY) {
            return Err(RecordProblem::Malformed {
                field: "capacity",
                value: NO_CAPACITY.to_string(),
                expected: "a number of seats from 0 to 4294967294 (leave it out for no limit)",
            });
        }
        let categories = self.categories(&event.categories)?;
        let title = match self.title_index.get(title) {
            Some(&index) => index,
            None => {
                let index = self.titles.len() as u32;
                self.titles.push(title.into());
                self.title_index.insert(title.into(), index);
                index
            }
        };
        Ok(PendingEvent {
            id: event.id,
            hub_id: event.hub_id,
            start,
            duration: end - start,
            place,
            categories,
            rsvps: event.rsvps,
            capacity: event.capacity.unwrap_or(NO_CAPACITY),
            price: event.price_cents,
            title,
        })
    }

    fn file_index(&mut self, path: &Path) -> u32 {
        if self.files.last().map(PathBuf::as_path) != Some(path) {
            self.files.push(path.to_path_buf());
        }
        self.files.len() as u32 - 1
    }

    fn location(&self, origin: Origin, record: usize) -> Location {
        Location {
            file: origin
                .file
                .and_then(|index| self.files.get(index as usize).cloned()),
            line: origin.line,
            record: record as u64,
        }
    }

    fn check(&mut self, hub: Hub) -> Result<Pending, RecordProblem> {
        let lat = check_coordinate("lat", hub.lat, 90.0)?;
        let lon = check_coordinate("lon", hub.lon, 180.0)?;
        let name = hub.name.trim();
        if name.is_empty() || name.len() > MAX_NAME_BYTES {
            return Err(RecordProblem::NameLength {
                len: name.len(),
                max: MAX_NAME_BYTES,
            });
        }
        if hub.created_at == Some(UNKNOWN_TIME) {
            return Err(RecordProblem::Malformed {
                field: "created_at",
                value: UNKNOWN_TIME.to_string(),
                expected: "a time after year -292277022657",
            });
        }
        let categories = self.categories(&hub.categories)?;
        let flags = if hub.verified {
            HubFlags::VERIFIED
        } else {
            HubFlags::NONE
        };
        Ok(Pending {
            id: hub.id,
            coords: [lat, lon],
            categories,
            flags: flags.bits(),
            members: hub.members,
            created: hub.created_at.unwrap_or(UNKNOWN_TIME),
            name: name.into(),
        })
    }

    /// The category set of a record's slugs, adding new slugs to the vocabulary only once
    /// every slug of the record has been checked, so that a rejected record leaves no trace.
    fn categories(&mut self, raw: &[String]) -> Result<u64, RecordProblem> {
        let mut known = 0u64;
        let mut new: Vec<String> = Vec::new();
        for item in raw {
            let slug = item.trim().to_ascii_lowercase();
            if let Some(&index) = self.slug_index.get(&slug) {
                known |= 1 << index;
                continue;
            }
            let valid =
                |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_';
            if slug.is_empty() || slug.len() > MAX_SLUG_BYTES || !slug.bytes().all(valid) {
                return Err(RecordProblem::CategorySlug {
                    slug: item.to_string(),
                    max: MAX_SLUG_BYTES,
                });
            }
            if !new.contains(&slug) {
                if self.slugs.len() + new.len() >= MAX_CATEGORIES {
                    return Err(RecordProblem::TooManyCategories {
                        slug,
                        count: self.slugs.len() + new.len() + 1,
                        max: MAX_CATEGORIES,
                    });
                }
                new.push(slug);
            }
        }
        for slug in new {
            let index = self.slugs.len() as u8;
            known |= 1 << index;
            self.slugs.push(slug.clone());
            self.slug_index.insert(slug, index);
        }
        Ok(known)
    }

    /// Builds the snapshot in memory.
    ///
    /// Memory: the builder's records stay held while the sections are built and then copied
    /// into one buffer; [`write`](Self::write) skips the buffer and [`finish`](Self::finish)
    /// also frees the records as it goes.
    ///
    /// # Errors
    ///
    /// [`BuildError::Record`] with [`RecordProblem::DuplicateId`] if two hubs share an id,
    /// naming both; [`BuildError::TooMany`] if the names exceed 4 GiB in total.
    pub fn to_bytes(&self) -> Result<AlignedBytes, BuildError> {
        Ok(header::write(&self.sections(Cow::Borrowed(&self.events))?))
    }

    /// Every section of the snapshot, each in the type it was built as; `events` are this
    /// builder's, lent or handed over.
    fn sections(&self, events: Cow<'_, [PendingEvent]>) -> Result<format::Built, BuildError> {
        #[cfg(feature = "tracing")]
        let _span = tracing::info_span!("build", hubs = self.hubs.len()).entered();
        self.check_unique_ids()?;
        let name_bytes: usize = self.hubs.iter().map(|hub| hub.name.len()).sum();
        if name_bytes > u32::MAX as usize {
            return Err(BuildError::TooMany {
                what: "bytes of hub names",
                max: u64::from(u32::MAX),
            });
        }

        let points: Vec<Quantized> = self
            .hubs
            .par_iter()
            .map(|hub| {
                quantize(
                    f64::from(hub.coords[0]) / 1e7,
                    f64::from(hub.coords[1]) / 1e7,
                )
            })
            .collect();
        let order = {
            #[cfg(feature = "tracing")]
            let _span = tracing::debug_span!("tree order").entered();
            order::tree_order(&points, LEAF_SIZE)
        };
        let sorted = |position: &u32| &self.hubs[*position as usize];

        let points: Vec<Quantized> = order.par_iter().map(|&i| points[i as usize]).collect();
        let columns = Columns {
            ids: order.par_iter().map(|i| sorted(i).id).collect(),
            coords: order.par_iter().map(|i| sorted(i).coords).collect(),
            categories: order.par_iter().map(|i| sorted(i).categories).collect(),
            flags: order.par_iter().map(|i| sorted(i).flags).collect(),
            members: order.par_iter().map(|i| sorted(i).members).collect(),
            created: order.par_iter().map(|i| sorted(i).created).collect(),
        };
        let names: Vec<&str> = order.iter().map(|i| &*sorted(i).name).collect();
        let cells: Vec<u64> = columns.coords.par_iter().map(|&c| cell_of(c)).collect();
        let as_of = self.as_of.unwrap_or_else(now);
        let built = {
            #[cfg(feature = "tracing")]
            let _span = tracing::debug_span!("events", events = self.events.len()).entered();
            let locate = |index: usize| self.location(self.event_origins.get(index), index);
            events::build(
                events,
                &self.titles,
                &locate,
                &events::Hubs {
                    ids: &columns.ids,
                    coords: &columns.coords,
                    points: &points,
                    categories: &columns.categories,
                    members: &columns.members,
                    created: &columns.created,
                },
                as_of,
                LEAF_SIZE,
            )?
        };
        let cell_entries: Vec<(u64, u32)> = cells
            .into_par_iter()
            .enumerate()
            .map(|(position, cell)| (cell, position as u32))
            .collect();

        // The fingerprint follows this order of sections.
        let tree = tree::write(&points, &columns.categories, &columns.flags, LEAF_SIZE);
        let mut sections: format::Built = vec![(SectionKind::Points, points.into())];
        sections.extend(tree);
        sections.extend(hubs::write(columns));
        sections.extend(strings::write(
            &names,
            SectionKind::NameOffsets,
            SectionKind::NameBytes,
        ));
        sections.extend(strings::write(
            &self.slugs,
            SectionKind::CategoryOffsets,
            SectionKind::CategoryBytes,
        ));
        sections.extend(cells::write(cell_entries));
        sections.extend(built.sections);

        let meta = Meta {
            hub_count: self.hubs.len() as u64,
            as_of,
            fingerprint: fingerprint(&sections, as_of),
            category_count: self.slugs.len() as u32,
            leaf_size: LEAF_SIZE,
            cell_resolution: CELL_RESOLUTION,
            title_count: self.titles.len() as u32,
            event_count: built.event_count,
            time_base: built.grid.map_or(0, |grid| grid.coarse_base),
            time_width: built.grid.map_or(0, |grid| grid.coarse_width),
            fine_base: built.grid.map_or(0, |grid| grid.fine_base),
            fine_width: built.grid.map_or(0, |grid| grid.fine_width),
            region_count: built.region_count,
        };
        sections.push((SectionKind::Meta, meta::write(&meta).into()));
        sections.sort_by_key(|(kind, _)| SectionKind::ALL.iter().position(|k| k == kind));
        Ok(sections)
    }

    /// Builds the snapshot and publishes it at `path` atomically: the bytes go to a temporary
    /// file beside it, are flushed to disk, and the file is renamed over `path`. Readers of an
    /// older file at `path` keep their (intact) copy; on error nothing is left behind.
    ///
    /// # Errors
    ///
    /// As [`to_bytes`](Self::to_bytes), and [`BuildError::Io`] if writing fails.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<u64, BuildError> {
        self.publish(path.as_ref(), Cow::Borrowed(&self.events))
    }

    /// As [`write`](Self::write), but gives up the builder so that the events it holds are
    /// freed while the snapshot's event columns are filled: for 1M hubs and 10M events the
    /// build peaks at 1.7 times the snapshot's size instead of about 2.7. The file is the same.
    ///
    /// # Errors
    ///
    /// As [`write`](Self::write).
    pub fn finish(mut self, path: impl AsRef<Path>) -> Result<u64, BuildError> {
        let events = std::mem::take(&mut self.events);
        self.publish(path.as_ref(), Cow::Owned(events))
    }

    fn publish(&self, path: &Path, events: Cow<'_, [PendingEvent]>) -> Result<u64, BuildError> {
        let sections = self.sections(events)?;
        #[cfg(feature = "tracing")]
        let _span = tracing::info_span!("publish").entered();
        // Sections go to the file one after another, never assembled in memory.
        let mut len = 0;
        publish_with(path, |file| {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
            len = header::write_to(&sections, &mut out)?;
            out.flush()
        })?;
        Ok(len)
    }

    fn check_unique_ids(&self) -> Result<(), BuildError> {
        let mut by_id: Vec<u32> = (0..self.hubs.len() as u32).collect();
        by_id.par_sort_unstable_by_key(|&i| (self.hubs[i as usize].id, i));
        for pair in by_id.windows(2) {
            let (first, again) = (pair[0] as usize, pair[1] as usize);
            if self.hubs[first].id == self.hubs[again].id {
                return Err(BuildError::Record {
                    location: self.location(self.origins.get(again), again),
                    problem: RecordProblem::DuplicateId {
                        id: self.hubs[first].id,
                        first: self.location(self.origins.get(first), first),
                    },
                });
            }
        }
        Ok(())
    }
}

fn check_coordinate(field: &'static str, value: f64, max: f64) -> Result<i32, RecordProblem> {
    if !(-max..=max).contains(&value) {
        return Err(RecordProblem::Coordinate {
            field,
            value,
            min: -max,
            max,
        });
    }
    // |value| ≤ 180 so value·1e7 ≤ 1.8e9 fits in i32.
    Ok((value * 1e7).round() as i32)
}

fn cell_of(coords: [i32; 2]) -> u64 {
    // Stored coordinates are in range, so LatLng accepts them; fall back to the null index
    // (which no cell range contains) rather than panic.
    LatLng::new(f64::from(coords[0]) / 1e7, f64::from(coords[1]) / 1e7)
        .map(|point| u64::from(point.to_cell(Resolution::Fifteen)))
        .unwrap_or(0)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or(0)
}

/// A content identity for cursors: every section's checksum and length, and `as_of`.
fn fingerprint(sections: &[(SectionKind, format::Data)], as_of: i64) -> u64 {
    let mut low = crc32fast::Hasher::new();
    let mut high = crc32fast::Hasher::new_with_initial(0x9e37_79b9);
    for (kind, data) in sections {
        let bytes = data.bytes();
        let crc = data.crc();
        for hasher in [&mut low, &mut high] {
            hasher.update(&(*kind as u32).to_le_bytes());
            hasher.update(&(bytes.len() as u64).to_le_bytes());
            hasher.update(&crc.to_le_bytes());
            hasher.update(&as_of.to_le_bytes());
        }
    }
    u64::from(high.finalize()) << 32 | u64::from(low.finalize())
}

/// Writes `bytes` to a temporary file beside `path`, syncs it and renames it into place.
pub(crate) fn publish(path: &Path, bytes: &[u8]) -> Result<(), BuildError> {
    publish_with(path, |file| file.write_all(bytes))
}

/// Lets `fill` write a temporary file beside `path`, syncs it and renames it into place; on
/// error the temporary file is removed.
fn publish_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), BuildError> {
    let io = |action, source| BuildError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut options = tempfile::Builder::new();
    options.prefix(".hubdex-").suffix(".tmp");
    // A snapshot is meant to be read by other accounts (a server's): the usual file mode,
    // narrowed by the umask, instead of a temporary file's owner-only one.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        options.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = options
        .tempfile_in(dir)
        .map_err(|e| io("cannot create a temporary file beside", e))?;
    fill(temp.as_file_mut()).map_err(|e| io("cannot write", e))?;
    temp.as_file()
        .sync_all()
        .map_err(|e| io("cannot flush", e))?;
    temp.persist(path)
        .map_err(|e| io("cannot rename the new snapshot to", e.error))?;
    // Make the rename itself durable; not every platform can sync a directory.
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_give_back_every_pushed_file_and_line() {
        // Runs break on a new file, on a line before the run's base, on an offset past u32
        // and on a switch between records with and without lines.
        let big = u64::from(u32::MAX);
        let pushed: Vec<Origin> = [
            (Some(0), Some(2)),
            (Some(0), Some(3)),
            (Some(0), Some(7)),
            (Some(0), Some(1)),
            (Some(0), Some(1 + big)),
            (Some(0), Some(2 + big)),
            (Some(1), Some(2 + big)),
            (Some(1), None),
            (Some(1), None),
            (None, None),
            (None, Some(5)),
            (None, Some(5)),
            (Some(0), Some(3)),
        ]
        .into_iter()
        .map(|(file, line)| Origin { file, line })
        .collect();
        let mut origins = Origins::default();
        for &origin in &pushed {
            origins.push(origin);
        }
        for (index, &origin) in pushed.iter().enumerate() {
            assert_eq!(origins.get(index), origin, "record {index}");
        }
        assert!(origins.runs.len() < pushed.len());
    }
}
