//! Go's trace validator (`internal/trace/testtrace/validation.go`), which Go's own tests run
//! over every event its parser hands out: it checks what the parser does not (time order,
//! stack frames, Sync numbering and clocks, state machines as the API shows them, ranges,
//! tasks), and reports each problem with Go's message.
//!
//! `validation.go` is the same file in Go 1.25, 1.26 and 1.27; the releases still differ,
//! because the validator reads events through each release's API ([`crate::api`]):
//! - Go 1.26+ gives GoStatus and GoStatusStack their own stack as transition stack, so a bad
//!   frame in it is reported twice (event stack and transition stack), as for GoStop;
//! - before Go 1.26 a GCSweepActive is scoped to the current P instead of the P it names,
//!   so the range it opens may not be the one its GCSweepEnd closes.
//!
//! Checks that depend on the trace's version (Go's `Validator.GoVersion`, which Go's tests
//! set from the header): the Sync clock-snapshot checks run only for go 1.25+ traces, and
//! a thread-less `Undetermined->Syscall` is allowed only for traces older than go 1.22.
//!
//! Go 1.22 and 1.23's validator differs: it has no Sync checks (it only records that a
//! Sync was seen, and then rejects any Undetermined old state, where 1.25+ waits for the
//! second Sync); its timestamp message lacks `(want > T)`; its frame loop never advances
//! past frame 0, so no frame is ever checked (the frames are still resolved, which can
//! panic); and its leniency for thread-less syscalls hangs on a `Go121` flag that its tests
//! set only for old-format traces, which this parser does not read, so it never applies.
//!
//! Where Go's validator itself would panic (an accessor panics on an event the parser let
//! through, or a clock check reads a missing previous snapshot), the event gets one
//! [`Check::GoPanic`] violation with Go's panic message, and validation goes on.

use rustc_hash::FxHashMap as HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::io::Read;

use crate::api::{self, EventKind, GoPanic, ResourceId, Stack, State, StateTransition};
use crate::error::{Error, ErrorKind, Result};
use crate::event::{Event, NONE};
use crate::gostr::quote_into;
use crate::order::EventReader;
use crate::version::{Toolchain, Version};

/// Which of Go's checks a violation comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Check {
    /// Event times must strictly increase.
    Timestamp,
    /// Stack frames after the first must be complete.
    StackFrame,
    /// Sync numbering and clock snapshots.
    Sync,
    /// Metric names and values.
    Metric,
    /// Labels and what they are attached to.
    Label,
    /// Goroutine and proc state machines, and their threads.
    StateTransition,
    /// Ranges begun, continued and ended.
    Range,
    /// Task ids and types.
    Task,
    /// Go's validator would panic on this event.
    GoPanic,
}

/// One problem Go's validator reports, with where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Index of the event in the ordered stream, from 0.
    pub event: u64,
    /// The event's time.
    pub time: i64,
    /// Which check failed.
    pub check: Check,
    /// Go's message (for [`Check::GoPanic`]: Go's panic message).
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "event {} (time {}): ", self.event, self.time)?;
        if self.check == Check::GoPanic {
            f.write_str("panic: ")?;
        }
        f.write_str(&self.message)
    }
}

/// A goroutine's or proc's state as the validator tracks it, and the thread it runs on.
#[derive(Clone, Copy, Debug)]
struct Tracked {
    state: State,
    /// The thread whose context it is bound to while executing.
    binding: Option<i64>,
}

/// What one thread runs (Go's `schedContext`).
#[derive(Clone, Copy, Debug)]
struct SchedContext {
    m: i64,
    p: i64,
    g: i64,
}

impl SchedContext {
    /// The slot of the context that holds a resource of this kind.
    fn slot(&mut self, goroutine: bool) -> &mut i64 {
        if goroutine {
            &mut self.g
        } else {
            &mut self.p
        }
    }
}

/// Go's `testtrace.Validator`, fed one ordered event at a time.
#[derive(Debug)]
pub struct Validator {
    profile: Toolchain,
    go_version: Version,
    skip_clock_snapshot_checks: bool,
    /// Index of the next event.
    next_event: u64,
    last_ts: i64,
    goroutines: HashMap<i64, Tracked>,
    procs: HashMap<i64, Tracked>,
    threads: HashMap<i64, SchedContext>,
    /// Active range names per scope; a name may appear twice (Go appends on a repeated Begin).
    ranges: HashMap<ResourceId, Vec<Vec<u8>>>,
    /// Type of every task begun and not yet ended.
    tasks: HashMap<u64, Vec<u8>>,
    /// N of the last Sync (0 before the first).
    last_sync_n: i64,
    last_sync_clock: Option<api::ClockSnapshot>,
    /// Go 1.22/1.23: whether any Sync has been seen.
    seen_sync: bool,
}

