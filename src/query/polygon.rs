//! Hubs in a polygon, and the nearest and ranked hubs among them.
//!
//! The kd-tree gives the candidates: its walk keeps the nodes whose box of unit vectors meets
//! the box that holds the area's bounding rectangle. Each candidate's stored coordinates then
//! go through the area's raster, which decides most points by one lookup, and the few on
//! cells that an edge touches by exact orientation tests against that row's edges.

use h3o::CellIndex;

use super::area::{Area, Side};
use super::filter::Filter;
use super::nearest::Nearest;
use super::ranked::Ranked;
use super::search::{BoxTest, Candidate};
use super::{check_point, Hit};
use crate::error::QueryError;
use crate::format::cells::descendant_range;
use crate::format::hubs::HubsView;
use crate::format::SectionKind;
use crate::query::ranked::RankedPage;
use crate::snapshot::HubRef;
use crate::sphere::{radius_key, Key, Probe};
use crate::Snapshot;

/// The columns a walk of an area over the cell index reads (hex aggregates).
pub(crate) struct Walk<'a> {
    pub(crate) area: &'a Area,
    keys: &'a [u64],
    positions: &'a [u32],
    hubs: HubsView<'a>,
}

impl<'a> Walk<'a> {
    /// A walk of the area over the snapshot's cell index.
    pub(crate) fn new<B: AsRef<[u8]>>(snapshot: &'a Snapshot<B>, area: &'a Area) -> Walk<'a> {
        let cells = snapshot.cells();
        Walk {
            area,
            keys: cells.keys,
            positions: cells.hubs,
            hubs: snapshot.hubs(),
        }
    }

    /// Every entry of the cell index.
    pub(crate) fn all(&self) -> std::ops::Range<usize> {
        0..self.keys.len().min(self.positions.len())
    }

    /// The positions of entries `range`.
    pub(crate) fn positions(&self, range: std::ops::Range<usize>) -> &'a [u32] {
        self.positions.get(range).unwrap_or(&[])
    }

    /// The entries, within `within`, of the descendants of `cell`.
    pub(crate) fn entries_of(
        &self,
        cell: CellIndex,
        within: std::ops::Range<usize>,
    ) -> std::ops::Range<usize> {
        let (first, last) =
            descendant_range(u64::from(cell), u32::from(u8::from(cell.resolution())));
        let keys = self.keys.get(within.clone()).unwrap_or(&[]);
        let start = within.start + keys.partition_point(|&key| key < first);
        let end = within.start + keys.partition_point(|&key| key <= last);
        start..end.max(start)
    }

    fn coords(&self, position: u32) -> Option<(f64, f64)> {
        let c = self.hubs.coords.get(position as usize)?;
        Some((f64::from(c[0]) / 1e7, f64::from(c[1]) / 1e7))
    }

    pub(crate) fn rect_of(&self, entries: &[u32]) -> [f64; 4] {
        let mut r = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for (lat, lon) in entries.iter().filter_map(|&p| self.coords(p)) {
            r = [r[0].min(lon), r[1].min(lat), r[2].max(lon), r[3].max(lat)];
        }
        r
    }

    pub(crate) fn inside(&self, position: u32) -> bool {
        self.coords(position)
            .is_some_and(|(lat, lon)| self.area.contains(lat, lon))
    }
}

