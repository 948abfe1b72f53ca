//! Events, health, ranked hubs, upcoming events and trending against brute-force oracles.
//!
//! The oracles recompute every figure from the input events with the formulas of
//! `hubdex::activity`, measure distances with [`hubdex::distance_m`] from stored coordinates,
//! and sort every candidate. Answers must match; where two candidates' scores differ by less
//! than what a centimetre of distance can change, they may trade places.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use hubdex::activity::{event_weight, HealthState, HALF_LIFE_DAYS, MEMBERS_WEIGHT};
use hubdex::generate::Generator;
use hubdex::h3o::{LatLng, Resolution};
use hubdex::{
    distance_m, AlignedBytes, Decay, Event, EventOrder, Filter, Hub, Ranked, Snapshot,
    SnapshotBuilder, Upcoming, Weights,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const AS_OF: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

struct World {
    hubs: Vec<Hub>,
    events: Vec<Event>,
    snapshot: Snapshot<AlignedBytes>,
}

/// Hubs around a few cities, with events from a year before `AS_OF` to 90 days after; some
/// hubs without events, some events at their own venue or with their own categories.
fn world(seed: u64, hub_count: usize, events_per_hub: usize) -> World {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let hubs = Generator::new(seed).top_cities(12).hubs(hub_count);
    let mut events = Vec::new();
    for hub in &hubs {
        if rng.random_bool(0.15) {
            continue;
        }
        let count = rng.random_range(0..=2 * events_per_hub);
        let dormant = rng.random_bool(0.2);
        for _ in 0..count {
            let latest = if dormant { -120 * DAY } else { 90 * DAY };
            let start = AS_OF + rng.random_range(-365 * DAY..latest);
            // Half the events start on a six-hour mark, so that many start together.
            let start = match rng.random_bool(0.5) {
                true => start - start.rem_euclid(6 * 3600),
                false => start,
            };
            let mut event = Event::new(
                events.len() as u64 * 7 + 3,
                hub.id,
                format!("Meetup {}", rng.random_range(0..20)),
                start,
            );
            event.ends_at = Some(start + rng.random_range(0..4 * 3600));
            event.rsvps = rng.random_range(0..60u32).pow(2) / 10;
            event.price_cents = if rng.random_bool(0.3) { 1500 } else { 0 };
            event.capacity = rng.random_bool(0.3).then_some(80);
            if rng.random_bool(0.1) {
                event.lat = Some(hub.lat + rng.random_range(-0.02..0.02));
                event.lon = Some(hub.lon + rng.random_range(-0.02..0.02));
            }
            if rng.random_bool(0.1) {
                event.categories = vec!["rust-meetup".to_string()];
            }
            events.push(event);
        }
    }
    let snapshot = Snapshot::from_bytes(builder(&hubs, &events).to_bytes().unwrap()).unwrap();
    snapshot.verify().unwrap();
    World {
        hubs,
        events,
        snapshot,
    }
}

fn builder(hubs: &[Hub], events: &[Event]) -> SnapshotBuilder {
    let mut builder = SnapshotBuilder::new();
    builder.as_of(AS_OF);
    for hub in hubs {
        builder.add_hub(hub.clone()).unwrap();
    }
    // Events before and after their hubs alike: the build joins them.
    for event in events {
        builder.add_event(event.clone()).unwrap();
    }
    builder
}

/// The oracle's health figures of one hub, from the formulas in `hubdex::activity`.
struct Figures {
    activity: f64,
    recent: f64,
    previous: f64,
    last_30: u16,
    last_90: u16,
    upcoming_90: u16,
    since_last: Option<i32>,
    activation: Option<i32>,
    median_gap: Option<f64>,
    state: HealthState,
}

fn figures(hub: &Hub, events: &[&Event]) -> Figures {
    let mut activity = MEMBERS_WEIGHT * (1.0 + f64::from(hub.members)).ln();
    let (mut recent, mut previous) = (0.0, 0.0);
    let mut held: Vec<i64> = Vec::new();
    let (mut last_30, mut last_90, mut upcoming_90) = (0, 0, 0);
    for event in events {
        let age = AS_OF - event.starts_at;
        let weight = 1.0 + (1.0 + f64::from(event.rsvps)).ln();
        if (-90 * DAY..=365 * DAY).contains(&age) {
            activity += weight * 0.5f64.powf(age.abs() as f64 / (HALF_LIFE_DAYS * DAY as f64));
        }
        if age >= 0 {
            held.push(event.starts_at);
            if age < 30 * DAY {
                recent += weight;
                last_30 += 1;
            } else if age < 60 * DAY {
                previous += weight;
            }
            if age < 90 * DAY {
                last_90 += 1;
            }
        } else if age >= -90 * DAY {
            upcoming_90 += 1;
        }
    }
    held.sort();
    let mut gaps: Vec<f64> = held
        .windows(2)
        .map(|w| (w[1] - w[0]) as f64 / DAY as f64)
        .collect();
    gaps.sort_by(f64::total_cmp);
    let median_gap = match gaps.len() {
        0 => None,
        n if n % 2 == 1 => Some(gaps[n / 2]),
        n => Some((gaps[n / 2 - 1] + gaps[n / 2]) / 2.0),
    };
    let state = if last_90 > 0 || upcoming_90 > 0 {
        HealthState::Active
    } else if hub.created_at.is_some_and(|c| AS_OF - c < 90 * DAY) {
        HealthState::New
    } else if !held.is_empty() {
        HealthState::Dormant
    } else {
        HealthState::NeverActivated
    };
    Figures {
        activity,
        recent,
        previous,
        last_30,
        last_90,
        upcoming_90,
        since_last: held
            .last()
            .map(|&last| ((AS_OF - last).div_euclid(DAY)) as i32),
        activation: match (hub.created_at, held.first()) {
            (Some(created), Some(&first)) => Some((first - created).div_euclid(DAY) as i32),
            _ => None,
        },
        median_gap,
        state,
    }
}

fn events_by_hub(world: &World) -> HashMap<u64, Vec<&Event>> {
    let mut by_hub: HashMap<u64, Vec<&Event>> = HashMap::new();
    for event in &world.events {
        by_hub.entry(event.hub_id).or_default().push(event);
    }
    by_hub
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn health_matches_the_formulas_for_every_hub() {
    let world = world(1, 1500, 8);
    let by_hub = events_by_hub(&world);
    let mut states = HashMap::new();
    for hub in &world.hubs {
        let events = by_hub.get(&hub.id).cloned().unwrap_or_default();
        let expected = figures(hub, &events);
        let health = world.snapshot.health(hub.id).expect("every hub has health");
        assert!(
            close(health.activity, expected.activity, 1e-6),
            "hub {}",
            hub.id
        );
        assert!(close(health.recent, expected.recent, 1e-6));
        assert!(close(health.previous, expected.previous, 1e-6));
        assert_eq!(health.events_last_30_days, expected.last_30);
        assert_eq!(health.events_last_90_days, expected.last_90);
        assert_eq!(health.upcoming_90_days, expected.upcoming_90);
        assert_eq!(health.days_since_last_event, expected.since_last);
        assert_eq!(health.activation_days, expected.activation);
        match (health.median_gap_days, expected.median_gap) {
            (Some(a), Some(b)) => assert!(close(a, b, 1e-6)),
            (a, b) => assert_eq!(a.is_some(), b.is_some()),
        }
        assert_eq!(health.state, expected.state, "hub {}", hub.id);
        *states.entry(health.state).or_insert(0) += 1;
        // The events of a hub come back by start, all of them.
        let stored = world.snapshot.events_of(hub.id).unwrap().unwrap();
        assert_eq!(stored.len(), events.len());
        assert!(stored
            .windows(2)
            .all(|w| (w[0].starts_at, w[0].id) < (w[1].starts_at, w[1].id)));
    }
    // The data exercises every state.
    assert_eq!(states.len(), 4, "{states:?}");
}

#[test]
fn event_fields_round_trip() {
    let world = world(2, 300, 5);
    let by_id: HashMap<u64, &Event> = world.events.iter().map(|e| (e.id, e)).collect();
    let hubs: HashMap<u64, &Hub> = world.hubs.iter().map(|h| (h.id, h)).collect();
    let mut seen = 0;
    for hub in &world.hubs {
        for stored in world.snapshot.events_of(hub.id).unwrap().unwrap() {
            let input = by_id[&stored.id];
            assert_eq!(stored.hub_id, input.hub_id);
            assert_eq!(stored.title, Some(input.title.as_str()));
            assert_eq!(stored.starts_at, input.starts_at);
            assert_eq!(stored.ends_at, input.ends_at.unwrap_or(input.starts_at));
            assert_eq!(stored.rsvps, input.rsvps);
            assert_eq!(stored.capacity, input.capacity);
            assert_eq!(stored.price_cents, input.price_cents);
            let (lat, lon) = match (input.lat, input.lon) {
                (Some(lat), Some(lon)) => (lat, lon),
                _ => (hubs[&input.hub_id].lat, hubs[&input.hub_id].lon),
            };
            assert!((stored.lat - lat).abs() < 1e-7 && (stored.lon - lon).abs() < 1e-7);
            let slugs: Vec<&str> = stored
                .categories
                .iter()
                .map(|c| {
                    world
                        .snapshot
                        .categories()
                        .find(|(category, _)| *category == c)
                        .unwrap()
                        .1
                })
                .collect();
            let expected: Vec<String> = if input.categories.is_empty() {
                hubs[&input.hub_id].categories.clone()
            } else {
                input.categories.clone()
            };
            let mut expected: Vec<&str> = expected.iter().map(String::as_str).collect();
            expected.sort();
            let mut slugs = slugs;
            slugs.sort();
            assert_eq!(slugs, expected);
            seen += 1;
        }
    }
    assert_eq!(seen, world.events.len());
}

/// `finish` frees the events while it fills the columns, a chunk at a time from the back;
/// the file must not change. (`to_bytes`, checked field by field above, is the oracle.)
#[test]
fn finish_writes_the_same_file_as_to_bytes() {
    let world = world(5, 400, 6);
    assert!(world.events.len() > 1000, "enough events for many chunks");
    let expected = builder(&world.hubs, &world.events).to_bytes().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("finished.hubdex");
    let len = builder(&world.hubs, &world.events).finish(&path).unwrap();
    let written = std::fs::read(&path).unwrap();
    assert_eq!(len, written.len() as u64);
    assert!(written == expected.as_ref(), "finish and to_bytes differ");
    let written = builder(&world.hubs, &world.events);
    let path = dir.path().join("written.hubdex");
    written.write(&path).unwrap();
    assert!(
        std::fs::read(&path).unwrap() == expected.as_ref(),
        "write and to_bytes differ"
    );

    // An event of a missing hub: an error, and no file left behind.
    let mut broken = builder(&world.hubs, &world.events);
    broken
        .add_event(Event::new(1, u64::MAX, "Orphan", AS_OF))
        .unwrap();
    let path = dir.path().join("broken.hubdex");
    assert!(broken.finish(&path).is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

/// Query points: city centres of the generated data, and random points near them.
fn points(world: &World, count: usize, seed: u64) -> Vec<(f64, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let hub = &world.hubs[rng.random_range(0..world.hubs.len())];
            (
                hub.lat + rng.random_range(-0.05..0.05),
                (hub.lon + rng.random_range(-0.05..0.05)).clamp(-180.0, 180.0),
            )
        })
        .collect()
}

/// The scores of two ranked lists agree position by position; ids agree except where the
/// oracle's scores are within `tie` of each other.
fn assert_same_ranking(found: &[(f64, u64)], oracle: &[(f64, u64)], tie: f64, what: &str) {
    assert_eq!(found.len(), oracle.len(), "{what}: lengths");
    for (i, (got, want)) in found.iter().zip(oracle).enumerate() {
        assert!(
            (got.0 - want.0).abs() <= tie,
            "{what}: rank {i} scores {} vs {}",
            got.0,
            want.0
        );
        if got.1 != want.1 {
            let near = oracle
                .iter()
                .any(|other| other.1 == got.1 && (other.0 - want.0).abs() <= tie);
            assert!(near, "{what}: rank {i} id {} vs {}", got.1, want.1);
        }
    }
}

#[test]
fn ranked_matches_scoring_every_hub() {
    let world = world(3, 2500, 6);
    let snapshot = &world.snapshot;
    let plain = Weights {
        distance: 1.0,
        activity: 0.8,
        members: 0.3,
        activity_pivot: 4.0,
        members_pivot: 60.0,
        ..Weights::default()
    };
    // Every other query also weighs how new a hub is.
    let fresh = Weights {
        freshness: 0.6,
        freshness_half_life_days: 200.0,
        ..plain
    };
    let decays = [
        Decay::gauss(3_000.0, 500.0, 0.5).unwrap(),
        Decay::exp(2_000.0, 0.0, 0.3).unwrap(),
        Decay::linear(8_000.0, 1_000.0, 0.2).unwrap(),
    ];
    // A centimetre changes a decay by at most this much for these scales.
    let tie = 1e-6;
    for (i, (lat, lon)) in points(&world, 60, 4).into_iter().enumerate() {
        let decay = decays[i % 3];
        let weights = [plain, fresh][i % 2];
        let radius = [2_000.0, 10_000.0, 25_000.0][i % 3];
        let min_members = [0, 0, 40][i % 3];
        let mut query = Ranked::new(lat, lon, radius)
            .k(15)
            .decay(decay)
            .weights(weights)
            .min_members(min_members);
        if i % 4 == 1 {
            query = query.states([HealthState::Active, HealthState::New]);
        }
        let page = snapshot.ranked(&query).unwrap();
        let mut oracle: Vec<(f64, u64)> = snapshot
            .iter()
            .filter(|hub| hub.members() >= min_members)
            .filter(|hub| {
                i % 4 != 1
                    || matches!(
                        snapshot.health(hub.id()).unwrap().state,
                        HealthState::Active | HealthState::New
                    )
            })
            .filter_map(|hub| {
                let d = distance_m(lat, lon, hub.lat(), hub.lon());
                (d <= radius).then(|| {
                    let a = snapshot.health(hub.id()).unwrap().activity;
                    let m = f64::from(hub.members());
                    // 2^(−age / half-life), by the days from creation to as_of.
                    let age_days = hub
                        .created_at()
                        .map(|c| (AS_OF - c).max(0) as f64 / 86_400.0);
                    let freshness = age_days.map_or(0.0, |age| {
                        weights.freshness * 0.5f64.powf(age / weights.freshness_half_life_days)
                    });
                    let score = weights.distance * decay.value(d)
                        + weights.activity * a / (a + weights.activity_pivot)
                        + weights.members * m / (m + weights.members_pivot)
                        + freshness;
                    (score, hub.id())
                })
            })
            .collect();
        oracle.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        oracle.truncate(15);
        let found: Vec<(f64, u64)> = page.hits.iter().map(|h| (h.score, h.id)).collect();
        assert_same_ranking(&found, &oracle, tie, &format!("query {i}"));
        for hit in &page.hits {
            let sum = hit.distance_term + hit.activity_term + hit.members_term + hit.freshness_term;
            assert!((sum - hit.score).abs() < 1e-12);
            if i % 2 == 0 {
                assert_eq!(hit.freshness_term, 0.0);
            }
        }
    }
}

#[test]
fn ranked_pages_concatenate_to_one_long_page() {
    let world = world(5, 2000, 5);
    let snapshot = &world.snapshot;
    for (lat, lon) in points(&world, 10, 6) {
        let query = Ranked::new(lat, lon, 15_000.0).filter(Filter::new());
        let whole = snapshot.ranked(&query.clone().k(60)).unwrap();
        let mut paged = Vec::new();
        let mut cursor = None;
        loop {
            let mut page_query = query.clone().k(7);
            if let Some(cursor) = cursor {
                page_query = page_query.after(cursor);
            }
            let page = snapshot.ranked(&page_query).unwrap();
            paged.extend(page.hits.iter().map(|h| h.id));
            cursor = page.next;
            if cursor.is_none() || paged.len() >= 60 {
                break;
            }
        }
        paged.truncate(60);
        let whole: Vec<u64> = whole.hits.iter().map(|h| h.id).collect();
        assert_eq!(paged, whole);
    }
}

/// Every event in the window and radius that the predicate keeps, with its venue distance.
fn event_oracle<'w>(
    world: &'w World,
    lat: f64,
    lon: f64,
    radius: f64,
    from: i64,
    to: i64,
    keep: &dyn Fn(&Event, &Hub) -> bool,
) -> Vec<(f64, &'w Event, &'w Hub)> {
    let hubs: HashMap<u64, &Hub> = world.hubs.iter().map(|h| (h.id, h)).collect();
    world
        .events
        .iter()
        .filter(|e| (from..=to).contains(&e.starts_at))
        .filter_map(|e| {
            let hub = hubs[&e.hub_id];
            let stored = |v: f64| (v * 1e7).round() / 1e7;
            let (vlat, vlon) = match (e.lat, e.lon) {
                (Some(a), Some(b)) => (stored(a), stored(b)),
                _ => (stored(hub.lat), stored(hub.lon)),
            };
            let d = distance_m(lat, lon, vlat, vlon);
            (d <= radius && keep(e, hub)).then_some((d, e, hub))
        })
        .collect()
}

#[test]
fn upcoming_by_start_matches_checking_every_event() {
    let world = world(7, 2500, 8);
    let snapshot = &world.snapshot;
    let rust = snapshot.category_set(&["rust-meetup", "running"]).unwrap();
    for (i, (lat, lon)) in points(&world, 60, 8).into_iter().enumerate() {
        // Windows inside, across and wholly before the coarse time buckets (30 days before
        // as_of to 90 after), and inside and across the fine ones (a day before to 4.3 after).
        let from = AS_OF + [0, -40 * DAY, 3 * DAY, -200 * DAY][i % 4];
        let to = from + [7 * DAY, 30 * DAY, 3600, 10 * DAY][i % 4];
        let radius = [5_000.0, 25_000.0][i % 2];
        let mut query = Upcoming::new(lat, lon, radius, from, to).limit(20);
        let free = i % 5 == 2;
        let categories = i % 4 == 3;
        let verified = i % 6 == 1;
        if free {
            query = query.free_only();
        }
        if categories {
            query = query.any_of(rust);
        }
        if verified {
            query = query.verified_only();
        }
        let page = snapshot.upcoming(&query).unwrap();
        let mut oracle = event_oracle(&world, lat, lon, radius, from, to, &|e, hub| {
            (!free || e.price_cents == 0)
                && (!verified || hub.verified)
                && (!categories || {
                    let own = if e.categories.is_empty() {
                        &hub.categories
                    } else {
                        &e.categories
                    };
                    own.iter().any(|c| c == "rust-meetup" || c == "running")
                })
        });
        // By start, then distance, then id.
        oracle.sort_by(|a, b| {
            (a.1.starts_at.cmp(&b.1.starts_at))
                .then(a.0.total_cmp(&b.0))
                .then(a.1.id.cmp(&b.1.id))
        });
        let expected: Vec<u64> = oracle.iter().take(20).map(|(_, e, _)| e.id).collect();
        let found: Vec<u64> = page.hits.iter().map(|h| h.id).collect();
        assert_eq!(found, expected, "query {i}");
        for (hit, (d, e, _)) in page.hits.iter().zip(&oracle) {
            assert_eq!(hit.starts_at, e.starts_at);
            assert!((hit.distance_m - d).abs() < 0.01);
        }
    }
}

#[test]
fn upcoming_by_relevance_matches_scoring_every_event() {
    let world = world(9, 2000, 8);
    let snapshot = &world.snapshot;
    let distance = Decay::gauss(5_000.0, 0.0, 0.5).unwrap();
    let time = Decay::exp(2.0 * DAY as f64, 0.0, 0.5).unwrap();
    let order = EventOrder::Relevance {
        distance,
        time,
        activity_weight: 0.5,
        activity_pivot: 5.0,
    };
    for (i, (lat, lon)) in points(&world, 40, 10).into_iter().enumerate() {
        let (from, to) = (AS_OF + i as i64 * 3600, AS_OF + 14 * DAY);
        let page = snapshot
            .upcoming(
                &Upcoming::new(lat, lon, 20_000.0, from, to)
                    .order(order)
                    .limit(12),
            )
            .unwrap();
        let mut oracle: Vec<(f64, u64)> =
            event_oracle(&world, lat, lon, 20_000.0, from, to, &|_, _| true)
                .into_iter()
                .map(|(d, e, hub)| {
                    let a = snapshot.health(hub.id).unwrap().activity;
                    let score = distance.value(d)
                        * time.value((e.starts_at - from) as f64)
                        * (0.5 + 0.5 * a / (a + 5.0));
                    (score, e.id)
                })
                .collect();
        oracle.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        oracle.truncate(12);
        let found: Vec<(f64, u64)> = page.hits.iter().map(|h| (h.score, h.id)).collect();
        assert_same_ranking(&found, &oracle, 1e-6, &format!("query {i}"));
    }
}

#[test]
fn upcoming_pages_concatenate_to_one_long_page() {
    let world = world(11, 1500, 8);
    let snapshot = &world.snapshot;
    for (lat, lon) in points(&world, 8, 12) {
        let query = Upcoming::new(lat, lon, 20_000.0, AS_OF - 30 * DAY, AS_OF + 30 * DAY);
        let whole = snapshot.upcoming(&query.clone().limit(50)).unwrap();
        let mut paged = Vec::new();
        let mut cursor = None;
        loop {
            let mut page_query = query.clone().limit(6);
            if let Some(cursor) = cursor {
                page_query = page_query.after(cursor);
            }
            let page = snapshot.upcoming(&page_query).unwrap();
            paged.extend(page.hits.iter().map(|h| h.id));
            cursor = page.next;
            if cursor.is_none() || paged.len() >= 50 {
                break;
            }
        }
        paged.truncate(50);
        assert_eq!(paged, whole.hits.iter().map(|h| h.id).collect::<Vec<_>>());
    }
}

#[test]
fn upcoming_events_starting_together_come_nearest_first() {
    // Every event starts on one of four hours, with ids in no relation to place: most pages
    // end among events that start together, and distance decides which enter.
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let hubs = Generator::new(21).top_cities(3).hubs(1500);
    let mut events = Vec::new();
    for hub in &hubs {
        for _ in 0..3 {
            let start = AS_OF + rng.random_range(0..4) * 3600;
            // Scrambled (an odd multiplier is a bijection modulo 2^40), so unique.
            let id = (events.len() as u64 * 0x9E37_79B9) % (1 << 40) + 1;
            let mut event = Event::new(id, hub.id, "Meetup", start);
            if rng.random_bool(0.2) {
                event.lat = Some(hub.lat + rng.random_range(-0.02..0.02));
                event.lon = Some(hub.lon + rng.random_range(-0.02..0.02));
            }
            events.push(event);
        }
    }
    let snapshot = Snapshot::from_bytes(builder(&hubs, &events).to_bytes().unwrap()).unwrap();
    let world = World {
        hubs,
        events,
        snapshot,
    };
    for (i, (lat, lon)) in points(&world, 40, 22).into_iter().enumerate() {
        // From on the hour and between hours.
        let from = AS_OF + [0, 1800, 3600, -DAY][i % 4];
        let radius = [25_000.0, 100_000.0, 3_000.0][i % 3];
        let limit = [5, 20, 60][i % 3];
        let query = Upcoming::new(lat, lon, radius, from, AS_OF + DAY).limit(limit);
        let page = world.snapshot.upcoming(&query).unwrap();
        let mut oracle = event_oracle(&world, lat, lon, radius, from, AS_OF + DAY, &|_, _| true);
        oracle.sort_by(|a, b| {
            (a.1.starts_at.cmp(&b.1.starts_at))
                .then(a.0.total_cmp(&b.0))
                .then(a.1.id.cmp(&b.1.id))
        });
        let expected: Vec<u64> = oracle.iter().take(limit).map(|(_, e, _)| e.id).collect();
        let found: Vec<u64> = page.hits.iter().map(|h| h.id).collect();
        assert_eq!(found, expected, "query {i}");
        // Pages of seven concatenate to the same list.
        let mut paged = Vec::new();
        let mut cursor = None;
        loop {
            let mut page_query = query.clone().limit(7);
            if let Some(cursor) = cursor {
                page_query = page_query.after(cursor);
            }
            let page = world.snapshot.upcoming(&page_query).unwrap();
            paged.extend(page.hits.iter().map(|h| h.id));
            cursor = page.next;
            if cursor.is_none() || paged.len() >= limit {
                break;
            }
        }
        paged.truncate(limit);
        assert_eq!(paged, expected, "pages of query {i}");
    }
}

#[test]
fn trending_and_region_health_match_grouping_every_hub() {
    let world = world(13, 3000, 8);
    let snapshot = &world.snapshot;
    for (lat, lon) in points(&world, 30, 14) {
        for resolution in [4u8, 6, 8] {
            let (cell, trends) = snapshot.trending_at(lat, lon, resolution, 10).unwrap();
            let res = Resolution::try_from(resolution).unwrap();
            let members: Vec<_> = snapshot
                .iter()
                .filter(|hub| LatLng::new(hub.lat(), hub.lon()).unwrap().to_cell(res) == cell)
                .collect();
            let mut oracle: Vec<(f64, u64)> = members
                .iter()
                .filter_map(|hub| {
                    let health = snapshot.health(hub.id()).unwrap();
                    (health.growth > 0.0).then_some((health.growth, hub.id()))
                })
                .collect();
            oracle.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            oracle.truncate(10);
            let found: Vec<(f64, u64)> = trends.iter().map(|t| (t.growth, t.id)).collect();
            assert_eq!(found, oracle, "cell {cell}");

            let (_, region) = snapshot.region_at(lat, lon, resolution).unwrap();
            match region {
                None => assert!(members.is_empty()),
                Some(region) => {
                    assert_eq!(region.hubs as usize, members.len());
                    let healths: Vec<_> = members
                        .iter()
                        .map(|h| snapshot.health(h.id()).unwrap())
                        .collect();
                    let active = healths
                        .iter()
                        .filter(|h| h.state == HealthState::Active)
                        .count();
                    assert_eq!(
                        region.active as usize,
                        active,
                        "cell {cell} hubs {}",
                        members.len()
                    );
                    let mut days: Vec<i32> =
                        healths.iter().filter_map(|h| h.activation_days).collect();
                    days.sort();
                    let median = match days.len() {
                        0 => None,
                        n if n % 2 == 1 => Some(f64::from(days[n / 2])),
                        n => Some((f64::from(days[n / 2 - 1]) + f64::from(days[n / 2])) / 2.0),
                    };
                    assert_eq!(region.median_activation_days, median);
                }
            }
        }
    }
    assert!(snapshot.trending_at(0.0, 0.0, 5, 10).is_err());
}

#[test]
fn event_weight_is_one_plus_log_rsvps() {
    assert_eq!(event_weight(0), 1.0);
    assert!((event_weight(9) - (1.0 + 10f64.ln())).abs() < 1e-12);
}
