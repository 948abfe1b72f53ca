//! The reusable-buffer query forms allocate nothing once their buffers are warm, and a
//! snapshot can be shared between threads.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;

use hubdex::generate::Generator;
use hubdex::{
    AlignedBytes, Filter, Nearest, RankScratch, Ranked, RankedHit, Scratch, Snapshot,
    SnapshotBuilder, Within,
};

/// Counts the allocations each thread makes, so that tests running beside each other do not
/// count one another's.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // A const-initialised thread local needs no allocation; at thread exit it may be gone.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn snapshot() -> Snapshot<AlignedBytes> {
    let mut builder = SnapshotBuilder::new();
    for hub in Generator::new(3).top_cities(100).hubs(20_000) {
        builder.add_hub(hub).unwrap();
    }
    Snapshot::from_bytes(builder.to_bytes().unwrap()).unwrap()
}

/// Runs every query shape once; returns how many allocations the run made.
fn run_queries(
    snapshot: &Snapshot<AlignedBytes>,
    points: &[(f64, f64)],
    scratch: &mut Scratch,
    hits: &mut Vec<hubdex::Hit>,
    ranked: &mut (RankScratch, Vec<RankedHit>),
) -> usize {
    let filter = Filter::new().any_of(snapshot.category_set(&["running", "hiking"]).unwrap());
    let nearest = |lat, lon| Nearest::new(lat, lon).k(10);
    let before = allocations();
    for &(lat, lon) in points {
        snapshot
            .nearest_with(&nearest(lat, lon), scratch, hits)
            .unwrap();
        snapshot
            .nearest_with(&nearest(lat, lon).k(500), scratch, hits)
            .unwrap();
        snapshot
            .within_with(&Within::new(lat, lon, 20_000.0), scratch, hits)
            .unwrap();
        let limited = Within::new(lat, lon, 20_000.0).limit(20);
        snapshot.within_with(&limited, scratch, hits).unwrap();
        let unordered = Within::new(lat, lon, 20_000.0).unordered();
        snapshot.within_with(&unordered, scratch, hits).unwrap();
        snapshot
            .nearest_with(&nearest(lat, lon).filter(filter.clone()), scratch, hits)
            .unwrap();
        let (rank_scratch, ranked_hits) = &mut *ranked;
        snapshot
            .ranked_with(&Ranked::new(lat, lon, 25_000.0), rank_scratch, ranked_hits)
            .unwrap();
    }
    allocations() - before
}

#[test]
fn warm_queries_allocate_nothing() {
    let snapshot = snapshot();
    let points: Vec<(f64, f64)> = Generator::new(4)
        .top_cities(100)
        .hubs(200)
        .iter()
        .map(|hub| (hub.lat, hub.lon))
        .collect();
    let (mut scratch, mut hits) = (Scratch::new(), Vec::new());
    let mut ranked = (RankScratch::new(), Vec::new());

    // The first pass grows the buffers to what these queries need.
    let warming = run_queries(&snapshot, &points, &mut scratch, &mut hits, &mut ranked);
    assert!(warming > 0, "the counter sees allocations");
    // Filters are built outside the count: clone() of a filter with no excluded ids does not
    // allocate, and the queries themselves must not either.
    let warm = run_queries(&snapshot, &points, &mut scratch, &mut hits, &mut ranked);
    assert_eq!(warm, 0, "{warm} allocations in warm queries");
}

#[test]
fn a_snapshot_is_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Snapshot<AlignedBytes>>();
    assert_send_sync::<Snapshot<hubdex::Mmap>>();

    let snapshot = Arc::new(snapshot());
    let expected = snapshot.nearest(&Nearest::new(48.85, 2.35).k(25)).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let snapshot = Arc::clone(&snapshot);
            std::thread::spawn(move || snapshot.nearest(&Nearest::new(48.85, 2.35).k(25)).unwrap())
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap(), expected);
    }
}
