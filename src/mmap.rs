//! Opening snapshot files by memory map: the crate's only `unsafe` read (the other `unsafe`
//! is a prefetch hint, in `bytes.rs`).
#![allow(unsafe_code)]

use std::fs::File;
use std::path::Path;

use memmap2::Mmap;

use crate::error::OpenError;
use crate::Snapshot;

impl Snapshot<Mmap> {
    /// Maps the snapshot file at `path` and opens it (see [`Snapshot::from_bytes`]).
    ///
    /// Pages are read from disk as queries touch them. The file must not be modified or
    /// truncated while it is open; hubdex itself never does so (it publishes new snapshots by
    /// renaming a new file over the old path, which leaves open maps intact).
    ///
    /// # Errors
    ///
    /// [`OpenError::Io`] if the file cannot be opened or mapped, and every error of
    /// [`Snapshot::from_bytes`].
    pub fn open(path: impl AsRef<Path>) -> Result<Snapshot<Mmap>, OpenError> {
        let path = path.as_ref();
        let io = |source| OpenError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = File::open(path).map_err(io)?;
        // SAFETY: a map is sound while no one writes to or truncates the file. hubdex writes
        // snapshots only to fresh temporary files that it renames into place, so a published
        // file is never changed; the contract above asks the same of everyone else. Every
        // read of the map goes through bounds-checked slices.
        let map = unsafe { Mmap::map(&file) }.map_err(io)?;
        Snapshot::from_bytes(map)
    }
}
