//! `trace-harness gen --corrupt`: the corrupted bytes, the FAILURE golden tests (which our
//! golden runner and Go 1.27's pass), and the usage errors.

mod common;

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

use trace_harness::corrupt::Corruption;
use trace_harness::golden::{self, Expectation, GoldenOutcome};
use trace_harness::Toolchain;

fn run<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trace-harness"))
        .arg("gen")
        .args(args)
        .output()
        .unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn unknown_kinds_and_unsuited_versions_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.trace");
    let result = run(&["--corrupt", "nope", "--seed", "1", "-o", path(&out)]);
    assert_eq!(result.status.code(), Some(2));
    let err = String::from_utf8_lossy(&result.stderr);
    for c in Corruption::ALL {
        assert!(err.contains(c.name()), "{err}");
    }
    let result = run(&[
        "--corrupt",
        "missing-clock-snapshot",
        "--version",
        "1.22",
        "--seed",
        "1",
        "-o",
        path(&out),
    ]);
    assert_eq!(result.status.code(), Some(2));
    assert!(!out.exists());
}

#[test]
fn the_command_writes_the_catalogue_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.trace");
    for (i, c) in Corruption::ALL.iter().enumerate() {
        let seed = i as u64;
        let result = run(&[
            "--corrupt",
            c.name(),
            "--seed",
            &seed.to_string(),
            "-o",
            path(&out),
        ]);
        assert_eq!(result.status.code(), Some(0), "{}", c.name());
        let expected = c.apply(seed, None).unwrap().bytes;
        assert_eq!(std::fs::read(&out).unwrap(), expected, "{}", c.name());
    }
    let result = run(&["--corrupt", "random", "--seed", "12", "-o", path(&out)]);
    assert_eq!(result.status.code(), Some(0));
    let expected = Corruption::random(12).apply(12, None).unwrap().bytes;
    assert_eq!(std::fs::read(&out).unwrap(), expected);
    let result = run(&[
        "--corrupt",
        "generation-zero",
        "--version",
        "1.25",
        "--seed",
        "3",
        "-o",
        path(&out),
    ]);
    assert_eq!(result.status.code(), Some(0));
    assert!(std::fs::read(&out).unwrap().starts_with(b"go 1.25 trace"));
}

#[test]
fn failure_tests_pass_our_golden_runner_and_gos() {
    let dir = tempfile::tempdir().unwrap();
    // Go 1.27's runner reads the files written for it; others go to a folder of their own.
    let others = tempfile::tempdir().unwrap();
    let mut written = Vec::new();
    let mut refused = Vec::new();
    for c in Corruption::ALL {
        for seed in 0..2u64 {
            let stem = format!("{}-{seed}", c.name());
            let trace = dir.path().join(format!("{stem}.trace"));
            let test = others.path().join(format!("{stem}.test"));
            let result = run(&[
                "--corrupt",
                c.name(),
                "--seed",
                &seed.to_string(),
                "-o",
                path(&trace),
                "--go-test",
                path(&test),
            ]);
            match result.status.code() {
                Some(0) => written.push((test, std::fs::read(&trace).unwrap())),
                Some(2) => refused.push(c.name()),
                other => panic!(
                    "{stem}: exit {other:?}: {}",
                    String::from_utf8_lossy(&result.stderr)
                ),
            }
        }
    }
    // Bytes with no text form (headers, cut varints) and cases whose events before the
    // error fail Go's validator are refused; the rest, most of the catalogue, are written.
    assert!(written.len() >= Corruption::ALL.len(), "{refused:?}");
    let mut for_go_1_27 = 0;
    for (test, bytes) in &written {
        let input = std::fs::read(test).unwrap();
        let file = golden::GoldenFile::parse(&input).unwrap();
        assert!(matches!(file.expect, Expectation::Failure(_)));
        assert_eq!(&trace_harness::text::assemble(file.trace).unwrap(), bytes);
        // The file names the release whose runner it is for.
        let text = String::from_utf8_lossy(&input);
        let reader = Toolchain::ALL
            .into_iter()
            .find(|p| text.starts_with(&format!("# For the golden test runner of {p}'s")))
            .unwrap_or_else(|| panic!("{}: names no release", test.display()));
        let outcome = golden::run(&input, reader).unwrap();
        assert!(
            matches!(outcome, GoldenOutcome::Pass(Some(_))),
            "{}: {outcome:?}",
            test.display()
        );
        if reader == Toolchain::Go1_27 {
            std::fs::copy(test, dir.path().join(test.file_name().unwrap())).unwrap();
            for_go_1_27 += 1;
        }
    }
    let Some(go) = common::go_or_skip(Toolchain::Go1_27) else {
        return;
    };
    let result = common::go_golden_runner(&go, dir.path());
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert_eq!(
        stdout.matches("--- PASS: TestHarnessGolden/").count(),
        for_go_1_27,
        "{stdout}"
    );
}

#[test]
fn strict_mode_names_the_events_a_version_mix_borrows() {
    // Go 1.23+ read these without a word (or fail later for another reason); strict mode
    // rejects the first event the header's version lacks: a listed divergence from Go.
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for c in Corruption::ALL {
        let Some(pattern) = c.strict_error() else {
            continue;
        };
        for seed in 0..4 {
            let case = c.apply(seed, None).unwrap();
            let file = dir.path().join(format!("{}-{seed}.trace", c.name()));
            std::fs::write(&file, &case.bytes).unwrap();
            let out = Command::new(env!("CARGO_BIN_EXE_trace-harness"))
                .args(["dump", "--strict"])
                .arg(&file)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{}: {err}", c.name());
            assert!(
                regex::Regex::new(pattern).unwrap().is_match(&err),
                "{}: {err}",
                c.name()
            );
            checked += 1;
        }
    }
    assert!(checked >= 8);
}

#[test]
fn wire_as_go_1_22_wants_the_exact_16_byte_header_as_go_1_22_does() {
    // `go 1.022 trace` and `go  1.22 trace` are read by Go 1.23+ (`Fscanf`), but Go 1.22's
    // `go tool trace` checks the header with its old parser first, for `-d=2` too.
    use trace_harness::{gen, Version};
    let dir = tempfile::tempdir().unwrap();
    let bytes = gen::generate(&gen::Config::from_seed(Version::Go122, 3), 3);
    let go = common::go_or_skip(Toolchain::Go1_22)
        .map(|go| trace_harness::bench::go_trace_tool(&go).unwrap());
    for (i, header) in [&b"go 1.022 trace\0\0\0"[..], b"go  1.22 trace\0\0\0"]
        .into_iter()
        .enumerate()
    {
        let file = dir.path().join(format!("lenient-{i}.trace"));
        std::fs::write(&file, [header, &bytes[16..]].concat()).unwrap();
        let wire = |profile: &str| {
            Command::new(env!("CARGO_BIN_EXE_trace-harness"))
                .args(["wire", "--as", profile])
                .arg(&file)
                .output()
                .unwrap()
        };
        let old = wire("go1.22");
        assert_eq!(
            old.status.code(),
            Some(1),
            "{:?}",
            String::from_utf8_lossy(&old.stderr)
        );
        assert!(String::from_utf8_lossy(&old.stderr).contains("bad file format"));
        assert!(old.stdout.is_empty());
        assert_eq!(wire("go1.23").status.code(), Some(0));
        if let Some(tool) = &go {
            let out = Command::new(tool)
                .env("TZ", "UTC")
                .arg("-d=2")
                .arg(&file)
                .output()
                .unwrap();
            assert!(!out.status.success());
            assert!(String::from_utf8_lossy(&out.stderr).contains("not a trace file"));
        }
    }
}
