//! The meta section: counts and build facts every other section is checked against.

use bytemuck::{Pod, Zeroable};

use super::{SectionKind, Sections};
use crate::error::OpenError;

/// The H3 resolution of the cell index: the finest there is, so any coarser cell is a range.
pub(crate) const CELL_RESOLUTION: u32 = 15;

/// Most hubs a snapshot holds: positions are `u32`, and one value is kept free.
pub const MAX_HUBS: u64 = u32::MAX as u64 - 1;

/// Most categories a snapshot holds: a hub's categories are one 64-bit set.
pub const MAX_CATEGORIES: usize = 64;

#[derive(Clone, Copy, Debug, Pod, Zeroable, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct Meta {
    pub(crate) hub_count: u64,
    /// The build's reference time, unix seconds.
    pub(crate) as_of: i64,
    /// Identifies the snapshot's content; cursors carry it.
    pub(crate) fingerprint: u64,
    pub(crate) category_count: u32,
    pub(crate) leaf_size: u32,
    pub(crate) cell_resolution: u32,
    /// Distinct event titles (format 2; zero in format 1, as are the fields below).
    pub(crate) title_count: u32,
    pub(crate) event_count: u64,
    /// Start of the first time bucket of [`SectionKind::NodeTimes`], unix seconds.
    pub(crate) time_base: i64,
    /// Seconds per time bucket; zero when there are no events.
    pub(crate) time_width: u64,
    /// Regions in [`SectionKind::RegionKeys`].
    pub(crate) region_count: u64,
    /// Start of the fine time buckets, unix seconds.
    pub(crate) fine_base: i64,
    /// Seconds per fine time bucket; zero when there are no events.
    pub(crate) fine_width: u64,
}

pub(crate) fn write(meta: &Meta) -> Vec<u8> {
    bytemuck::bytes_of(meta).to_vec()
}

/// Reads the meta section and checks the facts in it that do not depend on other sections.
/// Bytes of the meta section in format 1.
const META_V1_LEN: usize = 72;

pub(crate) fn read(bytes: &[u8], sections: &Sections, version: u32) -> Result<Meta, OpenError> {
    let raw = bytes.get(sections.range(SectionKind::Meta)).unwrap_or(&[]);
    // Format 1 wrote the first 72 bytes; the rest reads as zero (no events).
    let mut padded = [0u8; std::mem::size_of::<Meta>()];
    let raw = match (version, raw.len()) {
        (1, META_V1_LEN) => {
            padded[..META_V1_LEN].copy_from_slice(raw);
            &padded[..]
        }
        _ => raw,
    };
    if raw.len() != std::mem::size_of::<Meta>() {
        return Err(inconsistent(format!(
            "{} bytes, expected {}",
            raw.len(),
            std::mem::size_of::<Meta>()
        )));
    }
    let meta: Meta = bytemuck::pod_read_unaligned(raw);
    if meta.hub_count > MAX_HUBS {
        return Err(inconsistent(format!(
            "{} hubs, more than {MAX_HUBS}",
            meta.hub_count
        )));
    }
    if meta.category_count as usize > MAX_CATEGORIES {
        return Err(inconsistent(format!(
            "{} categories, more than {MAX_CATEGORIES}",
            meta.category_count
        )));
    }
    if !(1..=super::tree::MAX_LEAF_SIZE).contains(&meta.leaf_size) {
        return Err(inconsistent(format!("leaf size {}", meta.leaf_size)));
    }
    if meta.event_count > crate::format::events::MAX_EVENTS {
        return Err(inconsistent(format!(
            "{} events, more than {}",
            meta.event_count,
            crate::format::events::MAX_EVENTS
        )));
    }
    if meta.region_count > 3 * meta.hub_count {
        return Err(inconsistent(format!(
            "{} regions for {} hubs",
            meta.region_count, meta.hub_count
        )));
    }
    if meta.cell_resolution != CELL_RESOLUTION {
        return Err(inconsistent(format!(
            "cell resolution {}",
            meta.cell_resolution
        )));
    }
    Ok(meta)
}

fn inconsistent(problem: String) -> OpenError {
    OpenError::Inconsistent {
        section: SectionKind::Meta.name(),
        problem,
    }
}

/// Checks that a section holds exactly `count` elements.
pub(crate) fn expect_count(
    sections: &Sections,
    kind: SectionKind,
    count: u64,
) -> Result<(), OpenError> {
    let range = sections.range(kind);
    let found = (range.end - range.start) / kind.element_size();
    if found as u64 != count {
        return Err(OpenError::Inconsistent {
            section: kind.name(),
            problem: format!("{found} entries, expected {count}"),
        });
    }
    Ok(())
}
