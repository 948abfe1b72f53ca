//! Per-hub health, per-node summaries and per-region figures, all computed at build.

use bytemuck::{Pod, Zeroable};

use super::meta::{expect_count, Meta};
use super::tree::{node_slots, NodeBox};
use super::{SectionKind, Sections};
use crate::error::OpenError;

/// A day count that is not known (no event, or no creation time).
pub(crate) const NO_DAYS: i32 = i32::MIN;

/// Bits in a node's [`TimeMask`].
pub(crate) const TIME_BUCKETS: u64 = 512;

/// Health figures of one hub, in tree order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
#[repr(C)]
pub(crate) struct Health {
    pub(crate) activity: f32,
    /// Weighted events in the 30 days up to `as_of`.
    pub(crate) recent: f32,
    /// Weighted events in the 30 days before those.
    pub(crate) previous: f32,
    /// Median days between consecutive past events; NaN with fewer than two.
    pub(crate) median_gap_days: f32,
    pub(crate) activation_days: i32,
    pub(crate) since_last_days: i32,
    pub(crate) last_30: u16,
    pub(crate) last_90: u16,
    pub(crate) upcoming_90: u16,
    pub(crate) state: u8,
    /// Bit 0: some event has its own venue; bit 1: some event has its own categories.
    pub(crate) marks: u8,
}

/// [`Health::marks`]: the hub has an event with its own venue.
pub(crate) const MARK_PLACES: u8 = 1;
/// [`Health::marks`]: the hub has an event with its own categories.
pub(crate) const MARK_CATEGORIES: u8 = 2;

/// What ranked and event searches know about a subtree before entering it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
#[repr(C)]
pub(crate) struct NodeSummary {
    /// Box of the node's hubs and of its events' venues.
    pub(crate) bounds: NodeBox,
    pub(crate) max_activity: f32,
    pub(crate) max_members: u32,
}

/// Corners per [`NodeCorners`].
pub(crate) const CORNERS: usize = 4;

/// A staircase above the (activity, members) pairs of a subtree's hubs: each hub has at most
/// the activity and at most the members of one corner. A score that grows with both, whatever
/// its weights and pivots, is thus at most its best value over the corners, a bound much
/// tighter than best activity and most members taken apart (two hubs rarely hold both).
/// Unused corners repeat the last one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
#[repr(C)]
pub(crate) struct NodeCorners {
    pub(crate) activity: [f32; CORNERS],
    pub(crate) members: [u32; CORNERS],
}

/// Which time buckets hold the start of an event of a subtree: 512 coarse buckets, then 512
/// fine ones (see [`TimeGrid`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub(crate) struct TimeMask {
    pub(crate) bits: [u64; 16],
}

impl TimeMask {
    fn set(&mut self, bit: u64) {
        self.bits[(bit / 64) as usize % 16] |= 1 << (bit % 64);
    }

    pub(crate) fn union(&self, other: &TimeMask) -> TimeMask {
        let mut bits = self.bits;
        for (bit, more) in bits.iter_mut().zip(other.bits) {
            *bit |= more;
        }
        TimeMask { bits }
    }

    /// The first set bit in `from..=to` (both below 1024).
    #[inline]
    fn first_in(&self, from: u64, to: u64) -> Option<u64> {
        let mut bit = from;
        while bit <= to {
            let word = self.bits.get((bit / 64) as usize)? >> (bit % 64);
            if word != 0 {
                let found = bit + u64::from(word.trailing_zeros());
                return (found <= to).then_some(found);
            }
            bit = (bit / 64 + 1) * 64;
        }
        None
    }
}

