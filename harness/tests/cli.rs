//! The `trace-harness` binary: output and exit statuses that other people's scripts rely on.

mod common;

use std::process::{Command, Output};

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trace-harness"))
        .args(args)
        .output()
        .expect("run trace-harness")
}

#[test]
fn wire_prints_header_then_go_lines_and_assembles_back() {
    let trace = common::corpus()
        .into_iter()
        .min_by_key(|t| t.bytes.len())
        .unwrap();
    let out = run(&["wire".as_ref(), trace.path.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let (header, body) = stdout.split_once('\n').unwrap();
    assert!(header.starts_with("Trace Go1."), "{header}");
    assert_eq!(body, trace.expected_wire());

    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("t.txt");
    let back = dir.path().join("t.trace");
    let out = run(&[
        "wire".as_ref(),
        "--lossless".as_ref(),
        "-o".as_ref(),
        text.as_os_str(),
        trace.path.as_os_str(),
    ]);
    assert!(out.status.success());
    let out = run(&[
        "wire".as_ref(),
        "--assemble".as_ref(),
        text.as_os_str(),
        "-o".as_ref(),
        back.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read(&back).unwrap() == trace.bytes);
}

#[test]
fn exit_statuses_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    // Rejected input: 1, with the reason and its location on stderr.
    // Cut one byte short of the first batch header: the input ends inside a number.
    let trace = common::corpus().into_iter().next().unwrap();
    let table = trace_harness::spec::WireTable::full();
    let (_, first_end) = trace_harness::raw::decode_event(&trace.bytes, 16, &table).unwrap();
    let truncated = dir.path().join("truncated.trace");
    std::fs::write(&truncated, &trace.bytes[..first_end - 1]).unwrap();
    let out = run(&["wire".as_ref(), truncated.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("byte {}", first_end - 1)),
        "{stderr}"
    );
    let garbage = dir.path().join("garbage");
    std::fs::write(&garbage, b"not a trace at all").unwrap();
    let out = run(&["wire".as_ref(), garbage.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad file format"));
    // Strict mode: a GoSwitch in a go 1.22 trace read with Go 1.23's table.
    let switch = dir.path().join("switch.trace");
    let mut bytes = trace_harness::Version::Go122.header().to_vec();
    bytes.extend_from_slice(&[45, 0, 1, 1]);
    std::fs::write(&switch, &bytes).unwrap();
    let lenient = run(&[
        "wire".as_ref(),
        "--as".as_ref(),
        "go1.23".as_ref(),
        switch.as_os_str(),
    ]);
    assert_eq!(lenient.status.code(), Some(0));
    let strict = run(&[
        "wire".as_ref(),
        "--strict".as_ref(),
        "--as".as_ref(),
        "go1.23".as_ref(),
        switch.as_os_str(),
    ]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("GoSwitch"));
    // Usage and environment errors: 2.
    let missing = dir.path().join("missing.trace");
    assert_eq!(
        run(&["wire".as_ref(), missing.as_os_str()]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&[
            "wire".as_ref(),
            "--as".as_ref(),
            "go1.99".as_ref(),
            garbage.as_os_str()
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(run(&["no-such-command".as_ref()]).status.code(), Some(2));
}

#[test]
fn golden_runs_go_golden_files() {
    let Some(go) = common::go_or_skip(trace_harness::Toolchain::Go1_27) else {
        return;
    };
    let goroot = trace_harness::toolchains::goroot(&go).unwrap();
    let dir = trace_harness::toolchains::golden_dir(&goroot, trace_harness::Toolchain::Go1_27);
    let out = run(&["golden".as_ref(), dir.as_os_str()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(" 0 failed"), "{stdout}");
    // A file whose expectation cannot hold fails with exit 1.
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.test");
    std::fs::write(
        &bad,
        "-- expect --\nFAILURE \"nope\"\n-- trace --\nTrace Go1.26\n",
    )
    .unwrap();
    let out = run(&["golden".as_ref(), bad.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        run(&[
            "golden".as_ref(),
            "--as".as_ref(),
            "go1.24".as_ref(),
            bad.as_os_str()
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn dump_strict_names_events_the_version_lacks() {
    // A go 1.22 trace whose only event batch holds a GoSwitch (a go 1.23 event).
    let text = "Trace Go1.22\n\
                EventBatch gen=1 m=18446744073709551615 time=1 size=5\n\
                Frequency freq=15625000\n\
                EventBatch gen=1 m=1 time=2 size=4\n\
                GoSwitch dt=1 g=2 g_seq=1\n";
    let bytes = trace_harness::text::assemble(text.as_bytes()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("switch.trace");
    std::fs::write(&path, bytes).unwrap();
    let strict = run(&["dump".as_ref(), "--strict".as_ref(), path.as_os_str()]);
    assert_eq!(strict.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert!(
        stderr.contains("GoSwitch") && stderr.contains("go 1.22"),
        "{stderr}"
    );
    // Leniently, Go 1.27 orders it and fails on the missing goroutine instead.
    let lenient = run(&["dump".as_ref(), path.as_os_str()]);
    assert_eq!(lenient.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&lenient.stderr);
    assert!(
        stderr.contains("expected a thread") || stderr.contains("expected a proc"),
        "{stderr}"
    );
}

#[test]
fn gen_is_deterministic_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    for version in ["1.22", "1.23", "1.25", "1.26"] {
        let a = dir.path().join(format!("{version}-a.trace"));
        let b = dir.path().join(format!("{version}-b.trace"));
        for out in [&a, &b] {
            let args = [
                "gen".as_ref(),
                "--version".as_ref(),
                version.as_ref(),
                "--seed".as_ref(),
                "42".as_ref(),
            ];
            let mut args: Vec<&std::ffi::OsStr> = args.to_vec();
            args.extend(["-o".as_ref(), out.as_os_str()]);
            assert_eq!(run(&args).status.code(), Some(0));
        }
        assert_eq!(
            std::fs::read(&a).unwrap(),
            std::fs::read(&b).unwrap(),
            "{version}"
        );
        let check = run(&["check".as_ref(), a.as_os_str()]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
}

/// The smallest committed Go 1.27 trace, for `bench` beside the cached Go 1.27; `None`
/// when that Go is not cached.
fn smallest_trace_with_go127() -> Option<common::CorpusTrace> {
    trace_harness::toolchains::find(trace_harness::Toolchain::Go1_27)?;
    common::corpus()
        .into_iter()
        .filter(|t| t.toolchain == trace_harness::Toolchain::Go1_27)
        .min_by_key(|t| t.bytes.len())
}

/// `bench FILE`: a row for each of our runs and Go's, the three floors with the most each
/// allows against Go's parse, and the ratios (skipped without a cached Go 1.27).
#[test]
fn bench_reports_every_row_floors_and_ratios() {
    let Some(trace) = smallest_trace_with_go127() else {
        eprintln!("no cached Go 1.27: skipped");
        return;
    };
    let out = run(&[
        "bench".as_ref(),
        "--runs".as_ref(),
        "1".as_ref(),
        trace.path.as_os_str(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for row in [
        "trace-harness parse+order (in process)",
        "trace-harness parse+order (streamed, child)",
        "go parse only (Go testee)",
        "trace-harness dump > /dev/null",
        "go tool trace -d=parsed > /dev/null",
        "parse+order vs Go's parse: ",
        "dump vs Go's -d=parsed: ",
    ] {
        assert_eq!(
            stdout.lines().filter(|l| l.starts_with(row)).count(),
            1,
            "{row} in {stdout}"
        );
    }
    let floors: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("floor: "))
        .collect();
    assert_eq!(floors.len(), 3, "{stdout}");
    assert!(
        floors.iter().all(|l| l.contains("Go's parse takes")),
        "{stdout}"
    );
}

/// `bench FILE --scale-with FILE`: one row per file beside Go's parse, then the growth line
/// (skipped without a cached Go 1.27).
#[test]
fn bench_scale_with_reports_rows_and_growth() {
    let Some(trace) = smallest_trace_with_go127() else {
        eprintln!("no cached Go 1.27: skipped");
        return;
    };
    let path = trace.path.as_os_str();
    let out = run(&[
        "bench".as_ref(),
        "--runs".as_ref(),
        "1".as_ref(),
        path,
        "--scale-with".as_ref(),
        path,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let name = trace.path.file_name().unwrap().to_string_lossy();
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with(&*name)).count(),
        2,
        "{stdout}"
    );
    assert!(
        stdout.contains("1.00x the bytes; CPU time per byte")
            && stdout.contains("by the fastest runs"),
        "{stdout}"
    );
    // One size twice: nothing tells size from interleaving.
    assert!(
        stdout.contains("at equal interleaving: the files do not tell size and interleaving apart"),
        "{stdout}"
    );
}

/// `bench FILE --per-generation`: a row per generation whose events add up to the summary
/// line's, then the fit line; a missing file is a usage error.
#[test]
fn bench_per_generation_reports_every_generation() {
    let trace = common::corpus()
        .into_iter()
        .filter(|t| t.toolchain == trace_harness::Toolchain::Go1_27)
        .max_by_key(|t| t.bytes.len())
        .unwrap();
    let out = run(&[
        "bench".as_ref(),
        "--as".as_ref(),
        "go1.27".as_ref(),
        "--runs".as_ref(),
        "2".as_ref(),
        "--per-generation".as_ref(),
        trace.path.as_os_str(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.len() == 6 && f[0].parse::<u64>().is_ok())
        .collect();
    assert!(!rows.is_empty(), "{stdout}");
    let events: u64 = rows.iter().map(|f| f[1].parse::<u64>().unwrap()).sum();
    let summary = format!("all: {} generations, {events} events,", rows.len());
    assert!(stdout.contains(&summary), "{summary} in {stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("fit: ")), "{stdout}");
    let missing = run(&[
        "bench".as_ref(),
        "--per-generation".as_ref(),
        "no-such.trace".as_ref(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
}