/// Go's `errAccumulator`: what the checks found on one event, in Go's order.
struct Found {
    messages: Vec<(Check, String)>,
}

impl Found {
    fn add(&mut self, check: Check, message: String) {
        self.messages.push((check, message));
    }
}

impl Validator {
    /// A validator with the checks of Go release `profile`, for a trace whose header says
    /// `go_version`.
    pub fn new(profile: Toolchain, go_version: Version) -> Result<Validator> {
        Ok(Validator {
            seen_sync: false,
            profile,
            go_version,
            skip_clock_snapshot_checks: false,
            next_event: 0,
            last_ts: 0,
            goroutines: HashMap::default(),
            procs: HashMap::default(),
            threads: HashMap::default(),
            ranges: HashMap::default(),
            tasks: HashMap::default(),
            last_sync_n: 0,
            last_sync_clock: None,
        })
    }

    /// Skips the checks that clock snapshots increase, as Go's tests do on Windows and
    /// wasm, whose clocks are too coarse.
    pub fn skip_clock_snapshot_checks(&mut self) {
        self.skip_clock_snapshot_checks = true;
    }

    /// How many events have been validated.
    pub fn events_seen(&self) -> u64 {
        self.next_event
    }

    /// Validates the next event of the stream: every violation Go's `Validator.Event`
    /// reports for it, in Go's order.
    pub fn event(&mut self, event: &Event) -> Result<(), Vec<Violation>> {
        let index = self.next_event;
        self.next_event += 1;
        let mut found = Found {
            messages: Vec::new(),
        };
        if let Err(panic) = self.check(&mut found, event) {
            found.add(Check::GoPanic, panic.message);
        }
        if found.messages.is_empty() {
            return Ok(());
        }
        Err(found
            .messages
            .into_iter()
            .map(|(check, message)| Violation {
                event: index,
                time: event.time,
                check,
                message,
            })
            .collect())
    }

    fn check(&mut self, found: &mut Found, event: &Event) -> Result<(), GoPanic> {
        let profile = self.profile;
        // The first event only sets the last time; an out-of-order one does not move it.
        if self.last_ts != 0 && event.time <= self.last_ts {
            let message = if profile < Toolchain::Go1_25 {
                format!(
                    "timestamp out-of-order for {}",
                    event_string(event, profile)
                )
            } else {
                format!(
                    "timestamp out-of-order (want > {}) for {}",
                    self.last_ts,
                    event_string(event, profile)
                )
            };
            found.add(Check::Timestamp, message);
        } else {
            self.last_ts = event.time;
        }
        let event_stack = api::stack(event, profile)?;
        check_stack(found, &event_stack, profile)?;
        match api::kind(event, profile) {
            EventKind::Sync => self.sync(found, event)?,
            EventKind::Metric => {
                let metric = api::metric(event, profile)?;
                if !metric.name.contains(':') {
                    // Should have a ":" as per the runtime/metrics convention.
                    let mut message = String::from("invalid metric name ");
                    quote_into(&mut message, metric.name.as_bytes());
                    found.add(Check::Metric, message);
                }
                if metric.value == api::Value::Bad {
                    found.add(Check::Metric, "invalid value".into());
                }
            }
            EventKind::Label => self.label(found, event)?,
            EventKind::StateTransition => {
                let transition = api::state_transition(event, profile)?;
                check_stack(found, &transition.stack, profile)?;
                self.transition(found, event, &transition, &event_stack);
            }
            EventKind::RangeBegin | EventKind::RangeActive | EventKind::RangeEnd => {
                self.range(found, event)?;
            }
            EventKind::TaskBegin => {
                let task = api::task(event, profile)?;
                let type_name = String::from_utf8_lossy(&task.type_name);
                if task.id == api::NO_TASK || task.id == api::BACKGROUND_TASK {
                    // The background task never has events of its own.
                    found.add(
                        Check::Task,
                        format!("found invalid task ID for task of type {type_name}"),
                    );
                }
                if task.parent == api::BACKGROUND_TASK {
                    found.add(
                        Check::Task,
                        format!("found background task as the parent for task of type {type_name}"),
                    );
                }
                // An empty type is valid.
                self.tasks.insert(task.id, task.type_name.into_owned());
            }
            EventKind::TaskEnd => {
                // A task may end without a begin in the trace; only a known one is checked.
                let task = api::task(event, profile)?;
                if let Some(begun) = self.tasks.remove(&task.id) {
                    if *task.type_name != *begun {
                        let mut message = String::from("task end type ");
                        quote_into(&mut message, &task.type_name);
                        message.push_str(" doesn't match task start type ");
                        quote_into(&mut message, &begun);
                        message.push_str(&format!(" for task {}", task.id));
                        found.add(Check::Task, message);
                    }
                }
            }
            // Go only makes sure the log can be read.
            EventKind::Log => {
                api::log(event, profile)?;
            }
            EventKind::Bad
            | EventKind::StackSample
            | EventKind::RegionBegin
            | EventKind::RegionEnd
            | EventKind::Experimental => {}
        }
        Ok(())
    }

