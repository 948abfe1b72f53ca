//! `hubdex ranked`, `hubdex events`, `hubdex trending` and `hubdex health`.
//!
//! Each answers one query from its flags, printing one NDJSON line a hit (a full page's next
//! cursor goes to standard error as `next cursor: <cursor>`), or a batch with `--queries
//! FILE`: one JSON object a line whose keys are the flags' names with `_` for `-` (`lat`,
//! `lon`, `radius_km`, `categories` as an array, ...). Keys a line leaves out come from the
//! flags; unknown keys are an error. Answers print in input order, one line each:
//! `{"query":i,"hits":[...]}`, plus `"next":"<cursor>"` when a page is full.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use hubdex::activity::HealthState;
use hubdex::h3o::CellIndex;
use hubdex::ingest::parse_time;
use hubdex::{Cursor, Decay, DecayKind, EventOrder, Filter, HubFlags, Ranked, Upcoming, Weights};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{fail, note, open, rfc3339, stdout, written, Failure, Outcome, Snap};

/// A query command: its options, and how to answer them.
trait Command: Sync {
    type Options: DeserializeOwned + Send + Sync;

    /// A batch line's options, with absent ones taken from the flags.
    fn merge(&self, line: Self::Options) -> Self::Options;

    /// The hits and the next page's cursor.
    fn answer(
        &self,
        snapshot: &Snap,
        options: &Self::Options,
    ) -> Result<(Vec<Value>, Option<Cursor>), String>;
}

fn run<C: Command>(
    command: &C,
    snapshot: &Path,
    queries: Option<&Path>,
    flags: C::Options,
) -> Outcome {
    let snapshot = open(snapshot)?;
    match queries {
        None => {
            let (hits, next) = command.answer(&snapshot, &flags).map_err(fail)?;
            let mut out = stdout();
            for hit in hits {
                let mut line = serde_json::to_vec(&hit).map_err(fail)?;
                line.push(b'\n');
                out.write_all(&line).map_err(written)?;
            }
            out.flush().map_err(written)?;
            if let Some(next) = next {
                note(format_args!("next cursor: {next}"));
            }
            Ok(())
        }
        Some(file) => {
            let at = |line: u64, problem: String| {
                fail(format_args!("{}:{line}: {problem}", file.display()))
            };
            let cannot_read =
                |e: std::io::Error| fail(format_args!("cannot read {}: {e}", file.display()));
            let reader = BufReader::new(File::open(file).map_err(cannot_read)?);
            let mut lines = Vec::new();
            for (index, text) in reader.lines().enumerate() {
                let text = text.map_err(cannot_read)?;
                if text.trim().is_empty() {
                    continue;
                }
                let line = index as u64 + 1;
                let options: C::Options =
                    serde_json::from_str(&text).map_err(|e| at(line, e.to_string()))?;
                lines.push((line, command.merge(options)));
            }
            let answers: Vec<Result<Vec<u8>, Failure>> = lines
                .par_iter()
                .enumerate()
                .map(|(number, (line, options))| {
                    let (hits, next) = command
                        .answer(&snapshot, options)
                        .map_err(|e| at(*line, e))?;
                    let mut answer = json!({ "query": number, "hits": hits });
                    if let Some(next) = next {
                        answer["next"] = Value::String(next.to_string());
                    }
                    let mut text = serde_json::to_vec(&answer).map_err(fail)?;
                    text.push(b'\n');
                    Ok(text)
                })
                .collect();
            let mut out = stdout();
            for answer in answers {
                out.write_all(&answer?).map_err(written)?;
            }
            out.flush().map_err(written)
        }
    }
}

