//! The `hubdex` command-line tool: generate sample hubs, build snapshots, inspect and verify
//! them, and answer nearest and within queries, one at a time or in batches.
//!
//! Exit status: 0 on success (also when the reader of standard output goes away early, as
//! `hubdex within ... | head -1` does), 1 for a bad file or bad input, 2 for bad usage.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Failure};

fn main() -> ExitCode {
    let cli = Cli::parse();

    match cli::run(cli.command) {
        Ok(()) | Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Message(message)) => {
            cli::note(format_args!("hubdex: error: {message}"));
            ExitCode::FAILURE
        }
    }
}
