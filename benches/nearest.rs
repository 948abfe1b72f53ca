//! Nearest 10 hubs near city centres: hubdex against rstar's planar search and brute force.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hint::black_box;

use common::{Cycle, Data};
use criterion::{criterion_group, criterion_main, Criterion};
use hubdex::{distance_m, Nearest, Scratch};

const K: usize = 10;

fn nearest(c: &mut Criterion) {
    let Data {
        snapshot, queries, ..
    } = common::data();
    let tree = common::planar_tree(&snapshot);
    let stored = common::stored(&snapshot);
    report_planar_errors(&snapshot, &tree, &queries);

    let mut group = c.benchmark_group("nearest10");
    let (mut scratch, mut hits) = (Scratch::new(), Vec::new());
    let mut cycle = Cycle::new();
    group.bench_function("hubdex", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            snapshot
                .nearest_with(&Nearest::new(lat, lon).k(K), &mut scratch, &mut hits)
                .unwrap();
            black_box(&hits);
        })
    });
    group.bench_function("rstar_planar", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            black_box(planar_nearest(&tree, &stored, lat, lon));
        })
    });
    group.sample_size(10);
    group.bench_function("brute_force", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            black_box(brute_force(&stored, lat, lon));
        })
    });
    group.finish();

    common::percentiles("nearest10/hubdex", 20, |i| {
        let (lat, lon) = queries[i];
        snapshot
            .nearest_with(&Nearest::new(lat, lon).k(K), &mut scratch, &mut hits)
            .unwrap();
        black_box(&hits);
    });
    common::percentiles("nearest10/rstar_planar", 20, |i| {
        let (lat, lon) = queries[i];
        black_box(planar_nearest(&tree, &stored, lat, lon));
    });
}

/// rstar's planar 10 nearest in degrees, with the great-circle distance a caller would show.
fn planar_nearest(
    tree: &common::PlanarTree,
    stored: &[(f64, f64, u64, u32)],
    lat: f64,
    lon: f64,
) -> [(u32, f64); K] {
    let mut out = [(0, 0.0); K];
    for (slot, point) in out.iter_mut().zip(tree.nearest_neighbor_iter(&[lon, lat])) {
        let (hub_lat, hub_lon, _, position) = stored[point.data as usize];
        *slot = (position, distance_m(lat, lon, hub_lat, hub_lon));
    }
    out
}

/// Every hub's great-circle distance, then the 10 smallest.
fn brute_force(stored: &[(f64, f64, u64, u32)], lat: f64, lon: f64) -> Vec<(f64, u64)> {
    let mut all: Vec<(f64, u64)> = stored
        .iter()
        .map(|&(a, b, id, _)| (distance_m(lat, lon, a, b), id))
        .collect();
    all.select_nth_unstable_by(K, |x, y| x.partial_cmp(y).unwrap());
    all.truncate(K);
    all.sort_by(|x, y| x.partial_cmp(y).unwrap());
    all
}

/// How often the planar answer differs from the exact one, printed for the README.
fn report_planar_errors<B: AsRef<[u8]>>(
    snapshot: &hubdex::Snapshot<B>,
    tree: &common::PlanarTree,
    queries: &[(f64, f64)],
) {
    let stored = common::stored(snapshot);
    let (mut wrong, mut total) = (0usize, 0usize);
    for &(lat, lon) in queries.iter().take(512) {
        let exact: Vec<u32> = snapshot
            .nearest(&Nearest::new(lat, lon).k(K))
            .unwrap()
            .iter()
            .map(|h| h.position)
            .collect();
        let planar = planar_nearest(tree, &stored, lat, lon);
        wrong += planar
            .iter()
            .filter(|(position, _)| !exact.contains(position))
            .count();
        total += K;
    }
    eprintln!(
        "rstar planar nearest-10: {wrong} of {total} hits ({:.1}%) are not among the true 10 nearest",
        100.0 * wrong as f64 / total as f64
    );
}

criterion_group!(benches, nearest);
criterion_main!(benches);
