//! The simulated runtime: Ms, Ps, goroutines, coroutines, syscalls, GC and annotations.
//! Each step picks one action that is valid in the current state, writes the wire events
//! the real runtime would write for it, and (for the oracle) notes the high-level events
//! Go's parser must report for them, in the order it must report them.
//!
//! The order is known because every event gets a time no smaller than the previous one,
//! and the only equal times are consecutive events of one M, whose order the file fixes.
//! So the parser's merge of the per-M batches by time reproduces the model's order, and
//! its time fix-up (`t <= last` becomes `last + 1`) is applied to the oracle's times too.

use std::collections::BTreeMap;

use super::config::{Config, TimePolicy};
use crate::api::{ClockSnapshot, RangeAttribute, ResourceId, StackFrame, Value};
use crate::generation::go_f64_to_i64;
use crate::jsonl::{
    key, push_args, push_attributes, push_clock, push_frames, push_integer, push_name,
    push_resource, push_text, Key, COMMON_KEYS,
};
use crate::seeded::SplitMix64;
use crate::spec::{self, ev, EventType};
use crate::version::{Toolchain, Version};

/// The thread id of batches that belong to no M, and the wire "no P".
pub(super) const NO_THREAD: u64 = u64::MAX;
/// Go's `NoTask`.
const NO_TASK: u64 = u64::MAX;

/// The string table every generation carries (ids 1..; id 0 is the implicit "").
pub(super) const STRINGS: &[&str] = &[
    // Block reasons (1..=4) and the stop reason (5).
    "chan receive",
    "select",
    "sync.Mutex.Lock",
    "sleep",
    "preempted",
    // Stop-the-world kinds (6..=8).
    "GC mark termination",
    "GOMAXPROCS",
    "read mem stats",
    // Task and region names (9..=11).
    "checkout",
    "db query",
    "render",
    // Log categories and messages, labels (12..=15).
    "cart",
    "item added",
    "label-a",
    "label-b",
    // Stack frame functions (16..=20) and files (21..=22).
    "main.main",
    "main.worker",
    "runtime.gopark",
    "iter.Pull.func1",
    "net.(*conn).Read",
    "main.go",
    "runtime/proc.go",
];
const REASONS: std::ops::RangeInclusive<u64> = 1..=4;
const PREEMPTED: u64 = 5;
const STW_KINDS: std::ops::RangeInclusive<u64> = 6..=8;
const TASK_NAMES: std::ops::RangeInclusive<u64> = 9..=11;
const LOG_CATEGORY: u64 = 12;
const LOG_MESSAGE: u64 = 13;
const LABELS: std::ops::RangeInclusive<u64> = 14..=15;
const FIRST_FUNC: u64 = 16;
const FUNCS: u64 = 5;
const FIRST_FILE: u64 = 21;

/// Wire GoStatus values.
const G_RUNNABLE: u64 = 1;
const G_RUNNING: u64 = 2;
const G_SYSCALL: u64 = 3;
const G_WAITING: u64 = 4;
/// Wire ProcStatus values.
const P_RUNNING: u64 = 1;
const P_IDLE: u64 = 2;
const P_SYSCALL: u64 = 3;
const P_ABANDONED: u64 = 4;

/// One frame of the shared frame pool: PC `FRAME_PC_BASE + 0x40 * i`. The same PC always
/// names the same function, file and line (Go 1.23+ keep the first frame seen per PC).
const FRAME_PC_BASE: u64 = 0x40_1000;
const FRAME_POOL: u64 = 8;

fn frame(i: u64) -> (u64, u64, u64, u64) {
    let func = FIRST_FUNC + i % FUNCS;
    let file = FIRST_FILE + i % 2;
    (FRAME_PC_BASE + 0x40 * i, func, file, 10 + 7 * i)
}

/// The frames of stack `id` (1-based): 1 to 4 frames from the pool.
pub(super) fn stack_frames(id: u64) -> impl Iterator<Item = (u64, u64, u64, u64)> {
    (0..1 + id % 4).map(move |k| frame((id + k) % FRAME_POOL))
}

/// The frames of stack `id` as the parser reports them; none for stack 0.
fn frames_of(id: u64) -> impl Iterator<Item = StackFrame<'static>> {
    stack_frames(id)
        .take(if id == 0 { 0 } else { usize::MAX })
        .map(|(pc, func, file, line)| StackFrame {
            pc,
            func: STRINGS[func as usize - 1].as_bytes(),
            file: STRINGS[file as usize - 1].as_bytes(),
            line,
        })
}

/// Field `key`: the frames of stack `id` (`[]` for stack 0).
fn stack_field(f: &mut NoteWriter<'_>, key: Key, id: u64) {
    f.field(key, |out| push_frames(out, frames_of(id)));
}

/// The event's `"stack"`, when it has one (`id` non-zero).
fn with_stack(f: &mut NoteWriter<'_>, id: u64) {
    if id != 0 {
        stack_field(f, key!("stack"), id);
    }
}

/// String `id` of the string table as a JSON string field.
fn string_field(f: &mut NoteWriter<'_>, key: Key, id: u64) {
    f.string(key, STRINGS[id as usize - 1]);
}

/// Choices driven by a seed.
pub(super) struct Chooser(pub SplitMix64);

impl Chooser {
    /// A value in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0.below(n as u64) as usize
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.0.below(n) == 0
    }

    fn in_range(&mut self, r: std::ops::RangeInclusive<u64>) -> u64 {
        r.start() + self.0.below(r.end() - r.start() + 1)
    }
}

/// Why a goroutine waits, which decides what may wake it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wait {
    /// GoBlock: woken by GoUnblock.
    Blocked,
    /// Inside a GoSwitch to a coroutine: woken only by the coroutine switching back.
    Switched,
    /// A coroutine not running (created blocked, or it yielded): any G may switch to it.
    Parked,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GState {
    Runnable,
    Running(usize),
    Waiting(Wait),
    Syscall(usize),
}

#[derive(Clone, Debug)]
struct G {
    state: GState,
    seq: u64,
    /// Its status was written (or implied) in this generation.
    mentioned: bool,
    /// The parser has seen it (its first status is not `Undetermined`).
    known: bool,
    /// A coroutine: it was created blocked and only ever runs by being switched to.
    coroutine: bool,
    /// For a running coroutine: the G waiting in the switch to it.
    caller: Option<u64>,
    /// Open regions: (task, name string id).
    regions: Vec<(u64, u64)>,
    mark_assist: bool,
    stw: Option<u64>,
}

impl G {
    fn new(state: GState, mentioned: bool, known: bool) -> G {
        G {
            state,
            seq: 0,
            mentioned,
            known,
            coroutine: false,
            caller: None,
            regions: Vec::new(),
            mark_assist: false,
            stw: None,
        }
    }

    /// Nothing in flight that a real goroutine could not exit with.
    fn may_exit(&self) -> bool {
        self.regions.is_empty() && !self.mark_assist && self.stw.is_none()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PState {
    Idle,
    Running(usize),
    Syscall(usize),
    /// Left behind by a goroutine destroyed in a syscall (GoDestroySyscall) on the given
    /// M; only a steal takes it back. The steal names that M, as the runtime's does (it
    /// remembers the thread that entered the syscall), so a parser that meets the steal
    /// before the destruction still finds the P on that thread.
    Abandoned(usize),
}

#[derive(Clone, Copy, Debug)]
struct P {
    state: PState,
    seq: u64,
    sweeping: bool,
    known: bool,
    /// In a syscall and its status not written yet in this generation: a steal writes it
    /// as ProcSyscallAbandoned, its owner as ProcSyscall.
    status_due: bool,
}

#[derive(Clone, Copy, Debug, Default)]
struct M {
    p: Option<usize>,
    g: Option<u64>,
}

/// One action of the model; each is valid in the state it was offered in.
#[derive(Clone, Copy, Debug)]
enum Action {
    ProcStart(usize, usize),
    ProcStop(usize),
    GoStart(usize, u64),
    GoCreate(usize),
    GoBlock(usize),
    GoUnblock(usize, u64),
    GoStop(usize),
    GoDestroy(usize),
    GoCreateBlocked(usize),
    /// Switch from the running G to a parked coroutine, or from a coroutine back to its
    /// caller (`destroy`: the coroutine exits).
    GoSwitch(usize, u64, bool),
    /// `n` rounds of switching to a parked coroutine and back: `for next() {}`.
    PullLoop(usize, u64),
    SyscallBegin(usize),
    SyscallEnd(usize),
    SyscallEndBlocked(usize),
    ProcSteal(usize, usize),
    CgoCreate(usize),
    CgoDestroy(usize),
    GcBegin(usize),
    GcEnd(usize),
    StwBegin(usize),
    StwEnd(usize),
    SweepBegin(usize),
    SweepEnd(usize),
    AssistBegin(usize),
    AssistEnd(usize),
    TaskBegin(usize),
    TaskEnd(usize, u64),
    RegionBegin(usize),
    RegionEnd(usize),
    Log(usize),
    Label(usize),
    HeapMetric(usize),
    ProcsChange(usize),
    CpuSample(usize),
    AllocFree(usize),
}

/// Goroutines by id: ids are handed out in order from 1, so a vector indexed by id
/// (`None`: not created yet, or gone) replaces a map on the hot path.
struct Goroutines(Vec<Option<G>>);

impl Goroutines {
    fn get_mut(&mut self, id: &u64) -> Option<&mut G> {
        self.0.get_mut(*id as usize)?.as_mut()
    }

    fn insert(&mut self, id: u64, g: G) {
        let i = id as usize;
        if self.0.len() <= i {
            self.0.resize_with(i + 1, || None);
        }
        self.0[i] = Some(g);
    }

    fn remove(&mut self, id: &u64) -> Option<G> {
        self.0.get_mut(*id as usize)?.take()
    }

    fn values_mut(&mut self) -> impl Iterator<Item = &mut G> {
        self.0.iter_mut().flatten()
    }

    fn iter(&self) -> impl Iterator<Item = (u64, &G)> {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(id, g)| Some((id as u64, g.as_ref()?)))
    }
}

impl std::ops::Index<&u64> for Goroutines {
    type Output = G;

