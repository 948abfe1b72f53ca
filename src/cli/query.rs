//! `hubdex nearest` and `hubdex within`: one query from the flags, or a batch from a file.
//!
//! A single query prints one NDJSON line a hit, `{"id","name","lat","lon","distance_m"}`;
//! when `within --limit` fills a page, the next page's cursor goes to standard error as
//! `next cursor: <cursor>`, so standard output stays pure NDJSON.
//!
//! A batch (`--queries FILE`) holds one JSON object a line with `lat`, `lon` and the options
//! as keys: `k`, `max_km` (nearest), `radius_km`, `limit`, `cursor` (within), `categories` (an
//! array). Options a line leaves out come from the flags; a key of the other command or an
//! unknown key is an error, so typos do not pass silently. Blank lines are skipped. Queries are
//! answered in parallel and printed in input order, one line each:
//! `{"query":i,"hits":[...]}` with `i` counting queries from 0, plus `"next":"<cursor>"` when a
//! `within` page is full.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use hubdex::{Cursor, Filter, Hit, Nearest, Scratch, Within};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{fail, note, open, stdout, written, Failure, Outcome, Snap};

/// Queries of a batch answered together before their lines are printed.
const CHUNK: usize = 4096;

/// Flags both queries take.
#[derive(Debug, clap::Args)]
pub(crate) struct Common {
    /// The snapshot file.
    snapshot: PathBuf,
    /// Latitude of the query point, degrees.
    #[arg(
        long,
        allow_negative_numbers = true,
        required_unless_present = "queries"
    )]
    lat: Option<f64>,
    /// Longitude of the query point, degrees.
    #[arg(
        long,
        allow_negative_numbers = true,
        required_unless_present = "queries"
    )]
    lon: Option<f64>,
    /// Keep only hubs having any of these categories; repeat for more.
    #[arg(long = "category", value_name = "SLUG")]
    categories: Vec<String>,
    /// Answer every query of this NDJSON file instead of one point: one object a line with
    /// `lat`, `lon` and any options as keys (`k`, `max_km`, `radius_km`, `limit`, `cursor`,
    /// `categories` as an array); the flags give the defaults.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["lat", "lon"])]
    queries: Option<PathBuf>,
}

/// Flags of `hubdex nearest`.
#[derive(Debug, clap::Args)]
pub(crate) struct NearestArgs {
    #[command(flatten)]
    common: Common,
    /// How many hubs at most.
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// Only hubs at most this many kilometres away.
    #[arg(long, value_name = "KM")]
    max_km: Option<f64>,
}

/// Flags of `hubdex within`.
#[derive(Debug, clap::Args)]
pub(crate) struct WithinArgs {
    #[command(flatten)]
    common: Common,
    /// The radius, kilometres.
    #[arg(long, value_name = "KM", required_unless_present = "queries")]
    radius_km: Option<f64>,
    /// At most this many hubs (a page); without it, every hub within the radius.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Continue after the page that printed this cursor (same query and snapshot).
    #[arg(long, conflicts_with = "queries")]
    cursor: Option<String>,
}

/// Runs `hubdex nearest`.
pub(crate) fn nearest(args: &NearestArgs) -> Outcome {
    let options = Options {
        k: Some(args.k),
        max_km: args.max_km,
        ..Options::from(&args.common)
    };
    run(Kind::Nearest, &args.common, &options)
}

/// Runs `hubdex within`.
pub(crate) fn within(args: &WithinArgs) -> Outcome {
    let options = Options {
        radius_km: args.radius_km,
        limit: args.limit,
        cursor: args.cursor.clone(),
        ..Options::from(&args.common)
    };
    run(Kind::Within, &args.common, &options)
}

fn run(kind: Kind, common: &Common, options: &Options) -> Outcome {
    let snapshot = open(&common.snapshot)?;

    match &common.queries {
        Some(file) => batch(&snapshot, kind, file, options),
        None => single(&snapshot, kind, options),
    }
}

/// Which query a command asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Nearest,
    Within,
}

/// A query's options, from the flags or from a line of a batch.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    lat: Option<f64>,
    lon: Option<f64>,
    categories: Option<Vec<String>>,
    k: Option<usize>,
    max_km: Option<f64>,
    radius_km: Option<f64>,
    limit: Option<usize>,
    cursor: Option<String>,
}

impl From<&Common> for Options {
    fn from(common: &Common) -> Options {
        Options {
            lat: common.lat,
            lon: common.lon,
            categories: Some(common.categories.clone()),
            ..Options::default()
        }
    }
}

