//! Points on the sphere: unit vectors, their fixed-point form, and the distance keys the
//! searches order by.
//!
//! A hub is stored as a unit vector quantised to `i32` per axis (one quantum is about 3 mm on
//! the Earth). Two keys order points by great-circle distance from a query:
//!
//! * up to 90° the squared chord `|p - q|²`, which grows with the angle;
//! * past 90° the squared "anti-chord" `|p + q|²`, which shrinks with it and, unlike the
//!   chord, keeps its precision near the antipode.
//!
//! [`Key`] packs both into one `u64` so that integer order is distance order, with every near
//! key below every far key. Box lower bounds are computed with the same floating-point
//! operations as point keys, so rounding can never make a bound exceed a key.

/// Mean Earth radius in metres (IUGG), the sphere every distance is measured on.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Quanta per unit of a vector axis.
pub(crate) const SCALE: f64 = i32::MAX as f64;

/// Squared chord of a right angle, in quanta²: the border between near and far keys.
const RIGHT_ANGLE_CHORD2: f64 = 2.0 * SCALE * SCALE;

/// High bit of a far key.
const FAR: u64 = 1 << 63;

/// A point of the sphere as a quantised unit vector.
pub(crate) type Quantized = [i32; 3];

/// Degrees to a unit vector, in f64.
pub(crate) fn unit_vector(lat_deg: f64, lon_deg: f64) -> [f64; 3] {
    let (sin_lat, cos_lat) = lat_deg.to_radians().sin_cos();
    let (sin_lon, cos_lon) = lon_deg.to_radians().sin_cos();
    [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat]
}

/// Degrees to the stored fixed-point vector.
pub(crate) fn quantize(lat_deg: f64, lon_deg: f64) -> Quantized {
    // `as` saturates, and every axis of a unit vector times SCALE is within i32 anyway.
    unit_vector(lat_deg, lon_deg).map(|axis| (axis * SCALE).round() as i32)
}

/// Great-circle distance in metres, from degrees, accurate at every angle (Vincenty's
/// formula for the sphere, which stays well conditioned near 0° and 180°).
pub fn distance_m(lat1_deg: f64, lon1_deg: f64, lat2_deg: f64, lon2_deg: f64) -> f64 {
    let (sin1, cos1) = lat1_deg.to_radians().sin_cos();
    let (sin2, cos2) = lat2_deg.to_radians().sin_cos();
    let (sin_dlon, cos_dlon) = (lon2_deg - lon1_deg).to_radians().sin_cos();
    let y = (cos2 * sin_dlon).hypot(cos1 * sin2 - sin1 * cos2 * cos_dlon);
    let x = sin1 * sin2 + cos1 * cos2 * cos_dlon;
    y.atan2(x) * EARTH_RADIUS_M
}

/// An ordering key: smaller is nearer. Opaque outside this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Key(pub(crate) u64);

impl Key {
    /// Above every key of a real point.
    pub(crate) const MAX: Key = Key(u64::MAX);

    /// The distance in metres of a point within a right angle, from its key alone.
    #[inline(always)]
    pub(crate) fn near_distance_m(self) -> Option<f64> {
        self.is_near().then(|| {
            let angle = chord_to_angle(f64::from_bits(self.0).sqrt() / SCALE);
            angle.min(std::f64::consts::FRAC_PI_2) * EARTH_RADIUS_M
        })
    }

    /// A distance in metres that no point with this key or a greater one is nearer than:
    /// the first two terms of the arc's series in the chord `c`, `c + c³/24` (every term is
    /// positive), less a part in 10^9 for rounding. Cheaper than [`Key::near_distance_m`]
    /// and within a millimetre of it up to 100 km.
    #[inline(always)]
    pub(crate) fn distance_floor_m(self) -> f64 {
        match self.near_chord() {
            Some(chord) => {
                let c = chord / SCALE;
                c * (1.0 + c * c / 24.0) * (EARTH_RADIUS_M * (1.0 - 1e-9))
            }
            None => std::f64::consts::FRAC_PI_2 * EARTH_RADIUS_M,
        }
    }

    /// The chord of a point within a right angle, in quanta, from its key alone.
    #[inline(always)]
    pub(crate) fn near_chord(self) -> Option<f64> {
        self.is_near().then(|| f64::from_bits(self.0).sqrt())
    }

    /// The key of a point within a right angle whose chord is `chord` quanta.
    pub(crate) fn of_near_chord(chord: f64) -> Key {
        Key::near((chord * chord).min(RIGHT_ANGLE_CHORD2))
    }

    /// Whether the key is of a point within a right angle (a squared chord's bits).
    pub(crate) fn is_near(self) -> bool {
        self.0 & FAR == 0
    }

    fn near(chord2: f64) -> Key {
        Key(chord2.to_bits())
    }

    fn far(anti_chord2: f64) -> Key {
        // Smaller anti-chord means farther: invert the (monotone) bit pattern.
        Key(FAR | (!anti_chord2.to_bits() & !FAR))
    }
}

