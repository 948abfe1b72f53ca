//! Snapshots of every released format version still open, verify and answer correctly.
//!
//! `tests/data/format-v1.hubdex` was written by the first release (hubs only),
//! `format-v2.hubdex` by the release that added events, and `format-v3.hubdex` by the one
//! that added per-node corners and packed activity for ranked searches. To add a fixture for a new format
//! version, run `HUBDEX_WRITE_FIXTURE=1 cargo test --test compat` after bumping the version,
//! and keep the old files.

use std::path::PathBuf;

use hubdex::generate::{Generator, GENERATED_AS_OF};
use hubdex::{
    distance_m, Event, Nearest, Ranked, Snapshot, SnapshotBuilder, Upcoming, Weights, Within,
};

fn fixture(version: u32) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/format-v{version}.hubdex"))
}

/// The input every fixture was built from: 300 hubs around 30 cities, plus hubs at the poles
/// and on both sides of the antimeridian; from version 2 on, events too.
fn fixture_builder(version: u32) -> SnapshotBuilder {
    let mut builder = SnapshotBuilder::new();
    builder.as_of(GENERATED_AS_OF);
    let mut hubs = Generator::new(11).top_cities(30).hubs(300);
    for (i, (lat, lon)) in [
        (90.0, 0.0),
        (-90.0, 45.0),
        (0.5, 179.9999),
        (0.5, -179.9999),
    ]
    .into_iter()
    .enumerate()
    {
        hubs.push(hubdex::Hub::new(
            10_000 + i as u64,
            format!("Edge {i}"),
            lat,
            lon,
        ));
    }
    if version >= 2 {
        // Every third hub holds an event every 11 days, from 200 days before as_of to 40
        // after; every fifth event has its own venue.
        let mut id = 0;
        for hub in hubs.iter().step_by(3) {
            for day in (-200i64..40).step_by(11) {
                let mut event =
                    Event::new(id, hub.id, "Fixture meetup", GENERATED_AS_OF + day * 86_400);
                event.rsvps = (id % 37) as u32;
                if id % 5 == 0 {
                    event.lat = Some((hub.lat + 0.01).min(90.0));
                    event.lon = Some(hub.lon);
                }
                builder.add_event(event).expect("valid event");
                id += 1;
            }
        }
    }
    for hub in hubs {
        builder.add_hub(hub).expect("valid hub");
    }
    builder
}

const CURRENT_VERSION: u32 = 3;

#[test]
fn write_fixture_on_request() {
    if std::env::var_os("HUBDEX_WRITE_FIXTURE").is_some() {
        fixture_builder(CURRENT_VERSION)
            .write(fixture(CURRENT_VERSION))
            .expect("fixture written");
    }
}

#[test]
fn format_v1_opens_verifies_and_answers_like_brute_force() {
    let snapshot = Snapshot::open(fixture(1)).expect("the version 1 fixture opens");
    snapshot.verify().expect("the version 1 fixture verifies");
    assert_eq!(snapshot.hub_count(), 304);
    assert_eq!(snapshot.as_of(), GENERATED_AS_OF);

    for (lat, lon) in [(35.68, 139.69), (0.5, 180.0), (-89.0, 10.0), (40.71, -74.0)] {
        let hits = snapshot
            .nearest(&Nearest::new(lat, lon).k(5))
            .expect("query");
        let mut oracle: Vec<(f64, u64)> = snapshot
            .iter()
            .map(|hub| (distance_m(lat, lon, hub.lat(), hub.lon()), hub.id()))
            .collect();
        oracle.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (hit, (distance, _)) in hits.iter().zip(&oracle) {
            assert!((hit.distance_m - distance).abs() < 0.01, "({lat}, {lon})");
        }
        let within = snapshot
            .within(&Within::new(lat, lon, 50_000.0))
            .expect("query")
            .hits;
        let expected = oracle
            .iter()
            .filter(|(distance, _)| *distance <= 50_000.0)
            .count();
        assert_eq!(within.len(), expected, "({lat}, {lon})");
    }
}

#[test]
fn this_build_answers_the_fixture_input_like_the_fixture() {
    for version in 1..=CURRENT_VERSION {
        let stored = Snapshot::open(fixture(version)).expect("fixture");
        assert_eq!(stored.format_version(), version);
        let rebuilt = Snapshot::from_bytes(fixture_builder(version).to_bytes().expect("build"))
            .expect("open");
        for (lat, lon) in [(48.85, 2.35), (-33.87, 151.21), (90.0, 0.0)] {
            let query = Nearest::new(lat, lon).k(20);
            assert_eq!(
                stored.nearest(&query).expect("query"),
                rebuilt.nearest(&query).expect("query")
            );
        }
        assert_eq!(names(&stored), names(&rebuilt));
    }
}

#[test]
fn formats_with_events_hold_health_and_answer_like_a_fresh_build() {
    let rebuilt =
        Snapshot::from_bytes(fixture_builder(2).to_bytes().expect("build")).expect("open");
    for version in 2..=CURRENT_VERSION {
        let stored = Snapshot::open(fixture(version)).expect("the fixture opens");
        stored.verify().expect("the fixture verifies");
        assert_eq!(stored.event_count(), rebuilt.event_count());
        assert!(stored.event_count() > 0);
        for hub in rebuilt.iter() {
            assert_eq!(stored.health(hub.id()), rebuilt.health(hub.id()));
        }
        for (lat, lon) in [(48.85, 2.35), (35.68, 139.69)] {
            let from = GENERATED_AS_OF - 30 * 86_400;
            let upcoming = Upcoming::new(lat, lon, 50_000.0, from, from + 60 * 86_400);
            let (a, b) = (stored.upcoming(&upcoming), rebuilt.upcoming(&upcoming));
            assert_eq!(a.expect("query").hits, b.expect("query").hits);
            // Version 2 bounds its nodes by best activity and most members apart, version 3
            // by corners: the pages must not differ, whatever the weights.
            let weights = Weights {
                activity: 2.0,
                members: 3.0,
                members_pivot: 7.0,
                ..Weights::default()
            };
            for ranked in [
                Ranked::new(lat, lon, 50_000.0),
                Ranked::new(lat, lon, 50_000.0).k(5).min_members(50),
                Ranked::new(lat, lon, 200_000.0).weights(weights).k(40),
            ] {
                assert_eq!(
                    stored.ranked(&ranked).expect("query").hits,
                    rebuilt.ranked(&ranked).expect("query").hits,
                    "format {version} at ({lat}, {lon})"
                );
            }
        }
    }
}

#[test]
fn format_v1_has_no_events_and_ranks_by_distance_and_members_alone() {
    let stored = Snapshot::open(fixture(1)).expect("fixture");
    assert_eq!(stored.event_count(), 0);
    let any = stored.iter().next().expect("a hub");
    assert_eq!(stored.health(any.id()), None);
    let page = stored
        .ranked(&Ranked::new(48.85, 2.35, 50_000.0))
        .expect("query");
    assert!(page.hits.iter().all(|hit| hit.activity_term == 0.0));
    let events = stored
        .upcoming(&Upcoming::new(48.85, 2.35, 50_000.0, 0, i64::MAX))
        .expect("query");
    assert!(events.hits.is_empty());
}

/// Every hub's id and name, by id.
fn names<B: AsRef<[u8]>>(snapshot: &Snapshot<B>) -> Vec<(u64, String)> {
    let mut names: Vec<(u64, String)> = snapshot
        .iter()
        .map(|hub| (hub.id(), hub.name().expect("name").to_owned()))
        .collect();
    names.sort();
    names
}
