//! [`Snapshot`]: an opened snapshot file, read in place.

use crate::error::{OpenError, QueryError};
use crate::event::MAX_TITLE_BYTES;
use crate::format::activity::{self, ActivityView};
use crate::format::cells::CellsView;
use crate::format::events::{self, EventsView};
use crate::format::header::{self, Parsed};
use crate::format::hubs::{HubsView, UNKNOWN_TIME};
use crate::format::meta::{self, Meta};
use crate::format::strings::{self, StringsView};
use crate::format::tree::{self, TreeView};
use crate::format::{cells, hubs, SectionKind};
use crate::hub::{Category, CategorySet, HubFlags, MAX_NAME_BYTES, MAX_SLUG_BYTES};
use crate::query::hexbin::{running_sums, RunningSum};

/// An opened snapshot: hubs and their indexes, read in place from any byte buffer.
///
/// `B` is the storage: a memory map ([`Snapshot::open`]), an [`AlignedBytes`](crate::AlignedBytes)
/// buffer, or anything else that derefs to 8-byte-aligned bytes. A snapshot is immutable,
/// `Send + Sync` when `B` is, and cheap to share: wrap it in an `Arc` and query from every
/// thread.
///
/// Opening checks the header, the section table and every count and size against the file's
/// length, in time independent of the file size; after that no query can read out of bounds.
/// [`Snapshot::verify`] checks the checksums that cover every byte.
pub struct Snapshot<B> {
    bytes: B,
    parsed: Parsed,
    meta: Meta,
    /// Running sums over the cell index for hex aggregates, made on first use.
    sums: std::sync::OnceLock<Vec<RunningSum>>,
}

impl<B: AsRef<[u8]>> Snapshot<B> {
    /// Opens a snapshot held in `bytes`.
    ///
    /// # Errors
    ///
    /// [`OpenError`] if the bytes are not a snapshot this build reads, are truncated, or their
    /// header, section table or section sizes are inconsistent.
    pub fn from_bytes(bytes: B) -> Result<Snapshot<B>, OpenError> {
        #[cfg(feature = "tracing")]
        let _span = tracing::debug_span!("open", bytes = bytes.as_ref().len()).entered();
        let raw = bytes.as_ref();
        let parsed = header::parse(raw)?;
        let meta = meta::read(raw, &parsed.sections, parsed.version)?;
        tree::check(&parsed.sections, &meta)?;
        hubs::check(&parsed.sections, &meta)?;
        cells::check(&parsed.sections, &meta)?;
        strings::check(
            raw,
            &parsed.sections,
            SectionKind::NameOffsets,
            SectionKind::NameBytes,
            meta.hub_count,
        )?;
        strings::check(
            raw,
            &parsed.sections,
            SectionKind::CategoryOffsets,
            SectionKind::CategoryBytes,
            u64::from(meta.category_count),
        )?;
        if parsed.version >= 2 {
            events::check(raw, &parsed.sections, &meta)?;
            activity::check(raw, &parsed.sections, &meta, parsed.version)?;
        } else if meta.event_count != 0 || meta.region_count != 0 || meta.title_count != 0 {
            return Err(OpenError::Inconsistent {
                section: SectionKind::Meta.name(),
                problem: "a format 1 snapshot with events".to_string(),
            });
        }
        Ok(Snapshot {
            bytes,
            parsed,
            meta,
            sums: std::sync::OnceLock::new(),
        })
    }

    /// Recomputes the checksums of every section and checks that padding is zero: any flipped
    /// bit anywhere in the file is found. Reads the whole file.
    ///
    /// # Errors
    ///
    /// [`OpenError::Checksum`] naming the damaged section, or [`OpenError::Padding`].
    pub fn verify(&self) -> Result<(), OpenError> {
        #[cfg(feature = "tracing")]
        let _span = tracing::info_span!("verify", bytes = self.bytes.as_ref().len()).entered();
        header::verify(self.bytes.as_ref(), &self.parsed)
    }

    /// The storage the snapshot reads from.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// Number of hubs.
    pub fn hub_count(&self) -> usize {
        self.meta.hub_count as usize
    }

    /// Number of events.
    pub fn event_count(&self) -> usize {
        self.meta.event_count as usize
    }

    /// The snapshot's format version: 1 has hubs only; 2 adds events, activity, health and
    /// trending; 3 adds the per-node bounds that prune ranked searches.
    pub fn format_version(&self) -> u32 {
        self.parsed.version
    }

    /// The build's reference time, unix seconds.
    pub fn as_of(&self) -> i64 {
        self.meta.as_of
    }

    /// A value that identifies the snapshot's content.
    pub fn fingerprint(&self) -> u64 {
        self.meta.fingerprint
    }

