//! Activity and health: what a snapshot computes about each hub at build time, relative to
//! its `as_of`, and stores.
//!
//! # Formulas
//!
//! Times are compared with `as_of`; a day is 86,400 s. An event *counts as held* when its
//! start is at or before `as_of`, and as *upcoming* when its start is after it. Each event
//! weighs `w = 1 + ln(1 + rsvps)`, so a full room counts for more than an empty one without
//! one huge event drowning a steady rhythm.
//!
//! * **activity** = Σ over events starting from [`ACTIVITY_PAST_DAYS`] days before `as_of` to
//!   [`ACTIVITY_FUTURE_DAYS`] after it of `w · 2^(−|start − as_of| / half_life)`, with a
//!   half-life of [`HALF_LIFE_DAYS`] days, plus `MEMBERS_WEIGHT · ln(1 + members)`. Held and
//!   upcoming events count alike: a hub with a full calendar is alive.
//! * **events in the last 30 / 90 days**: held events starting in `(as_of − 30 d, as_of]` and
//!   `(as_of − 90 d, as_of]`; **upcoming in 90 days**: starts in `(as_of, as_of + 90 d]`.
//!   Counts saturate at 65,535.
//! * **days since the last event**: whole days from the last held event's start to `as_of`.
//! * **activation days**: whole days from the hub's creation to its first held event (negative
//!   if the input says an event came first); unknown without a creation time or a held event.
//! * **median gap**: the median of the days between consecutive held events' starts (the mean
//!   of the middle two for an even count); unknown with fewer than two held events.
//! * **state**, the first that applies: [`HealthState::Active`] with an event in the 90 days
//!   before or after `as_of`; [`HealthState::New`] if created less than 90 days before
//!   `as_of`; [`HealthState::Dormant`] if it has held an event; else
//!   [`HealthState::NeverActivated`].
//! * **growth** (trending) = recent − previous, where *recent* is the sum of `w` over held
//!   events starting in `(as_of − 30 d, as_of]` and *previous* over `(as_of − 60 d, as_of −
//!   30 d]`.
//!
//! Figures are computed in `f64` and stored as `f32`; queries and their oracles read the
//! stored values.
//!
//! # Regions
//!
//! A region is an H3 cell at one of [`REGION_RESOLUTIONS`] (4: about 1,770 km², a metropolitan
//! area; 6: about 36 km², a district; 8: about 0.7 km², a neighbourhood). For each region with
//! hubs the snapshot stores its hub count, how many are active, how many have ever held an
//! event, their median activation days, and its trending list: up to [`TREND_LIMIT`] hubs with
//! positive growth, by growth descending, ties by ascending id.

use crate::format::activity::{Health, RegionStats, NO_DAYS};

/// Half-life of an event's weight in the activity score, in days.
pub const HALF_LIFE_DAYS: f64 = 30.0;
/// Events starting more than this many days before `as_of` do not count toward activity.
pub const ACTIVITY_PAST_DAYS: i64 = 365;
/// Events starting more than this many days after `as_of` do not count toward activity.
pub const ACTIVITY_FUTURE_DAYS: i64 = 90;
/// Weight of `ln(1 + members)` in the activity score.
pub const MEMBERS_WEIGHT: f64 = 0.1;
/// The H3 resolutions at which regions are kept.
pub const REGION_RESOLUTIONS: [u8; 3] = [4, 6, 8];
/// Most hubs a region's trending list holds.
pub const TREND_LIMIT: usize = 100;

const DAY: i64 = 86_400;

/// Where a hub stands, as of the snapshot's `as_of` (see the module docs for the rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum HealthState {
    /// Created less than 90 days ago, with no event in the 90 days around `as_of`.
    New = 0,
    /// An event in the 90 days before or after `as_of`.
    Active = 1,
    /// Has held events, none in the 90 days around `as_of`.
    Dormant = 2,
    /// Has never held an event and is not new.
    NeverActivated = 3,
}

impl HealthState {
    /// Every state, in the order of their numbers.
    pub const ALL: [HealthState; 4] = [
        HealthState::New,
        HealthState::Active,
        HealthState::Dormant,
        HealthState::NeverActivated,
    ];

    /// The state's name as the CLI prints it.
    pub fn name(self) -> &'static str {
        match self {
            HealthState::New => "new",
            HealthState::Active => "active",
            HealthState::Dormant => "dormant",
            HealthState::NeverActivated => "never-activated",
        }
    }

    /// The state with this name.
    pub fn from_name(name: &str) -> Option<HealthState> {
        HealthState::ALL
            .into_iter()
            .find(|state| state.name() == name)
    }

    pub(crate) fn from_u8(raw: u8) -> Option<HealthState> {
        HealthState::ALL.get(usize::from(raw)).copied()
    }

    /// This state as a one-bit set, for filters.
    pub(crate) fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A hub's health, as stored in the snapshot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HubHealth {
    /// The activity score.
    pub activity: f64,
    /// Recent minus previous weighted events (see the module docs).
    pub growth: f64,
    /// Weighted held events in the 30 days up to `as_of`.
    pub recent: f64,
    /// Weighted held events in the 30 days before those.
    pub previous: f64,
    /// Days from creation to the first held event.
    pub activation_days: Option<i32>,
    /// Held events in the last 30 days.
    pub events_last_30_days: u16,
    /// Held events in the last 90 days.
    pub events_last_90_days: u16,
    /// Events starting in the next 90 days.
    pub upcoming_90_days: u16,
    /// Whole days since the last held event started.
    pub days_since_last_event: Option<i32>,
    /// Median days between consecutive held events.
    pub median_gap_days: Option<f64>,
    /// The state.
    pub state: HealthState,
}

