//! What a fuzz finding leaves for people: every target in `fuzz/fuzz_targets/` is in
//! `targets::ALL`; an input's `Debug` is a regression test whose byte literal is the input;
//! and `write_case` (what `RUST_LOG=debug` runs on a violation) writes the traces the input
//! builds as `.trace`, Go's raw text and a Go golden `.test`.

mod common;

use trace_harness::targets::{self, parse_never_panics, Input};

/// Reads back a Rust byte-string literal as `std::ascii::escape_default` writes it.
fn unescape(literal: &str) -> Vec<u8> {
    let body = literal
        .strip_prefix("b\"")
        .and_then(|l| l.strip_suffix('"'))
        .unwrap();
    let mut out = Vec::new();
    let mut bytes = body.bytes();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next().unwrap() {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'x' => {
                let hex: String = [bytes.next().unwrap(), bytes.next().unwrap()]
                    .iter()
                    .map(|&c| c as char)
                    .collect();
                out.push(u8::from_str_radix(&hex, 16).unwrap());
            }
            other => out.push(other),
        }
    }
    out
}

#[test]
fn every_fuzz_target_is_registered() {
    let dir = common::repo_root().join("fuzz/fuzz_targets");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    let mut registered: Vec<String> = targets::ALL.iter().map(|t| t.name.to_string()).collect();
    registered.sort();
    assert_eq!(files, registered);
}

#[test]
fn debug_of_an_input_is_a_regression_test_holding_its_bytes() {
    let data: Vec<u8> = (0u8..=255).chain(*b"go 1.26 trace\0\0\0").collect();
    let input = Input::<parse_never_panics::Name>(&data, std::marker::PhantomData);
    let text = format!("{input:?}");
    assert!(text.contains("#[test]\nfn what_broke()"), "{text}");
    assert!(
        text.contains("targets::find(\"parse_never_panics\")"),
        "{text}"
    );
    let literal = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("let data: &[u8] = "))
        .and_then(|l| l.strip_suffix(';'))
        .unwrap();
    assert_eq!(unescape(literal), data);
}

#[test]
fn write_case_writes_traces_text_and_golden_tests() {
    let out = tempfile::tempdir().unwrap();
    for target in targets::ALL {
        let seeds = common::repo_root().join("corpus/fuzz").join(target.name);
        let mut names: Vec<_> = std::fs::read_dir(&seeds)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("seed-")
            })
            .collect();
        names.sort();
        let data = std::fs::read(&names[0]).unwrap();
        let folder = target
            .write_case(&data, "the violation\nwith details", out.path())
            .unwrap();
        assert_eq!(std::fs::read(folder.join("input.bin")).unwrap(), data);
        assert_eq!(
            std::fs::read_to_string(folder.join("violation.txt")).unwrap(),
            "the violation\nwith details\n"
        );
        let traces = (target.traces)(&mut arbitrary::Unstructured::new(&data));
        assert!(
            !traces.is_empty(),
            "{}: the seed builds no trace",
            target.name
        );
        for (name, bytes) in traces {
            assert_eq!(
                std::fs::read(folder.join(format!("{name}.trace"))).unwrap(),
                bytes
            );
            if let Ok(test) = std::fs::read_to_string(folder.join(format!("{name}.test"))) {
                assert!(test.contains("-- expect --\n"), "{test}");
                let text = std::fs::read_to_string(folder.join(format!("{name}.txt"))).unwrap();
                assert!(test.ends_with(&text), "{}/{name}", target.name);
            }
        }
        // The same input always lands in the same folder.
        assert_eq!(
            target.write_case(&data, "again", out.path()).unwrap(),
            folder
        );
    }
}
