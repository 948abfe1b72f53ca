//! Query parameters as the fuzzer chooses them: mostly meaningful values, with the edges
//! (poles, antimeridian, zero, the antipode's distance) and raw `f64`s (NaN, infinities,
//! subnormals, out of range) mixed in.

use arbitrary::Arbitrary;
use hubdex::h3o::{CellIndex, LatLng, Resolution};
use hubdex::{Category, CategorySet, Cursor, Filter, HubFlags, HubRef, Snapshot, EARTH_RADIUS_M};

/// Half the circumference: the distance to the antipode, in metres.
pub const HALF_TURN_M: f64 = std::f64::consts::PI * EARTH_RADIUS_M;

/// A latitude or a longitude.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Degrees {
    /// Spread evenly over the valid range, ends included.
    Scaled(u32),
    /// In the 1e-7 degree steps snapshots store, always in range.
    Fixed(i32),
    /// An edge of the range, zero, or just beyond an edge (see [`edge`]).
    Edge(u8),
    /// Anything, valid or not.
    Raw(f64),
}

impl Degrees {
    /// As a latitude (valid range ±90).
    pub fn lat(self) -> f64 {
        self.value(90.0)
    }

    /// As a longitude (valid range ±180).
    pub fn lon(self) -> f64 {
        self.value(180.0)
    }

    fn value(self, max: f64) -> f64 {
        match self {
            Degrees::Scaled(v) => (f64::from(v) / f64::from(u32::MAX) * 2.0 - 1.0) * max,
            Degrees::Fixed(v) => {
                let steps = (max * 1e7) as i64;
                f64::from(v) % (steps + 1) as f64 / 1e7
            }
            Degrees::Edge(i) => edge(i, max),
            Degrees::Raw(v) => v,
        }
    }
}

/// Values at and around the ends of `-max..=max`, and a few that no range accepts.
fn edge(i: u8, max: f64) -> f64 {
    const EDGES: usize = 14;
    match usize::from(i) % EDGES {
        0 => max,
        1 => -max,
        2 => 0.0,
        3 => -0.0,
        4 => max - 1e-7,
        5 => -max + 1e-7,
        6 => next_up(max),
        7 => -next_up(max),
        8 => max / 2.0,
        9 => f64::MIN_POSITIVE,
        10 => f64::from_bits(1), // the smallest subnormal
        11 => f64::NAN,
        12 => f64::INFINITY,
        _ => f64::NEG_INFINITY,
    }
}

/// The smallest f64 above a positive finite `x`.
fn next_up(x: f64) -> f64 {
    f64::from_bits(x.to_bits() + 1)
}

/// A distance in metres.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Metres {
    /// Up to 65.5 km, in metres.
    Local(u16),
    /// 0 to a little beyond the antipode.
    Scaled(u32),
    /// Zero, tiny, the right angle, the antipode and around it, huge, and invalid values.
    Edge(u8),
    /// Anything, valid or not.
    Raw(f64),
}

impl Metres {
    /// The value in metres.
    pub fn get(self) -> f64 {
        match self {
            Metres::Local(v) => f64::from(v),
            Metres::Scaled(v) => f64::from(v) / f64::from(u32::MAX) * (HALF_TURN_M + 100.0),
            Metres::Edge(i) => match i % 19 {
                0 => 0.0,
                1 => -0.0,
                2 => 0.005,
                3 => 0.01,
                4 => f64::MIN_POSITIVE,
                5 => f64::from_bits(1),
                6 => HALF_TURN_M,
                7 => HALF_TURN_M - 0.01,
                8 => next_up(HALF_TURN_M),
                9 => HALF_TURN_M / 2.0,
                10 => HALF_TURN_M / 2.0 + 0.01,
                11 => 2.0 * HALF_TURN_M,
                12 => 1e300,
                13 => f64::MAX,
                14 => f64::INFINITY,
                15 => f64::NEG_INFINITY,
                16 => f64::NAN,
                17 => -1.0,
                _ => -f64::MIN_POSITIVE,
            },
            Metres::Raw(v) => v,
        }
    }
}

