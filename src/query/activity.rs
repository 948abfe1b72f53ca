//! Lookups of what the build computed: hub health, region health, trending lists, and the
//! events of a hub.

use h3o::{CellIndex, LatLng, Resolution};

use super::check_point;
use crate::activity::{HubHealth, RegionHealth, REGION_RESOLUTIONS};
use crate::error::QueryError;
use crate::format::events::NO_CAPACITY;
use crate::format::SectionKind;
use crate::hub::CategorySet;
use crate::Snapshot;

/// One event of a snapshot, read in place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EventRef<'a> {
    /// Its position among the snapshot's events.
    pub position: u32,
    /// Its id.
    pub id: u64,
    /// The position of its hub.
    pub hub_position: u32,
    /// Its hub's id.
    pub hub_id: u64,
    /// Its title, or `None` if the title's bytes are damaged.
    pub title: Option<&'a str>,
    /// Start, unix seconds.
    pub starts_at: i64,
    /// End, unix seconds.
    pub ends_at: i64,
    /// Latitude of its venue (its hub's unless it has its own), degrees.
    pub lat: f64,
    /// Longitude of its venue, degrees.
    pub lon: f64,
    /// Whether it has a venue of its own.
    pub own_venue: bool,
    /// Its categories (its hub's unless it has its own).
    pub categories: CategorySet,
    /// RSVPs.
    pub rsvps: u32,
    /// Seats, if limited.
    pub capacity: Option<u32>,
    /// Price in cents; 0 is free.
    pub price_cents: u32,
}

/// A hub on a region's trending list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trend {
    /// The hub's position.
    pub position: u32,
    /// The hub's id.
    pub id: u64,
    /// Recent minus previous weighted events.
    pub growth: f64,
    /// Weighted held events in the 30 days up to `as_of`.
    pub recent: f64,
    /// Weighted held events in the 30 days before those.
    pub previous: f64,
}

impl<B: AsRef<[u8]>> Snapshot<B> {
    /// The health of the hub with this id; `None` if there is no such hub or the snapshot is
    /// of format 1 (no events).
    pub fn health(&self, hub_id: u64) -> Option<HubHealth> {
        let position = self.hubs().position_of(hub_id)?;
        self.health_at(position)
    }

    /// The health of the hub at a position.
    pub fn health_at(&self, position: u32) -> Option<HubHealth> {
        HubHealth::from_stored(self.activity().health.get(position as usize)?)
    }

    /// The figures of a region: a cell at one of [`REGION_RESOLUTIONS`] holding hubs.
    pub fn region_health(&self, cell: CellIndex) -> Option<RegionHealth> {
        let activity = self.activity();
        let region = activity.region(u64::from(cell))?;
        Some(RegionHealth::from_stored(
            cell,
            activity.region_stats.get(region)?,
        ))
    }

    /// The region at `resolution` that holds a point, and its figures if it has hubs.
    ///
    /// # Errors
    ///
    /// [`QueryError::InvalidParameter`] for a point off the globe or a resolution that is not
    /// one of [`REGION_RESOLUTIONS`].
    pub fn region_at(
        &self,
        lat: f64,
        lon: f64,
        resolution: u8,
    ) -> Result<(CellIndex, Option<RegionHealth>), QueryError> {
        let cell = region_cell(lat, lon, resolution)?;
        Ok((cell, self.region_health(cell)))
    }

    /// The `k` best-trending hubs of a region cell (see [`activity`](crate::activity)), best
    /// first; empty for a cell that is not a region with trending hubs.
    pub fn trending(&self, cell: CellIndex, k: usize) -> Vec<Trend> {
        let mut trends = Vec::new();
        self.trending_with(cell, k, &mut trends);
        trends
    }

