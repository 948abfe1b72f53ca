//! [`AlignedBytes`]: an owned byte buffer that snapshots can be read from in place.

/// Bytes that start on an 8-byte boundary, as [`Snapshot::from_bytes`](crate::Snapshot::from_bytes)
/// needs. Built snapshots come in one; copy received bytes into one with
/// [`AlignedBytes::copy_from`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AlignedBytes {
    words: Vec<u64>,
    len: usize,
}

impl AlignedBytes {
    /// `len` zero bytes.
    pub fn zeroed(len: usize) -> AlignedBytes {
        AlignedBytes {
            words: vec![0; len.div_ceil(8)],
            len,
        }
    }

    /// A copy of `bytes`.
    pub fn copy_from(bytes: &[u8]) -> AlignedBytes {
        let mut aligned = AlignedBytes::zeroed(bytes.len());
        aligned.as_mut().copy_from_slice(bytes);
        aligned
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Shortens the buffer to `len` bytes (no effect if it is shorter already).
    pub fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }
}

impl AsRef<[u8]> for AlignedBytes {
    fn as_ref(&self) -> &[u8] {
        let all: &[u8] = bytemuck::cast_slice(&self.words);
        &all[..self.len]
    }
}

impl AsMut<[u8]> for AlignedBytes {
    fn as_mut(&mut self) -> &mut [u8] {
        let all: &mut [u8] = bytemuck::cast_slice_mut(&mut self.words);
        &mut all[..self.len]
    }
}

impl std::fmt::Debug for AlignedBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AlignedBytes({} bytes)", self.len)
    }
}

/// [`prefetch`] of the line `offset` bytes into `slice[index]` (within the element).
#[inline(always)]
pub(crate) fn prefetch_bytes<T: bytemuck::Pod>(slice: &[T], index: usize, offset: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = slice.get(index) {
        if let Some(byte) = bytemuck::bytes_of(item).get(offset) {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            #[allow(unsafe_code)]
            // SAFETY: as in `prefetch`: a hint at a byte of a live element.
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(byte).cast::<i8>());
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, index, offset);
}

/// Asks the processor to bring the cache line holding `slice[index]` closer, for a read soon
/// after; nothing (and no error) when the index is out of range or the target has no hint.
#[inline(always)]
pub(crate) fn prefetch<T>(slice: &[T], index: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = slice.get(index) {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        #[allow(unsafe_code)]
        // SAFETY: a prefetch is a hint that never faults and reads nothing the program sees;
        // the pointer is of a live element anyway. SSE, which it needs, is part of x86_64.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(item).cast::<i8>());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, index);
}

/// [`prefetch`] of every cache line of `slice[range]` (clamped to the slice).
#[inline]
pub(crate) fn prefetch_range<T>(slice: &[T], range: std::ops::Range<usize>) {
    let step = (64 / std::mem::size_of::<T>().max(1)).max(1);
    let end = range.end.min(slice.len());
    for index in (range.start..end).step_by(step) {
        prefetch(slice, index);
    }
    if end > range.start {
        prefetch(slice, end - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_aligned_zeroed_and_exactly_as_long_as_asked() {
        for len in [0, 1, 7, 8, 9, 63, 64, 65] {
            let mut bytes = AlignedBytes::zeroed(len);
            assert_eq!(bytes.len(), len);
            assert_eq!(bytes.is_empty(), len == 0);
            assert_eq!(bytes.as_ref().as_ptr().align_offset(8), 0, "len {len}");
            assert!(bytes.as_ref().iter().all(|&byte| byte == 0));
            assert_eq!(bytes.as_mut().len(), len);
        }
    }

    #[test]
    fn copies_round_trip_and_writes_and_truncation_are_seen() {
        let source: Vec<u8> = (0..=20).collect();
        let mut bytes = AlignedBytes::copy_from(&source);
        assert_eq!(bytes.as_ref(), &source[..]);
        assert_eq!(bytes.clone(), bytes);
        bytes.as_mut()[20] = 0xff;
        assert_eq!(bytes.as_ref()[20], 0xff);
        bytes.truncate(30);
        assert_eq!(bytes.len(), 21);
        bytes.truncate(9);
        assert_eq!(bytes.as_ref(), &source[..9]);
        assert_eq!(bytes.as_mut(), &source[..9]);
        assert_eq!(format!("{bytes:?}"), "AlignedBytes(9 bytes)");
        bytes.truncate(0);
        assert!(bytes.is_empty() && bytes.as_ref().is_empty());
        assert!(AlignedBytes::default().is_empty());
    }
}
