//! A trace read in arbitrary chunks gives the same events and error as read whole.
//!
//! A crashing input's `Debug` (what `cargo fuzz run` and `cargo fuzz fmt` print) is a
//! paste-able regression test; `RUST_LOG=debug` also writes the case as .trace, text and
//! a Go golden .test under `fuzz/artifacts/incremental_parse/debug/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trace_harness::targets::{incremental_parse::Name, Input};

fuzz_target!(|input: Input<'_, Name>| input.check_or_panic());
