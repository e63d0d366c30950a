//! The framed-protocol testees: the persistent Go testee answers exactly what each Go
//! release's `trace` tool prints with its parsed-event flag (events, accept or reject, error
//! text) over the real corpus, generated traces and corrupted ones; misbehaving pipe
//! testees (hanging, dying mid-stream, writing malformed or oversized frames) cost only
//! their own case and are replaced for the next.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use trace_harness::conform::gotestee;
use trace_harness::conform::pipe::PipeTestee;
use trace_harness::conform::{Case, Dialect, Origin, Testee, TesteeFailure};
use trace_harness::corrupt::Corruption;
use trace_harness::gen::{self, Config};
use trace_harness::{bench, toolchains, Toolchain, Version};

fn case(name: &str, bytes: Vec<u8>) -> Case {
    Case {
        name: name.to_string(),
        bytes,
        origin: Origin::Corpus(name.to_string()),
    }
}

/// The tool's stderr without Go 1.22's timestamped `Parsing trace...` log line.
fn tool_error(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .split_inclusive('\n')
        .filter(|l| !l.ends_with(" Parsing trace...\n"))
        .collect()
}

/// The inputs compared for `profile`: every corpus trace, generated traces of every
/// version it reads, and each catalogued corruption of a version it reads.
fn inputs(profile: Toolchain) -> Vec<Case> {
    let mut cases: Vec<Case> = common::corpus()
        .into_iter()
        .map(|t| case(&t.name(), t.bytes))
        .collect();
    for version in Version::V2.into_iter().filter(|v| profile.accepts(*v)) {
        for seed in 0..4 {
            let bytes = gen::generate(&Config::from_seed(version, seed), seed);
            cases.push(case(&format!("gen/{version}/seed-{seed}"), bytes));
        }
    }
    for corruption in Corruption::ALL {
        let Some(&version) = corruption
            .versions()
            .iter()
            .rev()
            .find(|v| profile.accepts(**v))
        else {
            continue;
        };
        if let Ok(c) = corruption.apply(1, Some(version)) {
            cases.push(case(&format!("corrupt/{}", corruption.name()), c.bytes));
        }
    }
    cases
}

