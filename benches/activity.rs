//! Ranked hubs, upcoming events, trending and the build, on 1M hubs and 10M events, against
//! the baselines a user would otherwise write, measured in the same run:
//!
//! * ranked top-20 within 25 km against collecting every hub in the radius (hubdex's own
//!   unordered within), scoring each and sorting;
//! * upcoming events in the next 7 days within 25 km, first 20 by start, against a scan of
//!   the window's events (sorted by start) with a distance filter, and against an rstar tree
//!   of event points (envelope search, time and distance filter, sort);
//! * a trending lookup by point;
//! * the build of the snapshot itself.
//!
//! `HUBDEX_BENCH_HUBS` scales the data (events are ten per hub).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::Cycle;
use criterion::{criterion_group, criterion_main, Criterion};
use hubdex::generate::{Generator, GENERATED_AS_OF};
use hubdex::{
    distance_m, Event, Hit, Hub, Mmap, RankScratch, Ranked, RankedHit, Scratch, Snapshot,
    SnapshotBuilder, Upcoming, Weights, Within, EARTH_RADIUS_M,
};
use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

const RADIUS_M: f64 = 25_000.0;
const WEEK: i64 = 7 * 86_400;

struct World {
    hubs: Vec<Hub>,
    events: Vec<Event>,
}

fn world() -> World {
    let generator = Generator::new(42).top_cities(common::CITIES);
    let hubs = generator.hubs(common::hub_count());
    let events = generator.events(&hubs, hubs.len() * 10).collect();
    World { hubs, events }
}

fn builder(world: &World) -> SnapshotBuilder {
    let mut builder = SnapshotBuilder::new();
    builder.as_of(GENERATED_AS_OF);
    for hub in &world.hubs {
        builder.add_hub(hub.clone()).unwrap();
    }
    for event in &world.events {
        builder.add_event(event.clone()).unwrap();
    }
    builder
}

/// One event as the baselines keep it: `(start, lat, lon, id)`.
type Flat = (i64, f64, f64, u64);

fn flat_events<B: AsRef<[u8]>>(snapshot: &Snapshot<B>) -> Vec<Flat> {
    let mut flat: Vec<Flat> = (0..snapshot.event_count() as u32)
        .filter_map(|position| snapshot.event_at(position))
        .map(|e| (e.starts_at, e.lat, e.lon, e.id))
        .collect();
    flat.sort_by_key(|e| (e.0, e.3));
    flat
}

fn activity(c: &mut Criterion) {
    let started = Instant::now();
    let world = world();
    eprintln!(
        "generated {} hubs and {} events in {:.1} s",
        world.hubs.len(),
        world.events.len(),
        started.elapsed().as_secs_f64()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("activity.hubdex");
    let started = Instant::now();
    let bytes = builder(&world).write(&path).unwrap();
    eprintln!(
        "built {bytes} bytes in {:.1} s: {:.1} bytes an event beyond the hubs-only build",
        started.elapsed().as_secs_f64(),
        event_bytes(&world, bytes)
    );
    let snapshot: Snapshot<Mmap> = Snapshot::open(&path).unwrap();
    let generator = Generator::new(42).top_cities(common::CITIES);
    let queries = common::city_queries(&generator, common::QUERIES);

    ranked(c, &snapshot, &queries);
    upcoming(c, &snapshot, &queries);
    trending(c, &snapshot, &queries);

    let mut group = c.benchmark_group("activity_build");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60));
    group.bench_function("hubs_and_events", |b| {
        b.iter(|| black_box(builder(&world).to_bytes().unwrap().len()))
    });
    group.finish();
}

/// Snapshot bytes per event: the full build minus a build of the same hubs without events.
fn event_bytes(world: &World, with_events: u64) -> f64 {
    let mut hubs_only = SnapshotBuilder::new();
    hubs_only.as_of(GENERATED_AS_OF);
    for hub in &world.hubs {
        hubs_only.add_hub(hub.clone()).unwrap();
    }
    let without = hubs_only.to_bytes().unwrap().len() as f64;
    (with_events as f64 - without) / world.events.len() as f64
}

