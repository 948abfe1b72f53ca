//! Hubs in an H3 cell of any resolution.

use h3o::CellIndex;

use super::filter::Filter;
use crate::error::QueryError;
use crate::format::cells::descendant_range;
use crate::format::SectionKind;
use crate::snapshot::HubRef;
use crate::Snapshot;

impl<B: AsRef<[u8]>> Snapshot<B> {
    /// The hubs in `cell` that the filter keeps, in H3 index order.
    ///
    /// Every resolution works (the index is kept at resolution 15, the finest); a coarse cell
    /// is one binary-searched range of the index, not a scan. A hub lies in the cell whose
    /// resolution-15 descendant holds its stored coordinates, as `h3o` assigns it.
    ///
    /// # Errors
    ///
    /// [`QueryError::Corrupt`] if the cell index points outside the snapshot.
    pub fn hubs_in_cell(
        &self,
        cell: CellIndex,
        filter: &Filter,
    ) -> Result<Vec<HubRef<'_>>, QueryError> {
        let (first, last) =
            descendant_range(u64::from(cell), u32::from(u8::from(cell.resolution())));
        let mut hubs = Vec::new();
        for &position in self.cells().range(first, last) {
            let hub = self.hub_at(position).ok_or(QueryError::Corrupt {
                section: SectionKind::CellHubs.name(),
            })?;
            if filter.matches(hub.id(), hub.categories().0, hub.flags().bits()) {
                hubs.push(hub);
            }
        }
        Ok(hubs)
    }
}
