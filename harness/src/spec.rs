//! The event table: the single description of every v2 wire event that drives decoding,
//! encoding and printing, plus the per-toolchain views of it that Go's tools use.

use crate::version::{Toolchain, Version};

/// A wire event type byte.
pub type EventType = u8;

/// Event type constants, numbered as on the wire (identical in every version).
pub mod ev {
    #![allow(missing_docs)]
    use super::EventType;
    pub const NONE: EventType = 0;
    pub const EVENT_BATCH: EventType = 1;
    pub const STACKS: EventType = 2;
    pub const STACK: EventType = 3;
    pub const STRINGS: EventType = 4;
    pub const STRING: EventType = 5;
    pub const CPU_SAMPLES: EventType = 6;
    pub const CPU_SAMPLE: EventType = 7;
    pub const FREQUENCY: EventType = 8;
    pub const PROCS_CHANGE: EventType = 9;
    pub const PROC_START: EventType = 10;
    pub const PROC_STOP: EventType = 11;
    pub const PROC_STEAL: EventType = 12;
    pub const PROC_STATUS: EventType = 13;
    pub const GO_CREATE: EventType = 14;
    pub const GO_CREATE_SYSCALL: EventType = 15;
    pub const GO_START: EventType = 16;
    pub const GO_DESTROY: EventType = 17;
    pub const GO_DESTROY_SYSCALL: EventType = 18;
    pub const GO_STOP: EventType = 19;
    pub const GO_BLOCK: EventType = 20;
    pub const GO_UNBLOCK: EventType = 21;
    pub const GO_SYSCALL_BEGIN: EventType = 22;
    pub const GO_SYSCALL_END: EventType = 23;
    pub const GO_SYSCALL_END_BLOCKED: EventType = 24;
    pub const GO_STATUS: EventType = 25;
    pub const STW_BEGIN: EventType = 26;
    pub const STW_END: EventType = 27;
    pub const GC_ACTIVE: EventType = 28;
    pub const GC_BEGIN: EventType = 29;
    pub const GC_END: EventType = 30;
    pub const GC_SWEEP_ACTIVE: EventType = 31;
    pub const GC_SWEEP_BEGIN: EventType = 32;
    pub const GC_SWEEP_END: EventType = 33;
    pub const GC_MARK_ASSIST_ACTIVE: EventType = 34;
    pub const GC_MARK_ASSIST_BEGIN: EventType = 35;
    pub const GC_MARK_ASSIST_END: EventType = 36;
    pub const HEAP_ALLOC: EventType = 37;
    pub const HEAP_GOAL: EventType = 38;
    pub const GO_LABEL: EventType = 39;
    pub const USER_TASK_BEGIN: EventType = 40;
    pub const USER_TASK_END: EventType = 41;
    pub const USER_REGION_BEGIN: EventType = 42;
    pub const USER_REGION_END: EventType = 43;
    pub const USER_LOG: EventType = 44;
    pub const GO_SWITCH: EventType = 45;
    pub const GO_SWITCH_DESTROY: EventType = 46;
    pub const GO_CREATE_BLOCKED: EventType = 47;
    pub const GO_STATUS_STACK: EventType = 48;
    pub const EXPERIMENTAL_BATCH: EventType = 49;
    pub const SYNC: EventType = 50;
    pub const CLOCK_SNAPSHOT: EventType = 51;
    pub const END_OF_GENERATION: EventType = 52;
    pub const SPAN: EventType = 128;
    pub const SPAN_ALLOC: EventType = 129;
    pub const SPAN_FREE: EventType = 130;
    pub const HEAP_OBJECT: EventType = 131;
    pub const HEAP_OBJECT_ALLOC: EventType = 132;
    pub const HEAP_OBJECT_FREE: EventType = 133;
    pub const GOROUTINE_STACK: EventType = 134;
    pub const GOROUTINE_STACK_ALLOC: EventType = 135;
    pub const GOROUTINE_STACK_FREE: EventType = 136;
}

/// Experiments whose events live in the experimental range (128 and up).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Experiment {
    /// `GODEBUG=traceallocfree=1`: span, heap object and goroutine stack lifetimes.
    AllocFree = 1,
}

/// Most arguments any event has, `dt` included (Go's `MaxTimedEventArgs`).
pub const MAX_ARGS: usize = 5;

/// Frame fields of a `Stack` event, in wire order.
pub const FRAME_FIELDS: [&str; 4] = ["pc", "func", "file", "line"];

