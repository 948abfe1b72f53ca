//! The two tree walks every hub query is made of: k best by key, and all within a key.

use std::collections::BinaryHeap;

use super::area::Side;
use super::filter::Filter;
use super::order::SortBuffers;
use super::within::Order;
use super::Hit;
use crate::bytes::prefetch;
use crate::format::activity::{ActivityView, Health, NodeSummary};
use crate::format::hubs::HubsView;
use crate::format::tree::{node_start, NodeBox, TreeView};
use crate::sphere::{Key, Probe, Quantized};

/// A point that passed the search, ordered by key then id (the result order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Candidate {
    pub(crate) key: Key,
    pub(crate) id: u64,
    pub(crate) position: u32,
}

/// Up to this k the best points are kept in a sorted array, above it in a binary heap.
const SMALL_K: usize = 64;

/// Search state that callers may keep between queries so that a query allocates nothing.
///
/// One scratch serves queries on any snapshot, one query at a time.
#[derive(Debug, Default)]
pub struct Scratch {
    stack: Vec<Frame>,
    sorted: Vec<(Key, u32)>,
    heap: BinaryHeap<Candidate>,
    sort: SortBuffers,
    pub(crate) found: Vec<Candidate>,
}

impl Scratch {
    /// Empty scratch; it grows to what the queries it serves need.
    pub fn new() -> Scratch {
        Scratch::default()
    }
}

/// A node waiting to be searched, with a key none of its points can be below.
#[derive(Clone, Copy, Debug)]
struct Frame {
    level: u32,
    /// Position of the node within its level (`< 2^level ≤ 2^32`).
    position: u32,
    lower_bound: Key,
}

/// One search: where, what may be returned, and from which snapshot columns.
pub(crate) struct Search<'a> {
    pub(crate) tree: TreeView<'a>,
    pub(crate) ids: &'a [u64],
    pub(crate) categories: &'a [u64],
    pub(crate) flags: &'a [u8],
    members: &'a [u32],
    health: &'a [Health],
    summaries: &'a [NodeSummary],
    pub(crate) probe: Probe,
    pub(crate) filter: &'a Filter,
    /// Points with a larger key are out of range.
    pub(crate) limit: Key,
    /// Points at or before this `(key, id)` were returned on earlier pages.
    pub(crate) after: Option<(Key, u64)>,
}

