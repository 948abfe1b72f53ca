//! Synthetic hubs clustered around real cities, for examples, tests and benchmarks.
//!
//! The bundled GeoNames table (every place of 15,000 people or more) gives real clustering:
//! dense in Europe, India, China and the Americas, nearly empty over oceans and deserts.
//! Hubs are drawn per city in proportion to its population and scattered a few kilometres
//! around its centre. The same seed gives the same hubs on every machine.
//!
//! [`Generator::events`] adds a year of events and 90 days of schedule to those hubs; see
//! [`Events`] for what they look like.

mod events;

use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::hub::Hub;
use crate::sphere::EARTH_RADIUS_M;

pub use events::Events;

/// The bundled world-cities table (GeoNames, CC BY 4.0).
pub const WORLD_CITIES_CSV: &str = include_str!("../data/world_cities15000.csv");

/// `as_of` the generator assumes: 2026-01-01T00:00:00Z. Creation times lie before it; event
/// starts lie from 365 days before it to 90 days after.
pub const GENERATED_AS_OF: i64 = 1_767_225_600;

/// The categories generated hubs draw from, most popular first, with a display label.
pub const CATEGORIES: [(&str, &str); 24] = [
    ("running", "Runners"),
    ("photo-walk", "Photo Walks"),
    ("tech-meetup", "Tech Meetup"),
    ("hiking", "Hikers"),
    ("book-club", "Book Club"),
    ("board-games", "Board Gamers"),
    ("language-exchange", "Language Exchange"),
    ("cycling", "Cyclists"),
    ("yoga", "Yoga Circle"),
    ("startup", "Founders"),
    ("rust-meetup", "Rustaceans"),
    ("python-meetup", "Pythonistas"),
    ("climbing", "Climbers"),
    ("chess", "Chess Club"),
    ("film", "Film Society"),
    ("volunteering", "Volunteers"),
    ("parents", "Parents Network"),
    ("sketching", "Urban Sketchers"),
    ("birding", "Birders"),
    ("jazz", "Jazz Jam"),
    ("data-science", "Data Science"),
    ("gardening", "Gardeners"),
    ("astronomy", "Stargazers"),
    ("knitting", "Knitters"),
];

/// A populated place of the bundled table.
#[derive(Clone, Debug, PartialEq)]
pub struct City {
    /// GeoNames id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// ISO country code.
    pub country: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Population.
    pub population: u64,
}

/// Every city of the bundled table, most populous first (ties by id).
pub fn world_cities() -> Vec<City> {
    let mut reader = csv::Reader::from_reader(WORLD_CITIES_CSV.as_bytes());
    let mut cities: Vec<City> = reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|row| {
            Some(City {
                id: row.get(0)?.parse().ok()?,
                name: row.get(1)?.to_string(),
                country: row.get(2)?.to_string(),
                lat: row.get(4)?.parse().ok()?,
                lon: row.get(5)?.parse().ok()?,
                population: row.get(6)?.parse().ok()?,
            })
        })
        .collect();
    cities.sort_by(|a, b| b.population.cmp(&a.population).then(a.id.cmp(&b.id)));
    cities
}

/// Makes hubs around real cities.
///
/// ```
/// let generator = hubdex::generate::Generator::new(7).top_cities(100);
/// let hubs = generator.hubs(1000);
/// assert_eq!(hubs.len(), 1000);
/// assert_eq!(hubs, generator.hubs(1000));
/// ```
#[derive(Clone, Debug)]
pub struct Generator {
    seed: u64,
    cities: Vec<City>,
}

impl Generator {
    /// A generator over every bundled city.
    pub fn new(seed: u64) -> Generator {
        Generator {
            seed,
            cities: world_cities(),
        }
    }

    /// Only the `count` most populous cities (at least one).
    pub fn top_cities(mut self, count: usize) -> Generator {
        self.cities.truncate(count.max(1));
        self
    }

    /// The cities hubs are drawn around, most populous first.
    pub fn cities(&self) -> &[City] {
        &self.cities
    }

    /// `count` hubs with ids `1..=count`.
    pub fn hubs(&self, count: usize) -> Vec<Hub> {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let Ok(pick_city) =
            WeightedIndex::new(self.cities.iter().map(|c| c.population.max(1) as f64))
        else {
            return Vec::new();
        };
        let Ok(pick_category) =
            WeightedIndex::new((0..CATEGORIES.len()).map(|rank| 1.0 / (rank as f64 + 2.0)))
        else {
            return Vec::new();
        };
        let mut per_city = vec![0u32; self.cities.len()];
        (0..count)
            .map(|index| {
                let city_index = pick_city.sample(&mut rng);
                per_city[city_index] += 1;
                let city = &self.cities[city_index];
                let (lat, lon) = scatter(&mut rng, city);
                let categories = categories(&mut rng, &pick_category);
                let label = CATEGORIES[categories[0]].1;
                let years = 8.0 * rng.random::<f64>().powi(2);
                Hub {
                    id: index as u64 + 1,
                    name: format!("{} {} #{}", city.name, label, per_city[city_index]),
                    lat,
                    lon,
                    categories: categories
                        .iter()
                        .map(|&c| CATEGORIES[c].0.to_string())
                        .collect(),
                    members: members(&mut rng, city),
                    created_at: Some(GENERATED_AS_OF - (years * 365.25 * 86_400.0) as i64),
                    verified: rng.random_bool(0.15),
                }
            })
            .collect()
    }

