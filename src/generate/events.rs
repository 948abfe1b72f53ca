//! Synthetic events for generated hubs: a year of history and 90 days of schedule.
//!
//! Two passes, both parallel over hubs and each hub drawing from its own random stream: the
//! first gives every hub a life (the days it is active, whether it trends, how busy it is),
//! the second makes its events. Between them, the total is shared among hubs by weight
//! (busyness times active days), rounding the running sum so that the shares add up exactly.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::{destination, standard_normal, CATEGORIES, GENERATED_AS_OF};
use crate::event::Event;
use crate::hub::Hub;
use crate::sphere::EARTH_RADIUS_M;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// The first and last day events start on, as days since 1970-01-01.
const FIRST_DAY: i64 = GENERATED_AS_OF / DAY - 365;
const LAST_DAY: i64 = GENERATED_AS_OF / DAY + 89;
const AS_OF_DAY: i64 = GENERATED_AS_OF / DAY;

/// Share of hubs that never hold an event.
const NEVER: f64 = 0.10;
/// Share of hubs that go dormant, drawn among hubs old enough to have had a run of events.
const DORMANT: f64 = 0.20;
/// Share of the remaining active hubs that trend, and how much of their activity falls in
/// the last 30 days.
const TRENDING: f64 = 0.15;
const TRENDING_RECENT: f64 = 0.35;

/// Titles a category's events take; `{day}` is the weekday the event starts on, locally.
const TITLES: [[&str; 3]; CATEGORIES.len() + 1] = [
    ["{day} Social Run", "Monthly Long Run", "Track Intervals"],
    [
        "{day} Photo Walk",
        "Golden Hour Photo Walk",
        "Photo Critique Night",
    ],
    ["Monthly Tech Meetup", "Lightning Talks", "{day} Hack Night"],
    ["{day} Day Hike", "Sunrise Hike", "Trail Clean-up"],
    ["Monthly Book Club", "{day} Reading Circle", "Author Q&A"],
    [
        "{day} Board Game Night",
        "Strategy Games Afternoon",
        "Game Design Jam",
    ],
    [
        "{day} Language Café",
        "Conversation Tables",
        "Tandem Evening",
    ],
    ["{day} Group Ride", "Gravel Ride", "Bike Repair Clinic"],
    ["{day} Morning Yoga", "Yoga in the Park", "Beginners' Yoga"],
    ["Founder Coffee", "Pitch Night", "Monthly Startup Mixer"],
    ["Monthly Rust Meetup", "Rust Hack Night", "Rust Study Group"],
    [
        "Monthly Python Meetup",
        "Python Project Night",
        "PyData Talks",
    ],
    [
        "{day} Bouldering Session",
        "Outdoor Climbing Trip",
        "Belay Course",
    ],
    ["{day} Chess Night", "Rapid Tournament", "Openings Class"],
    [
        "{day} Film Screening",
        "Classic Cinema Night",
        "Short Film Showcase",
    ],
    [
        "{day} Park Clean-up",
        "Food Bank Shift",
        "Community Garden Day",
    ],
    [
        "{day} Playground Meetup",
        "Parents' Coffee Morning",
        "Family Picnic",
    ],
    [
        "{day} Sketch Crawl",
        "Urban Sketching Workshop",
        "Sketchbook Swap",
    ],
    [
        "{day} Bird Walk",
        "Dawn Chorus Walk",
        "Wetland Birding Trip",
    ],
    ["{day} Jazz Jam", "Open Jam Session", "Jazz Listening Night"],
    [
        "Monthly Data Science Meetup",
        "Kaggle Study Group",
        "ML Paper Reading",
    ],
    [
        "{day} Garden Work Party",
        "Seed Swap",
        "Composting Workshop",
    ],
    [
        "{day} Stargazing Night",
        "Telescope Clinic",
        "Meteor Shower Watch",
    ],
    ["{day} Knit Night", "Knitting Circle", "Beginners' Knitting"],
    // Hubs without a known category.
    ["{day} Meetup", "Monthly Meetup", "Community Social"],
];

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Random streams: one per hub and purpose, so that any number of threads draws the same.
const PLAN_STREAMS: u64 = 0x706c_616e;
const EVENT_STREAMS: u64 = 0x6576_656e;

