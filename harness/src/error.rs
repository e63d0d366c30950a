//! The one error type: a kind plus where in the input it was detected.

use std::fmt;

use crate::spec::EventType;

/// What went wrong. Each kind maps to one class of Go error message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The header is not `go 1.NN trace\0\0\0` (Go: "bad file format").
    #[error("bad file format: not a Go execution trace?")]
    BadHeader,
    /// The header names a version the chosen Go release does not read.
    #[error("unknown or unsupported trace version go 1.{0}")]
    UnsupportedVersion(u32),
    /// A type byte that the version's table lacks (Go's raw reader: "invalid event type").
    #[error("invalid event type: {0}")]
    InvalidEventType(EventType),
    /// Strict mode: an event that the trace's version never writes.
    #[error("event {name} ({ty}) does not exist in {version} traces")]
    EventNotInVersion {
        /// The type byte.
        ty: EventType,
        /// Its name in the full table.
        name: &'static str,
        /// The trace's header version.
        version: crate::version::Version,
    },
    /// The input ends inside an event or record.
    #[error("unexpected end of input while reading {what}")]
    UnexpectedEof {
        /// What was being read.
        what: &'static str,
    },
    /// A uvarint longer than 10 bytes or above 2^64-1.
    #[error("varint overflows a 64-bit integer")]
    VarintOverflow,
    /// A batch declares more than 64 KiB of payload.
    #[error("invalid batch size {0}, maximum is 65536")]
    InvalidBatchSize(u64),
    /// A batch's declared size runs past the end of the input.
    #[error("failed to read full batch: read {read} but wanted {wanted}")]
    ShortBatch {
        /// Bytes available.
        read: u64,
        /// Bytes declared.
        wanted: u64,
    },
    /// A top-level record that is neither a batch nor EndOfGeneration.
    #[error("expected batch event, got event {0}")]
    ExpectedBatch(EventType),
    /// An event inside a batch runs past the batch's end.
    #[error("event runs past the end of its batch")]
    EventPastBatchEnd,
    /// A batch header number that could not be read (Go: "error reading batch gen: EOF").
    #[error("error reading batch {field}: {cause}")]
    BatchHeader {
        /// Go's name of the field: `gen`, `M ID`, `timestamp` or `size`.
        field: &'static str,
        /// Why the number could not be read.
        cause: ReadCause,
    },
    /// A number inside a string, stack, CPU-sample or sync batch could not be read.
    #[error("{0}")]
    TableNumber(ReadCause),
    /// A stack frame field that could not be read.
    #[error("reading frame {frame}'s {field} for stack {stack}: {cause}")]
    StackFrame {
        /// 1-based frame index.
        frame: u64,
        /// Go's name of the field: `PC`, `funcID`, `fileID` or `line`.
        field: &'static str,
        /// The stack id.
        stack: u64,
        /// Why the number could not be read.
        cause: ReadCause,
    },
    /// A batch with generation number 0.
    #[error("invalid generation number {0}")]
    InvalidGeneration(u64),
    /// Before go 1.26: a batch of neither the current nor the next generation.
    #[error("generations out of order")]
    GenerationsOutOfOrder,
    /// go 1.26: a batch of another generation before EndOfGeneration.
    #[error("broken trace: missing end-of-generation event, or generations are interleaved")]
    InterleavedGenerations,
    /// go 1.26: the input ends inside a generation that has event batches.
    #[error("incomplete generation found; trace likely truncated")]
    IncompleteGeneration,
    /// A generation without a frequency.
    #[error("no frequency event found")]
    NoFrequency,
    /// A go 1.25+ generation without a clock snapshot.
    #[error("no clock snapshot event found")]
    NoClockSnapshot,
    /// More than one frequency in a generation.
    #[error("found multiple frequency events")]
    MultipleFrequencies,
    /// More than one clock snapshot in a generation.
    #[error("found multiple clock snapshot events")]
    MultipleClockSnapshots,
    /// A sync batch entry that is neither Frequency nor ClockSnapshot.
    #[error("expected frequency or clock snapshot event, got {0}")]
    BadSyncEntry(u8),
    /// An EndOfGeneration where Go's reader does not expect one (1.26+ reading an older trace).
    #[error("internal error: unexpectedly processing EndOfGeneration; broken trace?")]
    UnexpectedEndOfGeneration,
    /// A table batch entry of the wrong type.
    #[error("expected {expected} event, got {got}")]
    BadTableEntry {
        /// `string`, `stack` or `CPU sample`.
        expected: &'static str,
        /// The type byte found.
        got: u8,
    },
    /// A string longer than 1024 bytes.
    #[error("invalid string size {0}, maximum is 1024")]
    InvalidStringSize(u64),
    /// A stack of more than 128 frames.
    #[error("invalid stack size {0}, maximum is 128")]
    InvalidStackSize(u64),
    /// A string whose bytes run past its batch.
    #[error("failed to read full string: read {read} but wanted {wanted}")]
    ShortString {
        /// Bytes available.
        read: u64,
        /// Bytes declared.
        wanted: u64,
    },
    /// A second string or stack with the same id (id 0 is implicit, so it always clashes).
    #[error("multiple {table}s with the same ID: id={id}, new={new}, existing={existing}")]
    DuplicateId {
        /// Go's type name: `string` or `trace.stack`.
        table: &'static str,
        /// The id.
        id: u64,
        /// The new value, printed as Go's `%v` does.
        new: String,
        /// The existing value, printed as Go's `%v` does.
        existing: String,
    },
    /// A stack frame PC with no frame (Go 1.23+).
    #[error("found unknown pc {pc:x} for stack {stack}")]
    UnknownPc {
        /// The PC.
        pc: u64,
        /// The stack id.
        stack: u64,
    },
    /// A stack frame naming a function or file string that the generation lacks.
    #[error("found invalid {which} string ID {id} for stack {stack}")]
    InvalidFrameString {
        /// `func` or `file`.
        which: &'static str,
        /// The string id.
        id: u64,
        /// The stack id.
        stack: u64,
    },
    /// The orderer could not place an event; `message` is Go's wording.
    #[error("{message}")]
    Ordering {
        /// What kind of failure.
        class: crate::order::OrderClass,
        /// Go's message for it.
        message: String,
    },
    /// Go's own parser or printer would crash on this input, with this panic message.
    #[error("Go would panic here: {0}")]
    GoWouldPanic(String),
    /// A Go release whose behaviour is not reproduced yet for this operation.
    #[error("profile {0} is not supported for this yet")]
    UnsupportedProfile(&'static str),
    /// The underlying reader failed (not a problem of the trace itself).
    #[error("read error: {0}")]
    Io(String),
    /// Text form: the first line is not `Trace Go1.NN`.
    #[error("text header: {0}")]
    TextHeader(String),
    /// Text form: an event name that the version's table lacks.
    #[error("unidentified event: {0}")]
    UnknownEventName(String),
    /// Text form: an argument list that does not match the event's spec.
    #[error("reading args for {event}: {detail}")]
    BadArguments {
        /// The event name.
        event: String,
        /// Go's wording of the problem.
        detail: String,
    },
    /// Text form: a stack frame line that does not match `pc= func= file= line=`.
    #[error("bad stack frame: {0}")]
    BadFrame(String),
    /// Text form: a `data=` line that is missing or not a Go-quoted string.
    #[error("malformed data: {0}")]
    BadData(String),
    /// Text form: a line of 64 KiB or more (Go's line scanner gives up there).
    #[error("bufio.Scanner: token too long")]
    LineTooLong,
    /// Text form: an `#!` encoding directive we cannot apply.
    #[error("bad encoding directive: {0}")]
    BadDirective(String),
    /// A golden `.test` file that is not a two-part txtar archive.
    #[error("bad golden test file: {0}")]
    BadGoldenFile(String),
    /// Text form: an event cannot be written with the requested encoding.
    #[error("cannot encode: {0}")]
    Unencodable(String),
}

