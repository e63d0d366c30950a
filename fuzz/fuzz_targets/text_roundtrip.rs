//! Text -> binary -> text is a fixpoint, and binary -> text -> binary the identity.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) =
        trace_harness::targets::text_roundtrip::run(&mut Unstructured::new(data))
    {
        panic!("{violation}");
    }
});
