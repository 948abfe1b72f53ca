//! The spatial index: an implicit kd-tree over quantised unit vectors.
//!
//! Points are stored in tree order. The tree is complete: `depth` levels of splits over `2^depth`
//! leaves, the node at level `l`, position `p` covering points
//! `[p·n / 2^l, (p+1)·n / 2^l)`. Node ranges are thus arithmetic and never read from the file;
//! only boxes and filter unions are stored, top-down (root first), so the levels every query
//! touches share the first pages of the section. A node takes 32 bytes and node `j` sits in
//! slot `j + 1`, so the two children a search examines together fill one 64-byte line.

use super::meta::{expect_count, Meta};
use super::{Built, SectionKind, Sections};
use crate::error::OpenError;
use crate::sphere::Quantized;

/// Points per leaf at most, as built.
pub(crate) const LEAF_SIZE: u32 = 32;

/// The largest leaf size a reader accepts.
pub(crate) const MAX_LEAF_SIZE: u32 = 4096;

/// Levels below the root: the smallest depth whose leaves hold at most `leaf_size` points.
pub(crate) fn depth(hub_count: u64, leaf_size: u32) -> u32 {
    // The smallest power of two not below the leaves needed; leaf_size ≥ 1 is checked at open.
    let leaves = hub_count.div_ceil(u64::from(leaf_size.max(1)));
    match leaves {
        0 | 1 => 0,
        _ => u64::BITS - (leaves - 1).leading_zeros(),
    }
}

/// Nodes of the tree, top-down; none for an empty snapshot.
pub(crate) fn node_count(hub_count: u64, leaf_size: u32) -> u64 {
    if hub_count == 0 {
        0
    } else {
        (2u64 << depth(hub_count, leaf_size)) - 1
    }
}

/// First point of the node at `level`, `position`; `position == 2^level` gives the end.
#[inline(always)]
pub(crate) fn node_start(hub_count: u64, level: u32, position: u64) -> usize {
    // In u128 the product cannot overflow, whatever a damaged file says; the result is at
    // most hub_count.
    ((u128::from(position) * u128::from(hub_count)) >> level) as usize
}

/// A node's box, min corner then max corner.
pub(crate) type NodeBox = [i32; 6];

/// One stored tree node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(crate) struct Node {
    /// Min corner then max corner of the node's points.
    pub(crate) bounds: NodeBox,
    /// Union of the categories of the node's hubs.
    pub(crate) categories: u64,
}

/// Stored node slots: one empty slot first, so that siblings `2i+1, 2i+2` share a line.
pub(crate) fn node_slots(hub_count: u64, leaf_size: u32) -> u64 {
    match node_count(hub_count, leaf_size) {
        0 => 0,
        nodes => nodes + 1,
    }
}

/// Node boxes and filter unions for points already in tree order.
pub(crate) fn write(
    points: &[Quantized],
    categories: &[u64],
    flags: &[u8],
    leaf_size: u32,
) -> Built {
    let n = points.len() as u64;
    let nodes = node_count(n, leaf_size) as usize;
    let mut boxes = vec![[0i32; 6]; nodes];
    let mut node_categories = vec![0u64; nodes];
    let mut node_flags = vec![0u8; nodes];
    let slots = node_slots(n, leaf_size) as usize;
    if nodes > 0 {
        let depth = depth(n, leaf_size);
        let first_leaf = (1usize << depth) - 1;
        // Leaves from their points, then every inner node from its two children.
        for leaf in 0..(1u64 << depth) {
            let range = node_start(n, depth, leaf)..node_start(n, depth, leaf + 1);
            let node = first_leaf + leaf as usize;
            boxes[node] = bounding_box(&points[range.clone()]);
            node_categories[node] = categories[range.clone()].iter().fold(0, |all, c| all | c);
            node_flags[node] = flags[range].iter().fold(0, |all, f| all | f);
        }
        for node in (0..first_leaf).rev() {
            let (left, right) = (2 * node + 1, 2 * node + 2);
            boxes[node] = union(&boxes[left], &boxes[right]);
            node_categories[node] = node_categories[left] | node_categories[right];
            node_flags[node] = node_flags[left] | node_flags[right];
        }
    }
    let stored: Vec<Node> = (0..slots)
        .map(|slot| match slot.checked_sub(1) {
            Some(node) => Node {
                bounds: boxes[node],
                categories: node_categories[node],
            },
            None => Node::default(),
        })
        .collect();
    vec![
        (SectionKind::Nodes, stored.into()),
        (SectionKind::NodeFlags, node_flags.into()),
    ]
}

