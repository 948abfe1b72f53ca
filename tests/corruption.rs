//! Damaged snapshot files never panic (DESIGN §4): every truncation, flipped bit or changed
//! byte ends in an error from `from_bytes` or from `verify`, and queries on a damaged file that
//! opened (before `verify`) return answers or errors, never a panic.
//!
//! The section boundaries come from parsing the header and the section table here, from the
//! documented layout: a 64-byte header (magic `HUBDEX\r\n`, version u32, section_count u32,
//! file_len u64, checksum u32, 36 reserved bytes), then `section_count` entries of 32 bytes
//! (kind u32, element_size u32, offset u64, len u64, crc u32, reserved u32), then the sections,
//! each at a multiple of 64 bytes, zero padding between them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};

use hubdex::generate::Generator;
use hubdex::h3o::{LatLng, Resolution};
use hubdex::{
    AlignedBytes, Filter, HubFlags, Nearest, OpenError, Snapshot, SnapshotBuilder, Within,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const HEADER_LEN: usize = 64;
const ENTRY_LEN: usize = 32;
const CHECKSUM_AT: Range<usize> = 24..28;

/// Where the fields of the header lie, for naming outcomes.
const HEADER_FIELDS: [(&str, Range<usize>); 6] = [
    ("magic", 0..8),
    ("version", 8..12),
    ("section_count", 12..16),
    ("file_len", 16..24),
    ("checksum", CHECKSUM_AT),
    ("reserved", 28..64),
];

/// Where the fields of a table entry lie, relative to the entry.
const ENTRY_FIELDS: [(&str, Range<usize>); 6] = [
    ("kind", 0..4),
    ("element_size", 4..8),
    ("offset", 8..16),
    ("len", 16..24),
    ("crc", 24..28),
    ("reserved", 28..32),
];

/// One entry of the section table, as read from the file.
#[derive(Clone, Debug)]
struct Section {
    kind: u32,
    element_size: u32,
    range: Range<usize>,
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

/// The section table of an intact file.
fn parse_sections(bytes: &[u8]) -> Vec<Section> {
    assert_eq!(&bytes[..8], b"HUBDEX\r\n");
    assert_eq!(u64_at(bytes, 16), bytes.len() as u64);
    let count = u32_at(bytes, 12) as usize;
    let sections: Vec<Section> = (0..count)
        .map(|index| {
            let entry = HEADER_LEN + index * ENTRY_LEN;
            let offset = u64_at(bytes, entry + 8) as usize;
            let len = u64_at(bytes, entry + 16) as usize;
            Section {
                kind: u32_at(bytes, entry),
                element_size: u32_at(bytes, entry + 4),
                range: offset..offset + len,
            }
        })
        .collect();
    // What the documentation promises about the layout.
    let mut end = table_end(bytes);
    for section in &sections {
        assert_eq!(section.range.start % 64, 0, "{section:?} is not aligned");
        assert!(
            section.range.start >= end,
            "{section:?} overlaps its predecessor"
        );
        assert!(section.range.start - end < 64, "{section:?} is not packed");
        assert_eq!(section.range.len() % section.element_size as usize, 0);
        end = section.range.end;
    }
    assert_eq!(end, bytes.len());
    sections
}

fn table_end(bytes: &[u8]) -> usize {
    HEADER_LEN + u32_at(bytes, 12) as usize * ENTRY_LEN
}

/// The header checksum as documented: CRC-32 of the header with its checksum field zero,
/// followed by the table.
fn header_checksum(bytes: &[u8]) -> u32 {
    let mut header = bytes[..HEADER_LEN].to_vec();
    header[CHECKSUM_AT].fill(0);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&header);
    hasher.update(&bytes[HEADER_LEN..table_end(bytes)]);
    hasher.finalize()
}

/// Rewrites the header checksum so that the header and table pass it.
fn reseal(bytes: &mut [u8]) {
    let checksum = header_checksum(bytes);
    bytes[CHECKSUM_AT].copy_from_slice(&checksum.to_le_bytes());
}

/// The padding between the table and the first section and between sections.
fn padding(bytes: &[u8], sections: &[Section]) -> Vec<usize> {
    let mut gaps = Vec::new();
    let mut end = table_end(bytes);
    for section in sections {
        gaps.extend(end..section.range.start);
        end = section.range.end;
    }
    gaps
}

/// A field name for a byte of the header or the table.
fn header_field(at: usize) -> String {
    if at < HEADER_LEN {
        let (name, _) = HEADER_FIELDS.iter().find(|(_, r)| r.contains(&at)).unwrap();
        return format!("header.{name}");
    }
    let within = (at - HEADER_LEN) % ENTRY_LEN;
    let (name, _) = ENTRY_FIELDS
        .iter()
        .find(|(_, r)| r.contains(&within))
        .unwrap();
    format!("table.{name}")
}

// ---------------------------------------------------------------------------------------------
// The sample and what is done with each damaged copy
// ---------------------------------------------------------------------------------------------

/// About 300 hubs with names, categories and flags.
fn sample() -> (Vec<u8>, Vec<(f64, f64)>) {
    let hubs = Generator::new(5).top_cities(20).hubs(300);
    let mut builder = SnapshotBuilder::new();
    builder.as_of(1_767_225_600);
    for hub in &hubs {
        builder.add_hub(hub.clone()).unwrap();
    }
    let bytes = builder.to_bytes().unwrap().as_ref().to_vec();
    let mut probes: Vec<(f64, f64)> = hubs.iter().step_by(75).map(|h| (h.lat, h.lon)).collect();
    probes.extend([(90.0, 0.0), (-33.9, 151.2), (0.0, 180.0)]);
    (bytes, probes)
}

/// The name of an error's variant.
fn variant(error: &impl std::fmt::Debug) -> String {
    let text = format!("{error:?}");
    let end = text.find([' ', '{', '(']).unwrap_or(text.len());
    text[..end].to_string()
}

/// Every kind of query a damaged but opened snapshot may be asked; any answer will do.
fn exercise(snapshot: &Snapshot<AlignedBytes>, probes: &[(f64, f64)]) {
    let filter = match snapshot.category_set(&["running", "hiking"]) {
        Ok(set) => Filter::new().any_of(set),
        Err(_) => Filter::new().flags(HubFlags::VERIFIED),
    };
    for &(lat, lon) in probes {
        let _ = snapshot.nearest(&Nearest::new(lat, lon).k(10));
        let query = Nearest::new(lat, lon).k(1000).max_radius_m(2e6);
        let _ = snapshot.nearest(&query.filter(filter.clone()));
        let _ = snapshot.within(&Within::new(lat, lon, 300_000.0));
        let paged = Within::new(lat, lon, 3e6).limit(7).filter(filter.clone());
        if let Ok(page) = snapshot.within(&paged) {
            if let Some(cursor) = page.next {
                let _ = snapshot.within(&paged.after(cursor));
            }
        }
        let point = LatLng::new(lat, lon).unwrap();
        for res in [Resolution::Zero, Resolution::Five, Resolution::Fifteen] {
            let _ = snapshot.hubs_in_cell(point.to_cell(res), &Filter::new());
            let _ = snapshot.hubs_in_cell(point.to_cell(res), &filter);
        }
    }
    for id in [0, 1, 150, 300, 301, u64::MAX] {
        if let Some(hub) = snapshot.hub(id) {
            let _ = hub.name();
        }
    }
    for hub in snapshot.iter() {
        let _ = (
            hub.name(),
            hub.lat(),
            hub.lon(),
            hub.categories(),
            hub.flags(),
        );
        let _ = (hub.members(), hub.created_at(), format!("{hub:?}"));
        let _ = snapshot.hub_at(hub.position());
        let _ = snapshot.hub(hub.id());
    }
    let _ = snapshot.categories().count();
    let _ = snapshot.section_sizes();
    let _ = format!("{snapshot:?}");
}

/// What each attempt must end in.
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// `from_bytes` fails.
    OpenError,
    /// `from_bytes` or `verify` fails.
    SomeError,
    /// Anything but a panic.
    NoPanic,
}

