//! Crafted traces, each breaking rules of Go's validator that Go's parser lets through:
//! `validate::check_trace` reports Go's message at the expected event for each release, and,
//! where the Go toolchains are cached, Go's own `testtrace.Validator` reports exactly the
//! same on the same traces (run by a test file overlaid onto each GOROOT's
//! `internal/trace`, so GOROOT itself is never written).

mod common;

use std::fmt::Write as _;
use std::path::Path;

use trace_harness::validate::{check_trace, Check};
use trace_harness::{text, toolchains, Toolchain};

use Toolchain::{Go1_25, Go1_26, Go1_27};

const NO_THREAD: &str = "18446744073709551615";

/// A text trace built batch by batch; each batch's `size=` is computed from its events.
struct TextTrace {
    header: String,
    text: String,
}

impl TextTrace {
    fn new(version: u32) -> TextTrace {
        let header = format!("Trace Go1.{version}");
        TextTrace {
            text: format!("{header}\n"),
            header,
        }
    }

    /// A batch of generation `gen` on thread `m` holding `events`, one line each.
    fn batch(mut self, gen: u64, m: &str, time: u64, events: &[&str]) -> TextTrace {
        let body: String = events.iter().map(|line| format!("{line}\n")).collect();
        let size = self.encoded_len(&body) - self.encoded_len("");
        let _ = writeln!(
            self.text,
            "EventBatch gen={gen} m={m} time={time} size={size}"
        );
        self.text.push_str(&body);
        self
    }

    /// A go 1.25+ sync batch: one tick per nanosecond and the given clock snapshot.
    fn sync(self, gen: u64, time: u64, mono: u64, sec: u64) -> TextTrace {
        let clock = format!("ClockSnapshot dt=0 mono={mono} sec={sec} nsec=0");
        self.batch(
            gen,
            NO_THREAD,
            time,
            &["Sync", "Frequency freq=1000000000", &clock],
        )
    }

    /// A line outside any batch (`EndOfGeneration`).
    fn line(mut self, line: &str) -> TextTrace {
        self.text.push_str(line);
        self.text.push('\n');
        self
    }

    /// Bytes of one batch with `body` as its events.
    fn encoded_len(&self, body: &str) -> usize {
        let text = format!(
            "{}\nEventBatch gen=1 m=0 time=0 size=0\n{body}",
            self.header
        );
        text::assemble(text.as_bytes())
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
            .len()
    }
}

/// One crafted trace and what each release's validator says about it.
struct Case {
    name: &'static str,
    trace: TextTrace,
    /// Releases that read the trace's version.
    profiles: &'static [Toolchain],
    /// Expected `(event index, message)` per release; Go's panics read `panic: <message>`.
    expect: fn(Toolchain) -> Vec<(u64, String)>,
}

const GO125_AND_LATER: &[Toolchain] = &[Go1_25, Go1_26, Go1_27];
const GO126_AND_LATER: &[Toolchain] = &[Go1_26, Go1_27];

fn at(event: u64, message: &str) -> (u64, String) {
    (event, message.to_string())
}

/// The strings and stacks most cases share: string 1 "reason", 2 "main.f", 3 "f.go",
/// 4 "work"; stack 1 has a second frame without a line.
fn tables(trace: TextTrace, gen: u64) -> TextTrace {
    trace
        .batch(
            gen,
            NO_THREAD,
            1,
            &[
                "Stacks",
                "Stack id=1 nframes=2",
                "\tpc=1 func=2 file=3 line=4",
                "\tpc=2 func=2 file=3 line=0",
            ],
        )
        .batch(
            gen,
            NO_THREAD,
            1,
            &[
                "Strings",
                "String id=1",
                "\tdata=\"reason\"",
                "String id=2",
                "\tdata=\"main.f\"",
                "String id=3",
                "\tdata=\"f.go\"",
                "String id=4",
                "\tdata=\"work\"",
            ],
        )
}

/// A go 1.25 trace whose single generation runs `events` on thread 0.
fn one_thread(events: &[&str]) -> TextTrace {
    tables(TextTrace::new(25).sync(1, 1, 1, 1), 1).batch(1, "0", 2, events)
}

const FRAME: &str = "invalid stack frame trace.StackFrame{PC:0x2, Func:\"main.f\", File:\"f.go\", \
                     Line:0x0}: missing information";

