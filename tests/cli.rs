//! The `hubdex` binary end to end: generate, build, info, verify, nearest, within and batches,
//! checked against the library's answers on the same snapshot, and the exit codes.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use hubdex::{Filter, Hit, Nearest, Snapshot, Within};
use serde_json::Value;

const AS_OF: &str = "2026-01-01T00:00:00Z";
const HUBS: usize = 3000;

/// A temporary directory holding generated hubs and their snapshot.
struct Setup {
    dir: tempfile::TempDir,
    snapshot: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let hubs = dir.path().join("hubs.csv");
        let snapshot = dir.path().join("snap.hubdex");
        let count = HUBS.to_string();
        success(&[
            "generate",
            "--hubs",
            &count,
            "--seed",
            "7",
            "--cities",
            "60",
            "--out",
            s(&hubs),
        ]);
        success(&[
            "build",
            "--hubs",
            s(&hubs),
            "--out",
            s(&snapshot),
            "--as-of",
            AS_OF,
        ]);
        Setup { dir, snapshot }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn snap(&self) -> &str {
        s(&self.snapshot)
    }

    fn open(&self) -> Snapshot<memmap2::Mmap> {
        Snapshot::open(&self.snapshot).unwrap()
    }
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn hubdex(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hubdex"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs the binary, expects exit status 0, returns standard output.
fn success(args: &[&str]) -> String {
    let output = hubdex(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?} failed: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

/// Runs the binary, expects exit status `code`, returns standard error.
fn failure(code: i32, args: &[&str]) -> String {
    let output = hubdex(args);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?} printed to stdout");
    stderr
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// Checks printed hits against the library's, field by field.
fn assert_same_hits(printed: &[Value], expected: &[Hit], snapshot: &Snapshot<memmap2::Mmap>) {
    assert_eq!(printed.len(), expected.len());
    for (line, hit) in printed.iter().zip(expected) {
        let hub = snapshot.hub_at(hit.position).unwrap();
        assert_eq!(line["id"].as_u64(), Some(hit.id));
        assert_eq!(line["name"].as_str(), Some(hub.name().unwrap()));
        assert_eq!(line["lat"].as_f64(), Some(hub.lat()));
        assert_eq!(line["lon"].as_f64(), Some(hub.lon()));
        let distance = line["distance_m"].as_f64().unwrap();
        assert!(
            (distance - hit.distance_m).abs() <= 0.001,
            "{distance} vs {}",
            hit.distance_m
        );
    }
}

#[test]
fn info_and_verify_describe_the_snapshot() {
    let setup = Setup::new();

    let text = success(&["info", setup.snap()]);
    assert!(text.contains(&format!("hubs         {HUBS}")), "{text}");
    assert!(text.contains(AS_OF), "{text}");

    let info: Value = serde_json::from_str(&success(&["info", setup.snap(), "--json"])).unwrap();
    let snapshot = setup.open();
    assert_eq!(info["hubs"].as_u64(), Some(HUBS as u64));
    assert_eq!(info["as_of"].as_str(), Some(AS_OF));
    assert_eq!(info["as_of_unix"].as_i64(), Some(snapshot.as_of()));
    let fingerprint = format!("{:016x}", snapshot.fingerprint());
    assert_eq!(info["fingerprint"].as_str(), Some(fingerprint.as_str()));
    let categories: Vec<&str> = snapshot.categories().map(|(_, slug)| slug).collect();
    assert_eq!(info["categories"], serde_json::json!(categories));
    assert_eq!(
        info["bytes"].as_u64(),
        Some(fs::metadata(&setup.snapshot).unwrap().len())
    );
    assert!(!info["sections"].as_array().unwrap().is_empty());

    assert!(success(&["verify", setup.snap()]).starts_with("ok"));
}

#[test]
fn ndjson_input_builds_the_same_snapshot_as_csv() {
    let setup = Setup::new();
    let hubs = setup.path("hubs.ndjson");
    let snapshot = setup.path("from-json.hubdex");
    let count = HUBS.to_string();
    success(&[
        "generate",
        "--hubs",
        &count,
        "--seed",
        "7",
        "--cities",
        "60",
        "--out",
        s(&hubs),
    ]);
    success(&[
        "build",
        "--hubs",
        s(&hubs),
        "--out",
        s(&snapshot),
        "--as-of",
        "1767225600",
    ]);

    let from_json = Snapshot::open(&snapshot).unwrap();
    assert_eq!(from_json.fingerprint(), setup.open().fingerprint());
}

#[test]
fn generated_events_go_beside_the_hubs_and_build_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let hubs = dir.path().join("hubs.csv");
    let snapshot = dir.path().join("snap.hubdex");
    let args = [
        "generate", "--hubs", "500", "--events", "5000", "--cities", "40",
    ];
    let stderr = String::from_utf8(hubdex(&[&args[..], &["--out", s(&hubs)]].concat()).stderr);
    assert!(stderr.unwrap().contains("wrote 5000 events"));

    let events = dir.path().join("hubs.events.csv");
    let text = fs::read_to_string(&events).unwrap();
    let header = text.lines().next().unwrap();
    assert_eq!(header, hubdex::ingest::EVENT_FIELDS.join(","));
    assert_eq!(text.lines().count(), 5001);

    let output = hubdex(&[
        "build",
        "--hubs",
        s(&hubs),
        "--events",
        s(&events),
        "--out",
        s(&snapshot),
        "--as-of",
        AS_OF,
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("read 5000 events"), "{stderr}");
    assert!(stderr.contains("500 hubs, 5000 events"), "{stderr}");
}

#[test]
fn ranked_weighs_freshness_as_the_library_does() {
    // Hubs only: activity is zero, so members, distance and freshness decide.
    let setup = Setup::new();
    let snapshot = setup.open();
    let weights = hubdex::Weights {
        freshness: 1.5,
        freshness_half_life_days: 120.0,
        ..hubdex::Weights::default()
    };
    let (lat, lon) = {
        let hub = snapshot.hub_at(0).unwrap();
        (hub.lat(), hub.lon())
    };
    let printed = json_lines(&success(&[
        "ranked",
        setup.snap(),
        "--lat",
        &lat.to_string(),
        "--lon",
        &lon.to_string(),
        "--radius-km",
        "40",
        "--k",
        "12",
        "--w-freshness",
        "1.5",
        "--freshness-half-life-days",
        "120",
    ]));
    let expected = snapshot
        .ranked(
            &hubdex::Ranked::new(lat, lon, 40_000.0)
                .k(12)
                .weights(weights),
        )
        .unwrap()
        .hits;
    assert_eq!(printed.len(), expected.len());
    assert!(!expected.is_empty());
    for (line, hit) in printed.iter().zip(&expected) {
        assert_eq!(line["id"].as_u64(), Some(hit.id));
        let fresh = line["components"]["freshness"].as_f64().unwrap();
        assert!((fresh - hit.freshness_term).abs() < 1e-12);
        assert!(fresh > 0.0 && fresh <= 1.5, "{fresh}");
    }
}

#[test]
fn events_follow_their_file_name_into_ndjson() {
    let dir = tempfile::tempdir().unwrap();
    let hubs = dir.path().join("hubs.ndjson");
    let base = [
        "generate", "--hubs", "200", "--events", "1000", "--seed", "3",
    ];
    success(&[&base[..], &["--out", s(&hubs)]].concat());
    let beside = dir.path().join("hubs.events.ndjson");
    let chosen = dir.path().join("chosen.csv");
    let csv_hubs = dir.path().join("hubs.csv");
    let args = ["--out", s(&csv_hubs), "--events-out", s(&chosen)];
    success(&[&base[..], &args[..]].concat());

    let from_json = json_lines(&fs::read_to_string(&beside).unwrap());
    let mut from_csv = csv::Reader::from_path(&chosen).unwrap();
    let from_csv: Vec<csv::StringRecord> = from_csv.records().map(Result::unwrap).collect();
    assert_eq!((from_json.len(), from_csv.len()), (1000, 1000));
    for (json, row) in from_json.iter().zip(&from_csv) {
        assert_eq!(json["id"].as_u64().unwrap().to_string(), row[0]);
        assert_eq!(json["title"].as_str(), Some(&row[2]));
        assert_eq!(json["starts_at"].as_str(), Some(&row[3]));
    }

    let snapshot = dir.path().join("snap.hubdex");
    success(&[
        "build",
        "--hubs",
        s(&hubs),
        "--events",
        s(&beside),
        "--out",
        s(&snapshot),
    ]);
}

#[test]
fn bad_events_name_their_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let hubs = dir.path().join("hubs.csv");
    let events = dir.path().join("events.csv");
    let out = dir.path().join("snap.hubdex");
    fs::write(&hubs, "id,name,lat,lon\n1,A,0,0\n").unwrap();
    let rows = "id,hub_id,title,starts_at,ends_at\n1,1,Walk,2025-05-01T10:00:00Z,\n\
        2,1,Talk,2025-05-01T10:00:00Z,2025-05-01T09:00:00Z\n";
    fs::write(&events, rows).unwrap();

    let args = ["build", "--hubs", s(&hubs), "--events", s(&events)];
    let stderr = failure(1, &[&args[..], &["--out", s(&out)]].concat());
    assert!(
        stderr.contains("events.csv:3:") && stderr.contains("'ends_at'"),
        "{stderr}"
    );
    assert!(!out.exists());

    let same = dir.path().join("same.csv");
    let args = [
        "generate",
        "--hubs",
        "1",
        "--events",
        "1",
        "--out",
        s(&same),
    ];
    let stderr = failure(1, &[&args[..], &["--events-out", s(&same)]].concat());
    assert!(stderr.contains("--events-out"), "{stderr}");
    assert!(!same.exists());
}

#[test]
fn nearest_matches_the_library() {
    let setup = Setup::new();
    let snapshot = setup.open();

    let printed = success(&["nearest", setup.snap(), "--lat", "48.85", "--lon", "2.35"]);
    let expected = snapshot.nearest(&Nearest::new(48.85, 2.35)).unwrap();
    assert_eq!(expected.len(), 10);
    assert_same_hits(&json_lines(&printed), &expected, &snapshot);

    let (first, second) = two_categories(&snapshot);
    let args = [
        "nearest",
        setup.snap(),
        "--lat",
        "-33.87",
        "--lon",
        "151.2",
        "--k",
        "25",
        "--max-km",
        "8000",
        "--category",
        &first,
        "--category",
        &second,
    ];
    let filter = Filter::new().any_of(snapshot.category_set(&[&first, &second]).unwrap());
    let query = Nearest::new(-33.87, 151.2)
        .k(25)
        .max_radius_m(8e6)
        .filter(filter);
    let expected = snapshot.nearest(&query).unwrap();
    assert!(!expected.is_empty());
    assert_same_hits(&json_lines(&success(&args)), &expected, &snapshot);
}

fn two_categories(snapshot: &Snapshot<memmap2::Mmap>) -> (String, String) {
    let mut slugs = snapshot.categories().map(|(_, slug)| slug.to_string());
    (slugs.next().unwrap(), slugs.next().unwrap())
}

#[test]
fn within_pages_by_cursor_and_matches_the_library() {
    let setup = Setup::new();
    let snapshot = setup.open();
    let base = [
        "within",
        setup.snap(),
        "--lat",
        "40.7",
        "--lon",
        "-74.0",
        "--radius-km",
        "40",
    ];

    let everything = json_lines(&success(&base));
    let expected = snapshot
        .within(&Within::new(40.7, -74.0, 40_000.0))
        .unwrap();
    assert!(expected.hits.len() > 20, "{} hits", expected.hits.len());
    assert_same_hits(&everything, &expected.hits, &snapshot);

    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut args = base.to_vec();
        args.extend(["--limit", "7"]);
        if let Some(cursor) = &cursor {
            args.extend(["--cursor", cursor]);
        }
        let output = hubdex(&args);
        assert!(output.status.success());
        let page = json_lines(&String::from_utf8(output.stdout).unwrap());
        assert!(page.len() <= 7);
        paged.extend(page);
        let stderr = String::from_utf8(output.stderr).unwrap();
        cursor = stderr
            .lines()
            .find_map(|line| line.strip_prefix("next cursor: "))
            .map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(paged, everything);
}

#[test]
fn batches_answer_in_input_order() {
    let setup = Setup::new();
    let snapshot = setup.open();
    let (category, _) = two_categories(&snapshot);
    let queries = setup.path("queries.ndjson");
    let lines: Vec<String> = (0..300)
        .map(|i| {
            let (lat, lon) = (-60.0 + i as f64 * 0.4, -179.0 + i as f64 * 1.19);
            match i % 3 {
                0 => format!(r#"{{"lat":{lat},"lon":{lon}}}"#),
                1 => format!(r#"{{"lat":{lat},"lon":{lon},"k":3,"categories":["{category}"]}}"#),
                _ => format!("\n{{\"lat\":{lat},\"lon\":{lon},\"max_km\":2000}}"),
            }
        })
        .collect();
    fs::write(&queries, lines.join("\n")).unwrap();

    let args = [
        "nearest",
        setup.snap(),
        "--queries",
        s(&queries),
        "--k",
        "5",
    ];
    let answers = json_lines(&success(&args));
    assert_eq!(answers.len(), 300);
    let any_of = Filter::new().any_of(snapshot.category_set(&[&category]).unwrap());
    for (i, answer) in answers.iter().enumerate() {
        let (lat, lon) = (-60.0 + i as f64 * 0.4, -179.0 + i as f64 * 1.19);
        let query = match i % 3 {
            0 => Nearest::new(lat, lon).k(5),
            1 => Nearest::new(lat, lon).k(3).filter(any_of.clone()),
            _ => Nearest::new(lat, lon).k(5).max_radius_m(2e6),
        };
        assert_eq!(answer["query"].as_u64(), Some(i as u64));
        let hits = answer["hits"].as_array().unwrap();
        assert_same_hits(hits, &snapshot.nearest(&query).unwrap(), &snapshot);
    }
}

#[test]
fn within_batches_use_flags_as_defaults() {
    let setup = Setup::new();
    let snapshot = setup.open();
    let queries = setup.path("queries.ndjson");
    let text = "{\"lat\":51.5,\"lon\":-0.12}\n{\"lat\":35.68,\"lon\":139.69,\"radius_km\":5,\"limit\":3}\n";
    fs::write(&queries, text).unwrap();

    let args = [
        "within",
        setup.snap(),
        "--queries",
        s(&queries),
        "--radius-km",
        "20",
    ];
    let answers = json_lines(&success(&args));
    assert_eq!(answers.len(), 2);

    let london = snapshot
        .within(&Within::new(51.5, -0.12, 20_000.0))
        .unwrap();
    assert_same_hits(
        answers[0]["hits"].as_array().unwrap(),
        &london.hits,
        &snapshot,
    );
    assert!(answers[0].get("next").is_none());

    let tokyo = snapshot
        .within(&Within::new(35.68, 139.69, 5_000.0).limit(3))
        .unwrap();
    assert_same_hits(
        answers[1]["hits"].as_array().unwrap(),
        &tokyo.hits,
        &snapshot,
    );
    let next = tokyo.next.map(|cursor| cursor.to_string());
    assert_eq!(answers[1]["next"].as_str(), next.as_deref());
}

#[test]
fn bad_files_and_bad_input_exit_with_1() {
    let setup = Setup::new();
    let missing = setup.path("missing.hubdex");

    let stderr = failure(1, &["nearest", s(&missing), "--lat", "0", "--lon", "0"]);
    assert!(stderr.starts_with("hubdex: error: "), "{stderr}");

    let stderr = failure(
        1,
        &[
            "nearest",
            setup.snap(),
            "--lat",
            "0",
            "--lon",
            "0",
            "--category",
            "nope",
        ],
    );
    let (known, _) = two_categories(&setup.open());
    assert!(
        stderr.contains("\"nope\"") && stderr.contains(&known),
        "{stderr}"
    );

    failure(1, &["nearest", setup.snap(), "--lat", "91", "--lon", "0"]);
    let base = [
        "within",
        setup.snap(),
        "--lat",
        "0",
        "--lon",
        "0",
        "--radius-km",
        "1",
    ];
    failure(1, &[&base[..], &["--cursor", "not-a-cursor"]].concat());

    let queries = setup.path("queries.ndjson");
    fs::write(
        &queries,
        "{\"lat\":1,\"lon\":2}\n\n{\"lat\":1,\"lon\":2,\"radius\":3}\n",
    )
    .unwrap();
    let stderr = failure(1, &["nearest", setup.snap(), "--queries", s(&queries)]);
    assert!(stderr.contains("queries.ndjson:3:"), "{stderr}");

    let bad_hubs = setup.path("hubs.csv");
    fs::write(&bad_hubs, "id,name,lat,lon\n1,A,0,0\n2,B,95,0\n").unwrap();
    let out = setup.path("bad.hubdex");
    let stderr = failure(1, &["build", "--hubs", s(&bad_hubs), "--out", s(&out)]);
    assert!(
        stderr.contains("hubs.csv:3:") && stderr.contains("'lat'"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn a_corrupt_snapshot_fails_verify_with_1() {
    let setup = Setup::new();
    let mut bytes = fs::read(&setup.snapshot).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    let corrupt = setup.path("corrupt.hubdex");
    fs::write(&corrupt, bytes).unwrap();

    let stderr = failure(1, &["verify", s(&corrupt)]);
    assert!(stderr.starts_with("hubdex: error: "), "{stderr}");
    assert!(stderr.contains("corrupt"), "{stderr}");
}

#[test]
fn bad_usage_exits_with_2() {
    let setup = Setup::new();
    failure(2, &["nearest", setup.snap(), "--lat", "1"]);
    failure(
        2,
        &[
            "nearest",
            setup.snap(),
            "--lat",
            "1",
            "--lon",
            "2",
            "--k",
            "ten",
        ],
    );
    failure(2, &["within", setup.snap(), "--lat", "1", "--lon", "2"]);
    failure(2, &["frobnicate"]);
    failure(2, &["generate", "--out", "x.csv"]);
    let events_out_alone = ["--events-out", "e.csv"];
    failure(
        2,
        &[
            &["generate", "--hubs", "1", "--out", "x.csv"][..],
            &events_out_alone,
        ]
        .concat(),
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let setup = Setup::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hubdex"))
        .args([
            "within",
            setup.snap(),
            "--lat",
            "0",
            "--lon",
            "0",
            "--radius-km",
            "20000",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let mut first = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    drop(stdout);

    let output = child.wait_with_output().unwrap();
    assert!(first.starts_with("{\"id\":"), "{first}");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn polygon_and_hexbins_match_the_library() {
    let setup = Setup::new();
    let snapshot = setup.open();
    let hub = snapshot.hub_at(17).unwrap();
    let (lat, lon) = (hub.lat(), hub.lon());
    let ring: Vec<[f64; 2]> = [(-0.2, -0.1), (0.25, -0.15), (0.2, 0.2), (-0.1, 0.15)]
        .iter()
        .map(|&(dx, dy)| [lon + dx, lat + dy])
        .collect();
    let mut closed = ring.clone();
    closed.push(ring[0]);
    let geojson = serde_json::json!({"type": "Feature", "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [closed]}});
    let file = setup.path("area.geojson");
    fs::write(&file, geojson.to_string()).unwrap();

    let polygon = geo::Polygon::new(
        geo::LineString::from(ring.iter().map(|c| (c[0], c[1])).collect::<Vec<_>>()),
        vec![],
    );
    let area = hubdex::Area::new(polygon).unwrap();
    let want: Vec<u64> = snapshot
        .hubs_in_area(&area, &Filter::new())
        .unwrap()
        .iter()
        .map(|h| h.id())
        .collect();
    assert!(want.contains(&hub.id()));
    let printed = json_lines(&success(&["polygon", setup.snap(), "--polygon", s(&file)]));
    let got: Vec<u64> = printed.iter().map(|v| v["id"].as_u64().unwrap()).collect();
    assert_eq!(got, want);

    let nearest = Nearest::new(lat, lon).k(3);
    let want = snapshot.nearest_in_area(&nearest, &area).unwrap();
    let args = ["polygon", setup.snap(), "--polygon", s(&file), "--k", "3"];
    let lat_text = lat.to_string();
    let lon_text = lon.to_string();
    let mut args = args.to_vec();
    args.extend(["--lat", &lat_text, "--lon", &lon_text]);
    assert_same_hits(&json_lines(&success(&args)), &want, &snapshot);

    let bbox = format!("{},{},{},{}", lon - 0.2, lat - 0.15, lon + 0.25, lat + 0.2);
    let text = success(&["hexbins", setup.snap(), "--res", "7", "--bbox", &bbox]);
    let collection: Value = serde_json::from_str(&text).unwrap();
    let features = collection["features"].as_array().unwrap();
    let area = hubdex::Area::from_bbox(lon - 0.2, lat - 0.15, lon + 0.25, lat + 0.2).unwrap();
    let res = hubdex::h3o::Resolution::Seven;
    let bins = snapshot.hexbins(&area, res, 100_000).unwrap();
    assert_eq!(features.len(), bins.len());
    for (feature, bin) in features.iter().zip(&bins) {
        assert_eq!(feature["properties"]["cell"], bin.cell.to_string());
        assert_eq!(feature["properties"]["hubs"], bin.hubs);
        assert_eq!(feature["geometry"]["type"], "Polygon");
        assert_eq!(
            feature["geometry"]["coordinates"][0]
                .as_array()
                .unwrap()
                .len(),
            7
        );
    }
    // The same area as a polygon file gives the same hexagons.
    let text = success(&["hexbins", setup.snap(), "--res", "7", "--polygon", s(&file)]);
    assert!(text.contains("FeatureCollection"));

    failure(
        1,
        &["hexbins", setup.snap(), "--res", "16", "--bbox", &bbox],
    );
    failure(
        1,
        &["hexbins", setup.snap(), "--res", "7", "--bbox", "1,2,3"],
    );
    failure(
        1,
        &[
            "polygon",
            setup.snap(),
            "--polygon",
            s(&setup.path("missing.geojson")),
        ],
    );
    fs::write(
        setup.path("point.geojson"),
        r#"{"type":"Point","coordinates":[1,2]}"#,
    )
    .unwrap();
    failure(
        1,
        &[
            "polygon",
            setup.snap(),
            "--polygon",
            s(&setup.path("point.geojson")),
        ],
    );
}

#[test]
fn build_writes_shards_that_answer_like_the_snapshot() {
    let setup = Setup::new();
    let hubs = setup.path("hubs.csv");
    let out = setup.path("shards");
    success(&[
        "build",
        "--hubs",
        s(&hubs),
        "--out",
        s(&out),
        "--as-of",
        AS_OF,
        "--shard-res",
        "2",
    ]);
    let manifest = out.join("manifest.json");
    let set = hubdex::shard::ShardSet::open(&manifest, hubdex::shard::Select::all()).unwrap();
    let snapshot = setup.open();
    assert_eq!(set.hub_count(), snapshot.hub_count());
    assert_eq!(set.manifest().as_of, snapshot.as_of());
    for (lat, lon) in [
        (38.72, -9.14),
        (-33.9, 151.2),
        (35.68, 139.69),
        (0.0, 180.0),
    ] {
        let query = Nearest::new(lat, lon).k(25);
        let expected: Vec<(u64, f64)> = snapshot
            .nearest(&query)
            .unwrap()
            .iter()
            .map(|h| (h.id, h.distance_m))
            .collect();
        let found: Vec<(u64, f64)> = set
            .nearest(&query)
            .unwrap()
            .iter()
            .map(|h| (h.id, h.distance_m))
            .collect();
        assert_eq!(found, expected);
    }

    let info = success(&["info", s(&manifest)]);
    assert!(
        info.contains(&format!("shards       {}", set.shard_count())),
        "{info}"
    );
    let json: Value = serde_json::from_str(&success(&["info", s(&manifest), "--json"])).unwrap();
    assert_eq!(json["hubs"], HUBS as u64);
    assert_eq!(json["shards"].as_array().unwrap().len(), set.shard_count());
    assert!(success(&["verify", s(&manifest)]).starts_with("ok: "));

    let message = failure(
        1,
        &[
            "build",
            "--hubs",
            s(&hubs),
            "--out",
            s(&out),
            "--shard-res",
            "16",
        ],
    );
    assert!(message.contains("--shard-res 16"), "{message}");
    fs::write(&manifest, "{").unwrap();
    let message = failure(1, &["info", s(&manifest)]);
    assert!(message.contains("manifest.json"), "{message}");
}