/// Most frames a stack may have (Go's `MaxFramesPerStack`).
pub const MAX_FRAMES_PER_STACK: u64 = 128;

/// Description of one wire event type.
#[derive(Clone, Copy, Debug)]
pub struct EventSpec {
    /// Name as Go prints it; empty for unused type numbers.
    pub name: &'static str,
    /// Argument names in wire order (`dt` first for timed events).
    pub args: &'static [&'static str],
    /// Whether the event carries a timestamp delta and may appear in an event batch.
    pub timed: bool,
    /// Whether `nframes` frames of four numbers follow the arguments.
    pub is_stack: bool,
    /// Whether a length-prefixed byte string follows the arguments.
    pub has_data: bool,
    /// First trace version whose runtime writes this event (`None` for unused numbers).
    pub since: Option<Version>,
    /// Experiment the event belongs to, if any.
    pub experiment: Option<Experiment>,
    /// Event that opens the range this event ends or continues, if any.
    pub start_event: Option<EventType>,
    /// Indexes of arguments that are string-table ids.
    pub string_args: &'static [usize],
    /// Indexes of arguments that are stack-table ids (the event's own stack first).
    pub stack_args: &'static [usize],
}

impl EventSpec {
    /// Whether this type number names an event at all.
    pub fn is_defined(&self) -> bool {
        self.since.is_some()
    }
}

const UNUSED: EventSpec = EventSpec {
    name: "",
    args: &[],
    timed: false,
    is_stack: false,
    has_data: false,
    since: None,
    experiment: None,
    start_event: None,
    string_args: &[],
    stack_args: &[],
};

const fn structural(
    name: &'static str,
    args: &'static [&'static str],
    since: Version,
) -> EventSpec {
    EventSpec {
        name,
        args,
        since: Some(since),
        ..UNUSED
    }
}

