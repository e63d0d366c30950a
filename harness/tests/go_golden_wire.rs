//! Go's own golden `.test` files (read from the cached toolchains, never copied here)
//! assemble into traces that the same toolchain's `go tool trace -d=wire` (`-d=2`)
//! prints exactly as our `wire` does.

mod common;

use std::path::PathBuf;

use trace_harness::raw::RawTrace;
use trace_harness::spec::WireTable;
use trace_harness::text::{self, TextStyle};
use trace_harness::{toolchains, Toolchain};

fn check_golden_files(toolchain: Toolchain) {
    let Some(go) = common::go_or_skip(toolchain) else {
        return;
    };
    let goroot = toolchains::goroot(&go).expect("go env GOROOT");
    let dir = toolchains::golden_dir(&goroot, toolchain);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "test"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 15,
        "only {} golden files in {}",
        files.len(),
        dir.display()
    );
    let scratch = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let input = std::fs::read(file).unwrap();
        let bytes = match text::assemble(&input) {
            Ok(b) => b,
            Err(e) => {
                failures.push(format!("{name}: does not assemble: {e}"));
                continue;
            }
        };
        let parsed = RawTrace::parse(&bytes, toolchain).expect("assembled trace reads back");
        let table = WireTable::new(toolchain, parsed.version).unwrap();
        let mut ours = String::new();
        text::write_trace(&mut ours, &parsed, &table, TextStyle::Go);
        let ours = ours.split_once('\n').unwrap().1;
        let path = scratch.path().join(format!("{name}.trace"));
        std::fs::write(&path, &bytes).unwrap();
        let out = toolchains::go_wire_dump(&go, toolchain, &path).expect("run go tool trace");
        let theirs = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            failures.push(format!(
                "{name}: go tool trace failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        } else if ours != theirs {
            let line = ours.lines().zip(theirs.lines()).position(|(a, b)| a != b);
            failures.push(format!("{name}: differs from Go at line {line:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{toolchain}: {} of {} golden files:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn golden_files_of_go_1_27() {
    check_golden_files(Toolchain::Go1_27);
}

#[test]
fn golden_files_of_go_1_22() {
    check_golden_files(Toolchain::Go1_22);
}
