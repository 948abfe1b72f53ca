//! Every query against a brute-force oracle (DESIGN §3).
//!
//! The oracle measures every hub of the snapshot with [`hubdex::distance_m`] (Vincenty's form,
//! well conditioned at every angle) from its stored coordinates and sorts by (distance, id).
//! Answers must hold the same hubs in the same order, except that hubs whose distances differ
//! by under a centimetre may trade places, and a hub within a centimetre of a radius may fall
//! on either side of it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashMap, HashSet};

use hubdex::generate::{Generator, CATEGORIES};
use hubdex::h3o::{CellIndex, LatLng, Resolution};
use hubdex::{
    distance_m, AlignedBytes, CategorySet, Cursor, Filter, Hit, Hub, HubFlags, HubRef, Nearest,
    QueryError, Scratch, Snapshot, SnapshotBuilder, Within, EARTH_RADIUS_M,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The exactness tolerance: one centimetre.
const CM: f64 = 0.01;

/// `as_of` of every snapshot built here, so that builds are reproducible.
const AS_OF: i64 = 1_767_225_600;

/// Half the circumference: the distance to the antipode.
const HALF_TURN_M: f64 = std::f64::consts::PI * EARTH_RADIUS_M;

type Snap = Snapshot<AlignedBytes>;

/// (oracle distance in metres, id), sorted by distance then id.
type Oracle = Vec<(f64, u64)>;

// ---------------------------------------------------------------------------------------------
// The oracle and the exactness rule
// ---------------------------------------------------------------------------------------------

/// Every hub the predicate keeps, measured from `(lat, lon)` and sorted by (distance, id).
fn oracle<B: AsRef<[u8]>>(
    snapshot: &Snapshot<B>,
    lat: f64,
    lon: f64,
    keep: &dyn Fn(&HubRef<'_>) -> bool,
) -> Oracle {
    let mut measured: Oracle = snapshot
        .iter()
        .filter(|hub| keep(hub))
        .map(|hub| (distance_m(lat, lon, hub.lat(), hub.lon()), hub.id()))
        .collect();
    measured.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    measured
}

fn keep_all(_: &HubRef<'_>) -> bool {
    true
}

/// The exactness rule of DESIGN §3 for the first `k` entries of `oracle`.
fn assert_matches(got: &[Hit], oracle: &[(f64, u64)], k: usize, context: &str) {
    let k = k.min(oracle.len());
    assert_eq!(got.len(), k, "{context}: number of hits");
    if k == 0 {
        return;
    }
    let boundary = oracle[k - 1].0;

    // Only hubs up to the boundary plus 2 cm can be valid hits: a hit reported within 1 cm of
    // the boundary (checked first) whose true distance is farther fails the rule anyway.
    let reach = oracle.partition_point(|entry| entry.0 <= boundary + 2.0 * CM);
    let distance_of: HashMap<u64, f64> = oracle[..reach].iter().map(|&(d, id)| (id, d)).collect();

    for (i, hit) in got.iter().enumerate() {
        let (want, want_id) = oracle[i];
        assert!(
            (hit.distance_m - want).abs() < CM,
            "{context}: hit {i} is id {} at {} m; the oracle's hit {i} is id {want_id} at {want} m",
            hit.id,
            hit.distance_m
        );
        let own = distance_of.get(&hit.id).unwrap_or_else(|| {
            panic!(
                "{context}: hit {i}, id {}, is not a hub the oracle would return near that rank",
                hit.id
            )
        });
        assert!(
            (hit.distance_m - own).abs() < CM,
            "{context}: id {} reported at {} m, the oracle measures {own} m",
            hit.id,
            hit.distance_m
        );
    }

    let got_ids: HashSet<u64> = got.iter().map(|hit| hit.id).collect();
    assert_eq!(
        got_ids.len(),
        got.len(),
        "{context}: an id is returned twice"
    );

    for &(d, id) in oracle.iter().take_while(|entry| entry.0 < boundary - CM) {
        assert!(
            got_ids.contains(&id),
            "{context}: id {id} at {d} m is missing (the {k}th hub is at {boundary} m)"
        );
    }
    let prefix: HashSet<u64> = oracle[..k].iter().map(|entry| entry.1).collect();
    for hit in got.iter().filter(|hit| !prefix.contains(&hit.id)) {
        let d = distance_of[&hit.id];
        assert!(
            (d - boundary).abs() < CM,
            "{context}: id {} at {d} m replaces a hub of the oracle's first {k}, whose last is at \
             {boundary} m",
            hit.id
        );
    }

    for (i, pair) in got.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            b.distance_m >= a.distance_m - 1e-9,
            "{context}: hit {} (id {}, {} m) after hit {i} (id {}, {} m)",
            i + 1,
            b.id,
            b.distance_m,
            a.id,
            a.distance_m
        );
    }
}

/// Checks one answer of a nearest or within query: at most `k` hits and, with a radius, only
/// hubs within it (those within 1 cm of it may fall on either side).
fn check_hits<B: AsRef<[u8]>>(
    snapshot: &Snapshot<B>,
    got: &[Hit],
    oracle: &[(f64, u64)],
    k: usize,
    radius_m: Option<f64>,
    context: &str,
) {
    // Hubs at the same stored coordinates have the same distance to any point: they must come
    // in ascending id order. (Hubs at equal distances from different places may trade places.)
    let mut last_id_at: HashMap<(u64, u64), u64> = HashMap::new();
    for hit in got {
        let hub = snapshot.hub_at(hit.position);
        let hub = hub.unwrap_or_else(|| panic!("{context}: no hub at position {}", hit.position));
        assert_eq!(
            hub.id(),
            hit.id,
            "{context}: position {} is not id {}",
            hit.position,
            hit.id
        );
        let place = (hub.lat().to_bits(), hub.lon().to_bits());
        if let Some(previous) = last_id_at.insert(place, hit.id) {
            assert!(
                previous < hit.id,
                "{context}: id {previous} before id {} at the same place ({}, {})",
                hit.id,
                hub.lat(),
                hub.lon()
            );
        }
    }
    let Some(radius_m) = radius_m else {
        return assert_matches(got, oracle, k, context);
    };
    let sure = oracle.partition_point(|entry| entry.0 < radius_m - CM);
    let maybe = oracle.partition_point(|entry| entry.0 <= radius_m + CM);
    let allowed = k.min(sure)..=k.min(maybe);
    assert!(
        allowed.contains(&got.len()),
        "{context}: {} hits, expected {allowed:?} ({sure} hubs surely within {radius_m} m, {maybe} \
         within 1 cm more)",
        got.len()
    );
    assert_matches(got, &oracle[..maybe], got.len(), context);
}

/// Runs a nearest query and checks it against the oracle.
fn check_nearest<B: AsRef<[u8]>>(
    snapshot: &Snapshot<B>,
    oracle: &[(f64, u64)],
    query: Nearest,
    k: usize,
    radius_m: Option<f64>,
    context: &str,
) -> Vec<Hit> {
    let got = snapshot
        .nearest(&query)
        .unwrap_or_else(|e| panic!("{context}: {e}"));
    check_hits(snapshot, &got, oracle, k, radius_m, context);
    got
}

