//! [`ShardError`]: why a manifest or its shards could not be read, or a query through a
//! [`ShardSet`](super::ShardSet) could not be answered.

use std::path::PathBuf;

use h3o::CellIndex;

use crate::error::{OpenError, QueryError};

/// Why a shard set could not be opened or verified, or a query through it answered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    /// The manifest or a shard file could not be read.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The manifest is larger than any this build writes.
    #[error("manifest {path} is {bytes} bytes, more than the {max} a manifest may have: it is not a hubdex manifest")]
    ManifestTooLarge {
        /// The manifest.
        path: PathBuf,
        /// Its size.
        bytes: u64,
        /// The limit.
        max: u64,
    },
    /// The manifest is not the JSON a manifest is made of.
    #[error("manifest {path} is not valid: {problem}; rebuild the shards with `hubdex build --shard-res`")]
    ManifestSyntax {
        /// The manifest.
        path: PathBuf,
        /// What the JSON parser said, with line and column.
        problem: String,
    },
    /// The manifest's format version is not one this build reads.
    #[error("manifest {path} has format {found}; this build reads format {supported}: rebuild the shards with this version of hubdex")]
    ManifestVersion {
        /// The manifest.
        path: PathBuf,
        /// The version found.
        found: u64,
        /// The version this build reads.
        supported: u64,
    },
    /// A field of the manifest has a value no manifest may have.
    #[error("manifest {path}, field {field}: {problem}")]
    ManifestField {
        /// The manifest.
        path: PathBuf,
        /// The field, as a JSON path (`shards[3].cell`).
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A shard file could not be opened as a snapshot.
    #[error("shard {path}: {source}")]
    Open {
        /// The shard file.
        path: PathBuf,
        /// Why it did not open.
        source: OpenError,
    },
    /// A shard file does not match what the manifest says of it.
    #[error("shard {path} has {field} {found} but the manifest says {expected}: the file was replaced or damaged; rebuild the shards")]
    Mismatch {
        /// The shard file.
        path: PathBuf,
        /// What differs.
        field: &'static str,
        /// The manifest's value.
        expected: String,
        /// The file's value.
        found: String,
    },
    /// The number of snapshots given is not the manifest's number of shards.
    #[error("{given} shard slots given for a manifest of {expected} shards: give one slot (loaded or not) per manifest entry")]
    ShardCount {
        /// Slots the manifest has.
        expected: usize,
        /// Slots given.
        given: usize,
    },
    /// The query needs a shard that is in the manifest but was not loaded.
    #[error("the answer needs shard {cell}, which is not loaded: open the shard set with it (or with every shard)")]
    NotLoaded {
        /// The cell of the shard.
        cell: CellIndex,
    },
    /// A hub was not found in the loaded shards, and some shards are not loaded.
    #[error("hub {id} is not in the loaded shards, and {unloaded} shards are not loaded: it may be in one of them")]
    HubNotLoaded {
        /// The hub id asked for.
        id: u64,
        /// Shards not loaded.
        unloaded: usize,
    },
    /// A shard refused the query (an invalid parameter, or damaged data).
    #[error(transparent)]
    Query(#[from] QueryError),
}
