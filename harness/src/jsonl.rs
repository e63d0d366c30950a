//! A JSON-lines form of the ordered events, for other implementations to emit and compare:
//! the same events as Go's `-d=parsed` listing, as structured data instead of Go's text.
//!
//! Format `trace-harness/events`, version 1:
//! - The first line is a header:
//!   `{"format":"trace-harness/events","version":1,"trace_version":26,"profile":"go1.27"}`.
//! - Then one object per event, in order, with the fields common to all events:
//!   `"time"` (ns, after Go's fix-up), `"m"`, `"p"`, `"g"` (`-1`: none), `"kind"` (Go's
//!   `EventKind` name), and, when the event has a stack, `"stack"`: a list of frames
//!   `{"func","file","line","pc"}`.
//! - Kind-specific fields:
//!   - `Sync`: `"n"`, and `"clock"`: `{"trace","mono","wall"}` (wall: RFC 3339, UTC) when
//!     the release reports a clock snapshot;
//!   - `Metric`: `"name"`, `"value"`;
//!   - `Label`: `"label"`, `"resource"`;
//!   - `RangeBegin`, `RangeActive`, `RangeEnd`: `"name"`, `"scope"`, and for `RangeEnd`
//!     `"attributes"`: a list of `{"name","value"}`;
//!   - `TaskBegin`, `TaskEnd`: `"task"`, `"parent"`, `"type"` (ids as unsigned numbers;
//!     no task is 18446744073709551615);
//!   - `RegionBegin`, `RegionEnd`: `"task"`, `"type"`;
//!   - `Log`: `"task"`, `"category"`, `"message"`;
//!   - `StateTransition`: `"resource"`, `"from"`, `"to"` (Go's state names), `"reason"`,
//!     and `"transition_stack"` when it has one;
//!   - `Experimental`: `"name"`, `"args"`: an object from argument name to value.
//! - A resource or scope is `{"kind":"goroutine"|"proc"|"thread","id":N}`, or `null` for
//!   none. A value is a number, a string, or `null` for Go's bad value.
//! - Strings are Go's bytes as JSON strings; bytes that are not UTF-8 become U+FFFD.
//! - Where Go itself would crash on an event, the line is
//!   `{"go_panic":"<message>"}` and the listing ends.

use serde_json::{json, Map, Value as Json};

use crate::api::{self, EventKind, GoPanic, ResourceId, Stack, Value};
use crate::event::Event;
use crate::version::{Toolchain, Version};

/// The format's name in the header line.
pub const FORMAT: &str = "trace-harness/events";

/// The format's version; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// The header line (without newline).
pub fn header(version: Version, profile: Toolchain) -> String {
    json!({
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "trace_version": version.number(),
        "profile": profile.name(),
    })
    .to_string()
}

fn text(bytes: &[u8]) -> Json {
    Json::String(String::from_utf8_lossy(bytes).into_owned())
}

fn resource(r: ResourceId) -> Json {
    match r {
        ResourceId::None => Json::Null,
        ResourceId::Goroutine(id) => json!({"kind": "goroutine", "id": id}),
        ResourceId::Proc(id) => json!({"kind": "proc", "id": id}),
        ResourceId::Thread(id) => json!({"kind": "thread", "id": id}),
    }
}

fn value(v: &Value<'_>) -> Json {
    match v {
        Value::Bad => Json::Null,
        Value::Uint64(n) => json!(n),
        Value::String(s) => text(s),
    }
}

fn frames(stack: &Stack<'_>) -> Result<Json, GoPanic> {
    let frames = stack.frames()?;
    Ok(Json::Array(
        frames
            .iter()
            .map(
                |f| json!({"func": text(f.func), "file": text(f.file), "line": f.line, "pc": f.pc}),
            )
            .collect(),
    ))
}

