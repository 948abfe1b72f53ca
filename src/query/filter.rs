//! Filters that hub searches apply inside the search, before any limit.

use crate::activity::HealthState;
use crate::format::activity::Health;
use crate::hub::{CategorySet, HubFlags};

/// Which hubs a search may return. The default keeps every hub.
///
/// Filters prune whole subtrees (each tree node stores the union of its hubs' categories and
/// flags, and their most members), so a rare category costs less than a common one, never
/// more than no filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    any_of: Option<CategorySet>,
    all_of: CategorySet,
    flags: HubFlags,
    excluded: Vec<u64>,
    min_members: u32,
    /// One bit per [`HealthState`]; 0 keeps every state.
    states: u8,
}

impl Filter {
    /// A filter that keeps every hub.
    pub fn new() -> Filter {
        Filter::default()
    }

    /// Keep hubs having at least one of `categories` (an empty set keeps none).
    pub fn any_of(mut self, categories: CategorySet) -> Filter {
        self.any_of = Some(categories);
        self
    }

    /// Keep hubs having every one of `categories`.
    pub fn all_of(mut self, categories: CategorySet) -> Filter {
        self.all_of = categories;
        self
    }

    /// Keep hubs having every flag of `flags`.
    pub fn flags(mut self, flags: HubFlags) -> Filter {
        self.flags = flags;
        self
    }

    /// Drop hubs with these ids.
    pub fn exclude(mut self, ids: impl IntoIterator<Item = u64>) -> Filter {
        self.excluded.extend(ids);
        self.excluded.sort_unstable();
        self.excluded.dedup();
        self
    }

    /// Keep hubs with at least this many members.
    pub fn min_members(mut self, members: u32) -> Filter {
        self.min_members = members;
        self
    }

    /// Keep hubs in one of these health states (every state when never called). A snapshot
    /// without activity figures (format 1) has no hub in any state.
    pub fn states(mut self, states: impl IntoIterator<Item = HealthState>) -> Filter {
        self.states = states.into_iter().fold(self.states, |all, s| all | s.bit());
        self
    }

    /// Whether the filter keeps every hub.
    pub(crate) fn is_open(&self) -> bool {
        self.any_of.is_none()
            && self.all_of.is_empty()
            && self.flags == HubFlags::NONE
            && self.excluded.is_empty()
            && self.min_members == 0
            && self.states == 0
    }

    /// Whether a subtree whose hubs have at most `max_members` members may hold a match.
    #[inline]
    pub(crate) fn members_may_match(&self, max_members: u32) -> bool {
        max_members >= self.min_members
    }

    /// Whether the filter looks at members or health states, which the hub columns and the
    /// health section hold rather than the tree.
    #[inline]
    pub(crate) fn needs_figures(&self) -> bool {
        self.min_members > 0 || self.states != 0
    }

    /// Whether a hub with `members` and these health figures passes the members and state
    /// tests.
    #[inline]
    pub(crate) fn figures_match(&self, members: u32, health: Option<&Health>) -> bool {
        members >= self.min_members
            && (self.states == 0
                || health.is_some_and(|h| self.states & (1u8 << h.state.min(7)) != 0))
    }

    /// Whether the filter asks for flags (else a subtree's flag union need not be read).
    #[inline]
    pub(crate) fn needs_flags(&self) -> bool {
        self.flags.bits() != 0
    }

    /// Whether a subtree whose hubs' unions are `categories` and `flags` may hold a match.
    #[inline]
    pub(crate) fn may_match(&self, categories: u64, flags: u8) -> bool {
        self.any_of.is_none_or(|any| any.0 & categories != 0)
            && categories & self.all_of.0 == self.all_of.0
            && flags & self.flags.bits() == self.flags.bits()
    }

    /// Whether the hub matches.
    #[inline]
    pub(crate) fn matches(&self, id: u64, categories: u64, flags: u8) -> bool {
        self.may_match(categories, flags) && !self.excludes(id)
    }

    /// Whether the id is excluded.
    #[inline]
    pub(crate) fn excludes(&self, id: u64) -> bool {
        !self.excluded.is_empty() && self.excluded.binary_search(&id).is_ok()
    }

    /// Feeds the filter into a cursor's query hash.
    pub(crate) fn hash_into(&self, hasher: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        self.any_of.map(|set| set.0).hash(hasher);
        self.all_of.0.hash(hasher);
        self.flags.bits().hash(hasher);
        self.excluded.hash(hasher);
        self.min_members.hash(hasher);
        self.states.hash(hasher);
    }
}