fn cases() -> Vec<Case> {
    vec![
        Case {
            // A bad frame is reported for each stack that holds it: GoStop's transition stack
            // is its own stack; GoStatusStack's becomes so in Go 1.26.
            name: "stack-frame-without-line",
            trace: one_thread(&[
                "ProcStatus dt=1 p=0 pstatus=1",
                "GoStatus dt=1 g=1 m=0 gstatus=2",
                &format!("GoStatusStack dt=1 g=2 m={NO_THREAD} gstatus=4 stack=1"),
                "GoStop dt=1 reason_string=1 stack=1",
            ]),
            profiles: GO125_AND_LATER,
            expect: |profile| {
                let mut found = vec![at(3, FRAME)];
                if profile >= Go1_26 {
                    found.push(at(3, FRAME));
                }
                found.extend([at(4, FRAME), at(4, FRAME)]);
                found
            },
        },
        Case {
            // Before Go 1.26 a GCSweepActive is scoped to the current P, not the one it names.
            name: "sweep-active-on-another-proc",
            trace: tables(TextTrace::new(25).sync(1, 1, 1, 1), 1)
                .batch(
                    1,
                    "1",
                    2,
                    &[
                        "ProcStatus dt=0 p=1 pstatus=1",
                        "GCSweepEnd dt=20 swept_value=1 reclaimed_value=0",
                    ],
                )
                .batch(
                    1,
                    "0",
                    3,
                    &[
                        "ProcStatus dt=0 p=0 pstatus=1",
                        "GCSweepActive dt=1 p=1",
                        "GCSweepBegin dt=1 stack=0",
                    ],
                ),
            profiles: GO125_AND_LATER,
            expect: |profile| {
                if profile >= Go1_26 {
                    return Vec::new();
                }
                vec![
                    at(
                        4,
                        "already active range \"GC incremental sweep\" on Proc(0) begun again",
                    ),
                    at(
                        5,
                        "inactive range \"GC incremental sweep\" on Proc(1) ended",
                    ),
                ]
            },
        },
        Case {
            name: "goroutine-dies-in-a-range",
            trace: one_thread(&[
                "ProcStatus dt=1 p=0 pstatus=1",
                "GoStatus dt=1 g=1 m=0 gstatus=2",
                "GCMarkAssistBegin dt=1 stack=0",
                "GoDestroy dt=1",
            ]),
            profiles: GO125_AND_LATER,
            expect: |_| vec![at(4, "goroutine 1 died with active ranges")],
        },
        Case {
            // Status 0 (GoBad, ProcBad) reads as Undetermined.
            name: "status-zero",
            trace: one_thread(&[
                "ProcStatus dt=1 p=0 pstatus=0",
                "GoStatus dt=1 g=1 m=0 gstatus=0",
            ]),
            profiles: GO125_AND_LATER,
            expect: |_| {
                vec![
                    at(1, "transition to undetermined state for proc 0"),
                    at(2, "transition to undetermined state for goroutine 1"),
                ]
            },
        },
        Case {
            // Go's parser lets a status overwrite what the thread runs.
            name: "two-running-on-one-thread",
            trace: one_thread(&[
                "ProcStatus dt=1 p=0 pstatus=1",
                "ProcStatus dt=1 p=1 pstatus=1",
                "GoStatus dt=1 g=1 m=0 gstatus=2",
                "GoStatus dt=1 g=2 m=0 gstatus=2",
            ]),
            profiles: GO125_AND_LATER,
            expect: |_| {
                vec![
                    at(
                        2,
                        "tried to run proc 1 when one was already executing (0) on thread 0",
                    ),
                    at(
                        4,
                        "tried to run goroutine 2 when one was already executing (1) on thread 0",
                    ),
                ]
            },
        },
        Case {
            name: "running-without-a-thread",
            trace: tables(TextTrace::new(25).sync(1, 1, 1, 1), 1).batch(
                1,
                NO_THREAD,
                2,
                &[
                    "ProcStatus dt=1 p=0 pstatus=1",
                    &format!("GoStatus dt=1 g=1 m={NO_THREAD} gstatus=2"),
                ],
            ),
            profiles: GO125_AND_LATER,
            expect: |_| {
                vec![
                    at(1, "must have thread, but thread ID is none"),
                    at(2, "must have thread, but thread ID is none"),
                ]
            },
        },
        Case {
            name: "task-with-the-background-id",
            trace: one_thread(&[
                "ProcStatus dt=1 p=0 pstatus=1",
                "GoStatus dt=1 g=1 m=0 gstatus=2",
                "UserTaskBegin dt=1 task=0 parent_task=0 name_string=4 stack=0",
                "UserTaskBegin dt=1 task=18446744073709551615 parent_task=0 name_string=0 stack=0",
                "GoLabel dt=1 label_string=0",
            ]),
            profiles: GO125_AND_LATER,
            expect: |_| {
                vec![
                    at(3, "found invalid task ID for task of type work"),
                    at(4, "found invalid task ID for task of type "),
                    at(5, "invalid label \"\""),
                ]
            },
        },
        Case {
            // Wall time 0001-01-01 is Go's zero time; trace time 0 is a snapshot at tick 0.
            name: "zero-clocks",
            trace: TextTrace::new(25).sync(1, 0, 0, 18446744011573954816),
            profiles: GO125_AND_LATER,
            expect: |_| {
                vec![
                    at(0, "sync 1 has zero wall time"),
                    at(0, "sync 1 has zero mono time"),
                    at(0, "sync 1 has zero trace time"),
                ]
            },
        },
        Case {
            name: "clocks-go-backwards",
            trace: TextTrace::new(25)
                .sync(1, 100, 50, 1000)
                .sync(2, 90, 50, 999),
            profiles: GO125_AND_LATER,
            expect: |_| {
                vec![
                    at(
                        1,
                        "sync 2 has non-increasing wall time: 1970-01-01 00:16:39 +0000 UTC \
                         vs 1970-01-01 00:16:40 +0000 UTC",
                    ),
                    at(1, "sync 2 has non-increasing mono time: 50 vs 50"),
                    at(1, "sync 2 has non-increasing trace time: 90 vs 100"),
                ]
            },
        },
        Case {
            // Go 1.26 does not check generation numbers: a repeated one is still "the first
            // generation", so new goroutines and procs are Undetermined after the second Sync.
            name: "generation-number-repeated",
            trace: TextTrace::new(26)
                .sync(1, 1, 1, 1)
                .batch(1, "0", 2, &["ProcStatus dt=1 p=0 pstatus=1"])
                .line("EndOfGeneration")
                .sync(1, 10, 2, 2)
                .batch(
                    1,
                    "0",
                    11,
                    &[
                        "ProcStatus dt=1 p=0 pstatus=1",
                        "ProcStatus dt=1 p=1 pstatus=2",
                        "GoStatus dt=1 g=5 m=0 gstatus=2",
                    ],
                )
                .line("EndOfGeneration"),
            profiles: GO126_AND_LATER,
            expect: |_| {
                vec![
                    at(4, "undetermined proc 1 after first global sync"),
                    at(5, "undetermined goroutine 5 after first global sync"),
                ]
            },
        },
        Case {
            name: "header-only",
            trace: TextTrace::new(26),
            profiles: GO126_AND_LATER,
            expect: |_| vec![at(0, "sync 1 has no clock snapshot")],
        },
        Case {
            // CPU-sample stack ids are never checked by the parser: Go's validator panics.
            name: "cpu-sample-with-unknown-stack",
            trace: one_thread(&["ProcStatus dt=1 p=0 pstatus=1"]).batch(
                1,
                NO_THREAD,
                5,
                &["CPUSamples", "CPUSample time=6 m=0 p=0 g=0 stack=9"],
            ),
            profiles: GO125_AND_LATER,
            expect: |_| vec![at(2, "panic: expected id 9 in trace.stack table")],
        },
    ]
}

