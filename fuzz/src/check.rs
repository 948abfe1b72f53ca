//! Invariants of answers that need no oracle.
//!
//! [`hits_are_hubs`] and [`cell_hubs_are_in_cell`] hold on any snapshot that opened, even a
//! damaged one: they only relate an answer to the columns it was read from. [`spot_check`]
//! holds on intact snapshots.

use std::collections::HashSet;

use hubdex::h3o::{CellIndex, LatLng};
use hubdex::{Hit, HubRef, Snapshot};

use crate::oracle::{assert_sorted, CM};
use crate::params::{BuiltFilter, HALF_TURN_M};

/// At most `max` hits, at distinct positions, each the position of a hub with the hit's id
/// that the filter keeps.
pub fn hits_are_hubs<B: AsRef<[u8]>>(
    snapshot: &Snapshot<B>,
    hits: &[Hit],
    max: usize,
    filter: &BuiltFilter,
) {
    assert!(
        hits.len() <= max,
        "{} hits, at most {max} asked for",
        hits.len()
    );
    let mut positions = HashSet::with_capacity(hits.len());
    for hit in hits {
        assert!(
            positions.insert(hit.position),
            "position {} returned twice",
            hit.position
        );
        let hub = snapshot
            .hub_at(hit.position)
            .unwrap_or_else(|| panic!("hit at position {} has no hub", hit.position));
        assert_eq!(
            hub.id(),
            hit.id,
            "hit at position {} has another id",
            hit.position
        );
        assert!(filter.keeps(&hub), "id {} does not pass the filter", hit.id);
    }
}

/// Every hub of a `hubs_in_cell` answer is in the cell by its stored coordinates, passes the
/// filter, and they come by ascending id.
pub fn cell_hubs_are_in_cell(hubs: &[HubRef<'_>], cell: CellIndex, filter: &BuiltFilter) {
    for hub in hubs {
        let inside = LatLng::new(hub.lat(), hub.lon())
            .is_ok_and(|point| point.to_cell(cell.resolution()) == cell);
        assert!(
            inside,
            "id {} ({}, {}) is not in {cell}",
            hub.id(),
            hub.lat(),
            hub.lon()
        );
        assert!(
            filter.keeps(hub),
            "id {} does not pass the filter",
            hub.id()
        );
    }
    for pair in hubs.windows(2) {
        assert!(
            pair[0].id() <= pair[1].id(),
            "ids {} then {}",
            pair[0].id(),
            pair[1].id()
        );
    }
}

/// On an intact snapshot: distances are on the sphere, in order unless `sorted` is false, and
/// within the radius (up to the centimetre tolerance).
pub fn spot_check(hits: &[Hit], radius_m: Option<f64>, sorted: bool) {
    for hit in hits {
        assert!(
            (0.0..=HALF_TURN_M + CM).contains(&hit.distance_m),
            "id {} at {} m is not a distance on the sphere",
            hit.id,
            hit.distance_m
        );
        if let Some(radius_m) = radius_m {
            assert!(
                hit.distance_m <= radius_m + CM,
                "id {} at {} m is beyond the radius {radius_m} m",
                hit.id,
                hit.distance_m
            );
        }
    }
    if sorted {
        assert_sorted(hits);
    }
}
