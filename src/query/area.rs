//! [`Area`]: a polygon or multipolygon prepared for queries: its rings unwrapped across the
//! antimeridian, its grid of inside, outside and boundary cells, its H3 cover (for hex
//! aggregates), and the tests the polygon queries ask of it.

use std::sync::OnceLock;

use geo::{Coord, LineString, MultiPolygon, Polygon, Rect};
use h3o::{CellIndex, LatLng, Resolution};

use crate::error::QueryError;
use crate::sphere::{Quantized, EARTH_RADIUS_M, SCALE};

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
/// Preparing an area lays a grid over it that decides most points by one lookup (see
/// [`Area::contains`]); reuse a prepared area across queries.
#[derive(Clone, Debug)]
pub struct Area {
    /// Every edge of every ring, for the rectangle test.
    edges: Vec<[f64; 4]>,
    bounds: [f64; 4],
    /// Longitude shifts (multiples of 360) under which a point may fall in `bounds`.
    shifts: Vec<f64>,
    /// Which cells of a grid over `bounds` are inside, outside or on the boundary, and the
    /// edges that cross each row of it.
    raster: Raster,
    /// A box of quantised unit vectors holding every point of `bounds`.
    vectors: (Quantized, Quantized),
    /// Made on first use: only hex aggregates need it.
    cover: OnceLock<Vec<CellIndex>>,
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
        // Most of the 7 µs that a 48-vertex area takes to prepare goes here: about half of a
        // median polygon query.
        let raster = Raster::new(&polygons, bounds);
        let vectors = vector_box(bounds);
        Ok(Area {
            edges,
            bounds,
            shifts,
            raster,
            vectors,
            cover: OnceLock::new(),
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
        self.cover.get_or_init(|| cover(&self.bounds))
    }

    /// A box of quantised unit vectors that holds every point the area can contain.
    pub(crate) fn vector_box(&self) -> &(Quantized, Quantized) {
        &self.vectors
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
    ///
    /// Exact: the grid decides the points of cells that no edge touches, and the edges of
    /// the point's row decide the rest with robust orientation tests.
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        self.shifts.iter().any(|shift| {
            let point = Coord {
                x: lon + shift,
                y: lat,
            };
            in_bounds(&self.bounds, point)
                && match self.raster.class_of(point) {
                    Class::Inside => true,
                    Class::Outside => false,
                    Class::Boundary => self.raster.exact(point),
                }
        })
    }

    /// Where the rectangle `[west, south, east, north]` (degrees, `west ≤ east`) lies, from
    /// every edge: exact, for rectangles of any size.
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
            if in_bounds(&self.bounds, center) && self.raster.exact(center) {
                side = Side::Inside;
            }
        }
        side
    }

    /// [`Area::contains`] for coordinates stored in units of 1e-7 degrees, with the same
    /// answer: the grid places the point by multiplication (its rounding is far below the
    /// margin), and only a point on a boundary cell is converted exactly and tested.
    #[inline]
    pub(crate) fn contains_stored(&self, lat_e7: i32, lon_e7: i32) -> bool {
        let (lat, lon) = (f64::from(lat_e7) * 1e-7, f64::from(lon_e7) * 1e-7);
        let b = &self.bounds;
        self.shifts.iter().any(|shift| {
            let point = Coord {
                x: lon + shift,
                y: lat,
            };
            let near = point.x >= b[0] - MARGIN
                && point.x <= b[2] + MARGIN
                && point.y >= b[1] - MARGIN
                && point.y <= b[3] + MARGIN;
            near && match self.raster.class_of(point) {
                Class::Inside => true,
                Class::Outside => false,
                Class::Boundary => {
                    let exact = Coord {
                        x: f64::from(lon_e7) / 1e7 + shift,
                        y: f64::from(lat_e7) / 1e7,
                    };
                    in_bounds(b, exact) && self.raster.exact(exact)
                }
            }
        })
    }

    /// Where the rectangle `[west, south, east, north]` (degrees, `west ≤ east`) lies, from
    /// the raster: cheap for small rectangles, and `Crossing` may also mean one near the
    /// boundary or one over too many cells.
    pub(crate) fn side_by_raster(&self, rect: [f64; 4]) -> Side {
        let mut side = Side::Outside;
        for shift in &self.shifts {
            let r = [rect[0] + shift, rect[1], rect[2] + shift, rect[3]];
            let b = &self.bounds;
            if r[2] < b[0] || r[0] > b[2] || r[3] < b[1] || r[1] > b[3] {
                continue;
            }
            let within = r[0] >= b[0] && r[2] <= b[2] && r[1] >= b[1] && r[3] <= b[3];
            match self.raster.side_of(r, within) {
                Side::Inside => return Side::Inside,
                Side::Crossing => side = Side::Crossing,
                Side::Outside => {}
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
        // The nearest copy of the longitude to the previous vertex's (to 0 for the first);
        // under half a turn away it is the longitude itself.
        let from = out.last().map_or(0.0, |previous| previous.x);
        let x = if (c.x - from).abs() < 180.0 {
            c.x
        } else {
            c.x - ((c.x - from) / 360.0).round() * 360.0
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
    // Vertices without their consecutive repeats (and the closing one).
    let open = &out[..out.len() - 1];
    let distinct = open.first().map_or(0, |_| {
        1 + open.windows(2).filter(|pair| pair[0] != pair[1]).count()
    });
    if distinct < 3 {
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

/// Where a cell of the raster lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Outside,
    Inside,
    Boundary,
}

/// An edge of a ring, with the ring it belongs to.
#[derive(Clone, Copy, Debug)]
struct RingEdge {
    polygon: u32,
    /// 0 for the outer ring, `1 + i` for hole `i`.
    ring: u32,
    from: Coord<f64>,
    to: Coord<f64>,
    /// Longitude per latitude along the edge; 0 for an edge along a parallel.
    slope: f64,
}

/// A grid of at most `ROWS` rows of `GRID` cells over an area's bounding box. A cell that no edge
/// touches (with a margin far above rounding) lies wholly inside or wholly outside, so one
/// exact test of a point in it decides all of them; the edges that reach each row make the
/// exact test of a point on a boundary cell cost a few edges instead of all of them.
#[derive(Clone, Debug)]
struct Raster {
    origin: Coord<f64>,
    /// Cell width and height, degrees.
    step: Coord<f64>,
    /// Their inverses: a multiplication places a point. Its rounding moves a point by far
    /// less than the margin, which keeps any cell's class right for such points too.
    inverse: Coord<f64>,
    columns: usize,
    rows: usize,
    classes: Vec<Class>,
    /// `band_starts[r]..band_starts[r + 1]` are the edges of row `r` in `band_edges`, in ring
    /// order.
    band_starts: Vec<usize>,
    band_edges: Vec<RingEdge>,
}

/// A placeholder to size the row edges before they are filled.
const EMPTY_EDGE: RingEdge = RingEdge {
    polygon: 0,
    ring: 0,
    from: Coord { x: 0.0, y: 0.0 },
    to: Coord { x: 0.0, y: 0.0 },
    slope: 0.0,
};

/// Cells a row of the raster, and rows: the rows cost more to prepare (each lists its
/// edges), the cells nothing; measured on city polygons, this split is the cheapest.
const GRID: usize = 128;
/// Rows of the raster.
const ROWS: usize = 32;

/// Degrees by which cells and rows are widened before edges are assigned to them: far
/// above the rounding of the arithmetic, far below the size of a cell.
const MARGIN: f64 = 1e-9;

impl Raster {
    fn new(polygons: &[Polygon<f64>], bounds: [f64; 4]) -> Raster {
        let [west, south, east, north] = bounds;
        let origin = Coord { x: west, y: south };
        let (width, height) = ((east - west).max(0.0), (north - south).max(0.0));
        let columns = if width > 0.0 { GRID } else { 1 };
        let rows = if height > 0.0 { ROWS } else { 1 };
        let step = Coord {
            x: if width > 0.0 {
                width / GRID as f64
            } else {
                1.0
            },
            y: if height > 0.0 {
                height / ROWS as f64
            } else {
                1.0
            },
        };
        let mut raster = Raster {
            origin,
            step,
            inverse: Coord {
                x: 1.0 / step.x,
                y: 1.0 / step.y,
            },
            columns,
            rows,
            classes: vec![Class::Outside; columns * rows],
            band_starts: Vec::with_capacity(rows + 1),
            band_edges: Vec::new(),
        };
        let edges: Vec<RingEdge> = polygons
            .iter()
            .enumerate()
            .flat_map(|(polygon_index, polygon)| {
                let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
                rings.enumerate().flat_map(move |(ring_index, ring)| {
                    ring.lines().map(move |line| RingEdge {
                        polygon: polygon_index as u32,
                        ring: ring_index as u32,
                        from: line.start,
                        to: line.end,
                        slope: if line.end.y == line.start.y {
                            0.0
                        } else {
                            (line.end.x - line.start.x) / (line.end.y - line.start.y)
                        },
                    })
                })
            })
            .collect();
        // Rows by counting: how many edges each row gets, then each edge into its rows, in
        // ring order.
        let spans: Vec<std::ops::RangeInclusive<usize>> =
            edges.iter().map(|edge| raster.rows_of(edge)).collect();
        let mut counts = vec![0usize; rows + 1];
        for span in &spans {
            for row in span.clone() {
                counts[row + 1] += 1;
            }
        }
        for row in 0..rows {
            counts[row + 1] += counts[row];
        }
        raster.band_starts = counts.clone();
        raster.band_edges = vec![EMPTY_EDGE; counts[rows]];
        for (edge, span) in edges.iter().zip(spans) {
            for row in span {
                raster.band_edges[counts[row]] = *edge;
                counts[row] += 1;
            }
        }
        // A row's cells that edges touch are the union of the edges' column ranges; every
        // run of cells between them lies on one side of the boundary. A run's centre is half
        // a cell or more from every edge, so the crossings of the row's centre line,
        // computed in floating point, place it exactly.
        // A row holds at most every edge.
        let mut crossings: Vec<(f64, u32, u32)> = Vec::with_capacity(edges.len());
        let mut touched: Vec<(usize, usize)> = Vec::with_capacity(edges.len());
        for row in 0..rows {
            let y = origin.y + (row as f64 + 0.5) * step.y;
            crossings.clear();
            touched.clear();
            let band = &raster.band_edges[raster.band_starts[row]..raster.band_starts[row + 1]];
            for edge in band {
                let (a, b) = (edge.from, edge.to);
                if (a.y > y) != (b.y > y) {
                    let x = a.x + (y - a.y) * edge.slope;
                    crossings.push((x, edge.polygon, edge.ring));
                }
                touched.push(raster.columns_of(edge, row));
            }
            touched.sort_unstable();
            let cells = &mut raster.classes[row * columns..(row + 1) * columns];
            let mut next = 0;
            let fill = |cells: &mut [Class], from: usize, to: usize| {
                let x = origin.x + (from as f64 + 0.5) * step.x;
                // Cells start outside: only inside runs are written.
                if inside_by_crossings(&crossings, x) {
                    cells[from..to].fill(Class::Inside);
                }
            };
            for &(from, to) in &touched {
                if from > next {
                    fill(cells, next, from);
                }
                if to + 1 > next {
                    cells[from.max(next)..=to].fill(Class::Boundary);
                    next = to + 1;
                }
            }
            if next < columns {
                fill(cells, next, columns);
            }
        }
        raster
    }

    /// Where a rectangle that meets the bounds lies; `within` when it lies inside them.
    fn side_of(&self, rect: [f64; 4], within: bool) -> Side {
        let columns = (
            Self::index(rect[0], self.origin.x, self.inverse.x, self.columns),
            Self::index(rect[2], self.origin.x, self.inverse.x, self.columns),
        );
        let rows = (
            Self::index(rect[1], self.origin.y, self.inverse.y, self.rows),
            Self::index(rect[3], self.origin.y, self.inverse.y, self.rows),
        );
        // A rectangle over many cells is worth splitting, not scanning.
        const MOST_CELLS: usize = 64;
        if (rows.1 - rows.0 + 1) * (columns.1 - columns.0 + 1) > MOST_CELLS {
            return Side::Crossing;
        }
        let first = self.classes[rows.0 * self.columns + columns.0];
        if first == Class::Boundary || (first == Class::Inside && !within) {
            return Side::Crossing;
        }
        for row in rows.0..=rows.1 {
            let cells =
                &self.classes[row * self.columns + columns.0..=row * self.columns + columns.1];
            if cells.iter().any(|&class| class != first) {
                return Side::Crossing;
            }
        }
        if first == Class::Inside {
            Side::Inside
        } else {
            Side::Outside
        }
    }

    /// The row or column of `value` along an axis, clamped to the grid.
    #[inline(always)]
    fn index(value: f64, origin: f64, inverse: f64, count: usize) -> usize {
        let i = (value - origin) * inverse;
        // Truncation is the floor for positive values; NaN and negatives go to 0.
        if i > 0.0 {
            (i as usize).min(count - 1)
        } else {
            0
        }
    }

    /// The rows an edge reaches, widened by the margin.
    fn rows_of(&self, edge: &RingEdge) -> std::ops::RangeInclusive<usize> {
        let (a, b) = (edge.from, edge.to);
        let (low, high) = (a.y.min(b.y) - MARGIN, a.y.max(b.y) + MARGIN);
        Self::index(low, self.origin.y, self.inverse.y, self.rows)
            ..=Self::index(high, self.origin.y, self.inverse.y, self.rows)
    }

    /// The columns of the cells of `row` that the edge touches, widened by the margin.
    #[inline]
    fn columns_of(&self, edge: &RingEdge, row: usize) -> (usize, usize) {
        let (a, b) = (edge.from, edge.to);
        let (x0, x1) = if a.y == b.y {
            (min(a.x, b.x), max(a.x, b.x))
        } else {
            // The part of the edge within the row widened by the margin: the latitudes where
            // the row and the edge meet, and the edge's longitudes there.
            let (south, north) = (min(a.y, b.y), max(a.y, b.y));
            let bottom = self.origin.y + row as f64 * self.step.y - MARGIN;
            let top = bottom + self.step.y + 2.0 * MARGIN;
            let u = a.x + (min(max(bottom, south), north) - a.y) * edge.slope;
            let v = a.x + (max(min(top, north), south) - a.y) * edge.slope;
            (min(u, v), max(u, v))
        };
        (
            Self::index(x0 - MARGIN, self.origin.x, self.inverse.x, self.columns),
            Self::index(x1 + MARGIN, self.origin.x, self.inverse.x, self.columns),
        )
    }

    #[inline]
    fn class_of(&self, point: Coord<f64>) -> Class {
        let column = Self::index(point.x, self.origin.x, self.inverse.x, self.columns);
        let row = Self::index(point.y, self.origin.y, self.inverse.y, self.rows);
        self.classes
            .get(row * self.columns + column)
            .copied()
            .unwrap_or(Class::Boundary)
    }

    /// Whether a point within the area's bounds is in the area: inside or on the outer ring
    /// of a polygon and not strictly inside one of its holes. Exact: robust orientation
    /// tests against the edges of the point's row, which are all the edges that reach its
    /// latitude.
    fn exact(&self, point: Coord<f64>) -> bool {
        let row = Self::index(point.y, self.origin.y, self.inverse.y, self.rows);
        let (Some(&start), Some(&end)) = (self.band_starts.get(row), self.band_starts.get(row + 1))
        else {
            return false;
        };
        let edges = self.band_edges.get(start..end).unwrap_or(&[]);
        let mut i = 0;
        while let Some(first) = edges.get(i) {
            let polygon = first.polygon;
            let (mut in_outer, mut in_hole) = (false, false);
            while let Some(edge) = edges.get(i).filter(|e| e.polygon == polygon) {
                let ring = edge.ring;
                let (mut crossings, mut on_edge) = (false, false);
                while let Some(edge) = edges
                    .get(i)
                    .filter(|e| e.polygon == polygon && e.ring == ring)
                {
                    match crossing(edge.from, edge.to, point) {
                        Crossing::On => on_edge = true,
                        Crossing::Crosses => crossings = !crossings,
                        Crossing::Misses => {}
                    }
                    i += 1;
                }
                if ring == 0 {
                    in_outer = on_edge || crossings;
                } else if crossings && !on_edge {
                    in_hole = true;
                }
            }
            if in_outer && !in_hole {
                return true;
            }
        }
        false
    }
}

/// The smaller of two numbers that are not NaN, in one instruction.
#[inline(always)]
fn min(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// The larger of two numbers that are not NaN, in one instruction.
#[inline(always)]
fn max(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// Whether a point is in the area, from the crossings `(longitude, polygon, ring)` of its
/// latitude line with the edges, in ring order: a ring holds the point when an odd number
/// of them lie east of it. Exact for points well away from every edge.
fn inside_by_crossings(crossings: &[(f64, u32, u32)], x: f64) -> bool {
    let mut i = 0;
    while let Some(&(_, polygon, _)) = crossings.get(i) {
        let (mut in_outer, mut in_hole) = (false, false);
        while let Some(&(_, _, ring)) = crossings.get(i).filter(|c| c.1 == polygon) {
            let mut odd = false;
            while let Some(&(crossing, _, _)) =
                crossings.get(i).filter(|c| c.1 == polygon && c.2 == ring)
            {
                odd ^= crossing > x;
                i += 1;
            }
            if ring == 0 {
                in_outer = odd;
            } else {
                in_hole |= odd;
            }
        }
        if in_outer && !in_hole {
            return true;
        }
    }
    false
}

/// What a ray from a point towards growing longitude does at one edge.
enum Crossing {
    /// The point is on the edge.
    On,
    /// The ray crosses the edge (half-open in latitude, so a vertex counts once).
    Crosses,
    Misses,
}

#[inline]
fn crossing(a: Coord<f64>, b: Coord<f64>, p: Coord<f64>) -> Crossing {
    let spans = (a.y > p.y) != (b.y > p.y);
    let within_box =
        p.x >= a.x.min(b.x) && p.x <= a.x.max(b.x) && p.y >= a.y.min(b.y) && p.y <= a.y.max(b.y);
    if !spans && !within_box {
        return Crossing::Misses;
    }
    let side = orient(a, b, p);
    if side == 0.0 && within_box {
        return Crossing::On;
    }
    // Upward, the ray crosses when the point is left of the edge; downward, when right.
    if spans && ((b.y > a.y) == (side > 0.0)) {
        Crossing::Crosses
    } else {
        Crossing::Misses
    }
}

/// The sign of the orientation of `p` against the line `a → b` (positive when `p` is to its
/// left), exact: the floating-point determinant where its error bound (Shewchuk's) shows its
/// sign is right, the adaptive robust predicate otherwise.
#[inline]
fn orient(a: Coord<f64>, b: Coord<f64>, p: Coord<f64>) -> f64 {
    const BOUND: f64 = (3.0 + 16.0 * f64::EPSILON / 2.0) * f64::EPSILON / 2.0;
    let left = (a.x - p.x) * (b.y - p.y);
    let right = (a.y - p.y) * (b.x - p.x);
    let determinant = left - right;
    if determinant.abs() > BOUND * (left.abs() + right.abs()) {
        return determinant;
    }
    robust::orient2d(
        robust::Coord { x: a.x, y: a.y },
        robust::Coord { x: b.x, y: b.y },
        robust::Coord { x: p.x, y: p.y },
    )
}

/// A box of quantised unit vectors holding every point whose longitude is in `[west, east]`
/// and latitude in `[south, north]` (degrees, `west ≤ east`), widened by a margin that covers
/// rounding and the storage of coordinates to 1e-7 degrees.
fn vector_box(bounds: [f64; 4]) -> (Quantized, Quantized) {
    let [west, south, east, north] = bounds;
    if !(west <= east && south <= north) {
        return ([0; 3], [-1; 3]);
    }
    // Whether some `angle + 360 k` lies in `[west, east]`.
    let reaches = |angle: f64| {
        let k = ((west - angle) / 360.0).ceil();
        angle + 360.0 * k <= east
    };
    let (sin_s, cos_s) = south.to_radians().sin_cos();
    let (sin_n, cos_n) = north.to_radians().sin_cos();
    let cos_lat = [
        cos_s.min(cos_n),
        if south <= 0.0 && north >= 0.0 {
            1.0
        } else {
            cos_s.max(cos_n)
        },
    ];
    let (sin_w, cos_w) = west.to_radians().sin_cos();
    let (sin_e, cos_e) = east.to_radians().sin_cos();
    let whole = east - west >= 360.0;
    let range = |at_w: f64, at_e: f64, top: f64, bottom: f64| {
        [
            if whole || reaches(bottom) {
                -1.0
            } else {
                at_w.min(at_e)
            },
            if whole || reaches(top) {
                1.0
            } else {
                at_w.max(at_e)
            },
        ]
    };
    let cos_lon = range(cos_w, cos_e, 0.0, 180.0);
    let sin_lon = range(sin_w, sin_e, 90.0, -90.0);
    // `cos_lat` is never negative: the product's extremes use its ends by the sign of the other.
    let product = |[low, high]: [f64; 2]| {
        [
            if low >= 0.0 {
                cos_lat[0] * low
            } else {
                cos_lat[1] * low
            },
            if high >= 0.0 {
                cos_lat[1] * high
            } else {
                cos_lat[0] * high
            },
        ]
    };
    let axes = [product(cos_lon), product(sin_lon), [sin_s, sin_n]];
    // 1e-7 degrees of storage is about 2 quanta; 64 leaves room for any rounding.
    const SLACK: f64 = 64.0;
    let low = axes.map(|[low, _]| (low * SCALE - SLACK).floor().max(-SCALE) as i32);
    let high = axes.map(|[_, high]| (high * SCALE + SLACK).ceil().min(SCALE) as i32);
    (low, high)
}
