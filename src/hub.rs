//! Hubs as the builder takes them, and the small value types a snapshot stores with them.

use serde::{Deserialize, Serialize};

/// Longest hub name, in UTF-8 bytes after trimming.
pub const MAX_NAME_BYTES: usize = 200;

/// Longest category slug, in bytes.
pub const MAX_SLUG_BYTES: usize = 32;

/// A hub to put in a snapshot: a local community with a place on the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hub {
    /// Unique id.
    pub id: u64,
    /// Display name, 1 to [`MAX_NAME_BYTES`] bytes after trimming.
    pub name: String,
    /// Latitude in WGS84 degrees, `-90..=90`. Stored to 1e-7 degree.
    pub lat: f64,
    /// Longitude in WGS84 degrees, `-180..=180`. Stored to 1e-7 degree.
    pub lon: f64,
    /// Category slugs such as `photo-walk`; lower-cased and trimmed on the way in.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Member count.
    #[serde(default)]
    pub members: u32,
    /// Creation time, unix seconds.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Whether the hub is verified.
    #[serde(default)]
    pub verified: bool,
}

impl Hub {
    /// A hub with the required fields and defaults for the rest.
    pub fn new(id: u64, name: impl Into<String>, lat: f64, lon: f64) -> Hub {
        Hub {
            id,
            name: name.into(),
            lat,
            lon,
            categories: Vec::new(),
            members: 0,
            created_at: None,
            verified: false,
        }
    }
}

/// Flags of a hub, as a bit set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HubFlags(u8);

impl HubFlags {
    /// No flag.
    pub const NONE: HubFlags = HubFlags(0);
    /// The hub is verified.
    pub const VERIFIED: HubFlags = HubFlags(1);

    /// The raw bits.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Flags from raw bits; unknown bits are kept.
    pub const fn from_bits(bits: u8) -> HubFlags {
        HubFlags(bits)
    }

    /// Whether every flag of `other` is set in `self`.
    pub const fn contains(self, other: HubFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for HubFlags {
    type Output = HubFlags;

    fn bitor(self, other: HubFlags) -> HubFlags {
        HubFlags(self.0 | other.0)
    }
}

/// One category of a snapshot's vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Category(pub(crate) u8);

impl Category {
    /// Its number in the snapshot's vocabulary (`0..64`).
    pub const fn index(self) -> u8 {
        self.0
    }
}

/// A set of categories of one snapshot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CategorySet(pub(crate) u64);

impl CategorySet {
    /// No category.
    pub const EMPTY: CategorySet = CategorySet(0);

    /// The set with `category` added.
    pub const fn with(self, category: Category) -> CategorySet {
        CategorySet(self.0 | 1 << category.0)
    }

    /// Whether `category` is in the set.
    pub const fn contains(self, category: Category) -> bool {
        self.0 & 1 << category.0 != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The categories in the set, ascending.
    pub fn iter(self) -> impl Iterator<Item = Category> {
        (0..64u8)
            .filter(move |&bit| self.0 & 1 << bit != 0)
            .map(Category)
    }
}

impl FromIterator<Category> for CategorySet {
    fn from_iter<I: IntoIterator<Item = Category>>(categories: I) -> CategorySet {
        categories
            .into_iter()
            .fold(CategorySet::EMPTY, CategorySet::with)
    }
}