/// Outcomes per (region, outcome), and the attempts that broke the rules.
#[derive(Default)]
struct Tally {
    outcomes: BTreeMap<(String, String), usize>,
    attempts: usize,
    panics: Vec<String>,
    wrong: Vec<String>,
}

impl Tally {
    /// Opens a copy of `bytes`; if it opens, queries it and verifies it.
    fn attempt(
        &mut self,
        region: &str,
        label: String,
        bytes: &[u8],
        probes: &[(f64, f64)],
        expect: Expect,
    ) {
        self.attempts += 1;
        let run = || {
            let snapshot = match Snapshot::from_bytes(AlignedBytes::copy_from(bytes)) {
                Ok(snapshot) => snapshot,
                Err(error) => return format!("open: {}", variant(&error)),
            };
            exercise(&snapshot, probes);
            match snapshot.verify() {
                Ok(()) => "accepted".to_string(),
                Err(error) => format!("opened, queried; verify: {}", variant(&error)),
            }
        };
        let outcome = match catch_unwind(AssertUnwindSafe(run)) {
            Ok(outcome) => outcome,
            Err(_) => {
                self.panics.push(label.clone());
                "PANIC".to_string()
            }
        };
        let broken = match expect {
            Expect::OpenError => !outcome.starts_with("open: "),
            Expect::SomeError => outcome == "accepted",
            Expect::NoPanic => false,
        };
        if broken && outcome != "PANIC" {
            self.wrong.push(format!("{label}: {outcome}"));
        }
        *self
            .outcomes
            .entry((region.to_string(), outcome))
            .or_default() += 1;
    }