impl Options {
    /// These options, with absent ones taken from `defaults`.
    fn or(self, defaults: &Options) -> Options {
        let defaults = defaults.clone();
        Options {
            lat: self.lat.or(defaults.lat),
            lon: self.lon.or(defaults.lon),
            categories: self.categories.or(defaults.categories),
            k: self.k.or(defaults.k),
            max_km: self.max_km.or(defaults.max_km),
            radius_km: self.radius_km.or(defaults.radius_km),
            limit: self.limit.or(defaults.limit),
            cursor: self.cursor.or(defaults.cursor),
        }
    }

    /// The first key of a batch line that the other command takes.
    fn foreign_key(&self, kind: Kind) -> Option<&'static str> {
        let keys = match kind {
            Kind::Nearest => vec![
                ("radius_km", self.radius_km.is_some()),
                ("limit", self.limit.is_some()),
                ("cursor", self.cursor.is_some()),
            ],
            Kind::Within => vec![("k", self.k.is_some()), ("max_km", self.max_km.is_some())],
        };
        keys.into_iter()
            .find(|(_, given)| *given)
            .map(|(key, _)| key)
    }

    /// The query these options ask of `snapshot`.
    fn query(&self, kind: Kind, snapshot: &Snap) -> Result<Query, String> {
        let lat = self.lat.ok_or("a query needs 'lat'")?;
        let lon = self.lon.ok_or("a query needs 'lon'")?;
        let filter = category_filter(snapshot, self.categories.as_deref().unwrap_or_default())?;

        match kind {
            Kind::Nearest => {
                let mut query = Nearest::new(lat, lon)
                    .k(self.k.unwrap_or(10))
                    .filter(filter);
                if let Some(km) = self.max_km {
                    query = query.max_radius_m(km * 1000.0);
                }
                Ok(Query::Nearest(query))
            }
            Kind::Within => self.within(lat, lon, filter).map(Query::Within),
        }
    }

    fn within(&self, lat: f64, lon: f64, filter: Filter) -> Result<Within, String> {
        let km = self.radius_km.ok_or("a within query needs 'radius_km'")?;
        let mut query = Within::new(lat, lon, km * 1000.0).filter(filter);
        if let Some(limit) = self.limit {
            query = query.limit(limit);
        }
        if let Some(text) = &self.cursor {
            let cursor: Cursor = text.trim().parse().map_err(|e| format!("{e}"))?;
            query = query.after(cursor);
        }
        Ok(query)
    }
}

/// Keeps hubs having any of `slugs`; an unknown slug lists the snapshot's categories.
fn category_filter(snapshot: &Snap, slugs: &[String]) -> Result<Filter, String> {
    if slugs.is_empty() {
        return Ok(Filter::new());
    }

    let slugs: Vec<String> = slugs
        .iter()
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    if let Some(unknown) = slugs.iter().find(|slug| snapshot.category(slug).is_none()) {
        let known: Vec<&str> = snapshot.categories().map(|(_, slug)| slug).collect();
        return Err(format!(
            "unknown category {unknown:?}; this snapshot has: {}",
            known.join(", ")
        ));
    }

    let set = snapshot.category_set(&slugs).map_err(|e| e.to_string())?;
    Ok(Filter::new().any_of(set))
}

/// A query ready to run.
#[derive(Debug)]
enum Query {
    Nearest(Nearest),
    Within(Within),
}

impl Query {
    /// Fills `hits`; returns the next page's cursor, if any.
    fn answer(
        &self,
        snapshot: &Snap,
        scratch: &mut Scratch,
        hits: &mut Vec<Hit>,
    ) -> Result<Option<Cursor>, String> {
        let next = match self {
            Query::Nearest(query) => snapshot.nearest_with(query, scratch, hits).map(|()| None),
            Query::Within(query) => snapshot.within_with(query, scratch, hits),
        };
        next.map_err(|e| e.to_string())
    }
}

/// One hit as printed.
#[derive(Debug, Serialize)]
struct HitLine<'a> {
    id: u64,
    name: &'a str,
    lat: f64,
    lon: f64,
    distance_m: f64,
}

