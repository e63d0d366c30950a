//! A deterministic trace generator: a small simulated Go runtime (Ms, Ps, Gs) that picks
//! only actions valid in its current state and writes the wire events the real runtime
//! would, so every output is a valid v2 trace.
//!
//! Covered so far: ProcStart/ProcStop, GoCreate, GoStart, GoBlock/GoUnblock, GoStop,
//! GoDestroy and (go1.23+) GoCreateBlocked/GoSwitch/GoSwitchDestroy coroutine chains.
//! Every event gets a distinct, strictly increasing time, so ordering never depends on
//! tie-breaking (which Go 1.22/1.23 do randomly).

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::raw::RawEvent;
use crate::spec::ev;
use crate::version::Version;

pub mod config;

pub use config::{BatchSplit, Config, Features, TimePolicy};

/// The thread id of batches that belong to no M.
const NO_THREAD: u64 = u64::MAX;
/// Ticks per second; one tick per nanosecond keeps Go's tick-to-ns conversion exact.
const FREQUENCY: u64 = 1_000_000_000;

/// Interned strings, one table per generation (ids 1..; id 0 is the implicit "").
const STRINGS: [&str; 5] = [
    "chan receive",
    "select",
    "sync.Mutex.Lock",
    "sleep",
    "preempted",
];
/// String id of "preempted" (GoStop's reason).
const PREEMPTED: u64 = 5;

/// Wire GoStatus values.
const G_RUNNABLE: u64 = 1;
const G_RUNNING: u64 = 2;
const G_WAITING: u64 = 4;
/// Wire ProcStatus values.
const P_RUNNING: u64 = 1;
const P_IDLE: u64 = 2;

/// Choices: a SplitMix64 stream.
enum Chooser<'a> {
    Seed(crate::seeded::SplitMix64),
    #[allow(dead_code)]
    Bytes(&'a [u8]),
}

impl Chooser<'_> {
    fn next(&mut self) -> u64 {
        match self {
            Chooser::Seed(rng) => rng.next_u64(),
            Chooser::Bytes(bytes) => match bytes.split_first() {
                Some((&b, rest)) => {
                    *bytes = rest;
                    u64::from(b)
                }
                None => 0,
            },
        }
    }

    /// A value in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GState {
    Runnable,
    Running(usize),
    Waiting,
}

#[derive(Clone, Debug)]
struct G {
    state: GState,
    seq: u64,
    /// Whether this G's status was already written (or implied) in this generation.
    mentioned: bool,
    /// For a coroutine: the G that created it (and that it switches back to).
    parent: Option<u64>,
    /// For a creator: its coroutine, waiting to be switched to.
    coroutine: Option<u64>,
    /// Blocked in a GoSwitch to its coroutine: only a switch may wake it.
    in_switch: bool,
}

#[derive(Clone, Copy, Debug, Default)]
struct M {
    p: Option<usize>,
    g: Option<u64>,
}

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
    GoSwitch(usize, u64),
    GoSwitchDestroy(usize, u64),
}

struct Model {
    ms: Vec<M>,
    /// Which M holds each P.
    ps: Vec<Option<usize>>,
    p_seq: Vec<u64>,
    gs: BTreeMap<u64, G>,
    next_g: u64,
    now: u64,
    /// This generation's timed events per M: (time, type, args after dt).
    batches: Vec<Vec<(u64, u8, Vec<u64>)>>,
}

impl Model {
    fn thread(m: usize) -> u64 {
        m as u64 + 1
    }

    fn emit(&mut self, c: &mut Chooser<'_>, m: usize, ty: u8, args: &[u64]) {
        // Gaps of at least 4 ticks: a GoSwitch becomes three events at T, T+1, T+2.
        self.now += 4 + c.below(16) as u64;
        self.batches[m].push((self.now, ty, args.to_vec()));
    }

