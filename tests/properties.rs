//! Property tests through the public API (issue #5): `distance_m` is a metric on the sphere,
//! and queries on random small snapshots return sorted, complete answers within their radius.
//!
//! The geometry under the searches (box bounds, key order, radius keys, reported distances) is
//! crate-internal; its properties are in `src/sphere/properties.rs`. Decay functions do not
//! exist yet: they come with a later issue, and their properties with them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::f64::consts::PI;

use hubdex::{
    distance_m, AlignedBytes, CategorySet, Filter, Hub, HubFlags, Nearest, Snapshot,
    SnapshotBuilder, Within, EARTH_RADIUS_M,
};
use proptest::prelude::*;

/// The exactness tolerance of the documentation.
const CM: f64 = 0.01;

/// How far a reported distance may be from the exact one.
const REPORTED_TOLERANCE_M: f64 = 0.004;

/// Rounding slack for the metric properties.
const SLACK_M: f64 = 1e-6;

fn wrap_lon(lon: f64) -> f64 {
    if lon > 180.0 {
        lon - 360.0
    } else if lon < -180.0 {
        lon + 360.0
    } else {
        lon
    }
}

/// The point `angle` radians from `(lat, lon)` along `bearing` (radians from north).
fn destination((lat, lon): (f64, f64), bearing: f64, angle: f64) -> (f64, f64) {
    let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
    let (sin_angle, cos_angle) = angle.sin_cos();
    let sin_end = (sin_lat * cos_angle + cos_lat * sin_angle * bearing.cos()).clamp(-1.0, 1.0);
    let dlon = (bearing.sin() * sin_angle * cos_lat).atan2(cos_angle - sin_lat * sin_end);
    (
        sin_end.asin().to_degrees().clamp(-90.0, 90.0),
        wrap_lon(lon + dlon.to_degrees()).clamp(-180.0, 180.0),
    )
}

fn antipode((lat, lon): (f64, f64)) -> (f64, f64) {
    (-lat, if lon > 0.0 { lon - 180.0 } else { lon + 180.0 })
}

fn lat() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -90.0..=90.0f64,
        1 => 89.0..=90.0f64,
        1 => -90.0..=-89.0f64,
        1 => prop_oneof![Just(90.0), Just(-90.0), Just(0.0)],
    ]
}

fn lon() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -180.0..=180.0f64,
        1 => 179.0..=180.0f64,
        1 => -180.0..=-179.0f64,
        1 => prop_oneof![Just(180.0), Just(-180.0), Just(0.0)],
    ]
}

fn point() -> impl Strategy<Value = (f64, f64)> {
    (lat(), lon())
}

fn bearing() -> impl Strategy<Value = f64> {
    0.0..std::f64::consts::TAU
}

/// Three points: independent, or the middle one on (or next to) the great circle between the
/// others, where the triangle inequality is an equality.
fn triangle() -> impl Strategy<Value = [(f64, f64); 3]> {
    let independent = (point(), point(), point()).prop_map(|(a, b, c)| [a, b, c]);
    let on_geodesic = (point(), bearing(), 0.0..=PI, 0.0..=1.0f64, -1e-9..=1e-9f64).prop_map(
        |(a, bearing, angle, t, off)| {
            let c = destination(a, bearing, angle);
            let b = destination(a, bearing + off, angle * t);
            [a, b, c]
        },
    );
    prop_oneof![independent, on_geodesic]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn distance_is_symmetric_non_negative_and_at_most_half_a_turn(a in point(), b in point()) {
        let ab = distance_m(a.0, a.1, b.0, b.1);
        let ba = distance_m(b.0, b.1, a.0, a.1);
        prop_assert!((ab - ba).abs() <= SLACK_M, "{a:?} {b:?}: {ab} vs {ba}");
        prop_assert!(ab >= 0.0, "{a:?} {b:?}: {ab}");
        prop_assert!(ab <= PI * EARTH_RADIUS_M, "{a:?} {b:?}: {ab}");
        prop_assert_eq!(distance_m(a.0, a.1, a.0, a.1), 0.0);
    }

    #[test]
    fn distance_to_the_antipode_is_half_a_turn(a in point()) {
        let (lat, lon) = antipode(a);
        let d = distance_m(a.0, a.1, lat, lon);
        prop_assert!((d - PI * EARTH_RADIUS_M).abs() <= SLACK_M, "{a:?}: {d}");
    }

    #[test]
    fn distance_satisfies_the_triangle_inequality([a, b, c] in triangle()) {
        let ab = distance_m(a.0, a.1, b.0, b.1);
        let bc = distance_m(b.0, b.1, c.0, c.1);
        let ac = distance_m(a.0, a.1, c.0, c.1);
        prop_assert!(ac <= ab + bc + SLACK_M, "{a:?} {b:?} {c:?}: {ac} > {ab} + {bc}");
        prop_assert!(ab <= ac + bc + SLACK_M, "{a:?} {b:?} {c:?}: {ab} > {ac} + {bc}");
        prop_assert!(bc <= ab + ac + SLACK_M, "{a:?} {b:?} {c:?}: {bc} > {ab} + {ac}");
    }
}

