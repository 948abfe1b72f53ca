//! What a file holds, hubs or events: the fields of one record, how a record is made from
//! them, and how it joins the builder. Both formats read either kind through this.

use std::path::Path;

use super::value::Value;
use super::{EVENT_FIELDS, HUB_FIELDS};
use crate::build::SnapshotBuilder;
use crate::error::{BuildError, RecordProblem};
use crate::event::Event;
use crate::hub::Hub;

/// The fields of one record, by their index in [`Kind::FIELDS`].
pub(super) trait Record {
    /// The name of the field at `index`, for messages.
    fn name(&self, index: usize) -> &'static str;

    /// The field at `index`; `None` if it is absent, blank or `null`.
    fn get(&self, index: usize) -> Result<Option<Value<'_>>, RecordProblem>;

    /// The field at `index`, which must be present.
    fn required(&self, index: usize) -> Result<Value<'_>, RecordProblem> {
        let field = self.name(index);
        self.get(index)?.ok_or(RecordProblem::Missing { field })
    }
}

/// A kind of record an input file holds.
pub(super) trait Kind: Sized {
    /// The fields read, in the order `hubdex generate` writes them; others are ignored.
    const FIELDS: &'static [&'static str];
    /// How many of the first fields are required.
    const REQUIRED: usize;

    /// Makes one record from its fields.
    fn parse(record: &impl Record) -> Result<Self, RecordProblem>;

    /// Hands the record to the builder, which checks the rest.
    fn add(self, builder: &mut SnapshotBuilder, path: &Path, line: u64) -> Result<(), BuildError>;

    /// How many records of this kind the builder holds: the index of the next one.
    fn count(builder: &SnapshotBuilder) -> usize;
}

impl Kind for Hub {
    const FIELDS: &'static [&'static str] = &HUB_FIELDS;
    const REQUIRED: usize = 4;

    fn parse(record: &impl Record) -> Result<Hub, RecordProblem> {
        use hub_field::*;

        let [id, name, lat, lon] = [ID, NAME, LAT, LON].map(|field| record.required(field));
        let (id, name) = (id?.to_u64()?, name?.to_text()?);
        let mut hub = Hub::new(id, name, lat?.to_degrees()?, lon?.to_degrees()?);

        if let Some(value) = record.get(CATEGORIES)? {
            hub.categories = value.to_list()?;
        }
        if let Some(value) = record.get(MEMBERS)? {
            hub.members = value.to_u32()?;
        }
        if let Some(value) = record.get(CREATED_AT)? {
            hub.created_at = Some(value.to_time()?);
        }
        if let Some(value) = record.get(VERIFIED)? {
            hub.verified = value.to_bool()?;
        }
        Ok(hub)
    }

    fn add(self, builder: &mut SnapshotBuilder, path: &Path, line: u64) -> Result<(), BuildError> {
        builder.add_hub_from(self, Some(path), Some(line))
    }

    fn count(builder: &SnapshotBuilder) -> usize {
        builder.hub_count()
    }
}

impl Kind for Event {
    const FIELDS: &'static [&'static str] = &EVENT_FIELDS;
    const REQUIRED: usize = 4;

    fn parse(record: &impl Record) -> Result<Event, RecordProblem> {
        use event_field::*;

        let [id, hub_id, title, starts_at] =
            [ID, HUB_ID, TITLE, STARTS_AT].map(|field| record.required(field));
        let (id, hub_id) = (id?.to_u64()?, hub_id?.to_u64()?);
        let mut event = Event::new(id, hub_id, title?.to_text()?, starts_at?.to_time()?);

        if let Some(value) = record.get(ENDS_AT)? {
            event.ends_at = Some(value.to_time()?);
        }
        if let Some(value) = record.get(LAT)? {
            event.lat = Some(value.to_degrees()?);
        }
        if let Some(value) = record.get(LON)? {
            event.lon = Some(value.to_degrees()?);
        }
        if let Some(value) = record.get(CATEGORIES)? {
            event.categories = value.to_list()?;
        }
        if let Some(value) = record.get(RSVPS)? {
            event.rsvps = value.to_u32()?;
        }
        if let Some(value) = record.get(CAPACITY)? {
            event.capacity = Some(value.to_u32()?);
        }
        if let Some(value) = record.get(PRICE_CENTS)? {
            event.price_cents = value.to_u32()?;
        }
        Ok(event)
    }

    fn add(self, builder: &mut SnapshotBuilder, path: &Path, line: u64) -> Result<(), BuildError> {
        builder.add_event_from(self, Some(path), Some(line))
    }

    fn count(builder: &SnapshotBuilder) -> usize {
        builder.event_count()
    }
}

/// Positions in [`HUB_FIELDS`].
mod hub_field {
    pub(super) const ID: usize = 0;
    pub(super) const NAME: usize = 1;
    pub(super) const LAT: usize = 2;
    pub(super) const LON: usize = 3;
    pub(super) const CATEGORIES: usize = 4;
    pub(super) const MEMBERS: usize = 5;
    pub(super) const CREATED_AT: usize = 6;
    pub(super) const VERIFIED: usize = 7;
}

/// Positions in [`EVENT_FIELDS`].
mod event_field {
    pub(super) const ID: usize = 0;
    pub(super) const HUB_ID: usize = 1;
    pub(super) const TITLE: usize = 2;
    pub(super) const STARTS_AT: usize = 3;
    pub(super) const ENDS_AT: usize = 4;
    pub(super) const LAT: usize = 5;
    pub(super) const LON: usize = 6;
    pub(super) const CATEGORIES: usize = 7;
    pub(super) const RSVPS: usize = 8;
    pub(super) const CAPACITY: usize = 9;
    pub(super) const PRICE_CENTS: usize = 10;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_positions_name_the_fields_of_the_public_lists() {
        use {event_field as e, hub_field as h};

        let hub = [
            (h::ID, "id"),
            (h::NAME, "name"),
            (h::LAT, "lat"),
            (h::LON, "lon"),
            (h::CATEGORIES, "categories"),
            (h::MEMBERS, "members"),
            (h::CREATED_AT, "created_at"),
            (h::VERIFIED, "verified"),
        ];
        assert_eq!(hub.map(|(i, _)| HUB_FIELDS[i]), hub.map(|(_, name)| name));

        let event = [
            (e::ID, "id"),
            (e::HUB_ID, "hub_id"),
            (e::TITLE, "title"),
            (e::STARTS_AT, "starts_at"),
            (e::ENDS_AT, "ends_at"),
            (e::LAT, "lat"),
            (e::LON, "lon"),
            (e::CATEGORIES, "categories"),
            (e::RSVPS, "rsvps"),
            (e::CAPACITY, "capacity"),
            (e::PRICE_CENTS, "price_cents"),
        ];
        assert_eq!(
            event.map(|(i, _)| EVENT_FIELDS[i]),
            event.map(|(_, name)| name)
        );
    }
}
