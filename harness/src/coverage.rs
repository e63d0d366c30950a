//! Which wire event types, and which state transitions, a set of traces exercises: the
//! measure of how much of the format a generator (or a corpus) reaches.
//!
//! Each trace is read twice. The wire pass decodes every event as the toolchain that writes
//! the trace's version does (so Go 1.23's alloc/free events decode too) and decides which
//! event types were *seen*. The ordered pass runs Go 1.27's parser ([`EventReader`]) and
//! counts each event it hands out under its type, with the old and new state of state
//! transitions. Ordered events carry the type of what they stand for, so the parser's
//! own events (the GoBlock and GoStart it makes of a GoSwitch, the ProcSteal it adds before
//! a GoDestroySyscall) are counted under their types too; a type only the parser made is
//! still missing from the wire, and the report marks such rows. Wire events the parser never
//! hands out (batches, tables, Frequency, Sync, ClockSnapshot, EndOfGeneration) are counted
//! from the wire pass, without states.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::api::{self, EventKind, ResourceId};
use crate::error::{Error, ErrorKind, Result};
use crate::event::EV_SYNC;
use crate::order::EventReader;
use crate::raw::{read_header, RawReader};
use crate::spec::{ev, spec, EventType, TABLE_LEN};
use crate::version::{Toolchain, Version};

/// The parser whose ordered events are counted.
pub const PROFILE: Toolchain = Toolchain::Go1_27;

/// Name counted for a type byte that the full table does not define.
const UNDEFINED: &str = "(undefined)";

/// Counts of event types and state transitions over the traces added so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Events per (trace version, wire type name, old state, new state); the states are
    /// empty for events that are not state transitions, else the resource kind and Go's
    /// state name (`goroutine Runnable`).
    pub counts: BTreeMap<(Version, &'static str, String, String), u64>,
    /// Wire events per (trace version, type byte), as decoded from the bytes.
    pub wire_counts: BTreeMap<(Version, EventType), u64>,
    /// Traces added per version.
    pub traces: BTreeMap<Version, u64>,
}

/// Every wire event type that the runtime of `version` may write, in type order (type 0,
/// None, is never written; EndOfGeneration only from go 1.26 on).
pub fn wire_event_types(version: Version) -> Vec<EventType> {
    (1..TABLE_LEN)
        .filter_map(|ty| EventType::try_from(ty).ok())
        .filter(|&ty| spec(ty).since.is_some_and(|since| since <= version))
        .collect()
}

/// Whether Go's parser hands out events of wire type `ty` (rather than folding them into
/// batches, tables or its own Sync events).
fn handed_out_by_parser(ty: EventType) -> bool {
    (spec(ty).timed || ty == ev::CPU_SAMPLE) && ty != ev::CLOCK_SNAPSHOT
}

/// The full table's name of `ty`.
fn type_name(ty: EventType) -> &'static str {
    match spec(ty).name {
        "" => UNDEFINED,
        name => name,
    }
}

/// `goroutine`, `proc` or `thread`: the kind of resource a transition is about.
fn resource_kind(resource: ResourceId) -> &'static str {
    match resource {
        ResourceId::None => "none",
        ResourceId::Goroutine(_) => "goroutine",
        ResourceId::Proc(_) => "proc",
        ResourceId::Thread(_) => "thread",
    }
}

impl Coverage {
    /// No traces yet.
    pub fn new() -> Coverage {
        Coverage::default()
    }

