//! Hex aggregates for maps: per-cell counts and activity sums at any resolution.
//!
//! A hub counts in the cell of resolution `r` that is the ancestor of its resolution-15 cell,
//! so the cells of one resolution partition the hubs and a cell's figures are the sums of its
//! children's. The cell index is sorted by resolution-15 cell, so a cell of any resolution is
//! one range of it, and running sums over the index make its figures two lookups. The running
//! sums are computed on the first call (one pass over the hubs) and kept with the snapshot.

use h3o::{CellIndex, Resolution};

use super::area::Area;
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
    /// The cells of `resolution` that meet the area and hold hubs, with their figures,
    /// ascending by cell.
    ///
    /// Each cell's figures cover all its hubs, inside the area or not: a map draws whole
    /// hexagons. A hub counts in the ancestor of its resolution-15 cell, which for a hub
    /// within a few hundredths of a cell's width of its edge can be the neighbour of the cell
    /// that contains it; counts then add up exactly across resolutions. Snapshots without
    /// activity figures (format 1) report zero active hubs, events and activity.
    ///
    /// # Errors
    ///
    /// [`QueryError::InvalidParameter`] if the area needs more than `max_cells` cells at
    /// this resolution (a bound on the answer's size); [`QueryError::Corrupt`] if the cell
    /// index is damaged.
    pub fn hexbins(
        &self,
        area: &Area,
        resolution: Resolution,
        max_cells: usize,
    ) -> Result<Vec<HexBin>, QueryError> {
        let cells = area.cells_at(resolution, max_cells)?;
        let sums = self.running_sums();
        let keys = self.cells().keys;
        if sums.len() != keys.len() + 1 {
            return Err(QueryError::Corrupt {
                section: SectionKind::CellKeys.name(),
            });
        }
        let res = u32::from(u8::from(resolution));
        let mut bins = Vec::new();
        // Cells ascend, and so do their ranges: each search starts where the last ended.
        let mut from = 0;
        for cell in cells {
            let (first, last) = descendant_range(u64::from(cell), res);
            let rest = keys.get(from..).unwrap_or(&[]);
            let start = from + rest.partition_point(|&key| key < first);
            let rest = keys.get(start..).unwrap_or(&[]);
            let end = start + rest.partition_point(|&key| key <= last);
            from = end;
            if end == start {
                continue;
            }
            let (a, b) = (sums[start], sums[end]);
            bins.push(HexBin {
                cell,
                hubs: (end - start) as u32,
                active_hubs: b.active - a.active,
                upcoming_events: b.upcoming - a.upcoming,
                activity: b.activity - a.activity,
            });
        }
        Ok(bins)
    }
}
