//! [`Area`]: a polygon or multipolygon prepared for queries: its rings unwrapped across the
//! antimeridian, its H3 cover, and the tests the polygon queries ask of it.

use geo::algorithm::coordinate_position::{coord_pos_relative_to_ring, CoordPos};
use geo::{Coord, LineString, MultiPolygon, Polygon, Rect};
use h3o::{CellIndex, LatLng, Resolution};

use crate::error::QueryError;
use crate::sphere::EARTH_RADIUS_M;

/// Most vertices an area may have, over all its rings: a bound on the work of one test.
pub const MAX_AREA_VERTICES: usize = 100_000;

/// A polygon or multipolygon in degrees (`x` longitude, `y` latitude), prepared for the
/// polygon queries ([`Snapshot::hubs_in_area`](crate::Snapshot::hubs_in_area) and the ones
/// built on it) and for [`Snapshot::hexbins`](crate::Snapshot::hexbins).
///
/// Edges are straight lines in longitude and latitude, as in GeoJSON. A point is in the area
/// when it lies inside or on the boundary of an outer ring and not strictly inside one of that
/// polygon's holes. A ring whose consecutive vertices are more than 180° of longitude apart is
/// taken to cross the antimeridian the short way, and longitudes up to ±360° are accepted, so
/// both `[179, …], [-179, …]` and `[179, …], [181, …]` describe the same band around it.
/// Preparing an area computes its H3 cover (the cells that can hold its hubs) once; reuse it
/// across queries.
#[derive(Clone, Debug)]
pub struct Area {
    /// Rings unwrapped so that no edge spans more than 180° of longitude.
    polygons: Vec<Polygon<f64>>,
    /// Every edge of every ring, for the rectangle test.
    edges: Vec<[f64; 4]>,
    bounds: [f64; 4],
    /// Longitude shifts (multiples of 360) under which a point may fall in `bounds`.
    shifts: Vec<f64>,
    cover: Vec<CellIndex>,
}

/// Where a rectangle lies relative to an area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Inside,
    Outside,
    Crossing,
}

impl Area {
    /// Prepares an area; `geo::Polygon`, `geo::MultiPolygon` and `geo::Rect` convert into it.
    ///
    /// # Errors
    ///
    /// [`QueryError::InvalidParameter`] for a coordinate that is not finite, a latitude
    /// beyond ±90°, a longitude beyond ±360°, a ring of fewer than three distinct vertices, a
    /// ring that winds around a pole (split it into parts that do not), or more than
    /// [`MAX_AREA_VERTICES`] vertices.
    pub fn new(area: impl Into<MultiPolygon<f64>>) -> Result<Area, QueryError> {
        let area = area.into();
        let vertices: usize = area
            .iter()
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum();
        if vertices > MAX_AREA_VERTICES {
            return Err(invalid("area", vertices, "at most 100000 vertices"));
        }
        let polygons = area
            .iter()
            .map(unwrap_polygon)
            .collect::<Result<Vec<_>, _>>()?;
        let edges = polygons.iter().flat_map(polygon_edges).collect();
        let bounds = bounds_of(&polygons);
        let shifts = [-360.0, 0.0, 360.0]
            .into_iter()
            .filter(|shift| bounds[2] >= -180.0 + shift && bounds[0] <= 180.0 + shift)
            .collect();
        let cover = cover(&bounds);
        Ok(Area {
            polygons,
            edges,
            bounds,
            shifts,
            cover,
        })
    }

    /// The area between two meridians and two parallels: `west`, `south`, `east`, `north` in
    /// degrees. `west > east` is a box across the antimeridian.
    ///
    /// # Errors
    ///
    /// [`QueryError::InvalidParameter`] for a bound that is not finite, out of range, or a
    /// `south` above `north`.
    pub fn from_bbox(west: f64, south: f64, east: f64, north: f64) -> Result<Area, QueryError> {
        for (parameter, value, limit) in [
            ("west", west, 180.0),
            ("south", south, 90.0),
            ("east", east, 180.0),
            ("north", north, 90.0),
        ] {
            if !(value.is_finite() && value.abs() <= limit) {
                return Err(invalid(parameter, value, "a finite bound in degrees"));
            }
        }
        if south > north {
            return Err(invalid(
                "south",
                south,
                "a south bound at most the north one",
            ));
        }
        let east = if west > east { east + 360.0 } else { east };
        // Pieces at most 90° wide, so that no edge is ambiguous about its way round.
        let pieces = ((east - west) / 90.0).ceil().max(1.0);
        let width = (east - west) / pieces;
        let piece = |i: f64| {
            let (w, e) = (west + width * i, west + width * (i + 1.0));
            Rect::new(Coord { x: w, y: south }, Coord { x: e, y: north }).to_polygon()
        };
        Area::new(MultiPolygon(
            (0..pieces as usize).map(|i| piece(i as f64)).collect(),
        ))
    }

