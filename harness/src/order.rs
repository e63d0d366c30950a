//! The orderer: turns each generation's per-thread batches into one stream of events in
//! the order Go's parser (`internal/trace`) hands them out, with the same synthetic events,
//! the same time fix-ups and the same errors. Go 1.25 to 1.27 order identically; Go 1.22 and
//! 1.23 differ in where Syncs go (after each generation), how a goroutine's old state is
//! stored, where Go 1.22 puts the steal it adds for GoDestroySyscall (after it), their event
//! tables and names in messages, and in starting their cursors in Go map order (random;
//! here: the order each thread first appears), which only matters for equal times.
//!
//! Each thread's batches are read by a cursor; cursors sit in a min-heap keyed by the time
//! of their next event. The state machine tries the earliest event first and, when its
//! preconditions (sequence numbers, states) are not met yet, the others in time order.

use std::borrow::Cow;
use std::collections::VecDeque;

use rustc_hash::FxHashMap as HashMap;
use std::io::Read;
use std::rc::Rc;
use std::sync::OnceLock;

use crate::error::{Error, ErrorKind, Result};
use crate::event::{EvTable, Event, SchedCtx, EV_SYNC, NONE};
use crate::event_queue::EventQueue;
use crate::generation::{Batch, CpuSample, GenerationReader, TickScale};
use crate::idmap::{IdMap, IdSet, Place};
use crate::spec::{ev, spec, EventType, WireTable, MAX_ARGS};
use crate::varint;
use crate::version::{Toolchain, Version};

/// The class of an ordering failure; the message carries Go's exact wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderClass {
    /// An event that cannot be read from its batch.
    BadEvent,
    /// A status value outside the wire enum.
    InvalidStatus,
    /// A status that contradicts what is known.
    InconsistentStatus,
    /// An event about a goroutine, proc or thread that is not known.
    UnknownResource,
    /// An event for a resource in the wrong state.
    WrongState,
    /// The thread lacks (or has) the goroutine, proc or thread the event needs.
    Context,
    /// A sequence number that cannot follow the previous one.
    Sequence,
    /// A proc steal that does not fit.
    Steal,
    /// A goroutine created twice, or a status for a new goroutine after the first generation.
    Creation,
    /// Task, region or range misuse.
    Annotation,
    /// GC phases out of order.
    GcState,
    /// An id that the generation's tables lack.
    TableId,
    /// No event can be ordered next.
    FailedToAdvance,
}

fn order_err(class: OrderClass, message: String) -> Error {
    Error::at(ErrorKind::Ordering { class, message }, 0)
}

/// Go's `GoState` values, as smuggled into events.
mod go_state {
    pub const UNDETERMINED: u64 = 0;
}

/// Go's `ProcState` values.
mod proc_state {
    pub const UNDETERMINED: u64 = 0;
    pub const NOT_EXIST: u64 = 1;
    pub const RUNNING: u64 = 2;
    pub const IDLE: u64 = 3;
}

/// Wire goroutine statuses.
mod go_status {
    pub const RUNNABLE: u64 = 1;
    pub const RUNNING: u64 = 2;
    pub const SYSCALL: u64 = 3;
    pub const WAITING: u64 = 4;
}

/// Wire proc statuses.
mod proc_status {
    pub const RUNNING: u64 = 1;
    pub const IDLE: u64 = 2;
    pub const SYSCALL: u64 = 3;
    pub const ABANDONED: u64 = 4;
}

/// Wire goroutine status to `GoState` (index by status; 5 entries as in Go).
const GO_STATUS_TO_STATE: [u64; 5] = [0, 2, 3, 5, 4];
/// Wire proc status to `ProcState`.
const PROC_STATUS_TO_STATE: [u64; 5] = [0, 2, 3, 2, 3];

fn go_status_name(s: u64) -> &'static str {
    match s {
        go_status::RUNNABLE => "Runnable",
        go_status::RUNNING => "Running",
        go_status::SYSCALL => "Syscall",
        go_status::WAITING => "Waiting",
        _ => "Bad",
    }
}

fn proc_status_name(s: u64, profile: Toolchain) -> &'static str {
    match s {
        proc_status::RUNNING => "Running",
        proc_status::IDLE => "Idle",
        proc_status::SYSCALL => "Syscall",
        proc_status::ABANDONED if profile >= Toolchain::Go1_27 => "SyscallAbandoned",
        _ => "Bad",
    }
}

/// How the parser of `profile` names an event type in its error messages: Go 1.22 and
/// 1.23 use their own table (an unnamed entry prints empty), later releases the trace
/// version's table, with `Invalid(N)` past it or for unnamed entries.
fn event_name(ty: EventType, profile: Toolchain, version: Version) -> Cow<'static, str> {
    let table = if profile < Toolchain::Go1_25 {
        WireTable::new(profile, profile.writes())
    } else {
        WireTable::new(Toolchain::Go1_27, version)
    };
    match table {
        Some(t) if (ty as usize) < t.len() => {
            let name = t.spec(ty).name;
            if name.is_empty() && profile >= Toolchain::Go1_25 {
                Cow::Owned(format!("Invalid({ty})"))
            } else {
                Cow::Borrowed(name)
            }
        }
        _ => Cow::Owned(format!("Invalid({ty})")),
    }
}

/// An event's name for messages, looked up when displayed.
#[derive(Clone, Copy)]
struct LazyName {
    ty: EventType,
    profile: Toolchain,
    version: Version,
}

impl std::fmt::Display for LazyName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&event_name(self.ty, self.profile, self.version))
    }
}

/// A sequence number qualified by its generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seq {
    gen: u64,
    seq: u64,
}

impl Seq {
    fn succeeds(self, prev: Seq) -> bool {
        self.gen == prev.gen && self.seq == prev.seq.wrapping_add(1)
    }
}

impl std::fmt::Display for Seq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (gen={})", self.seq, self.gen)
    }
}

/// A range kind: the event that begins it plus an optional subtype string id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RangeType {
    ty: EventType,
    desc: u64,
}

fn range_type(ty: EventType, desc: u64) -> RangeType {
    RangeType {
        ty: spec(ty).start_event.unwrap_or(ty),
        desc,
    }
}

impl std::fmt::Display for RangeType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{{} {}}}", self.ty, self.desc)
    }
}

#[derive(Default, Debug)]
struct Ranges {
    in_flight: Vec<RangeType>,
}

impl Ranges {
    fn begin(&mut self, r: RangeType) -> Result<()> {
        if self.in_flight.contains(&r) {
            let msg = format!(
                "discovered event already in-flight for when starting event {}",
                spec(r.ty).name
            );
            return Err(order_err(OrderClass::Annotation, msg));
        }
        self.in_flight.push(r);
        Ok(())
    }

    fn active(&mut self, r: RangeType, initial_gen: bool) -> Result<()> {
        if initial_gen {
            if self.in_flight.contains(&r) {
                let msg = format!("found named active range already in first gen: {r}");
                return Err(order_err(OrderClass::Annotation, msg));
            }
            self.in_flight.push(r);
        } else if !self.in_flight.contains(&r) {
            let list: Vec<String> = self.in_flight.iter().map(|r| r.to_string()).collect();
            let msg = format!(
                "resource is missing active range: {} [{}]",
                spec(r.ty).name,
                list.join(" ")
            );
            return Err(order_err(OrderClass::Annotation, msg));
        }
        Ok(())
    }

    /// Ends the range begun by `ty`'s start event; returns its subtype.
    fn end(&mut self, ty: EventType) -> Result<u64> {
        let start = spec(ty).start_event.unwrap_or(ev::NONE);
        let Some(idx) = self.in_flight.iter().position(|r| r.ty == start) else {
            let msg = format!("tried to end event {}, but not in-flight", spec(start).name);
            return Err(order_err(OrderClass::Annotation, msg));
        };
        Ok(self.in_flight.swap_remove(idx).desc)
    }
}

#[derive(Debug)]
struct GState {
    status: u64,
    seq: Seq,
    regions: Vec<(u64, Vec<u8>)>,
    ranges: Ranges,
}

#[derive(Debug)]
struct PState {
    status: u64,
    seq: Seq,
    ranges: Ranges,
}

#[derive(Clone, Copy, Debug)]
struct MState {
    g: i64,
    p: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Forbidden,
    Optional,
    Required,
}

#[derive(Clone, Copy)]
struct Reqs {
    m: Need,
    p: Need,
    g: Need,
}

const USER_GO_REQS: Reqs = reqs(Need::Required, Need::Required, Need::Required);

/// The thread, proc and goroutine an event needs.
const fn reqs(m: Need, p: Need, g: Need) -> Reqs {
    Reqs { m, p, g }
}

/// Whether `ctx` has what `reqs` asks for; the error is built apart, as few events fail.
#[inline(always)]
fn validate_ctx(ctx: SchedCtx, reqs: Reqs) -> Result<()> {
    let fits = |need: Need, id: i64| match need {
        Need::Required => id != NONE,
        Need::Forbidden => id == NONE,
        Need::Optional => true,
    };
    if fits(reqs.m, ctx.m) && fits(reqs.p, ctx.p) && fits(reqs.g, ctx.g) {
        return Ok(());
    }
    ctx_error(ctx, reqs)
}

