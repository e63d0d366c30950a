//! Go's high-level event API (`internal/trace`: `event.go`, `resources.go`, `value.go`)
//! over ordered [`Event`]s: what `Event.Kind()`, `Event.StateTransition()`, `Event.Range()`
//! and the other accessors return in each Go release (`profile`).
//!
//! Where Go's accessor panics, ours returns [`GoPanic`] with Go's panic message: a string
//! or stack id missing from the table (`mustGet`), a nil table, an index past one of Go's
//! lookup arrays, or an accessor called on an event of another kind.
//!
//! # What the orderer stores where
//!
//! The accessors read an [`Event`] the way Go's read their `baseEvent`: `args` holds the wire
//! arguments after `dt`, except where Go's orderer rewrites an argument or fills the slots
//! after the event's own arguments ([`Event::extra`]). The orderer must store:
//!
//! | Event | Slot | Value |
//! |---|---|---|
//! | ProcStatus | `args[1]` | the wire status after Go's promotion (SyscallAbandoned = 4 becomes Syscall = 3 when the P was known to be in Syscall) |
//! | ProcStatus | `extra()[0]` = `args[2]` | the old state as the *API* [`ProcState`], not a wire status: 0 Undetermined, 1 NotExist, 2 Running, 3 Idle |
//! | ProcSteal | `extra()[0]` = `args[3]` | the P's *wire* status before the steal: 3 Syscall, or 4 SyscallAbandoned (read as `Idle->Idle`) |
//! | ProcSteal made up for GoDestroySyscall | `args[0]`, `extra()[0]`, `ctx`, `time` | the P, 3 (Syscall), and the ctx and time of the GoDestroySyscall |
//! | GoStatus, GoStatusStack (Go 1.22, 1.23) | `args[2]`; `extra()[0]` = `args[3]` (GoStatus) or `args[4]` (GoStatusStack) | the wire status (0..=4); the old state as the *API* [`GoState`]: 0 Undetermined, 1 NotExist, 2 Runnable, 3 Running, 4 Waiting, 5 Syscall |
//! | GoStatus, GoStatusStack (Go 1.25+) | `args[2]` | `old GoState << 32 \| wire status`; the extra slot is not read |
//! | UserTaskBegin | `args[1]` | the parent task, with 0 rewritten to [`NO_TASK`] |
//! | UserTaskEnd | `extra()[0]` = `args[2]`, `extra()[1]` = `args[3]` | the parent task ([`NO_TASK`] when its Begin was not seen); the [`EvTable::add_extra_string`] id of the task's type (0 for "") |
//! | STWEnd | `args[0]` | the kind string id of its STWBegin (Go overwrites the argument, no extra slot) |
//! | Sync (`ty` = [`EV_SYNC`]) | `args[0]`; `table`; `ctx` | the Sync's number N from 1 (read by Go 1.25+ only); the table of the generation it opens, `None` for the final Sync; [`SchedCtx::NONE`](crate::event::SchedCtx::NONE) |
//! | CPUSample | `args[0]`; `ctx` | the stack id; the sample's m, p (-1 for none) and g (-1 for a wire 0) |
//!
//! Strings are byte strings, as Go's are; nothing here assumes UTF-8.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use crate::event::{EvTable, Event, EV_SYNC};
use crate::generation::{self, ExperimentalBatch, Frame};
use crate::spec::{self, ev, Experiment};
use crate::version::Toolchain;

/// A panic Go's API raises instead of returning, with Go's panic message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoPanic {
    /// The message Go panics with (without Go's `panic: ` prefix).
    pub message: String,
}

impl GoPanic {
    /// Dereferencing Go's nil `*evTable`.
    pub fn nil_table() -> GoPanic {
        GoPanic {
            message: "runtime error: invalid memory address or nil pointer dereference".into(),
        }
    }

    /// Indexing one of Go's arrays or slices past its end.
    pub fn index_out_of_range(index: u64, len: usize) -> GoPanic {
        GoPanic {
            message: format!("runtime error: index out of range [{index}] with length {len}"),
        }
    }

    /// `dataTable.mustGet`'s message; `go_type` is Go's `%T` of the table's elements.
    pub fn missing_id(id: u64, go_type: &str) -> GoPanic {
        GoPanic {
            message: format!("expected id {id} in {go_type} table"),
        }
    }

    /// An accessor called on an event of another kind (`"Metric called on non-Metric event"`).
    fn wrong_kind(method: &str) -> GoPanic {
        GoPanic {
            message: format!("{method} called on non-{method} event"),
        }
    }
}

impl fmt::Display for GoPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GoPanic {}

/// Go's `EventKind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// No kind: an event type the API does not expose.
    Bad,
    /// A global synchronization point, opening a generation (and one at the end).
    Sync,
    /// A sampled runtime metric.
    Metric,
    /// A label attached to a goroutine.
    Label,
    /// A CPU profile sample.
    StackSample,
    /// A range (GC phase, stop-the-world, ...) begins.
    RangeBegin,
    /// A range was already active when the generation began.
    RangeActive,
    /// A range ends.
    RangeEnd,
    /// A `runtime/trace` task begins.
    TaskBegin,
    /// A `runtime/trace` task ends.
    TaskEnd,
    /// A `runtime/trace` region begins.
    RegionBegin,
    /// A `runtime/trace` region ends.
    RegionEnd,
    /// A `runtime/trace.Log` call.
    Log,
    /// A goroutine or proc changes state.
    StateTransition,
    /// An experimental event, exposed raw (Go 1.23+).
    Experimental,
}

