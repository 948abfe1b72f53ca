//! The event half of a build: events joined to their hubs, health and activity computed,
//! per-node summaries and per-region figures derived.

use std::borrow::Cow;

use h3o::{LatLng, Resolution};
use rayon::prelude::*;

use super::{PendingEvent, NO_PLACE};
use crate::activity::{health_of, HealthState, REGION_RESOLUTIONS, TREND_LIMIT};
use crate::error::{BuildError, Location, RecordProblem};
use crate::format::activity::{
    Health, NodeCorners, NodeSummary, RegionStats, TimeGrid, TimeMask, CORNERS, MARK_CATEGORIES,
    MARK_PLACES, NO_DAYS,
};
use crate::format::events::{self, Columns};
use crate::format::hubs::UNKNOWN_TIME;
use crate::format::tree::{bounding_box, depth, node_count, node_start, union};
use crate::format::{self, SectionKind};
use crate::sphere::{quantize, Quantized};

/// The hubs, in tree order, as the event build needs them.
pub(crate) struct Hubs<'a> {
    pub(crate) ids: &'a [u64],
    pub(crate) coords: &'a [[i32; 2]],
    pub(crate) points: &'a [Quantized],
    pub(crate) categories: &'a [u64],
    pub(crate) members: &'a [u32],
    pub(crate) created: &'a [i64],
}

/// What the event build adds to a snapshot.
pub(crate) struct Built {
    pub(crate) sections: format::Built,
    pub(crate) event_count: u64,
    /// The time buckets, if there are events.
    pub(crate) grid: Option<TimeGrid>,
    pub(crate) region_count: u64,
}

/// Joins the events to their hubs and builds their sections. Owned `events` are released
/// while their columns are filled, so the two are never both whole in memory.
pub(crate) fn build<S: AsRef<str> + Sync>(
    events: Cow<'_, [PendingEvent]>,
    titles: &[S],
    locate: &(dyn Fn(usize) -> Location + Sync),
    hubs: &Hubs<'_>,
    as_of: i64,
    leaf_size: u32,
) -> Result<Built, BuildError> {
    // Each event's hub position, in arrival order.
    let mut by_id: Vec<(u64, u32)> = hubs
        .ids
        .iter()
        .enumerate()
        .map(|(position, &id)| (id, position as u32))
        .collect();
    by_id.par_sort_unstable();
    let hub_of: Vec<u32> = events
        .par_iter()
        .map(
            |event| match by_id.binary_search_by_key(&event.hub_id, |&(id, _)| id) {
                Ok(at) => by_id[at].1,
                Err(_) => u32::MAX,
            },
        )
        .collect();
    drop(by_id);
    if let Some(missing) = hub_of.par_iter().position_first(|&p| p == u32::MAX) {
        return Err(BuildError::Record {
            location: locate(missing),
            problem: RecordProblem::UnknownHub {
                hub_id: events[missing].hub_id,
            },
        });
    }
    check_unique(&events, locate)?;

    // Storage order: by hub, then start, then id. From here on `hub_id` holds the hub's
    // position.
    let mut events = events.into_owned();
    for (event, &position) in events.iter_mut().zip(&hub_of) {
        event.hub_id = u64::from(position);
    }
    drop(hub_of);
    events.par_sort_unstable_by_key(|event| (event.hub_id, event.start, event.id));
    let mut columns = columns(events, hubs);
    columns.timelines = timelines(&columns, hubs.ids.len() as u64, leaf_size);

    // Health, then the marks that tell queries where sparse tables apply.
    let mut health: Vec<Health> = (0..hubs.ids.len())
        .into_par_iter()
        .map(|position| {
            let range = columns.offsets[position] as usize..columns.offsets[position + 1] as usize;
            let created = hubs.created[position];
            health_of(
                range.map(|e| (i64::from(columns.starts[e]), columns.rsvps[e])),
                (created != UNKNOWN_TIME).then_some(created),
                hubs.members[position],
                as_of,
            )
        })
        .collect();
    let hub_of_event = |event: u32| {
        columns
            .offsets
            .partition_point(|&offset| offset <= event)
            .saturating_sub(1)
    };
    for &event in &columns.place_events {
        health[hub_of_event(event)].marks |= MARK_PLACES;
    }
    for &event in &columns.own_category_events {
        health[hub_of_event(event)].marks |= MARK_CATEGORIES;
    }

    let grid = (!columns.starts.is_empty()).then(|| TimeGrid::around(as_of));
    let (summaries, times) = summaries(hubs, &columns, &health, grid, leaf_size);
    let corners = node_corners(hubs.members, &health, leaf_size);
    let packed: Vec<f32> = health.iter().map(|h| h.activity).collect();
    let regions = regions(hubs, &health);

    let event_count = columns.ids.len() as u64;
    let mut sections = events::write(columns, titles);
    let region_count = regions.keys.len() as u64;
    sections.extend([
        (SectionKind::HubHealth, health.into()),
        (SectionKind::NodeSummaries, summaries.into()),
        (SectionKind::NodeTimes, times.into()),
        (SectionKind::RegionKeys, regions.keys.into()),
        (SectionKind::RegionStats, regions.stats.into()),
        (SectionKind::TrendOffsets, regions.trend_offsets.into()),
        (SectionKind::TrendHubs, regions.trend_hubs.into()),
        (SectionKind::NodeCorners, corners.into()),
        (SectionKind::HubActivity, packed.into()),
    ]);
    Ok(Built {
        sections,
        event_count,
        grid,
        region_count,
    })
}

