//! Hubs in an H3 cell of any resolution.
//!
//! The index keeps every hub's resolution-15 cell, so the descendants of a cell of any
//! resolution are one binary-searched range. H3 children overhang their parent, though: a
//! hub in a cell may descend from a neighbour, and a descendant may lie in a neighbour. So the
//! ranges of the cell and its neighbours give the candidates, and geometry decides most of
//! them. H3 draws cell edges as straight lines on the gnomonic projection of an icosahedron
//! face, which are great circles on the sphere: a cell is a convex spherical polygon. A
//! candidate farther from its centre than the farthest vertex is outside; one nearer than
//! the nearest edge's great circle is inside; only those in between ask `h3o`.

use h3o::{CellIndex, LatLng};

use super::filter::Filter;
use crate::error::QueryError;
use crate::format::cells::descendant_range;
use crate::format::SectionKind;
use crate::snapshot::HubRef;
use crate::sphere::{radius_key, unit_vector, Key, Probe, EARTH_RADIUS_M};
use crate::Snapshot;

/// Kept off both circles, in metres: covers stored-coordinate and vector rounding.
const MARGIN_M: f64 = 0.05;

impl<B: AsRef<[u8]>> Snapshot<B> {
    /// The hubs in `cell` that the filter keeps, by ascending id.
    ///
    /// A hub is in the cell when `h3o` puts its stored coordinates there
    /// (`LatLng::to_cell(resolution) == cell`), at any resolution. The cost grows with the
    /// hubs in and around the cell; only those near its edges need an H3 lookup.
    ///
    /// # Errors
    ///
    /// [`QueryError::Corrupt`] if the cell index points outside the snapshot.
    pub fn hubs_in_cell(
        &self,
        cell: CellIndex,
        filter: &Filter,
    ) -> Result<Vec<HubRef<'_>>, QueryError> {
        let shape = Shape::of(cell);
        let resolution = cell.resolution();
        let points = self.tree()?.points;
        let index = self.cells();
        let corrupt = QueryError::Corrupt {
            section: SectionKind::CellHubs.name(),
        };
        let health = self.activity().health;
        let mut hubs = Vec::new();
        for around in cell.grid_disk::<Vec<CellIndex>>(1) {
            let res = u32::from(u8::from(resolution));
            let (first, last) = descendant_range(u64::from(around), res);
            for &position in index.range(first, last) {
                let point = points.get(position as usize).ok_or(corrupt.clone())?;
                let key = shape.center.key(point);
                if key > shape.outside {
                    continue;
                }
                let hub = self.hub_at(position).ok_or(corrupt.clone())?;
                let inside = key <= shape.inside
                    || LatLng::new(hub.lat(), hub.lon())
                        .is_ok_and(|point| point.to_cell(resolution) == cell);
                let figures = || filter.figures_match(hub.members(), health.get(position as usize));
                if inside
                    && filter.matches(hub.id(), hub.categories().0, hub.flags().bits())
                    && figures()
                {
                    hubs.push(hub);
                }
            }
        }
        hubs.sort_unstable_by_key(HubRef::id);
        Ok(hubs)
    }
}

/// A cell as two circles around its centre.
struct Shape {
    center: Probe,
    /// Keys above this are outside the cell.
    outside: Key,
    /// Keys up to this are inside the cell.
    inside: Key,
}

impl Shape {
    fn of(cell: CellIndex) -> Shape {
        let center = LatLng::from(cell);
        let c = unit_vector(center.lat(), center.lng());
        let vertices: Vec<[f64; 3]> = cell
            .boundary()
            .iter()
            .map(|v| unit_vector(v.lat(), v.lng()))
            .collect();

        let farthest = vertices.iter().map(|v| angle(&c, v)).fold(0.0, f64::max);
        let nearest_edge = vertices
            .iter()
            .zip(vertices.iter().cycle().skip(1))
            .map(|(a, b)| edge_distance(&c, a, b))
            .fold(f64::INFINITY, f64::min);
        Shape {
            center: Probe::new(center.lat(), center.lng()),
            outside: radius_key(farthest * EARTH_RADIUS_M + MARGIN_M),
            inside: match nearest_edge * EARTH_RADIUS_M - MARGIN_M {
                inner if inner > 0.0 => radius_key(inner),
                _ => Key(0),
            },
        }
    }
}

/// Angle in radians between two unit vectors.
fn angle(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let cross = cross(a, b);
    norm(&cross).atan2(dot(a, b))
}

/// Angular distance from `c` to the great circle through `a` and `b`: a lower bound of its
/// distance to the edge between them.
fn edge_distance(c: &[f64; 3], a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let normal = cross(a, b);
    let length = norm(&normal);
    if length == 0.0 {
        return 0.0;
    }
    (dot(c, &normal).abs() / length).min(1.0).asin()
}

fn cross(a: &[f64; 3], b: &[f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn dot(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn norm(a: &[f64; 3]) -> f64 {
    dot(a, a).sqrt()
}
