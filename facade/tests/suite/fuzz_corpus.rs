//! The inputs the fuzzer keeps in `fuzz/corpus/decode/` (seeds and anything
//! it found interesting), replayed as regression tests: none may panic.

#[test]
fn every_corpus_input_decodes_without_panicking() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/decode");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("the corpus is checked in") {
        let input = std::fs::read(entry.expect("entry").path()).expect("readable");
        authlete::fuzzing::decode(&input);
        count += 1;
    }
    assert!(count >= 7, "only {count} corpus inputs");
}

#[test]
fn edge_inputs_decode_without_panicking() {
    for input in [
        &b""[..],
        b"\x00",
        b"\xff\xff",
        b"\x00\x00\x00",
        b"\x00\x00\x00{\"action\":",
        b"\x02\x03\x00\xff\xfe\xfd",
        b"\x05\x00:::\n\n\x00[]",
    ] {
        authlete::fuzzing::decode(input);
    }
}
