//! trace-harness: a reference reader, writer and text form for the Go execution trace
//! format "v2" (Go 1.22 and later), built to check other parsers against Go's own.
//!
//! Layers, bottom up:
//! - [`spec`]: the one event table that drives decoding, encoding and printing;
//! - [`version`]: headers, trace versions and the Go toolchains whose views we reproduce;
//! - [`raw`]: wire events read and written byte for byte (`go tool trace -d=wire`);
//! - [`records`]: top-level records and batch kinds, as Go's parser splits a trace;
//! - [`text`]: Go's raw text form, reader and writer; [`golden`]: Go's golden test files.
#![warn(missing_docs)]

pub mod api;
pub mod bench;
pub mod conform;
pub mod corrupt;
pub mod coverage;
pub mod dump;
pub mod error;
pub mod event;
mod event_queue;
pub mod expected;
pub mod gen;
pub mod generation;
pub mod golden;
pub mod gosort;
pub mod gostr;
mod idmap;
pub mod jsonl;
pub mod order;
pub mod properties;
pub mod raw;
pub mod records;
pub mod seeded;
pub mod spec;
pub mod targets;
pub mod text;
pub mod toolchains;
pub mod validate;
pub mod varint;
pub mod version;

pub use error::{Error, ErrorKind, Location, Result};
pub use version::{Toolchain, Version};

/// The committed real traces, for tests.
#[cfg(test)]
pub(crate) mod test_corpus {
    /// Every committed real trace: its path and bytes.
    pub(crate) fn traces() -> Vec<(std::path::PathBuf, Vec<u8>)> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/traces");
        let mut traces = Vec::new();
        for dir in std::fs::read_dir(root).unwrap().flatten() {
            for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
                let path = file.path();
                if path.extension().is_some_and(|e| e == "trace") {
                    let bytes = std::fs::read(&path).unwrap();
                    traces.push((path, bytes));
                }
            }
        }
        traces.sort();
        traces
    }
}