impl<'a> Search<'a> {
    /// `None` if the hub columns do not match the tree (a buffer changed after open).
    pub(crate) fn new(
        tree: TreeView<'a>,
        hubs: &HubsView<'a>,
        activity: &ActivityView<'a>,
        probe: Probe,
        filter: &'a Filter,
    ) -> Option<Search<'a>> {
        let n = tree.points.len();
        let whole = hubs.ids.len() == n
            && hubs.categories.len() == n
            && hubs.flags.len() == n
            && hubs.members.len() == n;
        whole.then_some(Search {
            tree,
            ids: hubs.ids,
            categories: hubs.categories,
            flags: hubs.flags,
            members: hubs.members,
            health: activity.health,
            summaries: activity.summaries,
            probe,
            filter,
            limit: Key::MAX,
            after: None,
        })
    }

    fn node_index(level: u32, position: u64) -> usize {
        ((1usize << level) - 1) + position as usize
    }

    fn range(&self, level: u32, position: u64) -> std::ops::Range<usize> {
        let n = self.tree.hub_count;
        node_start(n, level, position)..node_start(n, level, position + 1)
    }

    /// The lower bound of a node's keys, or `None` if nothing in it can be returned.
    #[inline(always)]
    fn bound_of(&self, level: u32, position: u64, bound: Key, open: bool) -> Option<Key> {
        let node = Self::node_index(level, position);
        let stored = self.tree.node(node)?;
        let (lo, hi) = split_box(&stored.bounds);
        let lower_bound = self.probe.lower_bound(&lo, &hi);
        if lower_bound > bound {
            return None;
        }
        if let Some((after_key, _)) = self.after {
            if self.probe.upper_bound(&lo, &hi) < after_key {
                return None;
            }
        }
        // Unions are only read when a filter needs them: they cost a cache miss a node.
        if !open && !self.node_may_match(node, stored.categories) {
            return None;
        }
        Some(lower_bound)
    }

    /// Whether the filter may keep a point of node `node`, whose category union is
    /// `categories`.
    #[inline(always)]
    fn node_may_match(&self, node: usize, categories: u64) -> bool {
        let Some(&flags) = self.tree.flags.get(node) else {
            return false;
        };
        if !self.filter.may_match(categories, flags) {
            return false;
        }
        // Format 1 has no summaries: its nodes cannot be pruned by members.
        self.summaries
            .get(node + 1)
            .is_none_or(|summary| self.filter.members_may_match(summary.max_members))
    }

    /// The positions of the points that the filter keeps and `test` accepts, appended to
    /// `out` in storage order. The box `low..=high` must hold every point `test` accepts:
    /// subtrees outside it are skipped.
    pub(crate) fn in_box(
        &self,
        (low, high): &(Quantized, Quantized),
        test: &impl BoxTest,
        out: &mut Vec<u32>,
    ) {
        let open = self.filter.is_open();
        let mut stack: Vec<(u32, u64)> = vec![(0, 0)];
        while let Some((level, position)) = stack.pop() {
            let node = Self::node_index(level, position);
            let Some(stored) = self.tree.node(node) else {
                continue;
            };
            let (lo, hi) = split_box(&stored.bounds);
            let apart = (0..3).any(|axis| lo[axis] > high[axis] || hi[axis] < low[axis]);
            if apart || !(open || self.node_may_match(node, stored.categories)) {
                continue;
            }
            if level < self.tree.depth {
                stack.push((level + 1, position * 2 + 1));
                stack.push((level + 1, position * 2));
                continue;
            }
            let range = self.range(level, position);
            if range.end > self.tree.points.len() {
                continue;
            }
            match test.leaf(range.clone()) {
                Side::Outside => {}
                Side::Inside if open && self.after.is_none() => {
                    out.extend(range.map(|position| position as u32));
                }
                Side::Inside => out.extend(
                    range
                        .filter(|&position| self.admits(position, Key::MAX, open))
                        .map(|position| position as u32),
                ),
                // The test decides each point; the box only spares it points far away.
                Side::Crossing => {
                    for position in range {
                        if self.admits(position, Key::MAX, open) && test.point(position) {
                            out.push(position as u32);
                        }
                    }
                }
            }
        }
    }

    /// A frame for a node, or `None` if nothing in it can be returned.
    #[inline(always)]
    fn frame(&self, level: u32, position: u64, bound: Key, open: bool) -> Option<Frame> {
        let lower_bound = self.bound_of(level, position, bound, open)?;
        Some(Frame {
            level,
            position: position as u32,
            lower_bound,
        })
    }

    /// Whether the point at `position` with `key` may be returned, ignoring the k best.
    /// Reads the point's id only when a cursor tie or an excluded id needs it.
    #[inline(always)]
    fn admits(&self, position: usize, key: Key, open: bool) -> bool {
        if let Some((after_key, after_id)) = self.after {
            if key < after_key || (key == after_key && self.ids[position] <= after_id) {
                return false;
            }
        }
        open || (self
            .filter
            .may_match(self.categories[position], self.flags[position])
            && !self.filter.excludes(self.ids[position])
            && (!self.filter.needs_figures()
                || self
                    .filter
                    .figures_match(self.members[position], self.health.get(position))))
    }

    /// Appends the hits of found points, with their distances, to `hits`.
    pub(crate) fn hits(&self, found: &[Candidate], hits: &mut Vec<Hit>) {
        hits.reserve(found.len());
        for candidate in found {
            let Some(distance_m) = self.distance_of(candidate.key, candidate.position as usize)
            else {
                continue;
            };
            hits.push(Hit {
                position: candidate.position,
                id: candidate.id,
                distance_m,
            });
        }
    }

    /// The `k` best points with keys up to the limit, into `scratch.found`, in result order.
    pub(crate) fn nearest(&self, k: usize, scratch: &mut Scratch) {
        scratch.found.clear();
        if k <= SMALL_K {
            let mut best = Sorted {
                entries: std::mem::take(&mut scratch.sorted),
                k,
                ids: self.ids,
            };
            best.entries.clear();
            self.walk(&mut best, &mut scratch.stack);
            let found = best.entries.iter().map(|&(key, position)| Candidate {
                key,
                id: self.ids[position as usize],
                position,
            });
            scratch.found.extend(found);
            scratch.sorted = best.entries;
        } else {
            let mut best = Heap {
                heap: std::mem::take(&mut scratch.heap),
                k,
                ids: self.ids,
            };
            best.heap.clear();
            self.walk(&mut best, &mut scratch.stack);
            let mut sorted = best.heap.into_sorted_vec();
            scratch.found.append(&mut sorted);
            scratch.heap = BinaryHeap::from(sorted);
        }
    }

    /// Depth-first walk, nearer child first, pruning nodes that cannot beat the current k-th.
    /// Opening a node prefetches the two levels below it (or its leaves' points), so that the
    /// descent waits on memory once rather than at every level.
    fn walk<C: Collector>(&self, best: &mut C, stack: &mut Vec<Frame>) {
        stack.clear();
        let open = self.filter.is_open();
        if best.capacity() > 0 {
            stack.extend(self.frame(0, 0, self.limit, open));
        }
        let depth = self.tree.depth;
        while let Some(frame) = stack.pop() {
            let bound = best.bound().unwrap_or(self.limit);
            if frame.lower_bound > bound {
                continue;
            }
            if frame.level == depth {
                self.scan_leaf(u64::from(frame.position), open, best);
                continue;
            }
            let (level, left) = (frame.level + 1, u64::from(frame.position) * 2);
            self.touch_below(level, left);
            let left_bound = self.bound_of(level, left, bound, open);
            let right_bound = self.bound_of(level, left + 1, bound, open);
            // Push the nearer child last so that it is searched first.
            let push = |stack: &mut Vec<Frame>, position: u64, lower_bound: Key| {
                stack.push(Frame {
                    level,
                    position: position as u32,
                    lower_bound,
                });
            };
            match (left_bound, right_bound) {
                (Some(l), Some(r)) => {
                    // Select rather than branch: which child is nearer is a coin toss.
                    let right_nearer = r < l;
                    let (near, far) = if right_nearer {
                        (left + 1, left)
                    } else {
                        (left, left + 1)
                    };
                    push(stack, far, l.max(r));
                    push(stack, near, l.min(r));
                }
                (Some(l), None) => push(stack, left, l),
                (None, Some(r)) => push(stack, left + 1, r),
                (None, None) => {}
            }
        }
    }

    /// Starts loading what the walk will read after the children at `level`, `left` and
    /// `left + 1`: the nodes of the two levels below them (six cache lines) or, above the
    /// leaves, both leaves' points. Prefetches do not hold the processor up as loads do, so
    /// the misses of a descent overlap instead of coming one per level.
    #[inline(always)]
    fn touch_below(&self, level: u32, left: u64) {
        if level < self.tree.depth {
            // Node j sits in slot j + 1; two siblings share a line.
            let grandchildren = Self::node_index(level + 1, left * 2);
            prefetch(self.tree.slots(), grandchildren + 1);
            prefetch(self.tree.slots(), grandchildren + 3);
            if level + 1 < self.tree.depth {
                let next = Self::node_index(level + 2, left * 4);
                for line in 0..4 {
                    prefetch(self.tree.slots(), next + 1 + 2 * line);
                }
            }
        } else {
            // Both leaves' points, a line at a time (12-byte points, 64-byte lines).
            let n = self.tree.hub_count;
            let (start, end) = (node_start(n, level, left), node_start(n, level, left + 2));
            for at in (start..end).step_by(5) {
                prefetch(self.tree.points, at);
            }
            prefetch(self.tree.points, end.saturating_sub(1));
        }
    }

    fn scan_leaf<C: Collector>(&self, position: u64, open: bool, best: &mut C) {
        let range = self.range(self.tree.depth, position);
        let Some(points) = self.tree.points.get(range.clone()) else {
            return;
        };
        for (point, position) in points.iter().zip(range) {
            let key = self.probe.key(point);
            if key > self.limit || best.bound().is_some_and(|bound| key > bound) {
                continue;
            }
            if self.admits(position, key, open) {
                best.offer(key, position as u32);
            }
        }
    }

    /// Every point with a key up to the limit, into `scratch.found`, in result order or in
    /// storage order.
    pub(crate) fn within(&self, order: Order, scratch: &mut Scratch) {
        scratch.found.clear();
        self.walk_within(&mut scratch.stack, &mut scratch.found);
        if order == Order::Distance {
            super::order::sort(&mut scratch.found, &mut scratch.sort);
        }
    }

    /// Every point with a key up to the limit, straight into `hits` in storage order: one
    /// pass, where [`Search::within`] and [`Search::hits`] take two.
    pub(crate) fn within_hits(&self, scratch: &mut Scratch, hits: &mut Vec<Hit>) {
        self.walk_within(&mut scratch.stack, hits);
    }

    /// Walks the nodes within the limit, left first, and hands `out` their points.
    fn walk_within(&self, stack: &mut Vec<Frame>, out: &mut impl Found) {
        stack.clear();
        let open = self.filter.is_open();
        stack.extend(self.frame(0, 0, self.limit, open));

        while let Some(frame) = stack.pop() {
            let node = Self::node_index(frame.level, u64::from(frame.position));
            let inside = self.tree.node(node).is_some_and(|stored| {
                let (lo, hi) = split_box(&stored.bounds);
                self.probe.upper_bound(&lo, &hi) <= self.limit
            });
            if inside || frame.level == self.tree.depth {
                // A node wholly inside the radius is one run of points with no range test.
                self.collect(frame.level, u64::from(frame.position), !inside, open, out);
                continue;
            }
            let (level, left) = (frame.level + 1, u64::from(frame.position) * 2);
            // Right first, so that the left subtree is popped first: hits in storage order.
            stack.extend(self.frame(level, left + 1, self.limit, open));
            stack.extend(self.frame(level, left, self.limit, open));
        }
    }

    fn collect(&self, level: u32, position: u64, test: bool, open: bool, out: &mut impl Found) {
        let range = self.range(level, position);
        let Some(points) = self.tree.points.get(range.clone()) else {
            return;
        };
        for (point, position) in points.iter().zip(range) {
            let key = self.probe.key(point);
            if test && key > self.limit {
                continue;
            }
            if self.admits(position, key, open) {
                out.found(self, key, position);
            }
        }
    }

    /// The distance of the point at `position` with `key`: a near key holds the squared
    /// chord already, only a far one reads the point again (`None` if it is out of range).
    #[inline(always)]
    fn distance_of(&self, key: Key, position: usize) -> Option<f64> {
        match key.near_distance_m() {
            Some(distance_m) => Some(distance_m),
            None => Some(self.probe.distance_of(key, self.tree.points.get(position)?)),
        }
    }
}