    fn report_and_check(&self, test: &str) {
        println!("{test}: {} attempts", self.attempts);
        for ((region, outcome), count) in &self.outcomes {
            println!("  {region:<38} {outcome:<36} {count:>6}");
        }
        assert!(
            self.panics.is_empty(),
            "{test}: {} panics: {:#?}",
            self.panics.len(),
            self.panics
        );
        assert!(
            self.wrong.is_empty(),
            "{test}: {} wrong outcomes: {:#?}",
            self.wrong.len(),
            self.wrong
        );
    }
}

/// A byte that differs from `old`: one flipped bit or a random other value.
fn damage(rng: &mut ChaCha8Rng, old: u8, flip: bool) -> u8 {
    if flip {
        old ^ 1 << rng.random_range(0..8)
    } else {
        old ^ rng.random_range(1..=255u8)
    }
}

/// "section <index> <name>" for every entry of the table, named as the snapshot names them.
fn section_names(bytes: &[u8], sections: &[Section]) -> Vec<String> {
    let snapshot = Snapshot::from_bytes(AlignedBytes::copy_from(bytes)).unwrap();
    let sizes = snapshot.section_sizes();
    assert_eq!(sizes.len(), sections.len());
    sizes
        .iter()
        .zip(sections)
        .enumerate()
        .map(|(index, ((name, size), section))| {
            assert_eq!(*size, section.range.len(), "section {name}");
            format!("section {index:>2} {name}")
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn the_sample_is_intact_and_parses_as_documented() {
    let (bytes, probes) = sample();
    let sections = parse_sections(&bytes);
    assert_eq!(section_names(&bytes, &sections).len(), sections.len());
    assert_eq!(u32_at(&bytes, CHECKSUM_AT.start), header_checksum(&bytes));
    for section in &sections {
        let crc = crc32fast::hash(&bytes[section.range.clone()]);
        let entry = sections
            .iter()
            .position(|s| s.kind == section.kind)
            .unwrap();
        assert_eq!(u32_at(&bytes, HEADER_LEN + entry * ENTRY_LEN + 24), crc);
    }
    assert!(padding(&bytes, &sections).iter().all(|&at| bytes[at] == 0));
    let snapshot = Snapshot::from_bytes(AlignedBytes::copy_from(&bytes)).unwrap();
    snapshot.verify().unwrap();
    assert_eq!(snapshot.hub_count(), 300);
    assert!(snapshot.categories().count() > 5);
    exercise(&snapshot, &probes);
}

#[test]
fn truncated_and_extended_files_are_refused() {
    let (bytes, probes) = sample();
    let sections = parse_sections(&bytes);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut lengths: Vec<usize> = (0..=table_end(&bytes)).collect();
    for section in &sections {
        lengths.extend([section.range.start, section.range.end]);
        lengths.extend([section.range.start + 1, section.range.end.saturating_sub(1)]);
    }
    lengths.extend((0..200).map(|_| rng.random_range(0..bytes.len())));
    lengths.retain(|&len| len < bytes.len());
    lengths.sort_unstable();
    lengths.dedup();

    let mut tally = Tally::default();
    for &len in &lengths {
        let region = if len < HEADER_LEN {
            "truncated in header"
        } else {
            "truncated past the header"
        };
        tally.attempt(
            region,
            format!("truncated to {len}"),
            &bytes[..len],
            &probes,
            Expect::OpenError,
        );
    }
    for extra in [1, 7, 8, 64, 4096] {
        let mut longer = bytes.clone();
        longer.resize(bytes.len() + extra, 0);
        tally.attempt(
            "extended",
            format!("extended by {extra}"),
            &longer,
            &probes,
            Expect::OpenError,
        );
    }
    tally.report_and_check("truncation");
    // A truncated file is refused for its length, whatever it cuts.
    let length_errors: usize = tally
        .outcomes
        .iter()
        .filter(|((_, outcome), _)| {
            outcome == "open: TooShort" || outcome == "open: LengthMismatch"
        })
        .map(|(_, count)| count)
        .sum();
    assert_eq!(length_errors, tally.attempts);
}

#[test]
fn damaged_header_and_table_bytes_are_refused() {
    let (bytes, probes) = sample();
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let mut tally = Tally::default();
    for at in 0..table_end(&bytes) {
        for flip in [true, false] {
            let mut damaged = bytes.clone();
            damaged[at] = damage(&mut rng, damaged[at], flip);
            let label = format!("byte {at} {:#04x} -> {:#04x}", bytes[at], damaged[at]);
            tally.attempt(
                &header_field(at),
                label,
                &damaged,
                &probes,
                Expect::SomeError,
            );
        }
    }
    tally.report_and_check("header and table");
}

#[test]
fn damaged_section_and_padding_bytes_are_refused_and_never_panic() {
    let (bytes, probes) = sample();
    let sections = parse_sections(&bytes);
    let names = section_names(&bytes, &sections);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut tally = Tally::default();
    for (section, region) in sections.iter().zip(&names) {
        let range = section.range.clone();
        // Every byte of a small section; the ends and 100 random bytes of a large one.
        let offsets: Vec<usize> = if range.len() <= 100 {
            range.clone().collect()
        } else {
            let mut offsets = vec![range.start, range.end - 1];
            offsets.extend((0..100).map(|_| rng.random_range(range.clone())));
            offsets
        };
        for (i, &at) in offsets.iter().enumerate() {
            let modes: &[bool] = match (range.len() <= 100, i % 2 == 0) {
                (true, _) => &[true, false],
                (false, flip) => &[flip],
            };
            for &flip in modes {
                let mut damaged = bytes.clone();
                damaged[at] = damage(&mut rng, damaged[at], flip);
                let label = format!(
                    "{region} byte {at} {:#04x} -> {:#04x}",
                    bytes[at], damaged[at]
                );
                tally.attempt(region, label, &damaged, &probes, Expect::SomeError);
            }
        }
        // A burst of up to eight random bytes.
        for _ in 0..20.min(range.len()) {
            let at = rng.random_range(range.clone());
            let end = (at + rng.random_range(1..=8)).min(range.end);
            let mut damaged = bytes.clone();
            for byte in &mut damaged[at..end] {
                *byte = damage(&mut rng, *byte, false);
            }
            let label = format!("{region} bytes {at}..{end} replaced");
            tally.attempt(region, label, &damaged, &probes, Expect::SomeError);
        }
    }
    for at in padding(&bytes, &sections) {
        let mut damaged = bytes.clone();
        damaged[at] = damage(&mut rng, 0, false);
        let label = format!("padding byte {at} -> {:#04x}", damaged[at]);
        tally.attempt("padding", label, &damaged, &probes, Expect::SomeError);
    }
    tally.report_and_check("sections and padding");
}

#[test]
fn scrambled_sections_never_panic() {
    let (bytes, probes) = sample();
    let sections = parse_sections(&bytes);
    let names = section_names(&bytes, &sections);
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let mut tally = Tally::default();
    // Whole sections replaced by noise, zeros or ones, one at a time and all at once (but the
    // meta section, so that the file still opens and the queries run on garbage).
    for (section, region) in sections.iter().zip(&names) {
        for fill in ["noise", "zeros", "ones"] {
            let mut damaged = bytes.clone();
            for byte in &mut damaged[section.range.clone()] {
                *byte = match fill {
                    "noise" => rng.random(),
                    "zeros" => 0,
                    _ => 0xff,
                };
            }
            if damaged == bytes {
                continue;
            }
            tally.attempt(
                region,
                format!("{region} filled with {fill}"),
                &damaged,
                &probes,
                Expect::SomeError,
            );
        }
    }
    for round in 0..40 {
        let mut damaged = bytes.clone();
        for section in sections.iter().skip(1) {
            if rng.random_bool(0.6) {
                for byte in &mut damaged[section.range.clone()] {
                    *byte = rng.random();
                }
            }
        }
        let label = format!("round {round}: most sections noise");
        tally.attempt("many sections", label, &damaged, &probes, Expect::NoPanic);
    }
    // Every word of the meta section (counts, leaf size, resolution) at extreme values.
    let meta = names
        .iter()
        .position(|name| name.ends_with(" meta"))
        .unwrap();
    let meta = sections[meta].range.clone();
    for at in meta.clone().step_by(4) {
        for value in [0u64, 1, 2, 0xffff_ffff, 1 << 40, u64::MAX] {
            let width = if value > 0xffff_ffff { 8 } else { 4 };
            let end = (at + width).min(meta.end);
            let mut damaged = bytes.clone();
            damaged[at..end].copy_from_slice(&value.to_le_bytes()[..end - at]);
            if damaged == bytes {
                continue;
            }
            let label = format!("meta byte {at}: {width} bytes = {value:#x}");
            tally.attempt("meta words", label, &damaged, &probes, Expect::SomeError);
        }
    }
    tally.report_and_check("scrambled sections");
}

#[test]
fn resealed_tables_that_lie_never_panic() {
    // A hostile writer can recompute the header checksum: the table's values themselves must
    // be checked.
    let (bytes, probes) = sample();
    let sections = parse_sections(&bytes);
    let names = section_names(&bytes, &sections);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut tally = Tally::default();
    let mut resealed = bytes.clone();
    reseal(&mut resealed);
    assert_eq!(resealed, bytes, "the checksum recomputes as documented");

    let file_len = bytes.len() as u64;
    for (index, section) in sections.iter().enumerate() {
        let entry = HEADER_LEN + index * ENTRY_LEN;
        let region = format!("{} (resealed)", names[index]);
        let offset = section.range.start as u64;
        let len = section.range.len() as u64;
        let mut values = |field: &str, current: u64| -> Vec<u64> {
            let mut values = vec![0, 1, u64::from(u32::MAX), u64::MAX, u64::MAX - 63, file_len];
            values.extend([current.wrapping_add(1), current.wrapping_sub(1)]);
            values.extend([current.wrapping_add(64), current.wrapping_sub(64)]);
            values.extend([
                current.wrapping_add(8),
                current.wrapping_sub(8),
                current / 2,
            ]);
            values.extend((0..4).map(|_| rng.random_range(0..=file_len)));
            if field == "kind" || field == "element_size" {
                values.extend(1..=24);
            }
            values
        };
        let fields = [
            ("kind", 0, 4, u64::from(section.kind)),
            ("element_size", 4, 4, u64::from(section.element_size)),
            ("offset", 8, 8, offset),
            ("len", 16, 8, len),
            ("reserved", 28, 4, 0),
        ];
        for (field, at, width, current) in fields {
            for value in values(field, current) {
                let mut damaged = bytes.clone();
                damaged[entry + at..entry + at + width]
                    .copy_from_slice(&value.to_le_bytes()[..width]);
                if damaged == bytes {
                    continue;
                }
                reseal(&mut damaged);
                let label = format!("{region} {field} = {value}");
                tally.attempt(&region, label, &damaged, &probes, Expect::NoPanic);
            }
        }
        // A length moved from this section to the next keeps the file's length.
        if let Some(next) = sections.get(index + 1) {
            for shift in [1u64, 8, 64] {
                if len < shift {
                    continue;
                }
                let mut damaged = bytes.clone();
                let next_entry = entry + ENTRY_LEN;
                damaged[entry + 16..entry + 24].copy_from_slice(&(len - shift).to_le_bytes());
                let next_len = next.range.len() as u64 + shift;
                damaged[next_entry + 16..next_entry + 24].copy_from_slice(&next_len.to_le_bytes());
                reseal(&mut damaged);
                let label = format!("{region} gives {shift} bytes to the next section");
                tally.attempt(&region, label, &damaged, &probes, Expect::NoPanic);
            }
        }
    }
    // Entries swapped, and section counts and lengths that lie.
    for _ in 0..50 {
        let (a, b) = (
            rng.random_range(0..sections.len()),
            rng.random_range(0..sections.len()),
        );
        if a == b {
            continue;
        }
        let mut damaged = bytes.clone();
        let (ea, eb) = (HEADER_LEN + a * ENTRY_LEN, HEADER_LEN + b * ENTRY_LEN);
        let entry_a = damaged[ea..ea + ENTRY_LEN].to_vec();
        damaged.copy_within(eb..eb + ENTRY_LEN, ea);
        damaged[eb..eb + ENTRY_LEN].copy_from_slice(&entry_a);
        reseal(&mut damaged);
        tally.attempt(
            "swapped entries",
            format!("entries {a} and {b} swapped"),
            &damaged,
            &probes,
            Expect::NoPanic,
        );
    }
    let count = sections.len() as u32;
    for count in [0, 1, count - 1, count + 1, 64, u32::MAX] {
        let mut damaged = bytes.clone();
        damaged[12..16].copy_from_slice(&count.to_le_bytes());
        if table_end(&damaged) <= damaged.len() {
            reseal(&mut damaged);
        }
        tally.attempt(
            "section_count",
            format!("section_count = {count}"),
            &damaged,
            &probes,
            Expect::NoPanic,
        );
    }
    tally.report_and_check("resealed tables");
}

#[test]
fn misaligned_buffers_bad_magic_and_other_versions_give_their_errors() {
    let (bytes, _) = sample();

    // Copied to an odd address inside a larger, aligned buffer.
    let mut wide = AlignedBytes::zeroed(bytes.len() + 8);
    for shift in 1..8 {
        wide.as_mut()[shift..shift + bytes.len()].copy_from_slice(&bytes);
        let result = Snapshot::from_bytes(&wide.as_ref()[shift..shift + bytes.len()]);
        assert!(
            matches!(result, Err(OpenError::Misaligned)),
            "shift {shift}: {result:?}"
        );
    }
    wide.as_mut()[8..].copy_from_slice(&bytes);
    let aligned = Snapshot::from_bytes(&wide.as_ref()[8..]).unwrap();
    aligned.verify().unwrap();

    for at in 0..8 {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x20;
        let result = Snapshot::from_bytes(AlignedBytes::copy_from(&damaged));
        assert!(
            matches!(result, Err(OpenError::BadMagic { .. })),
            "magic byte {at}: {result:?}"
        );
    }
    // A zip archive's first bytes, then zeros.
    let mut zip = b"PK\x03\x04".to_vec();
    zip.resize(bytes.len(), 0);
    let result = Snapshot::from_bytes(AlignedBytes::copy_from(&zip));
    assert!(
        matches!(result, Err(OpenError::BadMagic { .. })),
        "{result:?}"
    );
    let result = Snapshot::from_bytes(AlignedBytes::copy_from(b"HUBDEX\r\n"));
    assert!(
        matches!(result, Err(OpenError::TooShort { len: 8, need: 64 })),
        "{result:?}"
    );

    // The version is read before the header checksum, so a file of another version is named
    // as such even though its checksum no longer matches.
    for version in [0u32, 4, 5, u32::MAX] {
        let mut other = bytes.clone();
        other[8..12].copy_from_slice(&version.to_le_bytes());
        let result = Snapshot::from_bytes(AlignedBytes::copy_from(&other));
        assert!(
            matches!(result, Err(OpenError::UnsupportedVersion { found, supported: 3 }) if found == version),
            "version {version}: {result:?}"
        );
        reseal(&mut other);
        let result = Snapshot::from_bytes(AlignedBytes::copy_from(&other));
        assert!(
            matches!(result, Err(OpenError::UnsupportedVersion { found, supported: 3 }) if found == version),
            "resealed version {version}: {result:?}"
        );
    }

    // A damaged header checksum, and damaged reserved bytes under an intact one.
    let mut damaged = bytes.clone();
    damaged[CHECKSUM_AT.start] ^= 1;
    let result = Snapshot::from_bytes(AlignedBytes::copy_from(&damaged));
    assert!(
        matches!(result, Err(OpenError::HeaderChecksum { .. })),
        "{result:?}"
    );
    let mut damaged = bytes.clone();
    damaged[40] ^= 1;
    let result = Snapshot::from_bytes(AlignedBytes::copy_from(&damaged));
    assert!(
        matches!(result, Err(OpenError::HeaderChecksum { .. })),
        "{result:?}"
    );
}
