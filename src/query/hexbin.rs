//! Hex aggregates for maps: per-cell counts and activity sums at any resolution.
//!
//! A hub counts in the cell of resolution `r` that is the ancestor of its resolution-15 cell,
//! so the cells of one resolution partition the hubs and a cell's figures are the sums of its
//! children's. The cell index is sorted by resolution-15 cell, so a cell of any resolution is
//! one range of it, and running sums over the index make its figures two lookups. The running
//! sums are computed on the first call (one pass over the hubs) and kept with the snapshot.

use std::ops::Range;

use h3o::{CellIndex, Resolution};

use super::area::{Area, Side};
use super::polygon::Walk;
use crate::activity::HealthState;
use crate::error::QueryError;
use crate::format::cells::descendant_range;
use crate::format::SectionKind;
use crate::Snapshot;

/// The figures of one hexagon.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HexBin {
    /// The cell.
    pub cell: CellIndex,
    /// Hubs in the cell.
    pub hubs: u32,
    /// Of those, hubs whose health state is active.
    pub active_hubs: u32,
    /// Events of those hubs starting in the 90 days from `as_of`.
    pub upcoming_events: u32,
    /// Sum of those hubs' activity scores.
    pub activity: f64,
}

/// Running sums over the cell index: entry `i` sums the entries before `i`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RunningSum {
    activity: f64,
    active: u32,
    upcoming: u32,
}

/// The running sums of a snapshot's cell index, one more than its entries.
pub(crate) fn running_sums<B: AsRef<[u8]>>(snapshot: &Snapshot<B>) -> Vec<RunningSum> {
    let health = snapshot.activity().health;
    let positions = snapshot.cells().hubs;
    let mut sums = Vec::with_capacity(positions.len() + 1);
    let mut sum = RunningSum::default();
    sums.push(sum);
    for &position in positions {
        if let Some(h) = health.get(position as usize) {
            sum.activity += f64::from(h.activity);
            sum.active += u32::from(h.state == HealthState::Active as u8);
            sum.upcoming += u32::from(h.upcoming_90);
        }
        sums.push(sum);
    }
    sums
}

impl<B: AsRef<[u8]>> Snapshot<B> {
    /// The cells of `resolution` that hold a hub inside the area, with their figures,
    /// ascending by cell.
    ///
    /// Each cell's figures cover all its hubs, inside the area or not: a map draws whole
    /// hexagons. A hub counts in the ancestor of its resolution-15 cell, which for a hub
    /// within a few hundredths of a cell's width of its edge can be the neighbour of the cell
    /// that contains it; counts then add up exactly across resolutions. Snapshots without
    /// activity figures (format 1) report zero active hubs, events and activity; activity
    /// sums are exact to about 1e-9 of the snapshot's total activity.
    ///
    /// # Errors
    ///
    /// [`QueryError::InvalidParameter`] if more than `max_cells` cells would be returned (a
    /// bound on the answer's size); [`QueryError::Corrupt`] if the cell index is damaged.
    pub fn hexbins(
        &self,
        area: &Area,
        resolution: Resolution,
        max_cells: usize,
    ) -> Result<Vec<HexBin>, QueryError> {
        let sums = self.running_sums();
        let walk = Walk::new(self, area);
        if sums.len() != walk.all().len() + 1 {
            return Err(QueryError::Corrupt {
                section: SectionKind::CellKeys.name(),
            });
        }
        let mut bins = Bins {
            walk,
            keys: self.cells().keys,
            sums,
            resolution,
            max_cells,
            out: Vec::new(),
        };
        let mut cover: Vec<CellIndex> = area.cover().to_vec();
        // Cover cells finer than the hexagons are visited through their ancestors.
        if cover.first().is_some_and(|c| c.resolution() > resolution) {
            cover = cover.iter().filter_map(|c| c.parent(resolution)).collect();
            cover.sort_unstable();
            cover.dedup();
        }
        for cell in cover {
            let range = bins.walk.entries_of(cell, bins.walk.all());
            bins.visit(cell, range)?;
        }
        bins.out.sort_unstable_by_key(|bin| bin.cell);
        bins.out.dedup_by_key(|bin| bin.cell);
        Ok(bins.out)
    }
}

/// One hexbins walk: the polygon walk's range decisions, emitting whole cells.
struct Bins<'a> {
    walk: Walk<'a>,
    keys: &'a [u64],
    sums: &'a [RunningSum],
    resolution: Resolution,
    max_cells: usize,
    out: Vec<HexBin>,
}

impl Bins<'_> {
    fn visit(&mut self, cell: CellIndex, range: Range<usize>) -> Result<(), QueryError> {
        let entries = self.walk.positions(range.clone());
        if entries.is_empty() {
            return Ok(());
        }
        if cell.resolution() >= self.resolution {
            // One hexagon (or a part of one): in if any of its hubs is.
            if entries.iter().any(|&p| self.walk.inside(p)) {
                let hexagon = cell.parent(self.resolution).unwrap_or(cell);
                let whole = self.walk.entries_of(hexagon, self.walk.all());
                return self.emit(hexagon, whole);
            }
            return Ok(());
        }
        match self.walk.area.side_of(self.walk.rect_of(entries)) {
            Side::Outside => Ok(()),
            Side::Inside => self.emit_all(range),
            Side::Crossing => {
                for child in cell.children(cell.resolution().succ().unwrap_or(self.resolution)) {
                    let sub = self.walk.entries_of(child, range.clone());
                    self.visit(child, sub)?;
                }
                Ok(())
            }
        }
    }

    /// Every hexagon with entries in `range`, jumping from one to the next.
    fn emit_all(&mut self, range: Range<usize>) -> Result<(), QueryError> {
        let res = u32::from(u8::from(self.resolution));
        let mut at = range.start;
        while at < range.end {
            let Some(hexagon) = self
                .keys
                .get(at)
                .and_then(|&key| ancestor(key, self.resolution))
            else {
                return Err(corrupt());
            };
            let (_, last) = descendant_range(u64::from(hexagon), res);
            let rest = self.keys.get(at..range.end).unwrap_or(&[]);
            let end = at + rest.partition_point(|&key| key <= last).max(1);
            self.emit(hexagon, at..end)?;
            at = end;
        }
        Ok(())
    }

    fn emit(&mut self, cell: CellIndex, range: Range<usize>) -> Result<(), QueryError> {
        if self.out.len() >= self.max_cells {
            return Err(QueryError::InvalidParameter {
                parameter: "resolution",
                value: u8::from(self.resolution).to_string(),
                expected: "a coarser resolution: the area holds too many cells at this one",
            });
        }
        let (Some(a), Some(b)) = (self.sums.get(range.start), self.sums.get(range.end)) else {
            return Err(corrupt());
        };
        self.out.push(HexBin {
            cell,
            hubs: (range.end - range.start) as u32,
            active_hubs: b.active - a.active,
            upcoming_events: b.upcoming - a.upcoming,
            activity: b.activity - a.activity,
        });
        Ok(())
    }
}

/// The ancestor at `resolution` of a stored resolution-15 cell.
fn ancestor(key: u64, resolution: Resolution) -> Option<CellIndex> {
    CellIndex::try_from(key).ok()?.parent(resolution)
}

fn corrupt() -> QueryError {
    QueryError::Corrupt {
        section: SectionKind::CellKeys.name(),
    }
}
