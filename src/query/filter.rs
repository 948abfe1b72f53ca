//! Filters that hub searches apply inside the search, before any limit.

use crate::hub::{CategorySet, HubFlags};

/// Which hubs a search may return. The default keeps every hub.
///
/// Filters prune whole subtrees (each tree node stores the union of its hubs' categories and
/// flags), so a rare category costs less than a common one, never more than no filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    any_of: Option<CategorySet>,
    all_of: CategorySet,
    flags: HubFlags,
    excluded: Vec<u64>,
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

    /// Whether the filter keeps every hub.
    pub(crate) fn is_open(&self) -> bool {
        self.any_of.is_none()
            && self.all_of.is_empty()
            && self.flags == HubFlags::NONE
            && self.excluded.is_empty()
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
    }
}