/// The JSON object for one event, as `profile` shows it.
pub fn event_json(event: &Event, profile: Toolchain) -> Result<Json, GoPanic> {
    let kind = api::kind(event, profile);
    let mut o = Map::new();
    o.insert("time".into(), json!(event.time));
    o.insert("m".into(), json!(event.ctx.m));
    o.insert("p".into(), json!(event.ctx.p));
    o.insert("g".into(), json!(event.ctx.g));
    o.insert("kind".into(), json!(kind.name()));
    match kind {
        EventKind::Sync => {
            let sync = api::sync(event, profile)?;
            o.insert("n".into(), json!(sync.n));
            if let Some(clock) = sync.clock_snapshot {
                let wall = clock.wall.rfc3339_nano();
                o.insert(
                    "clock".into(),
                    json!({"trace": clock.trace, "mono": clock.mono, "wall": wall}),
                );
            }
        }
        EventKind::Metric => {
            let m = api::metric(event, profile)?;
            o.insert("name".into(), json!(m.name));
            o.insert("value".into(), value(&m.value));
        }
        EventKind::Label => {
            let l = api::label(event, profile)?;
            o.insert("label".into(), text(l.label));
            o.insert("resource".into(), resource(l.resource));
        }
        EventKind::RangeBegin | EventKind::RangeActive | EventKind::RangeEnd => {
            let r = api::range(event, profile)?;
            o.insert("name".into(), text(&r.name));
            o.insert("scope".into(), resource(r.scope));
            if kind == EventKind::RangeEnd {
                let attributes = api::range_attributes(event, profile)?
                    .iter()
                    .map(|a| json!({"name": a.name, "value": value(&a.value)}))
                    .collect();
                o.insert("attributes".into(), Json::Array(attributes));
            }
        }
        EventKind::TaskBegin | EventKind::TaskEnd => {
            let t = api::task(event, profile)?;
            o.insert("task".into(), json!(t.id));
            o.insert("parent".into(), json!(t.parent));
            o.insert("type".into(), text(&t.type_name));
        }
        EventKind::RegionBegin | EventKind::RegionEnd => {
            let r = api::region(event, profile)?;
            o.insert("task".into(), json!(r.task));
            o.insert("type".into(), text(r.type_name));
        }
        EventKind::Log => {
            let l = api::log(event, profile)?;
            o.insert("task".into(), json!(l.task));
            o.insert("category".into(), text(l.category));
            o.insert("message".into(), text(l.message));
        }
        EventKind::StateTransition => {
            let s = api::state_transition(event, profile)?;
            o.insert("resource".into(), resource(s.resource));
            o.insert("from".into(), json!(s.old.name()));
            o.insert("to".into(), json!(s.new.name()));
            o.insert("reason".into(), text(s.reason));
            if !s.stack.is_no_stack() {
                o.insert("transition_stack".into(), frames(&s.stack)?);
            }
        }
        EventKind::Experimental => {
            let x = api::experimental(event, profile)?;
            o.insert("name".into(), json!(x.name));
            let args: Map<String, Json> = x
                .arg_names
                .iter()
                .zip(x.args)
                .map(|(n, v)| (n.to_string(), json!(v)))
                .collect();
            o.insert("args".into(), Json::Object(args));
        }
        EventKind::StackSample | EventKind::Bad => {}
    }
    let stack = api::stack(event, profile)?;
    if !stack.is_no_stack() {
        o.insert("stack".into(), frames(&stack)?);
    }
    Ok(Json::Object(o))
}

/// Appends one event's line, or the `go_panic` line (and the panic) where Go would crash.
///
/// Writes the JSON text directly, each kind's keys in the sorted order that
/// [`event_json`]'s map serializes them in: this is the listing's hot path, used on every
/// event of every generated trace and fuzz input.
pub fn write_event(out: &mut String, event: &Event, profile: Toolchain) -> Result<(), GoPanic> {
    let start = out.len();
    match write_object(out, event, profile, Listing::Full) {
        Ok(()) => {
            out.push('\n');
            Ok(())
        }
        Err(panic) => {
            out.truncate(start);
            out.push_str("{\"go_panic\":");
            push_text(out, &panic.message);
            out.push_str("}\n");
            Err(panic)
        }
    }
}

/// The keys every event's object has, in sorted order.
pub(crate) const COMMON_KEYS: [&str; 5] = ["g", "kind", "m", "p", "time"];

