//! Events: columns in hub order, each hub's events sorted by start then id, with sparse
//! tables for the few events whose venue or categories are not their hub's.

use super::meta::{expect_count, Meta};
use super::{strings, Built, SectionKind, Sections};
use crate::error::OpenError;

/// Most events a snapshot holds: positions are `u32`, and one value is kept free.
pub const MAX_EVENTS: u64 = u32::MAX as u64 - 1;

/// The stored capacity of an event without a limit.
pub(crate) const NO_CAPACITY: u32 = u32::MAX;

/// The event columns, in storage order.
#[derive(Default)]
pub(crate) struct Columns {
    pub(crate) offsets: Vec<u32>,
    pub(crate) ids: Vec<u64>,
    pub(crate) starts: Vec<u32>,
    pub(crate) durations: Vec<u32>,
    pub(crate) rsvps: Vec<u32>,
    pub(crate) capacity: Vec<u32>,
    pub(crate) prices: Vec<u32>,
    pub(crate) titles: Vec<u32>,
    pub(crate) place_events: Vec<u32>,
    pub(crate) place_coords: Vec<[i32; 2]>,
    pub(crate) own_category_events: Vec<u32>,
    pub(crate) own_categories: Vec<u64>,
    pub(crate) timelines: Vec<u32>,
}

/// The event sections; the columns move into them without a copy.
pub(crate) fn write<S: AsRef<str>>(columns: Columns, titles: &[S]) -> Built {
    let mut sections: Built = vec![
        (SectionKind::EventOffsets, columns.offsets.into()),
        (SectionKind::EventIds, columns.ids.into()),
        (SectionKind::EventStarts, columns.starts.into()),
        (SectionKind::EventDurations, columns.durations.into()),
        (SectionKind::EventRsvps, columns.rsvps.into()),
        (SectionKind::EventCapacity, columns.capacity.into()),
        (SectionKind::EventPrices, columns.prices.into()),
        (SectionKind::EventTitles, columns.titles.into()),
        (SectionKind::PlaceEvents, columns.place_events.into()),
        (SectionKind::PlaceCoords, columns.place_coords.into()),
        (
            SectionKind::OwnCategoryEvents,
            columns.own_category_events.into(),
        ),
        (SectionKind::OwnCategories, columns.own_categories.into()),
        (SectionKind::LeafTimelines, columns.timelines.into()),
    ];
    sections.extend(strings::write(
        titles,
        SectionKind::TitleOffsets,
        SectionKind::TitleBytes,
    ));
    sections
}

/// Checks the event sections' sizes against the meta counts, and that the offsets end at
/// the event count (each offset is checked when read).
pub(crate) fn check(bytes: &[u8], sections: &Sections, meta: &Meta) -> Result<(), OpenError> {
    expect_count(sections, SectionKind::EventOffsets, meta.hub_count + 1)?;
    for kind in [
        SectionKind::EventIds,
        SectionKind::EventStarts,
        SectionKind::EventDurations,
        SectionKind::EventRsvps,
        SectionKind::EventCapacity,
        SectionKind::EventPrices,
        SectionKind::EventTitles,
        SectionKind::LeafTimelines,
    ] {
        expect_count(sections, kind, meta.event_count)?;
    }
    let offsets: &[u32] = sections.slice(bytes, SectionKind::EventOffsets);
    if offsets.first() != Some(&0)
        || offsets.last().map(|&end| u64::from(end)) != Some(meta.event_count)
    {
        return Err(OpenError::Inconsistent {
            section: SectionKind::EventOffsets.name(),
            problem: format!(
                "offsets do not run from 0 to the {} events",
                meta.event_count
            ),
        });
    }
    for (index, values) in [
        (SectionKind::PlaceEvents, SectionKind::PlaceCoords),
        (SectionKind::OwnCategoryEvents, SectionKind::OwnCategories),
    ] {
        let entries = sections.range(index).len() / index.element_size();
        if entries as u64 > meta.event_count {
            return Err(OpenError::Inconsistent {
                section: index.name(),
                problem: format!("{entries} entries for {} events", meta.event_count),
            });
        }
        expect_count(sections, values, entries as u64)?;
    }
    strings::check(
        bytes,
        sections,
        SectionKind::TitleOffsets,
        SectionKind::TitleBytes,
        u64::from(meta.title_count),
    )
}