impl EventKind {
    /// Go's name of the kind, as `EventKind.String()` gives it.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Bad => "Bad",
            EventKind::Sync => "Sync",
            EventKind::Metric => "Metric",
            EventKind::Label => "Label",
            EventKind::StackSample => "StackSample",
            EventKind::RangeBegin => "RangeBegin",
            EventKind::RangeActive => "RangeActive",
            EventKind::RangeEnd => "RangeEnd",
            EventKind::TaskBegin => "TaskBegin",
            EventKind::TaskEnd => "TaskEnd",
            EventKind::RegionBegin => "RegionBegin",
            EventKind::RegionEnd => "RegionEnd",
            EventKind::Log => "Log",
            EventKind::StateTransition => "StateTransition",
            EventKind::Experimental => "Experimental",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Go's `Event.Kind()`: every type byte has a kind, `Bad` for those without one.
pub fn kind(event: &Event, profile: Toolchain) -> EventKind {
    // Go 1.22 has neither the coroutine and GoStatusStack events nor the experimental kind.
    let since_go123 = profile >= Toolchain::Go1_23;
    match event.ty {
        EV_SYNC => EventKind::Sync,
        ev::CPU_SAMPLE => EventKind::StackSample,
        ev::PROCS_CHANGE | ev::HEAP_ALLOC | ev::HEAP_GOAL => EventKind::Metric,
        ev::PROC_START..=ev::GO_STATUS => EventKind::StateTransition,
        ev::GO_SWITCH..=ev::GO_STATUS_STACK if since_go123 => EventKind::StateTransition,
        ev::STW_BEGIN | ev::GC_BEGIN | ev::GC_SWEEP_BEGIN | ev::GC_MARK_ASSIST_BEGIN => {
            EventKind::RangeBegin
        }
        ev::GC_ACTIVE | ev::GC_SWEEP_ACTIVE | ev::GC_MARK_ASSIST_ACTIVE => EventKind::RangeActive,
        ev::STW_END | ev::GC_END | ev::GC_SWEEP_END | ev::GC_MARK_ASSIST_END => EventKind::RangeEnd,
        ev::GO_LABEL => EventKind::Label,
        ev::USER_TASK_BEGIN => EventKind::TaskBegin,
        ev::USER_TASK_END => EventKind::TaskEnd,
        ev::USER_REGION_BEGIN => EventKind::RegionBegin,
        ev::USER_REGION_END => EventKind::RegionEnd,
        ev::USER_LOG => EventKind::Log,
        ev::SPAN..=ev::GOROUTINE_STACK_FREE if since_go123 => EventKind::Experimental,
        _ => EventKind::Bad,
    }
}

/// Panics as Go's accessor `method` does unless the event's kind is one of `kinds`.
fn expect_kind(
    event: &Event,
    profile: Toolchain,
    kinds: &[EventKind],
    method: &str,
) -> Result<(), GoPanic> {
    if kinds.contains(&kind(event, profile)) {
        Ok(())
    } else {
        Err(GoPanic::wrong_kind(method))
    }
}

/// Go's `ResourceID`: what a range is scoped to, or what a label or transition is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResourceId {
    /// No resource (a global range).
    None,
    /// A goroutine id.
    Goroutine(i64),
    /// A proc id.
    Proc(i64),
    /// A thread id.
    Thread(i64),
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResourceId::None => f.write_str("None"),
            ResourceId::Goroutine(id) => write!(f, "Goroutine({id})"),
            ResourceId::Proc(id) => write!(f, "Proc({id})"),
            ResourceId::Thread(id) => write!(f, "Thread({id})"),
        }
    }
}

/// Go's `GoState`. Go keeps any `uint8`; values without a name are `Bad(n)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GoState {
    /// Nothing is known about the goroutine.
    Undetermined,
    /// The goroutine does not exist.
    NotExist,
    /// Runnable, not running.
    Runnable,
    /// Running.
    Running,
    /// Waiting for something to happen.
    Waiting,
    /// In a system call.
    Syscall,
    /// A value past the named ones (6 and up), printed `Bad`.
    Bad(u8),
}

impl GoState {
    /// The state Go's `GoState(n)` is.
    pub fn from_raw(n: u8) -> GoState {
        match n {
            0 => GoState::Undetermined,
            1 => GoState::NotExist,
            2 => GoState::Runnable,
            3 => GoState::Running,
            4 => GoState::Waiting,
            5 => GoState::Syscall,
            _ => GoState::Bad(n),
        }
    }

    /// Go's `Executing()`: running or in a syscall, so bound to a thread.
    pub fn executing(self) -> bool {
        matches!(self, GoState::Running | GoState::Syscall)
    }

    /// Go's `String()`.
    pub fn name(self) -> &'static str {
        match self {
            GoState::Undetermined => "Undetermined",
            GoState::NotExist => "NotExist",
            GoState::Runnable => "Runnable",
            GoState::Running => "Running",
            GoState::Waiting => "Waiting",
            GoState::Syscall => "Syscall",
            GoState::Bad(_) => "Bad",
        }
    }
}

/// Go's `ProcState`. Go keeps any `uint8`; values without a name are `Bad(n)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProcState {
    /// Nothing is known about the proc.
    Undetermined,
    /// The proc does not exist.
    NotExist,
    /// Running (a proc in a syscall counts as running).
    Running,
    /// Idle.
    Idle,
    /// A value past the named ones (4 and up), printed `Bad`.
    Bad(u8),
}

impl ProcState {
    /// The state Go's `ProcState(n)` is.
    pub fn from_raw(n: u8) -> ProcState {
        match n {
            0 => ProcState::Undetermined,
            1 => ProcState::NotExist,
            2 => ProcState::Running,
            3 => ProcState::Idle,
            _ => ProcState::Bad(n),
        }
    }

    /// Go's `Executing()`: running, so bound to a thread.
    pub fn executing(self) -> bool {
        self == ProcState::Running
    }

