//! Go's `trace.Event.String()`, byte for byte, for each Go release: the text that
//! `go tool trace -d=parsed` (Go 1.25+) and `-d=1` (Go 1.22, 1.23) print for each ordered
//! event, one `fmt.Println(ev.String())` per event.
//!
//! # What the orderer stores where
//!
//! The printer reads an [`Event`] the way Go's `Event` methods read their `baseEvent`: `args`
//! holds the wire arguments after `dt`, except where Go's orderer rewrites an argument or
//! fills the slots after the event's own arguments ([`Event::extra`]). The orderer must store:
//!
//! | Event | Slot | Value |
//! |---|---|---|
//! | ProcStatus | `args[1]` | the wire status after Go's promotion (SyscallAbandoned = 4 becomes Syscall = 3 when the P was known to be in Syscall) |
//! | ProcStatus | `extra()[0]` = `args[2]` | the old state as the *API* `ProcState`, not a wire status: 0 Undetermined, 1 NotExist, 2 Running, 3 Idle |
//! | ProcSteal | `extra()[0]` = `args[3]` | the P's *wire* status before the steal: 3 Syscall, or 4 SyscallAbandoned (printed `Idle->Idle`) |
//! | ProcSteal made up for GoDestroySyscall | `args[0]`, `extra()[0]`, `ctx`, `time` | the P, 3 (Syscall), and the ctx and time of the GoDestroySyscall |
//! | GoStatus, GoStatusStack (Go 1.22, 1.23) | `args[2]`; `extra()[0]` = `args[3]` (GoStatus) or `args[4]` (GoStatusStack) | the wire status (0..=4); the old state as the *API* `GoState`: 0 Undetermined, 1 NotExist, 2 Runnable, 3 Running, 4 Waiting, 5 Syscall |
//! | GoStatus, GoStatusStack (Go 1.25+) | `args[2]` | `old GoState << 32 \| wire status`; the extra slot is not read |
//! | UserTaskBegin | `args[1]` | the parent task, with 0 rewritten to NoTask (`u64::MAX`) |
//! | UserTaskEnd | `extra()[0]` = `args[2]`, `extra()[1]` = `args[3]` | the parent task (NoTask when its Begin was not seen); the [`EvTable::add_extra_string`] id of the task's type (0 for "") |
//! | STWEnd | `args[0]` | the kind string id of its STWBegin (Go overwrites the argument, no extra slot) |
//! | Sync (`ty` = [`EV_SYNC`]) | `args[0]`; `table`; `ctx` | the Sync's number N from 1 (read by Go 1.25+ only); the table of the generation it opens, `None` for the final Sync; [`SchedCtx::NONE`](crate::event::SchedCtx::NONE) |
//! | CPUSample | `args[0]`; `ctx` | the stack id; the sample's m, p (-1 for none) and g (-1 for a wire 0) |
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
//! Known difference: Go writes function names, file names and experimental string arguments
//! as raw bytes; invalid UTF-8 in them comes out here as U+FFFD, since the output is a `String`.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use crate::event::{EvTable, Event, EV_SYNC};
use crate::generation::{ClockSnapshot, Frame};
use crate::gostr::quote_into;
use crate::spec::{self, ev};
use crate::version::Toolchain;

/// Start of the line [`write_event`] prints where Go's `String()` would panic.
pub const PANIC_MARKER: &str = "#! go panic: ";

/// A panic Go's `Event.String()` raises instead of returning, with Go's panic message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoPanic {
    /// The message Go panics with (without Go's `panic: ` prefix).
    pub message: String,
}

impl GoPanic {
    fn nil_table() -> GoPanic {
        GoPanic {
            message: "runtime error: invalid memory address or nil pointer dereference".into(),
        }
    }

    fn index_out_of_range(index: u64, len: usize) -> GoPanic {
        GoPanic {
            message: format!("runtime error: index out of range [{index}] with length {len}"),
        }
    }

    /// `dataTable.mustGet`'s message; `go_type` is Go's `%T` of the table's elements.
    fn missing_id(id: u64, go_type: &str) -> GoPanic {
        GoPanic {
            message: format!("expected id {id} in {go_type} table"),
        }
    }
}