    /// The cells whose descendants hold every hub that can be in the area: the H3 cover of
    /// the area and its neighbours, one resolution for all, sorted.
    #[doc(hidden)]
    pub fn cover(&self) -> &[CellIndex] {
        &self.cover
    }

    /// A value that identifies the area's edges, for cursors.
    pub(crate) fn fingerprint(&self) -> u32 {
        let mut hasher = crc32fast::Hasher::new();
        for value in self.edges.iter().flatten() {
            hasher.update(&value.to_le_bytes());
        }
        hasher.finalize()
    }

    /// Whether the point (degrees) is in the area.
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        self.shifts.iter().any(|shift| {
            let point = Coord {
                x: lon + shift,
                y: lat,
            };
            in_bounds(&self.bounds, point) && self.polygons.iter().any(|p| in_polygon(p, point))
        })
    }

    /// Where the rectangle `[west, south, east, north]` (degrees, `west ≤ east`) lies.
    pub(crate) fn side_of(&self, rect: [f64; 4]) -> Side {
        // Widened by about a micrometre so that rounding cannot hide a touching edge.
        const SLACK: f64 = 1e-11;
        let mut side = Side::Outside;
        for shift in &self.shifts {
            let r = [
                rect[0] + shift - SLACK,
                rect[1] - SLACK,
                rect[2] + shift + SLACK,
                rect[3] + SLACK,
            ];
            let b = &self.bounds;
            if r[2] < b[0] || r[0] > b[2] || r[3] < b[1] || r[1] > b[3] {
                continue;
            }
            if self.edges.iter().any(|edge| edge_meets_rect(edge, &r)) {
                return Side::Crossing;
            }
            let center = Coord {
                x: (r[0] + r[2]) / 2.0,
                y: (r[1] + r[3]) / 2.0,
            };
            if self.polygons.iter().any(|p| in_polygon(p, center)) {
                side = Side::Inside;
            }
        }
        side
    }
}

impl TryFrom<MultiPolygon<f64>> for Area {
    type Error = QueryError;

    fn try_from(area: MultiPolygon<f64>) -> Result<Area, QueryError> {
        Area::new(area)
    }
}

fn invalid(parameter: &'static str, value: impl ToString, expected: &'static str) -> QueryError {
    QueryError::InvalidParameter {
        parameter,
        value: value.to_string(),
        expected,
    }
}

/// A polygon with every ring unwrapped, holes moved next to their outer ring.
fn unwrap_polygon(polygon: &Polygon<f64>) -> Result<Polygon<f64>, QueryError> {
    let exterior = unwrap_ring(polygon.exterior())?;
    let anchor = exterior.0.first().map_or(0.0, |c| c.x);
    let holes = polygon
        .interiors()
        .iter()
        .map(|ring| {
            let mut ring = unwrap_ring(ring)?;
            let first = ring.0.first().map_or(0.0, |c| c.x);
            let shift = ((anchor - first) / 360.0).round() * 360.0;
            ring.0.iter_mut().for_each(|c| c.x += shift);
            Ok(ring)
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    Ok(Polygon::new(exterior, holes))
}

/// A ring whose edges span at most 180° of longitude each, starting within ±180°.
fn unwrap_ring(ring: &LineString<f64>) -> Result<LineString<f64>, QueryError> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for &c in &ring.0 {
        if !(c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 360.0 && c.y.abs() <= 90.0) {
            let value = format!("({}, {})", c.x, c.y);
            return Err(invalid(
                "area",
                value,
                "longitudes within ±360°, latitudes ±90°",
            ));
        }
        let x = match out.last() {
            Some(previous) => c.x - ((c.x - previous.x) / 360.0).round() * 360.0,
            None => c.x - (c.x / 360.0).round() * 360.0,
        };
        out.push(Coord { x, y: c.y });
    }
    let (Some(first), Some(last)) = (out.first().copied(), out.last().copied()) else {
        return Err(invalid(
            "area",
            "an empty ring",
            "rings of three vertices or more",
        ));
    };
    // `Polygon::new` closed the ring, so its ends differ by whole turns: any turn at all means
    // the ring winds around a pole.
    if (last.x - first.x).abs() > 180.0 {
        return Err(invalid(
            "area",
            "a ring around a pole",
            "rings that do not wind around a pole: split them at a meridian",
        ));
    }
    let mut distinct = out[..out.len() - 1].to_vec();
    distinct.dedup();
    if distinct.len() < 3 {
        return Err(invalid(
            "area",
            "a degenerate ring",
            "rings of three vertices or more",
        ));
    }
    // `Polygon::new` closes the ring.
    Ok(LineString(out))
}

fn polygon_edges(polygon: &Polygon<f64>) -> Vec<[f64; 4]> {
    std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .flat_map(|ring| {
            ring.lines()
                .map(|l| [l.start.x, l.start.y, l.end.x, l.end.y])
        })
        .collect()
}

fn bounds_of(polygons: &[Polygon<f64>]) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for c in polygons.iter().flat_map(|p| p.exterior().0.iter()) {
        b = [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)];
    }
    b
}

