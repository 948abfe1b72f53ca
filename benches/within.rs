//! Hubs within 10 km of city centres: hubdex against rstar's envelope search with an exact
//! distance filter.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hint::black_box;

use common::{Cycle, Data};
use criterion::{criterion_group, criterion_main, Criterion};
use hubdex::{distance_m, Hit, Scratch, Within, EARTH_RADIUS_M};
use rstar::AABB;

const RADIUS_M: f64 = 10_000.0;

fn within(c: &mut Criterion) {
    let Data {
        snapshot, queries, ..
    } = common::data();
    let tree = common::planar_tree(&snapshot);
    let stored = common::stored(&snapshot);
    let mean_hits: f64 = queries
        .iter()
        .map(|&(lat, lon)| {
            snapshot
                .within(&Within::new(lat, lon, RADIUS_M))
                .unwrap()
                .hits
                .len() as f64
        })
        .sum::<f64>()
        / queries.len() as f64;
    eprintln!("within 10 km: {mean_hits:.0} hits on average");

    let mut group = c.benchmark_group("within10km");
    let (mut scratch, mut hits) = (Scratch::new(), Vec::new());
    let mut out = Vec::new();
    let mut cycle = Cycle::new();
    group.bench_function("hubdex_sorted", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            snapshot
                .within_with(&Within::new(lat, lon, RADIUS_M), &mut scratch, &mut hits)
                .unwrap();
            black_box(&hits);
        })
    });
    group.bench_function("hubdex_unordered", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            let query = Within::new(lat, lon, RADIUS_M).unordered();
            snapshot
                .within_with(&query, &mut scratch, &mut hits)
                .unwrap();
            black_box(&hits);
        })
    });
    group.bench_function("rstar_envelope_filter", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            envelope_filter(&tree, &stored, lat, lon, &mut out);
            black_box(&out);
        })
    });
    group.bench_function("rstar_envelope_filter_sorted", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            envelope_filter(&tree, &stored, lat, lon, &mut out);
            out.sort_unstable_by(|a, b| {
                a.distance_m.total_cmp(&b.distance_m).then(a.id.cmp(&b.id))
            });
            black_box(&out);
        })
    });
    group.finish();

    common::percentiles("within10km/hubdex_sorted", 5, |i| {
        let (lat, lon) = queries[i];
        snapshot
            .within_with(&Within::new(lat, lon, RADIUS_M), &mut scratch, &mut hits)
            .unwrap();
        black_box(&hits);
    });
    common::percentiles("within10km/hubdex_unordered", 5, |i| {
        let (lat, lon) = queries[i];
        let query = Within::new(lat, lon, RADIUS_M).unordered();
        snapshot
            .within_with(&query, &mut scratch, &mut hits)
            .unwrap();
        black_box(&hits);
    });
    common::percentiles("within10km/rstar_envelope_filter", 5, |i| {
        let (lat, lon) = queries[i];
        envelope_filter(&tree, &stored, lat, lon, &mut out);
        black_box(&out);
    });
    common::percentiles("within10km/rstar_envelope_filter_sorted", 5, |i| {
        let (lat, lon) = queries[i];
        envelope_filter(&tree, &stored, lat, lon, &mut out);
        out.sort_unstable_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then(a.id.cmp(&b.id)));
        black_box(&out);
    });
}

/// rstar's hits in the lat/lon box around the circle, kept if truly within the radius. Boxes
/// crossing the antimeridian or a pole are split or widened, as a careful user would.
fn envelope_filter(
    tree: &common::PlanarTree,
    stored: &[(f64, f64, u64, u32)],
    lat: f64,
    lon: f64,
    out: &mut Vec<Hit>,
) {
    out.clear();
    let dlat = (RADIUS_M / EARTH_RADIUS_M).to_degrees();
    let (south, north) = (lat - dlat, lat + dlat);
    let dlon = if south <= -90.0 || north >= 90.0 {
        180.0
    } else {
        dlat / lat
            .to_radians()
            .cos()
            .max(north.to_radians().cos().min(south.to_radians().cos()))
    };
    let dlon = dlon.min(180.0);
    let mut search = |west: f64, east: f64| {
        let envelope = AABB::from_corners([west, south.max(-90.0)], [east, north.min(90.0)]);
        for point in tree.locate_in_envelope(&envelope) {
            let (hub_lat, hub_lon, id, position) = stored[point.data as usize];
            let distance_m = distance_m(lat, lon, hub_lat, hub_lon);
            if distance_m <= RADIUS_M {
                out.push(Hit {
                    position,
                    id,
                    distance_m,
                });
            }
        }
    };
    let (west, east) = (lon - dlon, lon + dlon);
    search(west.max(-180.0), east.min(180.0));
    if west < -180.0 {
        search(west + 360.0, 180.0);
    }
    if east > 180.0 {
        search(-180.0, east - 360.0);
    }
}

criterion_group!(benches, within);
criterion_main!(benches);
