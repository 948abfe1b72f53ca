//! Hubs in a polygon, and the nearest and ranked hubs among them.
//!
//! The area's H3 cover gives the candidates: the descendants of each cover cell are one range
//! of the cell index. A range is decided whole where the bounding rectangle of its hubs lies
//! inside or outside the area; a range that straddles the boundary is split into its cell's
//! children (their ranges partition it), down to small ranges whose hubs are tested one by
//! one with an exact point-in-polygon test.

use h3o::CellIndex;

use super::area::{Area, Side};
use super::filter::Filter;
use super::nearest::Nearest;
use super::ranked::Ranked;
use super::search::Candidate;
use super::{check_point, Hit};
use crate::error::QueryError;
use crate::format::activity::Health;
use crate::format::cells::descendant_range;
use crate::format::hubs::HubsView;
use crate::format::SectionKind;
use crate::query::ranked::RankedPage;
use crate::snapshot::HubRef;
use crate::sphere::{radius_key, Key, Probe};
use crate::Snapshot;

/// Ranges of at most this many hubs are tested hub by hub rather than split.
const SMALL_RANGE: usize = 24;

/// The columns a polygon walk reads.
pub(crate) struct Walk<'a> {
    pub(crate) area: &'a Area,
    filter: &'a Filter,
    keys: &'a [u64],
    positions: &'a [u32],
    hubs: HubsView<'a>,
    health: &'a [Health],
}

impl<'a> Walk<'a> {
    /// A walk over the snapshot's cell index, keeping what the filter keeps.
    pub(crate) fn new<B: AsRef<[u8]>>(
        snapshot: &'a Snapshot<B>,
        area: &'a Area,
        filter: &'a Filter,
    ) -> Walk<'a> {
        let cells = snapshot.cells();
        Walk {
            area,
            filter,
            keys: cells.keys,
            positions: cells.hubs,
            hubs: snapshot.hubs(),
            health: snapshot.activity().health,
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

    /// Appends the positions of the filter's hubs in `cell` (entries `range` of the cell
    /// index) that lie in the area.
    fn visit(&self, cell: CellIndex, range: std::ops::Range<usize>, out: &mut Vec<u32>) {
        let Some(entries) = self.positions.get(range.clone()) else {
            return;
        };
        if entries.is_empty() {
            return;
        }
        // TODO(#4): a straddling range re-reads its hubs' coordinates at every level it is
        // split; with the walk's other costs a city polygon takes about as long as testing
        // every hub of its bounding box, against a 0.2× target.
        let side = if entries.len() <= SMALL_RANGE {
            Side::Crossing
        } else {
            self.area.side_of(self.rect_of(entries))
        };
        match side {
            Side::Outside => {}
            Side::Inside if self.filter.is_open() => out.extend_from_slice(entries),
            Side::Inside => out.extend(entries.iter().filter(|&&p| self.keeps(p))),
            Side::Crossing => match cell.resolution().succ() {
                Some(finer) if entries.len() > SMALL_RANGE => {
                    for child in cell.children(finer) {
                        let sub = self.entries_of(child, range.clone());
                        self.visit(child, sub, out);
                    }
                }
                _ => {
                    let inside = |&&p: &&u32| self.inside(p) && self.keeps(p);
                    out.extend(entries.iter().filter(inside));
                }
            },
        }
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

    fn keeps(&self, position: u32) -> bool {
        let p = position as usize;
        let hubs = &self.hubs;
        let (Some(&id), Some(&categories), Some(&flags), Some(&members)) = (
            hubs.ids.get(p),
            hubs.categories.get(p),
            hubs.flags.get(p),
            hubs.members.get(p),
        ) else {
            return false;
        };
        self.filter.matches(id, categories, flags)
            && self.filter.figures_match(members, self.health.get(p))
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
    /// (cleared first), in cell order: the fast form of [`Snapshot::hubs_in_area`].
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
        let walk = Walk::new(self, area, filter);
        let all = walk.all();
        for &cell in area.cover() {
            let range = walk.entries_of(cell, all.clone());
            walk.visit(cell, range, positions);
        }
        // Cover cells of one resolution have disjoint descendants: no hub comes twice.
        if positions.iter().any(|&p| p as usize >= self.hub_count()) {
            return Err(corrupt());
        }
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

fn corrupt() -> QueryError {
    QueryError::Corrupt {
        section: SectionKind::CellHubs.name(),
    }
}