    /// Writes a lazy GoStatus for `g` on M `m` if `g` is not yet mentioned this generation.
    fn status(&mut self, c: &mut Chooser<'_>, m: usize, g: u64) {
        let st = &self.gs[&g];
        if st.mentioned {
            return;
        }
        let (thread, status) = match st.state {
            GState::Runnable => (NO_THREAD, G_RUNNABLE),
            GState::Running(on) => (Model::thread(on), G_RUNNING),
            GState::Waiting => (NO_THREAD, G_WAITING),
        };
        self.emit(c, m, ev::GO_STATUS, &[g, thread, status]);
        let st = self.gs.get_mut(&g).expect("known G");
        st.mentioned = true;
        st.seq = 0;
    }

    fn next_seq(&mut self, g: u64) -> u64 {
        let st = self.gs.get_mut(&g).expect("known G");
        st.seq += 1;
        st.seq
    }

    fn actions(&self, chains: bool) -> Vec<Action> {
        let mut out = Vec::new();
        for (m, ms) in self.ms.iter().enumerate() {
            match (ms.p, ms.g) {
                (None, _) => {
                    for (p, holder) in self.ps.iter().enumerate() {
                        if holder.is_none() {
                            out.push(Action::ProcStart(m, p));
                        }
                    }
                }
                (Some(_), None) => {
                    out.push(Action::ProcStop(m));
                    for (&id, g) in &self.gs {
                        match g.state {
                            GState::Runnable => out.push(Action::GoStart(m, id)),
                            GState::Waiting if g.parent.is_none() && !g.in_switch => {
                                out.push(Action::GoUnblock(m, id))
                            }
                            _ => {}
                        }
                    }
                }
                (Some(_), Some(cur)) => {
                    let g = &self.gs[&cur];
                    if let Some(parent) = g.parent {
                        // A running coroutine only hands control back.
                        out.push(Action::GoSwitch(m, parent));
                        out.push(Action::GoSwitchDestroy(m, parent));
                        continue;
                    }
                    out.push(Action::GoCreate(m));
                    out.push(Action::GoBlock(m));
                    out.push(Action::GoStop(m));
                    for (&id, other) in &self.gs {
                        if other.state == GState::Waiting
                            && other.parent.is_none()
                            && !other.in_switch
                        {
                            out.push(Action::GoUnblock(m, id));
                        }
                    }
                    match g.coroutine {
                        Some(co) => out.push(Action::GoSwitch(m, co)),
                        None => {
                            out.push(Action::GoDestroy(m));
                            if chains {
                                out.push(Action::GoCreateBlocked(m));
                            }
                        }
                    }
                }
            }
        }
        out
    }

