//! A generated valid trace parses and validates, and its listing equals the model's oracle.
//!
//! A crashing input's `Debug` (what `cargo fuzz run` and `cargo fuzz fmt` print) is a
//! paste-able regression test; `RUST_LOG=debug` also writes the case as .trace, text and
//! a Go golden .test under `fuzz/artifacts/valid_is_accepted/debug/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trace_harness::targets::{valid_is_accepted::Name, Input};

fuzz_target!(|input: Input<'_, Name>| input.check_or_panic());
