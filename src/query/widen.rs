//! Smart radius: the nearest hubs that pass a filter, in the smallest of a series of widening
//! radii that holds enough of them.

use super::filter::Filter;
use super::search::Scratch;
use super::{check_point, Hit};
use crate::error::QueryError;
use crate::sphere::{radius_key, Probe};
use crate::Snapshot;

/// The `k` nearest hubs that pass a filter, searched in widening radii.
///
/// The radii are `first_radius_m · factor^i` for `i = 0, 1, …`, capped at `max_radius_m`. The
/// answer is the `k` nearest hubs the filter keeps, and the first radius of the series that
/// holds `k` of them; if even `max_radius_m` holds fewer, all of those, nearest first, and
/// `max_radius_m`. That is what asking [`Nearest`](crate::Nearest) with each radius in turn
/// until one is full would return, found in one search.
///
/// ```
/// use hubdex::{Hub, SnapshotBuilder, Widening};
///
/// let mut builder = SnapshotBuilder::new();
/// for (id, lon) in [(1, 0.01), (2, 0.05), (3, 0.30)] {
///     builder.add_hub(Hub::new(id, "Runners", 0.0, lon))?;
/// }
/// let snapshot = hubdex::Snapshot::from_bytes(builder.to_bytes()?)?;
/// // Hubs at 1.1, 5.6 and 33 km: 1 km holds none, 2 and 4 km one, 8 km two.
/// let found = snapshot.nearest_widening(&Widening::new(0.0, 0.0, 1_000.0, 50_000.0).k(2))?;
/// assert_eq!(found.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [1, 2]);
/// assert_eq!(found.radius_m, 8_000.0);
/// assert!(found.complete);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Widening {
    lat: f64,
    lon: f64,
    k: usize,
    first_radius_m: f64,
    max_radius_m: f64,
    factor: f64,
    filter: Filter,
}

/// What a [`Widening`] search found.
#[derive(Clone, Debug, PartialEq)]
pub struct Widened {
    /// The hits, nearest first, ties by ascending id.
    pub hits: Vec<Hit>,
    /// The radius the search settled at: the first of the series holding `k` hits, or the
    /// maximum.
    pub radius_m: f64,
    /// Whether `k` hits were found within the maximum radius.
    pub complete: bool,
}

impl Widening {
    /// The 10 nearest hubs to `lat`, `lon`, in radii doubling from `first_radius_m` up to
    /// `max_radius_m`, with no filter.
    pub fn new(lat: f64, lon: f64, first_radius_m: f64, max_radius_m: f64) -> Widening {
        Widening {
            lat,
            lon,
            k: 10,
            first_radius_m,
            max_radius_m,
            factor: 2.0,
            filter: Filter::new(),
        }
    }

    /// How many hubs are wanted.
    pub fn k(mut self, k: usize) -> Widening {
        self.k = k;
        self
    }

    /// How much each radius grows over the one before; above 1. Default 2.
    pub fn factor(mut self, factor: f64) -> Widening {
        self.factor = factor;
        self
    }

    /// Only hubs the filter keeps (for example, active ones: [`Filter::states`]).
    pub fn filter(mut self, filter: Filter) -> Widening {
        self.filter = filter;
        self
    }

    fn check(&self) -> Result<(), QueryError> {
        check_point(self.lat, self.lon)?;
        let invalid = |parameter, value: f64, expected| QueryError::InvalidParameter {
            parameter,
            value: value.to_string(),
            expected,
        };
        if !(self.first_radius_m.is_finite() && self.first_radius_m > 0.0) {
            let expected = "a finite number of metres above 0";
            return Err(invalid("first_radius_m", self.first_radius_m, expected));
        }
        if !(self.max_radius_m.is_finite() && self.max_radius_m >= self.first_radius_m) {
            let expected = "a finite number of metres, at least first_radius_m";
            return Err(invalid("max_radius_m", self.max_radius_m, expected));
        }
        if !(self.factor.is_finite() && self.factor > 1.0) {
            return Err(invalid("factor", self.factor, "a finite number above 1"));
        }
        Ok(())
    }

    /// The first radius of the series that is at least `distance_m`, capped at the maximum.
    /// Computed, not stepped, so that a factor just above 1 cannot make it loop for long.
    fn radius_for(&self, distance_m: f64) -> f64 {
        if distance_m <= self.first_radius_m {
            return self.first_radius_m;
        }
        let steps = ((distance_m / self.first_radius_m).ln() / self.factor.ln()).ceil();
        let mut radius = self.first_radius_m * self.factor.powf(steps.max(0.0));
        // One step of correction either way for rounding in ln and powf.
        if radius < distance_m {
            radius *= self.factor;
        } else if steps >= 1.0 && radius / self.factor >= distance_m {
            radius /= self.factor;
        }
        radius.min(self.max_radius_m)
    }
}

impl<B: AsRef<[u8]>> Snapshot<B> {
    /// The nearest hubs that pass the filter, in the smallest radius of the series that holds
    /// `k` of them (see [`Widening`]).
    ///
    /// # Errors
    ///
    /// [`QueryError::InvalidParameter`] for a point off the globe, a first radius that is
    /// not above 0, a maximum below it, or a factor that is not above 1;
    /// [`QueryError::Corrupt`] if the buffer changed after open.
    pub fn nearest_widening(&self, query: &Widening) -> Result<Widened, QueryError> {
        let mut hits = Vec::new();
        let (radius_m, complete) =
            self.nearest_widening_with(query, &mut Scratch::new(), &mut hits)?;
        Ok(Widened {
            hits,
            radius_m,
            complete,
        })
    }

    /// [`Snapshot::nearest_widening`] into `hits` (cleared first), reusing `scratch`; returns
    /// the radius it settled at and whether `k` hits were found.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::nearest_widening`].
    pub fn nearest_widening_with(
        &self,
        query: &Widening,
        scratch: &mut Scratch,
        hits: &mut Vec<Hit>,
    ) -> Result<(f64, bool), QueryError> {
        hits.clear();
        query.check()?;
        let mut search = self.search(Probe::new(query.lat, query.lon), &query.filter)?;
        search.limit = radius_key(query.max_radius_m);
        let k = query.k.min(self.hub_count());
        search.nearest(k, scratch);
        search.hits(&scratch.found, hits);
        let complete = hits.len() == query.k;
        let radius_m = match hits.last() {
            Some(last) if complete => query.radius_for(last.distance_m),
            _ if query.k == 0 => query.first_radius_m,
            _ => query.max_radius_m,
        };
        Ok((radius_m, complete))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radii_follow_the_series() {
        let query = Widening::new(0.0, 0.0, 1_000.0, 100_000.0);
        assert_eq!(query.radius_for(10.0), 1_000.0);
        assert_eq!(query.radius_for(1_000.0), 1_000.0);
        assert_eq!(query.radius_for(1_000.5), 2_000.0);
        assert_eq!(query.radius_for(4_000.0), 4_000.0);
        assert_eq!(query.radius_for(4_001.0), 8_000.0);
        assert_eq!(query.radius_for(90_000.0), 100_000.0);
        let fine = Widening::new(0.0, 0.0, 1.0, 2.0e7).factor(1.000_000_1);
        let radius = fine.radius_for(1.5e7);
        assert!((1.5e7..=1.5e7 * 1.000_000_2).contains(&radius), "{radius}");
    }
}
