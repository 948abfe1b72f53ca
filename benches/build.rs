//! Building a snapshot of 1M hubs, opening it, and its size per hub.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use hubdex::generate::{Generator, GENERATED_AS_OF};
use hubdex::{Nearest, Snapshot, SnapshotBuilder};

fn build(c: &mut Criterion) {
    let hubs = Generator::new(42)
        .top_cities(common::CITIES)
        .hubs(common::hub_count());
    let mut builder = SnapshotBuilder::new();
    builder.as_of(GENERATED_AS_OF);
    for hub in &hubs {
        builder.add_hub(hub.clone()).unwrap();
    }

    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("validate_and_build_1m", |b| {
        b.iter(|| {
            let mut builder = SnapshotBuilder::new();
            builder.as_of(GENERATED_AS_OF);
            for hub in &hubs {
                builder.add_hub(hub.clone()).unwrap();
            }
            black_box(builder.to_bytes().unwrap())
        })
    });
    group.bench_function("build_1m", |b| {
        b.iter(|| black_box(builder.to_bytes().unwrap()))
    });
    group.finish();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.hubdex");
    builder.write(&path).unwrap();
    report_sizes(&Snapshot::open(&path).unwrap());

    let mut group = c.benchmark_group("open");
    group.bench_function("open_mmap", |b| {
        b.iter(|| black_box(Snapshot::open(&path).unwrap()))
    });
    group.bench_function("open_and_first_nearest10", |b| {
        b.iter(|| {
            let snapshot = Snapshot::open(&path).unwrap();
            black_box(snapshot.nearest(&Nearest::new(48.8566, 2.3522)).unwrap())
        })
    });
    group.sample_size(10);
    group.bench_function("verify", |b| {
        let snapshot = Snapshot::open(&path).unwrap();
        b.iter(|| snapshot.verify().unwrap())
    });
    group.finish();
}

/// Bytes per hub of each part of the file, printed for the README.
fn report_sizes<B: AsRef<[u8]>>(snapshot: &Snapshot<B>) {
    let n = snapshot.hub_count() as f64;
    let sizes = snapshot.section_sizes();
    let sum = |names: &[&str]| -> f64 {
        sizes
            .iter()
            .filter(|(name, _)| names.contains(name))
            .map(|(_, bytes)| *bytes as f64)
            .sum()
    };
    let tree = sum(&["points", "node-boxes", "node-categories", "node-flags"]);
    let cells = sum(&["cell-keys", "cell-hubs"]);
    let total = snapshot.bytes().len() as f64;
    eprintln!(
        "bytes per hub: kd-tree {:.2}, cell index {:.2}, spatial total {:.2}, whole file {:.2}",
        tree / n,
        cells / n,
        (tree + cells) / n,
        total / n
    );
}

criterion_group!(benches, build);
criterion_main!(benches);
