//! Hostile query parameters on one fixed, intact snapshot: NaN, infinities, subnormals,
//! coordinates off the globe, radii beyond the antipode, k of 0 or `usize::MAX`, any limit,
//! cursors from arbitrary text, filters. Valid parameters must give `Ok`, invalid ones
//! `InvalidParameter`; answers are spot-checked (in order, within the radius, filter kept),
//! and answers that must agree are compared: fresh and reused `Scratch`, `nearest` with a
//! radius and `within` with a limit, and consecutive pages and one longer page.
#![no_main]

use std::collections::HashSet;

use arbitrary::Arbitrary;
use hubdex::{AlignedBytes, Hit, Nearest, QueryError, Scratch, Snapshot, Within};
use hubdex_fuzz::check::{cell_hubs_are_in_cell, hits_are_hubs, spot_check};
use hubdex_fuzz::fixed;
use hubdex_fuzz::oracle::assert_sorted;
use hubdex_fuzz::params::{
    valid_point, valid_radius, BuiltFilter, CellSpec, Count, CursorText, Degrees, FilterSpec,
    Metres,
};
use libfuzzer_sys::fuzz_target;

/// Queries per input at most.
const MAX_QUERIES: usize = 8;

/// Pages followed at most.
const MAX_PAGES: usize = 4;

#[derive(Arbitrary, Debug)]
struct Query {
    lat: Degrees,
    lon: Degrees,
    filter: Option<FilterSpec>,
    kind: Kind,
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
        cursor: Option<CursorText>,
        pages: u8,
    },
    Cell(CellSpec),
    Hub(u64),
}

/// What a `within` query asked for, to check its pages.
#[derive(Clone, Copy, Debug)]
struct Shape {
    radius_m: f64,
    sorted: bool,
}

fuzz_target!(|queries: Vec<Query>| {
    let snapshot = fixed::snapshot();
    // One scratch across the input's queries: reuse must not change any answer.
    let mut scratch = Scratch::new();
    for query in queries.iter().take(MAX_QUERIES) {
        run(snapshot, query, &mut scratch);
    }
});

fn run(snapshot: &Snapshot<AlignedBytes>, query: &Query, scratch: &mut Scratch) {
    let (lat, lon) = (query.lat.lat(), query.lon.lon());
    let built = query.filter.clone().unwrap_or_default().build(snapshot);
    match &query.kind {
        Kind::Nearest { k, max_radius } => {
            let k = k.get(usize::MAX);
            let radius_m = max_radius.map(Metres::get);
            nearest(snapshot, (lat, lon), k, radius_m, &built, scratch);
        }
        Kind::Within {
            radius,
            limit,
            unordered,
            cursor,
            pages,
        } => {
            let mut within = Within::new(lat, lon, radius.get()).filter(built.filter.clone());
            if let Some(limit) = limit {
                within = within.limit(limit.get(usize::MAX));
            }
            if *unordered {
                within = within.unordered();
            }
            let valid = valid_point(lat, lon) && valid_radius(radius.get());
            // With a limit the nearest come first, unordered or not.
            let shape = Shape {
                radius_m: radius.get(),
                sorted: !*unordered || limit.is_some(),
            };
            match cursor.as_ref().and_then(CursorText::parse) {
                // A forged cursor: any answer or error, but a sane one.
                Some(cursor) => {
                    if let Ok(page) = snapshot.within(&within.clone().after(cursor)) {
                        check_page(snapshot, &page.hits, shape, &built);
                    }
                }
                None => {
                    let pages = usize::from(*pages);
                    pages_of(snapshot, &within, shape, valid, pages, &built, scratch);
                }
            }
        }
        Kind::Cell(spec) => {
            if let Some(cell) = spec.cell() {
                let hubs = snapshot
                    .hubs_in_cell(cell, &built.filter)
                    .expect("hubs_in_cell on an intact snapshot");
                cell_hubs_are_in_cell(&hubs, cell, &built);
                let ids: HashSet<u64> = hubs.iter().map(|hub| hub.id()).collect();
                assert_eq!(ids.len(), hubs.len(), "a hub listed twice in {cell}");
            }
        }
        Kind::Hub(id) => {
            if let Some(hub) = snapshot.hub(*id) {
                assert_eq!(hub.id(), *id);
            }
        }
    }
}

