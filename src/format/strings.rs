//! String tables: `count + 1` offsets into a block of UTF-8 bytes. Hub names and category
//! slugs use one each.

use super::{Built, SectionKind, Sections};
use crate::error::OpenError;

/// Offsets and bytes sections of a table of `strings`.
pub(crate) fn write<S: AsRef<str>>(
    strings: &[S],
    offsets_kind: SectionKind,
    bytes_kind: SectionKind,
) -> Built {
    let mut offsets = Vec::with_capacity(strings.len() + 1);
    let mut block = Vec::new();
    offsets.push(0u32);
    for string in strings {
        block.extend_from_slice(string.as_ref().as_bytes());
        // The builder caps names and counts so that the block stays under 4 GiB.
        offsets.push(block.len() as u32);
    }
    vec![(offsets_kind, offsets.into()), (bytes_kind, block.into())]
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
    /// The longest string the builder writes to this table.
    max_len: usize,
}

impl<'a> StringsView<'a> {
    pub(crate) fn new(
        bytes: &'a [u8],
        sections: &Sections,
        offsets_kind: SectionKind,
        bytes_kind: SectionKind,
        max_len: usize,
    ) -> StringsView<'a> {
        StringsView {
            offsets: sections.slice(bytes, offsets_kind),
            block: sections.slice(bytes, bytes_kind),
            max_len,
        }
    }

    /// The string at `index`, or `None` if its offsets or bytes are damaged.
    ///
    /// Offsets are not checked to ascend (that would take a pass over the table at open, and
    /// `verify` only checks checksums, which a hostile writer can recompute), so a string
    /// longer than the builder writes is damage too: without the cap, offsets alternating
    /// between 0 and the block's end would make every other string the whole block, and
    /// reading every name would take time quadratic in the file size.
    pub(crate) fn get(&self, index: usize) -> Option<&'a str> {
        let start = *self.offsets.get(index)? as usize;
        let end = *self.offsets.get(index.checked_add(1)?)? as usize;
        if end.checked_sub(start)? > self.max_len {
            return None;
        }
        std::str::from_utf8(self.block.get(start..end)?).ok()
    }
}
