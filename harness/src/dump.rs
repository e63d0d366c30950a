//! Go's `trace.Event.String()`, byte for byte, for each Go release: the text that
//! `go tool trace -d=parsed` (Go 1.25+) and `-d=1` (Go 1.22, 1.23) print for each ordered
//! event, one `fmt.Println(ev.String())` per event.
//!
//! The meaning of each event (kind, transition, range, task, ...) comes from [`crate::api`],
//! Go's accessors; this module only lays it out as each release's `String()` does. The
//! [`api`] documentation says what the orderer must store in each event.
//!
//! # Where Go panics
//!
//! Go's `String()` panics instead of printing in these cases; [`try_write_event`] returns
//! Go's panic message and [`write_event`] prints one line starting with [`PANIC_MARKER`]:
//! - a string or stack id missing from the table (`mustGet`): Go validates the ids of wire
//!   events, but not CPU-sample stacks, nor STWEnd's kind string carried over from another
//!   generation, nor frame strings if a table is built by hand;
//! - no table (Go's nil `*evTable`) for an event that looks a string or stack up;
//! - an extra-string id the table never handed out (UserTaskEnd);
//! - a GoStatus, GoStatusStack or ProcStatus whose new wire status is 5 or more;
//! - an event type past the release's spec table (45 and up in Go 1.22, 137 and up later):
//!   `Event.Stack()` indexes the table;
//! - Go 1.25+: a Sync whose generation holds an experimental batch of an unknown experiment
//!   (id 2 and up).
//!
//! Output is bytes, not a `String`: Go writes function names, file names and string values
//! unquoted, so invalid UTF-8 in them reaches the output as it is in the trace.

use std::io::Write as _;
use std::rc::Rc;

use rustc_hash::FxHashMap as HashMap;

pub use crate::api::GoPanic;
use crate::api::{self, EventKind, ResourceId, Stack, StateTransition};
use crate::event::{EvTable, Event};
use crate::gostr::{quote_into, TextSink as _};
use crate::version::Toolchain;

/// Start of the line [`write_event`] prints where Go's `String()` would panic.
pub const PANIC_MARKER: &str = "#! go panic: ";

/// Appends what `fmt.Println(ev.String())` prints for `event` in Go release `profile`. Where
/// that release panics instead, appends `#! go panic: <message> (<the event's common
/// prefix>)` and a newline.
pub fn write_event(out: &mut Vec<u8>, event: &Event, profile: Toolchain) {
    if let Err(panic) = try_write_event(out, event, profile) {
        let _ = write!(out, "{PANIC_MARKER}{panic} (");
        write_prefix(out, event, api::kind(event, profile));
        out.push_str(")\n");
    }
}

/// Appends what `fmt.Println(ev.String())` prints for `event` in Go release `profile`, or
/// appends nothing and returns Go's panic where that release panics inside `String()`.
pub fn try_write_event(
    out: &mut Vec<u8>,
    event: &Event,
    profile: Toolchain,
) -> Result<(), GoPanic> {
    write_or_take_back(out, event, profile, None)
}

/// [`try_write_event`], with the stacks' text taken from `stacks` where it has it.
fn write_or_take_back(
    out: &mut Vec<u8>,
    event: &Event,
    profile: Toolchain,
    stacks: Option<&mut StackTexts>,
) -> Result<(), GoPanic> {
    let start = out.len();
    match write_string(out, event, profile, stacks) {
        Ok(()) => {
            out.push(b'\n');
            Ok(())
        }
        Err(panic) => {
            out.truncate(start);
            Err(panic)
        }
    }
}

/// Writes events one after another as [`try_write_event`] does, remembering the text of
/// each stack it prints for as long as events come from the same generation: a busy
/// trace prints the same few stacks on most of its events, and copying their text is
/// cheaper than looking up and laying out every frame again.
pub struct Dumper {
    profile: Toolchain,
    stacks: StackTexts,
}

impl Dumper {
    /// A writer of Go release `profile`'s text.
    pub fn new(profile: Toolchain) -> Dumper {
        Dumper {
            profile,
            stacks: StackTexts::default(),
        }
    }

    /// [`try_write_event`] for the next event.
    pub fn try_write_event(&mut self, out: &mut Vec<u8>, event: &Event) -> Result<(), GoPanic> {
        self.stacks.follow(event);
        write_or_take_back(out, event, self.profile, Some(&mut self.stacks))
    }
}

/// Longest stack text [`StackTexts`] keeps, and how much it keeps in all: enough for the
/// stacks of real programs, while a trace of huge stacks or names costs no more memory
/// than printing it does.
const STACK_TEXT_MAX: usize = 4 << 10;
const STACK_TEXTS_MAX: usize = 8 << 20;

/// The frames' text of stacks already printed, by stack id, for one generation's tables.
#[derive(Default)]
struct StackTexts {
    /// The tables the texts come from, held so that no other tables can take their
    /// address while the texts are kept.
    table: Option<Rc<EvTable>>,
    /// Stack id -> its text, a range of `text`.
    ranges: HashMap<u64, (usize, usize)>,
    text: Vec<u8>,
}

impl StackTexts {
    /// Forgets every text if `event` refers to other tables than the texts'.
    fn follow(&mut self, event: &Event) {
        let same = match (&self.table, &event.table) {
            (Some(kept), Some(table)) => Rc::ptr_eq(kept, table),
            _ => false,
        };
        if !same {
            self.table = event.table.clone();
            self.ranges.clear();
            self.text.clear();
        }
    }

    /// The text of stack `id`, if kept.
    fn get(&self, id: u64) -> Option<&[u8]> {
        let &(start, end) = self.ranges.get(&id)?;
        self.text.get(start..end)
    }

    /// Keeps `text` as stack `id`'s, if there is room.
    fn keep(&mut self, id: u64, text: &[u8]) {
        if self.table.is_none()
            || text.len() > STACK_TEXT_MAX
            || self.text.len() + text.len() > STACK_TEXTS_MAX
        {
            return;
        }
        let start = self.text.len();
        self.text.extend_from_slice(text);
        self.ranges.insert(id, (start, self.text.len()));
    }
}

fn write_prefix(out: &mut Vec<u8>, event: &Event, kind: EventKind) {
    let ctx = event.ctx;
    out.push_str("M=");
    push_i64(out, ctx.m);
    out.push_str(" P=");
    push_i64(out, ctx.p);
    out.push_str(" G=");
    push_i64(out, ctx.g);
    out.push(b' ');
    out.push_str(kind.name());
    out.push_str(" Time=");
    push_i64(out, event.time);
}

/// Appends `v` in decimal, as `{}` would, without the formatting machinery (every line
/// prints several numbers).
fn push_u64(out: &mut Vec<u8>, v: u64) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// Appends `v` in decimal, as `{}` would.
fn push_i64(out: &mut Vec<u8>, v: i64) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// Appends `v` as `{:#x}` would (`0x`, lowercase digits, no leading zeros): every stack
/// frame prints its PC, so this stays out of the formatting machinery.
fn push_hex(out: &mut Vec<u8>, v: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut buf = [0u8; 18];
    let mut at = buf.len();
    let mut rest = v;
    loop {
        at -= 1;
        buf[at] = DIGITS[(rest & 0xf) as usize];
        rest >>= 4;
        if rest == 0 {
            break;
        }
    }
    at -= 2;
    buf[at..at + 2].copy_from_slice(b"0x");
    out.extend_from_slice(&buf[at..]);
}