pub(crate) fn check_unique(
    events: &[PendingEvent],
    locate: &(dyn Fn(usize) -> Location + Sync),
) -> Result<(), BuildError> {
    let mut by_id: Vec<u32> = (0..events.len() as u32).collect();
    by_id.par_sort_unstable_by_key(|&i| (events[i as usize].id, i));
    for pair in by_id.windows(2) {
        let (first, again) = (pair[0] as usize, pair[1] as usize);
        if events[first].id == events[again].id {
            return Err(BuildError::Record {
                location: locate(again),
                problem: RecordProblem::DuplicateId {
                    id: events[first].id,
                    first: locate(first),
                },
            });
        }
    }
    Ok(())
}

/// The columns of events sorted into storage order, each `hub_id` a hub position. The
/// events are freed from the back as their columns fill.
fn columns(mut events: Vec<PendingEvent>, hubs: &Hubs<'_>) -> Columns {
    let n = events.len();
    // Events copied between two releases of the pending list's tail: a sixteenth.
    let chunk = (n / 16).max(64);
    let mut offsets = vec![0u32; hubs.ids.len() + 1];
    for event in &events {
        offsets[event.hub_id as usize + 1] += 1;
    }
    for position in 0..hubs.ids.len() {
        offsets[position + 1] += offsets[position];
    }
    // Zeroed columns take no memory until written.
    let mut columns = Columns {
        offsets,
        ids: vec![0; n],
        starts: vec![0; n],
        durations: vec![0; n],
        rsvps: vec![0; n],
        capacity: vec![0; n],
        prices: vec![0; n],
        titles: vec![0; n],
        ..Columns::default()
    };
    for (at, event) in events.iter().enumerate() {
        if event.place != NO_PLACE {
            columns.place_events.push(at as u32);
            columns.place_coords.push(event.place);
        }
        let hub_categories = hubs.categories[event.hub_id as usize];
        if event.categories != 0 && event.categories != hub_categories {
            columns.own_category_events.push(at as u32);
            columns.own_categories.push(event.categories);
        }
    }
    while !events.is_empty() {
        let from = events.len().saturating_sub(chunk);
        for (at, event) in (from..).zip(&events[from..]) {
            columns.ids[at] = event.id;
            columns.starts[at] = event.start;
            columns.durations[at] = event.duration;
            columns.rsvps[at] = event.rsvps;
            columns.capacity[at] = event.capacity;
            columns.prices[at] = event.price;
            columns.titles[at] = event.title;
        }
        events.truncate(from);
        events.shrink_to_fit();
    }
    columns
}

