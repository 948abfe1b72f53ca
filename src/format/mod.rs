//! The snapshot file: a header, a section table and aligned sections (see `FORMAT.md`).
//!
//! One place, [`layout`], decides where every section goes; the writer and the reader both
//! follow it. Each submodule owns the bytes of one group of sections and both writes and reads
//! them.

pub(crate) mod activity;
pub(crate) mod cells;
pub(crate) mod events;
pub(crate) mod header;
pub(crate) mod hubs;
pub(crate) mod layout;
pub(crate) mod meta;
pub(crate) mod strings;
pub(crate) mod tree;

use std::ops::Range;

use bytemuck::Pod;

/// Every section starts at a multiple of this many bytes (one cache line).
pub(crate) const ALIGN: usize = 64;

/// What a section holds. The numbers are part of the format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u32)]
pub(crate) enum SectionKind {
    /// [`meta::Meta`]: counts, `as_of`, fingerprint.
    Meta = 1,
    /// `[i32; 3]` per hub, tree order: the quantised unit vectors.
    Points = 2,
    /// [`tree::Node`] per tree node, top-down, after one empty slot so that siblings share a
    /// cache line: the node's box and the union of its hubs' categories.
    Nodes = 3,
    /// `u8` per tree node: union of the flags below the node.
    NodeFlags = 4,
    /// `u64` per hub: the hub's id.
    HubIds = 5,
    /// `[i32; 2]` per hub: latitude and longitude in 1e-7 degrees.
    HubCoords = 6,
    /// `u64` per hub: category bit set.
    HubCategories = 7,
    /// `u8` per hub: flags.
    HubFlags = 8,
    /// `u32` per hub: member count.
    HubMembers = 9,
    /// `i64` per hub: creation time in unix seconds, `i64::MIN` when unknown.
    HubCreated = 10,
    /// `u32` per hub plus one: offsets into [`SectionKind::NameBytes`].
    NameOffsets = 11,
    /// UTF-8 hub names, back to back.
    NameBytes = 12,
    /// `u32` per category plus one: offsets into [`SectionKind::CategoryBytes`].
    CategoryOffsets = 13,
    /// UTF-8 category slugs, back to back.
    CategoryBytes = 14,
    /// `u32` per hub: hub positions in ascending id order.
    IdOrder = 15,
    /// `u64` per hub: resolution-15 H3 cells, ascending.
    CellKeys = 16,
    /// `u32` per hub: the position of the hub of each entry of [`SectionKind::CellKeys`].
    CellHubs = 17,
    /// `u32` per hub plus one: the events of the hub at position `p` are the entries
    /// `offsets[p]..offsets[p + 1]` of every event column. Format 2 on, as are all below.
    EventOffsets = 18,
    /// `u64` per event: the event's id. Events are in hub order, each hub's sorted by start
    /// then id.
    EventIds = 19,
    /// `u32` per event: start, unix seconds.
    EventStarts = 20,
    /// `u32` per event: end minus start, seconds.
    EventDurations = 21,
    /// `u32` per event: RSVPs.
    EventRsvps = 22,
    /// `u32` per event: capacity, `u32::MAX` when unlimited.
    EventCapacity = 23,
    /// `u32` per event: price in cents.
    EventPrices = 24,
    /// `u32` per event: index of the title in [`SectionKind::TitleOffsets`].
    EventTitles = 25,
    /// `u32` per distinct title plus one: offsets into [`SectionKind::TitleBytes`].
    TitleOffsets = 26,
    /// UTF-8 event titles, back to back.
    TitleBytes = 27,
    /// `u32` per event with its own venue, ascending: the event's position.
    PlaceEvents = 28,
    /// `[i32; 2]` per entry of [`SectionKind::PlaceEvents`]: the venue in 1e-7 degrees.
    PlaceCoords = 29,
    /// `u32` per event whose categories are not its hub's, ascending: the event's position.
    OwnCategoryEvents = 30,
    /// `u64` per entry of [`SectionKind::OwnCategoryEvents`]: the event's category set.
    OwnCategories = 31,
    /// [`activity::Health`] per hub: activity and health figures as of the build.
    HubHealth = 32,
    /// [`activity::NodeSummary`] per tree node slot (as [`SectionKind::Nodes`]): box of the
    /// node's hubs and venues, best activity, most members.
    NodeSummaries = 33,
    /// [`activity::TimeMask`] per tree node slot: which time buckets hold an event start.
    NodeTimes = 34,
    /// `u64` per region, ascending: H3 cells at the region resolutions.
    RegionKeys = 35,
    /// [`activity::RegionStats`] per region.
    RegionStats = 36,
    /// `u32` per region plus one: offsets into [`SectionKind::TrendHubs`].
    TrendOffsets = 37,
    /// `u32` per trending entry: hub positions, each region's best growth first.
    TrendHubs = 38,
    /// `u32` per event: for each tree leaf, its events (a contiguous range) as offsets from
    /// the leaf's first event, sorted by start then id.
    LeafTimelines = 39,
    /// [`activity::NodeCorners`] per tree node slot: a staircase of (activity, members)
    /// corners above the node's hubs. Format 3 on, as is the next.
    NodeCorners = 40,
    /// `f32` per hub: the activity score again, packed for scans (as in
    /// [`SectionKind::HubHealth`]).
    HubActivity = 41,
}