    /// Go's `String()`.
    pub fn name(self) -> &'static str {
        match self {
            ProcState::Undetermined => "Undetermined",
            ProcState::NotExist => "NotExist",
            ProcState::Running => "Running",
            ProcState::Idle => "Idle",
            ProcState::Bad(_) => "Bad",
        }
    }
}

/// The state of the resource a transition is about: a goroutine's or a proc's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// A goroutine state.
    Goroutine(GoState),
    /// A proc state.
    Proc(ProcState),
}

impl State {
    /// Go's `Executing()` of the state.
    pub fn executing(self) -> bool {
        match self {
            State::Goroutine(s) => s.executing(),
            State::Proc(s) => s.executing(),
        }
    }

    /// Whether this is `GoUndetermined` or `ProcUndetermined`.
    pub fn is_undetermined(self) -> bool {
        matches!(
            self,
            State::Goroutine(GoState::Undetermined) | State::Proc(ProcState::Undetermined)
        )
    }

    /// Whether this is `GoNotExist` or `ProcNotExist`.
    pub fn is_not_exist(self) -> bool {
        matches!(
            self,
            State::Goroutine(GoState::NotExist) | State::Proc(ProcState::NotExist)
        )
    }

    /// Go's `String()` of the state.
    pub fn name(self) -> &'static str {
        match self {
            State::Goroutine(s) => s.name(),
            State::Proc(s) => s.name(),
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Go's `Value`: a metric, range attribute or experimental argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'e> {
    /// `ValueBad`.
    Bad,
    /// `ValueUint64`.
    Uint64(u64),
    /// `ValueString` (Go 1.25+ experimental string arguments).
    String(&'e [u8]),
}

impl Value<'_> {
    /// How `profile` prints the value: `Uint64(8)` before Go 1.25 (`valueAsString`), then
    /// `Value{Uint64(8)}`; a string value is its bytes, valid UTF-8 or not.
    pub fn to_go_bytes(&self, profile: Toolchain) -> Cow<'_, [u8]> {
        let wrapped = profile >= Toolchain::Go1_25;
        match self {
            Value::Uint64(n) if wrapped => format!("Value{{Uint64({n})}}").into_bytes().into(),
            Value::Uint64(n) => format!("Uint64({n})").into_bytes().into(),
            Value::String(s) => Cow::Borrowed(s),
            Value::Bad if wrapped => Cow::Borrowed(b"Value{Bad}"),
            Value::Bad => Cow::Borrowed(b"Bad"),
        }
    }
}

/// Go's `Stack`: a handle, equal to another exactly when table and id are the same.
/// `NoStack` has no table and id 0.
#[derive(Clone, Copy, Debug)]
pub struct Stack<'e> {
    table: Option<&'e EvTable>,
    id: u64,
    /// How frames are resolved (Go 1.22 and 1.23+ differ); not part of the handle.
    profile: Toolchain,
}

impl PartialEq for Stack<'_> {
    fn eq(&self, other: &Stack<'_>) -> bool {
        let same_table = match (self.table, other.table) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_table && self.id == other.id
    }
}

impl Eq for Stack<'_> {}

/// Frame that a PC missing from Go 1.23+'s frame map resolves to.
const ZERO_FRAME: Frame = Frame {
    pc: 0,
    func: 0,
    file: 0,
    line: 0,
};

impl<'e> Stack<'e> {
    /// Go's `NoStack`.
    pub fn none(profile: Toolchain) -> Stack<'e> {
        Stack {
            table: None,
            id: 0,
            profile,
        }
    }

    /// Go's `Stack{table: e.table, id: id}`, built without checking the id.
    fn of(event: &'e Event, id: u64, profile: Toolchain) -> Stack<'e> {
        Stack {
            table: event.table.as_deref(),
            id,
            profile,
        }
    }

    /// Whether this is `NoStack`.
    pub fn is_no_stack(&self) -> bool {
        self.table.is_none() && self.id == 0
    }

    /// The stack id (0: no frames).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Go's `Stack.Frames()`, outermost call last. Go 1.22 keeps each stack's own frames;
    /// Go 1.23+ keeps only the PCs and resolves them through the generation's first-seen
    /// frame map, where a missing PC reads as a zero frame.
    pub fn frames(&self) -> Result<Vec<StackFrame<'e>>, GoPanic> {
        if self.id == 0 {
            return Ok(Vec::new());
        }
        let table = self.table.ok_or_else(GoPanic::nil_table)?;
        let generation = &table.generation;
        let written = generation
            .stacks
            .get(&self.id)
            .ok_or_else(|| GoPanic::missing_id(self.id, "trace.stack"))?;
        written
            .iter()
            .map(|frame| {
                let frame = if self.profile == Toolchain::Go1_22 {
                    *frame
                } else {
                    generation
                        .frames_by_pc
                        .get(&frame.pc)
                        .copied()
                        .unwrap_or(ZERO_FRAME)
                };
                Ok(StackFrame {
                    pc: frame.pc,
                    func: string(table, frame.func)?,
                    file: string(table, frame.file)?,
                    line: frame.line,
                })
            })
            .collect()
    }
}

/// Go's `StackFrame`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackFrame<'e> {
    /// Program counter.
    pub pc: u64,
    /// Function name.
    pub func: &'e [u8],
    /// File name.
    pub file: &'e [u8],
    /// Line number.
    pub line: u64,
}

fn table(event: &Event) -> Result<&EvTable, GoPanic> {
    event.table.as_deref().ok_or_else(GoPanic::nil_table)
}

/// `evTable.strings.mustGet`.
fn string(table: &EvTable, id: u64) -> Result<&[u8], GoPanic> {
    table
        .string(id)
        .ok_or_else(|| GoPanic::missing_id(id, "string"))
}

