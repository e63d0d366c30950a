//! Any bytes as a generator config and seed: the generated trace is valid for the reference
//! parser and validator, and the same input gives the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = trace_harness::properties::generated_trace_is_valid(data) {
        panic!("{violation}");
    }
});