// ---------------------------------------------------------------------------------------------
// Random small snapshots
// ---------------------------------------------------------------------------------------------

/// A hub's place, whether it is verified, and whether it runs.
type Spec = ((f64, f64), bool, bool);

/// Up to 40 hubs: anywhere, clustered around a few centres, or on top of one another (ties).
fn hub_specs() -> impl Strategy<Value = Vec<Spec>> {
    (prop::collection::vec(point(), 1..=3), 0.0..=0.05f64).prop_flat_map(|(centres, spread)| {
        let n = centres.len();
        let place = prop_oneof![
            2 => point(),
            3 => (0..n, bearing(), 0.0..=spread).prop_map({
                let centres = centres.clone();
                move |(i, bearing, angle)| destination(centres[i], bearing, angle)
            }),
            1 => (0..n).prop_map({
                let centres = centres.clone();
                move |i| centres[i]
            }),
        ];
        prop::collection::vec((place, any::<bool>(), any::<bool>()), 0..=40)
    })
}

fn build(specs: &[Spec]) -> (Snapshot<AlignedBytes>, Vec<Hub>) {
    let hubs: Vec<Hub> = specs
        .iter()
        .enumerate()
        .map(|(i, &((lat, lon), verified, runs))| {
            // Ids out of order with positions, so that id ties are tested.
            let id = (i as u64 * 7919) % 1009 + 1;
            let mut hub = Hub::new(id, format!("hub {id}"), lat, lon);
            hub.verified = verified;
            if runs {
                hub.categories = vec!["running".into()];
            }
            hub
        })
        .collect();
    let mut builder = SnapshotBuilder::new();
    builder.as_of(1_767_225_600);
    for hub in &hubs {
        builder.add_hub(hub.clone()).unwrap();
    }
    (
        Snapshot::from_bytes(builder.to_bytes().unwrap()).unwrap(),
        hubs,
    )
}

/// Query points for a snapshot: anywhere, at a hub, next to one, or at a hub's antipode.
fn query(specs: &[Spec]) -> impl Strategy<Value = (f64, f64)> {
    let places: Vec<(f64, f64)> = specs.iter().map(|spec| spec.0).collect();
    let n = places.len().max(1);
    (0..n, 0..4u8, bearing(), 0.0..=1e-3f64, point()).prop_map(
        move |(i, how, bearing, angle, anywhere)| match places.get(i) {
            None => anywhere,
            Some(&place) => match how {
                0 => anywhere,
                1 => place,
                2 => destination(place, bearing, angle),
                _ => antipode(place),
            },
        },
    )
}

/// A radius in metres: from centimetres to past the antipode.
fn radius() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), 0.0..=100.0f64, 0.0..=1e5f64, 0.0..=2.1e7f64,]
}

fn case() -> impl Strategy<Value = (Vec<Spec>, Vec<(f64, f64)>, usize, f64, u8)> {
    hub_specs().prop_flat_map(|specs| {
        let queries = prop::collection::vec(query(&specs), 1..=4);
        (Just(specs), queries, 0..=45usize, radius(), 0..3u8)
    })
}

/// Which hubs a filter choice keeps, as a filter and as a predicate on the input hubs.
fn filter(choice: u8, snapshot: &Snapshot<AlignedBytes>) -> (Filter, fn(&Hub) -> bool) {
    match choice {
        0 => (Filter::new(), |_| true),
        1 => (Filter::new().flags(HubFlags::VERIFIED), |hub| hub.verified),
        _ => match snapshot.category_set(&["running"]) {
            Ok(set) => (Filter::new().any_of(set), |hub| !hub.categories.is_empty()),
            // No hub runs: the vocabulary is empty and so is any-of-nothing.
            Err(_) => (Filter::new().any_of(CategorySet::EMPTY), |_| false),
        },
    }
}