/// The events of a set of hubs, in hub order; made by
/// [`Generator::events`](super::Generator::events).
///
/// What they look like, relative to [`GENERATED_AS_OF`]:
///
/// * starts from 365 days before to 90 days after, fewer the further ahead; weekday
///   evenings or weekend daytime in the hub's local time (from its longitude), for 1 to 4
///   hours;
/// * about 10% of hubs never hold an event; about 15% go dormant, their last event 4 to 12
///   months back; about 15% of the others trend, with more events in the last 30 days than
///   in the 30 before; no event starts before its hub was created, so hubs of the last 60
///   days hold events only recently or ahead;
/// * hubs with more members hold more events, and collect more RSVPs (log-normal, fewer so
///   far for events further ahead);
/// * about 30% have a capacity (RSVPs never exceed it), 25% a price, 5% a venue of their own
///   within 2 km of the hub; about 15% name one of the hub's categories, the rest inherit
///   them;
/// * titles come from three templates per category (`Saturday Photo Walk`, `Monthly Rust
///   Meetup`): a few hundred distinct ones, each hub mostly repeating its own series;
/// * ids run from 1 in the order events come, and within a hub by start.
///
/// Events are made in parallel, a batch of hubs at a time, and memory stays at one batch
/// (about 64k events) whatever the total, so files of tens of millions of events can be
/// written as they are made; collecting them instead takes about 170 bytes an event. Each
/// event owns its title and, when it names a category, a one-slug list; nothing else is
/// allocated per event.
#[derive(Debug)]
pub struct Events<'h> {
    seed: u64,
    hubs: &'h [Hub],
    plans: Vec<Plan>,
    titles: Titles,
    next_hub: usize,
    remaining: usize,
    batch: std::vec::IntoIter<Event>,
}

/// Events in one batch, at least.
const BATCH: u64 = 1 << 16;

impl<'h> Events<'h> {
    pub(super) fn new(seed: u64, hubs: &'h [Hub], count: usize) -> Events<'h> {
        let mut plans: Vec<Plan> = hubs
            .par_iter()
            .enumerate()
            .map(|(index, hub)| Plan::new(hub, &mut hub_rng(seed, PLAN_STREAMS, index)))
            .collect();
        let given = share(&mut plans, count as u64);
        Events {
            seed,
            hubs,
            plans,
            titles: Titles::new(),
            next_hub: 0,
            remaining: given as usize,
            batch: Vec::new().into_iter(),
        }
    }

    /// Generates the events of the next hubs, at least [`BATCH`] of them unless the hubs run
    /// out first.
    fn refill(&mut self) {
        let start = self.next_hub;
        let mut end = start;
        let mut events = 0;
        while end < self.plans.len() && events < BATCH {
            events += self.plans[end].count;
            end += 1;
        }
        self.next_hub = end;

        let batch: Vec<Event> = (start..end)
            .into_par_iter()
            .flat_map_iter(|index| self.hub_events(index))
            .collect();
        self.batch = batch.into_iter();
    }

    /// The events of one hub, sorted by start, numbered from its first id.
    fn hub_events(&self, index: usize) -> Vec<Event> {
        let plan = &self.plans[index];
        let hub = &self.hubs[index];
        let mut rng = hub_rng(self.seed, EVENT_STREAMS, index);
        let topics = Topics::of(hub, &mut rng);

        let mut events: Vec<Event> = (0..plan.count)
            .map(|_| self.event(hub, plan, &topics, &mut rng))
            .collect();
        events.sort_by_key(|event| event.starts_at);
        for (event, id) in events.iter_mut().zip(plan.first_id..) {
            event.id = id;
        }
        events
    }

    fn event(&self, hub: &Hub, plan: &Plan, topics: &Topics, rng: &mut ChaCha8Rng) -> Event {
        let (starts_at, weekday) = plan.start(hub.lon, rng);
        let topic = topics.pick(rng);
        let title = self.titles.get(topic.category, topic.template, weekday);
        let mut event = Event::new(0, hub.id, title, starts_at);

        event.ends_at = Some(starts_at + duration_s(rng));
        if rng.random_bool(0.05) {
            let (lat, lon) = venue(hub, rng);
            (event.lat, event.lon) = (Some(lat), Some(lon));
        }
        if let Some(slug) = topic.slug.filter(|_| rng.random_bool(0.15)) {
            event.categories = vec![hub.categories[slug].clone()];
        }
        let (rsvps, capacity) = attendance(hub.members, starts_at, rng);
        (event.rsvps, event.capacity) = (rsvps, capacity);
        if rng.random_bool(0.25) {
            event.price_cents = PRICES_CENTS[rng.random_range(0..PRICES_CENTS.len())];
        }
        event
    }
}

impl Iterator for Events<'_> {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.batch.next() {
                self.remaining -= 1;
                return Some(event);
            }
            if self.next_hub == self.plans.len() {
                return None;
            }
            self.refill();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for Events<'_> {}

