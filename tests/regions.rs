//! Polygons, hex aggregates, smart radius and the members and state filters against
//! brute-force oracles.
//!
//! The oracles look at every hub of the snapshot: rectangles and rectangles with holes are
//! decided by comparing latitudes and longitudes (independent of any polygon code), other
//! polygons by `geo`'s own `Intersects` on each hub; distances come from
//! [`hubdex::distance_m`] on stored coordinates; hex figures from each hub's own H3 cell and
//! health.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use geo::{Coord, Intersects, LineString, MultiPolygon, Polygon, Rect};
use hubdex::activity::HealthState;
use hubdex::generate::Generator;
use hubdex::h3o::{LatLng, Resolution};
use hubdex::{
    distance_m, AlignedBytes, Area, Event, Filter, Hit, HubRef, Nearest, Ranked, Snapshot,
    SnapshotBuilder, Widening, Within,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const AS_OF: i64 = 1_767_225_600;
const DAY: i64 = 86_400;
const CM: f64 = 0.01;

type Snap = Snapshot<AlignedBytes>;

/// Hubs around a few cities, spread over the globe, along the antimeridian and near both
/// poles; events over a year before and 90 days after `AS_OF`.
fn world(seed: u64) -> Snap {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut hubs = Generator::new(seed).top_cities(8).hubs(3_000);
    let mut next_id = 1_000_000;
    let mut add = |lat: f64, lon: f64, hubs: &mut Vec<hubdex::Hub>| {
        next_id += 1;
        let mut hub = hubdex::Hub::new(next_id, "Spread", lat, lon);
        hub.members = (next_id % 300) as u32;
        hubs.push(hub);
    };
    for _ in 0..800 {
        let lat = rng.random_range(-1.0f64..1.0).asin().to_degrees();
        add(lat, rng.random_range(-180.0..180.0), &mut hubs);
    }
    for _ in 0..400 {
        let lon: f64 =
            if rng.random_bool(0.5) { 179.0 } else { -179.0 } + rng.random_range(-1.0..1.0);
        add(
            rng.random_range(-20.0..20.0),
            lon.clamp(-180.0, 180.0),
            &mut hubs,
        );
    }
    for _ in 0..200 {
        let lat: f64 =
            if rng.random_bool(0.5) { 88.0 } else { -88.0 } + rng.random_range(-2.0..2.0);
        add(
            lat.clamp(-90.0, 90.0),
            rng.random_range(-180.0..180.0),
            &mut hubs,
        );
    }
    let mut builder = SnapshotBuilder::new();
    builder.as_of(AS_OF);
    for hub in &hubs {
        builder.add_hub(hub.clone()).unwrap();
    }
    let mut id = 0;
    for hub in &hubs {
        for _ in 0..rng.random_range(0..4) {
            id += 1;
            let dormant = hub.id % 5 == 0;
            let latest = if dormant { -120 * DAY } else { 90 * DAY };
            let start = AS_OF + rng.random_range(-365 * DAY..latest);
            let mut event = Event::new(id, hub.id, "Meetup", start);
            event.rsvps = rng.random_range(0..40);
            builder.add_event(event).unwrap();
        }
    }
    Snapshot::from_bytes(builder.to_bytes().unwrap()).unwrap()
}

fn ids(hubs: &[HubRef<'_>]) -> Vec<u64> {
    hubs.iter().map(HubRef::id).collect()
}

fn oracle_ids(snapshot: &Snap, keep: impl Fn(&HubRef<'_>) -> bool) -> Vec<u64> {
    let mut ids: Vec<u64> = snapshot
        .iter()
        .filter(|h| keep(h))
        .map(|h| h.id())
        .collect();
    ids.sort_unstable();
    ids
}

fn rect(west: f64, south: f64, east: f64, north: f64) -> Polygon<f64> {
    Rect::new(Coord { x: west, y: south }, Coord { x: east, y: north }).to_polygon()
}

/// A star-shaped polygon of `n` vertices around a centre, radii in degrees.
fn star(rng: &mut ChaCha8Rng, lat: f64, lon: f64, n: usize, size: f64) -> Polygon<f64> {
    let ring: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            let angle = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = size * rng.random_range(0.4..1.0);
            Coord {
                x: lon + r * angle.cos(),
                y: (lat + r * angle.sin()).clamp(-89.9, 89.9),
            }
        })
        .collect();
    Polygon::new(LineString(ring), vec![])
}

#[test]
fn rectangles_match_coordinate_comparisons() {
    let snapshot = world(1);
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for _ in 0..60 {
        let hub = snapshot
            .hub_at(rng.random_range(0..snapshot.hub_count() as u32))
            .unwrap();
        let (w, e) = (
            hub.lon() - rng.random_range(0.0..2.0),
            hub.lon() + rng.random_range(0.0..2.0),
        );
        let (s, n) = (
            hub.lat() - rng.random_range(0.0..1.0),
            hub.lat() + rng.random_range(0.0..1.0),
        );
        let (w, e, s, n) = (w.max(-180.0), e.min(180.0), s.max(-90.0), n.min(90.0));
        let area = Area::new(rect(w, s, e, n)).unwrap();
        let got = snapshot.hubs_in_area(&area, &Filter::new()).unwrap();
        let want = oracle_ids(&snapshot, |h| {
            (w..=e).contains(&h.lon()) && (s..=n).contains(&h.lat())
        });
        assert_eq!(ids(&got), want, "box {w} {s} {e} {n}");
        assert!(want.contains(&hub.id()));
    }
}

#[test]
fn boxes_across_the_antimeridian_in_both_spellings() {
    let snapshot = world(2);
    let want = oracle_ids(&snapshot, |h| {
        h.lon().abs() >= 178.5 && h.lat().abs() <= 10.0
    });
    assert!(want.len() > 50, "{} hubs", want.len());
    // A box given by its bounds, one with a jump from 178.5 to -178.5, one unwrapped to 181.5.
    let by_bounds = Area::from_bbox(178.5, -10.0, -178.5, 10.0).unwrap();
    let jump = Polygon::new(
        LineString::from(vec![
            (178.5, -10.0),
            (-178.5, -10.0),
            (-178.5, 10.0),
            (178.5, 10.0),
        ]),
        vec![],
    );
    let unwrapped = rect(178.5, -10.0, 181.5, 10.0);
    for area in [
        by_bounds,
        Area::new(jump).unwrap(),
        Area::new(unwrapped).unwrap(),
    ] {
        let got = snapshot.hubs_in_area(&area, &Filter::new()).unwrap();
        assert_eq!(ids(&got), want);
    }
}

#[test]
fn holes_and_multipolygons() {
    let snapshot = world(3);
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    for _ in 0..20 {
        let hub = snapshot
            .hub_at(rng.random_range(0..snapshot.hub_count() as u32))
            .unwrap();
        let (lat, lon) = (hub.lat().clamp(-80.0, 80.0), hub.lon().clamp(-170.0, 170.0));
        let outer = rect(lon - 1.0, lat - 1.0, lon + 1.0, lat + 1.0);
        let hole = rect(lon - 0.3, lat - 0.3, lon + 0.3, lat + 0.3);
        let with_hole = Polygon::new(outer.exterior().clone(), vec![hole.exterior().clone()]);
        let far = rect(lon + 3.0, lat - 0.5, lon + 4.0, lat + 0.5);
        let area = Area::new(MultiPolygon(vec![with_hole, far])).unwrap();
        let got = snapshot.hubs_in_area(&area, &Filter::new()).unwrap();
        let within = |h: &HubRef<'_>, w: f64, s: f64, e: f64, n: f64| {
            (w..=e).contains(&h.lon()) && (s..=n).contains(&h.lat())
        };
        let want = oracle_ids(&snapshot, |h| {
            let in_ring = within(h, lon - 1.0, lat - 1.0, lon + 1.0, lat + 1.0);
            // Strictly inside the hole is out; its boundary belongs to the polygon.
            let in_hole = h.lon() > lon - 0.3
                && h.lon() < lon + 0.3
                && h.lat() > lat - 0.3
                && h.lat() < lat + 0.3;
            (in_ring && !in_hole) || within(h, lon + 3.0, lat - 0.5, lon + 4.0, lat + 0.5)
        });
        assert_eq!(ids(&got), want, "around {lat} {lon}");
    }
}

