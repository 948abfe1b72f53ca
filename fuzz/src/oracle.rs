//! A brute-force oracle and the documented exactness rule (tests/oracle.rs has the full
//! version; this one is compact and panics with the same meaning).
//!
//! The oracle measures every hub from its stored coordinates with [`hubdex::distance_m`] and
//! sorts by (distance, id). An answer must hold the same hubs in the same order, except that
//! hubs whose distances differ by less than [`CM`] may trade places, and a hub within [`CM`]
//! of a radius may fall on either side of it.

use std::collections::{HashMap, HashSet};

use hubdex::h3o::{CellIndex, LatLng};
use hubdex::{distance_m, Hit, HubRef, Snapshot};

/// The exactness tolerance: one centimetre.
pub const CM: f64 = 0.01;

/// (oracle distance in metres, id), sorted by distance then id.
pub type Oracle = Vec<(f64, u64)>;

/// Every hub `keep` keeps, measured from `(lat, lon)`, sorted by (distance, id).
pub fn oracle<B: AsRef<[u8]>>(
    snapshot: &Snapshot<B>,
    lat: f64,
    lon: f64,
    keep: impl Fn(&HubRef<'_>) -> bool,
) -> Oracle {
    let mut measured: Oracle = snapshot
        .iter()
        .filter(|hub| keep(hub))
        .map(|hub| (distance_m(lat, lon, hub.lat(), hub.lon()), hub.id()))
        .collect();
    measured.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    measured
}

/// The answer to "the `k` nearest within `radius_m`" (`None`: no radius), checked against the
/// oracle of the same point and filter.
pub fn check_nearest(got: &[Hit], oracle: &[(f64, u64)], k: usize, radius_m: Option<f64>) {
    let Some(radius_m) = radius_m else {
        return assert_matches(got, oracle, k);
    };
    // Hubs surely within the radius, and those that may be (within a centimetre beyond).
    let sure = oracle.partition_point(|entry| entry.0 < radius_m - CM);
    let maybe = oracle.partition_point(|entry| entry.0 <= radius_m + CM);
    let allowed = k.min(sure)..=k.min(maybe);
    assert!(
        allowed.contains(&got.len()),
        "{} hits, expected {allowed:?} ({sure} hubs surely within {radius_m} m, {maybe} within \
         1 cm more)",
        got.len()
    );
    assert_matches(got, &oracle[..maybe], got.len());
}

/// The first `k` entries of the oracle, up to the tolerance.
pub fn assert_matches(got: &[Hit], oracle: &[(f64, u64)], k: usize) {
    let k = k.min(oracle.len());
    assert_eq!(got.len(), k, "number of hits");
    if k == 0 {
        return;
    }
    let boundary = oracle[k - 1].0;
    // Only hubs up to the boundary plus 2 cm can be valid hits.
    let reach = oracle.partition_point(|entry| entry.0 <= boundary + 2.0 * CM);
    let distance_of: HashMap<u64, f64> = oracle[..reach].iter().map(|&(d, id)| (id, d)).collect();

    for (i, hit) in got.iter().enumerate() {
        let (want, want_id) = oracle[i];
        assert!(
            (hit.distance_m - want).abs() < CM,
            "hit {i} is id {} at {} m; the oracle's hit {i} is id {want_id} at {want} m",
            hit.id,
            hit.distance_m
        );
        let own = distance_of.get(&hit.id).unwrap_or_else(|| {
            panic!(
                "hit {i}, id {}, is not a hub the oracle has near that rank",
                hit.id
            )
        });
        assert!(
            (hit.distance_m - own).abs() < CM,
            "id {} reported at {} m, the oracle measures {own} m",
            hit.id,
            hit.distance_m
        );
    }
    let got_ids: HashSet<u64> = got.iter().map(|hit| hit.id).collect();
    assert_eq!(got_ids.len(), got.len(), "an id is returned twice");
    // Every hub clearly nearer than the k-th is there...
    for &(d, id) in oracle.iter().take_while(|entry| entry.0 < boundary - CM) {
        assert!(
            got_ids.contains(&id),
            "id {id} at {d} m is missing (the k-th is at {boundary} m)"
        );
    }
    // ...and hubs beyond the oracle's first k only replace ties at the boundary.
    let prefix: HashSet<u64> = oracle[..k].iter().map(|entry| entry.1).collect();
    for hit in got.iter().filter(|hit| !prefix.contains(&hit.id)) {
        let d = distance_of[&hit.id];
        assert!(
            (d - boundary).abs() < CM,
            "id {} at {d} m replaces a hub of the oracle's first {k} (the last at {boundary} m)",
            hit.id
        );
    }
    assert_sorted(got);
}

/// An unordered within answer: the same set as the oracle's hubs within the radius, up to
/// hubs within a centimetre of it.
pub fn check_unordered(got: &[Hit], oracle: &[(f64, u64)], radius_m: f64) {
    let distance_of: HashMap<u64, f64> = oracle.iter().map(|&(d, id)| (id, d)).collect();
    let got_ids: HashSet<u64> = got.iter().map(|hit| hit.id).collect();
    assert_eq!(got_ids.len(), got.len(), "an id is returned twice");
    for hit in got {
        let own = distance_of
            .get(&hit.id)
            .unwrap_or_else(|| panic!("id {} is not a hub the filter keeps", hit.id));
        assert!(
            *own <= radius_m + CM,
            "id {} at {own} m is beyond {radius_m} m",
            hit.id
        );
        assert!(
            (hit.distance_m - own).abs() < CM,
            "id {} reported at {} m, the oracle measures {own} m",
            hit.id,
            hit.distance_m
        );
    }
    for &(d, id) in oracle.iter().take_while(|entry| entry.0 < radius_m - CM) {
        assert!(
            got_ids.contains(&id),
            "id {id} at {d} m is missing (radius {radius_m} m)"
        );
    }
}

/// Distances never decrease (ties broken by id are equal distances).
pub fn assert_sorted(got: &[Hit]) {
    for (i, pair) in got.windows(2).enumerate() {
        assert!(
            pair[1].distance_m >= pair[0].distance_m - 1e-9,
            "hit {} (id {}, {} m) after hit {i} (id {}, {} m)",
            i + 1,
            pair[1].id,
            pair[1].distance_m,
            pair[0].id,
            pair[0].distance_m
        );
    }
}

/// The ids of the hubs `keep` keeps whose stored coordinates `h3o` puts in `cell`, ascending.
pub fn cell_oracle<B: AsRef<[u8]>>(
    snapshot: &Snapshot<B>,
    cell: CellIndex,
    keep: impl Fn(&HubRef<'_>) -> bool,
) -> Vec<u64> {
    let mut ids: Vec<u64> = snapshot
        .iter()
        .filter(|hub| keep(hub))
        .filter(|hub| {
            LatLng::new(hub.lat(), hub.lon())
                .is_ok_and(|point| point.to_cell(cell.resolution()) == cell)
        })
        .map(|hub| hub.id())
        .collect();
    ids.sort_unstable();
    ids
}
