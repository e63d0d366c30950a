//! `trace-harness dump --as goX` is byte-identical to that release's
//! `go tool trace -d=parsed` (`-d=1` before 1.25; TZ=UTC) for every committed trace it can
//! read, and for every Go golden test trace (including the lines printed before an error).
//! Go 1.22 and 1.23 order events with equal times by Go map iteration, which is random; for
//! them a difference confined to the order within equal times is accepted, and where Go's
//! own runs disagree with each other (so no single right answer exists), the same events
//! (times aside) in any order.

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
    for profile in Toolchain::ALL {
        let Some(go) = common::go_or_skip(profile) else {
            continue;
        };
        let mut inputs: Vec<(String, std::path::PathBuf)> = corpus
            .iter()
            .filter(|t| profile.accepts(t.toolchain.writes()))
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
            let flag = trace_harness::bench::parsed_flag(profile);
            let theirs = toolchains::go_command(&go)
                .args(["tool", "trace", flag])
                .arg(&path)
                .output()
                .unwrap();
            let mine = ours(profile, &path);
            let (a, b) = (
                String::from_utf8_lossy(&mine.stdout),
                String::from_utf8_lossy(&theirs.stdout),
            );
            let mut same = a == b
                || (profile < Toolchain::Go1_25
                    && common::tie_insensitive(&a) == common::tie_insensitive(&b));
            if !same && profile < Toolchain::Go1_25 {
                // Is Go itself unstable on this input? Then only the events can be compared.
                let go_unstable = (0..10).any(|_| {
                    let run = toolchains::go_command(&go)
                        .args(["tool", "trace", flag])
                        .arg(&path)
                        .output()
                        .unwrap();
                    run.stdout != theirs.stdout
                });
                same = go_unstable && common::same_events(&a) == common::same_events(&b);
                if same {
                    eprintln!("{profile} {name}: Go's own order varies from run to run; compared the events only");
                }
            }
            assert!(
                same,
                "{profile} {name}: {}\nGo's stderr: {}",
                first_difference(&a, &b),
                String::from_utf8_lossy(&theirs.stderr)
            );
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
