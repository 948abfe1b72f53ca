//! Bad input records: every kind gets an error naming the file, the line and the field, and
//! nothing is left at the output path.

use std::fs;
use std::path::{Path, PathBuf};

use hubdex::ingest::{read_events, read_hubs, EVENT_FIELDS};
use hubdex::{BuildError, Hub, Location, RecordProblem, Snapshot, SnapshotBuilder};
use hubdex::{MAX_CATEGORIES, MAX_NAME_BYTES, MAX_SLUG_BYTES, MAX_TITLE_BYTES};

const CSV_HEADER: &str = "id,name,lat,lon,categories,members,created_at,verified\n";

/// A rejected input: where it was and why.
struct Rejected {
    input: PathBuf,
    error: BuildError,
}

/// Reads `inputs` (file name, text) in order into one builder, files whose name starts with
/// `events` as events and the others as hubs, and writes the snapshot; expects an error, and
/// checks that the directory holds nothing but the inputs afterwards.
fn rejected(inputs: &[(&str, &str)]) -> Rejected {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.hubdex");
    let mut builder = SnapshotBuilder::new();
    let mut last = PathBuf::new();

    let mut result = Ok(());
    for (name, text) in inputs {
        last = dir.path().join(name);
        fs::write(&last, text).unwrap();
        let read = if name.starts_with("events") {
            read_events
        } else {
            read_hubs
        };
        result = result.and_then(|()| read(&last, &mut builder).map(drop));
    }
    let result = result.and_then(|()| builder.write(&out).map(drop));

    let error = result.expect_err("the input should be rejected");
    assert_no_leftovers(dir.path(), inputs);
    Rejected { input: last, error }
}

fn assert_no_leftovers(dir: &Path, inputs: &[(&str, &str)]) {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = inputs.iter().map(|(name, _)| name.to_string()).collect();
    expected.sort();
    expected.dedup();
    assert_eq!(names, expected, "files besides the inputs were left behind");
}

/// The location and problem of a rejected record, checking that the location names the file.
fn record(rejected: Rejected) -> (u64, RecordProblem) {
    let message = rejected.error.to_string();
    match rejected.error {
        BuildError::Record { location, problem } => {
            assert_eq!(location.file.as_deref(), Some(rejected.input.as_path()));
            let line = location.line.expect("records from files have a line");
            let place = format!("{}:{line}:", rejected.input.display());
            assert!(
                message.starts_with(&place),
                "{message:?} should start with {place:?}"
            );
            (line, problem)
        }
        other => panic!("expected a record error, got {other:?}"),
    }
}

