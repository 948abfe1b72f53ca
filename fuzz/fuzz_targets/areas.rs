//! Hostile areas on one fixed, intact snapshot: polygons and multipolygons from city-sized to
//! globe-sized, across the antimeridian and over the poles, with holes, repeated and collinear
//! vertices, self-crossing rings, and raw coordinates (NaN, infinities, off the globe).
//! `Area::new` must accept or refuse with `InvalidParameter`, never panic; an accepted area
//! must give, through the kd-tree walk, exactly the hubs that `Area::contains` accepts one by
//! one and the filter keeps, and the nearest of them in order.
#![no_main]

use arbitrary::Arbitrary;
use geo::{Coord, LineString, MultiPolygon, Polygon};
use hubdex::{Area, Nearest, QueryError};
use hubdex_fuzz::fixed;
use hubdex_fuzz::params::{Degrees, FilterSpec};
use libfuzzer_sys::fuzz_target;

/// Polygons, rings of a polygon and vertices of a ring, at most.
const MAX_POLYGONS: usize = 4;
const MAX_RINGS: usize = 3;
const MAX_VERTICES: usize = 48;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Where the shape is drawn around.
    lat: Degrees,
    lon: Degrees,
    /// The size of a vertex step: `10^-(scale % 6)` degrees, times 1/100.
    scale: u8,
    polygons: Vec<Vec<Vec<Vertex>>>,
    filter: Option<FilterSpec>,
    k: u8,
}

#[derive(Arbitrary, Debug)]
enum Vertex {
    /// An offset from the centre, in steps.
    Near(i16, i16),
    /// Anywhere, valid or not.
    At(Degrees, Degrees),
}

fuzz_target!(|input: Input| {
    let snapshot = fixed::snapshot();
    let (lat, lon) = (input.lat.lat(), input.lon.lon());
    let step = 10f64.powi(-i32::from(input.scale % 6)) / 100.0;
    let ring = |vertices: &[Vertex]| -> LineString<f64> {
        vertices
            .iter()
            .take(MAX_VERTICES)
            .map(|vertex| match *vertex {
                Vertex::Near(dx, dy) => Coord {
                    x: lon + f64::from(dx) * step,
                    y: lat + f64::from(dy) * step,
                },
                Vertex::At(y, x) => Coord {
                    x: x.lon(),
                    y: y.lat(),
                },
            })
            .collect()
    };
    let polygons: Vec<Polygon<f64>> = input
        .polygons
        .iter()
        .take(MAX_POLYGONS)
        .filter_map(|rings| {
            let mut rings = rings.iter().take(MAX_RINGS).map(|r| ring(r));
            let exterior = rings.next()?;
            Some(Polygon::new(exterior, rings.collect()))
        })
        .collect();
    let area = match Area::new(MultiPolygon(polygons)) {
        Ok(area) => area,
        Err(QueryError::InvalidParameter { .. }) => return,
        Err(other) => panic!("Area::new failed with {other:?}, not InvalidParameter"),
    };

    // Every hub the area and the filter keep, one by one: the oracle.
    let built = input.filter.clone().unwrap_or_default().build(snapshot);
    let mut expected: Vec<u64> = snapshot
        .iter()
        .filter(|hub| area.contains(hub.lat(), hub.lon()) && built.keeps(hub))
        .map(|hub| hub.id())
        .collect();
    expected.sort_unstable();
    let found: Vec<u64> = snapshot
        .hubs_in_area(&area, &built.filter)
        .expect("an intact snapshot answers")
        .iter()
        .map(|hub| hub.id())
        .collect();
    assert_eq!(found, expected, "hubs_in_area differs from Area::contains");

    // The nearest of them to the centre, if the centre is a valid point: a prefix of all of
    // them by (distance, id), distances as the snapshot reports them.
    if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
        return;
    }
    let k = usize::from(input.k % 32);
    let query = Nearest::new(lat, lon).k(k).filter(built.filter.clone());
    let hits = snapshot
        .nearest_in_area(&query, &area)
        .expect("a valid query answers");
    assert_eq!(hits.len(), k.min(expected.len()), "nearest_in_area length");
    let mut all: Vec<(f64, u64)> = snapshot
        .iter()
        .filter(|hub| expected.binary_search(&hub.id()).is_ok())
        .map(|hub| (hubdex::distance_m(lat, lon, hub.lat(), hub.lon()), hub.id()))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (hit, &(distance, _)) in hits.iter().zip(&all) {
        assert!(expected.binary_search(&hit.id).is_ok(), "a hit outside the area");
        // Same rank, same distance up to the index's quantisation.
        assert!(
            (hit.distance_m - distance).abs() <= 0.01,
            "hit {} at {} m where the oracle has {} m",
            hit.id,
            hit.distance_m,
            distance
        );
    }
});