/// Length of the release's spec table, which `Event.Stack()` indexes without a check.
fn spec_table_len(profile: Toolchain) -> usize {
    if profile == Toolchain::Go1_22 {
        usize::from(ev::USER_LOG) + 1
    } else {
        spec::TABLE_LEN
    }
}

/// Go's `Event.Stack()`: the event's own stack, `NoStack` when its id is 0, except for CPU
/// samples, whose handle is built even for stack 0.
pub fn stack(event: &Event, profile: Toolchain) -> Result<Stack<'_>, GoPanic> {
    match event.ty {
        EV_SYNC => return Ok(Stack::none(profile)),
        ev::CPU_SAMPLE => return Ok(Stack::of(event, event.args[0], profile)),
        _ => {}
    }
    let len = spec_table_len(profile);
    if usize::from(event.ty) >= len {
        return Err(GoPanic::index_out_of_range(event.ty.into(), len));
    }
    // Stack argument indexes count `dt`, which `args` does not hold.
    let Some(&index) = spec::spec(event.ty).stack_args.first() else {
        return Ok(Stack::none(profile));
    };
    match event.args[index - 1] {
        0 => Ok(Stack::none(profile)),
        id => Ok(Stack::of(event, id, profile)),
    }
}

/// Go's `Metric`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Metric {
    /// The `runtime/metrics` name, unit included.
    pub name: &'static str,
    /// The sampled value.
    pub value: Value<'static>,
}

/// Go's `Event.Metric()`.
pub fn metric(event: &Event, profile: Toolchain) -> Result<Metric, GoPanic> {
    expect_kind(event, profile, &[EventKind::Metric], "Metric")?;
    let name = match event.ty {
        ev::PROCS_CHANGE => "/sched/gomaxprocs:threads",
        ev::HEAP_ALLOC => "/memory/classes/heap/objects:bytes",
        _ => "/gc/heap/goal:bytes",
    };
    Ok(Metric {
        name,
        value: Value::Uint64(event.args[0]),
    })
}

/// Go's `Label`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label<'e> {
    /// The label.
    pub label: &'e [u8],
    /// What it is attached to (always the event's goroutine).
    pub resource: ResourceId,
}

/// Go's `Event.Label()`.
pub fn label(event: &Event, profile: Toolchain) -> Result<Label<'_>, GoPanic> {
    expect_kind(event, profile, &[EventKind::Label], "Label")?;
    Ok(Label {
        label: string(table(event)?, event.args[0])?,
        resource: ResourceId::Goroutine(event.ctx.g),
    })
}

/// Go's `Range`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range<'e> {
    /// The range's name; a Begin and its End share it.
    pub name: Cow<'e, [u8]>,
    /// What the range is scoped to.
    pub scope: ResourceId,
}

const RANGE_KINDS: [EventKind; 3] = [
    EventKind::RangeBegin,
    EventKind::RangeActive,
    EventKind::RangeEnd,
];

/// Go's `Event.Range()`.
pub fn range(event: &Event, profile: Toolchain) -> Result<Range<'_>, GoPanic> {
    expect_kind(event, profile, &RANGE_KINDS, "Range")?;
    let ctx = event.ctx;
    let (name, scope): (Cow<[u8]>, ResourceId) = match event.ty {
        ev::STW_BEGIN | ev::STW_END => {
            let reason = string(table(event)?, event.args[0])?;
            let name = [&b"stop-the-world ("[..], reason, b")"].concat();
            (name.into(), ResourceId::Goroutine(ctx.g))
        }
        ev::GC_BEGIN | ev::GC_ACTIVE | ev::GC_END => {
            (b"GC concurrent mark phase"[..].into(), ResourceId::None)
        }
        ev::GC_SWEEP_BEGIN | ev::GC_SWEEP_ACTIVE | ev::GC_SWEEP_END => {
            // Before Go 1.26 the Active event's own P is computed and then overwritten with
            // the current one.
            let named = event.ty == ev::GC_SWEEP_ACTIVE && profile >= Toolchain::Go1_26;
            let p = if named { event.args[0] as i64 } else { ctx.p };
            (b"GC incremental sweep"[..].into(), ResourceId::Proc(p))
        }
        _ => {
            let named = event.ty == ev::GC_MARK_ASSIST_ACTIVE;
            let g = if named { event.args[0] as i64 } else { ctx.g };
            (b"GC mark assist"[..].into(), ResourceId::Goroutine(g))
        }
    };
    Ok(Range { name, scope })
}

/// Go's `RangeAttribute`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RangeAttribute {
    /// The attribute's name.
    pub name: &'static str,
    /// Its value.
    pub value: Value<'static>,
}

/// Go's `Event.RangeAttributes()`: only a sweep's end has any.
pub fn range_attributes(event: &Event, profile: Toolchain) -> Result<Vec<RangeAttribute>, GoPanic> {
    // Go's message names `Range` here too.
    expect_kind(event, profile, &[EventKind::RangeEnd], "Range")?;
    if event.ty != ev::GC_SWEEP_END {
        return Ok(Vec::new());
    }
    Ok(vec![
        RangeAttribute {
            name: "bytes swept",
            value: Value::Uint64(event.args[0]),
        },
        RangeAttribute {
            name: "bytes reclaimed",
            value: Value::Uint64(event.args[1]),
        },
    ])
}

/// Go's `NoTask`: no task (a TaskBegin without a parent, a TaskEnd whose Begin is unseen).
pub const NO_TASK: u64 = u64::MAX;

/// Go's `BackgroundTask`: the task of events outside any task.
pub const BACKGROUND_TASK: u64 = 0;

/// Go's `Task`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task<'e> {
    /// The task's id.
    pub id: u64,
    /// The parent task's id, or [`NO_TASK`].
    pub parent: u64,
    /// The type given to `runtime/trace.NewTask` ("" when the Begin is not in the trace).
    pub type_name: Cow<'e, [u8]>,
}

