//! Any bytes as a snapshot: `from_bytes`, then `verify` and every query kind. Nothing may
//! panic, hang or allocate without bound; results may be `Ok` or `Err`.
//!
//! Input: a control block of `CONTROL_LEN` bytes (zero-padded if the input is shorter), then
//! the file. The control block's first byte chooses repairs (`hubdex_fuzz::repair`) applied
//! to the file before opening, so that mutated tables and sections get past the header
//! checksum; bit 3 opens the file at an odd address instead, which must fail. The rest of the
//! control block chooses the query parameters.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use hubdex::{AlignedBytes, Nearest, Snapshot, Within};
use hubdex_fuzz::check::{cell_hubs_are_in_cell, hits_are_hubs};
use hubdex_fuzz::params::{CellSpec, Count, CursorText, Degrees, FilterSpec, Metres};
use hubdex_fuzz::repair;
use libfuzzer_sys::fuzz_target;

/// Bytes before the file.
const CONTROL_LEN: usize = 128;

/// Open at an odd address (the buffer must start on an 8-byte boundary).
const MISALIGN: u8 = 8;

/// Largest `k` or page limit asked for, to bound the work per input.
const MAX_K: usize = 1000;

/// Hubs read back by id at most.
const MAX_LOOKUPS: usize = 16;

#[derive(Arbitrary, Debug)]
struct Control {
    mode: u8,
    lat: Degrees,
    lon: Degrees,
    k: Count,
    max_radius: Option<Metres>,
    radius: Metres,
    limit: Count,
    unordered: bool,
    filter: FilterSpec,
    cell: CellSpec,
    id: u64,
    cursor: CursorText,
}

fuzz_target!(|data: &[u8]| {
    let split = data.len().min(CONTROL_LEN);
    let mut control = [0u8; CONTROL_LEN];
    control[..split].copy_from_slice(&data[..split]);
    let Ok(control) = Control::arbitrary(&mut Unstructured::new(&control)) else {
        return;
    };

    let mut file = data[split..].to_vec();
    repair::repair(&mut file, control.mode);

    if control.mode & MISALIGN != 0 {
        let mut shifted = AlignedBytes::zeroed(file.len() + 1);
        shifted.as_mut()[1..].copy_from_slice(&file);
        let odd = &shifted.as_ref()[1..];
        assert!(
            Snapshot::from_bytes(odd).is_err(),
            "opened at an odd address"
        );
        return;
    }

    if let Ok(snapshot) = Snapshot::from_bytes(AlignedBytes::copy_from(&file)) {
        let _ = snapshot.verify();
        query(&snapshot, &control);
        read_back(&snapshot, control.id);
    }
});

/// One query of each kind, with and without the optional parts.
fn query(snapshot: &Snapshot<AlignedBytes>, control: &Control) {
    let (lat, lon) = (control.lat.lat(), control.lon.lon());
    let built = control.filter.build(snapshot);
    let open = FilterSpec::default().build(snapshot);

    let k = control.k.get(MAX_K);
    let mut nearest = Nearest::new(lat, lon).k(k);
    if let Some(radius) = control.max_radius {
        nearest = nearest.max_radius_m(radius.get());
    }
    if let Ok(hits) = snapshot.nearest(&nearest) {
        hits_are_hubs(snapshot, &hits, k, &open);
    }
    if let Ok(hits) = snapshot.nearest(&nearest.filter(built.filter.clone())) {
        hits_are_hubs(snapshot, &hits, k, &built);
    }

    let within = Within::new(lat, lon, control.radius.get()).filter(built.filter.clone());
    if let Ok(page) = snapshot.within(&within) {
        hits_are_hubs(snapshot, &page.hits, usize::MAX, &built);
        assert!(page.next.is_none(), "a cursor without a limit");
    }
    let unordered = if control.unordered {
        within.clone().unordered()
    } else {
        within.clone()
    };
    let limit = control.limit.get(MAX_K);
    let limited = unordered.clone().limit(limit);
    if let Ok(page) = snapshot.within(&limited) {
        hits_are_hubs(snapshot, &page.hits, limit, &built);
        if let Some(next) = page.next {
            // The cursor's text form round-trips, and it fetches the next page.
            assert_eq!(next.to_string().parse().ok(), Some(next));
            if let Ok(page) = snapshot.within(&limited.clone().after(next)) {
                hits_are_hubs(snapshot, &page.hits, limit, &built);
            }
        }
    }
    if let Some(cursor) = control.cursor.parse() {
        let _ = snapshot.within(&limited.after(cursor));
        let _ = snapshot.within(&unordered.after(cursor));
    }

    if let Some(cell) = control.cell.cell() {
        if let Ok(hubs) = snapshot.hubs_in_cell(cell, &built.filter) {
            cell_hubs_are_in_cell(&hubs, cell, &built);
        }
    }
}

/// Every accessor: hubs by position and by id, names, the category vocabulary.
fn read_back(snapshot: &Snapshot<AlignedBytes>, id: u64) {
    let _ = format!("{snapshot:?} {:?}", snapshot.section_sizes());
    let _ = (
        snapshot.as_of(),
        snapshot.fingerprint(),
        snapshot.bytes().len(),
    );
    let slugs: Vec<String> = snapshot
        .categories()
        .map(|(_, slug)| slug.to_string())
        .collect();
    for slug in &slugs {
        assert!(
            snapshot.category(slug).is_some(),
            "category {slug:?} is listed but not found"
        );
    }
    let _ = snapshot.category_set(&slugs);
    let _ = snapshot.category_set(&["no such category"]);

    let mut count = 0;
    for hub in snapshot.iter() {
        count += 1;
        let _ = (
            hub.name(),
            hub.lat(),
            hub.lon(),
            hub.members(),
            hub.created_at(),
        );
        let _ = (hub.categories(), hub.verified(), format!("{hub:?}"));
        if count <= MAX_LOOKUPS {
            if let Some(found) = snapshot.hub(hub.id()) {
                assert_eq!(found.id(), hub.id(), "hub(id) found another id");
            }
        }
    }
    assert!(
        count <= snapshot.hub_count(),
        "iter() yields more hubs than hub_count()"
    );
    if let Some(found) = snapshot.hub(id) {
        assert_eq!(found.id(), id, "hub(id) found another id");
    }
}
