//! Sharded builds against the unsharded snapshot of the same hubs and events: every query
//! through a `ShardSet` must give the same hits in the same order with the same distances
//! and scores, near shard borders, across the antimeridian and at the poles; a query that
//! needs an unloaded shard must say so; a damaged manifest or shard must give its error.

use std::path::{Path, PathBuf};

use hubdex::h3o::{CellIndex, LatLng, Resolution};
use hubdex::shard::{manifest_path, Select, ShardError, ShardSet};
use hubdex::{
    AlignedBytes, BuildError, Decay, Event, EventOrder, Filter, Hub, Nearest, Ranked,
    RecordProblem, Snapshot, SnapshotBuilder, Upcoming, Within,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const AS_OF: i64 = 1_767_225_600;
const DAY: i64 = 86_400;
const SLUGS: [&str; 4] = ["photo-walk", "rust", "running", "chess"];

/// Places that stress shard borders: the vertices of cells of every tested resolution,
/// the antimeridian, the poles, and uniform points.
fn places(rng: &mut ChaCha8Rng) -> Vec<(f64, f64)> {
    let mut anchors: Vec<(f64, f64)> = Vec::new();
    for resolution in [Resolution::One, Resolution::Two, Resolution::Three] {
        for seed in [(38.7, -9.1), (-16.9, 179.99), (0.5, 179.9), (64.1, -21.9)] {
            let cell = LatLng::new(seed.0, seed.1).unwrap().to_cell(resolution);
            anchors.extend(cell.boundary().iter().map(|v| (v.lat(), v.lng())));
        }
    }
    anchors.extend([
        (-16.9, 179.99),
        (-16.9, -179.99),
        (10.0, 180.0),
        (89.95, 0.0),
    ]);
    anchors.extend([(-89.95, 120.0), (90.0, 0.0), (-90.0, 0.0), (51.5, -0.1)]);

    let mut places = Vec::new();
    for _ in 0..2500 {
        let (lat, lon) = anchors[rng.random_range(0..anchors.len())];
        let spread = [0.001, 0.02, 0.3][rng.random_range(0..3)];
        places.push(jitter(rng, lat, lon, spread));
    }
    for _ in 0..700 {
        let z: f64 = rng.random_range(-1.0..=1.0);
        places.push((z.asin().to_degrees(), rng.random_range(-180.0..=180.0)));
    }
    // Shared places: ties broken by id across shards.
    let shared = places[17];
    places.extend([shared; 4]);
    places
}

fn jitter(rng: &mut ChaCha8Rng, lat: f64, lon: f64, spread: f64) -> (f64, f64) {
    let lat = (lat + rng.random_range(-spread..=spread)).clamp(-90.0, 90.0);
    let mut lon = lon + rng.random_range(-spread..=spread);
    if lon > 180.0 {
        lon -= 360.0;
    } else if lon < -180.0 {
        lon += 360.0;
    }
    (lat, lon)
}

/// Hubs at `places` and a few events each, some held away from their hub.
fn builder(seed: u64) -> (SnapshotBuilder, Vec<(f64, f64)>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let places = places(&mut rng);
    let mut builder = SnapshotBuilder::new();
    builder.as_of(AS_OF);
    let mut event_id = 1_000_000;
    for (i, &(lat, lon)) in places.iter().enumerate() {
        let id = 7 + 3 * i as u64;
        let mut hub = Hub::new(id, format!("Hub {i}"), lat, lon);
        hub.categories = vec![SLUGS[i % 4].into(), SLUGS[(i / 4) % 4].into()];
        hub.members = rng.random_range(0..400);
        hub.verified = i % 3 == 0;
        hub.created_at = Some(AS_OF - rng.random_range(10..900) * DAY);
        builder.add_hub(hub).unwrap();
        for _ in 0..rng.random_range(0..4) {
            let start = AS_OF + rng.random_range(-60..30) * DAY + rng.random_range(0..DAY);
            let mut event = Event::new(event_id, id, "Meetup", start);
            event_id += 1;
            event.rsvps = rng.random_range(0..60);
            if rng.random_bool(0.3) {
                let (lat, lon) = jitter(&mut rng, lat, lon, 0.8);
                (event.lat, event.lon) = (Some(lat), Some(lon));
            }
            if rng.random_bool(0.2) {
                event.categories = vec![SLUGS[3].into()];
                event.price_cents = 500;
            }
            builder.add_event(event).unwrap();
        }
    }
    (builder, places)
}

struct Pair {
    whole: Snapshot<AlignedBytes>,
    set: ShardSet,
    _dir: tempfile::TempDir,
    manifest: PathBuf,
}

fn pair(builder: &SnapshotBuilder, resolution: Resolution) -> Pair {
    let whole = Snapshot::from_bytes(builder.to_bytes().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    builder.write_shards(dir.path(), resolution).unwrap();
    let manifest = manifest_path(dir.path());
    let set = ShardSet::open(&manifest, Select::all()).unwrap();
    set.verify().unwrap();
    Pair {
        whole,
        set,
        _dir: dir,
        manifest,
    }
}

/// Query points: near hubs, on cell vertices, across the antimeridian, at the poles.
fn queries(places: &[(f64, f64)], count: usize, seed: u64) -> Vec<(f64, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut points = vec![(90.0, 0.0), (-90.0, 45.0), (-16.9, 180.0), (-16.9, -180.0)];
    while points.len() < count {
        let (lat, lon) = places[rng.random_range(0..places.len())];
        let spread = [0.0, 0.01, 0.5, 5.0][rng.random_range(0..4)];
        points.push(jitter(&mut rng, lat, lon, spread));
    }
    points
}

fn ids_and_distances_of_whole(hits: &[hubdex::Hit]) -> Vec<(u64, f64)> {
    hits.iter().map(|hit| (hit.id, hit.distance_m)).collect()
}

fn ids_and_distances(hits: &[hubdex::shard::ShardHit]) -> Vec<(u64, f64)> {
    hits.iter().map(|hit| (hit.id, hit.distance_m)).collect()
}

fn check_hub_queries(pair: &Pair, places: &[(f64, f64)], seed: u64) {
    let photo = pair.whole.category_set(&["photo-walk"]).unwrap();
    assert_eq!(
        pair.set.shard(0).unwrap().category_set(&["photo-walk"]),
        Ok(photo)
    );
    let filter = Filter::new().any_of(photo);
    for (lat, lon) in queries(places, 400, seed) {
        let nearest = [
            Nearest::new(lat, lon).k(1),
            Nearest::new(lat, lon).k(10),
            Nearest::new(lat, lon).k(37),
            Nearest::new(lat, lon).k(10).max_radius_m(50_000.0),
            Nearest::new(lat, lon).k(12).filter(filter.clone()),
        ];
        for query in &nearest {
            let expected = ids_and_distances_of_whole(&pair.whole.nearest(query).unwrap());
            let found = pair.set.nearest(query).unwrap();
            assert_eq!(ids_and_distances(&found), expected, "{query:?}");
            for hit in &found {
                assert_eq!(pair.set.hub_of(hit).map(|hub| hub.id()), Some(hit.id));
            }
        }
        let within = [
            Within::new(lat, lon, 30_000.0),
            Within::new(lat, lon, 200_000.0).limit(15),
            Within::new(lat, lon, 80_000.0).filter(filter.clone()),
        ];
        for query in &within {
            let expected = ids_and_distances_of_whole(&pair.whole.within(query).unwrap().hits);
            let found = pair.set.within(query).unwrap().hits;
            assert_eq!(ids_and_distances(&found), expected, "{query:?}");
        }
        let query = Within::new(lat, lon, 60_000.0).unordered();
        let mut expected: Vec<u64> = pair
            .whole
            .within(&query)
            .unwrap()
            .hits
            .iter()
            .map(|h| h.id)
            .collect();
        let mut found: Vec<u64> = pair
            .set
            .within(&query)
            .unwrap()
            .hits
            .iter()
            .map(|h| h.id)
            .collect();
        expected.sort_unstable();
        found.sort_unstable();
        assert_eq!(found, expected);
    }
}

fn check_ranked_and_upcoming(pair: &Pair, places: &[(f64, f64)], seed: u64) {
    for (lat, lon) in queries(places, 150, seed) {
        for query in [
            Ranked::new(lat, lon, 100_000.0),
            Ranked::new(lat, lon, 400_000.0)
                .k(7)
                .filter(Filter::new().flags(hubdex::HubFlags::VERIFIED)),
        ] {
            let expected: Vec<_> = pair
                .whole
                .ranked(&query)
                .unwrap()
                .hits
                .iter()
                .map(|h| (h.id, h.score, h.distance_m))
                .collect();
            let found: Vec<_> = pair
                .set
                .ranked(&query)
                .unwrap()
                .hits
                .iter()
                .map(|h| (h.hit.id, h.hit.score, h.hit.distance_m))
                .collect();
            assert_eq!(found, expected, "{query:?}");
        }
        let relevance = EventOrder::Relevance {
            distance: Decay::gauss(50_000.0, 0.0, 0.5).unwrap(),
            time: Decay::exp(7.0 * DAY as f64, 0.0, 0.5).unwrap(),
            activity_weight: 0.4,
            activity_pivot: 5.0,
        };
        for query in [
            Upcoming::new(lat, lon, 100_000.0, AS_OF, AS_OF + 14 * DAY),
            Upcoming::new(lat, lon, 300_000.0, AS_OF - 30 * DAY, AS_OF + 30 * DAY).limit(33),
            Upcoming::new(lat, lon, 300_000.0, AS_OF, AS_OF + 30 * DAY).order(relevance),
            Upcoming::new(lat, lon, 150_000.0, AS_OF, AS_OF + 30 * DAY).free_only(),
        ] {
            let expected: Vec<_> = pair
                .whole
                .upcoming(&query)
                .unwrap()
                .hits
                .iter()
                .map(|h| (h.id, h.starts_at, h.score, h.distance_m))
                .collect();
            let found = pair.set.upcoming(&query).unwrap().hits;
            let found_ids: Vec<_> = found
                .iter()
                .map(|h| (h.hit.id, h.hit.starts_at, h.hit.score, h.hit.distance_m))
                .collect();
            assert_eq!(found_ids, expected, "{query:?}");
            for hit in &found {
                assert_eq!(
                    pair.set.event_of(hit).map(|event| event.id),
                    Some(hit.hit.id)
                );
            }
        }
    }
}

#[test]
fn every_query_through_shards_equals_the_unsharded_snapshot() {
    let (builder, places) = builder(1);
    for (resolution, seed) in [
        (Resolution::One, 11),
        (Resolution::Two, 12),
        (Resolution::Three, 13),
    ] {
        let pair = pair(&builder, resolution);
        assert!(
            pair.set.shard_count() > 10,
            "{resolution}: {}",
            pair.set.shard_count()
        );
        assert_eq!(pair.set.hub_count(), pair.whole.hub_count());
        check_hub_queries(&pair, &places, seed);
        check_ranked_and_upcoming(&pair, &places, seed + 100);
    }
}

/// Pages through a shard set, cursor after cursor, concatenate to the unsharded answer
/// asked in one go; a cursor of another query or of a single snapshot is refused.
#[test]
fn pages_through_shards_concatenate_to_the_whole_answer() {
    let (builder, places) = builder(3);
    let pair = pair(&builder, Resolution::Two);
    let mut paged = 0;
    for (lat, lon) in queries(&places, 40, 31) {
        // Within, nearest first.
        let whole = pair
            .whole
            .within(&Within::new(lat, lon, 300_000.0).limit(10_000))
            .unwrap()
            .hits;
        let mut query = Within::new(lat, lon, 300_000.0).limit(7);
        let mut found = Vec::new();
        loop {
            let page = pair.set.within(&query).unwrap();
            found.extend(page.hits);
            // A cursor that failed to move on would repeat hits forever.
            assert!(found.len() <= whole.len(), "pages repeat at {lat} {lon}");
            match page.next {
                Some(cursor) => query = query.after(cursor),
                None => break,
            }
            paged += 1;
        }
        assert_eq!(
            ids_and_distances(&found),
            ids_and_distances_of_whole(&whole),
            "within at {lat} {lon}"
        );

        // Ranked.
        let whole: Vec<_> = pair
            .whole
            .ranked(&Ranked::new(lat, lon, 400_000.0).k(10_000))
            .unwrap()
            .hits
            .iter()
            .map(|h| (h.id, h.score))
            .collect();
        let mut query = Ranked::new(lat, lon, 400_000.0).k(6);
        let mut found = Vec::new();
        loop {
            let page = pair.set.ranked(&query).unwrap();
            found.extend(page.hits.iter().map(|h| (h.hit.id, h.hit.score)));
            // A cursor that failed to move on would repeat hits forever.
            assert!(found.len() <= whole.len(), "pages repeat at {lat} {lon}");
            match page.next {
                Some(cursor) => query = query.after(cursor),
                None => break,
            }
        }
        assert_eq!(found, whole, "ranked at {lat} {lon}");

        // Upcoming events, by start and by relevance.
        let relevance = EventOrder::Relevance {
            distance: Decay::gauss(50_000.0, 0.0, 0.5).unwrap(),
            time: Decay::exp(7.0 * DAY as f64, 0.0, 0.5).unwrap(),
            activity_weight: 0.4,
            activity_pivot: 5.0,
        };
        for order in [EventOrder::Start, relevance] {
            let window = |limit| {
                Upcoming::new(lat, lon, 300_000.0, AS_OF - 30 * DAY, AS_OF + 30 * DAY)
                    .order(order)
                    .limit(limit)
            };
            let whole: Vec<_> = pair
                .whole
                .upcoming(&window(100_000))
                .unwrap()
                .hits
                .iter()
                .map(|h| (h.id, h.starts_at, h.score))
                .collect();
            let mut query = window(5);
            let mut found = Vec::new();
            loop {
                let page = pair.set.upcoming(&query).unwrap();
                found.extend(
                    page.hits
                        .iter()
                        .map(|h| (h.hit.id, h.hit.starts_at, h.hit.score)),
                );
                // A cursor that failed to move on would repeat hits forever.
                assert!(found.len() <= whole.len(), "pages repeat at {lat} {lon}");
                match page.next {
                    Some(cursor) => query = query.after(cursor),
                    None => break,
                }
            }
            assert_eq!(found, whole, "upcoming {order:?} at {lat} {lon}");
        }
    }
    assert!(paged > 100, "{paged} pages");

    // Cursors belong to their shard set and their query.
    let (lat, lon) = places[0];
    let first = pair
        .set
        .within(&Within::new(lat, lon, 2_000_000.0).limit(3))
        .unwrap();
    let cursor = first.next.expect("a full page has a cursor");
    let other_query = Within::new(lat, lon, 1_000_000.0).limit(3).after(cursor);
    assert!(matches!(
        pair.set.within(&other_query),
        Err(ShardError::Query(hubdex::QueryError::BadCursor { .. }))
    ));
    let whole_cursor = pair
        .whole
        .within(&Within::new(lat, lon, 2_000_000.0).limit(3))
        .unwrap()
        .next
        .unwrap();
    let foreign = Within::new(lat, lon, 2_000_000.0)
        .limit(3)
        .after(whole_cursor);
    assert!(matches!(
        pair.set.within(&foreign),
        Err(ShardError::Query(hubdex::QueryError::BadCursor { .. }))
    ));
    // And the shard set's cursor means nothing to the unsharded snapshot.
    let set_cursor = Within::new(lat, lon, 2_000_000.0).limit(3).after(cursor);
    assert!(matches!(
        pair.whole.within(&set_cursor),
        Err(hubdex::QueryError::BadCursor { .. })
    ));
}

#[test]
fn hubs_by_id_are_found_in_their_shard() {
    let (builder, _) = builder(2);
    let pair = pair(&builder, Resolution::Two);
    for hub in pair.whole.iter().step_by(7) {
        let (shard, found) = pair.set.hub(hub.id()).unwrap().unwrap();
        assert_eq!(
            (found.id(), found.lat(), found.lon()),
            (hub.id(), hub.lat(), hub.lon())
        );
        let cell = LatLng::new(hub.lat(), hub.lon())
            .unwrap()
            .to_cell(Resolution::Two);
        assert_eq!(pair.set.shard_of_cell(cell), Some(shard));
    }
    assert!(pair.set.hub(1).unwrap().is_none());
}

/// The cell of every shard that holds a hub of the hits.
fn shard_cells(set: &ShardSet, ids: &[u64]) -> Vec<CellIndex> {
    ids.iter()
        .map(|&id| {
            let (shard, _) = set.hub(id).unwrap().unwrap();
            set.manifest().shards[shard as usize].cell
        })
        .collect()
}

#[test]
fn a_query_that_needs_an_unloaded_shard_says_so() {
    let (builder, places) = builder(3);
    let pair = pair(&builder, Resolution::Three);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (mut answered, mut refused, mut refused_within) = (0, 0, 0);
    for (lat, lon) in queries(&places, 120, 21) {
        let radius_m = [20_000.0, 150_000.0, 600_000.0][rng.random_range(0..3)];
        let subset = ShardSet::open(&pair.manifest, Select::near(lat, lon, radius_m)).unwrap();
        assert!(subset.loaded_count() < subset.shard_count());
        for k in [1, 5, 40] {
            let query = Nearest::new(lat, lon).k(k);
            let expected = pair.whole.nearest(&query).unwrap();
            let ids: Vec<u64> = expected.iter().map(|hit| hit.id).collect();
            let needs_unloaded = shard_cells(&pair.set, &ids)
                .iter()
                .any(|&cell| subset.shard(subset.shard_of_cell(cell).unwrap()).is_none());
            // Hits well inside the loaded radius need no other shard.
            let inside = expected
                .last()
                .is_some_and(|hit| hit.distance_m < radius_m / 2.0);
            match subset.nearest(&query) {
                Ok(found) => {
                    assert!(
                        !needs_unloaded,
                        "answered without an unloaded shard: {query:?}"
                    );
                    assert_eq!(
                        ids_and_distances(&found),
                        ids_and_distances_of_whole(&expected)
                    );
                    answered += 1;
                }
                Err(ShardError::NotLoaded { cell }) => {
                    assert!(!inside, "refused although every hit is near: {query:?}");
                    let shard = subset.shard_of_cell(cell).unwrap();
                    assert!(subset.shard(shard).is_none());
                    refused += 1;
                }
                Err(other) => panic!("{other}"),
            }
        }
        let within = Within::new(lat, lon, radius_m / 2.0);
        let expected = pair.whole.within(&within).unwrap().hits;
        assert_eq!(
            ids_and_distances(&subset.within(&within).unwrap().hits),
            ids_and_distances_of_whole(&expected)
        );
        // Farther out: refused whenever a hit is in an unloaded shard, else exact.
        let beyond = Within::new(lat, lon, radius_m * 3.0);
        let expected = pair.whole.within(&beyond).unwrap().hits;
        let ids: Vec<u64> = expected.iter().map(|hit| hit.id).collect();
        let needs_unloaded = shard_cells(&pair.set, &ids)
            .iter()
            .any(|&cell| subset.shard(subset.shard_of_cell(cell).unwrap()).is_none());
        match subset.within(&beyond) {
            Ok(found) => {
                assert!(!needs_unloaded);
                assert_eq!(
                    ids_and_distances(&found.hits),
                    ids_and_distances_of_whole(&expected)
                );
            }
            Err(ShardError::NotLoaded { .. }) => refused_within += 1,
            Err(other) => panic!("{other}"),
        }
    }
    assert!(refused_within > 20, "within refused {refused_within}");
    assert!(
        answered > 100 && refused > 20,
        "answered {answered}, refused {refused}"
    );
}

#[test]
fn a_point_between_shards_routes_by_the_full_scan() {
    // Three hubs far apart: the query's cell holds none, so every shard is measured.
    let mut builder = SnapshotBuilder::new();
    builder.as_of(AS_OF);
    for (id, lat, lon) in [(1, 0.0, 0.0), (2, 0.0, 90.0), (3, 45.0, -120.0)] {
        builder.add_hub(Hub::new(id, "Alone", lat, lon)).unwrap();
    }
    let pair = pair(&builder, Resolution::Four);
    for (lat, lon) in [(0.0, 45.1), (-60.0, 0.0), (89.0, 10.0)] {
        let query = Nearest::new(lat, lon).k(3);
        let expected = ids_and_distances_of_whole(&pair.whole.nearest(&query).unwrap());
        assert_eq!(
            ids_and_distances(&pair.set.nearest(&query).unwrap()),
            expected
        );
    }
    let query = Nearest::new(0.0, 45.0).k(3).max_radius_m(5_100_000.0);
    assert_eq!(pair.set.nearest(&query).unwrap().len(), 2);
}

/// A small sharded build in its own directory, and the manifest's text.
fn small_shards() -> (tempfile::TempDir, PathBuf, String) {
    let (builder, _) = builder(4);
    let dir = tempfile::tempdir().unwrap();
    builder.write_shards(dir.path(), Resolution::Two).unwrap();
    let manifest = manifest_path(dir.path());
    let text = std::fs::read_to_string(&manifest).unwrap();
    (dir, manifest, text)
}

fn open_with(manifest: &Path, text: &str) -> Result<ShardSet, ShardError> {
    std::fs::write(manifest, text).unwrap();
    ShardSet::open(manifest, Select::all())
}

/// The first shard's entry as JSON.
fn first_entry(text: &str) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    value["shards"][0].clone()
}

fn edited(text: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
    edit(&mut value);
    value.to_string()
}

/// A change to a manifest's JSON.
type Edit = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn a_damaged_manifest_gives_its_own_error() {
    let (_dir, manifest, text) = small_shards();
    let field = |result: Result<ShardSet, ShardError>| match result {
        Err(ShardError::ManifestField { field, .. }) => field,
        other => panic!("expected a field error, got {other:?}"),
    };
    assert!(matches!(
        open_with(&manifest, &text[..text.len() / 2]),
        Err(ShardError::ManifestSyntax { .. })
    ));
    assert!(matches!(
        open_with(&manifest, "[1, 2]"),
        Err(ShardError::ManifestSyntax { .. })
    ));
    let newer = edited(&text, |v| v["format"] = 2.into());
    assert!(matches!(
        open_with(&manifest, &newer),
        Err(ShardError::ManifestVersion { found: 2, .. })
    ));
    let cases: [(&str, Edit); 8] = [
        ("resolution", Box::new(|v| v["resolution"] = 16.into())),
        (
            "shards[0].cell",
            Box::new(|v| v["shards"][0]["cell"] = "zz".into()),
        ),
        (
            "shards[0].cell",
            Box::new(|v| v["shards"][0]["cell"] = "8f2830828052d25".into()),
        ),
        (
            "shards[1].cell",
            Box::new(|v| v["shards"][1]["cell"] = v["shards"][0]["cell"].clone()),
        ),
        (
            "shards[0].file",
            Box::new(|v| v["shards"][0]["file"] = "../escape.hubdex".into()),
        ),
        (
            "shards[0].crc32",
            Box::new(|v| v["shards"][0]["crc32"] = "xyz".into()),
        ),
        ("hubs", Box::new(|v| v["hubs"] = 1.into())),
        (
            "shards[0].hubs",
            Box::new(|v| v["shards"][0]["hubs"] = 0.into()),
        ),
    ];
    for (name, edit) in cases {
        assert_eq!(field(open_with(&manifest, &edited(&text, edit))), name);
    }
    std::fs::remove_file(&manifest).unwrap();
    assert!(matches!(
        ShardSet::open(&manifest, Select::all()),
        Err(ShardError::Io { .. })
    ));
}

#[test]
fn a_shard_that_is_not_the_manifests_gives_its_own_error() {
    let (dir, manifest, text) = small_shards();
    let entry = first_entry(&text);
    let file = dir.path().join(entry["file"].as_str().unwrap());
    let mismatch = |result: Result<ShardSet, ShardError>| match result {
        Err(ShardError::Mismatch { field, .. }) => field,
        other => panic!("expected a mismatch, got {other:?}"),
    };

    // Counts and fingerprint, checked on open.
    let more = edited(&text, |v| {
        v["shards"][0]["hubs"] = (entry["hubs"].as_u64().unwrap() + 1).into();
        v["hubs"] = (v["hubs"].as_u64().unwrap() + 1).into();
    });
    assert_eq!(mismatch(open_with(&manifest, &more)), "hub count");
    let other = edited(&text, |v| {
        v["shards"][0]["fingerprint"] = "0123456789abcdef".into()
    });
    assert_eq!(mismatch(open_with(&manifest, &other)), "fingerprint");
    let swapped = edited(&text, |v| {
        v["shards"][0]["file"] = v["shards"][1]["file"].clone()
    });
    assert!(matches!(
        open_with(&manifest, &swapped),
        Err(ShardError::Mismatch { .. })
    ));

    // The whole file's checksum, checked by verify.
    let crc = edited(&text, |v| v["shards"][0]["crc32"] = "00000000".into());
    let set = open_with(&manifest, &crc).unwrap();
    match set.verify() {
        Err(ShardError::Mismatch { field, path, .. }) => {
            assert_eq!((field, path), ("crc32", file.clone()));
        }
        other => panic!("expected a crc32 mismatch, got {other:?}"),
    }

    // A flipped byte: verify finds it; a truncated or missing file does not open.
    std::fs::write(&manifest, &text).unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&file, &bytes).unwrap();
    let set = ShardSet::open(&manifest, Select::all()).unwrap();
    assert!(matches!(
        set.verify(),
        Err(ShardError::Mismatch { field: "crc32", .. })
    ));
    std::fs::write(&file, &bytes[..last]).unwrap();
    assert!(matches!(
        ShardSet::open(&manifest, Select::all()),
        Err(ShardError::Open { .. })
    ));
    std::fs::remove_file(&file).unwrap();
    assert!(matches!(
        ShardSet::open(&manifest, Select::all()),
        Err(ShardError::Open { .. })
    ));
    // Without that shard loaded, the rest opens.
    let cell: CellIndex = entry["cell"].as_str().unwrap().parse().unwrap();
    let rest = ShardSet::open(&manifest, Select::cells(move |c| c != cell)).unwrap();
    assert_eq!(rest.loaded_count(), rest.shard_count() - 1);
}