impl fmt::Display for GoPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GoPanic {}

/// Appends what `fmt.Println(ev.String())` prints for `event` in Go release `profile`. Where
/// that release panics instead, appends `#! go panic: <message> (<the event's common
/// prefix>)` and a newline.
pub fn write_event(out: &mut String, event: &Event, profile: Toolchain) {
    if let Err(panic) = try_write_event(out, event, profile) {
        let _ = write!(out, "{PANIC_MARKER}{panic} (");
        write_prefix(out, event, kind(event.ty, profile));
        out.push_str(")\n");
    }
}

/// Appends what `fmt.Println(ev.String())` prints for `event` in Go release `profile`, or
/// appends nothing and returns Go's panic where that release panics inside `String()`.
pub fn try_write_event(out: &mut String, event: &Event, profile: Toolchain) -> Result<(), GoPanic> {
    let start = out.len();
    match write_string(out, event, profile) {
        Ok(()) => {
            out.push('\n');
            Ok(())
        }
        Err(panic) => {
            out.truncate(start);
            Err(panic)
        }
    }
}

/// Go's `EventKind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bad,
    Sync,
    Metric,
    Label,
    StackSample,
    RangeBegin,
    RangeActive,
    RangeEnd,
    TaskBegin,
    TaskEnd,
    RegionBegin,
    RegionEnd,
    Log,
    StateTransition,
    Experimental,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Bad => "Bad",
            Kind::Sync => "Sync",
            Kind::Metric => "Metric",
            Kind::Label => "Label",
            Kind::StackSample => "StackSample",
            Kind::RangeBegin => "RangeBegin",
            Kind::RangeActive => "RangeActive",
            Kind::RangeEnd => "RangeEnd",
            Kind::TaskBegin => "TaskBegin",
            Kind::TaskEnd => "TaskEnd",
            Kind::RegionBegin => "RegionBegin",
            Kind::RegionEnd => "RegionEnd",
            Kind::Log => "Log",
            Kind::StateTransition => "StateTransition",
            Kind::Experimental => "Experimental",
        }
    }
}

/// Go's `Event.Kind()`: every type byte has a kind, `Bad` for those without one.
fn kind(ty: u8, profile: Toolchain) -> Kind {
    // Go 1.22 has neither the coroutine and GoStatusStack events nor the experimental kind.
    let since_go123 = profile >= Toolchain::Go1_23;
    match ty {
        EV_SYNC => Kind::Sync,
        ev::CPU_SAMPLE => Kind::StackSample,
        ev::PROCS_CHANGE | ev::HEAP_ALLOC | ev::HEAP_GOAL => Kind::Metric,
        ev::PROC_START..=ev::GO_STATUS => Kind::StateTransition,
        ev::GO_SWITCH..=ev::GO_STATUS_STACK if since_go123 => Kind::StateTransition,
        ev::STW_BEGIN | ev::GC_BEGIN | ev::GC_SWEEP_BEGIN | ev::GC_MARK_ASSIST_BEGIN => {
            Kind::RangeBegin
        }
        ev::GC_ACTIVE | ev::GC_SWEEP_ACTIVE | ev::GC_MARK_ASSIST_ACTIVE => Kind::RangeActive,
        ev::STW_END | ev::GC_END | ev::GC_SWEEP_END | ev::GC_MARK_ASSIST_END => Kind::RangeEnd,
        ev::GO_LABEL => Kind::Label,
        ev::USER_TASK_BEGIN => Kind::TaskBegin,
        ev::USER_TASK_END => Kind::TaskEnd,
        ev::USER_REGION_BEGIN => Kind::RegionBegin,
        ev::USER_REGION_END => Kind::RegionEnd,
        ev::USER_LOG => Kind::Log,
        ev::SPAN..=ev::GOROUTINE_STACK_FREE if since_go123 => Kind::Experimental,
        _ => Kind::Bad,
    }
}

/// Length of the release's spec table, which `Event.Stack()` indexes without a check.
fn spec_table_len(profile: Toolchain) -> usize {
    if profile == Toolchain::Go1_22 {
        usize::from(ev::USER_LOG) + 1
    } else {
        spec::TABLE_LEN
    }
}

