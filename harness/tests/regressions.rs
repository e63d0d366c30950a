//! Every input that ever broke a property, from fuzzing or elsewhere, kept under
//! `corpus/regressions/<target>/<name>` and replayed through its fuzz target by a named
//! test that says what went wrong.

mod common;

use arbitrary::Unstructured;
use trace_harness::{properties, targets};

fn input(target: &str, name: &str) -> Vec<u8> {
    let path = common::repo_root()
        .join("corpus/regressions")
        .join(target)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Found by fuzzing the wire round trip. Go 1.22's spec names CPUSample's arguments
/// `time p g m stack` although the wire order is `time m p g stack`; the lossless text form
/// prints Go 1.22's names, and a `#! width m=N` directive was applied to the wire position
/// named `m` instead of the position the line prints as `m`, so the re-assembled bytes
/// differed. Directives now name arguments as the line spells them.
#[test]
fn cpusample_go122_width_names() {
    let wire = input("parse_never_panics", "cpusample-go122-width-names");
    properties::wire_round_trip(&wire).unwrap();
    let text = input("text_roundtrip", "cpusample-go122-width-names");
    properties::text_round_trip(&text).unwrap();
}

/// Found by the incremental_parse property on its first seeds. The generation reader
/// scanned the header from the first buffer fill, which holds only what one `read` of the
/// underlying reader returns; a reader handing out one byte at a time made every trace a
/// "bad header". The first fill now reads until the buffer is full or the input ends.
#[test]
fn header_split_across_reads() {
    let data = input("incremental_parse", "header-split-across-reads");
    targets::incremental_parse::run(&mut Unstructured::new(&data)).unwrap();
}

/// Found by differential_go on its first mutated seeds. Go reads a GoStatus or ProcStatus
/// event's status into a byte, so a status of 32767 is 255 to it, both in its "invalid
/// status" message and in deciding whether the status is valid at all (257 is status 1);
/// the reference used the whole number. The orderer now keeps statuses modulo 256 as Go
/// does.
#[test]
fn go_status_kept_in_a_byte() {
    let data = input("differential_go", "go-status-kept-in-a-byte");
    targets::find("differential_go")
        .unwrap()
        .check(&data)
        .unwrap();
}

/// Found by differential_go on mutated real traces. Go prints function and file names
/// with `%s`, so a name that is not UTF-8 reaches Go's output byte for byte; `dump` built
/// its lines in a `String` and wrote U+FFFD instead. Listings are bytes now.
#[test]
fn names_printed_as_raw_bytes() {
    let data = input("differential_go", "names-printed-as-raw-bytes");
    targets::find("differential_go")
        .unwrap()
        .check(&data)
        .unwrap();
}

/// Found by differential_go on spliced bytes: a go 1.22 trace whose first batch is a
/// frequency batch holding the event byte but not the frequency. Go's reader returns the
/// bare `io.EOF` of the missing number, and `go tool trace` (like every consumer) takes
/// `io.EOF` for the end of the trace: Go 1.22/1.23 print nothing, Go 1.25+ a final Sync,
/// and all exit 0. The reference reported the error; it now ends the trace as Go does
/// (`ErrorKind::is_go_end_of_trace`).
#[test]
fn missing_frequency_is_end_of_trace() {
    let data = input("differential_go", "missing-frequency-is-end-of-trace");
    targets::find("differential_go")
        .unwrap()
        .check(&data)
        .unwrap();
}

/// Every committed regression input has a named test above.
#[test]
fn every_regression_is_named() {
    let root = common::repo_root().join("corpus/regressions");
    let mut found = Vec::new();
    for target in std::fs::read_dir(&root).unwrap() {
        let target = target.unwrap().path();
        for file in std::fs::read_dir(&target).unwrap() {
            let name = file
                .unwrap()
                .file_name()
                .to_string_lossy()
                .replace('-', "_");
            found.push(name);
        }
    }
    found.sort();
    found.dedup();
    let this = include_str!("regressions.rs");
    for name in found {
        assert!(
            this.contains(&format!("fn {name}()")),
            "corpus/regressions: no test named {name}"
        );
    }
}

/// Found by invalid_is_rejected after minutes of fuzzing (go-start-of-running, go 1.23).
/// The generator wrote the steal of a P abandoned by GoDestroySyscall as a steal from no
/// thread (-1). Parsers accept that only once the destruction has marked the P abandoned;
/// the two events are on different threads and ordered by time alone, so when the
/// corruption held the destroying thread's batch back, Go and the reference both met the
/// steal first and reported "stole proc from non-existent thread -1" instead of the
/// stuck GoStart. The runtime names the thread that entered the syscall in such a steal;
/// the generator now does too, which parses in either order.
#[test]
fn steal_names_the_abandoning_thread() {
    let data = input("invalid_is_rejected", "steal-names-the-abandoning-thread");
    targets::find("invalid_is_rejected")
        .unwrap()
        .check(&data)
        .unwrap();
    targets::invalid_is_rejected::run_every_release(&mut Unstructured::new(&data)).unwrap();
}

/// Found by a differential_go campaign (go 1.23, after 43 minutes). Go's orderer reads a
/// ProcStatus or GoStatus status as a byte (32768 is status 0, valid), but the event keeps
/// the whole number and Event.StateTransition indexes its status table with it, so
/// printing the event panics with "index out of range [32768] with length 5" (before Go
/// 1.25 for GoStatus, where Go 1.25+ writes the byte back packed with the old state; in
/// every release for ProcStatus). The orderer wrote the byte back into the event, so the
/// reference printed a transition where Go panics. It now leaves the argument whole.
#[test]
fn status_indexed_whole_by_state_transition() {
    let data = input(
        "differential_go",
        "status-indexed-whole-by-state-transition",
    );
    targets::find("differential_go")
        .unwrap()
        .check(&data)
        .unwrap();
}

/// Found by a differential_go campaign (go 1.27, after 5 minutes). A generation whose
/// stack table Go keeps sparse (ids spread too far for its dense form) is walked in Go's
/// random map order when frames are checked, so with several stacks naming missing
/// strings Go reports a different one from run to run ("... for stack 12", "... for stack
/// 2"), while the reference always named the lowest. The reference still names the
/// lowest, and now lists every other bad stack's message as one Go may print instead;
/// the differential check and the conformance runner accept any of them.
#[test]
fn stack_table_walked_in_map_order() {
    use trace_harness::conform::{reference, Dialect};
    use trace_harness::version::Toolchain;
    let data = input("differential_go", "stack-table-walked-in-map-order");
    let case = targets::find("differential_go").unwrap();
    case.check(&data).unwrap();
    let trace = (case.traces)(&mut Unstructured::new(&data)).remove(0).1;
    let profile = Toolchain::Go1_27;
    let ours = reference::run(&trace, profile, false, Dialect::Go(profile));
    assert!(!ours.accepted);
    assert!(ours.message.ends_with("for stack 1"), "{:?}", ours.message);
    for other in ["for stack 2", "for stack 12"] {
        assert!(
            ours.messages_instead.iter().any(|m| m.ends_with(other)),
            "{other}: {:?}",
            ours.messages_instead
        );
    }
    let pattern = regex::Regex::new(&ours.message_pattern()).unwrap();
    assert!(pattern.is_match("found invalid func string ID 48 for stack 12"));
}
