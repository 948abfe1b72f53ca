//! Ranked hubs and upcoming events through a [`ShardSet`]. Scores are absolute (a hub's
//! activity and members are the same in its shard as in the whole build), so each shard's
//! top k merge into the top k of the whole: by score, then id; events by start, then id.

use std::cmp::Ordering;

use super::error::ShardError;
use super::route::refuse_cursor;
use super::set::ShardSet;
use crate::query::activity::EventRef;
use crate::query::best::RankScratch;
use crate::query::{check_point, check_radius};
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
    /// [`ShardError::Query`] for an invalid parameter, a damaged shard or a cursor
    /// (TODO(#4): paging across shards).
    pub fn ranked(&self, query: &Ranked) -> Result<Vec<ShardRankedHit>, ShardError> {
        let mut hits = Vec::new();
        self.ranked_with(query, &mut RankScratch::new(), &mut hits)?;
        Ok(hits)
    }

    /// [`ShardSet::ranked`] into `hits` (cleared first), reusing `scratch`.
    ///
    /// # Errors
    ///
    /// As [`ShardSet::ranked`].
    pub fn ranked_with(
        &self,
        query: &Ranked,
        scratch: &mut RankScratch,
        hits: &mut Vec<ShardRankedHit>,
    ) -> Result<(), ShardError> {
        hits.clear();
        check_point(query.lat, query.lon)?;
        check_radius("radius_m", query.radius_m)?;
        query.weights.check()?;
        refuse_cursor(query.cursor.is_some())?;
        let mut found = Vec::new();
        for shard in self.shards_near(query.lat, query.lon, query.radius_m, false)? {
            self.loaded(shard)?
                .ranked_with(query, scratch, &mut found)?;
            hits.extend(found.iter().map(|&hit| ShardRankedHit { shard, hit }));
        }
        hits.sort_unstable_by(|a, b| by_score(a.hit.score, a.hit.id, b.hit.score, b.hit.id));
        hits.truncate(query.k);
        Ok(())
    }

    /// Events starting in a time window within a radius, as
    /// [`Snapshot::upcoming`](crate::Snapshot::upcoming) on the unsharded snapshot. Shards
    /// are routed by where their events are held, which may be away from their hubs.
    ///
    /// # Errors
    ///
    /// [`ShardError::NotLoaded`] naming a shard with venues within the radius that is not
    /// loaded; [`ShardError::Query`] for an invalid parameter, a damaged shard or a cursor
    /// (TODO(#4): paging across shards).
    pub fn upcoming(&self, query: &Upcoming) -> Result<Vec<ShardEventHit>, ShardError> {
        let mut hits = Vec::new();
        self.upcoming_with(query, &mut RankScratch::new(), &mut hits)?;
        Ok(hits)
    }

    /// [`ShardSet::upcoming`] into `hits` (cleared first), reusing `scratch`.
    ///
    /// # Errors
    ///
    /// As [`ShardSet::upcoming`].
    pub fn upcoming_with(
        &self,
        query: &Upcoming,
        scratch: &mut RankScratch,
        hits: &mut Vec<ShardEventHit>,
    ) -> Result<(), ShardError> {
        hits.clear();
        query.check()?;
        refuse_cursor(query.cursor.is_some())?;
        let mut found = Vec::new();
        for shard in self.shards_near(query.lat, query.lon, query.radius_m, true)? {
            self.loaded(shard)?
                .upcoming_with(query, scratch, &mut found)?;
            hits.extend(found.iter().map(|&hit| ShardEventHit { shard, hit }));
        }
        match query.order {
            EventOrder::Start => hits.sort_unstable_by_key(|e| (e.hit.starts_at, e.hit.id)),
            EventOrder::Relevance { .. } => {
                hits.sort_unstable_by(|a, b| by_score(a.hit.score, a.hit.id, b.hit.score, b.hit.id))
            }
        }
        hits.truncate(query.limit);
        Ok(())
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

/// Higher score first, then lower id.
fn by_score(a_score: f64, a_id: u64, b_score: f64, b_id: u64) -> Ordering {
    b_score.total_cmp(&a_score).then(a_id.cmp(&b_id))
}