fn csv(rows: &[&str]) -> String {
    let mut text = CSV_HEADER.to_string();
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

fn csv_record(rows: &[&str]) -> (u64, RecordProblem) {
    record(rejected(&[("hubs.csv", &csv(rows))]))
}

fn ndjson_record(lines: &[&str]) -> (u64, RecordProblem) {
    record(rejected(&[("hubs.ndjson", &(lines.join("\n") + "\n"))]))
}

const GOOD_CSV: &str =
    "1,Lisbon Photo Walks,38.7223,-9.1393,photo-walk,40,2024-05-01T18:30:00Z,true";
const GOOD_JSON: &str = r#"{"id":1,"name":"Lisbon Photo Walks","lat":38.7223,"lon":-9.1393}"#;

fn assert_malformed(problem: RecordProblem, expected_field: &str, expected_value: &str) {
    match problem {
        RecordProblem::Malformed { field, value, .. } => {
            assert_eq!((field, value.as_str()), (expected_field, expected_value));
        }
        other => panic!("expected Malformed {expected_field}, got {other:?}"),
    }
}

fn assert_coordinate(problem: RecordProblem, expected_field: &str, check: impl Fn(f64) -> bool) {
    match problem {
        RecordProblem::Coordinate { field, value, .. } => {
            assert_eq!(field, expected_field);
            assert!(check(value), "{value}");
        }
        other => panic!("expected Coordinate {expected_field}, got {other:?}"),
    }
}

#[test]
fn good_csv_and_ndjson_build_the_same_snapshot_and_ignore_unknown_fields() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("hubs.csv");
    let json_path = dir.path().join("hubs.JSONL");
    let csv_text = "notes,id,name,lat,lon,categories,members,created_at,verified\n\
        x,1,Lisbon Photo Walks,38.7223,-9.1393,photo-walk;hiking;,40,2024-05-01T18:30:00Z,true\n\
        y,2,Porto Rust,41.1579,-8.6291,,,,\n\n";
    let json_text = r#"{"id":1,"name":"Lisbon Photo Walks","lat":38.7223,"lon":-9.1393,"categories":["photo-walk","hiking"],"members":40,"created_at":1714588200,"verified":true,"url":"https://example.org"}

{"id":"2","name":"Porto Rust","lat":41.1579,"lon":-8.6291,"members":null}
"#;
    fs::write(&csv_path, csv_text).unwrap();
    fs::write(&json_path, json_text).unwrap();

    let mut snapshots = Vec::new();
    for path in [&csv_path, &json_path] {
        let mut builder = SnapshotBuilder::new();
        builder.as_of(1_767_225_600);
        assert_eq!(read_hubs(path, &mut builder).unwrap(), 2);
        snapshots.push(Snapshot::from_bytes(builder.to_bytes().unwrap()).unwrap());
    }

    assert_eq!(snapshots[0].fingerprint(), snapshots[1].fingerprint());
    let lisbon = snapshots[1].hub(1).unwrap();
    assert_eq!(lisbon.created_at(), Some(1_714_588_200));
    assert!(lisbon.verified());
    assert_eq!(lisbon.members(), 40);
    let categories: Vec<&str> = snapshots[1].categories().map(|(_, slug)| slug).collect();
    assert_eq!(categories, ["photo-walk", "hiking"]);
}

#[test]
fn missing_required_field_csv() {
    let (line, problem) = csv_record(&[GOOD_CSV, "2,Porto,,-8.6,,,,"]);
    assert_eq!(line, 3);
    assert_eq!(problem, RecordProblem::Missing { field: "lat" });
}