/// The event columns, read in place. Every accessor is bounds-checked: a damaged offset
/// gives an empty or shorter range, never a panic.
#[derive(Clone, Copy)]
pub(crate) struct EventsView<'a> {
    pub(crate) offsets: &'a [u32],
    pub(crate) ids: &'a [u64],
    pub(crate) starts: &'a [u32],
    pub(crate) durations: &'a [u32],
    pub(crate) rsvps: &'a [u32],
    pub(crate) capacity: &'a [u32],
    pub(crate) prices: &'a [u32],
    pub(crate) titles: &'a [u32],
    pub(crate) place_events: &'a [u32],
    pub(crate) place_coords: &'a [[i32; 2]],
    pub(crate) own_category_events: &'a [u32],
    pub(crate) own_categories: &'a [u64],
    pub(crate) timelines: &'a [u32],
}

impl<'a> EventsView<'a> {
    pub(crate) fn new(bytes: &'a [u8], sections: &Sections) -> EventsView<'a> {
        EventsView {
            offsets: sections.slice(bytes, SectionKind::EventOffsets),
            ids: sections.slice(bytes, SectionKind::EventIds),
            starts: sections.slice(bytes, SectionKind::EventStarts),
            durations: sections.slice(bytes, SectionKind::EventDurations),
            rsvps: sections.slice(bytes, SectionKind::EventRsvps),
            capacity: sections.slice(bytes, SectionKind::EventCapacity),
            prices: sections.slice(bytes, SectionKind::EventPrices),
            titles: sections.slice(bytes, SectionKind::EventTitles),
            place_events: sections.slice(bytes, SectionKind::PlaceEvents),
            place_coords: sections.slice(bytes, SectionKind::PlaceCoords),
            own_category_events: sections.slice(bytes, SectionKind::OwnCategoryEvents),
            own_categories: sections.slice(bytes, SectionKind::OwnCategories),
            timelines: sections.slice(bytes, SectionKind::LeafTimelines),
        }
    }

    /// The event positions of the hub at `position`, clamped to the columns.
    #[inline]
    pub(crate) fn of_hub(&self, position: usize) -> std::ops::Range<usize> {
        let start = self.offsets.get(position).map_or(0, |&o| o as usize);
        let end = self
            .offsets
            .get(position + 1)
            .map_or(0, |&o| o as usize)
            .min(self.starts.len());
        start.min(end)..end
    }

    /// The events of the hubs `hubs` (a leaf's), clamped to the columns.
    #[inline]
    pub(crate) fn of_hubs(&self, hubs: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let start = self.offsets.get(hubs.start).map_or(0, |&o| o as usize);
        let end = self
            .offsets
            .get(hubs.end)
            .map_or(0, |&o| o as usize)
            .min(self.starts.len())
            .min(self.timelines.len());
        start.min(end)..end
    }

    /// The first entry of a leaf's timeline (events `events`, in start order) whose event
    /// starts at or after `from`. A damaged entry reads as starting at the end of time.
    #[inline]
    pub(crate) fn first_from(&self, events: &std::ops::Range<usize>, from: u32) -> usize {
        let timeline = self.timelines.get(events.clone()).unwrap_or(&[]);
        timeline.partition_point(|&offset| self.start_at(events.start, offset) < from)
    }

    /// The start of the event `offset` after `first`, or `u32::MAX` if out of range.
    #[inline]
    pub(crate) fn start_at(&self, first: usize, offset: u32) -> u32 {
        self.starts
            .get(first.saturating_add(offset as usize))
            .copied()
            .unwrap_or(u32::MAX)
    }

    /// The venue of the event at `event`, if it has its own.
    pub(crate) fn place(&self, event: usize) -> Option<[i32; 2]> {
        let at = self.place_events.binary_search(&(event as u32)).ok()?;
        self.place_coords.get(at).copied()
    }

    /// The entries of the venue table that can belong to the events `events`: one search of
    /// the whole table, after which [`EventsView::place_among`] searches only these.
    pub(crate) fn places_of(&self, events: &std::ops::Range<usize>) -> std::ops::Range<usize> {
        // Venues spread over the events about evenly: start where the table would hold the
        // range if they were even, and widen from there.
        let table = self.place_events.len();
        let guess = events.start as u128 * table as u128 / self.starts.len().max(1) as u128;
        let first = partition_near(
            self.place_events,
            usize::try_from(guess).unwrap_or(table),
            |e| (e as usize) < events.start,
        );
        // Entries are distinct ascending positions: at most one per event of the range.
        let end = first
            .saturating_add(events.len())
            .min(self.place_events.len());
        first..end
    }

    /// [`EventsView::place`], searching only the entries `places`.
    pub(crate) fn place_among(
        &self,
        event: usize,
        places: &std::ops::Range<usize>,
    ) -> Option<[i32; 2]> {
        let entries = self.place_events.get(places.clone())?;
        let at = entries.binary_search(&(event as u32)).ok()?;
        self.place_coords.get(places.start + at).copied()
    }

    /// The categories of the event at `event`, if not its hub's.
    pub(crate) fn own_categories(&self, event: usize) -> Option<u64> {
        let at = self
            .own_category_events
            .binary_search(&(event as u32))
            .ok()?;
        self.own_categories.get(at).copied()
    }
}

/// `table.partition_point(below)`, searched outward from `guess` by doubling steps and then
/// within the bracket found: a few reads near the guess rather than a search of the whole
/// table, when the guess is good. The same answer as `partition_point` for any guess (and,
/// like it, some index in range for a table that is not partitioned).
fn partition_near(table: &[u32], guess: usize, below: impl Fn(u32) -> bool) -> usize {
    let n = table.len();
    let guess = guess.min(n);
    let below_at = |at: usize| table.get(at).is_some_and(|&e| below(e));
    // The answer lies in `lo..=hi`.
    let (mut lo, mut hi) = (0, n);
    let mut step = 1usize;
    if below_at(guess) {
        lo = guess + 1;
        loop {
            let probe = lo.saturating_add(step - 1);
            if probe >= n {
                break;
            }
            if below_at(probe) {
                lo = probe + 1;
                step = step.saturating_mul(2);
            } else {
                hi = probe;
                break;
            }
        }
    } else {
        hi = guess;
        while hi > 0 {
            let probe = hi.saturating_sub(step);
            if below_at(probe) {
                lo = probe + 1;
                break;
            }
            hi = probe;
            step = step.saturating_mul(2);
        }
    }
    lo + table
        .get(lo..hi)
        .map_or(0, |part| part.partition_point(|&e| below(e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The outward search finds what the plain one does, whatever the guess.
        #[test]
        fn partition_near_agrees_with_partition_point(
            mut table in proptest::collection::vec(0u32..5_000, 0..300),
            key in 0u32..5_100,
            guess in 0usize..400,
            sorted in any::<bool>(),
        ) {
            if sorted {
                table.sort_unstable();
                prop_assert_eq!(
                    partition_near(&table, guess, |e| e < key),
                    table.partition_point(|&e| e < key)
                );
            } else {
                // Unpartitioned (damaged) tables give an index in range, without a panic.
                prop_assert!(partition_near(&table, guess, |e| e < key) <= table.len());
            }
        }
    }
}
