//! Ranked hubs: the top k within a radius by a score that blends a distance decay with
//! activity and members.

use std::hash::{Hash, Hasher};

use super::best::{self, RankScratch, Scored};
use super::cursor::{self, Cursor};
use super::filter::Filter;
use super::search::split_box;
use super::{check_point, check_radius};
use crate::activity::HealthState;
use crate::decay::Decay;
use crate::error::QueryError;
use crate::format::SectionKind;
use crate::sphere::{radius_key, Key, Probe, EARTH_RADIUS_M};
use crate::Snapshot;

/// Weights and pivots of the ranked score.
///
/// `score = distance · decay(d) + activity · a / (a + activity_pivot) + members · m / (m +
/// members_pivot)`, where `d` is the distance in metres, `a` the hub's activity score and `m`
/// its member count. Each term lies in `[0, weight]`; a pivot is the value that earns half
/// its weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weights {
    /// Weight of the distance decay. Default 1.
    pub distance: f64,
    /// Weight of activity. Default 1.
    pub activity: f64,
    /// Weight of members. Default 0.5.
    pub members: f64,
    /// Activity that earns half the activity weight. Default 5.
    pub activity_pivot: f64,
    /// Members that earn half the members weight. Default 100.
    pub members_pivot: f64,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            distance: 1.0,
            activity: 1.0,
            members: 0.5,
            activity_pivot: 5.0,
            members_pivot: 100.0,
        }
    }
}

impl Weights {
    pub(crate) fn check(&self) -> Result<(), QueryError> {
        let weights = [
            ("weight.distance", self.distance),
            ("weight.activity", self.activity),
            ("weight.members", self.members),
        ];
        for (parameter, value) in weights {
            if !(value.is_finite() && value >= 0.0) {
                return Err(QueryError::InvalidParameter {
                    parameter,
                    value: value.to_string(),
                    expected: "a finite weight, 0 or more",
                });
            }
        }
        for (parameter, value) in [
            ("activity_pivot", self.activity_pivot),
            ("members_pivot", self.members_pivot),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(QueryError::InvalidParameter {
                    parameter,
                    value: value.to_string(),
                    expected: "a finite number above 0",
                });
            }
        }
        Ok(())
    }

    /// The three weighted terms for a distance factor, an activity and a member count.
    #[inline]
    pub(crate) fn terms(&self, distance_factor: f64, activity: f64, members: f64) -> [f64; 3] {
        let activity = activity.max(0.0);
        [
            self.distance * distance_factor,
            self.activity * (activity / (activity + self.activity_pivot)),
            self.members * (members / (members + self.members_pivot)),
        ]
    }

    fn hash_into(&self, hasher: &mut impl Hasher) {
        for value in [
            self.distance,
            self.activity,
            self.members,
            self.activity_pivot,
            self.members_pivot,
        ] {
            hasher.write_u64(value.to_bits());
        }
    }
}

/// The top hubs within a radius by a blended score, best first, ties by ascending id.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) radius_m: f64,
    pub(crate) k: usize,
    decay: Decay,
    pub(crate) weights: Weights,
    filter: Filter,
    min_members: u32,
    states: u8,
    pub(crate) cursor: Option<Cursor>,
}

/// A ranked hub, with its score explained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RankedHit {
    /// The hub's position.
    pub position: u32,
    /// The hub's id.
    pub id: u64,
    /// Great-circle distance from the query point, metres.
    pub distance_m: f64,
    /// The score: the sum of the three terms below.
    pub score: f64,
    /// `weights.distance · decay(distance)`.
    pub distance_term: f64,
    /// `weights.activity · a / (a + activity_pivot)`.
    pub activity_term: f64,
    /// `weights.members · m / (m + members_pivot)`.
    pub members_term: f64,
    /// The hub's activity score.
    pub activity: f64,
    /// The hub's members.
    pub members: u32,
}

