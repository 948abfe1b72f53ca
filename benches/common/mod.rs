//! What every benchmark shares: the data set, the queries, the baselines' trees and a
//! per-query latency pass for percentiles (criterion reports means and medians of batches).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use hubdex::generate::Generator;
use hubdex::{Hub, Mmap, Snapshot, SnapshotBuilder};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rstar::primitives::GeomWithData;
use rstar::RTree;

/// Hubs in the benchmark data set, unless `HUBDEX_BENCH_HUBS` says otherwise.
pub const HUBS: usize = 1_000_000;
/// Cities the hubs cluster around.
pub const CITIES: usize = 2_000;
/// Distinct query points each benchmark cycles through.
pub const QUERIES: usize = 4_096;

pub fn hub_count() -> usize {
    std::env::var("HUBDEX_BENCH_HUBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(HUBS)
}

pub struct Data {
    pub hubs: Vec<Hub>,
    /// Opened by memory map from a file in `_dir`.
    pub snapshot: Snapshot<Mmap>,
    _dir: tempfile::TempDir,
    /// `(lat, lon)` near city centres, drawn by population.
    pub queries: Vec<(f64, f64)>,
}

pub fn data() -> Data {
    let generator = Generator::new(42).top_cities(CITIES);
    let hubs = generator.hubs(hub_count());
    let mut builder = SnapshotBuilder::new();
    builder.as_of(hubdex::generate::GENERATED_AS_OF);
    for hub in &hubs {
        builder.add_hub(hub.clone()).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.hubdex");
    builder.write(&path).unwrap();
    let snapshot = Snapshot::open(&path).unwrap();
    let queries = city_queries(&generator, QUERIES);
    Data {
        hubs,
        snapshot,
        _dir: dir,
        queries,
    }
}

/// Points within 2 km of city centres, cities drawn by population.
pub fn city_queries(generator: &Generator, count: usize) -> Vec<(f64, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let sample = generator.hubs(count * 4);
    (0..count)
        .map(|i| {
            // A generated hub is a population-weighted point near a centre; jitter it.
            let hub = &sample[i * 4];
            let lat = (hub.lat + rng.random_range(-0.01..0.01)).clamp(-90.0, 90.0);
            let lon = (hub.lon + rng.random_range(-0.01..0.01)).clamp(-180.0, 180.0);
            (lat, lon)
        })
        .collect()
}

/// The planar index a user would otherwise pick: rstar over (lon, lat) degrees.
pub type PlanarTree = RTree<GeomWithData<[f64; 2], u32>>;

pub fn planar_tree<B: AsRef<[u8]>>(snapshot: &Snapshot<B>) -> PlanarTree {
    let points = snapshot
        .iter()
        .map(|hub| GeomWithData::new([hub.lon(), hub.lat()], hub.position()));
    RTree::bulk_load(points.collect())
}

/// Stored coordinates, for brute force and exact filters: `(lat, lon, id, position)`.
pub fn stored<B: AsRef<[u8]>>(snapshot: &Snapshot<B>) -> Vec<(f64, f64, u64, u32)> {
    snapshot
        .iter()
        .map(|hub| (hub.lat(), hub.lon(), hub.id(), hub.position()))
        .collect()
}

/// Per-query latency: every query timed alone, several rounds; returns (median, p99) in ns
/// and appends a line to `target/hubdex-bench/latency.ndjson`.
pub fn percentiles(name: &str, rounds: usize, mut run: impl FnMut(usize)) -> (f64, f64) {
    let mut samples = Vec::with_capacity(rounds * QUERIES);
    for i in 0..QUERIES.min(256) {
        run(i); // warm up
    }
    for _ in 0..rounds {
        for i in 0..QUERIES {
            let start = Instant::now();
            run(i);
            samples.push(start.elapsed().as_nanos() as f64);
        }
    }
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let (median, p99) = (at(0.5), at(0.99));
    eprintln!(
        "latency {name}: median {:.2} µs, p99 {:.2} µs ({} samples)",
        median / 1e3,
        p99 / 1e3,
        samples.len()
    );
    record(name, median, p99, samples.len());
    (median, p99)
}

fn record(name: &str, median_ns: f64, p99_ns: f64, samples: usize) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/hubdex-bench");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("latency.ndjson"))
    {
        let _ = writeln!(
            file,
            "{{\"name\":\"{name}\",\"hubs\":{},\"median_ns\":{median_ns:.0},\"p99_ns\":{p99_ns:.0},\"samples\":{samples}}}",
            hub_count()
        );
    }
}

/// Runs `f` on query `i` modulo the query count, for criterion's iteration closures.
pub struct Cycle(usize);

impl Cycle {
    pub fn new() -> Cycle {
        Cycle(0)
    }

    pub fn next(&mut self) -> usize {
        self.0 = (self.0 + 1) % QUERIES;
        black_box(self.0)
    }
}