#[test]
fn go_testee_answers_like_the_trace_tool() {
    let mut compared = 0;
    // Outcome tallies for the closing line: exact listings, listings equal up to Go's
    // random tie order, rejections, panics.
    let (mut exact, mut ties, mut rejected, mut panicked) = (0, 0, 0, 0);
    for profile in Toolchain::ALL {
        let Some(go) = common::go_or_skip(profile) else {
            continue;
        };
        let tool = bench::go_trace_tool(&go).unwrap();
        let flag = bench::parsed_flag(profile);
        let mut testee = gotestee::spawn(&go, profile, Duration::from_secs(60)).unwrap();
        assert_eq!(testee.dialect(), Dialect::Go(profile));
        let scratch = tempfile::tempdir().unwrap();
        let file = scratch.path().join("case.trace");
        for case in inputs(profile) {
            std::fs::write(&file, &case.bytes).unwrap();
            let run_tool = || {
                Command::new(&tool)
                    .arg(flag)
                    .arg(&file)
                    .env("TZ", "UTC")
                    .output()
                    .unwrap()
            };
            let theirs = run_tool();
            let what = format!("{profile} {}", case.name);
            match testee.run(&case) {
                Ok(answer) if answer.error.starts_with("panic: ") => {
                    // The tool panicked on it too: status 2, Go's panic exit.
                    let message = answer.error.trim_end();
                    assert_eq!(theirs.status.code(), Some(2), "{what}: {message}");
                    panicked += 1;
                    let stderr = String::from_utf8_lossy(&theirs.stderr);
                    let panic_line = message;
                    assert!(
                        stderr.starts_with(panic_line),
                        "{what}: testee {panic_line:?}, tool {stderr:?}"
                    );
                }
                Ok(answer) => {
                    let code = theirs.status.code();
                    assert_eq!(
                        code,
                        Some(if answer.accepted { 0 } else { 1 }),
                        "{what}: tool exit vs testee; tool stderr: {}",
                        String::from_utf8_lossy(&theirs.stderr)
                    );
                    let go_error = tool_error(&theirs.stderr);
                    // Exact, but for the frontier dump after "failed to advance", which Go
                    // prints in map order: the same first line and the same lines.
                    let sorted_lines = |e: &str| {
                        let mut v: Vec<String> = e.lines().map(str::to_string).collect();
                        v.sort_unstable();
                        v
                    };
                    assert!(
                        answer.error == go_error
                            || (answer.error.lines().next() == go_error.lines().next()
                                && sorted_lines(&answer.error) == sorted_lines(&go_error)),
                        "{what}: error\n  testee: {:?}\n  tool:   {go_error:?}",
                        answer.error
                    );
                    rejected += usize::from(!answer.accepted);
                    let (a, b) = (
                        String::from_utf8_lossy(&answer.events),
                        String::from_utf8_lossy(&theirs.stdout),
                    );
                    let mut same = a == b;
                    if same {
                        exact += 1;
                    } else if profile < Toolchain::Go1_25 {
                        ties += 1;
                        // Go 1.22 and 1.23 break ties between equal times at random.
                        same = common::tie_insensitive(&a) == common::tie_insensitive(&b)
                            || ((0..5).any(|_| run_tool().stdout != theirs.stdout)
                                && common::same_events(&a) == common::same_events(&b));
                    }
                    assert!(same, "{what}: events differ");
                    assert!(!answer.truncated_output, "{what}: truncated");
                }
                Err(other) => panic!("{what}: {other}"),
            }
            compared += 1;
        }
        // One process served every case.
        assert_eq!(testee.spawns(), 1, "{profile}: respawned");
    }
    if toolchains::required() {
        assert!(compared >= 5 * 100, "only {compared} cases compared");
    }
    eprintln!(
        "compared {compared} cases: {exact} identical listings, {ties} equal up to Go's \
         random tie order, {rejected} rejections, {panicked} panics"
    );
}

/// A fake testee in Python that misbehaves on command: the request's first word picks
/// what it does.
const FAKE: &str = r#"
import os, struct, sys, time
inp, out = sys.stdin.buffer, sys.stdout.buffer
def frame(status, events=b"", error=b""):
    out.write(bytes([status]) + struct.pack("<I", len(events)) + events
              + struct.pack("<I", len(error)) + error)
    out.flush()
while True:
    head = inp.read(4)
    if len(head) < 4:
        sys.exit(0)
    data = inp.read(struct.unpack("<I", head)[0])
    word = data.split(b" ")[0]
    if word == b"hang":
        time.sleep(600)
    elif word == b"die":
        out.write(bytes([0]) + struct.pack("<I", 100) + b"half")
        out.flush()
        sys.stderr.write("fake testee: dying on purpose\n")
        sys.stderr.flush()
        os._exit(3)
    elif word == b"junk":
        out.write(b"PASS\n")
        out.flush()
    elif word == b"oversized":
        out.write(bytes([0]) + struct.pack("<I", 0xFFFFFFF0))
        out.flush()
    elif word == b"chatty":
        frame(0, b"x" * 5000)
    elif word == b"twice":
        frame(0, b"one\n")
        frame(0, b"two\n")
    elif word == b"answer-and-exit":
        frame(0, b"bye\n")
        sys.exit(0)
    elif word == b"panic":
        frame(2, b"", b"panic: index out of range\n")
    elif word == b"reject":
        frame(1, b"first\n", b"bad trace\n")
    else:
        frame(0, b"pid=%d len=%d\n" % (os.getpid(), len(data)))
"#;