/// One page of ranked hits, and the cursor of the next page if the page is full.
#[derive(Clone, Debug, PartialEq)]
pub struct RankedPage {
    /// The hits, best first.
    pub hits: Vec<RankedHit>,
    /// Where the next page starts.
    pub next: Option<Cursor>,
}

impl Ranked {
    /// The top 20 hubs within `radius_m` of a point, with a Gaussian decay of scale
    /// `radius_m / 2` (0.5 at half the radius), default [`Weights`] and no filter.
    pub fn new(lat: f64, lon: f64, radius_m: f64) -> Ranked {
        let scale = if radius_m.is_finite() && radius_m > 0.0 {
            radius_m / 2.0
        } else {
            1.0
        };
        Ranked {
            lat,
            lon,
            radius_m,
            k: 20,
            decay: Decay::gauss(scale, 0.0, 0.5).unwrap_or(FALLBACK),
            weights: Weights::default(),
            filter: Filter::new(),
            min_members: 0,
            states: 0,
            cursor: None,
        }
    }

    /// How many hubs per page.
    pub fn k(mut self, k: usize) -> Ranked {
        self.k = k;
        self
    }

    /// The distance decay (origin: the query point; distances in metres).
    pub fn decay(mut self, decay: Decay) -> Ranked {
        self.decay = decay;
        self
    }

    /// The weights and pivots.
    pub fn weights(mut self, weights: Weights) -> Ranked {
        self.weights = weights;
        self
    }

    /// Only hubs the filter keeps.
    pub fn filter(mut self, filter: Filter) -> Ranked {
        self.filter = filter;
        self
    }

    /// Only hubs with at least this many members.
    pub fn min_members(mut self, members: u32) -> Ranked {
        self.min_members = members;
        self
    }

    /// Only hubs in one of these states (all states when never called).
    pub fn states(mut self, states: impl IntoIterator<Item = HealthState>) -> Ranked {
        self.states = states.into_iter().fold(self.states, |all, s| all | s.bit());
        self
    }

    /// The page after the one that returned `cursor`.
    pub fn after(mut self, cursor: Cursor) -> Ranked {
        self.cursor = Some(cursor);
        self
    }

    pub(crate) fn filter_ref(&self) -> &Filter {
        &self.filter
    }

    pub(crate) fn hash(&self) -> u32 {
        let mut hasher = cursor::query_hasher();
        (
            "ranked",
            self.lat.to_bits(),
            self.lon.to_bits(),
            self.radius_m.to_bits(),
            self.min_members,
            self.states,
        )
            .hash(&mut hasher);
        self.decay.hash_into(&mut hasher);
        self.weights.hash_into(&mut hasher);
        self.filter.hash_into(&mut hasher);
        cursor::finish(hasher)
    }
}

/// A valid decay for the (refused) case of an invalid radius.
const FALLBACK: Decay = Decay::FALLBACK;

/// The smallest distance of any point whose key is at least `key`: keys map to distances
/// monotonically, so this bounds the distances the hits report.
#[inline]
pub(crate) fn distance_floor(key: Key) -> f64 {
    key.near_distance_m()
        .unwrap_or(std::f64::consts::FRAC_PI_2 * EARTH_RADIUS_M)
}

impl<B: AsRef<[u8]>> Snapshot<B> {
    /// The top hubs within a radius by the ranked score (see [`Weights`]).
    ///
    /// Exact: the same hubs in the same order as scoring every hub within the radius, ties
    /// by ascending id (hubs whose distances differ by under a centimetre may trade places).
    ///
    /// # Errors
    ///
    /// [`QueryError::InvalidParameter`] for a point off the globe, a bad radius or weight;
    /// [`QueryError::BadCursor`]; [`QueryError::Corrupt`] if the buffer changed after open.
    pub fn ranked(&self, query: &Ranked) -> Result<RankedPage, QueryError> {
        let mut hits = Vec::new();
        let next = self.ranked_with(query, &mut RankScratch::new(), &mut hits)?;
        Ok(RankedPage { hits, next })
    }

