//! A trace read in arbitrary chunks gives the same events and error as read whole.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) =
        trace_harness::targets::incremental_parse::run(&mut Unstructured::new(data))
    {
        panic!("{violation}");
    }
});