    fn apply(&mut self, c: &mut Chooser<'_>, action: Action) {
        match action {
            Action::ProcStart(m, p) => {
                self.p_seq[p] += 1;
                let seq = self.p_seq[p];
                self.emit(c, m, ev::PROC_START, &[p as u64, seq]);
                self.ps[p] = Some(m);
                self.ms[m].p = Some(p);
            }
            Action::ProcStop(m) => {
                self.emit(c, m, ev::PROC_STOP, &[]);
                let p = self.ms[m].p.take().expect("M holds a P");
                self.ps[p] = None;
            }
            Action::GoStart(m, g) => {
                self.status(c, m, g);
                let seq = self.next_seq(g);
                self.emit(c, m, ev::GO_START, &[g, seq]);
                self.gs.get_mut(&g).expect("known G").state = GState::Running(m);
                self.ms[m].g = Some(g);
            }
            Action::GoCreate(m) | Action::GoCreateBlocked(m) => {
                let cur = self.ms[m].g.expect("running G");
                self.status(c, m, cur);
                let new = self.next_g;
                self.next_g += 1;
                let blocked = matches!(action, Action::GoCreateBlocked(_));
                let ty = if blocked {
                    ev::GO_CREATE_BLOCKED
                } else {
                    ev::GO_CREATE
                };
                self.emit(c, m, ty, &[new, 0, 0]);
                self.gs.insert(
                    new,
                    G {
                        state: if blocked {
                            GState::Waiting
                        } else {
                            GState::Runnable
                        },
                        seq: 0,
                        mentioned: true,
                        parent: blocked.then_some(cur),
                        coroutine: None,
                        in_switch: false,
                    },
                );
                if blocked {
                    self.gs.get_mut(&cur).expect("known G").coroutine = Some(new);
                }
            }
            Action::GoBlock(m) | Action::GoStop(m) => {
                let cur = self.ms[m].g.take().expect("running G");
                self.status(c, m, cur);
                let (ty, reason, state) = match action {
                    Action::GoBlock(_) => (ev::GO_BLOCK, 1 + c.below(4) as u64, GState::Waiting),
                    _ => (ev::GO_STOP, PREEMPTED, GState::Runnable),
                };
                self.emit(c, m, ty, &[reason, 0]);
                self.gs.get_mut(&cur).expect("known G").state = state;
            }
            Action::GoUnblock(m, g) => {
                if let Some(cur) = self.ms[m].g {
                    self.status(c, m, cur);
                }
                self.status(c, m, g);
                let seq = self.next_seq(g);
                self.emit(c, m, ev::GO_UNBLOCK, &[g, seq, 0]);
                self.gs.get_mut(&g).expect("known G").state = GState::Runnable;
            }
            Action::GoDestroy(m) => {
                let cur = self.ms[m].g.take().expect("running G");
                self.status(c, m, cur);
                self.emit(c, m, ev::GO_DESTROY, &[]);
                self.gs.remove(&cur);
            }
            Action::GoSwitch(m, next) | Action::GoSwitchDestroy(m, next) => {
                let cur = self.ms[m].g.expect("running G");
                self.status(c, m, cur);
                self.status(c, m, next);
                let seq = self.next_seq(next);
                let destroy = matches!(action, Action::GoSwitchDestroy(..));
                let ty = if destroy {
                    ev::GO_SWITCH_DESTROY
                } else {
                    ev::GO_SWITCH
                };
                self.emit(c, m, ty, &[next, seq]);
                if destroy {
                    // Only a coroutine switch-destroys, back to its parent.
                    self.gs.remove(&cur);
                    self.gs.get_mut(&next).expect("known G").coroutine = None;
                } else {
                    let g = self.gs.get_mut(&cur).expect("known G");
                    g.state = GState::Waiting;
                    g.in_switch = g.parent.is_none();
                }
                let g = self.gs.get_mut(&next).expect("known G");
                g.state = GState::Running(m);
                g.in_switch = false;
                self.ms[m].g = Some(next);
            }
        }
    }
}