/// Every kept hub's exact distance from `at`, from its stored coordinates.
fn measured(
    snapshot: &Snapshot<AlignedBytes>,
    hubs: &[Hub],
    keep: fn(&Hub) -> bool,
    at: (f64, f64),
) -> Vec<(u64, f64)> {
    hubs.iter()
        .filter(|hub| keep(hub))
        .map(|hub| {
            let stored = snapshot.hub(hub.id).unwrap();
            (hub.id, distance_m(at.0, at.1, stored.lat(), stored.lon()))
        })
        .collect()
}

/// The hits are distinct kept hubs, each reported within 4 mm of its exact distance, in
/// ascending distance.
fn check_hits(
    hits: &[hubdex::Hit],
    exact: &[(u64, f64)],
    context: &str,
) -> Result<(), TestCaseError> {
    let mut seen = HashSet::new();
    for hit in hits {
        prop_assert!(seen.insert(hit.id), "{context}: id {} twice", hit.id);
        let Some(&(_, d)) = exact.iter().find(|(id, _)| *id == hit.id) else {
            return Err(TestCaseError::fail(format!(
                "{context}: id {} is not a hub the filter keeps",
                hit.id
            )));
        };
        prop_assert!(
            (hit.distance_m - d).abs() <= REPORTED_TOLERANCE_M,
            "{context}: id {} reported at {} m, exact {d} m",
            hit.id,
            hit.distance_m
        );
    }
    for pair in hits.windows(2) {
        prop_assert!(
            pair[0].distance_m <= pair[1].distance_m,
            "{context}: not sorted: {pair:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn nearest_is_sorted_and_complete_and_within_is_within_the_radius(
        (specs, queries, k, radius_m, choice) in case()
    ) {
        let (snapshot, hubs) = build(&specs);
        let (filter, keep) = filter(choice, &snapshot);
        for at in queries {
            let exact = measured(&snapshot, &hubs, keep, at);
            let context = format!("{} hubs, at {at:?}, k {k}, radius {radius_m} m", hubs.len());

            // Nearest: min(k, kept) hits, sorted; no hub left out is nearer than the last hit
            // by more than a centimetre.
            let hits = snapshot.nearest(&Nearest::new(at.0, at.1).k(k).filter(filter.clone())).unwrap();
            check_hits(&hits, &exact, &context)?;
            prop_assert_eq!(hits.len(), k.min(exact.len()), "{}", context);
            if let Some(last) = hits.last() {
                let returned: HashSet<u64> = hits.iter().map(|hit| hit.id).collect();
                for &(id, d) in exact.iter().filter(|(id, _)| !returned.contains(id)) {
                    prop_assert!(d >= last.distance_m - CM, "{context}: id {id} at {d} m left out");
                }
            }

            // Nearest within a radius: the same, and nothing beyond the radius.
            let bounded = Nearest::new(at.0, at.1).k(k).max_radius_m(radius_m).filter(filter.clone());
            let hits = snapshot.nearest(&bounded).unwrap();
            check_hits(&hits, &exact, &context)?;
            for hit in &hits {
                prop_assert!(hit.distance_m <= radius_m + CM, "{context}: {hit:?} beyond the radius");
            }
            let inside = exact.iter().filter(|&&(_, d)| d < radius_m - CM).count();
            prop_assert!(hits.len() >= inside.min(k), "{context}: {} of {inside} inside", hits.len());

            // Within: every hub inside the radius (up to a centimetre), nothing beyond, sorted.
            let page = snapshot.within(&Within::new(at.0, at.1, radius_m).filter(filter.clone())).unwrap();
            check_hits(&page.hits, &exact, &context)?;
            prop_assert!(page.next.is_none());
            let returned: HashSet<u64> = page.hits.iter().map(|hit| hit.id).collect();
            for &(id, d) in &exact {
                if d < radius_m - CM {
                    prop_assert!(returned.contains(&id), "{context}: id {id} at {d} m missing");
                }
                if d > radius_m + CM {
                    prop_assert!(!returned.contains(&id), "{context}: id {id} at {d} m returned");
                }
            }
        }
    }
}