/// Runs a within query and checks it against the oracle.
fn check_within<B: AsRef<[u8]>>(
    snapshot: &Snapshot<B>,
    oracle: &[(f64, u64)],
    query: Within,
    limit: Option<usize>,
    radius_m: f64,
    context: &str,
) -> Vec<Hit> {
    let page = snapshot
        .within(&query)
        .unwrap_or_else(|e| panic!("{context}: {e}"));
    let k = limit.unwrap_or(usize::MAX);
    check_hits(snapshot, &page.hits, oracle, k, Some(radius_m), context);
    let full = limit.is_some_and(|limit| limit > 0 && page.hits.len() == limit);
    assert_eq!(
        page.next.is_some(),
        full,
        "{context}: a cursor iff the page is full"
    );
    page.hits
}

/// Nearest k in {1, 10, 100} (and every hub), with and without a max radius.
fn check_all_nearest<B: AsRef<[u8]>>(
    snapshot: &Snapshot<B>,
    oracle: &[(f64, u64)],
    (lat, lon): (f64, f64),
    radii_m: &[f64],
) {
    for k in [1, 10, 100, snapshot.hub_count()] {
        let context = format!("nearest k={k} from ({lat}, {lon})");
        check_nearest(
            snapshot,
            oracle,
            Nearest::new(lat, lon).k(k),
            k,
            None,
            &context,
        );
        for &radius_m in radii_m {
            let context = format!("{context} max {radius_m} m");
            let query = Nearest::new(lat, lon).k(k).max_radius_m(radius_m);
            check_nearest(snapshot, oracle, query, k, Some(radius_m), &context);
        }
    }
}

