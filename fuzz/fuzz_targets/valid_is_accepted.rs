//! A generated valid trace parses and validates, and its listing equals the model's oracle.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) =
        trace_harness::targets::valid_is_accepted::run(&mut Unstructured::new(data))
    {
        panic!("{violation}");
    }
});
