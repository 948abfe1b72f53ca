//! String tables: `count + 1` offsets into a block of UTF-8 bytes. Hub names and category
//! slugs use one each.

use super::{SectionKind, Sections};
use crate::error::OpenError;

/// Offsets and bytes sections of a table of `strings`.
pub(crate) fn write<S: AsRef<str>>(
    strings: &[S],
    offsets_kind: SectionKind,
    bytes_kind: SectionKind,
) -> Vec<(SectionKind, Vec<u8>)> {
    let mut offsets = Vec::with_capacity(strings.len() + 1);
    let mut block = Vec::new();
    offsets.push(0u32);
    for string in strings {
        block.extend_from_slice(string.as_ref().as_bytes());
        // The builder caps names and counts so that the block stays under 4 GiB.
        offsets.push(block.len() as u32);
    }
    vec![
        (offsets_kind, bytemuck::cast_slice(&offsets).to_vec()),
        (bytes_kind, block),
    ]
}

/// Checks the table's size and its last offset (constant time; each string is checked when
/// read).
pub(crate) fn check(
    bytes: &[u8],
    sections: &Sections,
    offsets_kind: SectionKind,
    bytes_kind: SectionKind,
    count: u64,
) -> Result<(), OpenError> {
    super::meta::expect_count(sections, offsets_kind, count + 1)?;
    let offsets: &[u32] = sections.slice(bytes, offsets_kind);
    let block_len = sections.range(bytes_kind).len();
    match offsets.last() {
        Some(&last) if last as usize == block_len => Ok(()),
        _ => Err(OpenError::Inconsistent {
            section: offsets_kind.name(),
            problem: format!("last offset does not end the {block_len}-byte string block"),
        }),
    }
}

/// A string table read in place.
#[derive(Clone, Copy)]
pub(crate) struct StringsView<'a> {
    offsets: &'a [u32],
    block: &'a [u8],
}

impl<'a> StringsView<'a> {
    pub(crate) fn new(
        bytes: &'a [u8],
        sections: &Sections,
        offsets_kind: SectionKind,
        bytes_kind: SectionKind,
    ) -> StringsView<'a> {
        StringsView {
            offsets: sections.slice(bytes, offsets_kind),
            block: sections.slice(bytes, bytes_kind),
        }
    }

    /// The string at `index`, or `None` if its offsets or bytes are damaged.
    pub(crate) fn get(&self, index: usize) -> Option<&'a str> {
        let start = *self.offsets.get(index)? as usize;
        let end = *self.offsets.get(index.checked_add(1)?)? as usize;
        std::str::from_utf8(self.block.get(start..end)?).ok()
    }
}
