//! Every committed trace, ordered as Go 1.25, 1.26 and 1.27 order it: the same events in
//! the same order, with the same thread, proc, goroutine and time, as that release's
//! `go tool trace -d=parsed` prints.

mod common;

use std::fs::File;

use trace_harness::order::EventReader;
use trace_harness::{toolchains, Toolchain};

/// The `M= P= G=` context and `Time=` of each event line Go printed.
fn go_skeleton(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("M="))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            format!("{} {} {} {}", f[0], f[1], f[2], f.get(4).unwrap_or(&""))
        })
        .collect()
}

#[test]
fn event_order_matches_go() {
    let corpus = common::corpus();
    let mut compared = 0;
    for profile in [Toolchain::Go1_25, Toolchain::Go1_26, Toolchain::Go1_27] {
        let Some(go) = common::go_or_skip(profile) else {
            continue;
        };
        for trace in corpus.iter().filter(|t| t.toolchain <= profile) {
            let out = toolchains::go_command(&go)
                .args(["tool", "trace", "-d=parsed"])
                .arg(&trace.path)
                .output()
                .unwrap();
            assert!(out.status.success(), "{profile} {}", trace.name());
            let theirs = go_skeleton(&String::from_utf8_lossy(&out.stdout));
            let reader = EventReader::new(File::open(&trace.path).unwrap(), profile).unwrap();
            let ours: Vec<String> = reader
                .map(|e| {
                    let e = e.unwrap_or_else(|e| panic!("{profile} {}: {e}", trace.name()));
                    format!("M={} P={} G={} Time={}", e.ctx.m, e.ctx.p, e.ctx.g, e.time)
                })
                .collect();
            if let Some(i) = ours.iter().zip(&theirs).position(|(a, b)| a != b) {
                panic!(
                    "{profile} {}: event {i} differs: ours {:?}, Go {:?}",
                    trace.name(),
                    ours[i],
                    theirs[i]
                );
            }
            assert_eq!(ours.len(), theirs.len(), "{profile} {}", trace.name());
            compared += ours.len();
        }
    }
    if toolchains::required() {
        assert!(compared > 10_000, "only {compared} events compared");
    }
}

/// Go's golden test traces (many with every timestamp zero, so ties decide the order):
/// the events before any error match Go's, and both fail or both succeed.
#[test]
fn golden_traces_order_like_go() {
    for profile in [Toolchain::Go1_25, Toolchain::Go1_26, Toolchain::Go1_27] {
        let Some(go) = common::go_or_skip(profile) else {
            continue;
        };
        let dir = toolchains::golden_dir(&toolchains::goroot(&go).unwrap(), profile);
        let scratch = tempfile::tempdir().unwrap();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files
            .iter()
            .filter(|f| f.extension().is_some_and(|x| x == "test"))
        {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = trace_harness::text::assemble(&std::fs::read(file).unwrap()).unwrap();
            let path = scratch.path().join(format!("{name}.trace"));
            std::fs::write(&path, &bytes).unwrap();
            let out = toolchains::go_command(&go)
                .args(["tool", "trace", "-d=parsed"])
                .arg(&path)
                .output()
                .unwrap();
            let theirs = go_skeleton(&String::from_utf8_lossy(&out.stdout));
            let mut ours = Vec::new();
            let mut failed = false;
            for e in EventReader::new(&bytes[..], profile).unwrap() {
                match e {
                    Ok(e) => ours.push(format!(
                        "M={} P={} G={} Time={}",
                        e.ctx.m, e.ctx.p, e.ctx.g, e.time
                    )),
                    Err(_) => {
                        failed = true;
                        break;
                    }
                }
            }
            assert_eq!(
                failed,
                !out.status.success(),
                "{profile} {name}: failure differs"
            );
            assert_eq!(ours, theirs, "{profile} {name}");
        }
    }
}
