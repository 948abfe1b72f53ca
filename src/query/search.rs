//! The two tree walks every hub query is made of: k best by key, and all within a key.

use std::collections::BinaryHeap;

use super::filter::Filter;
use crate::format::hubs::HubsView;
use crate::format::tree::{node_start, TreeView};
use crate::sphere::{Key, Probe};

/// A point that passed the search, ordered by key then id (the result order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Candidate {
    pub(crate) key: Key,
    pub(crate) id: u64,
    pub(crate) position: u32,
}

/// Search state that callers may keep between queries so that a query allocates nothing.
///
/// One scratch serves queries on any snapshot, one query at a time.
#[derive(Debug, Default)]
pub struct Scratch {
    stack: Vec<Frame>,
    heap: BinaryHeap<Candidate>,
    pub(crate) found: Vec<Candidate>,
}

impl Scratch {
    /// Empty scratch; it grows to what the queries it serves need.
    pub fn new() -> Scratch {
        Scratch::default()
    }
}

#[derive(Clone, Copy, Debug)]
struct Frame {
    level: u32,
    position: u64,
    lower_bound: Key,
}

/// One search: where, what may be returned, and from which snapshot columns.
pub(crate) struct Search<'a> {
    pub(crate) tree: TreeView<'a>,
    pub(crate) ids: &'a [u64],
    pub(crate) categories: &'a [u64],
    pub(crate) flags: &'a [u8],
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
        probe: Probe,
        filter: &'a Filter,
    ) -> Option<Search<'a>> {
        let n = tree.points.len();
        let whole = hubs.ids.len() == n && hubs.categories.len() == n && hubs.flags.len() == n;
        whole.then_some(Search {
            tree,
            ids: hubs.ids,
            categories: hubs.categories,
            flags: hubs.flags,
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

    /// Frame for a node, or `None` if nothing in it can be returned.
    #[inline]
    fn frame(&self, level: u32, position: u64, bound: Key) -> Option<Frame> {
        let node = Self::node_index(level, position);
        let node_box = self.tree.boxes.get(node)?;
        let (lo, hi) = (
            [node_box[0], node_box[1], node_box[2]],
            [node_box[3], node_box[4], node_box[5]],
        );
        let lower_bound = self.probe.lower_bound(&lo, &hi);
        if lower_bound > bound {
            return None;
        }
        if let Some((after_key, _)) = self.after {
            if self.probe.upper_bound(&lo, &hi) < after_key {
                return None;
            }
        }
        let categories = *self.tree.categories.get(node)?;
        let flags = *self.tree.flags.get(node)?;
        self.filter.may_match(categories, flags).then_some(Frame {
            level,
            position,
            lower_bound,
        })
    }

    /// Whether the point at `position` with `key` may be returned, ignoring the heap.
    #[inline(always)]
    fn admits(&self, position: usize, key: Key, id: u64, open: bool) -> bool {
        if let Some(after) = self.after {
            if (key, id) <= after {
                return false;
            }
        }
        open || self
            .filter
            .matches(id, self.categories[position], self.flags[position])
    }

    /// The `k` best points with keys up to the limit, into `scratch.found`, in result order.
    pub(crate) fn nearest(&self, k: usize, scratch: &mut Scratch) {
        scratch.found.clear();
        let mut heap = std::mem::take(&mut scratch.heap);
        heap.clear();
        let stack = &mut scratch.stack;
        stack.clear();
        if k > 0 {
            stack.extend(self.frame(0, 0, self.limit));
        }
        let open = self.filter.is_open();
        let depth = self.tree.depth;

        while let Some(frame) = stack.pop() {
            let bound = match heap.peek() {
                Some(worst) if heap.len() >= k => worst.key,
                _ => self.limit,
            };
            if frame.lower_bound > bound {
                continue;
            }
            if frame.level == depth {
                self.scan_leaf(frame.position, k, open, &mut heap);
                continue;
            }
            let (level, left) = (frame.level + 1, frame.position * 2);
            let near = self.frame(level, left, bound);
            let far = self.frame(level, left + 1, bound);
            // Depth first, nearer child first: push it last.
            let (first, second) = match (near, far) {
                (Some(a), Some(b)) if b.lower_bound < a.lower_bound => (Some(a), Some(b)),
                (a, b) => (b, a),
            };
            stack.extend(first);
            stack.extend(second);
        }

        let mut sorted = heap.into_sorted_vec();
        scratch.found.append(&mut sorted);
        scratch.heap = BinaryHeap::from(sorted);
    }

    fn scan_leaf(&self, position: u64, k: usize, open: bool, heap: &mut BinaryHeap<Candidate>) {
        let range = self.range(self.tree.depth, position);
        let Some(points) = self.tree.points.get(range.clone()) else {
            return;
        };
        for (point, position) in points.iter().zip(range) {
            let key = self.probe.key(point);
            if key > self.limit {
                continue;
            }
            let full = heap.len() >= k;
            if full && heap.peek().is_some_and(|worst| key > worst.key) {
                continue;
            }
            let id = self.ids[position];
            let candidate = Candidate {
                key,
                id,
                position: position as u32,
            };
            if full && heap.peek().is_some_and(|worst| candidate >= *worst) {
                continue;
            }
            if !self.admits(position, key, id, open) {
                continue;
            }
            heap.push(candidate);
            if heap.len() > k {
                heap.pop();
            }
        }
    }

    /// Every point with a key up to the limit, into `scratch.found`, in result order.
    pub(crate) fn within(&self, scratch: &mut Scratch) {
        scratch.found.clear();
        let stack = &mut scratch.stack;
        stack.clear();
        stack.extend(self.frame(0, 0, self.limit));
        let open = self.filter.is_open();

        while let Some(frame) = stack.pop() {
            let node = Self::node_index(frame.level, frame.position);
            let inside = self.tree.boxes.get(node).is_some_and(|b| {
                let (lo, hi) = ([b[0], b[1], b[2]], [b[3], b[4], b[5]]);
                self.probe.upper_bound(&lo, &hi) <= self.limit
            });
            if inside || frame.level == self.tree.depth {
                // A node wholly inside the radius is one run of points with no range test.
                self.collect(
                    frame.level,
                    frame.position,
                    !inside,
                    open,
                    &mut scratch.found,
                );
                continue;
            }
            let (level, left) = (frame.level + 1, frame.position * 2);
            stack.extend(self.frame(level, left, self.limit));
            stack.extend(self.frame(level, left + 1, self.limit));
        }
        scratch.found.sort_unstable();
    }

    fn collect(&self, level: u32, position: u64, test: bool, open: bool, out: &mut Vec<Candidate>) {
        let range = self.range(level, position);
        let Some(points) = self.tree.points.get(range.clone()) else {
            return;
        };
        for (point, position) in points.iter().zip(range) {
            let key = self.probe.key(point);
            if test && key > self.limit {
                continue;
            }
            let id = self.ids[position];
            if self.admits(position, key, id, open) {
                out.push(Candidate {
                    key,
                    id,
                    position: position as u32,
                });
            }
        }
    }
}
