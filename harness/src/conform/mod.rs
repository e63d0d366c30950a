//! The conformance runner: drives implementations of the trace parser ("testees") over a
//! suite of cases and gives each (testee, case) pair a verdict.
//!
//! This module holds the shared vocabulary: cases, what a testee answers, how it can
//! fail, and the [`Testee`] trait that every implementation under test is driven through.

pub mod gotestee;
pub mod minimize;
pub mod pipe;

use crate::corrupt::Expect;
use crate::{Toolchain, Version};

/// Where a case came from; reproducing it needs only this and the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A committed trace file (path relative to the repository root).
    Corpus(String),
    /// A golden test file shipped in a Go toolchain's source.
    GoGolden {
        /// The Go release whose GOROOT holds it.
        release: String,
        /// The test file's name.
        file: String,
    },
    /// A valid trace from the generator.
    Generated {
        /// Header version.
        version: Version,
        /// Generator seed.
        seed: u64,
    },
    /// A generated trace damaged by a catalogued corruption.
    Corrupted {
        /// The corruption's catalogue name.
        kind: String,
        /// The seed given to `Corruption::apply`.
        seed: u64,
    },
}

/// What a case must get from a parser that behaves like Go release `profile`.
#[derive(Clone, Debug)]
pub enum Expectation {
    /// Must be accepted, with exactly the reference's events.
    Accept,
    /// Must be rejected; when known, with this error.
    Reject(Option<Expect>),
    /// Either outcome is fine (recorded, not judged): `i_` cases.
    Either,
}

/// One input of the suite.
#[derive(Clone, Debug)]
pub struct Case {
    /// Stable, unique name, e.g. `gen/go1.23/seed-17` or `corrupt/truncate-mid-batch/seed-3`;
    /// expected-divergence globs match it.
    pub name: String,
    /// The trace bytes.
    pub bytes: Vec<u8>,
    /// Where it came from.
    pub origin: Origin,
}

/// The output language of a testee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `Event.String()` lines of this Go release, as `go tool trace -d=parsed` prints them.
    Go(Toolchain),
    /// trace-harness/events JSON lines (README, "JSON lines").
    Jsonl,
}

/// A testee's answer to one case.
#[derive(Clone, Debug, Default)]
pub struct Answer {
    /// True when it accepted the trace (exit status 0).
    pub accepted: bool,
    /// The events it printed (before its error, if it rejected), capped.
    pub events: Vec<u8>,
    /// Its error text (stderr), capped; empty when it accepted.
    pub error: String,
    /// True when output was cut at the cap.
    pub truncated_output: bool,
}

/// How running a case can fail apart from an answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TesteeFailure {
    /// The testee died by a signal, panicked, or broke its protocol.
    #[error("crashed: {0}")]
    Crash(String),
    /// It did not answer within the per-case time limit (its process group was killed).
    #[error("timed out after {0:?}")]
    Timeout(std::time::Duration),
    /// It could not be started at all: an environment error, not a verdict.
    #[error("cannot run: {0}")]
    Unavailable(String),
}

/// An implementation under test.
pub trait Testee: Send {
    /// Its name in reports and expected-divergence file names, e.g. `go@1.27.3`.
    fn name(&self) -> &str;
    /// The language of its event output.
    fn dialect(&self) -> Dialect;
    /// Runs one case.
    fn run(&mut self, case: &Case) -> Result<Answer, TesteeFailure>;
}

/// Makes instances of one testee: the runner gives every worker thread its own instance.
pub trait TesteeFactory: Send + Sync {
    /// The testee's name (see [`Testee::name`]).
    fn name(&self) -> String;
    /// The language of its event output.
    fn dialect(&self) -> Dialect;
    /// A fresh instance for one worker.
    fn create(&self) -> Result<Box<dyn Testee>, TesteeFailure>;
    /// True for a strict parser, which also rejects events the header's version lacks.
    fn strict(&self) -> bool {
        false
    }
    /// True when its error text is Go's, so a rejection's message is checked too.
    fn go_errors(&self) -> bool {
        false
    }
    /// True for the reference itself: judged against each case's declared expectation
    /// (and the generator's model) rather than against its own result.
    fn is_reference(&self) -> bool {
        false
    }
    /// The command that replays one case file (`{}` = its path), for reproducers.
    fn replay_command(&self) -> String {
        format!("trace-harness conform --impl {} --suite DIR", self.name())
    }
}

impl Dialect {
    /// The Go release whose behaviour a testee of this dialect is judged against: the
    /// release it prints as, or the newest for JSON lines.
    pub fn profile(self) -> Toolchain {
        match self {
            Dialect::Go(toolchain) => toolchain,
            Dialect::Jsonl => Toolchain::Go1_27,
        }
    }

    /// Parses `go1.NN` or `jsonl`.
    pub fn parse(s: &str) -> Option<Dialect> {
        match s {
            "jsonl" => Some(Dialect::Jsonl),
            other => Toolchain::parse(other).map(Dialect::Go),
        }
    }
}

pub mod cli;
pub mod process;
pub mod reference;
pub mod report;
pub mod run;
pub mod suite;
pub mod testees;
pub mod verdict;
