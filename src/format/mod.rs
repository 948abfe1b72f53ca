//! The snapshot file: a header, a section table and aligned sections (see `FORMAT.md`).
//!
//! One place, [`layout`], decides where every section goes; the writer and the reader both
//! follow it. Each submodule owns the bytes of one group of sections and both writes and reads
//! them.

pub(crate) mod cells;
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
}

impl SectionKind {
    /// Every kind, in file order.
    pub(crate) const ALL: [SectionKind; 17] = [
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
    ];

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
            NodeFlags | HubFlags | NameBytes | CategoryBytes => 1,
            HubCoords => 8,
            HubMembers | NameOffsets | CategoryOffsets | IdOrder | CellHubs => 4,
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
        }
    }
}

/// Where each section lies in a file whose structure has been checked.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sections {
    ranges: [Range<usize>; SectionKind::ALL.len()],
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