impl SectionKind {
    /// Every kind, in file order.
    pub(crate) const ALL: [SectionKind; 41] = [
        SectionKind::Meta,
        SectionKind::Nodes,
        SectionKind::NodeFlags,
        SectionKind::Points,
        SectionKind::HubIds,
        SectionKind::HubCoords,
        SectionKind::HubCategories,
        SectionKind::HubFlags,
        SectionKind::HubMembers,
        SectionKind::HubCreated,
        SectionKind::NameOffsets,
        SectionKind::NameBytes,
        SectionKind::CategoryOffsets,
        SectionKind::CategoryBytes,
        SectionKind::IdOrder,
        SectionKind::CellKeys,
        SectionKind::CellHubs,
        SectionKind::EventOffsets,
        SectionKind::EventIds,
        SectionKind::EventStarts,
        SectionKind::EventDurations,
        SectionKind::EventRsvps,
        SectionKind::EventCapacity,
        SectionKind::EventPrices,
        SectionKind::EventTitles,
        SectionKind::TitleOffsets,
        SectionKind::TitleBytes,
        SectionKind::PlaceEvents,
        SectionKind::PlaceCoords,
        SectionKind::OwnCategoryEvents,
        SectionKind::OwnCategories,
        SectionKind::HubHealth,
        SectionKind::NodeSummaries,
        SectionKind::NodeTimes,
        SectionKind::RegionKeys,
        SectionKind::RegionStats,
        SectionKind::TrendOffsets,
        SectionKind::TrendHubs,
        SectionKind::LeafTimelines,
        SectionKind::NodeCorners,
        SectionKind::HubActivity,
    ];