/// A query point in quanta, with what every key computation needs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Probe {
    q: [f64; 3],
}

impl Probe {
    pub(crate) fn new(lat_deg: f64, lon_deg: f64) -> Probe {
        Probe {
            q: unit_vector(lat_deg, lon_deg).map(|axis| axis * SCALE),
        }
    }

    /// The query point as a unit vector.
    pub(crate) fn unit(&self) -> [f64; 3] {
        self.q.map(|axis| axis / SCALE)
    }

    /// The key of a stored point.
    #[inline(always)]
    pub(crate) fn key(&self, p: &Quantized) -> Key {
        let chord2 = self.chord2(p);
        if chord2 <= RIGHT_ANGLE_CHORD2 {
            Key::near(chord2)
        } else {
            Key::far(self.anti_chord2(p))
        }
    }

    #[inline(always)]
    fn chord2(&self, p: &Quantized) -> f64 {
        let dx = f64::from(p[0]) - self.q[0];
        let dy = f64::from(p[1]) - self.q[1];
        let dz = f64::from(p[2]) - self.q[2];
        dx * dx + dy * dy + dz * dz
    }

    #[inline(always)]
    fn anti_chord2(&self, p: &Quantized) -> f64 {
        let sx = f64::from(p[0]) + self.q[0];
        let sy = f64::from(p[1]) + self.q[1];
        let sz = f64::from(p[2]) + self.q[2];
        sx * sx + sy * sy + sz * sz
    }

    /// A key no point of the box `[lo, hi]` can be below.
    #[inline(always)]
    pub(crate) fn lower_bound(&self, lo: &Quantized, hi: &Quantized) -> Key {
        let near2 = gap2(lo, hi, &self.q);
        if near2 <= RIGHT_ANGLE_CHORD2 {
            return Key::near(near2);
        }
        // Every point of the box is far: the nearest has the largest anti-chord.
        let mut far2 = 0.0;
        for axis in 0..3 {
            let (l, h, q) = (f64::from(lo[axis]), f64::from(hi[axis]), self.q[axis]);
            let reach = (l + q).abs().max((h + q).abs());
            far2 += reach * reach;
        }
        Key::far(far2)
    }

    /// A key no point of the box can be above.
    #[inline(always)]
    pub(crate) fn upper_bound(&self, lo: &Quantized, hi: &Quantized) -> Key {
        let mut far_corner2 = 0.0;
        for axis in 0..3 {
            let (l, h, q) = (f64::from(lo[axis]), f64::from(hi[axis]), self.q[axis]);
            let reach = (l - q).abs().max((h - q).abs());
            far_corner2 += reach * reach;
        }
        if far_corner2 <= RIGHT_ANGLE_CHORD2 {
            return Key::near(far_corner2);
        }
        let least2 = gap2(lo, hi, &self.q.map(|axis| -axis));
        Key::far(least2)
    }

    /// Great-circle distance in metres to a stored point.
    #[cfg(test)]
    pub(crate) fn distance_m(&self, p: &Quantized) -> f64 {
        self.distance_of(self.key(p), p)
    }

    /// Great-circle distance in metres to a stored point whose key is `key`: near keys hold
    /// the squared chord already, far ones need the point.
    #[inline]
    pub(crate) fn distance_of(&self, key: Key, p: &Quantized) -> f64 {
        use std::f64::consts::{FRAC_PI_2, PI};
        // Quantised vectors are not exactly unit length, so the two formulas disagree by up to
        // a few millimetres at a right angle; clamping to it keeps distances in key order
        // (every near key is below every far key).
        if let Some(distance_m) = key.near_distance_m() {
            return distance_m;
        }
        let angle = (PI - chord_to_angle(self.anti_chord2(p).sqrt() / SCALE)).max(FRAC_PI_2);
        angle * EARTH_RADIUS_M
    }
}

/// Squared distance from `q` to the box `[lo, hi]`, without branches: the search meets
/// boxes on either side of the query at random, which branches would mispredict. Each gap is
/// the same subtraction a point on that face would compute, so rounding keeps it a lower
/// bound.
#[inline(always)]
fn gap2(lo: &Quantized, hi: &Quantized, q: &[f64; 3]) -> f64 {
    let mut sum = 0.0;
    for axis in 0..3 {
        let below = f64::from(lo[axis]) - q[axis];
        let above = q[axis] - f64::from(hi[axis]);
        let gap = below.max(above).max(0.0);
        sum += gap * gap;
    }
    sum
}

/// Central angle in radians of a chord of the unit sphere (chord up to √2).
#[inline(always)]
fn chord_to_angle(chord: f64) -> f64 {
    if chord < 0.01 {
        // 2·asin(c/2) as a series; the first omitted term is below 1e-19 of the result.
        let c2 = chord * chord;
        chord * (1.0 + c2 * (1.0 / 24.0 + c2 * (3.0 / 640.0 + c2 * (5.0 / 7168.0))))
    } else {
        2.0 * (chord / 2.0).asin()
    }
}

