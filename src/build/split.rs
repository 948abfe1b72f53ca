//! Splitting a build into parts, one per H3 cell, for sharded snapshots.
//!
//! Every part shares the whole build's category vocabulary (same slugs, same order) and its
//! `as_of`, so that category sets, filters, activity and health mean the same in every part
//! as in the unsplit snapshot. Checks that need every record (unique ids, every event's hub)
//! run once on the whole build, before any part is made.

use std::collections::HashMap;

use h3o::{CellIndex, LatLng, Resolution};
use rayon::prelude::*;

use super::{events, now, SnapshotBuilder, NO_PLACE};
use crate::error::{BuildError, RecordProblem};

/// The hubs and events of one part.
#[derive(Debug)]
pub(crate) struct Group {
    pub(crate) cell: CellIndex,
    /// Indices of the part's hubs in the builder, in arrival order.
    pub(crate) hubs: Vec<u32>,
    /// Indices of the part's events in the builder, in arrival order.
    pub(crate) events: Vec<u32>,
}

impl SnapshotBuilder {
    /// The `as_of` every part of one build uses: the one set, or now.
    pub(crate) fn fixed_as_of(&self) -> i64 {
        self.as_of.unwrap_or_else(now)
    }

    /// The hubs and events grouped by the `resolution` cell of each hub's stored coordinates,
    /// cells ascending; an event goes with its hub. Checks first what no part can check
    /// alone: hub ids are unique, every event's hub exists, event ids are unique.
    ///
    /// # Errors
    ///
    /// [`BuildError::Record`] naming the first offending record.
    pub(crate) fn groups(&self, resolution: Resolution) -> Result<Vec<Group>, BuildError> {
        self.check_unique_ids()?;
        let locate = |index: usize| self.location(self.event_origins.get(index), index);
        events::check_unique(&self.events, &locate)?;

        let cells: Vec<Option<CellIndex>> = self
            .hubs
            .par_iter()
            .map(|hub| cell_of(hub.coords, resolution))
            .collect();
        // Stored coordinates were checked on arrival, so every hub has a cell.
        if let Some(index) = cells.iter().position(Option::is_none) {
            return Err(BuildError::Record {
                location: self.location(self.origins.get(index), index),
                problem: RecordProblem::Coordinate {
                    field: "lat",
                    value: f64::from(self.hubs[index].coords[0]) / 1e7,
                    min: -90.0,
                    max: 90.0,
                },
            });
        }
        let mut slots: HashMap<CellIndex, usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut group_of_hub: HashMap<u64, usize> = HashMap::with_capacity(self.hubs.len());
        for (index, (hub, cell)) in self.hubs.iter().zip(cells).enumerate() {
            let Some(cell) = cell else { continue };
            let slot = *slots.entry(cell).or_insert_with(|| {
                groups.push(Group {
                    cell,
                    hubs: Vec::new(),
                    events: Vec::new(),
                });
                groups.len() - 1
            });
            groups[slot].hubs.push(index as u32);
            group_of_hub.insert(hub.id, slot);
        }

        for (index, event) in self.events.iter().enumerate() {
            let Some(&slot) = group_of_hub.get(&event.hub_id) else {
                return Err(BuildError::Record {
                    location: locate(index),
                    problem: RecordProblem::UnknownHub {
                        hub_id: event.hub_id,
                    },
                });
            };
            groups[slot].events.push(index as u32);
        }
        groups.sort_unstable_by_key(|group| group.cell);
        Ok(groups)
    }

    /// A builder of one group's hubs and events, with the whole build's vocabulary and
    /// `as_of`. Titles are renumbered so that a part stores only its own.
    pub(crate) fn part(&self, group: &Group, as_of: i64) -> SnapshotBuilder {
        let mut part = SnapshotBuilder {
            as_of: Some(as_of),
            files: self.files.clone(),
            slugs: self.slugs.clone(),
            slug_index: self.slug_index.clone(),
            ..SnapshotBuilder::default()
        };
        for &index in &group.hubs {
            part.hubs.push(self.hubs[index as usize].clone());
            part.origins.push(self.origins.get(index as usize));
        }
        for &index in &group.events {
            let mut event = self.events[index as usize];
            let title = &self.titles[event.title as usize];
            event.title = match part.title_index.get(title) {
                Some(&renumbered) => renumbered,
                None => {
                    let renumbered = part.titles.len() as u32;
                    part.titles.push(title.clone());
                    part.title_index.insert(title.clone(), renumbered);
                    renumbered
                }
            };
            part.events.push(event);
            part.event_origins
                .push(self.event_origins.get(index as usize));
        }
        part
    }

    /// The venues, in degrees, of a group's events held away from their hub.
    pub(crate) fn venues<'a>(&'a self, group: &'a Group) -> impl Iterator<Item = (f64, f64)> + 'a {
        group
            .events
            .iter()
            .map(|&index| self.events[index as usize].place)
            .filter(|&place| place != NO_PLACE)
            .map(|[lat, lon]| (f64::from(lat) / 1e7, f64::from(lon) / 1e7))
    }

    /// The category vocabulary, in category order.
    pub(crate) fn slugs(&self) -> &[String] {
        &self.slugs
    }
}

/// The cell of stored coordinates; `None` only if they are off the globe.
fn cell_of(coords: [i32; 2], resolution: Resolution) -> Option<CellIndex> {
    LatLng::new(f64::from(coords[0]) / 1e7, f64::from(coords[1]) / 1e7)
        .ok()
        .map(|point| point.to_cell(resolution))
}