/// Each leaf's events (a contiguous range, as hubs are) as offsets from its first event,
/// sorted by start then id.
fn timelines(columns: &Columns, hub_count: u64, leaf_size: u32) -> Vec<u32> {
    if hub_count == 0 {
        return Vec::new();
    }
    let depth = depth(hub_count, leaf_size);
    let leaves: Vec<Vec<u32>> = (0..1u64 << depth)
        .into_par_iter()
        .map(|leaf| {
            let hubs = node_start(hub_count, depth, leaf)..node_start(hub_count, depth, leaf + 1);
            let first = columns.offsets[hubs.start] as usize;
            let end = columns.offsets[hubs.end] as usize;
            let mut offsets: Vec<u32> = (0..(end - first) as u32).collect();
            offsets.sort_unstable_by_key(|&offset| {
                let event = first + offset as usize;
                (columns.starts[event], columns.ids[event])
            });
            offsets
        })
        .collect();
    leaves.concat()
}

/// Per node: box of hubs and venues, best activity, most members, and time buckets.
fn summaries(
    hubs: &Hubs<'_>,
    columns: &Columns,
    health: &[Health],
    grid: Option<TimeGrid>,
    leaf_size: u32,
) -> (Vec<NodeSummary>, Vec<TimeMask>) {
    let n = hubs.ids.len() as u64;
    let nodes = node_count(n, leaf_size) as usize;
    let mut summaries = vec![NodeSummary::default(); nodes];
    let mut times = vec![TimeMask::default(); nodes];
    if nodes > 0 {
        let depth = depth(n, leaf_size);
        let first_leaf = (1usize << depth) - 1;
        let leaves: Vec<(NodeSummary, TimeMask)> = (0..1u64 << depth)
            .into_par_iter()
            .map(|leaf| {
                let range = node_start(n, depth, leaf)..node_start(n, depth, leaf + 1);
                let mut bounds = bounding_box(&hubs.points[range.clone()]);
                let mut mask = TimeMask::default();
                let mut max_activity = 0.0f32;
                let mut max_members = 0u32;
                for position in range {
                    max_activity = max_activity.max(health[position].activity);
                    max_members = max_members.max(hubs.members[position]);
                    let events =
                        columns.offsets[position] as usize..columns.offsets[position + 1] as usize;
                    if let Some(grid) = grid {
                        for &start in &columns.starts[events.clone()] {
                            grid.mark(&mut mask, start);
                        }
                    }
                    if health[position].marks & MARK_PLACES != 0 {
                        let from = columns
                            .place_events
                            .partition_point(|&e| (e as usize) < events.start);
                        let to = columns
                            .place_events
                            .partition_point(|&e| (e as usize) < events.end);
                        let venues: Vec<Quantized> = columns.place_coords[from..to]
                            .iter()
                            .map(|c| quantize(f64::from(c[0]) / 1e7, f64::from(c[1]) / 1e7))
                            .collect();
                        bounds = union(&bounds, &bounding_box(&venues));
                    }
                }
                let summary = NodeSummary {
                    bounds,
                    max_activity,
                    max_members,
                };
                (summary, mask)
            })
            .collect();
        for (leaf, (summary, mask)) in leaves.into_iter().enumerate() {
            summaries[first_leaf + leaf] = summary;
            times[first_leaf + leaf] = mask;
        }
        for node in (0..first_leaf).rev() {
            let (left, right) = (2 * node + 1, 2 * node + 2);
            summaries[node] = NodeSummary {
                bounds: union(&summaries[left].bounds, &summaries[right].bounds),
                max_activity: summaries[left]
                    .max_activity
                    .max(summaries[right].max_activity),
                max_members: summaries[left]
                    .max_members
                    .max(summaries[right].max_members),
            };
            times[node] = times[left].union(&times[right]);
        }
    }
    (slotted(summaries), slotted(times))
}

