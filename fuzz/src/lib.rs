//! Helpers shared by the fuzz targets in `fuzz_targets/`: turning fuzzer bytes into query
//! parameters, repairing mutated snapshot headers so that mutations reach past the checksum,
//! a brute-force oracle for query answers, the invariants every answer must keep, and the
//! fixed snapshot the query targets ask.

pub mod check;
pub mod fixed;
pub mod oracle;
pub mod params;
pub mod repair;
