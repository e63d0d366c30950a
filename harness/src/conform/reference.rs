//! The reference's own answer to a case: what `trace-harness dump --as PROFILE` prints
//! (events up to the first error, Go's message for it), in either output dialect.

use crate::error::ErrorKind;
use crate::order::EventReader;
use crate::raw::{check_event_in_version, RawEvent};
use crate::records::{BatchKind, RecordReader};
use crate::version::{Toolchain, HEADER_LEN};

use super::Dialect;

/// What the reference makes of one trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceResult {
    /// True when it accepted the trace.
    pub accepted: bool,
    /// The listing: Go's text (bytes: Go prints names unquoted, valid UTF-8 or not), or
    /// JSON lines with their header line.
    pub events: Vec<u8>,
    /// When rejected: the error kind.
    pub error: Option<ErrorKind>,
    /// When rejected: the text a Go release of the profile prints (`panic: …` for a Go
    /// crash).
    pub message: String,
    /// Other texts that release may print for the same trace (it walks some tables in
    /// random map order); usually empty.
    pub messages_instead: Vec<String>,
}

impl ReferenceResult {
    /// A regular expression that matches every message Go may print for this trace.
    pub fn message_pattern(&self) -> String {
        std::iter::once(&self.message)
            .chain(&self.messages_instead)
            .map(|m| regex::escape(m))
            .collect::<Vec<_>>()
            .join("|")
    }
}

/// Go's stderr text for an error of `kind` under `profile`, for the trace `bytes`.
pub fn message(kind: &ErrorKind, profile: Toolchain, bytes: &[u8]) -> String {
    match kind {
        ErrorKind::GoWouldPanic(panic) => format!("panic: {panic}"),
        // Go 1.22's tool reads the header with its old parser first, which reports a short
        // read of the 16 header bytes in its own words.
        ErrorKind::BadHeader if profile == Toolchain::Go1_22 && bytes.len() < HEADER_LEN => {
            let cause = if bytes.is_empty() {
                "EOF"
            } else {
                "unexpected EOF"
            };
            format!("failed to read header: read {}, err {cause}", bytes.len())
        }
        kind => kind.go_message(profile),
    }
}

/// Strict mode: every event of every event batch exists in the header's version.
pub fn strict_check(input: &[u8], profile: Toolchain) -> crate::Result<()> {
    let records = RecordReader::new(input, profile)?;
    let version = records.version();
    for record in records {
        let record = record?;
        if record.batch_kind(version) != Some(BatchKind::Events) {
            continue;
        }
        for event in record.events() {
            let (offset, event): (u64, RawEvent<'_>) = event?;
            check_event_in_version(event.ty, version, offset)?;
        }
    }
    Ok(())
}

/// [`run`], with a panic of the reference (a bug: it must never panic) caught and returned
/// as its message, so one bad case cannot stop a run.
pub fn run_guarded(
    bytes: &[u8],
    profile: Toolchain,
    strict: bool,
    dialect: Dialect,
) -> Result<ReferenceResult, String> {
    std::panic::catch_unwind(|| run(bytes, profile, strict, dialect)).map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the reference panicked".to_string())
    })
}

/// Runs the reference over `bytes` as Go release `profile`, printing in `dialect`.
pub fn run(bytes: &[u8], profile: Toolchain, strict: bool, dialect: Dialect) -> ReferenceResult {
    let jsonl = dialect == Dialect::Jsonl;
    let mut events = Vec::new();
    let reject_with = |events: Vec<u8>, kind: ErrorKind, instead: &[ErrorKind]| ReferenceResult {
        accepted: false,
        message: message(&kind, profile, bytes),
        messages_instead: instead.iter().map(|k| message(k, profile, bytes)).collect(),
        events,
        error: Some(kind),
    };
    let reject = |events: Vec<u8>, kind: ErrorKind| reject_with(events, kind, &[]);
    if strict {
        // Only an event of another version is strict mode's own error; anything else the
        // ordinary reader reports below, in its own words.
        if let Err(e) = strict_check(bytes, profile) {
            if matches!(&e.kind, ErrorKind::EventNotInVersion { name, .. } if !name.is_empty()) {
                return reject(events, e.kind.clone());
            }
        }
    }
    let reader = match EventReader::new(bytes, profile) {
        Ok(reader) => reader,
        Err(e) => return reject_with(events, e.kind.clone(), &e.go_may_report_instead),
    };
    if jsonl {
        events = crate::jsonl::header(reader.version(), profile).into_bytes();
        events.push(b'\n');
    }
    let mut line = String::new();
    let mut dumper = crate::dump::Dumper::new(profile);
    for event in reader {
        let event = match event {
            Ok(event) => event,
            Err(e) => return reject_with(events, e.kind.clone(), &e.go_may_report_instead),
        };
        let written = if jsonl {
            line.clear();
            let written = crate::jsonl::write_event(&mut line, &event, profile);
            events.extend_from_slice(line.as_bytes());
            written
        } else {
            dumper.try_write_event(&mut events, &event)
        };
        if let Err(panic) = written {
            return reject(events, ErrorKind::GoWouldPanic(panic.message));
        }
    }
    ReferenceResult {
        accepted: true,
        events,
        error: None,
        message: String::new(),
        messages_instead: Vec::new(),
    }
}