fn in_bounds(b: &[f64; 4], c: Coord<f64>) -> bool {
    c.x >= b[0] && c.x <= b[2] && c.y >= b[1] && c.y <= b[3]
}

/// Inside or on the outer ring and not strictly inside a hole; exact (robust predicates).
fn in_polygon(polygon: &Polygon<f64>, c: Coord<f64>) -> bool {
    coord_pos_relative_to_ring(c, polygon.exterior()) != CoordPos::Outside
        && polygon
            .interiors()
            .iter()
            .all(|hole| coord_pos_relative_to_ring(c, hole) != CoordPos::Inside)
}

/// Whether the segment meets the closed rectangle: their boxes overlap and the rectangle's
/// corners are not all strictly on one side of the segment's line.
#[inline]
fn edge_meets_rect(e: &[f64; 4], r: &[f64; 4]) -> bool {
    if e[0].max(e[2]) < r[0] || e[0].min(e[2]) > r[2] || e[1].max(e[3]) < r[1] {
        return false;
    }
    if e[1].min(e[3]) > r[3] {
        return false;
    }
    let (dx, dy) = (e[2] - e[0], e[3] - e[1]);
    let side = |x: f64, y: f64| dx * (y - e[1]) - dy * (x - e[0]);
    let corners = [
        side(r[0], r[1]),
        side(r[2], r[1]),
        side(r[0], r[3]),
        side(r[2], r[3]),
    ];
    !(corners.iter().all(|&s| s > 0.0) || corners.iter().all(|&s| s < 0.0))
}

/// Cells whose descendants hold every hub that can lie in the area, at one resolution,
/// sorted: the cells of a grid of points over the area's bounding box, spaced at most a
/// quarter of a cell's edge apart, and two rings of neighbours around each. Any point of the
/// box is that close to a grid point, so its cell is the grid point's or a neighbour; the
/// second ring covers hubs whose resolution-15 cell descends from a neighbour of the cell
/// that holds them. All 122 base cells for areas too large for a few thousand points.
fn cover(bounds: &[f64; 4]) -> Vec<CellIndex> {
    const MAX_POINTS: f64 = 4096.0;
    let [west, south, east, north] = *bounds;
    // Degrees of longitude are longest nearest the equator.
    let equatorward = if south <= 0.0 && north >= 0.0 {
        0.0
    } else {
        south.abs().min(north.abs())
    };
    let widest = equatorward.to_radians().cos();
    let metres_per_degree = EARTH_RADIUS_M.to_radians();
    let grid = |r: Resolution| {
        let step_m = r.edge_length_m() / 4.0;
        let rows = ((north - south) * metres_per_degree / step_m).ceil() + 1.0;
        let cols = ((east - west) * metres_per_degree * widest / step_m).ceil() + 1.0;
        (rows, cols)
    };
    // The finest resolution whose grid stays within about 64 points, if any stays in bound.
    let fits = |r: &Resolution| {
        let (rows, cols) = grid(*r);
        rows * cols <= 64.0
    };
    let resolution = Resolution::range(Resolution::Zero, Resolution::Fifteen)
        .take_while(fits)
        .last()
        .unwrap_or(Resolution::Zero);
    let (rows, cols) = grid(resolution);
    if rows * cols > MAX_POINTS {
        return CellIndex::base_cells().collect();
    }
    let (rows, cols) = (rows as usize, cols as usize);
    let mut seeds: Vec<CellIndex> = Vec::with_capacity(rows * cols);
    for row in 0..rows {
        let lat = south + (north - south) * row as f64 / (rows - 1).max(1) as f64;
        for col in 0..cols {
            let lon = west + (east - west) * col as f64 / (cols - 1).max(1) as f64;
            let lon = lon - (lon / 360.0).round() * 360.0;
            if let Ok(point) = LatLng::new(lat, lon) {
                seeds.push(point.to_cell(resolution));
            }
        }
    }
    seeds.sort_unstable();
    seeds.dedup();
    let mut cells: Vec<CellIndex> = seeds
        .iter()
        .flat_map(|cell| cell.grid_disk::<Vec<CellIndex>>(2))
        .collect();
    cells.sort_unstable();
    cells.dedup();
    cells
}
