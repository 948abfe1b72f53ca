//! Arbitrary hubs through the builder and back: the snapshot opens and verifies, every hub
//! reads back as it went in, and nearest, within and hubs_in_cell answers match a
//! brute-force oracle within the documented centimetre tolerance.
#![no_main]

use std::collections::{BTreeSet, HashSet};

use arbitrary::Arbitrary;
use hubdex::{BuildError, Hub, Nearest, RecordProblem, Snapshot, SnapshotBuilder, Within};
use hubdex_fuzz::check::{hits_are_hubs, spot_check};
use hubdex_fuzz::oracle::{self, check_nearest, check_unordered};
use hubdex_fuzz::params::{
    valid_point, valid_radius, CellSpec, Count, Degrees, FilterSpec, Metres,
};
use libfuzzer_sys::fuzz_target;

/// Hubs per input at most: the oracle measures every hub for each query.
const MAX_HUBS: usize = 256;

/// Queries per input at most.
const MAX_QUERIES: usize = 4;

#[derive(Arbitrary, Debug)]
struct Input {
    hubs: Vec<FuzzHub>,
    queries: Vec<Query>,
    /// Keep hubs whose id was already added, so that the build must fail.
    duplicates: bool,
}

#[derive(Arbitrary, Debug)]
struct FuzzHub {
    id: Id,
    name: String,
    lat: Degrees,
    lon: Degrees,
    /// Whether to use the raw f64 coordinates below instead (mostly invalid ones).
    raw: Option<(f64, f64)>,
    categories: Vec<Slug>,
    members: u32,
    created_at: Option<i64>,
    verified: bool,
}

/// Small ids collide (and order ties), any u64 exercises the whole range.
#[derive(Arbitrary, Debug)]
enum Id {
    Small(u8),
    Any(u64),
}

/// A category slug: one of 80 valid ones (more than a snapshot holds), or any text.
#[derive(Arbitrary, Debug)]
enum Slug {
    Known(u8),
    Text(String),
}

#[derive(Arbitrary, Debug)]
struct Query {
    lat: Degrees,
    lon: Degrees,
    kind: Kind,
    filter: Option<FilterSpec>,
}

#[derive(Arbitrary, Debug)]
enum Kind {
    Nearest {
        k: Count,
        max_radius: Option<Metres>,
    },
    Within {
        radius: Metres,
        limit: Option<Count>,
        unordered: bool,
    },
    Cell(CellSpec),
}

fuzz_target!(|input: Input| {
    let mut builder = SnapshotBuilder::new();
    builder.as_of(1_767_225_600);
    let mut added: Vec<Hub> = Vec::new();
    let mut ids = HashSet::new();
    for fuzz_hub in input.hubs.iter().take(MAX_HUBS) {
        let hub = to_hub(fuzz_hub);
        if !ids.contains(&hub.id) || input.duplicates {
            if builder.add_hub(hub.clone()).is_ok() {
                ids.insert(hub.id);
                added.push(hub);
            }
        }
    }

    let bytes = match builder.to_bytes() {
        Ok(bytes) => bytes,
        Err(BuildError::Record {
            problem: RecordProblem::DuplicateId { .. },
            ..
        }) => {
            assert!(
                ids.len() < added.len(),
                "a duplicate id reported where there is none"
            );
            return;
        }
        Err(e) => panic!("to_bytes failed on valid hubs: {e}"),
    };
    assert_eq!(ids.len(), added.len(), "duplicate ids were accepted");
    assert_eq!(
        builder.to_bytes().ok(),
        Some(bytes.clone()),
        "the build is not reproducible"
    );

    let snapshot = Snapshot::from_bytes(bytes).expect("a built snapshot opens");
    snapshot.verify().expect("a built snapshot verifies");
    assert_eq!(snapshot.hub_count(), added.len());
    read_back(&snapshot, &added);
    for query in input.queries.iter().take(MAX_QUERIES) {
        run(&snapshot, query);
    }
});

fn to_hub(fuzz: &FuzzHub) -> Hub {
    let id = match fuzz.id {
        Id::Small(id) => u64::from(id),
        Id::Any(id) => id,
    };
    let (lat, lon) = fuzz.raw.unwrap_or((fuzz.lat.lat(), fuzz.lon.lon()));
    let mut hub = Hub::new(id, fuzz.name.clone(), lat, lon);
    hub.categories = fuzz
        .categories
        .iter()
        .take(8)
        .map(|slug| match slug {
            Slug::Known(i) => format!("c{}", i % 80),
            Slug::Text(text) => text.clone(),
        })
        .collect();
    hub.members = fuzz.members;
    hub.created_at = fuzz.created_at;
    hub.verified = fuzz.verified;
    hub
}

