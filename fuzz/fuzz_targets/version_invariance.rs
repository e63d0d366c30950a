//! A go 1.22-only scenario parses to the same listing in every version's encoding.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) =
        trace_harness::targets::version_invariance::run(&mut Unstructured::new(data))
    {
        panic!("{violation}");
    }
});
