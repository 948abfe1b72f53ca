//! Where sections go: the one rule the writer follows and the reader checks.

use std::ops::Range;

use super::header::{ENTRY_LEN, HEADER_LEN};
use super::ALIGN;

/// Places sections of the given lengths, in order, after the header and table, each at the
/// next multiple of [`ALIGN`]. Returns their ranges and the file length (the end of the last
/// section).
pub(crate) fn place(lengths: &[usize]) -> (Vec<Range<usize>>, usize) {
    let mut end = HEADER_LEN + lengths.len() * ENTRY_LEN;
    let mut ranges = Vec::with_capacity(lengths.len());
    for &len in lengths {
        // Saturate rather than wrap: a file claiming impossible lengths then fails the
        // reader's comparison with its real length.
        let start = end.checked_next_multiple_of(ALIGN).unwrap_or(usize::MAX);
        end = start.saturating_add(len);
        ranges.push(start..end);
    }
    (ranges, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_aligned_and_do_not_overlap() {
        let (ranges, end) = place(&[10, 0, 64, 3]);
        let first = (HEADER_LEN + 4 * ENTRY_LEN).next_multiple_of(ALIGN);
        assert_eq!(ranges[0], first..first + 10);
        assert_eq!(ranges[1], first + 64..first + 64);
        assert_eq!(ranges[2], first + 64..first + 128);
        assert_eq!(ranges[3], first + 128..first + 131);
        assert_eq!(end, first + 131);
    }
}