    /// [`Snapshot::trending`] into `trends` (cleared first): no allocation once it has grown.
    pub fn trending_with(&self, cell: CellIndex, k: usize, trends: &mut Vec<Trend>) {
        trends.clear();
        let activity = self.activity();
        let Some(region) = activity.region(u64::from(cell)) else {
            return;
        };
        let ids = self.hubs().ids;
        for &position in activity.trending(region).iter().take(k) {
            let (Some(health), Some(&id)) = (
                activity.health.get(position as usize),
                ids.get(position as usize),
            ) else {
                continue;
            };
            let (recent, previous) = (f64::from(health.recent), f64::from(health.previous));
            trends.push(Trend {
                position,
                id,
                growth: recent - previous,
                recent,
                previous,
            });
        }
    }

    /// The trending hubs of the region at `resolution` that holds a point.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::region_at`].
    pub fn trending_at(
        &self,
        lat: f64,
        lon: f64,
        resolution: u8,
        k: usize,
    ) -> Result<(CellIndex, Vec<Trend>), QueryError> {
        let cell = region_cell(lat, lon, resolution)?;
        Ok((cell, self.trending(cell, k)))
    }

    /// The events of the hub with this id, by start then id; `None` if there is no such hub.
    ///
    /// # Errors
    ///
    /// [`QueryError::Corrupt`] if the event columns are damaged.
    pub fn events_of(&self, hub_id: u64) -> Result<Option<Vec<EventRef<'_>>>, QueryError> {
        let Some(position) = self.hubs().position_of(hub_id) else {
            return Ok(None);
        };
        let range = self.events().of_hub(position as usize);
        range
            .map(|event| self.event_at(event as u32))
            .collect::<Option<Vec<_>>>()
            .map(Some)
            .ok_or(QueryError::Corrupt {
                section: SectionKind::EventOffsets.name(),
            })
    }

    /// The event at a position, with its hub at `hub_position`.
    pub(crate) fn event_at_hub(&self, position: u32, hub_position: u32) -> Option<EventRef<'_>> {
        let events = self.events();
        let hubs = self.hubs();
        let at = position as usize;
        let hub = hub_position as usize;
        let start = i64::from(*events.starts.get(at)?);
        let place = events.place(at);
        let coords = match place {
            Some(place) => place,
            None => *hubs.coords.get(hub)?,
        };
        let categories = match events.own_categories(at) {
            Some(own) => own,
            None => *hubs.categories.get(hub)?,
        };
        let capacity = *events.capacity.get(at)?;
        Some(EventRef {
            position,
            id: *events.ids.get(at)?,
            hub_position,
            hub_id: *hubs.ids.get(hub)?,
            title: self.titles().get(*events.titles.get(at)? as usize),
            starts_at: start,
            ends_at: start + i64::from(*events.durations.get(at)?),
            lat: f64::from(coords[0]) / 1e7,
            lon: f64::from(coords[1]) / 1e7,
            own_venue: place.is_some(),
            categories: CategorySet(categories),
            rsvps: *events.rsvps.get(at)?,
            capacity: (capacity != NO_CAPACITY).then_some(capacity),
            price_cents: *events.prices.get(at)?,
        })
    }

    /// The event at a position.
    pub fn event_at(&self, position: u32) -> Option<EventRef<'_>> {
        let offsets = self.events().offsets;
        let hub = offsets
            .partition_point(|&offset| offset <= position)
            .checked_sub(1)?;
        self.event_at_hub(position, hub as u32)
    }
}

fn region_cell(lat: f64, lon: f64, resolution: u8) -> Result<CellIndex, QueryError> {
    check_point(lat, lon)?;
    let invalid = || QueryError::InvalidParameter {
        parameter: "resolution",
        value: resolution.to_string(),
        expected: "a region resolution: 4, 6 or 8",
    };
    if !REGION_RESOLUTIONS.contains(&resolution) {
        return Err(invalid());
    }
    let resolution = Resolution::try_from(resolution).map_err(|_| invalid())?;
    let point = LatLng::new(lat, lon).map_err(|_| invalid())?;
    Ok(point.to_cell(resolution))
}
