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

/// Which time buckets (`meta.time_width` seconds from `meta.time_base`) hold the start of an
/// event of the subtree; the first bucket also holds every earlier start, the last every
/// later one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub(crate) struct TimeMask {
    pub(crate) bits: [u64; 8],
}

impl TimeMask {
    pub(crate) fn set(&mut self, bucket: u64) {
        let bucket = bucket.min(TIME_BUCKETS - 1) as usize;
        self.bits[bucket / 64] |= 1 << (bucket % 64);
    }

    pub(crate) fn union(&self, other: &TimeMask) -> TimeMask {
        let mut bits = self.bits;
        for (bit, more) in bits.iter_mut().zip(other.bits) {
            *bit |= more;
        }
        TimeMask { bits }
    }

    /// The first set bucket in `from..=to` (both below [`TIME_BUCKETS`]).
    #[inline]
    pub(crate) fn first_in(&self, from: u64, to: u64) -> Option<u64> {
        let mut bucket = from;
        while bucket <= to {
            let word = self.bits[(bucket / 64) as usize] >> (bucket % 64);
            if word != 0 {
                let found = bucket + u64::from(word.trailing_zeros());
                return (found <= to).then_some(found);
            }
            bucket = (bucket / 64 + 1) * 64;
        }
        None
    }
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

/// Checks the sizes of the activity and region sections.
pub(crate) fn check(bytes: &[u8], sections: &Sections, meta: &Meta) -> Result<(), OpenError> {
    expect_count(sections, SectionKind::HubHealth, meta.hub_count)?;
    let slots = node_slots(meta.hub_count, meta.leaf_size);
    expect_count(sections, SectionKind::NodeSummaries, slots)?;
    expect_count(sections, SectionKind::NodeTimes, slots)?;
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
    if meta.event_count > 0 && meta.time_width == 0 {
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