fn ranked(c: &mut Criterion, snapshot: &Snapshot<Mmap>, queries: &[(f64, f64)]) {
    let weights = Weights::default();
    let query = |lat, lon| Ranked::new(lat, lon, RADIUS_M).k(20);
    let (mut scratch, mut hits) = (RankScratch::new(), Vec::<RankedHit>::new());
    let (mut within_scratch, mut within_hits) = (Scratch::new(), Vec::<Hit>::new());
    let mut scored: Vec<(f64, u64)> = Vec::new();
    let mut baseline = |lat: f64, lon: f64, scored: &mut Vec<(f64, u64)>| {
        let decay = hubdex::Decay::gauss(RADIUS_M / 2.0, 0.0, 0.5).unwrap();
        snapshot
            .within_with(
                &Within::new(lat, lon, RADIUS_M).unordered(),
                &mut within_scratch,
                &mut within_hits,
            )
            .unwrap();
        scored.clear();
        for hit in &within_hits {
            let members = snapshot.hub_at(hit.position).map_or(0, |h| h.members());
            let activity = snapshot.health_at(hit.position).map_or(0.0, |h| h.activity);
            let terms = [
                weights.distance * decay.value(hit.distance_m),
                weights.activity * activity / (activity + weights.activity_pivot),
                weights.members * f64::from(members) / (f64::from(members) + weights.members_pivot),
            ];
            scored.push((terms[0] + terms[1] + terms[2], hit.id));
        }
        scored.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(20);
    };
    // The two agree before anything is timed.
    for &(lat, lon) in queries.iter().take(64) {
        snapshot
            .ranked_with(&query(lat, lon), &mut scratch, &mut hits)
            .unwrap();
        baseline(lat, lon, &mut scored);
        let ours: Vec<u64> = hits.iter().map(|h| h.id).collect();
        let theirs: Vec<u64> = scored.iter().map(|s| s.1).collect();
        assert_eq!(
            ours, theirs,
            "ranked disagrees with its baseline at ({lat}, {lon})"
        );
    }

    let mut group = c.benchmark_group("ranked25km");
    let mut cycle = Cycle::new();
    group.bench_function("hubdex_top20", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            snapshot
                .ranked_with(&query(lat, lon), &mut scratch, &mut hits)
                .unwrap();
            black_box(&hits);
        })
    });
    group.bench_function("collect_score_sort", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            baseline(lat, lon, &mut scored);
            black_box(&scored);
        })
    });
    group.finish();
    common::percentiles("ranked25km/hubdex_top20", 5, |i| {
        let (lat, lon) = queries[i];
        snapshot
            .ranked_with(&query(lat, lon), &mut scratch, &mut hits)
            .unwrap();
        black_box(&hits);
    });
    common::percentiles("ranked25km/collect_score_sort", 1, |i| {
        let (lat, lon) = queries[i];
        baseline(lat, lon, &mut scored);
        black_box(&scored);
    });
}

/// Start, distance and id: the order of upcoming events by start.
type Found = (i64, f64, u64);

/// Sorts by start, then distance, then id, and keeps the first 20.
fn first_20(found: &mut Vec<Found>) {
    found.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
    found.truncate(20);
}

/// The events within the radius among the window's, scanned in start order up to the 20th
/// and the others starting with it (which go by distance).
fn scan_window(flat: &[Flat], lat: f64, lon: f64, from: i64, to: i64, out: &mut Vec<Found>) {
    out.clear();
    let first = flat.partition_point(|e| e.0 < from);
    for event in &flat[first..] {
        if event.0 > to || (out.len() >= 20 && out.last().is_some_and(|last| event.0 > last.0)) {
            break;
        }
        let d = distance_m(lat, lon, event.1, event.2);
        if d <= RADIUS_M {
            out.push((event.0, d, event.3));
        }
    }
    first_20(out);
}

type EventTree = RTree<GeomWithData<[f64; 2], u32>>;

/// rstar's events in the box around the circle, kept if in the window and the radius, then
/// sorted by start and distance.
fn rstar_events(
    tree: &EventTree,
    flat: &[Flat],
    (lat, lon, from, to): (f64, f64, i64, i64),
    found: &mut Vec<Found>,
) {
    found.clear();
    let dlat = (RADIUS_M / EARTH_RADIUS_M).to_degrees();
    let dlon = dlat / lat.to_radians().cos().max(1e-6);
    let envelope = AABB::from_corners([lon - dlon, lat - dlat], [lon + dlon, lat + dlat]);
    for point in tree.locate_in_envelope(&envelope) {
        let event = &flat[point.data as usize];
        if (from..=to).contains(&event.0) {
            let d = distance_m(lat, lon, event.1, event.2);
            if d <= RADIUS_M {
                found.push((event.0, d, event.3));
            }
        }
    }
    first_20(found);
}