#[test]
fn irregular_polygons_with_filters_match_geo() {
    let snapshot = world(4);
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    let members = 120;
    for round in 0..40 {
        let hub = snapshot
            .hub_at(rng.random_range(0..snapshot.hub_count() as u32))
            .unwrap();
        let size = [0.05, 0.3, 2.0, 10.0][round % 4];
        let polygon = star(&mut rng, hub.lat(), hub.lon(), 5 + round * 3, size);
        let area = Area::new(polygon.clone()).unwrap();
        let oracle_polygon = shifted_copies(&polygon);
        let inside = |h: &HubRef<'_>| {
            oracle_polygon.intersects(&Coord {
                x: h.lon(),
                y: h.lat(),
            })
        };

        let got = snapshot.hubs_in_area(&area, &Filter::new()).unwrap();
        assert_eq!(ids(&got), oracle_ids(&snapshot, inside), "round {round}");

        let filter = Filter::new()
            .min_members(members)
            .states([HealthState::Active]);
        let got = snapshot.hubs_in_area(&area, &filter).unwrap();
        let active = |h: &HubRef<'_>| {
            let health = snapshot.health_at(h.position()).unwrap();
            inside(h) && h.members() >= members && health.state == HealthState::Active
        };
        assert_eq!(
            ids(&got),
            oracle_ids(&snapshot, active),
            "round {round}, filtered"
        );
    }
}

