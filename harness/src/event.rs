//! Ordered events as Go's parser hands them out (`trace.Event`): a scheduling context, a
//! type, a time in nanoseconds, the wire arguments after `dt` (plus "extra" slots the
//! orderer fills in), and the tables of the generation the event belongs to.

use std::cell::RefCell;
use std::rc::Rc;

use crate::generation::{Frame, Generation};
use crate::spec::{EventType, MAX_ARGS};
use crate::version::{Toolchain, Version};

/// Go's `NoGoroutine`, `NoProc` and `NoThread`.
pub const NONE: i64 = -1;

/// The type Go gives its synthetic Sync events (`^EventType(0)`): outside the wire table.
pub const EV_SYNC: EventType = 255;

/// Which goroutine, processor and thread an event happened on (`-1`: none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SchedCtx {
    /// Goroutine id.
    pub g: i64,
    /// Processor id.
    pub p: i64,
    /// Thread id.
    pub m: i64,
}

impl SchedCtx {
    /// No goroutine, processor or thread.
    pub const NONE: SchedCtx = SchedCtx {
        g: NONE,
        p: NONE,
        m: NONE,
    };
}

/// The tables an event's ids refer to: its generation's, plus strings the orderer made up
/// (task names carried over from earlier generations).
#[derive(Debug)]
pub struct EvTable {
    /// The generation's tables.
    pub generation: Generation,
    /// The trace's version.
    pub version: Version,
    /// Strings created while ordering; id `i + 1` is `extra_strings[i]`, id 0 is "".
    pub extra_strings: RefCell<Vec<Vec<u8>>>,
}

impl EvTable {
    /// A table for `generation`.
    pub fn new(generation: Generation, version: Version) -> EvTable {
        EvTable {
            generation,
            version,
            extra_strings: RefCell::new(Vec::new()),
        }
    }

    /// A string of the generation (id 0 is "").
    pub fn string(&self, id: u64) -> Option<&[u8]> {
        if id == 0 {
            return Some(&[]);
        }
        self.generation.strings.get(&id).map(Vec::as_slice)
    }

    /// Adds a made-up string; returns its id (0 for "", as Go does).
    pub fn add_extra_string(&self, s: &[u8]) -> u64 {
        if s.is_empty() {
            return 0;
        }
        let mut extra = self.extra_strings.borrow_mut();
        extra.push(s.to_vec());
        extra.len() as u64
    }

    /// A made-up string by id.
    pub fn extra_string(&self, id: u64) -> Vec<u8> {
        if id == 0 {
            return Vec::new();
        }
        self.extra_strings
            .borrow()
            .get(id as usize - 1)
            .cloned()
            .unwrap_or_default()
    }

    /// The frames of a stack as `profile` resolves them: Go 1.22 keeps each stack's own
    /// frames; Go 1.23+ looks every PC up in the generation's first-seen frame map.
    /// `None` for an unknown stack id; stack 0 has no frames.
    pub fn stack_frames(&self, id: u64, profile: Toolchain) -> Option<Vec<Frame>> {
        if id == 0 {
            return Some(Vec::new());
        }
        let frames = self.generation.stacks.get(&id)?;
        if profile == Toolchain::Go1_22 {
            return Some(frames.clone());
        }
        Some(
            frames
                .iter()
                .map(|f| {
                    self.generation
                        .frames_by_pc
                        .get(&f.pc)
                        .copied()
                        .unwrap_or(*f)
                })
                .collect(),
        )
    }
}

/// One ordered event.
#[derive(Clone, Debug)]
pub struct Event {
    /// Where it happened.
    pub ctx: SchedCtx,
    /// Wire type, or [`EV_SYNC`].
    pub ty: EventType,
    /// Time in nanoseconds (Go's `Time`), after Go's monotonic fix-up.
    pub time: i64,
    /// Arguments after `dt`, then the orderer's extra slots. For Sync: `[N, ..]`; for a
    /// CPU sample: `[stack, ..]`.
    pub args: [u64; MAX_ARGS],
    /// The generation tables the ids refer to (`None` for the final Sync).
    pub table: Option<Rc<EvTable>>,
}

impl Event {
    /// The slots after the event's own arguments, where the orderer smuggles extra data
    /// (a transition's old state, a task's parent and name, ...).
    pub fn extra(&self) -> &[u64] {
        let own = crate::spec::spec(self.ty).args.len().saturating_sub(1);
        &self.args[own.min(MAX_ARGS)..]
    }

    /// Mutable access to the extra slots.
    pub fn extra_mut(&mut self) -> &mut [u64] {
        let own = crate::spec::spec(self.ty).args.len().saturating_sub(1);
        &mut self.args[own.min(MAX_ARGS)..]
    }
}