    /// The kinds a file of format `version` holds, in file order: format 1 has no events,
    /// format 2 no corners or packed activity.
    pub(crate) fn of_version(version: u32) -> &'static [SectionKind] {
        match version {
            1 => &SectionKind::ALL[..17],
            2 => &SectionKind::ALL[..39],
            _ => &SectionKind::ALL,
        }
    }

    pub(crate) fn from_u32(raw: u32) -> Option<SectionKind> {
        SectionKind::ALL
            .into_iter()
            .find(|kind| *kind as u32 == raw)
    }

    /// Bytes per element: a section's length is a multiple of it.
    pub(crate) fn element_size(self) -> usize {
        use SectionKind::*;
        match self {
            Meta => std::mem::size_of::<meta::Meta>(),
            Points => 12,
            Nodes => std::mem::size_of::<tree::Node>(),
            HubIds | HubCategories | HubCreated | CellKeys => 8,
            NodeFlags | HubFlags | NameBytes | CategoryBytes | TitleBytes => 1,
            HubCoords => 8,
            HubMembers | NameOffsets | CategoryOffsets | IdOrder | CellHubs => 4,
            EventIds | OwnCategories | RegionKeys | PlaceCoords => 8,
            EventOffsets | EventStarts | EventDurations | EventRsvps | EventCapacity
            | EventPrices | EventTitles | TitleOffsets | PlaceEvents | OwnCategoryEvents
            | TrendOffsets | TrendHubs | LeafTimelines | HubActivity => 4,
            HubHealth => std::mem::size_of::<activity::Health>(),
            NodeSummaries => std::mem::size_of::<activity::NodeSummary>(),
            NodeTimes => std::mem::size_of::<activity::TimeMask>(),
            NodeCorners => std::mem::size_of::<activity::NodeCorners>(),
            RegionStats => std::mem::size_of::<activity::RegionStats>(),
        }
    }

    /// Bytes per element in a file of format `version`: format 1's meta was shorter.
    pub(crate) fn element_size_in(self, version: u32) -> usize {
        match (self, version) {
            (SectionKind::Meta, 1) => 72,
            _ => self.element_size(),
        }
    }

    /// The name used in error messages and `hubdex info`.
    pub(crate) fn name(self) -> &'static str {
        use SectionKind::*;
        match self {
            Meta => "meta",
            Points => "points",
            Nodes => "nodes",
            NodeFlags => "node-flags",
            HubIds => "hub-ids",
            HubCoords => "hub-coords",
            HubCategories => "hub-categories",
            HubFlags => "hub-flags",
            HubMembers => "hub-members",
            HubCreated => "hub-created",
            NameOffsets => "name-offsets",
            NameBytes => "name-bytes",
            CategoryOffsets => "category-offsets",
            CategoryBytes => "category-bytes",
            IdOrder => "id-order",
            CellKeys => "cell-keys",
            CellHubs => "cell-hubs",
            EventOffsets => "event-offsets",
            EventIds => "event-ids",
            EventStarts => "event-starts",
            EventDurations => "event-durations",
            EventRsvps => "event-rsvps",
            EventCapacity => "event-capacity",
            EventPrices => "event-prices",
            EventTitles => "event-titles",
            TitleOffsets => "title-offsets",
            TitleBytes => "title-bytes",
            PlaceEvents => "place-events",
            PlaceCoords => "place-coords",
            OwnCategoryEvents => "own-category-events",
            OwnCategories => "own-categories",
            HubHealth => "hub-health",
            NodeSummaries => "node-summaries",
            NodeTimes => "node-times",
            RegionKeys => "region-keys",
            RegionStats => "region-stats",
            TrendOffsets => "trend-offsets",
            TrendHubs => "trend-hubs",
            LeafTimelines => "leaf-timelines",
            NodeCorners => "node-corners",
            HubActivity => "hub-activity",
        }
    }
}

/// Where each section lies in a file whose structure has been checked.
#[derive(Clone, Debug)]
pub(crate) struct Sections {
    ranges: [Range<usize>; SectionKind::ALL.len()],
}

impl Default for Sections {
    fn default() -> Sections {
        Sections {
            ranges: std::array::from_fn(|_| 0..0),
        }
    }
}

impl Sections {
    fn slot(kind: SectionKind) -> usize {
        kind as usize - 1
    }

    pub(crate) fn set(&mut self, kind: SectionKind, range: Range<usize>) {
        self.ranges[Self::slot(kind)] = range;
    }

    pub(crate) fn range(&self, kind: SectionKind) -> Range<usize> {
        self.ranges[Self::slot(kind)].clone()
    }

    /// The section as a slice of `T`, or an empty slice if `bytes` no longer matches the
    /// checked structure (a buffer whose contents changed after open).
    #[inline]
    pub(crate) fn slice<'a, T: Pod>(&self, bytes: &'a [u8], kind: SectionKind) -> &'a [T] {
        bytes
            .get(self.range(kind))
            .and_then(|raw| bytemuck::try_cast_slice(raw).ok())
            .unwrap_or(&[])
    }
}

/// A section's contents as built, kept in their own element type so that writing the file
/// needs no second copy of them, with their CRC-32 once it is asked for: the fingerprint
/// and the section table both need it.
pub(crate) struct Data {
    values: Box<dyn AsBytes>,
    crc: std::sync::OnceLock<u32>,
}

trait AsBytes: Send + Sync {
    fn bytes(&self) -> &[u8];
}

impl<T: Pod + Send + Sync> AsBytes for Vec<T> {
    fn bytes(&self) -> &[u8] {
        bytemuck::cast_slice(self)
    }
}

impl Data {
    pub(crate) fn bytes(&self) -> &[u8] {
        self.values.bytes()
    }

    /// CRC-32 of the bytes, computed on first use.
    pub(crate) fn crc(&self) -> u32 {
        *self.crc.get_or_init(|| crc32fast::hash(self.bytes()))
    }
}

impl<T: Pod + Send + Sync> From<Vec<T>> for Data {
    fn from(values: Vec<T>) -> Data {
        Data {
            values: Box::new(values),
            crc: std::sync::OnceLock::new(),
        }
    }
}

/// The sections of a snapshot being written, in any order.
pub(crate) type Built = Vec<(SectionKind, Data)>;
