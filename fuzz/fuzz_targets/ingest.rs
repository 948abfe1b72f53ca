//! Any bytes as a CSV file and as an NDJSON file: `read_hubs` returns a clean error or the
//! hubs it read; a successful read builds (or fails with an error) and the snapshot built
//! opens and verifies. Nothing may panic.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hubdex::ingest::read_hubs;
use hubdex::{Snapshot, SnapshotBuilder};
use libfuzzer_sys::fuzz_target;

/// The input file for one extension, named by the process id so that parallel fuzzing jobs
/// (separate processes) keep apart. In memory (`/dev/shm`) where there is one: on ext4,
/// rewriting a file flushes it to disk, which made fuzzing twenty times slower.
fn path(extension: &str) -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        }
    });
    dir.join(format!(
        "hubdex-fuzz-ingest-{}.{extension}",
        std::process::id()
    ))
}

fuzz_target!(|data: &[u8]| {
    for extension in ["csv", "ndjson"] {
        let path = path(extension);
        std::fs::write(&path, data).expect("write the input file");
        ingest(&path);
        // A new file for every input (ext4 flushes a truncated and rewritten one), and none
        // left behind.
        let _ = std::fs::remove_file(&path);
    }
});

fn ingest(path: &Path) {
    let mut builder = SnapshotBuilder::new();
    builder.as_of(0);
    match read_hubs(path, &mut builder) {
        Ok(count) => assert_eq!(count, builder.hub_count() as u64, "hubs read vs added"),
        Err(e) => {
            // Errors must display (they reach users as messages), and nothing else happens.
            let _ = e.to_string();
            return;
        }
    }
    match builder.to_bytes() {
        Ok(bytes) => {
            let snapshot = Snapshot::from_bytes(bytes).expect("a built snapshot opens");
            snapshot.verify().expect("a built snapshot verifies");
            assert_eq!(snapshot.hub_count(), builder.hub_count());
            for hub in snapshot.iter() {
                assert!(hub.name().is_ok(), "hub {} has no name", hub.id());
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}
