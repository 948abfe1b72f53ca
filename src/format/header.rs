//! The header and the section table: the only bytes `open` reads before trusting the rest.

use std::io::{self, Write};
use std::ops::Range;

use bytemuck::{Pod, Zeroable};
use rayon::prelude::*;

use super::layout;
use super::{Data, SectionKind, Sections, ALIGN};
use crate::bytes::AlignedBytes;
use crate::error::OpenError;

/// The first eight bytes of every snapshot. The last two catch text-mode transfers.
pub(crate) const MAGIC: [u8; 8] = *b"HUBDEX\r\n";

/// The format version this build writes. It reads this one and every earlier one.
pub(crate) const VERSION: u32 = 3;

/// The oldest format version this build reads.
pub(crate) const OLDEST_VERSION: u32 = 1;

/// Bytes of the header.
pub(crate) const HEADER_LEN: usize = std::mem::size_of::<Header>();

/// Bytes of one section table entry.
pub(crate) const ENTRY_LEN: usize = std::mem::size_of::<Entry>();

#[derive(Clone, Copy, Pod, Zeroable)]
#[repr(C)]
pub(crate) struct Header {
    magic: [u8; 8],
    version: u32,
    section_count: u32,
    file_len: u64,
    /// CRC-32 of this header (with this field zero) followed by the section table.
    checksum: u32,
    reserved: [u8; 36],
}

#[derive(Clone, Copy, Pod, Zeroable)]
#[repr(C)]
pub(crate) struct Entry {
    kind: u32,
    element_size: u32,
    offset: u64,
    len: u64,
    /// CRC-32 of the section's bytes.
    crc: u32,
    reserved: u32,
}

/// Assembles a whole file from the sections' bytes, in [`SectionKind::ALL`] order.
pub(crate) fn write(sections: &[(SectionKind, Data)]) -> AlignedBytes {
    let (head, ranges, file_len) = head(sections);
    let mut aligned = AlignedBytes::zeroed(file_len);
    // A buffer exactly as long as the file takes every byte: writing to it cannot fail.
    let _ = emit(&head, &ranges, sections, &mut aligned.as_mut());
    aligned
}

/// Writes the same bytes as [`write`] to `out`, one section after another, without
/// assembling the file in memory. Returns the file's length.
pub(crate) fn write_to(sections: &[(SectionKind, Data)], out: &mut impl Write) -> io::Result<u64> {
    let (head, ranges, file_len) = head(sections);
    emit(&head, &ranges, sections, out)?;
    Ok(file_len as u64)
}

/// The header, then each section at its range, zeros between.
fn emit(
    head: &[u8],
    ranges: &[Range<usize>],
    sections: &[(SectionKind, Data)],
    out: &mut impl Write,
) -> io::Result<()> {
    out.write_all(head)?;
    let mut at = head.len();
    let zeros = [0u8; ALIGN];
    for ((_, data), range) in sections.iter().zip(ranges) {
        // Ranges ascend, each at most ALIGN - 1 bytes of padding past the last.
        out.write_all(&zeros[..range.start - at])?;
        out.write_all(data.bytes())?;
        at = range.end;
    }
    Ok(())
}

/// The header and section table for `sections`, where each section goes, and the file's
/// length.
fn head(sections: &[(SectionKind, Data)]) -> (Vec<u8>, Vec<Range<usize>>, usize) {
    let lengths: Vec<usize> = sections
        .iter()
        .map(|(_, data)| data.bytes().len())
        .collect();
    let (ranges, file_len) = layout::place(&lengths);
    let entries: Vec<Entry> = sections
        .par_iter()
        .zip(&ranges)
        .map(|((kind, data), range)| Entry {
            kind: *kind as u32,
            element_size: kind.element_size() as u32,
            offset: range.start as u64,
            len: range.len() as u64,
            crc: data.crc(),
            reserved: 0,
        })
        .collect();
    let table: &[u8] = bytemuck::cast_slice(&entries);
    let mut header = Header {
        magic: MAGIC,
        version: VERSION,
        section_count: sections.len() as u32,
        file_len: file_len as u64,
        checksum: 0,
        reserved: [0; 36],
    };
    header.checksum = header_checksum(&header, table);
    let mut head = bytemuck::bytes_of(&header).to_vec();
    head.extend_from_slice(table);
    (head, ranges, file_len)
}

fn header_checksum(header: &Header, table: &[u8]) -> u32 {
    let mut zeroed = *header;
    zeroed.checksum = 0;
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(bytemuck::bytes_of(&zeroed));
    hasher.update(table);
    hasher.finalize()
}

/// What `open` learns from the header and table.
pub(crate) struct Parsed {
    pub(crate) version: u32,
    pub(crate) sections: Sections,
    pub(crate) crcs: Vec<(SectionKind, u32)>,
}