/// Where a walk puts the points it finds.
trait Found {
    fn found(&mut self, search: &Search<'_>, key: Key, position: usize);
}

impl Found for Vec<Candidate> {
    #[inline(always)]
    fn found(&mut self, search: &Search<'_>, key: Key, position: usize) {
        self.push(Candidate {
            key,
            id: search.ids[position],
            position: position as u32,
        });
    }
}

impl Found for Vec<Hit> {
    #[inline(always)]
    fn found(&mut self, search: &Search<'_>, key: Key, position: usize) {
        if let Some(distance_m) = search.distance_of(key, position) {
            self.push(Hit {
                position: position as u32,
                id: search.ids[position],
                distance_m,
            });
        }
    }
}

/// What a walk of a box asks of the points it finds.
pub(crate) trait BoxTest {
    /// Whether all, none or some of the points at positions `range` pass.
    fn leaf(&self, range: std::ops::Range<usize>) -> Side;
    /// Whether the point at `position` passes.
    fn point(&self, position: usize) -> bool;
}

/// A stored box as its min and max corners.
#[inline(always)]
pub(crate) fn split_box(node_box: &NodeBox) -> (Quantized, Quantized) {
    (
        [node_box[0], node_box[1], node_box[2]],
        [node_box[3], node_box[4], node_box[5]],
    )
}

/// The best points found so far.
trait Collector {
    /// How many points are wanted.
    fn capacity(&self) -> usize;
    /// The key a point must not exceed to enter, once full.
    fn bound(&self) -> Option<Key>;
    /// Offers a point whose key is at most the bound.
    fn offer(&mut self, key: Key, position: u32);
}

/// A sorted array for small k: cheap inserts, ids read only to break exact key ties.
struct Sorted<'a> {
    entries: Vec<(Key, u32)>,
    k: usize,
    ids: &'a [u64],
}