/// An object key as written (`,"name":`, or `"name":` when it opens the object), quoted at
/// compile time by [`key!`], with how many of [`COMMON_KEYS`] sort before it, so that
/// writers merging those keys in need no string comparison.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Key {
    /// The key with a comma before it and a colon after.
    quoted: &'static str,
    /// The key with a colon after it, for the object's first field.
    first: &'static str,
    /// How many of [`COMMON_KEYS`] sort before the key (5 past all of them).
    pub(crate) commons_before: usize,
}

/// `a < b` by bytes, in a constant.
const fn bytes_less(a: &[u8], b: &[u8]) -> bool {
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

impl Key {
    /// The key of `quoted`, which is `,"name":`, and `first`, which is `"name":`.
    pub(crate) const fn new(quoted: &'static str, first: &'static str) -> Key {
        let bytes = quoted.as_bytes();
        assert!(bytes.len() > 4 && bytes[0] == b',' && bytes[1] == b'"');
        assert!(first.len() + 1 == bytes.len());
        let (_, name) = bytes.split_at(2);
        let (name, _) = name.split_at(name.len() - 2);
        let mut commons_before = 0;
        while commons_before < COMMON_KEYS.len()
            && bytes_less(COMMON_KEYS[commons_before].as_bytes(), name)
        {
            commons_before += 1;
        }
        Key {
            quoted,
            first,
            commons_before,
        }
    }

    /// Writes the key and its colon, after a comma unless it opens the object.
    #[inline(always)]
    pub(crate) fn open(self, out: &mut String, first: bool) {
        out.push_str(if first { self.first } else { self.quoted });
    }
}

/// The [`Key`] `name`, quoted at compile time.
macro_rules! key {
    ($name:literal) => {{
        const KEY: $crate::jsonl::Key =
            $crate::jsonl::Key::new(concat!(",\"", $name, "\":"), concat!("\"", $name, "\":"));
        KEY
    }};
}
pub(crate) use key;

/// One JSON object written field by field, the caller giving the keys in sorted order.
struct Object<'a> {
    out: &'a mut String,
    empty: bool,
}

impl Object<'_> {
    #[inline(always)]
    fn key(&mut self, key: Key) -> &mut String {
        key.open(self.out, std::mem::take(&mut self.empty));
        self.out
    }

    fn number(&mut self, key: Key, n: impl itoa::Integer) {
        push_integer(self.key(key), n);
    }

    fn text(&mut self, key: Key, bytes: &[u8]) {
        push_str(self.key(key), bytes);
    }

    fn name(&mut self, key: Key, name: &'static str) {
        push_name(self.key(key), name);
    }

    fn resource(&mut self, key: Key, r: ResourceId) {
        push_resource(self.key(key), r);
    }

    fn frames(&mut self, key: Key, frames: &Option<Vec<api::StackFrame<'_>>>) {
        if let Some(frames) = frames {
            push_frames(self.key(key), frames.iter().copied());
        }
    }
}

/// The frames of `stack`, `None` for no stack (the field is left out).
fn frames_of<'e>(stack: &Stack<'e>) -> Result<Option<Vec<api::StackFrame<'e>>>, GoPanic> {
    if stack.is_no_stack() {
        return Ok(None);
    }
    stack.frames().map(Some)
}

/// Which fields an object holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Listing {
    /// All of them.
    Full,
    /// Those of [`version_neutral`]: no Sync clocks, and no stacks on a StateTransition
    /// to Waiting without a thread (go 1.22 writes its status without a stack).
    Neutral,
}