/// Whether a query point is on the globe (the queries reject any other).
pub fn valid_point(lat: f64, lon: f64) -> bool {
    (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}

/// Whether a radius is one the queries accept.
pub fn valid_radius(radius_m: f64) -> bool {
    radius_m.is_finite() && radius_m >= 0.0
}

/// A count (`k` or a page limit).
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Count {
    /// 0 to 255.
    Small(u8),
    /// 0 to 65535.
    Medium(u16),
    /// `usize::MAX`.
    Max,
    /// Anything.
    Raw(u64),
}

impl Count {
    /// The count, at most `cap`.
    pub fn get(self, cap: usize) -> usize {
        let n = match self {
            Count::Small(v) => usize::from(v),
            Count::Medium(v) => usize::from(v),
            Count::Max => usize::MAX,
            Count::Raw(v) => usize::try_from(v).unwrap_or(usize::MAX),
        };
        n.min(cap)
    }
}

/// A cursor, well formed or not.
#[derive(Arbitrary, Clone, Debug)]
pub enum CursorText {
    /// 28 bytes as the 56 hex digits of a cursor's text form: always parses.
    Hex([u8; 28]),
    /// Any text.
    Text(String),
}

impl CursorText {
    /// The text to parse.
    pub fn text(&self) -> String {
        match self {
            CursorText::Hex(bytes) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
            CursorText::Text(text) => text.clone(),
        }
    }

    /// The cursor, if the text parses. A cursor's text form must survive a round trip.
    pub fn parse(&self) -> Option<Cursor> {
        let text = self.text();
        let parsed = text.parse::<Cursor>();
        if matches!(self, CursorText::Hex(_)) {
            assert!(
                parsed.is_ok(),
                "56 hex digits must parse as a cursor: {text}"
            );
        }
        let cursor = parsed.ok()?;
        assert_eq!(cursor.to_string().parse::<Cursor>().ok(), Some(cursor));
        Some(cursor)
    }
}

/// A filter, in terms of the snapshot's category numbers and positions.
#[derive(Arbitrary, Clone, Debug, Default)]
pub struct FilterSpec {
    /// Bit `i`: category `i` of the snapshot (bits beyond its vocabulary are dropped).
    pub any_of: Option<u64>,
    /// As `any_of`.
    pub all_of: u64,
    /// Raw flag bits (bit 0 is "verified"; other bits are reserved: no hub has them).
    pub flags: u8,
    /// Hubs to exclude, by position (modulo the hub count).
    pub exclude_positions: Vec<u16>,
    /// Ids to exclude, whether or not a hub has them.
    pub exclude_ids: Vec<u64>,
}

/// A filter, and the same rule as a predicate on hubs for the oracle.
#[derive(Clone, Debug, Default)]
pub struct BuiltFilter {
    /// The filter to pass to a query.
    pub filter: Filter,
    any_of: Option<CategorySet>,
    all_of: CategorySet,
    flags: HubFlags,
    excluded: Vec<u64>,
}

impl FilterSpec {
    /// The filter on `snapshot`. At most 8 exclusions of each kind, to bound the work.
    pub fn build<B: AsRef<[u8]>>(&self, snapshot: &Snapshot<B>) -> BuiltFilter {
        let set = |bits: u64| -> CategorySet {
            snapshot
                .categories()
                .map(|(category, _)| category)
                .filter(|category: &Category| bits >> category.index() & 1 == 1)
                .collect()
        };
        let any_of = self.any_of.map(set);
        let all_of = set(self.all_of);
        let flags = HubFlags::from_bits(self.flags);
        let n = snapshot.hub_count();
        let mut excluded: Vec<u64> = self.exclude_ids.iter().take(8).copied().collect();
        if n > 0 {
            let at = self.exclude_positions.iter().take(8);
            excluded.extend(
                at.filter_map(|&p| Some(snapshot.hub_at((usize::from(p) % n) as u32)?.id())),
            );
        }

        let mut filter = Filter::new().all_of(all_of).flags(flags);
        if let Some(any_of) = any_of {
            filter = filter.any_of(any_of);
        }
        filter = filter.exclude(excluded.iter().copied());
        BuiltFilter {
            filter,
            any_of,
            all_of,
            flags,
            excluded,
        }
    }
}

impl BuiltFilter {
    /// Whether the filter keeps `hub`, computed from the hub's columns.
    pub fn keeps(&self, hub: &HubRef<'_>) -> bool {
        let has = hub.categories();
        self.any_of
            .is_none_or(|any| any.iter().any(|c| has.contains(c)))
            && self.all_of.iter().all(|c| has.contains(c))
            && hub.flags().contains(self.flags)
            && !self.excluded.contains(&hub.id())
    }
}

/// An H3 cell: the cell of a point at some resolution, or any 64-bit value that `h3o`
/// accepts as a cell index.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum CellSpec {
    /// The cell containing a point, at resolution `resolution % 16`.
    At {
        /// Latitude.
        lat: Degrees,
        /// Longitude.
        lon: Degrees,
        /// Resolution, modulo 16.
        resolution: u8,
    },
    /// A raw index; most values are not cells.
    Raw(u64),
}

impl CellSpec {
    /// The cell, if the spec gives a valid one.
    pub fn cell(self) -> Option<CellIndex> {
        match self {
            CellSpec::At {
                lat,
                lon,
                resolution,
            } => {
                let resolution = Resolution::try_from(resolution % 16).ok()?;
                Some(LatLng::new(lat.lat(), lon.lon()).ok()?.to_cell(resolution))
            }
            CellSpec::Raw(raw) => CellIndex::try_from(raw).ok(),
        }
    }
}