/// `Area::contains` decides most points from a grid and the rest with exact orientation
/// tests; `geo`'s `Intersects` is the oracle, on the points where the two are likeliest to
/// part: vertices, points along edges, points on the grid's lines, and random points.
#[test]
fn contains_matches_geo_on_vertices_edges_and_grid_lines() {
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let mut checked = 0usize;
    for round in 0..300 {
        let (lat, lon) = (
            rng.random_range(-60.0..60.0),
            rng.random_range(-165.0..165.0),
        );
        let size = [0.01, 0.2, 3.0][round % 3];
        let n = rng.random_range(3..60);
        let outer = star(&mut rng, lat, lon, n, size);
        let polygon = if round % 2 == 0 {
            let sides = rng.random_range(3..20);
            let hole = star(&mut rng, lat, lon, sides, size * 0.3);
            Polygon::new(outer.exterior().clone(), vec![hole.exterior().clone()])
        } else if round % 5 == 1 {
            // Axis-aligned edges lie on the grid's lines and its outer cells.
            rect(lon - size, lat - size, lon + size, lat + size)
        } else {
            outer
        };
        let area = Area::new(polygon.clone()).unwrap();
        let mut points: Vec<Coord<f64>> = Vec::new();
        let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
        for ring in rings {
            for line in ring.lines() {
                for k in 0..8 {
                    let t = f64::from(k) / 7.0;
                    points.push(Coord {
                        x: line.start.x + t * (line.end.x - line.start.x),
                        y: line.start.y + t * (line.end.y - line.start.y),
                    });
                }
            }
        }
        let (mut west, mut south, mut east, mut north) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for c in &polygon.exterior().0 {
            (west, south, east, north) =
                (west.min(c.x), south.min(c.y), east.max(c.x), north.max(c.y));
        }
        for i in 0..=128 {
            let x = west + (east - west) * f64::from(i) / 128.0;
            let y = south + (north - south) * f64::from(i) / 128.0;
            points.push(Coord {
                x,
                y: rng.random_range(south..=north),
            });
            points.push(Coord {
                x: rng.random_range(west..=east),
                y,
            });
        }
        for _ in 0..500 {
            points.push(Coord {
                x: rng.random_range(west - size * 0.1..=east + size * 0.1),
                y: rng.random_range(south - size * 0.1..=north + size * 0.1),
            });
        }
        for point in points {
            assert_eq!(
                area.contains(point.y, point.x),
                polygon.intersects(&point),
                "round {round}: ({}, {})",
                point.x,
                point.y
            );
            checked += 1;
        }
    }
    assert!(checked > 100_000, "{checked}");
}