fn write_prefix(out: &mut String, event: &Event, kind: Kind) {
    let ctx = event.ctx;
    let _ = write!(
        out,
        "M={} P={} G={} {} Time={}",
        ctx.m,
        ctx.p,
        ctx.g,
        kind.name(),
        event.time
    );
}

/// Go's `Event.String()`, without the newline `Println` adds.
fn write_string(out: &mut String, event: &Event, profile: Toolchain) -> Result<(), GoPanic> {
    let kind = kind(event.ty, profile);
    write_prefix(out, event, kind);
    match kind {
        Kind::Bad | Kind::StackSample => {}
        Kind::Sync => write_sync(out, event, profile)?,
        Kind::Metric => write_metric(out, event, profile),
        Kind::Label => {
            out.push_str(" Label=");
            quote_into(out, string(table(event)?, event.args[0])?);
            let _ = write!(out, " Resource=Goroutine({})", event.ctx.g);
        }
        Kind::RangeBegin | Kind::RangeActive | Kind::RangeEnd => {
            write_range(out, event, kind, profile)?;
        }
        Kind::TaskBegin | Kind::TaskEnd => write_task(out, event)?,
        Kind::RegionBegin | Kind::RegionEnd => {
            let _ = write!(out, " Task={} Type=", event.args[0]);
            quote_into(out, string(table(event)?, event.args[1])?);
        }
        Kind::Log => {
            let table = table(event)?;
            let _ = write!(out, " Task={} Category=", event.args[0]);
            quote_into(out, string(table, event.args[1])?);
            out.push_str(" Message=");
            quote_into(out, string(table, event.args[2])?);
        }
        Kind::StateTransition => write_transition(out, event, profile)?,
        Kind::Experimental => write_experimental(out, event, profile)?,
    }
    if let Some(id) = event_stack(event, profile)? {
        out.push_str("\nStack=\n");
        write_frames(out, event, id, profile)?;
    }
    Ok(())
}

fn table(event: &Event) -> Result<&EvTable, GoPanic> {
    event.table.as_deref().ok_or_else(GoPanic::nil_table)
}

fn string(table: &EvTable, id: u64) -> Result<&[u8], GoPanic> {
    table
        .string(id)
        .ok_or_else(|| GoPanic::missing_id(id, "string"))
}

/// A `Stack` handle as Go compares it with `NoStack` (`{table: nil, id: 0}`): `None` is
/// NoStack, `Some(id)` a stack to print, possibly empty.
type StackHandle = Option<u64>;

/// Go's `Stack{table: e.table, id: id}`, built without checking the id.
fn stack_handle(event: &Event, id: u64) -> StackHandle {
    (event.table.is_some() || id != 0).then_some(id)
}

/// Go's `Event.Stack()`: the event's own stack, NoStack when its id is 0, except for CPU
/// samples, whose handle is built even for stack 0 (so `Stack=` prints with no frames).
fn event_stack(event: &Event, profile: Toolchain) -> Result<StackHandle, GoPanic> {
    match event.ty {
        EV_SYNC => return Ok(None),
        ev::CPU_SAMPLE => return Ok(stack_handle(event, event.args[0])),
        _ => {}
    }
    let len = spec_table_len(profile);
    if usize::from(event.ty) >= len {
        return Err(GoPanic::index_out_of_range(event.ty.into(), len));
    }
    // Stack argument indexes count `dt`, which `args` does not hold.
    let Some(&index) = spec::spec(event.ty).stack_args.first() else {
        return Ok(None);
    };
    let id = event.args[index - 1];
    Ok((id != 0).then_some(id))
}