#[test]
fn missing_required_field_ndjson() {
    let (line, problem) = ndjson_record(&[GOOD_JSON, r#"{"id":2,"name":"Porto","lat":41.1}"#]);
    assert_eq!(line, 2);
    assert_eq!(problem, RecordProblem::Missing { field: "lon" });
}

#[test]
fn malformed_id_csv() {
    let (line, problem) = csv_record(&["abc,Porto,41.1,-8.6,,,,"]);
    assert_eq!(line, 2);
    assert_malformed(problem, "id", "abc");
}

#[test]
fn malformed_id_ndjson() {
    let (line, problem) = ndjson_record(&[r#"{"id":-3,"name":"Porto","lat":41.1,"lon":-8.6}"#]);
    assert_eq!(line, 1);
    assert_malformed(problem, "id", "-3");
}

#[test]
fn nan_lat_csv() {
    let (line, problem) = csv_record(&[GOOD_CSV, "2,Porto,NaN,-8.6,,,,"]);
    assert_eq!(line, 3);
    assert_coordinate(problem, "lat", f64::is_nan);
}

#[test]
fn nan_lat_ndjson() {
    let (line, problem) = ndjson_record(&[r#"{"id":2,"name":"Porto","lat":"NaN","lon":-8.6}"#]);
    assert_eq!(line, 1);
    assert_coordinate(problem, "lat", f64::is_nan);
}

#[test]
fn lat_that_is_not_a_number_is_malformed() {
    let (_, problem) = csv_record(&["2,Porto,abc,-8.6,,,,"]);
    assert_malformed(problem, "lat", "abc");
}

#[test]
fn out_of_range_lon_csv() {
    let (line, problem) = csv_record(&[
        GOOD_CSV,
        GOOD_CSV.replace("1,", "2,").as_str(),
        "3,X,0,180.5,,,,",
    ]);
    assert_eq!(line, 4);
    assert_coordinate(problem, "lon", |lon| lon == 180.5);
}

#[test]
fn out_of_range_lon_ndjson() {
    let (line, problem) = ndjson_record(&[r#"{"id":3,"name":"X","lat":0,"lon":-181}"#]);
    assert_eq!(line, 1);
    assert_coordinate(problem, "lon", |lon| lon == -181.0);
}

#[test]
fn duplicate_id_names_both_locations() {
    let rows = [GOOD_CSV, "2,Porto,41.1,-8.6,,,,", "1,Again,0,0,,,,"];
    let (line, problem) = csv_record(&rows);
    assert_eq!(line, 4);
    match problem {
        RecordProblem::DuplicateId { id, first } => {
            assert_eq!(id, 1);
            assert_eq!((first.line, first.record), (Some(2), 0));
            assert!(first.file.unwrap().ends_with("hubs.csv"));
        }
        other => panic!("expected DuplicateId, got {other:?}"),
    }
}

#[test]
fn duplicate_id_across_files_names_both_files() {
    let first_file = csv(&["7,Porto,41.1,-8.6,,,,"]);
    let second_file = format!(
        "{GOOD_JSON}\n{}\n",
        r#"{"id":7,"name":"Again","lat":0,"lon":0}"#
    );
    let rejected = rejected(&[("a.csv", &first_file), ("b.ndjson", &second_file)]);
    let dir = rejected.input.parent().unwrap().to_path_buf();
    let (line, problem) = record(rejected);
    assert_eq!(line, 2);
    let expected_first = Location {
        file: Some(dir.join("a.csv")),
        line: Some(2),
        record: 0,
    };
    assert_eq!(
        problem,
        RecordProblem::DuplicateId {
            id: 7,
            first: expected_first
        }
    );
}

#[test]
fn empty_name_csv_is_missing() {
    let (line, problem) = csv_record(&["2,  ,41.1,-8.6,,,,"]);
    assert_eq!(line, 2);
    assert_eq!(problem, RecordProblem::Missing { field: "name" });
}

#[test]
fn empty_name_ndjson_is_too_short() {
    let (line, problem) = ndjson_record(&[GOOD_JSON, r#"{"id":2,"name":" ","lat":0,"lon":0}"#]);
    assert_eq!(line, 2);
    assert_eq!(
        problem,
        RecordProblem::NameLength {
            len: 0,
            max: MAX_NAME_BYTES
        }
    );
}

#[test]
fn name_over_the_limit() {
    let name = "é".repeat(MAX_NAME_BYTES / 2 + 1);
    let row = format!("2,{name},41.1,-8.6,,,,");
    let (line, problem) = csv_record(&[GOOD_CSV, &row]);
    assert_eq!(line, 3);
    assert_eq!(
        problem,
        RecordProblem::NameLength {
            len: MAX_NAME_BYTES + 2,
            max: MAX_NAME_BYTES
        }
    );
}

#[test]
fn bad_category_slug_csv() {
    let (line, problem) = csv_record(&["2,Porto,41.1,-8.6,rust;photo walk,,,"]);
    assert_eq!(line, 2);
    assert_eq!(
        problem,
        RecordProblem::CategorySlug {
            slug: "photo walk".into(),
            max: MAX_SLUG_BYTES
        }
    );
}

#[test]
fn bad_category_list_ndjson() {
    let line = r#"{"id":2,"name":"Porto","lat":41.1,"lon":-8.6,"categories":"rust;hiking"}"#;
    let (_, problem) = ndjson_record(&[line]);
    assert_malformed(problem, "categories", r#""rust;hiking""#);
}

#[test]
fn more_categories_than_a_snapshot_holds() {
    let rows: Vec<String> = (0..=MAX_CATEGORIES)
        .map(|i| format!("{i},Hub {i},0,0,category-{i},,,"))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let (line, problem) = csv_record(&rows);
    assert_eq!(line, MAX_CATEGORIES as u64 + 2);
    assert_eq!(
        problem,
        RecordProblem::TooManyCategories {
            slug: format!("category-{MAX_CATEGORIES}"),
            count: MAX_CATEGORIES + 1,
            max: MAX_CATEGORIES
        }
    );
}

#[test]
fn bad_created_at_csv() {
    let (line, problem) = csv_record(&["2,Porto,41.1,-8.6,,,2024-02-30T00:00:00Z,"]);
    assert_eq!(line, 2);
    assert_malformed(problem, "created_at", "2024-02-30T00:00:00Z");
}

#[test]
fn bad_created_at_ndjson() {
    let line = r#"{"id":2,"name":"Porto","lat":41.1,"lon":-8.6,"created_at":"last tuesday"}"#;
    let (_, problem) = ndjson_record(&[line]);
    assert_malformed(problem, "created_at", "last tuesday");
}

#[test]
fn bad_boolean_csv() {
    let (line, problem) = csv_record(&[GOOD_CSV, "2,Porto,41.1,-8.6,,,,yes"]);
    assert_eq!(line, 3);
    assert_malformed(problem, "verified", "yes");
}

#[test]
fn bad_boolean_ndjson() {
    let line = r#"{"id":2,"name":"Porto","lat":41.1,"lon":-8.6,"verified":"maybe"}"#;
    let (_, problem) = ndjson_record(&[line]);
    assert_malformed(problem, "verified", "maybe");
}

#[test]
fn bad_members_ndjson() {
    let line = r#"{"id":2,"name":"Porto","lat":41.1,"lon":-8.6,"members":-1}"#;
    let (_, problem) = ndjson_record(&[line]);
    assert_malformed(problem, "members", "-1");
}

#[test]
fn ndjson_line_that_is_not_an_object() {
    let (line, problem) = ndjson_record(&[GOOD_JSON, "", "[2, \"Porto\", 41.1, -8.6]"]);
    assert_eq!(line, 3);
    assert_malformed(problem, "record", "[2, \"Porto\", 41.1, -8.6]");
}

#[test]
fn ndjson_line_that_is_not_json() {
    let (line, problem) = ndjson_record(&[r#"{"id":2,"name":"Porto","lat":41.1,"lon":-8.6"#]);
    assert_eq!(line, 1);
    assert!(matches!(
        problem,
        RecordProblem::Malformed {
            field: "record",
            ..
        }
    ));
}

#[test]
fn csv_row_with_the_wrong_number_of_cells() {
    let (line, problem) = csv_record(&[GOOD_CSV, "2,Porto, Portugal,41.1,-8.6,,,,"]);
    assert_eq!(line, 3);
    assert_eq!(
        problem,
        RecordProblem::CellCount {
            found: 9,
            expected: 8
        }
    );
}

#[test]
fn csv_missing_header_column() {
    let rejected = rejected(&[("hubs.csv", "id,name,latitude,lon\n1,A,0,0\n")]);
    match rejected.error {
        BuildError::Input { path, problem } => {
            assert_eq!(path, rejected.input);
            assert!(problem.contains("'lat'"), "{problem}");
        }
        other => panic!("expected an input error, got {other:?}"),
    }
}

#[test]
fn unknown_extension() {
    let rejected = rejected(&[("hubs.json", GOOD_JSON)]);
    match rejected.error {
        BuildError::Input { path, problem } => {
            assert_eq!(path, rejected.input);
            assert!(
                problem.contains(".csv") && problem.contains(".ndjson"),
                "{problem}"
            );
        }
        other => panic!("expected an input error, got {other:?}"),
    }
}

#[test]
fn missing_input_file_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.csv");
    let error = read_hubs(&path, &mut SnapshotBuilder::new()).unwrap_err();
    match error {
        BuildError::Io {
            action, path: p, ..
        } => assert_eq!((action, p), ("cannot read", path)),
        other => panic!("expected an I/O error, got {other:?}"),
    }
}

#[test]
fn a_failed_rebuild_leaves_the_old_snapshot_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hubs.hubdex");
    let good = dir.path().join("good.csv");
    let bad = dir.path().join("bad.csv");
    fs::write(&good, csv(&[GOOD_CSV])).unwrap();
    fs::write(&bad, csv(&[GOOD_CSV, GOOD_CSV])).unwrap();

    let mut builder = SnapshotBuilder::new();
    read_hubs(&good, &mut builder).unwrap();
    builder.write(&out).unwrap();
    let before = fs::read(&out).unwrap();

    let mut builder = SnapshotBuilder::new();
    read_hubs(&bad, &mut builder).unwrap();
    assert!(builder.write(&out).is_err());

    assert_eq!(fs::read(&out).unwrap(), before);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3);
}

// Events. Each file of events is read after a file holding one good hub, id 1.

const GOOD_EVENT_CSV: &str =
    "1,1,Saturday Photo Walk,2025-06-07T10:00:00Z,2025-06-07T12:00:00Z,,,,12,,0";
const GOOD_EVENT_JSON: &str =
    r#"{"id":1,"hub_id":1,"title":"Saturday Photo Walk","starts_at":"2025-06-07T10:00:00Z"}"#;

fn event_csv_record(rows: &[&str]) -> (u64, RecordProblem) {
    let mut text = EVENT_FIELDS.join(",") + "\n";
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    record(rejected(&[
        ("hubs.csv", &csv(&[GOOD_CSV])),
        ("events.csv", &text),
    ]))
}

fn event_ndjson_record(lines: &[&str]) -> (u64, RecordProblem) {
    let text = lines.join("\n") + "\n";
    record(rejected(&[
        ("hubs.csv", &csv(&[GOOD_CSV])),
        ("events.ndjson", &text),
    ]))
}

/// A line of event NDJSON: the good event with `fields` (`"key":value,…`) replacing its own.
fn event_json(fields: &str) -> String {
    let mut event: serde_json::Value = serde_json::from_str(GOOD_EVENT_JSON).unwrap();
    let extra: serde_json::Value = serde_json::from_str(&format!("{{{fields}}}")).unwrap();
    for (key, value) in extra.as_object().unwrap() {
        event[key] = value.clone();
    }
    event.to_string()
}

#[test]
fn good_event_csv_and_ndjson_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("events.csv");
    let json_path = dir.path().join("events.ndjson");
    let csv_text = format!(
        "notes,{}\nx,{GOOD_EVENT_CSV}\ny,2,1,Talk,1749895200,,38.7,-9.1,photo-walk;,,30,500\n",
        EVENT_FIELDS.join(",")
    );
    let json_text = format!(
        "{GOOD_EVENT_JSON}\n\n{}\n",
        r#"{"id":"2","hub_id":1,"title":"Talk","starts_at":1749895200,"ends_at":null,"lat":38.7,"lon":-9.1,"categories":["photo-walk"],"capacity":"30","price_cents":500,"url":"u"}"#
    );
    fs::write(&csv_path, csv_text).unwrap();
    fs::write(&json_path, json_text).unwrap();

    for path in [&csv_path, &json_path] {
        let mut builder = SnapshotBuilder::new();
        builder
            .add_hub(Hub::new(1, "Lisbon Photo Walks", 38.7223, -9.1393))
            .unwrap();
        assert_eq!(read_events(path, &mut builder).unwrap(), 2, "{path:?}");
        assert_eq!(builder.event_count(), 2);
    }
}

#[test]
fn event_missing_required_field_csv() {
    let (line, problem) = event_csv_record(&[GOOD_EVENT_CSV, "2,1,,2025-06-07T10:00:00Z,,,,,,,"]);
    assert_eq!(line, 3);
    assert_eq!(problem, RecordProblem::Missing { field: "title" });
}

#[test]
fn event_missing_required_field_ndjson() {
    let line = r#"{"id":2,"hub_id":1,"title":"Talk"}"#;
    let (line, problem) = event_ndjson_record(&[GOOD_EVENT_JSON, line]);
    assert_eq!(line, 2);
    assert_eq!(problem, RecordProblem::Missing { field: "starts_at" });
}

#[test]
fn event_malformed_id_csv() {
    let (line, problem) = event_csv_record(&["e1,1,Talk,2025-06-07T10:00:00Z,,,,,,,"]);
    assert_eq!(line, 2);
    assert_malformed(problem, "id", "e1");
}

#[test]
fn event_malformed_hub_id_ndjson() {
    let (line, problem) = event_ndjson_record(&[&event_json(r#""hub_id":-2"#)]);
    assert_eq!(line, 1);
    assert_malformed(problem, "hub_id", "-2");
}

#[test]
fn event_impossible_date_csv() {
    let (line, problem) =
        event_csv_record(&[GOOD_EVENT_CSV, "2,1,Talk,2024-02-30T00:00:00Z,,,,,,,"]);
    assert_eq!(line, 3);
    assert_malformed(problem, "starts_at", "2024-02-30T00:00:00Z");
}

#[test]
fn event_unknown_time_ndjson() {
    let (line, problem) = event_ndjson_record(&[&event_json(r#""ends_at":"next week""#)]);
    assert_eq!(line, 1);
    assert_malformed(problem, "ends_at", "next week");
}

#[test]
fn event_ending_before_it_starts() {
    let row = "2,1,Talk,2025-06-07T10:00:00Z,2025-06-07T09:59:59Z,,,,,,";
    let (line, problem) = event_csv_record(&[GOOD_EVENT_CSV, row]);
    assert_eq!(line, 3);
    assert_eq!(
        problem,
        RecordProblem::EndBeforeStart {
            starts_at: 1_749_290_400,
            ends_at: 1_749_290_399
        }
    );
}

#[test]
fn event_time_before_1970() {
    let (line, problem) = event_csv_record(&["2,1,Talk,-1,,,,,,,"]);
    assert_eq!(line, 2);
    assert_eq!(
        problem,
        RecordProblem::TimeRange {
            field: "starts_at",
            value: -1,
            min: 0,
            max: i64::from(u32::MAX)
        }
    );
}

#[test]
fn event_time_beyond_2106() {
    let line = event_json(r#""starts_at":4294967295,"ends_at":"4294967296""#);
    let (line, problem) = event_ndjson_record(&[GOOD_EVENT_JSON, &line]);
    assert_eq!(line, 2);
    assert_eq!(
        problem,
        RecordProblem::TimeRange {
            field: "ends_at",
            value: 4_294_967_296,
            min: 0,
            max: i64::from(u32::MAX)
        }
    );
}

#[test]
fn event_lat_without_lon() {
    let (line, problem) = event_csv_record(&["2,1,Talk,2025-06-07T10:00:00Z,,38.7,,,,,"]);
    assert_eq!(line, 2);
    assert_eq!(
        problem,
        RecordProblem::HalfPlace {
            given: "lat",
            missing: "lon"
        }
    );
}

#[test]
fn event_venue_lat_out_of_range() {
    let (line, problem) = event_ndjson_record(&[&event_json(r#""lat":91,"lon":0"#)]);
    assert_eq!(line, 1);
    assert_coordinate(problem, "lat", |lat| lat == 91.0);
}

#[test]
fn event_empty_title() {
    let (line, problem) = event_ndjson_record(&[GOOD_EVENT_JSON, &event_json(r#""title":"  ""#)]);
    assert_eq!(line, 2);
    assert_eq!(
        problem,
        RecordProblem::TitleLength {
            len: 0,
            max: MAX_TITLE_BYTES
        }
    );
}

#[test]
fn event_title_over_the_limit() {
    let title = "ü".repeat(MAX_TITLE_BYTES / 2 + 1);
    let row = format!("2,1,{title},2025-06-07T10:00:00Z,,,,,,,");
    let (line, problem) = event_csv_record(&[GOOD_EVENT_CSV, &row]);
    assert_eq!(line, 3);
    assert_eq!(
        problem,
        RecordProblem::TitleLength {
            len: MAX_TITLE_BYTES + 2,
            max: MAX_TITLE_BYTES
        }
    );
}

#[test]
fn event_bad_category_slug() {
    let row = "2,1,Talk,2025-06-07T10:00:00Z,,,,rust;Photo Walk,,,";
    let (line, problem) = event_csv_record(&[row]);
    assert_eq!(line, 2);
    assert_eq!(
        problem,
        RecordProblem::CategorySlug {
            slug: "Photo Walk".into(),
            max: MAX_SLUG_BYTES
        }
    );
}

#[test]
fn event_bad_rsvps_csv() {
    let (line, problem) = event_csv_record(&[GOOD_EVENT_CSV, "2,1,Talk,0,,,,,lots,,"]);
    assert_eq!(line, 3);
    assert_malformed(problem, "rsvps", "lots");
}

#[test]
fn event_bad_rsvps_ndjson() {
    let (line, problem) = event_ndjson_record(&[&event_json(r#""rsvps":4294967296"#)]);
    assert_eq!(line, 1);
    assert_malformed(problem, "rsvps", "4294967296");
}

#[test]
fn event_csv_row_with_the_wrong_number_of_cells() {
    let row = "2,1,Talk, with a comma,2025-06-07T10:00:00Z,,,,,,,";
    let (line, problem) = event_csv_record(&[GOOD_EVENT_CSV, row]);
    assert_eq!(line, 3);
    assert_eq!(
        problem,
        RecordProblem::CellCount {
            found: 12,
            expected: 11
        }
    );
}

#[test]
fn event_errors_count_events_not_hubs() {
    let row = "2,1,Talk,2025-06-07T10:00:00Z,2024-06-07T10:00:00Z,,,,,,";
    let rejected = rejected(&[
        ("hubs.csv", &csv(&[GOOD_CSV, "2,Porto,41.1,-8.6,,,,"])),
        (
            "events.csv",
            &format!("{}\n{GOOD_EVENT_CSV}\n{row}\n", EVENT_FIELDS.join(",")),
        ),
    ]);
    match rejected.error {
        BuildError::Record { location, .. } => assert_eq!(location.record, 1),
        other => panic!("expected a record error, got {other:?}"),
    }
}

#[test]
fn event_of_an_unknown_hub() {
    let row = "2,99,Talk,2025-06-07T10:00:00Z,,,,,,,";
    let (line, problem) = event_csv_record(&[GOOD_EVENT_CSV, row]);
    assert_eq!(line, 3);
    assert_eq!(problem, RecordProblem::UnknownHub { hub_id: 99 });
}

#[test]
fn duplicate_event_id_names_both_locations() {
    let again = "1,1,Again,2025-06-08T10:00:00Z,,,,,,,";
    let rejected = rejected(&[
        ("hubs.csv", &csv(&[GOOD_CSV])),
        (
            "events.csv",
            &format!("{}\n{GOOD_EVENT_CSV}\n{again}\n", EVENT_FIELDS.join(",")),
        ),
    ]);
    let events = rejected.input.clone();
    let (line, problem) = record(rejected);
    assert_eq!(line, 3);
    let first = Location {
        file: Some(events),
        line: Some(2),
        record: 0,
    };
    assert_eq!(problem, RecordProblem::DuplicateId { id: 1, first });
}

#[test]
fn a_rejected_hub_leaves_no_category_behind() {
    let mut builder = SnapshotBuilder::new();
    let mut bad = Hub::new(1, "Phantoms", 0.0, 0.0);
    bad.categories = vec!["phantom".into(), "Not A Slug!".into()];
    match builder.add_hub(bad) {
        Err(BuildError::Record { problem, .. }) => assert_eq!(
            problem,
            RecordProblem::CategorySlug {
                slug: "Not A Slug!".into(),
                max: MAX_SLUG_BYTES
            }
        ),
        other => panic!("expected a bad slug, got {other:?}"),
    }

    let mut good = Hub::new(2, "Porto Rust", 41.1579, -8.6291);
    good.categories = vec!["rust-meetup".into()];
    builder.add_hub(good).unwrap();
    let snapshot = Snapshot::from_bytes(builder.to_bytes().unwrap()).unwrap();
    let categories: Vec<&str> = snapshot.categories().map(|(_, slug)| slug).collect();
    assert_eq!(categories, ["rust-meetup"]);
    assert_eq!(snapshot.hub_count(), 1);
}