#[cold]
fn ctx_error(ctx: SchedCtx, reqs: Reqs) -> Result<()> {
    let check = |need: Need, have: bool, what: &str| -> Result<()> {
        match (need, have) {
            (Need::Required, false) => Err(order_err(
                OrderClass::Context,
                format!("expected a {what} but didn't have one"),
            )),
            (Need::Forbidden, true) => Err(order_err(
                OrderClass::Context,
                format!("expected no {what} but had one"),
            )),
            _ => Ok(()),
        }
    };
    check(reqs.m, ctx.m != NONE, "thread")?;
    check(reqs.p, ctx.p != NONE, "proc")?;
    check(reqs.g, ctx.g != NONE, "goroutine")
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum GcState {
    Undetermined,
    NotRunning,
    Running,
}

/// An event as read from a batch: type, time, arguments after `dt`.
#[derive(Clone, Copy, Debug, Default)]
struct BaseEvent {
    ty: EventType,
    time: i64,
    args: [u64; MAX_ARGS],
}

/// Ends a step of [`Ordering::advance`]: when the event was ordered, thread `m` takes the
/// context the handler left it in.
#[inline(always)]
fn commit(step: Result<(SchedCtx, bool)>, m_states: &mut IdMap<MState>, m: i64) -> Result<bool> {
    let (new_ctx, ok) = step?;
    if ok && m != NONE {
        if let Some(ms) = m_states.get_mut(&m) {
            ms.p = new_ctx.p;
            ms.g = new_ctx.g;
        }
    }
    Ok(ok)
}

/// The ordering state machine (Go's `ordering`).
struct Ordering {
    profile: Toolchain,
    version: Version,
    g_states: IdMap<GState>,
    p_states: IdMap<PState>,
    m_states: IdMap<MState>,
    active_tasks: HashMap<u64, (Vec<u8>, u64)>,
    gc_seq: u64,
    gc_state: GcState,
    initial_gen: u64,
    /// Ordered and finished events not yet handed out, in order.
    queue: EventQueue,
}

impl Ordering {
    fn ev_name(&self, ty: EventType) -> Cow<'static, str> {
        event_name(ty, self.profile, self.version)
    }

    /// The event's name for an error message, computed only if one is written (it builds
    /// a wire table; events that order cleanly never need it).
    fn lazy_name(&self, ty: EventType) -> LazyName {
        LazyName {
            ty,
            profile: self.profile,
            version: self.version,
        }
    }

    #[inline(always)]
    fn push(&mut self, table: &Rc<EvTable>, ctx: SchedCtx, base: &BaseEvent) {
        self.queue.push(ctx, base.ty, base.time, base.args, table);
    }

    #[inline(always)]
    fn push_made(
        &mut self,
        table: &Rc<EvTable>,
        ctx: SchedCtx,
        ty: EventType,
        time: i64,
        args: &[u64],
    ) {
        self.queue.push(ctx, ty, time, made_args(args), table);
    }

    /// [`Ordering::advance`] for the plain case of the events that make up most of a busy
    /// trace without coroutines: a goroutine blocking or stopping (GoBlock, GoStop), being
    /// made runnable (GoUnblock) or started (GoStart), on a thread with a known state and
    /// every state as expected. Orders it as the dispatcher would, with one lookup of the
    /// thread and one of the goroutine; `None` when anything else holds (including a
    /// GoStart or GoUnblock that must wait), having changed nothing, so that the
    /// dispatcher takes the event and reports or orders it.
    #[inline(always)]
    fn advance_plain(
        &mut self,
        ev: &BaseEvent,
        table: &Rc<EvTable>,
        m: i64,
        gen: u64,
    ) -> Option<()> {
        if self.initial_gen == 0 || m == NONE {
            return None;
        }
        let (m_place, MState { g: cur_g, p }) = self.thread_with_proc(m)?;
        let ctx = SchedCtx { g: cur_g, p, m };
        let new_g = self.plain_step(ev, ev.time, table, ctx, gen)?;
        if let Some(ms) = self.m_states.at_place_mut(m_place) {
            ms.g = new_g;
        }
        Some(())
    }

    /// Where thread `m`'s entry is and what it holds, if it has one and runs on a proc:
    /// the state every shortcut starts from.
    #[inline(always)]
    fn thread_with_proc(&self, m: i64) -> Option<(Place, MState)> {
        let (place, &state) = self.m_states.find(m)?;
        (state.p != NONE).then_some((place, state))
    }

    /// The goroutine half of [`Ordering::advance_plain`], for thread context `ctx` (a
    /// known thread with a proc): checks and moves the goroutine and queues the event at
    /// `time`; returns the goroutine the thread runs after it, or `None`, having changed
    /// nothing. The caller stores that goroutine in the thread's entry.
    #[inline(always)]
    fn plain_step(
        &mut self,
        ev: &BaseEvent,
        time: i64,
        table: &Rc<EvTable>,
        ctx: SchedCtx,
        gen: u64,
    ) -> Option<i64> {
        let cur_g = ctx.g;
        let new_g = match ev.ty {
            // No goroutine is the dispatcher's error, even if a goroutine took id -1.
            ev::GO_BLOCK | ev::GO_STOP if cur_g != NONE => {
                let s = self.g_states.get_mut(&cur_g)?;
                if s.status != go_status::RUNNING {
                    return None;
                }
                s.status = if ev.ty == ev::GO_STOP {
                    go_status::RUNNABLE
                } else {
                    go_status::WAITING
                };
                NONE
            }
            ev::GO_START if cur_g == NONE => {
                let gid = ev.args[0] as i64;
                let seq = Seq {
                    gen,
                    seq: ev.args[1],
                };
                let s = self.g_states.get_mut(&gid)?;
                if s.status != go_status::RUNNABLE || !seq.succeeds(s.seq) {
                    return None;
                }
                s.status = go_status::RUNNING;
                s.seq = seq;
                gid
            }
            ev::GO_UNBLOCK => {
                let seq = Seq {
                    gen,
                    seq: ev.args[1],
                };
                let s = self.g_states.get_mut(&(ev.args[0] as i64))?;
                if s.status != go_status::WAITING || !seq.succeeds(s.seq) {
                    return None;
                }
                s.status = go_status::RUNNABLE;
                s.seq = seq;
                cur_g
            }
            _ => return None,
        };
        self.queue.push(ctx, ev.ty, time, ev.args, table);
        Some(new_g)
    }

    /// Tries to order `ev`, read from thread `m` in generation `gen`. `Ok(false)`: not yet.
    fn advance(
        &mut self,
        ev: &mut BaseEvent,
        table: &Rc<EvTable>,
        m: i64,
        gen: u64,
    ) -> Result<bool> {
        if self.initial_gen == 0 {
            self.initial_gen = gen;
        }
        let mut cur = SchedCtx {
            g: NONE,
            p: NONE,
            m,
        };
        if m != NONE {
            let ms = self.m_states.get_or_insert(m, MState { g: NONE, p: NONE });
            cur.p = ms.p;
            cur.g = ms.g;
        }
        // Each arm commits its own step: with one merge point for the handlers' results,
        // the context went through the stack in pieces and was read back whole (a
        // store-forwarding stall on every event).
        macro_rules! step {
            ($this:ident . $handler:ident ( $($arg:expr),* )) => {
                commit($this.$handler($($arg),*), &mut $this.m_states, m)
            };
        }
        match ev.ty {
            ev::PROCS_CHANGE | ev::GO_LABEL | ev::USER_LOG => {
                step!(self.annotation(ev, table, cur))
            }
            ev::PROC_START => step!(self.proc_start(ev, table, gen, cur)),
            ev::PROC_STOP => step!(self.proc_stop(ev, table, cur)),
            ev::PROC_STEAL => step!(self.proc_steal(ev, table, gen, cur)),
            ev::PROC_STATUS => step!(self.proc_status(ev, table, gen, cur)),
            ev::GO_CREATE | ev::GO_CREATE_BLOCKED => step!(self.go_create(ev, table, gen, cur)),
            ev::GO_CREATE_SYSCALL => step!(self.go_create_syscall(ev, table, gen, cur)),
            ev::GO_START => step!(self.go_start(ev, table, gen, cur)),
            ev::GO_DESTROY | ev::GO_STOP | ev::GO_BLOCK => step!(self.go_stop_exec(ev, table, cur)),
            ev::GO_DESTROY_SYSCALL => step!(self.go_destroy_syscall(ev, table, cur)),
            ev::GO_UNBLOCK => step!(self.go_unblock(ev, table, gen, cur)),
            ev::GO_SYSCALL_BEGIN => step!(self.go_syscall_begin(ev, table, gen, cur)),
            ev::GO_SYSCALL_END => step!(self.go_syscall_end(ev, table, cur)),
            ev::GO_SYSCALL_END_BLOCKED => step!(self.go_syscall_end_blocked(ev, table, cur)),
            ev::GO_STATUS | ev::GO_STATUS_STACK => step!(self.go_status(ev, table, gen, cur)),
            ev::STW_BEGIN | ev::GC_MARK_ASSIST_BEGIN => step!(self.go_range_begin(ev, table, cur)),
            ev::STW_END | ev::GC_MARK_ASSIST_END => step!(self.go_range_end(ev, table, cur)),
            ev::GC_MARK_ASSIST_ACTIVE => step!(self.go_range_active(ev, table, gen, cur)),
            ev::GC_ACTIVE => step!(self.gc_active(ev, table, gen, cur)),
            ev::GC_BEGIN => step!(self.gc_begin(ev, table, cur)),
            ev::GC_END => step!(self.gc_end(ev, table, cur)),
            ev::GC_SWEEP_ACTIVE => step!(self.gc_sweep_active(ev, table, gen, cur)),
            ev::GC_SWEEP_BEGIN => step!(self.gc_sweep_begin(ev, table, cur)),
            ev::GC_SWEEP_END => step!(self.gc_sweep_end(ev, table, cur)),
            ev::HEAP_ALLOC | ev::HEAP_GOAL => step!(self.heap_metric(ev, table, cur)),
            ev::USER_TASK_BEGIN => step!(self.task_begin(ev, table, cur)),
            ev::USER_TASK_END => step!(self.task_end(ev, table, cur)),
            ev::USER_REGION_BEGIN => step!(self.region(ev, table, cur, true)),
            ev::USER_REGION_END => step!(self.region(ev, table, cur, false)),
            ev::GO_SWITCH | ev::GO_SWITCH_DESTROY => step!(self.go_switch(ev, table, gen, cur)),
            ev::SPAN..=ev::GOROUTINE_STACK_FREE => step!(self.alloc_free(ev, table, cur)),
            other => {
                let msg = format!("bad event type found while ordering: {other}");
                Err(order_err(OrderClass::BadEvent, msg))
            }
        }
    }

    fn proc_status(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        mut cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let pid = ev.args[0] as i64;
        // Go keeps the status in a byte here (a larger number is read modulo 256), but its
        // event keeps the whole number, which Event.StateTransition then indexes with.
        let status = u64::from(ev.args[1] as u8);
        if status >= PROC_STATUS_TO_STATE.len() as u64 {
            let msg = format!("invalid status for proc {pid}: {status}");
            return Err(order_err(OrderClass::InvalidStatus, msg));
        }
        let mut old_state = PROC_STATUS_TO_STATE[status as usize];
        let profile = self.profile;
        if let Some(s) = self.p_states.get_mut(&pid) {
            if status == proc_status::ABANDONED && s.status == proc_status::SYSCALL {
                old_state = proc_state::RUNNING;
                ev.args[1] = proc_status::SYSCALL;
            } else if status == proc_status::ABANDONED && s.status == proc_status::ABANDONED {
                old_state = proc_state::IDLE;
                ev.args[1] = proc_status::ABANDONED;
            } else if s.status != status {
                let msg = format!(
                    "inconsistent status for proc {pid}: old {} vs. new {}",
                    proc_status_name(s.status, profile),
                    proc_status_name(status, profile)
                );
                return Err(order_err(OrderClass::InconsistentStatus, msg));
            }
            s.seq = Seq { gen, seq: 0 };
        } else {
            self.p_states.insert(
                pid,
                PState {
                    status,
                    seq: Seq { gen, seq: 0 },
                    ranges: Ranges::default(),
                },
            );
            old_state = if gen == self.initial_gen {
                proc_state::UNDETERMINED
            } else {
                proc_state::NOT_EXIST
            };
        }
        ev.args[2] = old_state; // the extra slot after ProcStatus's two arguments
        let mut new_ctx = cur;
        if status == proc_status::RUNNING || status == proc_status::SYSCALL {
            new_ctx.p = pid;
        }
        if status == proc_status::ABANDONED && old_state == proc_state::RUNNING {
            // The event is attributed to the thread that held the proc (Go scans its map;
            // with several candidates the last one it visits wins, here the highest id).
            let mut owners: Vec<(i64, &MState)> =
                self.m_states.iter().filter(|(_, ms)| ms.p == pid).collect();
            owners.sort_by_key(|(id, _)| *id);
            let Some(&(mid, ms)) = owners.last() else {
                let msg = format!(
                    "failed to find sched context for proc {pid} that's about to be stolen"
                );
                return Err(order_err(OrderClass::Steal, msg));
            };
            cur = SchedCtx {
                m: mid,
                p: pid,
                g: ms.g,
            };
        }
        self.push(t, cur, ev);
        Ok((new_ctx, true))
    }

    fn proc_start(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let pid = ev.args[0] as i64;
        let seq = Seq {
            gen,
            seq: ev.args[1],
        };
        match self.p_states.get(&pid) {
            Some(s) if s.status == proc_status::IDLE && seq.succeeds(s.seq) && cur.p == NONE => {}
            _ => return Ok((cur, false)),
        }
        validate_ctx(cur, reqs(Need::Required, Need::Forbidden, Need::Optional))?;
        let s = self.p_states.get_mut(&pid).expect("checked above");
        s.status = proc_status::RUNNING;
        s.seq = seq;
        self.push(t, cur, ev);
        Ok((SchedCtx { p: pid, ..cur }, true))
    }

    fn proc_stop(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let name = self.lazy_name(ev.ty);
        let profile = self.profile;
        let Some(s) = self.p_states.get_mut(&cur.p) else {
            let msg = format!("event {name} for proc ({}) that doesn't exist", cur.p);
            return Err(order_err(OrderClass::UnknownResource, msg));
        };
        if s.status != proc_status::RUNNING && s.status != proc_status::SYSCALL {
            let msg = format!(
                "{name} event for proc that's not {} or {}",
                proc_status_name(proc_status::RUNNING, profile),
                proc_status_name(proc_status::SYSCALL, profile)
            );
            return Err(order_err(OrderClass::WrongState, msg));
        }
        validate_ctx(cur, reqs(Need::Required, Need::Required, Need::Optional))?;
        if let Some(s) = self.p_states.get_mut(&cur.p) {
            s.status = proc_status::IDLE;
        }
        self.push(t, cur, ev);
        Ok((SchedCtx { p: NONE, ..cur }, true))
    }

    fn proc_steal(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let pid = ev.args[0] as i64;
        let seq = Seq {
            gen,
            seq: ev.args[1],
        };
        match self.p_states.get(&pid) {
            Some(s)
                if (s.status == proc_status::SYSCALL || s.status == proc_status::ABANDONED)
                    && seq.succeeds(s.seq) => {}
            _ => return Ok((cur, false)),
        }
        validate_ctx(cur, reqs(Need::Required, Need::Optional, Need::Optional))?;
        let s = self.p_states.get_mut(&pid).expect("checked above");
        let old = s.status;
        ev.args[3] = old; // extra slot after ProcSteal's three arguments
        s.status = proc_status::IDLE;
        s.seq = seq;
        if old == proc_status::ABANDONED {
            self.push(t, cur, ev);
            return Ok((cur, true));
        }
        let mid = ev.args[2] as i64;
        let mut new_ctx = cur;
        if mid == cur.m {
            if cur.p != pid {
                let msg = format!(
                    "tried to self-steal proc {pid} (thread {mid}), but got proc {} instead",
                    cur.p
                );
                return Err(order_err(OrderClass::Steal, msg));
            }
            new_ctx.p = NONE;
            self.push(t, cur, ev);
            return Ok((new_ctx, true));
        }
        let Some(ms) = self.m_states.get_mut(&mid) else {
            let msg = format!("stole proc from non-existent thread {mid}");
            return Err(order_err(OrderClass::Steal, msg));
        };
        if ms.p != pid {
            let msg = format!(
                "tried to steal proc {pid} from thread {mid}, but got proc {} instead",
                ms.p
            );
            return Err(order_err(OrderClass::Steal, msg));
        }
        ms.p = NONE;
        self.push(t, cur, ev);
        Ok((new_ctx, true))
    }

    fn go_status(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        mut cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let gid = ev.args[0] as i64;
        let mid = ev.args[1] as i64;
        // Go keeps the status in a byte here (a larger number is read modulo 256); before
        // Go 1.25 its event keeps the whole number, which Event.StateTransition indexes
        // with (Go 1.25+ writes the byte back, packed with the old state, below).
        let status = u64::from(ev.args[2] as u8);
        if status >= GO_STATUS_TO_STATE.len() as u64 {
            let msg = format!("invalid status for goroutine {gid}: {status}");
            return Err(order_err(OrderClass::InvalidStatus, msg));
        }
        let mut old_state = GO_STATUS_TO_STATE[status as usize];
        if let Some(s) = self.g_states.get_mut(&gid) {
            if s.status != status {
                let msg = format!(
                    "inconsistent status for goroutine {gid}: old {} vs. new {}",
                    go_status_name(s.status),
                    go_status_name(status)
                );
                return Err(order_err(OrderClass::InconsistentStatus, msg));
            }
            s.seq = Seq { gen, seq: 0 };
        } else if gen == self.initial_gen {
            let state = GState {
                status,
                seq: Seq { gen, seq: 0 },
                regions: Vec::new(),
                ranges: Ranges::default(),
            };
            self.g_states.insert(gid, state);
            old_state = go_state::UNDETERMINED;
        } else {
            let msg = format!(
                "found goroutine status for new goroutine after the first generation: id={gid} status={}",
                go_status_name(status)
            );
            return Err(order_err(OrderClass::Creation, msg));
        }
        if self.profile >= Toolchain::Go1_25 {
            // Go 1.25+ packs the old state above the wire status for the StateTransition.
            ev.args[2] = old_state << 32 | status;
        } else {
            // Older releases put it in the first slot after the event's own arguments.
            let own = spec(ev.ty).args.len() - 1;
            ev.args[own] = old_state;
        }
        let mut new_ctx = cur;
        match status {
            go_status::RUNNING => new_ctx.g = gid,
            go_status::SYSCALL => {
                if mid == NONE {
                    let msg = format!("found goroutine {gid} in syscall without a thread");
                    return Err(order_err(OrderClass::Context, msg));
                }
                if mid == cur.m {
                    if gen != self.initial_gen && cur.g != gid {
                        let msg = format!(
                            "inconsistent thread for syscalling goroutine {gid}: thread has goroutine {}",
                            cur.g
                        );
                        return Err(order_err(OrderClass::Context, msg));
                    }
                    new_ctx.g = gid;
                } else {
                    match self.m_states.get(&mid) {
                        Some(ms) => {
                            if ms.g != gid {
                                let msg = format!(
                                    "inconsistent thread for syscalling goroutine {gid}: thread has goroutine {}",
                                    ms.g
                                );
                                return Err(order_err(OrderClass::Context, msg));
                            }
                            cur.g = ms.g;
                        }
                        None => {
                            self.m_states.insert(mid, MState { g: gid, p: NONE });
                        }
                    }
                    cur.m = mid;
                }
            }
            _ => {}
        }
        self.push(t, cur, ev);
        Ok((new_ctx, true))
    }

    /// The current goroutine's state, with Go's errors when it is missing or not running.
    #[inline]
    fn running_g(&mut self, ty: EventType, cur: SchedCtx, want: u64) -> Result<()> {
        match self.g_states.get(&cur.g) {
            Some(s) if s.status == want => Ok(()),
            _ => self.not_running(ty, cur, want),
        }
    }

    #[cold]
    fn not_running(&self, ty: EventType, cur: SchedCtx, want: u64) -> Result<()> {
        let name = self.lazy_name(ty);
        let Some(s) = self.g_states.get(&cur.g) else {
            let msg = format!("event {name} for goroutine ({}) that doesn't exist", cur.g);
            return Err(order_err(OrderClass::UnknownResource, msg));
        };
        if s.status != want {
            let msg = if want == go_status::SYSCALL && ty == ev::GO_DESTROY_SYSCALL {
                format!("{name} event for goroutine that's not Syscall")
            } else {
                format!("{name} event for goroutine that's not Running")
            };
            return Err(order_err(OrderClass::WrongState, msg));
        }
        Ok(())
    }

    fn go_create(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, reqs(Need::Required, Need::Required, Need::Optional))?;
        if let Some(s) = self.g_states.get(&cur.g) {
            if s.status != go_status::RUNNING {
                let msg = format!(
                    "{} event for goroutine that's not Running",
                    self.ev_name(ev.ty)
                );
                return Err(order_err(OrderClass::WrongState, msg));
            }
        }
        let new_g = ev.args[0] as i64;
        if self.g_states.contains_key(&new_g) {
            let msg = format!("tried to create goroutine ({new_g}) that already exists");
            return Err(order_err(OrderClass::Creation, msg));
        }
        let status = if ev.ty == ev::GO_CREATE_BLOCKED {
            go_status::WAITING
        } else {
            go_status::RUNNABLE
        };
        let state = GState {
            status,
            seq: Seq { gen, seq: 0 },
            regions: Vec::new(),
            ranges: Ranges::default(),
        };
        self.g_states.insert(new_g, state);
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn go_stop_exec(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, USER_GO_REQS)?;
        if ev.ty == ev::GO_DESTROY {
            self.running_g(ev.ty, cur, go_status::RUNNING)?;
            self.g_states.remove(&cur.g);
        } else {
            // One lookup to check and set: a stop or block is a third of a busy trace.
            let status = if ev.ty == ev::GO_STOP {
                go_status::RUNNABLE
            } else {
                go_status::WAITING
            };
            match self.g_states.get_mut(&cur.g) {
                Some(s) if s.status == go_status::RUNNING => s.status = status,
                // Always an error: the goroutine is missing or not running.
                _ => self.not_running(ev.ty, cur, go_status::RUNNING)?,
            }
        }
        self.push(t, cur, ev);
        Ok((SchedCtx { g: NONE, ..cur }, true))
    }

    #[inline]
    fn set_g_status(&mut self, g: i64, status: u64) {
        if let Some(s) = self.g_states.get_mut(&g) {
            s.status = status;
        }
    }

    fn go_start(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let gid = ev.args[0] as i64;
        let seq = Seq {
            gen,
            seq: ev.args[1],
        };
        match self.g_states.get_mut(&gid) {
            Some(s) if s.status == go_status::RUNNABLE && seq.succeeds(s.seq) => {
                // The context is checked once the goroutine is known to be ready, as in Go.
                validate_ctx(cur, reqs(Need::Required, Need::Required, Need::Forbidden))?;
                s.status = go_status::RUNNING;
                s.seq = seq;
            }
            _ => return Ok((cur, false)),
        }
        self.push(t, cur, ev);
        Ok((SchedCtx { g: gid, ..cur }, true))
    }

    fn go_unblock(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let gid = ev.args[0] as i64;
        let seq = Seq {
            gen,
            seq: ev.args[1],
        };
        match self.g_states.get_mut(&gid) {
            Some(s) if s.status == go_status::WAITING && seq.succeeds(s.seq) => {
                s.status = go_status::RUNNABLE;
                s.seq = seq;
            }
            _ => return Ok((cur, false)),
        }
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn go_switch(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, USER_GO_REQS)?;
        let next_g = ev.args[0] as i64;
        let seq = Seq {
            gen,
            seq: ev.args[1],
        };
        // Both goroutines are looked up once and updated in place: the switch is most of
        // the events of a program that uses coroutines.
        let (cur_state, next_state) = self.g_states.get_two_mut(cur.g, next_g);
        let Some(cur_state) = cur_state.filter(|s| s.status == go_status::RUNNING) else {
            return self
                .not_running(ev.ty, cur, go_status::RUNNING)
                .map(|()| (cur, false));
        };
        let next_state = match next_state {
            Some(s) if s.status == go_status::WAITING && seq.succeeds(s.seq) => s,
            _ => return Ok((cur, false)),
        };
        next_state.status = go_status::RUNNING;
        next_state.seq = seq;
        let destroy = ev.ty == ev::GO_SWITCH_DESTROY;
        if !destroy {
            cur_state.status = go_status::WAITING;
        }
        self.push(t, cur, ev);
        if destroy {
            self.g_states.remove(&cur.g);
            self.push_made(t, cur, ev::GO_DESTROY, ev.time, &[]);
        } else {
            self.push_made(t, cur, ev::GO_BLOCK, ev.time, &[0, 0]);
        }
        let start_ctx = SchedCtx { g: NONE, ..cur };
        let start_args = [next_g as u64, ev.args[1]];
        self.push_made(t, start_ctx, ev::GO_START, ev.time, &start_args);
        Ok((SchedCtx { g: next_g, ..cur }, true))
    }

    fn go_syscall_begin(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, USER_GO_REQS)?;
        self.running_g(ev.ty, cur, go_status::RUNNING)?;
        self.set_g_status(cur.g, go_status::SYSCALL);
        let name = self.lazy_name(ev.ty);
        let Some(p) = self.p_states.get_mut(&cur.p) else {
            let msg = format!("uninitialized proc {} found during {name}", cur.p);
            return Err(order_err(OrderClass::UnknownResource, msg));
        };
        p.status = proc_status::SYSCALL;
        let p_seq = Seq {
            gen,
            seq: ev.args[0],
        };
        if !p_seq.succeeds(p.seq) {
            let msg = format!(
                "failed to advance {name}: can't make sequence: {} -> {p_seq}",
                p.seq
            );
            return Err(order_err(OrderClass::Sequence, msg));
        }
        p.seq = p_seq;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn go_syscall_end(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, USER_GO_REQS)?;
        self.running_g(ev.ty, cur, go_status::SYSCALL)?;
        self.set_g_status(cur.g, go_status::RUNNING);
        let name = self.lazy_name(ev.ty);
        let profile = self.profile;
        let Some(p) = self.p_states.get_mut(&cur.p) else {
            let msg = format!("uninitialized proc {} found during {name}", cur.p);
            return Err(order_err(OrderClass::UnknownResource, msg));
        };
        if p.status != proc_status::SYSCALL {
            let msg = format!(
                "expected proc {} in state {}, but got {} instead",
                cur.p,
                proc_status_name(proc_status::SYSCALL, profile),
                proc_status_name(p.status, profile)
            );
            return Err(order_err(OrderClass::WrongState, msg));
        }
        p.status = proc_status::RUNNING;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn go_syscall_end_blocked(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        if cur.p != NONE {
            let Some(p) = self.p_states.get(&cur.p) else {
                let msg = format!(
                    "uninitialized proc {} found during {}",
                    cur.p,
                    self.ev_name(ev.ty)
                );
                return Err(order_err(OrderClass::UnknownResource, msg));
            };
            if p.status == proc_status::SYSCALL {
                return Ok((cur, false));
            }
        }
        validate_ctx(cur, reqs(Need::Required, Need::Optional, Need::Required))?;
        self.running_g(ev.ty, cur, go_status::SYSCALL)?;
        self.set_g_status(cur.g, go_status::RUNNABLE);
        self.push(t, cur, ev);
        Ok((SchedCtx { g: NONE, ..cur }, true))
    }

    fn go_create_syscall(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, reqs(Need::Required, Need::Optional, Need::Forbidden))?;
        let new_g = ev.args[0] as i64;
        if self.g_states.contains_key(&new_g) {
            let msg = format!("tried to create goroutine ({new_g}) in syscall that already exists");
            return Err(order_err(OrderClass::Creation, msg));
        }
        let state = GState {
            status: go_status::SYSCALL,
            seq: Seq { gen, seq: 0 },
            regions: Vec::new(),
            ranges: Ranges::default(),
        };
        self.g_states.insert(new_g, state);
        self.push(t, cur, ev);
        Ok((SchedCtx { g: new_g, ..cur }, true))
    }

    fn go_destroy_syscall(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, reqs(Need::Required, Need::Optional, Need::Required))?;
        self.running_g(ev.ty, cur, go_status::SYSCALL)?;
        self.g_states.remove(&cur.g);
        let mut new_ctx = SchedCtx { g: NONE, ..cur };
        if cur.p != NONE {
            let name = self.lazy_name(ev.ty);
            let profile = self.profile;
            let Some(p) = self.p_states.get_mut(&cur.p) else {
                let msg = format!("found invalid proc {} during {name}", cur.p);
                return Err(order_err(OrderClass::UnknownResource, msg));
            };
            if p.status != proc_status::SYSCALL {
                let msg = format!(
                    "proc {} in unexpected state {} during {name}",
                    cur.p,
                    proc_status_name(p.status, profile)
                );
                return Err(order_err(OrderClass::WrongState, msg));
            }
            p.status = proc_status::ABANDONED;
            new_ctx.p = NONE;
            // Go adds a steal of the proc from this very thread: before the event from
            // Go 1.23 on, after it in Go 1.22.
            let steal = [cur.p as u64, 0, 0, proc_status::SYSCALL];
            if self.profile == Toolchain::Go1_22 {
                self.push(t, cur, ev);
                self.push_made(t, cur, ev::PROC_STEAL, ev.time, &steal);
                return Ok((new_ctx, true));
            }
            self.push_made(t, cur, ev::PROC_STEAL, ev.time, &steal);
        }
        self.push(t, cur, ev);
        Ok((new_ctx, true))
    }

    fn task_begin(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let id = ev.args[0];
        if self.active_tasks.contains_key(&id) {
            return Err(order_err(
                OrderClass::Annotation,
                format!("task ID conflict: {id}"),
            ));
        }
        let mut parent = ev.args[1];
        if parent == 0 {
            // The background task reads as "no task".
            parent = u64::MAX;
            ev.args[1] = u64::MAX;
        }
        let name_id = ev.args[2];
        let Some(name) = t.string(name_id) else {
            let msg = format!("invalid string ID {name_id} for {} event", ev.ty);
            return Err(order_err(OrderClass::TableId, msg));
        };
        self.active_tasks.insert(id, (name.to_vec(), parent));
        validate_ctx(cur, USER_GO_REQS)?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn task_end(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let id = ev.args[0];
        // Extra slots after UserTaskEnd's two arguments: parent, then the type name.
        match self.active_tasks.remove(&id) {
            Some((name, parent)) => {
                ev.args[2] = parent;
                ev.args[3] = t.add_extra_string(&name);
            }
            None => {
                ev.args[2] = u64::MAX;
                ev.args[3] = t.add_extra_string(b"");
            }
        }
        validate_ctx(cur, USER_GO_REQS)?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn region(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
        begin: bool,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, USER_GO_REQS)?;
        let task = ev.args[0];
        let name_id = ev.args[1];
        let Some(name) = t.string(name_id) else {
            let msg = format!("invalid string ID {name_id} for {} event", ev.ty);
            return Err(order_err(OrderClass::TableId, msg));
        };
        let which = if begin {
            "EvUserRegionBegin"
        } else {
            "EvUserRegionEnd"
        };
        let Some(g) = self.g_states.get_mut(&cur.g) else {
            let msg = format!(
                "encountered {which} without known state for current goroutine {}",
                cur.g
            );
            return Err(order_err(OrderClass::UnknownResource, msg));
        };
        let region = (task, name.to_vec());
        if begin {
            g.regions.push(region);
        } else if let Some(last) = g.regions.last() {
            if *last != region {
                let msg = format!(
                    "misuse of region in goroutine {}: region end {{{} {}}} when the inner-most active region start event is {{{} {}}}",
                    cur.g,
                    task,
                    String::from_utf8_lossy(name),
                    last.0,
                    String::from_utf8_lossy(&last.1)
                );
                return Err(order_err(OrderClass::Annotation, msg));
            }
            g.regions.pop();
        }
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn gc_active(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let seq = ev.args[0];
        if gen == self.initial_gen {
            if self.gc_state != GcState::Undetermined {
                let msg = "GCActive in the first generation isn't first GC event".to_string();
                return Err(order_err(OrderClass::GcState, msg));
            }
            self.gc_seq = seq;
            self.gc_state = GcState::Running;
            self.push(t, cur, ev);
            return Ok((cur, true));
        }
        if seq != self.gc_seq.wrapping_add(1) {
            return Ok((cur, false));
        }
        if self.gc_state != GcState::Running {
            let msg = "encountered GCActive while GC was not in progress".to_string();
            return Err(order_err(OrderClass::GcState, msg));
        }
        self.gc_seq = seq;
        validate_ctx(cur, USER_GO_REQS)?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn gc_begin(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let seq = ev.args[0];
        if self.gc_state == GcState::Undetermined {
            self.gc_seq = seq;
            self.gc_state = GcState::Running;
            self.push(t, cur, ev);
            return Ok((cur, true));
        }
        if seq != self.gc_seq.wrapping_add(1) {
            return Ok((cur, false));
        }
        if self.gc_state == GcState::Running {
            let msg = "encountered GCBegin while GC was already in progress".to_string();
            return Err(order_err(OrderClass::GcState, msg));
        }
        self.gc_seq = seq;
        self.gc_state = GcState::Running;
        validate_ctx(cur, USER_GO_REQS)?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn gc_end(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let seq = ev.args[0];
        if seq != self.gc_seq.wrapping_add(1) {
            return Ok((cur, false));
        }
        match self.gc_state {
            GcState::NotRunning => {
                let msg = "encountered GCEnd when GC was not in progress".to_string();
                return Err(order_err(OrderClass::GcState, msg));
            }
            GcState::Undetermined => {
                let msg = "encountered GCEnd when GC was in an undetermined state".to_string();
                return Err(order_err(OrderClass::GcState, msg));
            }
            GcState::Running => {}
        }
        self.gc_seq = seq;
        self.gc_state = GcState::NotRunning;
        validate_ctx(cur, USER_GO_REQS)?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn annotation(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, USER_GO_REQS)?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn heap_metric(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, reqs(Need::Required, Need::Required, Need::Optional))?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    /// Go dereferences the proc's state without checking it; a missing one would crash Go.
    fn proc_ranges(&mut self, p: i64) -> Result<&mut Ranges> {
        match self.p_states.get_mut(&p) {
            Some(s) => Ok(&mut s.ranges),
            None => Err(order_err(
                OrderClass::UnknownResource,
                format!("no state for proc {p} (Go would crash here)"),
            )),
        }
    }

    fn gc_sweep_begin(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, reqs(Need::Required, Need::Required, Need::Optional))?;
        self.proc_ranges(cur.p)?.begin(range_type(ev.ty, 0))?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn gc_sweep_active(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let pid = ev.args[0] as i64;
        let initial = gen == self.initial_gen;
        let Some(p) = self.p_states.get_mut(&pid) else {
            let msg = format!("encountered GCSweepActive for unknown proc {pid}");
            return Err(order_err(OrderClass::UnknownResource, msg));
        };
        p.ranges.active(range_type(ev.ty, 0), initial)?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn gc_sweep_end(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, reqs(Need::Required, Need::Required, Need::Optional))?;
        self.proc_ranges(cur.p)?.end(ev.ty)?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn go_range_begin(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, USER_GO_REQS)?;
        let desc = if ev.ty == ev::STW_BEGIN {
            ev.args[0]
        } else {
            0
        };
        let Some(g) = self.g_states.get_mut(&cur.g) else {
            let msg = format!(
                "encountered event of type {} without known state for current goroutine {}",
                ev.ty, cur.g
            );
            return Err(order_err(OrderClass::UnknownResource, msg));
        };
        g.ranges.begin(range_type(ev.ty, desc))?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn go_range_active(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        gen: u64,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        let gid = ev.args[0] as i64;
        let initial = gen == self.initial_gen;
        let name = self.lazy_name(ev.ty);
        let Some(g) = self.g_states.get_mut(&gid) else {
            let msg = format!("uninitialized goroutine {gid} found during {name}");
            return Err(order_err(OrderClass::UnknownResource, msg));
        };
        g.ranges.active(range_type(ev.ty, 0), initial)?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn go_range_end(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, USER_GO_REQS)?;
        let Some(g) = self.g_states.get_mut(&cur.g) else {
            let msg = format!(
                "encountered event of type {} without known state for current goroutine {}",
                ev.ty, cur.g
            );
            return Err(order_err(OrderClass::UnknownResource, msg));
        };
        let desc = g.ranges.end(ev.ty)?;
        if ev.ty == ev::STW_END {
            // STWEnd takes the kind string of its STWBegin.
            ev.args[0] = desc;
        }
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    fn alloc_free(
        &mut self,
        ev: &mut BaseEvent,
        t: &Rc<EvTable>,
        cur: SchedCtx,
    ) -> Result<(SchedCtx, bool)> {
        validate_ctx(cur, reqs(Need::Required, Need::Optional, Need::Optional))?;
        self.push(t, cur, ev);
        Ok((cur, true))
    }

    /// Go's `dumpOrdering`, with its maps walked in id order.
    fn dump(&self) -> String {
        let mut s = String::new();
        let mut gs: Vec<_> = self.g_states.iter().collect();
        gs.sort_by_key(|(id, _)| *id);
        for (id, st) in gs {
            s += &format!(
                "G {id} [status={} seq={}]\n",
                go_status_name(st.status),
                st.seq
            );
        }
        s.push('\n');
        let mut ps: Vec<_> = self.p_states.iter().collect();
        ps.sort_by_key(|(id, _)| *id);
        for (id, st) in ps {
            s += &format!(
                "P {id} [status={} seq={}]\n",
                proc_status_name(st.status, self.profile),
                st.seq
            );
        }
        s.push('\n');
        let mut ms: Vec<_> = self.m_states.iter().collect();
        ms.sort_by_key(|(id, _)| *id);
        for (id, st) in ms {
            s += &format!("M {id} [g={} p={}]\n", st.g, st.p);
        }
        s.push('\n');
        let gc = match self.gc_state {
            GcState::Undetermined => "Undetermined",
            GcState::NotRunning => "NotRunning",
            GcState::Running => "Running",
        };
        s += &format!("GC {} {gc}\n", self.gc_seq);
        s
    }
}

/// One thread's batches and the next event in them (Go's `batchCursor`).
struct Cursor {
    m: i64,
    batches: Vec<Batch>,
    /// The batch being read (`batches.len()` once all are read).
    idx: usize,
    /// The unread part of the current batch's payload, as arena positions.
    pos: usize,
    end: usize,
    /// Arena position of the current batch's payload, for file offsets.
    start: usize,
    last_ts: i64,
    /// The last event read; its arguments past the current event's own stay from earlier
    /// events, as in Go.
    ev: BaseEvent,
    /// Arena position of `ev` (its file offset and index in the batch are worked out only
    /// for an error).
    ev_pos: usize,
    /// How many events of the current batch have been read, `ev` included.
    read_in_batch: u64,
}

/// Per type byte: how many arguments follow `dt`, or one of the two markers below. Built
/// once per reader so that decoding an event looks its shape up in one load.
type ArgCounts = [u8; 256];

/// The type byte is outside the parser's table.
const NOT_IN_TABLE: u8 = u8::MAX;
/// The type exists but carries no timestamp, so it cannot appear in an event batch.
const UNTIMED: u8 = u8::MAX - 1;

/// The argument counts of `profile`'s parser, built once per release.
fn arg_counts_of(profile: Toolchain) -> &'static ArgCounts {
    static TABLES: OnceLock<Vec<ArgCounts>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        Toolchain::ALL
            .iter()
            .map(|&t| arg_counts(&WireTable::new(t, t.writes()).unwrap_or_else(WireTable::full)))
            .collect()
    });
    let at = Toolchain::ALL.iter().position(|&t| t == profile);
    &tables[at.unwrap_or(0)]
}

fn arg_counts(wire: &WireTable) -> ArgCounts {
    let mut counts = [NOT_IN_TABLE; 256];
    for (ty, count) in counts.iter_mut().enumerate().take(wire.len()) {
        let s = wire.spec(ty as EventType);
        *count = if s.args.is_empty() || !s.timed {
            UNTIMED
        } else {
            (s.args.len() - 1).min(MAX_ARGS) as u8
        };
    }
    counts
}

impl Cursor {
    fn new(m: i64, batches: Vec<Batch>, arena_len: usize) -> Cursor {
        let first = batches.first().map_or(0..0, |b| b.payload_range(arena_len));
        Cursor {
            m,
            batches,
            idx: 0,
            pos: first.start,
            end: first.end,
            start: first.start,
            last_ts: 0,
            ev: BaseEvent::default(),
            ev_pos: first.start,
            read_in_batch: 0,
        }
    }

    /// Moves to the next batch with events left; `false` when there is none.
    #[cold]
    fn next_batch(&mut self, arena_len: usize) -> bool {
        while self.pos == self.end {
            if self.idx + 1 >= self.batches.len() {
                self.idx = self.batches.len();
                return false;
            }
            self.idx += 1;
            let r = self.batches[self.idx].payload_range(arena_len);
            (self.pos, self.end, self.start) = (r.start, r.end, r.start);
            self.read_in_batch = 0;
            self.last_ts = 0;
        }
        true
    }

    /// Reads the next event; `Ok(false)` when the thread has no more.
    #[inline(always)]
    fn next_event(
        &mut self,
        scale: TickScale,
        gen: u64,
        arena: &[u8],
        counts: &ArgCounts,
    ) -> Result<bool> {
        if self.pos == self.end && !self.next_batch(arena.len()) {
            return Ok(false);
        }
        if self.last_ts == 0 {
            self.last_ts = scale.ticks_to_ns(self.batches[self.idx].time);
        }
        let data = &arena[self.pos..self.end];
        let (n, dt) = match read_timed_event(data, &mut self.ev, counts) {
            Ok(read) => read,
            Err(e) => return Err(self.read_error(e, gen)),
        };
        self.ev.time = scale.ticks_to_ns(dt).wrapping_add(self.last_ts);
        self.last_ts = self.ev.time;
        self.ev_pos = self.pos;
        self.pos += n;
        self.read_in_batch += 1;
        Ok(true)
    }

    /// [`Cursor::next_event`] for the common case of a coroutine switch run: when the
    /// next event is a GoSwitch (two arguments) lying in a full window, reads it with
    /// the arguments after its own kept, and returns `true`; otherwise returns `false`
    /// and leaves the cursor as it was.
    #[inline(always)]
    fn next_switch_in_window(&mut self, scale: TickScale, arena: &[u8]) -> bool {
        let Some(window) = arena
            .get(self.pos..self.end)
            .and_then(|data| data.first_chunk::<{ varint::WINDOW }>())
        else {
            return false;
        };
        if window[0] != ev::GO_SWITCH || self.last_ts == 0 {
            return false;
        }
        let mut n = 1;
        let Some(dt) = varint::read_in_window(window, &mut n) else {
            return false;
        };
        let Some(g) = varint::read_in_window(window, &mut n) else {
            return false;
        };
        let Some(seq) = varint::read_in_window(window, &mut n) else {
            return false;
        };
        self.ev.ty = ev::GO_SWITCH;
        self.ev.args[0] = g;
        self.ev.args[1] = seq;
        self.ev.time = scale.ticks_to_ns(dt).wrapping_add(self.last_ts);
        self.last_ts = self.ev.time;
        self.ev_pos = self.pos;
        self.pos += n;
        self.read_in_batch += 1;
        true
    }

    /// `e`, an error reading the event at `pos`, with its location.
    #[cold]
    fn read_error(&self, e: ErrorKind, gen: u64) -> Error {
        let batch = &self.batches[self.idx];
        Error::at(e, batch.offset + (self.pos - self.start) as u64)
            .with_batch(batch.index)
            .in_generation(gen)
    }
}

/// `e`, an error ordering the event `c` last read in generation `gen`, with that location.
#[cold]
fn located(mut e: Error, c: &Cursor, gen: u64) -> Error {
    let batch = c.batches.get(c.idx);
    e.location.offset = batch.map_or(0, |b| b.offset + (c.ev_pos - c.start) as u64);
    e.location.generation = Some(gen);
    e.location.batch = batch.map(|b| b.index);
    e.location.event = Some(c.read_in_batch.saturating_sub(1));
    e
}

/// Go's `readTimedBaseEvent`: type byte, `dt`, then the arguments. `data` is not empty.
/// Arguments past the type's count keep the values of the thread's earlier events, as in
/// Go, whose cursor reuses one event too.
#[inline(always)]
fn read_timed_event(
    data: &[u8],
    ev: &mut BaseEvent,
    counts: &ArgCounts,
) -> std::result::Result<(usize, u64), ErrorKind> {
    // Away from a batch's end the whole event lies in a fixed window, read without
    // bounds checks per byte.
    if let Some(window) = data.first_chunk::<{ varint::WINDOW }>() {
        if let Some(read) = read_event_in_window(window, ev, counts) {
            return Ok(read);
        }
    }
    read_timed_event_checked(data, ev, counts)
}

/// [`read_timed_event`] for an event that starts a full window: `None` when the event is
/// not a plain one (a type that cannot be read, or a uvarint of 10 bytes or more), to be
/// read again by the checked reader, which gives the error. Leaves `ev` untouched then.
#[inline(always)]
fn read_event_in_window(
    window: &[u8; varint::WINDOW],
    ev: &mut BaseEvent,
    counts: &ArgCounts,
) -> Option<(usize, u64)> {
    let ty = window[0];
    let count = counts[ty as usize];
    if count >= UNTIMED {
        return None;
    }
    let mut n = 1;
    let dt = varint::read_in_window(window, &mut n)?;
    let mut args = ev.args;
    // One arm per count rather than a loop: the count is known once the type is, and
    // each arm reads its numbers straight through.
    let mut next = || varint::read_in_window(window, &mut n);
    match count {
        0 => {}
        1 => args[0] = next()?,
        2 => (args[0], args[1]) = (next()?, next()?),
        3 => (args[0], args[1], args[2]) = (next()?, next()?, next()?),
        4 => (args[0], args[1], args[2], args[3]) = (next()?, next()?, next()?, next()?),
        _ => {
            (args[0], args[1], args[2], args[3], args[4]) =
                (next()?, next()?, next()?, next()?, next()?)
        }
    }
    ev.ty = ty;
    ev.args = args;
    Some((n, dt))
}

/// [`read_timed_event`] near a batch's end or for an event the window reader declines.
#[inline(never)]
fn read_timed_event_checked(
    data: &[u8],
    ev: &mut BaseEvent,
    counts: &ArgCounts,
) -> std::result::Result<(usize, u64), ErrorKind> {
    let ty = data[0];
    let count = counts[ty as usize];
    if count >= UNTIMED {
        return Err(untimed_or_unknown(ty, count));
    }
    let mut n = 1;
    let dt = read_arg(data, &mut n)
        .map_err(|_| bad_event("found invalid uvarint for timestamp".into()))?;
    // The arguments are gathered in registers and stored whole: the event is copied out
    // of `ev` in wide loads soon after, and a wide load of narrow stores still in flight
    // stalls.
    let mut args = ev.args;
    let invalid = |_| bad_event("found invalid uvarint".into());
    match count {
        0 => {}
        1 => args[0] = read_arg(data, &mut n).map_err(invalid)?,
        2 => {
            args[0] = read_arg(data, &mut n).map_err(invalid)?;
            args[1] = read_arg(data, &mut n).map_err(invalid)?;
        }
        3 => {
            args[0] = read_arg(data, &mut n).map_err(invalid)?;
            args[1] = read_arg(data, &mut n).map_err(invalid)?;
            args[2] = read_arg(data, &mut n).map_err(invalid)?;
        }
        4 => {
            args[0] = read_arg(data, &mut n).map_err(invalid)?;
            args[1] = read_arg(data, &mut n).map_err(invalid)?;
            args[2] = read_arg(data, &mut n).map_err(invalid)?;
            args[3] = read_arg(data, &mut n).map_err(invalid)?;
        }
        _ => {
            args[0] = read_arg(data, &mut n).map_err(invalid)?;
            args[1] = read_arg(data, &mut n).map_err(invalid)?;
            args[2] = read_arg(data, &mut n).map_err(invalid)?;
            args[3] = read_arg(data, &mut n).map_err(invalid)?;
            args[4] = read_arg(data, &mut n).map_err(invalid)?;
        }
    }
    ev.ty = ty;
    ev.args = args;
    Ok((n, dt))
}

/// The uvarint at `data[*n..]`; moves `n` past it.
#[inline(always)]
fn read_arg(data: &[u8], n: &mut usize) -> std::result::Result<u64, varint::VarintError> {
    let (v, len) = varint::read(data.get(*n..).unwrap_or_default())?;
    *n += len;
    Ok(v)
}

#[cold]
fn bad_event(message: String) -> ErrorKind {
    ErrorKind::Ordering {
        class: OrderClass::BadEvent,
        message,
    }
}

/// The error for a type byte that cannot start a batch event.
#[cold]
fn untimed_or_unknown(ty: u8, count: u8) -> ErrorKind {
    // The parser's own table: 45 entries in Go 1.22, 137 later (Go 1.23's without Sync,
    // ClockSnapshot and EndOfGeneration).
    if count == NOT_IN_TABLE {
        bad_event(format!("found invalid event type: {ty}"))
    } else {
        bad_event(format!("found event without a timestamp: type={ty}"))
    }
}

/// Events [`EventReader::next_events`] orders ahead per call: enough to spread the call's
/// cost thin, few enough to stay in cache. At 1024 the buffers outgrew the allocator's
/// mmap threshold, and a reader of a small trace paid fresh pages on every run
/// (incremental_parse ran a third slower over its seeds).
const EVENT_CHUNK: usize = 256;

/// Orders a whole trace, one event at a time, as the parser of Go release `profile` does.
/// Holds one generation at a time.
pub struct EventReader<R> {
    generations: GenerationReader<R>,
    profile: Toolchain,
    ordering: Ordering,
    /// The generation's threads, each with its next event; indexed by [`Slot::cursor`].
    cursors: Vec<Cursor>,
    /// Go's frontier: a min-heap by time of the cursors that have events left. Its entries
    /// are small copies of each cursor's next time, so sifting never moves a cursor.
    frontier: Vec<Slot>,
    cpu_samples: VecDeque<CpuSample>,
    table: Option<Rc<EvTable>>,
    /// The current generation's event bytes, read by the cursors.
    arena: Vec<u8>,
    /// The current generation's stack and string ids, for [`finish`].
    stack_ids: IdSet,
    string_ids: IdSet,
    generation_number: u64,
    /// The current generation's tick length, for the cursors.
    tick_scale: TickScale,
    last_ts: i64,
    syncs: u64,
    pending_error: Option<Error>,
    /// The error that ended ordering, handed out once the events before it are.
    failed: Option<Error>,
    /// The parser's event table, as each type's argument count.
    arg_counts: &'static ArgCounts,
    /// Go 1.22/1.23: whether the Sync that closes the current generation is out.
    emitted_sync: bool,
    done: bool,
    /// Whether the shortcuts past the dispatcher may be taken: [`EventReader::switch_run`],
    /// [`EventReader::plain_run`] and [`Ordering::advance_plain`] (off only in tests that
    /// check them against it).
    shortcuts: bool,
}

impl<R: Read> EventReader<R> {
    /// Reads the header as `profile` does.
    pub fn new(reader: R, profile: Toolchain) -> Result<EventReader<R>> {
        let generations = GenerationReader::new(reader, profile)?;
        let version = generations.version();
        Ok(EventReader {
            generations,
            profile,
            ordering: Ordering {
                profile,
                version,
                g_states: IdMap::default(),
                p_states: IdMap::default(),
                m_states: IdMap::default(),
                active_tasks: HashMap::default(),
                gc_seq: 0,
                gc_state: GcState::Undetermined,
                initial_gen: 0,
                queue: EventQueue::default(),
            },
            cursors: Vec::new(),
            frontier: Vec::new(),
            cpu_samples: VecDeque::new(),
            table: None,
            arena: Vec::new(),
            stack_ids: IdSet::default(),
            string_ids: IdSet::default(),
            generation_number: 0,
            tick_scale: TickScale::new(0.0),
            last_ts: 0,
            syncs: 0,
            pending_error: None,
            failed: None,
            arg_counts: arg_counts_of(profile),
            emitted_sync: true,
            done: false,
            shortcuts: true,
        })
    }

    /// The trace's version.
    pub fn version(&self) -> Version {
        self.generations.version()
    }

    /// The Go release whose behaviour this reader follows.
    pub fn profile(&self) -> Toolchain {
        self.profile
    }

    fn sync(&mut self, table: Option<Rc<EvTable>>, time: i64) -> Event {
        self.syncs += 1;
        let mut args = [0u64; MAX_ARGS];
        args[0] = self.syncs;
        Event {
            ctx: SchedCtx::NONE,
            ty: EV_SYNC,
            time,
            args,
            table,
        }
    }

    /// Makes `g` current; returns the Sync that opens it (Go 1.25+).
    fn install(&mut self, g: crate::generation::Generation) -> Result<Option<Event>> {
        let version = self.generations.version();
        let min_ts = g.min_ts;
        self.generation_number = g.number;
        let mut g = g;
        let batches = std::mem::take(&mut g.batches);
        self.arena = g.take_arena();
        self.cpu_samples = std::mem::take(&mut g.cpu_samples).into();
        self.stack_ids = IdSet::new(g.stacks.keys().copied(), g.stacks.len());
        self.string_ids = IdSet::new(g.strings.keys().copied(), g.strings.len());
        self.tick_scale = TickScale::new(g.ns_per_tick);
        let g_number = g.number;
        let table = Rc::new(EvTable::new(g, version));
        self.table = Some(table.clone());
        self.frontier.clear();
        self.cursors.clear();
        for (m, list) in batches {
            let mut c = Cursor::new(m as i64, list, self.arena.len());
            if c.next_event(self.tick_scale, g_number, &self.arena, self.arg_counts)? {
                let slot = Slot {
                    time: c.ev.time,
                    cursor: self.cursors.len(),
                };
                self.frontier.push(slot);
                self.cursors.push(c);
                let last = self.frontier.len() - 1;
                sift_up(&mut self.frontier, last, slot);
            }
        }
        let time = table.generation.ticks_to_ns(min_ts);
        if self.profile < Toolchain::Go1_25 {
            // Go 1.22 and 1.23 announce a generation with a Sync at its end instead.
            self.emitted_sync = false;
            return Ok(None);
        }
        Ok(Some(self.sync(Some(table), time)))
    }

    /// Tries to order the next event of the cursor at frontier position `i`; moves the
    /// cursor on when it succeeds.
    #[inline(always)]
    fn try_advance(&mut self, i: usize) -> Result<bool> {
        let table = self.table.as_ref().expect("a generation is installed");
        let c = &mut self.cursors[self.frontier[i].cursor];
        let gen = self.generation_number;
        let ordered_plain = self.shortcuts
            && self
                .ordering
                .advance_plain(&c.ev, table, c.m, gen)
                .is_some();
        let ok = ordered_plain
            || match self.ordering.advance(&mut c.ev, table, c.m, gen) {
                Ok(ok) => ok,
                Err(e) => return Err(located(e, c, gen)),
            };
        if !ok {
            return Ok(false);
        }
        if c.next_event(self.tick_scale, gen, &self.arena, self.arg_counts)? {
            heap_update(&mut self.frontier, i, c.ev.time);
        } else {
            heap_remove(&mut self.frontier, i);
        }
        Ok(true)
    }

    /// Orders events into the queue until it holds `want` of them, the trace ends or an
    /// error stops it (kept in `failed`, to come after the events queued before it). Each
    /// step's events are finished at once, while their generation's tables are current.
    fn produce(&mut self, want: usize) {
        let id_args = id_args();
        // `fail` ends ordering too, so `done` covers a failure.
        while self.ordering.queue.len() < want && !self.done {
            let start = self.ordering.queue.len();
            let common = self.cpu_samples.is_empty() && !self.frontier.is_empty();
            if common && self.shortcuts {
                let run = if self.earliest_is_switch() {
                    self.switch_run(want)
                } else {
                    self.plain_run(want)
                };
                if run {
                    continue;
                }
            }
            // The common step, straight to the thread whose event is earliest: no CPU
            // sample is due and the generation has events left.
            let step = if common {
                self.advance_earliest()
            } else {
                self.queue_next()
            };
            match step {
                Ok(true) => {}
                Ok(false) => self.done = true,
                Err(e) => {
                    // As in Go, a failed step hands out nothing, not even an event it
                    // ordered before failing to read the next one.
                    self.ordering.queue.truncate(start);
                    self.fail(e);
                }
            }
            let fresh = self.ordering.queue.events_mut_from(start);
            for (i, e) in fresh.iter_mut().enumerate() {
                let (stacks, strings) = (&self.stack_ids, &self.string_ids);
                if let Err(e) = finish(e, &mut self.last_ts, id_args, stacks, strings) {
                    self.ordering.queue.truncate(start + i);
                    self.fail(e);
                    break;
                }
            }
        }
    }

    /// Whether the earliest thread's next event is a GoSwitch: checked before calling
    /// [`EventReader::switch_run`], which most other events would enter only to leave.
    #[inline(always)]
    fn earliest_is_switch(&self) -> bool {
        let top = self
            .frontier
            .first()
            .and_then(|s| self.cursors.get(s.cursor));
        top.is_some_and(|c| c.ev.ty == ev::GO_SWITCH)
    }

    /// Orders coroutine switches (GoSwitch) for as long as the earliest event is one that
    /// takes the plain path (both goroutines in the expected states, nothing to report),
    /// whichever thread it is on. The events come out as the dispatcher and [`finish`]
    /// would make them; anything else is left to them, untouched. A program that uses
    /// coroutines is mostly such events (iter.Pull switches back and forth on a thread).
    /// Returns whether it ordered anything (or stopped at an error reading a thread's
    /// next event).
    #[inline(never)]
    fn switch_run(&mut self, want: usize) -> bool {
        let EventReader {
            ordering,
            cursors,
            frontier,
            table,
            arena,
            last_ts,
            arg_counts,
            generation_number,
            tick_scale,
            ..
        } = self;
        let Some(table) = table.as_ref() else {
            return false;
        };
        // Switch runs read GoSwitch events with their two arguments directly (the
        // releases before Go 1.23, whose parser lacks the type, never get here).
        if ordering.initial_gen == 0 || arg_counts[ev::GO_SWITCH as usize] != 2 {
            return false;
        }
        let gen = *generation_number;
        let mut ordered = false;
        // One earliest thread after another, until an event needs the dispatcher.
        while let Some(top) = frontier.first().copied() {
            let Some(c) = cursors.get_mut(top.cursor) else {
                break;
            };
            if c.ev.ty != ev::GO_SWITCH || c.m == NONE {
                break;
            }
            let m = c.m;
            // The run changes no thread's entry but this one's goroutine: its place holds.
            let Some((m_place, MState { g: mut cur_g, p })) = ordering.thread_with_proc(m) else {
                break;
            };
            // The thread stays the earliest while its next time is no later than both
            // children's in the frontier (the heap would leave it on top).
            let bound = top_stays_until(frontier);
            // Where the goroutine running now and the one it last left are in the
            // goroutine map: the run inserts and removes nothing there, so places stay
            // valid, and a goroutine pulling from a coroutine switches back to the one it
            // left.
            let mut cur_place = None;
            let mut left: Option<(i64, Place)> = None;
            let mut next_thread = false;
            loop {
                let next_g = c.ev.args[0] as i64;
                let seq = Seq {
                    gen,
                    seq: c.ev.args[1],
                };
                // `cur_g` is NONE only if the thread runs no goroutine: the dispatcher's
                // error.
                if cur_g == NONE {
                    break;
                }
                let g_states = &mut ordering.g_states;
                let from_place = cur_place.or_else(|| g_states.place(cur_g));
                let to_place = match left {
                    Some((g, place)) if g == next_g => Some(place),
                    _ => g_states.place(next_g),
                };
                match g_states.at_two_places_mut(from_place, to_place) {
                    (Some(from), Some(to))
                        if from.status == go_status::RUNNING
                            && to.status == go_status::WAITING
                            && seq.succeeds(to.seq) =>
                    {
                        from.status = go_status::WAITING;
                        to.status = go_status::RUNNING;
                        to.seq = seq;
                    }
                    _ => break,
                }
                // The switch, the block of the goroutine it leaves, the start of the
                // next; times as `finish` makes them (none of the three names a stack or
                // string).
                let step_start = ordering.queue.len();
                let ctx = SchedCtx { g: cur_g, p, m };
                let time = c.ev.time;
                // `finish` gives the first event a time later than the last one handed
                // out, and the other two, of the same time, the next nanoseconds.
                let t_switch = later_than(time, last_ts);
                let t_block = t_switch.wrapping_add(1);
                let t_start = t_switch.wrapping_add(2);
                *last_ts = t_start;
                let queue = &mut ordering.queue;
                // The first two arguments from the values already in hand: read back
                // whole, the two narrow stores the reader just made to them stall.
                let [_, _, rest @ ..] = c.ev.args;
                let switch_args = [next_g as u64, seq.seq, rest[0], rest[1], rest[2]];
                queue.push(ctx, ev::GO_SWITCH, t_switch, switch_args, table);
                queue.push(ctx, ev::GO_BLOCK, t_block, [0; MAX_ARGS], table);
                let start_args = made_args(&[next_g as u64, seq.seq]);
                let start_ctx = SchedCtx { g: NONE, ..ctx };
                queue.push(start_ctx, ev::GO_START, t_start, start_args, table);
                left = from_place.map(|place| (cur_g, place));
                cur_place = to_place;
                cur_g = next_g;
                ordered = true;
                let read = if c.next_switch_in_window(*tick_scale, arena) {
                    Ok(true)
                } else {
                    c.next_event(*tick_scale, gen, arena, arg_counts)
                };
                match read {
                    Ok(true) if c.ev.time <= bound => frontier[0].time = c.ev.time,
                    Ok(true) => {
                        sink_top(frontier, c.ev.time);
                        next_thread = true;
                        break;
                    }
                    Ok(false) => {
                        heap_remove(frontier, 0);
                        next_thread = true;
                        break;
                    }
                    Err(e) => {
                        // As in Go, a failed step hands out nothing of its own.
                        ordering.queue.truncate(step_start);
                        self.fail(e);
                        return true;
                    }
                }
                if ordering.queue.len() >= want || c.ev.ty != ev::GO_SWITCH {
                    break;
                }
            }
            if let Some(ms) = ordering.m_states.at_place_mut(m_place) {
                ms.g = cur_g;
            }
            if !next_thread || ordering.queue.len() >= want {
                break;
            }
        }
        ordered
    }

    /// Orders events that take the plain step ([`Ordering::plain_step`]: a goroutine
    /// blocking, stopping, unblocked or started as expected) for as long as the earliest
    /// event is one, staying on a thread while it remains the earliest: one lookup of the
    /// thread per run instead of one per event, and no pass through the dispatcher's
    /// loop. Each event is queued finished, as [`finish`] would make it; anything else is
    /// left to the dispatcher, untouched. Returns whether it ordered anything (or stopped
    /// at an error).
    #[inline(never)]
    fn plain_run(&mut self, want: usize) -> bool {
        let EventReader {
            ordering,
            cursors,
            frontier,
            table,
            arena,
            last_ts,
            arg_counts,
            generation_number,
            tick_scale,
            stack_ids,
            string_ids,
            ..
        } = self;
        let Some(table) = table.as_ref() else {
            return false;
        };
        if ordering.initial_gen == 0 {
            return false;
        }
        let id_args = id_args();
        let gen = *generation_number;
        let mut ordered = false;
        while let Some(top) = frontier.first().copied() {
            let Some(c) = cursors.get_mut(top.cursor) else {
                break;
            };
            let m = c.m;
            let plain = matches!(
                c.ev.ty,
                ev::GO_BLOCK | ev::GO_STOP | ev::GO_START | ev::GO_UNBLOCK
            );
            if !plain || m == NONE {
                break;
            }
            // Plain steps change only the thread's goroutine: its place holds for the run.
            let Some((m_place, MState { g: mut cur_g, p })) = ordering.thread_with_proc(m) else {
                break;
            };
            // As in switch runs: the thread stays the earliest while its next time is no
            // later than both children's.
            let bound = top_stays_until(frontier);
            let mut failure = None;
            let mut next_thread = false;
            loop {
                let step_start = ordering.queue.len();
                // `finish`'s checks first, so that the event is queued finished: an id
                // the bit sets do not know goes to the dispatcher, whose `finish` asks
                // the tables or reports it.
                if !id_args[c.ev.ty as usize].known_in(&c.ev.args, stack_ids, string_ids) {
                    break;
                }
                let time = later_time(c.ev.time, *last_ts);
                let ctx = SchedCtx { g: cur_g, p, m };
                let Some(new_g) = ordering.plain_step(&c.ev, time, table, ctx, gen) else {
                    break;
                };
                *last_ts = time;
                cur_g = new_g;
                ordered = true;
                let read = c.next_event(*tick_scale, gen, arena, arg_counts);
                match read {
                    Ok(true) if c.ev.time <= bound => frontier[0].time = c.ev.time,
                    Ok(true) => {
                        sink_top(frontier, c.ev.time);
                        next_thread = true;
                    }
                    Ok(false) => {
                        heap_remove(frontier, 0);
                        next_thread = true;
                    }
                    Err(e) => {
                        // As in Go, a failed step hands out nothing of its own.
                        ordering.queue.truncate(step_start);
                        failure = Some(e);
                        break;
                    }
                }
                if next_thread || ordering.queue.len() >= want {
                    break;
                }
            }
            if let Some(ms) = ordering.m_states.at_place_mut(m_place) {
                ms.g = cur_g;
            }
            if let Some(e) = failure {
                self.fail(e);
                return true;
            }
            if !next_thread || ordering.queue.len() >= want {
                break;
            }
        }
        ordered
    }

    /// Stops ordering at error `e`; it is handed out after the events queued before it.
    #[cold]
    fn fail(&mut self, e: Error) {
        self.failed = Some(e);
        self.done = true;
    }

    /// Replaces `out`'s contents with the next ordered events, in order: a few thousand at
    /// a time, moved once. `Ok(false)` at the end; an error comes after the events ordered
    /// before it, and ends the stream. Faster than the iterator for whole-trace work.
    ///
    /// `out`'s old events are not dropped at once: they become the slots the chunk after
    /// next is written over (see [`crate::event_queue`]).
    pub fn next_events(&mut self, out: &mut Vec<Event>) -> Result<bool> {
        self.produce(EVENT_CHUNK);
        self.ordering.queue.hand_out(out);
        if !out.is_empty() {
            return Ok(true);
        }
        match self.failed.take() {
            Some(e) => Err(e),
            None => Ok(false),
        }
    }

    /// Queues the events of one advance, or the event between two generations.
    fn queue_next(&mut self) -> Result<bool> {
        if self.frontier.is_empty() && self.cpu_samples.is_empty() {
            // The generation's events are all out: its bytes go before the next is read,
            // so that one generation is held at a time, and the next reuses the buffer.
            self.generations
                .recycle_arena(std::mem::take(&mut self.arena));
            let next = if self.profile < Toolchain::Go1_25 {
                match self.next_generation_before_go125()? {
                    Some(next) => next,
                    None => return self.advance_frontier(),
                }
            } else {
                self.next_generation()?
            };
            return Ok(match next {
                Some(event) => {
                    self.ordering.queue.push_event(event);
                    true
                }
                None => false,
            });
        }
        self.advance_frontier()
    }

    /// Go 1.22/1.23 between generations: the closing Sync, then the next generation (or
    /// its error, or the end). `Some` is what to hand out; `None`: go on ordering.
    fn next_generation_before_go125(&mut self) -> Result<Option<Option<Event>>> {
        if !self.emitted_sync {
            self.emitted_sync = true;
            let table = self.table.clone();
            return Ok(Some(Some(self.sync(table, self.last_ts))));
        }
        match self.generations.next() {
            Some(Ok(g)) => {
                self.install(g)?;
                Ok(None)
            }
            Some(Err(e)) if e.kind.is_go_end_of_trace() => {
                self.done = true;
                Ok(Some(None))
            }
            Some(Err(e)) => Err(e),
            None => {
                self.done = true;
                Ok(Some(None))
            }
        }
    }

    /// Go 1.25+ between generations: the next one's opening Sync, or a Sync and then its
    /// error, or the final Sync.
    fn next_generation(&mut self) -> Result<Option<Event>> {
        if let Some(e) = self.pending_error.take() {
            self.done = true;
            if e.kind.is_go_end_of_trace() {
                return Ok(None);
            }
            return Err(e);
        }
        match self.generations.next() {
            Some(Ok(g)) => self.install(g),
            Some(Err(e)) => {
                // Go reports a Sync first, then the error.
                self.pending_error = Some(e);
                self.table = None;
                Ok(Some(self.sync(None, self.last_ts)))
            }
            None => {
                self.done = true;
                self.table = None;
                Ok(Some(self.sync(None, self.last_ts)))
            }
        }
    }

    /// Queues a CPU sample or the next ordered event of the current generation.
    fn advance_frontier(&mut self) -> Result<bool> {
        if let Some(sample) = self.cpu_samples.front() {
            if self.frontier.is_empty() || sample.time < self.frontier[0].time {
                let s = self.cpu_samples.pop_front().expect("checked");
                let mut args = [0u64; MAX_ARGS];
                args[0] = s.stack;
                let ctx = SchedCtx {
                    g: s.g,
                    p: s.p as i64,
                    m: s.m as i64,
                };
                let sample = Event {
                    ctx,
                    ty: ev::CPU_SAMPLE,
                    time: s.time,
                    args,
                    table: self.table.clone(),
                };
                self.ordering.queue.push_event(sample);
                return Ok(true);
            }
        }
        if self.frontier.is_empty() {
            // Go 1.22/1.23 on a generation without event batches.
            let msg = format!(
                "broken trace: frontier is empty:\n[gen={}]\n\n\n{}\n",
                self.generation_number,
                self.ordering.dump()
            );
            let mut e = order_err(OrderClass::FailedToAdvance, msg);
            e.location.generation = Some(self.generation_number);
            return Err(e);
        }
        self.advance_earliest()
    }

    /// Orders the next event of the thread whose event is earliest, or, when it cannot
    /// be ordered yet, of the first other thread that can. The frontier is not empty.
    #[inline(always)]
    fn advance_earliest(&mut self) -> Result<bool> {
        if !self.try_advance(0)? {
            self.advance_later()?;
        }
        if self.ordering.queue.is_empty() {
            return Err(order_err(
                OrderClass::FailedToAdvance,
                "advance succeeded with nothing queued".into(),
            ));
        }
        Ok(true)
    }

    /// The earliest thread's event cannot be ordered yet: as Go does, sorts the frontier
    /// by time and orders the first of the others that can be.
    #[inline(never)]
    fn advance_later(&mut self) -> Result<()> {
        go_sort_by_time(&mut self.frontier);
        for i in 1..self.frontier.len() {
            if self.try_advance(i)? {
                return Ok(());
            }
        }
        let msg = format!(
            "broken trace: failed to advance: frontier:\n[gen={}]\n\n{}\n{}\n",
            self.generation_number,
            self.dump_frontier(),
            self.ordering.dump()
        );
        let mut e = order_err(OrderClass::FailedToAdvance, msg);
        e.location.generation = Some(self.generation_number);
        Err(e)
    }

    fn dump_frontier(&self) -> String {
        let mut s = String::new();
        for c in self.frontier.iter().map(|slot| &self.cursors[slot.cursor]) {
            let sp = spec(c.ev.ty);
            s += &format!("M {} [{} time={}", c.m, sp.name, c.ev.time);
            for (i, arg) in sp.args.iter().skip(1).enumerate() {
                s += &format!(" {arg}={}", c.ev.args[i]);
            }
            s += "]\n";
        }
        s
    }
}

/// Go's checks on every event handed out: ids must exist in the tables; times must
/// increase (an earlier or equal time becomes the last time plus 1). `stack_ids` and
/// `string_ids` answer for the current generation's tables, which every event but the
/// final Sync refers to.
#[inline(always)]
fn finish(
    e: &mut Event,
    last_ts: &mut i64,
    id_args: &[IdArgs; 256],
    stack_ids: &IdSet,
    string_ids: &IdSet,
) -> Result<()> {
    let ids = &id_args[e.ty as usize];
    // Most events name no table at all, only id 0 (every event of a switch chain, the
    // GoBlock the orderer makes for a switch included), which every table has, or ids
    // the bit sets answer for; anything else takes the full check, which gives the error.
    if !ids.known_in(&e.args, stack_ids, string_ids) {
        check_ids(e, ids, stack_ids, string_ids)?;
    }
    e.time = later_than(e.time, last_ts);
    Ok(())
}

/// The arguments of an event the orderer makes, padded with zeros.
#[inline(always)]
fn made_args(args: &[u64]) -> [u64; MAX_ARGS] {
    let mut a = [0; MAX_ARGS];
    a[..args.len()].copy_from_slice(args);
    a
}

/// [`finish`]'s time rule: `time`, or the last time plus 1 if it is not later; becomes
/// the last time.
#[inline(always)]
fn later_than(time: i64, last_ts: &mut i64) -> i64 {
    let t = later_time(time, *last_ts);
    *last_ts = t;
    t
}

/// `time`, or `last_ts` plus 1 if it is not later: the time [`later_than`] gives.
#[inline(always)]
fn later_time(time: i64, last_ts: i64) -> i64 {
    if time <= last_ts {
        last_ts.wrapping_add(1)
    } else {
        time
    }
}

/// The table half of [`finish`], for events that have stack or string arguments.
#[inline(never)]
fn check_ids(e: &Event, ids: &IdArgs, stack_ids: &IdSet, string_ids: &IdSet) -> Result<()> {
    let Some(table) = &e.table else {
        return Ok(());
    };
    for &i in ids.stacks.iter().take_while(|&&i| i != 0) {
        let id = e.args[i as usize - 1];
        let known = id == 0
            || stack_ids
                .covers(id)
                .unwrap_or_else(|| table.generation.stacks.contains_key(&id));
        if !known {
            return Err(unknown_id_error("stack", id, spec(e.ty).name));
        }
    }
    for &i in ids.strings.iter().take_while(|&&i| i != 0) {
        let id = e.args[i as usize - 1];
        let known = id == 0
            || string_ids
                .covers(id)
                .unwrap_or_else(|| table.string(id).is_some());
        if !known {
            return Err(unknown_id_error("string", id, spec(e.ty).name));
        }
    }
    Ok(())
}

/// The argument positions (1-based, 0 ends the list) of an event type's stack and string
/// ids, in the order Go checks them: the spec's lists, flattened for the per-event check.
#[derive(Clone, Copy, Default)]
struct IdArgs {
    stacks: [u8; 2],
    strings: [u8; 2],
    /// Bit `i` set: `args[i]` is a stack or string id.
    mask: u8,
    /// Bit `i` set: `args[i]` is a string id.
    string_mask: u8,
}

impl IdArgs {
    /// Whether every stack and string id of the event is 0 or known to the bit sets
    /// (`false` also when a set does not cover an id: the tables must answer then).
    #[inline(always)]
    fn known_in(&self, args: &[u64; MAX_ARGS], stack_ids: &IdSet, string_ids: &IdSet) -> bool {
        let mut bits = self.mask;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let id = args[i];
            if id == 0 {
                continue;
            }
            let set = if self.string_mask & (1 << i) != 0 {
                string_ids
            } else {
                stack_ids
            };
            if set.covers(id) != Some(true) {
                return false;
            }
        }
        true
    }
}

/// [`IdArgs`] of every type byte; Sync and unused numbers have none.
fn id_args() -> &'static [IdArgs; 256] {
    static TABLE: OnceLock<[IdArgs; 256]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [IdArgs::default(); 256];
        for (ty, ids) in table.iter_mut().enumerate() {
            let ty = ty as EventType;
            if ty == EV_SYNC {
                continue;
            }
            let s = spec(ty);
            for (slot, &i) in ids.stacks.iter_mut().zip(s.stack_args) {
                *slot = i as u8;
            }
            for (slot, &i) in ids.strings.iter_mut().zip(s.string_args) {
                *slot = i as u8;
            }
            for &i in s.stack_args.iter().chain(s.string_args) {
                // 1-based argument positions past `dt`; MAX_ARGS bounds them.
                if (1..=MAX_ARGS).contains(&i) {
                    ids.mask |= 1 << (i - 1);
                }
            }
            for &i in s.string_args {
                if (1..=MAX_ARGS).contains(&i) {
                    ids.string_mask |= 1 << (i - 1);
                }
            }
        }
        table
    })
}

