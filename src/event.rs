//! Events as the builder takes them.

use serde::{Deserialize, Serialize};

/// Longest event title, in UTF-8 bytes after trimming.
pub const MAX_TITLE_BYTES: usize = 200;

/// An event to put in a snapshot: something a hub runs, at a time and a place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unique id among events.
    pub id: u64,
    /// The id of the hub that runs it; that hub must be in the same snapshot.
    pub hub_id: u64,
    /// Title, 1 to [`MAX_TITLE_BYTES`] bytes after trimming.
    pub title: String,
    /// Start time, unix seconds.
    pub starts_at: i64,
    /// End time, unix seconds, not before the start; absent means the start.
    #[serde(default)]
    pub ends_at: Option<i64>,
    /// Latitude of the venue in WGS84 degrees; absent means the hub's place. Give both
    /// `lat` and `lon` or neither.
    #[serde(default)]
    pub lat: Option<f64>,
    /// Longitude of the venue in WGS84 degrees; absent means the hub's place.
    #[serde(default)]
    pub lon: Option<f64>,
    /// Category slugs; empty means the hub's categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// RSVPs so far.
    #[serde(default)]
    pub rsvps: u32,
    /// Seats, if limited.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// Price in cents; 0 is free.
    #[serde(default)]
    pub price_cents: u32,
}

impl Event {
    /// An event with the required fields and defaults for the rest.
    pub fn new(id: u64, hub_id: u64, title: impl Into<String>, starts_at: i64) -> Event {
        Event {
            id,
            hub_id,
            title: title.into(),
            starts_at,
            ends_at: None,
            lat: None,
            lon: None,
            categories: Vec::new(),
            rsvps: 0,
            capacity: None,
            price_cents: 0,
        }
    }
}
