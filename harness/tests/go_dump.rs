//! `trace-harness dump --as goX` is byte-identical to that release's
//! `go tool trace -d=parsed` (TZ=UTC) for every committed trace it can read, and for every
//! Go golden test trace (including the lines printed before an error).

mod common;

use std::process::Command;

use trace_harness::{toolchains, Toolchain};

fn ours(profile: Toolchain, path: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_trace-harness"))
        .args(["dump", "--as", profile.name()])
        .arg(path)
        .output()
        .unwrap()
}

fn first_difference(a: &str, b: &str) -> String {
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(a.lines().count().min(b.lines().count()));
    format!(
        "first difference at line {}:\n  ours: {:?}\n  go:   {:?}",
        line + 1,
        a.lines().nth(line),
        b.lines().nth(line)
    )
}

#[test]
fn dump_is_byte_identical_to_go() {
    let corpus = common::corpus();
    let mut compared = 0;
    for profile in [Toolchain::Go1_25, Toolchain::Go1_26, Toolchain::Go1_27] {
        let Some(go) = common::go_or_skip(profile) else {
            continue;
        };
        let mut inputs: Vec<(String, std::path::PathBuf)> = corpus
            .iter()
            .filter(|t| t.toolchain <= profile)
            .map(|t| (t.name(), t.path.clone()))
            .collect();
        // Go's golden traces too, assembled to binary.
        let scratch = tempfile::tempdir().unwrap();
        let dir = toolchains::golden_dir(&toolchains::goroot(&go).unwrap(), profile);
        let mut golden: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        golden.sort();
        for file in golden
            .iter()
            .filter(|f| f.extension().is_some_and(|x| x == "test"))
        {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let path = scratch.path().join(format!("{name}.trace"));
            std::fs::write(
                &path,
                trace_harness::text::assemble(&std::fs::read(file).unwrap()).unwrap(),
            )
            .unwrap();
            inputs.push((format!("golden {name}"), path));
        }
        for (name, path) in inputs {
            let theirs = toolchains::go_command(&go)
                .args(["tool", "trace", "-d=parsed"])
                .arg(&path)
                .output()
                .unwrap();
            let mine = ours(profile, &path);
            let (a, b) = (
                String::from_utf8_lossy(&mine.stdout),
                String::from_utf8_lossy(&theirs.stdout),
            );
            assert!(a == b, "{profile} {name}: {}", first_difference(&a, &b));
            assert_eq!(
                mine.status.code(),
                theirs.status.code(),
                "{profile} {name}: exit status"
            );
            compared += 1;
        }
    }
    if toolchains::required() {
        assert!(compared >= 150, "only {compared} traces compared");
    }
}
