//! Broken generations, made by hand: our generation reader rejects each with the same
//! class of error as every Go release that reads the trace's version, and the message Go
//! prints is the one our error kind maps to for that release.

mod common;

use trace_harness::generation::GenerationReader;
use trace_harness::spec::ev;
use trace_harness::varint;
use trace_harness::{toolchains, ErrorKind, Toolchain, Version};

fn batch(generation: u64, m: u64, time: u64, payload: &[u8]) -> Vec<u8> {
    let mut b = vec![ev::EVENT_BATCH];
    for v in [generation, m, time, payload.len() as u64] {
        varint::write(&mut b, v);
    }
    b.extend_from_slice(payload);
    b
}

const NO_M: u64 = u64::MAX;

/// A frequency batch (before go 1.25) or a sync batch with a clock snapshot (go 1.25+).
fn sync(generation: u64, version: Version) -> Vec<u8> {
    if version >= Version::Go125 {
        batch(
            generation,
            NO_M,
            10,
            &[
                ev::SYNC,
                ev::FREQUENCY,
                0xc0,
                0xd9,
                0xb9,
                0x07,
                ev::CLOCK_SNAPSHOT,
                1,
                2,
                3,
                4,
            ],
        )
    } else {
        batch(
            generation,
            NO_M,
            10,
            &[ev::FREQUENCY, 0xc0, 0xd9, 0xb9, 0x07],
        )
    }
}

struct Case {
    name: &'static str,
    version: Version,
    body: Vec<u8>,
    /// The error every release that reads the version reports (`None`: accepted).
    expect: fn(Toolchain) -> Option<ErrorKind>,
}

fn cases() -> Vec<Case> {
    let strings = |entries: &[u8]| [&[ev::STRINGS][..], entries].concat();
    vec![
        Case {
            name: "header-only-go122",
            version: Version::Go122,
            body: vec![],
            expect: |_| Some(ErrorKind::NoFrequency),
        },
        Case {
            name: "header-only-go125",
            version: Version::Go125,
            body: vec![],
            expect: |_| Some(ErrorKind::NoFrequency),
        },
        Case {
            name: "header-only-go126",
            version: Version::Go126,
            body: vec![],
            expect: |_| None,
        },
        Case {
            name: "generation-zero",
            version: Version::Go126,
            body: sync(0, Version::Go126),
            expect: |_| Some(ErrorKind::InvalidGeneration(0)),
        },
        Case {
            name: "missing-end-of-generation",
            version: Version::Go126,
            body: [sync(1, Version::Go126), sync(2, Version::Go126)].concat(),
            expect: |_| Some(ErrorKind::InterleavedGenerations),
        },
        Case {
            name: "incomplete-generation",
            version: Version::Go126,
            body: [sync(1, Version::Go126), batch(1, 7, 11, &[])].concat(),
            expect: |_| Some(ErrorKind::IncompleteGeneration),
        },
        Case {
            name: "no-clock-snapshot",
            version: Version::Go125,
            body: batch(1, NO_M, 10, &[ev::SYNC, ev::FREQUENCY, 5]),
            expect: |_| Some(ErrorKind::NoClockSnapshot),
        },
        Case {
            name: "bad-sync-entry",
            version: Version::Go125,
            body: batch(1, NO_M, 10, &[ev::SYNC, ev::FREQUENCY, 5, ev::STRINGS]),
            expect: |_| Some(ErrorKind::BadSyncEntry(ev::STRINGS)),
        },
        Case {
            name: "two-frequencies",
            version: Version::Go123,
            body: [sync(1, Version::Go123), sync(1, Version::Go123)].concat(),
            expect: |_| Some(ErrorKind::MultipleFrequencies),
        },
        Case {
            name: "generations-out-of-order",
            version: Version::Go122,
            body: [sync(1, Version::Go122), sync(3, Version::Go122)].concat(),
            expect: |_| Some(ErrorKind::GenerationsOutOfOrder),
        },
        Case {
            name: "string-id-zero",
            version: Version::Go125,
            body: [
                sync(1, Version::Go125),
                batch(1, NO_M, 10, &strings(&[ev::STRING, 0, 1, b'x'])),
            ]
            .concat(),
            expect: |_| {
                let (new, existing) = ("x".into(), String::new());
                Some(ErrorKind::DuplicateId {
                    table: "string",
                    id: 0,
                    new,
                    existing,
                })
            },
        },
        Case {
            name: "string-too-long",
            version: Version::Go123,
            body: [
                sync(1, Version::Go123),
                batch(1, NO_M, 10, &strings(&[ev::STRING, 1, 0x81, 0x08])),
            ]
            .concat(),
            expect: |_| Some(ErrorKind::InvalidStringSize(1025)),
        },
        Case {
            name: "not-a-string",
            version: Version::Go126,
            body: [
                sync(1, Version::Go126),
                batch(1, NO_M, 10, &strings(&[ev::STACK])),
            ]
            .concat(),
            expect: |_| {
                Some(ErrorKind::BadTableEntry {
                    expected: "string",
                    got: ev::STACK,
                })
            },
        },
        Case {
            name: "stack-too-deep",
            version: Version::Go122,
            body: [
                sync(1, Version::Go122),
                batch(1, NO_M, 10, &[ev::STACKS, ev::STACK, 1, 0x81, 0x01]),
            ]
            .concat(),
            expect: |_| Some(ErrorKind::InvalidStackSize(129)),
        },
        Case {
            name: "frame-names-missing-string",
            version: Version::Go125,
            body: [
                sync(1, Version::Go125),
                batch(1, NO_M, 10, &[ev::STACKS, ev::STACK, 4, 1, 0x10, 9, 0, 3]),
            ]
            .concat(),
            expect: |_| {
                Some(ErrorKind::InvalidFrameString {
                    which: "func",
                    id: 9,
                    stack: 4,
                })
            },
        },
        Case {
            name: "batch-too-large",
            version: Version::Go126,
            body: vec![ev::EVENT_BATCH, 1, 1, 1, 0x81, 0x80, 0x04],
            expect: |_| Some(ErrorKind::InvalidBatchSize(65537)),
        },
        Case {
            name: "short-batch",
            version: Version::Go123,
            body: vec![ev::EVENT_BATCH, 1, 1, 1, 9, ev::FREQUENCY],
            expect: |_| Some(ErrorKind::ShortBatch { read: 1, wanted: 9 }),
        },
        Case {
            name: "not-a-batch",
            version: Version::Go122,
            body: vec![ev::GO_START, 0, 1, 1],
            expect: |_| Some(ErrorKind::ExpectedBatch(ev::GO_START)),
        },
        Case {
            name: "end-of-generation-in-go125-trace",
            version: Version::Go125,
            body: [sync(1, Version::Go125), vec![ev::END_OF_GENERATION]].concat(),
            expect: |t| {
                Some(if t >= Toolchain::Go1_26 {
                    ErrorKind::InvalidGeneration(0)
                } else {
                    ErrorKind::ExpectedBatch(ev::END_OF_GENERATION)
                })
            },
        },
        Case {
            name: "batch-header-cut",
            version: Version::Go126,
            body: vec![ev::EVENT_BATCH, 1, 0x80],
            expect: |_| {
                let cause = trace_harness::error::ReadCause::UnexpectedEof;
                Some(ErrorKind::BatchHeader {
                    field: "M ID",
                    cause,
                })
            },
        },
    ]
}

