//! `hubdex generate`: synthetic hubs around real cities, written as CSV or NDJSON.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use hubdex::generate::Generator;
use hubdex::Hub;
use serde::Serialize;
use tempfile::NamedTempFile;

use super::{fail, note, rfc3339, Outcome};

/// Flags of `hubdex generate`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// How many hubs (ids 1..=N).
    #[arg(long, value_name = "N")]
    hubs: usize,
    /// Random seed: the same seed gives the same hubs on every machine.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Draw hubs around only the C most populous cities [default: every bundled city].
    #[arg(long, value_name = "C")]
    cities: Option<usize>,
    /// Output file: CSV, or NDJSON if the name ends in .ndjson or .jsonl.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
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
}

/// Generates the hubs and publishes the file atomically.
pub(crate) fn run(args: &Args) -> Outcome {
    let mut generator = Generator::new(args.seed);
    if let Some(cities) = args.cities {
        generator = generator.top_cities(cities);
    }
    let hubs = generator.hubs(args.hubs);

    let io = |action: &str, error: &dyn std::fmt::Display| {
        fail(format_args!("{action} {}: {error}", args.out.display()))
    };
    let mut temp = temp_beside(&args.out).map_err(|e| io("cannot create a file beside", &e))?;
    if is_ndjson(&args.out) {
        write_ndjson(temp.as_file_mut(), &hubs).map_err(|e| io("cannot write", &e))?;
    } else {
        write_csv(temp.as_file_mut(), &hubs).map_err(|e| io("cannot write", &e))?;
    }
    temp.as_file()
        .sync_all()
        .map_err(|e| io("cannot flush", &e))?;
    temp.persist(&args.out)
        .map_err(|e| io("cannot rename the new file to", &e.error))?;

    note(format_args!(
        "hubdex: wrote {} hubs to {}",
        hubs.len(),
        args.out.display()
    ));
    Ok(())
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

/// Writes the CSV header `id,name,lat,lon,categories,members,created_at,verified` and a row a
/// hub, categories `;`-joined.
fn write_csv(out: impl Write, hubs: &[Hub]) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(hubdex::ingest::HUB_FIELDS)?;

    for hub in hubs {
        let row = Row::of(hub);
        writer.write_record([
            row.id.to_string(),
            row.name.to_string(),
            row.lat.to_string(),
            row.lon.to_string(),
            row.categories.join(";"),
            row.members.to_string(),
            row.created_at.unwrap_or_default(),
            row.verified.to_string(),
        ])?;
    }
    writer.flush()
}

/// Writes one JSON object a hub.
fn write_ndjson(out: impl Write, hubs: &[Hub]) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    for hub in hubs {
        serde_json::to_writer(&mut out, &Row::of(hub))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
