//! Any bytes: the wire and record readers end in success or a located error, and every
//! accepted trace re-encodes, directly and through lossless text, to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = trace_harness::properties::wire_round_trip(data) {
        panic!("{violation}");
    }
});
