//! Ranked hubs: the top k within a radius by a score that blends a distance decay with
//! activity and members.

use std::cell::Cell;
use std::hash::{Hash, Hasher};

use super::best::{self, RankScratch, Scored};
use super::cursor::{self, Cursor};
use super::filter::Filter;
use super::search::split_box;
use super::{check_point, check_radius};
use crate::activity::HealthState;
use crate::bytes::prefetch;
use crate::decay::Decay;
use crate::error::QueryError;
use crate::format::activity::{NodeCorners, CORNERS};
use crate::format::hubs::UNKNOWN_TIME;
use crate::format::tree::node_start;
use crate::format::SectionKind;
use crate::sphere::{radius_key, Key, Probe, EARTH_RADIUS_M};
use crate::Snapshot;

/// Weights and pivots of the ranked score.
///
/// `score = distance · decay(d) + activity · a / (a + activity_pivot) + members · m / (m +
/// members_pivot) + freshness · 2^(−age / freshness_half_life_days)`, where `d` is the
/// distance in metres, `a` the hub's activity score, `m` its member count and `age` the days
/// from its creation to the snapshot's `as_of` (none for a hub created later; a hub without a
/// creation time gets no freshness). Each term lies in `[0, weight]`; a pivot is the value
/// that earns half its weight, the half-life the age that earns half the freshness weight.
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
    /// Weight of freshness: how new the hub is. Default 0 (off).
    pub freshness: f64,
    /// Age in days that earns half the freshness weight. Default 90.
    pub freshness_half_life_days: f64,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            distance: 1.0,
            activity: 1.0,
            members: 0.5,
            activity_pivot: 5.0,
            members_pivot: 100.0,
            freshness: 0.0,
            freshness_half_life_days: 90.0,
        }
    }
}

