//! Every byte of a small snapshot, changed four ways, and every truncation (issue #5, hostile
//! input).
//!
//! The sample is about 50 hubs (names with multi-byte UTF-8, three categories, the verified
//! flag, members, creation times) around Lisbon, at the north pole, across the antimeridian and
//! scattered: a file of a few kilobytes. Each byte is xor-ed with 0x01 and with 0x80 and set to
//! 0x00 and to 0xFF (a setting that leaves the byte as it was is skipped), and the file is cut to
//! every length below its own. Each damaged copy is opened with `Snapshot::from_bytes`; if it
//! opens, a fixed set of queries runs on it (any answer or error will do, never a panic) and
//! `verify` must fail. Checksums cover every byte and padding must be zero, so no damaged copy
//! may pass `verify`; one that did would have to answer every query as the brute-force oracle
//! does on the original hubs. The unchanged file is the control: it must pass `verify` and
//! answer as the oracle.
//!
//! Outcome counts are printed (`cargo test --test mutation -- --nocapture`) and repeated on
//! stderr, so that a failure shows them too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use hubdex::h3o::{LatLng, Resolution};
use hubdex::{
    distance_m, AlignedBytes, Event, Filter, Hub, HubFlags, Nearest, OpenError, Snapshot,
    SnapshotBuilder, Upcoming, Within,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Distances reported by queries are within 4 mm of the exact great-circle distance.
const DISTANCE_TOLERANCE_M: f64 = 0.004;

/// Hubs whose distances differ by less than this may trade places: the sample avoids them.
const CM: f64 = 0.01;

const HEADER_LEN: usize = 64;
const ENTRY_LEN: usize = 32;

const CATEGORIES: [&str; 3] = ["photo-walk", "running", "rust"];

type Snap = Snapshot<AlignedBytes>;

// ---------------------------------------------------------------------------------------------
// The sample
// ---------------------------------------------------------------------------------------------

/// A point up to `max_m` metres from `(lat, lon)`, in a random direction.
fn jitter(rng: &mut ChaCha8Rng, (lat, lon): (f64, f64), max_m: f64) -> (f64, f64) {
    let angle = rng.random_range(0.0..=max_m) / hubdex::EARTH_RADIUS_M;
    let bearing = rng.random_range(0.0..std::f64::consts::TAU);
    let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
    let (sin_angle, cos_angle) = angle.sin_cos();
    let sin_end = (sin_lat * cos_angle + cos_lat * sin_angle * bearing.cos()).clamp(-1.0, 1.0);
    let dlon = (bearing.sin() * sin_angle * cos_lat).atan2(cos_angle - sin_lat * sin_end);
    let mut lon = lon + dlon.to_degrees();
    if lon > 180.0 {
        lon -= 360.0;
    } else if lon < -180.0 {
        lon += 360.0;
    }
    (sin_end.asin().to_degrees(), lon)
}

/// 52 hubs: 28 within 30 km of Lisbon and 8 within 1.5 km of its centre (so that small H3
/// cells hold several), 4 near the north pole, 6 across the antimeridian near Fiji and 6
/// scattered.
fn sample_hubs() -> Vec<Hub> {
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed);
    let mut places = Vec::new();
    for _ in 0..28 {
        places.push(jitter(&mut rng, LISBON, 30_000.0));
    }
    for _ in 0..8 {
        places.push(jitter(&mut rng, DOWNTOWN, 1_500.0));
    }
    for _ in 0..4 {
        places.push(jitter(&mut rng, (90.0, 0.0), 200_000.0));
    }
    for _ in 0..6 {
        places.push(jitter(&mut rng, (-17.0, 180.0), 200_000.0));
    }
    places.extend([
        (-33.8688, 151.2093),
        (35.6762, 139.6503),
        (-23.5505, -46.6333),
        (64.1466, -21.9426),
        (-77.85, 166.67),
        (0.0, 0.0),
    ]);
    let names = [
        "Photo Walks",
        "Café Rustaceans",
        "Läufer",
        "東京 Runners",
        "São Hikers",
    ];
    places
        .into_iter()
        .enumerate()
        .map(|(i, (lat, lon))| {
            let id = 1000 + 7 * i as u64;
            let mut hub = Hub::new(id, format!("{} {i}", names[i % names.len()]), lat, lon);
            hub.categories = CATEGORIES
                .iter()
                .enumerate()
                .filter(|(c, _)| (i + c) % 3 != 0 || i % 5 == 0)
                .map(|(_, slug)| slug.to_string())
                .collect();
            hub.verified = i % 3 == 0;
            hub.members = (i * 37) as u32;
            hub.created_at = (i % 4 != 0).then_some(1_600_000_000 + i as i64 * 86_400);
            hub
        })
        .collect()
}