/// Per node slot, the staircase of (activity, members) corners above its hubs: leaves from
/// their hubs, inner nodes from their children's corners.
fn node_corners(members: &[u32], health: &[Health], leaf_size: u32) -> Vec<NodeCorners> {
    let n = members.len() as u64;
    let nodes = node_count(n, leaf_size) as usize;
    let mut corners = vec![NodeCorners::default(); nodes];
    if nodes > 0 {
        let depth = depth(n, leaf_size);
        let first_leaf = (1usize << depth) - 1;
        corners[first_leaf..]
            .par_iter_mut()
            .enumerate()
            .for_each(|(leaf, slot)| {
                let range =
                    node_start(n, depth, leaf as u64)..node_start(n, depth, leaf as u64 + 1);
                let mut pairs: Vec<(f32, u32)> = range
                    .map(|position| (health[position].activity, members[position]))
                    .collect();
                *slot = staircase(&mut pairs);
            });
        let mut pairs = Vec::with_capacity(2 * CORNERS);
        for node in (0..first_leaf).rev() {
            pairs.clear();
            for child in [&corners[2 * node + 1], &corners[2 * node + 2]] {
                pairs.extend(child.activity.into_iter().zip(child.members));
            }
            corners[node] = staircase(&mut pairs);
        }
    }
    slotted(corners)
}

/// At most [`CORNERS`] corners that together dominate every pair: the pairs' Pareto front,
/// then, while too many remain, the two neighbours whose merge adds the least area (measured
/// as the default ranked weights see activity and members) merged into one.
fn staircase(pairs: &mut [(f32, u32)]) -> NodeCorners {
    // Most activity first; among equals, most members first, so the front keeps it.
    pairs.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut front: Vec<(f32, u32)> = Vec::with_capacity(pairs.len().min(16));
    for &pair in pairs.iter() {
        // Activity falls along the front, so a pair joins it only with more members.
        if front.last().is_none_or(|last| pair.1 > last.1) {
            front.push(pair);
        }
    }
    let seen = |(activity, members): (f32, u32)| {
        let activity = f64::from(activity).max(0.0);
        let members = f64::from(members);
        (activity / (activity + 5.0), members / (members + 100.0))
    };
    while front.len() > CORNERS {
        let mut merge = 0;
        let mut least = f64::INFINITY;
        for at in 0..front.len() - 1 {
            let (a0, m0) = seen(front[at]);
            let (a1, m1) = seen(front[at + 1]);
            let added = (a0 - a1) * (m1 - m0);
            if added < least {
                least = added;
                merge = at;
            }
        }
        front[merge].1 = front[merge + 1].1;
        front.remove(merge + 1);
    }
    let mut corners = NodeCorners::default();
    if let Some(&last) = front.last() {
        for slot in 0..CORNERS {
            let (activity, members) = front.get(slot).copied().unwrap_or(last);
            corners.activity[slot] = activity;
            corners.members[slot] = members;
        }
    }
    corners
}

/// Node values stored in slots, node `j` at slot `j + 1`, as the tree's nodes are.
fn slotted<T: Default>(values: Vec<T>) -> Vec<T> {
    if values.is_empty() {
        values
    } else {
        std::iter::once(T::default()).chain(values).collect()
    }
}

struct Regions {
    keys: Vec<u64>,
    stats: Vec<RegionStats>,
    trend_offsets: Vec<u32>,
    trend_hubs: Vec<u32>,
}

fn regions(hubs: &Hubs<'_>, health: &[Health]) -> Regions {
    let mut entries: Vec<(u64, u32)> = REGION_RESOLUTIONS
        .par_iter()
        .flat_map(|&resolution| {
            let resolution = Resolution::try_from(resolution).unwrap_or(Resolution::Zero);
            // The cell h3o puts the hub in at this resolution, which is not always the
            // parent of its finest cell: H3 cells do not nest exactly.
            hubs.coords
                .par_iter()
                .enumerate()
                .filter_map(move |(position, &c)| {
                    let point = LatLng::new(f64::from(c[0]) / 1e7, f64::from(c[1]) / 1e7).ok()?;
                    Some((u64::from(point.to_cell(resolution)), position as u32))
                })
        })
        .collect();
    entries.par_sort_unstable();
    let groups: Vec<&[(u64, u32)]> = entries.chunk_by(|a, b| a.0 == b.0).collect();
    let figures: Vec<(u64, RegionStats, Vec<u32>)> = groups
        .par_iter()
        .map(|group| region(group, hubs, health))
        .collect();
    let mut regions = Regions {
        keys: Vec::with_capacity(figures.len()),
        stats: Vec::with_capacity(figures.len()),
        trend_offsets: vec![0],
        trend_hubs: Vec::new(),
    };
    for (key, stats, trending) in figures {
        regions.keys.push(key);
        regions.stats.push(stats);
        regions.trend_hubs.extend(trending);
        regions.trend_offsets.push(regions.trend_hubs.len() as u32);
    }
    regions
}