/// Why a number could not be read, worded as Go's `encoding/binary` errors print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadCause {
    /// The input ended where the number should start (`io.EOF`).
    Eof,
    /// The input ended inside the number (`io.ErrUnexpectedEOF`).
    UnexpectedEof,
    /// Longer than 10 bytes or above 2^64-1.
    Overflow,
}

impl fmt::Display for ReadCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReadCause::Eof => "EOF",
            ReadCause::UnexpectedEof => "unexpected EOF",
            ReadCause::Overflow => "binary: varint overflows a 64-bit integer",
        })
    }
}

impl From<crate::varint::VarintError> for ReadCause {
    fn from(e: crate::varint::VarintError) -> ReadCause {
        match e {
            crate::varint::VarintError::Eof => ReadCause::Eof,
            crate::varint::VarintError::Truncated => ReadCause::UnexpectedEof,
            crate::varint::VarintError::Overflow => ReadCause::Overflow,
        }
    }
}

impl ErrorKind {
    /// Whether the error says the input ended too early (a cut-off file: "truncated",
    /// "incomplete", "EOF", a batch shorter than declared) rather than that its content is
    /// malformed. A truncated trace that Go words as a content error ("no frequency event
    /// found") is not one: the kind follows what the message says, as Go's does.
    pub fn is_truncation(&self) -> bool {
        let cut = |cause: &ReadCause| matches!(cause, ReadCause::Eof | ReadCause::UnexpectedEof);
        match self {
            ErrorKind::IncompleteGeneration
            | ErrorKind::ShortBatch { .. }
            | ErrorKind::UnexpectedEof { .. } => true,
            ErrorKind::BatchHeader { cause, .. }
            | ErrorKind::TableNumber(cause)
            | ErrorKind::StackFrame { cause, .. } => cut(cause),
            _ => false,
        }
    }

    /// Whether Go's parser reports this error as the bare `io.EOF` value: a number of a
    /// string, stack, CPU-sample or sync batch that is missing entirely. Go's readers pass
    /// it on unwrapped, and every consumer (`go tool trace`, Go's own tests) takes `io.EOF`
    /// from `ReadEvent` for the end of the trace, so Go accepts such a trace, silently
    /// dropping the generation it broke off in.
    pub fn is_go_end_of_trace(&self) -> bool {
        matches!(self, ErrorKind::TableNumber(ReadCause::Eof))
    }

