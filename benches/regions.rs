//! City-sized polygons and hex aggregates of city viewports, against what a user would write
//! instead, in the same run:
//!
//! * hubs in a polygon (an irregular 48-gon about 25 km across around a city) against
//!   testing every hub in the polygon's bounding box (rstar's envelope search over lon/lat,
//!   then `geo`'s exact point-in-polygon test);
//! * hexbins of a 20 km × 20 km viewport at resolutions 7 and 8 against grouping every hub of
//!   the viewport (rstar's envelope search) by its H3 cell, with the snapshot's health.
//!
//! hubdex's times include preparing the area (its H3 cover), as a request would.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::hint::black_box;

use common::Data;
use criterion::{criterion_group, criterion_main, Criterion};
use geo::{BoundingRect, Coord, Intersects, LineString, Polygon};
use hubdex::activity::HealthState;
use hubdex::h3o::{LatLng, Resolution};
use hubdex::{Area, Filter};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rstar::AABB;

/// Distinct polygons and viewports each benchmark cycles through.
const SHAPES: usize = 256;
/// Half the viewport's side, metres.
const HALF_VIEW_M: f64 = 10_000.0;

fn polygons(queries: &[(f64, f64)]) -> Vec<Polygon<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    (0..SHAPES)
        .map(|i| {
            let (lat, lon) = queries[i * 7 % queries.len()];
            let n = 48;
            let ring = (0..n).map(|j| {
                let angle = j as f64 / n as f64 * std::f64::consts::TAU;
                let r = 0.11 * rng.random_range(0.6..1.0);
                Coord {
                    x: lon + r * angle.cos() / lat.to_radians().cos(),
                    y: lat + r * angle.sin(),
                }
            });
            Polygon::new(LineString(ring.collect()), vec![])
        })
        .collect()
}

fn viewports(queries: &[(f64, f64)]) -> Vec<[f64; 4]> {
    let half_lat = HALF_VIEW_M / 111_195.0;
    (0..SHAPES)
        .map(|i| {
            let (lat, lon) = queries[i * 7 % queries.len()];
            let half_lon = half_lat / lat.to_radians().cos();
            [
                lon - half_lon,
                lat - half_lat,
                lon + half_lon,
                lat + half_lat,
            ]
        })
        .collect()
}

fn regions(c: &mut Criterion) {
    let Data {
        snapshot, queries, ..
    } = common::data();
    let tree = common::planar_tree(&snapshot);
    let polygons = polygons(&queries);
    let mean: f64 = polygons
        .iter()
        .map(|p| {
            let area = Area::new(p.clone()).unwrap();
            snapshot.hubs_in_area(&area, &Filter::new()).unwrap().len() as f64
        })
        .sum::<f64>()
        / SHAPES as f64;
    eprintln!("polygons: {mean:.0} hubs inside on average");

    let mut positions = Vec::new();
    let hubdex_polygon = |i: usize, positions: &mut Vec<u32>| {
        let area = Area::new(polygons[i % SHAPES].clone()).unwrap();
        snapshot
            .hubs_in_area_with(&area, &Filter::new(), positions)
            .unwrap();
        black_box(positions.len());
    };
    let bbox_scan = |i: usize, positions: &mut Vec<u32>| {
        let polygon = &polygons[i % SHAPES];
        let rect = polygon.bounding_rect().unwrap();
        let envelope =
            AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        positions.clear();
        for point in tree.locate_in_envelope(&envelope) {
            let [x, y] = *point.geom();
            if polygon.intersects(&Coord { x, y }) {
                positions.push(point.data);
            }
        }
        black_box(positions.len());
    };
    let mut group = c.benchmark_group("polygon");
    let mut i = 0;
    group.bench_function("hubdex", |b| {
        b.iter(|| {
            i += 1;
            hubdex_polygon(i, &mut positions)
        })
    });
    group.bench_function("bbox_scan_exact", |b| {
        b.iter(|| {
            i += 1;
            bbox_scan(i, &mut positions)
        })
    });
    group.finish();
    common::percentiles("polygon/hubdex", 2, |i| hubdex_polygon(i, &mut positions));
    common::percentiles("polygon/bbox_scan_exact", 1, |i| {
        bbox_scan(i, &mut positions)
    });

    let viewports = viewports(&queries);
    let health: Vec<(f64, bool, u32)> = (0..snapshot.hub_count() as u32)
        .map(|p| {
            let h = snapshot.health_at(p).unwrap();
            (
                h.activity,
                h.state == HealthState::Active,
                u32::from(h.upcoming_90_days),
            )
        })
        .collect();
    for res in [Resolution::Seven, Resolution::Eight] {
        let name = format!("hexbins_res{}", u8::from(res));
        let hubdex_bins = |i: usize| {
            let [w, s, e, n] = viewports[i % SHAPES];
            let area = Area::from_bbox(w, s, e, n).unwrap();
            black_box(snapshot.hexbins(&area, res, 100_000).unwrap().len());
        };
        let group_scan = |i: usize| {
            let [w, s, e, n] = viewports[i % SHAPES];
            let envelope = AABB::from_corners([w, s], [e, n]);
            let mut bins: HashMap<u64, (u32, u32, u32, f64)> = HashMap::new();
            for point in tree.locate_in_envelope(&envelope) {
                let [lon, lat] = *point.geom();
                let cell = LatLng::new(lat, lon).unwrap().to_cell(res);
                let (activity, active, upcoming) = health[point.data as usize];
                let bin = bins.entry(u64::from(cell)).or_default();
                *bin = (
                    bin.0 + 1,
                    bin.1 + u32::from(active),
                    bin.2 + upcoming,
                    bin.3 + activity,
                );
            }
            black_box(bins.len());
        };
        hubdex_bins(0); // the running sums are made on first use
        let mut group = c.benchmark_group(&name);
        let mut i = 0;
        group.bench_function("hubdex", |b| {
            b.iter(|| {
                i += 1;
                hubdex_bins(i)
            })
        });
        group.bench_function("envelope_group_by_cell", |b| {
            b.iter(|| {
                i += 1;
                group_scan(i)
            })
        });
        group.finish();
        common::percentiles(&format!("{name}/hubdex"), 2, hubdex_bins);
        common::percentiles(&format!("{name}/envelope_group_by_cell"), 1, group_scan);
    }
}

criterion_group!(benches, regions);
criterion_main!(benches);
