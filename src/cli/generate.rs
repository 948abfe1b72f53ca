//! `hubdex generate`: synthetic hubs around real cities, and events for them, written as CSV
//! or NDJSON.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use hubdex::generate::Generator;
use hubdex::ingest::{EVENT_FIELDS, HUB_FIELDS};
use hubdex::{Event, Hub};
use serde::Serialize;
use tempfile::NamedTempFile;

use super::{fail, note, rfc3339, Failure, Outcome};

/// Flags of `hubdex generate`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// How many hubs (ids 1..=N).
    #[arg(long, value_name = "N")]
    hubs: usize,
    /// How many events for those hubs (ids 1..=M) [default: none, and no events file].
    #[arg(long, value_name = "M")]
    events: Option<usize>,
    /// Random seed: the same seed gives the same hubs on every machine.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Draw hubs around only the C most populous cities [default: every bundled city].
    #[arg(long, value_name = "C")]
    cities: Option<usize>,
    /// Output file: CSV, or NDJSON if the name ends in .ndjson or .jsonl.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Events file: CSV, or NDJSON if the name ends in .ndjson or .jsonl [default: beside
    /// --out, its name with .events before the extension: hubs.csv gives hubs.events.csv].
    #[arg(long, value_name = "FILE", requires = "events")]
    events_out: Option<PathBuf>,
}

/// One generated hub as written: times as RFC 3339.
#[derive(Serialize)]
struct Row<'a> {
    id: u64,
    name: &'a str,
    lat: f64,
    lon: f64,
    categories: &'a [String],
    members: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<String>,
    verified: bool,
}

impl<'a> Row<'a> {
    fn of(hub: &'a Hub) -> Row<'a> {
        Row {
            id: hub.id,
            name: &hub.name,
            lat: hub.lat,
            lon: hub.lon,
            categories: &hub.categories,
            members: hub.members,
            created_at: hub.created_at.map(rfc3339),
            verified: hub.verified,
        }
    }

    /// The cells in the order of [`HUB_FIELDS`], categories `;`-joined.
    fn cells(self) -> [String; HUB_FIELDS.len()] {
        [
            self.id.to_string(),
            self.name.to_string(),
            self.lat.to_string(),
            self.lon.to_string(),
            self.categories.join(";"),
            self.members.to_string(),
            self.created_at.unwrap_or_default(),
            self.verified.to_string(),
        ]
    }
}

/// One generated event as written: times as RFC 3339, absent fields left out.
#[derive(Serialize)]
struct EventRow {
    id: u64,
    hub_id: u64,
    title: String,
    starts_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ends_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lon: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    categories: Vec<String>,
    rsvps: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity: Option<u32>,
    price_cents: u32,
}

impl EventRow {
    fn of(event: Event) -> EventRow {
        EventRow {
            id: event.id,
            hub_id: event.hub_id,
            title: event.title,
            starts_at: rfc3339(event.starts_at),
            ends_at: event.ends_at.map(rfc3339),
            lat: event.lat,
            lon: event.lon,
            categories: event.categories,
            rsvps: event.rsvps,
            capacity: event.capacity,
            price_cents: event.price_cents,
        }
    }