    /// The message the parser of Go release `profile` gives for this error, where it words
    /// it differently from our own text.
    pub fn go_message(&self, profile: crate::version::Toolchain) -> String {
        use crate::version::{Toolchain, Version};
        match self {
            ErrorKind::ExpectedBatch(ty) if profile < Toolchain::Go1_25 => {
                let version = if profile == Toolchain::Go1_22 {
                    Version::Go122
                } else {
                    Version::Go123
                };
                let name = match crate::spec::WireTable::new(profile, version) {
                    Some(t) if (*ty as usize) < t.len() => t.spec(*ty).name.to_string(),
                    _ => format!("Invalid({ty})"),
                };
                if profile == Toolchain::Go1_22 {
                    format!("expected batch event (EventBatch), got {name}")
                } else {
                    format!("expected batch event, got {name}")
                }
            }
            // Go 1.22's `go tool trace` still reads the old format, so it checks the header
            // with its old parser first, and that one words the failure this way.
            ErrorKind::BadHeader if profile == Toolchain::Go1_22 => "not a trace file".into(),
            _ => self.to_string(),
        }
    }
}

/// Where an error was detected. Fields that do not apply are `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// Byte offset in the input (binary trace or text).
    pub offset: u64,
    /// Generation number, when known.
    pub generation: Option<u64>,
    /// Index of the batch in the file (0-based), when known.
    pub batch: Option<u64>,
    /// Index of the event in its batch or in the stream (0-based), when known.
    pub event: Option<u64>,
    /// 1-based line number, for text input.
    pub line: Option<u64>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}, ")?;
        }
        write!(f, "byte {}", self.offset)?;
        if let Some(g) = self.generation {
            write!(f, ", generation {g}")?;
        }
        if let Some(b) = self.batch {
            write!(f, ", batch {b}")?;
        }
        if let Some(e) = self.event {
            write!(f, ", event {e}")?;
        }
        Ok(())
    }
}

/// What an [`Error`] holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorDetail {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Where it was detected.
    pub location: Location,
    /// Errors Go may report here instead, in its own words: where it walks a table in
    /// (random) map order, another bad entry can come first. Usually empty.
    pub go_may_report_instead: Vec<ErrorKind>,
}

/// A rejected input: what was wrong and where. Boxed, so that results on the decode paths
/// stay one pointer wide; `error.kind` and `error.location` read through it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<ErrorDetail>);

impl std::ops::Deref for Error {
    type Target = ErrorDetail;
    fn deref(&self) -> &ErrorDetail {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorDetail {
        &mut self.0
    }
}

impl Error {
    /// An error of `kind` at `location`.
    fn located(kind: ErrorKind, location: Location) -> Error {
        Error(Box::new(ErrorDetail {
            kind,
            location,
            go_may_report_instead: Vec::new(),
        }))
    }

    /// An error at a byte offset.
    pub fn at(kind: ErrorKind, offset: u64) -> Error {
        let location = Location {
            offset,
            ..Location::default()
        };
        Error::located(kind, location)
    }

    /// An error on a line of text that starts at `offset`.
    pub fn at_line(kind: ErrorKind, offset: u64, line: u64) -> Error {
        let location = Location {
            offset,
            line: Some(line),
            ..Location::default()
        };
        Error::located(kind, location)
    }

    /// The same error, with the event index filled in.
    pub fn with_event(mut self, index: u64) -> Error {
        self.location.event = Some(index);
        self
    }

    /// The same error, with the batch index filled in.
    pub fn with_batch(mut self, index: u64) -> Error {
        self.location.batch = Some(index);
        self
    }

    /// The same error, with the generation filled in.
    pub fn in_generation(mut self, generation: u64) -> Error {
        self.location.generation = Some(generation);
        self
    }

    /// The same error, with batch index and generation filled in.
    pub fn in_batch(mut self, batch: u64, generation: u64) -> Error {
        self.location.batch = Some(batch);
        self.location.generation = Some(generation);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at {})", self.kind, self.location)
    }
}

impl std::error::Error for Error {}

/// Result with our error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod truncation_tests {
    use super::*;

    #[test]
    fn only_errors_of_a_cut_input_are_truncations() {
        let eof = ErrorKind::BatchHeader {
            field: "timestamp",
            cause: ReadCause::UnexpectedEof,
        };
        let overflow = ErrorKind::BatchHeader {
            field: "gen",
            cause: ReadCause::Overflow,
        };
        assert!(eof.is_truncation());
        assert!(!overflow.is_truncation());
        assert!(ErrorKind::IncompleteGeneration.is_truncation());
        assert!(ErrorKind::ShortBatch { read: 1, wanted: 2 }.is_truncation());
        assert!(ErrorKind::TableNumber(ReadCause::Eof).is_truncation());
        assert!(!ErrorKind::NoFrequency.is_truncation());
        assert!(!ErrorKind::InvalidBatchSize(70_000).is_truncation());
    }
}