fn ours(bytes: &[u8], profile: Toolchain) -> Option<ErrorKind> {
    match GenerationReader::new(bytes, profile) {
        Err(e) => Some(e.kind.clone()),
        Ok(reader) => reader
            .filter_map(Result::err)
            .map(|e| e.kind.clone())
            .next(),
    }
}

#[test]
fn broken_generations_fail_like_go() {
    let scratch = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for profile in Toolchain::ALL {
        let go = common::go_or_skip(profile);
        for case in cases() {
            if !profile.accepts(case.version) {
                continue;
            }
            let bytes = [&case.version.header()[..], &case.body].concat();
            let expected = (case.expect)(profile);
            let got = ours(&bytes, profile);
            if got != expected {
                failures.push(format!(
                    "{profile} {}: ours {got:?}, expected {expected:?}",
                    case.name
                ));
            }
            let Some(go) = &go else { continue };
            let path = scratch.path().join(format!("{}.trace", case.name));
            std::fs::write(&path, &bytes).unwrap();
            let flag = if profile < Toolchain::Go1_25 {
                "-d=1"
            } else {
                "-d=parsed"
            };
            let out = toolchains::go_command(go)
                .args(["tool", "trace", flag])
                .arg(&path)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            match &expected {
                None if !out.status.success() => {
                    failures.push(format!("{profile} {}: Go failed: {stderr}", case.name))
                }
                Some(kind) if !stderr.contains(&kind.go_message(profile)) => {
                    failures.push(format!(
                        "{profile} {}: Go said {:?}, we map to {:?}",
                        case.name,
                        stderr.trim(),
                        kind.go_message(profile)
                    ))
                }
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