    /// [`Snapshot::ranked`] into `hits` (cleared first), reusing `scratch`; returns the next
    /// page's cursor.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::ranked`].
    pub fn ranked_with(
        &self,
        query: &Ranked,
        scratch: &mut RankScratch,
        hits: &mut Vec<RankedHit>,
    ) -> Result<Option<Cursor>, QueryError> {
        hits.clear();
        check_point(query.lat, query.lon)?;
        check_radius("radius_m", query.radius_m)?;
        query.weights.check()?;
        let hash = query.hash();
        let fingerprint = self.fingerprint();
        let after = query
            .cursor
            .map(|c| c.resume(fingerprint, hash))
            .transpose()?
            .map(|(key, id)| (f64::from_bits(key.0), id));

        let tree = self.tree()?;
        let hubs = self.hubs();
        let activity = self.activity();
        let n = tree.points.len();
        let corrupt = QueryError::Corrupt {
            section: SectionKind::HubHealth.name(),
        };
        if hubs.ids.len() != n
            || hubs.members.len() != n
            || hubs.categories.len() != n
            || hubs.flags.len() != n
        {
            return Err(corrupt);
        }
        // A format 1 snapshot has no activity: every hub scores 0 there.
        let health = activity.health;
        let summaries = activity.summaries;
        let probe = Probe::new(query.lat, query.lon);
        let limit = radius_key(query.radius_m);
        let weights = query.weights;
        let decay = query.decay;
        let states = query.states;
        let filter = &query.filter;
        // TODO(#3): p99 is above the 30 µs target where a 25 km radius holds tens of
        // thousands of hubs with similar activity bounds; a freshness term is not offered yet.
        let mut found = std::mem::take(&mut scratch.hits);
        found.clear();
        best::search(
            tree.hub_count,
            tree.depth,
            query.k.min(n),
            scratch,
            |index, _, _| {
                let node = tree.node(index)?;
                let (lo, hi) = split_box(&node.bounds);
                let lower = probe.lower_bound(&lo, &hi);
                if lower > limit {
                    return None;
                }
                let flags = *tree.flags.get(index)?;
                if !filter.may_match(node.categories, flags) {
                    return None;
                }
                let (max_activity, max_members) = match summaries.get(index + 1) {
                    Some(summary) => (f64::from(summary.max_activity), summary.max_members),
                    None => (0.0, u32::MAX),
                };
                if max_members < query.min_members || !filter.members_may_match(max_members) {
                    return None;
                }
                let terms = weights.terms(
                    decay.value(distance_floor(lower)),
                    max_activity,
                    f64::from(max_members),
                );
                Some(terms[0] + terms[1] + terms[2])
            },
            false,
            best::NoRefine,
            |range, top| {
                for position in range {
                    let (Some(point), Some(&id), Some(&members)) = (
                        tree.points.get(position),
                        hubs.ids.get(position),
                        hubs.members.get(position),
                    ) else {
                        continue;
                    };
                    let key = probe.key(point);
                    if key > limit || members < query.min_members {
                        continue;
                    }
                    let figures = health.get(position);
                    let activity = figures.map_or(0.0, |h| f64::from(h.activity));
                    // The score with a full distance term bounds the real one (the sums are
                    // rounded alike): most hubs of a dense city fail here, before the
                    // distance and the decay are computed.
                    let terms = weights.terms(1.0, activity, f64::from(members));
                    if !top.wants(terms[0] + terms[1] + terms[2]) {
                        continue;
                    }
                    if states != 0 && figures.is_none_or(|h| states & (1u8 << h.state.min(7)) == 0)
                    {
                        continue;
                    }
                    let flags = hubs.flags.get(position).copied().unwrap_or(0);
                    if !filter.matches(id, hubs.categories[position], flags)
                        || !filter.figures_match(members, figures)
                    {
                        continue;
                    }
                    let distance_m = probe.distance_of(key, point);
                    let terms =
                        weights.terms(decay.value(distance_m), activity, f64::from(members));
                    let hit = Scored {
                        score: terms[0] + terms[1] + terms[2],
                        id,
                        position: position as u32,
                        hub: position as u32,
                        distance_m,
                    };
                    if after.is_none_or(|(score, id)| hit.after(score, id)) {
                        top.offer(hit);
                    }
                }
            },
            &mut found,
        );
        for hit in &found {
            let position = hit.position as usize;
            let members = hubs.members[position];
            let activity = health.get(position).map_or(0.0, |h| f64::from(h.activity));
            let terms = weights.terms(decay.value(hit.distance_m), activity, f64::from(members));
            hits.push(RankedHit {
                position: hit.position,
                id: hit.id,
                distance_m: hit.distance_m,
                score: hit.score,
                distance_term: terms[0],
                activity_term: terms[1],
                members_term: terms[2],
                activity,
                members,
            });
        }
        let full = query.k > 0 && found.len() == query.k;
        let next = found.last().filter(|_| full).map(|last| Cursor {
            fingerprint,
            query: hash,
            key: Key(last.score.to_bits()),
            id: last.id,
        });
        scratch.hits = found;
        Ok(next)
    }
}