/// Appends a resource as its `Display` does (`Goroutine(7)`, `Proc(2)`, `None`).
fn push_resource(out: &mut Vec<u8>, resource: ResourceId) {
    let (name, id) = match resource {
        ResourceId::None => {
            out.push_str("None");
            return;
        }
        ResourceId::Goroutine(id) => ("Goroutine(", id),
        ResourceId::Proc(id) => ("Proc(", id),
        ResourceId::Thread(id) => ("Thread(", id),
    };
    out.push_str(name);
    push_i64(out, id);
    out.push(b')');
}

/// Go's `Event.String()`, without the newline `Println` adds.
fn write_string(
    out: &mut Vec<u8>,
    event: &Event,
    profile: Toolchain,
    mut stacks: Option<&mut StackTexts>,
) -> Result<(), GoPanic> {
    let kind = api::kind(event, profile);
    write_prefix(out, event, kind);
    match kind {
        EventKind::Bad | EventKind::StackSample => {}
        // Go 1.22 and 1.23 print nothing more for a Sync.
        EventKind::Sync if profile < Toolchain::Go1_25 => {}
        EventKind::Sync => write_sync(out, &api::sync(event, profile)?, profile),
        EventKind::Metric => {
            let metric = api::metric(event, profile)?;
            out.push_str(" Name=");
            quote_into(out, metric.name.as_bytes());
            out.push_str(" Value=");
            out.extend_from_slice(&metric.value.to_go_bytes(profile));
        }
        EventKind::Label => {
            let label = api::label(event, profile)?;
            out.push_str(" Label=");
            quote_into(out, label.label);
            out.push_str(" Resource=");
            push_resource(out, label.resource);
        }
        EventKind::RangeBegin | EventKind::RangeActive | EventKind::RangeEnd => {
            let range = api::range(event, profile)?;
            out.push_str(" Name=");
            quote_into(out, &range.name);
            out.push_str(" Scope=");
            push_resource(out, range.scope);
            if kind == EventKind::RangeEnd {
                out.push_str(" Attributes=[");
                for (i, attribute) in api::range_attributes(event, profile)?.iter().enumerate() {
                    out.push_str(if i == 0 { "" } else { " " });
                    quote_into(out, attribute.name.as_bytes());
                    out.push(b'=');
                    out.extend_from_slice(&attribute.value.to_go_bytes(profile));
                }
                out.push(b']');
            }
        }
        EventKind::TaskBegin | EventKind::TaskEnd => {
            let task = api::task(event, profile)?;
            let _ = write!(out, " ID={} Parent={} Type=", task.id, task.parent);
            quote_into(out, &task.type_name);
        }
        EventKind::RegionBegin | EventKind::RegionEnd => {
            let region = api::region(event, profile)?;
            let _ = write!(out, " Task={} Type=", region.task);
            quote_into(out, region.type_name);
        }
        EventKind::Log => {
            let log = api::log(event, profile)?;
            let _ = write!(out, " Task={} Category=", log.task);
            quote_into(out, log.category);
            out.push_str(" Message=");
            quote_into(out, log.message);
        }
        EventKind::StateTransition => {
            let transition = api::state_transition(event, profile)?;
            write_transition(out, &transition, profile, stacks.as_deref_mut())?;
        }
        EventKind::Experimental => {
            write_experimental(out, &api::experimental(event, profile)?, profile)?;
        }
    }
    let stack = api::stack(event, profile)?;
    if !stack.is_no_stack() {
        out.push_str("\nStack=\n");
        write_frames(out, &stack, stacks)?;
    }
    Ok(())
}

/// The frames of a stack, one `\t<func> @ 0x<pc>\n\t\t<file>:<line>\n` each; copied from
/// `stacks` if it has them, and kept there once written.
fn write_frames(
    out: &mut Vec<u8>,
    stack: &Stack<'_>,
    stacks: Option<&mut StackTexts>,
) -> Result<(), GoPanic> {
    let Some(stacks) = stacks.filter(|_| stack.id() != 0) else {
        return lay_out_frames(out, stack);
    };
    if let Some(text) = stacks.get(stack.id()) {
        out.extend_from_slice(text);
        return Ok(());
    }
    let start = out.len();
    lay_out_frames(out, stack)?;
    stacks.keep(stack.id(), &out[start..]);
    Ok(())
}

/// [`write_frames`] from the tables.
fn lay_out_frames(out: &mut Vec<u8>, stack: &Stack<'_>) -> Result<(), GoPanic> {
    for frame in stack.frames()? {
        out.push(b'\t');
        out.extend_from_slice(frame.func);
        out.push_str(" @ ");
        push_hex(out, frame.pc);
        out.push_str("\n\t\t");
        out.extend_from_slice(frame.file);
        out.push(b':');
        push_u64(out, frame.line);
        out.push(b'\n');
    }
    Ok(())
}

/// Go 1.25+: ` N=<n>`, then the clock snapshot if the generation has one; the wall time
/// is RFC 3339 in Go 1.25, with nanoseconds from Go 1.26.
fn write_sync(out: &mut Vec<u8>, sync: &api::Sync<'_>, profile: Toolchain) {
    let _ = write!(out, " N={}", sync.n);
    if let Some(clock) = &sync.clock_snapshot {
        let wall = if profile >= Toolchain::Go1_26 {
            clock.wall.rfc3339_nano()
        } else {
            clock.wall.rfc3339()
        };
        let _ = write!(
            out,
            " Trace={} Mono={} Wall={wall}",
            clock.trace, clock.mono
        );
    }
}

/// A transition: `Resource=… Reason=… GoID=… Old->New` up to Go 1.25, `GoID=… Old->New
/// Reason=…` from Go 1.26; then the transition stack, if any.
fn write_transition(
    out: &mut Vec<u8>,
    transition: &StateTransition<'_>,
    profile: Toolchain,
    stacks: Option<&mut StackTexts>,
) -> Result<(), GoPanic> {
    let (id_name, id) = match transition.resource {
        ResourceId::Goroutine(id) => ("GoID", id),
        ResourceId::Proc(id) => ("ProcID", id),
        // Transitions are only about goroutines and procs.
        ResourceId::None | ResourceId::Thread(_) => ("", 0),
    };
    let states = |out: &mut Vec<u8>| {
        out.push_str(id_name);
        out.push(b'=');
        push_i64(out, id);
        out.push(b' ');
        out.push_str(transition.old.name());
        out.push_str("->");
        out.push_str(transition.new.name());
    };
    if profile <= Toolchain::Go1_25 {
        out.push_str(" Resource=");
        push_resource(out, transition.resource);
        out.push_str(" Reason=");
        quote_into(out, transition.reason);
        out.push(b' ');
        states(out);
    } else {
        out.push(b' ');
        states(out);
        out.push_str(" Reason=");
        quote_into(out, transition.reason);
    }
    if !transition.stack.is_no_stack() {
        out.push_str("\nTransitionStack=\n");
        write_frames(out, &transition.stack, stacks)?;
    }
    Ok(())
}

