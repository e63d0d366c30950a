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
    #[error("invalid batch size {0}")]
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

/// A rejected input: what was wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Where it was detected.
    pub location: Location,
}

impl Error {
    /// An error at a byte offset.
    pub fn at(kind: ErrorKind, offset: u64) -> Error {
        Error {
            kind,
            location: Location {
                offset,
                ..Location::default()
            },
        }
    }

    /// An error on a line of text that starts at `offset`.
    pub fn at_line(kind: ErrorKind, offset: u64, line: u64) -> Error {
        Error {
            kind,
            location: Location {
                offset,
                line: Some(line),
                ..Location::default()
            },
        }
    }

    /// The same error, with the event index filled in.
    pub fn with_event(mut self, index: u64) -> Error {
        self.location.event = Some(index);
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