/// The event's object: the same fields as [`event_json`], its accessors called in the same
/// order (so that the same Go crash is reported first), each kind's keys written in order.
fn write_object(
    out: &mut String,
    event: &Event,
    profile: Toolchain,
    listing: Listing,
) -> Result<(), GoPanic> {
    let kind = api::kind(event, profile);
    let (time, m, p, g) = (event.time, event.ctx.m, event.ctx.p, event.ctx.g);
    let stack = |event| frames_of(&api::stack(event, profile)?);
    let mut o = Object { out, empty: true };
    o.out.push('{');
    match kind {
        EventKind::Sync => {
            let sync = api::sync(event, profile)?;
            let stack = stack(event)?;
            if let Some(clock) = sync.clock_snapshot.filter(|_| listing == Listing::Full) {
                push_clock(o.key(key!("clock")), &clock);
            }
            o.number(key!("g"), g);
            o.name(key!("kind"), kind.name());
            o.number(key!("m"), m);
            o.number(key!("n"), sync.n);
            o.number(key!("p"), p);
            o.frames(key!("stack"), &stack);
            o.number(key!("time"), time);
        }
        EventKind::Metric => {
            let metric = api::metric(event, profile)?;
            let stack = stack(event)?;
            o.number(key!("g"), g);
            o.name(key!("kind"), kind.name());
            o.number(key!("m"), m);
            o.name(key!("name"), metric.name);
            o.number(key!("p"), p);
            o.frames(key!("stack"), &stack);
            o.number(key!("time"), time);
            push_value(o.key(key!("value")), &metric.value);
        }
        EventKind::Label => {
            let label = api::label(event, profile)?;
            let stack = stack(event)?;
            o.number(key!("g"), g);
            o.name(key!("kind"), kind.name());
            o.text(key!("label"), label.label);
            o.number(key!("m"), m);
            o.number(key!("p"), p);
            o.resource(key!("resource"), label.resource);
            o.frames(key!("stack"), &stack);
            o.number(key!("time"), time);
        }
        EventKind::RangeBegin | EventKind::RangeActive | EventKind::RangeEnd => {
            let range = api::range(event, profile)?;
            let attributes = match kind {
                EventKind::RangeEnd => Some(api::range_attributes(event, profile)?),
                _ => None,
            };
            let stack = stack(event)?;
            if let Some(attributes) = &attributes {
                push_attributes(o.key(key!("attributes")), attributes);
            }
            o.number(key!("g"), g);
            o.name(key!("kind"), kind.name());
            o.number(key!("m"), m);
            o.text(key!("name"), &range.name);
            o.number(key!("p"), p);
            o.resource(key!("scope"), range.scope);
            o.frames(key!("stack"), &stack);
            o.number(key!("time"), time);
        }
        EventKind::TaskBegin | EventKind::TaskEnd => {
            let task = api::task(event, profile)?;
            let stack = stack(event)?;
            o.number(key!("g"), g);
            o.name(key!("kind"), kind.name());
            o.number(key!("m"), m);
            o.number(key!("p"), p);
            o.number(key!("parent"), task.parent);
            o.frames(key!("stack"), &stack);
            o.number(key!("task"), task.id);
            o.number(key!("time"), time);
            o.text(key!("type"), &task.type_name);
        }
        EventKind::RegionBegin | EventKind::RegionEnd => {
            let region = api::region(event, profile)?;
            let stack = stack(event)?;
            o.number(key!("g"), g);
            o.name(key!("kind"), kind.name());
            o.number(key!("m"), m);
            o.number(key!("p"), p);
            o.frames(key!("stack"), &stack);
            o.number(key!("task"), region.task);
            o.number(key!("time"), time);
            o.text(key!("type"), region.type_name);
        }
        EventKind::Log => {
            let log = api::log(event, profile)?;
            let stack = stack(event)?;
            o.text(key!("category"), log.category);
            o.number(key!("g"), g);
            o.name(key!("kind"), kind.name());
            o.number(key!("m"), m);
            o.text(key!("message"), log.message);
            o.number(key!("p"), p);
            o.frames(key!("stack"), &stack);
            o.number(key!("task"), log.task);
            o.number(key!("time"), time);
        }
        EventKind::StateTransition => {
            let transition = api::state_transition(event, profile)?;
            let mut transition_stack = frames_of(&transition.stack)?;
            let mut stack = stack(event)?;
            let status_of_waiting = m == -1 && transition.new.name() == "Waiting";
            if listing == Listing::Neutral && status_of_waiting {
                (stack, transition_stack) = (None, None);
            }
            o.name(key!("from"), transition.old.name());
            o.number(key!("g"), g);
            o.name(key!("kind"), kind.name());
            o.number(key!("m"), m);
            o.number(key!("p"), p);
            o.text(key!("reason"), transition.reason);
            o.resource(key!("resource"), transition.resource);
            o.frames(key!("stack"), &stack);
            o.number(key!("time"), time);
            o.name(key!("to"), transition.new.name());
            o.frames(key!("transition_stack"), &transition_stack);
        }
        EventKind::Experimental => {
            let x = api::experimental(event, profile)?;
            let stack = stack(event)?;
            let args = x.arg_names.iter().copied().zip(x.args.iter().copied());
            push_args(o.key(key!("args")), args);
            o.number(key!("g"), g);
            o.name(key!("kind"), kind.name());
            o.number(key!("m"), m);
            o.name(key!("name"), x.name);
            o.number(key!("p"), p);
            o.frames(key!("stack"), &stack);
            o.number(key!("time"), time);
        }
        EventKind::StackSample | EventKind::Bad => {
            let stack = stack(event)?;
            o.number(key!("g"), g);
            o.name(key!("kind"), kind.name());
            o.number(key!("m"), m);
            o.number(key!("p"), p);
            o.frames(key!("stack"), &stack);
            o.number(key!("time"), time);
        }
    }
    o.out.push('}');
    Ok(())
}