    fn sync(&mut self, found: &mut Found, event: &Event) -> Result<(), GoPanic> {
        if self.profile < Toolchain::Go1_25 {
            self.seen_sync = true;
            return Ok(());
        }
        let sync = api::sync(event, self.profile)?;
        let n = sync.n;
        if n != self.last_sync_n.wrapping_add(1) {
            let message = format!(
                "sync count is not sequential: expected {}, got {n}",
                self.last_sync_n.wrapping_add(1)
            );
            found.add(Check::Sync, message);
        }
        // The reader's final Sync has no clock snapshot, so snapshots are required only of
        // the first Sync and of those that have one.
        let clock = sync.clock_snapshot;
        if self.go_version >= Version::Go125 && !(n > 1 && clock.is_none()) {
            match clock {
                None => found.add(Check::Sync, format!("sync {n} has no clock snapshot")),
                Some(clock) => self.sync_clock(found, n, &clock)?,
            }
        }
        self.last_sync_n = n;
        self.last_sync_clock = clock;
        Ok(())
    }

    fn sync_clock(
        &self,
        found: &mut Found,
        n: i64,
        clock: &api::ClockSnapshot,
    ) -> Result<(), GoPanic> {
        if clock.wall.is_zero() {
            found.add(Check::Sync, format!("sync {n} has zero wall time"));
        }
        if clock.mono == 0 {
            found.add(Check::Sync, format!("sync {n} has zero mono time"));
        }
        if clock.trace == 0 {
            found.add(Check::Sync, format!("sync {n} has zero trace time"));
        }
        if self.skip_clock_snapshot_checks || n < 2 {
            return Ok(());
        }
        // Go dereferences the previous snapshot without looking.
        let last = self.last_sync_clock.ok_or_else(GoPanic::nil_table)?;
        if !clock.wall.after(last.wall) {
            let message = format!(
                "sync {n} has non-increasing wall time: {} vs {}",
                clock.wall, last.wall
            );
            found.add(Check::Sync, message);
        }
        if clock.mono <= last.mono {
            let message = format!(
                "sync {n} has non-increasing mono time: {} vs {}",
                clock.mono, last.mono
            );
            found.add(Check::Sync, message);
        }
        if clock.trace <= last.trace {
            let message = format!(
                "sync {n} has non-increasing trace time: {} vs {}",
                clock.trace, last.trace
            );
            found.add(Check::Sync, message);
        }
        Ok(())
    }

    fn label(&mut self, found: &mut Found, event: &Event) -> Result<(), GoPanic> {
        let label = api::label(event, self.profile)?;
        if label.label.is_empty() {
            found.add(Check::Label, "invalid label \"\"".into());
        }
        let (noun, id, known) = match label.resource {
            ResourceId::None => {
                found.add(Check::Label, "label resource none".into());
                return Ok(());
            }
            ResourceId::Goroutine(id) => ("goroutine", id, self.goroutines.contains_key(&id)),
            ResourceId::Proc(id) => ("proc", id, self.procs.contains_key(&id)),
            ResourceId::Thread(id) => ("thread", id, self.threads.contains_key(&id)),
        };
        if !known {
            found.add(Check::Label, format!("label for invalid {noun} {id}"));
        }
        Ok(())
    }

