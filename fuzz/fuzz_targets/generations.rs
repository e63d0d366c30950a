//! Any bytes: every Go release's generation reader ends in generations or a located error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = trace_harness::properties::generations_are_located(data) {
        panic!("{violation}");
    }
});