/// The polygon and its copies shifted by ±360°, for an oracle that tests plain longitudes.
fn shifted_copies(polygon: &Polygon<f64>) -> MultiPolygon<f64> {
    let shift = |by: f64| {
        let ring = polygon.exterior().0.iter().map(|c| Coord {
            x: c.x + by,
            y: c.y,
        });
        Polygon::new(LineString(ring.collect()), vec![])
    };
    MultiPolygon(vec![shift(-360.0), shift(0.0), shift(360.0)])
}

#[test]
fn nearest_and_ranked_inside_an_area() {
    let snapshot = world(5);
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    for round in 0..30 {
        let hub = snapshot
            .hub_at(rng.random_range(0..snapshot.hub_count() as u32))
            .unwrap();
        let polygon = star(
            &mut rng,
            hub.lat(),
            hub.lon(),
            12,
            [0.1, 1.0, 5.0][round % 3],
        );
        let oracle_polygon = shifted_copies(&polygon);
        let area = Area::new(polygon).unwrap();
        let (lat, lon) = (hub.lat() + 0.01, hub.lon());
        let lat = lat.min(90.0);

        let k = [1, 10, 50][round % 3];
        let got = snapshot
            .nearest_in_area(&Nearest::new(lat, lon).k(k), &area)
            .unwrap();
        let mut want: Vec<(f64, u64)> = snapshot
            .iter()
            .filter(|h| {
                oracle_polygon.intersects(&Coord {
                    x: h.lon(),
                    y: h.lat(),
                })
            })
            .map(|h| (distance_m(lat, lon, h.lat(), h.lon()), h.id()))
            .collect();
        want.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        want.truncate(k);
        assert_close(&got, &want, round);

        // Ranked in the area: the plain ranked answer over the radius, kept to the area.
        let query = Ranked::new(lat, lon, 300_000.0).k(10);
        let got = snapshot.ranked_in_area(&query, &area).unwrap();
        let everything = snapshot
            .ranked(&query.clone().k(snapshot.hub_count()))
            .unwrap();
        let want: Vec<u64> = everything
            .hits
            .iter()
            .filter(|hit| {
                let h = snapshot.hub_at(hit.position).unwrap();
                oracle_polygon.intersects(&Coord {
                    x: h.lon(),
                    y: h.lat(),
                })
            })
            .take(10)
            .map(|hit| hit.id)
            .collect();
        let got_ids: Vec<u64> = got.hits.iter().map(|hit| hit.id).collect();
        assert_eq!(got_ids, want, "ranked round {round}");

        // Its cursor pages on through the rest.
        if let Some(cursor) = got.next {
            let page = snapshot
                .ranked_in_area(&query.clone().after(cursor), &area)
                .unwrap();
            let rest: Vec<u64> = everything
                .hits
                .iter()
                .filter(|hit| {
                    let h = snapshot.hub_at(hit.position).unwrap();
                    oracle_polygon.intersects(&Coord {
                        x: h.lon(),
                        y: h.lat(),
                    })
                })
                .skip(10)
                .take(10)
                .map(|hit| hit.id)
                .collect();
            assert_eq!(page.hits.iter().map(|hit| hit.id).collect::<Vec<_>>(), rest);
        }
    }
}

fn assert_close(got: &[Hit], want: &[(f64, u64)], round: usize) {
    assert_eq!(got.len(), want.len(), "round {round}");
    for (hit, &(d, id)) in got.iter().zip(want) {
        assert!(
            (hit.distance_m - d).abs() < CM,
            "round {round}: {} vs {d}",
            hit.distance_m
        );
        if hit.id != id {
            // Only hubs within a centimetre of each other may trade places.
            let other = want.iter().find(|w| w.1 == hit.id).expect("a wanted id");
            assert!(
                (other.0 - d).abs() < CM,
                "round {round}: {} for {id}",
                hit.id
            );
        }
    }
}