impl Weights {
    pub(crate) fn check(&self) -> Result<(), QueryError> {
        let weights = [
            ("weight.distance", self.distance),
            ("weight.activity", self.activity),
            ("weight.members", self.members),
            ("weight.freshness", self.freshness),
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
            ("freshness_half_life_days", self.freshness_half_life_days),
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

    /// The freshness term of the hub at `position` of the creation column `created` (unix
    /// seconds, or [`UNKNOWN_TIME`]) in a snapshot built as of `as_of`; the column is not read
    /// when the weight is 0.
    #[inline]
    pub(crate) fn freshness_term(&self, created: &[i64], position: usize, as_of: i64) -> f64 {
        if self.freshness == 0.0 {
            return 0.0;
        }
        let created = created.get(position).copied().unwrap_or(UNKNOWN_TIME);
        if created == UNKNOWN_TIME {
            return 0.0;
        }
        let age_days = as_of.saturating_sub(created).max(0) as f64 / 86_400.0;
        self.freshness * (-age_days / self.freshness_half_life_days).exp2()
    }

    /// The best activity and members terms over the corners whose members `count`, or -1
    /// if none does. Each corner's two terms are summed over one common denominator, four
    /// corners side by side: a few ulps off the terms as [`Weights::terms`] rounds them,
    /// which the searches' slack absorbs.
    #[inline]
    pub(crate) fn best_corner(&self, corners: &NodeCorners, counts: impl Fn(u32) -> bool) -> f64 {
        let mut values = [0.0f64; CORNERS];
        for (slot, value) in values.iter_mut().enumerate() {
            let activity = f64::from(corners.activity[slot]).max(0.0);
            let members = f64::from(corners.members[slot]);
            let (a_below, m_below) = (activity + self.activity_pivot, members + self.members_pivot);
            *value = (self.activity * activity * m_below + self.members * members * a_below)
                / (a_below * m_below);
        }
        let mut best = -1.0f64;
        for (slot, value) in values.into_iter().enumerate() {
            if counts(corners.members[slot]) {
                // NaN (infinite weights and pivots meeting) bounds nothing: no pruning then.
                best = best.max(if value.is_nan() { f64::INFINITY } else { value });
            }
        }
        best
    }

    fn hash_into(&self, hasher: &mut impl Hasher) {
        for value in [
            self.distance,
            self.activity,
            self.members,
            self.activity_pivot,
            self.members_pivot,
            self.freshness,
            self.freshness_half_life_days,
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
    /// The score: the sum of the four terms below.
    pub score: f64,
    /// `weights.distance · decay(distance)`.
    pub distance_term: f64,
    /// `weights.activity · a / (a + activity_pivot)`.
    pub activity_term: f64,
    /// `weights.members · m / (m + members_pivot)`.
    pub members_term: f64,
    /// `weights.freshness · 2^(−age / freshness_half_life_days)`.
    pub freshness_term: f64,
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

/// Relative room left in every bound for sums rounded in another order: far above a few
/// ulps, far below any difference of scores that matters.
const SLACK: f64 = 1e-12;

/// The least activity and the least members a hub needs for its activity and members terms
/// to reach `needed` together (each assuming the other term at its weight); minus infinity
/// where any will do.
fn least_standing(weights: &Weights, needed: f64) -> (f64, f64) {
    let least = |weight: f64, other: f64, pivot: f64| {
        if weight <= 0.0 {
            return f64::NEG_INFINITY;
        }
        // weight · x / (x + pivot) ≥ needed − other  ⟺  x ≥ pivot · r / (1 − r).
        let share = (needed - other) / weight;
        if !(share > 0.0 && share < 1.0) {
            // Below 0 any value will do; at 1 or more none will, which the search finds
            // without help (its bounds stop it).
            return f64::NEG_INFINITY;
        }
        let value = pivot * share / (1.0 - share);
        // Rounded down well past the ulps of the terms' own arithmetic.
        value * (1.0 - 1e-9) - 1e-9
    };
    (
        least(weights.activity, weights.members, weights.activity_pivot),
        least(weights.members, weights.activity, weights.members_pivot),
    )
}

/// Decay buckets over the radius, by chord.
const BUCKETS: usize = 256;

/// Upper bounds of a decay over the chords of a radius, in [`BUCKETS`] equal steps: bucket
/// `i` holds the decay at its nearest chord, so it bounds every point of the bucket and
/// beyond. Filled as searches meet buckets, and kept while queries use the same decay and
/// radius; a node's bound then costs a square root instead of an exponential.
#[derive(Clone, Debug)]
pub(crate) struct DecayBounds {
    decay: Option<(Decay, Key)>,
    /// Chord quanta per bucket; 0 when the radius is beyond a right angle (no buckets).
    step: f64,
    /// NaN until computed; cells, as the two halves of a search fill them alike.
    values: [Cell<f64>; BUCKETS + 1],
}

impl Default for DecayBounds {
    fn default() -> DecayBounds {
        DecayBounds {
            decay: None,
            step: 0.0,
            values: std::array::from_fn(|_| Cell::new(f64::NAN)),
        }
    }
}

impl DecayBounds {
    /// Ready for `decay` within the radius whose key is `limit`.
    fn prepare(&mut self, decay: Decay, limit: Key) {
        if self.decay == Some((decay, limit)) {
            return;
        }
        self.decay = Some((decay, limit));
        for value in &self.values {
            value.set(f64::NAN);
        }
        self.step = match limit.near_chord() {
            Some(chord) if chord > 0.0 => chord / BUCKETS as f64,
            _ => 0.0,
        };
    }

    /// At least the decay of any point whose key is `key` or more.
    #[inline]
    fn at_most(&self, key: Key, decay: Decay) -> f64 {
        let bucket = match key.near_chord() {
            Some(chord) if self.step > 0.0 => ((chord / self.step) as usize).min(BUCKETS),
            _ => return decay.value(distance_floor(key)),
        };
        let value = self.values[bucket].get();
        if !value.is_nan() {
            return value;
        }
        let value = decay.value(distance_floor(Key::of_near_chord(
            bucket as f64 * self.step,
        )));
        self.values[bucket].set(value);
        value
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
        let corners = activity.corners;
        // Format 3 packs the activity for scans; before it, the health records hold it.
        let packed = activity.packed_activity;
        let activity_at = |position: usize| match packed.get(position) {
            Some(&activity) => f64::from(activity),
            None => health.get(position).map_or(0.0, |h| f64::from(h.activity)),
        };
        let as_of = self.as_of();
        // Allocated by the first ranked search a scratch serves, then reused.
        let mut bounds = scratch.decay.take().unwrap_or_default();
        bounds.prepare(decay, limit);
        let mut found = std::mem::take(&mut scratch.hits);
        found.clear();
        let scan_depth = tree.depth;
        let open = filter.is_open();
        best::search(
            tree.hub_count,
            scan_depth,
            query.k.min(n),
            scratch,
            |index, level, position| {
                let node = tree.node(index)?;
                let (lo, hi) = split_box(&node.bounds);
                let lower = probe.lower_bound(&lo, &hi);
                if lower > limit {
                    return None;
                }
                // The node may be opened: start loading what that will read.
                if level < scan_depth {
                    prefetch(tree.slots(), 2 * index + 2);
                    prefetch(corners, 2 * index + 2);
                } else {
                    let first = node_start(tree.hub_count, level, position);
                    let end = node_start(tree.hub_count, level, position + 1);
                    for at in (first..end).step_by(16) {
                        prefetch(packed, at);
                        prefetch(hubs.members, at);
                    }
                    for at in (first..end).step_by(5) {
                        prefetch(tree.points, at);
                    }
                    for at in (first..end).step_by(8) {
                        prefetch(hubs.ids, at);
                    }
                }
                // The flag unions sit in a section of their own: read only when asked for.
                let flags = match filter.needs_flags() {
                    true => *tree.flags.get(index)?,
                    false => 0,
                };
                if !filter.may_match(node.categories, flags) {
                    return None;
                }
                let counts = |members: u32| {
                    members >= query.min_members && filter.members_may_match(members)
                };
                let standing = match corners.get(index + 1) {
                    Some(corners) => {
                        let standing = weights.best_corner(corners, counts);
                        if standing < 0.0 {
                            return None;
                        }
                        standing
                    }
                    // Before format 3: best activity and most members, apart.
                    None => {
                        let (max_activity, max_members) = match summaries.get(index + 1) {
                            Some(summary) => (f64::from(summary.max_activity), summary.max_members),
                            None => (0.0, u32::MAX),
                        };
                        if !counts(max_members) {
                            return None;
                        }
                        let terms = weights.terms(0.0, max_activity, f64::from(max_members));
                        terms[1] + terms[2]
                    }
                };
                let bound =
                    weights.distance * bounds.at_most(lower, decay) + standing + weights.freshness;
                // Room for the rounding of sums taken in another order.
                Some(best::Bound::score(bound + bound.abs() * SLACK))
            },
            false,
            best::NoRefine,
            |range, _, _, top| {
                // Whatever its distance, a hub needs this much activity and this many
                // members to enter once the top is full; most hubs of a dense city fall short
                // of one, before their distance is computed.
                let (least_activity, least_members) = match top.threshold() {
                    Some(threshold) => {
                        least_standing(&weights, threshold - weights.distance - weights.freshness)
                    }
                    None => (f64::NEG_INFINITY, f64::NEG_INFINITY),
                };
                for position in range {
                    let activity = activity_at(position);
                    if activity < least_activity {
                        continue;
                    }
                    let (Some(point), Some(&members)) =
                        (tree.points.get(position), hubs.members.get(position))
                    else {
                        continue;
                    };
                    if f64::from(members) < least_members || members < query.min_members {
                        continue;
                    }
                    let key = probe.key(point);
                    if key > limit {
                        continue;
                    }
                    // The bucket's decay bounds the hub's: most hubs that come this far
                    // still fall short, before the exact distance and decay are computed.
                    let terms = weights.terms(1.0, activity, f64::from(members));
                    let most = weights.distance * bounds.at_most(key, decay)
                        + terms[1]
                        + terms[2]
                        + weights.freshness;
                    if !top.wants(most + most.abs() * SLACK) {
                        continue;
                    }
                    // The id is read this late: few hubs come this far.
                    let Some(&id) = hubs.ids.get(position) else {
                        continue;
                    };
                    let figures = health.get(position);
                    if states != 0 && figures.is_none_or(|h| states & (1u8 << h.state.min(7)) == 0)
                    {
                        continue;
                    }
                    // An open filter keeps every hub: its columns need not be read.
                    if !open {
                        let flags = hubs.flags.get(position).copied().unwrap_or(0);
                        if !filter.matches(id, hubs.categories[position], flags)
                            || !filter.figures_match(members, figures)
                        {
                            continue;
                        }
                    }
                    let distance_m = probe.distance_of(key, point);
                    let terms =
                        weights.terms(decay.value(distance_m), activity, f64::from(members));
                    let fresh = weights.freshness_term(hubs.created, position, as_of);
                    let hit = Scored {
                        score: terms[0] + terms[1] + terms[2] + fresh,
                        tie: 0.0,
                        id,
                        position: position as u32,
                        hub: position as u32,
                        distance_m,
                    };
                    if after.is_none_or(|(score, id)| hit.after(score, 0.0, id)) {
                        top.offer(hit);
                    }
                }
                None
            },
            &mut found,
        );
        scratch.decay = Some(bounds);
        for hit in &found {
            let position = hit.position as usize;
            let members = hubs.members[position];
            let activity = activity_at(position);
            let terms = weights.terms(decay.value(hit.distance_m), activity, f64::from(members));
            hits.push(RankedHit {
                position: hit.position,
                id: hit.id,
                distance_m: hit.distance_m,
                score: hit.score,
                distance_term: terms[0],
                activity_term: terms[1],
                members_term: terms[2],
                freshness_term: weights.freshness_term(hubs.created, position, as_of),
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
            let fresh = query.weights.freshness_term(hubs.created, p, self.as_of());
            let score = terms[0] + terms[1] + terms[2] + fresh;
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
                freshness_term: fresh,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::activity::NodeCorners;
    use proptest::prelude::*;

    fn weights() -> impl Strategy<Value = Weights> {
        (
            0.0f64..5.0,
            0.0f64..5.0,
            0.0f64..5.0,
            0.1f64..50.0,
            1.0f64..500.0,
        )
            .prop_map(
                |(distance, activity, members, activity_pivot, members_pivot)| Weights {
                    distance,
                    activity,
                    members,
                    activity_pivot,
                    members_pivot,
                    ..Weights::default()
                },
            )
    }

    #[test]
    fn freshness_halves_every_half_life_and_is_zero_without_a_creation_time() {
        const DAY: i64 = 86_400;
        let weights = Weights {
            freshness: 2.0,
            freshness_half_life_days: 30.0,
            ..Weights::default()
        };
        let as_of = 1_767_225_600;
        // (created, expected term), by hand: 2 · 2^(−age / 30 days).
        for (created, expected) in [
            (as_of, 2.0),
            (as_of + 5 * DAY, 2.0),
            (as_of - 30 * DAY, 1.0),
            (as_of - 60 * DAY, 0.5),
            (as_of - 15 * DAY, 2.0 / std::f64::consts::SQRT_2),
            (UNKNOWN_TIME, 0.0),
        ] {
            let term = weights.freshness_term(&[created], 0, as_of);
            assert!(
                (term - expected).abs() < 1e-12,
                "{created}: {term} vs {expected}"
            );
        }
        // Off by default, whatever the age.
        assert_eq!(Weights::default().freshness_term(&[as_of], 0, as_of), 0.0);
    }

    proptest! {
        /// The corner bound is at least the terms of every pair any corner dominates.
        #[test]
        fn best_corner_bounds_the_terms_of_dominated_pairs(
            weights in weights(),
            corners in proptest::collection::vec((0.0f32..300.0, 0u32..5_000), CORNERS),
            shrink in proptest::collection::vec((0.0f32..=1.0, 0.0f64..=1.0), 1..20),
            min_members in 0u32..3_000,
        ) {
            let mut node = NodeCorners::default();
            for (slot, &(activity, members)) in corners.iter().enumerate() {
                node.activity[slot] = activity;
                node.members[slot] = members;
            }
            let bound = weights.best_corner(&node, |m| m >= min_members);
            for (slot, &(a, m)) in shrink.iter().enumerate() {
                let corner = slot % CORNERS;
                let activity = node.activity[corner] * a;
                let members = (f64::from(node.members[corner]) * m) as u32;
                if members < min_members {
                    continue;
                }
                let terms = weights.terms(0.0, f64::from(activity), f64::from(members));
                let value = terms[1] + terms[2];
                prop_assert!(bound + bound.abs() * SLACK >= value, "{bound} < {value}");
            }
        }

        /// The least activity is at most the least that reaches what is needed with any
        /// members (found by bisection), and the same for members.
        #[test]
        fn least_standing_keeps_every_hub_that_can_reach(
            weights in weights(),
            needed in -1.0f64..6.0,
            other in 0.0f64..1e7,
        ) {
            let (least_activity, least_members) = least_standing(&weights, needed);
            let reaches = |activity: f64, members: f64| {
                let terms = weights.terms(0.0, activity, members);
                terms[1] + terms[2] >= needed
            };
            // The least x in [0, 1e12] with reaches(x), if any.
            let least = |reaches_at: &dyn Fn(f64) -> bool| {
                let (mut low, mut high) = (0.0f64, 1e12f64);
                if !reaches_at(high) {
                    return None;
                }
                for _ in 0..200 {
                    let mid = (low + high) / 2.0;
                    if reaches_at(mid) { high = mid } else { low = mid }
                }
                Some(high)
            };
            if let Some(activity) = least(&|a| reaches(a, other)) {
                prop_assert!(least_activity <= activity, "{least_activity} > {activity}");
            }
            if let Some(members) = least(&|m| reaches(other, m)) {
                prop_assert!(least_members <= members, "{least_members} > {members}");
            }
        }

        /// A bucket's value bounds the decay of every point at or beyond its keys.
        #[test]
        fn decay_buckets_bound_the_decay(
            kind in 0usize..3,
            scale in 10.0f64..50_000.0,
            offset in 0.0f64..5_000.0,
            factor in 0.01f64..0.99,
            radius_m in 1.0f64..200_000.0,
            share in 0.0f64..=1.0,
        ) {
            let decay = match kind {
                0 => Decay::gauss(scale, offset, factor),
                1 => Decay::exp(scale, offset, factor),
                _ => Decay::linear(scale, offset, factor),
            }
            .expect("valid decay");
            let limit = radius_key(radius_m);
            let mut bounds = DecayBounds::default();
            bounds.prepare(decay, limit);
            let chord = limit.near_chord().expect("a near radius") * share;
            let key = Key::of_near_chord(chord);
            let exact = decay.value(distance_floor(key));
            let bound = bounds.at_most(key, decay);
            prop_assert!(bound + bound.abs() * SLACK >= exact, "{bound} < {exact}");
            // Kept for the same decay and radius, dropped for another.
            prop_assert_eq!(bounds.at_most(key, decay), bound);
        }
    }
}
