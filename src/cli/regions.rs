//! `hubdex polygon` and `hubdex hexbins`: hubs inside a GeoJSON area, and per-cell figures of
//! an area as a GeoJSON FeatureCollection of hexagons.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use geo::MultiPolygon;
use geojson::{Feature, FeatureCollection, GeoJson, Geometry, JsonObject, Value};
use hubdex::activity::HealthState;
use hubdex::h3o::Resolution;
use hubdex::{Area, Filter, HexBin, HubRef, Nearest};
use serde_json::json;

use super::{fail, open, stdout, written, Failure, Outcome, Snap};

/// Most hexagons `hexbins` writes: a bound on the output for a viewport too big for the
/// resolution.
const MAX_HEXAGONS: usize = 200_000;

/// Flags of `hubdex polygon`.
#[derive(Debug, clap::Args)]
pub(crate) struct PolygonArgs {
    /// The snapshot file.
    snapshot: PathBuf,
    /// A GeoJSON file: a Polygon or MultiPolygon geometry, a Feature holding one, or a
    /// FeatureCollection (every polygon of it).
    #[arg(long, value_name = "FILE")]
    polygon: PathBuf,
    /// With --lon: the k hubs in the area nearest to this point, nearest first.
    #[arg(long, allow_negative_numbers = true, requires = "lon")]
    lat: Option<f64>,
    /// With --lat: see --lat.
    #[arg(long, allow_negative_numbers = true, requires = "lat")]
    lon: Option<f64>,
    /// How many hubs with --lat/--lon.
    #[arg(long, default_value_t = 10, requires = "lat")]
    k: usize,
    /// Keep only hubs having any of these categories; repeat for more.
    #[arg(long = "category", value_name = "SLUG")]
    categories: Vec<String>,
    /// Keep only hubs with at least this many members.
    #[arg(long, value_name = "N", default_value_t = 0)]
    min_members: u32,
    /// Keep only hubs in this health state (new, active, dormant, never-activated); repeat
    /// for more.
    #[arg(long = "state", value_name = "STATE")]
    states: Vec<String>,
}

/// Flags of `hubdex hexbins`.
#[derive(Debug, clap::Args)]
pub(crate) struct HexbinsArgs {
    /// The snapshot file.
    snapshot: PathBuf,
    /// The H3 resolution of the hexagons, 0 to 15.
    #[arg(long, value_name = "R")]
    res: u8,
    /// The viewport: west,south,east,north in degrees (west > east crosses the antimeridian).
    #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true)]
    bbox: Option<String>,
    /// A GeoJSON file with the area instead of --bbox (as for `hubdex polygon`).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "bbox",
        required_unless_present = "bbox"
    )]
    polygon: Option<PathBuf>,
}

/// Runs `hubdex polygon`.
pub(crate) fn polygon(args: &PolygonArgs) -> Outcome {
    let snapshot = open(&args.snapshot)?;
    let area = read_area(&args.polygon)?;
    let filter = filter(&snapshot, args)?;
    let mut out = stdout();
    match (args.lat, args.lon) {
        (Some(lat), Some(lon)) => {
            let query = Nearest::new(lat, lon).k(args.k).filter(filter);
            let hits = snapshot.nearest_in_area(&query, &area).map_err(fail)?;
            for hit in hits {
                let hub = snapshot
                    .hub_at(hit.position)
                    .ok_or_else(|| fail("damaged hub"))?;
                line(&mut out, &hub, Some(hit.distance_m))?;
            }
        }
        _ => {
            for hub in snapshot.hubs_in_area(&area, &filter).map_err(fail)? {
                line(&mut out, &hub, None)?;
            }
        }
    }
    out.flush().map_err(written)
}

fn filter(snapshot: &Snap, args: &PolygonArgs) -> Result<Filter, Failure> {
    let mut filter = Filter::new().min_members(args.min_members);
    if !args.categories.is_empty() {
        filter = filter.any_of(snapshot.category_set(&args.categories).map_err(fail)?);
    }
    if !args.states.is_empty() {
        let states = args.states.iter().map(|name| {
            HealthState::from_name(name).ok_or_else(|| {
                fail(format_args!(
                    "--state {name}: expected new, active, dormant or never-activated"
                ))
            })
        });
        filter = filter.states(states.collect::<Result<Vec<_>, _>>()?);
    }
    Ok(filter)
}

/// One output line, fields in the order `nearest` prints them.
#[derive(serde::Serialize)]
struct Line<'a> {
    id: u64,
    name: &'a str,
    lat: f64,
    lon: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    distance_m: Option<f64>,
}

