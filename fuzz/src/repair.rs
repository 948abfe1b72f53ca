//! Repairs of a mutated snapshot, so that mutations get past the checks that random bytes
//! almost never pass: the header's CRC (which covers the section table), the file length and
//! the section offsets (which must follow from the lengths). Without them nearly every mutation
//! of a real snapshot would stop at `HeaderChecksum`, and the fuzzer would never see what a
//! table, meta or section with hostile content does to `open` and the queries.
//!
//! The layout is FORMAT.md's: a 64-byte header (file length at byte 16, checksum at 24), then
//! 17 table entries of 32 bytes (offset at 8, length at 16, CRC at 24), then the sections,
//! each at the next multiple of 64 after the previous one's end.

/// Recompute section offsets from the lengths and resize the file to end where the last
/// section ends.
pub const RELAYOUT: u8 = 1;
/// Recompute every section's CRC from its bytes, so that `verify` passes on damaged content.
pub const FIX_SECTION_CRCS: u8 = 2;
/// Set the header's file length and recompute its checksum.
pub const FIX_HEADER: u8 = 4;
/// Every repair.
pub const ALL: u8 = RELAYOUT | FIX_SECTION_CRCS | FIX_HEADER;

const HEADER_LEN: usize = 64;
const ENTRY_LEN: usize = 32;
const SECTIONS: usize = 17;
const TABLE_END: usize = HEADER_LEN + SECTIONS * ENTRY_LEN;
const ALIGN: usize = 64;

/// A relayout never grows a file beyond this, so that one input cannot allocate much.
pub const MAX_RELAYOUT_LEN: usize = 1 << 20;

/// Applies the repairs whose bits are set in `mode` (the other bits are ignored). Files too
/// short to hold a table are left alone.
pub fn repair(file: &mut Vec<u8>, mode: u8) {
    if file.len() < TABLE_END {
        return;
    }
    if mode & RELAYOUT != 0 {
        relayout(file);
    }
    if mode & FIX_SECTION_CRCS != 0 {
        fix_section_crcs(file);
    }
    if mode & FIX_HEADER != 0 {
        fix_header(file);
    }
}

fn entry(index: usize) -> usize {
    HEADER_LEN + index * ENTRY_LEN
}

fn read_u64(file: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(file[at..at + 8].try_into().expect("8 bytes"))
}

fn write(file: &mut [u8], at: usize, bytes: &[u8]) {
    file[at..at + bytes.len()].copy_from_slice(bytes);
}

fn relayout(file: &mut Vec<u8>) {
    let mut end = TABLE_END;
    let mut offsets = [0usize; SECTIONS];
    for (index, offset) in offsets.iter_mut().enumerate() {
        let len = read_u64(file, entry(index) + 16);
        let start = end.next_multiple_of(ALIGN);
        match usize::try_from(len)
            .ok()
            .and_then(|len| start.checked_add(len))
        {
            Some(next) if next <= MAX_RELAYOUT_LEN => end = next,
            _ => return,
        }
        *offset = start;
    }
    for (index, offset) in offsets.iter().enumerate() {
        write(file, entry(index) + 8, &(*offset as u64).to_le_bytes());
    }
    file.resize(end, 0);
}

fn fix_section_crcs(file: &mut [u8]) {
    for index in 0..SECTIONS {
        let offset = read_u64(file, entry(index) + 8);
        let len = read_u64(file, entry(index) + 16);
        let range = usize::try_from(offset)
            .ok()
            .zip(usize::try_from(len).ok())
            .and_then(|(start, len)| Some(start..start.checked_add(len)?));
        if let Some(section) = range.and_then(|range| file.get(range)) {
            let crc = crc32fast::hash(section);
            write(file, entry(index) + 24, &crc.to_le_bytes());
        }
    }
}

fn fix_header(file: &mut [u8]) {
    let len = file.len() as u64;
    write(file, 16, &len.to_le_bytes());
    write(file, 24, &[0; 4]);
    let crc = crc32fast::hash(&file[..TABLE_END]);
    write(file, 24, &crc.to_le_bytes());
}