#[test]
fn hexbins_match_each_hubs_own_cell() {
    let snapshot = world(6);
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    for round in 0..12 {
        let hub = loop {
            let hub = snapshot
                .hub_at(rng.random_range(0..snapshot.hub_count() as u32))
                .unwrap();
            if hub.lat().abs() < 80.0 {
                break hub;
            }
        };
        let res = Resolution::try_from([3u8, 5, 7, 8][round % 4]).unwrap();
        let size: f64 = [3.0, 0.5, 0.1, 0.05][round % 4];
        let (lat, lon) = (hub.lat(), hub.lon());
        let (w, e) = (lon - size, lon + size);
        let (w, e) = (
            if w < -180.0 { w + 360.0 } else { w },
            if e > 180.0 { e - 360.0 } else { e },
        );
        let area = Area::from_bbox(w, lat - size, e, lat + size).unwrap();
        let bins = snapshot.hexbins(&area, res, 100_000).unwrap();
        assert!(!bins.is_empty(), "round {round}");

        let mut oracle: BTreeMap<u64, (u32, u32, u32, f64)> = BTreeMap::new();
        for h in snapshot.iter() {
            let cell = LatLng::new(h.lat(), h.lon())
                .unwrap()
                .to_cell(Resolution::Fifteen);
            let parent = cell.parent(res).unwrap();
            let health = snapshot.health_at(h.position()).unwrap();
            let entry = oracle.entry(u64::from(parent)).or_default();
            entry.0 += 1;
            entry.1 += u32::from(health.state == HealthState::Active);
            entry.2 += u32::from(health.upcoming_90_days);
            entry.3 += health.activity;
        }
        for bin in &bins {
            let want = oracle[&u64::from(bin.cell)];
            assert_eq!(
                (bin.hubs, bin.active_hubs, bin.upcoming_events),
                (want.0, want.1, want.2)
            );
            assert!(
                (bin.activity - want.3).abs() < 1e-6 * want.3.max(1.0),
                "round {round}"
            );
        }
        // The cells are exactly those holding a hub inside the box.
        let got: Vec<u64> = bins.iter().map(|b| u64::from(b.cell)).collect();
        let mut want: Vec<u64> = snapshot
            .iter()
            .filter(|h| {
                let dlon = (h.lon() - lon + 540.0) % 360.0 - 180.0;
                (h.lat() - lat).abs() <= size && dlon.abs() <= size
            })
            .map(|h| {
                let cell = LatLng::new(h.lat(), h.lon())
                    .unwrap()
                    .to_cell(Resolution::Fifteen);
                u64::from(cell.parent(res).unwrap())
            })
            .collect();
        want.sort_unstable();
        want.dedup();
        // Hubs within rounding of the box's edges may go either way: compare away from them.
        let edge = |h: &HubRef<'_>| {
            let dlon = (h.lon() - lon + 540.0) % 360.0 - 180.0;
            ((h.lat() - lat).abs() - size).abs() < 1e-9 || (dlon.abs() - size).abs() < 1e-9
        };
        if !snapshot.iter().any(|h| edge(&h)) {
            assert_eq!(got, want, "round {round}");
        }
    }
    // A bound on the answer's size is enforced.
    let world_box = Area::from_bbox(-180.0, -80.0, 180.0, 80.0).unwrap();
    assert!(snapshot.hexbins(&world_box, Resolution::Nine, 100).is_err());
}

