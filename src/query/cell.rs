//! Hubs in an H3 cell of any resolution.

use h3o::{CellIndex, LatLng};

use super::filter::Filter;
use crate::error::QueryError;
use crate::format::cells::descendant_range;
use crate::format::SectionKind;
use crate::snapshot::HubRef;
use crate::Snapshot;

impl<B: AsRef<[u8]>> Snapshot<B> {
    /// The hubs in `cell` that the filter keeps, by ascending id.
    ///
    /// A hub is in the cell when `h3o` puts its stored coordinates there
    /// (`LatLng::to_cell(resolution) == cell`), at any resolution. The index keeps every hub's
    /// resolution-15 cell, so the descendants of a cell of any resolution are one
    /// binary-searched range, not a scan. H3 children overhang their parent, so the ranges
    /// of the cell and of its neighbours give the candidates and each is tested exactly: the
    /// cost grows with the hubs in and around the cell.
    ///
    /// # Errors
    ///
    /// [`QueryError::Corrupt`] if the cell index points outside the snapshot.
    pub fn hubs_in_cell(
        &self,
        cell: CellIndex,
        filter: &Filter,
    ) -> Result<Vec<HubRef<'_>>, QueryError> {
        let resolution = cell.resolution();
        let index = self.cells();
        let mut hubs = Vec::new();
        for around in cell.grid_disk::<Vec<CellIndex>>(1) {
            let (first, last) =
                descendant_range(u64::from(around), u32::from(u8::from(resolution)));
            for &position in index.range(first, last) {
                let hub = self.hub_at(position).ok_or(QueryError::Corrupt {
                    section: SectionKind::CellHubs.name(),
                })?;
                let inside = LatLng::new(hub.lat(), hub.lon())
                    .is_ok_and(|point| point.to_cell(resolution) == cell);
                if inside && filter.matches(hub.id(), hub.categories().0, hub.flags().bits()) {
                    hubs.push(hub);
                }
            }
        }
        hubs.sort_unstable_by_key(HubRef::id);
        Ok(hubs)
    }
}