/// The snapshot, the point and the batch file: flags every command takes.
#[derive(Debug, clap::Args)]
pub(crate) struct Place {
    /// The snapshot file.
    snapshot: PathBuf,
    /// Latitude of the query point, degrees.
    #[arg(long, allow_negative_numbers = true)]
    lat: Option<f64>,
    /// Longitude of the query point, degrees.
    #[arg(long, allow_negative_numbers = true)]
    lon: Option<f64>,
    /// Answer every query of this NDJSON file (one object a line; the flags give defaults).
    #[arg(long, value_name = "FILE")]
    queries: Option<PathBuf>,
}

fn point(lat: Option<f64>, lon: Option<f64>) -> Result<(f64, f64), String> {
    Ok((
        lat.ok_or("a query needs 'lat' (--lat)")?,
        lon.ok_or("a query needs 'lon' (--lon)")?,
    ))
}

fn categories(snapshot: &Snap, slugs: &[String]) -> Result<Option<hubdex::CategorySet>, String> {
    if slugs.is_empty() {
        return Ok(None);
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
    snapshot
        .category_set(&slugs)
        .map(Some)
        .map_err(|e| e.to_string())
}

fn cursor(text: Option<&String>) -> Result<Option<Cursor>, String> {
    text.map(|text| text.trim().parse::<Cursor>().map_err(|e| e.to_string()))
        .transpose()
}

fn round(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

// ---------------------------------------------------------------------------------------------
// ranked
// ---------------------------------------------------------------------------------------------

/// Flags of `hubdex ranked`.
#[derive(Debug, clap::Args)]
pub(crate) struct RankedArgs {
    #[command(flatten)]
    place: Place,
    /// The radius, kilometres.
    #[arg(long, value_name = "KM", default_value_t = 25.0)]
    radius_km: f64,
    /// Hubs per page.
    #[arg(long, default_value_t = 20)]
    k: usize,
    /// Distance decay: gauss, exp or linear.
    #[arg(long, default_value = "gauss")]
    function: String,
    /// Decay scale, kilometres [default: half the radius].
    #[arg(long, value_name = "KM")]
    scale_km: Option<f64>,
    /// Decay offset, kilometres.
    #[arg(long, value_name = "KM", default_value_t = 0.0)]
    offset_km: f64,
    /// The decay's value at offset + scale.
    #[arg(long, default_value_t = 0.5)]
    decay: f64,
    /// Weight of the distance decay.
    #[arg(long, default_value_t = Weights::default().distance)]
    w_distance: f64,
    /// Weight of activity.
    #[arg(long, default_value_t = Weights::default().activity)]
    w_activity: f64,
    /// Weight of members.
    #[arg(long, default_value_t = Weights::default().members)]
    w_members: f64,
    /// Weight of freshness (how new a hub is).
    #[arg(long, default_value_t = Weights::default().freshness)]
    w_freshness: f64,
    /// Age in days that earns half the freshness weight.
    #[arg(long, value_name = "DAYS", default_value_t = Weights::default().freshness_half_life_days)]
    freshness_half_life_days: f64,
    /// Keep only hubs having any of these categories; repeat for more.
    #[arg(long = "category", value_name = "SLUG")]
    categories: Vec<String>,
    /// Keep only verified hubs.
    #[arg(long)]
    verified: bool,
    /// Keep only hubs with at least this many members.
    #[arg(long, default_value_t = 0)]
    min_members: u32,
    /// Keep only hubs in these states (new, active, dormant, never-activated); repeat.
    #[arg(long = "state", value_name = "STATE")]
    states: Vec<String>,
    /// Continue after the page that printed this cursor.
    #[arg(long)]
    cursor: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RankedOptions {
    lat: Option<f64>,
    lon: Option<f64>,
    radius_km: Option<f64>,
    k: Option<usize>,
    function: Option<String>,
    scale_km: Option<f64>,
    offset_km: Option<f64>,
    decay: Option<f64>,
    w_distance: Option<f64>,
    w_activity: Option<f64>,
    w_members: Option<f64>,
    w_freshness: Option<f64>,
    freshness_half_life_days: Option<f64>,
    categories: Option<Vec<String>>,
    verified: Option<bool>,
    min_members: Option<u32>,
    states: Option<Vec<String>>,
    cursor: Option<String>,
}

struct RankedCommand(RankedOptions);

impl Command for RankedCommand {
    type Options = RankedOptions;

    fn merge(&self, line: RankedOptions) -> RankedOptions {
        let d = self.0.clone();
        RankedOptions {
            lat: line.lat.or(d.lat),
            lon: line.lon.or(d.lon),
            radius_km: line.radius_km.or(d.radius_km),
            k: line.k.or(d.k),
            function: line.function.or(d.function),
            // A line's radius changes the default scale, so a flag-less scale stays derived.
            scale_km: line.scale_km.or(d.scale_km),
            offset_km: line.offset_km.or(d.offset_km),
            decay: line.decay.or(d.decay),
            w_distance: line.w_distance.or(d.w_distance),
            w_activity: line.w_activity.or(d.w_activity),
            w_members: line.w_members.or(d.w_members),
            w_freshness: line.w_freshness.or(d.w_freshness),
            freshness_half_life_days: line.freshness_half_life_days.or(d.freshness_half_life_days),
            categories: line.categories.or(d.categories),
            verified: line.verified.or(d.verified),
            min_members: line.min_members.or(d.min_members),
            states: line.states.or(d.states),
            cursor: line.cursor,
        }
    }

    fn answer(
        &self,
        snapshot: &Snap,
        o: &RankedOptions,
    ) -> Result<(Vec<Value>, Option<Cursor>), String> {
        let (lat, lon) = point(o.lat, o.lon)?;
        let radius_km = o.radius_km.unwrap_or(25.0);
        let function = o.function.as_deref().unwrap_or("gauss");
        let kind = DecayKind::from_name(function).ok_or_else(|| {
            format!("unknown decay function {function:?}: use gauss, exp or linear")
        })?;
        let decay = Decay::new(
            kind,
            o.scale_km.unwrap_or(radius_km / 2.0) * 1000.0,
            o.offset_km.unwrap_or(0.0) * 1000.0,
            o.decay.unwrap_or(0.5),
        )
        .map_err(|e| e.to_string())?;
        let defaults = Weights::default();
        let weights = Weights {
            distance: o.w_distance.unwrap_or(defaults.distance),
            activity: o.w_activity.unwrap_or(defaults.activity),
            members: o.w_members.unwrap_or(defaults.members),
            freshness: o.w_freshness.unwrap_or(defaults.freshness),
            freshness_half_life_days: o
                .freshness_half_life_days
                .unwrap_or(defaults.freshness_half_life_days),
            ..defaults
        };
        let mut filter = Filter::new();
        if let Some(set) = categories(snapshot, o.categories.as_deref().unwrap_or_default())? {
            filter = filter.any_of(set);
        }
        if o.verified == Some(true) {
            filter = filter.flags(HubFlags::VERIFIED);
        }
        let states = o
            .states
            .iter()
            .flatten()
            .map(|name| {
                HealthState::from_name(name.trim()).ok_or_else(|| {
                    format!("unknown state {name:?}: use new, active, dormant or never-activated")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut query = Ranked::new(lat, lon, radius_km * 1000.0)
            .k(o.k.unwrap_or(20))
            .decay(decay)
            .weights(weights)
            .filter(filter)
            .min_members(o.min_members.unwrap_or(0))
            .states(states);
        if let Some(cursor) = cursor(o.cursor.as_ref())? {
            query = query.after(cursor);
        }
        let page = snapshot.ranked(&query).map_err(|e| e.to_string())?;
        let hits = page
            .hits
            .iter()
            .map(|hit| {
                let hub = snapshot
                    .hub_at(hit.position)
                    .ok_or("a hit has no hub: the snapshot is corrupt, run `hubdex verify`")?;
                Ok(json!({
                    "id": hit.id,
                    "name": hub.name().map_err(|e| e.to_string())?,
                    "lat": hub.lat(),
                    "lon": hub.lon(),
                    "distance_m": round(hit.distance_m, 3),
                    "score": hit.score,
                    "components": {
                        "distance": hit.distance_term,
                        "activity": hit.activity_term,
                        "members": hit.members_term,
                        "freshness": hit.freshness_term,
                    },
                    "activity": hit.activity,
                    "members": hit.members,
                }))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok((hits, page.next))
    }
}

/// Runs `hubdex ranked`.
pub(crate) fn ranked(args: &RankedArgs) -> Outcome {
    let flags = RankedOptions {
        lat: args.place.lat,
        lon: args.place.lon,
        radius_km: Some(args.radius_km),
        k: Some(args.k),
        function: Some(args.function.clone()),
        scale_km: args.scale_km,
        offset_km: Some(args.offset_km),
        decay: Some(args.decay),
        w_distance: Some(args.w_distance),
        w_activity: Some(args.w_activity),
        w_members: Some(args.w_members),
        w_freshness: Some(args.w_freshness),
        freshness_half_life_days: Some(args.freshness_half_life_days),
        categories: Some(args.categories.clone()),
        verified: Some(args.verified),
        min_members: Some(args.min_members),
        states: Some(args.states.clone()),
        cursor: args.cursor.clone(),
    };
    let command = RankedCommand(flags.clone());
    run(
        &command,
        &args.place.snapshot,
        args.place.queries.as_deref(),
        flags,
    )
}

// ---------------------------------------------------------------------------------------------
// events
// ---------------------------------------------------------------------------------------------

/// Flags of `hubdex events`.
#[derive(Debug, clap::Args)]
pub(crate) struct EventsArgs {
    #[command(flatten)]
    place: Place,
    /// The events of this hub (by id) instead of a search.
    #[arg(long, value_name = "ID", conflicts_with_all = ["lat", "lon", "queries"])]
    hub: Option<u64>,
    /// The radius, kilometres.
    #[arg(long, value_name = "KM", default_value_t = 25.0)]
    radius_km: f64,
    /// Window start: RFC 3339 or unix seconds [default: the snapshot's as_of].
    #[arg(long, value_name = "TIME", allow_negative_numbers = true)]
    from: Option<String>,
    /// Window end [default: 7 days after the start].
    #[arg(long, value_name = "TIME", allow_negative_numbers = true)]
    to: Option<String>,
    /// Events per page.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Order: start or relevance.
    #[arg(long, default_value = "start")]
    order: String,
    /// Keep only events having any of these categories; repeat for more.
    #[arg(long = "category", value_name = "SLUG")]
    categories: Vec<String>,
    /// Keep only free events.
    #[arg(long)]
    free_only: bool,
    /// Keep only events of verified hubs.
    #[arg(long)]
    verified_only: bool,
    /// Continue after the page that printed this cursor.
    #[arg(long)]
    cursor: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventsOptions {
    lat: Option<f64>,
    lon: Option<f64>,
    radius_km: Option<f64>,
    from: Option<Value>,
    to: Option<Value>,
    limit: Option<usize>,
    order: Option<String>,
    categories: Option<Vec<String>>,
    free_only: Option<bool>,
    verified_only: Option<bool>,
    cursor: Option<String>,
}

fn time_of(field: &'static str, value: &Value) -> Result<i64, String> {
    match value {
        Value::Number(number) => number
            .as_i64()
            .ok_or_else(|| format!("'{field}' must be whole unix seconds")),
        Value::String(text) => parse_time(field, text).map_err(|e| e.to_string()),
        _ => Err(format!(
            "'{field}' must be an RFC 3339 string or unix seconds"
        )),
    }
}

struct EventsCommand(EventsOptions);

fn event_line(snapshot: &Snap, event: &hubdex::EventRef<'_>) -> Result<Value, String> {
    let categories: Vec<&str> = snapshot
        .categories()
        .filter(|(category, _)| event.categories.contains(*category))
        .map(|(_, slug)| slug)
        .collect();
    Ok(json!({
        "id": event.id,
        "hub_id": event.hub_id,
        "title": event.title.ok_or("an event title is damaged: run `hubdex verify`")?,
        "starts_at": rfc3339(event.starts_at),
        "ends_at": rfc3339(event.ends_at),
        "lat": event.lat,
        "lon": event.lon,
        "categories": categories,
        "rsvps": event.rsvps,
        "capacity": event.capacity,
        "price_cents": event.price_cents,
    }))
}

impl Command for EventsCommand {
    type Options = EventsOptions;

    fn merge(&self, line: EventsOptions) -> EventsOptions {
        let d = self.0.clone();
        EventsOptions {
            lat: line.lat.or(d.lat),
            lon: line.lon.or(d.lon),
            radius_km: line.radius_km.or(d.radius_km),
            from: line.from.or(d.from),
            to: line.to.or(d.to),
            limit: line.limit.or(d.limit),
            order: line.order.or(d.order),
            categories: line.categories.or(d.categories),
            free_only: line.free_only.or(d.free_only),
            verified_only: line.verified_only.or(d.verified_only),
            cursor: line.cursor,
        }
    }

    fn answer(
        &self,
        snapshot: &Snap,
        o: &EventsOptions,
    ) -> Result<(Vec<Value>, Option<Cursor>), String> {
        let (lat, lon) = point(o.lat, o.lon)?;
        let radius_m = o.radius_km.unwrap_or(25.0) * 1000.0;
        let from = match &o.from {
            Some(value) => time_of("from", value)?,
            None => snapshot.as_of(),
        };
        let to = match &o.to {
            Some(value) => time_of("to", value)?,
            None => from.saturating_add(7 * 86_400),
        };
        let order = match o.order.as_deref().unwrap_or("start") {
            "start" => EventOrder::Start,
            "relevance" => EventOrder::Relevance {
                distance: Decay::gauss((radius_m / 2.0).max(1.0), 0.0, 0.5)
                    .map_err(|e| e.to_string())?,
                time: Decay::exp(2.0 * 86_400.0, 0.0, 0.5).map_err(|e| e.to_string())?,
                activity_weight: 0.5,
                activity_pivot: 5.0,
            },
            other => return Err(format!("unknown order {other:?}: use start or relevance")),
        };
        let mut query = Upcoming::new(lat, lon, radius_m, from, to)
            .limit(o.limit.unwrap_or(20))
            .order(order);
        if let Some(set) = categories(snapshot, o.categories.as_deref().unwrap_or_default())? {
            query = query.any_of(set);
        }
        if o.free_only == Some(true) {
            query = query.free_only();
        }
        if o.verified_only == Some(true) {
            query = query.verified_only();
        }
        if let Some(cursor) = cursor(o.cursor.as_ref())? {
            query = query.after(cursor);
        }
        let page = snapshot.upcoming(&query).map_err(|e| e.to_string())?;
        let hits = page
            .hits
            .iter()
            .map(|hit| {
                let event = snapshot
                    .event_of(hit)
                    .ok_or("a hit has no event: the snapshot is corrupt, run `hubdex verify`")?;
                let mut line = event_line(snapshot, &event)?;
                line["distance_m"] = json!(round(hit.distance_m, 3));
                if let EventOrder::Relevance { .. } = order {
                    line["score"] = json!(hit.score);
                    line["components"] = json!({
                        "distance": hit.distance_factor,
                        "time": hit.time_factor,
                        "activity": hit.activity_factor,
                    });
                }
                Ok(line)
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok((hits, page.next))
    }
}

/// Runs `hubdex events`.
pub(crate) fn events(args: &EventsArgs) -> Outcome {
    if let Some(hub) = args.hub {
        let snapshot = open(&args.place.snapshot)?;
        let events = snapshot
            .events_of(hub)
            .map_err(fail)?
            .ok_or_else(|| fail(format_args!("no hub has id {hub}")))?;
        let mut out = stdout();
        for event in &events {
            let mut line =
                serde_json::to_vec(&event_line(&snapshot, event).map_err(fail)?).map_err(fail)?;
            line.push(b'\n');
            out.write_all(&line).map_err(written)?;
        }
        return out.flush().map_err(written);
    }
    let flags = EventsOptions {
        lat: args.place.lat,
        lon: args.place.lon,
        radius_km: Some(args.radius_km),
        from: args.from.clone().map(Value::String),
        to: args.to.clone().map(Value::String),
        limit: Some(args.limit),
        order: Some(args.order.clone()),
        categories: Some(args.categories.clone()),
        free_only: Some(args.free_only),
        verified_only: Some(args.verified_only),
        cursor: args.cursor.clone(),
    };
    let command = EventsCommand(flags.clone());
    run(
        &command,
        &args.place.snapshot,
        args.place.queries.as_deref(),
        flags,
    )
}

// ---------------------------------------------------------------------------------------------
// trending
// ---------------------------------------------------------------------------------------------

/// Flags of `hubdex trending`.
#[derive(Debug, clap::Args)]
pub(crate) struct TrendingArgs {
    #[command(flatten)]
    place: Place,
    /// The region cell (H3, hexadecimal) instead of a point.
    #[arg(long, value_name = "CELL", conflicts_with_all = ["lat", "lon"])]
    cell: Option<String>,
    /// Region resolution for a point: 4, 6 or 8.
    #[arg(long, default_value_t = 6)]
    res: u8,
    /// How many hubs.
    #[arg(long, default_value_t = 10)]
    k: usize,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrendingOptions {
    lat: Option<f64>,
    lon: Option<f64>,
    cell: Option<String>,
    res: Option<u8>,
    k: Option<usize>,
}

struct TrendingCommand(TrendingOptions);

impl Command for TrendingCommand {
    type Options = TrendingOptions;

    fn merge(&self, line: TrendingOptions) -> TrendingOptions {
        let d = self.0.clone();
        let own_place = line.cell.is_some() || line.lat.is_some();
        TrendingOptions {
            lat: line.lat.or(if own_place { None } else { d.lat }),
            lon: line.lon.or(if own_place { None } else { d.lon }),
            cell: line.cell.or(if own_place { None } else { d.cell }),
            res: line.res.or(d.res),
            k: line.k.or(d.k),
        }
    }

    fn answer(
        &self,
        snapshot: &Snap,
        o: &TrendingOptions,
    ) -> Result<(Vec<Value>, Option<Cursor>), String> {
        let k = o.k.unwrap_or(10);
        let (cell, trends) = match &o.cell {
            Some(text) => {
                let cell: CellIndex = text
                    .trim()
                    .parse()
                    .map_err(|e| format!("cell {text:?} is not an H3 cell: {e}"))?;
                (cell, snapshot.trending(cell, k))
            }
            None => {
                let (lat, lon) = point(o.lat, o.lon)?;
                snapshot
                    .trending_at(lat, lon, o.res.unwrap_or(6), k)
                    .map_err(|e| e.to_string())?
            }
        };
        let hits = trends
            .iter()
            .enumerate()
            .map(|(rank, trend)| {
                let hub = snapshot
                    .hub_at(trend.position)
                    .ok_or("a hit has no hub: the snapshot is corrupt, run `hubdex verify`")?;
                Ok(json!({
                    "cell": cell.to_string(),
                    "rank": rank + 1,
                    "id": trend.id,
                    "name": hub.name().map_err(|e| e.to_string())?,
                    "lat": hub.lat(),
                    "lon": hub.lon(),
                    "growth": trend.growth,
                    "recent": trend.recent,
                    "previous": trend.previous,
                }))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok((hits, None))
    }
}

/// Runs `hubdex trending`.
pub(crate) fn trending(args: &TrendingArgs) -> Outcome {
    let flags = TrendingOptions {
        lat: args.place.lat,
        lon: args.place.lon,
        cell: args.cell.clone(),
        res: Some(args.res),
        k: Some(args.k),
    };
    let command = TrendingCommand(flags.clone());
    run(
        &command,
        &args.place.snapshot,
        args.place.queries.as_deref(),
        flags,
    )
}

// ---------------------------------------------------------------------------------------------
// health
// ---------------------------------------------------------------------------------------------

/// Flags of `hubdex health`.
#[derive(Debug, clap::Args)]
pub(crate) struct HealthArgs {
    #[command(flatten)]
    place: Place,
    /// The hub, by id; or give --lat and --lon for the region around a point.
    #[arg(long, value_name = "ID", conflicts_with_all = ["lat", "lon"])]
    hub: Option<u64>,
    /// Region resolution for a point: 4, 6 or 8.
    #[arg(long, default_value_t = 6)]
    res: u8,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HealthOptions {
    hub: Option<u64>,
    lat: Option<f64>,
    lon: Option<f64>,
    res: Option<u8>,
}

struct HealthCommand(HealthOptions);

impl Command for HealthCommand {
    type Options = HealthOptions;

    fn merge(&self, line: HealthOptions) -> HealthOptions {
        let d = self.0.clone();
        let own = line.hub.is_some() || line.lat.is_some();
        HealthOptions {
            hub: line.hub.or(if own { None } else { d.hub }),
            lat: line.lat.or(if own { None } else { d.lat }),
            lon: line.lon.or(if own { None } else { d.lon }),
            res: line.res.or(d.res),
        }
    }

    fn answer(
        &self,
        snapshot: &Snap,
        o: &HealthOptions,
    ) -> Result<(Vec<Value>, Option<Cursor>), String> {
        if let Some(id) = o.hub {
            if snapshot.hub(id).is_none() {
                return Err(format!("no hub has id {id}"));
            }
            let health = snapshot
                .health(id)
                .ok_or("this snapshot has no health figures (format 1): rebuild it with events")?;
            return Ok((
                vec![json!({
                    "id": id,
                    "state": health.state.name(),
                    "activity": health.activity,
                    "growth": health.growth,
                    "activation_days": health.activation_days,
                    "events_last_30_days": health.events_last_30_days,
                    "events_last_90_days": health.events_last_90_days,
                    "upcoming_90_days": health.upcoming_90_days,
                    "days_since_last_event": health.days_since_last_event,
                    "median_gap_days": health.median_gap_days,
                })],
                None,
            ));
        }
        let (lat, lon) = point(o.lat, o.lon).map_err(|_| "give a hub id, or lat and lon")?;
        let (cell, region) = snapshot
            .region_at(lat, lon, o.res.unwrap_or(6))
            .map_err(|e| e.to_string())?;
        let line = match region {
            Some(region) => json!({
                "cell": cell.to_string(),
                "hubs": region.hubs,
                "active": region.active,
                "activated": region.activated,
                "active_share": region.active_share,
                "median_activation_days": region.median_activation_days,
            }),
            None => json!({ "cell": cell.to_string(), "hubs": 0 }),
        };
        Ok((vec![line], None))
    }
}

/// Runs `hubdex health`.
pub(crate) fn health(args: &HealthArgs) -> Outcome {
    if args.hub.is_none() && args.place.queries.is_none() && args.place.lat.is_none() {
        return Err(fail("give --hub ID, or --lat and --lon for a region"));
    }
    let flags = HealthOptions {
        hub: args.hub,
        lat: args.place.lat,
        lon: args.place.lon,
        res: Some(args.res),
    };
    let command = HealthCommand(flags.clone());
    run(
        &command,
        &args.place.snapshot,
        args.place.queries.as_deref(),
        flags,
    )
}