#[test]
fn widening_settles_on_the_first_radius_that_holds_k() {
    let snapshot = world(7);
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    for round in 0..60 {
        let lat = rng.random_range(-1.0f64..1.0).asin().to_degrees();
        let lon = rng.random_range(-180.0..180.0);
        let k = [1, 5, 20][round % 3];
        let (first, max) = (500.0, [20_000.0, 500_000.0, 5_000_000.0][round % 3]);
        let filter = if round % 2 == 0 {
            Filter::new().states([HealthState::Active])
        } else {
            Filter::new().min_members(150)
        };
        let query = Widening::new(lat, lon, first, max)
            .k(k)
            .filter(filter.clone());
        let got = snapshot.nearest_widening(&query).unwrap();

        // The oracle asks each radius in turn, measuring every hub.
        let keep = |h: &HubRef<'_>| {
            let health = snapshot.health_at(h.position()).unwrap();
            if round % 2 == 0 {
                health.state == HealthState::Active
            } else {
                h.members() >= 150
            }
        };
        let mut measured: Vec<(f64, u64)> = snapshot
            .iter()
            .filter(|h| keep(h))
            .map(|h| (distance_m(lat, lon, h.lat(), h.lon()), h.id()))
            .collect();
        measured.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut radius = first;
        loop {
            let held = measured.iter().filter(|m| m.0 <= radius).count();
            if held >= k || radius >= max {
                break;
            }
            radius = (radius * 2.0).min(max);
        }
        let want: Vec<(f64, u64)> = measured
            .iter()
            .filter(|m| m.0 <= radius)
            .take(k)
            .copied()
            .collect();
        // A hub within a centimetre of a radius may fall on either side: skip such rounds.
        let near_edge = measured.iter().any(|m| (m.0 - radius).abs() < CM);
        if near_edge {
            continue;
        }
        assert_eq!(got.radius_m, radius, "round {round}");
        assert_eq!(got.complete, want.len() == k, "round {round}");
        assert_close(&got.hits, &want, round);
    }
}

#[test]
fn members_and_state_filters_inside_nearest_and_within() {
    let snapshot = world(8);
    let mut rng = ChaCha8Rng::seed_from_u64(18);
    for round in 0..40 {
        let hub = snapshot
            .hub_at(rng.random_range(0..snapshot.hub_count() as u32))
            .unwrap();
        let (lat, lon) = (hub.lat(), hub.lon());
        let states = [
            [HealthState::Dormant].as_slice(),
            &[HealthState::New, HealthState::Active],
        ][round % 2];
        let filter = Filter::new().min_members(50).states(states.iter().copied());
        let keep = |h: &HubRef<'_>| {
            let health = snapshot.health_at(h.position()).unwrap();
            h.members() >= 50 && states.contains(&health.state)
        };
        let mut measured: Vec<(f64, u64)> = snapshot
            .iter()
            .filter(|h| keep(h))
            .map(|h| (distance_m(lat, lon, h.lat(), h.lon()), h.id()))
            .collect();
        measured.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

        let got = snapshot
            .nearest(&Nearest::new(lat, lon).k(15).filter(filter.clone()))
            .unwrap();
        assert_close(&got, &measured[..15.min(measured.len())], round);

        let radius = 200_000.0;
        let page = snapshot
            .within(&Within::new(lat, lon, radius).filter(filter))
            .unwrap();
        let want: Vec<(f64, u64)> = measured.iter().filter(|m| m.0 <= radius).copied().collect();
        if measured.iter().any(|m| (m.0 - radius).abs() < CM) {
            continue;
        }
        assert_close(&page.hits, &want, round);
    }
}

#[test]
fn bad_areas_are_refused() {
    let pole = Polygon::new(
        LineString::from(vec![
            (-180.0, 80.0),
            (-60.0, 80.0),
            (60.0, 80.0),
            (180.0, 80.0),
        ]),
        vec![],
    );
    assert!(Area::new(pole).is_err());
    let nan = Polygon::new(
        LineString::from(vec![(0.0, 0.0), (f64::NAN, 1.0), (1.0, 0.0)]),
        vec![],
    );
    assert!(Area::new(nan).is_err());
    let line = Polygon::new(
        LineString::from(vec![(0.0, 0.0), (1.0, 1.0), (0.0, 0.0)]),
        vec![],
    );
    assert!(Area::new(line).is_err());
    assert!(Area::new(rect(0.0, 0.0, 1.0, 91.0)).is_err());
    assert!(Area::from_bbox(0.0, 10.0, 1.0, 5.0).is_err());
    assert!(Area::from_bbox(f64::INFINITY, 0.0, 1.0, 5.0).is_err());
    let query = Widening::new(0.0, 0.0, 0.0, 10.0);
    let snapshot = world(9);
    assert!(snapshot.nearest_widening(&query).is_err());
    assert!(snapshot
        .nearest_widening(&Widening::new(0.0, 0.0, 10.0, 5.0))
        .is_err());
    let query = Widening::new(0.0, 0.0, 10.0, 50.0).factor(1.0);
    assert!(snapshot.nearest_widening(&query).is_err());
}
