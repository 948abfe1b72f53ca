//! Best-first search over the tree for queries ranked by a score: ranked hubs and upcoming
//! events. Each node has an upper bound on the scores below it; nodes are opened best bound
//! first, and the search stops when no open node can beat the k-th best hit.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::format::tree::node_start;

/// A hit of a ranked search: higher score first, then lower id.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scored {
    pub(crate) score: f64,
    pub(crate) id: u64,
    /// Hub or event position.
    pub(crate) position: u32,
    /// The hub's position, for events.
    pub(crate) hub: u32,
    pub(crate) distance_m: f64,
}

impl Scored {
    /// Whether `self` comes before `other` in result order.
    fn before(&self, other: &Scored) -> bool {
        self.score > other.score || (self.score == other.score && self.id < other.id)
    }

    /// Whether `self` comes after the cursor position `(score, id)`.
    pub(crate) fn after(&self, score: f64, id: u64) -> bool {
        self.score < score || (self.score == score && self.id > id)
    }
}

/// Heap order: the worst hit on top.
struct Worst(Scored);

impl PartialEq for Worst {
    fn eq(&self, other: &Worst) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Worst) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Worst {
    fn cmp(&self, other: &Worst) -> Ordering {
        if self.0.before(&other.0) {
            Ordering::Less
        } else if other.0.before(&self.0) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }
}

/// A node to open: its bound (non-negative scores, compared by their bits), level and
/// position within the level.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Open {
    bound: u64,
    level: u32,
    position: u32,
    /// Whether a leaf's bound is already its exact one.
    refined: bool,
}

/// The k best hits so far.
pub(crate) struct TopK {
    k: usize,
    heap: BinaryHeap<Worst>,
}

impl TopK {
    /// Offers a hit.
    #[inline]
    pub(crate) fn offer(&mut self, hit: Scored) {
        if self.heap.len() < self.k {
            self.heap.push(Worst(hit));
        } else if self.heap.peek().is_some_and(|worst| hit.before(&worst.0)) {
            self.heap.pop();
            self.heap.push(Worst(hit));
        }
    }

    /// The score a hit must reach to enter, once k hits are in.
    #[inline]
    pub(crate) fn threshold(&self) -> Option<f64> {
        if self.heap.len() < self.k {
            None
        } else {
            self.heap.peek().map(|worst| worst.0.score)
        }
    }

    /// Whether a hit scoring `bound` could still enter.
    #[inline]
    pub(crate) fn wants(&self, bound: f64) -> bool {
        self.heap.len() < self.k || self.heap.peek().is_some_and(|worst| bound >= worst.0.score)
    }
}

/// Reusable state of ranked searches.
#[derive(Default)]
pub struct RankScratch {
    open: BinaryHeap<Open>,
    found: BinaryHeap<Worst>,
    pub(crate) hits: Vec<Scored>,
    /// Decay bounds of the last ranked query, kept for the next one with the same decay.
    pub(crate) decay: Option<Box<super::ranked::DecayBounds>>,
}

impl std::fmt::Debug for RankScratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RankScratch").finish_non_exhaustive()
    }
}

impl RankScratch {
    /// Empty scratch; it grows to what the queries it serves need.
    pub fn new() -> RankScratch {
        RankScratch::default()
    }
}

/// How a search treats a leaf before scanning it.
pub(crate) trait Refine {
    /// A tighter bound of the leaf `node` holding `hubs`, or `None` if it holds no hit; only
    /// called for leaves that reach the front of the queue.
    fn refine(&mut self, node: usize, hubs: std::ops::Range<usize>) -> Option<f64>;
}

/// Leaves are scanned with the bound they were queued with.
pub(crate) struct NoRefine;

impl Refine for NoRefine {
    fn refine(&mut self, _: usize, _: std::ops::Range<usize>) -> Option<f64> {
        None
    }
}

impl<F: FnMut(usize, std::ops::Range<usize>) -> Option<f64>> Refine for F {
    fn refine(&mut self, node: usize, hubs: std::ops::Range<usize>) -> Option<f64> {
        self(node, hubs)
    }
}

/// Runs a best-first search over a tree of `hub_count` hubs and `depth` levels below the
/// root. `bound(node, level, position)` gives an upper bound of the scores in a node, or
/// `None` to skip it; `refine`, unless `refines` is false, gives a leaf's exact bound when it
/// first reaches the front of the queue, and the leaf waits again with it; `scan(hub_range,
/// top)` offers a leaf's hits. Appends the k best hits, best first, to `out`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn search(
    hub_count: u64,
    depth: u32,
    k: usize,
    scratch: &mut RankScratch,
    mut bound: impl FnMut(usize, u32, u64) -> Option<f64>,
    refines: bool,
    mut refine: impl Refine,
    mut scan: impl FnMut(std::ops::Range<usize>, &mut TopK),
    out: &mut Vec<Scored>,
) {
    scratch.open.clear();
    let mut top = TopK {
        k,
        heap: std::mem::take(&mut scratch.found),
    };
    top.heap.clear();
    if k > 0 && hub_count > 0 {
        if let Some(root) = bound(0, 0, 0) {
            scratch.open.push(Open {
                bound: key(root),
                level: 0,
                position: 0,
                refined: !refines,
            });
        }
    }
    while let Some(node) = scratch.open.pop() {
        if !top.wants(f64::from_bits(node.bound)) {
            break;
        }
        if node.level == depth {
            let position = u64::from(node.position);
            let range =
                node_start(hub_count, depth, position)..node_start(hub_count, depth, position + 1);
            if !node.refined {
                let index = (1usize << depth) - 1 + position as usize;
                if let Some(exact) = refine.refine(index, range) {
                    let exact = key(exact).min(node.bound);
                    if top.wants(f64::from_bits(exact)) {
                        scratch.open.push(Open {
                            bound: exact,
                            refined: true,
                            ..node
                        });
                    }
                }
                continue;
            }
            scan(range, &mut top);
            continue;
        }
        let level = node.level + 1;
        for position in [
            2 * u64::from(node.position),
            2 * u64::from(node.position) + 1,
        ] {
            let index = (1usize << level) - 1 + position as usize;
            if let Some(child) = bound(index, level, position) {
                if top.wants(child) {
                    scratch.open.push(Open {
                        bound: key(child),
                        level,
                        position: position as u32,
                        refined: !refines,
                    });
                }
            }
        }
    }
    let start = out.len();
    out.extend(top.heap.drain().map(|worst| worst.0));
    out[start..].sort_by(|a, b| {
        if a.before(b) {
            Ordering::Less
        } else if b.before(a) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    });
    scratch.found = top.heap;
}

/// A non-negative bound as an ordered integer; NaN and negatives sort last.
fn key(bound: f64) -> u64 {
    if bound >= 0.0 {
        bound.to_bits()
    } else {
        0
    }
}