/// The smallest key of a point at `radius_m` or more, or of nothing when the radius spans the
/// sphere: a point is within the radius when its key is at most this.
pub(crate) fn radius_key(radius_m: f64) -> Key {
    let angle = radius_m / EARTH_RADIUS_M;
    if angle >= std::f64::consts::PI {
        return Key::MAX;
    }
    let half = angle / 2.0;
    if angle <= std::f64::consts::FRAC_PI_2 {
        let chord = 2.0 * half.sin() * SCALE;
        Key::near(chord * chord)
    } else {
        let anti = 2.0 * half.cos() * SCALE;
        Key::far(anti * anti)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_matches_hand_computed_values() {
        // A quarter meridian is R·π/2; the antipode is R·π.
        let quarter = EARTH_RADIUS_M * std::f64::consts::FRAC_PI_2;
        assert!((distance_m(0.0, 0.0, 90.0, 0.0) - quarter).abs() < 1e-6);
        assert!((distance_m(10.0, 20.0, -10.0, -160.0) - 2.0 * quarter).abs() < 1e-6);
        // Across the antimeridian: 0.2° of longitude on the equator.
        let expected = 0.2_f64.to_radians() * EARTH_RADIUS_M;
        assert!((distance_m(0.0, 179.9, 0.0, -179.9) - expected).abs() < 1e-6);
    }

    #[test]
    fn probe_distance_is_within_a_centimetre_of_the_trigonometric_distance() {
        let cases = [
            (48.85, 2.35, 48.86, 2.36),
            (0.0, 179.99, 0.0, -179.99),
            (89.99, 0.0, 89.99, 180.0),
            (-90.0, 0.0, 90.0, 0.0),
            (10.0, 10.0, -10.0, -170.0001),
            (35.0, 139.0, -35.0, -41.0),
            (1.0, 2.0, 50.0, 60.0),
        ];
        for (lat1, lon1, lat2, lon2) in cases {
            let probe = Probe::new(lat1, lon1);
            let got = probe.distance_m(&quantize(lat2, lon2));
            // Haversine would lose ~10 cm at the antipode; Vincenty's form does not.
            let want = distance_m(lat1, lon1, lat2, lon2);
            assert!(
                (got - want).abs() < 0.01,
                "{lat1},{lon1}->{lat2},{lon2}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn keys_order_points_by_distance_on_both_sides_of_a_right_angle() {
        let probe = Probe::new(0.0, 0.0);
        let mut last = Key(0);
        for step in 0..=1800 {
            let lon = f64::from(step) * 0.1;
            let key = probe.key(&quantize(0.0, lon));
            assert!(key > last || step == 0, "key fell at lon {lon}");
            last = key;
        }
    }

    #[test]
    fn bounds_enclose_the_keys_of_points_in_the_box() {
        let probe = Probe::new(-20.0, 170.0);
        let points: Vec<Quantized> = [
            (-19.0, 171.0),
            (-25.0, -175.0),
            (30.0, -10.0),
            (20.0, -10.5),
        ]
        .iter()
        .map(|&(a, b)| quantize(a, b))
        .collect();
        for pair in points.windows(2) {
            let lo = [0, 1, 2].map(|a| pair[0][a].min(pair[1][a]));
            let hi = [0, 1, 2].map(|a| pair[0][a].max(pair[1][a]));
            for p in pair {
                assert!(probe.lower_bound(&lo, &hi) <= probe.key(p));
                assert!(probe.upper_bound(&lo, &hi) >= probe.key(p));
            }
        }
    }

    #[test]
    fn distance_floor_is_below_the_reported_distance_of_every_farther_key() {
        // Points from a metre to the antipode, and the keys just below theirs.
        let probe = Probe::new(48.85, 2.35);
        for step in 0..2000u32 {
            let t = f64::from(step) / 2000.0;
            let (lat, lon) = (48.85 - 137.7 * t * t, 2.35 + 180.0 * t * t * t);
            let point = quantize(lat, lon);
            let key = probe.key(&point);
            let reported = probe.distance_of(key, &point);
            for below in [key, Key(key.0.saturating_sub(1))] {
                let floor = below.distance_floor_m();
                assert!(
                    floor <= reported,
                    "{lat},{lon}: floor {floor} above {reported}"
                );
            }
            // Not far below either, near the probe, where it decides ties.
            if reported < 100_000.0 {
                assert!(reported - key.distance_floor_m() < 0.001, "{lat},{lon}");
            }
        }
    }

    #[test]
    fn radius_key_splits_points_at_the_radius() {
        let probe = Probe::new(0.0, 0.0);
        for radius_m in [10.0, 10_000.0, 9_000_000.0, 15_000_000.0] {
            let key = radius_key(radius_m);
            let deg = (radius_m / EARTH_RADIUS_M).to_degrees();
            assert!(probe.key(&quantize(0.0, deg * 0.999)) <= key);
            assert!(probe.key(&quantize(0.0, deg * 1.001)) > key);
        }
        assert_eq!(radius_key(1e9), Key::MAX);
    }
}

#[cfg(test)]
mod properties;