/// The box of some points; an empty leaf gets an inverted (empty) box.
pub(crate) fn bounding_box(points: &[Quantized]) -> NodeBox {
    let mut bounds = [i32::MAX, i32::MAX, i32::MAX, i32::MIN, i32::MIN, i32::MIN];
    for point in points {
        for axis in 0..3 {
            bounds[axis] = bounds[axis].min(point[axis]);
            bounds[axis + 3] = bounds[axis + 3].max(point[axis]);
        }
    }
    bounds
}

pub(crate) fn union(a: &NodeBox, b: &NodeBox) -> NodeBox {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].min(b[2]),
        a[3].max(b[3]),
        a[4].max(b[4]),
        a[5].max(b[5]),
    ]
}

/// Checks the tree sections' sizes against the hub count.
pub(crate) fn check(sections: &Sections, meta: &Meta) -> Result<(), OpenError> {
    let nodes = node_count(meta.hub_count, meta.leaf_size);
    expect_count(sections, SectionKind::Points, meta.hub_count)?;
    expect_count(
        sections,
        SectionKind::Nodes,
        node_slots(meta.hub_count, meta.leaf_size),
    )?;
    expect_count(sections, SectionKind::NodeFlags, nodes)
}

/// The tree, read in place.
#[derive(Clone, Copy)]
pub(crate) struct TreeView<'a> {
    pub(crate) points: &'a [Quantized],
    /// Node slots: node `j` is slot `j + 1`.
    slots: &'a [Node],
    pub(crate) flags: &'a [u8],
    pub(crate) hub_count: u64,
    pub(crate) depth: u32,
}

impl<'a> TreeView<'a> {
    /// The tree of a checked snapshot, or `None` if the buffer no longer matches it.
    pub(crate) fn new(bytes: &'a [u8], sections: &Sections, meta: &Meta) -> Option<TreeView<'a>> {
        let view = TreeView {
            points: sections.slice(bytes, SectionKind::Points),
            slots: sections.slice(bytes, SectionKind::Nodes),
            flags: sections.slice(bytes, SectionKind::NodeFlags),
            hub_count: meta.hub_count,
            depth: depth(meta.hub_count, meta.leaf_size),
        };
        let nodes = node_count(meta.hub_count, meta.leaf_size) as usize;
        let whole = view.points.len() as u64 == meta.hub_count
            && view.slots.len() as u64 == node_slots(meta.hub_count, meta.leaf_size)
            && view.flags.len() == nodes;
        whole.then_some(view)
    }

    /// The node slots: node `j` is slot `j + 1`.
    pub(crate) fn slots(&self) -> &'a [Node] {
        self.slots
    }

    /// Node `index` (top-down numbering, root 0).
    #[inline(always)]
    pub(crate) fn node(&self, index: usize) -> Option<&'a Node> {
        self.slots.get(index.wrapping_add(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_partition_the_points_and_respect_the_leaf_size() {
        for n in [1u64, 2, 31, 32, 33, 64, 65, 1000, 12345] {
            let depth = depth(n, LEAF_SIZE);
            let mut covered = 0;
            for leaf in 0..(1u64 << depth) {
                let (start, end) = (node_start(n, depth, leaf), node_start(n, depth, leaf + 1));
                assert_eq!(start, covered);
                assert!(end - start <= LEAF_SIZE as usize, "n={n} leaf {leaf}");
                covered = end;
            }
            assert_eq!(covered as u64, n);
            // A parent's range is the union of its children's.
            if depth > 0 {
                assert_eq!(node_start(n, depth - 1, 1), node_start(n, depth, 2));
            }
        }
        assert_eq!(node_count(0, LEAF_SIZE), 0);
        assert_eq!(node_count(32, LEAF_SIZE), 1);
        assert_eq!(node_count(33, LEAF_SIZE), 3);
    }
}
