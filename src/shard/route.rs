//! Nearest and within through a [`ShardSet`]: route to the shards that may hold hits, merge
//! by the snapshot's own order (key, then id), so the answer is the unsharded one exactly.

use super::error::ShardError;
use super::geometry::{Reach, MARGIN_RAD};
use super::set::ShardSet;
use crate::query::cursor::Cursor;
use crate::query::search::{Candidate, Scratch};
use crate::query::{check_point, check_radius};
use crate::sphere::{radius_key, unit_vector, Key, Probe, SCALE};
use crate::{Nearest, Order, QueryError, Within};

/// A hub found through a [`ShardSet`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShardHit {
    /// The manifest index of its shard ([`ShardSet::shard`]).
    pub shard: u32,
    /// Its position in that shard ([`ShardSet::hub_at`]).
    pub position: u32,
    /// The hub's id.
    pub id: u64,
    /// Great-circle distance from the query point, in metres.
    pub distance_m: f64,
}

/// One page of hits through a [`ShardSet`], and the cursor of the next page if this one is
/// full. The cursor belongs to the shard set (any selection of the same manifest) and the
/// query that made it.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardPage<T> {
    /// The hits, in the unsharded snapshot's order.
    pub hits: Vec<T>,
    /// Pass to the query's `after` for the next page.
    pub next: Option<Cursor>,
}

/// Search state a caller keeps between [`ShardSet`] queries so that they allocate nothing
/// once warm. One scratch serves one query at a time.
#[derive(Debug, Default)]
pub struct ShardScratch {
    search: Scratch,
    best: Vec<Entry>,
    asked: Vec<u32>,
    missing: Vec<u32>,
}

impl ShardScratch {
    /// Empty scratch; it grows to what the queries it serves need.
    pub fn new() -> ShardScratch {
        ShardScratch::default()
    }
}

/// A candidate of one shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    key: Key,
    id: u64,
    shard: u32,
    position: u32,
}

/// One query's routing state: where, how far, and the best so far.
struct Route<'q> {
    probe: Probe,
    point: [f64; 3],
    k: usize,
    /// The radius's key, then the k-th best's once k are found.
    limit: Key,
    reach: Reach,
    filter: &'q crate::Filter,
}

impl<B: AsRef<[u8]>> ShardSet<B> {
    /// The nearest hubs, as [`Snapshot::nearest`](crate::Snapshot::nearest) on the unsharded
    /// snapshot: the same hubs in the same order, with the same distances.
    ///
    /// # Errors
    ///
    /// [`ShardError::NotLoaded`] naming a shard the answer may need that is not loaded;
    /// [`ShardError::Query`] for an invalid parameter or a damaged shard.
    pub fn nearest(&self, query: &Nearest) -> Result<Vec<ShardHit>, ShardError> {
        let mut hits = Vec::new();
        self.nearest_with(query, &mut ShardScratch::new(), &mut hits)?;
        Ok(hits)
    }

    /// [`ShardSet::nearest`] into `hits` (cleared first), reusing `scratch`.
    ///
    /// # Errors
    ///
    /// As [`ShardSet::nearest`].
    pub fn nearest_with(
        &self,
        query: &Nearest,
        scratch: &mut ShardScratch,
        hits: &mut Vec<ShardHit>,
    ) -> Result<(), ShardError> {
        hits.clear();
        check_point(query.lat, query.lon)?;
        let radius_m = query.max_radius_m.unwrap_or(f64::INFINITY);
        if query.max_radius_m.is_some() {
            check_radius("max_radius_m", radius_m)?;
        }
        let probe = Probe::new(query.lat, query.lon);
        let mut route = Route {
            probe,
            point: probe.unit(),
            k: query.k.min(self.hub_count()),
            limit: query.max_radius_m.map_or(Key::MAX, radius_key),
            reach: Reach::of_m(radius_m),
            filter: &query.filter,
        };
        scratch.best.clear();
        scratch.asked.clear();
        scratch.missing.clear();
        if route.k == 0 {
            return Ok(());
        }

        // The shards listed for the point's bucket first, the one with the nearest centre
        // before the others; all others only if the k-th hit is farther than they can be.
        let mut covered = false;
        if let Some(near) = self.routing.grid.near(query.lat, query.lon) {
            if let Some(first) = self.nearest_centre(&route.point, near) {
                self.ask_nearest(first, &mut route, scratch)?;
            }
            for &(shard, gap) in near {
                if gap > route.reach.angle {
                    break;
                }
                if !scratch.asked.contains(&shard) {
                    self.ask_nearest(shard, &mut route, scratch)?;
                }
            }
            covered = route.reach.angle < self.routing.grid.reach - MARGIN_RAD;
        }
        if !covered {
            for shard in 0..self.shard_count() as u32 {
                if !scratch.asked.contains(&shard) {
                    self.ask_nearest(shard, &mut route, scratch)?;
                }
            }
        }
        self.settle(&route, scratch)?;
        self.finish(&route.probe, &scratch.best, hits)
    }