/// Appends integer `n` in decimal (without the formatting machinery: every line holds
/// several).
pub(crate) fn push_integer(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// A JSON string of `bytes` read as UTF-8 (invalid sequences as U+FFFD), escaped exactly
/// as `serde_json` escapes (so both writers of the format agree byte for byte).
pub(crate) fn push_str(out: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(text) => push_text(out, text),
        Err(_) => push_text(out, &String::from_utf8_lossy(bytes)),
    }
}

/// A JSON string of one of our own names (kinds, states, metric and event names): plain
/// ASCII that needs no escape, so it is copied without the scan [`push_text`] makes.
/// (The tests that compare both writers with `serde_json` would show a name that needs
/// one; a check here would run on every field of every fuzz execution.)
pub(crate) fn push_name(out: &mut String, name: &'static str) {
    out.reserve(name.len() + 2);
    out.push('"');
    out.push_str(name);
    out.push('"');
}

/// A JSON string of `text`, escaped exactly as `serde_json` escapes.
pub(crate) fn push_text(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(text.len() + 2);
    out.push('"');
    // Most strings need no escape: one branch-free pass finds out.
    let needs_escape = text.bytes().fold(false, |any, b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if !needs_escape {
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut plain = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[plain..i]);
        plain = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0xf)] as char);
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&text[plain..]);
    out.push('"');
}

pub(crate) fn push_resource(out: &mut String, r: ResourceId) {
    let (kind, id) = match r {
        ResourceId::None => return out.push_str("null"),
        ResourceId::Goroutine(id) => ("goroutine", id),
        ResourceId::Proc(id) => ("proc", id),
        ResourceId::Thread(id) => ("thread", id),
    };
    out.push_str("{\"id\":");
    push_integer(out, id);
    out.push_str(",\"kind\":\"");
    out.push_str(kind);
    out.push_str("\"}");
}

fn push_value(out: &mut String, v: &Value<'_>) {
    match v {
        Value::Bad => out.push_str("null"),
        Value::Uint64(n) => push_integer(out, *n),
        Value::String(s) => push_str(out, s),
    }
}

/// A clock snapshot as `{"mono","trace","wall"}`.
pub(crate) fn push_clock(out: &mut String, clock: &api::ClockSnapshot) {
    out.push_str("{\"mono\":");
    push_integer(out, clock.mono);
    out.push_str(",\"trace\":");
    push_integer(out, clock.trace);
    out.push_str(",\"wall\":");
    push_text(out, &clock.wall.rfc3339_nano());
    out.push('}');
}

/// Range attributes as a list of `{"name","value"}`.
pub(crate) fn push_attributes(out: &mut String, attributes: &[api::RangeAttribute]) {
    out.push('[');
    for (i, a) in attributes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"name\":");
        push_text(out, a.name);
        out.push_str(",\"value\":");
        push_value(out, &a.value);
        out.push('}');
    }
    out.push(']');
}

