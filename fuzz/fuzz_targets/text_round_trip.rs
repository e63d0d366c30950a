//! Any text: the text reader never panics, and whatever it accepts, rewritten in the
//! lossless style, assembles to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = trace_harness::properties::text_round_trip(data) {
        panic!("{violation}");
    }
});