impl<B: AsRef<[u8]>> Snapshot<B> {
    /// The ranked page over the hubs at `positions` only (each already kept by the query's
    /// filter), scored one by one: the radius, members and state tests still apply. `area`
    /// identifies where the positions came from, for the cursor.
    pub(crate) fn ranked_among(
        &self,
        query: &Ranked,
        positions: &[u32],
        area: u32,
    ) -> Result<RankedPage, QueryError> {
        check_point(query.lat, query.lon)?;
        check_radius("radius_m", query.radius_m)?;
        query.weights.check()?;
        // Cursors of a page over an area are tied to the area too.
        let hash = query.hash() ^ area.rotate_left(1) ^ 1;
        let fingerprint = self.fingerprint();
        let after = query
            .cursor
            .map(|c| c.resume(fingerprint, hash))
            .transpose()?
            .map(|(key, id)| (f64::from_bits(key.0), id));
        let (tree, hubs, health) = (self.tree()?, self.hubs(), self.activity().health);
        let probe = Probe::new(query.lat, query.lon);
        let limit = radius_key(query.radius_m);
        let mut scored: Vec<RankedHit> = Vec::new();
        for &position in positions {
            let p = position as usize;
            let (Some(point), Some(&id), Some(&members)) =
                (tree.points.get(p), hubs.ids.get(p), hubs.members.get(p))
            else {
                continue;
            };
            let key = probe.key(point);
            let figures = health.get(p);
            let state_ok = query.states == 0
                || figures.is_some_and(|h| query.states & (1u8 << h.state.min(7)) != 0);
            if key > limit || members < query.min_members || !state_ok {
                continue;
            }
            let activity = figures.map_or(0.0, |h| f64::from(h.activity));
            let distance_m = probe.distance_of(key, point);
            let terms =
                query
                    .weights
                    .terms(query.decay.value(distance_m), activity, f64::from(members));
            let score = terms[0] + terms[1] + terms[2];
            let past = after.is_some_and(|(s, i)| !(score < s || (score == s && id > i)));
            if past {
                continue;
            }
            scored.push(RankedHit {
                position,
                id,
                distance_m,
                score,
                distance_term: terms[0],
                activity_term: terms[1],
                members_term: terms[2],
                activity,
                members,
            });
        }
        let order =
            |a: &RankedHit, b: &RankedHit| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id));
        let k = query.k.min(scored.len());
        if k < scored.len() {
            scored.select_nth_unstable_by(k, order);
            scored.truncate(k);
        }
        scored.sort_unstable_by(order);
        let full = query.k > 0 && scored.len() == query.k;
        let next = scored.last().filter(|_| full).map(|last| Cursor {
            fingerprint,
            query: hash,
            key: Key(last.score.to_bits()),
            id: last.id,
        });
        Ok(RankedPage { hits: scored, next })
    }
}