/// What our checker reports: violations, then the parser's error, if any.
fn ours(case: &Case, profile: Toolchain) -> Vec<(u64, String)> {
    let bytes = text::assemble(case.trace.text.as_bytes()).unwrap();
    let report = check_trace(&bytes[..], profile).unwrap();
    let mut found: Vec<(u64, String)> = report
        .violations
        .iter()
        .map(|v| {
            let panic = if v.check == Check::GoPanic {
                "panic: "
            } else {
                ""
            };
            (v.event, format!("{panic}{}", v.message))
        })
        .collect();
    if let Some(e) = &report.error {
        let message = format!("parse error: {}", e.kind.go_message(profile));
        found.push((report.events, message));
    }
    found
}

#[test]
fn crafted_traces_give_go_messages() {
    for case in cases() {
        for &profile in case.profiles {
            assert_eq!(
                ours(&case, profile),
                (case.expect)(profile),
                "{profile} {}:\n{}",
                case.name,
                case.trace.text
            );
        }
    }
}

#[test]
fn go_validator_agrees_on_crafted_traces() {
    let cases = cases();
    let mut compared = 0;
    for profile in [Go1_25, Go1_26, Go1_27] {
        let Some(go) = common::go_or_skip(profile) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let readable: Vec<&Case> = cases
            .iter()
            .filter(|c| c.profiles.contains(&profile))
            .collect();
        for case in &readable {
            let golden = format!("-- expect --\nSUCCESS\n-- trace --\n{}", case.trace.text);
            std::fs::write(dir.path().join(format!("{}.test", case.name)), golden).unwrap();
        }
        let theirs = go_validator(&go, dir.path());
        for case in readable {
            let go_found = theirs
                .iter()
                .filter(|(name, _)| name == case.name)
                .map(|(_, found)| found.clone())
                .collect::<Vec<_>>();
            assert_eq!(ours(case, profile), go_found, "{profile} {}", case.name);
            compared += 1;
        }
    }
    if toolchains::required() {
        assert_eq!(compared, 3 * cases.len() - 2, "cases compared with Go");
    }
}

