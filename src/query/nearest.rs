//! Nearest hubs: the k closest to a point, optionally within a radius.

use super::filter::Filter;
use super::search::{Scratch, Search};
use super::{check_point, check_radius, Hit};
use crate::error::QueryError;
use crate::sphere::{radius_key, Key, Probe};
use crate::Snapshot;

/// The `k` hubs nearest to a point, nearest first, ties by ascending id.
#[derive(Clone, Debug, PartialEq)]
pub struct Nearest {
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) k: usize,
    pub(crate) max_radius_m: Option<f64>,
    pub(crate) filter: Filter,
}

impl Nearest {
    /// The 10 nearest hubs to `lat`, `lon` (degrees), with no radius and no filter.
    pub fn new(lat: f64, lon: f64) -> Nearest {
        Nearest {
            lat,
            lon,
            k: 10,
            max_radius_m: None,
            filter: Filter::new(),
        }
    }

    /// How many hubs at most; 0 returns none.
    pub fn k(mut self, k: usize) -> Nearest {
        self.k = k;
        self
    }

    /// Only hubs at most this far, in metres.
    pub fn max_radius_m(mut self, radius_m: f64) -> Nearest {
        self.max_radius_m = Some(radius_m);
        self
    }

    /// Only hubs the filter keeps.
    pub fn filter(mut self, filter: Filter) -> Nearest {
        self.filter = filter;
        self
    }
}

impl<B: AsRef<[u8]>> Snapshot<B> {
    /// The nearest hubs.
    ///
    /// Exact: the same hubs in the same order as measuring the great-circle distance to every
    /// hub, up to interchanges of hubs whose distances differ by less than a centimetre.
    ///
    /// # Errors
    ///
    /// [`QueryError::InvalidParameter`] for a point off the globe or a negative, NaN or
    /// infinite radius; [`QueryError::Corrupt`] if the snapshot's buffer changed after open.
    pub fn nearest(&self, query: &Nearest) -> Result<Vec<Hit>, QueryError> {
        let mut hits = Vec::new();
        self.nearest_with(query, &mut Scratch::new(), &mut hits)?;
        Ok(hits)
    }

    /// [`Snapshot::nearest`] into `hits` (cleared first), reusing `scratch`: once both have
    /// grown to the query's size, the query allocates nothing.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::nearest`].
    pub fn nearest_with(
        &self,
        query: &Nearest,
        scratch: &mut Scratch,
        hits: &mut Vec<Hit>,
    ) -> Result<(), QueryError> {
        hits.clear();
        check_point(query.lat, query.lon)?;
        let limit = match query.max_radius_m {
            Some(radius_m) => {
                check_radius("max_radius_m", radius_m)?;
                radius_key(radius_m)
            }
            None => Key::MAX,
        };
        let probe = Probe::new(query.lat, query.lon);
        let mut search = self.search(probe, &query.filter)?;
        search.limit = limit;
        // The heap never holds more than the snapshot's hubs, whatever k says.
        search.nearest(query.k.min(self.hub_count()), scratch);
        search.hits(&scratch.found, hits);
        Ok(())
    }

    pub(crate) fn search<'a>(
        &'a self,
        probe: Probe,
        filter: &'a Filter,
    ) -> Result<Search<'a>, QueryError> {
        Search::new(self.tree()?, &self.hubs(), &self.activity(), probe, filter).ok_or(
            QueryError::Corrupt {
                section: crate::format::SectionKind::HubIds.name(),
            },
        )
    }
}