impl HubHealth {
    pub(crate) fn from_stored(health: &Health) -> Option<HubHealth> {
        let days = |value: i32| (value != NO_DAYS).then_some(value);
        Some(HubHealth {
            activity: f64::from(health.activity),
            growth: f64::from(health.recent) - f64::from(health.previous),
            recent: f64::from(health.recent),
            previous: f64::from(health.previous),
            activation_days: days(health.activation_days),
            events_last_30_days: health.last_30,
            events_last_90_days: health.last_90,
            upcoming_90_days: health.upcoming_90,
            days_since_last_event: days(health.since_last_days),
            median_gap_days: (!health.median_gap_days.is_nan())
                .then_some(f64::from(health.median_gap_days)),
            state: HealthState::from_u8(health.state)?,
        })
    }
}

/// A region's health, as stored in the snapshot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RegionHealth {
    /// The region's H3 cell.
    pub cell: h3o::CellIndex,
    /// Hubs in the region.
    pub hubs: u32,
    /// Of those, active ones.
    pub active: u32,
    /// Of those, ones that have held an event.
    pub activated: u32,
    /// `active / hubs`.
    pub active_share: f64,
    /// Median activation days of the hubs with one.
    pub median_activation_days: Option<f64>,
}

impl RegionHealth {
    pub(crate) fn from_stored(cell: h3o::CellIndex, stats: &RegionStats) -> RegionHealth {
        RegionHealth {
            cell,
            hubs: stats.hubs,
            active: stats.active,
            activated: stats.activated,
            active_share: if stats.hubs == 0 {
                0.0
            } else {
                f64::from(stats.active) / f64::from(stats.hubs)
            },
            median_activation_days: (!stats.median_activation_days.is_nan())
                .then_some(f64::from(stats.median_activation_days)),
        }
    }
}

/// An event's weight: `1 + ln(1 + rsvps)`.
pub fn event_weight(rsvps: u32) -> f64 {
    1.0 + f64::from(rsvps).ln_1p()
}

/// The health of a hub from its events' `(start, rsvps)`, sorted by start.
pub(crate) fn health_of(
    events: impl Iterator<Item = (i64, u32)> + Clone,
    created: Option<i64>,
    members: u32,
    as_of: i64,
) -> Health {
    let half_life = HALF_LIFE_DAYS * DAY as f64;
    let mut activity = MEMBERS_WEIGHT * f64::from(members).ln_1p();
    let (mut recent, mut previous) = (0.0f64, 0.0f64);
    let (mut last_30, mut last_90, mut upcoming_90) = (0u32, 0u32, 0u32);
    let mut first_held: Option<i64> = None;
    let mut last_held: Option<i64> = None;
    let mut gaps: Vec<f64> = Vec::new();
    for (start, rsvps) in events {
        let weight = event_weight(rsvps);
        let age = as_of.saturating_sub(start);
        if (-ACTIVITY_FUTURE_DAYS * DAY..=ACTIVITY_PAST_DAYS * DAY).contains(&age) {
            activity += weight * (-(age.abs() as f64) / half_life).exp2();
        }
        if age >= 0 {
            if let Some(last) = last_held {
                gaps.push(start.saturating_sub(last) as f64 / DAY as f64);
            }
            first_held.get_or_insert(start);
            last_held = Some(start);
            if age < 30 * DAY {
                recent += weight;
                last_30 += 1;
            } else if age < 60 * DAY {
                previous += weight;
            }
            if age < 90 * DAY {
                last_90 += 1;
            }
        } else if age >= -90 * DAY {
            upcoming_90 += 1;
        }
    }
    gaps.sort_by(f64::total_cmp);
    let median_gap = match gaps.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => gaps[n / 2],
        n => (gaps[n / 2 - 1] + gaps[n / 2]) / 2.0,
    };
    let whole_days = |seconds: i64| {
        i32::try_from(seconds.div_euclid(DAY)).unwrap_or(if seconds < 0 {
            i32::MIN + 1
        } else {
            i32::MAX
        })
    };
    let state = if last_90 > 0 || upcoming_90 > 0 {
        HealthState::Active
    } else if created.is_some_and(|created| as_of.saturating_sub(created) < 90 * DAY) {
        HealthState::New
    } else if last_held.is_some() {
        HealthState::Dormant
    } else {
        HealthState::NeverActivated
    };
    let saturate = |count: u32| count.min(u32::from(u16::MAX)) as u16;
    Health {
        activity: activity as f32,
        recent: recent as f32,
        previous: previous as f32,
        median_gap_days: median_gap as f32,
        activation_days: match (created, first_held) {
            (Some(created), Some(first)) => whole_days(first.saturating_sub(created)),
            _ => NO_DAYS,
        },
        since_last_days: last_held.map_or(NO_DAYS, |last| whole_days(as_of.saturating_sub(last))),
        last_30: saturate(last_30),
        last_90: saturate(last_90),
        upcoming_90: saturate(upcoming_90),
        state: state as u8,
        marks: 0,
    }
}
