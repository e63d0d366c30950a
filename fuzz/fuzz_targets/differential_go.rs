//! The reference against Go 1.27.3 (the conformance runner's persistent Go testee): the same
//! accept/reject, events and first error line on generated, corrupted and arbitrary traces.
//! Without a cached Go toolchain every input passes, after a one-line notice.
//!
//! A crashing input's `Debug` (what `cargo fuzz run` and `cargo fuzz fmt` print) is a
//! paste-able regression test; `RUST_LOG=debug` also writes the case as .trace, text and
//! a Go golden .test under `fuzz/artifacts/differential_go/debug/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trace_harness::targets::{differential_go::Name, Input};

fuzz_target!(|input: Input<'_, Name>| input.check_or_panic());
