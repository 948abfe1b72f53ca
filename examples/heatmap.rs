//! A heat map of one city from hex aggregates: hubs and events generated around the bundled
//! cities, a snapshot built in memory, the hexagons of a viewport around the city counted by
//! `Snapshot::hexbins`, and every pixel painted with the figure of the hexagon under it.
//!
//! ```text
//! cargo run --release --example heatmap [-- CITY RES OUT.png]
//! ```
//!
//! `CITY` is a bundled city's name (default: the most populous), `RES` the H3 resolution
//! (default 8), `OUT.png` the picture (default `heatmap.png`). Colour shows hubs per hexagon
//! on a logarithmic scale, from dark blue to yellow; hexagons without hubs stay grey.

use std::collections::HashMap;
use std::error::Error;
use std::fs::File;
use std::io::BufWriter;
use std::time::Instant;

use hubdex::generate::{Generator, GENERATED_AS_OF};
use hubdex::h3o::{LatLng, Resolution};
use hubdex::{Area, Snapshot, SnapshotBuilder};

const WIDTH: u32 = 900;
const HEIGHT: u32 = 700;
/// Half the viewport's height, degrees of latitude.
const HALF_HEIGHT_DEG: f64 = 0.22;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let city_name = args.next();
    let res: u8 = args.next().map(|r| r.parse()).transpose()?.unwrap_or(8);
    let out = args.next().unwrap_or_else(|| "heatmap.png".to_string());
    let resolution = Resolution::try_from(res)?;

    let started = Instant::now();
    let generator = Generator::new(42).top_cities(500);
    let hubs = generator.hubs(200_000);
    let mut builder = SnapshotBuilder::new();
    builder.as_of(GENERATED_AS_OF);
    for hub in &hubs {
        builder.add_hub(hub.clone())?;
    }
    for event in generator.events(&hubs, 1_000_000) {
        builder.add_event(event)?;
    }
    let snapshot = Snapshot::from_bytes(builder.to_bytes()?)?;
    println!(
        "built {} hubs and {} events in {:.2?}",
        hubs.len(),
        snapshot.event_count(),
        started.elapsed()
    );

    let city = match &city_name {
        Some(name) if !name.is_empty() => generator.cities().iter().find(|c| c.name == *name),
        _ => generator.cities().first(),
    }
    .ok_or("no bundled city of that name among the 500 most populous")?;
    let half_width = HALF_HEIGHT_DEG * f64::from(WIDTH)
        / f64::from(HEIGHT)
        / city.lat.to_radians().cos().max(0.1);
    let (west, east) = (city.lon - half_width, city.lon + half_width);
    let (south, north) = (city.lat - HALF_HEIGHT_DEG, city.lat + HALF_HEIGHT_DEG);
    let area = Area::from_bbox(west, south, east, north)?;

    let started = Instant::now();
    let bins = snapshot.hexbins(&area, resolution, 100_000)?;
    let elapsed = started.elapsed();
    let most = bins.iter().map(|b| b.hubs).max().unwrap_or(1).max(1);
    println!(
        "{}: {} hexagons at resolution {res} in {elapsed:.2?}, up to {most} hubs each, {} active \
         hubs and {} upcoming events in all",
        city.name,
        bins.len(),
        bins.iter().map(|b| b.active_hubs).sum::<u32>(),
        bins.iter().map(|b| b.upcoming_events).sum::<u32>()
    );

    let counts: HashMap<_, u32> = bins.iter().map(|b| (b.cell, b.hubs)).collect();
    let mut pixels = Vec::with_capacity((WIDTH * HEIGHT * 3) as usize);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let lat = north - (north - south) * (f64::from(y) + 0.5) / f64::from(HEIGHT);
            let lon = west + (east - west) * (f64::from(x) + 0.5) / f64::from(WIDTH);
            let cell = LatLng::new(lat, lon)?.to_cell(resolution);
            let colour = match counts.get(&cell) {
                Some(&hubs) => ramp((f64::from(hubs)).ln_1p() / f64::from(most).ln_1p()),
                None => [40, 40, 44],
            };
            pixels.extend_from_slice(&colour);
        }
    }
    let mut encoder = png::Encoder::new(BufWriter::new(File::create(&out)?), WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&pixels)?;
    println!("wrote {out} ({WIDTH}x{HEIGHT})");
    Ok(())
}

/// Dark blue through magenta and orange to yellow, for `t` in `[0, 1]`.
fn ramp(t: f64) -> [u8; 3] {
    const STOPS: [[f64; 3]; 4] = [
        [20.0, 30.0, 110.0],
        [150.0, 40.0, 140.0],
        [240.0, 120.0, 40.0],
        [255.0, 240.0, 80.0],
    ];
    let t = t.clamp(0.0, 1.0) * 3.0;
    let i = (t.floor() as usize).min(2);
    let f = t - i as f64;
    let mix = |c: usize| (STOPS[i][c] + (STOPS[i + 1][c] - STOPS[i][c]) * f) as u8;
    [mix(0), mix(1), mix(2)]
}
