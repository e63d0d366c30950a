//! Go's own FuzzReader regression corpus (`src/internal/trace/testdata/fuzz/FuzzReader` of
//! each cached GOROOT): every input gets a clean error or a clean parse from the reference
//! (never a panic), for every release's profile; and `dump` accepts or rejects each one as
//! Go 1.27.3's `go tool trace -d=parsed` does.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use trace_harness::corrupt::reference_error;
use trace_harness::{gostr, toolchains, Toolchain};

/// The FuzzReader corpus folder of a GOROOT (Go 1.22 keeps it under `internal/trace/v2`).
fn corpus_dir(goroot: &Path) -> Option<PathBuf> {
    ["src/internal/trace", "src/internal/trace/v2"]
        .iter()
        .map(|p| goroot.join(p).join("testdata/fuzz/FuzzReader"))
        .find(|d| d.is_dir())
}

/// The inputs of a `go test fuzz v1` corpus folder: each file's single `[]byte("…")` line.
fn corpus(goroot: &Path) -> Vec<(String, Vec<u8>)> {
    let Some(dir) = corpus_dir(goroot) else {
        return Vec::new();
    };
    let mut inputs = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read(&path).unwrap();
        let line = text
            .split(|&b| b == b'\n')
            .find(|l| l.starts_with(b"[]byte("))
            .unwrap_or_else(|| panic!("{}: no []byte line", path.display()));
        let quoted = line
            .strip_prefix(b"[]byte(")
            .and_then(|l| l.strip_suffix(b")"))
            .unwrap();
        let bytes = gostr::unquote(quoted).unwrap_or_else(|| panic!("{}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        inputs.push((name, bytes));
    }
    inputs
}

#[test]
fn gos_fuzz_corpus_gets_clean_answers_and_go_1_27s_verdict() {
    let Some(go) = common::go_or_skip(Toolchain::Go1_27) else {
        return;
    };
    let goroot = toolchains::goroot(&go).unwrap();
    let mut inputs = corpus(&goroot);
    assert_eq!(inputs.len(), 17, "Go 1.27.3 ships 17 FuzzReader inputs");
    // Older releases' corpora, where they hold other inputs.
    for older in &Toolchain::ALL[..Toolchain::ALL.len() - 1] {
        let Some(go) = toolchains::find(*older) else {
            continue;
        };
        let Ok(root) = toolchains::goroot(&go) else {
            continue;
        };
        for (name, bytes) in corpus(&root) {
            if !inputs.iter().any(|(_, b)| *b == bytes) {
                inputs.push((format!("{older}-{name}"), bytes));
            }
        }
    }
    let tool = String::from_utf8(
        toolchains::go_command(&go)
            .args(["tool", "-n", "trace"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, bytes) in &inputs {
        for profile in Toolchain::ALL {
            let answer = std::panic::catch_unwind(|| reference_error(bytes, profile));
            if answer.is_err() {
                failures.push(format!("{name} {profile}: the reference panicked"));
            }
        }
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let go_accepts = Command::new(tool.trim())
            .env("TZ", "UTC")
            .arg("-d=parsed")
            .arg(&path)
            .output()
            .unwrap()
            .status
            .success();
        let ours = Command::new(env!("CARGO_BIN_EXE_trace-harness"))
            .args(["dump", "--as", "go1.27"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            matches!(ours.status.code(), Some(0 | 1)),
            "{name}: {ours:?}"
        );
        if ours.status.success() != go_accepts {
            failures.push(format!(
                "{name}: Go 1.27.3 {}, dump --as go1.27 {}",
                if go_accepts { "accepts" } else { "rejects" },
                if ours.status.success() {
                    "accepts"
                } else {
                    "rejects"
                }
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