#[test]
fn a_failed_sharded_build_leaves_the_manifest_alone() {
    let (dir, manifest, text) = small_shards();
    let (mut failing, _) = builder(4);
    failing.add_hub(Hub::new(7, "Again", 10.0, 10.0)).unwrap();
    let error = failing
        .write_shards(dir.path(), Resolution::Two)
        .unwrap_err();
    assert!(
        matches!(
            error,
            BuildError::Record {
                problem: RecordProblem::DuplicateId { id: 7, .. },
                ..
            }
        ),
        "{error}"
    );
    let (mut failing, _) = builder(4);
    failing
        .add_event(Event::new(1, 424_242, "Orphan", AS_OF))
        .unwrap();
    let error = failing
        .write_shards(dir.path(), Resolution::Two)
        .unwrap_err();
    assert!(
        matches!(
            error,
            BuildError::Record {
                problem: RecordProblem::UnknownHub { hub_id: 424_242 },
                ..
            }
        ),
        "{error}"
    );
    let (mut failing, _) = builder(4);
    failing
        .add_event(Event::new(1_000_000, 7, "Twice", AS_OF))
        .unwrap();
    let error = failing
        .write_shards(dir.path(), Resolution::Two)
        .unwrap_err();
    assert!(
        matches!(
            error,
            BuildError::Record {
                problem: RecordProblem::DuplicateId { id: 1_000_000, .. },
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), text);
    ShardSet::open(&manifest, Select::all())
        .unwrap()
        .verify()
        .unwrap();
}

#[test]
fn shards_from_buffers_answer_like_files() {
    let (builder, places) = builder(6);
    let pair = pair(&builder, Resolution::Two);
    let manifest = pair.set.manifest().clone();
    let shards = manifest
        .shards
        .iter()
        .map(|entry| {
            let path = Path::new(&pair.manifest).with_file_name(&entry.file);
            let bytes = AlignedBytes::copy_from(&std::fs::read(path).unwrap());
            Some(Snapshot::from_bytes(bytes).unwrap())
        })
        .collect();
    let set = ShardSet::from_snapshots(manifest, shards, "memory").unwrap();
    for (lat, lon) in queries(&places, 50, 31) {
        let query = Nearest::new(lat, lon).k(10);
        assert_eq!(
            set.nearest(&query).unwrap(),
            pair.set.nearest(&query).unwrap()
        );
    }
    let manifest = pair.set.manifest().clone();
    assert!(matches!(
        ShardSet::<AlignedBytes>::from_snapshots(manifest, Vec::new(), "memory"),
        Err(ShardError::ShardCount { .. })
    ));
}
