//! The tree order: a permutation of the hubs that makes every node of the implicit kd-tree a
//! contiguous run, split at the median of its widest axis.

use crate::format::tree::{bounding_box, depth, node_start};
use crate::sphere::Quantized;

/// Subtrees smaller than this are split on the current thread.
const PARALLEL_MIN: usize = 1 << 14;

/// Hub indexes in tree order.
pub(crate) fn tree_order(points: &[Quantized], leaf_size: u32) -> Vec<u32> {
    let n = points.len() as u64;
    let mut order: Vec<u32> = (0..points.len() as u32).collect();
    let depth = depth(n, leaf_size);
    split(
        points,
        &mut order,
        Node {
            n,
            depth,
            level: 0,
            position: 0,
        },
    );
    order
}

#[derive(Clone, Copy)]
struct Node {
    n: u64,
    depth: u32,
    level: u32,
    position: u64,
}

impl Node {
    fn child(self, right: u64) -> Node {
        Node {
            level: self.level + 1,
            position: self.position * 2 + right,
            ..self
        }
    }
}

fn split(points: &[Quantized], order: &mut [u32], node: Node) {
    if node.level == node.depth {
        return;
    }
    let start = node_start(node.n, node.level, node.position);
    let mid = node_start(node.n, node.level + 1, node.position * 2 + 1) - start;
    if mid == 0 || mid >= order.len() {
        return;
    }

    // Split the widest axis of the node's box at the median, breaking ties by index so that
    // the build is the same on every run.
    let members: Vec<Quantized> = order.iter().map(|&i| points[i as usize]).collect();
    let bounds = bounding_box(&members);
    let axis = (0..3)
        .max_by_key(|&a| i64::from(bounds[a + 3]) - i64::from(bounds[a]))
        .unwrap_or(0);
    order.select_nth_unstable_by_key(mid, |&i| (points[i as usize][axis], i));

    let (left, right) = order.split_at_mut(mid);
    if left.len() >= PARALLEL_MIN {
        rayon::join(
            || split(points, left, node.child(0)),
            || split(points, right, node.child(1)),
        );
    } else {
        split(points, left, node.child(0));
        split(points, right, node.child(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::tree::LEAF_SIZE;

    #[test]
    fn order_is_a_permutation_with_children_split_by_an_axis() {
        let points: Vec<Quantized> = (0..5000i32)
            .map(|i| {
                [
                    i.wrapping_mul(7919) % 1000,
                    i.wrapping_mul(104_729) % 977,
                    i % 13,
                ]
            })
            .collect();
        let order = tree_order(&points, LEAF_SIZE);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..5000).collect::<Vec<u32>>());
        // The root's halves are separated along some axis.
        let n = points.len() as u64;
        let mid = node_start(n, 1, 1);
        let separated = (0..3).any(|axis| {
            let left = order[..mid].iter().map(|&i| points[i as usize][axis]).max();
            let right = order[mid..].iter().map(|&i| points[i as usize][axis]).min();
            left <= right
        });
        assert!(separated);
    }
}