/// Checks the header and table against `bytes` and returns where each section lies.
///
/// Constant time in the file size: it reads the header and the fixed-size table only.
pub(crate) fn parse(bytes: &[u8]) -> Result<Parsed, OpenError> {
    if cfg!(target_endian = "big") {
        return Err(OpenError::BigEndianHost);
    }
    let header = read_header(bytes)?;

    // Checksum before trusting any other field, so that a damaged header is reported as
    // damage rather than as a truncation or a malformed table. This version's table has a
    // size fixed by its version, so the checksummed bytes do not depend on the fields being
    // checked.
    let kinds = SectionKind::of_version(header.version);
    let table_end = HEADER_LEN + kinds.len() * ENTRY_LEN;
    let table = bytes
        .get(HEADER_LEN..table_end)
        .ok_or(OpenError::TooShort {
            len: bytes.len(),
            need: table_end,
        })?;
    let actual = header_checksum(&header, table);
    if actual != header.checksum {
        return Err(OpenError::HeaderChecksum {
            expected: header.checksum,
            actual,
        });
    }

    if header.file_len != bytes.len() as u64 {
        return Err(OpenError::LengthMismatch {
            expected: header.file_len,
            actual: bytes.len() as u64,
        });
    }
    if bytes.as_ptr().align_offset(8) != 0 {
        return Err(OpenError::Misaligned);
    }
    if header.section_count as usize != kinds.len() || header.reserved != [0; 36] {
        return Err(bad_table(format!(
            "{} sections listed (version {} has {}) or reserved bytes set",
            header.section_count,
            header.version,
            kinds.len()
        )));
    }
    let entries: Vec<Entry> = table
        .chunks_exact(ENTRY_LEN)
        .map(bytemuck::pod_read_unaligned)
        .collect();
    check_entries(header.version, &entries, bytes.len())
}

/// The header, after the checks that say whether this is a snapshot this build reads at all.
fn read_header(bytes: &[u8]) -> Result<Header, OpenError> {
    let header_bytes = bytes.get(..HEADER_LEN).ok_or(OpenError::TooShort {
        len: bytes.len(),
        need: HEADER_LEN,
    })?;
    let header: Header = bytemuck::pod_read_unaligned(header_bytes);
    if header.magic != MAGIC {
        return Err(OpenError::BadMagic {
            found: header.magic,
        });
    }
    if !(OLDEST_VERSION..=VERSION).contains(&header.version) {
        return Err(OpenError::UnsupportedVersion {
            found: header.version,
            supported: VERSION,
        });
    }
    Ok(header)
}

fn check_entries(version: u32, entries: &[Entry], file_len: usize) -> Result<Parsed, OpenError> {
    let kinds = SectionKind::of_version(version);
    let mut lengths = Vec::with_capacity(entries.len());
    for (entry, &expected) in entries.iter().zip(kinds) {
        let kind = SectionKind::from_u32(entry.kind)
            .ok_or_else(|| bad_table(format!("unknown section kind {}", entry.kind)))?;
        if kind != expected {
            return Err(bad_table(format!(
                "section '{}' where '{}' belongs",
                kind.name(),
                expected.name()
            )));
        }
        if entry.reserved != 0 {
            return Err(bad_table(format!(
                "section '{}' has reserved bits set",
                kind.name()
            )));
        }
        if entry.element_size as usize != kind.element_size_in(version) {
            return Err(bad_table(format!(
                "section '{}' has element size {}",
                kind.name(),
                entry.element_size
            )));
        }
        let len = usize::try_from(entry.len)
            .ok()
            .filter(|len| *len <= file_len && len % kind.element_size_in(version) == 0)
            .ok_or_else(|| {
                bad_table(format!(
                    "section '{}' has length {}",
                    kind.name(),
                    entry.len
                ))
            })?;
        lengths.push(len);
    }

    // The layout is a function of the lengths: any other offset is a damaged table.
    let (ranges, computed_len) = layout::place(&lengths);
    if computed_len != file_len {
        return Err(bad_table(format!(
            "sections end at byte {computed_len}, file has {file_len}"
        )));
    }
    let mut sections = Sections::default();
    let mut crcs = Vec::with_capacity(entries.len());
    for ((entry, &kind), range) in entries.iter().zip(kinds).zip(ranges) {
        if entry.offset != range.start as u64 {
            return Err(bad_table(format!(
                "section '{}' at byte {}, expected {}",
                kind.name(),
                entry.offset,
                range.start
            )));
        }
        sections.set(kind, range);
        crcs.push((kind, entry.crc));
    }
    Ok(Parsed {
        version,
        sections,
        crcs,
    })
}

fn bad_table(problem: String) -> OpenError {
    OpenError::BadTable { problem }
}

/// Recomputes every checksum and checks that padding is zero, so that any changed byte
/// anywhere in the file is found.
pub(crate) fn verify(bytes: &[u8], parsed: &Parsed) -> Result<(), OpenError> {
    let mut covered = HEADER_LEN + parsed.crcs.len() * ENTRY_LEN;
    for &(kind, expected) in &parsed.crcs {
        let range = parsed.sections.range(kind);
        check_padding(bytes, covered, range.start)?;
        let section = bytes.get(range.clone()).unwrap_or(&[]);
        let actual = crc32fast::hash(section);
        if actual != expected {
            return Err(OpenError::Checksum {
                section: kind.name(),
                expected,
                actual,
            });
        }
        covered = range.end;
    }
    check_padding(bytes, covered, bytes.len())
}

fn check_padding(bytes: &[u8], from: usize, to: usize) -> Result<(), OpenError> {
    let padding = bytes.get(from..to).unwrap_or(&[]);
    match padding.iter().position(|&byte| byte != 0) {
        Some(at) => Err(OpenError::Padding {
            offset: (from + at) as u64,
        }),
        None => Ok(()),
    }
}
