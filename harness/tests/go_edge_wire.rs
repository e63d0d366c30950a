//! Odd inputs, printed by every cached Go toolchain that reads their header and by us:
//! stdout must be identical, including what Go prints before it stops on an error.

mod common;

use trace_harness::raw::RawReader;
use trace_harness::text::{self, TextStyle};
use trace_harness::{toolchains, Toolchain, Version};

/// Hand-made traces: (name, version, body after the header).
fn cases() -> Vec<(&'static str, Version, Vec<u8>)> {
    let mut padded = vec![1, 1, 2, 3];
    trace_harness::varint::write_padded(&mut padded, 2, 10);
    padded.extend_from_slice(&[11, 0x80, 0]);
    vec![
        // Sync, ClockSnapshot and EndOfGeneration bytes: unnamed and argument-less in 1.23.
        (
            "sync-bytes",
            Version::Go123,
            vec![50, 51, 1, 2, 3, 4, 52, 11, 1],
        ),
        (
            "sync-bytes-go125",
            Version::Go125,
            vec![50, 8, 9, 51, 1, 2, 3, 4, 52],
        ),
        // Unused numbers between 53 and 127, then experimental events.
        (
            "holes",
            Version::Go126,
            vec![53, 100, 127, 128, 1, 2, 3, 4, 136, 5, 6],
        ),
        (
            "experimental-in-go122",
            Version::Go122,
            vec![11, 1, 130, 1, 2],
        ),
        // Zero-length and odd string data, a huge frame count, padded numbers.
        (
            "strings",
            Version::Go126,
            [
                &[5u8, 1, 0, 5, 2, 3, b'\n', 0xff, b'"'][..],
                &[5, 3, 2, 0xe2, 0x80],
            ]
            .concat(),
        ),
        ("padded", Version::Go125, padded),
        (
            "stack-runs-out",
            Version::Go126,
            vec![3, 1, 2, 1, 2, 3, 4, 5],
        ),
        // Truncations: at a number boundary (Go stops quietly) and inside a number.
        ("cut-at-boundary", Version::Go126, vec![16, 1]),
        ("cut-inside-number", Version::Go126, vec![16, 1, 0x80]),
        ("invalid-type", Version::Go126, vec![11, 1, 0, 11, 1]),
    ]
}

#[test]
fn odd_inputs_print_as_go_prints_them() {
    let scratch = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut compared = 0;
    for toolchain in Toolchain::ALL {
        let Some(go) = common::go_or_skip(toolchain) else {
            continue;
        };
        for (name, version, body) in cases() {
            if !toolchain.accepts(version) {
                continue;
            }
            let bytes = [&version.header()[..], &body].concat();
            let path = scratch.path().join(format!("{name}.trace"));
            std::fs::write(&path, &bytes).unwrap();
            let out = toolchains::go_wire_dump(&go, toolchain, &path).unwrap();
            let theirs = String::from_utf8_lossy(&out.stdout).into_owned();
            let mut reader = RawReader::new(&bytes, toolchain).unwrap();
            let table = *reader.table();
            let mut ours = String::new();
            for (_, event) in reader.by_ref().map_while(Result::ok) {
                text::write_event(&mut ours, &event, &table, TextStyle::Go);
            }
            compared += 1;
            if ours != theirs {
                failures.push(format!(
                    "{toolchain} {name}:\n--- go\n{theirs}--- ours\n{ours}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if toolchains::required() {
        let expected: usize = Toolchain::ALL
            .iter()
            .map(|t| cases().iter().filter(|(_, v, _)| t.accepts(*v)).count())
            .sum();
        assert_eq!(
            compared, expected,
            "every toolchain must have compared every case it reads"
        );
    }
}