    /// The category vocabulary, in category order.
    pub fn categories(&self) -> impl Iterator<Item = (Category, &str)> + '_ {
        let names = self.category_names();
        (0..self.meta.category_count as u8)
            .filter_map(move |index| Some((Category(index), names.get(usize::from(index))?)))
    }

    /// The category with this slug, if the snapshot has it.
    pub fn category(&self, slug: &str) -> Option<Category> {
        self.categories()
            .find(|(_, name)| *name == slug)
            .map(|(category, _)| category)
    }

    /// The set of categories with these slugs.
    ///
    /// # Errors
    ///
    /// [`QueryError::InvalidParameter`] naming the first slug the snapshot does not have.
    pub fn category_set<S: AsRef<str>>(&self, slugs: &[S]) -> Result<CategorySet, QueryError> {
        slugs
            .iter()
            .map(|slug| {
                self.category(slug.as_ref())
                    .ok_or_else(|| QueryError::InvalidParameter {
                        parameter: "category",
                        value: format!("{:?}", slug.as_ref()),
                        expected: "a category of this snapshot (see `hubdex info`)",
                    })
            })
            .collect()
    }

    /// The hub with this id.
    pub fn hub(&self, id: u64) -> Option<HubRef<'_>> {
        let position = self.hubs().position_of(id)?;
        self.hub_at(position)
    }

    /// The hub at a position (as in [`Hit::position`](crate::Hit::position)).
    pub fn hub_at(&self, position: u32) -> Option<HubRef<'_>> {
        let index = position as usize;
        let hubs = self.hubs();
        let view = HubRef {
            position,
            id: *hubs.ids.get(index)?,
            coords: *hubs.coords.get(index)?,
            categories: CategorySet(*hubs.categories.get(index)?),
            flags: HubFlags::from_bits(*hubs.flags.get(index)?),
            members: *hubs.members.get(index)?,
            created: *hubs.created.get(index)?,
            names: self.names(),
        };
        Some(view)
    }

    /// Every hub, in storage order.
    pub fn iter(&self) -> impl Iterator<Item = HubRef<'_>> + '_ {
        (0..self.meta.hub_count as u32).filter_map(|position| self.hub_at(position))
    }

    /// Sizes of the sections, for `hubdex info`.
    pub fn section_sizes(&self) -> Vec<(&'static str, usize)> {
        SectionKind::of_version(self.parsed.version)
            .iter()
            .map(|&kind| (kind.name(), self.parsed.sections.range(kind).len()))
            .collect()
    }

    pub(crate) fn tree(&self) -> Result<TreeView<'_>, QueryError> {
        TreeView::new(self.bytes.as_ref(), &self.parsed.sections, &self.meta).ok_or(
            QueryError::Corrupt {
                section: SectionKind::Points.name(),
            },
        )
    }

    pub(crate) fn running_sums(&self) -> &[RunningSum] {
        self.sums.get_or_init(|| running_sums(self))
    }

    pub(crate) fn hubs(&self) -> HubsView<'_> {
        HubsView::new(self.bytes.as_ref(), &self.parsed.sections)
    }

    pub(crate) fn events(&self) -> EventsView<'_> {
        EventsView::new(self.bytes.as_ref(), &self.parsed.sections)
    }

    pub(crate) fn activity(&self) -> ActivityView<'_> {
        ActivityView::new(self.bytes.as_ref(), &self.parsed.sections)
    }

    pub(crate) fn meta(&self) -> &Meta {
        &self.meta
    }

    pub(crate) fn titles(&self) -> StringsView<'_> {
        StringsView::new(
            self.bytes.as_ref(),
            &self.parsed.sections,
            SectionKind::TitleOffsets,
            SectionKind::TitleBytes,
            MAX_TITLE_BYTES,
        )
    }

    pub(crate) fn cells(&self) -> CellsView<'_> {
        CellsView::new(self.bytes.as_ref(), &self.parsed.sections)
    }

    fn names(&self) -> StringsView<'_> {
        StringsView::new(
            self.bytes.as_ref(),
            &self.parsed.sections,
            SectionKind::NameOffsets,
            SectionKind::NameBytes,
            MAX_NAME_BYTES,
        )
    }

    fn category_names(&self) -> StringsView<'_> {
        StringsView::new(
            self.bytes.as_ref(),
            &self.parsed.sections,
            SectionKind::CategoryOffsets,
            SectionKind::CategoryBytes,
            MAX_SLUG_BYTES,
        )
    }
}

impl<B> std::fmt::Debug for Snapshot<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("hubs", &self.meta.hub_count)
            .field("categories", &self.meta.category_count)
            .field("as_of", &self.meta.as_of)
            .finish_non_exhaustive()
    }
}

