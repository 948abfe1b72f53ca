//! Where a shard's hubs can be: a spherical cap around its cell, and for each cell the
//! shards near it, so that routing a query costs a lookup and a few dot products.
//!
//! H3 draws cell edges as great-circle arcs, so every point of a cell lies within its
//! farthest vertex of the centre. A hub belongs to the cell of its stored coordinates; a
//! margin covers rounding. The distance from a point to any hub of a shard is then at least
//! `max(0, distance(point, centre) - radius)`.

use std::collections::HashMap;
use std::f64::consts::PI;

use h3o::{CellIndex, LatLng};

use crate::sphere::{unit_vector, EARTH_RADIUS_M};

/// Added to every cap radius, in radians (about 6 m): covers coordinate rounding, the
/// quantised hub vectors and the rounding of the angle computations below.
const MARGIN_RAD: f64 = 1e-6;

/// A spherical cap: the centre as a unit vector and the radius in radians.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cap {
    centre: [f64; 3],
    radius: f64,
    cos: f64,
    sin: f64,
}

impl Cap {
    fn new(centre: [f64; 3], radius: f64) -> Cap {
        let radius = radius.min(PI);
        Cap {
            centre,
            radius,
            cos: radius.cos(),
            sin: radius.sin(),
        }
    }

    /// The cap that holds every point of `cell`.
    pub(crate) fn of_cell(cell: CellIndex) -> Cap {
        let centre = vector(LatLng::from(cell));
        let farthest = cell
            .boundary()
            .iter()
            .map(|&vertex| angle(&centre, &vector(vertex)))
            .fold(0.0, f64::max);
        Cap::new(centre, farthest * (1.0 + 1e-6) + MARGIN_RAD)
    }

    /// The same centre with a radius of at least `radius_m` metres (plus the margin).
    pub(crate) fn widened(self, radius_m: f64) -> Cap {
        let radius = radius_m / EARTH_RADIUS_M + MARGIN_RAD;
        if radius <= self.radius {
            self
        } else {
            Cap::new(self.centre, radius)
        }
    }

    /// A lower bound of the angle from `point` to any point of the cap, radians.
    #[cfg(test)]
    pub(crate) fn gap(&self, point: &[f64; 3]) -> f64 {
        (angle(&self.centre, point) - self.radius).max(0.0)
    }

    /// Whether some point of the cap may lie within `reach` of `point`: the angle to the
    /// centre is at most `reach + radius`, tested on the cosine without trigonometry.
    #[inline]
    pub(crate) fn meets(&self, point: &[f64; 3], reach: &Reach) -> bool {
        if reach.angle + self.radius >= PI {
            return true;
        }
        // cos(a + r) = cos a · cos r − sin a · sin r
        let threshold = reach.cos * self.cos - reach.sin * self.sin;
        dot(&self.centre, point) >= threshold - 1e-12
    }
}

/// A distance from a query point, as an angle with its sine and cosine.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reach {
    pub(crate) angle: f64,
    cos: f64,
    sin: f64,
}

impl Reach {
    /// Every distance on the sphere.
    pub(crate) const ALL: Reach = Reach {
        angle: PI,
        cos: -1.0,
        sin: 0.0,
    };

    pub(crate) fn of_m(distance_m: f64) -> Reach {
        if !(distance_m < PI * EARTH_RADIUS_M) {
            return Reach::ALL;
        }
        let angle = (distance_m / EARTH_RADIUS_M).max(0.0);
        Reach {
            angle,
            cos: angle.cos(),
            sin: angle.sin(),
        }
    }
}

/// The shards around one cell: those at most two grid steps away, and a lower bound of the
/// angle from any point of the cell to any hub of every other shard.
#[derive(Clone, Debug)]
pub(crate) struct Neighbourhood {
    /// Indices into the manifest's shards; the cell's own shard first if it has one.
    pub(crate) shards: Box<[u32]>,
    /// Radians; `PI` or more when every shard is among `shards`.
    pub(crate) beyond: f64,
}