    /// Counts one trace; returns its version. A trace that does not decode or order to the
    /// end leaves the counts as they were and gives the error.
    pub fn add_trace(&mut self, bytes: &[u8]) -> Result<Version> {
        let (version, _) = read_header(bytes, PROFILE)?;
        if version.is_v1() {
            return Err(Error::at(
                ErrorKind::UnsupportedVersion(version.number()),
                0,
            ));
        }
        // Counted apart first, so that a failing trace adds nothing.
        let mut counts: BTreeMap<(&'static str, String, String), u64> = BTreeMap::new();
        let mut wire: BTreeMap<EventType, u64> = BTreeMap::new();
        for item in RawReader::new(bytes, Toolchain::writer_of(version))? {
            let (_, event) = item?;
            *wire.entry(event.ty).or_default() += 1;
            if !handed_out_by_parser(event.ty) {
                let key = (type_name(event.ty), String::new(), String::new());
                *counts.entry(key).or_default() += 1;
            }
        }
        for event in EventReader::new(bytes, PROFILE)? {
            let event = event?;
            if event.ty == EV_SYNC {
                // The parser's Sync marks a generation boundary, not a wire event; the wire
                // Sync (go 1.25+) is counted by the wire pass.
                continue;
            }
            let (from, to) = if api::kind(&event, PROFILE) == EventKind::StateTransition {
                let t = api::state_transition(&event, PROFILE)
                    .map_err(|panic| Error::at(ErrorKind::GoWouldPanic(panic.message), 0))?;
                let kind = resource_kind(t.resource);
                (
                    format!("{kind} {}", t.old.name()),
                    format!("{kind} {}", t.new.name()),
                )
            } else {
                (String::new(), String::new())
            };
            *counts.entry((type_name(event.ty), from, to)).or_default() += 1;
        }
        for ((name, from, to), n) in counts {
            *self.counts.entry((version, name, from, to)).or_default() += n;
        }
        for (ty, n) in wire {
            *self.wire_counts.entry((version, ty)).or_default() += n;
        }
        *self.traces.entry(version).or_default() += 1;
        Ok(version)
    }

    /// How many events of wire type `ty` the traces of `version` held.
    pub fn wire_count(&self, version: Version, ty: EventType) -> u64 {
        self.wire_counts.get(&(version, ty)).copied().unwrap_or(0)
    }

    /// The wire event types of `version` that appeared in its traces, in type order.
    pub fn seen_event_types(&self, version: Version) -> Vec<&'static str> {
        wire_event_types(version)
            .into_iter()
            .filter(|&ty| self.wire_count(version, ty) > 0)
            .map(type_name)
            .collect()
    }

    /// The wire event types of `version` that never appeared in its traces, in type order.
    pub fn missing_event_types(&self, version: Version) -> Vec<&'static str> {
        wire_event_types(version)
            .into_iter()
            .filter(|&ty| self.wire_count(version, ty) == 0)
            .map(type_name)
            .collect()
    }

    /// A text report for `versions`: one row per (version, event type, transition) with its
    /// count, then per version how many of its event types were seen and which were not.
    pub fn report(&self, versions: &[Version]) -> String {
        let on_wire = |version: Version, name: &str| {
            self.wire_counts
                .range((version, 0)..=(version, EventType::MAX))
                .any(|(&(_, ty), &n)| n > 0 && type_name(ty) == name)
        };
        let mut rows = vec![(
            "version".to_string(),
            "event type".to_string(),
            "transition".to_string(),
            "count".to_string(),
        )];
        let mut parser_only = false;
        for ((version, name, from, to), count) in &self.counts {
            if !versions.contains(version) {
                continue;
            }
            let transition = transition_text(from, to);
            let mut name = name.to_string();
            if !on_wire(*version, &name) {
                name.push_str(" *");
                parser_only = true;
            }
            rows.push((
                format!("go1.{}", version.number()),
                name,
                transition,
                count.to_string(),
            ));
        }
        let widths = rows.iter().fold([0; 3], |w, r| {
            [
                w[0].max(r.0.len()),
                w[1].max(r.1.len()),
                w[2].max(r.2.len()),
            ]
        });
        let mut out = String::new();
        for (version, name, transition, count) in &rows {
            let _ = writeln!(
                out,
                "{version:<w0$}  {name:<w1$}  {transition:<w2$}  {count:>7}",
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
            );
        }
        if parser_only {
            out.push_str(
                "* made by the parser only (as the GoBlock of a GoSwitch); not on the wire\n",
            );
        }
        for &version in versions {
            let all = wire_event_types(version).len();
            let missing = self.missing_event_types(version);
            let traces = self.traces.get(&version).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "go1.{}: {} of {all} event types seen in {traces} trace{}",
                version.number(),
                all - missing.len(),
                if traces == 1 { "" } else { "s" },
            );
            if !missing.is_empty() {
                let _ = writeln!(out, "  missing: {}", missing.join(", "));
            }
        }
        out
    }
}

