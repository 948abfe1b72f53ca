//! Sharded builds: one snapshot per H3 cell, a manifest, and a [`ShardSet`] that answers
//! queries from any subset of the shards exactly as the unsharded snapshot would.
//!
//! [`SnapshotBuilder::write_shards`](crate::SnapshotBuilder::write_shards) writes a
//! snapshot for each cell of a chosen resolution that holds hubs, and a [`Manifest`] that
//! lists them. [`ShardSet::open`] reads the manifest and loads the shards a [`Select`] keeps
//! (all, some cells, or those near a point, as an edge node would). Each query is routed to
//! the shards that may hold its answer and their hits are merged; if one of those shards is
//! not loaded, the query says so ([`ShardError::NotLoaded`]) instead of answering short.
//!
//! ```
//! use hubdex::shard::{Select, ShardSet};
//! use hubdex::{h3o::Resolution, Hub, Nearest, SnapshotBuilder};
//!
//! let mut builder = SnapshotBuilder::new();
//! builder.add_hub(Hub::new(1, "Fiji Photo Walks", -17.7134, 178.065))?;
//! builder.add_hub(Hub::new(2, "Taveuni Runners", -16.85, -179.97))?;
//! builder.add_hub(Hub::new(3, "Lisbon Rust", 38.72, -9.14))?;
//! let dir = tempfile::tempdir()?;
//! let manifest = builder.write_shards(dir.path(), Resolution::Three)?;
//! assert_eq!(manifest.shards.len(), 3);
//!
//! // An edge node in Fiji loads the shards within 1,000 km.
//! let path = dir.path().join("manifest.json");
//! let fiji = ShardSet::open(&path, Select::near(-17.0, 179.0, 1_000_000.0))?;
//! assert_eq!(fiji.loaded_count(), 2);
//! let hits = fiji.nearest(&Nearest::new(-16.9, -179.9).k(2))?;
//! assert_eq!(hits.iter().map(|hit| hit.id).collect::<Vec<_>>(), [2, 1]);
//! // The third nearest is in Lisbon, which this node did not load.
//! assert!(fiji.nearest(&Nearest::new(-16.9, -179.9).k(3)).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod geometry;
mod grid;
mod manifest;
mod rank;
mod route;
mod set;
mod write;

pub use error::ShardError;
pub use manifest::{Manifest, ShardEntry, MANIFEST_FORMAT};
pub use rank::{ShardEventHit, ShardRankedHit};
pub use route::{ShardHit, ShardPage, ShardScratch};
pub use set::{Select, ShardSet};
pub use write::{manifest_path, MANIFEST_FILE};