/// The neighbourhood of every shard's cell, keyed by the cell.
pub(crate) fn neighbourhoods(cells: &[CellIndex], caps: &[Cap]) -> HashMap<u64, Neighbourhood> {
    let index: HashMap<CellIndex, u32> = cells
        .iter()
        .enumerate()
        .map(|(i, &cell)| (cell, i as u32))
        .collect();
    cells
        .iter()
        .zip(caps)
        .map(|(&cell, cap)| (u64::from(cell), neighbourhood(cell, cap, &index)))
        .collect()
}

/// A path from a point of `cell` to a cell three or more steps away crosses a cell exactly
/// three steps away (cells that share a vertex share an edge, so each crossing changes the
/// grid distance by at most one). Its length is at least the gap between the two caps.
fn neighbourhood(cell: CellIndex, cap: &Cap, index: &HashMap<CellIndex, u32>) -> Neighbourhood {
    let mut near: Vec<(u32, u32)> = Vec::new();
    let mut beyond = f64::INFINITY;
    for (other, steps) in cell.grid_disk_distances::<Vec<_>>(3) {
        if steps <= 2 {
            if let Some(&shard) = index.get(&other) {
                near.push((steps, shard));
            }
        } else {
            let far = Cap::of_cell(other);
            let gap = angle(&cap.centre, &far.centre) - cap.radius - far.radius;
            beyond = beyond.min(gap.max(0.0));
        }
    }
    near.sort_unstable();
    Neighbourhood {
        shards: near.into_iter().map(|(_, shard)| shard).collect(),
        beyond: beyond.min(4.0) - MARGIN_RAD,
    }
}

/// The unit vector of a point given in degrees.
pub(crate) fn vector(point: LatLng) -> [f64; 3] {
    unit_vector(point.lat(), point.lng())
}

fn dot(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// The angle between two unit vectors, well conditioned at every angle.
pub(crate) fn angle(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let cross = [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ];
    let sin = (cross[0] * cross[0] + cross[1] * cross[1] + cross[2] * cross[2]).sqrt();
    sin.atan2(dot(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use h3o::Resolution;

    #[test]
    fn a_cap_holds_its_cell_and_its_gap_bounds_distances() {
        for (lat, lon) in [(38.7, -9.1), (-16.9, 179.99), (89.9, 10.0), (-89.9, -170.0)] {
            let point = LatLng::new(lat, lon).expect("valid");
            for resolution in [Resolution::One, Resolution::Three] {
                let cell = point.to_cell(resolution);
                let cap = Cap::of_cell(cell);
                assert_eq!(cap.gap(&vector(point)), 0.0);
                // A far point: the gap is below the true angle to the cell's centre.
                let far = vector(LatLng::new(-lat, lon).expect("valid"));
                assert!(cap.gap(&far) <= angle(&far, &cap.centre));
                assert!(cap.meets(&far, &Reach::of_m(cap.gap(&far) * EARTH_RADIUS_M + 1.0)));
                assert!(!cap.meets(&far, &Reach::of_m(cap.gap(&far) * EARTH_RADIUS_M - 100.0)));
            }
        }
    }

    #[test]
    fn a_neighbourhood_lists_near_shards_and_bounds_the_rest() {
        let home = LatLng::new(38.7, -9.1)
            .expect("valid")
            .to_cell(Resolution::Three);
        let cells: Vec<CellIndex> = home.grid_disk::<Vec<_>>(4);
        let caps: Vec<Cap> = cells.iter().map(|&cell| Cap::of_cell(cell)).collect();
        let all = neighbourhoods(&cells, &caps);
        let around = &all[&u64::from(home)];
        assert_eq!(cells[around.shards[0] as usize], home);
        assert_eq!(around.shards.len(), 19);
        for (i, cap) in caps.iter().enumerate() {
            if !around.shards.contains(&(i as u32)) {
                // Every vertex of the home cell is farther than `beyond` from the shard.
                for vertex in home.boundary().iter() {
                    assert!(cap.gap(&vector(*vertex)) >= around.beyond);
                }
            }
        }
        assert!(around.beyond > 0.0);
    }
}
