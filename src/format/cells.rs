//! The cell index: every hub's resolution-15 H3 cell, sorted, with the hub's position.
//!
//! The children of any cell at resolution 15 form one contiguous run of H3 indexes, so a cell
//! of any resolution is a binary-searched range here, not a scan.

use super::meta::{expect_count, Meta};
use super::{Built, SectionKind, Sections};
use crate::error::OpenError;

/// Sorts `(cell, position)` pairs and splits them into the two sections.
pub(crate) fn write(mut entries: Vec<(u64, u32)>) -> Built {
    entries.sort_unstable();
    let keys: Vec<u64> = entries.iter().map(|&(cell, _)| cell).collect();
    let hubs: Vec<u32> = entries.iter().map(|&(_, position)| position).collect();
    vec![
        (SectionKind::CellKeys, keys.into()),
        (SectionKind::CellHubs, hubs.into()),
    ]
}

pub(crate) fn check(sections: &Sections, meta: &Meta) -> Result<(), OpenError> {
    expect_count(sections, SectionKind::CellKeys, meta.hub_count)?;
    expect_count(sections, SectionKind::CellHubs, meta.hub_count)
}

/// The raw resolution-15 range `[first, last]` of the descendants of a cell, from its raw
/// index and resolution.
pub(crate) fn descendant_range(cell: u64, resolution: u32) -> (u64, u64) {
    // Digits below the cell's resolution are 7 (unused) in its index; at resolution 15 its
    // descendants have digits 0..=6 there.
    const RESOLUTION_SHIFT: u32 = 52;
    let free_bits = 3 * (15 - resolution.min(15));
    let digits_mask = if free_bits == 0 {
        0
    } else {
        (1u64 << free_bits) - 1
    };
    let at_res15 = (cell & !(0xF << RESOLUTION_SHIFT)) | (15 << RESOLUTION_SHIFT);
    let first = at_res15 & !digits_mask;
    let sixes = 0o666_666_666_666_666_u64 & digits_mask;
    (first, first | sixes)
}

/// The cell index, read in place.
#[derive(Clone, Copy)]
pub(crate) struct CellsView<'a> {
    pub(crate) keys: &'a [u64],
    pub(crate) hubs: &'a [u32],
}

impl<'a> CellsView<'a> {
    pub(crate) fn new(bytes: &'a [u8], sections: &Sections) -> CellsView<'a> {
        CellsView {
            keys: sections.slice(bytes, SectionKind::CellKeys),
            hubs: sections.slice(bytes, SectionKind::CellHubs),
        }
    }

    /// Entries whose cell lies in `[first, last]`.
    pub(crate) fn range(&self, first: u64, last: u64) -> &'a [u32] {
        let start = self.keys.partition_point(|&key| key < first);
        let end = self.keys.partition_point(|&key| key <= last);
        self.hubs.get(start..end.max(start)).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use h3o::{LatLng, Resolution};

    #[test]
    fn descendants_of_a_cell_fall_in_its_range_and_neighbours_do_not() {
        let point = LatLng::new(38.7223, -9.1393).expect("valid");
        for res in [0u8, 3, 7, 9, 14, 15] {
            let resolution = Resolution::try_from(res).expect("valid");
            let cell = point.to_cell(resolution);
            let (first, last) = descendant_range(u64::from(cell), u32::from(res));
            let inside = u64::from(point.to_cell(Resolution::Fifteen));
            assert!((first..=last).contains(&inside), "res {res}");
            if res > 0 {
                for neighbour in cell.grid_disk::<Vec<_>>(1) {
                    if neighbour == cell {
                        continue;
                    }
                    let child = neighbour.center_child(Resolution::Fifteen).expect("child");
                    assert!(!(first..=last).contains(&u64::from(child)), "res {res}");
                }
            }
        }
    }
}