/// Go's `Event.Task()`.
pub fn task(event: &Event, profile: Toolchain) -> Result<Task<'_>, GoPanic> {
    expect_kind(
        event,
        profile,
        &[EventKind::TaskBegin, EventKind::TaskEnd],
        "Task",
    )?;
    let (parent, type_name) = if event.ty == ev::USER_TASK_BEGIN {
        let name = string(table(event)?, event.args[2])?;
        (event.args[1], name.into())
    } else {
        let extra = event.extra();
        (extra[0], extra_string(event, extra[1])?.into())
    };
    Ok(Task {
        id: event.args[0],
        parent,
        type_name,
    })
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

/// Go's `Region`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region<'e> {
    /// The task the region belongs to.
    pub task: u64,
    /// The type given to `runtime/trace.StartRegion`.
    pub type_name: &'e [u8],
}

/// Go's `Event.Region()`.
pub fn region(event: &Event, profile: Toolchain) -> Result<Region<'_>, GoPanic> {
    expect_kind(
        event,
        profile,
        &[EventKind::RegionBegin, EventKind::RegionEnd],
        "Region",
    )?;
    Ok(Region {
        task: event.args[0],
        type_name: string(table(event)?, event.args[1])?,
    })
}

/// Go's `Log`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Log<'e> {
    /// The task the log belongs to.
    pub task: u64,
    /// The category given to `runtime/trace.Log`.
    pub category: &'e [u8],
    /// The message.
    pub message: &'e [u8],
}

/// Go's `Event.Log()`.
pub fn log(event: &Event, profile: Toolchain) -> Result<Log<'_>, GoPanic> {
    expect_kind(event, profile, &[EventKind::Log], "Log")?;
    let table = table(event)?;
    Ok(Log {
        task: event.args[0],
        category: string(table, event.args[1])?,
        message: string(table, event.args[2])?,
    })
}

/// Go's `StateTransition`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateTransition<'e> {
    /// The goroutine or proc that changes state.
    pub resource: ResourceId,
    /// Its state before.
    pub old: State,
    /// Its state after.
    pub new: State,
    /// Why (GoStop and GoBlock only).
    pub reason: &'e [u8],
    /// The stack of the resource itself (a new goroutine's start, a blocking goroutine's
    /// stack), as opposed to the event's own [`stack`].
    pub stack: Stack<'e>,
}

impl StateTransition<'_> {
    /// Go's `StateTransition.Goroutine()`: old and new state, if this is about a goroutine.
    pub fn goroutine(&self) -> Option<(GoState, GoState)> {
        match (self.old, self.new) {
            (State::Goroutine(old), State::Goroutine(new)) => Some((old, new)),
            _ => None,
        }
    }

    /// Go's `StateTransition.Proc()`: old and new state, if this is about a proc.
    pub fn proc(&self) -> Option<(ProcState, ProcState)> {
        match (self.old, self.new) {
            (State::Proc(old), State::Proc(new)) => Some((old, new)),
            _ => None,
        }
    }
}

/// Wire goroutine status to `GoState`, as Go's lookup array has it (GoBad reads as
/// Undetermined).
const GO_STATE_OF_STATUS: [GoState; 5] = [
    GoState::Undetermined,
    GoState::Runnable,
    GoState::Running,
    GoState::Syscall,
    GoState::Waiting,
];

/// Wire proc status to `ProcState` (Syscall counts as Running, SyscallAbandoned as Idle).
const PROC_STATE_OF_STATUS: [ProcState; 5] = [
    ProcState::Undetermined,
    ProcState::Running,
    ProcState::Idle,
    ProcState::Running,
    ProcState::Idle,
];

/// Go's `array[index]`: the element, or Go's panic past the end.
fn go_index<T: Copy>(array: &[T], index: u64) -> Result<T, GoPanic> {
    usize::try_from(index)
        .ok()
        .and_then(|i| array.get(i).copied())
        .ok_or_else(|| GoPanic::index_out_of_range(index, array.len()))
}

/// Wire `ProcSyscallAbandoned`.
const PROC_SYSCALL_ABANDONED: u8 = 4;