impl<B: AsRef<[u8]>> Snapshot<B> {
    /// The hubs in the area that the filter keeps, by ascending id.
    ///
    /// Exact: a hub is returned when [`Area::contains`] holds for its stored coordinates.
    ///
    /// # Errors
    ///
    /// [`QueryError::Corrupt`] if the cell index points outside the snapshot.
    pub fn hubs_in_area(
        &self,
        area: &Area,
        filter: &Filter,
    ) -> Result<Vec<HubRef<'_>>, QueryError> {
        let mut positions = Vec::new();
        self.hubs_in_area_with(area, filter, &mut positions)?;
        let mut hubs = positions
            .iter()
            .map(|&p| self.hub_at(p).ok_or_else(corrupt))
            .collect::<Result<Vec<_>, _>>()?;
        hubs.sort_unstable_by_key(HubRef::id);
        Ok(hubs)
    }

    /// The positions of the hubs in the area that the filter keeps, into `positions`
    /// (cleared first), in storage order: the fast form of [`Snapshot::hubs_in_area`].
    ///
    /// # Errors
    ///
    /// [`QueryError::Corrupt`] if the cell index points outside the snapshot.
    pub fn hubs_in_area_with(
        &self,
        area: &Area,
        filter: &Filter,
        positions: &mut Vec<u32>,
    ) -> Result<(), QueryError> {
        positions.clear();
        let search = self.search(Probe::new(0.0, 0.0), filter)?;
        let test = InArea {
            area,
            coords: self.hubs().coords,
        };
        search.in_box(area.vector_box(), &test, positions);
        Ok(())
    }

    /// The nearest hubs in the area: [`Snapshot::nearest`] restricted to the area, exact in
    /// the same sense.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::nearest`].
    pub fn nearest_in_area(&self, query: &Nearest, area: &Area) -> Result<Vec<Hit>, QueryError> {
        check_point(query.lat, query.lon)?;
        let limit = match query.max_radius_m {
            Some(radius_m) => {
                super::check_radius("max_radius_m", radius_m)?;
                radius_key(radius_m)
            }
            None => Key::MAX,
        };
        let mut positions = Vec::new();
        self.hubs_in_area_with(area, &query.filter, &mut positions)?;
        let probe = Probe::new(query.lat, query.lon);
        let search = self.search(probe, &query.filter)?;
        let points = search.tree.points;
        let mut found: Vec<Candidate> = positions
            .iter()
            .filter_map(|&position| {
                let key = probe.key(points.get(position as usize)?);
                let id = *search.ids.get(position as usize)?;
                (key <= limit).then_some(Candidate { key, id, position })
            })
            .collect();
        let k = query.k.min(found.len());
        if k < found.len() {
            found.select_nth_unstable(k);
            found.truncate(k);
        }
        found.sort_unstable();
        let mut hits = Vec::with_capacity(k);
        search.hits(&found, &mut hits);
        Ok(hits)
    }

    /// The top hubs in the area by the ranked score: [`Snapshot::ranked`] restricted to the
    /// area (the query's radius still applies), exact in the same sense.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::ranked`].
    pub fn ranked_in_area(&self, query: &Ranked, area: &Area) -> Result<RankedPage, QueryError> {
        let mut positions = Vec::new();
        self.hubs_in_area_with(area, query.filter_ref(), &mut positions)?;
        self.ranked_among(query, &positions, area.fingerprint())
    }
}

/// Whether hubs lie in an area, by their stored coordinates.
struct InArea<'a> {
    area: &'a Area,
    coords: &'a [[i32; 2]],
}

impl BoxTest for InArea<'_> {
    fn leaf(&self, range: std::ops::Range<usize>) -> Side {
        let Some(coords) = self.coords.get(range) else {
            return Side::Outside;
        };
        let mut r = [i32::MAX, i32::MAX, i32::MIN, i32::MIN];
        for c in coords {
            r = [
                r[0].min(c[1]),
                r[1].min(c[0]),
                r[2].max(c[1]),
                r[3].max(c[0]),
            ];
        }
        if r[0] > r[2] {
            return Side::Outside;
        }
        // The grid places by multiplication too, within its margin.
        self.area.side_by_raster(r.map(|v| f64::from(v) * 1e-7))
    }

    fn point(&self, position: usize) -> bool {
        self.coords
            .get(position)
            .is_some_and(|c| self.area.contains_stored(c[0], c[1]))
    }
}

fn corrupt() -> QueryError {
    QueryError::Corrupt {
        section: SectionKind::CellHubs.name(),
    }
}