impl<'a> HitLine<'a> {
    fn of(snapshot: &'a Snap, hit: &Hit) -> Result<HitLine<'a>, String> {
        let hub = snapshot.hub_at(hit.position).ok_or_else(|| {
            format!(
                "hit {} has no hub: the snapshot is corrupt, run `hubdex verify`",
                hit.id
            )
        })?;
        Ok(HitLine {
            id: hub.id(),
            name: hub.name().map_err(|e| e.to_string())?,
            lat: hub.lat(),
            lon: hub.lon(),
            distance_m: (hit.distance_m * 1000.0).round() / 1000.0,
        })
    }
}

/// One answer of a batch as printed.
#[derive(Debug, Serialize)]
struct AnswerLine<'a> {
    query: usize,
    hits: Vec<HitLine<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// Answers one query: a line a hit; a full page's cursor goes to standard error.
fn single(snapshot: &Snap, kind: Kind, options: &Options) -> Outcome {
    let query = options.query(kind, snapshot).map_err(fail)?;
    let mut hits = Vec::new();
    let next = query
        .answer(snapshot, &mut Scratch::new(), &mut hits)
        .map_err(fail)?;

    let mut out = stdout();
    let mut line = Vec::new();
    for hit in &hits {
        line.clear();
        let hit = HitLine::of(snapshot, hit).map_err(fail)?;
        serde_json::to_writer(&mut line, &hit).map_err(fail)?;
        line.push(b'\n');
        out.write_all(&line).map_err(written)?;
    }
    out.flush().map_err(written)?;

    if let Some(next) = next {
        note(format_args!("next cursor: {next}"));
    }
    Ok(())
}

/// Answers every query of `file` in parallel and prints the answers in input order.
fn batch(snapshot: &Snap, kind: Kind, file: &Path, defaults: &Options) -> Outcome {
    let queries = read_queries(snapshot, kind, file, defaults)?;
    let at =
        |line: u64, problem: String| fail(format_args!("{}:{line}: {problem}", file.display()));

    let mut out = stdout();
    for (chunk, queries) in queries.chunks(CHUNK).enumerate() {
        let answers: Vec<Result<Vec<u8>, Failure>> = queries
            .par_iter()
            .enumerate()
            .map_init(
                || (Scratch::new(), Vec::new()),
                |(scratch, hits), (index, (line, query))| {
                    let number = chunk * CHUNK + index;
                    answer_line(snapshot, number, query, scratch, hits).map_err(|e| at(*line, e))
                },
            )
            .collect();
        for answer in answers {
            out.write_all(&answer?).map_err(written)?;
        }
    }
    out.flush().map_err(written)
}

/// The printed answer of query number `number`.
fn answer_line(
    snapshot: &Snap,
    number: usize,
    query: &Query,
    scratch: &mut Scratch,
    hits: &mut Vec<Hit>,
) -> Result<Vec<u8>, String> {
    let next = query.answer(snapshot, scratch, hits)?;

    let answer = AnswerLine {
        query: number,
        hits: hits
            .iter()
            .map(|hit| HitLine::of(snapshot, hit))
            .collect::<Result<_, _>>()?,
        next: next.map(|cursor| cursor.to_string()),
    };

    let mut line = serde_json::to_vec(&answer).map_err(|e| e.to_string())?;
    line.push(b'\n');
    Ok(line)
}

/// The queries of a batch file with their line numbers; blank lines are skipped.
fn read_queries(
    snapshot: &Snap,
    kind: Kind,
    file: &Path,
    defaults: &Options,
) -> Result<Vec<(u64, Query)>, Failure> {
    let cannot_read = |e: std::io::Error| fail(format_args!("cannot read {}: {e}", file.display()));
    let reader = BufReader::new(File::open(file).map_err(cannot_read)?);

    let mut queries = Vec::new();
    for (index, text) in reader.lines().enumerate() {
        let text = text.map_err(cannot_read)?;
        if text.trim().is_empty() {
            continue;
        }
        let line = index as u64 + 1;
        let query = parse_query(snapshot, kind, &text, defaults)
            .map_err(|problem| fail(format_args!("{}:{line}: {problem}", file.display())))?;
        queries.push((line, query));
    }
    Ok(queries)
}

/// The query of one batch line.
fn parse_query(
    snapshot: &Snap,
    kind: Kind,
    text: &str,
    defaults: &Options,
) -> Result<Query, String> {
    let options: Options = serde_json::from_str(text).map_err(|e| e.to_string())?;

    if let Some(key) = options.foreign_key(kind) {
        return Err(format!("key '{key}' does not apply to this command"));
    }

    options.or(defaults).query(kind, snapshot)
}