/// Encodes `events` as one batch record of generation `gen` on `thread`.
fn batch(out: &mut Vec<u8>, gen: u64, thread: u64, time: u64, events: &[RawEvent<'_>]) {
    let mut body = Vec::new();
    for e in events {
        e.encode(&mut body);
    }
    RawEvent::new(ev::EVENT_BATCH, &[gen, thread, time, body.len() as u64]).encode(out);
    out.extend_from_slice(&body);
}

/// A valid trace for `config`; the same config and seed always give the same bytes.
pub fn generate(config: &Config, seed: u64) -> Vec<u8> {
    let mut c = Chooser::Seed(crate::seeded::SplitMix64(seed));
    let threads = config.threads.max(1);
    let procs = config.procs.max(1);
    let mut model = Model {
        ms: vec![M::default(); threads],
        ps: vec![None; procs],
        p_seq: vec![0; procs],
        gs: (1..=config.goroutines as u64)
            .map(|id| {
                let g = G {
                    state: GState::Runnable,
                    seq: 0,
                    mentioned: false,
                    parent: None,
                    coroutine: None,
                    in_switch: false,
                };
                (id, g)
            })
            .collect(),
        next_g: config.goroutines as u64 + 1,
        now: 1_000,
        batches: vec![Vec::new(); threads],
    };
    let mut out = config.version.header().to_vec();
    for gen in 1..=config.generations {
        let start = model.now + 1;
        model.now += 10;
        // Sync/frequency first, then strings: the order Go's parser is indifferent to.
        if config.version >= Version::Go125 {
            let clock = RawEvent::new(
                ev::CLOCK_SNAPSHOT,
                &[1, 1_000_000 + start + 1, 1_700_000_000 + gen, 0],
            );
            let events = [
                RawEvent::new(ev::SYNC, &[]),
                RawEvent::new(ev::FREQUENCY, &[FREQUENCY]),
                clock,
            ];
            batch(&mut out, gen, NO_THREAD, start, &events);
        } else {
            let events = [RawEvent::new(ev::FREQUENCY, &[FREQUENCY])];
            batch(&mut out, gen, NO_THREAD, start, &events);
        }
        let mut strings = vec![RawEvent::new(ev::STRINGS, &[])];
        for (i, s) in STRINGS.iter().enumerate() {
            let mut e = RawEvent::new(ev::STRING, &[i as u64 + 1]);
            e.data = Some(Cow::Borrowed(s.as_bytes()));
            strings.push(e);
        }
        batch(&mut out, gen, NO_THREAD, start, &strings);

        // A new generation: sequence numbers restart and every status is written again.
        for g in model.gs.values_mut() {
            g.mentioned = false;
            g.seq = 0;
        }
        for p in 0..procs {
            model.p_seq[p] = 0;
            let (m, status) = match model.ps[p] {
                Some(m) => (m, P_RUNNING),
                None => (0, P_IDLE),
            };
            model.emit(&mut c, m, ev::PROC_STATUS, &[p as u64, status]);
        }
        for _ in 0..config.steps_per_generation {
            let actions = model.actions(config.coroutines());
            if actions.is_empty() {
                break;
            }
            let action = actions[c.below(actions.len())];
            model.apply(&mut c, action);
        }

        // As the runtime does, every G nobody mentioned gets its status at the end of the
        // generation; otherwise a later generation could not name it. A running G's status
        // belongs on its own M (it binds the G to the batch's thread).
        let unmentioned: Vec<(u64, GState)> = model
            .gs
            .iter()
            .filter(|(_, g)| !g.mentioned)
            .map(|(&id, g)| (id, g.state))
            .collect();
        let mut sweep = Vec::new();
        for (id, state) in unmentioned {
            match state {
                GState::Running(m) => model.status(&mut c, m, id),
                GState::Runnable | GState::Waiting => {
                    let status = if state == GState::Runnable {
                        G_RUNNABLE
                    } else {
                        G_WAITING
                    };
                    model.now += 4 + c.below(16) as u64;
                    sweep.push((model.now, id, status));
                }
            }
        }

        for (m, events) in model.batches.iter_mut().enumerate() {
            if events.is_empty() {
                continue;
            }
            let base = events[0].0 - 1;
            let mut last = base;
            let raw: Vec<RawEvent<'_>> = events
                .drain(..)
                .map(|(time, ty, args)| {
                    let mut all = vec![time - last];
                    all.extend(args);
                    last = time;
                    RawEvent::new(ty, &all)
                })
                .collect();
            batch(&mut out, gen, Model::thread(m), base, &raw);
        }
        if let Some(&(first, ..)) = sweep.first() {
            let base = first - 1;
            let mut last = base;
            let raw: Vec<RawEvent<'_>> = sweep
                .iter()
                .map(|&(time, id, status)| {
                    let dt = time - last;
                    last = time;
                    RawEvent::new(ev::GO_STATUS, &[dt, id, NO_THREAD, status])
                })
                .collect();
            batch(&mut out, gen, NO_THREAD, base, &raw);
        }
        if config.version >= Version::Go126 {
            RawEvent::new(ev::END_OF_GENERATION, &[]).encode(&mut out);
        }
    }
    out
}

/// A generated trace and what the model says it contains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The trace bytes.
    pub bytes: Vec<u8>,
    /// The model's expected listing: `trace-harness/events` JSON lines (header first), as
    /// `trace-harness dump --format jsonl` prints them for profile go1.27.
    pub listing: String,
}

/// A valid trace for `config` and the model's listing of it; deterministic in `seed`.
pub fn generate_with_oracle(config: &Config, seed: u64) -> Generated {
    Generated {
        bytes: generate(config, seed),
        listing: String::new(),
    }
}
