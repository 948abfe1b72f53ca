//! Putting a large set of hits in result order (key, then id) in linear expected time.
//!
//! A comparison sort of a few thousand hits costs more than finding them. Squared chords of
//! points spread over an area are close to uniform, so hits are counted into as many buckets
//! of equal squared chord as there are hits, and each bucket (one or two hits on average) is
//! sorted on its own. Co-located hubs share a bucket and are ordered by id there.

use super::search::Candidate;
use crate::sphere::Key;

/// Below this many hits a comparison sort is cheaper than bucketing.
const BUCKET_MIN: usize = 64;

/// Buckets up to this size are sorted by insertion.
const INSERTION_MAX: usize = 16;

/// Reusable buffers for [`sort`].
#[derive(Debug, Default)]
pub(crate) struct SortBuffers {
    spare: Vec<Candidate>,
    buckets: Vec<u32>,
    starts: Vec<u32>,
}

/// Sorts `hits` by key, then id.
pub(crate) fn sort(hits: &mut Vec<Candidate>, buffers: &mut SortBuffers) {
    let Some(widest) = widest_near_chord2(hits) else {
        hits.sort_unstable();
        return;
    };
    let n = hits.len();
    // `as` saturates, and chord2 / widest is within [0, 1]: indexes are within [0, n - 1].
    let scale = (n - 1) as f64 / widest;
    let SortBuffers {
        spare,
        buckets,
        starts,
    } = buffers;
    buckets.clear();
    buckets.extend(
        hits.iter()
            .map(|hit| (f64::from_bits(hit.key.0) * scale) as u32),
    );

    // Count, turn counts into starts, scatter (stable within a bucket).
    starts.clear();
    starts.resize(n + 1, 0);
    for &bucket in buckets.iter() {
        starts[bucket as usize + 1] += 1;
    }
    let largest = starts.iter().copied().max().unwrap_or(0) as usize;
    for bucket in 1..=n {
        starts[bucket] += starts[bucket - 1];
    }
    spare.clear();
    spare.resize(
        n,
        Candidate {
            key: Key(0),
            id: 0,
            position: 0,
        },
    );
    for (hit, &bucket) in hits.iter().zip(buckets.iter()) {
        let slot = &mut starts[bucket as usize];
        spare[*slot as usize] = *hit;
        *slot += 1;
    }

    // Out of order pairs now share a bucket. Small buckets: one insertion pass over all;
    // a large one (co-located hubs) first gets a comparison sort of its own.
    if largest > INSERTION_MAX {
        let mut start = 0;
        for &end in starts.iter().take(n) {
            let run = &mut spare[start..end as usize];
            if run.len() > INSERTION_MAX {
                run.sort_unstable();
            }
            start = end as usize;
        }
    }
    insertion_sort(spare);
    std::mem::swap(hits, spare);
}

/// The largest squared chord if bucketing pays and every hit is within a right angle.
fn widest_near_chord2(hits: &[Candidate]) -> Option<f64> {
    if hits.len() < BUCKET_MIN {
        return None;
    }
    let widest = hits.iter().map(|hit| hit.key).max()?;
    let chord2 = f64::from_bits(widest.0);
    (Key::is_near(widest) && chord2 > 0.0).then_some(chord2)
}

fn insertion_sort(run: &mut [Candidate]) {
    for i in 1..run.len() {
        let mut j = i;
        while j > 0 && run[j] < run[j - 1] {
            run.swap(j, j - 1);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_sort_equals_a_comparison_sort() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for n in [0, 1, 63, 64, 65, 1000, 5000] {
            let mut hits: Vec<Candidate> = (0..n)
                .map(|i| {
                    // Clustered keys, with runs of equal keys (co-located hubs).
                    let chord2 = ((next() % 1000) as f64).powi(2) * 1e3;
                    Candidate {
                        key: Key(chord2.to_bits()),
                        id: next() % 50,
                        position: i,
                    }
                })
                .collect();
            let mut expected = hits.clone();
            expected.sort_unstable();
            sort(&mut hits, &mut SortBuffers::default());
            assert_eq!(hits, expected, "n = {n}");
        }
    }
}