/// Go's side: for every `.test` file in `dir`, what its reader and `testtrace.Validator`
/// report, one `HARNESS <file> <what> <event> <Go-quoted message>` line each.
const GO_VALIDATOR_TEST: &str = r#"package trace_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"internal/trace"
	"internal/trace/testtrace"
)

func TestHarnessValidator(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(os.Getenv("HARNESS_TESTS"), "*.test"))
	sort.Strings(files)
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".test")
		report := func(what string, i int, msg string) {
			fmt.Printf("HARNESS %s %s %d %s\n", name, what, i, strconv.Quote(msg))
		}
		tr, ver, _, err := testtrace.ParseFile(path)
		if err != nil {
			report("BADFILE", 0, err.Error())
			continue
		}
		r, err := trace.NewReader(tr)
		if err != nil {
			report("PARSE", 0, err.Error())
			continue
		}
		v := testtrace.NewValidator()
		v.GoVersion = ver
		for i := 0; ; i++ {
			ev, err := r.ReadEvent()
			if err == io.EOF {
				break
			}
			if err != nil {
				report("PARSE", i, err.Error())
				break
			}
			func() {
				defer func() {
					if p := recover(); p != nil {
						report("PANIC", i, fmt.Sprint(p))
					}
				}()
				err := v.Event(ev)
				if joined, ok := err.(interface{ Unwrap() []error }); ok {
					for _, e := range joined.Unwrap() {
						report("VIOLATION", i, e.Error())
					}
				} else if err != nil {
					report("VIOLATION", i, err.Error())
				}
			}()
		}
	}
}
"#;

/// Runs Go's validator over the `.test` files in `dir`: `(case name, (event, message))`.
fn go_validator(go: &Path, dir: &Path) -> Vec<(String, (u64, String))> {
    let goroot = toolchains::goroot(go).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let test_file = scratch.path().join("harness_validator_test.go");
    std::fs::write(&test_file, GO_VALIDATOR_TEST).unwrap();
    let target = goroot.join("src/internal/trace/harness_validator_test.go");
    let overlay = scratch.path().join("overlay.json");
    let replace = format!(
        "{{\"Replace\":{{{}:{}}}}}",
        json_string(&target),
        json_string(&test_file)
    );
    std::fs::write(&overlay, replace).unwrap();
    let out = toolchains::go_command(go)
        // The standard library is its own module; `-mod=mod` does not apply to it.
        .env("GOFLAGS", "")
        .env("HARNESS_TESTS", dir)
        .arg("test")
        .arg(format!("-overlay={}", overlay.display()))
        .args([
            "-v",
            "-count=1",
            "-run=^TestHarnessValidator$",
            "internal/trace",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "go test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("HARNESS "))
        .map(|line| {
            let mut parts = line.splitn(4, ' ');
            let (name, what, event, quoted) = (
                parts.next().unwrap(),
                parts.next().unwrap(),
                parts.next().unwrap(),
                parts.next().unwrap(),
            );
            let message = trace_harness::gostr::unquote(quoted.as_bytes()).unwrap();
            let message = String::from_utf8(message).unwrap();
            let message = match what {
                "VIOLATION" => message,
                "PANIC" => format!("panic: {message}"),
                "PARSE" => format!("parse error: {message}"),
                other => panic!("{name}: {other} {message}"),
            };
            (name.to_string(), (event.parse().unwrap(), message))
        })
        .collect()
}

/// A path as a JSON string (paths here hold no quotes or control characters).
fn json_string(path: &Path) -> String {
    format!("\"{}\"", path.display().to_string().replace('\\', "\\\\"))
}
