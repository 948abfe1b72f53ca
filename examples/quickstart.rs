//! The main job on the bundled data: generate hubs around the world's cities, build a snapshot,
//! publish it, open it by memory map, verify it, and answer real queries with their latency.
//!
//! ```text
//! cargo run --release --example quickstart [-- HUBS]
//! ```

use std::error::Error;
use std::time::Instant;

use hubdex::generate::{Generator, GENERATED_AS_OF};
use hubdex::h3o::{LatLng, Resolution};
use hubdex::{Filter, Hit, Nearest, Snapshot, SnapshotBuilder, Within};

fn main() -> Result<(), Box<dyn Error>> {
    let hubs: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let path = std::env::temp_dir().join("hubdex-quickstart.hubdex");

    let started = Instant::now();
    let generated = Generator::new(42).hubs(hubs);
    let mut builder = SnapshotBuilder::new();
    builder.as_of(GENERATED_AS_OF);
    for hub in generated {
        builder.add_hub(hub)?;
    }
    println!(
        "generated {hubs} hubs around {} cities in {:.2?}",
        Generator::new(42).cities().len(),
        started.elapsed()
    );

    let started = Instant::now();
    let bytes = builder.write(&path)?;
    println!(
        "built and published {} ({:.1} MB) in {:.2?}",
        path.display(),
        bytes as f64 / 1e6,
        started.elapsed()
    );

    let started = Instant::now();
    let snapshot = Snapshot::open(&path)?;
    println!("opened in {:.2?}", started.elapsed());
    let started = Instant::now();
    snapshot.verify()?;
    println!("verified every checksum in {:.2?}\n", started.elapsed());

    let places = [
        ("Lisbon", 38.7223, -9.1393),
        ("Tokyo", 35.6895, 139.6917),
        ("Suva, Fiji (antimeridian)", -18.1416, 178.4419),
        ("Longyearbyen (78°N)", 78.2232, 15.6267),
        ("South Pole", -90.0, 0.0),
    ];
    for (place, lat, lon) in places {
        let started = Instant::now();
        let hits = snapshot.nearest(&Nearest::new(lat, lon).k(3))?;
        let took = started.elapsed();
        println!("3 hubs nearest to {place} ({took:.2?}):");
        print_hits(&snapshot, &hits)?;
    }

    let photo = snapshot.category_set(&["photo-walk"])?;
    let query = Within::new(48.8566, 2.3522, 5_000.0)
        .limit(5)
        .filter(Filter::new().any_of(photo));
    let started = Instant::now();
    let page = snapshot.within(&query)?;
    println!(
        "nearest 5 photo walks within 5 km of Paris ({:.2?}):",
        started.elapsed()
    );
    print_hits(&snapshot, &page.hits)?;
    if let Some(next) = page.next {
        let started = Instant::now();
        let second = snapshot.within(&query.clone().after(next))?;
        println!("the next 5, by cursor ({:.2?}):", started.elapsed());
        print_hits(&snapshot, &second.hits)?;
    }

    let started = Instant::now();
    let all = snapshot.within(&Within::new(52.52, 13.405, 10_000.0))?;
    println!(
        "{} hubs within 10 km of Berlin ({:.2?})",
        all.hits.len(),
        started.elapsed()
    );

    let cell = LatLng::new(52.52, 13.405)?.to_cell(Resolution::Six);
    let started = Instant::now();
    let in_cell = snapshot.hubs_in_cell(cell, &Filter::new())?;
    println!(
        "{} hubs in Berlin's resolution-6 H3 cell {cell} ({:.2?})",
        in_cell.len(),
        started.elapsed()
    );
    Ok(())
}

fn print_hits<B: AsRef<[u8]>>(snapshot: &Snapshot<B>, hits: &[Hit]) -> Result<(), Box<dyn Error>> {
    for hit in hits {
        let hub = snapshot
            .hub_at(hit.position)
            .ok_or("hit outside the snapshot")?;
        println!(
            "  {:>9.0} m  #{:<8} {}",
            hit.distance_m,
            hit.id,
            hub.name()?
        );
    }
    println!();
    Ok(())
}