const AS_OF: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

fn build(hubs: &[Hub]) -> Vec<u8> {
    let mut builder = SnapshotBuilder::new();
    builder.as_of(AS_OF);
    for hub in hubs {
        builder.add_hub(hub.clone()).unwrap();
    }
    for event in sample_events(hubs) {
        builder.add_event(event).unwrap();
    }
    builder.to_bytes().unwrap().as_ref().to_vec()
}

/// Three events for two hubs in three: 20 and 2 days before `as_of` and 3 days after; the
/// second at its own venue, the third with one of its hub's categories.
fn sample_events(hubs: &[Hub]) -> Vec<Event> {
    let mut events = Vec::new();
    for (i, hub) in hubs.iter().enumerate().filter(|(i, _)| i % 3 != 0) {
        for (j, days) in [-20, -2, 3].into_iter().enumerate() {
            let start = AS_OF + days * DAY + i as i64 * 60;
            let mut event = Event::new(5_000 + 3 * i as u64 + j as u64, hub.id, "Walk", start);
            event.rsvps = (i * j) as u32;
            if j == 1 {
                event.lat = Some((hub.lat + 0.01).min(90.0));
                event.lon = Some(hub.lon);
            }
            if j == 2 {
                event.categories = hub.categories.iter().take(1).cloned().collect();
            }
            events.push(event);
        }
    }
    events
}

/// The venue of an event as stored.
fn venue(event: &Event, hubs: &[Hub]) -> (f64, f64) {
    match (event.lat, event.lon) {
        (Some(lat), Some(lon)) => {
            let round = |degrees: f64| f64::from((degrees * 1e7).round() as i32) / 1e7;
            (round(lat), round(lon))
        }
        _ => stored(hubs.iter().find(|hub| hub.id == event.hub_id).unwrap()),
    }
}

/// Stored coordinates: degrees rounded to 1e-7, as the builder stores them.
fn stored(hub: &Hub) -> (f64, f64) {
    let round = |degrees: f64| f64::from((degrees * 1e7).round() as i32) / 1e7;
    (round(hub.lat), round(hub.lon))
}

// ---------------------------------------------------------------------------------------------
// The fixed queries, their answers and the oracle
// ---------------------------------------------------------------------------------------------