    fn index(&self, id: &u64) -> &G {
        self.0[*id as usize].as_ref().expect("a live goroutine")
    }
}

/// An action as offered, before its target is drawn from a pool.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Plain(Action),
    ProcStart,
    GoStart,
    GoUnblock,
    SwitchToParked,
    PullLoop,
    TaskEnd,
    ProcSteal,
}

/// Action families, as indexes into the buffer `actions` fills.
const SCHED: usize = 0;
const CORO: usize = 1;
const SYSCALLS: usize = 2;
const GC: usize = 3;
const ANNOTATIONS: usize = 4;
const METRICS: usize = 5;
const SAMPLES: usize = 6;
const ALLOC: usize = 7;

/// The action kinds of one family valid on an M (never more than eight).
#[derive(Clone, Copy)]
struct Family {
    kinds: [Kind; 8],
    len: usize,
}

impl Default for Family {
    fn default() -> Family {
        Family {
            kinds: [Kind::GoStart; 8],
            len: 0,
        }
    }
}

impl Family {
    fn push(&mut self, kind: Kind) {
        debug_assert!(self.len < self.kinds.len(), "family overflow");
        if let Some(slot) = self.kinds.get_mut(self.len) {
            *slot = kind;
            self.len += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A set of ids with O(1) insert, remove and uniform random pick; its order depends only
/// on the sequence of operations, so picks are deterministic.
#[derive(Default)]
struct Pool {
    items: Vec<u64>,
    index: rustc_hash::FxHashMap<u64, usize>,
}

impl Pool {
    fn insert(&mut self, id: u64) {
        if let std::collections::hash_map::Entry::Vacant(e) = self.index.entry(id) {
            e.insert(self.items.len());
            self.items.push(id);
        }
    }

    fn remove(&mut self, id: u64) {
        if let Some(i) = self.index.remove(&id) {
            self.items.swap_remove(i);
            if let Some(&moved) = self.items.get(i) {
                self.index.insert(moved, i);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn pick(&self, c: &mut Chooser) -> Option<u64> {
        (!self.items.is_empty()).then(|| self.items[c.below(self.items.len())])
    }
}

/// A timed wire event: tick, type, arguments after `dt` (at most four).
#[derive(Clone, Copy, Debug)]
pub(super) struct Timed {
    pub tick: u64,
    pub ty: EventType,
    args: [u64; 4],
    nargs: u8,
}

impl Timed {
    fn new(tick: u64, ty: EventType, args: &[u64]) -> Timed {
        let mut inline = [0; 4];
        inline[..args.len()].copy_from_slice(args);
        Timed {
            tick,
            ty,
            args: inline,
            nargs: args.len() as u8,
        }
    }

    /// The arguments after `dt`.
    pub fn args(&self) -> &[u64] {
        &self.args[..usize::from(self.nargs)]
    }
}

/// The oracle's listing, written as the model notes each high-level event: the header line,
/// then one JSON line per event with keys sorted as `serde_json` prints a map and its time
/// converted to ns and fixed up as Go's parser does (`t <= last` becomes `last + 1`). The
/// model notes events in the order the listing has them, so each time is fixed up as it
/// is noted and every line is written once, in place.
pub(super) struct Notes {
    text: String,
    /// Clock ticks per second.
    frequency: u64,
    /// The last time written, after the fix-up.
    last: i64,
}

/// Writes one note's object straight into the notes' buffer: the note gives its own keys
/// in sorted order, and the keys every note has ([`COMMON_KEYS`]) are merged in at their
/// sorted places, so no field is rendered apart, sorted or copied.
pub(super) struct NoteWriter<'a> {
    out: &'a mut String,
    /// The note's M, P and G.
    ctx: (i64, i64, i64),
    kind: &'static str,
    /// Index in [`COMMON_KEYS`] of the next common key due.
    next_common: usize,
    /// Whether no field has been written yet.
    empty: bool,
    /// The note's time in ns.
    time: i64,
}

impl NoteWriter<'_> {
    /// Starts `key`'s value, after the common keys that sort before it.
    fn key(&mut self, key: Key) -> &mut String {
        self.common_before(key.commons_before);
        self.open(key)
    }

    /// Writes `key` after a comma unless it is the object's first field.
    #[inline(always)]
    fn open(&mut self, key: Key) -> &mut String {
        key.open(self.out, std::mem::take(&mut self.empty));
        self.out
    }

    /// Writes those of the first `count` common keys not written yet (the arms follow
    /// the order of [`COMMON_KEYS`]).
    fn common_before(&mut self, count: usize) {
        while self.next_common < count {
            let ((m, p, g), kind, time) = (self.ctx, self.kind, self.time);
            match self.next_common {
                0 => push_integer(self.open(key!("g")), g),
                1 => push_name(self.open(key!("kind")), kind),
                2 => push_integer(self.open(key!("m")), m),
                3 => push_integer(self.open(key!("p")), p),
                _ => push_integer(self.open(key!("time")), time),
            }
            self.next_common += 1;
        }
    }

    pub(super) fn field(&mut self, key: Key, render: impl FnOnce(&mut String)) {
        render(self.key(key));
    }

    pub(super) fn number(&mut self, key: Key, n: impl itoa::Integer) {
        push_integer(self.key(key), n);
    }

    /// A string field from text known to be UTF-8.
    pub(super) fn string(&mut self, key: Key, text: &str) {
        push_text(self.key(key), text);
    }

    /// A string field holding one of our own names.
    pub(super) fn name(&mut self, key: Key, name: &'static str) {
        push_name(self.key(key), name);
    }

    /// Writes the common keys still due and closes the object.
    fn finish(mut self) {
        self.common_before(COMMON_KEYS.len());
        self.out.push('}');
    }
}

/// Writes a note's object to `out` (see [`Notes::push`]), at `time` ns.
pub(super) fn write_note(
    out: &mut String,
    ctx: (i64, i64, i64),
    kind: &'static str,
    time: i64,
    fields: impl FnOnce(&mut NoteWriter<'_>),
) {
    out.push('{');
    let mut writer = NoteWriter {
        out,
        ctx,
        kind,
        next_common: 0,
        empty: true,
        time,
    };
    fields(&mut writer);
    writer.finish();
}

impl Notes {
    /// A listing that starts with `header`, for a trace of `frequency` ticks per second.
    /// The text starts with room for `expected` bytes.
    pub(super) fn new(header: &str, frequency: u64, expected: usize) -> Notes {
        let mut text = String::with_capacity(header.len() + expected.max(4096));
        text.push_str(header);
        text.push('\n');
        Notes {
            text,
            frequency,
            last: 0,
        }
    }

    /// `ns` after Go's fix-up, which it then becomes the last time of.
    fn fix(&mut self, ns: i64) -> i64 {
        self.last = if ns <= self.last { self.last + 1 } else { ns };
        self.last
    }

    /// Notes an event at `tick` with context `ctx` and kind `kind`, with the fields
    /// `fields` writes, in sorted key order (not the common ones: `g`, `kind`, `m`, `p`,
    /// `time`).
    fn push(
        &mut self,
        tick: u64,
        ctx: (i64, i64, i64),
        kind: &'static str,
        fields: impl FnOnce(&mut NoteWriter<'_>),
    ) {
        let time = self.fix(ticks_to_ns(tick, self.frequency));
        write_note(&mut self.text, ctx, kind, time, fields);
        self.text.push('\n');
    }

    /// The whole listing: the events noted, then the final Sync that Go's parser reports
    /// after the last generation (the `syncs + 1`th).
    pub(super) fn finish(mut self, syncs: u64) -> String {
        let time = self.fix(0);
        write_note(&mut self.text, (-1, -1, -1), "Sync", time, |f| {
            f.number(key!("n"), syncs + 1)
        });
        self.text.push('\n');
        self.text
    }
}

/// Everything one generation wrote, ready to be laid out in batches.
pub(super) struct GenerationOut {
    /// Timed events per M, in order.
    pub batches: Vec<Vec<Timed>>,
    /// Timed events of the m=-1 batch (statuses of goroutines nobody mentioned).
    pub no_thread: Vec<Timed>,
    /// CPU samples: (tick, thread, p, g, stack).
    pub samples: Vec<[u64; 5]>,
    /// Tick of the generation's first batch.
    pub start: u64,
}

/// Live alloc/free experiment objects: spans, heap objects, goroutine stacks.
#[derive(Default)]
struct Heap {
    spans: BTreeMap<u64, (u64, u64)>,
    objects: BTreeMap<u64, u64>,
    stacks: BTreeMap<u64, u64>,
    next_id: u64,
}

/// The runtime model and its oracle.
pub(super) struct Model<'c> {
    config: &'c Config,
    c: Chooser,
    ms: Vec<M>,
    ps: Vec<P>,
    gs: Goroutines,
    next_g: u64,
    tasks: BTreeMap<u64, (u64, u64)>,
    task_ids: Pool,
    /// The buffer `actions` fills, kept between steps.
    families: Option<Box<[Family; 8]>>,
    runnable: Pool,
    blocked: Pool,
    parked: Pool,
    idle_ps: Pool,
    syscall_ps: Pool,
    next_task: u64,
    gc_seq: u64,
    gc_running: bool,
    heap: Heap,
    now: u64,
    /// M of the previous event, while ties are allowed to continue it.
    last_m: Option<usize>,
    out: GenerationOut,
    /// The oracle's notes, or `None` when no listing is wanted.
    notes: Option<Notes>,
    /// Wire events written so far.
    pub events: u64,
    /// Longest run of consecutive coroutine switches.
    pub longest_chain: usize,
    chain: usize,
}

fn g_name(s: GState) -> &'static str {
    match s {
        GState::Runnable => "Runnable",
        GState::Running(_) => "Running",
        GState::Waiting(_) => "Waiting",
        GState::Syscall(_) => "Syscall",
    }
}

fn g_wire(s: GState) -> u64 {
    match s {
        GState::Runnable => G_RUNNABLE,
        GState::Running(_) => G_RUNNING,
        GState::Waiting(_) => G_WAITING,
        GState::Syscall(_) => G_SYSCALL,
    }
}

fn thread(m: usize) -> u64 {
    m as u64 + 1
}

impl<'c> Model<'c> {
    pub fn new(config: &'c Config, seed: u64, oracle: bool) -> Model<'c> {
        let threads = config.threads.max(1);
        let procs = config.procs.max(1);
        let mut model = Model {
            config,
            c: Chooser(SplitMix64(seed)),
            ms: vec![M::default(); threads],
            ps: vec![
                P {
                    state: PState::Idle,
                    seq: 0,
                    sweeping: false,
                    known: false,
                    status_due: false,
                };
                procs
            ],
            gs: Goroutines(
                std::iter::once(None)
                    .chain(
                        (1..=config.goroutines)
                            .map(|_| Some(G::new(GState::Runnable, false, false))),
                    )
                    .collect(),
            ),
            next_g: config.goroutines as u64 + 1,
            tasks: BTreeMap::new(),
            task_ids: Pool::default(),
            families: None,
            runnable: Pool::default(),
            blocked: Pool::default(),
            parked: Pool::default(),
            idle_ps: Pool::default(),
            syscall_ps: Pool::default(),
            next_task: 1,
            gc_seq: 0,
            gc_running: false,
            heap: Heap {
                next_id: 0x1000,
                ..Heap::default()
            },
            now: 1_000,
            last_m: None,
            out: GenerationOut {
                batches: vec![Vec::new(); threads],
                no_thread: Vec::new(),
                samples: Vec::new(),
                start: 0,
            },
            notes: oracle.then(|| {
                let header = crate::jsonl::header(config.version, Toolchain::Go1_27);
                // Roughly a line of ~130 bytes per step, so that the text seldom grows.
                let steps = config.generations as usize * config.steps_per_generation;
                let expected = steps.saturating_mul(128).min(1 << 20);
                Notes::new(&header, config.frequency, expected)
            }),
            events: 0,
            longest_chain: 0,
            chain: 0,
        };
        for id in 1..=config.goroutines as u64 {
            model.runnable.insert(id);
        }
        for p in 0..procs {
            model.idle_ps.insert(p as u64);
        }
        model
    }

    pub fn chooser(&mut self) -> &mut Chooser {
        &mut self.c
    }

    fn stack(&mut self) -> u64 {
        self.c.below(self.config.stacks + 1) as u64
    }

    /// Advances the clock for an event on `m` (`None`: no M, or a CPU sample).
    fn tick(&mut self, m: Option<usize>) -> u64 {
        let gap = match self.config.time {
            TimePolicy::Spread => 1 + self.c.below(16) as u64,
            TimePolicy::Ties if m.is_some() && m == self.last_m && self.c.one_in(2) => 0,
            TimePolicy::Ties => 1 + self.c.below(4) as u64,
            TimePolicy::LargeGaps if self.c.one_in(4) => 1 + self.c.0.below(1 << 28),
            TimePolicy::LargeGaps => 1 + self.c.below(16) as u64,
        };
        self.now += gap;
        self.last_m = m;
        self.now
    }

    fn ctx(&self, m: usize) -> (i64, i64, i64) {
        let ms = self.ms[m];
        (
            thread(m) as i64,
            ms.p.map_or(-1, |p| p as i64),
            ms.g.map_or(-1, |g| g as i64),
        )
    }

    /// Writes a timed event on M `m` and returns its tick.
    fn emit(&mut self, m: usize, ty: EventType, args: &[u64]) -> u64 {
        let tick = self.tick(Some(m));
        self.out.batches[m].push(Timed::new(tick, ty, args));
        self.events += 1;
        if !matches!(ty, ev::GO_SWITCH | ev::GO_SWITCH_DESTROY) {
            self.chain = 0;
        }
        tick
    }

    /// Notes a high-level event at `tick` with context `ctx`; `fields` writes its
    /// kind-specific fields in sorted key order, and runs only when the oracle is on.
    fn note(
        &mut self,
        tick: u64,
        ctx: (i64, i64, i64),
        kind: &'static str,
        fields: impl FnOnce(&mut NoteWriter<'_>),
    ) {
        if let Some(notes) = &mut self.notes {
            notes.push(tick, ctx, kind, fields);
        }
    }

    /// The fields of a transition of goroutine `g`; `own_stack` is the event's stack
    /// (printed when non-zero), `transition` its transition stack (`Some(0)`: empty).
    #[allow(clippy::too_many_arguments)]
    fn note_g(
        &mut self,
        tick: u64,
        ctx: (i64, i64, i64),
        g: u64,
        from: &'static str,
        to: &'static str,
        reason: u64,
        transition: Option<u64>,
        own_stack: u64,
    ) {
        self.note(tick, ctx, "StateTransition", |f| {
            f.name(key!("from"), from);
            if reason == 0 {
                f.string(key!("reason"), "");
            } else {
                string_field(f, key!("reason"), reason);
            }
            f.field(key!("resource"), |out| push_resource(out, gscope(g)));
            with_stack(f, own_stack);
            f.name(key!("to"), to);
            if let Some(t) = transition {
                stack_field(f, key!("transition_stack"), t);
            }
        });
    }

    fn note_p(
        &mut self,
        tick: u64,
        ctx: (i64, i64, i64),
        p: usize,
        from: &'static str,
        to: &'static str,
    ) {
        self.note(tick, ctx, "StateTransition", |f| {
            f.name(key!("from"), from);
            f.string(key!("reason"), "");
            f.field(key!("resource"), |out| push_resource(out, pscope(p)));
            f.name(key!("to"), to);
        });
    }

    /// A range's active or end event (an end here has no attributes).
    fn note_range(
        &mut self,
        tick: u64,
        ctx: (i64, i64, i64),
        kind: &'static str,
        name: &str,
        scope: ResourceId,
    ) {
        self.note(tick, ctx, kind, |f| {
            if kind == "RangeEnd" {
                f.field(key!("attributes"), |out| push_attributes(out, &[]));
            }
            f.string(key!("name"), name);
            f.field(key!("scope"), |out| push_resource(out, scope));
        });
    }

    fn next_seq(&mut self, g: u64) -> u64 {
        let st = self.gs.get_mut(&g).expect("known G");
        st.seq += 1;
        st.seq
    }

    fn next_p_seq(&mut self, p: usize) -> u64 {
        self.ps[p].seq += 1;
        self.ps[p].seq
    }

    /// Writes `g`'s status on M `m` if nothing of `g` was written yet in this generation,
    /// as the runtime does before a G's first event (and, inside a mark assist, the
    /// assist's Active event after it).
    fn status(&mut self, m: usize, g: u64) {
        let st = &self.gs[&g];
        if st.mentioned {
            return;
        }
        let (state, known, assist) = (st.state, st.known, st.mark_assist);
        let thread_arg = match state {
            GState::Running(on) | GState::Syscall(on) => thread(on),
            _ => NO_THREAD,
        };
        let ctx = self.ctx(m);
        let tick = self.emit(m, ev::GO_STATUS, &[g, thread_arg, g_wire(state)]);
        let from = if known { g_name(state) } else { "Undetermined" };
        self.note_g(tick, ctx, g, from, g_name(state), 0, None, 0);
        let st = self.gs.get_mut(&g).expect("known G");
        st.mentioned = true;
        st.known = true;
        st.seq = 0;
        if assist {
            let ctx = self.ctx(m);
            let tick = self.emit(m, ev::GC_MARK_ASSIST_ACTIVE, &[g]);
            self.note_range(tick, ctx, "RangeActive", "GC mark assist", gscope(g));
        }
    }

    /// Starts a generation: sequence numbers restart and every status is due again.
    /// Returns the tick of the generation's first batch.
    pub fn start_generation(&mut self) -> u64 {
        self.out.start = self.tick(None);
        self.last_m = None;
        for g in self.gs.values_mut() {
            g.mentioned = false;
            g.seq = 0;
        }
        self.out.start
    }

    /// What the runtime writes first in a generation: ProcStatus for every P (with
    /// GCSweepActive for a sweeping one), GCActive while a GC runs, and the experiment's
    /// live objects; statuses of goroutines come lazily.
    pub fn announce(&mut self) {
        for p in 0..self.ps.len() {
            self.ps[p].seq = 0;
            self.ps[p].status_due = false;
            let (m, status) = match self.ps[p].state {
                PState::Running(m) => (m, P_RUNNING),
                PState::Syscall(m) => (m, P_SYSCALL),
                PState::Idle => (0, P_IDLE),
                PState::Abandoned(_) => (0, P_ABANDONED),
            };
            // As in the runtime, a P sitting in a syscall may get its status only when
            // someone next touches it.
            if status == P_SYSCALL && self.config.features.syscalls && self.c.one_in(2) {
                self.ps[p].status_due = true;
                continue;
            }
            let ctx = self.ctx(m);
            let tick = self.emit(m, ev::PROC_STATUS, &[p as u64, status]);
            let to = if matches!(status, P_IDLE | P_ABANDONED) {
                "Idle"
            } else {
                "Running"
            };
            let from = if self.ps[p].known { to } else { "Undetermined" };
            self.note_p(tick, ctx, p, from, to);
            self.ps[p].known = true;
            if self.ps[p].sweeping {
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GC_SWEEP_ACTIVE, &[p as u64]);
                self.note_range(tick, ctx, "RangeActive", "GC incremental sweep", pscope(p));
            }
        }
        if self.gc_running {
            // GCActive needs a goroutine running on a P; without one the GC simply carries
            // over (the GC sequence number does not depend on it).
            let runner = (0..self.ms.len()).find(|&m| {
                let ms = self.ms[m];
                ms.p.is_some()
                    && ms
                        .g
                        .is_some_and(|g| matches!(self.gs[&g].state, GState::Running(_)))
            });
            if let Some(m) = runner {
                let g = self.ms[m].g.expect("running G");
                self.status(m, g);
                self.gc_seq += 1;
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GC_ACTIVE, &[self.gc_seq]);
                self.note_range(
                    tick,
                    ctx,
                    "RangeActive",
                    "GC concurrent mark phase",
                    ResourceId::None,
                );
            }
        }
        if self.config.alloc_free() {
            self.announce_heap();
        }
    }

    /// The experiment's "exists" events for every live object, once per generation.
    fn announce_heap(&mut self) {
        let m = 0;
        let spans: Vec<_> = self.heap.spans.iter().map(|(&k, &v)| (k, v)).collect();
        for (id, (pages, class)) in spans {
            self.experimental(m, ev::SPAN, &[id, pages, class]);
        }
        let objects: Vec<_> = self.heap.objects.iter().map(|(&k, &v)| (k, v)).collect();
        for (id, ty) in objects {
            self.experimental(m, ev::HEAP_OBJECT, &[id, ty]);
        }
        let stacks: Vec<_> = self.heap.stacks.iter().map(|(&k, &v)| (k, v)).collect();
        for (id, order) in stacks {
            self.experimental(m, ev::GOROUTINE_STACK, &[id, order]);
        }
    }

    fn experimental(&mut self, m: usize, ty: EventType, args: &[u64]) {
        let ctx = self.ctx(m);
        let tick = self.emit(m, ty, args);
        let spec = spec::spec(ty);
        self.note(tick, ctx, "Experimental", |f| {
            let named = spec.args[1..].iter().copied().zip(args.iter().copied());
            f.field(key!("args"), |out| push_args(out, named));
            f.string(key!("name"), spec.name);
        });
    }

    /// Ends a generation: the status of every goroutine nobody mentioned, as the runtime
    /// writes them (a running or in-syscall G's on its own M... for a running one; the
    /// rest in the m=-1 batch, with their stacks on go 1.23+).
    pub fn end_generation(&mut self) -> GenerationOut {
        let unmentioned: Vec<(u64, GState)> = self
            .gs
            .iter()
            .filter(|(_, g)| !g.mentioned)
            .map(|(id, g)| (id, g.state))
            .collect();
        for (id, state) in unmentioned {
            if let GState::Running(m) = state {
                self.status(m, id);
                continue;
            }
            let g = &self.gs[&id];
            let (known, assist) = (g.known, g.mark_assist);
            let tick = self.tick(None);
            let waiting_stack =
                matches!(state, GState::Waiting(_)) && self.config.version >= Version::Go123;
            let (thread_arg, ctx) = match state {
                // The parser binds the G to its M and reports the M's context.
                GState::Syscall(m) => (thread(m), (thread(m) as i64, -1, id as i64)),
                _ => (NO_THREAD, (-1, -1, -1)),
            };
            let from = if known { g_name(state) } else { "Undetermined" };
            // Drawn for every version, so that a scenario renders alike in each.
            let stack = if matches!(state, GState::Waiting(_)) {
                self.stack()
            } else {
                0
            };
            if waiting_stack {
                self.out.no_thread.push(Timed::new(
                    tick,
                    ev::GO_STATUS_STACK,
                    &[id, thread_arg, g_wire(state), stack],
                ));
                let transition = (stack != 0).then_some(stack);
                self.note_g(tick, ctx, id, from, g_name(state), 0, transition, stack);
            } else {
                self.out.no_thread.push(Timed::new(
                    tick,
                    ev::GO_STATUS,
                    &[id, thread_arg, g_wire(state)],
                ));
                self.note_g(tick, ctx, id, from, g_name(state), 0, None, 0);
            }
            self.events += 1;
            let g = self.gs.get_mut(&id).expect("known G");
            g.mentioned = true;
            g.known = true;
            if assist {
                let tick = self.tick(None);
                self.out
                    .no_thread
                    .push(Timed::new(tick, ev::GC_MARK_ASSIST_ACTIVE, &[id]));
                self.events += 1;
                self.note_range(
                    tick,
                    (-1, -1, -1),
                    "RangeActive",
                    "GC mark assist",
                    gscope(id),
                );
            }
        }
        // Each M's next batch holds about as many events as this one did.
        let batches = self
            .out
            .batches
            .iter()
            .map(|b| Vec::with_capacity(b.len()))
            .collect();
        std::mem::replace(
            &mut self.out,
            GenerationOut {
                batches,
                no_thread: Vec::new(),
                samples: Vec::new(),
                start: 0,
            },
        )
    }

    /// Notes the Sync event that opens a generation (time: its first batch's tick).
    pub fn note_sync(&mut self, tick: u64, n: u64, clock: Option<ClockSnapshot>) {
        self.note(tick, (-1, -1, -1), "Sync", |f| {
            if let Some(clock) = clock {
                f.field(key!("clock"), |out| push_clock(out, &clock));
            }
            f.number(key!("n"), n);
        });
    }

    /// Takes the oracle's notes so far (`None` when the oracle is off).
    pub(super) fn take_notes(&mut self) -> Option<Notes> {
        self.notes.take()
    }

    /// One step: picks an M, one family of the actions valid on it, then one action of
    /// that family; tries the other Ms if the first has nothing to do.
    pub fn step(&mut self) {
        let threads = self.ms.len();
        let first = self.c.below(threads);
        for k in 0..threads {
            let m = (first + k) % threads;
            let mut families = self.families.take().unwrap_or_default();
            self.actions(m, &mut families);
            let non_empty = families.iter().filter(|f| !f.is_empty()).count();
            if non_empty == 0 {
                self.families = Some(families);
                continue;
            }
            let pick = self.c.below(non_empty);
            let family = families
                .iter()
                .filter(|f| !f.is_empty())
                .nth(pick)
                .expect("counted");
            let kind = family.kinds[self.c.below(family.len)];
            self.families = Some(families);
            if let Some(action) = self.resolve(m, kind) {
                self.apply(action);
            }
            return;
        }
    }

    /// Completes an action kind with a target drawn from the pools.
    fn resolve(&mut self, m: usize, kind: Kind) -> Option<Action> {
        Some(match kind {
            Kind::Plain(action) => action,
            Kind::ProcStart => Action::ProcStart(m, self.idle_ps.pick(&mut self.c)? as usize),
            Kind::GoStart => Action::GoStart(m, self.runnable.pick(&mut self.c)?),
            Kind::GoUnblock => Action::GoUnblock(m, self.blocked.pick(&mut self.c)?),
            Kind::SwitchToParked => Action::GoSwitch(m, self.parked.pick(&mut self.c)?, false),
            Kind::PullLoop => Action::PullLoop(m, self.parked.pick(&mut self.c)?),
            Kind::TaskEnd => Action::TaskEnd(m, self.task_ids.pick(&mut self.c)?),
            Kind::ProcSteal => {
                let p = self.syscall_ps.pick(&mut self.c)? as usize;
                // Not the P of the M's own syscall.
                (self.ms[m].p != Some(p)).then_some(Action::ProcSteal(m, p))?
            }
        })
    }

    /// The kinds of action valid on M `m`, grouped in families so that one family with
    /// many members does not crowd out the rest; targets come later, from the pools.
    fn actions(&self, m: usize, fam: &mut [Family; 8]) {
        for f in fam.iter_mut() {
            f.len = 0;
        }
        let f = &self.config.features;
        let coroutines = self.config.coroutines();
        let ms = self.ms[m];
        if f.cpu_samples {
            fam[SAMPLES].push(Kind::Plain(Action::CpuSample(m)));
        }
        if self.config.alloc_free() {
            fam[ALLOC].push(Kind::Plain(Action::AllocFree(m)));
        }
        let p_syscall =
            ms.p.is_some_and(|p| matches!(self.ps[p].state, PState::Syscall(_)));
        if ms.p.is_none() && !self.idle_ps.is_empty() {
            fam[SCHED].push(Kind::ProcStart);
        }
        // Sysmon-style steals: any M may take a P whose owner sits in a syscall.
        if f.syscalls && !self.syscall_ps.is_empty() {
            fam[SYSCALLS].push(Kind::ProcSteal);
        }
        let Some(cur) = ms.g else {
            let Some(p) = ms.p else {
                if f.cgo {
                    fam[SYSCALLS].push(Kind::Plain(Action::CgoCreate(m)));
                }
                return;
            };
            // An M with a P and no G.
            if self.ps[p].sweeping {
                fam[GC].push(Kind::Plain(Action::SweepEnd(m)));
                return;
            }
            fam[SCHED].push(Kind::Plain(Action::ProcStop(m)));
            if !self.runnable.is_empty() {
                fam[SCHED].push(Kind::GoStart);
            }
            if !self.blocked.is_empty() {
                fam[SCHED].push(Kind::GoUnblock);
            }
            if f.gc {
                fam[GC].push(Kind::Plain(Action::SweepBegin(m)));
            }
            if f.heap_metrics {
                fam[METRICS].push(Kind::Plain(Action::HeapMetric(m)));
            }
            return;
        };
        let g = &self.gs[&cur];
        if let GState::Syscall(_) = g.state {
            if p_syscall {
                fam[SYSCALLS].push(Kind::Plain(Action::SyscallEnd(m)));
                if g.may_exit() && !g.coroutine {
                    fam[SYSCALLS].push(Kind::Plain(Action::CgoDestroy(m)));
                }
            } else {
                fam[SYSCALLS].push(Kind::Plain(Action::SyscallEndBlocked(m)));
                // GoDestroySyscall on an M holding a P would abandon that P.
                if ms.p.is_none() && g.may_exit() && !g.coroutine {
                    fam[SYSCALLS].push(Kind::Plain(Action::CgoDestroy(m)));
                }
            }
            return;
        }
        // A running G: its M holds a P.
        let p = ms.p.expect("a running G's M holds a P");
        if g.stw.is_some() {
            fam[GC].push(Kind::Plain(Action::StwEnd(m)));
            return;
        }
        if self.ps[p].sweeping {
            fam[GC].push(Kind::Plain(Action::SweepEnd(m)));
            return;
        }
        fam[SCHED].push(Kind::Plain(Action::GoBlock(m)));
        fam[SCHED].push(Kind::Plain(Action::GoStop(m)));
        fam[SCHED].push(Kind::Plain(Action::GoCreate(m)));
        if !self.blocked.is_empty() {
            fam[SCHED].push(Kind::GoUnblock);
        }
        if g.mark_assist {
            fam[GC].push(Kind::Plain(Action::AssistEnd(m)));
        }
        if g.may_exit() && !g.coroutine {
            fam[SCHED].push(Kind::Plain(Action::GoDestroy(m)));
        }
        if coroutines {
            fam[CORO].push(Kind::Plain(Action::GoCreateBlocked(m)));
            if !self.parked.is_empty() {
                fam[CORO].push(Kind::SwitchToParked);
                fam[CORO].push(Kind::PullLoop);
            }
            if let Some(caller) = g.caller {
                fam[CORO].push(Kind::Plain(Action::GoSwitch(m, caller, false)));
                if g.may_exit() {
                    fam[CORO].push(Kind::Plain(Action::GoSwitch(m, caller, true)));
                }
            }
        }
        if g.mark_assist {
            // Assists do not nest with the other ranges in this model.
            return;
        }
        if f.syscalls {
            fam[SYSCALLS].push(Kind::Plain(Action::SyscallBegin(m)));
        }
        if f.gc {
            if self.gc_running {
                fam[GC].push(Kind::Plain(Action::GcEnd(m)));
                fam[GC].push(Kind::Plain(Action::AssistBegin(m)));
            } else {
                fam[GC].push(Kind::Plain(Action::GcBegin(m)));
            }
            fam[GC].push(Kind::Plain(Action::StwBegin(m)));
            fam[GC].push(Kind::Plain(Action::SweepBegin(m)));
        }
        if f.annotations {
            fam[ANNOTATIONS].push(Kind::Plain(Action::TaskBegin(m)));
            if !self.task_ids.is_empty() {
                fam[ANNOTATIONS].push(Kind::TaskEnd);
            }
            fam[ANNOTATIONS].push(Kind::Plain(Action::RegionBegin(m)));
            if !g.regions.is_empty() {
                fam[ANNOTATIONS].push(Kind::Plain(Action::RegionEnd(m)));
            }
            fam[ANNOTATIONS].push(Kind::Plain(Action::Log(m)));
            fam[ANNOTATIONS].push(Kind::Plain(Action::Label(m)));
        }
        if f.heap_metrics {
            fam[METRICS].push(Kind::Plain(Action::HeapMetric(m)));
        }
        if f.procs_change {
            fam[METRICS].push(Kind::Plain(Action::ProcsChange(m)));
        }
    }

    /// Sets goroutine `id`'s state, keeping the pools of candidates in step.
    fn set_g(&mut self, id: u64, state: GState) {
        let g = self.gs.get_mut(&id).expect("known G");
        let old = std::mem::replace(&mut g.state, state);
        if let Some(pool) = self.pool_of(old) {
            pool.remove(id);
        }
        if let Some(pool) = self.pool_of(state) {
            pool.insert(id);
        }
    }

    fn add_g(&mut self, id: u64, g: G) {
        let state = g.state;
        self.gs.insert(id, g);
        if let Some(pool) = self.pool_of(state) {
            pool.insert(id);
        }
    }

    fn remove_g(&mut self, id: u64) {
        let g = self.gs.remove(&id).expect("known G");
        if let Some(pool) = self.pool_of(g.state) {
            pool.remove(id);
        }
    }

    fn pool_of(&mut self, state: GState) -> Option<&mut Pool> {
        match state {
            GState::Runnable => Some(&mut self.runnable),
            GState::Waiting(Wait::Blocked) => Some(&mut self.blocked),
            GState::Waiting(Wait::Parked) => Some(&mut self.parked),
            _ => None,
        }
    }

    /// Sets P `p`'s state, keeping the idle and in-syscall pools in step.
    fn set_p(&mut self, p: usize, state: PState) {
        let old = std::mem::replace(&mut self.ps[p].state, state);
        for (s, present) in [(old, false), (state, true)] {
            let pool = match s {
                PState::Idle => &mut self.idle_ps,
                PState::Syscall(_) | PState::Abandoned(_) => &mut self.syscall_ps,
                PState::Running(_) => continue,
            };
            if present {
                pool.insert(p as u64);
            } else {
                pool.remove(p as u64);
            }
        }
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::ProcStart(m, p) => {
                let seq = self.next_p_seq(p);
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::PROC_START, &[p as u64, seq]);
                self.note_p(tick, ctx, p, "Idle", "Running");
                self.set_p(p, PState::Running(m));
                self.ms[m].p = Some(p);
            }
            Action::ProcStop(m) => {
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::PROC_STOP, &[]);
                let p = self.ms[m].p.take().expect("M holds a P");
                self.note_p(tick, ctx, p, "Running", "Idle");
                self.set_p(p, PState::Idle);
            }
            Action::GoStart(m, g) => {
                self.status(m, g);
                let seq = self.next_seq(g);
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GO_START, &[g, seq]);
                self.note_g(tick, ctx, g, "Runnable", "Running", 0, None, 0);
                self.set_g(g, GState::Running(m));
                self.ms[m].g = Some(g);
            }
            Action::GoCreate(m) | Action::GoCreateBlocked(m) => {
                let cur = self.ms[m].g.expect("running G");
                self.status(m, cur);
                let new = self.next_g;
                self.next_g += 1;
                let blocked = matches!(action, Action::GoCreateBlocked(_));
                let (ty, state) = if blocked {
                    (ev::GO_CREATE_BLOCKED, GState::Waiting(Wait::Parked))
                } else {
                    (ev::GO_CREATE, GState::Runnable)
                };
                let (new_stack, stack) = (self.stack(), self.stack());
                let ctx = self.ctx(m);
                let tick = self.emit(m, ty, &[new, new_stack, stack]);
                let to = g_name(state);
                self.note_g(tick, ctx, new, "NotExist", to, 0, Some(new_stack), stack);
                let mut g = G::new(state, true, true);
                g.coroutine = blocked;
                self.add_g(new, g);
            }
            Action::GoBlock(m) | Action::GoStop(m) => {
                let cur = self.current_status(m);
                let (ty, reason, state) = match action {
                    Action::GoBlock(_) => (
                        ev::GO_BLOCK,
                        self.c.in_range(REASONS),
                        GState::Waiting(Wait::Blocked),
                    ),
                    _ => (ev::GO_STOP, PREEMPTED, GState::Runnable),
                };
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ty, &[reason, stack]);
                let transition = (stack != 0).then_some(stack);
                self.note_g(
                    tick,
                    ctx,
                    cur,
                    "Running",
                    g_name(state),
                    reason,
                    transition,
                    stack,
                );
                self.set_g(cur, state);
                self.ms[m].g = None;
            }
            Action::GoUnblock(m, g) => {
                if let Some(cur) = self.ms[m].g {
                    self.status(m, cur);
                }
                self.status(m, g);
                let seq = self.next_seq(g);
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GO_UNBLOCK, &[g, seq, stack]);
                self.note_g(tick, ctx, g, "Waiting", "Runnable", 0, None, stack);
                self.set_g(g, GState::Runnable);
            }
            Action::GoDestroy(m) => {
                let cur = self.ms[m].g.expect("running G");
                self.status(m, cur);
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GO_DESTROY, &[]);
                self.note_g(tick, ctx, cur, "Running", "NotExist", 0, None, 0);
                self.remove_g(cur);
                self.ms[m].g = None;
            }
            Action::GoSwitch(m, next, destroy) => self.switch(m, next, destroy),
            Action::PullLoop(m, co) => {
                let caller = self.ms[m].g.expect("running G");
                let rounds = if self.c.one_in(24) {
                    let long = self.config.long_pull_rounds;
                    long + self.c.below(long * 2 / 5)
                } else {
                    1 + self.c.below(6)
                };
                for _ in 0..rounds {
                    self.switch(m, co, false);
                    self.switch(m, caller, false);
                }
                if self.c.one_in(3) && self.gs[&co].may_exit() {
                    // Early stop: the caller stops the iterator, which exits.
                    self.switch(m, co, false);
                    self.switch(m, caller, true);
                }
            }
            Action::SyscallBegin(m) => {
                let cur = self.ms[m].g.expect("running G");
                self.status(m, cur);
                let p = self.ms[m].p.expect("M holds a P");
                let seq = self.next_p_seq(p);
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GO_SYSCALL_BEGIN, &[seq, stack]);
                let transition = (stack != 0).then_some(stack);
                self.note_g(tick, ctx, cur, "Running", "Syscall", 0, transition, stack);
                self.set_g(cur, GState::Syscall(m));
                self.set_p(p, PState::Syscall(m));
            }
            Action::SyscallEnd(m) => {
                let cur = self.ms[m].g.expect("G in syscall");
                let p = self.ms[m].p.expect("M holds a P");
                self.proc_status_due(m, p);
                self.status(m, cur);
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GO_SYSCALL_END, &[]);
                self.note_g(tick, ctx, cur, "Syscall", "Running", 0, None, 0);
                self.set_g(cur, GState::Running(m));
                self.set_p(p, PState::Running(m));
            }
            Action::SyscallEndBlocked(m) => {
                let cur = self.ms[m].g.expect("G in syscall");
                self.status(m, cur);
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GO_SYSCALL_END_BLOCKED, &[]);
                self.note_g(tick, ctx, cur, "Syscall", "Runnable", 0, None, 0);
                self.set_g(cur, GState::Runnable);
                self.ms[m].g = None;
            }
            Action::ProcSteal(m, p) => {
                let (victim, left_on) = match self.ps[p].state {
                    PState::Syscall(victim) => (Some(victim), victim),
                    PState::Abandoned(left_on) => (None, left_on),
                    _ => unreachable!("steal offered only for a P in a syscall"),
                };
                if let (Some(victim), true) = (victim, self.ps[p].status_due) {
                    // The stealer writes the status it sees: abandoned. The parser, which
                    // knows the P in a syscall, reports it in the owner's context.
                    self.ps[p].status_due = false;
                    let ctx = self.ctx(victim);
                    let tick = self.emit(m, ev::PROC_STATUS, &[p as u64, P_ABANDONED]);
                    self.note_p(tick, ctx, p, "Running", "Running");
                }
                let seq = self.next_p_seq(p);
                let ctx = self.ctx(m);
                let victim_thread = thread(left_on);
                let tick = self.emit(m, ev::PROC_STEAL, &[p as u64, seq, victim_thread]);
                let from = if victim.is_some() { "Running" } else { "Idle" };
                self.note_p(tick, ctx, p, from, "Idle");
                self.set_p(p, PState::Idle);
                if let Some(victim) = victim {
                    self.ms[victim].p = None;
                }
            }
            Action::CgoCreate(m) => {
                let new = self.next_g;
                self.next_g += 1;
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GO_CREATE_SYSCALL, &[new]);
                self.note_g(tick, ctx, new, "NotExist", "Syscall", 0, None, 0);
                self.add_g(new, G::new(GState::Syscall(m), true, true));
                self.ms[m].g = Some(new);
            }
            Action::CgoDestroy(m) => {
                let cur = self.ms[m].g.expect("G in syscall");
                let held = self.ms[m].p;
                if let Some(p) = held {
                    self.proc_status_due(m, p);
                }
                self.status(m, cur);
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GO_DESTROY_SYSCALL, &[]);
                if let Some(p) = held {
                    // Destroyed in a syscall while holding its P: the parser abandons the
                    // P and reports a steal of it first, at the same time.
                    self.note_p(tick, ctx, p, "Running", "Idle");
                    self.set_p(p, PState::Abandoned(m));
                    self.ms[m].p = None;
                }
                self.note_g(tick, ctx, cur, "Syscall", "NotExist", 0, None, 0);
                self.remove_g(cur);
                self.ms[m].g = None;
            }
            Action::GcBegin(m) => {
                self.current_status(m);
                self.gc_seq += 1;
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GC_BEGIN, &[self.gc_seq, stack]);
                self.note(tick, ctx, "RangeBegin", |f| {
                    f.string(key!("name"), "GC concurrent mark phase");
                    f.field(key!("scope"), |out| push_resource(out, ResourceId::None));
                    with_stack(f, stack);
                });
                self.gc_running = true;
            }
            Action::GcEnd(m) => {
                self.current_status(m);
                self.gc_seq += 1;
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GC_END, &[self.gc_seq]);
                self.note_range(
                    tick,
                    ctx,
                    "RangeEnd",
                    "GC concurrent mark phase",
                    ResourceId::None,
                );
                self.gc_running = false;
            }
            Action::StwBegin(m) => {
                let cur = self.current_status(m);
                let kind = self.c.in_range(STW_KINDS);
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::STW_BEGIN, &[kind, stack]);
                self.note(tick, ctx, "RangeBegin", |f| {
                    f.string(key!("name"), &stw_name(kind));
                    f.field(key!("scope"), |out| push_resource(out, gscope(cur)));
                    with_stack(f, stack);
                });
                self.gs.get_mut(&cur).expect("known G").stw = Some(kind);
            }
            Action::StwEnd(m) => {
                let cur = self.current_status(m);
                let kind = self.gs[&cur].stw.expect("in STW");
                let ctx = self.ctx(m);
                // The wire STWEnd has no kind; the parser copies it from the begin.
                let tick = self.emit(m, ev::STW_END, &[]);
                if self.notes.is_some() {
                    self.note_range(tick, ctx, "RangeEnd", &stw_name(kind), gscope(cur));
                }
                self.gs.get_mut(&cur).expect("known G").stw = None;
            }
            Action::SweepBegin(m) => {
                if self.ms[m].g.is_some() {
                    self.current_status(m);
                }
                let p = self.ms[m].p.expect("M holds a P");
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GC_SWEEP_BEGIN, &[stack]);
                self.note(tick, ctx, "RangeBegin", |f| {
                    f.string(key!("name"), "GC incremental sweep");
                    f.field(key!("scope"), |out| push_resource(out, pscope(p)));
                    with_stack(f, stack);
                });
                self.ps[p].sweeping = true;
            }
            Action::SweepEnd(m) => {
                if self.ms[m].g.is_some() {
                    self.current_status(m);
                }
                let p = self.ms[m].p.expect("M holds a P");
                let swept = 8192 * self.c.in_range(1..=64);
                let reclaimed = swept / 2;
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GC_SWEEP_END, &[swept, reclaimed]);
                self.note(tick, ctx, "RangeEnd", |f| {
                    let attributes = [
                        RangeAttribute {
                            name: "bytes swept",
                            value: Value::Uint64(swept),
                        },
                        RangeAttribute {
                            name: "bytes reclaimed",
                            value: Value::Uint64(reclaimed),
                        },
                    ];
                    f.field(key!("attributes"), |out| push_attributes(out, &attributes));
                    f.string(key!("name"), "GC incremental sweep");
                    f.field(key!("scope"), |out| push_resource(out, pscope(p)));
                });
                self.ps[p].sweeping = false;
            }
            Action::AssistBegin(m) => {
                let cur = self.current_status(m);
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GC_MARK_ASSIST_BEGIN, &[stack]);
                self.note(tick, ctx, "RangeBegin", |f| {
                    f.string(key!("name"), "GC mark assist");
                    f.field(key!("scope"), |out| push_resource(out, gscope(cur)));
                    with_stack(f, stack);
                });
                self.gs.get_mut(&cur).expect("known G").mark_assist = true;
            }
            Action::AssistEnd(m) => {
                let cur = self.current_status(m);
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GC_MARK_ASSIST_END, &[]);
                self.note_range(tick, ctx, "RangeEnd", "GC mark assist", gscope(cur));
                self.gs.get_mut(&cur).expect("known G").mark_assist = false;
            }
            Action::TaskBegin(m) => {
                self.current_status(m);
                let id = self.next_task;
                self.next_task += 1;
                let parent = if self.c.one_in(2) {
                    0
                } else {
                    self.task_ids.pick(&mut self.c).unwrap_or(0)
                };
                let name = self.c.in_range(TASK_NAMES);
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::USER_TASK_BEGIN, &[id, parent, name, stack]);
                let parent_id = if parent == 0 { NO_TASK } else { parent };
                self.note(tick, ctx, "TaskBegin", |f| {
                    f.number(key!("parent"), parent_id);
                    with_stack(f, stack);
                    f.number(key!("task"), id);
                    string_field(f, key!("type"), name);
                });
                self.tasks.insert(id, (parent_id, name));
                self.task_ids.insert(id);
            }
            Action::TaskEnd(m, task) => {
                self.current_status(m);
                let (parent, name) = self.tasks.remove(&task).expect("active task");
                self.task_ids.remove(task);
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::USER_TASK_END, &[task, stack]);
                self.note(tick, ctx, "TaskEnd", |f| {
                    f.number(key!("parent"), parent);
                    with_stack(f, stack);
                    f.number(key!("task"), task);
                    string_field(f, key!("type"), name);
                });
            }
            Action::RegionBegin(m) => {
                let cur = self.current_status(m);
                let task = self.some_task();
                let name = self.c.in_range(TASK_NAMES);
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::USER_REGION_BEGIN, &[task, name, stack]);
                self.note(tick, ctx, "RegionBegin", |f| {
                    with_stack(f, stack);
                    f.number(key!("task"), task);
                    string_field(f, key!("type"), name);
                });
                self.gs
                    .get_mut(&cur)
                    .expect("known G")
                    .regions
                    .push((task, name));
            }
            Action::RegionEnd(m) => {
                let cur = self.current_status(m);
                let (task, name) = self
                    .gs
                    .get_mut(&cur)
                    .expect("known G")
                    .regions
                    .pop()
                    .expect("open region");
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::USER_REGION_END, &[task, name, stack]);
                self.note(tick, ctx, "RegionEnd", |f| {
                    with_stack(f, stack);
                    f.number(key!("task"), task);
                    string_field(f, key!("type"), name);
                });
            }
            Action::Log(m) => {
                self.current_status(m);
                let task = self.some_task();
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::USER_LOG, &[task, LOG_CATEGORY, LOG_MESSAGE, stack]);
                self.note(tick, ctx, "Log", |f| {
                    string_field(f, key!("category"), LOG_CATEGORY);
                    string_field(f, key!("message"), LOG_MESSAGE);
                    with_stack(f, stack);
                    f.number(key!("task"), task);
                });
            }
            Action::Label(m) => {
                let cur = self.current_status(m);
                let label = self.c.in_range(LABELS);
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::GO_LABEL, &[label]);
                self.note(tick, ctx, "Label", |f| {
                    string_field(f, key!("label"), label);
                    f.field(key!("resource"), |out| push_resource(out, gscope(cur)));
                });
            }
            Action::HeapMetric(m) => {
                if self.ms[m].g.is_some() {
                    self.current_status(m);
                }
                let value = 4096 * self.c.in_range(1..=100_000);
                let (ty, name) = if self.c.one_in(2) {
                    (ev::HEAP_ALLOC, "/memory/classes/heap/objects:bytes")
                } else {
                    (ev::HEAP_GOAL, "/gc/heap/goal:bytes")
                };
                let ctx = self.ctx(m);
                let tick = self.emit(m, ty, &[value]);
                self.note(tick, ctx, "Metric", |f| {
                    f.string(key!("name"), name);
                    f.number(key!("value"), value);
                });
            }
            Action::ProcsChange(m) => {
                self.current_status(m);
                let value = self.c.in_range(1..=64);
                let stack = self.stack();
                let ctx = self.ctx(m);
                let tick = self.emit(m, ev::PROCS_CHANGE, &[value, stack]);
                self.note(tick, ctx, "Metric", |f| {
                    f.string(key!("name"), "/sched/gomaxprocs:threads");
                    with_stack(f, stack);
                    f.number(key!("value"), value);
                });
            }
            Action::CpuSample(m) => {
                let tick = self.tick(None);
                let ms = self.ms[m];
                let stack = self.stack();
                let p = ms.p.map_or(NO_THREAD, |p| p as u64);
                let g = ms.g.unwrap_or(0);
                self.out.samples.push([tick, thread(m), p, g, stack]);
                self.events += 1;
                let ctx = (
                    thread(m) as i64,
                    ms.p.map_or(-1, |p| p as i64),
                    ms.g.map_or(-1, |g| g as i64),
                );
                // A sample's stack is always reported, even an empty one.
                self.note(tick, ctx, "StackSample", |f| {
                    stack_field(f, key!("stack"), stack)
                });
            }
            Action::AllocFree(m) => self.alloc_free(m),
        }
    }

    /// Writes P `p`'s deferred status on its owner `m`, if it is still due.
    fn proc_status_due(&mut self, m: usize, p: usize) {
        if std::mem::take(&mut self.ps[p].status_due) {
            let ctx = self.ctx(m);
            let tick = self.emit(m, ev::PROC_STATUS, &[p as u64, P_SYSCALL]);
            self.note_p(tick, ctx, p, "Running", "Running");
        }
    }

    /// The running (or in-syscall) G of `m`, with its status written.
    fn current_status(&mut self, m: usize) -> u64 {
        let cur = self.ms[m].g.expect("M runs a G");
        self.status(m, cur);
        cur
    }

    fn some_task(&mut self) -> u64 {
        if self.c.one_in(3) {
            0
        } else {
            self.task_ids.pick(&mut self.c).unwrap_or(0)
        }
    }

    /// A coroutine switch on `m` from its running G to `next`: to a parked coroutine
    /// (`next` then runs with the current G as its caller), or from a coroutine back to
    /// its caller (the coroutine parks, or exits when `destroy`).
    fn switch(&mut self, m: usize, next: u64, destroy: bool) {
        let cur = self.ms[m].g.expect("running G");
        self.status(m, cur);
        self.status(m, next);
        let seq = self.next_seq(next);
        let ty = if destroy {
            ev::GO_SWITCH_DESTROY
        } else {
            ev::GO_SWITCH
        };
        let ctx = self.ctx(m);
        let tick = self.emit(m, ty, &[next, seq]);
        self.chain += 1;
        self.longest_chain = self.longest_chain.max(self.chain);
        // The parser reports an unblock of `next`, then the current G blocking (or
        // exiting), then `next` starting: three events at one time.
        self.note_g(tick, ctx, next, "Waiting", "Runnable", 0, None, 0);
        let to = if destroy { "NotExist" } else { "Waiting" };
        self.note_g(tick, ctx, cur, "Running", to, 0, None, 0);
        self.note_g(
            tick,
            (ctx.0, ctx.1, -1),
            next,
            "Runnable",
            "Running",
            0,
            None,
            0,
        );
        let returning = self.gs[&cur].caller == Some(next);
        if destroy {
            self.remove_g(cur);
        } else if returning {
            self.set_g(cur, GState::Waiting(Wait::Parked));
            self.gs.get_mut(&cur).expect("known G").caller = None;
        } else {
            self.set_g(cur, GState::Waiting(Wait::Switched));
        }
        self.set_g(next, GState::Running(m));
        let g = self.gs.get_mut(&next).expect("known G");
        if !returning {
            g.caller = Some(cur);
        }
        self.ms[m].g = Some(next);
    }

    fn alloc_free(&mut self, m: usize) {
        let h = &mut self.heap;
        let choice = self.c.below(6);
        let (ty, args) = match choice {
            0 => {
                h.next_id += 0x2000;
                let (pages, class) = (1 + h.next_id % 7, h.next_id % 68);
                h.spans.insert(h.next_id, (pages, class));
                (ev::SPAN_ALLOC, vec![h.next_id, pages, class])
            }
            1 => {
                h.next_id += 0x10;
                let ty = h.next_id % 5;
                h.objects.insert(h.next_id, ty);
                (ev::HEAP_OBJECT_ALLOC, vec![h.next_id, ty])
            }
            2 => {
                h.next_id += 0x800;
                let order = h.next_id % 3;
                h.stacks.insert(h.next_id, order);
                (ev::GOROUTINE_STACK_ALLOC, vec![h.next_id, order])
            }
            3 => match h.spans.pop_first() {
                Some((id, _)) => (ev::SPAN_FREE, vec![id]),
                None => return,
            },
            4 => match h.objects.pop_first() {
                Some((id, _)) => (ev::HEAP_OBJECT_FREE, vec![id]),
                None => return,
            },
            _ => match h.stacks.pop_first() {
                Some((id, _)) => (ev::GOROUTINE_STACK_FREE, vec![id]),
                None => return,
            },
        };
        self.experimental(m, ty, &args);
    }
}

