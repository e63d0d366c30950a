//! `trace-harness gen`: config resolution, the files it writes (traces, listings, Go golden
//! tests), folders of traces and the coverage report, through the binary.

mod common;

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

use trace_harness::coverage::Coverage;
use trace_harness::gen::{self, BatchSplit, Config, Features, TimePolicy};
use trace_harness::golden::{self, GoldenOutcome};
use trace_harness::{Toolchain, Version};

fn run<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trace-harness"))
        .arg("gen")
        .args(args)
        .output()
        .expect("run trace-harness")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `gen` with `args`, expecting success; returns standard output.
fn run_ok<S: AsRef<OsStr>>(args: &[S]) -> String {
    let out = run(args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for (version, v) in [
        ("1.22", Version::Go122),
        ("1.23", Version::Go123),
        ("1.25", Version::Go125),
        ("1.26", Version::Go126),
    ] {
        let a = dir.path().join("a.trace");
        let b = dir.path().join("b.trace");
        for out in [&a, &b] {
            run_ok(&["--version", version, "--seed", "7", "-o", path(out)]);
        }
        let bytes = std::fs::read(&a).unwrap();
        assert_eq!(bytes, std::fs::read(&b).unwrap(), "{version}");
        // The CLI's trace is the library's for the seed's config.
        assert_eq!(
            bytes,
            gen::generate(&Config::from_seed(v, 7), 7),
            "{version}"
        );
    }
}

#[test]
fn config_file_then_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.json");
    std::fs::write(
        &file,
        r#"{"version": "1.22", "threads": 1, "procs": 3, "stacks": 0}"#,
    )
    .unwrap();
    let printed = run_ok(&[
        "--config",
        path(&file),
        "--seed",
        "3",
        "--threads",
        "2",
        "--features",
        "gc,cgo",
        "--batch-split",
        "5",
        "--time",
        "large-gaps",
        "--frequency",
        "1953125",
        "--print-config",
    ]);
    let config: Config = serde_json::from_str(&printed).unwrap();
    let expected = Config {
        version: Version::Go122,
        threads: 2,
        procs: 3,
        stacks: 0,
        features: Features::parse_list("gc,cgo").unwrap(),
        batch_split: BatchSplit::Every(5),
        time: TimePolicy::LargeGaps,
        frequency: 1_953_125,
        ..Config::default()
    };
    assert_eq!(config, expected);

    // --version overrides the file's; the trace is the library's for the printed config.
    let out = dir.path().join("t.trace");
    let printed = run_ok(&[
        "--config",
        path(&file),
        "--version",
        "1.25",
        "--seed",
        "3",
        "--batch-split",
        "whole",
        "--print-config",
        "-o",
        path(&out),
    ]);
    let config: Config = serde_json::from_str(&printed).unwrap();
    assert_eq!(config.version, Version::Go125);
    assert_eq!((config.threads, config.batch_split), (1, BatchSplit::Whole));
    assert_eq!(std::fs::read(&out).unwrap(), gen::generate(&config, 3));

    // Without a file: the seed's swarm config, then the flags.
    let printed = run_ok(&[
        "--version",
        "1.23",
        "--seed",
        "9",
        "--steps",
        "0",
        "--print-config",
    ]);
    let config: Config = serde_json::from_str(&printed).unwrap();
    let expected = Config {
        steps_per_generation: 0,
        ..Config::from_seed(Version::Go123, 9)
    };
    assert_eq!(config, expected);
}