/// Which hubs a query keeps.
#[derive(Clone, Copy, Debug)]
enum Keep {
    All,
    Category(&'static str),
    Verified,
}

#[derive(Clone, Copy, Debug)]
enum Query {
    Nearest {
        at: (f64, f64),
        k: usize,
        max_radius_m: Option<f64>,
        keep: Keep,
    },
    /// A within query; with a limit, the first two pages (the second by cursor).
    Within {
        at: (f64, f64),
        radius_m: f64,
        limit: Option<usize>,
        keep: Keep,
    },
    Cell {
        at: (f64, f64),
        resolution: Resolution,
        keep: Keep,
    },
    Hub {
        id: u64,
    },
    Categories,
    /// Events in a window and radius, first `limit` by start.
    Upcoming {
        at: (f64, f64),
        radius_m: f64,
        from: i64,
        to: i64,
        limit: usize,
    },
    /// The events of a hub, by start.
    EventsOf {
        id: u64,
    },
}

const LISBON: (f64, f64) = (38.7223, -9.1393);
const DOWNTOWN: (f64, f64) = (38.7109, -9.1366);

fn queries(hubs: &[Hub]) -> Vec<Query> {
    use Query::*;
    vec![
        Nearest {
            at: LISBON,
            k: 5,
            max_radius_m: None,
            keep: Keep::All,
        },
        Nearest {
            at: (38.8, -9.0),
            k: 3,
            max_radius_m: Some(20_000.0),
            keep: Keep::Category("running"),
        },
        // The antipode of Lisbon: every hub there is beyond a right angle.
        Nearest {
            at: (-38.7223, 170.8607),
            k: 4,
            max_radius_m: None,
            keep: Keep::All,
        },
        Nearest {
            at: (89.9, 0.0),
            k: 3,
            max_radius_m: None,
            keep: Keep::Verified,
        },
        Within {
            at: LISBON,
            radius_m: 10_000.0,
            limit: None,
            keep: Keep::All,
        },
        Within {
            at: (-17.0, 179.9),
            radius_m: 300_000.0,
            limit: Some(2),
            keep: Keep::All,
        },
        Within {
            at: LISBON,
            radius_m: 25_000.0,
            limit: Some(3),
            keep: Keep::Category("photo-walk"),
        },
        // Small cells: h3o is slow in debug builds, and each candidate costs a `to_cell`.
        Cell {
            at: DOWNTOWN,
            resolution: Resolution::Seven,
            keep: Keep::All,
        },
        // The resolution-15 cell of a hub: the index's own resolution.
        Cell {
            at: stored(&hubs[30]),
            resolution: Resolution::Fifteen,
            keep: Keep::Category("rust"),
        },
        Hub { id: 1000 },
        Hub { id: 1000 + 7 * 20 },
        Hub { id: 1000 + 7 * 51 },
        Hub { id: 999_999 },
        Categories,
        Upcoming {
            at: LISBON,
            radius_m: 30_000.0,
            from: AS_OF - 30 * DAY,
            to: AS_OF + 30 * DAY,
            limit: 12,
        },
        Upcoming {
            at: (-17.0, 179.9),
            radius_m: 300_000.0,
            from: AS_OF,
            to: AS_OF + 7 * DAY,
            limit: 5,
        },
        EventsOf { id: 1000 + 7 * 20 },
    ]
}

/// What a query answered.
#[derive(Clone, Debug)]
enum Answer {
    /// (id, distance) in result order.
    Hits(Vec<(u64, f64)>),
    /// Ids in result order.
    Ids(Vec<u64>),
    /// id, name, stored lat and lon, categories, verified, members, created_at.
    Hub(Option<HubFacts>),
    Slugs(Vec<String>),
}

type HubFacts = (u64, String, f64, f64, Vec<String>, bool, u32, Option<i64>);

/// Runs one query; `Err` names the error's variant.
fn ask(snapshot: &Snap, query: &Query) -> Result<Answer, String> {
    let filter = |keep: Keep| -> Result<Filter, String> {
        Ok(match keep {
            Keep::All => Filter::new(),
            Keep::Category(slug) => {
                Filter::new().any_of(snapshot.category_set(&[slug]).map_err(|e| variant(&e))?)
            }
            Keep::Verified => Filter::new().flags(HubFlags::VERIFIED),
        })
    };
    let hits = |hits: &[hubdex::Hit]| hits.iter().map(|hit| (hit.id, hit.distance_m)).collect();
    match *query {
        Query::Nearest {
            at,
            k,
            max_radius_m,
            keep,
        } => {
            let mut nearest = Nearest::new(at.0, at.1).k(k).filter(filter(keep)?);
            if let Some(radius_m) = max_radius_m {
                nearest = nearest.max_radius_m(radius_m);
            }
            let found = snapshot.nearest(&nearest).map_err(|e| variant(&e))?;
            Ok(Answer::Hits(hits(&found)))
        }
        Query::Within {
            at,
            radius_m,
            limit,
            keep,
        } => {
            let mut within = Within::new(at.0, at.1, radius_m).filter(filter(keep)?);
            if let Some(limit) = limit {
                within = within.limit(limit);
            }
            let page = snapshot.within(&within).map_err(|e| variant(&e))?;
            let mut found = page.hits;
            if let Some(cursor) = page.next {
                let second = snapshot
                    .within(&within.after(cursor))
                    .map_err(|e| variant(&e))?;
                found.extend(second.hits);
            }
            Ok(Answer::Hits(hits(&found)))
        }
        Query::Cell {
            at,
            resolution,
            keep,
        } => {
            let cell = LatLng::new(at.0, at.1).unwrap().to_cell(resolution);
            let hubs = snapshot
                .hubs_in_cell(cell, &filter(keep)?)
                .map_err(|e| variant(&e))?;
            Ok(Answer::Ids(hubs.iter().map(|hub| hub.id()).collect()))
        }
        Query::Hub { id } => {
            let Some(hub) = snapshot.hub(id) else {
                return Ok(Answer::Hub(None));
            };
            let slugs: Vec<String> = snapshot
                .categories()
                .filter(|(category, _)| hub.categories().contains(*category))
                .map(|(_, slug)| slug.to_string())
                .collect();
            Ok(Answer::Hub(Some((
                hub.id(),
                hub.name().map_err(|e| variant(&e))?.to_string(),
                hub.lat(),
                hub.lon(),
                slugs,
                hub.verified(),
                hub.members(),
                hub.created_at(),
            ))))
        }
        Query::Upcoming {
            at,
            radius_m,
            from,
            to,
            limit,
        } => {
            let query = Upcoming::new(at.0, at.1, radius_m, from, to).limit(limit);
            let page = snapshot.upcoming(&query).map_err(|e| variant(&e))?;
            Ok(Answer::Ids(page.hits.iter().map(|hit| hit.id).collect()))
        }
        Query::EventsOf { id } => {
            let events = snapshot.events_of(id).map_err(|e| variant(&e))?;
            Ok(Answer::Ids(
                events.unwrap_or_default().iter().map(|e| e.id).collect(),
            ))
        }
        Query::Categories => Ok(Answer::Slugs(
            snapshot
                .categories()
                .map(|(_, slug)| slug.to_string())
                .collect(),
        )),
    }
}

fn keeps(keep: Keep, hub: &Hub) -> bool {
    match keep {
        Keep::All => true,
        Keep::Category(slug) => hub.categories.iter().any(|c| c == slug),
        Keep::Verified => hub.verified,
    }
}

/// The kept hubs by (distance, id), with at most `limit` metres; checks that no two of them
/// (nor one and the radius) are within a centimetre, so that the answer is unique.
fn ranked(hubs: &[Hub], at: (f64, f64), keep: Keep, limit_m: Option<f64>) -> Vec<(u64, f64)> {
    let mut all: Vec<(u64, f64)> = hubs
        .iter()
        .filter(|hub| keeps(keep, hub))
        .map(|hub| {
            let (lat, lon) = stored(hub);
            (hub.id, distance_m(at.0, at.1, lat, lon))
        })
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    for pair in all.windows(2) {
        assert!(
            pair[1].1 - pair[0].1 > CM,
            "sample has a near tie: {pair:?}"
        );
    }
    if let Some(limit_m) = limit_m {
        assert!(
            all.iter().all(|&(_, d)| (d - limit_m).abs() > CM),
            "a hub lies within 1 cm of the radius {limit_m}"
        );
        all.retain(|&(_, d)| d <= limit_m);
    }
    all
}

/// The answer measured by brute force on the original hubs.
fn oracle(hubs: &[Hub], query: &Query) -> Answer {
    match *query {
        Query::Nearest {
            at,
            k,
            max_radius_m,
            keep,
        } => {
            let mut all = ranked(hubs, at, keep, max_radius_m);
            all.truncate(k);
            Answer::Hits(all)
        }
        Query::Within {
            at,
            radius_m,
            limit,
            keep,
        } => {
            let mut all = ranked(hubs, at, keep, Some(radius_m));
            if let Some(limit) = limit {
                // Two pages; the second only if the first is full.
                let pages = if all.len() >= limit { 2 * limit } else { limit };
                all.truncate(pages);
            }
            Answer::Hits(all)
        }
        Query::Cell {
            at,
            resolution,
            keep,
        } => {
            let cell = LatLng::new(at.0, at.1).unwrap().to_cell(resolution);
            let mut ids: Vec<u64> = hubs
                .iter()
                .filter(|hub| keeps(keep, hub))
                .filter(|hub| {
                    let (lat, lon) = stored(hub);
                    LatLng::new(lat, lon).unwrap().to_cell(resolution) == cell
                })
                .map(|hub| hub.id)
                .collect();
            ids.sort_unstable();
            Answer::Ids(ids)
        }
        Query::Hub { id } => Answer::Hub(hubs.iter().find(|hub| hub.id == id).map(|hub| {
            let (lat, lon) = stored(hub);
            // The snapshot lists a hub's categories in vocabulary order, which is first use.
            let mut slugs = hub.categories.clone();
            slugs.sort_by_key(|slug| vocabulary(hubs).iter().position(|s| s == slug));
            (
                hub.id,
                hub.name.clone(),
                lat,
                lon,
                slugs,
                hub.verified,
                hub.members,
                hub.created_at,
            )
        })),
        Query::Categories => Answer::Slugs(vocabulary(hubs)),
        Query::Upcoming {
            at,
            radius_m,
            from,
            to,
            limit,
        } => {
            // By start, then distance, then id.
            let mut found: Vec<(i64, f64, u64)> = sample_events(hubs)
                .iter()
                .filter(|e| (from..=to).contains(&e.starts_at))
                .filter_map(|e| {
                    let (lat, lon) = venue(e, hubs);
                    let d = distance_m(at.0, at.1, lat, lon);
                    assert!(
                        (d - radius_m).abs() > CM,
                        "an event within 1 cm of the radius"
                    );
                    (d <= radius_m).then_some((e.starts_at, d, e.id))
                })
                .collect();
            found.sort_unstable_by(|a, b| {
                a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2))
            });
            Answer::Ids(found.into_iter().take(limit).map(|(_, _, id)| id).collect())
        }
        Query::EventsOf { id } => {
            let mut found: Vec<(i64, u64)> = sample_events(hubs)
                .iter()
                .filter(|e| e.hub_id == id)
                .map(|e| (e.starts_at, e.id))
                .collect();
            found.sort_unstable();
            Answer::Ids(found.into_iter().map(|(_, id)| id).collect())
        }
    }
}

