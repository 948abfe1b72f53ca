//! Hub columns, one section per field, all in tree order, plus the id order.

use super::meta::{expect_count, Meta};
use super::{Built, SectionKind, Sections};
use crate::error::OpenError;

/// `created_at` of a hub whose creation time is unknown.
pub(crate) const UNKNOWN_TIME: i64 = i64::MIN;

/// The fixed-width fields of every hub, in tree order.
#[derive(Default)]
pub(crate) struct Columns {
    pub(crate) ids: Vec<u64>,
    pub(crate) coords: Vec<[i32; 2]>,
    pub(crate) categories: Vec<u64>,
    pub(crate) flags: Vec<u8>,
    pub(crate) members: Vec<u32>,
    pub(crate) created: Vec<i64>,
}

/// The hub sections; the columns move into them without a copy.
pub(crate) fn write(columns: Columns) -> Built {
    let mut id_order: Vec<u32> = (0..columns.ids.len() as u32).collect();
    id_order.sort_unstable_by_key(|&position| columns.ids[position as usize]);
    vec![
        (SectionKind::HubIds, columns.ids.into()),
        (SectionKind::HubCoords, columns.coords.into()),
        (SectionKind::HubCategories, columns.categories.into()),
        (SectionKind::HubFlags, columns.flags.into()),
        (SectionKind::HubMembers, columns.members.into()),
        (SectionKind::HubCreated, columns.created.into()),
        (SectionKind::IdOrder, id_order.into()),
    ]
}

pub(crate) fn check(sections: &Sections, meta: &Meta) -> Result<(), OpenError> {
    for kind in [
        SectionKind::HubIds,
        SectionKind::HubCoords,
        SectionKind::HubCategories,
        SectionKind::HubFlags,
        SectionKind::HubMembers,
        SectionKind::HubCreated,
        SectionKind::IdOrder,
    ] {
        expect_count(sections, kind, meta.hub_count)?;
    }
    Ok(())
}

/// The hub columns, read in place.
#[derive(Clone, Copy)]
pub(crate) struct HubsView<'a> {
    pub(crate) ids: &'a [u64],
    pub(crate) coords: &'a [[i32; 2]],
    pub(crate) categories: &'a [u64],
    pub(crate) flags: &'a [u8],
    pub(crate) members: &'a [u32],
    pub(crate) created: &'a [i64],
    pub(crate) id_order: &'a [u32],
}

impl<'a> HubsView<'a> {
    pub(crate) fn new(bytes: &'a [u8], sections: &Sections) -> HubsView<'a> {
        HubsView {
            ids: sections.slice(bytes, SectionKind::HubIds),
            coords: sections.slice(bytes, SectionKind::HubCoords),
            categories: sections.slice(bytes, SectionKind::HubCategories),
            flags: sections.slice(bytes, SectionKind::HubFlags),
            members: sections.slice(bytes, SectionKind::HubMembers),
            created: sections.slice(bytes, SectionKind::HubCreated),
            id_order: sections.slice(bytes, SectionKind::IdOrder),
        }
    }

    /// The position of the hub with `id`. A damaged id order can make this miss a hub, never
    /// return the wrong one: the found position is checked against the id column.
    pub(crate) fn position_of(&self, id: u64) -> Option<u32> {
        let ids = self.ids;
        let at = self
            .id_order
            .partition_point(|&position| ids.get(position as usize).is_some_and(|&i| i < id));
        let position = *self.id_order.get(at)?;
        (ids.get(position as usize) == Some(&id)).then_some(position)
    }
}
