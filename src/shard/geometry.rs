//! Where a shard's hubs can be: a spherical cap around its cell.
//!
//! H3 draws cell edges as great-circle arcs, so every point of a cell lies within its
//! farthest vertex of the centre. A hub belongs to the cell of its stored coordinates; a
//! margin covers rounding. The distance from a point to any hub of a shard is then at least
//! `max(0, distance(point, centre) - radius)`.

use std::f64::consts::PI;

use h3o::{CellIndex, LatLng};

use crate::sphere::{unit_vector, EARTH_RADIUS_M};

/// Added to every cap radius, in radians (about 6 m): covers coordinate rounding, the
/// quantised hub vectors and the rounding of the angle computations below.
pub(crate) const MARGIN_RAD: f64 = 1e-6;

/// A spherical cap: the centre as a unit vector and the radius in radians.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cap {
    centre: [f64; 3],
    radius: f64,
    cos: f64,
    sin: f64,
}

impl Cap {
    pub(crate) fn new(centre: [f64; 3], radius: f64) -> Cap {
        let radius = radius.min(PI);
        Cap {
            centre,
            radius,
            cos: radius.cos(),
            sin: radius.sin(),
        }
    }

    /// The centre, a unit vector.
    pub(crate) fn centre(&self) -> &[f64; 3] {
        &self.centre
    }

    /// The radius, radians.
    pub(crate) fn radius(&self) -> f64 {
        self.radius
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

    /// The reach of a hit `distance_m` away whose unit chord is `chord`: sine and cosine
    /// come from the chord, without trigonometry.
    pub(crate) fn of_chord(distance_m: f64, chord: f64) -> Reach {
        let half = chord * chord / 4.0;
        Reach {
            angle: distance_m / EARTH_RADIUS_M,
            cos: 1.0 - 2.0 * half,
            sin: chord * (1.0 - half).max(0.0).sqrt(),
        }
    }

    pub(crate) fn of_m(distance_m: f64) -> Reach {
        if distance_m.is_nan() || distance_m >= PI * EARTH_RADIUS_M {
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
}