fn gscope(g: u64) -> ResourceId {
    ResourceId::Goroutine(g as i64)
}

fn pscope(p: usize) -> ResourceId {
    ResourceId::Proc(p as i64)
}

/// The name of a stop-the-world range of kind `kind` (a string id).
fn stw_name(kind: u64) -> String {
    format!("stop-the-world ({})", STRINGS[kind as usize - 1])
}

/// Ticks to nanoseconds exactly as Go's parser converts them.
pub(super) fn ticks_to_ns(ticks: u64, frequency: u64) -> i64 {
    go_f64_to_i64(ticks as f64 * (1.0 / (frequency as f64 / 1e9)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A note's own keys merged with the common ones give what `serde_json` prints for the
    /// same map, wherever the note's keys sort: before all the common keys, between them,
    /// after them, or none; noted events follow the header line, times fixed up.
    #[test]
    fn notes_are_what_serde_json_prints() {
        let key_sets: [&[&'static str]; 6] = [
            &[],
            &["a"],
            &["n"],
            &["to", "zz"],
            &["args", "h", "n", "parent", "task", "type"],
            &["clock", "label", "message", "q"],
        ];
        for keys in key_sets {
            let object = |time: i64| {
                let mut expected = serde_json::Map::new();
                for (i, &key) in keys.iter().enumerate() {
                    expected.insert(key.into(), serde_json::json!(i));
                }
                for (key, value) in [("g", 3), ("m", 1), ("p", -1), ("time", time)] {
                    expected.insert(key.into(), serde_json::json!(value));
                }
                expected.insert("kind".into(), serde_json::json!("Log"));
                serde_json::Value::Object(expected).to_string()
            };
            let keys: Vec<Key> = keys
                .iter()
                .map(|key| Key::new(format!(",\"{key}\":").leak(), format!("\"{key}\":").leak()))
                .collect();
            let fields = |f: &mut NoteWriter<'_>| {
                for (i, &key) in keys.iter().enumerate() {
                    f.number(key, i);
                }
            };
            let mut direct = String::new();
            write_note(&mut direct, (1, -1, 3), "Log", 77, fields);
            assert_eq!(direct, object(77), "{keys:?}");
            // One tick per ns: the second event at the same tick moves 1 ns later.
            let mut notes = Notes::new("header", 1_000_000_000, 0);
            notes.push(77, (1, -1, 3), "Log", fields);
            notes.push(77, (1, -1, 3), "Log", fields);
            let listing = notes.finish(2);
            let lines: Vec<&str> = listing.lines().collect();
            assert_eq!(lines[..3], ["header", &object(77), &object(78)], "{keys:?}");
            assert_eq!(
                lines[3],
                r#"{"g":-1,"kind":"Sync","m":-1,"n":3,"p":-1,"time":79}"#
            );
        }
    }
}