/// Go's `Event.StateTransition()`.
pub fn state_transition(event: &Event, profile: Toolchain) -> Result<StateTransition<'_>, GoPanic> {
    use GoState::{NotExist, Runnable, Running, Syscall, Waiting};
    expect_kind(
        event,
        profile,
        &[EventKind::StateTransition],
        "StateTransition",
    )?;
    let ctx = event.ctx;
    let args = &event.args;
    let go = |id: i64, old: GoState, new: GoState| StateTransition {
        resource: ResourceId::Goroutine(id),
        old: State::Goroutine(old),
        new: State::Goroutine(new),
        reason: &[],
        stack: Stack::none(profile),
    };
    let proc = |id: i64, old: ProcState, new: ProcState| StateTransition {
        resource: ResourceId::Proc(id),
        old: State::Proc(old),
        new: State::Proc(new),
        reason: &[],
        stack: Stack::none(profile),
    };
    // Go 1.22 to 1.25 also give GoDestroy and GoSyscallEnd(Blocked) the event's own stack
    // as their transition stack; those events carry no stack, so it is always NoStack.
    let own_stack = || stack(event, profile);
    let t = match event.ty {
        ev::PROC_START => proc(args[0] as i64, ProcState::Idle, ProcState::Running),
        ev::PROC_STOP => proc(ctx.p, ProcState::Running, ProcState::Idle),
        ev::PROC_STEAL => {
            // A steal that advanced past SyscallAbandoned lost track of the P: Go shows it
            // as idle before as well as after.
            let old = if event.extra()[0] as u8 == PROC_SYSCALL_ABANDONED {
                ProcState::Idle
            } else {
                ProcState::Running
            };
            proc(args[0] as i64, old, ProcState::Idle)
        }
        ev::PROC_STATUS => {
            let new = go_index(&PROC_STATE_OF_STATUS, args[1])?;
            let old = ProcState::from_raw(event.extra()[0] as u8);
            proc(args[0] as i64, old, new)
        }
        ev::GO_CREATE | ev::GO_CREATE_BLOCKED => {
            let new = if event.ty == ev::GO_CREATE {
                Runnable
            } else {
                Waiting
            };
            StateTransition {
                // The new goroutine's stack is a handle even when its id is 0.
                stack: Stack::of(event, args[1], profile),
                ..go(args[0] as i64, NotExist, new)
            }
        }
        ev::GO_CREATE_SYSCALL => go(args[0] as i64, NotExist, Syscall),
        ev::GO_START => go(args[0] as i64, Runnable, Running),
        ev::GO_DESTROY | ev::GO_SYSCALL_END | ev::GO_SYSCALL_END_BLOCKED => {
            let (old, new) = match event.ty {
                ev::GO_DESTROY => (Running, NotExist),
                ev::GO_SYSCALL_END => (Syscall, Running),
                _ => (Syscall, Runnable),
            };
            let stack = if profile <= Toolchain::Go1_25 {
                own_stack()?
            } else {
                Stack::none(profile)
            };
            StateTransition {
                stack,
                ..go(ctx.g, old, new)
            }
        }
        ev::GO_DESTROY_SYSCALL => go(ctx.g, Syscall, NotExist),
        ev::GO_STOP | ev::GO_BLOCK => {
            let new = if event.ty == ev::GO_STOP {
                Runnable
            } else {
                Waiting
            };
            StateTransition {
                reason: string(table(event)?, args[0])?,
                stack: own_stack()?,
                ..go(ctx.g, Running, new)
            }
        }
        // GoSwitch and GoSwitchDestroy start by unblocking the goroutine they name.
        ev::GO_UNBLOCK | ev::GO_SWITCH | ev::GO_SWITCH_DESTROY => {
            go(args[0] as i64, Waiting, Runnable)
        }
        ev::GO_SYSCALL_BEGIN => StateTransition {
            stack: own_stack()?,
            ..go(ctx.g, Running, Syscall)
        },
        _ => {
            // GoStatus and GoStatusStack.
            let (old, status) = if profile >= Toolchain::Go1_25 {
                (args[2] >> 32, args[2] & 0xffff_ffff)
            } else {
                (event.extra()[0], args[2])
            };
            let new = go_index(&GO_STATE_OF_STATUS, status)?;
            let stack = if profile >= Toolchain::Go1_26 {
                own_stack()?
            } else {
                Stack::none(profile)
            };
            StateTransition {
                stack,
                ..go(args[0] as i64, GoState::from_raw(old as u8), new)
            }
        }
    };
    Ok(t)
}

/// A wall-clock time as Go's `time.Unix(sec, nsec)` holds it (nanoseconds normalised into
/// `0..1e9`). Printed in UTC: the harness runs Go with `TZ=UTC`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WallTime {
    /// Seconds since the Unix epoch.
    pub unix_sec: i64,
    /// Nanoseconds within the second.
    pub nsec: i64,
}

/// Seconds from 0001-01-01 to the Unix epoch (Go's `unixToInternal`).
const UNIX_TO_INTERNAL: i64 = 62_135_596_800;

impl WallTime {
    /// `time.Unix(int64(sec), int64(nsec))`, with Go's wrapping arithmetic.
    pub fn from_unix(sec: u64, nsec: u64) -> WallTime {
        let (sec, nsec) = (sec as i64, nsec as i64);
        WallTime {
            unix_sec: sec.wrapping_add(nsec.div_euclid(1_000_000_000)),
            nsec: nsec.rem_euclid(1_000_000_000),
        }
    }

    /// Go's internal seconds since year 1, wrapping as Go's `int64` addition does.
    fn internal_sec(self) -> i64 {
        self.unix_sec.wrapping_add(UNIX_TO_INTERNAL)
    }

    /// Go's `Time.IsZero()`: 0001-01-01 00:00:00 UTC.
    pub fn is_zero(self) -> bool {
        self.internal_sec() == 0 && self.nsec == 0
    }

    /// Go's `Time.After(other)`.
    pub fn after(self, other: WallTime) -> bool {
        (self.internal_sec(), self.nsec) > (other.internal_sec(), other.nsec)
    }

    /// RFC 3339 with nanoseconds, trailing zeros dropped (Go's `time.RFC3339Nano`).
    pub fn rfc3339_nano(self) -> String {
        let as_snapshot = generation::ClockSnapshot {
            ticks: 0,
            mono: 0,
            sec: self.unix_sec as u64,
            nsec: self.nsec as u64,
        };
        as_snapshot.wall_rfc3339_nano()
    }

    /// RFC 3339 without fractional seconds (Go's `time.RFC3339`).
    pub fn rfc3339(self) -> String {
        let nano = self.rfc3339_nano();
        match (nano.find('.'), nano.rfind('Z')) {
            (Some(dot), Some(zone)) if dot < zone => format!("{}{}", &nano[..dot], &nano[zone..]),
            _ => nano,
        }
    }
}

impl fmt::Display for WallTime {
    /// Go's `Time.String()` in UTC: `2025-02-28 15:04:09.000000123 +0000 UTC`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nano = self.rfc3339_nano();
        let body = nano
            .strip_suffix('Z')
            .unwrap_or(&nano)
            .replacen('T', " ", 1);
        write!(f, "{body} +0000 UTC")
    }
}

/// Go's `ClockSnapshot`: one reading of three clocks, taken when a generation began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockSnapshot {
    /// The trace clock, in nanoseconds.
    pub trace: i64,
    /// The wall clock.
    pub wall: WallTime,
    /// The monotonic clock.
    pub mono: u64,
}