/// Go's error for an event naming a stack or string its generation lacks.
#[cold]
fn unknown_id_error(table: &str, id: u64, event: &str) -> Error {
    let msg = format!("found invalid {table} ID {id} for event {event}");
    order_err(OrderClass::TableId, msg)
}

impl<R: Read> Iterator for EventReader<R> {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Result<Event>> {
        // One step at a time: a reader fed in pieces reads no further than it must.
        self.produce(1);
        match self.ordering.queue.pop_front() {
            Some(event) => Some(Ok(event)),
            None => self.failed.take().map(Err),
        }
    }
}

/// How much of parse+order's work a [`floor_pass`] does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Floor {
    /// Every generation read and every event of every thread decoded, one thread after
    /// another.
    Read,
    /// [`Floor::Read`] with the threads merged by time through the frontier heap, as
    /// ordering merges them when every event may go next: no state checked, no event made.
    ReadAndMerge,
    /// [`Floor::ReadAndMerge`] that also makes the events ordering makes of each wire
    /// event (three of a coroutine switch, one of anything else) in the same queue, and
    /// hands them out a chunk at a time, still checking nothing.
    ReadMergeAndMake,
}

/// What a [`floor_pass`] went through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FloorPass {
    /// Wire events decoded.
    pub events: u64,
    /// Events made ([`Floor::ReadMergeAndMake`] only).
    pub made: u64,
    /// The sum of every event's time and first argument (an order-blind sum, so that both
    /// floors give the same one): keeps every read from being optimised away.
    pub digest: u64,
}

