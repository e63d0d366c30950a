//! A generated corruption is rejected with exactly the error its corruption names.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) =
        trace_harness::targets::invalid_is_rejected::run(&mut Unstructured::new(data))
    {
        panic!("{violation}");
    }
});