fn upcoming(c: &mut Criterion, snapshot: &Snapshot<Mmap>, queries: &[(f64, f64)]) {
    let flat = flat_events(snapshot);
    let tree: EventTree = RTree::bulk_load(
        flat.iter()
            .enumerate()
            .map(|(i, e)| GeomWithData::new([e.2, e.1], i as u32))
            .collect(),
    );
    let (from, to) = (GENERATED_AS_OF, GENERATED_AS_OF + WEEK);
    let query = |lat, lon| Upcoming::new(lat, lon, RADIUS_M, from, to).limit(20);
    let (mut scratch, mut hits) = (RankScratch::new(), Vec::new());
    let mut scanned = Vec::new();
    let mut found = Vec::new();
    let mut in_window = 0usize;
    for &(lat, lon) in queries.iter().take(64) {
        snapshot
            .upcoming_with(&query(lat, lon), &mut scratch, &mut hits)
            .unwrap();
        scan_window(&flat, lat, lon, from, to, &mut scanned);
        rstar_events(&tree, &flat, (lat, lon, from, to), &mut found);
        let ours: Vec<u64> = hits.iter().map(|h| h.id).collect();
        let scan: Vec<u64> = scanned.iter().map(|f| f.2).collect();
        assert_eq!(
            ours, scan,
            "upcoming disagrees with the scan at ({lat}, {lon})"
        );
        let theirs: Vec<u64> = found.iter().map(|f| f.2).collect();
        assert_eq!(
            ours, theirs,
            "upcoming disagrees with rstar at ({lat}, {lon})"
        );
        in_window += hits.len();
    }
    eprintln!(
        "upcoming: {:.1} events a query on average",
        in_window as f64 / 64.0
    );

    let mut group = c.benchmark_group("upcoming7d25km");
    let mut cycle = Cycle::new();
    group.bench_function("hubdex_first20", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            snapshot
                .upcoming_with(&query(lat, lon), &mut scratch, &mut hits)
                .unwrap();
            black_box(&hits);
        })
    });
    group.sample_size(10);
    group.bench_function("scan_window", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            scan_window(&flat, lat, lon, from, to, &mut scanned);
            black_box(&scanned);
        })
    });
    group.bench_function("rstar_events_time_filter", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            rstar_events(&tree, &flat, (lat, lon, from, to), &mut found);
            black_box(&found);
        })
    });
    group.finish();
    common::percentiles("upcoming7d25km/hubdex_first20", 5, |i| {
        let (lat, lon) = queries[i];
        snapshot
            .upcoming_with(&query(lat, lon), &mut scratch, &mut hits)
            .unwrap();
        black_box(&hits);
    });
    common::percentiles("upcoming7d25km/scan_window", 1, |i| {
        let (lat, lon) = queries[i];
        scan_window(&flat, lat, lon, from, to, &mut scanned);
        black_box(&scanned);
    });
    common::percentiles("upcoming7d25km/rstar_events_time_filter", 1, |i| {
        let (lat, lon) = queries[i];
        rstar_events(&tree, &flat, (lat, lon, from, to), &mut found);
        black_box(&found);
    });
}

fn trending(c: &mut Criterion, snapshot: &Snapshot<Mmap>, queries: &[(f64, f64)]) {
    let mut trends = Vec::new();
    let mut group = c.benchmark_group("trending");
    let mut cycle = Cycle::new();
    group.bench_function("by_point_res6_top10", |b| {
        b.iter(|| {
            let (lat, lon) = queries[cycle.next()];
            let (cell, found) = snapshot.trending_at(lat, lon, 6, 10).unwrap();
            black_box((cell, found));
        })
    });
    group.bench_function("by_cell_top10", |b| {
        let cells: Vec<_> = queries
            .iter()
            .map(|&(lat, lon)| snapshot.region_at(lat, lon, 6).unwrap().0)
            .collect();
        b.iter(|| {
            snapshot.trending_with(cells[cycle.next()], 10, &mut trends);
            black_box(&trends);
        })
    });
    group.finish();
    common::percentiles("trending/by_point_res6_top10", 5, |i| {
        let (lat, lon) = queries[i];
        black_box(snapshot.trending_at(lat, lon, 6, 10).unwrap());
    });
}

criterion_group!(benches, activity);
criterion_main!(benches);