/// The time buckets of [`TimeMask`], both sets [`TIME_BUCKETS`] wide: coarse ones from 30
/// days before `as_of` to 90 after (about 5.6 hours each; the first also takes every earlier
/// start, the last every later one), and fine ones of a quarter of an hour each, on the
/// quarter hours, from a day before `as_of` to about 4.3 days after (starts outside are not
/// marked in them). Events mostly start on the hour or the half hour: a fine bucket's start
/// is then the exact start of its first event, so nodes whose next events start together
/// share one exact bound, and the search orders them by distance alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimeGrid {
    pub(crate) coarse_base: i64,
    pub(crate) coarse_width: u64,
    pub(crate) fine_base: i64,
    pub(crate) fine_width: u64,
}

impl TimeGrid {
    const DAY: i64 = 86_400;
    const QUARTER_HOUR: i64 = 900;

    /// The grid a build uses.
    pub(crate) fn around(as_of: i64) -> TimeGrid {
        TimeGrid {
            coarse_base: as_of.saturating_sub(30 * Self::DAY),
            coarse_width: (120 * Self::DAY as u64).div_ceil(TIME_BUCKETS),
            fine_base: as_of
                .saturating_sub(Self::DAY)
                .div_euclid(Self::QUARTER_HOUR)
                .saturating_mul(Self::QUARTER_HOUR),
            fine_width: Self::QUARTER_HOUR as u64,
        }
    }

    /// The grid stored in a snapshot, if it has events.
    pub(crate) fn of(meta: &Meta) -> Option<TimeGrid> {
        (meta.time_width > 0 && meta.fine_width > 0).then_some(TimeGrid {
            coarse_base: meta.time_base,
            coarse_width: meta.time_width,
            fine_base: meta.fine_base,
            fine_width: meta.fine_width,
        })
    }

    #[inline]
    fn coarse(&self, time: i64) -> u64 {
        let offset = time.saturating_sub(self.coarse_base).max(0) as u64;
        (offset / self.coarse_width.max(1)).min(TIME_BUCKETS - 1)
    }

    /// End of the fine buckets (exclusive).
    fn fine_end(&self) -> i64 {
        // Widths come from the file: saturate rather than overflow.
        self.fine_base
            .saturating_add(seconds(TIME_BUCKETS.saturating_mul(self.fine_width)))
    }

    #[inline]
    fn fine(&self, time: i64) -> Option<u64> {
        (self.fine_base..self.fine_end())
            .contains(&time)
            .then(|| (time.abs_diff(self.fine_base) / self.fine_width.max(1)).min(TIME_BUCKETS - 1))
    }

    /// Marks a start in a mask.
    pub(crate) fn mark(&self, mask: &mut TimeMask, start: u32) {
        let start = i64::from(start);
        mask.set(self.coarse(start));
        if let Some(fine) = self.fine(start) {
            mask.set(TIME_BUCKETS + fine.min(TIME_BUCKETS - 1));
        }
    }

    /// A start that no event of the mask's subtree starting in `[from, to]` precedes, or
    /// `None` if no such event can exist.
    #[cfg(test)]
    pub(crate) fn earliest(&self, mask: &TimeMask, from: u32, to: u32) -> Option<u32> {
        self.window(from, to).earliest(mask)
    }

    /// The buckets of the window `[from, to]`, worked out once for the masks of a search.
    pub(crate) fn window(&self, from: u32, to: u32) -> TimeWindow {
        let (from, to) = (i64::from(from), i64::from(to));
        let fine = self.fine(from).map(|first| {
            let last_fine = to.min(self.fine_end() - 1);
            (first, self.fine(last_fine).unwrap_or(TIME_BUCKETS - 1))
        });
        TimeWindow {
            grid: *self,
            from,
            to,
            coarse: (self.coarse(from), self.coarse(to)),
            fine,
        }
    }
}

/// A window of starts on a [`TimeGrid`], with the buckets it covers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TimeWindow {
    grid: TimeGrid,
    from: i64,
    to: i64,
    /// First and last coarse bucket.
    coarse: (u64, u64),
    /// First and last fine bucket, if the window starts within the fine ones.
    fine: Option<(u64, u64)>,
}

