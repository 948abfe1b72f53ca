//! Cursors: where a page ended, tied to one snapshot and one query.

use std::fmt;
use std::hash::Hasher;
use std::str::FromStr;

use crate::error::QueryError;
use crate::sphere::Key;

/// An opaque position in a paged result. Its text form (`Display` / `FromStr`) can travel
/// through a URL or a CLI argument.
///
/// A cursor remembers the last hit of its page, so the next page is a fresh search that skips
/// everything up to that hit: it costs as little as the first page. It only works with the
/// snapshot and the query that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cursor {
    pub(crate) fingerprint: u64,
    pub(crate) query: u32,
    pub(crate) key: Key,
    pub(crate) id: u64,
}

const TEXT_LEN: usize = 16 + 8 + 16 + 16;

impl Cursor {
    /// Checks the cursor against a snapshot and a query hash; returns where to resume.
    pub(crate) fn resume(&self, fingerprint: u64, query: u32) -> Result<(Key, u64), QueryError> {
        if self.fingerprint != fingerprint {
            return Err(QueryError::BadCursor {
                problem: "it was made on another snapshot",
            });
        }
        if self.query != query {
            return Err(QueryError::BadCursor {
                problem: "it was made by another query",
            });
        }
        Ok((self.key, self.id))
    }
}

/// A hasher for the parameters a cursor is tied to.
pub(crate) fn query_hasher() -> crc32fast::Hasher {
    crc32fast::Hasher::new()
}

pub(crate) fn finish(hasher: crc32fast::Hasher) -> u32 {
    // The Hasher trait widens to u64; the value is a CRC-32.
    hasher.finish() as u32
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:016x}{:08x}{:016x}{:016x}",
            self.fingerprint, self.query, self.key.0, self.id
        )
    }
}

impl FromStr for Cursor {
    type Err = QueryError;

    fn from_str(text: &str) -> Result<Cursor, QueryError> {
        let malformed = QueryError::BadCursor {
            problem: "it is not a hubdex cursor",
        };
        if text.len() != TEXT_LEN || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(malformed);
        }
        let field = |range: std::ops::Range<usize>| u64::from_str_radix(&text[range], 16);
        let parsed = (|| {
            Ok::<_, std::num::ParseIntError>(Cursor {
                fingerprint: field(0..16)?,
                query: u32::from_str_radix(&text[16..24], 16)?,
                key: Key(field(24..40)?),
                id: field(40..56)?,
            })
        })();
        parsed.map_err(|_| malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips_and_rejects_junk() {
        let cursor = Cursor {
            fingerprint: 7,
            query: 0xdead_beef,
            key: Key(1 << 63 | 5),
            id: u64::MAX,
        };
        assert_eq!(cursor.to_string().parse::<Cursor>(), Ok(cursor));
        assert!("xyz".parse::<Cursor>().is_err());
        assert!("g".repeat(TEXT_LEN).parse::<Cursor>().is_err());
        assert!("é".repeat(TEXT_LEN / 2).parse::<Cursor>().is_err());
    }
}