impl FloorPass {
    #[inline(always)]
    fn visit(&mut self, ev: &BaseEvent) {
        self.events += 1;
        self.digest = self.digest.wrapping_add((ev.time as u64) ^ ev.args[0]);
    }
}

/// Parse+order's work without its ordering rules: a lower bound of its cost with this
/// reader, heap and queue, for `bench`. Reads the trace one generation at a time through
/// the same generation reader, cursors and window decoder as [`EventReader`]; past
/// [`Floor::Read`], visits events in the frontier's order with the same heap steps as its
/// runs, and for [`Floor::ReadMergeAndMake`] makes events in the same queue. It keeps no
/// goroutine, proc or thread state. Stops at the first error reading or decoding, which
/// it returns.
pub fn floor_pass<R: Read>(reader: R, profile: Toolchain, floor: Floor) -> Result<FloorPass> {
    let mut generations = GenerationReader::new(reader, profile)?;
    let version = generations.version();
    let counts = arg_counts_of(profile);
    let mut queue = EventQueue::default();
    let mut handed_out = Vec::new();
    let mut cursors: Vec<Cursor> = Vec::new();
    let mut frontier: Vec<Slot> = Vec::new();
    let mut pass = FloorPass::default();
    while let Some(generation) = generations.next() {
        let mut generation = match generation {
            Ok(g) => g,
            // What Go takes for the end of the trace (see `is_go_end_of_trace`).
            Err(e) if e.kind.is_go_end_of_trace() => break,
            Err(e) => return Err(e),
        };
        let scale = TickScale::new(generation.ns_per_tick);
        let number = generation.number;
        let batches = std::mem::take(&mut generation.batches);
        let arena = generation.take_arena();
        let table = Rc::new(EvTable::new(generation, version));
        cursors.clear();
        frontier.clear();
        for (m, list) in batches {
            let mut c = Cursor::new(m as i64, list, arena.len());
            if c.next_event(scale, number, &arena, counts)? {
                let slot = Slot {
                    time: c.ev.time,
                    cursor: cursors.len(),
                };
                frontier.push(slot);
                cursors.push(c);
                let last = frontier.len() - 1;
                sift_up(&mut frontier, last, slot);
            }
        }
        match floor {
            Floor::Read => {
                for c in &mut cursors {
                    loop {
                        pass.visit(&c.ev);
                        if !c.next_event(scale, number, &arena, counts)? {
                            break;
                        }
                    }
                }
            }
            Floor::ReadAndMerge | Floor::ReadMergeAndMake => {
                let make = floor == Floor::ReadMergeAndMake;
                while let Some(top) = frontier.first().copied() {
                    let c = &mut cursors[top.cursor];
                    let bound = top_stays_until(&frontier);
                    loop {
                        pass.visit(&c.ev);
                        if make {
                            let ctx = SchedCtx {
                                g: NONE,
                                p: NONE,
                                m: c.m,
                            };
                            queue.push(ctx, c.ev.ty, c.ev.time, c.ev.args, &table);
                            if matches!(c.ev.ty, ev::GO_SWITCH | ev::GO_SWITCH_DESTROY) {
                                queue.push(ctx, ev::GO_BLOCK, c.ev.time, [0; MAX_ARGS], &table);
                                queue.push(ctx, ev::GO_START, c.ev.time, c.ev.args, &table);
                            }
                            if queue.len() >= EVENT_CHUNK {
                                pass.made += queue.len() as u64;
                                queue.hand_out(&mut handed_out);
                            }
                        }
                        if !c.next_event(scale, number, &arena, counts)? {
                            heap_remove(&mut frontier, 0);
                            break;
                        }
                        if c.ev.time <= bound {
                            frontier[0].time = c.ev.time;
                        } else {
                            sink_top(&mut frontier, c.ev.time);
                            break;
                        }
                    }
                }
            }
        }
        generations.recycle_arena(arena);
    }
    pass.made += queue.len() as u64;
    Ok(pass)
}