/// Within each radius, without a limit and with limits 1, 7 and 50.
fn check_all_within<B: AsRef<[u8]>>(
    snapshot: &Snapshot<B>,
    oracle: &[(f64, u64)],
    (lat, lon): (f64, f64),
    radii_m: &[f64],
) {
    for &radius_m in radii_m {
        let context = format!("within {radius_m} m of ({lat}, {lon})");
        let query = Within::new(lat, lon, radius_m);
        check_within(snapshot, oracle, query.clone(), None, radius_m, &context);
        for limit in [1, 7, 50] {
            let context = format!("{context} limit {limit}");
            let limited = query.clone().limit(limit);
            check_within(snapshot, oracle, limited, Some(limit), radius_m, &context);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

fn build(hubs: &[Hub]) -> Snap {
    Snapshot::from_bytes(builder(hubs).to_bytes().unwrap()).unwrap()
}

fn builder(hubs: &[Hub]) -> SnapshotBuilder {
    let mut builder = SnapshotBuilder::new();
    builder.as_of(AS_OF);
    for hub in hubs {
        builder.add_hub(hub.clone()).unwrap();
    }
    builder
}

/// A point uniform on the sphere (uniform in sin(lat), not in lat).
fn uniform_point(rng: &mut ChaCha8Rng) -> (f64, f64) {
    let z: f64 = rng.random_range(-1.0..=1.0);
    (z.asin().to_degrees(), rng.random_range(-180.0..=180.0))
}

fn wrap_lon(lon: f64) -> f64 {
    if lon > 180.0 {
        lon - 360.0
    } else if lon < -180.0 {
        lon + 360.0
    } else {
        lon
    }
}

fn antipode(lat: f64, lon: f64) -> (f64, f64) {
    (-lat, if lon > 0.0 { lon - 180.0 } else { lon + 180.0 })
}

/// A point up to `max_m` metres from `(lat, lon)` in a random direction.
fn jitter(rng: &mut ChaCha8Rng, (lat, lon): (f64, f64), max_m: f64) -> (f64, f64) {
    let angle = rng.random_range(0.0..=max_m) / EARTH_RADIUS_M;
    let bearing = rng.random_range(0.0..std::f64::consts::TAU);
    let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
    let (sin_angle, cos_angle) = angle.sin_cos();
    let sin_end = (sin_lat * cos_angle + cos_lat * sin_angle * bearing.cos()).clamp(-1.0, 1.0);
    let dlon = (bearing.sin() * sin_angle * cos_lat).atan2(cos_angle - sin_lat * sin_end);
    (
        sin_end.asin().to_degrees(),
        wrap_lon(lon + dlon.to_degrees()),
    )
}

fn hub_at(id: u64, (lat, lon): (f64, f64)) -> Hub {
    Hub::new(id, format!("hub {id}"), lat, lon)
}

fn uniform_hubs(seed: u64, count: u64) -> Vec<Hub> {
    let mut rng = rng(seed);
    (1..=count)
        .map(|id| hub_at(id, uniform_point(&mut rng)))
        .collect()
}

fn city_hubs(seed: u64, count: usize) -> (Generator, Vec<Hub>) {
    let generator = Generator::new(seed).top_cities(50);
    let hubs = generator.hubs(count);
    (generator, hubs)
}

/// A radius log-uniform between `min_m` and `max_m`.
fn log_uniform(rng: &mut ChaCha8Rng, min_m: f64, max_m: f64) -> f64 {
    (rng.random_range(min_m.ln()..=max_m.ln())).exp()
}

/// Query points: half uniform on the sphere, half within 50 km of a hub.
fn mixed_queries(rng: &mut ChaCha8Rng, hubs: &[Hub], count: usize) -> Vec<(f64, f64)> {
    (0..count)
        .map(|i| {
            if i % 2 == 0 {
                uniform_point(rng)
            } else {
                let hub = &hubs[rng.random_range(0..hubs.len())];
                jitter(rng, (hub.lat, hub.lon), 50_000.0)
            }
        })
        .collect()
}

fn ids(hits: &[Hit]) -> Vec<u64> {
    hits.iter().map(|hit| hit.id).collect()
}

// ---------------------------------------------------------------------------------------------
// Uniform hubs over the whole sphere
// ---------------------------------------------------------------------------------------------

#[test]
fn uniform_sphere_nearest_matches_brute_force() {
    let hubs = uniform_hubs(11, 4000);
    let snapshot = build(&hubs);
    let mut rng = rng(12);
    for point in mixed_queries(&mut rng, &hubs, 120) {
        let oracle = oracle(&snapshot, point.0, point.1, &keep_all);
        let radii = [
            log_uniform(&mut rng, 1_000.0, 5_000_000.0),
            log_uniform(&mut rng, 1_000.0, 5_000_000.0),
        ];
        check_all_nearest(&snapshot, &oracle, point, &radii);
    }
}

#[test]
fn uniform_sphere_within_matches_brute_force() {
    let hubs = uniform_hubs(13, 4000);
    let snapshot = build(&hubs);
    let mut rng = rng(14);
    for point in mixed_queries(&mut rng, &hubs, 120) {
        let oracle = oracle(&snapshot, point.0, point.1, &keep_all);
        let mut radii = vec![1_000.0, 100_000.0, 1_000_000.0, 5_000_000.0];
        radii.push(log_uniform(&mut rng, 1_000.0, 5_000_000.0));
        check_all_within(&snapshot, &oracle, point, &radii);
    }
}

// ---------------------------------------------------------------------------------------------
// Hubs clustered around real cities
// ---------------------------------------------------------------------------------------------

#[test]
fn city_clusters_match_brute_force() {
    let (generator, hubs) = city_hubs(21, 4000);
    let snapshot = build(&hubs);
    let mut rng = rng(22);
    let cities = generator.cities();
    for i in 0..150 {
        let city = &cities[i % cities.len()];
        // Some queries sit exactly on the centre, where 1% of the generated hubs are.
        let point = if i % 5 == 0 {
            (city.lat, city.lon)
        } else {
            jitter(&mut rng, (city.lat, city.lon), 20_000.0)
        };
        let oracle = oracle(&snapshot, point.0, point.1, &keep_all);
        check_all_nearest(&snapshot, &oracle, point, &[500.0, 5_000.0, 50_000.0]);
        check_all_within(&snapshot, &oracle, point, &[1_000.0, 5_000.0, 20_000.0]);
    }
}

// ---------------------------------------------------------------------------------------------
// The antimeridian, the poles and antipodes
// ---------------------------------------------------------------------------------------------

const SPECIAL_LATS: [f64; 13] = [
    -90.0, -89.9999, -89.99, -60.0, -10.0, -0.0001, 0.0, 0.0001, 10.0, 60.0, 89.99, 89.9999, 90.0,
];
const SPECIAL_LONS: [f64; 12] = [
    -180.0, -179.99999, -179.9999, -179.9, -90.0, 0.0, 45.0, 90.0, 179.9, 179.9999, 179.99999,
    180.0,
];

/// Hubs on and near the antimeridian and the poles, on both sides.
fn edge_hubs(seed: u64) -> Vec<Hub> {
    let mut rng = rng(seed);
    let mut points = Vec::new();
    for lat in SPECIAL_LATS {
        for lon in SPECIAL_LONS {
            points.push((lat, lon));
        }
    }
    for _ in 0..600 {
        let lat = uniform_point(&mut rng).0;
        let side: f64 = if rng.random_bool(0.5) { 180.0 } else { -180.0 };
        let lon = side - side.signum() * log_uniform(&mut rng, 1e-7, 1.0);
        points.push((lat, lon));
    }
    for pole in [90.0, -90.0] {
        for _ in 0..400 {
            let max_m = log_uniform(&mut rng, 1.0, 300_000.0);
            let lon = rng.random_range(-180.0..=180.0);
            points.push(jitter(&mut rng, (pole, lon), max_m));
        }
    }
    points
        .into_iter()
        .zip(1..)
        .map(|(point, id)| hub_at(id, point))
        .collect()
}

#[test]
fn antimeridian_and_poles_match_brute_force() {
    let hubs = edge_hubs(31);
    let snapshot = build(&hubs);
    let mut rng = rng(32);
    let mut queries: Vec<(f64, f64)> = Vec::new();
    for lat in SPECIAL_LATS {
        for lon in SPECIAL_LONS {
            queries.push((lat, lon));
        }
    }
    for _ in 0..60 {
        let hub = &hubs[rng.random_range(0..hubs.len())];
        queries.push(jitter(&mut rng, (hub.lat, hub.lon), 1_000.0));
    }
    let radii = [1.0, 1_000.0, 100_000.0, 3_000_000.0, HALF_TURN_M - 1_000.0];
    for point in queries {
        let oracle = oracle(&snapshot, point.0, point.1, &keep_all);
        check_all_nearest(&snapshot, &oracle, point, &radii[1..3]);
        for &radius_m in &radii {
            let context = format!("within {radius_m} m of ({}, {})", point.0, point.1);
            check_within(
                &snapshot,
                &oracle,
                Within::new(point.0, point.1, radius_m),
                None,
                radius_m,
                &context,
            );
        }
    }
}

#[test]
fn queries_at_antipodes_of_hubs_match_brute_force() {
    let mut rng = rng(41);
    // Hubs spread over the sphere, plus a tight cluster around the antipode of one point, so
    // that the far end of the order is decided by metres near 20,000 km.
    let centre = (37.5, -122.25);
    let far = antipode(centre.0, centre.1);
    let mut points: Vec<(f64, f64)> = (0..1500).map(|_| uniform_point(&mut rng)).collect();
    for _ in 0..300 {
        let max_m = log_uniform(&mut rng, 0.05, 5_000.0);
        points.push(jitter(&mut rng, far, max_m));
    }
    points.push(far);
    let hubs: Vec<Hub> = points
        .into_iter()
        .zip(1..)
        .map(|(p, id)| hub_at(id, p))
        .collect();
    let snapshot = build(&hubs);

    let mut queries = vec![centre];
    for _ in 0..40 {
        let hub = snapshot
            .hub(rng.random_range(1..=hubs.len() as u64))
            .unwrap();
        queries.push(antipode(hub.lat(), hub.lon()));
    }
    for _ in 0..20 {
        queries.push(jitter(&mut rng, centre, 10.0));
    }
    let n = snapshot.hub_count();
    for point in queries {
        let oracle = oracle(&snapshot, point.0, point.1, &keep_all);
        let context = format!("all {n} nearest from ({}, {})", point.0, point.1);
        check_nearest(
            &snapshot,
            &oracle,
            Nearest::new(point.0, point.1).k(n),
            n,
            None,
            &context,
        );
        for radius_m in [
            HALF_TURN_M,
            HALF_TURN_M - 0.5,
            HALF_TURN_M - 10.0,
            HALF_TURN_M - 1_000.0,
            HALF_TURN_M - 10_000.0,
            19_000_000.0,
        ] {
            let context = format!("within {radius_m} m of ({}, {})", point.0, point.1);
            let query = Within::new(point.0, point.1, radius_m);
            check_within(&snapshot, &oracle, query.clone(), None, radius_m, &context);
            let context = format!("{context} limit 100");
            check_within(
                &snapshot,
                &oracle,
                query.limit(100),
                Some(100),
                radius_m,
                &context,
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Ties
// ---------------------------------------------------------------------------------------------

/// The hits of a group of hubs sharing one place are the group's lowest ids, ascending.
fn assert_group_takes_lowest_ids(got: &[Hit], group: &BTreeSet<u64>, context: &str) {
    let taken: Vec<u64> = got
        .iter()
        .map(|hit| hit.id)
        .filter(|id| group.contains(id))
        .collect();
    let lowest: Vec<u64> = group.iter().copied().take(taken.len()).collect();
    assert_eq!(taken, lowest, "{context}: ties must break by ascending id");
}

#[test]
fn hubs_sharing_a_location_are_ordered_by_id() {
    let mut rng = rng(51);
    let venue = (48.8566, 2.3522);
    let other_venue = (48.8570, 2.3600);
    let mut used = HashSet::new();
    let mut fresh_id = |rng: &mut ChaCha8Rng| loop {
        // Ids across the whole u64 range, in no particular order.
        let id = if rng.random_bool(0.5) {
            rng.random_range(1..10_000)
        } else {
            rng.random()
        };
        if used.insert(id) {
            break id;
        }
    };
    let venue_ids: BTreeSet<u64> = (0..300).map(|_| fresh_id(&mut rng)).collect();
    let other_ids: BTreeSet<u64> = (0..100).map(|_| fresh_id(&mut rng)).collect();
    let mut hubs: Vec<Hub> = venue_ids.iter().map(|&id| hub_at(id, venue)).collect();
    hubs.extend(other_ids.iter().map(|&id| hub_at(id, other_venue)));
    for _ in 0..500 {
        let point = jitter(&mut rng, venue, 5_000.0);
        hubs.push(hub_at(fresh_id(&mut rng), point));
    }
    // Added in no particular order.
    hubs.sort_by_key(|hub| hub.id.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let snapshot = build(&hubs);

    let mut queries = vec![venue, other_venue, (48.8568, 2.3561), (-48.8566, -177.6478)];
    for _ in 0..30 {
        queries.push(jitter(&mut rng, venue, 3_000.0));
    }
    let groups = [&venue_ids, &other_ids];
    for point in queries {
        let oracle = oracle(&snapshot, point.0, point.1, &keep_all);
        for k in [1, 5, 50, 299, 300, 301, 350, 399, 400, 401, 1000] {
            let context = format!("nearest k={k} from ({}, {})", point.0, point.1);
            let query = Nearest::new(point.0, point.1).k(k);
            let got = check_nearest(&snapshot, &oracle, query, k, None, &context);
            for group in groups {
                assert_group_takes_lowest_ids(&got, group, &context);
            }
        }
        for limit in [1, 7, 300] {
            let radius_m = 10_000.0;
            let (lat, lon) = point;
            let context = format!("within {radius_m} m of ({lat}, {lon}) limit {limit}");
            let pages = all_pages(&snapshot, &Within::new(lat, lon, radius_m), limit);
            let got: Vec<Hit> = pages.concat();
            check_hits(
                &snapshot,
                &got,
                &oracle,
                usize::MAX,
                Some(radius_m),
                &context,
            );
            for group in groups {
                assert_group_takes_lowest_ids(&got, group, &context);
            }
        }
    }
    // At the venue itself the whole group ties at distance zero, straddling k.
    for k in [1, 17, 150, 299] {
        let got = snapshot
            .nearest(&Nearest::new(venue.0, venue.1).k(k))
            .unwrap();
        let lowest: Vec<u64> = venue_ids.iter().copied().take(k).collect();
        assert_eq!(ids(&got), lowest, "nearest {k} at the venue");
    }
}

// ---------------------------------------------------------------------------------------------
// Sizes: k = 0, k beyond the hub count, the empty snapshot
// ---------------------------------------------------------------------------------------------

#[test]
fn k_beyond_the_hub_count_returns_every_hub_and_k_zero_none() {
    let hubs = uniform_hubs(61, 300);
    let snapshot = build(&hubs);
    let mut rng = rng(62);
    for _ in 0..30 {
        let (lat, lon) = uniform_point(&mut rng);
        let oracle = oracle(&snapshot, lat, lon, &keep_all);
        for k in [299, 300, 301, 1_000_000, usize::MAX] {
            let context = format!("nearest k={k} from ({lat}, {lon})");
            let got = check_nearest(
                &snapshot,
                &oracle,
                Nearest::new(lat, lon).k(k),
                k,
                None,
                &context,
            );
            assert_eq!(got.len(), 300.min(k), "{context}");
        }
        let none = snapshot.nearest(&Nearest::new(lat, lon).k(0)).unwrap();
        assert!(none.is_empty());
        let none = snapshot
            .nearest(&Nearest::new(lat, lon).k(0).max_radius_m(1e7))
            .unwrap();
        assert!(none.is_empty());
        let page = snapshot
            .within(&Within::new(lat, lon, 1e7).limit(0))
            .unwrap();
        assert!(page.hits.is_empty() && page.next.is_none());
        // Radii past the whole sphere, and page sizes past the hub count.
        for radius_m in [HALF_TURN_M, 1e12] {
            let context = format!("within {radius_m} m of ({lat}, {lon})");
            let all = check_within(
                &snapshot,
                &oracle,
                Within::new(lat, lon, radius_m),
                None,
                radius_m,
                &context,
            );
            assert_eq!(all.len(), 300, "{context}");
            let query = Within::new(lat, lon, radius_m).limit(usize::MAX);
            let page = snapshot.within(&query).unwrap();
            assert_eq!(page.hits, all, "{context} limit usize::MAX");
            assert!(page.next.is_none(), "{context}: no page after the last");
            let query = Nearest::new(lat, lon).k(usize::MAX).max_radius_m(radius_m);
            check_nearest(
                &snapshot,
                &oracle,
                query,
                usize::MAX,
                Some(radius_m),
                &context,
            );
        }
    }
}

#[test]
fn empty_snapshot_opens_and_answers_nothing() {
    let bytes = SnapshotBuilder::new().to_bytes().unwrap();
    let snapshot = Snapshot::from_bytes(bytes).unwrap();
    snapshot.verify().unwrap();
    assert_eq!(snapshot.hub_count(), 0);
    assert_eq!(snapshot.iter().count(), 0);
    assert_eq!(snapshot.categories().count(), 0);
    for id in [0, 1, u64::MAX] {
        assert!(snapshot.hub(id).is_none());
    }
    assert!(snapshot.hub_at(0).is_none());
    let mut scratch = Scratch::new();
    let mut hits = vec![Hit {
        position: 0,
        id: 0,
        distance_m: 0.0,
    }];
    for (lat, lon) in [(0.0, 0.0), (90.0, 180.0), (-90.0, -180.0), (12.5, -77.25)] {
        for k in [0, 1, 10, usize::MAX] {
            assert!(snapshot
                .nearest(&Nearest::new(lat, lon).k(k))
                .unwrap()
                .is_empty());
            let query = Nearest::new(lat, lon).k(k).max_radius_m(1e12);
            snapshot
                .nearest_with(&query, &mut scratch, &mut hits)
                .unwrap();
            assert!(hits.is_empty());
        }
        for radius_m in [0.0, 1_000.0, 1e12] {
            let page = snapshot.within(&Within::new(lat, lon, radius_m)).unwrap();
            assert_eq!(page, hubdex::Page::default());
            let page = snapshot
                .within(&Within::new(lat, lon, radius_m).limit(5))
                .unwrap();
            assert_eq!(page, hubdex::Page::default());
        }
        let point = LatLng::new(lat, lon).unwrap();
        for res in [Resolution::Zero, Resolution::Fifteen] {
            let found = snapshot
                .hubs_in_cell(point.to_cell(res), &Filter::new())
                .unwrap();
            assert!(found.is_empty());
        }
    }
    // Invalid parameters are still refused.
    assert!(matches!(
        snapshot.nearest(&Nearest::new(f64::NAN, 0.0)),
        Err(QueryError::InvalidParameter { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------

/// A filter and the same predicate written against `HubRef`.
struct FilterCase {
    name: String,
    filter: Filter,
    keep: Box<dyn Fn(&HubRef<'_>) -> bool>,
}

fn has_any(set: CategorySet) -> impl Fn(&HubRef<'_>) -> bool {
    move |hub| {
        set.iter()
            .any(|category| hub.categories().contains(category))
    }
}

fn has_all(set: CategorySet) -> impl Fn(&HubRef<'_>) -> bool {
    move |hub| {
        set.iter()
            .all(|category| hub.categories().contains(category))
    }
}

fn filter_cases(snapshot: &Snap, excluded: &[u64]) -> Vec<FilterCase> {
    let set = |slugs: &[&str]| snapshot.category_set(slugs).unwrap();
    let rare = set(&["knitting"]);
    let two = set(&["running", "chess"]);
    let pair = set(&["running", "photo-walk"]);
    let triple = set(&["hiking", "book-club", "tech-meetup"]);
    let running = set(&["running"]);
    let excluded_set: HashSet<u64> = excluded.iter().copied().collect();
    let excluded_too = excluded_set.clone();
    vec![
        FilterCase {
            name: "any of {knitting}".into(),
            filter: Filter::new().any_of(rare),
            keep: Box::new(has_any(rare)),
        },
        FilterCase {
            name: "any of {running, chess}".into(),
            filter: Filter::new().any_of(two),
            keep: Box::new(has_any(two)),
        },
        FilterCase {
            name: "any of {}".into(),
            filter: Filter::new().any_of(CategorySet::EMPTY),
            keep: Box::new(|_| false),
        },
        FilterCase {
            name: "all of {running, photo-walk}".into(),
            filter: Filter::new().all_of(pair),
            keep: Box::new(has_all(pair)),
        },
        FilterCase {
            name: "all of {}".into(),
            filter: Filter::new().all_of(CategorySet::EMPTY),
            keep: Box::new(keep_all),
        },
        FilterCase {
            name: "verified".into(),
            filter: Filter::new().flags(HubFlags::VERIFIED),
            keep: Box::new(|hub| hub.flags().contains(HubFlags::VERIFIED)),
        },
        FilterCase {
            name: "excluding the nearest".into(),
            filter: Filter::new().exclude(excluded.iter().copied()),
            keep: Box::new(move |hub| !excluded_set.contains(&hub.id())),
        },
        FilterCase {
            name: "verified, any of {hiking, book-club, tech-meetup}, all of {running}, \
                   excluding the nearest"
                .into(),
            filter: Filter::new()
                .flags(HubFlags::VERIFIED)
                .any_of(triple)
                .all_of(running)
                .exclude(excluded.iter().copied()),
            keep: Box::new(move |hub| {
                hub.verified()
                    && has_any(triple)(hub)
                    && has_all(running)(hub)
                    && !excluded_too.contains(&hub.id())
            }),
        },
    ]
}

#[test]
fn filters_apply_inside_the_search() {
    let (generator, hubs) = city_hubs(71, 4000);
    let snapshot = build(&hubs);
    assert!(matches!(
        snapshot.category_set(&["no-such-category"]),
        Err(QueryError::InvalidParameter { .. })
    ));
    for (slug, _) in CATEGORIES {
        assert_eq!(
            snapshot
                .categories()
                .filter(|(_, name)| *name == slug)
                .count(),
            1
        );
    }

    let mut rng = rng(72);
    let cities = generator.cities();
    for i in 0..40 {
        let city = &cities[i % 20];
        let (lat, lon) = jitter(&mut rng, (city.lat, city.lon), 10_000.0);
        let everyone = oracle(&snapshot, lat, lon, &keep_all);
        let nearest_ids: Vec<u64> = everyone.iter().take(30).map(|entry| entry.1).collect();
        for case in filter_cases(&snapshot, &nearest_ids) {
            let oracle = oracle(&snapshot, lat, lon, &*case.keep);
            for k in [1, 10, 100] {
                let context = format!("nearest k={k} from ({lat}, {lon}), {}", case.name);
                let query = Nearest::new(lat, lon).k(k).filter(case.filter.clone());
                let got = check_nearest(&snapshot, &oracle, query, k, None, &context);
                // Filtering after the limit would return fewer.
                assert_eq!(got.len(), k.min(oracle.len()), "{context}");
                let query = Nearest::new(lat, lon).k(k).max_radius_m(8_000.0);
                let query = query.filter(case.filter.clone());
                check_nearest(&snapshot, &oracle, query, k, Some(8_000.0), &context);
            }
            for radius_m in [3_000.0, 30_000.0] {
                let context = format!("within {radius_m} m of ({lat}, {lon}), {}", case.name);
                let query = Within::new(lat, lon, radius_m).filter(case.filter.clone());
                check_within(&snapshot, &oracle, query.clone(), None, radius_m, &context);
                let context = format!("{context} limit 10");
                check_within(
                    &snapshot,
                    &oracle,
                    query.limit(10),
                    Some(10),
                    radius_m,
                    &context,
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cursors
// ---------------------------------------------------------------------------------------------

/// Every page of a within query at `limit` hits a page, following cursors to the end.
fn all_pages<B: AsRef<[u8]>>(
    snapshot: &Snapshot<B>,
    query: &Within,
    limit: usize,
) -> Vec<Vec<Hit>> {
    let mut pages = Vec::new();
    let mut query = query.clone().limit(limit);
    // A page holds at least one hub, so more pages than hubs plus one means a loop.
    for _ in 0..=snapshot.hub_count() + 1 {
        let page = snapshot.within(&query).unwrap();
        let full = page.hits.len() == limit;
        assert!(page.hits.len() <= limit);
        pages.push(page.hits);
        match page.next {
            Some(cursor) => {
                assert!(full, "a cursor after a short page");
                // Cursors travel as text.
                let text = cursor.to_string();
                let parsed: Cursor = text.parse().unwrap();
                assert_eq!(parsed, cursor);
                query = query.after(parsed);
            }
            None => {
                assert!(!full, "a full page without a cursor");
                return pages;
            }
        }
    }
    panic!("paging did not end after {} pages", pages.len());
}

/// `unordered()` returns the same hits as the sorted form, each once, in storage order.
#[test]
fn unordered_within_returns_the_sorted_set_in_storage_order() {
    let (generator, hubs) = city_hubs(91, 4000);
    let snapshot = build(&hubs);
    let mut rng = rng(92);
    for i in 0..40 {
        let city = &generator.cities()[i % 20];
        let (lat, lon) = jitter(&mut rng, (city.lat, city.lon), 5_000.0);
        let radius_m = log_uniform(&mut rng, 500.0, 3_000_000.0);
        let sorted = snapshot
            .within(&Within::new(lat, lon, radius_m))
            .unwrap()
            .hits;
        let query = Within::new(lat, lon, radius_m).unordered();
        let unordered = snapshot.within(&query).unwrap().hits;
        let positions: Vec<u32> = unordered.iter().map(|hit| hit.position).collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "not in storage order"
        );
        let mut resorted = unordered.clone();
        resorted.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then(a.id.cmp(&b.id)));
        let ids = |hits: &[Hit]| hits.iter().map(|hit| hit.id).collect::<BTreeSet<u64>>();
        assert_eq!(
            ids(&resorted),
            ids(&sorted),
            "within {radius_m} m of ({lat}, {lon})"
        );
        assert_eq!(unordered.len(), sorted.len());
    }
}

#[test]
fn cursor_pages_concatenate_to_one_within() {
    let (generator, hubs) = city_hubs(81, 3000);
    let snapshot = build(&hubs);
    let verified = Filter::new().flags(HubFlags::VERIFIED);
    let mut rng = rng(82);
    for i in 0..25 {
        let city = &generator.cities()[i % 10];
        let (lat, lon) = jitter(&mut rng, (city.lat, city.lon), 5_000.0);
        let radius_m = log_uniform(&mut rng, 2_000.0, 30_000.0);
        for filter in [Filter::new(), verified.clone()] {
            let query = Within::new(lat, lon, radius_m).filter(filter.clone());
            let whole = snapshot.within(&query).unwrap();
            assert!(whole.next.is_none());
            let keep = |hub: &HubRef<'_>| filter == Filter::new() || hub.verified();
            let oracle = oracle(&snapshot, lat, lon, &keep);
            let context = format!("within {radius_m} m of ({lat}, {lon}), {filter:?}");
            check_hits(
                &snapshot,
                &whole.hits,
                &oracle,
                usize::MAX,
                Some(radius_m),
                &context,
            );
            // Page sizes that divide the total exactly end with an empty page.
            let mut limits = vec![1, 3, 10, 64, whole.hits.len() + 1];
            limits.extend(
                [whole.hits.len(), whole.hits.len() / 2]
                    .iter()
                    .filter(|&&l| l > 0),
            );
            for limit in limits {
                let pages = all_pages(&snapshot, &query, limit);
                let concatenated: Vec<Hit> = pages.concat();
                assert_eq!(concatenated, whole.hits, "{context}: pages of {limit}");
            }
        }
    }
}

#[test]
fn cursors_of_another_query_or_snapshot_are_rejected() {
    let (_, hubs) = city_hubs(91, 2000);
    let snapshot = build(&hubs);
    let (lat, lon) = (hubs[0].lat, hubs[0].lon);
    let query = Within::new(lat, lon, 50_000.0).limit(5);
    let cursor = snapshot.within(&query).unwrap().next.unwrap();
    // The same query resumes.
    assert!(snapshot.within(&query.clone().after(cursor)).is_ok());
    // A different page size is the same query.
    assert!(snapshot
        .within(&query.clone().limit(7).after(cursor))
        .is_ok());

    let others = [
        Within::new(lat + 1e-9, lon, 50_000.0),
        Within::new(lat, lon + 1e-9, 50_000.0),
        Within::new(lat, lon, 50_000.5),
        Within::new(lat, lon, 50_000.0).filter(Filter::new().flags(HubFlags::VERIFIED)),
        Within::new(lat, lon, 50_000.0).filter(Filter::new().exclude([12_345])),
        Within::new(-lat, lon, 50_000.0),
    ];
    for other in others {
        let result = snapshot.within(&other.clone().limit(5).after(cursor));
        assert!(
            matches!(result, Err(QueryError::BadCursor { .. })),
            "{other:?} accepted a cursor of {query:?}: {result:?}"
        );
    }

    // Another snapshot: another as_of, one hub more, one hub moved.
    let mut later = builder(&hubs);
    later.as_of(AS_OF + 1);
    let mut more = hubs.clone();
    more.push(hub_at(1_000_000, (lat, lon)));
    let mut moved = hubs.clone();
    moved[1].lat += 1e-6;
    let other_snapshots = [
        Snapshot::from_bytes(later.to_bytes().unwrap()).unwrap(),
        build(&more),
        build(&moved),
    ];
    for other in &other_snapshots {
        assert_ne!(other.fingerprint(), snapshot.fingerprint());
        let result = other.within(&query.clone().after(cursor));
        assert!(
            matches!(result, Err(QueryError::BadCursor { .. })),
            "a cursor of another snapshot was accepted: {result:?}"
        );
    }
    // The same hubs and as_of are the same snapshot.
    let again = build(&hubs);
    assert_eq!(again.fingerprint(), snapshot.fingerprint());
    assert_eq!(
        again.within(&query.clone().after(cursor)).unwrap(),
        snapshot.within(&query.clone().after(cursor)).unwrap()
    );

    for junk in [
        "",
        "xyz",
        &"0".repeat(55),
        &"g".repeat(56),
        &cursor.to_string()[1..],
    ] {
        assert!(
            matches!(junk.parse::<Cursor>(), Err(QueryError::BadCursor { .. })),
            "{junk:?} parsed as a cursor"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Scratch reuse
// ---------------------------------------------------------------------------------------------

#[test]
fn reused_scratch_gives_the_same_answers_as_fresh_allocations() {
    let (generator, city) = city_hubs(101, 3000);
    let snapshots = [build(&city), build(&uniform_hubs(102, 2000))];
    let mut scratch = Scratch::new();
    let mut hits = Vec::new();
    let mut rng = rng(103);
    for i in 0..400 {
        let snapshot = &snapshots[i % 2];
        let (lat, lon) = if i % 3 == 0 {
            uniform_point(&mut rng)
        } else {
            let c = &generator.cities()[rng.random_range(0..generator.cities().len())];
            jitter(&mut rng, (c.lat, c.lon), 20_000.0)
        };
        let k = [0, 1, 10, 100, 3000][rng.random_range(0..5)];
        let filter = if rng.random_bool(0.3) {
            Filter::new().flags(HubFlags::VERIFIED)
        } else {
            Filter::new()
        };
        let mut nearest = Nearest::new(lat, lon).k(k).filter(filter.clone());
        if rng.random_bool(0.5) {
            nearest = nearest.max_radius_m(log_uniform(&mut rng, 100.0, 1e7));
        }
        snapshot
            .nearest_with(&nearest, &mut scratch, &mut hits)
            .unwrap();
        assert_eq!(hits, snapshot.nearest(&nearest).unwrap(), "{nearest:?}");

        let mut within = Within::new(lat, lon, log_uniform(&mut rng, 100.0, 1e6)).filter(filter);
        if rng.random_bool(0.5) {
            within = within.limit(rng.random_range(0..50));
        }
        let next = snapshot
            .within_with(&within, &mut scratch, &mut hits)
            .unwrap();
        let page = snapshot.within(&within).unwrap();
        assert_eq!((&hits, next), (&page.hits, page.next), "{within:?}");
        if let Some(cursor) = next {
            let following = within.clone().after(cursor);
            let next = snapshot
                .within_with(&following, &mut scratch, &mut hits)
                .unwrap();
            let page = snapshot.within(&following).unwrap();
            assert_eq!((&hits, next), (&page.hits, page.next), "{following:?}");
        }

        // A refused query leaves no stale hits and does not spoil the scratch.
        if i % 50 == 0 {
            let bad = Nearest::new(f64::NAN, lon);
            assert!(snapshot
                .nearest_with(&bad, &mut scratch, &mut hits)
                .is_err());
            assert!(hits.is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// H3 cells
// ---------------------------------------------------------------------------------------------

const RESOLUTIONS: [Resolution; 5] = [
    Resolution::Zero,
    Resolution::Three,
    Resolution::Seven,
    Resolution::Ten,
    Resolution::Fifteen,
];

/// The hubs of every cell at each resolution of [`RESOLUTIONS`], from stored coordinates.
/// A hub is in the cell `h3o` puts its stored coordinates in at that resolution. H3 cells do
/// not nest exactly, so this is not the ancestor of the hub's resolution-15 cell for about
/// 6.5% of points.
fn cells_of_hubs(snapshot: &Snap) -> HashMap<CellIndex, BTreeSet<u64>> {
    let mut cells: HashMap<CellIndex, BTreeSet<u64>> = HashMap::new();
    for hub in snapshot.iter() {
        let point = LatLng::new(hub.lat(), hub.lon()).unwrap();
        for res in RESOLUTIONS {
            cells
                .entry(point.to_cell(res))
                .or_default()
                .insert(hub.id());
        }
    }
    cells
}

/// `hubs_in_cell` for the cells of 60 random hubs and their neighbours, at every resolution of
/// [`RESOLUTIONS`], with and without a filter, against every hub's own cell.
fn check_cells(snapshot: &Snap, seed: u64) {
    let by_cell = cells_of_hubs(snapshot);
    let verified: HashSet<u64> = snapshot
        .iter()
        .filter(|h| h.verified())
        .map(|h| h.id())
        .collect();
    let mut rng = rng(seed);
    let positions: Vec<u32> = (0..60)
        .map(|_| rng.random_range(0..snapshot.hub_count() as u32))
        .collect();
    let mut checked = 0;
    for position in positions {
        let hub = snapshot.hub_at(position).unwrap();
        let point = LatLng::new(hub.lat(), hub.lon()).unwrap();
        for res in RESOLUTIONS {
            // The hub's cell and its neighbours (some of them empty).
            for cell in point.to_cell(res).grid_disk::<Vec<_>>(1) {
                let want = by_cell.get(&cell).cloned().unwrap_or_default();
                let found = snapshot.hubs_in_cell(cell, &Filter::new()).unwrap();
                let got: BTreeSet<u64> = found.iter().map(|hub| hub.id()).collect();
                assert_eq!(got.len(), found.len(), "{cell} ({res}): a hub twice");
                let missing: Vec<u64> = want.difference(&got).copied().collect();
                let extra: Vec<u64> = got.difference(&want).copied().collect();
                assert!(
                    missing.is_empty() && extra.is_empty(),
                    "{cell} ({res}): {} hubs, {} expected; missing {missing:?}, extra {extra:?}",
                    got.len(),
                    want.len()
                );
                let ids: Vec<u64> = found.iter().map(|hub| hub.id()).collect();
                assert!(ids.is_sorted(), "{cell} ({res}): not in ascending id order");

                let verified_only = Filter::new().flags(HubFlags::VERIFIED);
                let filtered = snapshot.hubs_in_cell(cell, &verified_only).unwrap();
                let got: BTreeSet<u64> = filtered.iter().map(|hub| hub.id()).collect();
                let want: BTreeSet<u64> = want
                    .into_iter()
                    .filter(|id| verified.contains(id))
                    .collect();
                assert_eq!(got, want, "{cell} ({res}), verified only");
                checked += 1;
            }
        }
    }
    assert!(checked > 1000);
}

/// The snapshots the cell tests run on: city clusters, uniform, antimeridian and poles.
fn cell_test_snapshots() -> [Snap; 3] {
    [
        build(&city_hubs(111, 3000).1),
        build(&uniform_hubs(113, 2000)),
        build(&edge_hubs(115)),
    ]
}

#[test]
fn hubs_in_cell_match_h3o_cells_holding_each_hub() {
    for (seed, snapshot) in (112..).zip(cell_test_snapshots()) {
        check_cells(&snapshot, seed);
    }
}

// ---------------------------------------------------------------------------------------------
// Lookups by id
// ---------------------------------------------------------------------------------------------

#[test]
fn hub_by_id_finds_every_hub_and_nothing_else() {
    let mut rng = rng(121);
    let mut hubs = Vec::new();
    let mut used = HashSet::new();
    while hubs.len() < 2000 {
        let id = match hubs.len() {
            0 => 0,
            1 => u64::MAX,
            _ if rng.random_bool(0.5) => rng.random_range(1..5_000),
            _ => rng.random(),
        };
        if !used.insert(id) {
            continue;
        }
        let (lat, lon) = uniform_point(&mut rng);
        let categories: Vec<String> = CATEGORIES
            .iter()
            .filter(|_| rng.random_bool(0.1))
            .map(|(slug, _)| slug.to_string())
            .collect();
        hubs.push(Hub {
            id,
            name: format!("  Hub \u{e9}\u{1f600} {id}  "),
            lat,
            lon,
            categories,
            members: rng.random(),
            created_at: rng
                .random_bool(0.7)
                .then(|| rng.random_range(-1_000_000_000..AS_OF)),
            verified: rng.random_bool(0.3),
        });
    }
    let snapshot = build(&hubs);
    assert_eq!(snapshot.hub_count(), hubs.len());
    assert_eq!(snapshot.iter().count(), hubs.len());
    let stored: HashSet<u64> = snapshot.iter().map(|hub| hub.id()).collect();
    assert_eq!(stored, used);

    for hub in &hubs {
        let found = snapshot
            .hub(hub.id)
            .unwrap_or_else(|| panic!("id {} not found", hub.id));
        assert_eq!(found.id(), hub.id);
        assert_eq!(
            snapshot.hub_at(found.position()).map(|h| h.id()),
            Some(hub.id)
        );
        assert_eq!(found.name().unwrap(), hub.name.trim());
        assert!(
            (found.lat() - hub.lat).abs() <= 0.5e-7 + 1e-12,
            "{} vs {}",
            found.lat(),
            hub.lat
        );
        assert!(
            (found.lon() - hub.lon).abs() <= 0.5e-7 + 1e-12,
            "{} vs {}",
            found.lon(),
            hub.lon
        );
        let slugs: BTreeSet<&str> = snapshot
            .categories()
            .filter(|(category, _)| found.categories().contains(*category))
            .map(|(_, slug)| slug)
            .collect();
        let want: BTreeSet<&str> = hub.categories.iter().map(String::as_str).collect();
        assert_eq!(slugs, want, "categories of {}", hub.id);
        assert_eq!(found.members(), hub.members);
        assert_eq!(found.created_at(), hub.created_at);
        assert_eq!(found.verified(), hub.verified);
    }
    let mut absent = 0;
    while absent < 2000 {
        let id = if absent % 2 == 0 {
            rng.random_range(0..6_000)
        } else {
            rng.random()
        };
        if !used.contains(&id) {
            assert!(snapshot.hub(id).is_none(), "absent id {id} found");
            absent += 1;
        }
    }
    for position in [hubs.len() as u32, hubs.len() as u32 + 1, u32::MAX] {
        assert!(snapshot.hub_at(position).is_none());
    }
}

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

fn assert_invalid<T: std::fmt::Debug>(result: Result<T, QueryError>, what: &str) {
    assert!(
        matches!(result, Err(QueryError::InvalidParameter { .. })),
        "{what}: {result:?}"
    );
}

#[test]
fn invalid_parameters_are_refused_and_huge_ones_are_fine() {
    let hubs = uniform_hubs(131, 500);
    let snapshot = build(&hubs);
    let bad_points = [
        (f64::NAN, 0.0),
        (0.0, f64::NAN),
        (f64::INFINITY, 0.0),
        (f64::NEG_INFINITY, 0.0),
        (0.0, f64::INFINITY),
        (0.0, f64::NEG_INFINITY),
        (91.0, 0.0),
        (-91.0, 0.0),
        (90.000_000_001, 0.0),
        (0.0, 181.0),
        (0.0, -181.0),
        (0.0, 180.000_000_001),
    ];
    let mut scratch = Scratch::new();
    let mut hits = Vec::new();
    for (lat, lon) in bad_points {
        let what = format!("({lat}, {lon})");
        assert_invalid(snapshot.nearest(&Nearest::new(lat, lon)), &what);
        assert_invalid(snapshot.nearest(&Nearest::new(lat, lon).k(0)), &what);
        assert_invalid(snapshot.within(&Within::new(lat, lon, 1_000.0)), &what);
        assert_invalid(
            snapshot.within(&Within::new(lat, lon, 1_000.0).limit(3)),
            &what,
        );
        assert_invalid(
            snapshot.nearest_with(&Nearest::new(lat, lon), &mut scratch, &mut hits),
            &what,
        );
        assert_invalid(
            snapshot.within_with(&Within::new(lat, lon, 1.0), &mut scratch, &mut hits),
            &what,
        );
    }
    for radius_m in [
        -1.0,
        -0.0001,
        -1e12,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        let what = format!("radius {radius_m}");
        assert_invalid(
            snapshot.nearest(&Nearest::new(1.0, 2.0).max_radius_m(radius_m)),
            &what,
        );
        assert_invalid(snapshot.within(&Within::new(1.0, 2.0, radius_m)), &what);
        assert_invalid(
            snapshot.within(&Within::new(1.0, 2.0, radius_m).limit(1)),
            &what,
        );
    }

    // The edges of the domain and huge values are valid.
    let (lat, lon) = (hubs[0].lat, hubs[0].lon);
    let oracle = oracle(&snapshot, lat, lon, &keep_all);
    let all = snapshot
        .nearest(&Nearest::new(lat, lon).k(usize::MAX))
        .unwrap();
    assert_matches(&all, &oracle, usize::MAX, "k = usize::MAX");
    let query = Nearest::new(lat, lon).k(usize::MAX).max_radius_m(1e12);
    assert_eq!(snapshot.nearest(&query).unwrap(), all);
    let query = Nearest::new(lat, lon).k(usize::MAX).max_radius_m(f64::MAX);
    assert_eq!(snapshot.nearest(&query).unwrap(), all);
    assert_eq!(
        snapshot.within(&Within::new(lat, lon, 1e12)).unwrap().hits,
        all
    );
    assert_eq!(
        snapshot
            .within(&Within::new(lat, lon, f64::MAX))
            .unwrap()
            .hits,
        all
    );
    for (lat, lon) in [(90.0, 180.0), (-90.0, -180.0), (-0.0, -0.0), (90.0, -180.0)] {
        snapshot.nearest(&Nearest::new(lat, lon)).unwrap();
        snapshot.within(&Within::new(lat, lon, 0.0)).unwrap();
        snapshot
            .within(&Within::new(lat, lon, f64::MIN_POSITIVE))
            .unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// A file on disk
// ---------------------------------------------------------------------------------------------

#[test]
fn snapshot_written_to_disk_answers_like_the_one_in_memory() {
    let (generator, hubs) = city_hubs(141, 3000);
    let builder = builder(&hubs);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hubs.hubdex");
    let written = builder.write(&path).unwrap();
    let on_disk = Snapshot::open(&path).unwrap();
    on_disk.verify().unwrap();
    let in_memory = Snapshot::from_bytes(builder.to_bytes().unwrap()).unwrap();
    assert_eq!(written as usize, on_disk.bytes().len());
    assert_eq!(
        on_disk.bytes(),
        in_memory.bytes(),
        "the build is deterministic"
    );
    assert_eq!(on_disk.fingerprint(), in_memory.fingerprint());
    assert_eq!(on_disk.as_of(), AS_OF);

    let mut rng = rng(142);
    for i in 0..30 {
        let city = &generator.cities()[i];
        let point = jitter(&mut rng, (city.lat, city.lon), 10_000.0);
        let oracle = oracle(&on_disk, point.0, point.1, &keep_all);
        check_all_nearest(&on_disk, &oracle, point, &[2_000.0]);
        check_all_within(&on_disk, &oracle, point, &[5_000.0]);
        let query = Nearest::new(point.0, point.1).k(25);
        assert_eq!(
            on_disk.nearest(&query).unwrap(),
            in_memory.nearest(&query).unwrap()
        );
        let query = Within::new(point.0, point.1, 8_000.0).limit(9);
        let page = on_disk.within(&query).unwrap();
        assert_eq!(page, in_memory.within(&query).unwrap());
        // A cursor of the file works on the same snapshot held in memory.
        if let Some(cursor) = page.next {
            let following = query.after(cursor);
            assert_eq!(
                on_disk.within(&following).unwrap(),
                in_memory.within(&following).unwrap()
            );
        }
    }
    for hub in &hubs {
        let found = on_disk.hub(hub.id).unwrap();
        assert_eq!(found.name().unwrap(), hub.name);
    }
}