/// A nearest query, fresh and with the reused scratch, and as a `within` with a limit.
fn nearest(
    snapshot: &Snapshot<AlignedBytes>,
    (lat, lon): (f64, f64),
    k: usize,
    radius_m: Option<f64>,
    built: &BuiltFilter,
    scratch: &mut Scratch,
) {
    let mut query = Nearest::new(lat, lon).k(k).filter(built.filter.clone());
    if let Some(radius_m) = radius_m {
        query = query.max_radius_m(radius_m);
    }
    let valid = valid_point(lat, lon) && radius_m.is_none_or(valid_radius);
    let result = snapshot.nearest(&query);
    let mut reused = vec![Hit {
        position: 0,
        id: 0,
        distance_m: 0.0,
    }];
    let again = snapshot.nearest_with(&query, scratch, &mut reused);
    let Some(hits) = expect_valid(result, valid) else {
        assert!(
            again.is_err(),
            "nearest_with accepted what nearest rejected"
        );
        return;
    };
    assert!(again.is_ok(), "nearest_with rejected what nearest accepted");
    assert_eq!(hits, reused, "a reused scratch changed the answer");
    hits_are_hubs(snapshot, &hits, k.min(snapshot.hub_count()), built);
    spot_check(&hits, radius_m, true);

    // The same search as a page of `within` (with no radius: the whole sphere).
    let radius_m = radius_m.unwrap_or(f64::MAX);
    let within = Within::new(lat, lon, radius_m)
        .limit(k)
        .filter(built.filter.clone());
    let page = snapshot.within(&within).expect("valid within");
    assert_eq!(page.hits, hits, "nearest and within with a limit disagree");
}

/// Up to `pages` pages of a `within` query (at least one), each checked, then the pages
/// together against one page as long as all of them.
fn pages_of(
    snapshot: &Snapshot<AlignedBytes>,
    within: &Within,
    shape: Shape,
    valid: bool,
    pages: usize,
    built: &BuiltFilter,
    scratch: &mut Scratch,
) {
    let mut reused = Vec::new();
    let again = snapshot.within_with(within, scratch, &mut reused);
    let Some(first) = expect_valid(snapshot.within(within), valid) else {
        assert!(again.is_err(), "within_with accepted what within rejected");
        return;
    };
    assert_eq!(
        again.ok(),
        Some(first.next),
        "a reused scratch changed the cursor"
    );
    assert_eq!(first.hits, reused, "a reused scratch changed the answer");
    check_page(snapshot, &first.hits, shape, built);

    let mut all = first.hits.clone();
    let mut next = first.next;
    let mut seen = 1;
    while let Some(cursor) = next.take() {
        if seen >= pages.clamp(1, MAX_PAGES) {
            break;
        }
        // The cursor belongs to this query only.
        let other = Within::new(0.0, 0.0, 1.0);
        assert!(
            matches!(
                snapshot.within(&other.after(cursor)),
                Err(QueryError::BadCursor { .. })
            ),
            "a cursor accepted by another query"
        );
        let page = snapshot
            .within(&within.clone().after(cursor))
            .expect("the next page");
        check_page(snapshot, &page.hits, shape, built);
        all.extend_from_slice(&page.hits);
        next = page.next;
        seen += 1;
    }
    if seen > 1 {
        // Pages in a row are one longer page: same hits, same order, none twice.
        let ids: HashSet<u64> = all.iter().map(|hit| hit.id).collect();
        assert_eq!(ids.len(), all.len(), "a hub on two pages");
        assert_sorted(&all);
        let long = within.clone().limit(all.len());
        let page = snapshot.within(&long).expect("valid within");
        assert_eq!(page.hits, all, "pages differ from one long page");
    }
}

/// A page of a valid query: hubs that pass the filter, within the radius, in order unless
/// the query is unordered.
fn check_page(snapshot: &Snapshot<AlignedBytes>, hits: &[Hit], shape: Shape, built: &BuiltFilter) {
    hits_are_hubs(snapshot, hits, snapshot.hub_count(), built);
    spot_check(hits, Some(shape.radius_m), shape.sorted);
}

/// The answer, which must be `Ok` exactly when the parameters are valid, and otherwise an
/// `InvalidParameter`.
fn expect_valid<T>(result: Result<T, QueryError>, valid: bool) -> Option<T> {
    match result {
        Ok(answer) if valid => Some(answer),
        Ok(_) => panic!("invalid parameters accepted"),
        Err(e) if valid => panic!("valid parameters rejected: {e}"),
        Err(QueryError::InvalidParameter { .. }) => None,
        Err(e) => panic!("invalid parameters rejected with another error: {e}"),
    }
}
