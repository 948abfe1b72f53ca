//! `hubdex build`: a snapshot (or shards) from a CSV or NDJSON file of hubs, and one of their
//! events.

use std::path::PathBuf;
use std::time::Instant;

use hubdex::h3o::Resolution;
use hubdex::ingest::{parse_time, read_events, read_hubs};
use hubdex::shard::manifest_path;
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
    /// The snapshot to write; replaced atomically if it exists. With --shard-res, the
    /// directory of the shards and their manifest.json.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Write one snapshot per H3 cell of this resolution (0 to 15) that holds hubs, and a
    /// manifest, into the --out directory.
    #[arg(long, value_name = "R")]
    shard_res: Option<u8>,
    /// The build's reference time: RFC 3339 or unix seconds [default: now].
    #[arg(long, value_name = "TIME", allow_negative_numbers = true)]
    as_of: Option<String>,
}

/// Reads the hubs and events, builds the snapshot and publishes it.
pub(crate) fn run(args: &Args) -> Outcome {
    let start = Instant::now();
    let shard_res = args
        .shard_res
        .map(|res| {
            Resolution::try_from(res).map_err(|_| {
                fail(format_args!(
                    "--shard-res {res}: not an H3 resolution; give 0 to 15 (3 or 4 suit a city or a region)"
                ))
            })
        })
        .transpose()?;
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

    if let Some(resolution) = shard_res {
        return write_shards(&builder, args, resolution, start);
    }
    let events = builder.event_count();
    let bytes = builder.finish(&args.out).map_err(fail)?;
    note(format_args!(
        "hubdex: built {}: {count} hubs, {events} events, {bytes} bytes, {:.2} s",
        args.out.display(),
        start.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// Publishes the shards and their manifest.
fn write_shards(
    builder: &SnapshotBuilder,
    args: &Args,
    resolution: Resolution,
    start: Instant,
) -> Outcome {
    let manifest = builder.write_shards(&args.out, resolution).map_err(fail)?;
    let bytes: u64 = manifest.shards.iter().map(|shard| shard.bytes).sum();
    note(format_args!(
        "hubdex: built {}: {} shards at resolution {resolution}, {} hubs, {} events, {bytes} bytes, {:.2} s",
        manifest_path(&args.out).display(),
        manifest.shards.len(),
        manifest.hubs,
        manifest.events,
        start.elapsed().as_secs_f64()
    ));
    Ok(())
}