const fn timed(name: &'static str, args: &'static [&'static str], since: Version) -> EventSpec {
    EventSpec {
        name,
        args,
        timed: true,
        since: Some(since),
        ..UNUSED
    }
}

const fn with_ids(
    spec: EventSpec,
    string_args: &'static [usize],
    stack_args: &'static [usize],
) -> EventSpec {
    EventSpec {
        string_args,
        stack_args,
        ..spec
    }
}

const fn ending(spec: EventSpec, start: EventType) -> EventSpec {
    EventSpec {
        start_event: Some(start),
        ..spec
    }
}

const fn alloc_free(name: &'static str, args: &'static [&'static str]) -> EventSpec {
    EventSpec {
        experiment: Some(Experiment::AllocFree),
        ..timed(name, args, Version::Go123)
    }
}

/// Number of entries in the full table (types 0..=136).
pub const TABLE_LEN: usize = 137;

use Version::{Go122, Go123, Go125, Go126};

/// The full event table, indexed by type byte.
pub static SPECS: [EventSpec; TABLE_LEN] = {
    let mut t = [UNUSED; TABLE_LEN];
    t[ev::EVENT_BATCH as usize] = structural("EventBatch", &["gen", "m", "time", "size"], Go122);
    t[ev::STACKS as usize] = structural("Stacks", &[], Go122);
    t[ev::STACK as usize] = EventSpec {
        is_stack: true,
        ..structural("Stack", &["id", "nframes"], Go122)
    };
    t[ev::STRINGS as usize] = structural("Strings", &[], Go122);
    t[ev::STRING as usize] = EventSpec {
        has_data: true,
        ..structural("String", &["id"], Go122)
    };
    t[ev::CPU_SAMPLES as usize] = structural("CPUSamples", &[], Go122);
    t[ev::CPU_SAMPLE as usize] = with_ids(
        structural("CPUSample", &["time", "m", "p", "g", "stack"], Go122),
        &[],
        &[4],
    );
    t[ev::FREQUENCY as usize] = structural("Frequency", &["freq"], Go122);
    t[ev::PROCS_CHANGE as usize] = with_ids(
        timed("ProcsChange", &["dt", "procs_value", "stack"], Go122),
        &[],
        &[2],
    );
    t[ev::PROC_START as usize] = timed("ProcStart", &["dt", "p", "p_seq"], Go122);
    t[ev::PROC_STOP as usize] = timed("ProcStop", &["dt"], Go122);
    t[ev::PROC_STEAL as usize] = timed("ProcSteal", &["dt", "p", "p_seq", "m"], Go122);
    t[ev::PROC_STATUS as usize] = timed("ProcStatus", &["dt", "p", "pstatus"], Go122);
    t[ev::GO_CREATE as usize] = with_ids(
        timed("GoCreate", &["dt", "new_g", "new_stack", "stack"], Go122),
        &[],
        &[3, 2],
    );
    t[ev::GO_CREATE_SYSCALL as usize] = timed("GoCreateSyscall", &["dt", "new_g"], Go122);
    t[ev::GO_START as usize] = timed("GoStart", &["dt", "g", "g_seq"], Go122);
    t[ev::GO_DESTROY as usize] = timed("GoDestroy", &["dt"], Go122);
    t[ev::GO_DESTROY_SYSCALL as usize] = timed("GoDestroySyscall", &["dt"], Go122);
    t[ev::GO_STOP as usize] = with_ids(
        timed("GoStop", &["dt", "reason_string", "stack"], Go122),
        &[1],
        &[2],
    );
    t[ev::GO_BLOCK as usize] = with_ids(
        timed("GoBlock", &["dt", "reason_string", "stack"], Go122),
        &[1],
        &[2],
    );
    t[ev::GO_UNBLOCK as usize] = with_ids(
        timed("GoUnblock", &["dt", "g", "g_seq", "stack"], Go122),
        &[],
        &[3],
    );
    t[ev::GO_SYSCALL_BEGIN as usize] = with_ids(
        timed("GoSyscallBegin", &["dt", "p_seq", "stack"], Go122),
        &[],
        &[2],
    );
    t[ev::GO_SYSCALL_END as usize] =
        ending(timed("GoSyscallEnd", &["dt"], Go122), ev::GO_SYSCALL_BEGIN);
    t[ev::GO_SYSCALL_END_BLOCKED as usize] = ending(
        timed("GoSyscallEndBlocked", &["dt"], Go122),
        ev::GO_SYSCALL_BEGIN,
    );
    t[ev::GO_STATUS as usize] = timed("GoStatus", &["dt", "g", "m", "gstatus"], Go122);
    t[ev::STW_BEGIN as usize] = with_ids(
        timed("STWBegin", &["dt", "kind_string", "stack"], Go122),
        &[1],
        &[2],
    );
    t[ev::STW_END as usize] = ending(timed("STWEnd", &["dt"], Go122), ev::STW_BEGIN);
    t[ev::GC_ACTIVE as usize] = ending(timed("GCActive", &["dt", "gc_seq"], Go122), ev::GC_BEGIN);
    t[ev::GC_BEGIN as usize] = with_ids(
        timed("GCBegin", &["dt", "gc_seq", "stack"], Go122),
        &[],
        &[2],
    );
    t[ev::GC_END as usize] = ending(timed("GCEnd", &["dt", "gc_seq"], Go122), ev::GC_BEGIN);
    t[ev::GC_SWEEP_ACTIVE as usize] = ending(
        timed("GCSweepActive", &["dt", "p"], Go122),
        ev::GC_SWEEP_BEGIN,
    );
    t[ev::GC_SWEEP_BEGIN as usize] =
        with_ids(timed("GCSweepBegin", &["dt", "stack"], Go122), &[], &[1]);
    t[ev::GC_SWEEP_END as usize] = ending(
        timed(
            "GCSweepEnd",
            &["dt", "swept_value", "reclaimed_value"],
            Go122,
        ),
        ev::GC_SWEEP_BEGIN,
    );
    t[ev::GC_MARK_ASSIST_ACTIVE as usize] = ending(
        timed("GCMarkAssistActive", &["dt", "g"], Go122),
        ev::GC_MARK_ASSIST_BEGIN,
    );
    t[ev::GC_MARK_ASSIST_BEGIN as usize] = with_ids(
        timed("GCMarkAssistBegin", &["dt", "stack"], Go122),
        &[],
        &[1],
    );
    t[ev::GC_MARK_ASSIST_END as usize] = ending(
        timed("GCMarkAssistEnd", &["dt"], Go122),
        ev::GC_MARK_ASSIST_BEGIN,
    );
    t[ev::HEAP_ALLOC as usize] = timed("HeapAlloc", &["dt", "heapalloc_value"], Go122);
    t[ev::HEAP_GOAL as usize] = timed("HeapGoal", &["dt", "heapgoal_value"], Go122);
    t[ev::GO_LABEL as usize] =
        with_ids(timed("GoLabel", &["dt", "label_string"], Go122), &[1], &[]);
    t[ev::USER_TASK_BEGIN as usize] = with_ids(
        timed(
            "UserTaskBegin",
            &["dt", "task", "parent_task", "name_string", "stack"],
            Go122,
        ),
        &[3],
        &[4],
    );
    t[ev::USER_TASK_END as usize] = with_ids(
        timed("UserTaskEnd", &["dt", "task", "stack"], Go122),
        &[],
        &[2],
    );
    t[ev::USER_REGION_BEGIN as usize] = with_ids(
        timed(
            "UserRegionBegin",
            &["dt", "task", "name_string", "stack"],
            Go122,
        ),
        &[2],
        &[3],
    );
    t[ev::USER_REGION_END as usize] = ending(
        with_ids(
            timed(
                "UserRegionEnd",
                &["dt", "task", "name_string", "stack"],
                Go122,
            ),
            &[2],
            &[3],
        ),
        ev::USER_REGION_BEGIN,
    );
    t[ev::USER_LOG as usize] = with_ids(
        timed(
            "UserLog",
            &["dt", "task", "key_string", "value_string", "stack"],
            Go122,
        ),
        &[2, 3],
        &[4],
    );
    t[ev::GO_SWITCH as usize] = timed("GoSwitch", &["dt", "g", "g_seq"], Go123);
    t[ev::GO_SWITCH_DESTROY as usize] = timed("GoSwitchDestroy", &["dt", "g", "g_seq"], Go123);
    t[ev::GO_CREATE_BLOCKED as usize] = with_ids(
        timed(
            "GoCreateBlocked",
            &["dt", "new_g", "new_stack", "stack"],
            Go123,
        ),
        &[],
        &[3, 2],
    );
    t[ev::GO_STATUS_STACK as usize] = with_ids(
        timed(
            "GoStatusStack",
            &["dt", "g", "m", "gstatus", "stack"],
            Go123,
        ),
        &[],
        &[4],
    );
    t[ev::EXPERIMENTAL_BATCH as usize] = EventSpec {
        has_data: true,
        ..structural("ExperimentalBatch", &["exp", "gen", "m", "time"], Go123)
    };
    t[ev::SYNC as usize] = structural("Sync", &[], Go125);
    t[ev::CLOCK_SNAPSHOT as usize] = timed("ClockSnapshot", &["dt", "mono", "sec", "nsec"], Go125);
    t[ev::END_OF_GENERATION as usize] = structural("EndOfGeneration", &[], Go126);
    t[ev::SPAN as usize] = alloc_free("Span", &["dt", "id", "npages_value", "kindclass"]);
    t[ev::SPAN_ALLOC as usize] =
        alloc_free("SpanAlloc", &["dt", "id", "npages_value", "kindclass"]);
    t[ev::SPAN_FREE as usize] = alloc_free("SpanFree", &["dt", "id"]);
    t[ev::HEAP_OBJECT as usize] = alloc_free("HeapObject", &["dt", "id", "type"]);
    t[ev::HEAP_OBJECT_ALLOC as usize] = alloc_free("HeapObjectAlloc", &["dt", "id", "type"]);
    t[ev::HEAP_OBJECT_FREE as usize] = alloc_free("HeapObjectFree", &["dt", "id"]);
    t[ev::GOROUTINE_STACK as usize] = alloc_free("GoroutineStack", &["dt", "id", "order"]);
    t[ev::GOROUTINE_STACK_ALLOC as usize] =
        alloc_free("GoroutineStackAlloc", &["dt", "id", "order"]);
    t[ev::GOROUTINE_STACK_FREE as usize] = alloc_free("GoroutineStackFree", &["dt", "id"]);
    t
};

/// The spec of a type byte in the full table (the unused spec past its end).
pub fn spec(ty: EventType) -> &'static EventSpec {
    SPECS.get(ty as usize).unwrap_or(&UNUSED)
}

/// Go 1.22 labels CPUSample's arguments in another order than the wire has them; the
/// positions are the same, only the printed names differ.
const GO122_CPU_SAMPLE_ARGS: &[&str] = &["time", "p", "g", "m", "stack"];

/// The event table as one Go toolchain's `raw` package sees it for one trace version:
/// which type bytes exist and what their arguments are called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WireTable {
    len: usize,
    go122_names: bool,
    /// Go 1.23's table predates Sync, ClockSnapshot and EndOfGeneration: there they are
    /// unnamed numbers without arguments.
    before_sync: bool,
}

