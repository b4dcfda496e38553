//! Arbitrary bytes as the status, headers and body of a response to every
//! operation: decoding must never panic, hang or grow without bound.

#![no_main]

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    authlete::fuzzing::decode(input);
});