/// A frontier entry: a cursor and the time of its next event.
#[derive(Clone, Copy, Debug)]
struct Slot {
    time: i64,
    cursor: usize,
}

/// The latest time the heap's top entry can take and stay on top: its children's
/// earliest (the heap leaves an entry in place on a tie).
#[inline(always)]
fn top_stays_until(heap: &[Slot]) -> i64 {
    match heap.get(1..3) {
        Some([a, b]) => a.time.min(b.time),
        _ => heap.get(1).map_or(i64::MAX, |a| a.time),
    }
}

/// Moves `moving`, placed at entry `i`, up while its parent is later (Go's `heapUp`),
/// carried in a hole like [`sift_down`]; returns where it ends.
#[inline]
fn sift_up(heap: &mut [Slot], mut i: usize, moving: Slot) -> usize {
    while i > 0 && heap[(i - 1) / 2].time > moving.time {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = moving;
    i
}

/// Moves `moving`, placed at entry `i`, down while a child is earlier, the earlier child
/// first, the left one on a tie (Go's `heapSiftDown`). It is carried in a hole rather
/// than swapped down level by level: the same final order for fewer writes.
#[inline]
fn sift_down(heap: &mut [Slot], mut i: usize, moving: Slot) {
    loop {
        let left = 2 * i + 1;
        let Some(&left_slot) = heap.get(left) else {
            break;
        };
        // The earlier child, the left one on a tie; the hole moves there if it is
        // strictly earlier than the moving entry.
        let (m, child) = match heap.get(left + 1) {
            Some(&right_slot) if right_slot.time < left_slot.time => (left + 1, right_slot),
            _ => (left, left_slot),
        };
        if child.time >= moving.time {
            break;
        }
        heap[i] = child;
        i = m;
    }
    heap[i] = moving;
}

/// [`heap_update`] of the top entry to `time`, for a time later than one of its children
/// ([`top_stays_until`]): the top then moves down for certain, so its first step takes
/// the earlier child (the left one on a tie) by conditional moves instead of a branch
/// that a change of thread leaves to chance, and the sift goes on from there.
#[inline(always)]
fn sink_top(heap: &mut [Slot], time: i64) {
    let (Some(&left), Some(&top)) = (heap.get(1), heap.first()) else {
        heap_update(heap, 0, time);
        return;
    };
    let right = heap.get(2).copied().unwrap_or(Slot {
        time: i64::MAX,
        cursor: usize::MAX,
    });
    if left.time.min(right.time) >= time {
        heap_update(heap, 0, time);
        return;
    }
    let take_right = right.time < left.time;
    heap[0] = std::hint::select_unpredictable(take_right, right, left);
    let hole = std::hint::select_unpredictable(take_right, 2, 1);
    sift_down(
        heap,
        hole,
        Slot {
            time,
            cursor: top.cursor,
        },
    );
}

/// Gives entry `i` the time `time` and restores the heap (Go's `heapUpdate`: up if now
/// earlier than its parent, else down). The time comes as an argument: stored into the
/// entry and read back with it as one wider load, it stalled every call.
#[inline]
fn heap_update(heap: &mut [Slot], i: usize, time: i64) {
    let moving = Slot {
        time,
        cursor: heap[i].cursor,
    };
    if sift_up(heap, i, moving) == i {
        sift_down(heap, i, moving);
    }
}

fn heap_remove(heap: &mut Vec<Slot>, mut i: usize) {
    while i > 0 {
        heap.swap((i - 1) / 2, i);
        i = (i - 1) / 2;
    }
    let last = heap.len() - 1;
    heap.swap(0, last);
    heap.pop();
    if let Some(&first) = heap.first() {
        sift_down(heap, 0, first);
    }
}

/// Go's `slices.SortFunc` by time (its pdqsort, reproduced in [`crate::gosort`]), so that
/// cursors with equal times end up where Go puts them.
fn go_sort_by_time(v: &mut [Slot]) {
    crate::gosort::sort_by_key(v, |c| c.time);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flattened id positions are the spec's lists, whole and in order.
    #[test]
    fn id_args_are_the_spec_lists() {
        let listed = |positions: &[u8]| -> Vec<usize> {
            let used = positions.iter().take_while(|&&i| i != 0);
            used.map(|&i| usize::from(i)).collect()
        };
        for ty in 0..=u8::MAX {
            let ids = &id_args()[ty as usize];
            let s = if ty == EV_SYNC {
                &[][..]
            } else {
                spec(ty).stack_args
            };
            assert_eq!(listed(&ids.stacks), s, "stacks of type {ty}");
            let s = if ty == EV_SYNC {
                &[][..]
            } else {
                spec(ty).string_args
            };
            assert_eq!(listed(&ids.strings), s, "strings of type {ty}");
            let positions = listed(&ids.stacks).into_iter().chain(listed(&ids.strings));
            let mask = positions.fold(0u8, |m, i| m | 1 << (i - 1));
            assert_eq!(ids.mask, mask, "id mask of type {ty}");
            let strings = listed(&ids.strings).into_iter();
            let string_mask = strings.fold(0u8, |m, i| m | 1 << (i - 1));
            assert_eq!(ids.string_mask, string_mask, "string mask of type {ty}");
        }
    }

    /// Events naming a stack or string their generation lacks are rejected with Go's
    /// message, whether the id falls inside the bit sets' range (answered there) or past
    /// it (answered by the tables), and ids that exist pass.
    #[test]
    fn unknown_stack_and_string_ids_are_rejected() {
        use crate::raw::RawTrace;
        use crate::text::{assemble, write_trace, TextStyle};
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../corpus/traces/go1.26/channels.trace"
        );
        let bytes = std::fs::read(path).expect("corpus trace");
        let trace = RawTrace::parse(&bytes, Toolchain::Go1_26).expect("corpus trace parses");
        let mut text = String::new();
        write_trace(&mut text, &trace, &WireTable::full(), TextStyle::Go);
        let block = "GoBlock dt=15 reason_string=11 stack=12\n";
        assert!(text.contains(block), "the trace's first block moved");
        // The trace with `line` in place of the block, its batch's size grown by `grown`.
        let order = |line: &str, grown: u64| {
            let at = text.find(block).expect("block");
            let size_at = text[..at].rfind(" size=").expect("batch header") + " size=".len();
            let size_end = size_at + text[size_at..].find('\n').expect("line end");
            let size: u64 = text[size_at..size_end].parse().expect("size");
            let edited = format!(
                "{}{}{}{}",
                &text[..size_at],
                size + grown,
                &text[size_end..at],
                text[at..].replacen(block, line, 1)
            );
            let edited = assemble(edited.as_bytes()).expect("assembles");
            let out = listing(&edited, Toolchain::Go1_26, true, &mut 0);
            // The plain run that meets the bad id hands out what the dispatcher does.
            assert_eq!(
                out,
                listing(&edited, Toolchain::Go1_26, false, &mut 0),
                "{line}"
            );
            (out.len(), out.last().cloned().unwrap_or_default())
        };
        let (events, last) = order(block, 0);
        assert!(events > 1_000 && !last.contains("invalid"), "{last}");
        let stack = |id| format!("GoBlock dt=15 reason_string=11 stack={id}\n");
        let string = |id| format!("GoBlock dt=15 reason_string={id} stack=12\n");
        let cases = [
            // Inside the last word of each bit set (the generation has fewer ids).
            (stack(60), 0, "stack ID 60"),
            (string(100), 0, "string ID 100"),
            // Past both sets (two-byte ids): the tables answer.
            (stack(5000), 1, "stack ID 5000"),
            (string(5000), 1, "string ID 5000"),
        ];
        for (line, grown, id) in cases {
            let (n, last) = order(&line, grown);
            let want = format!("found invalid {id} for event GoBlock");
            assert!(n < events && last.contains(&want), "{line}: {last}");
        }
    }

    /// A uvarint of `len` bytes (1 to 11) with random digits, for the readers' tests: a
    /// 10th byte may exceed 1 (overflow), and 11 bytes never end in time.
    fn random_uvarint(rng: &mut crate::seeded::SplitMix64, len: u64, out: &mut Vec<u8>) {
        for _ in 1..len {
            out.push(0x80 | rng.below(0x80) as u8);
        }
        let last = if len == 10 {
            rng.below(4)
        } else {
            rng.below(0x80)
        };
        out.push(last as u8);
    }

    /// An event's bytes for the readers' tests: a GoSwitch, or one time in `odd_in` any
    /// type byte with six numbers; mostly short numbers, sometimes up to 11 bytes.
    fn random_event(rng: &mut crate::seeded::SplitMix64, odd_in: u64, out: &mut Vec<u8>) {
        let (ty, numbers) = match rng.below(odd_in) {
            0 => (rng.below(256) as u8, 6),
            _ => (ev::GO_SWITCH, 3),
        };
        out.push(ty);
        for _ in 0..numbers {
            let len = match rng.below(8) {
                0 => 1 + rng.below(11),
                _ => 1 + rng.below(3),
            };
            random_uvarint(rng, len, out);
        }
    }

    /// The window reader reads what the checked reader reads, errors included, and an
    /// event either declines is left as it was.
    #[test]
    fn window_reader_agrees_with_the_checked_reader() {
        let mut rng = crate::seeded::SplitMix64(8);
        let mut in_window = 0;
        for profile in [Toolchain::Go1_22, Toolchain::Go1_26] {
            let counts = arg_counts_of(profile);
            for _ in 0..20_000 {
                let mut data = Vec::new();
                random_event(&mut rng, 4, &mut data);
                // The event's tail may lie past a batch's end or be followed by others.
                let tail = rng.below(160) as usize;
                data.resize(data.len() + tail, 0);
                if rng.below(4) == 0 {
                    data.truncate(1 + rng.below(data.len() as u64) as usize);
                }
                let mut before = BaseEvent::default();
                before.args.iter_mut().for_each(|a| *a = rng.next_u64());
                let (mut fast, mut checked) = (before, before);
                let fast_read = read_timed_event(&data, &mut fast, counts);
                let checked_read = read_timed_event_checked(&data, &mut checked, counts);
                assert_eq!(
                    format!("{fast_read:?} {fast:?}"),
                    format!("{checked_read:?} {checked:?}"),
                    "{data:?}"
                );
                let mut probe = before;
                if let Some(window) = data.first_chunk::<{ varint::WINDOW }>() {
                    in_window +=
                        usize::from(read_event_in_window(window, &mut probe, counts).is_some());
                }
            }
        }
        assert!(
            in_window > 5_000,
            "only {in_window} events took the window reader"
        );
    }

    /// Go's `heapSiftDown`, swap by swap through its `min3` (the entry and its two
    /// children, the first of equal times kept), to hold [`sift_down`] to.
    fn go_sift_down(heap: &mut [Slot], mut i: usize) {
        loop {
            let mut m = i;
            for child in [2 * i + 1, 2 * i + 2] {
                if child < heap.len() && heap[child].time < heap[m].time {
                    m = child;
                }
            }
            if m == i {
                break;
            }
            heap.swap(i, m);
            i = m;
        }
    }

    /// The hole-carrying sift leaves every entry where Go's swaps do, ties included,
    /// from any entry of any array (a heap or not).
    #[test]
    fn sift_down_moves_entries_as_go_does() {
        let order = |h: &[Slot]| h.iter().map(|s| (s.cursor, s.time)).collect::<Vec<_>>();
        let mut rng = crate::seeded::SplitMix64(7);
        for _ in 0..20_000 {
            let len = 1 + rng.below(12) as usize;
            // Few distinct times, so that ties are common.
            let heap: Vec<Slot> = (0..len)
                .map(|cursor| Slot {
                    time: rng.below(4) as i64,
                    cursor,
                })
                .collect();
            let i = rng.below(len as u64) as usize;
            let time = rng.below(5) as i64;
            let mut ours = heap.clone();
            let mut go = heap;
            go[i].time = time;
            let moving = go[i];
            let mut sunk = ours.clone();
            sift_down(&mut ours, i, moving);
            go_sift_down(&mut go, i);
            if i == 0 {
                // The top's update at a change of thread, whether or not the new time is
                // later than a child.
                sink_top(&mut sunk, time);
                assert_eq!(order(&sunk), order(&go));
            }
            assert_eq!(order(&ours), order(&go));
        }
    }

    /// A switch run's GoSwitch reader moves a cursor exactly as the general reader does
    /// whenever it takes the event, and leaves the cursor alone otherwise.
    #[test]
    fn switch_window_reader_moves_the_cursor_as_next_event_does() {
        let mut rng = crate::seeded::SplitMix64(9);
        let counts = arg_counts_of(Toolchain::Go1_26);
        let scale = TickScale::new(64.0);
        let mut arena = Vec::new();
        let mut batches = Vec::new();
        for b in 0..200 {
            let start = arena.len();
            for _ in 0..rng.below(40) {
                random_event(&mut rng, 50, &mut arena);
            }
            batches.push(Batch::with_payload(1, b * rng.below(3), start..arena.len()));
        }
        let state = |c: &Cursor| {
            let moved = (c.idx, c.pos, c.end, c.last_ts, c.ev_pos, c.read_in_batch);
            format!("{moved:?} {:?}", c.ev)
        };
        let (mut general, mut switching) = (
            Cursor::new(1, batches.clone(), arena.len()),
            Cursor::new(1, batches, arena.len()),
        );
        let mut taken = 0;
        loop {
            let before = state(&switching);
            let read = if switching.next_switch_in_window(scale, &arena) {
                taken += 1;
                Ok(true)
            } else {
                assert_eq!(state(&switching), before, "declined, yet moved");
                switching.next_event(scale, 0, &arena, counts)
            };
            let expected = general.next_event(scale, 0, &arena, counts);
            assert_eq!(format!("{read:?}"), format!("{expected:?}"));
            assert_eq!(state(&switching), state(&general));
            match read {
                Ok(true) => {}
                // The cursor stops at an error; start the next batch as a new thread would.
                Err(_) if general.idx + 1 < general.batches.len() => {
                    for c in [&mut general, &mut switching] {
                        c.pos = c.end;
                    }
                }
                _ => break,
            }
        }
        assert!(
            taken > 1_000,
            "only {taken} switches took the window reader"
        );
    }

    /// Everything an [`EventReader`] hands out, in a comparable form; counts the
    /// switches into `switches`.
    fn listing(
        bytes: &[u8],
        profile: Toolchain,
        shortcuts: bool,
        switches: &mut usize,
    ) -> Vec<String> {
        let mut reader = match EventReader::new(bytes, profile) {
            Ok(r) => r,
            Err(e) => return vec![format!("{e:?}")],
        };
        reader.shortcuts = shortcuts;
        let mut out = Vec::new();
        let mut chunk = Vec::new();
        loop {
            match reader.next_events(&mut chunk) {
                Ok(true) => {
                    *switches += chunk.iter().filter(|e| e.ty == ev::GO_SWITCH).count();
                    out.extend(
                        chunk
                            .iter()
                            .map(|e| format!("{:?} {} {} {:?}", e.ctx, e.ty, e.time, e.args)),
                    )
                }
                Ok(false) => return out,
                Err(e) => {
                    out.push(format!("{e:?}"));
                    return out;
                }
            }
        }
    }

    /// The listing of `bytes` as `profile` reads it is the same with switch runs on and off;
    /// returns how many switches it has.
    fn assert_runs_change_nothing(bytes: &[u8], profile: Toolchain, what: &str) -> usize {
        let mut switches = 0;
        let fast = listing(bytes, profile, true, &mut switches);
        let slow = listing(bytes, profile, false, &mut 0);
        assert_eq!(fast, slow, "{what}");
        switches
    }

    /// Both floor passes decode every wire event of every committed trace exactly once:
    /// as many as the raw decoder finds in the same batches, with the same digest.
    #[test]
    fn floor_passes_visit_every_event_once() {
        let (mut traces, mut all_made, mut all_ordered) = (0, 0, 0);
        for (path, bytes) in crate::test_corpus::traces() {
            let Some(profile) = Toolchain::ALL
                .into_iter()
                .find(|t| path.parent().is_some_and(|d| d.ends_with(t.name())))
            else {
                continue;
            };
            let Ok(mut generations) = GenerationReader::new(&bytes[..], profile) else {
                continue;
            };
            let table = WireTable::new(profile, profile.writes()).unwrap();
            let mut wire_events = 0;
            let mut decodes = true;
            while let Some(Ok(mut g)) = generations.next() {
                let arena = g.take_arena();
                for batch in g.batches.iter().flat_map(|(_, list)| list) {
                    let payload = batch.payload_in(&arena);
                    let mut pos = 0;
                    while pos < payload.len() {
                        match crate::raw::decode_event(payload, pos, &table) {
                            Ok((_, end)) => (pos, wire_events) = (end, wire_events + 1),
                            Err(_) => {
                                decodes = false;
                                break;
                            }
                        }
                    }
                }
            }
            let read = floor_pass(&bytes[..], profile, Floor::Read);
            let merged = floor_pass(&bytes[..], profile, Floor::ReadAndMerge);
            let made = floor_pass(&bytes[..], profile, Floor::ReadMergeAndMake);
            if !decodes {
                assert!(
                    read.is_err() && merged.is_err() && made.is_err(),
                    "{path:?}"
                );
                continue;
            }
            let (read, merged, made) = (read.unwrap(), merged.unwrap(), made.unwrap());
            assert_eq!(read.events, wire_events, "{path:?}");
            assert_eq!(read, merged, "{path:?}");
            assert_eq!((made.events, made.digest), (read.events, read.digest));
            // No more events made than ordering makes from the batches (all but the Syncs
            // and the CPU samples, which come from elsewhere), and nearly as many: the
            // proc steal it adds when a cgo callback's goroutine ends holding a proc
            // depends on state, and is not made here.
            let Some(ordered) = crate::properties::events_ordered_from_batches(&bytes, profile)
            else {
                continue;
            };
            assert!(made.made <= ordered, "{path:?}: {} > {ordered}", made.made);
            (all_made, all_ordered) = (all_made + made.made, all_ordered + ordered);
            traces += 1;
        }
        assert!(traces > 20, "only {traces} traces checked");
        assert!(
            all_made * 100 >= all_ordered * 99,
            "{all_made} of {all_ordered}"
        );
    }

    /// Switch runs and the plain step are shortcuts only: over generated traces
    /// (coroutine switch chains included) and every corruption of them, under every
    /// release's rules, the events, their times and contexts, and the error that ends
    /// them are the dispatcher's.
    #[test]
    fn shortcuts_order_as_the_dispatcher_does() {
        use crate::conform::suite::{corrupted_cases, generated_cases};
        let mut switches = 0;
        let cases = generated_cases(8, 0)
            .into_iter()
            .chain(corrupted_cases(2, 0));
        for case in cases {
            let Ok(case) = case.build() else { continue };
            for profile in Toolchain::ALL {
                let what = format!("{} as {profile:?}", case.case.name);
                switches += assert_runs_change_nothing(&case.case.bytes, profile, &what);
            }
        }
        // Not vacuous: the cases do switch.
        assert!(switches > 1_000, "only {switches} switch events");
    }

    /// The same with damage inside the batches of switching traces: wherever a byte is
    /// overwritten, the shortcuts stop where the dispatcher stops, with the same error and
    /// the same events before it.
    #[test]
    fn shortcuts_stop_where_the_dispatcher_does() {
        use crate::conform::suite::generated_cases;
        let mut checked = 0;
        for case in generated_cases(3, 40) {
            let Ok(case) = case.build() else { continue };
            let bytes = &case.case.bytes;
            let mut switches = 0;
            listing(bytes, Toolchain::Go1_27, true, &mut switches);
            if switches == 0 {
                continue;
            }
            let step = (bytes.len() / 60).max(1);
            for at in (16..bytes.len()).step_by(step) {
                for value in [0x80, 0xff] {
                    let mut damaged = bytes.clone();
                    damaged[at] = value;
                    for profile in [Toolchain::Go1_23, Toolchain::Go1_27] {
                        let what = format!("{} byte {at} = {value}", case.case.name);
                        assert_runs_change_nothing(&damaged, profile, &what);
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 500, "only {checked} damaged traces");
    }

    /// Damage inside committed traces of busy programs without coroutines, where plain
    /// runs order nearly every event: they stop where the dispatcher stops, with the same
    /// error and the same events before it.
    #[test]
    fn plain_runs_stop_where_the_dispatcher_does() {
        let mut checked = 0;
        for name in ["go1.26/channels.trace", "go1.23/channels.trace"] {
            let path = format!("{}/../corpus/traces/{name}", env!("CARGO_MANIFEST_DIR"));
            let bytes = std::fs::read(&path).expect("corpus trace");
            let step = (bytes.len() / 150).max(1);
            for at in (16..bytes.len()).step_by(step) {
                for value in [0x00, 0x80, 0xff] {
                    let mut damaged = bytes.clone();
                    damaged[at] = value;
                    for profile in [Toolchain::Go1_23, Toolchain::Go1_26] {
                        let what = format!("{name} byte {at} = {value} as {profile:?}");
                        assert_runs_change_nothing(&damaged, profile, &what);
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1_000, "only {checked} damaged traces");
    }

    /// States the generator never makes, put just before a switch or an event the plain
    /// step takes (GoBlock, GoStop, GoStart, GoUnblock): the thread's proc stopped, its
    /// goroutine in a syscall (with each of a few proc sequence numbers, one of which
    /// fits), the batch's thread unknown. The shortcuts leave each to the dispatcher,
    /// which reports it or orders it the same way.
    #[test]
    fn shortcuts_check_what_the_dispatcher_checks() {
        use crate::conform::suite::generated_cases;
        use crate::raw::{RawEvent, RawTrace};
        let mut checked = 0;
        for case in generated_cases(16, 0) {
            let Ok(case) = case.build() else { continue };
            let bytes = &case.case.bytes;
            let Ok(trace) = RawTrace::parse(bytes, Toolchain::Go1_27) else {
                continue;
            };
            let shortcut_types = [
                ev::GO_SWITCH,
                ev::GO_BLOCK,
                ev::GO_STOP,
                ev::GO_START,
                ev::GO_UNBLOCK,
            ];
            let events = &trace.events;
            let targets: Vec<usize> = shortcut_types
                .iter()
                .flat_map(|&ty| {
                    (0..events.len())
                        .filter(move |&i| events[i].ty == ty)
                        .take(6)
                })
                .collect();
            // Event arguments start with `dt`.
            let mut inserts = vec![vec![RawEvent::new(ev::PROC_STOP, &[0])]];
            for p_seq in 1..6 {
                inserts.push(vec![RawEvent::new(ev::GO_SYSCALL_BEGIN, &[0, p_seq, 0])]);
            }
            // A goroutine started beside the running one (the dispatcher's context error).
            let fresh_g = 1 << 40;
            inserts.push(vec![
                RawEvent::new(ev::GO_CREATE, &[0, fresh_g, 0, 0]),
                RawEvent::new(ev::GO_START, &[0, fresh_g, 1]),
            ]);
            // A goroutine with id -1, Go's "no goroutine", running and then blocking.
            inserts.push(vec![
                RawEvent::new(ev::GO_CREATE, &[0, u64::MAX, 0, 0]),
                RawEvent::new(ev::GO_START, &[0, u64::MAX, 1]),
                RawEvent::new(ev::GO_BLOCK, &[0, 0, 0]),
            ]);
            for &at in &targets {
                let Some(batch) = (0..at)
                    .rev()
                    .find(|&i| trace.events[i].ty == ev::EVENT_BATCH)
                else {
                    continue;
                };
                let mut here = inserts.clone();
                let target = &trace.events[at];
                if matches!(target.ty, ev::GO_START | ev::GO_UNBLOCK) {
                    // The same goroutine and sequence number, one step early: unblocked
                    // while not waiting, or started while not runnable.
                    let (g, seq) = (target.args[1], target.args[2]);
                    here.push(vec![RawEvent::new(ev::GO_UNBLOCK, &[0, g, seq, 0])]);
                    here.push(vec![RawEvent::new(ev::GO_START, &[0, g, seq])]);
                }
                let mut variants = Vec::new();
                for insert in &here {
                    let mut t = trace.clone();
                    let size = t.events[batch].args[3];
                    let added: usize = insert.iter().map(RawEvent::encoded_len).sum();
                    let mut args = t.events[batch].args.to_vec();
                    args[3] = size + added as u64;
                    t.events[batch] = RawEvent::new(ev::EVENT_BATCH, &args);
                    t.events.splice(at..at, insert.iter().cloned());
                    variants.push(t.to_bytes());
                }
                // The batch's thread is NONE.
                let mut t = trace.clone();
                let mut args = t.events[batch].args.to_vec();
                args[1] = u64::MAX;
                t.events[batch] = RawEvent::new(ev::EVENT_BATCH, &args);
                variants.push(t.to_bytes());
                for v in variants {
                    let what = format!("{} before event {at}", case.case.name);
                    assert_runs_change_nothing(&v, Toolchain::Go1_27, &what);
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "only {checked} edited traces");
    }

    #[test]
    fn header_only_go126_trace_is_one_sync() {
        let bytes = Version::Go126.header();
        let events: Vec<_> = EventReader::new(&bytes[..], Toolchain::Go1_27)
            .unwrap()
            .collect();
        assert_eq!(events.len(), 1);
        let e = events[0].as_ref().unwrap();
        assert_eq!((e.ty, e.args[0], e.time), (EV_SYNC, 1, 1));
    }
}