/// Go 1.23: `Name=<n> ArgNames=[a b] Args=[1 2]`; Go 1.25+: `Name=<n> Args=[a=<value>, …]`.
fn write_experimental(
    out: &mut Vec<u8>,
    event: &api::ExperimentalEvent<'_>,
    profile: Toolchain,
) -> Result<(), GoPanic> {
    if profile == Toolchain::Go1_23 {
        let _ = write!(
            out,
            " Name={} ArgNames=[{}] Args=[",
            event.name,
            event.arg_names.join(" ")
        );
        for (i, value) in event.args.iter().enumerate() {
            let _ = write!(out, "{}{value}", if i == 0 { "" } else { " " });
        }
        out.push(b']');
        return Ok(());
    }
    let _ = write!(out, " Name={} Args=[", event.name);
    for (i, name) in event.arg_names.iter().enumerate() {
        let value = event.arg_value(i)?;
        let _ = write!(out, "{}{name}=", if i == 0 { "" } else { ", " });
        out.extend_from_slice(&value.to_go_bytes(profile));
    }
    out.push(b']');
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Expected lines are Go's own output (`go tool trace -d=1` or `-d=parsed`, `TZ=UTC`) for
    //! the corpus traces and for small crafted traces, unless a comment says otherwise.

    use std::rc::Rc;

    use super::*;
    use crate::event::{EvTable, EV_SYNC};
    use crate::generation::{ClockSnapshot, ExperimentalBatch, Frame, Generation};
    use crate::spec::{ev, MAX_ARGS};
    use crate::version::Version;
    use Toolchain::{Go1_22, Go1_23, Go1_25, Go1_26, Go1_27};

    /// The hand-written number and resource printers agree with `Display`.
    #[test]
    fn hex_and_resources_print_as_display_does() {
        for v in [0, 1, 0xf, 0x10, 0x4a_1b2c, u64::MAX, 1 << 63] {
            let mut out = Vec::new();
            push_hex(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), format!("{v:#x}"));
        }
        for r in [
            ResourceId::None,
            ResourceId::Goroutine(-1),
            ResourceId::Proc(i64::MAX),
            ResourceId::Thread(i64::MIN),
        ] {
            let mut out = Vec::new();
            push_resource(&mut out, r);
            assert_eq!(String::from_utf8(out).unwrap(), r.to_string());
        }
    }

    /// A generation's tables, filled the way the generation reader fills them.
    struct Tables {
        generation: Generation,
    }

    impl Tables {
        fn new() -> Tables {
            let mut generation = Generation::default();
            generation.ns_per_tick = 64.0;
            Tables { generation }
        }

        /// The id of `s`, added under the next free id if new ("" is id 0).
        fn string(&mut self, s: &str) -> u64 {
            if s.is_empty() {
                return 0;
            }
            let strings = &mut self.generation.strings;
            if let Some((&id, _)) = strings.iter().find(|(_, v)| v.as_slice() == s.as_bytes()) {
                return id;
            }
            let id = strings.len() as u64 + 1;
            strings.insert(id, s.as_bytes().to_vec());
            id
        }

        /// Adds stack `id` written as `(pc, func, file, line)` frames.
        fn stack(mut self, id: u64, frames: &[(u64, &str, &str, u64)]) -> Tables {
            let frames: Vec<Frame> = frames
                .iter()
                .map(|&(pc, func, file, line)| Frame {
                    pc,
                    func: self.string(func),
                    file: self.string(file),
                    line,
                })
                .collect();
            for frame in &frames {
                self.generation
                    .frames_by_pc
                    .entry(frame.pc)
                    .or_insert(*frame);
            }
            self.generation.stacks.insert(id, frames);
            self
        }

        fn build(self) -> Rc<EvTable> {
            Rc::new(EvTable::new(self.generation, Version::Go126))
        }
    }

    /// An event on thread `m`, proc `p` and goroutine `g`.
    fn event(
        (m, p, g): (i64, i64, i64),
        ty: u8,
        time: i64,
        args: &[u64],
        table: Option<&Rc<EvTable>>,
    ) -> Event {
        let mut all = [0; MAX_ARGS];
        all[..args.len()].copy_from_slice(args);
        Event {
            ctx: crate::event::SchedCtx { g, p, m },
            ty,
            time,
            args: all,
            table: table.cloned(),
        }
    }

    fn dump(event: &Event, profile: Toolchain) -> String {
        let mut out = Vec::new();
        write_event(&mut out, event, profile);
        String::from_utf8(out).expect("these tests print valid UTF-8")
    }

    fn panic_message(event: &Event, profile: Toolchain) -> String {
        let mut out = b"kept".to_vec();
        let panic = try_write_event(&mut out, event, profile).unwrap_err();
        assert_eq!(out, b"kept", "a panicking event appends nothing");
        panic.message
    }

    const NO_TASK: u64 = u64::MAX;
    /// Go's API states, as the orderer stores old states.
    const GO_UNDETERMINED: u64 = 0;
    const PROC_UNDETERMINED: u64 = 0;
    /// Wire statuses.
    const GO_STATUS_WAITING: u64 = 4;
    const PROC_STATUS_RUNNING: u64 = 1;
    const PROC_STATUS_SYSCALL: u64 = 3;
    const PROC_STATUS_ABANDONED: u64 = 4;

    #[test]
    fn go_create_prints_the_new_stack_then_the_creators() {
        let table = Tables::new()
            .stack(
                1,
                &[
                    (
                        0x456675,
                        "runtime.traceStartReadCPU",
                        "runtime/trace2cpu.go",
                        44,
                    ),
                    (0x454358, "runtime.StartTrace", "runtime/trace2.go", 258),
                ],
            )
            .stack(
                2,
                &[(
                    0x4566e0,
                    "runtime.traceStartReadCPU.func1",
                    "runtime/trace2cpu.go",
                    44,
                )],
            )
            .build();
        let e = event(
            (5555, 1, 1),
            ev::GO_CREATE,
            2796944997248,
            &[18, 2, 1],
            Some(&table),
        );
        let stacks = "\nTransitionStack=\n\
            \truntime.traceStartReadCPU.func1 @ 0x4566e0\n\t\truntime/trace2cpu.go:44\n\
            \nStack=\n\
            \truntime.traceStartReadCPU @ 0x456675\n\t\truntime/trace2cpu.go:44\n\
            \truntime.StartTrace @ 0x454358\n\t\truntime/trace2.go:258\n\n";
        let head = "M=5555 P=1 G=1 StateTransition Time=2796944997248";
        for profile in [Go1_22, Go1_23, Go1_25] {
            let line =
                format!("{head} Resource=Goroutine(18) Reason=\"\" GoID=18 NotExist->Runnable");
            assert_eq!(dump(&e, profile), line + stacks, "{profile}");
        }
        for profile in [Go1_26, Go1_27] {
            let line = format!("{head} GoID=18 NotExist->Runnable Reason=\"\"");
            assert_eq!(dump(&e, profile), line + stacks, "{profile}");
        }
    }

    /// Found by the differential_go fuzz target: Go prints function and file names with
    /// `%s`, so bytes that are not UTF-8 reach its output unchanged.
    #[test]
    fn names_print_as_their_raw_bytes() {
        let mut tables = Tables::new().stack(1, &[(0x10, "f", "a.go", 3)]);
        let strings = &mut tables.generation.strings;
        strings.insert(1, b"f\xc7g".to_vec());
        strings.insert(2, b"a\xffb.go".to_vec());
        let table = tables.build();
        let e = event((1, 0, 1), ev::GO_CREATE, 5, &[18, 1, 1], Some(&table));
        for profile in Toolchain::ALL {
            let mut out = Vec::new();
            write_event(&mut out, &e, profile);
            let frame: &[u8] = b"\tf\xc7g @ 0x10\n\t\ta\xffb.go:3\n";
            assert_eq!(out.windows(frame.len()).filter(|w| *w == frame).count(), 2);
        }
    }

    #[test]
    fn go_create_with_stack_zero_prints_an_empty_transition_stack() {
        let table = Tables::new()
            .stack(
                1,
                &[
                    (0x495164, "main.fn", "/a/b.go", 80),
                    (0xff, "ünïcode.fn", "", 0),
                ],
            )
            .build();
        let e = event((1, 0, 1), ev::GO_CREATE, 1152, &[7, 0, 1], Some(&table));
        assert_eq!(
            dump(&e, Go1_26),
            "M=1 P=0 G=1 StateTransition Time=1152 GoID=7 NotExist->Runnable Reason=\"\"\n\
             TransitionStack=\n\
             \n\
             Stack=\n\
             \tmain.fn @ 0x495164\n\t\t/a/b.go:80\n\
             \tünïcode.fn @ 0xff\n\t\t:0\n\n"
        );
        let blocked = event(
            (1, 0, 1),
            ev::GO_CREATE_BLOCKED,
            896,
            &[8, 0, 0],
            Some(&table),
        );
        assert_eq!(
            dump(&blocked, Go1_23),
            "M=1 P=0 G=1 StateTransition Time=896 Resource=Goroutine(8) Reason=\"\" \
             GoID=8 NotExist->Waiting\nTransitionStack=\n\n"
        );
    }

    #[test]
    fn go_stop_reason_and_stacks_move_in_go126() {
        let mut tables = Tables::new();
        let reason = tables.string("runtime.Gosched");
        let table = tables
            .stack(
                1,
                &[
                    (0x4498e7, "runtime.goschedIfBusy", "runtime/proc.go", 414),
                    (0x434884, "runtime.bgsweep", "runtime/mgcsweep.go", 303),
                ],
            )
            .build();
        let e = event(
            (10141, 0, 3),
            ev::GO_STOP,
            2835206716096,
            &[reason, 1],
            Some(&table),
        );
        let frames = "\truntime.goschedIfBusy @ 0x4498e7\n\t\truntime/proc.go:414\n\
                      \truntime.bgsweep @ 0x434884\n\t\truntime/mgcsweep.go:303\n";
        let stacks = format!("\nTransitionStack=\n{frames}\nStack=\n{frames}\n");
        assert_eq!(
            dump(&e, Go1_26),
            "M=10141 P=0 G=3 StateTransition Time=2835206716096 GoID=3 Running->Runnable \
             Reason=\"runtime.Gosched\""
                .to_owned()
                + &stacks
        );
        assert_eq!(
            dump(&e, Go1_25),
            "M=10141 P=0 G=3 StateTransition Time=2835206716096 Resource=Goroutine(3) \
             Reason=\"runtime.Gosched\" GoID=3 Running->Runnable"
                .to_owned()
                + &stacks
        );
    }

    #[test]
    fn frames_come_from_each_stack_in_go122_and_by_pc_later() {
        let table = Tables::new()
            .stack(
                1,
                &[
                    (0x495164, "main.fn", "/a/b.go", 80),
                    (0xff, "other.fn", "", 0),
                ],
            )
            .stack(
                2,
                &[
                    (0xff, "main.fn", "main.fn", 5),
                    (0x495164, "other.fn", "other.fn", 81),
                ],
            )
            .build();
        let e = event((1, 0, 1), ev::GO_CREATE, 896, &[7, 2, 0], Some(&table));
        assert_eq!(
            dump(&e, Go1_22),
            "M=1 P=0 G=1 StateTransition Time=896 Resource=Goroutine(7) Reason=\"\" GoID=7 \
             NotExist->Runnable\nTransitionStack=\n\
             \tmain.fn @ 0xff\n\t\tmain.fn:5\n\tother.fn @ 0x495164\n\t\tother.fn:81\n\n"
        );
        assert_eq!(
            dump(&e, Go1_26),
            "M=1 P=0 G=1 StateTransition Time=896 GoID=7 NotExist->Runnable Reason=\"\"\n\
             TransitionStack=\n\
             \tother.fn @ 0xff\n\t\t:0\n\tmain.fn @ 0x495164\n\t\t/a/b.go:80\n\n"
        );
    }

    #[test]
    fn go_status_stack_gets_a_transition_stack_in_go126() {
        let table = Tables::new()
            .stack(
                1,
                &[
                    (0x466f0d, "runtime.gopark", "runtime/proc.go", 424),
                    (0x4353b2, "runtime.goparkunlock", "runtime/proc.go", 430),
                ],
            )
            .build();
        let frames = "\truntime.gopark @ 0x466f0d\n\t\truntime/proc.go:424\n\
                      \truntime.goparkunlock @ 0x4353b2\n\t\truntime/proc.go:430\n";
        let head = "M=-1 P=-1 G=-1 StateTransition Time=2803103661056";
        // Go 1.22 and 1.23 keep the old state in the extra slot, 1.25+ pack it into gstatus.
        let unpacked = event(
            (-1, -1, -1),
            ev::GO_STATUS_STACK,
            2803103661056,
            &[2, u64::MAX, GO_STATUS_WAITING, 1, GO_UNDETERMINED],
            Some(&table),
        );
        let packed = event(
            (-1, -1, -1),
            ev::GO_STATUS_STACK,
            2803103661056,
            &[2, u64::MAX, GO_UNDETERMINED << 32 | GO_STATUS_WAITING, 1],
            Some(&table),
        );
        let old_line = format!(
            "{head} Resource=Goroutine(2) Reason=\"\" GoID=2 Undetermined->Waiting\nStack=\n{frames}\n"
        );
        assert_eq!(dump(&unpacked, Go1_23), old_line);
        assert_eq!(dump(&packed, Go1_25), old_line);
        for profile in [Go1_26, Go1_27] {
            assert_eq!(
                dump(&packed, profile),
                format!(
                    "{head} GoID=2 Undetermined->Waiting Reason=\"\"\n\
                     TransitionStack=\n{frames}\nStack=\n{frames}\n"
                )
            );
        }
        // GoStatusStack does not exist for Go 1.22: `Stack()` indexes past its spec table.
        assert_eq!(
            panic_message(&unpacked, Go1_22),
            "runtime error: index out of range [48] with length 45"
        );
    }

    #[test]
    fn go_status_zero_reads_as_undetermined() {
        let table = Tables::new().build();
        let e = event(
            (1, 0, 1),
            ev::GO_STATUS,
            896,
            &[9, u64::MAX, 0, GO_UNDETERMINED],
            Some(&table),
        );
        assert_eq!(
            dump(&e, Go1_22),
            "M=1 P=0 G=1 StateTransition Time=896 Resource=Goroutine(9) Reason=\"\" GoID=9 \
             Undetermined->Undetermined\n"
        );
        let packed = event(
            (1, 0, 1),
            ev::GO_STATUS,
            896,
            &[9, u64::MAX, 0],
            Some(&table),
        );
        assert_eq!(
            dump(&packed, Go1_26),
            "M=1 P=0 G=1 StateTransition Time=896 GoID=9 Undetermined->Undetermined Reason=\"\"\n"
        );
    }

    #[test]
    fn goroutine_transitions_without_their_own_stack() {
        let table = Tables::new()
            .stack(1, &[(0x495164, "main.fn", "/a/b.go", 80)])
            .build();
        let at = |ty, args: &[u64]| event((1, 0, 1), ty, 960, args, Some(&table));
        let cases = [
            (at(ev::GO_START, &[7, 1]), "GoID=7 Runnable->Running"),
            (at(ev::GO_DESTROY, &[]), "GoID=1 Running->NotExist"),
            (at(ev::GO_DESTROY_SYSCALL, &[]), "GoID=1 Syscall->NotExist"),
            (at(ev::GO_CREATE_SYSCALL, &[5]), "GoID=5 NotExist->Syscall"),
            (at(ev::GO_SYSCALL_BEGIN, &[1, 0]), "GoID=1 Running->Syscall"),
            (at(ev::GO_SYSCALL_END, &[]), "GoID=1 Syscall->Running"),
            (
                at(ev::GO_SYSCALL_END_BLOCKED, &[]),
                "GoID=1 Syscall->Runnable",
            ),
            (at(ev::GO_SWITCH, &[3, 1]), "GoID=3 Waiting->Runnable"),
            (
                at(ev::GO_SWITCH_DESTROY, &[3, 1]),
                "GoID=3 Waiting->Runnable",
            ),
        ];
        for (e, transition) in &cases {
            let (resource, _) = transition.split_once(' ').unwrap();
            let id = resource.trim_start_matches("GoID=");
            assert_eq!(
                dump(e, Go1_25),
                format!(
                    "M=1 P=0 G=1 StateTransition Time=960 Resource=Goroutine({id}) Reason=\"\" \
                     {transition}\n"
                )
            );
            assert_eq!(
                dump(e, Go1_26),
                format!("M=1 P=0 G=1 StateTransition Time=960 {transition} Reason=\"\"\n")
            );
        }
        // An unblock's stack is the unblocker's, printed as the event's stack only.
        let unblock = at(ev::GO_UNBLOCK, &[3, 1, 1]);
        assert_eq!(
            dump(&unblock, Go1_22),
            "M=1 P=0 G=1 StateTransition Time=960 Resource=Goroutine(3) Reason=\"\" GoID=3 \
             Waiting->Runnable\nStack=\n\tmain.fn @ 0x495164\n\t\t/a/b.go:80\n\n"
        );
    }

    #[test]
    fn proc_transitions() {
        let table = Tables::new().build();
        let status = event(
            (5555, -1, -1),
            ev::PROC_STATUS,
            2796944938112,
            &[1, PROC_STATUS_RUNNING, PROC_UNDETERMINED],
            Some(&table),
        );
        assert_eq!(
            dump(&status, Go1_22),
            "M=5555 P=-1 G=-1 StateTransition Time=2796944938112 Resource=Proc(1) Reason=\"\" \
             ProcID=1 Undetermined->Running\n"
        );
        // A steal past SyscallAbandoned shows the P idle before and after.
        let lost = event(
            (9388, -1, -1),
            ev::PROC_STEAL,
            2828302422016,
            &[1, 2, 7, PROC_STATUS_ABANDONED],
            Some(&table),
        );
        assert_eq!(
            dump(&lost, Go1_26),
            "M=9388 P=-1 G=-1 StateTransition Time=2828302422016 ProcID=1 Idle->Idle Reason=\"\"\n"
        );
        // The steal Go makes up for GoDestroySyscall.
        let own = event(
            (9393, 1, 17),
            ev::PROC_STEAL,
            2828302228672,
            &[1, 0, 0, PROC_STATUS_SYSCALL],
            Some(&table),
        );
        assert_eq!(
            dump(&own, Go1_26),
            "M=9393 P=1 G=17 StateTransition Time=2828302228672 ProcID=1 Running->Idle Reason=\"\"\n"
        );
        let start = event((1, -1, -1), ev::PROC_START, 5, &[3, 1], Some(&table));
        assert!(dump(&start, Go1_27).ends_with(" ProcID=3 Idle->Running Reason=\"\"\n"));
        let stop = event((1, 4, -1), ev::PROC_STOP, 5, &[], Some(&table));
        assert!(
            dump(&stop, Go1_23).ends_with(" Resource=Proc(4) Reason=\"\" ProcID=4 Running->Idle\n")
        );
        // An abandoned status reads as Idle, an out-of-range old state as Bad.
        let abandoned = event((1, -1, -1), ev::PROC_STATUS, 5, &[2, 4, 1], Some(&table));
        assert!(dump(&abandoned, Go1_27).ends_with(" ProcID=2 NotExist->Idle Reason=\"\"\n"));
        let odd = event((1, -1, -1), ev::PROC_STATUS, 5, &[2, 3, 9], Some(&table));
        assert!(dump(&odd, Go1_27).ends_with(" ProcID=2 Bad->Running Reason=\"\"\n"));
    }

    #[test]
    fn metric_values_are_wrapped_from_go125() {
        let table = Tables::new().build();
        let goal = |m, time| event((m, 1, 1), ev::HEAP_GOAL, time, &[4194304], Some(&table));
        assert_eq!(
            dump(&goal(5555, 2796944958400), Go1_22),
            "M=5555 P=1 G=1 Metric Time=2796944958400 Name=\"/gc/heap/goal:bytes\" Value=Uint64(4194304)\n"
        );
        assert_eq!(
            dump(&goal(9216, 2826617011328), Go1_26),
            "M=9216 P=1 G=1 Metric Time=2826617011328 Name=\"/gc/heap/goal:bytes\" \
             Value=Value{Uint64(4194304)}\n"
        );
        let alloc = event((1, 0, 1), ev::HEAP_ALLOC, 7, &[2573592], Some(&table));
        assert_eq!(
            dump(&alloc, Go1_23),
            "M=1 P=0 G=1 Metric Time=7 Name=\"/memory/classes/heap/objects:bytes\" Value=Uint64(2573592)\n"
        );
        let procs = event((1, 0, 1), ev::PROCS_CHANGE, 7, &[2, 0], Some(&table));
        assert_eq!(
            dump(&procs, Go1_25),
            "M=1 P=0 G=1 Metric Time=7 Name=\"/sched/gomaxprocs:threads\" Value=Value{Uint64(2)}\n"
        );
    }

    #[test]
    fn sync_suffix_per_release() {
        // go125-sync.test: one tick per nanosecond, wall clock 1740755049 s and 123 ns.
        let mut generation = Generation::default();
        generation.ns_per_tick = 1.0;
        generation.clock = Some(ClockSnapshot {
            ticks: 10,
            mono: 99,
            sec: 1740755049,
            nsec: 123,
        });
        // Batches of a known experiment change nothing.
        generation.experimental.push(ExperimentalBatch {
            exp: 1,
            m: 1,
            data: vec![1],
        });
        let table = Rc::new(EvTable::new(generation, Version::Go125));
        let first = event((-1, -1, -1), EV_SYNC, 9, &[1], Some(&table));
        let head = "M=-1 P=-1 G=-1 Sync Time=9";
        assert_eq!(dump(&first, Go1_22), format!("{head}\n"));
        assert_eq!(dump(&first, Go1_23), format!("{head}\n"));
        assert_eq!(
            dump(&first, Go1_25),
            format!("{head} N=1 Trace=10 Mono=99 Wall=2025-02-28T15:04:09Z\n")
        );
        for profile in [Go1_26, Go1_27] {
            assert_eq!(
                dump(&first, profile),
                format!("{head} N=1 Trace=10 Mono=99 Wall=2025-02-28T15:04:09.000000123Z\n")
            );
        }
        let last = event((-1, -1, -1), EV_SYNC, 83, &[4], None);
        assert_eq!(dump(&last, Go1_26), "M=-1 P=-1 G=-1 Sync Time=83 N=4\n");
        assert_eq!(dump(&last, Go1_22), "M=-1 P=-1 G=-1 Sync Time=83\n");
        // A trace before go 1.25 has no clock snapshot.
        let old = Tables::new().build();
        let sync = event((-1, -1, -1), EV_SYNC, 1, &[1], Some(&old));
        assert_eq!(dump(&sync, Go1_27), "M=-1 P=-1 G=-1 Sync Time=1 N=1\n");
    }

    #[test]
    fn sweep_ranges_and_the_active_scope_fix_in_go126() {
        let table = Tables::new().build();
        let end = event(
            (5945, 0, 11),
            ev::GC_SWEEP_END,
            2799921304640,
            &[3301376, 639296],
            Some(&table),
        );
        let head = "M=5945 P=0 G=11 RangeEnd Time=2799921304640 Name=\"GC incremental sweep\" Scope=Proc(0)";
        assert_eq!(
            dump(&end, Go1_22),
            format!("{head} Attributes=[\"bytes swept\"=Uint64(3301376) \"bytes reclaimed\"=Uint64(639296)]\n")
        );
        assert_eq!(
            dump(&end, Go1_25),
            format!(
                "{head} Attributes=[\"bytes swept\"=Value{{Uint64(3301376)}} \
                 \"bytes reclaimed\"=Value{{Uint64(639296)}}]\n"
            )
        );
        let active = event((1, 0, 1), ev::GC_SWEEP_ACTIVE, 960, &[5], Some(&table));
        let head = "M=1 P=0 G=1 RangeActive Time=960 Name=\"GC incremental sweep\"";
        for profile in [Go1_22, Go1_23, Go1_25] {
            assert_eq!(dump(&active, profile), format!("{head} Scope=Proc(0)\n"));
        }
        for profile in [Go1_26, Go1_27] {
            assert_eq!(dump(&active, profile), format!("{head} Scope=Proc(5)\n"));
        }
        let begin = event((1, 3, 1), ev::GC_SWEEP_BEGIN, 4, &[0], Some(&table));
        assert_eq!(
            dump(&begin, Go1_26),
            "M=1 P=3 G=1 RangeBegin Time=4 Name=\"GC incremental sweep\" Scope=Proc(3)\n"
        );
    }

    #[test]
    fn other_ranges() {
        let mut tables = Tables::new();
        let kind = tables.string("GC sweep termination");
        let table = tables.build();
        let stw_end = event(
            (10141, 0, 11),
            ev::STW_END,
            2835187559360,
            &[kind],
            Some(&table),
        );
        assert_eq!(
            dump(&stw_end, Go1_26),
            "M=10141 P=0 G=11 RangeEnd Time=2835187559360 \
             Name=\"stop-the-world (GC sweep termination)\" Scope=Goroutine(11) Attributes=[]\n"
        );
        let stw_begin = event((1, 0, 11), ev::STW_BEGIN, 1, &[kind, 0], Some(&table));
        assert_eq!(
            dump(&stw_begin, Go1_22),
            "M=1 P=0 G=11 RangeBegin Time=1 Name=\"stop-the-world (GC sweep termination)\" \
             Scope=Goroutine(11)\n"
        );
        let gc = event((1, 0, 1), ev::GC_ACTIVE, 1088, &[1], Some(&table));
        assert_eq!(
            dump(&gc, Go1_22),
            "M=1 P=0 G=1 RangeActive Time=1088 Name=\"GC concurrent mark phase\" Scope=None\n"
        );
        let gc_end = event((1, 0, 1), ev::GC_END, 2, &[1], Some(&table));
        assert_eq!(
            dump(&gc_end, Go1_25),
            "M=1 P=0 G=1 RangeEnd Time=2 Name=\"GC concurrent mark phase\" Scope=None Attributes=[]\n"
        );
        let assist = event(
            (1, 0, 1),
            ev::GC_MARK_ASSIST_ACTIVE,
            1024,
            &[8],
            Some(&table),
        );
        assert_eq!(
            dump(&assist, Go1_26),
            "M=1 P=0 G=1 RangeActive Time=1024 Name=\"GC mark assist\" Scope=Goroutine(8)\n"
        );
        let assist_end = event((1, 0, 6), ev::GC_MARK_ASSIST_END, 3, &[], Some(&table));
        assert_eq!(
            dump(&assist_end, Go1_23),
            "M=1 P=0 G=6 RangeEnd Time=3 Name=\"GC mark assist\" Scope=Goroutine(6) Attributes=[]\n"
        );
    }

    #[test]
    fn labels_quote_like_go() {
        let mut tables = Tables::new();
        let plain = tables.string("GC (fractional)");
        let odd = tables.generation.strings.len() as u64 + 1;
        tables
            .generation
            .strings
            .insert(odd, b"lab\"el\n\x00\xff\xc3\xa9\xe2\x80\xa8".to_vec());
        let table = tables.build();
        let label = event(
            (5945, 0, 6),
            ev::GO_LABEL,
            2799963142592,
            &[plain],
            Some(&table),
        );
        assert_eq!(
            dump(&label, Go1_22),
            "M=5945 P=0 G=6 Label Time=2799963142592 Label=\"GC (fractional)\" Resource=Goroutine(6)\n"
        );
        let quoted = event((1, 0, 1), ev::GO_LABEL, 1280, &[odd], Some(&table));
        assert_eq!(
            dump(&quoted, Go1_26),
            "M=1 P=0 G=1 Label Time=1280 Label=\"lab\\\"el\\n\\x00\\xffé\\u2028\" Resource=Goroutine(1)\n"
        );
    }

    #[test]
    fn tasks_regions_and_logs() {
        let mut tables = Tables::new();
        let root = tables.string("root");
        let phase = tables.string("phase");
        let start = tables.string("start");
        let message = tables.string("message without a category");
        let table = tables
            .stack(
                1,
                &[(
                    0x4962d4,
                    "main.main.func1",
                    "tracecorpus/annotations/main.go",
                    35,
                )],
            )
            .build();
        let stack =
            "\nStack=\n\tmain.main.func1 @ 0x4962d4\n\t\ttracecorpus/annotations/main.go:35\n\n";
        let begin = event(
            (5555, 1, 1),
            ev::USER_TASK_BEGIN,
            2796945020992,
            &[1, NO_TASK, root, 1],
            Some(&table),
        );
        assert_eq!(
            dump(&begin, Go1_22),
            "M=5555 P=1 G=1 TaskBegin Time=2796945020992 ID=1 Parent=18446744073709551615 \
             Type=\"root\""
                .to_owned()
                + stack
        );
        // The end's type comes from the extra strings, its parent from the extra slots.
        let grandchild = table.add_extra_string(b"grandchild");
        let end = event(
            (5557, 1, 25),
            ev::USER_TASK_END,
            2796949563200,
            &[6, 0, 3, grandchild],
            Some(&table),
        );
        assert_eq!(
            dump(&end, Go1_27),
            "M=5557 P=1 G=25 TaskEnd Time=2796949563200 ID=6 Parent=3 Type=\"grandchild\"\n"
        );
        let unknown = event(
            (1, 0, 1),
            ev::USER_TASK_END,
            1600,
            &[99, 0, NO_TASK, 0],
            Some(&table),
        );
        assert_eq!(
            dump(&unknown, Go1_26),
            "M=1 P=0 G=1 TaskEnd Time=1600 ID=99 Parent=18446744073709551615 Type=\"\"\n"
        );
        let log = event(
            (5555, 1, 1),
            ev::USER_LOG,
            2796945031168,
            &[1, phase, start, 0],
            Some(&table),
        );
        assert_eq!(
            dump(&log, Go1_22),
            "M=5555 P=1 G=1 Log Time=2796945031168 Task=1 Category=\"phase\" Message=\"start\"\n"
        );
        let bare = event(
            (9216, 1, 1),
            ev::USER_LOG,
            2826617106112,
            &[1, 0, message, 0],
            Some(&table),
        );
        assert_eq!(
            dump(&bare, Go1_26),
            "M=9216 P=1 G=1 Log Time=2826617106112 Task=1 Category=\"\" \
             Message=\"message without a category\"\n"
        );
        let region = event(
            (1, 0, 1),
            ev::USER_REGION_BEGIN,
            5,
            &[2, root, 1],
            Some(&table),
        );
        assert_eq!(
            dump(&region, Go1_25),
            "M=1 P=0 G=1 RegionBegin Time=5 Task=2 Type=\"root\"".to_owned() + stack
        );
        let region_end = event(
            (1, 0, 1),
            ev::USER_REGION_END,
            6,
            &[2, root, 0],
            Some(&table),
        );
        assert_eq!(
            dump(&region_end, Go1_23),
            "M=1 P=0 G=1 RegionEnd Time=6 Task=2 Type=\"root\"\n"
        );
    }

    #[test]
    fn cpu_samples_always_print_their_stack_block() {
        let table = Tables::new()
            .stack(
                3,
                &[
                    (
                        0x469de0,
                        "runtime.asyncPreempt",
                        "runtime/preempt_amd64.s",
                        8,
                    ),
                    (0x4b08aa, "main.mix", "tracecorpus/cpu-profile/main.go", 24),
                ],
            )
            .build();
        let sample = event(
            (5866, 1, 25),
            ev::CPU_SAMPLE,
            2799096842752,
            &[3],
            Some(&table),
        );
        let expected = "M=5866 P=1 G=25 StackSample Time=2799096842752\nStack=\n\
            \truntime.asyncPreempt @ 0x469de0\n\t\truntime/preempt_amd64.s:8\n\
            \tmain.mix @ 0x4b08aa\n\t\ttracecorpus/cpu-profile/main.go:24\n\n";
        for profile in Toolchain::ALL {
            assert_eq!(dump(&sample, profile), expected, "{profile}");
        }
        let no_stack = event((1, 0, 1), ev::CPU_SAMPLE, 961, &[0], Some(&table));
        assert_eq!(
            dump(&no_stack, Go1_25),
            "M=1 P=0 G=1 StackSample Time=961\nStack=\n\n"
        );
        // Go's handle without a table equals NoStack.
        let tableless = event((1, 0, 1), ev::CPU_SAMPLE, 961, &[0], None);
        assert_eq!(
            dump(&tableless, Go1_25),
            "M=1 P=0 G=1 StackSample Time=961\n"
        );
    }

    #[test]
    fn experimental_events_per_release() {
        let table = Tables::new().build();
        let span = |m, time, class| event((m, 0, 1), ev::SPAN, time, &[0, 1, class], Some(&table));
        assert_eq!(
            dump(&span(6343, 2802528330304, 14), Go1_23),
            "M=6343 P=0 G=1 Experimental Time=2802528330304 Name=Span \
             ArgNames=[id npages_value kindclass] Args=[0 1 14]\n"
        );
        for profile in [Go1_25, Go1_26, Go1_27] {
            assert_eq!(
                dump(&span(7516, 2810764936576, 64), profile),
                "M=7516 P=0 G=1 Experimental Time=2810764936576 Name=Span Args=[id=Value{Uint64(0)}, \
                 npages_value=Value{Uint64(1)}, kindclass=Value{Uint64(64)}]\n"
            );
        }
        let free = event(
            (1, 0, 1),
            ev::HEAP_OBJECT_FREE,
            1088,
            &[u64::MAX],
            Some(&table),
        );
        assert_eq!(
            dump(&free, Go1_26),
            "M=1 P=0 G=1 Experimental Time=1088 Name=HeapObjectFree \
             Args=[id=Value{Uint64(18446744073709551615)}]\n"
        );
        // Go 1.22 has no experimental kind, and its spec table stops at UserLog.
        assert_eq!(
            panic_message(&span(1, 1, 1), Go1_22),
            "runtime error: index out of range [128] with length 45"
        );
    }

    #[test]
    fn events_without_a_kind_print_bad() {
        let table = Tables::new().build();
        let frequency = event((1, 2, 3), ev::FREQUENCY, 4, &[], Some(&table));
        for profile in Toolchain::ALL {
            assert_eq!(dump(&frequency, profile), "M=1 P=2 G=3 Bad Time=4\n");
        }
        let switch = event((1, 2, 3), ev::GO_SWITCH, 4, &[5, 1], Some(&table));
        assert_eq!(
            dump(&switch, Go1_22),
            "#! go panic: runtime error: index out of range [45] with length 45 \
             (M=1 P=2 G=3 Bad Time=4)\n"
        );
        let unused = event((1, 2, 3), 200, 4, &[], Some(&table));
        assert_eq!(
            panic_message(&unused, Go1_27),
            "runtime error: index out of range [200] with length 137"
        );
    }

    #[test]
    fn go127_prints_what_go126_prints() {
        let mut tables = Tables::new();
        let reason = tables.string("chan receive");
        let table = tables.stack(1, &[(0x10, "f", "f.go", 1)]).build();
        let events = [
            event((1, 0, 1), ev::GO_BLOCK, 1, &[reason, 1], Some(&table)),
            event(
                (1, 0, 1),
                ev::PROC_STEAL,
                2,
                &[1, 1, 2, PROC_STATUS_ABANDONED],
                Some(&table),
            ),
            event(
                (1, 0, 1),
                ev::PROC_STATUS,
                3,
                &[1, PROC_STATUS_ABANDONED, 3],
                Some(&table),
            ),
            event(
                (1, 0, 1),
                ev::GO_STATUS_STACK,
                4,
                &[2, 1, 5 << 32 | 3, 1],
                Some(&table),
            ),
        ];
        for e in &events {
            assert_eq!(dump(e, Go1_27), dump(e, Go1_26));
        }
        assert!(dump(&events[3], Go1_27).contains(" GoID=2 Syscall->Syscall Reason=\"\"\n"));
    }

    #[test]
    fn go_panics_become_marked_lines() {
        let mut tables = Tables::new();
        let known = tables.string("known");
        let table = tables.build();
        let missing_string = event((1, 0, 1), ev::STW_END, 6592, &[7], Some(&table));
        assert_eq!(
            dump(&missing_string, Go1_26),
            "#! go panic: expected id 7 in string table (M=1 P=0 G=1 RangeEnd Time=6592)\n"
        );
        let missing_stack = event((1, 0, 1), ev::CPU_SAMPLE, 12, &[77], Some(&table));
        for profile in Toolchain::ALL {
            assert_eq!(
                panic_message(&missing_stack, profile),
                "expected id 77 in trace.stack table"
            );
        }
        let no_table = event((1, 0, 1), ev::GO_LABEL, 1, &[known], None);
        assert_eq!(
            panic_message(&no_table, Go1_23),
            "runtime error: invalid memory address or nil pointer dereference"
        );
        let bad_extra = event((1, 0, 1), ev::USER_TASK_END, 1, &[1, 0, 0, 3], Some(&table));
        assert_eq!(
            panic_message(&bad_extra, Go1_25),
            "runtime error: index out of range [2] with length 0"
        );
        // Without a table, extra string 0 is still "".
        let bare_end = event((1, 0, 1), ev::USER_TASK_END, 1, &[1, 0, NO_TASK, 0], None);
        assert!(dump(&bare_end, Go1_25).ends_with(" Type=\"\"\n"));
        let bad_status = event((1, 0, 1), ev::GO_STATUS, 1, &[1, 1, 5, 0], Some(&table));
        assert_eq!(
            panic_message(&bad_status, Go1_22),
            "runtime error: index out of range [5] with length 5"
        );
        let bad_packed = event(
            (1, 0, 1),
            ev::GO_STATUS,
            1,
            &[1, 1, 1 << 32 | 7],
            Some(&table),
        );
        assert_eq!(
            panic_message(&bad_packed, Go1_26),
            "runtime error: index out of range [7] with length 5"
        );
        let bad_proc = event((1, 0, 1), ev::PROC_STATUS, 1, &[1, 9, 0], Some(&table));
        assert_eq!(
            panic_message(&bad_proc, Go1_27),
            "runtime error: index out of range [9] with length 5"
        );
        let mut generation = Generation::default();
        generation.stacks.insert(
            1,
            vec![Frame {
                pc: 1,
                func: 42,
                file: 0,
                line: 0,
            }],
        );
        let dangling = Rc::new(EvTable::new(generation, Version::Go122));
        let create = event((1, 0, 1), ev::GO_CREATE, 1, &[2, 0, 1], Some(&dangling));
        assert_eq!(
            panic_message(&create, Go1_22),
            "expected id 42 in string table"
        );
    }

    #[test]
    fn unknown_experiments_make_go125_syncs_panic() {
        let mut generation = Generation::default();
        generation.experimental = [3, 2]
            .into_iter()
            .map(|exp| ExperimentalBatch {
                exp,
                m: 1,
                data: Vec::new(),
            })
            .collect();
        let table = Rc::new(EvTable::new(generation, Version::Go123));
        let sync = event((-1, -1, -1), EV_SYNC, 1, &[1], Some(&table));
        assert_eq!(dump(&sync, Go1_23), "M=-1 P=-1 G=-1 Sync Time=1\n");
        assert_eq!(
            dump(&sync, Go1_25),
            "#! go panic: runtime error: index out of range [2] with length 2 \
             (M=-1 P=-1 G=-1 Sync Time=1)\n"
        );
    }

    /// [`Dumper`], which keeps each stack's text for its generation, prints every
    /// committed trace under every release exactly as [`try_write_event`] does, Go's
    /// panics included.
    #[test]
    fn dumper_prints_what_each_event_alone_prints() {
        let mut compared = 0;
        for (path, bytes) in crate::test_corpus::traces() {
            for profile in Toolchain::ALL {
                let Ok(reader) = crate::order::EventReader::new(&bytes[..], profile) else {
                    continue;
                };
                let mut dumper = Dumper::new(profile);
                for event in reader.map_while(|e| e.ok()) {
                    let (mut alone, mut kept) = (Vec::new(), Vec::new());
                    let want = try_write_event(&mut alone, &event, profile);
                    let got = dumper.try_write_event(&mut kept, &event);
                    assert_eq!(got, want, "{path:?} {profile:?}");
                    assert_eq!(kept, alone, "{path:?} {profile:?}");
                    compared += 1;
                }
            }
        }
        assert!(compared > 10_000, "only {compared} events");
    }

    #[test]
    fn arbitrary_events_never_panic() {
        // xorshift64: a fixed, dependency-free stream of awkward values.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut tables = Tables::new();
        tables.string("s");
        let mut tables = tables.stack(1, &[(1, "f", "f.go", 1)]).stack(2, &[]);
        tables.generation.stacks.insert(
            3,
            vec![Frame {
                pc: 9,
                func: 99,
                file: 0,
                line: 0,
            }],
        );
        tables.generation.clock = Some(ClockSnapshot {
            ticks: 1,
            mono: 2,
            sec: u64::MAX,
            nsec: u64::MAX,
        });
        tables.generation.experimental.push(ExperimentalBatch {
            exp: 1,
            m: 0,
            data: Vec::new(),
        });
        let table = tables.build();
        table.add_extra_string(b"x");
        let mut out = Vec::new();
        for _ in 0..20_000 {
            let small = |v: u64| if v.is_multiple_of(3) { v } else { v % 6 };
            let args: Vec<u64> = (0..MAX_ARGS).map(|_| small(next())).collect();
            let with_table = next() % 4 != 0;
            let ty = (next() % 256) as u8;
            let ctx = (next() as i64, next() as i64 % 4, -1);
            let e = event(ctx, ty, next() as i64, &args, with_table.then_some(&table));
            for profile in Toolchain::ALL {
                out.clear();
                write_event(&mut out, &e, profile);
                assert!(out.ends_with(b"\n"));
            }
        }
    }
}
