//! `trace-harness check`: real traces pass Go's validator with every release that reads
//! them, Go's own golden files still pass `golden` now that it validates, and the command
//! prints and exits as the contract says.

mod common;

use std::process::{Command, Output};

use trace_harness::golden::{self, GoldenOutcome};
use trace_harness::{toolchains, Toolchain, Version};

use Toolchain::{Go1_25, Go1_26, Go1_27};

fn check(profile: Option<Toolchain>, path: &std::path::Path) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trace-harness"));
    command.arg("check");
    if let Some(profile) = profile {
        command.args(["--as", profile.name()]);
    }
    command.arg(path).output().expect("run trace-harness")
}

#[test]
fn every_corpus_trace_passes_with_every_release_that_reads_it() {
    let mut checked = 0;
    for trace in common::corpus() {
        let version = trace.toolchain.writes();
        for profile in Toolchain::ALL {
            if !profile.accepts(version) {
                continue;
            }
            let out = check(Some(profile), &trace.path);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{profile} {}:\n{stdout}{}",
                trace.name(),
                String::from_utf8_lossy(&out.stderr)
            );
            let summary = stdout.lines().last().unwrap_or_default();
            assert!(
                summary.starts_with("check: ")
                    && summary.ends_with(" events, 0 violations, 0 parse errors"),
                "{profile} {}: {stdout}",
                trace.name()
            );
            assert_eq!(stdout.lines().count(), 1, "{stdout}");
            checked += 1;
        }
    }
    // go 1.22 traces are read by all five releases, go 1.23 traces by four, go 1.25 by
    // three, go 1.26 (folders go1.26 and go1.27) by two.
    let by_folder = |folder: Toolchain| {
        common::corpus()
            .iter()
            .filter(|t| t.toolchain == folder)
            .count()
    };
    let expected = 5 * by_folder(Toolchain::Go1_22)
        + 4 * by_folder(Toolchain::Go1_23)
        + 3 * by_folder(Go1_25)
        + 2 * (by_folder(Go1_26) + by_folder(Go1_27));
    assert_eq!(checked, expected);
}

#[test]
fn go_golden_files_pass_with_the_validator() {
    for profile in Toolchain::ALL {
        let Some(go) = common::go_or_skip(profile) else {
            continue;
        };
        let dir = toolchains::golden_dir(&toolchains::goroot(&go).unwrap(), profile);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "test"))
            .collect();
        files.sort();
        assert!(files.len() >= 19, "{profile}: {} golden files", files.len());
        for file in files {
            let outcome = golden::run(&std::fs::read(&file).unwrap(), profile).unwrap();
            assert!(
                matches!(outcome, GoldenOutcome::Pass(_)),
                "{profile} {}: {outcome:?}",
                file.display()
            );
        }
    }
}

#[test]
fn a_success_golden_file_that_fails_validation_fails() {
    // A go 1.26 trace with no generation: one Sync, without the clock snapshot Go's
    // validator requires of the first.
    let file = b"-- expect --\nSUCCESS\n-- trace --\nTrace Go1.26\n";
    assert_eq!(
        golden::run(file, Go1_27).unwrap(),
        GoldenOutcome::Fail(
            "validation failed: event 0 (time 1): sync 1 has no clock snapshot".into()
        )
    );
}

#[test]
fn check_prints_each_problem_with_its_location_and_exits_per_contract() {
    let dir = tempfile::tempdir().unwrap();
    // Violation: exit 1, the violation, then the summary.
    let header_only = dir.path().join("header-only.trace");
    std::fs::write(&header_only, Version::Go126.header()).unwrap();
    let out = check(None, &header_only);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "event 0 (time 1): sync 1 has no clock snapshot\n\
         check: 1 event, 1 violation, 0 parse errors\n"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 violation"));
    // Parse error: exit 1, the error with where it happened.
    let trace = common::corpus().into_iter().next().unwrap();
    let truncated = dir.path().join("truncated.trace");
    std::fs::write(&truncated, &trace.bytes[..trace.bytes.len() - 3]).unwrap();
    let out = check(Some(Go1_25), &truncated);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let mut lines = stdout.lines().rev();
    assert!(
        lines.next().unwrap().ends_with(", 1 parse error"),
        "{stdout}"
    );
    assert!(
        lines.next().unwrap().starts_with("parse error at event "),
        "{stdout}"
    );
    // A missing file or a bad profile: exit 2.
    assert_eq!(
        check(None, &dir.path().join("missing.trace")).status.code(),
        Some(2)
    );
    let bad_profile = Command::new(env!("CARGO_BIN_EXE_trace-harness"))
        .args(["check", "--as", "go1.99"])
        .arg(&trace.path)
        .output()
        .unwrap();
    assert_eq!(bad_profile.status.code(), Some(2));
}
