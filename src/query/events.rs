//! Upcoming events: events starting in a time window within a radius, by start time or by
//! relevance.

use std::hash::{Hash, Hasher};

use super::activity::EventRef;
use super::best::{self, Bound, RankScratch, Scored};
use super::cursor::{self, Cursor};
use super::ranked::distance_floor;
use super::search::split_box;
use super::{check_point, check_radius};
use crate::bytes::{prefetch, prefetch_bytes, prefetch_range};
use crate::decay::Decay;
use crate::error::QueryError;
use crate::format::activity::{TimeGrid, MARK_CATEGORIES, MARK_PLACES};
use crate::format::tree::node_start;
use crate::format::SectionKind;
use crate::hub::{CategorySet, HubFlags};
use crate::sphere::{quantize, radius_key, Key, Probe};
use crate::Snapshot;

/// How upcoming events are ordered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EventOrder {
    /// By start time, then distance (in whole centimetres), then id: of the events starting
    /// together, the nearest first.
    Start,
    /// By relevance, best first, then id: `distance_decay(d) · time_decay(start − from) ·
    /// ((1 − w) + w · a / (a + activity_pivot))` where `a` is the hub's activity and `w` the
    /// activity weight in `[0, 1]`.
    Relevance {
        /// Decay over the distance in metres.
        distance: Decay,
        /// Decay over the seconds from the window's start to the event's.
        time: Decay,
        /// `w`, in `[0, 1]`.
        activity_weight: f64,
        /// The activity that earns half of `w`.
        activity_pivot: f64,
    },
}

/// Events starting in `[from, to]` within a radius of a point.
#[derive(Clone, Debug, PartialEq)]
pub struct Upcoming {
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) radius_m: f64,
    from: i64,
    to: i64,
    pub(crate) limit: usize,
    pub(crate) order: EventOrder,
    any_of: Option<CategorySet>,
    free_only: bool,
    verified_only: bool,
    pub(crate) cursor: Option<Cursor>,
}

/// An event found by [`Snapshot::upcoming`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EventHit {
    /// The event's position.
    pub position: u32,
    /// The event's id.
    pub id: u64,
    /// Its hub's position.
    pub hub_position: u32,
    /// Great-circle distance from the query point to the venue, metres.
    pub distance_m: f64,
    /// Start, unix seconds.
    pub starts_at: i64,
    /// The relevance (1 for order by start).
    pub score: f64,
    /// The distance decay's factor (relevance order; 1 otherwise).
    pub distance_factor: f64,
    /// The time decay's factor (relevance order; 1 otherwise).
    pub time_factor: f64,
    /// The activity factor (relevance order; 1 otherwise).
    pub activity_factor: f64,
}

/// One page of events, and the cursor of the next page if the page is full.
#[derive(Clone, Debug, PartialEq)]
pub struct EventPage {
    /// The events.
    pub hits: Vec<EventHit>,
    /// Where the next page starts.
    pub next: Option<Cursor>,
}

impl Upcoming {
    /// The first 20 events by start in `[from, to]` (unix seconds) within `radius_m` of a
    /// point.
    pub fn new(lat: f64, lon: f64, radius_m: f64, from: i64, to: i64) -> Upcoming {
        Upcoming {
            lat,
            lon,
            radius_m,
            from,
            to,
            limit: 20,
            order: EventOrder::Start,
            any_of: None,
            free_only: false,
            verified_only: false,
            cursor: None,
        }
    }

    /// How many events per page.
    pub fn limit(mut self, limit: usize) -> Upcoming {
        self.limit = limit;
        self
    }

    /// The order.
    pub fn order(mut self, order: EventOrder) -> Upcoming {
        self.order = order;
        self
    }

    /// Only events having one of these categories (their own, else their hub's).
    pub fn any_of(mut self, categories: CategorySet) -> Upcoming {
        self.any_of = Some(categories);
        self
    }