#[test]
fn bad_options_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.trace");
    let bad_json = dir.path().join("bad.json");
    std::fs::write(&bad_json, "{\"thread\": 1}").unwrap();
    let bad_version = dir.path().join("bad-version.json");
    std::fs::write(&bad_version, "{\"version\": \"1.24\"}").unwrap();
    let o = path(&out);
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "--version",
            "1.23",
            "--seed",
            "1",
            "--threads",
            "0",
            "-o",
            o,
        ],
        vec![
            "--version",
            "1.23",
            "--seed",
            "1",
            "--threads",
            "many",
            "-o",
            o,
        ],
        vec![
            "--version",
            "1.23",
            "--seed",
            "1",
            "--procs",
            "300",
            "-o",
            o,
        ],
        vec![
            "--version",
            "1.23",
            "--seed",
            "1",
            "--batch-split",
            "0",
            "-o",
            o,
        ],
        vec![
            "--version",
            "1.23",
            "--seed",
            "1",
            "--batch-split",
            "70000",
            "-o",
            o,
        ],
        vec![
            "--version",
            "1.23",
            "--seed",
            "1",
            "--time",
            "slow",
            "-o",
            o,
        ],
        vec![
            "--version",
            "1.23",
            "--seed",
            "1",
            "--features",
            "gcc",
            "-o",
            o,
        ],
        vec![
            "--version",
            "1.23",
            "--seed",
            "1",
            "--frequency",
            "5",
            "-o",
            o,
        ],
        vec![
            "--version",
            "1.23",
            "--seed",
            "1",
            "--first-generation",
            "0",
            "-o",
            o,
        ],
        vec!["--version", "1.24", "--seed", "1", "-o", o],
        vec![
            "--version",
            "1.22",
            "--version",
            "1.23",
            "--seed",
            "1",
            "-o",
            o,
        ],
        vec!["--seed", "1", "-o", o],
        vec!["--version", "1.23", "-o", o],
        vec!["--version", "1.23", "--seed", "1"],
        vec!["--version", "1.23", "--seed", "1", "--expect"],
        vec!["--config", path(&bad_json), "--seed", "1", "-o", o],
        vec!["--config", path(&bad_version), "--seed", "1", "-o", o],
        vec!["--config", "/no/such/config.json", "--seed", "1", "-o", o],
        vec!["--count", "2"],
        vec!["--count", "2", "--out-dir", o, "-o", o],
        vec!["--count", "2", "--out-dir", o, "--expect", o],
        vec!["--coverage", "1", "-o", o],
        vec!["--coverage", "1", "--print-config"],
        vec!["--coverage", "2", "--seed", "18446744073709551615"],
    ];
    for args in cases {
        let result = run(&args);
        let err = stderr(&result);
        assert_eq!(result.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.is_empty(), "{args:?}");
    }
    assert!(!out.exists());
}

#[test]
fn expect_writes_the_model_listing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.trace");
    let listing = dir.path().join("listing.jsonl");
    run_ok(&[
        "--version",
        "1.25",
        "--seed",
        "11",
        "-o",
        path(&out),
        "--expect",
        path(&listing),
    ]);
    let config = Config::from_seed(Version::Go125, 11);
    let generated = gen::generate_with_oracle(&config, 11);
    assert_eq!(std::fs::read(&out).unwrap(), generated.bytes);
    assert_eq!(
        std::fs::read_to_string(&listing).unwrap(),
        generated.listing
    );
    // A bare --expect goes beside the trace.
    run_ok(&[
        "--version",
        "1.25",
        "--seed",
        "11",
        "-o",
        path(&out),
        "--expect",
    ]);
    let beside = dir.path().join("t.expect.jsonl");
    assert_eq!(std::fs::read_to_string(beside).unwrap(), generated.listing);
}

#[test]
fn count_writes_every_file_for_every_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let summary = run_ok(&[
        "--count",
        "2",
        "--seed",
        "40",
        "--out-dir",
        path(&out),
        "--expect",
        "--go-test",
    ]);
    assert!(
        summary.starts_with("gen: 8 traces (4 versions x 2 seeds), "),
        "{summary}"
    );
    assert_eq!(summary.lines().count(), 1);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut expected = Vec::new();
    for v in Version::V2 {
        for seed in [40, 41] {
            let stem = format!("go1.{}-seed{seed:06}", v.number());
            for suffix in ["expect.jsonl", "test", "trace"] {
                expected.push(format!("{stem}.{suffix}"));
            }
            let mut config = Config::from_seed(v, seed);
            // --go-test turns the alloc/free experiment off.
            config.features.alloc_free = false;
            let trace = std::fs::read(out.join(format!("{stem}.trace"))).unwrap();
            assert_eq!(trace, gen::generate(&config, seed), "{stem}");
        }
    }
    assert_eq!(names, expected);

    // Chosen versions, text form, no extras; standard error stays clean off a terminal.
    let text = dir.path().join("text");
    let result = run(&[
        "--count",
        "3",
        "--version",
        "1.26",
        "--version",
        "go1.22",
        "--text",
        "--out-dir",
        path(&text),
    ]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert_eq!(stderr(&result), "");
    let mut names: Vec<String> = std::fs::read_dir(&text)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 6);
    assert_eq!(names[0], "go1.22-seed000000.txt");
    assert_eq!(names[5], "go1.26-seed000002.txt");
    let first = std::fs::read_to_string(text.join(&names[0])).unwrap();
    assert!(first.starts_with("Trace Go1.22\n"), "{first}");
}