/// The frames of stack `id`, one `\t<func> @ 0x<pc>\n\t\t<file>:<line>\n` each.
fn write_frames(
    out: &mut String,
    event: &Event,
    id: u64,
    profile: Toolchain,
) -> Result<(), GoPanic> {
    if id == 0 {
        return Ok(());
    }
    let table = table(event)?;
    let generation = &table.generation;
    let frames = generation
        .stacks
        .get(&id)
        .ok_or_else(|| GoPanic::missing_id(id, "trace.stack"))?;
    for written in frames {
        // Go 1.23+ keeps only each stack's PCs and resolves them through the generation's
        // first-seen frame map, where a missing PC reads as a zero frame.
        let frame = if profile == Toolchain::Go1_22 {
            *written
        } else {
            let zero = Frame {
                pc: 0,
                func: 0,
                file: 0,
                line: 0,
            };
            generation
                .frames_by_pc
                .get(&written.pc)
                .copied()
                .unwrap_or(zero)
        };
        let func = string(table, frame.func)?;
        let file = string(table, frame.file)?;
        out.push('\t');
        out.push_str(&String::from_utf8_lossy(func));
        let _ = write!(out, " @ {:#x}\n\t\t", frame.pc);
        out.push_str(&String::from_utf8_lossy(file));
        let _ = writeln!(out, ":{}", frame.line);
    }
    Ok(())
}

/// A metric or range-attribute value: `Uint64(n)` before Go 1.25, then `Value{Uint64(n)}`.
fn write_uint64_value(out: &mut String, value: u64, profile: Toolchain) {
    if profile >= Toolchain::Go1_25 {
        let _ = write!(out, "Value{{Uint64({value})}}");
    } else {
        let _ = write!(out, "Uint64({value})");
    }
}

fn write_metric(out: &mut String, event: &Event, profile: Toolchain) {
    let name = match event.ty {
        ev::PROCS_CHANGE => "/sched/gomaxprocs:threads",
        ev::HEAP_ALLOC => "/memory/classes/heap/objects:bytes",
        _ => "/gc/heap/goal:bytes",
    };
    out.push_str(" Name=");
    quote_into(out, name.as_bytes());
    out.push_str(" Value=");
    write_uint64_value(out, event.args[0], profile);
}

/// Experiments Go 1.25+ knows by name (`tracev2.Experiments()`: None and AllocFree).
const KNOWN_EXPERIMENTS: usize = 2;

fn write_sync(out: &mut String, event: &Event, profile: Toolchain) -> Result<(), GoPanic> {
    if profile < Toolchain::Go1_25 {
        return Ok(());
    }
    // Go converts N to a signed int.
    let _ = write!(out, " N={}", event.args[0] as i64);
    let Some(table) = event.table.as_deref() else {
        return Ok(());
    };
    let generation = &table.generation;
    // `Sync()` names every experimental batch's experiment before String prints anything;
    // Go walks a map, so with several unknown ids it may name another one than the lowest.
    if let Some(exp) = generation
        .experimental
        .iter()
        .map(|batch| batch.exp)
        .filter(|&exp| usize::from(exp) >= KNOWN_EXPERIMENTS)
        .min()
    {
        return Err(GoPanic::index_out_of_range(exp.into(), KNOWN_EXPERIMENTS));
    }
    if let Some(clock) = &generation.clock {
        let _ = write!(
            out,
            " Trace={} Mono={} Wall={}",
            generation.ticks_to_ns(clock.ticks),
            clock.mono,
            wall_time(clock, profile)
        );
    }
    Ok(())
}

/// The snapshot's wall time in UTC: RFC 3339 in Go 1.25, RFC 3339 with nanoseconds (trailing
/// zeros dropped) from Go 1.26.
fn wall_time(clock: &ClockSnapshot, profile: Toolchain) -> String {
    let nano = clock.wall_rfc3339_nano();
    if profile >= Toolchain::Go1_26 {
        return nano;
    }
    match (nano.find('.'), nano.rfind('Z')) {
        (Some(dot), Some(zone)) if dot < zone => format!("{}{}", &nano[..dot], &nano[zone..]),
        _ => nano,
    }
}

/// A range's scope, Go's `ResourceID` (`None`, `Goroutine(id)`, `Proc(id)`).
enum Scope {
    None,
    Goroutine(i64),
    Proc(i64),
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::None => f.write_str("None"),
            Scope::Goroutine(id) => write!(f, "Goroutine({id})"),
            Scope::Proc(id) => write!(f, "Proc({id})"),
        }
    }
}