impl TimeWindow {
    /// A start that no event of the mask's subtree starting in the window precedes, or
    /// `None` if no such event can exist.
    #[inline]
    pub(crate) fn earliest(&self, mask: &TimeMask) -> Option<u32> {
        let grid = &self.grid;
        // A fine bucket alone bounds the first start: the coarse half of the mask, a cache
        // line of its own, is read only when the fine one cannot say.
        if let Some((first, last)) = self.fine {
            if let Some(bit) = mask.first_in(TIME_BUCKETS + first, TIME_BUCKETS + last) {
                let bucket = bit - TIME_BUCKETS;
                let start = grid
                    .fine_base
                    .saturating_add(seconds(bucket.saturating_mul(grid.fine_width)));
                return match start.max(self.from) {
                    earliest if earliest > self.to => None,
                    earliest => u32::try_from(earliest).ok(),
                };
            }
        }
        // No fine bucket is marked: nothing starts before the fine ones end.
        if self.fine.is_some() && self.to < grid.fine_end() {
            return None;
        }
        let coarse = mask.first_in(self.coarse.0, self.coarse.1)?;
        let mut earliest = match coarse {
            // The first bucket also holds every earlier start: no bound but `from`.
            0 => self.from,
            _ => grid
                .coarse_base
                .saturating_add(seconds(coarse.saturating_mul(grid.coarse_width)))
                .max(self.from),
        };
        if self.fine.is_some() {
            earliest = earliest.max(grid.fine_end());
        }
        if earliest > self.to {
            return None;
        }
        u32::try_from(earliest.max(self.from)).ok()
    }
}

/// Seconds as `i64`, saturating.
fn seconds(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Figures of one region.
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
#[repr(C)]
pub(crate) struct RegionStats {
    pub(crate) hubs: u32,
    pub(crate) active: u32,
    pub(crate) activated: u32,
    /// NaN when no hub of the region has an activation time.
    pub(crate) median_activation_days: f32,
}

/// Checks the sizes of the activity and region sections of a file of format `version`.
pub(crate) fn check(
    bytes: &[u8],
    sections: &Sections,
    meta: &Meta,
    version: u32,
) -> Result<(), OpenError> {
    expect_count(sections, SectionKind::HubHealth, meta.hub_count)?;
    let slots = node_slots(meta.hub_count, meta.leaf_size);
    expect_count(sections, SectionKind::NodeSummaries, slots)?;
    expect_count(sections, SectionKind::NodeTimes, slots)?;
    if version >= 3 {
        expect_count(sections, SectionKind::NodeCorners, slots)?;
        expect_count(sections, SectionKind::HubActivity, meta.hub_count)?;
    }
    expect_count(sections, SectionKind::RegionKeys, meta.region_count)?;
    expect_count(sections, SectionKind::RegionStats, meta.region_count)?;
    expect_count(sections, SectionKind::TrendOffsets, meta.region_count + 1)?;
    let offsets: &[u32] = sections.slice(bytes, SectionKind::TrendOffsets);
    let entries = sections.range(SectionKind::TrendHubs).len() / 4;
    if offsets.first() != Some(&0) || offsets.last().map(|&end| end as usize) != Some(entries) {
        return Err(OpenError::Inconsistent {
            section: SectionKind::TrendOffsets.name(),
            problem: format!("offsets do not run from 0 to the {entries} entries"),
        });
    }
    if meta.event_count > 0 && TimeGrid::of(meta).is_none() {
        return Err(OpenError::Inconsistent {
            section: SectionKind::Meta.name(),
            problem: "events without a time bucket width".to_string(),
        });
    }
    Ok(())
}

/// The activity sections, read in place.
#[derive(Clone, Copy)]
pub(crate) struct ActivityView<'a> {
    pub(crate) health: &'a [Health],
    /// Node `j` is slot `j + 1`.
    pub(crate) summaries: &'a [NodeSummary],
    pub(crate) times: &'a [TimeMask],
    /// Node `j` is slot `j + 1`; empty before format 3.
    pub(crate) corners: &'a [NodeCorners],
    /// Per hub; empty before format 3.
    pub(crate) packed_activity: &'a [f32],
    pub(crate) region_keys: &'a [u64],
    pub(crate) region_stats: &'a [RegionStats],
    pub(crate) trend_offsets: &'a [u32],
    pub(crate) trend_hubs: &'a [u32],
}

