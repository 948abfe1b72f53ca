//! The subcommands and what they share: failures, standard output, messages.

mod activity;
mod build;
mod generate;
mod info;
mod query;
mod regions;
mod shards;

use std::fmt;
use std::io::{self, BufWriter, StdoutLock, Write};
use std::path::Path;

use clap::{Parser, Subcommand};
use hubdex::{OpenError, Snapshot};
use memmap2::Mmap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Exact local discovery over memory-mapped snapshot files: nearest, within, ranked hubs,
/// upcoming events, trending and health.
#[derive(Debug, Parser)]
#[command(name = "hubdex", version, about)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Write synthetic hubs around real cities, and events for them, to CSV (or .ndjson) files.
    Generate(generate::Args),
    /// Build a snapshot from CSV or NDJSON files of hubs and events.
    Build(build::Args),
    /// Describe a snapshot: hubs, as_of, categories, section sizes.
    Info(info::InfoArgs),
    /// Check every checksum of a snapshot.
    Verify(info::VerifyArgs),
    /// The k hubs nearest to a point, as NDJSON.
    Nearest(query::NearestArgs),
    /// The hubs within a radius of a point, nearest first, as NDJSON.
    Within(query::WithinArgs),
    /// The top hubs within a radius by distance decay, activity and members, as NDJSON.
    Ranked(activity::RankedArgs),
    /// Events starting in a time window within a radius (or the events of a hub), as NDJSON.
    Events(activity::EventsArgs),
    /// The hubs of a region growing fastest, as NDJSON.
    Trending(activity::TrendingArgs),
    /// The health of a hub, or of the region around a point, as NDJSON.
    Health(activity::HealthArgs),
    /// The hubs inside a GeoJSON polygon (or the nearest ones inside it), as NDJSON.
    Polygon(regions::PolygonArgs),
    /// Per-hexagon counts and activity of an area, as a GeoJSON FeatureCollection.
    Hexbins(regions::HexbinsArgs),
}

/// Why a command stopped early.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Bad input or a bad file: print the message and exit with status 1.
    Message(String),
    /// The reader of standard output went away: stop quietly, with status 0.
    BrokenPipe,
}

/// What a command returns.
pub(crate) type Outcome = Result<(), Failure>;

/// The snapshots commands read.
pub(crate) type Snap = Snapshot<Mmap>;

/// Runs one subcommand.
pub(crate) fn run(command: Command) -> Outcome {
    match command {
        Command::Generate(args) => generate::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Info(args) => info::info(&args),
        Command::Verify(args) => info::verify(&args),
        Command::Nearest(args) => query::nearest(&args),
        Command::Within(args) => query::within(&args),
        Command::Ranked(args) => activity::ranked(&args),
        Command::Events(args) => activity::events(&args),
        Command::Trending(args) => activity::trending(&args),
        Command::Health(args) => activity::health(&args),
        Command::Polygon(args) => regions::polygon(&args),
        Command::Hexbins(args) => regions::hexbins(&args),
    }
}

/// A failure with this message.
pub(crate) fn fail(message: impl fmt::Display) -> Failure {
    Failure::Message(message.to_string())
}

/// A failure to write standard output; a closed pipe is a quiet stop.
pub(crate) fn written(error: io::Error) -> Failure {
    if error.kind() == io::ErrorKind::BrokenPipe {
        Failure::BrokenPipe
    } else {
        fail(format_args!("cannot write to standard output: {error}"))
    }
}

/// Buffered, locked standard output.
pub(crate) fn stdout() -> BufWriter<StdoutLock<'static>> {
    BufWriter::new(io::stdout().lock())
}

/// Prints one line on standard error; a closed standard error is ignored.
pub(crate) fn note(message: fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}

/// Opens the snapshot at `path`, naming the file in any error.
pub(crate) fn open(path: &Path) -> Result<Snap, Failure> {
    Snapshot::open(path).map_err(|error| match error {
        // This one names the file already.
        OpenError::Io { .. } => fail(error),
        _ => fail(format_args!("{}: {error}", path.display())),
    })
}

/// Unix seconds as an RFC 3339 UTC time, or as the number if out of `time`'s range.
pub(crate) fn rfc3339(unix_seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .ok()
        .and_then(|time| time.format(&Rfc3339).ok())
        .unwrap_or_else(|| unix_seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn times_print_as_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(i64::MAX), i64::MAX.to_string());
    }

    #[test]
    fn broken_pipes_are_quiet() {
        let error = io::Error::from(io::ErrorKind::BrokenPipe);
        assert!(matches!(written(error), Failure::BrokenPipe));
        let error = io::Error::from(io::ErrorKind::StorageFull);
        assert!(matches!(written(error), Failure::Message(_)));
    }
}