fn hub_rng(seed: u64, purpose: u64, index: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ purpose);
    rng.set_stream(index as u64);
    rng
}

/// A hub's life: the days its events may start on and how busy it is.
#[derive(Clone, Debug, Default)]
struct Plan {
    first_day: i64,
    last_day: i64,
    trending: bool,
    /// Events a day relative to other hubs; 0 for a hub that holds none.
    rate: f64,
    /// Its share of the events, and the id of its first.
    count: u64,
    first_id: u64,
}

impl Plan {
    fn new(hub: &Hub, rng: &mut ChaCha8Rng) -> Plan {
        // A hub without a creation time is taken to be old.
        let created_day = hub.created_at.map_or(i64::MIN / 2, |t| t.div_euclid(DAY));
        let delay_days = (-(1.0 - rng.random::<f64>()).ln() * 10.0).min(60.0) as i64;
        let first_day = (created_day + delay_days + 1).max(FIRST_DAY);
        let mut plan = Plan {
            first_day,
            last_day: LAST_DAY,
            ..Plan::default()
        };

        let life = rng.random::<f64>();
        // Dormant hubs stop 4 to 12 months ago, after at least four weeks of events.
        let latest_stop_ago = (AS_OF_DAY - first_day - 28).min(365);
        if life < NEVER {
            return plan;
        } else if life < NEVER + DORMANT && latest_stop_ago >= 122 {
            plan.last_day = AS_OF_DAY - rng.random_range(122..=latest_stop_ago);
        } else {
            plan.trending = rng.random_bool(TRENDING);
        }

        let busy = if plan.trending { 1.5 } else { 1.0 };
        plan.rate = busy * f64::from(hub.members.max(1)).powf(0.35);
        plan
    }

    /// Relative number of events: rate times active days.
    fn weight(&self) -> f64 {
        let days = (self.last_day - self.first_day + 1).max(0);
        self.rate * days as f64
    }

    /// A start time in unix seconds and its local weekday (0 is Monday): evenings on
    /// weekdays, daytime at weekends, more often at weekends than a uniform day would be.
    fn start(&self, lon: f64, rng: &mut ChaCha8Rng) -> (i64, usize) {
        let mut day = self.day(rng);
        if weekday(day) < 5 && rng.random_bool(0.35) {
            let to_weekend = (5 - weekday(day) + rng.random_range(0..2)) as i64;
            if day + to_weekend <= self.last_day {
                day += to_weekend;
            }
        }

        let hour = if weekday(day) < 5 {
            rng.random_range(17..=20)
        } else {
            rng.random_range(9..=16)
        };
        let minute = if rng.random_bool(0.5) { 0 } else { 30 };
        // Local time from the longitude, at whole hours.
        let utc_offset_h = (lon / 15.0).round() as i64;
        let local = day * DAY + hour * HOUR + minute * 60;
        let earliest = self.first_day * DAY;
        let latest = self.last_day * DAY + DAY - 1;
        (
            (local - utc_offset_h * HOUR).clamp(earliest, latest),
            weekday(day),
        )
    }