/// One hub of a snapshot, read in place.
#[derive(Clone, Copy)]
pub struct HubRef<'a> {
    position: u32,
    id: u64,
    coords: [i32; 2],
    categories: CategorySet,
    flags: HubFlags,
    members: u32,
    created: i64,
    names: StringsView<'a>,
}

impl<'a> HubRef<'a> {
    /// Its position in the snapshot.
    pub fn position(&self) -> u32 {
        self.position
    }

    /// Its id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Its name.
    ///
    /// # Errors
    ///
    /// [`QueryError::Corrupt`] if the name's bytes are damaged (`verify` would fail).
    pub fn name(&self) -> Result<&'a str, QueryError> {
        self.names
            .get(self.position as usize)
            .ok_or(QueryError::Corrupt {
                section: SectionKind::NameBytes.name(),
            })
    }

    /// Latitude in degrees, as stored (1e-7 degree steps).
    pub fn lat(&self) -> f64 {
        f64::from(self.coords[0]) / 1e7
    }

    /// Longitude in degrees, as stored (1e-7 degree steps).
    pub fn lon(&self) -> f64 {
        f64::from(self.coords[1]) / 1e7
    }

    /// Its categories.
    pub fn categories(&self) -> CategorySet {
        self.categories
    }

    /// Its flags.
    pub fn flags(&self) -> HubFlags {
        self.flags
    }

    /// Whether it is verified.
    pub fn verified(&self) -> bool {
        self.flags.contains(HubFlags::VERIFIED)
    }

    /// Its member count.
    pub fn members(&self) -> u32 {
        self.members
    }

    /// Its creation time in unix seconds, if known.
    pub fn created_at(&self) -> Option<i64> {
        (self.created != UNKNOWN_TIME).then_some(self.created)
    }
}