/// Every hub reads back by id with what went in (coordinates to 1e-7 degree, names trimmed,
/// slugs trimmed and lower-cased).
fn read_back<B: AsRef<[u8]>>(snapshot: &Snapshot<B>, added: &[Hub]) {
    for hub in added {
        let got = snapshot
            .hub(hub.id)
            .unwrap_or_else(|| panic!("id {} not found", hub.id));
        assert_eq!(got.id(), hub.id);
        assert_eq!(
            got.name().ok(),
            Some(hub.name.trim()),
            "name of id {}",
            hub.id
        );
        assert_eq!(
            got.lat(),
            (hub.lat * 1e7).round() / 1e7,
            "lat of id {}",
            hub.id
        );
        assert_eq!(
            got.lon(),
            (hub.lon * 1e7).round() / 1e7,
            "lon of id {}",
            hub.id
        );
        assert_eq!(got.members(), hub.members);
        assert_eq!(got.created_at(), hub.created_at);
        assert_eq!(got.verified(), hub.verified);
        let want: BTreeSet<String> = hub
            .categories
            .iter()
            .map(|slug| slug.trim().to_ascii_lowercase())
            .collect();
        let names: Vec<(_, &str)> = snapshot.categories().collect();
        let have: BTreeSet<String> = got
            .categories()
            .iter()
            .map(|category| names[usize::from(category.index())].1.to_string())
            .collect();
        assert_eq!(have, want, "categories of id {}", hub.id);
    }
    let missing = (0..=u64::MAX).find(|id| !added.iter().any(|hub| hub.id == *id));
    if let Some(id) = missing {
        assert!(snapshot.hub(id).is_none(), "id {id} found but never added");
    }
}

/// One query, checked against the oracle when its parameters are valid, and rejected
/// otherwise.
fn run<B: AsRef<[u8]>>(snapshot: &Snapshot<B>, query: &Query) {
    let (lat, lon) = (query.lat.lat(), query.lon.lon());
    let built = query.filter.clone().unwrap_or_default().build(snapshot);
    let oracle = || oracle::oracle(snapshot, lat, lon, |hub| built.keeps(hub));
    match query.kind {
        Kind::Nearest { k, max_radius } => {
            let k = k.get(usize::MAX);
            let radius_m = max_radius.map(Metres::get);
            let mut nearest = Nearest::new(lat, lon).k(k).filter(built.filter.clone());
            if let Some(radius_m) = radius_m {
                nearest = nearest.max_radius_m(radius_m);
            }
            let valid = valid_point(lat, lon) && radius_m.is_none_or(valid_radius);
            let Some(hits) = expect_valid(snapshot.nearest(&nearest), valid) else {
                return;
            };
            hits_are_hubs(snapshot, &hits, k, &built);
            check_nearest(&hits, &oracle(), k, radius_m);
        }
        Kind::Within {
            radius,
            limit,
            unordered,
        } => {
            let radius_m = radius.get();
            let limit = limit.map(|limit| limit.get(usize::MAX));
            let mut within = Within::new(lat, lon, radius_m).filter(built.filter.clone());
            if let Some(limit) = limit {
                within = within.limit(limit);
            }
            if unordered {
                within = within.unordered();
            }
            let valid = valid_point(lat, lon) && valid_radius(radius_m);
            let Some(page) = expect_valid(snapshot.within(&within), valid) else {
                return;
            };
            let full = limit.is_some_and(|limit| limit > 0 && page.hits.len() == limit);
            assert_eq!(page.next.is_some(), full, "a cursor iff the page is full");
            hits_are_hubs(snapshot, &page.hits, limit.unwrap_or(usize::MAX), &built);
            let oracle = oracle();
            if unordered && limit.is_none() {
                spot_check(&page.hits, Some(radius_m), false);
                check_unordered(&page.hits, &oracle, radius_m);
            } else {
                check_nearest(
                    &page.hits,
                    &oracle,
                    limit.unwrap_or(usize::MAX),
                    Some(radius_m),
                );
            }
        }
        Kind::Cell(spec) => {
            let Some(cell) = spec.cell() else {
                return;
            };
            let hubs = snapshot
                .hubs_in_cell(cell, &built.filter)
                .expect("hubs_in_cell on an intact snapshot");
            let got: Vec<u64> = hubs.iter().map(|hub| hub.id()).collect();
            let want = oracle::cell_oracle(snapshot, cell, |hub| built.keeps(hub));
            assert_eq!(got, want, "hubs in {cell}");
        }
    }
}

/// The answer, which must be `Ok` exactly when the parameters are valid.
fn expect_valid<T, E: std::fmt::Display>(result: Result<T, E>, valid: bool) -> Option<T> {
    match result {
        Ok(answer) if valid => Some(answer),
        Ok(_) => panic!("invalid parameters accepted"),
        Err(e) if valid => panic!("valid parameters rejected: {e}"),
        Err(e) => {
            let _ = e.to_string();
            None
        }
    }
}