    /// The local day of a start.
    fn day(&self, rng: &mut ChaCha8Rng) -> i64 {
        let recent = (
            self.first_day.max(AS_OF_DAY - 30),
            self.last_day.min(AS_OF_DAY - 1),
        );
        if self.trending && recent.0 <= recent.1 && rng.random_bool(TRENDING_RECENT) {
            return rng.random_range(recent.0..=recent.1);
        }

        let day = rng.random_range(self.first_day..=self.last_day);
        // Fewer events are scheduled the further ahead they are.
        let ahead = (day - AS_OF_DAY) as f64 / 90.0;
        if ahead > 0.0 && rng.random::<f64>() < 0.6 * ahead {
            return rng.random_range(self.first_day..=self.last_day);
        }
        day
    }
}

/// Shares `count` events among the plans in proportion to their weights, rounding the
/// running total so that the shares add up exactly; numbers the events from 1 in hub order.
/// Returns the number shared, `count` unless no hub holds events.
fn share(plans: &mut [Plan], count: u64) -> u64 {
    let total: f64 = plans.iter().map(Plan::weight).sum();
    if total <= 0.0 {
        return 0;
    }

    let (mut running, mut given) = (0.0, 0);
    let mut last_active = 0;
    for (index, plan) in plans.iter_mut().enumerate() {
        let weight = plan.weight();
        running += weight;
        let upto = ((running / total * count as f64).round() as u64).min(count);
        plan.count = upto - given;
        plan.first_id = given + 1;
        given = upto;
        if weight > 0.0 {
            last_active = index;
        }
    }
    // Rounding may leave the last few for the last hub that holds events.
    plans[last_active].count += count - given;
    for plan in &mut plans[last_active + 1..] {
        plan.first_id = count + 1;
    }
    count
}

/// The category series a hub runs: one main series, and the rest of its categories now and
/// then.
struct Topics {
    /// Index in the hub's categories and in [`TITLES`], per hub category.
    known: Vec<(usize, usize)>,
    main_template: usize,
}

/// What one event is about.
struct Topic {
    /// The hub's category, by index in its list; `None` for a hub without categories.
    slug: Option<usize>,
    category: usize,
    template: usize,
}

impl Topics {
    fn of(hub: &Hub, rng: &mut ChaCha8Rng) -> Topics {
        let unknown = CATEGORIES.len();
        let known = hub
            .categories
            .iter()
            .enumerate()
            .map(|(index, slug)| {
                let category = CATEGORIES.iter().position(|(s, _)| s == slug);
                (index, category.unwrap_or(unknown))
            })
            .collect();
        let main_template = rng.random_range(0..3);
        Topics {
            known,
            main_template,
        }
    }

    fn pick(&self, rng: &mut ChaCha8Rng) -> Topic {
        let Some(&(slug, category)) = self.known.first() else {
            let template = rng.random_range(0..3);
            let category = CATEGORIES.len();
            return Topic {
                slug: None,
                category,
                template,
            };
        };
        if rng.random_bool(0.65) {
            let template = self.main_template;
            let slug = Some(slug);
            return Topic {
                slug,
                category,
                template,
            };
        }
        let (slug, category) = self.known[rng.random_range(0..self.known.len())];
        let template = rng.random_range(0..3);
        Topic {
            slug: Some(slug),
            category,
            template,
        }
    }
}

/// Every title, made once: category by template by weekday.
#[derive(Debug)]
struct Titles(Vec<String>);

impl Titles {
    fn new() -> Titles {
        let titles = TITLES
            .iter()
            .flatten()
            .flat_map(|template| WEEKDAYS.map(|day| template.replace("{day}", day)))
            .collect();
        Titles(titles)
    }

    fn get(&self, category: usize, template: usize, weekday: usize) -> String {
        self.0[(category * 3 + template) * 7 + weekday].clone()
    }
}

