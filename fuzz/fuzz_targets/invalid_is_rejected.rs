//! A generated corruption is rejected with exactly the error its corruption names.
//!
//! A crashing input's `Debug` (what `cargo fuzz run` and `cargo fuzz fmt` print) is a
//! paste-able regression test; `RUST_LOG=debug` also writes the case as .trace, text and
//! a Go golden .test under `fuzz/artifacts/invalid_is_rejected/debug/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trace_harness::targets::{invalid_is_rejected::Name, Input};

fuzz_target!(|input: Input<'_, Name>| input.check_or_panic());