fn python() -> Option<PathBuf> {
    let found = Command::new("python3").arg("-c").arg("pass").status();
    if found.is_ok_and(|s| s.success()) {
        return Some(PathBuf::from("python3"));
    }
    assert!(
        !toolchains::required(),
        "python3 is needed for the fake testees"
    );
    eprintln!("SKIPPED: python3 not found");
    None
}

fn fake(dir: &Path, timeout: Duration) -> PipeTestee {
    let script = dir.join("fake_testee.py");
    std::fs::write(&script, FAKE).unwrap();
    PipeTestee::new("fake", Dialect::Jsonl, python().unwrap())
        .args([&script])
        .timeout(timeout)
        .frame_cap(1 << 20)
        .output_cap(1000)
}

fn ok_events(testee: &mut PipeTestee, text: &str) -> String {
    let answer = testee.run(&case("ok", text.as_bytes().to_vec())).unwrap();
    assert!(answer.accepted);
    String::from_utf8(answer.events).unwrap()
}

#[test]
fn misbehaving_testees_cost_only_their_case() {
    if python().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut t = fake(dir.path(), Duration::from_secs(2));
    let first = ok_events(&mut t, "hello");
    assert!(first.ends_with("len=5\n"), "{first}");
    assert_eq!(t.spawns(), 1);

    // Answers from one process, case after case.
    assert_eq!(
        ok_events(&mut t, "again").split(' ').next(),
        first.split(' ').next()
    );

    let start = Instant::now();
    let hang = t.run(&case("hang", b"hang".to_vec()));
    assert_eq!(
        hang.unwrap_err(),
        TesteeFailure::Timeout(Duration::from_secs(2))
    );
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(ok_events(&mut t, "after hang").ends_with("len=10\n"));
    assert_eq!(t.spawns(), 2);

    match t.run(&case("die", b"die".to_vec())) {
        Err(TesteeFailure::Crash(m)) => {
            assert!(m.contains("cut short"), "{m}");
            assert!(m.contains("dying on purpose"), "stderr tail missing: {m}");
        }
        other => panic!("{other:?}"),
    }
    assert!(ok_events(&mut t, "after die").ends_with("len=9\n"));
    assert_eq!(t.spawns(), 3);

    match t.run(&case("junk", b"junk".to_vec())) {
        Err(TesteeFailure::Crash(m)) => assert!(m.contains("status byte 80"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(ok_events(&mut t, "after junk").ends_with("len=10\n"));
    assert_eq!(t.spawns(), 4);

    match t.run(&case("oversized", b"oversized".to_vec())) {
        Err(TesteeFailure::Crash(m)) => assert!(m.contains("exceeds the cap"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(ok_events(&mut t, "after oversized").ends_with("len=15\n"));
    assert_eq!(t.spawns(), 5);

    // Output past the cap is dropped, the answer marked; the stream stays in step.
    let chatty = t.run(&case("chatty", b"chatty".to_vec())).unwrap();
    assert_eq!((chatty.events.len(), chatty.truncated_output), (1000, true));
    assert!(ok_events(&mut t, "after chatty").ends_with("len=12\n"));

    // A panic the testee caught is its answer for the case (a rejection with the panic
    // as its error), not a crash of the process.
    match t.run(&case("panic", b"panic".to_vec())) {
        Ok(a) => assert!(
            !a.accepted && a.error.starts_with("panic: ") && a.error.contains("index out of range"),
            "{a:?}"
        ),
        other => panic!("{other:?}"),
    }
    let reject = t.run(&case("reject", b"reject".to_vec())).unwrap();
    assert!(!reject.accepted);
    assert_eq!(
        (&reject.events[..], reject.error.as_str()),
        (&b"first\n"[..], "bad trace\n")
    );
    assert_eq!(t.spawns(), 5);

    // A testee out of step (two frames for one request), or gone after answering, is
    // replaced before the next case rather than blamed for it.
    let twice = t.run(&case("twice", b"twice".to_vec())).unwrap();
    assert_eq!(twice.events, b"one\n");
    std::thread::sleep(Duration::from_millis(100));
    assert!(ok_events(&mut t, "after twice").ends_with("len=11\n"));
    assert_eq!(t.spawns(), 6);
    let bye = t.run(&case("exit", b"answer-and-exit".to_vec())).unwrap();
    assert_eq!(bye.events, b"bye\n");
    std::thread::sleep(Duration::from_millis(300));
    assert!(ok_events(&mut t, "after exit").ends_with("len=10\n"));
    assert_eq!(t.spawns(), 7);
}

#[test]
fn a_testee_that_never_reads_times_out() {
    // `sleep` reads nothing: a request larger than a pipe buffer must not block the harness.
    let mut t = PipeTestee::new("sleeper", Dialect::Jsonl, "sleep")
        .args(["600"])
        .timeout(Duration::from_millis(500));
    let start = Instant::now();
    let big = case("big", vec![0u8; 4 << 20]);
    assert_eq!(
        t.run(&big).unwrap_err(),
        TesteeFailure::Timeout(Duration::from_millis(500))
    );
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_missing_program_is_unavailable() {
    let mut t = PipeTestee::new("missing", Dialect::Jsonl, "/nonexistent/testee");
    assert!(matches!(
        t.run(&case("x", b"x".to_vec())),
        Err(TesteeFailure::Unavailable(_))
    ));
}

/// Per-case time of the persistent Go testee against one `trace` tool process per case, on
/// the same small generated traces. Run with
/// `cargo test -p trace-harness --release --test conform_pipe -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement: prints per-case times"]
fn persistent_testee_is_ten_times_faster_per_case() {
    const CASES: u64 = 500;
    for profile in [Toolchain::Go1_27, Toolchain::Go1_22] {
        let Some(go) = common::go_or_skip(profile) else {
            continue;
        };
        let version = profile.writes();
        let cases: Vec<Case> = (0..CASES)
            .map(|seed| {
                let config = Config {
                    steps_per_generation: 24,
                    ..Config::from_seed(version, seed)
                };
                case(&format!("gen/{seed}"), gen::generate(&config, seed))
            })
            .collect();
        let bytes: usize = cases.iter().map(|c| c.bytes.len()).sum();
        let mut testee = gotestee::spawn(&go, profile, Duration::from_secs(60)).unwrap();
        let tool = bench::go_trace_tool(&go).unwrap();
        let dir = tempfile::tempdir().unwrap();
        // Interleaved, case by case, so that other load on the machine hits both sides
        // alike; medians, so that a burst of it does not decide the result.
        let (mut piped, mut per_process) = (Vec::new(), Vec::new());
        for (i, c) in cases.iter().enumerate() {
            let start = Instant::now();
            assert!(testee.run(c).unwrap().accepted);
            piped.push(start.elapsed());

            let file = dir.path().join(format!("{i}.trace"));
            std::fs::write(&file, &c.bytes).unwrap();
            let start = Instant::now();
            let out = Command::new(&tool)
                .arg(bench::parsed_flag(profile))
                .arg(&file)
                .env("TZ", "UTC")
                .output()
                .unwrap();
            per_process.push(start.elapsed());
            assert!(out.status.success());
        }
        let summary = |times: &mut Vec<Duration>| {
            times.sort();
            let mean = times.iter().sum::<Duration>() / times.len() as u32;
            (times[times.len() / 2], mean)
        };
        let (piped_median, piped_mean) = summary(&mut piped);
        let (tool_median, tool_mean) = summary(&mut per_process);
        let speedup = tool_median.as_secs_f64() / piped_median.as_secs_f64();
        println!(
            "{profile}: {CASES} cases, {} bytes on average; per case, median (mean): \
             persistent testee {piped_median:?} ({piped_mean:?}), trace tool per process \
             {tool_median:?} ({tool_mean:?}); {speedup:.1}x",
            bytes / CASES as usize
        );
        assert!(speedup >= 10.0, "{profile}: only {speedup:.1}x");
    }
}