    fn range(&mut self, found: &mut Found, event: &Event) -> Result<(), GoPanic> {
        let range = api::range(event, self.profile)?;
        let active = self.ranges.entry(range.scope).or_default();
        let position = active.iter().position(|name| **name == *range.name);
        let quoted_name = || {
            let mut quoted = String::new();
            quote_into(&mut quoted, &range.name);
            quoted
        };
        match api::kind(event, self.profile) {
            EventKind::RangeBegin => {
                if position.is_some() {
                    let message = format!(
                        "already active range {} on {} begun again",
                        quoted_name(),
                        range.scope
                    );
                    found.add(Check::Range, message);
                }
                active.push(range.name.to_vec());
            }
            EventKind::RangeActive => {
                if position.is_none() {
                    active.push(range.name.to_vec());
                }
            }
            _ => match position {
                Some(i) => {
                    active.remove(i);
                }
                None => {
                    let message =
                        format!("inactive range {} on {} ended", quoted_name(), range.scope);
                    found.add(Check::Range, message);
                }
            },
        }
        Ok(())
    }

    fn has_any_range(&self, resource: ResourceId) -> bool {
        self.ranges.get(&resource).is_some_and(|r| !r.is_empty())
    }

    /// Go checks goroutines and procs alike; only the wording, the stack check (goroutines
    /// only) and the thread named when stopping differ.
    fn transition(
        &mut self,
        found: &mut Found,
        event: &Event,
        transition: &StateTransition<'_>,
        event_stack: &Stack<'_>,
    ) {
        let (goroutine, id) = match transition.resource {
            ResourceId::Goroutine(id) => (true, id),
            ResourceId::Proc(id) => (false, id),
            ResourceId::None | ResourceId::Thread(_) => return,
        };
        let noun = if goroutine { "goroutine" } else { "proc" };
        let mut add = |message: String| found.add(Check::StateTransition, message);
        let (old, new) = (transition.old, transition.new);
        if new.is_undetermined() {
            add(format!("transition to undetermined state for {noun} {id}"));
        }
        let past_first_sync = if self.profile < Toolchain::Go1_25 {
            self.seen_sync
        } else {
            self.last_sync_n > 1
        };
        if past_first_sync && old.is_undetermined() {
            add(format!("undetermined {noun} {id} after first global sync"));
        }
        if new.is_not_exist() && self.has_any_range(transition.resource) {
            add(format!("{noun} {id} died with active ranges"));
        }
        let tracked = if goroutine {
            &mut self.goroutines
        } else {
            &mut self.procs
        };
        let mut binding = match tracked.entry(id) {
            Entry::Occupied(entry) => {
                let known = entry.into_mut();
                if old != known.state {
                    add(format!(
                        "bad old state for {noun} {id}: got {old}, want {}",
                        known.state
                    ));
                }
                known.state = new;
                known.binding
            }
            Entry::Vacant(entry) => {
                if !old.is_undetermined() && !old.is_not_exist() {
                    add(format!("bad old state for unregistered {noun} {id}: {old}"));
                }
                entry.insert(Tracked {
                    state: new,
                    binding: None,
                });
                None
            }
        };
        let thread = event.ctx.m;
        if new.executing() {
            if let Some(m) = self.thread_context(&mut add, thread, transition) {
                let context = self.threads.entry(m).or_insert(SchedContext {
                    m,
                    p: NONE,
                    g: NONE,
                });
                let slot = context.slot(goroutine);
                if *slot != NONE && *slot != id {
                    add(format!(
                        "tried to run {noun} {id} when one was already executing ({slot}) on thread {thread}"
                    ));
                }
                *slot = id;
                binding = Some(m);
            }
        } else if old.executing() {
            // The transition happens to the goroutine that runs the event, so both stacks
            // are the same.
            if goroutine && transition.stack != *event_stack {
                add("StateTransition.Stack doesn't match Event.Stack".into());
            }
            match binding.and_then(|m| self.threads.get_mut(&m)) {
                Some(context) => {
                    // Go names the event's thread for goroutines, the bound one for procs.
                    let named = if goroutine { thread } else { context.m };
                    let slot = context.slot(goroutine);
                    if *slot != id {
                        add(format!(
                            "tried to stop {noun} {id} when it wasn't currently executing (currently executing {slot}) on thread {named}"
                        ));
                    }
                    *slot = NONE;
                    binding = None;
                }
                None => add(format!(
                    "stopping {noun} {id} not bound to any active context"
                )),
            }
        }
        let tracked = if goroutine {
            &mut self.goroutines
        } else {
            &mut self.procs
        };
        if let Some(known) = tracked.get_mut(&id) {
            known.binding = binding;
        }
    }