    /// Only free events.
    pub fn free_only(mut self) -> Upcoming {
        self.free_only = true;
        self
    }

    /// Only events of verified hubs.
    pub fn verified_only(mut self) -> Upcoming {
        self.verified_only = true;
        self
    }

    /// The page after the one that returned `cursor`.
    pub fn after(mut self, cursor: Cursor) -> Upcoming {
        self.cursor = Some(cursor);
        self
    }

    /// Checks the parameters: a point on the globe, a radius, a window, order weights.
    pub(crate) fn check(&self) -> Result<(), QueryError> {
        check_point(self.lat, self.lon)?;
        check_radius("radius_m", self.radius_m)?;
        if self.to < self.from {
            return Err(QueryError::InvalidParameter {
                parameter: "to",
                value: self.to.to_string(),
                expected: "a time not before `from`",
            });
        }
        if let EventOrder::Relevance {
            activity_weight,
            activity_pivot,
            ..
        } = self.order
        {
            if !(0.0..=1.0).contains(&activity_weight) {
                return Err(QueryError::InvalidParameter {
                    parameter: "activity_weight",
                    value: activity_weight.to_string(),
                    expected: "a number from 0 to 1",
                });
            }
            if !(activity_pivot.is_finite() && activity_pivot > 0.0) {
                return Err(QueryError::InvalidParameter {
                    parameter: "activity_pivot",
                    value: activity_pivot.to_string(),
                    expected: "a finite number above 0",
                });
            }
        }
        Ok(())
    }

    pub(crate) fn hash(&self) -> u32 {
        let mut hasher = cursor::query_hasher();
        // The tag changed when pages by start began to break ties by distance: cursors of
        // earlier builds, whose keys meant something else, are refused rather than misread.
        (
            "upcoming, ties by distance",
            self.lat.to_bits(),
            self.lon.to_bits(),
            self.radius_m.to_bits(),
            self.from,
            self.to,
            self.any_of.map(|set| set.0),
            self.free_only,
            self.verified_only,
        )
            .hash(&mut hasher);
        if let EventOrder::Relevance {
            distance,
            time,
            activity_weight,
            activity_pivot,
        } = self.order
        {
            distance.hash_into(&mut hasher);
            time.hash_into(&mut hasher);
            hasher.write_u64(activity_weight.to_bits());
            hasher.write_u64(activity_pivot.to_bits());
        }
        cursor::finish(hasher)
    }
}

/// The priority of an event by start: earlier is higher, and every value is non-negative.
pub(crate) fn start_priority(start: u32) -> f64 {
    f64::from(u32::MAX - start)
}

/// The tie-break of events starting together: the distance in whole centimetres (it fits a
/// `u32`: half the globe's circumference is about 2·10^9 cm).
pub(crate) fn centimetres(distance_m: f64) -> u32 {
    // `as` truncates, which for distances is the floor; it saturates, and reads NaN as 0.
    (distance_m * 100.0) as u32
}

/// Where a page by start ended, in a cursor's key: the start and the distance in centimetres.
pub(crate) fn start_key(start: u32, tie: u32) -> u64 {
    u64::from(start) << 32 | u64::from(tie)
}

impl<B: AsRef<[u8]>> Snapshot<B> {
    /// Events starting in a time window within a radius.
    ///
    /// Exact: the same events in the same order as checking every event. By start, events
    /// starting together come nearest first, then by ascending id; by relevance, equal scores
    /// go by ascending id. Events whose distances differ by under a centimetre may trade
    /// places.
    ///
    /// # Errors
    ///
    /// [`QueryError::InvalidParameter`] for a point off the globe, a bad radius, a window
    /// that ends before it starts, or an activity weight outside `[0, 1]`;
    /// [`QueryError::BadCursor`]; [`QueryError::Corrupt`] if the buffer changed after open.
    pub fn upcoming(&self, query: &Upcoming) -> Result<EventPage, QueryError> {
        let mut hits = Vec::new();
        let next = self.upcoming_with(query, &mut RankScratch::new(), &mut hits)?;
        Ok(EventPage { hits, next })
    }