    /// Among the listed shards whose caps touch the bucket, the one whose centre is nearest.
    fn nearest_centre(&self, point: &[f64; 3], near: &[(u32, f64)]) -> Option<u32> {
        let touching = near.iter().take_while(|&&(_, gap)| gap == 0.0);
        let closeness = |shard: u32| {
            let cap = self.routing.hubs.get(shard as usize)?;
            Some(dot(cap.centre(), point))
        };
        touching
            .filter_map(|&(shard, _)| Some((closeness(shard)?, shard)))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, shard)| shard)
    }

    /// Asks one shard for its k best within the current limit, if its cap comes near enough,
    /// and tightens the limit when k hits are known.
    fn ask_nearest(
        &self,
        shard: u32,
        route: &mut Route<'_>,
        scratch: &mut ShardScratch,
    ) -> Result<(), ShardError> {
        let Some(cap) = self.routing.hubs.get(shard as usize) else {
            return Ok(());
        };
        if !cap.meets(&route.point, &route.reach) {
            return Ok(());
        }
        scratch.asked.push(shard);
        let Some(snapshot) = self.shard(shard) else {
            scratch.missing.push(shard);
            return Ok(());
        };
        let mut search = snapshot.search(route.probe, route.filter)?;
        search.limit = route.limit;
        search.nearest(route.k.min(snapshot.hub_count()), &mut scratch.search);
        if scratch.search.found.is_empty() {
            return Ok(());
        }
        merge(&mut scratch.best, shard, &scratch.search.found, route.k);
        if scratch.best.len() == route.k {
            if let Some(&last) = scratch.best.last() {
                route.limit = last.key;
                let distance_m = self.distance(&route.probe, &last)?;
                route.reach = match last.key.is_near() {
                    true => Reach::of_chord(distance_m, f64::from_bits(last.key.0).sqrt() / SCALE),
                    false => Reach::of_m(distance_m),
                };
            }
        }
        Ok(())
    }

    /// Fails if a shard that was not loaded may hold a hit within the final reach.
    fn settle(&self, route: &Route<'_>, scratch: &ShardScratch) -> Result<(), ShardError> {
        for &shard in &scratch.missing {
            let cap = self.routing.hubs.get(shard as usize);
            if cap.is_some_and(|cap| cap.meets(&route.point, &route.reach)) {
                return Err(self.not_loaded(shard));
            }
        }
        Ok(())
    }

    /// Hubs within a radius, as [`Snapshot::within`](crate::Snapshot::within) on the
    /// unsharded snapshot: the same hubs in the same order (nearest first, or by shard then
    /// storage order when [`unordered`](Within::unordered)). The hits are the whole answer,
    /// or the first `limit` of it.
    ///
    /// # Errors
    ///
    /// [`ShardError::NotLoaded`] naming a shard within the radius that is not loaded;
    /// [`ShardError::Query`] for an invalid parameter, a damaged shard, or a cursor that
    /// another shard set or another query made.
    pub fn within(&self, query: &Within) -> Result<ShardPage<ShardHit>, ShardError> {
        let mut hits = Vec::new();
        let next = self.within_with(query, &mut ShardScratch::new(), &mut hits)?;
        Ok(ShardPage { hits, next })
    }

    /// [`ShardSet::within`] into `hits` (cleared first), reusing `scratch`; returns the next
    /// page's cursor.
    ///
    /// # Errors
    ///
    /// As [`ShardSet::within`].
    pub fn within_with(
        &self,
        query: &Within,
        scratch: &mut ShardScratch,
        hits: &mut Vec<ShardHit>,
    ) -> Result<Option<Cursor>, ShardError> {
        hits.clear();
        check_point(query.lat, query.lon)?;
        check_radius("radius_m", query.radius_m)?;
        let hash = query.hash();
        let after = self.resume(query.cursor, hash)?;
        let probe = Probe::new(query.lat, query.lon);
        let shards = self.shards_near(query.lat, query.lon, query.radius_m, false)?;
        scratch.best.clear();
        for shard in shards {
            let snapshot = self.loaded(shard)?;
            let mut search = snapshot.search(probe, &query.filter)?;
            search.limit = radius_key(query.radius_m);
            search.after = after;
            match query.limit {
                Some(limit) => search.nearest(limit.min(snapshot.hub_count()), &mut scratch.search),
                None => search.within(query.order, &mut scratch.search),
            }
            let found = scratch.search.found.iter().map(|c| entry(shard, c));
            scratch.best.extend(found);
        }
        if query.limit.is_some() || query.order == Order::Distance {
            scratch.best.sort_unstable_by_key(|e| (e.key, e.id));
        }
        if let Some(limit) = query.limit {
            scratch.best.truncate(limit);
        }
        self.finish(&probe, &scratch.best, hits)?;
        let full = query
            .limit
            .is_some_and(|limit| limit > 0 && scratch.best.len() == limit);
        Ok(scratch
            .best
            .last()
            .filter(|_| full)
            .map(|last| self.cursor(hash, last.key, last.id)))
    }

    /// The shards whose hubs (or, with `events`, event venues) may lie within `radius_m`
    /// of a point, in manifest order; every one of them must be loaded.
    pub(crate) fn shards_near(
        &self,
        lat: f64,
        lon: f64,
        radius_m: f64,
        events: bool,
    ) -> Result<Vec<u32>, ShardError> {
        let point = unit_vector(lat, lon);
        let reach = Reach::of_m(radius_m);
        let mut shards = Vec::new();
        if events {
            for (shard, cap) in self.routing.events.iter().enumerate() {
                if cap.meets(&point, &reach) {
                    shards.push(shard as u32);
                }
            }
        } else {
            let grid = &self.routing.grid;
            match grid.near(lat, lon) {
                // Small radii: the bucket lists every shard that can be in reach.
                Some(near) if reach.angle < grid.reach - MARGIN_RAD => {
                    let listed = near.iter().take_while(|&&(_, gap)| gap <= reach.angle);
                    shards.extend(listed.map(|&(shard, _)| shard));
                }
                _ => shards.extend(0..self.shard_count() as u32),
            }
            shards.retain(|&shard| {
                let cap = self.routing.hubs.get(shard as usize);
                cap.is_some_and(|cap| cap.meets(&point, &reach))
            });
            shards.sort_unstable();
        }
        for &shard in &shards {
            self.loaded(shard)?;
        }
        Ok(shards)
    }

    /// The hub of a hit.
    pub fn hub_of(&self, hit: &ShardHit) -> Option<crate::HubRef<'_>> {
        self.hub_at(hit.shard, hit.position)
    }

    /// The distance of an entry, in metres, as its snapshot would report it.
    fn distance(&self, probe: &Probe, entry: &Entry) -> Result<f64, ShardError> {
        if let Some(distance_m) = entry.key.near_distance_m() {
            return Ok(distance_m);
        }
        let tree = self.loaded(entry.shard)?.tree()?;
        let point = tree
            .points
            .get(entry.position as usize)
            .ok_or(QueryError::Corrupt {
                section: crate::format::SectionKind::Points.name(),
            })?;
        Ok(probe.distance_of(entry.key, point))
    }

    fn finish(
        &self,
        probe: &Probe,
        best: &[Entry],
        hits: &mut Vec<ShardHit>,
    ) -> Result<(), ShardError> {
        hits.reserve(best.len());
        for entry in best {
            hits.push(ShardHit {
                shard: entry.shard,
                position: entry.position,
                id: entry.id,
                distance_m: self.distance(probe, entry)?,
            });
        }
        Ok(())
    }
}

fn entry(shard: u32, candidate: &Candidate) -> Entry {
    Entry {
        key: candidate.key,
        id: candidate.id,
        shard,
        position: candidate.position,
    }
}

/// Merges one shard's sorted candidates into the sorted best, keeping `k`.
fn merge(best: &mut Vec<Entry>, shard: u32, found: &[Candidate], k: usize) {
    let sorted = best.is_empty();
    best.extend(found.iter().map(|candidate| entry(shard, candidate)));
    if !sorted {
        best.sort_unstable_by_key(|e| (e.key, e.id));
        best.truncate(k);
    }
}

fn dot(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