    /// Go's `getOrCreateThread`: the thread an executing resource binds to. A transition
    /// without a thread is an error, except a goroutine's `Undetermined->Syscall` in a trace
    /// older than go 1.22, whose format has no thread there.
    fn thread_context(
        &self,
        add: &mut impl FnMut(String),
        thread: i64,
        transition: &StateTransition<'_>,
    ) -> Option<i64> {
        let lenient = self.go_version < Version::Go122
            && transition.goroutine() == Some((api::GoState::Undetermined, api::GoState::Syscall));
        if thread == NONE && !lenient {
            add("must have thread, but thread ID is none".into());
            return None;
        }
        Some(thread)
    }
}

/// Go's `checkStack`: every frame after the first must have a function, a file, a PC and a
/// line (a first frame of zeros is allowed).
fn check_stack(found: &mut Found, stack: &Stack<'_>, profile: Toolchain) -> Result<(), GoPanic> {
    let frames = stack.frames()?;
    if profile < Toolchain::Go1_25 {
        // Go 1.22/1.23's loop never moves past the first frame, which it always allows.
        return Ok(());
    }
    for frame in frames.iter().skip(1) {
        if frame.func.is_empty() || frame.file.is_empty() || frame.pc == 0 || frame.line == 0 {
            // Go's `%#v` of the frame.
            let mut message = format!(
                "invalid stack frame trace.StackFrame{{PC:{:#x}, Func:",
                frame.pc
            );
            quote_into(&mut message, frame.func);
            message.push_str(", File:");
            quote_into(&mut message, frame.file);
            message.push_str(&format!(", Line:{:#x}}}: missing information", frame.line));
            found.add(Check::StackFrame, message);
        }
    }
    Ok(())
}

/// Go's `%+v` of an event: its `String()`, or fmt's note of the panic inside it.
fn event_string(event: &Event, profile: Toolchain) -> String {
    let mut text = Vec::new();
    match crate::dump::try_write_event(&mut text, event, profile) {
        Ok(()) => {
            text.pop();
            // A message is text; Go's raw bytes in names print as U+FFFD here.
            String::from_utf8_lossy(&text).into_owned()
        }
        Err(panic) => format!("%!v(PANIC=String method: {panic})"),
    }
}

/// What checking a whole trace found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// How many events the parser handed out.
    pub events: u64,
    /// Every violation, in stream order.
    pub violations: Vec<Violation>,
    /// The parser's error, if it stopped early.
    pub error: Option<Error>,
}

impl Report {
    /// Whether the trace parsed and validated cleanly.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty() && self.error.is_none()
    }
}