impl<'a> ActivityView<'a> {
    pub(crate) fn new(bytes: &'a [u8], sections: &Sections) -> ActivityView<'a> {
        ActivityView {
            health: sections.slice(bytes, SectionKind::HubHealth),
            summaries: sections.slice(bytes, SectionKind::NodeSummaries),
            times: sections.slice(bytes, SectionKind::NodeTimes),
            corners: sections.slice(bytes, SectionKind::NodeCorners),
            packed_activity: sections.slice(bytes, SectionKind::HubActivity),
            region_keys: sections.slice(bytes, SectionKind::RegionKeys),
            region_stats: sections.slice(bytes, SectionKind::RegionStats),
            trend_offsets: sections.slice(bytes, SectionKind::TrendOffsets),
            trend_hubs: sections.slice(bytes, SectionKind::TrendHubs),
        }
    }

    /// The region of a cell, as an index.
    pub(crate) fn region(&self, cell: u64) -> Option<usize> {
        self.region_keys.binary_search(&cell).ok()
    }

    /// The trending hub positions of a region, best first.
    pub(crate) fn trending(&self, region: usize) -> &'a [u32] {
        let start = self.trend_offsets.get(region).map_or(0, |&o| o as usize);
        let end = self
            .trend_offsets
            .get(region + 1)
            .map_or(0, |&o| o as usize);
        self.trend_hubs.get(start..end).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const AS_OF: i64 = 1_767_225_600;

    proptest! {
        /// The bound never passes the first start in the window, and says "none" only when
        /// the window holds no start.
        #[test]
        fn earliest_bounds_the_first_start_in_the_window(
            offsets in proptest::collection::vec(-400i64 * 86_400..400 * 86_400, 0..40),
            from in -400i64 * 86_400..400 * 86_400,
            length in 0i64..60 * 86_400,
        ) {
            let grid = TimeGrid::around(AS_OF);
            let mut mask = TimeMask::default();
            let starts: Vec<u32> = offsets.iter().map(|o| (AS_OF + o) as u32).collect();
            for &start in &starts {
                grid.mark(&mut mask, start);
            }
            let (from, to) = ((AS_OF + from) as u32, (AS_OF + from + length) as u32);
            let first = starts.iter().copied().filter(|s| (from..=to).contains(s)).min();
            match (grid.earliest(&mask, from, to), first) {
                (Some(bound), Some(first)) => prop_assert!(from <= bound && bound <= first),
                (None, Some(first)) => prop_assert!(false, "missed {}", first),
                (_, None) => {}
            }
        }

        /// Starts on the quarter hour inside the fine buckets, from a window that starts on
        /// one, get their exact first start as the bound: nodes whose next events start
        /// together tie, and the search orders them by distance.
        #[test]
        fn quarter_hour_starts_get_exact_bounds(
            quarters in proptest::collection::vec(-96i64..400, 1..40),
            from in -96i64..400,
            length in 0i64..10 * 86_400,
        ) {
            let grid = TimeGrid::around(AS_OF);
            let mut mask = TimeMask::default();
            let starts: Vec<u32> = quarters.iter().map(|q| (AS_OF + q * 900) as u32).collect();
            for &start in &starts {
                grid.mark(&mut mask, start);
            }
            let from = (AS_OF + from * 900) as u32;
            let to = from + length as u32;
            if let Some(first) = starts.iter().copied().filter(|s| (from..=to).contains(s)).min() {
                prop_assert_eq!(grid.earliest(&mask, from, to), Some(first));
            }
        }
    }
}
