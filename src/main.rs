//! The hubdex command-line tool.
fn main() {}
