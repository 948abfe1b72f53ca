//! `hubdex info` and `hubdex verify` of a shard manifest (a path ending in `.json`).

use std::io::Write;
use std::path::Path;

use hubdex::shard::{Manifest, Select, ShardSet};
use serde_json::json;

use super::{fail, rfc3339, stdout, written, Outcome};

/// Whether a path names a manifest rather than a snapshot.
pub(crate) fn is_manifest(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension == "json")
}

/// Prints what the manifest lists: totals, then one line a shard.
pub(crate) fn info(path: &Path, as_json: bool) -> Outcome {
    let manifest = Manifest::read(path).map_err(fail)?;
    let bytes: u64 = manifest.shards.iter().map(|shard| shard.bytes).sum();
    let text = if as_json {
        let shards: Vec<_> = manifest
            .shards
            .iter()
            .map(|shard| {
                json!({"cell": shard.cell.to_string(), "file": shard.file, "hubs": shard.hubs,
                       "events": shard.events, "bytes": shard.bytes})
            })
            .collect();
        let value = json!({"manifest": path.display().to_string(), "resolution": u8::from(manifest.resolution),
            "as_of": rfc3339(manifest.as_of), "hubs": manifest.hubs, "events": manifest.events,
            "bytes": bytes, "categories": manifest.categories, "shards": shards});
        format!("{value}\n")
    } else {
        let mut text = format!(
            "manifest     {}\nresolution   {}\nshards       {}\nhubs         {}\nevents       {}\n\
             as_of        {} ({})\ncategories   {}\nbytes        {bytes}\n",
            path.display(),
            manifest.resolution,
            manifest.shards.len(),
            manifest.hubs,
            manifest.events,
            rfc3339(manifest.as_of),
            manifest.as_of,
            manifest.categories.len(),
        );
        for shard in &manifest.shards {
            let line = format!(
                "  {} {:>9} hubs {:>10} events {:>12} bytes\n",
                shard.cell, shard.hubs, shard.events, shard.bytes
            );
            text.push_str(&line);
        }
        text
    };
    let mut out = stdout();
    out.write_all(text.as_bytes()).map_err(written)?;
    out.flush().map_err(written)
}

/// Opens every shard, checks it against the manifest and verifies every checksum.
pub(crate) fn verify(path: &Path) -> Outcome {
    let set = ShardSet::open(path, Select::all()).map_err(fail)?;
    set.verify().map_err(fail)?;
    let mut out = stdout();
    writeln!(
        out,
        "ok: {}: {} shards, {} hubs, every checksum matches",
        path.display(),
        set.shard_count(),
        set.hub_count()
    )
    .map_err(written)?;
    out.flush().map_err(written)
}