fn write_range(
    out: &mut String,
    event: &Event,
    kind: Kind,
    profile: Toolchain,
) -> Result<(), GoPanic> {
    let ctx = event.ctx;
    let (name, scope): (Cow<[u8]>, Scope) = match event.ty {
        ev::STW_BEGIN | ev::STW_END => {
            let reason = string(table(event)?, event.args[0])?;
            let name = [&b"stop-the-world ("[..], reason, b")"].concat();
            (name.into(), Scope::Goroutine(ctx.g))
        }
        ev::GC_BEGIN | ev::GC_ACTIVE | ev::GC_END => {
            (b"GC concurrent mark phase"[..].into(), Scope::None)
        }
        ev::GC_SWEEP_BEGIN | ev::GC_SWEEP_ACTIVE | ev::GC_SWEEP_END => {
            // Before Go 1.26 the Active event's own P is computed and then overwritten with
            // the current one.
            let p = if event.ty == ev::GC_SWEEP_ACTIVE && profile >= Toolchain::Go1_26 {
                event.args[0] as i64
            } else {
                ctx.p
            };
            (b"GC incremental sweep"[..].into(), Scope::Proc(p))
        }
        _ => {
            let g = if event.ty == ev::GC_MARK_ASSIST_ACTIVE {
                event.args[0] as i64
            } else {
                ctx.g
            };
            (b"GC mark assist"[..].into(), Scope::Goroutine(g))
        }
    };
    out.push_str(" Name=");
    quote_into(out, &name);
    let _ = write!(out, " Scope={scope}");
    if kind == Kind::RangeEnd {
        out.push_str(" Attributes=[");
        if event.ty == ev::GC_SWEEP_END {
            out.push_str("\"bytes swept\"=");
            write_uint64_value(out, event.args[0], profile);
            out.push_str(" \"bytes reclaimed\"=");
            write_uint64_value(out, event.args[1], profile);
        }
        out.push(']');
    }
    Ok(())
}

fn write_task(out: &mut String, event: &Event) -> Result<(), GoPanic> {
    let (parent, name): (u64, Cow<[u8]>) = if event.ty == ev::USER_TASK_BEGIN {
        let name = string(table(event)?, event.args[2])?;
        (event.args[1], name.into())
    } else {
        let extra = event.extra();
        (extra[0], extra_string(event, extra[1])?.into())
    };
    let _ = write!(out, " ID={} Parent={parent} Type=", event.args[0]);
    quote_into(out, &name);
    Ok(())
}

/// Go's `evTable.getExtraString`: id 0 is "" without looking at the table at all.
fn extra_string(event: &Event, id: u64) -> Result<Vec<u8>, GoPanic> {
    if id == 0 {
        return Ok(Vec::new());
    }
    let table = table(event)?;
    let strings = table.extra_strings.borrow();
    usize::try_from(id - 1)
        .ok()
        .and_then(|index| strings.get(index))
        .cloned()
        .ok_or_else(|| GoPanic::index_out_of_range(id - 1, strings.len()))
}

/// Go's `GoState` names; other values print as "Bad".
fn go_state_name(state: u8) -> &'static str {
    match state {
        0 => "Undetermined",
        1 => "NotExist",
        2 => "Runnable",
        3 => "Running",
        4 => "Waiting",
        5 => "Syscall",
        _ => "Bad",
    }
}

/// Go's `ProcState` names; other values print as "Bad".
fn proc_state_name(state: u8) -> &'static str {
    match state {
        0 => "Undetermined",
        1 => "NotExist",
        2 => "Running",
        3 => "Idle",
        _ => "Bad",
    }
}

/// Wire goroutine status to `GoState`, as Go's lookup array does (GoBad reads as
/// Undetermined; 5 and up is past the array and panics).
fn go_state_of_status(status: u64) -> Result<u8, GoPanic> {
    match status {
        0 => Ok(0),
        1 => Ok(2),
        2 => Ok(3),
        3 => Ok(5),
        4 => Ok(4),
        _ => Err(GoPanic::index_out_of_range(status, 5)),
    }
}

/// Wire proc status to `ProcState` (Syscall counts as Running, SyscallAbandoned as Idle).
fn proc_state_of_status(status: u64) -> Result<u8, GoPanic> {
    match status {
        0 => Ok(0),
        1 | 3 => Ok(2),
        2 | 4 => Ok(3),
        _ => Err(GoPanic::index_out_of_range(status, 5)),
    }
}

