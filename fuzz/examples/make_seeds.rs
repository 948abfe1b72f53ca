//! Writes the seed corpus, `fuzz/seeds/<target>/`, from scratch:
//!
//! ```sh
//! cargo run --manifest-path fuzz/Cargo.toml --example make_seeds
//! ```
//!
//! * `open_bytes`: real snapshots of 0, 1, 5, 40 and 120 hubs behind a control block that
//!   asks for every repair, the same with no repair, truncated copies, and a misaligned open.
//! * `ingest`: small valid and invalid CSV and NDJSON files.
//! * `build_roundtrip`, `query_params`, `areas`: a few pseudo-random byte strings (their inputs are
//!   decoded with `arbitrary`, so any bytes are a valid input).

use std::fs;
use std::path::{Path, PathBuf};

use hubdex::generate::Generator;
use hubdex::{Hub, SnapshotBuilder};
use hubdex_fuzz::repair;

/// Bytes of the open_bytes control block (see `fuzz_targets/open_bytes.rs`).
const CONTROL_LEN: usize = 128;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    open_bytes(&dir(&root, "open_bytes"));
    ingest(&dir(&root, "ingest"));
    for (target, seed) in [("build_roundtrip", 1), ("query_params", 2), ("areas", 3)] {
        let dir = dir(&root, target);
        let mut rng = XorShift(seed);
        for (i, len) in [16, 64, 256, 1024, 4096].into_iter().enumerate() {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            fs::write(dir.join(format!("random-{i}")), bytes).expect("write a seed");
        }
    }
    println!("seeds written under {}", root.display());
}

/// The directory, emptied.
fn dir(root: &Path, target: &str) -> PathBuf {
    let dir = root.join(target);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create the seed directory");
    dir
}

fn open_bytes(dir: &Path) {
    let generated = Generator::new(7).top_cities(50).hubs(120);
    let mut rng = XorShift(3);
    for count in [0, 1, 5, 40, 120] {
        let mut builder = SnapshotBuilder::new();
        builder.as_of(1_767_225_600);
        for hub in generated.iter().take(count) {
            builder
                .add_hub(hub.clone())
                .expect("generated hubs are valid");
        }
        if count == 1 {
            let mut pole = Hub::new(9_999, "North Pole Club", 90.0, 180.0);
            pole.categories = vec!["polar".into()];
            builder.add_hub(pole).expect("a valid hub");
        }
        let file = builder.to_bytes().expect("the seed snapshot builds");
        let file = file.as_ref();

        // Control blocks: query parameters from a pseudo-random block, the first byte the
        // repairs to apply.
        let mut control: Vec<u8> = (0..CONTROL_LEN).map(|_| rng.next() as u8).collect();
        for (name, mode) in [("repaired", repair::ALL), ("raw", 0), ("misaligned", 8)] {
            if name == "misaligned" && count != 5 {
                continue;
            }
            control[0] = mode;
            let seed = [control.as_slice(), file].concat();
            fs::write(dir.join(format!("{count}-hubs-{name}")), &seed).expect("write a seed");
        }
        // Truncated: inside the header, inside the table, and one byte short.
        control[0] = 0;
        for cut in [40, 400, file.len() - 1] {
            let seed = [control.as_slice(), &file[..cut.min(file.len())]].concat();
            fs::write(dir.join(format!("{count}-hubs-cut-{cut}")), &seed).expect("write a seed");
        }
    }
}

fn ingest(dir: &Path) {
    let seeds: [(&str, &str); 12] = [
        (
            "csv-valid",
            "id,name,lat,lon,categories,members,created_at,verified\n\
             1,Lisbon Photo Walks,38.7223,-9.1393,photo-walk;Running,120,2024-05-01T18:30:00Z,true\n\
             2,\"Porto, Rustaceans\",41.1579,-8.6291,,7,1714588200,0\n\
             3, Polar Club ,90,180,hiking;,, ,FALSE\n",
        ),
        (
            "csv-reordered-extra-columns",
            "url,lon,lat,name,id\nhttp://x,-179.9999999,-17.7,Fiji,18446744073709551615\n",
        ),
        ("csv-missing-column", "id,name,lat\n1,A,2\n"),
        ("csv-bad-lat", "id,name,lat,lon\n1,A,91,0\n2,B,NaN,0\n"),
        ("csv-ragged", "id,name,lat,lon\n1,A,1,2,3\n"),
        ("csv-duplicate-id", "id,name,lat,lon\n5,A,1,2\n5,B,3,4\n"),
        ("csv-bad-utf8", "id,name,lat,lon\n1,\u{fffd}\u{0},1,2\n"),
        (
            "ndjson-valid",
            "{\"id\":1,\"name\":\"Lisbon\",\"lat\":38.72,\"lon\":-9.14,\"categories\":[\"photo-walk\"]}\n\
             \n\
             {\"id\":\"2\",\"name\":\"Porto\",\"lat\":\"41.15\",\"lon\":-8.62,\"members\":\"7\",\"verified\":\"true\",\"created_at\":1714588200}\n\
             {\"id\":3,\"name\":\"South\",\"lat\":-90,\"lon\":-180,\"created_at\":\"2024-05-01T18:30:00+02:00\",\"verified\":null,\"extra\":{\"a\":[1,2]}}\n",
        ),
        ("ndjson-not-object", "[1,2,3]\n"),
        ("ndjson-bad-type", "{\"id\":1.5,\"name\":\"A\",\"lat\":1,\"lon\":2}\n"),
        ("ndjson-truncated", "{\"id\":1,\"name\":\"A\",\"lat\":1,\"lo"),
        (
            "ndjson-too-many-categories",
            "{\"id\":1,\"name\":\"A\",\"lat\":1,\"lon\":2,\"categories\":[\"a\",\"B\",\"-\",\"_\",\"x y\",\"\"]}\n",
        ),
    ];
    for (name, text) in seeds {
        fs::write(dir.join(name), text).expect("write a seed");
    }
}

/// A tiny deterministic generator: the seeds must not change between runs.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}