fn region(
    group: &[(u64, u32)],
    hubs: &Hubs<'_>,
    health: &[Health],
) -> (u64, RegionStats, Vec<u32>) {
    let mut stats = RegionStats {
        hubs: group.len() as u32,
        median_activation_days: f32::NAN,
        ..RegionStats::default()
    };
    let mut activation: Vec<i32> = Vec::new();
    let mut trending: Vec<(f64, u64, u32)> = Vec::new();
    for &(_, position) in group {
        let figures = &health[position as usize];
        stats.active += u32::from(figures.state == HealthState::Active as u8);
        stats.activated += u32::from(figures.since_last_days != NO_DAYS);
        if figures.activation_days != NO_DAYS {
            activation.push(figures.activation_days);
        }
        let growth = f64::from(figures.recent) - f64::from(figures.previous);
        if growth > 0.0 {
            trending.push((growth, hubs.ids[position as usize], position));
        }
    }
    activation.sort_unstable();
    stats.median_activation_days = match activation.len() {
        0 => f32::NAN,
        n if n % 2 == 1 => activation[n / 2] as f32,
        n => ((f64::from(activation[n / 2 - 1]) + f64::from(activation[n / 2])) / 2.0) as f32,
    };
    trending.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    trending.truncate(TREND_LIMIT);
    (
        group[0].0,
        stats,
        trending
            .into_iter()
            .map(|(_, _, position)| position)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every pair lies under some corner, and no corner is above every pair's best:
        /// each corner's activity and members are those of some pair.
        #[test]
        fn corners_dominate_every_pair(
            pairs in proptest::collection::vec((-2.0f32..400.0, 0u32..5_000), 1..80),
        ) {
            let corners = staircase(&mut pairs.clone());
            for &(activity, members) in &pairs {
                let covered = (0..CORNERS).any(|slot| {
                    corners.activity[slot] >= activity && corners.members[slot] >= members
                });
                prop_assert!(covered, "({activity}, {members}) under no corner of {corners:?}");
            }
            for slot in 0..CORNERS {
                let (activity, members) = (corners.activity[slot], corners.members[slot]);
                prop_assert!(pairs.iter().any(|p| p.0 == activity), "activity {activity}");
                prop_assert!(pairs.iter().any(|p| p.1 == members), "members {members}");
            }
        }

        /// A parent's corners, made from its children's, dominate the children's hubs.
        #[test]
        fn merged_corners_dominate_both_children(
            left in proptest::collection::vec((0.0f32..50.0, 0u32..900), 1..40),
            right in proptest::collection::vec((0.0f32..50.0, 0u32..900), 1..40),
        ) {
            let (a, b) = (staircase(&mut left.clone()), staircase(&mut right.clone()));
            let mut pairs: Vec<(f32, u32)> = a.activity.into_iter().zip(a.members).collect();
            pairs.extend(b.activity.into_iter().zip(b.members));
            let parent = staircase(&mut pairs);
            for &(activity, members) in left.iter().chain(&right) {
                let covered = (0..CORNERS).any(|slot| {
                    parent.activity[slot] >= activity && parent.members[slot] >= members
                });
                prop_assert!(covered, "({activity}, {members}) under no corner of {parent:?}");
            }
        }
    }

    #[test]
    fn a_front_of_four_or_fewer_is_kept_whole() {
        // (9, 1) and (1, 9) are the front; (2, 2) lies under neither alone but under both.
        let corners = staircase(&mut [(9.0, 1), (2.0, 2), (1.0, 9), (0.5, 3)]);
        assert_eq!(corners.activity, [9.0, 2.0, 1.0, 1.0]);
        assert_eq!(corners.members, [1, 2, 9, 9]);
    }
}