#[test]
fn go_test_files_pass_our_golden_runner_and_gos() {
    let dir = tempfile::tempdir().unwrap();
    let single = dir.path().join("single.test");
    let trace = dir.path().join("single.trace");
    run_ok(&[
        "--version",
        "1.23",
        "--seed",
        "5",
        "-o",
        path(&trace),
        "--go-test",
        path(&single),
    ]);
    let file = std::fs::read(&single).unwrap();
    let bytes = std::fs::read(&trace).unwrap();
    // The trace part assembles back to the generated bytes.
    let parsed = golden::GoldenFile::parse(&file).unwrap();
    assert_eq!(parsed.expect, golden::Expectation::Success);
    assert_eq!(trace_harness::text::assemble(parsed.trace).unwrap(), bytes);

    let out = dir.path().join("out");
    run_ok(&["--count", "4", "--go-test", "--out-dir", path(&out)]);
    let mut tests = vec![single];
    for entry in std::fs::read_dir(&out).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|x| x == "test") {
            tests.push(p);
        }
    }
    assert_eq!(tests.len(), 1 + 4 * 4);
    for test in &tests {
        let input = std::fs::read(test).unwrap();
        let outcome = golden::run(&input, Toolchain::Go1_27).unwrap();
        assert_eq!(outcome, GoldenOutcome::Pass(None), "{}", test.display());
    }
    std::fs::rename(&tests[0], out.join("single.test")).unwrap();

    let Some(go) = common::go_or_skip(Toolchain::Go1_27) else {
        return;
    };
    let result = common::go_golden_runner(&go, &out);
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(result.status.success(), "{stdout}\n{}", stderr(&result));
    // Every file ran as its own subtest, so none was skipped silently.
    assert_eq!(
        stdout.matches("--- PASS: TestHarnessGolden/").count(),
        tests.len(),
        "{stdout}"
    );
}

#[test]
fn coverage_reports_and_fails_on_missing_types() {
    let result = run(&["--coverage", "3", "--version", "1.22", "--version", "1.26"]);
    let report = String::from_utf8(result.stdout.clone()).unwrap();
    let err = stderr(&result);

    let mut coverage = Coverage::new();
    for v in [Version::Go122, Version::Go126] {
        for seed in 0..3 {
            let bytes = gen::generate(&Config::from_seed(v, seed), seed);
            assert_eq!(coverage.add_trace(&bytes), Ok(v));
        }
    }
    assert_eq!(report, coverage.report(&[Version::Go122, Version::Go126]));
    assert!(report.starts_with("version  event type"), "{report}");
    assert!(report.contains("go1.26   EventBatch"), "{report}");
    let seen = coverage.seen_event_types(Version::Go122).len();
    assert!(report.contains(&format!(
        "go1.22: {seen} of 44 event types seen in 3 traces"
    )));
    assert!(
        report.contains("event types seen in 3 traces\n"),
        "{report}"
    );

    let missing122 = coverage.missing_event_types(Version::Go122);
    let missing126 = coverage.missing_event_types(Version::Go126);
    if missing122.is_empty() && missing126.is_empty() {
        assert_eq!(result.status.code(), Some(0), "{err}");
    } else {
        assert_eq!(result.status.code(), Some(1), "{err}");
        for (v, missing) in [("go1.22", &missing122), ("go1.26", &missing126)] {
            if !missing.is_empty() {
                let line = format!("{v}: {} event type", missing.len());
                assert!(err.contains(&line), "{err}");
                assert!(err.contains(&missing.join(", ")), "{err}");
            }
        }
    }

    // Knobs apply to coverage runs too: a config the knobs pin is the one counted.
    let pinned = run(&["--coverage", "1", "--version", "1.23", "--steps", "0"]);
    let report = String::from_utf8(pinned.stdout).unwrap();
    let config = Config {
        steps_per_generation: 0,
        ..Config::from_seed(Version::Go123, 0)
    };
    let mut coverage = Coverage::new();
    coverage.add_trace(&gen::generate(&config, 0)).unwrap();
    assert_eq!(report, coverage.report(&[Version::Go123]));
}