/// Wire `ProcSyscallAbandoned`.
const PROC_SYSCALL_ABANDONED: u8 = 4;

/// Go's `StateTransition`.
struct Transition<'t> {
    /// `true` for a goroutine, `false` for a proc.
    goroutine: bool,
    id: i64,
    old: &'static str,
    new: &'static str,
    reason: &'t [u8],
    stack: StackHandle,
}

/// Go's `Event.StateTransition()`.
fn transition<'e>(event: &'e Event, profile: Toolchain) -> Result<Transition<'e>, GoPanic> {
    let ctx = event.ctx;
    let args = &event.args;
    let go = |id: i64, old: u8, new: u8| Transition {
        goroutine: true,
        id,
        old: go_state_name(old),
        new: go_state_name(new),
        reason: &[],
        stack: None,
    };
    let proc = |id: i64, old: u8, new: u8| Transition {
        goroutine: false,
        id,
        old: proc_state_name(old),
        new: proc_state_name(new),
        reason: &[],
        stack: None,
    };
    // API states: GoState NotExist=1 Runnable=2 Running=3 Waiting=4 Syscall=5;
    // ProcState Running=2 Idle=3.
    let (not_exist, runnable, running, waiting, syscall) = (1, 2, 3, 4, 5);
    let (proc_running, proc_idle) = (2, 3);
    // Go 1.22 to 1.25 also give GoDestroy and GoSyscallEnd(Blocked) the event's own stack
    // as their transition stack; those events carry no stack, so it is always NoStack.
    let own_stack = || event_stack(event, profile);
    let t = match event.ty {
        ev::PROC_START => proc(args[0] as i64, proc_idle, proc_running),
        ev::PROC_STOP => proc(ctx.p, proc_running, proc_idle),
        ev::PROC_STEAL => {
            // A steal that advanced past SyscallAbandoned lost track of the P: Go shows it
            // as idle before as well as after.
            let old = if event.extra()[0] as u8 == PROC_SYSCALL_ABANDONED {
                proc_idle
            } else {
                proc_running
            };
            proc(args[0] as i64, old, proc_idle)
        }
        ev::PROC_STATUS => {
            let new = proc_state_of_status(args[1])?;
            proc(args[0] as i64, event.extra()[0] as u8, new)
        }
        ev::GO_CREATE | ev::GO_CREATE_BLOCKED => {
            let new = if event.ty == ev::GO_CREATE {
                runnable
            } else {
                waiting
            };
            Transition {
                // The new goroutine's stack is printed even when its id is 0.
                stack: stack_handle(event, args[1]),
                ..go(args[0] as i64, not_exist, new)
            }
        }
        ev::GO_CREATE_SYSCALL => go(args[0] as i64, not_exist, syscall),
        ev::GO_START => go(args[0] as i64, runnable, running),
        ev::GO_DESTROY | ev::GO_SYSCALL_END | ev::GO_SYSCALL_END_BLOCKED => {
            let (old, new) = match event.ty {
                ev::GO_DESTROY => (running, not_exist),
                ev::GO_SYSCALL_END => (syscall, running),
                _ => (syscall, runnable),
            };
            let stack = if profile <= Toolchain::Go1_25 {
                own_stack()?
            } else {
                None
            };
            Transition {
                stack,
                ..go(ctx.g, old, new)
            }
        }
        ev::GO_DESTROY_SYSCALL => go(ctx.g, syscall, not_exist),
        ev::GO_STOP | ev::GO_BLOCK => {
            let new = if event.ty == ev::GO_STOP {
                runnable
            } else {
                waiting
            };
            Transition {
                reason: string(table(event)?, args[0])?,
                stack: own_stack()?,
                ..go(ctx.g, running, new)
            }
        }
        // GoSwitch and GoSwitchDestroy start by unblocking the goroutine they name.
        ev::GO_UNBLOCK | ev::GO_SWITCH | ev::GO_SWITCH_DESTROY => {
            go(args[0] as i64, waiting, runnable)
        }
        ev::GO_SYSCALL_BEGIN => Transition {
            stack: own_stack()?,
            ..go(ctx.g, running, syscall)
        },
        _ => {
            // GoStatus and GoStatusStack.
            let (old, status) = if profile >= Toolchain::Go1_25 {
                (args[2] >> 32, args[2] & 0xffff_ffff)
            } else {
                (event.extra()[0], args[2])
            };
            let new = go_state_of_status(status)?;
            let stack = if profile >= Toolchain::Go1_26 {
                own_stack()?
            } else {
                None
            };
            Transition {
                stack,
                ..go(args[0] as i64, old as u8, new)
            }
        }
    };
    Ok(t)
}

