//! `hubdex info` and `hubdex verify`.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use super::{fail, open, rfc3339, stdout, written, Outcome, Snap};

/// Flags of `hubdex info`.
#[derive(Debug, clap::Args)]
pub(crate) struct InfoArgs {
    /// The snapshot file, or a shard manifest (`manifest.json`).
    snapshot: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Flags of `hubdex verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct VerifyArgs {
    /// The snapshot file, or a shard manifest (`manifest.json`).
    snapshot: PathBuf,
}

/// Prints what the snapshot holds.
pub(crate) fn info(args: &InfoArgs) -> Outcome {
    if super::shards::is_manifest(&args.snapshot) {
        return super::shards::info(&args.snapshot, args.json);
    }
    let snapshot = open(&args.snapshot)?;

    let text = if args.json {
        json_info(&args.snapshot, &snapshot)
    } else {
        text_info(&args.snapshot, &snapshot)
    };

    let mut out = stdout();
    out.write_all(text.as_bytes()).map_err(written)?;
    out.flush().map_err(written)
}

/// Checks every checksum; prints an `ok` line.
pub(crate) fn verify(args: &VerifyArgs) -> Outcome {
    if super::shards::is_manifest(&args.snapshot) {
        return super::shards::verify(&args.snapshot);
    }
    let snapshot = open(&args.snapshot)?;

    snapshot
        .verify()
        .map_err(|error| fail(format_args!("{}: {error}", args.snapshot.display())))?;

    let mut out = stdout();
    writeln!(
        out,
        "ok: {}: {} hubs, every checksum matches",
        args.snapshot.display(),
        snapshot.hub_count()
    )
    .map_err(written)?;
    out.flush().map_err(written)
}

fn bytes_per_hub(snapshot: &Snap) -> f64 {
    snapshot.bytes().len() as f64 / snapshot.hub_count().max(1) as f64
}

fn text_info(path: &std::path::Path, snapshot: &Snap) -> String {
    let categories: Vec<&str> = snapshot.categories().map(|(_, slug)| slug).collect();
    let mut text = format!(
        "snapshot     {}\nhubs         {}\nas_of        {} ({})\nfingerprint  {:016x}\n\
         categories   {}: {}\nbytes        {} ({:.1} per hub)\nsections\n",
        path.display(),
        snapshot.hub_count(),
        rfc3339(snapshot.as_of()),
        snapshot.as_of(),
        snapshot.fingerprint(),
        categories.len(),
        categories.join(" "),
        snapshot.bytes().len(),
        bytes_per_hub(snapshot),
    );
    for (name, bytes) in snapshot.section_sizes() {
        text.push_str(&format!("  {name:<18} {bytes:>12}\n"));
    }
    text
}

fn json_info(path: &std::path::Path, snapshot: &Snap) -> String {
    let categories: Vec<&str> = snapshot.categories().map(|(_, slug)| slug).collect();
    let sections: Vec<_> = snapshot
        .section_sizes()
        .into_iter()
        .map(|(name, bytes)| json!({ "name": name, "bytes": bytes }))
        .collect();

    let info = json!({
        "snapshot": path.display().to_string(),
        "hubs": snapshot.hub_count(),
        "as_of": rfc3339(snapshot.as_of()),
        "as_of_unix": snapshot.as_of(),
        "fingerprint": format!("{:016x}", snapshot.fingerprint()),
        "categories": categories,
        "bytes": snapshot.bytes().len(),
        "bytes_per_hub": bytes_per_hub(snapshot),
        "sections": sections,
    });
    format!("{info}\n")
}
