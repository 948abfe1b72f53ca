//! The one intact snapshot that the query targets ask: generated hubs, and hubs on the poles,
//! along the antimeridian and at antipodes.

use std::sync::OnceLock;

use hubdex::generate::Generator;
use hubdex::{AlignedBytes, Hub, Snapshot, SnapshotBuilder};

/// 5,000 generated hubs around the 200 largest cities, plus hubs on both poles, along the
/// antimeridian and at antipodes, several sharing a place.
pub fn snapshot() -> &'static Snapshot<AlignedBytes> {
    static SNAPSHOT: OnceLock<Snapshot<AlignedBytes>> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let mut builder = SnapshotBuilder::new();
        builder.as_of(1_767_225_600);
        let generated = Generator::new(1).top_cities(200).hubs(5000);
        let places = [
            (90.0, 0.0),
            (90.0, 180.0),
            (90.0, -45.5),
            (-90.0, 0.0),
            (-90.0, -180.0),
            (-90.0, 123.4),
            (89.9999999, 10.0),
            (-89.9999999, -170.0),
            (0.0, 180.0),
            (0.0, -180.0),
            (0.0, 179.9999999),
            (0.0, -179.9999999),
            (-17.7, 180.0),
            (-17.7, -179.99),
            (65.0, 179.5),
            (65.0, -179.5),
            (0.0, 0.0),
            (38.7223, -9.1393),
            (-38.7223, 170.8607), // Lisbon's antipode
        ];
        let mut id = 1_000_000;
        for hub in generated {
            builder.add_hub(hub).expect("generated hubs are valid");
        }
        for (lat, lon) in places {
            // Three hubs at each place, so that ties are broken by id.
            for copy in 0..3 {
                id += 1;
                let mut hub = Hub::new(id, format!("Edge {lat} {lon} #{copy}"), lat, lon);
                hub.categories = vec![["running", "chess", "edge"][copy].to_string()];
                hub.verified = copy == 1;
                builder.add_hub(hub).expect("edge hubs are valid");
            }
        }
        let bytes = builder.to_bytes().expect("the fixed snapshot builds");
        Snapshot::from_bytes(bytes).expect("the fixed snapshot opens")
    })
}