/// `goroutine Runnable->Running` (the kind once when both states share it), or empty.
fn transition_text(from: &str, to: &str) -> String {
    if from.is_empty() && to.is_empty() {
        return String::new();
    }
    match (from.split_once(' '), to.split_once(' ')) {
        (Some((kind, old)), Some((to_kind, new))) if kind == to_kind => {
            format!("{kind} {old}->{new}")
        }
        _ => format!("{from}->{to}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(version_dir: &str, name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../corpus/traces")
            .join(version_dir)
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn event_types_per_version() {
        let names = |v| {
            wire_event_types(v)
                .into_iter()
                .map(type_name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            wire_event_types(Version::Go122),
            (1..=44).collect::<Vec<_>>()
        );
        let go123 = wire_event_types(Version::Go123);
        assert_eq!(go123.len(), 44 + 5 + 9);
        assert!(go123.contains(&ev::EXPERIMENTAL_BATCH) && go123.contains(&ev::SPAN));
        assert!(!go123.contains(&ev::SYNC));
        let go125 = names(Version::Go125);
        assert_eq!(go125.len(), 60);
        assert!(go125.contains(&"ClockSnapshot") && !go125.contains(&"EndOfGeneration"));
        assert_eq!(names(Version::Go126).len(), 61);
        assert!(names(Version::Go126).contains(&"EndOfGeneration"));
    }

    #[test]
    fn counts_a_real_trace() {
        let bytes = corpus("go1.27", "channels.trace");
        let mut coverage = Coverage::new();
        assert_eq!(coverage.add_trace(&bytes), Ok(Version::Go126));
        let v = Version::Go126;
        // Every wire event is counted once in the wire pass.
        let decoded = RawReader::new(&bytes, Toolchain::Go1_27).unwrap().count() as u64;
        assert_eq!(coverage.wire_counts.values().sum::<u64>(), decoded);
        for name in [
            "EventBatch",
            "Strings",
            "Stacks",
            "Frequency",
            "Sync",
            "GoStart",
        ] {
            assert!(coverage.seen_event_types(v).contains(&name), "{name}");
        }
        assert!(coverage.wire_count(v, ev::END_OF_GENERATION) > 0);
        let started = coverage.counts.get(&(
            v,
            "GoStart",
            "goroutine Runnable".to_string(),
            "goroutine Running".to_string(),
        ));
        assert!(started.is_some_and(|&n| n > 0));
        let syncs = coverage.counts[&(v, "Sync", String::new(), String::new())];
        assert_eq!(syncs, coverage.wire_count(v, ev::SYNC));
        // Seen and missing split the version's types.
        let seen = coverage.seen_event_types(v).len();
        assert_eq!(seen + coverage.missing_event_types(v).len(), 61);
        let report = coverage.report(&[v]);
        assert!(report.contains(&format!("go1.26: {seen} of 61 event types seen in 1 trace")));
        assert!(report.contains("goroutine Runnable->Running"), "{report}");
    }

    #[test]
    fn go123_experimental_events_count_as_wire_types() {
        let bytes = corpus("go1.23", "allocfree.trace");
        let mut coverage = Coverage::new();
        assert_eq!(coverage.add_trace(&bytes), Ok(Version::Go123));
        let seen = coverage.seen_event_types(Version::Go123);
        assert!(
            seen.contains(&"Span") && seen.contains(&"HeapObjectAlloc"),
            "{seen:?}"
        );
        assert!(coverage.missing_event_types(Version::Go123).len() < 58);
    }

    #[test]
    fn rows_the_parser_made_alone_are_marked() {
        let mut coverage = Coverage::new();
        let v = Version::Go123;
        let transition = |from: &str, to: &str| (from.to_string(), to.to_string());
        let (from, to) = transition("goroutine Running", "goroutine Waiting");
        coverage.counts.insert((v, "GoBlock", from, to), 2);
        let (from, to) = transition("goroutine Waiting", "goroutine Runnable");
        coverage.counts.insert((v, "GoSwitch", from, to), 2);
        coverage.wire_counts.insert((v, ev::GO_SWITCH), 2);
        let report = coverage.report(&[v]);
        assert!(
            report.contains("GoBlock *   goroutine Running->Waiting"),
            "{report}"
        );
        assert!(
            report.contains("GoSwitch    goroutine Waiting->Runnable"),
            "{report}"
        );
        assert!(report.contains("* made by the parser only"), "{report}");
        assert!(coverage.missing_event_types(v).contains(&"GoBlock"));
        assert_eq!(coverage.seen_event_types(v), ["GoSwitch"]);
    }

    #[test]
    fn a_bad_trace_counts_nothing() {
        let mut bytes = corpus("go1.27", "channels.trace");
        let mut coverage = Coverage::new();
        assert!(coverage.add_trace(&bytes[..bytes.len() / 2]).is_err());
        assert!(coverage.add_trace(b"not a trace").is_err());
        bytes[5] = b'1';
        bytes[6] = b'1';
        assert!(coverage.add_trace(&bytes).is_err());
        assert_eq!(coverage, Coverage::new());
        assert_eq!(coverage.missing_event_types(Version::Go122).len(), 44);
        assert!(coverage
            .report(&[Version::Go122])
            .contains("go1.22: 0 of 44 event types seen in 0 traces"));
    }
}
