//! `hubdex build`: a snapshot from a CSV or NDJSON file of hubs, and one of their events.

use std::path::PathBuf;
use std::time::Instant;

use hubdex::ingest::{parse_time, read_events, read_hubs};
use hubdex::SnapshotBuilder;

use super::{fail, note, Outcome};

/// Flags of `hubdex build`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The hubs: a .csv file with a header row, or .ndjson / .jsonl with one object a line.
    #[arg(long, value_name = "FILE")]
    hubs: PathBuf,
    /// The events of those hubs, in either format; read after the hubs.
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
    /// The snapshot to write; replaced atomically if it exists.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The build's reference time: RFC 3339 or unix seconds [default: now].
    #[arg(long, value_name = "TIME", allow_negative_numbers = true)]
    as_of: Option<String>,
}

/// Reads the hubs and events, builds the snapshot and publishes it.
pub(crate) fn run(args: &Args) -> Outcome {
    let start = Instant::now();
    let mut builder = SnapshotBuilder::new();
    if let Some(text) = &args.as_of {
        let as_of = parse_time("as_of", text).map_err(|e| fail(format_args!("--as-of: {e}")))?;
        builder.as_of(as_of);
    }

    let count = read_hubs(&args.hubs, &mut builder).map_err(fail)?;
    note(format_args!(
        "hubdex: read {count} hubs from {} in {:.2} s",
        args.hubs.display(),
        start.elapsed().as_secs_f64()
    ));
    if let Some(path) = &args.events {
        let events = read_events(path, &mut builder).map_err(fail)?;
        note(format_args!(
            "hubdex: read {events} events from {} in {:.2} s",
            path.display(),
            start.elapsed().as_secs_f64()
        ));
    }

    let bytes = builder.write(&args.out).map_err(fail)?;
    let events = builder.event_count();
    note(format_args!(
        "hubdex: built {}: {count} hubs, {events} events, {bytes} bytes, {:.2} s",
        args.out.display(),
        start.elapsed().as_secs_f64()
    ));
    Ok(())
}