    /// [`Snapshot::upcoming`] into `hits` (cleared first), reusing `scratch`; returns the
    /// next page's cursor.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::upcoming`].
    pub fn upcoming_with(
        &self,
        query: &Upcoming,
        scratch: &mut RankScratch,
        hits: &mut Vec<EventHit>,
    ) -> Result<Option<Cursor>, QueryError> {
        hits.clear();
        query.check()?;
        let hash = query.hash();
        let fingerprint = self.fingerprint();
        let after = query
            .cursor
            .map(|c| c.resume(fingerprint, hash))
            .transpose()?
            .map(|(key, id)| match query.order {
                EventOrder::Start => (
                    start_priority((key.0 >> 32) as u32),
                    f64::from(key.0 as u32),
                    id,
                ),
                EventOrder::Relevance { .. } => (f64::from_bits(key.0), 0.0, id),
            });

        // Starts are stored as u32 unix seconds: clamp the window to that range.
        let (from, to) = (
            query.from.clamp(0, i64::from(u32::MAX)),
            query.to.clamp(0, i64::from(u32::MAX)),
        );
        if query.to < 0 || query.from > i64::from(u32::MAX) || self.event_count() == 0 {
            return Ok(None);
        }
        let (from, to) = (from as u32, to as u32);

        let tree = self.tree()?;
        let hubs_view = self.hubs();
        let events = self.events();
        let activity = self.activity();
        let meta = self.meta();
        let n = tree.points.len();
        let corrupt = QueryError::Corrupt {
            section: SectionKind::EventOffsets.name(),
        };
        if hubs_view.ids.len() != n
            || hubs_view.flags.len() != n
            || hubs_view.categories.len() != n
            || activity.health.len() != n
        {
            return Err(corrupt);
        }
        let grid = TimeGrid::of(meta).ok_or(QueryError::Corrupt {
            section: SectionKind::Meta.name(),
        })?;

        let window = grid.window(from, to);
        let probe = Probe::new(query.lat, query.lon);
        let limit = radius_key(query.radius_m);
        let order = query.order;
        let verified = if query.verified_only {
            HubFlags::VERIFIED.bits()
        } else {
            0
        };
        let mut found = std::mem::take(&mut scratch.hits);
        found.clear();
        // The bound of a node (by its box, best activity and a start no event below it
        // precedes), or `None` if it is out of range. By start, many events start together
        // (on the hour): among them the nearest come first, and the node's distance bounds
        // the tie-break.
        let node_bound = |index: usize, earliest: u32| -> Option<Bound> {
            let summary = activity.summaries.get(index + 1)?;
            let (lo, hi) = split_box(&summary.bounds);
            let lower = probe.lower_bound(&lo, &hi);
            if lower > limit {
                return None;
            }
            Some(match order {
                EventOrder::Start => Bound {
                    score: start_priority(earliest),
                    tie: f64::from(centimetres(lower.distance_floor_m())),
                },
                EventOrder::Relevance {
                    distance,
                    time,
                    activity_weight,
                    activity_pivot,
                } => {
                    let best = f64::from(summary.max_activity).max(0.0);
                    Bound::score(
                        distance.value(distance_floor(lower))
                            * time.value(f64::from(earliest.saturating_sub(from)))
                            * ((1.0 - activity_weight)
                                + activity_weight * best / (best + activity_pivot)),
                    )
                }
            })
        };
        best::search(
            tree.hub_count,
            tree.depth,
            query.limit.min(self.event_count()),
            scratch,
            |index, level, position| {
                if verified != 0 && tree.flags.get(index)? & verified == 0 {
                    return None;
                }
                let times = activity.times.get(index + 1)?;
                let bound = node_bound(index, window.earliest(times)?)?;
                // The node may be opened: start loading what that will read.
                if level < tree.depth {
                    prefetch(activity.summaries, 2 * index + 2);
                    for child in [2 * index + 2, 2 * index + 3] {
                        prefetch_bytes(activity.times, child, 0);
                        prefetch_bytes(activity.times, child, 64);
                    }
                } else {
                    let first = node_start(tree.hub_count, level, position);
                    let end = node_start(tree.hub_count, level, position + 1);
                    prefetch(events.offsets, first);
                    prefetch(events.offsets, end);
                }
                Some(bound)
            },
            true,
            // A leaf's exact first start in the window, from its timeline.
            |index: usize, hubs: std::ops::Range<usize>| {
                let span = events.of_hubs(hubs.clone());
                // The search below reads a few lines of the timeline and of the starts, each
                // read waiting on the one before: load them all at once instead. The scan
                // that most refined leaves get reads the hubs' points and figures.
                prefetch_range(events.timelines, span.clone());
                prefetch_range(events.starts, span.clone());
                prefetch_range(tree.points, hubs.clone());
                prefetch_range(activity.health, hubs);
                let at = events.first_from(&span, from);
                let &offset = events.timelines.get(span.start + at)?;
                let start = events.start_at(span.start, offset);
                if span.start + at >= span.end || start > to {
                    return None;
                }
                node_bound(index, start)
            },
            |hubs: std::ops::Range<usize>,
             resume: u32,
             queued: Option<Bound>,
             top: &mut best::TopK| {
                let span = events.of_hubs(hubs.clone());
                let offsets = events.offsets.get(hubs.start..=hubs.end).unwrap_or(&[]);
                let timeline = events.timelines.get(span.clone()).unwrap_or(&[]);
                let first = match resume {
                    0 => events.first_from(&span, from),
                    resume => resume as usize,
                };
                // The leaf's part of the venue table, found when an event first needs it.
                let mut places = None;
                let timeline = timeline.get(first..).unwrap_or(&[]);
                for (at, &offset) in timeline.iter().enumerate() {
                    let event = span.start + offset as usize;
                    // Its id (read if it is in range) and the next event's start and id are
                    // on lines of their own: start loading them now.
                    prefetch(events.ids, event);
                    if let Some(&next) = timeline.get(at + 1) {
                        prefetch(events.starts, span.start + next as usize);
                        prefetch(events.ids, span.start + next as usize);
                    }
                    let Some(&start) = events.starts.get(event) else {
                        continue;
                    };
                    if start > to {
                        break;
                    }
                    // Later events start later: once the time alone rules one out, it rules
                    // out the rest of the leaf.
                    let best_possible = match order {
                        EventOrder::Start => start_priority(start),
                        EventOrder::Relevance { time, .. } => {
                            time.value(f64::from(start.saturating_sub(from)))
                        }
                    };
                    if !top.wants(best_possible) {
                        break;
                    }
                    // By start, once the rest of the leaf starts after a waiting node's bound,
                    // the leaf gives way to it until the search comes back to this event: a
                    // leaf read while the top still fills would otherwise offer every event
                    // of its window.
                    if let (EventOrder::Start, Some(queued)) = (order, queued) {
                        if best_possible < queued.score {
                            if let Ok(at) = u32::try_from(first + at) {
                                return Some((Bound::score(best_possible), at));
                            }
                        }
                    }
                    // The event's hub: the last whose first event is at or before it.
                    let Some(hub) = offsets
                        .partition_point(|&o| o as usize <= event)
                        .checked_sub(1)
                        .map(|at| hubs.start + at)
                    else {
                        continue;
                    };
                    let (Some(point), Some(health)) =
                        (tree.points.get(hub), activity.health.get(hub))
                    else {
                        continue;
                    };
                    // Flags and categories are read only for the filters that ask for them.
                    if verified != 0 && hubs_view.flags.get(hub).is_none_or(|f| f & verified == 0) {
                        continue;
                    }
                    if query.free_only && events.prices.get(event) != Some(&0) {
                        continue;
                    }
                    if let Some(any) = query.any_of {
                        let hub_categories = hubs_view.categories.get(hub).copied().unwrap_or(0);
                        let categories = match health.marks & MARK_CATEGORIES != 0 {
                            true => events.own_categories(event).unwrap_or(hub_categories),
                            false => hub_categories,
                        };
                        if any.0 & categories == 0 {
                            continue;
                        }
                    }
                    let place = match health.marks & MARK_PLACES != 0 {
                        true => {
                            let places = places.get_or_insert_with(|| events.places_of(&span));
                            events.place_among(event, places)
                        }
                        false => None,
                    };
                    let (key, distance_m) = match place {
                        Some(place) => {
                            let venue =
                                quantize(f64::from(place[0]) / 1e7, f64::from(place[1]) / 1e7);
                            let key = probe.key(&venue);
                            (key, probe.distance_of(key, &venue))
                        }
                        None => {
                            let key = probe.key(point);
                            (key, probe.distance_of(key, point))
                        }
                    };
                    if key > limit {
                        continue;
                    }
                    let Some(&id) = events.ids.get(event) else {
                        continue;
                    };
                    let (score, tie) = match order {
                        EventOrder::Start => {
                            (start_priority(start), f64::from(centimetres(distance_m)))
                        }
                        EventOrder::Relevance {
                            distance,
                            time,
                            activity_weight,
                            activity_pivot,
                        } => {
                            let a = f64::from(health.activity).max(0.0);
                            let score = distance.value(distance_m)
                                * time.value(f64::from(start - from))
                                * ((1.0 - activity_weight)
                                    + activity_weight * a / (a + activity_pivot));
                            (score, 0.0)
                        }
                    };
                    let hit = Scored {
                        score,
                        tie,
                        id,
                        position: event as u32,
                        hub: hub as u32,
                        distance_m,
                    };
                    if after.is_none_or(|(score, tie, id)| hit.after(score, tie, id)) {
                        top.offer(hit);
                    }
                }
                None
            },
            &mut found,
        );
        for hit in &found {
            let start = events
                .starts
                .get(hit.position as usize)
                .copied()
                .unwrap_or(0);
            let (distance_factor, time_factor, activity_factor) = match order {
                EventOrder::Start => (1.0, 1.0, 1.0),
                EventOrder::Relevance {
                    distance,
                    time,
                    activity_weight,
                    activity_pivot,
                } => {
                    let a = activity
                        .health
                        .get(hit.hub as usize)
                        .map_or(0.0, |h| f64::from(h.activity).max(0.0));
                    (
                        distance.value(hit.distance_m),
                        time.value(f64::from(start.saturating_sub(from))),
                        (1.0 - activity_weight) + activity_weight * a / (a + activity_pivot),
                    )
                }
            };
            hits.push(EventHit {
                position: hit.position,
                id: hit.id,
                hub_position: hit.hub,
                distance_m: hit.distance_m,
                starts_at: i64::from(start),
                score: match order {
                    EventOrder::Start => 1.0,
                    EventOrder::Relevance { .. } => hit.score,
                },
                distance_factor,
                time_factor,
                activity_factor,
            });
        }
        let full = query.limit > 0 && found.len() == query.limit;
        let next = found.last().filter(|_| full).map(|last| Cursor {
            fingerprint,
            query: hash,
            key: Key(match order {
                EventOrder::Start => start_key(
                    events
                        .starts
                        .get(last.position as usize)
                        .copied()
                        .unwrap_or(0),
                    last.tie as u32,
                ),
                EventOrder::Relevance { .. } => last.score.to_bits(),
            }),
            id: last.id,
        });
        scratch.hits = found;
        Ok(next)
    }

    /// The event of a hit, read in place.
    pub fn event_of(&self, hit: &EventHit) -> Option<EventRef<'_>> {
        self.event_at_hub(hit.position, hit.hub_position)
    }
}
