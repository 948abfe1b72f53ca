//! A grid of latitude-longitude buckets that lists, for the bucket holding a query point,
//! the shards whose hubs can be near it, so that routing costs two divisions and a lookup
//! instead of an H3 index (which costs more than a small search).
//!
//! Each bucket has a cap holding all of it (the farthest point of a latitude-longitude
//! rectangle from its centre is a corner). A shard is listed when the gap between the two
//! caps is at most `reach`; every hub of an unlisted shard is then more than `reach` from
//! every point of the bucket. Listed shards are sorted by gap, so a search stops reading the
//! list at the first gap beyond its current k-th distance.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::geometry::{angle, Cap, MARGIN_RAD};
use crate::sphere::unit_vector;

/// The buckets around the shards, and how far each bucket's list reaches.
#[derive(Debug)]
pub(crate) struct Grid {
    /// Bucket side, degrees.
    side: f64,
    rows: u32,
    cols: u32,
    /// Radians: a bucket lists every shard within this gap.
    pub(crate) reach: f64,
    buckets: HashMap<u32, (u32, u32), BuildHasherDefault<KeyHasher>>,
    /// `(shard, gap)` of every bucket, back to back.
    entries: Vec<(u32, f64)>,
}

impl Grid {
    /// A grid for shards whose caps are `caps`, with buckets about as wide as a typical
    /// shard and lists reaching three typical shard radii.
    pub(crate) fn new(caps: &[Cap]) -> Grid {
        let mut radii: Vec<f64> = caps.iter().map(Cap::radius).collect();
        radii.sort_unstable_by(f64::total_cmp);
        let typical = radii.get(radii.len() / 2).copied().unwrap_or(0.01);
        // Columns divide the circle exactly, so that stepping across the antimeridian
        // covers the same width as anywhere else.
        let cols = (360.0 / typical.to_degrees().clamp(0.01, 10.0)).ceil() as u32;
        let side = 360.0 / f64::from(cols);
        let rows = (180.0 / side).ceil() as u32;
        let mut grid = Grid {
            side,
            rows,
            cols,
            reach: 3.0 * typical,
            buckets: HashMap::default(),
            entries: Vec::new(),
        };
        grid.fill(caps);
        grid
    }

    /// The shards listed for the bucket holding a point, nearest gap first.
    #[inline]
    pub(crate) fn near(&self, lat: f64, lon: f64) -> Option<&[(u32, f64)]> {
        let key = self.key(self.row(lat), self.col(lon));
        let &(start, end) = self.buckets.get(&key)?;
        self.entries.get(start as usize..end as usize)
    }

    fn fill(&mut self, caps: &[Cap]) {
        let widest = self.bucket_cap(self.rows / 2, 0).radius();
        let mut lists: HashMap<u32, Vec<(u32, f64)>> = HashMap::new();
        for (shard, cap) in caps.iter().enumerate() {
            let around = self.reach + cap.radius() + widest;
            for (row, col) in self.cells_around(cap, around) {
                let bucket = self.bucket_cap(row, col);
                let gap = angle(bucket.centre(), cap.centre()) - bucket.radius() - cap.radius();
                if gap <= self.reach {
                    let entry = (shard as u32, gap.max(0.0));
                    lists.entry(self.key(row, col)).or_default().push(entry);
                }
            }
        }
        for (key, mut list) in lists {
            list.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            let start = self.entries.len() as u32;
            self.entries.extend(list);
            self.buckets.insert(key, (start, self.entries.len() as u32));
        }
    }

    /// The buckets that may lie within `around` radians of a cap's centre.
    fn cells_around(&self, cap: &Cap, around: f64) -> Vec<(u32, u32)> {
        let [x, y, z] = *cap.centre();
        let (lat, lon) = (
            z.clamp(-1.0, 1.0).asin().to_degrees(),
            y.atan2(x).to_degrees(),
        );
        let spread = around.to_degrees();
        let (first_row, last_row) = (self.row(lat - spread), self.row(lat + spread));
        // Past a pole, or wide enough, a cap spans every longitude.
        let polar = lat.abs() + spread >= 90.0;
        let half_width = if polar {
            180.0
        } else {
            (around.sin() / lat.to_radians().cos())
                .min(1.0)
                .asin()
                .to_degrees()
        };
        let span = if half_width >= 180.0 {
            self.cols
        } else {
            (((2.0 * half_width) / self.side).ceil() as u32 + 2).min(self.cols)
        };
        let first_col = self.col(lon - half_width.min(180.0)) + self.cols - 1;
        let mut cells = Vec::new();
        for row in first_row..=last_row {
            for step in 0..span {
                cells.push((row, (first_col + step) % self.cols));
            }
        }
        cells
    }

    /// A cap holding every point of a bucket.
    fn bucket_cap(&self, row: u32, col: u32) -> Cap {
        let south = (-90.0 + f64::from(row) * self.side).min(90.0);
        let north = (south + self.side).min(90.0);
        let west = -180.0 + f64::from(col) * self.side;
        let east = (west + self.side).min(180.0);
        let centre = unit_vector((south + north) / 2.0, (west + east) / 2.0);
        let corners = [(south, west), (south, east), (north, west), (north, east)];
        let farthest = corners
            .iter()
            .map(|&(lat, lon)| angle(&centre, &unit_vector(lat, lon)))
            .fold(0.0, f64::max);
        Cap::new(centre, farthest * (1.0 + 1e-6) + MARGIN_RAD)
    }

    #[inline]
    fn row(&self, lat: f64) -> u32 {
        (((lat + 90.0) / self.side).max(0.0) as u32).min(self.rows - 1)
    }

    /// The column of a longitude, wrapping around the antimeridian.
    #[inline]
    fn col(&self, lon: f64) -> u32 {
        let col = ((lon + 180.0).rem_euclid(360.0) / self.side) as u32;
        col.min(self.cols - 1)
    }

    #[inline]
    fn key(&self, row: u32, col: u32) -> u32 {
        row * self.cols + col
    }
}

/// A hasher for bucket keys: one multiplication (Fibonacci hashing), enough for keys that
/// are small integers.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        // The table indexes by the low bits: fold the well-mixed high bits into them.
        self.0 ^ (self.0 >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u32(&mut self, value: u32) {
        self.0 = u64::from(value).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}