/// Go's `Sync`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sync<'e> {
    /// This is the N-th Sync of the trace.
    pub n: i64,
    /// The generation's clock snapshot (go 1.25+ traces; `None` for the final Sync).
    pub clock_snapshot: Option<ClockSnapshot>,
    /// The generation's experimental batches, by experiment name.
    pub experimental_batches: BTreeMap<&'static str, Vec<&'e ExperimentalBatch>>,
}

/// Experiments Go 1.25+ knows by name, by id (`tracev2.Experiments()`).
const EXPERIMENTS: [&str; 2] = ["None", "AllocFree"];

/// Go 1.25+'s `Event.Sync()`. Go 1.22 and 1.23 have no such method; for them only `n` is
/// filled in.
pub fn sync(event: &Event, profile: Toolchain) -> Result<Sync<'_>, GoPanic> {
    expect_kind(event, profile, &[EventKind::Sync], "Sync")?;
    // Go converts N to a signed int.
    let mut sync = Sync {
        n: event.args[0] as i64,
        clock_snapshot: None,
        experimental_batches: BTreeMap::new(),
    };
    let Some(table) = event
        .table
        .as_deref()
        .filter(|_| profile >= Toolchain::Go1_25)
    else {
        return Ok(sync);
    };
    let generation = &table.generation;
    // Go names every batch's experiment; it walks a map, so with several unknown ids it
    // may panic on another one than the lowest.
    if let Some(exp) = generation
        .experimental
        .iter()
        .map(|batch| batch.exp)
        .filter(|&exp| usize::from(exp) >= EXPERIMENTS.len())
        .min()
    {
        return Err(GoPanic::index_out_of_range(exp.into(), EXPERIMENTS.len()));
    }
    for batch in &generation.experimental {
        sync.experimental_batches
            .entry(EXPERIMENTS[usize::from(batch.exp)])
            .or_default()
            .push(batch);
    }
    sync.clock_snapshot = generation.clock.map(|clock| ClockSnapshot {
        trace: generation.ticks_to_ns(clock.ticks),
        wall: WallTime::from_unix(clock.sec, clock.nsec),
        mono: clock.mono,
    });
    Ok(sync)
}

/// Go's `ExperimentalEvent`: an experimental event's raw arguments and their names.
#[derive(Clone, Copy, Debug)]
pub struct ExperimentalEvent<'e> {
    /// The event's name.
    pub name: &'static str,
    /// The experiment it belongs to (Go 1.25+ names it; `None` otherwise).
    pub experiment: &'static str,
    /// The arguments' names, in wire order.
    pub arg_names: &'static [&'static str],
    /// The arguments' raw values.
    pub args: &'e [u64],
    table: Option<&'e EvTable>,
}

impl<'e> ExperimentalEvent<'e> {
    /// Go 1.25+'s `ArgValue(i)`: an argument whose name ends in `string` is a string id.
    pub fn arg_value(&self, i: usize) -> Result<Value<'e>, GoPanic> {
        let (Some(name), Some(&raw)) = (self.arg_names.get(i), self.args.get(i)) else {
            return Err(GoPanic {
                message: format!(
                    "experimental event argument index {i} out of bounds [0, {})",
                    self.arg_names.len()
                ),
            });
        };
        if name.ends_with("string") {
            let table = self.table.ok_or_else(GoPanic::nil_table)?;
            return Ok(Value::String(string(table, raw)?));
        }
        Ok(Value::Uint64(raw))
    }
}