/// Experimental arguments as an object from name to value: sorted by name, and the last
/// value of a repeated name, as a `serde_json` map collects them. Allocates nothing.
pub(crate) fn push_args<'a>(out: &mut String, args: impl Iterator<Item = (&'a str, u64)> + Clone) {
    out.push('{');
    let mut previous: Option<&str> = None;
    loop {
        // The next name in order, with the value of its last occurrence.
        let next = args
            .clone()
            .filter(|(name, _)| Some(*name) > previous)
            .fold(
                None,
                |best: Option<(&str, u64)>, (name, value)| match best {
                    Some((b, _)) if b < name => best,
                    _ => Some((name, value)),
                },
            );
        let Some((name, value)) = next else { break };
        if previous.is_some() {
            out.push(',');
        }
        push_text(out, name);
        out.push(':');
        push_integer(out, value);
        previous = Some(name);
    }
    out.push('}');
}

pub(crate) fn push_frames<'a>(
    out: &mut String,
    frames: impl IntoIterator<Item = api::StackFrame<'a>>,
) {
    out.push('[');
    for (i, f) in frames.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"file\":");
        push_str(out, f.file);
        out.push_str(",\"func\":");
        push_str(out, f.func);
        out.push_str(",\"line\":");
        push_integer(out, f.line);
        out.push_str(",\"pc\":");
        push_integer(out, f.pc);
        out.push('}');
    }
    out.push(']');
}

/// The whole listing of `trace` under `profile` (header line first), or the first error.
/// A Go crash inside an event ends the listing with its `go_panic` line.
pub fn listing(trace: &[u8], profile: Toolchain) -> crate::Result<String> {
    listing_visiting(trace, profile, |_| Ok(|_: &Event| {}))
}

/// [`listing`], handing each event to a visitor as it is read (every event the reader
/// hands out, also those after a Go crash ends the listing), so that one reading serves
/// the listing and another check. `visitor` makes the visitor from the trace's version.
pub fn listing_visiting<V: FnMut(&Event)>(
    trace: &[u8],
    profile: Toolchain,
    visitor: impl FnOnce(Version) -> crate::Result<V>,
) -> crate::Result<String> {
    let reader = crate::order::EventReader::new(trace, profile)?;
    let mut visit = visitor(reader.version())?;
    let mut out = header(reader.version(), profile);
    // A listing is some 7-25 times its trace: room for most from the start.
    out.reserve(trace.len().saturating_mul(16).min(4 << 20));
    out.push('\n');
    let mut listing = true;
    for event in reader {
        let event = event?;
        visit(&event);
        if listing && write_event(&mut out, &event, profile).is_err() {
            listing = false;
        }
    }
    Ok(out)
}

/// A listing with what may differ between the encodings of one scenario in different
/// trace versions taken out: the header's trace version, the Syncs' clock snapshots (go
/// 1.25+ only) and the stacks of end-of-generation statuses of waiting goroutines
/// (GoStatusStack, go 1.23+).
pub fn version_neutral(listing: &str) -> Result<Vec<Json>, String> {
    listing
        .lines()
        .map(|line| {
            let mut e: Json = serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
            if let Some(o) = e.as_object_mut() {
                o.remove("trace_version");
                o.remove("clock");
                let status_of_waiting = o.get("kind").is_some_and(|k| k == "StateTransition")
                    && o.get("m").is_some_and(|m| m == -1)
                    && o.get("to").is_some_and(|t| t == "Waiting");
                if status_of_waiting {
                    o.remove("stack");
                    o.remove("transition_stack");
                }
            }
            Ok(e)
        })
        .collect()
}