fn line(out: &mut impl Write, hub: &HubRef<'_>, distance_m: Option<f64>) -> Outcome {
    let line = Line {
        id: hub.id(),
        name: hub.name().map_err(fail)?,
        lat: hub.lat(),
        lon: hub.lon(),
        distance_m,
    };
    let text = serde_json::to_string(&line).map_err(fail)?;
    writeln!(out, "{text}").map_err(written)
}

/// Runs `hubdex hexbins`.
pub(crate) fn hexbins(args: &HexbinsArgs) -> Outcome {
    let resolution = Resolution::try_from(args.res)
        .map_err(|_| fail(format_args!("--res {}: expected 0 to 15", args.res)))?;
    let area = match (&args.bbox, &args.polygon) {
        (Some(bbox), _) => parse_bbox(bbox)?,
        (None, Some(path)) => read_area(path)?,
        (None, None) => return Err(fail("give --bbox or --polygon")),
    };
    let snapshot = open(&args.snapshot)?;
    let bins = snapshot
        .hexbins(&area, resolution, MAX_HEXAGONS)
        .map_err(|e| fail(format_args!("{e}; use a coarser --res or a smaller area")))?;
    let collection = FeatureCollection {
        bbox: None,
        features: bins.iter().map(feature).collect(),
        foreign_members: None,
    };
    let mut out = stdout();
    writeln!(out, "{}", GeoJson::from(collection)).map_err(written)?;
    out.flush().map_err(written)
}

/// A hexagon with its figures as properties; longitudes kept continuous across the
/// antimeridian so that map libraries draw it whole.
pub(crate) fn feature(bin: &HexBin) -> Feature {
    let mut ring: Vec<Vec<f64>> = Vec::new();
    for vertex in bin.cell.boundary().iter() {
        let mut lon = vertex.lng();
        if let Some(previous) = ring.last() {
            lon -= ((lon - previous[0]) / 360.0).round() * 360.0;
        }
        ring.push(vec![lon, vertex.lat()]);
    }
    if let Some(first) = ring.first().cloned() {
        ring.push(first);
    }
    let mut properties = JsonObject::new();
    properties.insert("cell".into(), json!(bin.cell.to_string()));
    properties.insert("hubs".into(), json!(bin.hubs));
    properties.insert("active_hubs".into(), json!(bin.active_hubs));
    properties.insert("upcoming_events".into(), json!(bin.upcoming_events));
    properties.insert("activity".into(), json!(bin.activity));
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(Value::Polygon(vec![ring]))),
        id: None,
        properties: Some(properties),
        foreign_members: None,
    }
}

fn parse_bbox(text: &str) -> Result<Area, Failure> {
    let parts: Vec<f64> = text
        .split(',')
        .map(|part| f64::from_str(part.trim()))
        .collect::<Result<_, _>>()
        .map_err(|_| fail(format_args!("--bbox {text}: expected four numbers W,S,E,N")))?;
    let [w, s, e, n] = parts[..] else {
        return Err(fail(format_args!(
            "--bbox {text}: expected four numbers W,S,E,N"
        )));
    };
    Area::from_bbox(w, s, e, n).map_err(|e| fail(format_args!("--bbox {text}: {e}")))
}

/// Reads the polygons of a GeoJSON file into an area.
pub(crate) fn read_area(path: &Path) -> Result<Area, Failure> {
    let name = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| fail(format_args!("cannot read {name}: {e}")))?;
    let geojson =
        GeoJson::from_str(&text).map_err(|e| fail(format_args!("{name}: not GeoJSON: {e}")))?;
    let geometries: Vec<Geometry> = match geojson {
        GeoJson::Geometry(geometry) => vec![geometry],
        GeoJson::Feature(feature) => feature.geometry.into_iter().collect(),
        GeoJson::FeatureCollection(collection) => collection
            .features
            .into_iter()
            .filter_map(|feature| feature.geometry)
            .collect(),
    };
    let mut polygons = Vec::new();
    for geometry in geometries {
        let parts: MultiPolygon<f64> = match geometry.value {
            value @ Value::Polygon(_) => MultiPolygon(vec![value
                .try_into()
                .map_err(|e| fail(format_args!("{name}: {e}")))?]),
            value @ Value::MultiPolygon(_) => value
                .try_into()
                .map_err(|e| fail(format_args!("{name}: {e}")))?,
            other => {
                return Err(fail(format_args!(
                    "{name}: a {} geometry; expected Polygon or MultiPolygon",
                    other.type_name()
                )))
            }
        };
        polygons.extend(parts);
    }
    if polygons.is_empty() {
        return Err(fail(format_args!(
            "{name}: no Polygon or MultiPolygon in the file"
        )));
    }
    Area::new(MultiPolygon(polygons)).map_err(|e| fail(format_args!("{name}: {e}")))
}
