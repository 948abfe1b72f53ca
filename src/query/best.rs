//! Best-first search over the tree for queries ranked by a score: ranked hubs and upcoming
//! events. Each node has an upper bound on the scores below it; nodes are opened best bound
//! first, and the search stops when no open node can beat the k-th best hit.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::format::tree::node_start;

/// A hit of a ranked search: higher score first, then lower tie-break, then lower id.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scored {
    pub(crate) score: f64,
    /// Orders hits of equal score, lower first (0 where only the id breaks ties).
    pub(crate) tie: f64,
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
        self.score > other.score
            || (self.score == other.score
                && (self.tie < other.tie || (self.tie == other.tie && self.id < other.id)))
    }

    /// Whether `self` comes after the cursor position `(score, tie, id)`.
    pub(crate) fn after(&self, score: f64, tie: f64, id: u64) -> bool {
        self.score < score
            || (self.score == score && (self.tie > tie || (self.tie == tie && self.id > id)))
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

/// A node to open: its bound (non-negative scores, compared by their bits), the complement
/// of its tie-break bound's bits (so that a lower tie-break opens first), level and position
/// within the level.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Open {
    bound: u64,
    near: u64,
    level: u32,
    position: u32,
    /// Whether a leaf's bound is already its exact one.
    refined: bool,
    /// Where the scan of a leaf that gave way resumes (0: at its start).
    resume: u32,
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

    /// Whether a hit scoring at most `bound`, with a tie-break of at least `tie`, could still
    /// enter.
    #[inline]
    fn wants_tied(&self, bound: Bound) -> bool {
        self.heap.len() < self.k
            || self.heap.peek().is_some_and(|worst| {
                bound.score > worst.0.score
                    || (bound.score == worst.0.score && bound.tie <= worst.0.tie)
            })
    }
}

/// What the hits below a node can reach at best: at most `score`, and among hits of that
/// score, a tie-break of at least `tie` (0 where ties go by id alone).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Bound {
    pub(crate) score: f64,
    pub(crate) tie: f64,
}

impl Bound {
    /// A bound on the score alone.
    #[inline]
    pub(crate) fn score(score: f64) -> Bound {
        Bound { score, tie: 0.0 }
    }

    /// The worse of two bounds of the same hits, both of which hold.
    fn tighter(self, other: Bound) -> Bound {
        match key(self.score).cmp(&key(other.score)) {
            Ordering::Less => self,
            Ordering::Greater => other,
            Ordering::Equal => Bound {
                score: self.score,
                tie: self.tie.max(other.tie),
            },
        }
    }

    /// The node to open with this bound.
    fn open(self, level: u32, position: u32, refined: bool) -> Open {
        Open {
            bound: key(self.score),
            near: !key(self.tie),
            level,
            position,
            refined,
            resume: 0,
        }
    }
}

impl Open {
    fn bound(&self) -> Bound {
        Bound {
            score: f64::from_bits(self.bound),
            tie: f64::from_bits(!self.near),
        }
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
    fn refine(&mut self, node: usize, hubs: std::ops::Range<usize>) -> Option<Bound>;
}

/// Leaves are scanned with the bound they were queued with.
pub(crate) struct NoRefine;

impl Refine for NoRefine {
    fn refine(&mut self, _: usize, _: std::ops::Range<usize>) -> Option<Bound> {
        None
    }
}

impl<F: FnMut(usize, std::ops::Range<usize>) -> Option<Bound>> Refine for F {
    fn refine(&mut self, node: usize, hubs: std::ops::Range<usize>) -> Option<Bound> {
        self(node, hubs)
    }
}

/// Where a scan stopped: the bound of the rest of the leaf, and a place the scan knows to
/// resume from.
pub(crate) type GaveWay = Option<(Bound, u32)>;

/// Runs a best-first search over a tree of `hub_count` hubs and `depth` levels below the
/// root. `bound(node, level, position)` gives an upper bound of the scores in a node, or
/// `None` to skip it; `refine`, unless `refines` is false, gives a leaf's exact bound when it
/// first reaches the front of the queue, and the leaf waits again with it; `scan(hub_range,
/// resume, queued, top)` offers a leaf's hits from `resume` (0 the first time), and may give
/// way once the rest of the leaf is bound to fall behind `queued`, the best bound waiting:
/// it returns that rest's bound and where to resume, and the leaf waits again. Appends the k
/// best hits, best first, to `out`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn search(
    hub_count: u64,
    depth: u32,
    k: usize,
    scratch: &mut RankScratch,
    mut bound: impl FnMut(usize, u32, u64) -> Option<Bound>,
    refines: bool,
    mut refine: impl Refine,
    mut scan: impl FnMut(std::ops::Range<usize>, u32, Option<Bound>, &mut TopK) -> GaveWay,
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
            scratch.open.push(root.open(0, 0, !refines));
        }
    }
    // The best node to open next, when it is known to beat every queued one: most opened
    // nodes have a child that comes next, and it skips the queue.
    let mut next: Option<Open> = None;
    while let Some(node) = next.take().or_else(|| scratch.open.pop()) {
        if !top.wants_tied(node.bound()) {
            break;
        }
        if node.level == depth {
            let position = u64::from(node.position);
            let range =
                node_start(hub_count, depth, position)..node_start(hub_count, depth, position + 1);
            if !node.refined {
                let index = (1usize << depth) - 1 + position as usize;
                if let Some(exact) = refine.refine(index, range) {
                    let exact = exact.tighter(node.bound());
                    if top.wants_tied(exact) {
                        let refined = exact.open(node.level, node.position, true);
                        queue(&mut scratch.open, &mut next, refined);
                    }
                }
                continue;
            }
            let queued = scratch.open.peek().map(Open::bound);
            if let Some((rest, resume)) = scan(range, node.resume, queued, &mut top) {
                let rest = rest.tighter(node.bound());
                if top.wants_tied(rest) {
                    let rest = Open {
                        resume,
                        ..rest.open(node.level, node.position, true)
                    };
                    queue(&mut scratch.open, &mut next, rest);
                }
            }
            continue;
        }
        let level = node.level + 1;
        for position in [
            2 * u64::from(node.position),
            2 * u64::from(node.position) + 1,
        ] {
            let index = (1usize << level) - 1 + position as usize;
            if let Some(child) = bound(index, level, position) {
                if top.wants_tied(child) {
                    let child = child.open(level, position as u32, !refines);
                    queue(&mut scratch.open, &mut next, child);
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

/// Queues `node`, keeping in `next` the best of it, `next` and every queued node.
fn queue(open: &mut BinaryHeap<Open>, next: &mut Option<Open>, node: Open) {
    match next {
        Some(best) if node > *best => open.push(std::mem::replace(best, node)),
        Some(_) => open.push(node),
        None if open.peek().is_none_or(|queued| node >= *queued) => *next = Some(node),
        None => open.push(node),
    }
}

/// A non-negative bound as an ordered integer; NaN and negatives sort last.
fn key(bound: f64) -> u64 {
    if bound >= 0.0 {
        bound.to_bits()
    } else {
        0
    }
}
