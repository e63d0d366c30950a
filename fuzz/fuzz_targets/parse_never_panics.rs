//! Any bytes, or bytes spliced behind a valid header and batch frame: every reader ends in
//! success or an error located inside the input, accepted traces re-encode to the same bytes,
//! and printing, listing and validating every ordered event never panics.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) =
        trace_harness::targets::parse_never_panics::run(&mut Unstructured::new(data))
    {
        panic!("{violation}");
    }
});
