//! Ranked hubs and upcoming events through a [`ShardSet`]. Scores are absolute (a hub's
//! activity and members are the same in its shard as in the whole build), so each shard's
//! top k merge into the top k of the whole: by score, then id; events by start, then
//! distance in centimetres, then id.

use std::cmp::Ordering;

use super::error::ShardError;
use super::route::ShardPage;
use super::set::ShardSet;
use crate::query::activity::EventRef;
use crate::query::best::RankScratch;
use crate::query::cursor::Cursor;
use crate::query::events::{centimetres, start_key};
use crate::query::{check_point, check_radius};
use crate::sphere::Key;
use crate::{EventHit, EventOrder, Ranked, RankedHit, Upcoming};

/// A ranked hub found through a [`ShardSet`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShardRankedHit {
    /// The manifest index of its shard.
    pub shard: u32,
    /// The hit as its shard reported it (`position` is within that shard).
    pub hit: RankedHit,
}

/// An event found through a [`ShardSet`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShardEventHit {
    /// The manifest index of its shard.
    pub shard: u32,
    /// The hit as its shard reported it (positions are within that shard).
    pub hit: EventHit,
}

impl<B: AsRef<[u8]>> ShardSet<B> {
    /// The top hubs within a radius by the ranked score, as
    /// [`Snapshot::ranked`](crate::Snapshot::ranked) on the unsharded snapshot.
    ///
    /// # Errors
    ///
    /// [`ShardError::NotLoaded`] naming a shard within the radius that is not loaded;
    /// [`ShardError::Query`] for an invalid parameter, a damaged shard or a cursor that
    /// another shard set or another query made.
    pub fn ranked(&self, query: &Ranked) -> Result<ShardPage<ShardRankedHit>, ShardError> {
        let mut hits = Vec::new();
        let next = self.ranked_with(query, &mut RankScratch::new(), &mut hits)?;
        Ok(ShardPage { hits, next })
    }

    /// [`ShardSet::ranked`] into `hits` (cleared first), reusing `scratch`; returns the next
    /// page's cursor.
    ///
    /// # Errors
    ///
    /// As [`ShardSet::ranked`].
    pub fn ranked_with(
        &self,
        query: &Ranked,
        scratch: &mut RankScratch,
        hits: &mut Vec<ShardRankedHit>,
    ) -> Result<Option<Cursor>, ShardError> {
        hits.clear();
        check_point(query.lat, query.lon)?;
        check_radius("radius_m", query.radius_m)?;
        query.weights.check()?;
        let hash = query.hash();
        let after = self.resume(query.cursor, hash)?;
        let mut resumed = after.map(|_| query.clone());
        let mut found = Vec::new();
        for shard in self.shards_near(query.lat, query.lon, query.radius_m, false)? {
            let snapshot = self.loaded(shard)?;
            // Each shard resumes after the same hit, under a cursor of its own.
            let shard_query = match (&mut resumed, after) {
                (Some(resumed), Some((key, id))) => {
                    resumed.cursor = Some(shard_cursor(snapshot.fingerprint(), hash, key, id));
                    &*resumed
                }
                _ => query,
            };
            snapshot.ranked_with(shard_query, scratch, &mut found)?;
            hits.extend(found.iter().map(|&hit| ShardRankedHit { shard, hit }));
        }
        hits.sort_unstable_by(|a, b| by_score(a.hit.score, a.hit.id, b.hit.score, b.hit.id));
        hits.truncate(query.k);
        let full = query.k > 0 && hits.len() == query.k;
        Ok(hits
            .last()
            .filter(|_| full)
            .map(|last| self.cursor(hash, Key(last.hit.score.to_bits()), last.hit.id)))
    }

    /// Events starting in a time window within a radius, as
    /// [`Snapshot::upcoming`](crate::Snapshot::upcoming) on the unsharded snapshot. Shards
    /// are routed by where their events are held, which may be away from their hubs.
    ///
    /// # Errors
    ///
    /// [`ShardError::NotLoaded`] naming a shard with venues within the radius that is not
    /// loaded; [`ShardError::Query`] for an invalid parameter, a damaged shard or a cursor
    /// that another shard set or another query made.
    pub fn upcoming(&self, query: &Upcoming) -> Result<ShardPage<ShardEventHit>, ShardError> {
        let mut hits = Vec::new();
        let next = self.upcoming_with(query, &mut RankScratch::new(), &mut hits)?;
        Ok(ShardPage { hits, next })
    }

    /// [`ShardSet::upcoming`] into `hits` (cleared first), reusing `scratch`; returns the
    /// next page's cursor.
    ///
    /// # Errors
    ///
    /// As [`ShardSet::upcoming`].
    pub fn upcoming_with(
        &self,
        query: &Upcoming,
        scratch: &mut RankScratch,
        hits: &mut Vec<ShardEventHit>,
    ) -> Result<Option<Cursor>, ShardError> {
        hits.clear();
        query.check()?;
        let hash = query.hash();
        let after = self.resume(query.cursor, hash)?;
        let mut resumed = after.map(|_| query.clone());
        let mut found = Vec::new();
        for shard in self.shards_near(query.lat, query.lon, query.radius_m, true)? {
            let snapshot = self.loaded(shard)?;
            let shard_query = match (&mut resumed, after) {
                (Some(resumed), Some((key, id))) => {
                    resumed.cursor = Some(shard_cursor(snapshot.fingerprint(), hash, key, id));
                    &*resumed
                }
                _ => query,
            };
            snapshot.upcoming_with(shard_query, scratch, &mut found)?;
            hits.extend(found.iter().map(|&hit| ShardEventHit { shard, hit }));
        }
        match query.order {
            EventOrder::Start => hits.sort_unstable_by_key(|e| {
                (e.hit.starts_at, centimetres(e.hit.distance_m), e.hit.id)
            }),
            EventOrder::Relevance { .. } => {
                hits.sort_unstable_by(|a, b| by_score(a.hit.score, a.hit.id, b.hit.score, b.hit.id))
            }
        }
        hits.truncate(query.limit);
        let full = query.limit > 0 && hits.len() == query.limit;
        Ok(hits.last().filter(|_| full).map(|last| {
            // The order's own key: the score by relevance, start and distance by start.
            let key = match query.order {
                EventOrder::Start => {
                    start_key(last.hit.starts_at as u32, centimetres(last.hit.distance_m))
                }
                EventOrder::Relevance { .. } => last.hit.score.to_bits(),
            };
            self.cursor(hash, Key(key), last.hit.id)
        }))
    }

    /// The event of a hit, read in place.
    pub fn event_of(&self, hit: &ShardEventHit) -> Option<EventRef<'_>> {
        self.shard(hit.shard)?.event_of(&hit.hit)
    }

    /// The hub of a ranked hit.
    pub fn hub_of_ranked(&self, hit: &ShardRankedHit) -> Option<crate::HubRef<'_>> {
        self.hub_at(hit.shard, hit.hit.position)
    }
}

/// A cursor for one shard that resumes after `(key, id)`.
fn shard_cursor(fingerprint: u64, query: u32, key: Key, id: u64) -> Cursor {
    Cursor {
        fingerprint,
        query,
        key,
        id,
    }
}

/// Higher score first, then lower id.
fn by_score(a_score: f64, a_id: u64, b_score: f64, b_id: u64) -> Ordering {
    b_score.total_cmp(&a_score).then(a_id.cmp(&b_id))
}
