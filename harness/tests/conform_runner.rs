//! `trace-harness conform` driven with fake testees (small shell scripts): each way a
//! parser can misbehave gets exactly its verdict, expected lists decide the exit status,
//! and reports and reproducers are written.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_trace-harness");

/// A scratch folder with a two-case suite (`y_ok.trace`, a real go 1.26 trace; and
/// `n_truncated-header.trace`, which Go rejects before printing anything) and an empty
/// expected-list folder.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let suite = dir.path().join("s");
        std::fs::create_dir_all(&suite).unwrap();
        std::fs::create_dir_all(dir.path().join("expected")).unwrap();
        let real = common::repo_root().join("corpus/traces/go1.27/coro-simple.trace");
        let bytes = std::fs::read(real).unwrap();
        std::fs::write(suite.join("y_ok.trace"), &bytes).unwrap();
        std::fs::write(suite.join("n_truncated-header.trace"), &bytes[..8]).unwrap();
        Fixture { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes an executable shell script; returns its path.
    fn script(&self, name: &str, body: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&path, perms).unwrap();
        path
    }

    /// Runs conform on the suite with `--impl-cmd CMD`; returns the exit status and the
    /// verdict of each case (by file name).
    fn conform(&self, cmd: &str, extra: &[&str]) -> (i32, Vec<(String, String)>, String) {
        self.conform_within(cmd, extra, "2")
    }

    /// [`Fixture::conform`] with a per-case time limit of `timeout` seconds.
    fn conform_within(
        &self,
        cmd: &str,
        extra: &[&str],
        timeout: &str,
    ) -> (i32, Vec<(String, String)>, String) {
        let out_dir = self.path("out");
        let output = Command::new(BIN)
            .arg("conform")
            .args(["--impl-cmd", cmd, "--impl-name", "fake"])
            .args([
                "--no-corpus",
                "--generate",
                "0",
                "--timeout",
                timeout,
                "--jobs",
                "2",
            ])
            .arg("--suite")
            .arg(self.path("s"))
            .arg("--expected-dir")
            .arg(self.path("expected"))
            .arg("--out")
            .arg(&out_dir)
            .args(extra)
            .output()
            .unwrap();
        let results = std::fs::read_to_string(out_dir.join("results.jsonl")).unwrap_or_default();
        let mut verdicts: Vec<(String, String)> = results
            .lines()
            .map(|line| {
                let v: Value = serde_json::from_str(line).unwrap();
                let case = v["case"].as_str().unwrap();
                (
                    case.rsplit('/').next().unwrap().to_string(),
                    v["verdict"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        verdicts.sort();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.code().unwrap_or(-1), verdicts, text)
    }
}

fn verdicts(reject_case: &str, accept_case: &str) -> Vec<(String, String)> {
    vec![
        ("n_truncated-header.trace".into(), reject_case.into()),
        ("y_ok.trace".into(), accept_case.into()),
    ]
}

#[test]
fn a_correct_parser_passes() {
    let f = Fixture::new();
    let (code, got, text) = f.conform(&format!("{BIN} dump --as go1.27 {{}}"), &[]);
    assert_eq!(got, verdicts("pass", "pass"), "{text}");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("fake"), "the matrix names the testee: {text}");
}

#[test]
fn a_jsonl_parser_passes() {
    let f = Fixture::new();
    let cmd = format!("{BIN} dump --format jsonl {{}}");
    let (code, got, text) = f.conform(&cmd, &["--dialect", "jsonl"]);
    assert_eq!(got, verdicts("pass", "pass"), "{text}");
    assert_eq!(code, 0, "{text}");
}

#[test]
fn a_crash_by_signal_is_a_crash() {
    let f = Fixture::new();
    let script = f.script("crash.sh", "kill -SEGV $$");
    let (code, got, text) = f.conform(&format!("{} {{}}", script.display()), &[]);
    assert_eq!(got, verdicts("CRASH", "CRASH"), "{text}");
    assert_eq!(code, 1);
}

#[test]
fn a_hang_times_out_and_its_children_die_with_it() {
    let f = Fixture::new();
    let pids = f.path("pids");
    let script = f.script(
        "hang.sh",
        &format!("sleep 1000 &\necho $! >> {}\nsleep 1000", pids.display()),
    );
    let start = Instant::now();
    let (code, got, text) = f.conform(&format!("{} {{}}", script.display()), &[]);
    assert_eq!(got, verdicts("TIMEOUT", "TIMEOUT"), "{text}");
    assert_eq!(code, 1);
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    std::thread::sleep(Duration::from_millis(200));
    for pid in std::fs::read_to_string(&pids).unwrap().split_whitespace() {
        let alive = Path::new(&format!("/proc/{pid}")).exists()
            && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .unwrap_or_default()
                .contains(") Z ");
        assert!(!alive, "background child {pid} outlived its testee");
    }
}

#[test]
fn a_flood_is_capped() {
    let f = Fixture::new();
    // Past the 64 MiB cap, which is drained, not kept; the time limit leaves room for a
    // loaded machine to pipe it all.
    let script = f.script("flood.sh", "yes | head -c 100000000");
    let (code, got, text) = f.conform_within(&format!("{} {{}}", script.display()), &[], "60");
    assert_eq!(
        got,
        verdicts("SHOULD_HAVE_REJECTED", "WRONG_EVENTS"),
        "{text}"
    );
    assert_eq!(code, 1);
}

#[test]
fn garbage_and_non_utf8_output_is_wrong_events() {
    let f = Fixture::new();
    let script = f.script("garbage.sh", r"printf 'M=0 \377\376 garbage\n'");
    let (code, got, text) = f.conform(&format!("{} {{}}", script.display()), &[]);
    assert_eq!(
        got,
        verdicts("SHOULD_HAVE_REJECTED", "WRONG_EVENTS"),
        "{text}"
    );
    assert_eq!(code, 1);
}

#[test]
fn silence_with_exit_zero_is_wrong_events() {
    let f = Fixture::new();
    let script = f.script("silent.sh", "exit 0");
    let (code, got, text) = f.conform(&format!("{} {{}}", script.display()), &[]);
    assert_eq!(
        got,
        verdicts("SHOULD_HAVE_REJECTED", "WRONG_EVENTS"),
        "{text}"
    );
    assert_eq!(code, 1);
    let repro = f.path("out/repro/fake/suite_s_y_ok.trace");
    for file in [
        "y_case.trace",
        "case.test",
        "case.txt",
        "replay.sh",
        "verdict.txt",
    ] {
        assert!(repro.join(file).is_file(), "no reproducer file {file}");
    }
    let replay = std::fs::read_to_string(repro.join("replay.sh")).unwrap();
    assert!(replay.contains("silent.sh y_case.trace"), "{replay}");
}

#[test]
fn rejecting_everything_is_should_have_accepted() {
    let f = Fixture::new();
    let script = f.script("reject.sh", "echo 'no thanks' >&2; exit 1");
    let (code, got, text) = f.conform(&format!("{} {{}}", script.display()), &[]);
    assert_eq!(got, verdicts("pass", "SHOULD_HAVE_ACCEPTED"), "{text}");
    assert_eq!(code, 1);
}

#[test]
fn expected_lists_cover_divergences_and_catch_unexpected_successes() {
    let f = Fixture::new();
    std::fs::write(
        f.path("expected/fake.txt"),
        "# the fake rejects everything\nsuite/s/y_*   # rejects valid traces\n",
    )
    .unwrap();
    let reject = f.script("reject.sh", "exit 1");
    let (code, got, text) = f.conform(&format!("{} {{}}", reject.display()), &[]);
    assert_eq!(got, verdicts("pass", "SHOULD_HAVE_ACCEPTED"), "{text}");
    assert_eq!(code, 0, "a listed divergence passes the run: {text}");

    let (code, got, text) = f.conform(&format!("{BIN} dump {{}}"), &[]);
    assert_eq!(got, verdicts("pass", "pass"), "{text}");
    assert_eq!(code, 1, "an unexpected success fails the run: {text}");
    assert!(
        text.contains("unexpected success: suite/s/y_ok.trace"),
        "{text}"
    );

    std::fs::write(f.path("expected/fake.txt"), "suite/s/y_*\n").unwrap();
    let (code, _, text) = f.conform(&format!("{BIN} dump {{}}"), &[]);
    assert_eq!(
        code, 2,
        "an entry without a reason is a usage error: {text}"
    );
}

#[test]
fn reports_in_every_format() {
    let f = Fixture::new();
    let (md, json, junit) = (f.path("r.md"), f.path("r.json"), f.path("r.xml"));
    let script = f.script("reject.sh", "exit 1");
    let (code, _, text) = f.conform(
        &format!("{} {{}}", script.display()),
        &[
            "--report",
            "md",
            md.to_str().unwrap(),
            "--report",
            "json",
            json.to_str().unwrap(),
            "--report",
            "junit",
            junit.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{text}");
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.contains("| fake | 1 | 1 |"), "{md}");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(json["cases"], 2);
    assert_eq!(json["testees"][0]["unlisted"][0][0], "suite/s/y_ok.trace");
    let junit = std::fs::read_to_string(junit).unwrap();
    assert!(
        junit.contains("<testsuite name=\"fake\" tests=\"2\" failures=\"1\""),
        "{junit}"
    );
    assert!(
        junit.contains("<failure type=\"SHOULD_HAVE_ACCEPTED\""),
        "{junit}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let f = Fixture::new();
    for args in [
        vec!["--impl", "nosuch"],
        vec!["--impl", "go@1.19"],
        vec!["--impl", "go@1.27.0"],
        vec!["--impl-cmd", "true", "--dialect", "go1.99"],
        vec!["--impl", "reference", "--report", "pdf", "x.pdf"],
        vec!["--impl", "reference", "--timeout", "0"],
    ] {
        let out = Command::new(BIN)
            .arg("conform")
            .args(&args)
            .args(["--no-corpus", "--generate", "0", "--suite"])
            .arg(f.path("s"))
            .arg("--out")
            .arg(f.path("out"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    }
}

#[test]
fn the_reference_and_go_agree_on_a_small_suite() {
    let Some(_) = common::go_or_skip(trace_harness::Toolchain::Go1_27) else {
        return;
    };
    let f = Fixture::new();
    let expected = common::repo_root().join("corpus/conform/expected");
    let out = Command::new(BIN)
        .arg("conform")
        .args([
            "--impl",
            "reference",
            "--impl",
            "reference-strict",
            "--impl",
            "go@1.27",
        ])
        .args(["--no-corpus", "--generate", "1", "--seed", "7", "--quiet"])
        .arg("--expected-dir")
        .arg(&expected)
        .arg("--out")
        .arg(f.path("out"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("go@1.27.3"), "{text}");
}