/// Go's `Event.Experimental()`. Go 1.23 also fetches the experiment's data from the table,
/// so it panics without one.
pub fn experimental(event: &Event, profile: Toolchain) -> Result<ExperimentalEvent<'_>, GoPanic> {
    expect_kind(event, profile, &[EventKind::Experimental], "Experimental")?;
    let table = event.table.as_deref();
    if profile == Toolchain::Go1_23 && table.is_none() {
        return Err(GoPanic::nil_table());
    }
    let spec = spec::spec(event.ty);
    let arg_names = &spec.args[1..];
    let experiment = match spec.experiment {
        Some(Experiment::AllocFree) => EXPERIMENTS[Experiment::AllocFree as usize],
        None => EXPERIMENTS[0],
    };
    Ok(ExperimentalEvent {
        name: spec.name,
        experiment,
        arg_names,
        args: &event.args[..arg_names.len()],
        table,
    })
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::event::SchedCtx;
    use crate::generation::Generation;
    use crate::spec::MAX_ARGS;
    use crate::version::Version;
    use Toolchain::{Go1_22, Go1_25, Go1_26, Go1_27};

    fn event(ty: u8, args: &[u64], table: Option<&Rc<EvTable>>) -> Event {
        let mut all = [0; MAX_ARGS];
        all[..args.len()].copy_from_slice(args);
        Event {
            ctx: SchedCtx { g: 1, p: 0, m: 7 },
            ty,
            time: 1,
            args: all,
            table: table.cloned(),
        }
    }

    fn table_with(strings: &[(u64, &str)], stacks: &[(u64, Vec<Frame>)]) -> Rc<EvTable> {
        let mut generation = Generation::default();
        generation.ns_per_tick = 1.0;
        for &(id, s) in strings {
            generation.strings.insert(id, s.as_bytes().to_vec());
        }
        for (id, frames) in stacks {
            for frame in frames {
                generation.frames_by_pc.entry(frame.pc).or_insert(*frame);
            }
            generation.stacks.insert(*id, frames.clone());
        }
        Rc::new(EvTable::new(generation, Version::Go126))
    }

    #[test]
    fn accessors_of_another_kind_panic_with_go_message() {
        let table = table_with(&[(1, "x")], &[]);
        let label = event(ev::GO_LABEL, &[1], Some(&table));
        assert_eq!(
            metric(&label, Go1_27).unwrap_err().message,
            "Metric called on non-Metric event"
        );
        assert_eq!(
            range_attributes(&label, Go1_27).unwrap_err().message,
            "Range called on non-Range event"
        );
        assert_eq!(
            state_transition(&label, Go1_27).unwrap_err().message,
            "StateTransition called on non-StateTransition event"
        );
        assert_eq!(label_of(&label), (b"x".to_vec(), ResourceId::Goroutine(1)));
    }

    fn label_of(e: &Event) -> (Vec<u8>, ResourceId) {
        let l = label(e, Go1_26).unwrap();
        (l.label.to_vec(), l.resource)
    }

    #[test]
    fn transitions_carry_go_states_and_stacks() {
        let frame = |pc, func, file, line| Frame {
            pc,
            func,
            file,
            line,
        };
        let table = table_with(
            &[(1, "chan receive"), (2, "main.f"), (3, "f.go")],
            &[(4, vec![frame(0x10, 2, 3, 9)])],
        );
        let block = event(ev::GO_BLOCK, &[1, 4], Some(&table));
        let t = state_transition(&block, Go1_27).unwrap();
        assert_eq!(t.resource, ResourceId::Goroutine(1));
        assert_eq!(t.goroutine(), Some((GoState::Running, GoState::Waiting)));
        assert_eq!(t.proc(), None);
        assert_eq!(t.reason, b"chan receive");
        assert_eq!(t.stack, stack(&block, Go1_27).unwrap());
        let frames = t.stack.frames().unwrap();
        assert_eq!(
            frames,
            vec![StackFrame {
                pc: 0x10,
                func: b"main.f",
                file: b"f.go",
                line: 9
            }]
        );
        // GoStatusStack gets its own stack as transition stack from Go 1.26 on.
        let status = event(ev::GO_STATUS_STACK, &[2, 7, 3 << 32 | 2, 4], Some(&table));
        let t = state_transition(&status, Go1_25).unwrap();
        assert!(t.stack.is_no_stack());
        assert_eq!(t.goroutine(), Some((GoState::Running, GoState::Running)));
        let t = state_transition(&status, Go1_26).unwrap();
        assert_eq!(t.stack.id(), 4);
        // An unnamed old state compares by value and prints Bad.
        let odd = event(ev::PROC_STATUS, &[3, 2, 9], Some(&table));
        let t = state_transition(&odd, Go1_27).unwrap();
        assert_eq!(t.proc(), Some((ProcState::Bad(9), ProcState::Idle)));
        assert_eq!(t.old.name(), "Bad");
        assert!(!t.new.executing());
    }

    #[test]
    fn stack_handles_compare_table_and_id() {
        let table = table_with(&[], &[(1, vec![])]);
        let other = table_with(&[], &[(1, vec![])]);
        let a = event(ev::CPU_SAMPLE, &[1], Some(&table));
        let b = event(ev::CPU_SAMPLE, &[1], Some(&other));
        let none = event(ev::CPU_SAMPLE, &[0], None);
        assert_ne!(stack(&a, Go1_27).unwrap(), stack(&b, Go1_27).unwrap());
        assert!(stack(&none, Go1_27).unwrap().is_no_stack());
        assert_eq!(stack(&none, Go1_27).unwrap(), Stack::none(Go1_25));
        let missing = event(ev::CPU_SAMPLE, &[5], Some(&table));
        assert_eq!(
            stack(&missing, Go1_27)
                .unwrap()
                .frames()
                .unwrap_err()
                .message,
            "expected id 5 in trace.stack table"
        );
        let switch = event(ev::GO_SWITCH, &[1, 1], Some(&table));
        assert_eq!(
            stack(&switch, Go1_22).unwrap_err().message,
            "runtime error: index out of range [45] with length 45"
        );
    }

    #[test]
    fn wall_times_follow_go_time() {
        let wall = WallTime::from_unix(1740755049, 123);
        assert_eq!(wall.rfc3339_nano(), "2025-02-28T15:04:09.000000123Z");
        assert_eq!(wall.rfc3339(), "2025-02-28T15:04:09Z");
        assert_eq!(wall.to_string(), "2025-02-28 15:04:09.000000123 +0000 UTC");
        assert!(WallTime::from_unix(1740755050, 0).after(wall));
        assert!(!wall.after(wall));
        assert!(!wall.is_zero());
        assert!(WallTime::from_unix((-UNIX_TO_INTERNAL) as u64, 0).is_zero());
        // Nanoseconds past a second carry into the seconds, as in Go.
        assert_eq!(
            WallTime::from_unix(0, 1_500_000_000),
            WallTime {
                unix_sec: 1,
                nsec: 500_000_000
            }
        );
    }

    #[test]
    fn values_print_per_release() {
        assert_eq!(&*Value::Uint64(8).to_go_bytes(Go1_22), b"Uint64(8)");
        assert_eq!(&*Value::Uint64(8).to_go_bytes(Go1_25), b"Value{Uint64(8)}");
        assert_eq!(&*Value::Bad.to_go_bytes(Go1_26), b"Value{Bad}");
        assert_eq!(&*Value::String(b"s\xff").to_go_bytes(Go1_27), b"s\xff");
    }

    #[test]
    fn experimental_arguments_out_of_bounds_panic() {
        let table = table_with(&[], &[]);
        let span = event(ev::SPAN, &[1, 2, 3], Some(&table));
        let e = experimental(&span, Go1_27).unwrap();
        assert_eq!(e.experiment, "AllocFree");
        assert_eq!(e.arg_value(2).unwrap(), Value::Uint64(3));
        assert_eq!(
            e.arg_value(3).unwrap_err().message,
            "experimental event argument index 3 out of bounds [0, 3)"
        );
    }
}
