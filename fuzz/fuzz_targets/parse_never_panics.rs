//! Any bytes, or bytes spliced behind a valid header and batch frame: every reader ends in
//! success or an error located inside the input, accepted traces re-encode to the same bytes,
//! and printing, listing and validating every ordered event never panics.
//!
//! A crashing input's `Debug` (what `cargo fuzz run` and `cargo fuzz fmt` print) is a
//! paste-able regression test; `RUST_LOG=debug` also writes the case as .trace, text and
//! a Go golden .test under `fuzz/artifacts/parse_never_panics/debug/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trace_harness::targets::{parse_never_panics::Name, Input};

fuzz_target!(|input: Input<'_, Name>| input.check_or_panic());