/// Category slugs in order of first use, as the builder numbers them.
fn vocabulary(hubs: &[Hub]) -> Vec<String> {
    let mut slugs: Vec<String> = Vec::new();
    for slug in hubs.iter().flat_map(|hub| &hub.categories) {
        if !slugs.contains(slug) {
            slugs.push(slug.clone());
        }
    }
    slugs
}

/// Whether an answer is the oracle's: the same ids in the same order, distances within 4 mm.
fn agrees(got: &Answer, want: &Answer) -> bool {
    match (got, want) {
        (Answer::Hits(got), Answer::Hits(want)) => {
            got.len() == want.len()
                && got
                    .iter()
                    .zip(want)
                    .all(|(g, w)| g.0 == w.0 && (g.1 - w.1).abs() <= DISTANCE_TOLERANCE_M)
        }
        (Answer::Ids(got), Answer::Ids(want)) => got == want,
        (Answer::Hub(got), Answer::Hub(want)) => got == want,
        (Answer::Slugs(got), Answer::Slugs(want)) => got == want,
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Attempts and their outcomes
// ---------------------------------------------------------------------------------------------

/// The name of an error's variant, with the section of a checksum error.
fn variant(error: &impl std::fmt::Debug) -> String {
    let text = format!("{error:?}");
    let end = text.find([' ', '{', '(']).unwrap_or(text.len());
    let name = &text[..end];
    match text.find("section: \"") {
        Some(at) if name == "Checksum" || name == "Corrupt" => {
            let rest = &text[at + 10..];
            format!("{name}({})", &rest[..rest.find('"').unwrap_or(rest.len())])
        }
        _ => name.to_string(),
    }
}

/// The region of the file a byte lies in: header, table, a section or padding.
fn regions(bytes: &[u8], snapshot: &Snap) -> Vec<String> {
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
    let mut region = vec!["padding".to_string(); bytes.len()];
    for at in region.iter_mut().take(HEADER_LEN) {
        *at = "header".to_string();
    }
    let sizes = snapshot.section_sizes();
    let table_end = HEADER_LEN + sizes.len() * ENTRY_LEN;
    for at in region.iter_mut().take(table_end).skip(HEADER_LEN) {
        *at = "table".to_string();
    }
    for (index, (name, len)) in sizes.iter().enumerate() {
        let entry = HEADER_LEN + index * ENTRY_LEN;
        let (offset, stored_len) = (u64_at(entry + 8), u64_at(entry + 16));
        assert_eq!(stored_len, *len, "section {name}");
        for at in region.iter_mut().skip(offset).take(*len) {
            *at = format!("section {name}");
        }
    }
    region
}

#[derive(Default)]
struct Tally {
    attempts: usize,
    /// Outcome → count.
    outcomes: BTreeMap<String, usize>,
    /// (region, outcome) → count.
    by_region: BTreeMap<(String, String), usize>,
    /// Answers of the queries on damaged files that opened: agreed with the oracle, differed,
    /// or an error variant.
    answers: BTreeMap<String, usize>,
    panics: Vec<String>,
    accepted: Vec<String>,
    wrong: Vec<String>,
}

/// The fixed queries and the oracle's answers on the original hubs.
struct Case {
    queries: Vec<Query>,
    expected: Vec<Answer>,
}

impl Case {
    fn new(hubs: &[Hub]) -> Case {
        let queries = queries(hubs);
        let expected = queries.iter().map(|query| oracle(hubs, query)).collect();
        Case { queries, expected }
    }
}

impl Tally {
    /// Opens a copy of `bytes`; if it opens, queries it and verifies it.
    fn attempt(&mut self, case: &Case, region: &str, label: String, bytes: &[u8]) {
        self.attempts += 1;
        let mut answers: Vec<String> = Vec::new();
        let run = || -> String {
            let snapshot = match Snapshot::from_bytes(AlignedBytes::copy_from(bytes)) {
                Ok(snapshot) => snapshot,
                Err(error) => return format!("open error: {}", variant(&error)),
            };
            let mut all_agree = true;
            for (query, want) in case.queries.iter().zip(&case.expected) {
                let outcome = match ask(&snapshot, query) {
                    Ok(got) if agrees(&got, want) => "agrees with the oracle".to_string(),
                    Ok(_) => "differs from the oracle".to_string(),
                    Err(error) => format!("error {error}"),
                };
                all_agree &= outcome == "agrees with the oracle";
                answers.push(outcome);
            }
            match snapshot.verify() {
                Err(error) => format!("verify error: {}", variant(&error)),
                Ok(()) if all_agree => "passed verify, answered and matched".to_string(),
                Ok(()) => "passed verify, ANSWERS DIFFER".to_string(),
            }
        };
        let outcome = match catch_unwind(AssertUnwindSafe(run)) {
            Ok(outcome) => outcome,
            Err(_) => {
                self.panics.push(label.clone());
                "PANIC".to_string()
            }
        };
        if outcome.starts_with("passed verify") {
            self.accepted.push(format!("{label}: {outcome}"));
        }
        if outcome == "passed verify, ANSWERS DIFFER" {
            self.wrong.push(label);
        }
        for answer in answers {
            *self.answers.entry(answer).or_default() += 1;
        }
        *self.outcomes.entry(outcome.clone()).or_default() += 1;
        *self
            .by_region
            .entry((region.to_string(), outcome))
            .or_default() += 1;
    }

    fn report(&self, test: &str) -> String {
        let mut text = format!("{test}: {} attempts\n  outcomes:\n", self.attempts);
        for (outcome, count) in &self.outcomes {
            text += &format!("    {outcome:<48} {count:>7}\n");
        }
        text += "  by region:\n";
        for ((region, outcome), count) in &self.by_region {
            text += &format!("    {region:<26} {outcome:<48} {count:>7}\n");
        }
        text += "  query answers on damaged files that opened (not verified):\n";
        for (answer, count) in &self.answers {
            text += &format!("    {answer:<48} {count:>7}\n");
        }
        text
    }

    fn report_and_check(&self, test: &str) {
        let report = self.report(test);
        println!("{report}");
        eprintln!("{report}");
        assert!(
            self.panics.is_empty(),
            "{test}: {} panics (first 20): {:#?}",
            self.panics.len(),
            &self.panics[..self.panics.len().min(20)]
        );
        assert!(
            self.wrong.is_empty(),
            "{test}: damaged files passed verify and answered wrongly: {:#?}",
            self.wrong
        );
        assert!(
            self.accepted.is_empty(),
            "{test}: {} damaged files passed verify (first 20): {:#?}",
            self.accepted.len(),
            &self.accepted[..self.accepted.len().min(20)]
        );
    }
}

/// The sample, its regions, and the control: the intact file passes verify and answers as the
/// oracle.
fn setup(hubs: &[Hub]) -> (Vec<u8>, Vec<String>, Case) {
    let bytes = build(hubs);
    let snapshot = Snapshot::from_bytes(AlignedBytes::copy_from(&bytes)).unwrap();
    snapshot.verify().unwrap();
    assert_eq!(snapshot.hub_count(), hubs.len());
    let regions = regions(&bytes, &snapshot);
    let case = Case::new(hubs);
    for (query, want) in case.queries.iter().zip(&case.expected) {
        let got = ask(&snapshot, query).unwrap();
        assert!(
            agrees(&got, want),
            "control: {query:?} answered {got:?}, the oracle {want:?}"
        );
        // The queries must see something, or damage to what they read goes unnoticed.
        match want {
            Answer::Hits(hits) => assert!(!hits.is_empty(), "{query:?} finds nothing"),
            Answer::Ids(ids) => assert!(!ids.is_empty(), "{query:?} finds nothing"),
            _ => {}
        }
    }
    let mut control = Tally::default();
    control.attempt(&case, "control", "intact file".to_string(), &bytes);
    assert_eq!(
        control.outcomes.keys().collect::<Vec<_>>(),
        ["passed verify, answered and matched"],
        "control"
    );
    (bytes, regions, case)
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/// A named change of one byte.
type Mutation = (&'static str, fn(u8) -> u8);

#[test]
fn every_byte_changed_four_ways_is_refused_by_open_or_verify_and_never_panics() {
    let hubs = sample_hubs();
    let (bytes, regions, case) = setup(&hubs);
    let mutations: [Mutation; 4] = [
        ("xor 0x01", |b| b ^ 0x01),
        ("xor 0x80", |b| b ^ 0x80),
        ("set 0x00", |_| 0x00),
        ("set 0xff", |_| 0xff),
    ];
    let mut tally = Tally::default();
    let mut damaged = bytes.clone();
    for at in 0..bytes.len() {
        for (name, mutate) in mutations {
            let new = mutate(bytes[at]);
            if new == bytes[at] {
                continue;
            }
            damaged[at] = new;
            let label = format!(
                "byte {at} ({}) {name}: {:#04x} -> {new:#04x}",
                regions[at], bytes[at]
            );
            tally.attempt(&case, &regions[at], label, &damaged);
            damaged[at] = bytes[at];
        }
    }
    tally.report_and_check(&format!("{} bytes x 4 mutations", bytes.len()));
    // Most mutations change the byte; only the settings of a byte to its own value are skipped.
    assert!(tally.attempts > 3 * bytes.len());
}

#[test]
fn every_truncation_is_refused_by_open() {
    let hubs = sample_hubs();
    let (bytes, _, case) = setup(&hubs);
    let mut tally = Tally::default();
    for len in 0..bytes.len() {
        let region = if len < HEADER_LEN {
            "cut in the header"
        } else {
            "cut after the header"
        };
        tally.attempt(&case, region, format!("truncated to {len}"), &bytes[..len]);
    }
    tally.report_and_check(&format!("truncations of {} bytes", bytes.len()));
    // The header records the file length, so a cut file never even opens.
    let refused: usize = tally
        .outcomes
        .iter()
        .filter(|(outcome, _)| {
            *outcome == "open error: TooShort" || *outcome == "open error: LengthMismatch"
        })
        .map(|(_, count)| count)
        .sum();
    assert_eq!(refused, tally.attempts, "{}", tally.report("truncations"));
}

#[test]
fn the_sample_is_a_few_kilobytes_with_every_feature() {
    let hubs = sample_hubs();
    let bytes = build(&hubs);
    assert!(
        (2_000..24_000).contains(&bytes.len()),
        "{} bytes",
        bytes.len()
    );
    let snapshot = Snapshot::from_bytes(AlignedBytes::copy_from(&bytes)).unwrap();
    assert_eq!(snapshot.categories().count(), CATEGORIES.len());
    assert_eq!(snapshot.event_count(), sample_events(&hubs).len());
    assert!(snapshot.event_count() > 0);
    assert!(snapshot.iter().any(|hub| hub.verified()));
    assert!(snapshot.iter().any(|hub| !hub.verified()));
    assert!(snapshot
        .iter()
        .any(|hub| hub.name().unwrap().len() > hub.name().unwrap().chars().count()));
    // Open refuses what is not a snapshot before reading anything else.
    assert!(matches!(
        Snapshot::from_bytes(AlignedBytes::copy_from(&bytes[..10])),
        Err(OpenError::TooShort { .. })
    ));
}

/// Recomputes one section's checksum and the header's, as a hostile writer can.
fn reseal(bytes: &mut [u8], section: usize) {
    let entry = HEADER_LEN + section * ENTRY_LEN;
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
    let (offset, len) = (u64_at(entry + 8), u64_at(entry + 16));
    let crc = crc32fast::hash(&bytes[offset..offset + len]);
    bytes[entry + 24..entry + 28].copy_from_slice(&crc.to_le_bytes());
    let sections = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let table_end = HEADER_LEN + sections * ENTRY_LEN;
    bytes[24..28].fill(0);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&bytes[..table_end]);
    let checksum = hasher.finalize();
    bytes[24..28].copy_from_slice(&checksum.to_le_bytes());
}

#[test]
fn overlapping_string_offsets_that_pass_verify_give_no_overlong_strings() {
    // Offsets alternating between 0 and the end of the block, resealed so that `verify`
    // passes: every other string would be the whole block, and reading every name would take
    // time quadratic in the file size. No string may be longer than the builder writes.
    let hubs = sample_hubs();
    let mut bytes = build(&hubs);
    let snapshot = Snapshot::from_bytes(AlignedBytes::copy_from(&bytes)).unwrap();
    let sizes = snapshot.section_sizes();
    for (offsets, block) in [
        ("name-offsets", "name-bytes"),
        ("category-offsets", "category-bytes"),
        ("title-offsets", "title-bytes"),
    ] {
        let at = |name: &str| sizes.iter().position(|(n, _)| *n == name).unwrap();
        let (offsets, block) = (at(offsets), at(block));
        let block_len = sizes[block].1 as u32;
        let entry = HEADER_LEN + offsets * ENTRY_LEN;
        let start = u64::from_le_bytes(bytes[entry + 8..entry + 16].try_into().unwrap()) as usize;
        let count = sizes[offsets].1 / 4;
        for i in 0..count {
            // The last offset must end the block, or open refuses the table.
            let value = if i % 2 == 1 || i == count - 1 {
                block_len
            } else {
                0
            };
            bytes[start + 4 * i..start + 4 * i + 4].copy_from_slice(&value.to_le_bytes());
        }
        reseal(&mut bytes, offsets);
    }
    let snapshot = Snapshot::from_bytes(AlignedBytes::copy_from(&bytes)).unwrap();
    snapshot.verify().unwrap();
    for hub in snapshot.iter() {
        if let Ok(name) = hub.name() {
            assert!(name.len() <= hubdex::MAX_NAME_BYTES, "{} bytes", name.len());
        }
    }
    for (_, slug) in snapshot.categories() {
        assert!(slug.len() <= hubdex::MAX_SLUG_BYTES, "{} bytes", slug.len());
    }
    // The queries still answer, with the names of damaged hubs as errors.
    let case = Case::new(&hubs);
    for query in &case.queries {
        let _ = ask(&snapshot, query);
    }
}
