//! Queries: one module per query family.

pub(crate) mod activity;
pub(crate) mod area;
pub(crate) mod best;
pub(crate) mod cell;
pub(crate) mod cursor;
pub(crate) mod events;
pub(crate) mod filter;
pub(crate) mod hexbin;
pub(crate) mod nearest;
pub(crate) mod order;
pub(crate) mod polygon;
pub(crate) mod ranked;
pub(crate) mod search;
pub(crate) mod widen;
pub(crate) mod within;

use crate::error::QueryError;

/// A hub found by a spatial query.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// The hub's position in the snapshot ([`Snapshot::hub_at`](crate::Snapshot::hub_at)).
    pub position: u32,
    /// The hub's id.
    pub id: u64,
    /// Great-circle distance from the query point, in metres.
    pub distance_m: f64,
}

pub(crate) fn check_point(lat: f64, lon: f64) -> Result<(), QueryError> {
    if !(-90.0..=90.0).contains(&lat) {
        return Err(invalid("lat", lat, "a latitude in -90..=90 degrees"));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(invalid("lon", lon, "a longitude in -180..=180 degrees"));
    }
    Ok(())
}

pub(crate) fn check_radius(parameter: &'static str, radius_m: f64) -> Result<(), QueryError> {
    if radius_m.is_finite() && radius_m >= 0.0 {
        Ok(())
    } else {
        Err(invalid(
            parameter,
            radius_m,
            "a finite, non-negative number of metres",
        ))
    }
}

fn invalid(parameter: &'static str, value: f64, expected: &'static str) -> QueryError {
    QueryError::InvalidParameter {
        parameter,
        value: value.to_string(),
        expected,
    }
}