/// Parses a whole trace as Go release `profile` does and validates every event, as Go's
/// `TestReaderGolden` does (the validator's version is the header's). Fails only for a
/// profile that cannot be checked yet; a rejected trace is a [`Report::error`].
pub fn check_trace<R: Read>(input: R, profile: Toolchain) -> Result<Report> {
    let unsupported = |e: &Error| matches!(e.kind, ErrorKind::UnsupportedProfile(_));
    let mut report = Report::default();
    let events = match EventReader::new(input, profile) {
        Err(e) if unsupported(&e) => return Err(e),
        Err(e) => {
            // The profile must be checkable even when the header is not readable.
            Validator::new(profile, Version::Go126)?;
            report.error = Some(e);
            return Ok(report);
        }
        Ok(events) => events,
    };
    let mut validator = Validator::new(profile, events.version())?;
    for event in events {
        match event {
            Ok(event) => {
                report.events += 1;
                if let Err(found) = validator.event(&event) {
                    report.violations.extend(found);
                }
            }
            Err(e) => {
                report.error = Some(e);
                break;
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::event::{EvTable, SchedCtx, EV_SYNC};
    use crate::generation::{ClockSnapshot, Frame, Generation};
    use crate::spec::{ev, MAX_ARGS};

    fn event(ctx: (i64, i64, i64), ty: u8, time: i64, args: &[u64], table: &Rc<EvTable>) -> Event {
        let mut all = [0; MAX_ARGS];
        all[..args.len()].copy_from_slice(args);
        Event {
            ctx: SchedCtx {
                m: ctx.0,
                p: ctx.1,
                g: ctx.2,
            },
            ty,
            time,
            args: all,
            table: Some(table.clone()),
        }
    }

    fn messages(validator: &mut Validator, e: &Event) -> Vec<String> {
        match validator.event(e) {
            Ok(()) => Vec::new(),
            Err(found) => found.into_iter().map(|v| v.message).collect(),
        }
    }

    fn table() -> Rc<EvTable> {
        let mut generation = Generation::default();
        generation.ns_per_tick = 1.0;
        generation.strings.insert(1, b"main.f".to_vec());
        generation.strings.insert(2, b"f.go".to_vec());
        generation.clock = Some(ClockSnapshot {
            ticks: 5,
            mono: 6,
            sec: 7,
            nsec: 8,
        });
        let frame = |pc, func, file, line| Frame {
            pc,
            func,
            file,
            line,
        };
        let frames = vec![frame(0, 0, 0, 0), frame(0x20, 1, 0, 3)];
        for f in &frames {
            generation.frames_by_pc.entry(f.pc).or_insert(*f);
        }
        generation.stacks.insert(1, frames);
        Rc::new(EvTable::new(generation, Version::Go126))
    }

    #[test]
    fn old_profiles_word_time_errors_without_the_bound() {
        let table = table();
        let mut v = Validator::new(Toolchain::Go1_23, Version::Go123).unwrap();
        let goal = |time| event((1, 0, 1), ev::HEAP_GOAL, time, &[4], &table);
        assert!(messages(&mut v, &goal(10)).is_empty());
        let found = messages(&mut v, &goal(10));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("timestamp out-of-order for M=1 P=0 G=1 Metric"),
            "{found:?}"
        );
    }

    #[test]
    fn time_must_increase_and_the_message_holds_the_event() {
        let table = table();
        let mut v = Validator::new(Toolchain::Go1_27, Version::Go126).unwrap();
        let goal = |time| event((1, 0, 1), ev::HEAP_GOAL, time, &[4], &table);
        assert!(messages(&mut v, &goal(10)).is_empty());
        assert_eq!(
            messages(&mut v, &goal(10)),
            [
                "timestamp out-of-order (want > 10) for M=1 P=0 G=1 Metric Time=10 \
              Name=\"/gc/heap/goal:bytes\" Value=Value{Uint64(4)}"
            ]
        );
        // A String() that panics shows as fmt shows it.
        let bad = event((1, 0, 1), ev::GO_LABEL, 9, &[77], &table);
        assert_eq!(
            v.event(&bad).unwrap_err()[0].message,
            "timestamp out-of-order (want > 10) for \
             %!v(PANIC=String method: expected id 77 in string table)"
        );
        assert_eq!(v.events_seen(), 3);
    }

    #[test]
    fn incomplete_frames_after_the_first_are_reported_per_stack() {
        let table = table();
        let mut v = Validator::new(Toolchain::Go1_27, Version::Go126).unwrap();
        let sample = event((1, 0, 1), ev::CPU_SAMPLE, 1, &[1], &table);
        let expected = "invalid stack frame trace.StackFrame{PC:0x20, Func:\"main.f\", \
                        File:\"\", Line:0x3}: missing information";
        assert_eq!(messages(&mut v, &sample), [expected]);
        let missing = event((1, 0, 1), ev::CPU_SAMPLE, 2, &[9], &table);
        let found = v.event(&missing).unwrap_err();
        assert_eq!(found[0].check, Check::GoPanic);
        assert_eq!(
            found[0].to_string(),
            "event 1 (time 2): panic: expected id 9 in trace.stack table"
        );
    }

    #[test]
    fn second_sync_needs_later_clocks() {
        let table = table();
        let mut v = Validator::new(Toolchain::Go1_26, Version::Go126).unwrap();
        let sync = |n, time| event((-1, -1, -1), EV_SYNC, time, &[n], &table);
        assert!(messages(&mut v, &sync(1, 1)).is_empty());
        assert_eq!(
            messages(&mut v, &sync(2, 2)),
            [
                "sync 2 has non-increasing wall time: 1970-01-01 00:00:07.000000008 +0000 UTC \
                 vs 1970-01-01 00:00:07.000000008 +0000 UTC",
                "sync 2 has non-increasing mono time: 6 vs 6",
                "sync 2 has non-increasing trace time: 5 vs 5",
            ]
        );
        assert_eq!(
            messages(&mut v, &sync(4, 3)),
            [
                "sync count is not sequential: expected 3, got 4",
                "sync 4 has non-increasing wall time: 1970-01-01 00:00:07.000000008 +0000 UTC \
                 vs 1970-01-01 00:00:07.000000008 +0000 UTC",
                "sync 4 has non-increasing mono time: 6 vs 6",
                "sync 4 has non-increasing trace time: 5 vs 5",
            ]
        );
        // A go 1.23 trace has no snapshots to check.
        let mut old = Validator::new(Toolchain::Go1_26, Version::Go123).unwrap();
        let bare = Event {
            table: None,
            ..sync(1, 1)
        };
        assert!(messages(&mut old, &bare).is_empty());
        let mut new = Validator::new(Toolchain::Go1_26, Version::Go125).unwrap();
        assert_eq!(messages(&mut new, &bare), ["sync 1 has no clock snapshot"]);
    }

    #[test]
    fn goroutines_and_procs_bind_to_threads() {
        let table = table();
        let mut v = Validator::new(Toolchain::Go1_27, Version::Go126).unwrap();
        let status = |m, g, status, time| {
            event(
                (m, -1, -1),
                ev::GO_STATUS,
                time,
                &[g, m as u64, status],
                &table,
            )
        };
        // Undetermined -> Running (wire status 2) on thread 3, then another goroutine.
        assert!(messages(&mut v, &status(3, 1, 2, 1)).is_empty());
        assert_eq!(
            messages(&mut v, &status(3, 2, 2, 2)),
            ["tried to run goroutine 2 when one was already executing (1) on thread 3"]
        );
        assert_eq!(
            messages(&mut v, &status(-1, 4, 2, 3)),
            ["must have thread, but thread ID is none"]
        );
        let stop = event((-1, -1, 4), ev::GO_STOP, 4, &[0, 0], &table);
        assert_eq!(
            messages(&mut v, &stop),
            ["stopping goroutine 4 not bound to any active context"]
        );
        let proc_status =
            |m, p, status, time| event((m, -1, -1), ev::PROC_STATUS, time, &[p, status, 0], &table);
        assert!(messages(&mut v, &proc_status(3, 0, 1, 5)).is_empty());
        assert_eq!(
            messages(&mut v, &proc_status(3, 1, 0, 6)),
            ["transition to undetermined state for proc 1"]
        );
        let stop = |time| event((3, 0, -1), ev::PROC_STOP, time, &[], &table);
        assert!(messages(&mut v, &stop(7)).is_empty());
        assert_eq!(
            messages(&mut v, &stop(8)),
            [
                "bad old state for proc 0: got Running, want Idle",
                "stopping proc 0 not bound to any active context"
            ]
        );
    }

    #[test]
    fn ranges_tasks_and_labels() {
        let table = table();
        let mut v = Validator::new(Toolchain::Go1_27, Version::Go126).unwrap();
        let at = |ty, time, args: &[u64]| event((1, 0, 1), ty, time, args, &table);
        assert_eq!(
            messages(&mut v, &at(ev::GC_END, 1, &[1])),
            ["inactive range \"GC concurrent mark phase\" on None ended"]
        );
        assert!(messages(&mut v, &at(ev::GC_MARK_ASSIST_BEGIN, 2, &[0])).is_empty());
        assert_eq!(
            messages(&mut v, &at(ev::GC_MARK_ASSIST_BEGIN, 3, &[0])),
            ["already active range \"GC mark assist\" on Goroutine(1) begun again"]
        );
        assert_eq!(
            messages(&mut v, &at(ev::USER_TASK_BEGIN, 4, &[0, 0, 1, 0])),
            [
                "found invalid task ID for task of type main.f",
                "found background task as the parent for task of type main.f"
            ]
        );
        assert_eq!(
            messages(&mut v, &at(ev::GO_LABEL, 5, &[0])),
            ["invalid label \"\"", "label for invalid goroutine 1"]
        );
    }
}