impl Collector for Sorted<'_> {
    fn capacity(&self) -> usize {
        self.k
    }

    #[inline(always)]
    fn bound(&self) -> Option<Key> {
        if self.entries.len() < self.k {
            return None;
        }
        self.entries.last().map(|&(key, _)| key)
    }

    #[inline]
    fn offer(&mut self, key: Key, position: u32) {
        let ids = self.ids;
        let before = |&(other_key, other): &(Key, u32)| {
            other_key < key || (other_key == key && ids[other as usize] < ids[position as usize])
        };
        let at = self.entries.len() - self.entries.iter().rev().take_while(|e| !before(e)).count();
        if at >= self.k {
            return;
        }
        if self.entries.len() == self.k {
            self.entries.pop();
        }
        self.entries.insert(at, (key, position));
    }
}

/// A binary heap for large k.
struct Heap<'a> {
    heap: BinaryHeap<Candidate>,
    k: usize,
    ids: &'a [u64],
}

impl Collector for Heap<'_> {
    fn capacity(&self) -> usize {
        self.k
    }

    #[inline(always)]
    fn bound(&self) -> Option<Key> {
        if self.heap.len() < self.k {
            return None;
        }
        self.heap.peek().map(|worst| worst.key)
    }

    #[inline]
    fn offer(&mut self, key: Key, position: u32) {
        let candidate = Candidate {
            key,
            id: self.ids[position as usize],
            position,
        };
        if self.heap.len() >= self.k {
            match self.heap.peek() {
                Some(worst) if candidate < *worst => {}
                _ => return,
            }
        }
        self.heap.push(candidate);
        if self.heap.len() > self.k {
            self.heap.pop();
        }
    }
}