    /// `count` events for `hubs`, with ids `1..=count`, streamed in hub order (the order of
    /// `hubs`). Each hub's events are drawn from its own random stream, so the same seed and
    /// hubs give the same events whatever the number of threads; events are made in
    /// parallel, a batch of hubs at a time.
    ///
    /// Fewer than `count` come only if no hub can hold an event (no hubs, or all of them
    /// drawn as never active). What the events look like is told at [`Events`].
    ///
    /// ```
    /// use hubdex::generate::Generator;
    ///
    /// let generator = Generator::new(7).top_cities(100);
    /// let hubs = generator.hubs(1000);
    /// let events: Vec<hubdex::Event> = generator.events(&hubs, 10_000).collect();
    /// assert_eq!(events.len(), 10_000);
    /// assert_eq!(events.last().map(|e| e.id), Some(10_000));
    /// ```
    pub fn events<'h>(&self, hubs: &'h [Hub], count: usize) -> Events<'h> {
        Events::new(self.seed, hubs, count)
    }
}

/// A point a few kilometres from the city centre, wider for bigger cities; one hub in a
/// hundred sits exactly on the centre, as hubs sharing a venue do.
fn scatter(rng: &mut ChaCha8Rng, city: &City) -> (f64, f64) {
    if rng.random_bool(0.01) {
        return (city.lat, city.lon);
    }
    let sigma_m = (1_500.0 * (city.population as f64 / 1e6).powf(0.25)).clamp(500.0, 6_000.0);
    // Rayleigh-distributed distance, uniform bearing.
    let distance_m = sigma_m * (-2.0 * (1.0 - rng.random::<f64>()).ln()).sqrt();
    let bearing = rng.random::<f64>() * std::f64::consts::TAU;
    let (lat, lon) = destination(city.lat, city.lon, bearing, distance_m / EARTH_RADIUS_M);
    // Round to 1e-7 degree as a snapshot stores them, so that generated files round-trip.
    ((lat * 1e7).round() / 1e7, (lon * 1e7).round() / 1e7)
}

/// The point at `angle` radians from a start along `bearing` (radians from north).
fn destination(lat: f64, lon: f64, bearing: f64, angle: f64) -> (f64, f64) {
    let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
    let (sin_angle, cos_angle) = angle.sin_cos();
    let sin_end = sin_lat * cos_angle + cos_lat * sin_angle * bearing.cos();
    let end_lat = sin_end.clamp(-1.0, 1.0).asin();
    let dlon = (bearing.sin() * sin_angle * cos_lat).atan2(cos_angle - sin_lat * sin_end);
    let mut end_lon = lon + dlon.to_degrees();
    if end_lon > 180.0 {
        end_lon -= 360.0;
    } else if end_lon < -180.0 {
        end_lon += 360.0;
    }
    (end_lat.to_degrees(), end_lon)
}

/// One to three distinct categories, popular ones more often.
fn categories(rng: &mut ChaCha8Rng, pick: &WeightedIndex<f64>) -> Vec<usize> {
    let wanted = 1 + usize::from(rng.random_bool(0.5)) + usize::from(rng.random_bool(0.2));
    let mut chosen: Vec<usize> = Vec::with_capacity(wanted);
    while chosen.len() < wanted {
        let category = pick.sample(rng);
        if !chosen.contains(&category) {
            chosen.push(category);
        }
    }
    chosen
}

/// Log-normal member counts, a little larger in bigger cities.
fn members(rng: &mut ChaCha8Rng, city: &City) -> u32 {
    let normal = standard_normal(rng);
    let city_boost = (city.population as f64 / 1e5).max(1.0).ln() * 0.15;
    (3.5 + city_boost + 1.2 * normal).exp().clamp(3.0, 50_000.0) as u32
}

/// A draw from the normal distribution of mean 0 and deviation 1 (Box-Muller).
fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    let (u1, u2): (f64, f64) = (1.0 - rng.random::<f64>(), rng.random());
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cities_load_and_hubs_stay_near_their_city() {
        let cities = world_cities();
        assert!(cities.len() > 30_000, "{} cities", cities.len());
        let generator = Generator::new(1).top_cities(50);
        let hubs = generator.hubs(2000);
        for hub in &hubs {
            let nearest_city_m = generator
                .cities()
                .iter()
                .map(|c| crate::distance_m(hub.lat, hub.lon, c.lat, c.lon))
                .fold(f64::INFINITY, f64::min);
            assert!(
                nearest_city_m < 60_000.0,
                "{} is {nearest_city_m} m from any city",
                hub.name
            );
            assert!((1..=3).contains(&hub.categories.len()));
        }
        assert_ne!(hubs, Generator::new(2).top_cities(50).hubs(2000));
    }
}