/// 0 is Monday; 1970-01-01 was a Thursday.
fn weekday(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// One to four hours, two most often.
fn duration_s(rng: &mut ChaCha8Rng) -> i64 {
    const HALF_HOURS: [i64; 8] = [2, 3, 4, 4, 4, 5, 6, 8];
    HALF_HOURS[rng.random_range(0..HALF_HOURS.len())] * HOUR / 2
}

/// A point within 2 km of the hub, uniform over the disc.
fn venue(hub: &Hub, rng: &mut ChaCha8Rng) -> (f64, f64) {
    let distance_m = 2_000.0 * rng.random::<f64>().sqrt();
    let bearing = rng.random::<f64>() * std::f64::consts::TAU;
    let angle = distance_m / EARTH_RADIUS_M;
    let (lat, lon) = destination(hub.lat, hub.lon, bearing, angle);
    ((lat * 1e7).round() / 1e7, (lon * 1e7).round() / 1e7)
}

/// RSVPs, log-normal around a number that grows with the hub, and for about 30% of events
/// a capacity they cannot exceed. Events further ahead have collected fewer so far.
fn attendance(members: u32, starts_at: i64, rng: &mut ChaCha8Rng) -> (u32, Option<u32>) {
    let typical = 0.5 * f64::from(members.max(1)).powf(0.6);
    let ahead_days = (starts_at - GENERATED_AS_OF) as f64 / DAY as f64;
    let collected = (1.0 - 0.8 * ahead_days / 90.0).clamp(0.1, 1.0);
    let rsvps = (typical * collected * (standard_normal(rng)).exp()).round() as u32;

    if !rng.random_bool(0.3) {
        return (rsvps, None);
    }
    let capacity = (typical * rng.random_range(0.8..3.0)).round().max(8.0) as u32;
    let capacity = capacity.next_multiple_of(5);
    (rsvps.min(capacity), Some(capacity))
}

const PRICES_CENTS: [u32; 10] = [
    300, 500, 800, 1_000, 1_200, 1_500, 2_000, 2_500, 3_500, 5_000,
];

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use crate::generate::Generator;
    use crate::SnapshotBuilder;

    const HUBS: usize = 4_000;
    const EVENTS: usize = 40_000;

    fn sample() -> (Vec<Hub>, Vec<Event>) {
        let generator = Generator::new(9).top_cities(200);
        let hubs = generator.hubs(HUBS);
        let events = generator.events(&hubs, EVENTS).collect();
        (hubs, events)
    }

    fn share_of(events: &[Event], test: impl Fn(&Event) -> bool) -> f64 {
        events.iter().filter(|e| test(e)).count() as f64 / events.len() as f64
    }

    #[test]
    fn every_event_is_valid_and_ids_count_from_one() {
        let (hubs, events) = sample();
        let by_id: HashMap<u64, &Hub> = hubs.iter().map(|hub| (hub.id, hub)).collect();
        assert_eq!(events.len(), EVENTS);

        let mut builder = SnapshotBuilder::new();
        for (event, id) in events.iter().zip(1..) {
            assert_eq!(event.id, id);
            let hub = by_id[&event.hub_id];
            assert!(event.starts_at >= GENERATED_AS_OF - 365 * DAY, "{event:?}");
            assert!(event.starts_at < GENERATED_AS_OF + 90 * DAY, "{event:?}");
            assert!(
                event.starts_at > hub.created_at.unwrap_or(i64::MIN),
                "{event:?}"
            );
            let hours = event.ends_at.map(|end| end - event.starts_at);
            assert!(
                hours.is_some_and(|s| (HOUR..=4 * HOUR).contains(&s)),
                "{event:?}"
            );
            assert!(event.capacity.is_none_or(|c| event.rsvps <= c), "{event:?}");
            assert!(event.categories.len() <= 1);
            assert!(event.categories.iter().all(|c| hub.categories.contains(c)));
            if let (Some(lat), Some(lon)) = (event.lat, event.lon) {
                assert!(crate::distance_m(lat, lon, hub.lat, hub.lon) < 2_000.5);
            }
            builder.add_event(event.clone()).unwrap();
        }
    }

    #[test]
    fn optional_fields_come_in_the_planned_shares() {
        let (hubs, events) = sample();
        let capacity = share_of(&events, |e| e.capacity.is_some());
        let price = share_of(&events, |e| e.price_cents > 0);
        let venue = share_of(&events, |e| e.lat.is_some());
        let category = share_of(&events, |e| !e.categories.is_empty());
        assert!((0.27..0.33).contains(&capacity), "{capacity}");
        assert!((0.22..0.28).contains(&price), "{price}");
        assert!((0.04..0.06).contains(&venue), "{venue}");
        assert!((0.12..0.18).contains(&category), "{category}");

        let titles: HashSet<&str> = events.iter().map(|e| e.title.as_str()).collect();
        assert!(titles.len() < 600, "{} titles", titles.len());
        let lon: HashMap<u64, f64> = hubs.iter().map(|hub| (hub.id, hub.lon)).collect();
        let weekend = share_of(&events, |e| {
            let local = e.starts_at + (lon[&e.hub_id] / 15.0).round() as i64 * HOUR;
            weekday(local.div_euclid(DAY)) >= 5
        });
        assert!(weekend > 0.3, "{weekend}");
    }

    #[test]
    fn hubs_live_different_lives() {
        let (hubs, events) = sample();
        let mut of_hub: HashMap<u64, Vec<i64>> = HashMap::new();
        for event in &events {
            of_hub
                .entry(event.hub_id)
                .or_default()
                .push(event.starts_at);
        }
        let share = |count: usize| count as f64 / HUBS as f64;

        let never = share(hubs.len() - of_hub.len());
        assert!((0.08..0.15).contains(&never), "{never}");
        let dormant = share(
            of_hub
                .values()
                .filter(|starts| starts.iter().all(|&s| s < GENERATED_AS_OF - 120 * DAY))
                .count(),
        );
        assert!((0.11..0.19).contains(&dormant), "{dormant}");
        let rising = share(
            of_hub
                .values()
                .filter(|starts| {
                    let recent = |from: i64, to: i64| {
                        let window = GENERATED_AS_OF - from * DAY..GENERATED_AS_OF - to * DAY;
                        starts.iter().filter(|s| window.contains(s)).count()
                    };
                    recent(30, 0) > 2 * recent(60, 30) + 2
                })
                .count(),
        );
        assert!(rising > 0.05, "{rising}");

        let new: Vec<&Hub> = hubs
            .iter()
            .filter(|hub| hub.created_at > Some(GENERATED_AS_OF - 60 * DAY))
            .collect();
        assert!(new.len() > HUBS / 20, "{} new hubs", new.len());
        let new_with_events = new
            .iter()
            .filter(|hub| of_hub.contains_key(&hub.id))
            .count();
        assert!(new_with_events > new.len() / 2);

        // Bigger hubs meet more often.
        let mut by_members: Vec<&Hub> = hubs.iter().collect();
        by_members.sort_by_key(|hub| hub.members);
        let mean = |hubs: &[&Hub]| {
            let events: usize = hubs
                .iter()
                .map(|h| of_hub.get(&h.id).map_or(0, Vec::len))
                .sum();
            events as f64 / hubs.len() as f64
        };
        let quarter = HUBS / 4;
        let (small, big) = (
            mean(&by_members[..quarter]),
            mean(&by_members[3 * quarter..]),
        );
        assert!(big > 2.0 * small, "{small} vs {big}");
    }

    #[test]
    fn the_same_seed_gives_the_same_events_on_any_number_of_threads() {
        let generator = Generator::new(3).top_cities(50);
        let hubs = generator.hubs(500);
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| generator.events(&hubs, 200_000).collect::<Vec<Event>>())
        };
        let one = on(1);
        assert_eq!(one.len(), 200_000);
        assert!(one == on(3));
        let other: Vec<Event> = Generator::new(4).events(&hubs, 200_000).collect();
        assert!(one != other);
    }

    #[test]
    fn shares_add_up_exactly_and_skip_hubs_without_events() {
        let plan = |rate: f64| Plan {
            first_day: 0,
            last_day: 9,
            rate,
            ..Plan::default()
        };
        let mut plans = vec![plan(1.0), plan(0.0), plan(2.0), plan(0.0)];
        assert_eq!(share(&mut plans, 10), 10);
        let counts: Vec<u64> = plans.iter().map(|p| p.count).collect();
        assert_eq!(counts, [3, 0, 7, 0]);
        assert_eq!(plans[2].first_id, 4);

        let mut idle = vec![plan(0.0)];
        assert_eq!(share(&mut idle, 10), 0);
        assert_eq!(share(&mut [], 10), 0);
    }

    #[test]
    fn titles_name_the_weekday_they_start_on() {
        let titles = Titles::new();
        assert_eq!(titles.get(1, 0, 5), "Saturday Photo Walk");
        assert_eq!(titles.get(10, 0, 2), "Monthly Rust Meetup");
        assert_eq!(weekday(0), 3);
    }
}
