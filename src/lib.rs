//! hubdex answers the questions a local-community product asks all day (which groups are
//! near me, which of them are alive, what is on near me this week, what is trending in my
//! city) from one immutable snapshot file, inside the caller's process, exactly and in
//! microseconds.
//!
//! A [`SnapshotBuilder`] takes [`Hub`]s and [`Event`]s, checks every field, computes each
//! hub's activity and health as of the build's `as_of` (see [`activity`]), and writes a
//! snapshot: hubs stored as fixed-point unit vectors in an implicit kd-tree, plus their
//! columns, their events, per-node summaries, an H3 cell index and per-region figures.
//! [`Snapshot`] opens one from a memory map or any byte buffer without decoding it, and
//! answers:
//!
//! * [`Snapshot::nearest`]: the k nearest hubs, optionally within a radius;
//! * [`Snapshot::within`]: every hub within a radius, nearest first, paged by [`Cursor`];
//! * [`Snapshot::ranked`]: the top hubs within a radius by a distance [`Decay`] blended with
//!   activity, members and freshness ([`Weights`]), each hit explaining its score;
//! * [`Snapshot::upcoming`]: events starting in a time window within a radius, by start or by
//!   relevance;
//! * [`Snapshot::trending`] and [`Snapshot::trending_at`]: a region's fastest-growing hubs;
//! * [`Snapshot::health`] and [`Snapshot::region_at`]: hub and region health;
//! * [`Snapshot::hubs_in_cell`]: the hubs in an H3 cell of any resolution;
//! * [`Snapshot::hubs_in_area`], [`Snapshot::nearest_in_area`] and
//!   [`Snapshot::ranked_in_area`]: hubs inside a polygon ([`Area`]);
//! * [`Snapshot::hexbins`]: per-hexagon counts and activity of an area, for maps;
//! * [`Snapshot::nearest_widening`]: the nearest matching hubs in the first of a series of
//!   widening radii that holds enough of them;
//! * [`Snapshot::hub`] and [`Snapshot::events_of`]: a hub and its events by id.
//!
//! Distances are great-circle distances on a sphere of radius [`EARTH_RADIUS_M`]. Results are
//! exact: the same hubs in the same order as measuring every hub, except that hubs whose
//! distances differ by less than a centimetre may trade places. That holds at the poles and
//! across the antimeridian, which need no special case: the search works on unit vectors.
//!
//! # Walk-through
//!
//! ```
//! use hubdex::{Filter, Hub, Nearest, Snapshot, SnapshotBuilder, Within};
//!
//! // Build: from code here; the CLI reads CSV or NDJSON.
//! let mut builder = SnapshotBuilder::new();
//! let mut hub = Hub::new(1, "Fiji Photo Walks", -17.7134, 178.065);
//! hub.categories = vec!["photo-walk".into()];
//! builder.add_hub(hub)?;
//! builder.add_hub(Hub::new(2, "Taveuni Runners", -16.85, -179.97))?;
//! builder.add_hub(Hub::new(3, "Suva Rust", -18.1416, 178.4419))?;
//!
//! // Write atomically, then open by memory map.
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("hubs.hubdex");
//! builder.write(&path)?;
//! let snapshot = Snapshot::open(&path)?;
//! snapshot.verify()?;
//!
//! // Nearest hubs to a point just east of the antimeridian.
//! let hits = snapshot.nearest(&Nearest::new(-16.9, -179.9).k(2))?;
//! assert_eq!(hits[0].id, 2);
//! assert!(hits[0].distance_m < 10_000.0);
//!
//! // Photo walks within 500 km.
//! let photo = snapshot.category_set(&["photo-walk"])?;
//! let page = snapshot.within(&Within::new(-17.0, 179.0, 500_000.0).filter(Filter::new().any_of(photo)))?;
//! let names: Vec<&str> = page
//!     .hits
//!     .iter()
//!     .filter_map(|hit| snapshot.hub_at(hit.position)?.name().ok())
//!     .collect();
//! assert_eq!(names, ["Fiji Photo Walks"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Limitations
//!
//! * A snapshot holds at most [`MAX_HUBS`] hubs and [`MAX_CATEGORIES`] categories.
//! * Coordinates are stored to 1e-7 degree; positions in the index to about 3 mm, which is
//!   why hubs less than a centimetre apart in distance may trade places, and why a hub within
//!   a centimetre of a radius may fall on either side of it.
//! * Snapshots are little-endian and read in place, so big-endian machines cannot open them.
//! * At most [`MAX_EVENTS`] events; event times are stored as `u32` unix seconds, so events
//!   start and end between 1970 and 2106.
//! * Preparing an [`Area`] costs about 7 µs for 48 vertices, about half of a median polygon
//!   query; prepare an area once where it is asked of one snapshot many times.
//! * [`SnapshotBuilder::write`] and [`SnapshotBuilder::to_bytes`] keep the builder's records
//!   while they build; [`SnapshotBuilder::finish`] frees the events as it goes and needs
//!   about 1.7× the snapshot's size at its peak instead of 2.7×.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::print_stdout,
        clippy::print_stderr
    )
)]
#![deny(missing_docs)]

pub mod activity;
mod build;
mod bytes;
mod decay;
mod error;
mod event;
mod format;
pub mod generate;
mod hub;
pub mod ingest;
mod mmap;
mod query;
pub mod shard;
mod snapshot;
mod sphere;

pub use build::SnapshotBuilder;
pub use bytes::AlignedBytes;
pub use decay::{Decay, DecayKind};
pub use error::{BuildError, Location, OpenError, QueryError, RecordProblem};
pub use event::{Event, MAX_TITLE_BYTES};
pub use format::events::MAX_EVENTS;
pub use format::meta::{MAX_CATEGORIES, MAX_HUBS};
pub use hub::{Category, CategorySet, Hub, HubFlags, MAX_NAME_BYTES, MAX_SLUG_BYTES};
pub use query::activity::{EventRef, Trend};
pub use query::area::{Area, MAX_AREA_VERTICES};
pub use query::best::RankScratch;
pub use query::cursor::Cursor;
pub use query::events::{EventHit, EventOrder, EventPage, Upcoming};
pub use query::filter::Filter;
pub use query::hexbin::HexBin;
pub use query::nearest::Nearest;
pub use query::ranked::{Ranked, RankedHit, RankedPage, Weights};
pub use query::search::Scratch;
pub use query::widen::{Widened, Widening};
pub use query::within::{Order, Page, Within};
pub use query::Hit;
pub use snapshot::{HubRef, Snapshot};
pub use sphere::{distance_m, EARTH_RADIUS_M};

/// Re-exported so that callers name the same `h3o` types as the API.
pub use h3o;
/// The memory map [`Snapshot::open`] reads from, so that callers can name
/// `Snapshot<hubdex::Mmap>`.
pub use memmap2::Mmap;