    /// The cells in the order of [`EVENT_FIELDS`]; an absent field is an empty cell.
    fn cells(self) -> [String; EVENT_FIELDS.len()] {
        let text = |value: Option<String>| value.unwrap_or_default();
        [
            self.id.to_string(),
            self.hub_id.to_string(),
            self.title,
            self.starts_at,
            text(self.ends_at),
            text(self.lat.map(|lat| lat.to_string())),
            text(self.lon.map(|lon| lon.to_string())),
            self.categories.join(";"),
            self.rsvps.to_string(),
            text(self.capacity.map(|capacity| capacity.to_string())),
            self.price_cents.to_string(),
        ]
    }
}

/// Generates the hubs, and the events if asked, and publishes the files atomically: both
/// are complete before either replaces a file.
pub(crate) fn run(args: &Args) -> Outcome {
    let mut generator = Generator::new(args.seed);
    if let Some(cities) = args.cities {
        generator = generator.top_cities(cities);
    }
    let hubs = generator.hubs(args.hubs);

    let events_out = args.events.map(|_| events_path(args));
    if events_out.as_ref() == Some(&args.out) {
        return Err(fail(format_args!(
            "--events-out names the hubs file {}: give the events a file of their own",
            args.out.display()
        )));
    }

    let hubs_file = stage(&args.out, |file| {
        if is_ndjson(&args.out) {
            write_ndjson(file, hubs.iter().map(Row::of))
        } else {
            write_csv(
                file,
                HUB_FIELDS,
                hubs.iter().map(|hub| Row::of(hub).cells()),
            )
        }
    })?;
    let events_file = match (&events_out, args.events) {
        (Some(path), Some(count)) => {
            let events = generator.events(&hubs, count);
            Some((path, stage_events(path, events)?))
        }
        _ => None,
    };

    publish(&args.out, hubs_file)?;
    note(format_args!(
        "hubdex: wrote {} hubs to {}",
        hubs.len(),
        args.out.display()
    ));
    if let Some((path, (file, count))) = events_file {
        publish(path, file)?;
        note(format_args!(
            "hubdex: wrote {count} events to {}",
            path.display()
        ));
    }
    Ok(())
}

/// Where the events go: `--events-out`, or beside `--out` with `.events` before its
/// extension (`hubs.csv` gives `hubs.events.csv`; a name without one gets `.events.csv`).
fn events_path(args: &Args) -> PathBuf {
    if let Some(path) = &args.events_out {
        return path.clone();
    }
    let stem = args.out.file_stem().map(|s| s.to_string_lossy());
    let extension = args.out.extension().map(|e| e.to_string_lossy());
    let name = format!(
        "{}.events.{}",
        stem.as_deref().unwrap_or("hubs"),
        extension.as_deref().unwrap_or("csv")
    );
    args.out.with_file_name(name)
}

/// Writes the events to a temporary file beside `path`; returns it and how many.
fn stage_events(
    path: &Path,
    events: impl Iterator<Item = Event>,
) -> Result<(NamedTempFile, u64), Failure> {
    let mut count = 0;
    let rows = events.map(EventRow::of).inspect(|_| count += 1);
    let file = stage(path, |file| {
        if is_ndjson(path) {
            write_ndjson(file, rows)
        } else {
            write_csv(file, EVENT_FIELDS, rows.map(EventRow::cells))
        }
    })?;
    Ok((file, count))
}

/// Writes a file with `write` to a temporary file beside `path`, flushed to disk.
fn stage(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<NamedTempFile, Failure> {
    let io = |action: &str, error: &dyn std::fmt::Display| {
        fail(format_args!("{action} {}: {error}", path.display()))
    };
    let mut temp = temp_beside(path).map_err(|e| io("cannot create a file beside", &e))?;
    write(temp.as_file_mut()).map_err(|e| io("cannot write", &e))?;
    temp.as_file()
        .sync_all()
        .map_err(|e| io("cannot flush", &e))?;
    Ok(temp)
}

/// Renames a staged file over `path`.
fn publish(path: &Path, temp: NamedTempFile) -> Outcome {
    temp.persist(path).map(drop).map_err(|e| {
        fail(format_args!(
            "cannot rename the new file to {}: {}",
            path.display(),
            e.error
        ))
    })
}

fn temp_beside(path: &Path) -> io::Result<NamedTempFile> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".hubdex-").suffix(".tmp");
    // Readable as a file made by `>` would be (the umask applies), not only by its owner.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir)
}

fn is_ndjson(path: &Path) -> bool {
    let extension = path.extension().and_then(|e| e.to_str());
    extension.is_some_and(|e| e.eq_ignore_ascii_case("ndjson") || e.eq_ignore_ascii_case("jsonl"))
}

/// Writes a CSV header row and a row of cells a record.
fn write_csv<const N: usize>(
    out: impl Write,
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer.flush()
}

/// Writes one JSON object a record.
fn write_ndjson(out: impl Write, rows: impl Iterator<Item = impl Serialize>) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    for row in rows {
        serde_json::to_writer(&mut out, &row)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
