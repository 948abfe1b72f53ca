//! Nearest 10 through a `ShardSet` with every shard loaded, against the unsharded snapshot
//! of the same hubs, in the same run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{Cycle, Data};
use criterion::{criterion_group, criterion_main, Criterion};
use hubdex::h3o::Resolution;
use hubdex::shard::{manifest_path, Select, ShardScratch, ShardSet};
use hubdex::{Hub, Nearest, Scratch, SnapshotBuilder};

const K: usize = 10;

/// Shard resolutions measured: cells of about 12,000 km² (3) and 1,800 km² (4), the sizes
/// an edge node serving a metropolitan area or a region would load.
const RESOLUTIONS: [Resolution; 2] = [Resolution::Three, Resolution::Four];

fn shard_sets(hubs: &[Hub]) -> (tempfile::TempDir, Vec<(Resolution, ShardSet)>) {
    let mut builder = SnapshotBuilder::new();
    builder.as_of(hubdex::generate::GENERATED_AS_OF);
    for hub in hubs {
        builder.add_hub(hub.clone()).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let mut sets = Vec::new();
    for resolution in RESOLUTIONS {
        let start = Instant::now();
        let out = dir.path().join(format!("res{resolution}"));
        let manifest = builder.write_shards(&out, resolution).unwrap();
        let built = start.elapsed();
        let start = Instant::now();
        let set = ShardSet::open(manifest_path(&out), Select::all()).unwrap();
        eprintln!(
            "shards at resolution {resolution}: {} shards, {} to {} hubs each; write {:.2} s, open {:.1} ms",
            manifest.shards.len(),
            manifest.shards.iter().map(|s| s.hubs).min().unwrap_or(0),
            manifest.shards.iter().map(|s| s.hubs).max().unwrap_or(0),
            built.as_secs_f64(),
            start.elapsed().as_secs_f64() * 1e3,
        );
        sets.push((resolution, set));
    }
    (dir, sets)
}

fn nearest(c: &mut Criterion) {
    let Data {
        hubs,
        snapshot,
        queries,
        ..
    } = common::data();
    let (_dir, sets) = shard_sets(&hubs);
    drop(hubs);
    check_same_answers(&snapshot, &sets, &queries);

    let mut group = c.benchmark_group("shards_nearest10");
    let (mut scratch, mut hits) = (Scratch::new(), Vec::new());
    let (mut shard_scratch, mut shard_hits) = (ShardScratch::new(), Vec::new());
    let mut cycle = Cycle::new();
    group.bench_function("unsharded", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            snapshot
                .nearest_with(&Nearest::new(lat, lon).k(K), &mut scratch, &mut hits)
                .unwrap();
            black_box(&hits);
        })
    });
    for (resolution, set) in &sets {
        group.bench_function(format!("shardset_res{resolution}"), |b| {
            b.iter(|| {
                let (lat, lon) = queries[cycle.next()];
                set.nearest_with(
                    &Nearest::new(lat, lon).k(K),
                    &mut shard_scratch,
                    &mut shard_hits,
                )
                .unwrap();
                black_box(&shard_hits);
            })
        });
    }
    group.finish();

    common::percentiles("shards_nearest10/unsharded", 20, |i| {
        let (lat, lon) = queries[i];
        snapshot
            .nearest_with(&Nearest::new(lat, lon).k(K), &mut scratch, &mut hits)
            .unwrap();
        black_box(&hits);
    });
    for (resolution, set) in &sets {
        common::percentiles(
            &format!("shards_nearest10/shardset_res{resolution}"),
            20,
            |i| {
                let (lat, lon) = queries[i];
                set.nearest_with(
                    &Nearest::new(lat, lon).k(K),
                    &mut shard_scratch,
                    &mut shard_hits,
                )
                .unwrap();
                black_box(&shard_hits);
            },
        );
    }
}

/// The benchmark only means something if the answers agree: every query, id and distance.
fn check_same_answers<B: AsRef<[u8]>>(
    snapshot: &hubdex::Snapshot<B>,
    sets: &[(Resolution, ShardSet)],
    queries: &[(f64, f64)],
) {
    for (resolution, set) in sets {
        let mut shards_asked = 0usize;
        for &(lat, lon) in queries {
            let query = Nearest::new(lat, lon).k(K);
            let expected: Vec<(u64, f64)> = snapshot
                .nearest(&query)
                .unwrap()
                .iter()
                .map(|h| (h.id, h.distance_m))
                .collect();
            let found = set.nearest(&query).unwrap();
            let mut shards: Vec<u32> = found.iter().map(|hit| hit.shard).collect();
            shards.sort_unstable();
            shards.dedup();
            shards_asked += shards.len();
            let found: Vec<(u64, f64)> = found.iter().map(|h| (h.id, h.distance_m)).collect();
            assert_eq!(
                found, expected,
                "resolution {resolution}, query ({lat}, {lon})"
            );
        }
        eprintln!(
            "resolution {resolution}: all {} answers equal the unsharded snapshot's; hits come from {:.2} shards on average",
            queries.len(),
            shards_asked as f64 / queries.len() as f64
        );
    }
}

criterion_group!(benches, nearest);
criterion_main!(benches);