impl std::fmt::Debug for HubRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubRef")
            .field("id", &self.id)
            .field("name", &self.name().ok())
            .field("lat", &self.lat())
            .field("lon", &self.lon())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    //! Small enough for Miri (`cargo +nightly miri test --lib snapshot`), which checks that the
    //! in-place reads are sound: every column a query reads is a cast of the caller's buffer.

    use super::*;
    use crate::{
        AlignedBytes, Event, Filter, Hub, Nearest, Ranked, SnapshotBuilder, Upcoming, Within,
    };
    use h3o::{LatLng, Resolution};

    fn sample() -> AlignedBytes {
        let mut builder = SnapshotBuilder::new();
        builder.as_of(1_767_225_600);
        let places = [
            (38.7223, -9.1393),
            (38.7300, -9.1500),
            (41.1579, -8.6291),
            (-17.0, 179.99),
            (-17.1, -179.98),
            (89.99, 10.0),
        ];
        for (i, (lat, lon)) in places.into_iter().enumerate() {
            let mut hub = Hub::new(10 + i as u64, format!("Hub {i} São"), lat, lon);
            hub.categories = vec![["rust", "running"][i % 2].to_string()];
            hub.verified = i % 3 == 0;
            hub.members = i as u32;
            hub.created_at = Some(1_600_000_000 + i as i64);
            builder.add_hub(hub).expect("valid hub");
            for day in 0..3 {
                let start = 1_767_225_600 + (day - 1) * 86_400 + i as i64;
                let mut event =
                    Event::new(100 * i as u64 + day as u64, 10 + i as u64, "Walk", start);
                event.rsvps = day as u32;
                if day == 2 {
                    event.lat = Some(lat.clamp(-89.0, 89.0) + 0.5);
                    event.lon = Some(lon);
                    event.categories = vec!["chess".to_string()];
                }
                builder.add_event(event).expect("valid event");
            }
        }
        builder.to_bytes().expect("builds")
    }

    /// Every query kind; answers are ignored on damaged files, which must only not panic.
    fn exercise<B: AsRef<[u8]>>(snapshot: &Snapshot<B>) -> usize {
        let mut answered = 0;
        answered += snapshot
            .nearest(&Nearest::new(38.72, -9.14).k(3))
            .map_or(0, |hits| hits.len());
        answered += snapshot
            .nearest(
                &Nearest::new(17.0, 0.0)
                    .k(2)
                    .filter(Filter::new().flags(HubFlags::VERIFIED)),
            )
            .map_or(0, |hits| hits.len());
        answered += snapshot
            .within(&Within::new(-17.0, 180.0, 50_000.0).limit(1))
            .map_or(0, |page| page.hits.len());
        answered += snapshot
            .within(&Within::new(38.72, -9.14, 5_000.0))
            .map_or(0, |page| page.hits.len());
        if let Ok(point) = LatLng::new(38.7223, -9.1393) {
            answered += snapshot
                .hubs_in_cell(point.to_cell(Resolution::Six), &Filter::new())
                .map_or(0, |hubs| hubs.len());
        }
        for hub in snapshot.iter() {
            answered += usize::from(hub.name().is_ok());
            answered += usize::from(snapshot.hub(hub.id()).is_some());
            answered += usize::from(snapshot.health(hub.id()).is_some());
            answered += snapshot
                .events_of(hub.id())
                .map_or(0, |events| events.map_or(0, |events| events.len()));
        }
        answered += snapshot
            .ranked(&Ranked::new(38.72, -9.14, 100_000.0))
            .map_or(0, |page| page.hits.len());
        answered += snapshot
            .upcoming(&Upcoming::new(38.72, -9.14, 100_000.0, 0, i64::MAX))
            .map_or(0, |page| page.hits.len());
        answered += snapshot
            .trending_at(38.7223, -9.1393, 4, 10)
            .map_or(0, |(_, trends)| trends.len());
        answered + snapshot.categories().count()
    }

    #[test]
    fn a_snapshot_reads_in_place_from_any_aligned_buffer() {
        let bytes = sample();
        let snapshot = Snapshot::from_bytes(bytes.clone()).expect("opens");
        snapshot.verify().expect("verifies");
        assert_eq!(snapshot.hub_count(), 6);
        let hits = snapshot
            .nearest(&Nearest::new(38.72, -9.14).k(2))
            .expect("answers");
        assert_eq!(hits.iter().map(|hit| hit.id).collect::<Vec<_>>(), [10, 11]);
        let hub = snapshot.hub(14).expect("hub 14");
        assert_eq!(hub.name(), Ok("Hub 4 São"));
        assert_eq!((hub.lat(), hub.lon()), (-17.1, -179.98));
        assert_eq!(hub.created_at(), Some(1_600_000_004));
        let page = snapshot
            .within(&Within::new(-17.0, 180.0, 50_000.0))
            .expect("answers");
        assert_eq!(page.hits.len(), 2);
        // Hubs: nearest 3 + 2, within 1 + 2, cell 2, names 6, ids 6, categories 3; events:
        // health 6, events 18, ranked 2, upcoming 6 (two hubs, three events each, in 100 km),
        // trending: 2 hubs near Lisbon, growing.
        assert_eq!(
            exercise(&snapshot),
            3 + 2 + 1 + 2 + 2 + 6 + 6 + 3 + 6 + 18 + 2 + 6 + 2
        );

        // A borrowed buffer at every offset: aligned ones open and answer alike.
        let mut wide = AlignedBytes::zeroed(bytes.len() + 8);
        for shift in 0..=8 {
            wide.as_mut()[shift..shift + bytes.len()].copy_from_slice(bytes.as_ref());
            let borrowed = Snapshot::from_bytes(&wide.as_ref()[shift..shift + bytes.len()]);
            match shift % 8 {
                0 => assert_eq!(exercise(&borrowed.expect("aligned")), exercise(&snapshot)),
                _ => assert!(matches!(borrowed, Err(OpenError::Misaligned))),
            }
        }
    }

    #[test]
    fn damaged_copies_fail_open_or_verify_and_never_panic() {
        let bytes = sample();
        let snapshot = Snapshot::from_bytes(bytes.clone()).expect("opens");
        // One byte at each end of each section, and a cut inside each.
        let mut offsets = Vec::new();
        for kind in SectionKind::ALL {
            let range = snapshot.parsed.sections.range(kind);
            if !range.is_empty() {
                offsets.extend([range.start, range.end - 1]);
            }
        }
        // Under Miri every query costs seconds, and damaged values meet the same casts as
        // intact ones: a sample of the offsets will do there.
        for at in offsets.into_iter().step_by(if cfg!(miri) { 7 } else { 1 }) {
            let mut damaged = bytes.clone();
            damaged.as_mut()[at] ^= 0x41;
            if let Ok(opened) = Snapshot::from_bytes(damaged.clone()) {
                exercise(&opened);
                assert!(opened.verify().is_err(), "byte {at}");
            }
            damaged.truncate(at);
            assert!(Snapshot::from_bytes(damaged).is_err(), "cut at {at}");
        }
    }

    #[test]
    fn an_empty_snapshot_opens_and_answers_nothing() {
        let bytes = SnapshotBuilder::new().as_of(0).to_bytes().expect("builds");
        let snapshot = Snapshot::from_bytes(bytes).expect("opens");
        snapshot.verify().expect("verifies");
        assert_eq!(exercise(&snapshot), 0);
    }
}
