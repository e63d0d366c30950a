//! The runner with the framed-protocol testees (`--impl-pipe`, `go-pipe@<release>`) and
//! with minimization of divergent generated cases.

mod common;

use std::path::Path;
use std::process::Command;

use trace_harness::Toolchain;

const BIN: &str = env!("CARGO_BIN_EXE_trace-harness");

fn script(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&path, perms).unwrap();
    path.display().to_string()
}

fn conform(args: &[&str], out: &Path) -> (i32, String) {
    let output = Command::new(BIN)
        .arg("conform")
        .args(args)
        .args(["--quiet", "--jobs", "2", "--out"])
        .arg(out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.code().unwrap_or(-1), text)
}

fn verdicts(out: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(out.join("results.jsonl"))
        .unwrap()
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                v["case"].as_str().unwrap().to_string(),
                v["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A pipe testee in Python that answers each framed request with the reference's own dump:
/// every case passes, through the protocol.
#[test]
fn a_correct_pipe_testee_passes() {
    if Command::new("python3").arg("-V").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI needs python3");
        eprintln!("skipping: no python3");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let relay = script(
        dir.path(),
        "relay.py",
        &format!(
            r#"#!/usr/bin/env python3
import struct, subprocess, sys, tempfile
inp, out = sys.stdin.buffer, sys.stdout.buffer
while (head := inp.read(4)):
    data = inp.read(struct.unpack("<I", head)[0])
    with tempfile.NamedTemporaryFile() as f:
        f.write(data); f.flush()
        run = subprocess.run(["{BIN}", "dump", "--as", "go1.27", f.name], capture_output=True)
    status = 0 if run.returncode == 0 else 1
    out.write(bytes([status]) + struct.pack("<I", len(run.stdout)) + run.stdout
              + struct.pack("<I", len(run.stderr)) + run.stderr)
    out.flush()
"#
        ),
    );
    let out = dir.path().join("out");
    let expected = dir.path().join("expected");
    std::fs::create_dir_all(&expected).unwrap();
    let (status, text) = conform(
        &[
            "--no-corpus",
            "--generate",
            "1",
            "--impl-pipe",
            &relay,
            "--expected-dir",
            expected.to_str().unwrap(),
        ],
        &out,
    );
    assert_eq!(status, 0, "{text}");
    let results = verdicts(&out);
    assert!(results.len() > 60, "{}", results.len());
    assert!(results.iter().all(|(_, v)| v == "pass"), "{results:?}");
}

/// Our persistent Go testee gives the same verdicts as the Go trace tool run per case.
#[test]
fn go_pipe_agrees_with_go_tool() {
    if common::go_or_skip(Toolchain::Go1_27).is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (out_tool, out_pipe) = (dir.path().join("tool"), dir.path().join("pipe"));
    let common_args = ["--no-corpus", "--generate", "2", "--seed", "7"];
    let (status, text) = conform(
        &[&common_args[..], &["--impl", "go@1.27.3"]].concat(),
        &out_tool,
    );
    assert_eq!(status, 0, "{text}");
    let (status, text) = conform(
        &[&common_args[..], &["--impl", "go-pipe@1.27.3"]].concat(),
        &out_pipe,
    );
    assert_eq!(status, 0, "{text}");
    let mut tool = verdicts(&out_tool);
    let mut pipe = verdicts(&out_pipe);
    tool.sort();
    pipe.sort();
    assert_eq!(tool, pipe);
}

/// A parser that drops CPU samples diverges on generated traces that have them; the runner
/// shrinks such cases to much smaller traces that still have a sample.
#[test]
fn divergent_generated_cases_are_minimized() {
    let dir = tempfile::tempdir().unwrap();
    let fake = script(
        dir.path(),
        "nosamples.sh",
        &format!(
            "#!/bin/sh\n\"{BIN}\" dump --as go1.27 \"$1\" > \"$1.out\"\ns=$?\ngrep -v StackSample \"$1.out\"\nrm -f \"$1.out\"\nexit $s\n"
        ),
    );
    let out = dir.path().join("out");
    let expected = dir.path().join("expected");
    std::fs::create_dir_all(&expected).unwrap();
    let cmd = format!("{fake} {{}}");
    let (status, text) = conform(
        &[
            "--no-corpus",
            "--generate",
            "1",
            "--impl-cmd",
            &cmd,
            "--minimize",
            "2",
            "--expected-dir",
            expected.to_str().unwrap(),
        ],
        &out,
    );
    assert_eq!(status, 1, "{text}");
    let minimized: Vec<_> = walk(&out.join("repro/cmd"))
        .into_iter()
        .filter(|p| p.ends_with("minimized/y_case.trace"))
        .collect();
    assert_eq!(minimized.len(), 2, "{minimized:?}\n{text}");
    for small in minimized {
        let folder = small.parent().unwrap().parent().unwrap();
        let original = std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "trace"))
            .unwrap();
        let (before, after) = (
            std::fs::metadata(&original).unwrap().len(),
            std::fs::metadata(&small).unwrap().len(),
        );
        assert!(
            after * 4 < before,
            "{}: {before} -> {after} bytes",
            folder.display()
        );
        let dump = Command::new(BIN).arg("dump").arg(&small).output().unwrap();
        assert!(
            String::from_utf8_lossy(&dump.stdout).contains("StackSample"),
            "{}: the minimized trace lost its samples",
            small.display()
        );
        assert!(folder.join("minimized/README.txt").is_file());
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