impl WireTable {
    /// The table of `toolchain` for traces of `version`; `None` if that toolchain rejects the
    /// version header.
    pub fn new(toolchain: Toolchain, version: Version) -> Option<WireTable> {
        let len = toolchain.wire_table_len(version)?;
        Some(WireTable {
            len,
            go122_names: toolchain == Toolchain::Go1_22,
            before_sync: toolchain == Toolchain::Go1_23,
        })
    }

    /// The widest table: every defined event, with the wire argument names.
    pub fn full() -> WireTable {
        WireTable {
            len: TABLE_LEN,
            go122_names: false,
            before_sync: false,
        }
    }

    /// Number of entries (type bytes below this exist in the table).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the table has no entries (the old formats' view).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `ty` is a readable type byte in this table (Go's raw reader rejects 0 too).
    pub fn contains(&self, ty: EventType) -> bool {
        ty != ev::NONE && (ty as usize) < self.len
    }

    /// Spec of `ty` as this table has it (the unused spec if it has no such entry).
    pub fn spec(&self, ty: EventType) -> &'static EventSpec {
        let hidden = self.before_sync && (ev::SYNC..=ev::END_OF_GENERATION).contains(&ty);
        if !self.contains(ty) || hidden {
            &UNUSED
        } else {
            spec(ty)
        }
    }

    /// Spec of `ty`, if this table has it.
    pub fn get(&self, ty: EventType) -> Option<&'static EventSpec> {
        self.contains(ty).then(|| self.spec(ty))
    }

    /// Argument names to print for `ty`.
    pub fn arg_names(&self, ty: EventType) -> &'static [&'static str] {
        if self.go122_names && ty == ev::CPU_SAMPLE {
            GO122_CPU_SAMPLE_ARGS
        } else {
            self.spec(ty).args
        }
    }

    /// Looks an event up by its printed name.
    pub fn by_name(&self, name: &str) -> Option<EventType> {
        (1..self.len)
            .map(|t| t as EventType)
            .find(|&t| !name.is_empty() && self.spec(t).name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        for (ty, s) in SPECS.iter().enumerate() {
            if !s.is_defined() {
                assert!(s.name.is_empty() && s.args.is_empty(), "type {ty}");
                continue;
            }
            assert!(s.args.len() <= MAX_ARGS, "{}", s.name);
            assert_eq!(s.timed, s.args.first() == Some(&"dt"), "{}", s.name);
            for &i in s.string_args {
                assert!(s.args[i].ends_with("string"), "{}", s.name);
            }
            for &i in s.stack_args {
                assert!(s.args[i].ends_with("stack"), "{}", s.name);
            }
            let strings = s.args.iter().filter(|a| a.ends_with("string")).count();
            assert_eq!(strings, s.string_args.len(), "{}", s.name);
        }
        assert_eq!(SPECS.iter().filter(|s| s.is_defined()).count(), 52 + 9);
    }

    #[test]
    fn toolchain_tables_match_go() {
        let t = WireTable::new(Toolchain::Go1_22, Version::Go122).unwrap();
        assert!(t.contains(ev::USER_LOG) && !t.contains(ev::GO_SWITCH));
        assert_eq!(t.arg_names(ev::CPU_SAMPLE)[1], "p");
        let t = WireTable::new(Toolchain::Go1_23, Version::Go122).unwrap();
        assert!(t.contains(ev::GOROUTINE_STACK_FREE) && t.contains(ev::SYNC));
        assert!(
            !t.spec(ev::CLOCK_SNAPSHOT).is_defined() && t.spec(ev::CLOCK_SNAPSHOT).args.is_empty()
        );
        assert_eq!(t.by_name("Sync"), None);
        let t = WireTable::new(Toolchain::Go1_27, Version::Go125).unwrap();
        assert!(t.contains(ev::CLOCK_SNAPSHOT) && !t.contains(ev::END_OF_GENERATION));
        assert!(WireTable::new(Toolchain::Go1_25, Version::Go126).is_none());
        assert!(WireTable::new(Toolchain::Go1_22, Version::Go123).is_none());
        assert_eq!(t.by_name("GoSwitch"), Some(ev::GO_SWITCH));
        assert_eq!(t.by_name(""), None);
    }
}