/// [`version_neutral`] written straight from the events, without the header line or a
/// JSON parser: the same objects, one per line. Used where it runs per fuzz execution.
pub fn neutral_listing(trace: &[u8], profile: Toolchain) -> crate::Result<String> {
    let mut out = String::new();
    for event in crate::order::EventReader::new(trace, profile)? {
        let event = event?;
        let start = out.len();
        if write_object(&mut out, &event, profile, Listing::Neutral).is_err() {
            out.truncate(start);
            break;
        }
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::EventReader;

    /// The direct neutral listing holds the same objects as [`version_neutral`] on every
    /// corpus trace.
    #[test]
    fn neutral_listing_equals_version_neutral() {
        let mut compared = 0;
        for (path, bytes) in crate::test_corpus::traces() {
            let Ok(full) = listing(&bytes, Toolchain::Go1_27) else {
                continue;
            };
            let expected = version_neutral(&full).unwrap();
            let direct: Vec<Json> = neutral_listing(&bytes, Toolchain::Go1_27)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            // version_neutral keeps the header line (without its version).
            assert_eq!(&expected[1..], &direct[..], "{}", path.display());
            compared += direct.len();
        }
        assert!(compared > 10_000, "{compared}");
    }

    /// The direct writer and the `serde_json` object agree on every event of the corpus
    /// and of generated traces of every version, under every release (every kind of
    /// event but Bad among them), and on strings that need every kind of escape.
    #[test]
    fn direct_writer_equals_serde_json() {
        let mut compared = 0;
        let mut kinds = std::collections::BTreeSet::new();
        let mut traces = crate::test_corpus::traces();
        for version in Version::V2 {
            for seed in 0..8 {
                let config = crate::gen::Config {
                    version,
                    ..crate::gen::Config::default()
                };
                let name = format!("generated {version} seed {seed}");
                traces.push((name.into(), crate::gen::generate(&config, seed)));
            }
        }
        for (path, bytes) in traces {
            for profile in Toolchain::ALL {
                let Ok(reader) = EventReader::new(&bytes[..], profile) else {
                    continue;
                };
                for event in reader.map_while(|e| e.ok()) {
                    let mut direct = String::new();
                    let written = write_event(&mut direct, &event, profile);
                    let expected = match event_json(&event, profile) {
                        Ok(j) => j.to_string(),
                        Err(panic) => json!({"go_panic": panic.message}).to_string(),
                    };
                    assert_eq!(direct, expected + "\n", "{}", path.display());
                    assert_eq!(written.is_ok(), event_json(&event, profile).is_ok());
                    kinds.insert(api::kind(&event, profile).name());
                    compared += 1;
                }
            }
        }
        assert!(compared > 10_000, "{compared}");
        assert_eq!(kinds.len(), 14, "kinds seen: {kinds:?}");
        let awkward: Vec<u8> = (0u8..=0x7f).chain([0xff, 0xc3, 0xa9, b'"']).collect();
        let mut direct = String::new();
        push_str(&mut direct, &awkward);
        assert_eq!(direct, text(&awkward).to_string());
    }

    #[test]
    fn every_line_is_json_with_the_common_fields() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../corpus/traces/go1.27/coro-simple.trace"
        );
        let bytes = std::fs::read(path).unwrap();
        let mut out = header(Version::Go126, Toolchain::Go1_27);
        out.push('\n');
        for e in EventReader::new(&bytes[..], Toolchain::Go1_27).unwrap() {
            write_event(&mut out, &e.unwrap(), Toolchain::Go1_27).unwrap();
        }
        let mut lines = out.lines();
        let head: Json = serde_json::from_str(lines.next().unwrap()).unwrap();
        assert_eq!(head["format"], FORMAT);
        assert_eq!(head["version"], FORMAT_VERSION);
        let mut kinds = std::collections::BTreeSet::new();
        let mut last_time = 0;
        for line in lines {
            let e: Json = serde_json::from_str(line).unwrap();
            let time = e["time"].as_i64().unwrap();
            assert!(time > last_time, "{line}");
            last_time = time;
            kinds.insert(e["kind"].as_str().unwrap().to_string());
            if e["kind"] == "StateTransition" {
                assert!(
                    e["from"].is_string() && e["to"].is_string() && e["resource"].is_object(),
                    "{line}"
                );
            }
        }
        for k in ["Sync", "StateTransition", "Metric"] {
            assert!(kinds.contains(k), "no {k} in {kinds:?}");
        }
        let sync: Json = serde_json::from_str(out.lines().nth(1).unwrap()).unwrap();
        assert_eq!(sync["n"], 1);
        assert!(sync["clock"]["wall"].as_str().unwrap().ends_with('Z'));
    }
}
