//! A go 1.22-only scenario parses to the same listing in every version's encoding.
//!
//! A crashing input's `Debug` (what `cargo fuzz run` and `cargo fuzz fmt` print) is a
//! paste-able regression test; `RUST_LOG=debug` also writes the case as .trace, text and
//! a Go golden .test under `fuzz/artifacts/version_invariance/debug/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trace_harness::targets::{version_invariance::Name, Input};

fuzz_target!(|input: Input<'_, Name>| input.check_or_panic());