fn write_transition(out: &mut String, event: &Event, profile: Toolchain) -> Result<(), GoPanic> {
    let t = transition(event, profile)?;
    let (resource, id_name) = if t.goroutine {
        ("Goroutine", "GoID")
    } else {
        ("Proc", "ProcID")
    };
    if profile <= Toolchain::Go1_25 {
        let _ = write!(out, " Resource={resource}({}) Reason=", t.id);
        quote_into(out, t.reason);
        let _ = write!(out, " {id_name}={} {}->{}", t.id, t.old, t.new);
    } else {
        let _ = write!(out, " {id_name}={} {}->{} Reason=", t.id, t.old, t.new);
        quote_into(out, t.reason);
    }
    if let Some(id) = t.stack {
        out.push_str("\nTransitionStack=\n");
        write_frames(out, event, id, profile)?;
    }
    Ok(())
}

fn write_experimental(out: &mut String, event: &Event, profile: Toolchain) -> Result<(), GoPanic> {
    let spec = spec::spec(event.ty);
    let names = &spec.args[1..];
    let values = &event.args[..names.len()];
    if profile == Toolchain::Go1_23 {
        // Go 1.23 also fetches the experiment's data from the table, nil or not.
        table(event)?;
        let _ = write!(
            out,
            " Name={} ArgNames=[{}] Args=[",
            spec.name,
            names.join(" ")
        );
        for (i, value) in values.iter().enumerate() {
            let _ = write!(out, "{}{value}", if i == 0 { "" } else { " " });
        }
        out.push(']');
        return Ok(());
    }
    let _ = write!(out, " Name={} Args=[", spec.name);
    for (i, (name, &value)) in names.iter().zip(values).enumerate() {
        let _ = write!(out, "{}{name}=", if i == 0 { "" } else { ", " });
        // A string argument prints as the bare string.
        if name.ends_with("string") {
            let s = string(table(event)?, value)?;
            out.push_str(&String::from_utf8_lossy(s));
        } else {
            write_uint64_value(out, value, profile);
        }
    }
    out.push(']');
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Expected lines are Go's own output (`go tool trace -d=1` or `-d=parsed`, `TZ=UTC`) for
    //! the corpus traces and for small crafted traces, unless a comment says otherwise.

    use std::rc::Rc;

    use super::*;
    use crate::generation::{ExperimentalBatch, Generation};
    use crate::spec::MAX_ARGS;
    use crate::version::Version;
    use Toolchain::{Go1_22, Go1_23, Go1_25, Go1_26, Go1_27};

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
        let mut out = String::new();
        write_event(&mut out, event, profile);
        out
    }

    fn panic_message(event: &Event, profile: Toolchain) -> String {
        let mut out = String::from("kept");
        let panic = try_write_event(&mut out, event, profile).unwrap_err();
        assert_eq!(out, "kept", "a panicking event appends nothing");
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
        let mut out = String::new();
        for _ in 0..20_000 {
            let small = |v: u64| if v % 3 == 0 { v } else { v % 6 };
            let args: Vec<u64> = (0..MAX_ARGS).map(|_| small(next())).collect();
            let with_table = next() % 4 != 0;
            let ty = (next() % 256) as u8;
            let ctx = (next() as i64, next() as i64 % 4, -1);
            let e = event(ctx, ty, next() as i64, &args, with_table.then_some(&table));
            for profile in Toolchain::ALL {
                out.clear();
                write_event(&mut out, &e, profile);
                assert!(out.ends_with('\n'));
            }
        }
    }
}
