//! Invalid traces on purpose: a catalogue of corruptions, each applied to a valid generated
//! trace and tied to the exact error the reference must report for it, and to the message
//! each Go release prints. A rejection for any other reason is a failure too.
//!
//! Each variant picks a trace config that holds what it needs (versions, features,
//! generations), edits the trace's bytes or its wire events, and is deterministic in its
//! seed: when a seed's trace lacks the event a variant edits, the next seeds are tried.

use crate::error::{ErrorKind, ReadCause};
use crate::gen::{self, Config};
use crate::order::OrderClass;
use crate::raw::RawEvent;
use crate::seeded::SplitMix64;
use crate::spec::ev;
use crate::version::{Toolchain, Version};

pub mod benign;
pub(crate) mod layout;
pub mod truncation;

use layout::{Layout, Record};

/// How deep into the format a corruption reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The file's bytes: header, truncation, varint encodings.
    Bytes,
    /// Records and tables: batch headers, generations, sync, strings and stacks.
    Wire,
    /// Event semantics: sequence numbers, goroutine and proc states, ranges.
    Semantic,
    /// A valid trace of one version under the header of another.
    VersionMix,
}

impl Level {
    /// The level's name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Level::Bytes => "bytes",
            Level::Wire => "wire",
            Level::Semantic => "semantic",
            Level::VersionMix => "version mix",
        }
    }
}

/// The error the reference must report for a corrupted trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Exactly this error kind.
    Kind(ErrorKind),
    /// An ordering error of this class whose message this regular expression finds.
    Ordering {
        /// The class.
        class: OrderClass,
        /// A regular expression for Go's message (the same in every release).
        pattern: &'static str,
    },
    /// Go's parser accepts the trace, but its validator and `go tool trace` crash on it
    /// with a panic whose message this regular expression finds.
    Panic {
        /// A regular expression for the panic message.
        pattern: &'static str,
    },
    /// Two strings or stacks with the same id (the values in the message vary).
    DuplicateId {
        /// Go's type name: `string` or `trace.stack`.
        table: &'static str,
        /// The id.
        id: u64,
    },
}

/// Whether the catalogue's regular expression `pattern` finds `message`. Each pattern is
/// compiled once per thread: the fuzz targets match thousands of messages against the
/// catalogue's few dozen patterns, and compiling costs more than reading the trace.
fn pattern_finds(pattern: &'static str, message: &str) -> bool {
    thread_local! {
        static COMPILED: std::cell::RefCell<
            std::collections::HashMap<&'static str, Option<regex::Regex>>,
        > =
            std::cell::RefCell::default();
    }
    COMPILED.with(|compiled| {
        compiled
            .borrow_mut()
            .entry(pattern)
            .or_insert_with(|| regex::Regex::new(pattern).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(message))
    })
}

impl Expect {
    /// Whether `kind` is the expected error.
    pub fn matches(&self, kind: &ErrorKind) -> bool {
        match (self, kind) {
            (Expect::Kind(k), kind) => k == kind,
            (Expect::Ordering { class, pattern }, ErrorKind::Ordering { class: c, message }) => {
                class == c && pattern_finds(pattern, message)
            }
            (Expect::Panic { pattern }, ErrorKind::GoWouldPanic(message)) => {
                pattern_finds(pattern, message)
            }
            (
                Expect::DuplicateId { table, id },
                ErrorKind::DuplicateId {
                    table: t, id: i, ..
                },
            ) => table == t && id == i,
            _ => false,
        }
    }

    /// A regular expression (Go's `regexp` syntax) for the message Go release `profile`
    /// prints for this error.
    pub fn go_pattern(&self, profile: Toolchain) -> String {
        match self {
            Expect::Kind(k) => regex::escape(&k.go_message(profile)),
            Expect::Ordering { pattern, .. } => (*pattern).to_string(),
            Expect::Panic { pattern } => format!("panic: {pattern}"),
            Expect::DuplicateId { table, id } => {
                regex::escape(&format!("multiple {table}s with the same ID: id={id}, "))
            }
        }
    }
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expect::Kind(k) => write!(f, "{k:?}"),
            Expect::Ordering { class, pattern } => write!(f, "Ordering({class:?}, /{pattern}/)"),
            Expect::Panic { pattern } => write!(f, "GoWouldPanic(/{pattern}/)"),
            Expect::DuplicateId { table, id } => write!(f, "DuplicateId({table}, id={id})"),
        }
    }
}

/// A corrupted trace and what must become of it.
#[derive(Clone, Debug)]
pub struct Corrupted {
    /// The corruption applied.
    pub corruption: Corruption,
    /// The seed of the valid trace that was corrupted (the asked-for seed or a later one).
    pub seed: u64,
    /// The config of that valid trace (a version mix writes another version's header).
    pub config: Config,
    /// The version the corrupted trace's header names.
    pub version: Version,
    /// The corrupted bytes.
    pub bytes: Vec<u8>,
    /// For each Go release that reads the trace's version, oldest first: the error it
    /// must report, or `None` where that release accepts the trace (a documented gap).
    pub expect: Vec<(Toolchain, Option<Expect>)>,
}

impl Corrupted {
    /// The error Go release `profile` must report; `None` if it accepts the trace or does
    /// not read its version.
    pub fn expect_for(&self, profile: Toolchain) -> Option<&Expect> {
        self.expect
            .iter()
            .find(|(p, _)| *p == profile)
            .and_then(|(_, e)| e.as_ref())
    }
}

macro_rules! catalogue {
    ($($variant:ident = $name:literal, $level:ident, $doc:literal;)*) => {
        /// One way of breaking a valid trace; see [`Corruption::ALL`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Corruption {
            $(#[doc = $doc] $variant,)*
        }

        impl Corruption {
            /// Every corruption, in catalogue order.
            pub const ALL: &'static [Corruption] = &[$(Corruption::$variant,)*];

            /// The stable kebab-case name used on the command line.
            pub fn name(self) -> &'static str {
                match self {
                    $(Corruption::$variant => $name,)*
                }
            }

            /// The level it works at.
            pub fn level(self) -> Level {
                match self {
                    $(Corruption::$variant => Level::$level,)*
                }
            }

            /// A one-line description.
            pub fn description(self) -> &'static str {
                match self {
                    $(Corruption::$variant => $doc,)*
                }
            }
        }
    };
}

catalogue! {
    BadHeader = "bad-header", Bytes, "The header's `go 1.` is misspelt.";
    HeaderExtraNul = "header-extra-nul", Bytes,
        "A fourth NUL after the header, which Go then reads as a record of type 0.";
    UnknownVersion = "unknown-version", Bytes, "The header names go 1.24, a version no runtime writes.";
    TruncatedAtBatchBoundary = "truncated-at-batch-boundary", Bytes,
        "go 1.26: the file ends between two batches of the last generation.";
    TruncatedBeforeFrequency = "truncated-before-frequency", Bytes,
        "go 1.22/1.23: the file ends just before the last generation's frequency batch.";
    TruncatedMidBatch = "truncated-mid-batch", Bytes,
        "The file ends inside the payload of a generation's first batch.";
    TruncatedMidLastGeneration = "truncated-mid-last-generation", Bytes,
        "go 1.22/1.23/1.26: the file ends inside a batch in the middle of the last generation.";
    TruncatedMidVarint = "truncated-mid-varint", Bytes,
        "The file ends inside the timestamp varint of a generation's first batch header.";
    TruncatedBeforeEndOfGeneration = "truncated-before-end-of-generation", Bytes,
        "go 1.26: the file ends just before the last EndOfGeneration.";
    OverlongVarint = "overlong-varint", Bytes,
        "A batch's generation number written in 11 bytes (Go reads at most 10).";
    VarintOverflow = "varint-overflow", Bytes,
        "A generation's first batch size written as a 10-byte varint above 2^64-1.";
    BatchSizeOverLimit = "batch-size-over-limit", Wire, "A generation's first batch declares 65537 bytes of payload.";
    BatchSizeHuge = "batch-size-huge", Wire, "A generation's first batch declares 2^40 bytes of payload.";
    BatchSizePastContent = "batch-size-past-content", Wire,
        "The last generation's first batch declares more bytes than the file has left.";
    BatchSizeShortOfContent = "batch-size-short-of-content", Wire,
        "go 1.26: an event batch's size leaves out its last event, then read as a record.";
    BatchSizeZero = "batch-size-zero", Wire,
        "go 1.26: an event batch declares size 0, so its first event is read as a record.";
    GenerationZero = "generation-zero", Wire, "The first batch claims generation 0.";
    GenerationSkipsAhead = "generation-skips-ahead", Wire,
        "A batch inside the first generation claims the generation after next.";
    GenerationsInterleaved = "generations-interleaved", Wire,
        "go 1.26: the EndOfGeneration between the first two generations is gone.";
    MissingFrequency = "missing-frequency", Wire, "The first generation has no Frequency.";
    MissingSyncBatch = "missing-sync-batch", Wire,
        "go 1.25+: the first generation's sync batch is gone.";
    MissingClockSnapshot = "missing-clock-snapshot", Wire,
        "go 1.25+: the first sync batch lacks its ClockSnapshot.";
    DuplicateFrequency = "duplicate-frequency", Wire,
        "The first generation's Frequency is written twice.";
    DuplicateClockSnapshot = "duplicate-clock-snapshot", Wire,
        "go 1.25+: the first sync batch holds two ClockSnapshots.";
    BadSyncEntry = "bad-sync-entry", Wire,
        "go 1.25+: the first sync batch holds a Strings event.";
    DuplicateStringId = "duplicate-string-id", Wire, "Two strings of a generation share id 1.";
    StringIdZero = "string-id-zero", Wire, "A string takes id 0, which is reserved.";
    DuplicateStackId = "duplicate-stack-id", Wire, "Two stacks of a generation share id 1.";
    StackIdZero = "stack-id-zero", Wire, "A stack takes id 0, which is reserved.";
    OversizedString = "oversized-string", Wire, "A string of 1025 bytes (the limit is 1024).";
    OversizedStack = "oversized-stack", Wire, "A stack of 129 frames (the limit is 128).";
    FrameUnknownString = "frame-unknown-string", Wire,
        "A stack frame names a function string the generation lacks.";
    WrongEventInStringTable = "wrong-event-in-string-table", Wire,
        "A strings batch holds a Stack event.";
    EventOutsideBatch = "event-outside-batch", Wire,
        "A ProcStop record stands before a generation's first batch, outside any batch.";
    UnknownEventType = "unknown-event-type", Wire,
        "An event batch of the first generation holds an event of type 100, which no table defines.";
    SequenceSkipped = "sequence-skipped", Semantic,
        "A GoStart's goroutine sequence number skips one.";
    SequenceRepeated = "sequence-repeated", Semantic,
        "A GoStart repeats the previous goroutine sequence number.";
    GoStartOfRunning = "go-start-of-running", Semantic,
        "A GoStart is repeated right after itself, for a goroutine that is now running.";
    GoCreateOfExisting = "go-create-of-existing", Semantic,
        "A GoCreate is repeated right after itself, for a goroutine that now exists.";
    GoStatusInvalid = "go-status-invalid", Semantic, "A GoStatus carries status 7.";
    ProcStatusInvalid = "proc-status-invalid", Semantic, "A ProcStatus carries status 7.";
    StatusContradiction = "status-contradiction", Semantic,
        "A goroutine's status at a generation boundary contradicts the previous generation.";
    StatusOfNewGoroutine = "status-of-new-goroutine", Semantic,
        "A GoStatus after the first generation names a goroutine never seen before.";
    GoSwitchToUnknown = "go-switch-to-unknown", Semantic,
        "go 1.23+: a GoSwitch names a goroutine that does not exist.";
    GoSwitchToNotWaiting = "go-switch-to-not-waiting", Semantic,
        "go 1.23+: a GoSwitch names the goroutine that was just created, runnable, not waiting.";
    UseAfterSwitchDestroy = "use-after-switch-destroy", Semantic,
        "go 1.23+: right after a GoSwitchDestroy, the new goroutine switches back to the destroyed one.";
    GoSwitchInSyscall = "go-switch-in-syscall", Semantic,
        "go 1.23+: a GoSwitch right after a GoSyscallBegin, from a goroutine in a syscall, not running.";
    GoSwitchWithoutGoroutine = "go-switch-without-goroutine", Semantic,
        "go 1.23+: a GoSwitch right after a GoStop or GoBlock, on an M that runs no goroutine.";
    GoStartAfterSwitchDestroy = "go-start-after-switch-destroy", Semantic,
        "go 1.23+: right after a GoSwitchDestroy, a GoStart of the destroyed goroutine.";
    GoUnblockAfterSwitchDestroy = "go-unblock-after-switch-destroy", Semantic,
        "go 1.23+: right after a GoSwitchDestroy, a GoUnblock of the destroyed goroutine.";
    TwoProcsOnOneThread = "two-procs-on-one-m", Semantic,
        "An M that holds a P starts another: the ProcStop between its two ProcStarts is gone.";
    ProcStealOfUnknown = "proc-steal-of-unknown", Semantic,
        "A ProcSteal names a P that does not exist, so it is in no syscall.";
    ProcStealOfRunning = "proc-steal-of-running", Semantic,
        "A ProcSteal of a P right after its ProcStart: running, not in a syscall.";
    ProcStealOfIdle = "proc-steal-of-idle", Semantic,
        "A ProcSteal of a P right after its ProcStop: idle, not in a syscall.";
    SweepEndedNeverBegun = "sweep-ended-never-begun", Semantic,
        "A GCSweepBegin is gone, so its GCSweepEnd ends a range that never began.";
    MarkAssistEndedNeverBegun = "mark-assist-ended-never-begun", Semantic,
        "A GCMarkAssistBegin is gone, so its GCMarkAssistEnd ends a range that never began.";
    TaskEndedTwice = "task-ended-twice", Semantic, "A UserTaskEnd is repeated right after itself.";
    CpuSampleUnknownStack = "cpu-sample-unknown-stack", Semantic,
        "A CPU sample names a stack the generation lacks: Go's parser passes it on, its validator and printer panic.";
    Go123EventsInGo122 = "go123-events-in-go122", VersionMix,
        "A go 1.23 trace with coroutine events under a go 1.22 header: only Go 1.22 objects.";
    GoStatusStackInGo122 = "go-status-stack-in-go122", VersionMix,
        "A go 1.22 trace that writes a waiting goroutine's status as go 1.23's GoStatusStack.";
    SyncBatchesInGo123 = "sync-batches-in-go123", VersionMix,
        "A go 1.25 trace (sync batches, no frequency batch) under a go 1.23 header.";
    EndOfGenerationInGo125 = "end-of-generation-in-go125", VersionMix,
        "A go 1.26 trace (EndOfGeneration records) under a go 1.25 header.";
    FrequencyOnlySyncInGo125 = "frequency-only-sync-in-go125", VersionMix,
        "A go 1.23 trace (a frequency batch, no sync batch) under a go 1.25 header.";
    MissingEndOfGenerationInGo126 = "missing-end-of-generation-in-go126", VersionMix,
        "A go 1.25 trace (no EndOfGeneration) under a go 1.26 header.";
}

/// Steps per generation at most: enough events to corrupt, small enough to test fast.
const MAX_STEPS: usize = 160;
/// Steps per generation for corruptions whose pattern short generations rarely hold.
const RARE_STEPS: usize = 96;
/// How many seeds after the asked-for one are tried before a corruption gives up.
const ATTEMPTS: u64 = 64;

impl Corruption {
    /// The corruption named `name` (its kebab-case name).
    pub fn parse(name: &str) -> Option<Corruption> {
        Corruption::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// The corruption `random` picks for `seed`.
    pub fn random(seed: u64) -> Corruption {
        let mut rng = SplitMix64(seed ^ 0x636f_7272_7570_7421);
        Corruption::ALL[rng.below(Corruption::ALL.len() as u64) as usize]
    }

    /// The trace versions this corruption applies to.
    pub fn versions(self) -> &'static [Version] {
        use Corruption::*;
        const ALL: &[Version] = &Version::V2;
        const SYNC: &[Version] = &[Version::Go125, Version::Go126];
        match self {
            TruncatedAtBatchBoundary
            | TruncatedBeforeEndOfGeneration
            | GenerationsInterleaved
            | BatchSizeShortOfContent
            | BatchSizeZero => &[Version::Go126],
            TruncatedBeforeFrequency => &[Version::Go122, Version::Go123],
            // go 1.25 orders the partial generation first: whether that fails to advance
            // or ends in the deferred read error depends on what the cut leaves.
            TruncatedMidLastGeneration => &[Version::Go122, Version::Go123, Version::Go126],
            Go123EventsInGo122 | GoStatusStackInGo122 => &[Version::Go122],
            SyncBatchesInGo123 => &[Version::Go123],
            EndOfGenerationInGo125 | FrequencyOnlySyncInGo125 => &[Version::Go125],
            MissingEndOfGenerationInGo126 => &[Version::Go126],
            MissingSyncBatch | MissingClockSnapshot | DuplicateClockSnapshot | BadSyncEntry => SYNC,
            GoSwitchToUnknown
            | GoSwitchToNotWaiting
            | UseAfterSwitchDestroy
            | GoSwitchInSyscall
            | GoSwitchWithoutGoroutine
            | GoStartAfterSwitchDestroy
            | GoUnblockAfterSwitchDestroy => &[Version::Go123, Version::Go125, Version::Go126],
            _ => ALL,
        }
    }

    /// Applies the corruption to a trace of a version drawn from `seed` (or `version`).
    /// Fails if the version does not suit the corruption, or if no trace of the next
    /// seeds holds what it needs.
    pub fn apply(self, seed: u64, version: Option<Version>) -> Result<Corrupted, String> {
        let versions = self.versions();
        let version = match version {
            Some(v) if versions.contains(&v) => v,
            Some(v) => {
                return Err(format!(
                    "{} needs a trace of version {}; not {v}",
                    self.name(),
                    versions
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
            None => versions[SplitMix64(seed).below(versions.len() as u64) as usize],
        };
        for attempt in 0..ATTEMPTS {
            let trace_seed = seed.wrapping_add(attempt);
            let source = self.source_version().unwrap_or(version);
            if let Some(corrupted) = self.apply_to(self.config(source, trace_seed), trace_seed) {
                return Ok(corrupted);
            }
        }
        Err(format!(
            "{}: no trace of seeds {seed} to {} holds what it needs",
            self.name(),
            seed.wrapping_add(ATTEMPTS - 1)
        ))
    }

    /// Applies the corruption to the valid trace that `config` generates from `seed` (for a
    /// version mix, `config.version` is the source version); `None` when that trace lacks
    /// what the corruption needs. [`Corruption::apply`] is this over its own configs and
    /// seeds; minimization calls it with smaller configs.
    pub fn apply_to(self, config: Config, seed: u64) -> Option<Corrupted> {
        let version = match self.source_version() {
            Some(_) => *self.versions().first()?,
            None => config.version,
        };
        let layout = gen::generate_layout(&config, seed);
        let mut rng = SplitMix64(seed ^ 0x5eed_c0de);
        let (bytes, expect) = self.corrupt(layout, &mut rng)?;
        let expect = Toolchain::ALL
            .into_iter()
            .filter(|p| p.accepts(version))
            .map(|p| (p, expect(p)))
            .collect();
        Some(Corrupted {
            corruption: self,
            seed,
            config,
            version,
            bytes,
            expect,
        })
    }

    /// For a version mix: the version of the valid trace put under another header.
    pub fn source_version(self) -> Option<Version> {
        use Corruption::*;
        match self {
            Go123EventsInGo122 | FrequencyOnlySyncInGo125 => Some(Version::Go123),
            SyncBatchesInGo123 | MissingEndOfGenerationInGo126 => Some(Version::Go125),
            EndOfGenerationInGo125 => Some(Version::Go126),
            _ => None,
        }
    }

    /// For a version mix that puts events under a header whose version lacks them: a
    /// regular expression for the error of strict mode (`dump --strict`), which Go lacks.
    pub fn strict_error(self) -> Option<&'static str> {
        match self {
            Corruption::Go123EventsInGo122 => {
                Some(r"event Go[A-Za-z]+ \(4[5-8]\) does not exist in go 1\.22 traces")
            }
            Corruption::GoStatusStackInGo122 => {
                Some(r"event GoStatusStack \(48\) does not exist in go 1\.22 traces")
            }
            Corruption::SyncBatchesInGo123 => {
                Some(r"event Sync \(50\) does not exist in go 1\.23 traces")
            }
            _ => None,
        }
    }

    /// Whether the corruption cuts the file short. Whether the error then says so
    /// ([`ErrorKind::is_truncation`]) depends on the release: see the expected kinds.
    pub fn truncates(self) -> bool {
        use Corruption::*;
        matches!(
            self,
            TruncatedAtBatchBoundary
                | TruncatedBeforeFrequency
                | TruncatedMidBatch
                | TruncatedMidLastGeneration
                | TruncatedMidVarint
                | TruncatedBeforeEndOfGeneration
        )
    }

    /// The config of the valid trace: the seed's, with what this corruption needs forced.
    fn config(self, version: Version, seed: u64) -> Config {
        use Corruption::*;
        let mut config = Config::from_seed(version, seed);
        // Go's text form cannot name experimental events (golden files must hold them).
        config.features.alloc_free = false;
        config.steps_per_generation = config.steps_per_generation.clamp(16, MAX_STEPS);
        config.generations = config.generations.max(2);
        match self {
            DuplicateStackId | StackIdZero | OversizedStack | FrameUnknownString => {
                config.stacks = config.stacks.max(2)
            }
            // A GoCreate and a GoSwitch in one batch, or a switch that destroys a
            // goroutine another event then wakes: rare in short generations too.
            GoSwitchToNotWaiting | GoUnblockAfterSwitchDestroy => {
                config.features.coroutines = true;
                config.steps_per_generation = config.steps_per_generation.max(RARE_STEPS);
            }
            GoSwitchToUnknown
            | UseAfterSwitchDestroy
            | GoSwitchWithoutGoroutine
            | GoStartAfterSwitchDestroy
            | Go123EventsInGo122 => config.features.coroutines = true,
            GoSwitchInSyscall => {
                config.features.coroutines = true;
                config.features.syscalls = true;
            }
            // Only GoStatusStack may stand for go 1.23 in the mix.
            ProcStealOfUnknown | ProcStealOfRunning | ProcStealOfIdle => {
                config.features.syscalls = true
            }
            SweepEndedNeverBegun => config.features.gc = true,
            // A mark assist that ends before its goroutine blocks, and a goroutine waiting
            // at a generation's end, are rare in short generations: longer ones find one
            // in far fewer attempts.
            MarkAssistEndedNeverBegun => {
                config.features.gc = true;
                config.steps_per_generation = config.steps_per_generation.max(RARE_STEPS);
            }
            GoStatusStackInGo122 => {
                config.steps_per_generation = config.steps_per_generation.max(RARE_STEPS);
                config.goroutines = config.goroutines.max(6);
            }
            TaskEndedTwice => config.features.annotations = true,
            CpuSampleUnknownStack => config.features.cpu_samples = true,
            _ => {}
        }
        config
    }

    /// Edits `t`; returns the bytes and the expected error per profile (`None` when
    /// `t` lacks what the corruption needs).
    fn corrupt(self, t: Layout, rng: &mut SplitMix64) -> Option<(Vec<u8>, ExpectFn)> {
        use Corruption::*;
        let version = t.version;
        let same = |e: Expect| -> ExpectFn { Box::new(move |_| Some(e.clone())) };
        let kind = |k: ErrorKind| same(Expect::Kind(k));
        let pick = |rng: &mut SplitMix64, n: usize| rng.below(n as u64) as usize;
        // Semantic corruptions edit events and re-encode: only the others read the bytes.
        let (bytes, spans) = if self.level() == Level::Semantic {
            Default::default()
        } else {
            t.encode_with_spans()
        };
        Some(match self {
            BadHeader => {
                let mut b = bytes;
                b[0] = b'G';
                (b, kind(ErrorKind::BadHeader))
            }
            HeaderExtraNul => {
                let mut b = bytes;
                b.insert(crate::version::HEADER_LEN, 0);
                (b, kind(ErrorKind::ExpectedBatch(ev::NONE)))
            }
            UnknownVersion => {
                let mut b = bytes;
                b[5..7].copy_from_slice(b"24");
                (b, kind(ErrorKind::UnsupportedVersion(24)))
            }
            TruncatedAtBatchBoundary => {
                // A boundary after the last generation's first event batch, before its end.
                let last_gen = t.records.iter().filter_map(Record::gen).max()?;
                let first_events = t
                    .records
                    .iter()
                    .position(|r| r.gen() == Some(last_gen) && r.is_event_batch())?;
                let cuts: Vec<usize> = (first_events + 1..t.records.len())
                    .filter(|&i| matches!(t.records[i], Record::Batch { .. }))
                    .collect();
                let cut = *cuts.get(pick(rng, cuts.len()))?;
                (
                    bytes[..spans[cut].start].to_vec(),
                    kind(ErrorKind::IncompleteGeneration),
                )
            }
            TruncatedBeforeFrequency => {
                let last = t
                    .records
                    .iter()
                    .rposition(|r| r.first_type() == Some(ev::FREQUENCY))?;
                (
                    bytes[..spans[last].start].to_vec(),
                    kind(ErrorKind::NoFrequency),
                )
            }
            TruncatedMidBatch => {
                // A generation's first record: before go 1.26, an error past it would
                // only surface after the half-read generation failed in its own way.
                let starts = t.generation_starts();
                let r = *starts.get(pick(rng, starts.len()))?;
                let span = spans[r];
                if span.end - span.payload < 2 {
                    return None;
                }
                let wanted = (span.end - span.payload) as u64;
                let read = 1 + rng.below(wanted - 1);
                (
                    bytes[..span.payload + read as usize].to_vec(),
                    kind(ErrorKind::ShortBatch { read, wanted }),
                )
            }
            TruncatedMidLastGeneration => {
                // A batch of the last generation past its first record and, before go 1.26,
                // before its frequency batch (the runtime writes that one last).
                let last_gen = t.records.iter().filter_map(Record::gen).max()?;
                let in_last: Vec<usize> = t.find(|r| r.gen() == Some(last_gen));
                let frequency = in_last
                    .iter()
                    .copied()
                    .find(|&r| t.records[r].first_type() == Some(ev::FREQUENCY))
                    .unwrap_or(usize::MAX);
                let candidates: Vec<usize> = in_last
                    .into_iter()
                    .skip(1)
                    .filter(|&r| r < frequency && spans[r].end - spans[r].payload >= 2)
                    .collect();
                let r = *candidates.get(pick(rng, candidates.len()))?;
                let span = spans[r];
                let wanted = (span.end - span.payload) as u64;
                let read = 1 + rng.below(wanted - 1);
                let short = ErrorKind::ShortBatch { read, wanted };
                // Go 1.22 reports the read error at once; 1.23+ first order the partial
                // generation, which lacks its frequency. go 1.26 fails on the batch.
                let expect: ExpectFn = if version >= Version::Go126 {
                    kind(short)
                } else {
                    Box::new(move |p| {
                        Some(Expect::Kind(if p == Toolchain::Go1_22 {
                            short.clone()
                        } else {
                            ErrorKind::NoFrequency
                        }))
                    })
                };
                (bytes[..span.payload + read as usize].to_vec(), expect)
            }
            TruncatedMidVarint => {
                // The header's timestamp: the third number after the type byte.
                let candidates: Vec<(usize, usize)> = t
                    .generation_starts()
                    .into_iter()
                    .map(|r| spans[r])
                    .filter_map(|s| {
                        let mut pos = s.start + 1;
                        for _ in 0..2 {
                            pos += crate::varint::read(&bytes[pos..]).ok()?.1;
                        }
                        let len = crate::varint::read(&bytes[pos..]).ok()?.1;
                        (len > 1).then_some((pos, len))
                    })
                    .collect();
                let &(pos, len) = candidates.get(pick(rng, candidates.len()))?;
                let cut = pos + 1 + pick(rng, len - 1);
                let cause = ReadCause::UnexpectedEof;
                (
                    bytes[..cut].to_vec(),
                    kind(ErrorKind::BatchHeader {
                        field: "timestamp",
                        cause,
                    }),
                )
            }
            TruncatedBeforeEndOfGeneration => {
                let last = t.records.iter().rposition(
                    |r| matches!(r, Record::Loose(e) if e.ty == ev::END_OF_GENERATION),
                )?;
                (
                    bytes[..spans[last].start].to_vec(),
                    kind(ErrorKind::IncompleteGeneration),
                )
            }
            OverlongVarint => {
                let mut b = bytes[..spans[0].start + 1].to_vec();
                let gen = t.first_gen()?;
                crate::varint::write_padded(&mut b, gen, 10);
                // An 11th byte: the 10th keeps its continuation bit.
                let tenth = b.len() - 1;
                b[tenth] |= 0x80;
                b.push(0);
                b.extend_from_slice(
                    &bytes[spans[0].start + 1 + crate::varint::canonical_len(gen)..],
                );
                let cause = ReadCause::Overflow;
                (
                    b,
                    kind(ErrorKind::BatchHeader {
                        field: "gen",
                        cause,
                    }),
                )
            }
            VarintOverflow => {
                let starts = t.generation_starts();
                let mut l = t;
                let r = *starts.get(pick(rng, starts.len()))?;
                let Record::Batch { size, .. } = &mut l.records[r] else {
                    return None;
                };
                *size = Some(u64::MAX);
                let (b, s) = l.encode_with_spans();
                // u64::MAX ends in 0x01 in its 10th byte; 0x03 is past 64 bits.
                let mut b = b;
                b[s[r].payload - 1] = 0x03;
                let cause = ReadCause::Overflow;
                (
                    b,
                    kind(ErrorKind::BatchHeader {
                        field: "size",
                        cause,
                    }),
                )
            }
            BatchSizeOverLimit | BatchSizeHuge => {
                let declared = if self == BatchSizeHuge {
                    1 << 40
                } else {
                    65537
                };
                let starts = t.generation_starts();
                let mut l = t;
                let r = *starts.get(pick(rng, starts.len()))?;
                let Record::Batch { size, .. } = &mut l.records[r] else {
                    return None;
                };
                *size = Some(declared);
                (l.encode(), kind(ErrorKind::InvalidBatchSize(declared)))
            }
            BatchSizePastContent => {
                // The last generation's first record, declaring more than the file holds.
                let r = *t.generation_starts().last()?;
                let mut l = t;
                let extra = 1 + rng.below(1000);
                let have = (bytes.len() - spans[r].payload) as u64;
                let Record::Batch { size, .. } = &mut l.records[r] else {
                    return None;
                };
                *size = Some(have + extra);
                let (b, s) = l.encode_with_spans();
                let read = (b.len() - s[r].payload) as u64;
                let wanted = have + extra;
                if read >= wanted {
                    return None;
                }
                (b, kind(ErrorKind::ShortBatch { read, wanted }))
            }
            BatchSizeShortOfContent | BatchSizeZero => {
                let batches = t.find(|r| r.is_event_batch() && r.events().len() > 1);
                let r = *batches.get(pick(rng, batches.len()))?;
                let mut l = t;
                let span = spans[r];
                let (declared, stray) = if self == BatchSizeZero {
                    (0, l.records[r].events()[0].ty)
                } else {
                    let last = l.records[r].events().last()?;
                    let mut enc = Vec::new();
                    last.encode(&mut enc);
                    ((span.end - span.payload - enc.len()) as u64, last.ty)
                };
                if matches!(
                    stray,
                    ev::EVENT_BATCH | ev::EXPERIMENTAL_BATCH | ev::END_OF_GENERATION
                ) {
                    return None;
                }
                let Record::Batch { size, .. } = &mut l.records[r] else {
                    return None;
                };
                *size = Some(declared);
                (l.encode(), kind(ErrorKind::ExpectedBatch(stray)))
            }
            GenerationZero => {
                let mut l = t;
                let first = l.find(|r| r.gen().is_some());
                let Record::Batch { gen, .. } = &mut l.records[*first.first()?] else {
                    return None;
                };
                *gen = 0;
                (l.encode(), kind(ErrorKind::InvalidGeneration(0)))
            }
            GenerationSkipsAhead => {
                let first_gen = t.first_gen()?;
                let inside: Vec<usize> = t
                    .find(|r| r.gen() == Some(first_gen))
                    .into_iter()
                    .skip(1)
                    .collect();
                let r = *inside.get(pick(rng, inside.len()))?;
                let mut l = t;
                let Record::Batch { gen, .. } = &mut l.records[r] else {
                    return None;
                };
                *gen = first_gen + 2;
                let expect = if version >= Version::Go126 {
                    ErrorKind::InterleavedGenerations
                } else {
                    ErrorKind::GenerationsOutOfOrder
                };
                (l.encode(), kind(expect))
            }
            GenerationsInterleaved => {
                let first = t
                    .records
                    .iter()
                    .position(|r| matches!(r, Record::Loose(e) if e.ty == ev::END_OF_GENERATION))?;
                let mut l = t;
                l.records.remove(first);
                (l.encode(), kind(ErrorKind::InterleavedGenerations))
            }
            MissingFrequency | DuplicateFrequency => {
                let first_gen = t.first_gen()?;
                let (r, i) = *t
                    .find_events(|e| e.ty == ev::FREQUENCY)
                    .iter()
                    .find(|(r, _)| t.records[*r].gen() == Some(first_gen))?;
                let mut l = t;
                let events = l.records[r].events_mut()?;
                let expect = if self == MissingFrequency {
                    if events.len() == 1 {
                        l.records.remove(r);
                    } else {
                        events.remove(i);
                    }
                    ErrorKind::NoFrequency
                } else if version >= Version::Go125 {
                    let again = events[i].clone();
                    events.insert(i + 1, again);
                    ErrorKind::MultipleFrequencies
                } else {
                    // Before go 1.25 a frequency batch's first event is all that is read:
                    // the second frequency needs a batch of its own.
                    let again = l.records[r].clone();
                    l.records.insert(r + 1, again);
                    ErrorKind::MultipleFrequencies
                };
                (l.encode(), kind(expect))
            }
            MissingSyncBatch => {
                let r = t
                    .records
                    .iter()
                    .position(|r| r.first_type() == Some(ev::SYNC))?;
                let mut l = t;
                l.records.remove(r);
                (l.encode(), kind(ErrorKind::NoFrequency))
            }
            MissingClockSnapshot | DuplicateClockSnapshot | BadSyncEntry => {
                let r = t
                    .records
                    .iter()
                    .position(|r| r.first_type() == Some(ev::SYNC))?;
                let mut l = t;
                let events = l.records[r].events_mut()?;
                let i = events.iter().position(|e| e.ty == ev::CLOCK_SNAPSHOT)?;
                let expect = match self {
                    MissingClockSnapshot => {
                        events.remove(i);
                        ErrorKind::NoClockSnapshot
                    }
                    DuplicateClockSnapshot => {
                        let again = events[i].clone();
                        events.insert(i + 1, again);
                        ErrorKind::MultipleClockSnapshots
                    }
                    _ => {
                        events.push(RawEvent::new(ev::STRINGS, &[]));
                        ErrorKind::BadSyncEntry(ev::STRINGS)
                    }
                };
                (l.encode(), kind(expect))
            }
            DuplicateStringId | StringIdZero | DuplicateStackId | StackIdZero => {
                let (entry, table) = match self {
                    DuplicateStringId | StringIdZero => (ev::STRING, "string"),
                    _ => (ev::STACK, "trace.stack"),
                };
                let found = t.find_events(|e| e.ty == entry && e.args[0] >= 2);
                let &(r, i) = found.get(pick(rng, found.len()))?;
                let mut l = t;
                let id = if matches!(self, StringIdZero | StackIdZero) {
                    0
                } else {
                    1
                };
                if id == 0 && entry == ev::STACK {
                    // A zero-frame stack with id 0 equals the implicit empty stack 0; one
                    // with frames clashes.
                    if l.records[r].events()[i].frames.is_empty() {
                        return None;
                    }
                }
                l.records[r].events_mut()?[i].args = crate::raw::Args::from_slice(&{
                    let mut a = l.records[r].events()[i].args.to_vec();
                    a[0] = id;
                    a
                });
                (l.encode(), same(Expect::DuplicateId { table, id }))
            }
            OversizedString => {
                let found = t.find_events(|e| e.ty == ev::STRING);
                let &(r, i) = found.get(pick(rng, found.len()))?;
                let mut l = t;
                l.records[r].events_mut()?[i].data = Some(vec![b'x'; 1025].into());
                (l.encode(), kind(ErrorKind::InvalidStringSize(1025)))
            }
            OversizedStack => {
                let found = t.find_events(|e| e.ty == ev::STACK && !e.frames.is_empty());
                let &(r, i) = found.get(pick(rng, found.len()))?;
                let mut l = t;
                let e = &mut l.records[r].events_mut()?[i];
                let frame = e.frames[0];
                e.frames = vec![frame; 129];
                e.args = crate::raw::Args::from_slice(&[e.args[0], 129]);
                (l.encode(), kind(ErrorKind::InvalidStackSize(129)))
            }
            FrameUnknownString => {
                let found = t.find_events(|e| e.ty == ev::STACK && !e.frames.is_empty());
                let &(r, i) = found.get(pick(rng, found.len()))?;
                let mut l = t;
                let e = &mut l.records[r].events_mut()?[i];
                let stack = e.args[0];
                let id = 100_000 + rng.below(1000);
                // A PC of its own: Go 1.23+ checks only the first frame seen for each PC.
                e.frames[0][0] = 0x7fff_0000_0000 + rng.below(1 << 20);
                e.frames[0][1] = id;
                (
                    l.encode(),
                    kind(ErrorKind::InvalidFrameString {
                        which: "func",
                        id,
                        stack,
                    }),
                )
            }
            WrongEventInStringTable => {
                let r = t
                    .records
                    .iter()
                    .position(|r| r.first_type() == Some(ev::STRINGS))?;
                let mut l = t;
                let events = l.records[r].events_mut()?;
                let at = 1 + pick(rng, events.len());
                events.insert(at, RawEvent::new(ev::STACK, &[1, 0]));
                (
                    l.encode(),
                    kind(ErrorKind::BadTableEntry {
                        expected: "string",
                        got: ev::STACK,
                    }),
                )
            }
            EventOutsideBatch => {
                let starts = t.generation_starts();
                let mut l = t;
                let at = *starts.get(pick(rng, starts.len()))?;
                l.records
                    .insert(at, Record::Loose(RawEvent::new(ev::PROC_STOP, &[1])));
                (l.encode(), kind(ErrorKind::ExpectedBatch(ev::PROC_STOP)))
            }
            UnknownEventType => {
                let batches = t.find(|r| r.is_event_batch() && r.gen() == t.first_gen());
                let r = *batches.get(pick(rng, batches.len()))?;
                let mut l = t;
                let events = l.records[r].events_mut()?;
                let at = 1 + pick(rng, events.len());
                events.insert(at, RawEvent::new(100, &[]));
                // Go 1.22 checks the type against its table first; later releases look
                // for the timestamp of an event they have no spec for.
                let bad: ExpectFn = Box::new(|p| {
                    Some(Expect::Ordering {
                        class: OrderClass::BadEvent,
                        pattern: if p == Toolchain::Go1_22 {
                            "found invalid event type: 100"
                        } else {
                            "found event without a timestamp: type=100"
                        },
                    })
                });
                (l.encode(), bad)
            }
            SequenceSkipped | SequenceRepeated | GoStartOfRunning => {
                let found = t.find_events(|e| e.ty == ev::GO_START && e.args[2] >= 2);
                let &(r, i) = found.get(pick(rng, found.len()))?;
                let mut l = t;
                let events = l.records[r].events_mut()?;
                let mut args = events[i].args.to_vec();
                match self {
                    SequenceSkipped => args[2] += 1,
                    SequenceRepeated => args[2] -= 1,
                    _ => {
                        args[0] = 0;
                        args[2] += 1;
                    }
                }
                let edited = RawEvent::new(ev::GO_START, &args);
                if self == GoStartOfRunning {
                    events.insert(i + 1, edited);
                } else {
                    events[i] = edited;
                }
                (
                    l.encode(),
                    same(Expect::Ordering {
                        class: OrderClass::FailedToAdvance,
                        pattern: "failed to advance",
                    }),
                )
            }
            GoCreateOfExisting | TaskEndedTwice => {
                let ty = if self == TaskEndedTwice {
                    ev::USER_TASK_END
                } else {
                    ev::GO_CREATE
                };
                let found = t.find_events(|e| e.ty == ty);
                let &(r, i) = found.get(pick(rng, found.len()))?;
                let mut l = t;
                let events = l.records[r].events_mut()?;
                let mut again = events[i].clone();
                again.args = crate::raw::Args::from_slice(&{
                    let mut a = again.args.to_vec();
                    a[0] = 0;
                    a
                });
                events.insert(i + 1, again);
                let expect: ExpectFn = if self == TaskEndedTwice {
                    Box::new(|_| None)
                } else {
                    same(Expect::Ordering {
                        class: OrderClass::Creation,
                        pattern: r"tried to create goroutine \([0-9]+\) that already exists",
                    })
                };
                (l.encode(), expect)
            }
            GoStatusInvalid | ProcStatusInvalid => {
                let (ty, status_arg) = if self == GoStatusInvalid {
                    (ev::GO_STATUS, 3)
                } else {
                    (ev::PROC_STATUS, 2)
                };
                let found = t.find_events(|e| e.ty == ty);
                let &(r, i) = found.get(pick(rng, found.len()))?;
                let mut l = t;
                set_arg(&mut l.records[r].events_mut()?[i], status_arg, 7);
                let pattern = if self == GoStatusInvalid {
                    "invalid status for goroutine [0-9]+: 7"
                } else {
                    "invalid status for proc [0-9]+: 7"
                };
                (
                    l.encode(),
                    same(Expect::Ordering {
                        class: OrderClass::InvalidStatus,
                        pattern,
                    }),
                )
            }
            StatusContradiction | StatusOfNewGoroutine => {
                // A waiting or runnable goroutine's status in a later generation.
                let first = t.first_gen()?;
                let found = t.find_events(|e| e.ty == ev::GO_STATUS && matches!(e.args[3], 1 | 4));
                let later: Vec<(usize, usize)> = found
                    .into_iter()
                    .filter(|(r, _)| t.records[*r].gen() > Some(first))
                    .collect();
                let &(r, i) = later.get(pick(rng, later.len()))?;
                let mut l = t;
                let e = &mut l.records[r].events_mut()?[i];
                if self == StatusContradiction {
                    let flipped = if e.args[3] == 1 { 4 } else { 1 };
                    set_arg(e, 3, flipped);
                    (
                        l.encode(),
                        same(Expect::Ordering {
                            class: OrderClass::InconsistentStatus,
                            pattern: "inconsistent status for goroutine [0-9]+: old (Runnable|Waiting) vs. new (Runnable|Waiting)",
                        }),
                    )
                } else {
                    set_arg(e, 1, 1_000_000 + rng.below(1000));
                    (
                        l.encode(),
                        same(Expect::Ordering {
                            class: OrderClass::Creation,
                            pattern: "found goroutine status for new goroutine after the first generation: id=[0-9]+",
                        }),
                    )
                }
            }
            GoSwitchToUnknown => {
                let found = t.find_events(|e| e.ty == ev::GO_SWITCH);
                let &(r, i) = found.get(pick(rng, found.len()))?;
                let mut l = t;
                set_arg(
                    &mut l.records[r].events_mut()?[i],
                    1,
                    1_000_000 + rng.below(1000),
                );
                (l.encode(), failed_to_advance())
            }
            GoSwitchToNotWaiting => {
                // A GoCreate followed, later in the same batch, by a GoSwitch.
                let found = t.find_events(|e| e.ty == ev::GO_SWITCH);
                let candidates: Vec<(usize, usize, u64)> = found
                    .into_iter()
                    .filter_map(|(r, i)| {
                        let created = t.records[r].events()[..i]
                            .iter()
                            .rev()
                            .find(|e| e.ty == ev::GO_CREATE)?;
                        Some((r, i, created.args[1]))
                    })
                    .collect();
                let &(r, i, g) = candidates.get(pick(rng, candidates.len()))?;
                let mut l = t;
                let e = &mut l.records[r].events_mut()?[i];
                set_arg(e, 1, g);
                set_arg(e, 2, 1);
                (l.encode(), failed_to_advance())
            }
            UseAfterSwitchDestroy | GoStartAfterSwitchDestroy | GoUnblockAfterSwitchDestroy => {
                // The goroutine a GoSwitchDestroy destroys is the one its batch last put on
                // the M: a GoStart, or the target of a GoSwitch.
                let found = t.find_events(|e| e.ty == ev::GO_SWITCH_DESTROY);
                let candidates: Vec<(usize, usize, u64)> = found
                    .into_iter()
                    .filter_map(|(r, i)| {
                        let events = &t.records[r].events()[..i];
                        let last = events.iter().rposition(|e| {
                            matches!(
                                e.ty,
                                ev::GO_START
                                    | ev::GO_SWITCH
                                    | ev::GO_SWITCH_DESTROY
                                    | ev::GO_STOP
                                    | ev::GO_BLOCK
                                    | ev::GO_DESTROY
                                    | ev::GO_SYSCALL_BEGIN
                                    | ev::PROC_STOP
                            )
                        })?;
                        let e = &events[last];
                        matches!(e.ty, ev::GO_START | ev::GO_SWITCH).then_some((r, i, e.args[1]))
                    })
                    .collect();
                let &(r, i, g) = candidates.get(pick(rng, candidates.len()))?;
                let mut l = t;
                let events = l.records[r].events_mut()?;
                // The destroyed goroutine is gone: whatever names it waits for ever.
                let used = match self {
                    UseAfterSwitchDestroy => RawEvent::new(ev::GO_SWITCH, &[0, g, 1]),
                    GoStartAfterSwitchDestroy => RawEvent::new(ev::GO_START, &[0, g, 1]),
                    _ => RawEvent::new(ev::GO_UNBLOCK, &[0, g, 1, 0]),
                };
                events.insert(i + 1, used);
                (l.encode(), failed_to_advance())
            }
            GoSwitchInSyscall | GoSwitchWithoutGoroutine => {
                let after: &[u8] = if self == GoSwitchInSyscall {
                    &[ev::GO_SYSCALL_BEGIN]
                } else {
                    &[ev::GO_STOP, ev::GO_BLOCK]
                };
                let found = t.find_events(|e| after.contains(&e.ty));
                let &(r, i) = found.get(pick(rng, found.len()))?;
                let mut l = t;
                let next = 1_000_000 + rng.below(1000);
                l.records[r]
                    .events_mut()?
                    .insert(i + 1, RawEvent::new(ev::GO_SWITCH, &[0, next, 1]));
                // The current goroutine is checked before the one switched to.
                let expect = if self == GoSwitchInSyscall {
                    Expect::Ordering {
                        class: OrderClass::WrongState,
                        pattern: "GoSwitch event for goroutine that's not Running",
                    }
                } else {
                    Expect::Ordering {
                        class: OrderClass::Context,
                        pattern: "expected a goroutine but didn't have one",
                    }
                };
                (l.encode(), same(expect))
            }
            TwoProcsOnOneThread => {
                // ProcStart(a) ... ProcStop, ProcStart(b) in one batch, b != a, with no
                // other P event between: without the ProcStop the M still holds a.
                let mut candidates = Vec::new();
                for r in t.find(|r| r.is_event_batch()) {
                    let events = t.records[r].events();
                    let mut held: Option<u64> = None;
                    for (i, e) in events.iter().enumerate() {
                        match e.ty {
                            ev::PROC_START => {
                                held = Some(e.args[1]);
                            }
                            ev::PROC_STOP => {
                                let next = events.get(i + 1);
                                if let (Some(a), Some(n)) = (held, next) {
                                    if n.ty == ev::PROC_START && n.args[1] != a {
                                        candidates.push((r, i));
                                    }
                                }
                                held = None;
                            }
                            ev::PROC_STEAL | ev::GO_SYSCALL_END_BLOCKED => held = None,
                            _ => {}
                        }
                    }
                }
                let &(r, i) = candidates.get(pick(rng, candidates.len()))?;
                let mut l = t;
                let events = l.records[r].events_mut()?;
                let dt = events[i].args[0];
                events.remove(i);
                let next = &mut events[i];
                let d = next.args[0] + dt;
                set_arg(next, 0, d);
                (l.encode(), failed_to_advance())
            }
            ProcStealOfRunning | ProcStealOfIdle => {
                // The batch's own P, stolen by its own M right after it starts or stops it,
                // with the sequence number that would follow.
                let mut candidates = Vec::new();
                for r in t.find(|r| r.is_event_batch()) {
                    let Record::Batch { m, events, .. } = &t.records[r] else {
                        continue;
                    };
                    let mut held: Option<(u64, u64)> = None;
                    for (i, e) in events.iter().enumerate() {
                        match e.ty {
                            ev::PROC_START => {
                                held = Some((e.args[1], e.args[2]));
                                if self == ProcStealOfRunning {
                                    candidates.push((r, i, e.args[1], e.args[2] + 1, *m));
                                }
                            }
                            ev::GO_SYSCALL_BEGIN => {
                                held = held.map(|(p, _)| (p, e.args[1]));
                            }
                            ev::PROC_STOP => {
                                if let (Some((p, seq)), ProcStealOfIdle) = (held, self) {
                                    candidates.push((r, i, p, seq + 1, *m));
                                }
                                held = None;
                            }
                            ev::PROC_STEAL | ev::GO_SYSCALL_END_BLOCKED => held = None,
                            _ => {}
                        }
                    }
                }
                let &(r, i, p, seq, m) = candidates.get(pick(rng, candidates.len()))?;
                let mut l = t;
                l.records[r]
                    .events_mut()?
                    .insert(i + 1, RawEvent::new(ev::PROC_STEAL, &[0, p, seq, m]));
                (l.encode(), failed_to_advance())
            }
            ProcStealOfUnknown => {
                let found = t.find_events(|e| e.ty == ev::PROC_STEAL);
                let &(r, i) = found.get(pick(rng, found.len()))?;
                let mut l = t;
                set_arg(
                    &mut l.records[r].events_mut()?[i],
                    1,
                    1000 + rng.below(1000),
                );
                (l.encode(), failed_to_advance())
            }
            SweepEndedNeverBegun | MarkAssistEndedNeverBegun => {
                let (begin, end) = if self == SweepEndedNeverBegun {
                    (ev::GC_SWEEP_BEGIN, ev::GC_SWEEP_END)
                } else {
                    (ev::GC_MARK_ASSIST_BEGIN, ev::GC_MARK_ASSIST_END)
                };
                // A begin whose end follows in the same batch with the same goroutine and P
                // in place (an assist stays open while its goroutine blocks: an end after a
                // switch may be another goroutine's).
                let found = t.find_events(|e| e.ty == begin);
                let candidates: Vec<(usize, usize)> = found
                    .into_iter()
                    .filter(|&(r, i)| {
                        t.records[r].events()[i + 1..]
                            .iter()
                            .find(|e| e.ty == end || switches_context(e.ty))
                            .is_some_and(|e| e.ty == end)
                    })
                    .collect();
                let &(r, i) = candidates.get(pick(rng, candidates.len()))?;
                let mut l = t;
                let events = l.records[r].events_mut()?;
                let dt = events[i].args[0];
                events.remove(i);
                // The next event carries the removed one's time delta too.
                if let Some(next) = events.get_mut(i) {
                    let d = next.args[0] + dt;
                    set_arg(next, 0, d);
                }
                let pattern = if self == SweepEndedNeverBegun {
                    "tried to end event GCSweepBegin, but not in-flight"
                } else {
                    "tried to end event GCMarkAssistBegin, but not in-flight"
                };
                (
                    l.encode(),
                    same(Expect::Ordering {
                        class: OrderClass::Annotation,
                        pattern,
                    }),
                )
            }
            Go123EventsInGo122
            | SyncBatchesInGo123
            | EndOfGenerationInGo125
            | FrequencyOnlySyncInGo125
            | MissingEndOfGenerationInGo126 => {
                let header = self.versions()[0];
                let expect: ExpectFn = match self {
                    Go123EventsInGo122 => {
                        // Only Go 1.22 reads go 1.22 traces with its own go 1.22 table.
                        let newer = t
                            .find_events(|e| (ev::GO_SWITCH..=ev::GO_STATUS_STACK).contains(&e.ty));
                        if newer.is_empty() {
                            return None;
                        }
                        Box::new(|p| {
                            (p == Toolchain::Go1_22).then_some(Expect::Ordering {
                                class: OrderClass::BadEvent,
                                pattern: "found invalid event type: 4[5-8]",
                            })
                        })
                    }
                    SyncBatchesInGo123 | FrequencyOnlySyncInGo125 => kind(ErrorKind::NoFrequency),
                    EndOfGenerationInGo125 => Box::new(|p| {
                        Some(Expect::Kind(if p >= Toolchain::Go1_26 {
                            ErrorKind::InvalidGeneration(0)
                        } else {
                            ErrorKind::ExpectedBatch(ev::END_OF_GENERATION)
                        }))
                    }),
                    _ => kind(ErrorKind::InterleavedGenerations),
                };
                let mut b = bytes;
                b[..crate::version::HEADER_LEN].copy_from_slice(&header.header());
                (b, expect)
            }
            GoStatusStackInGo122 => {
                // What a go 1.23 runtime writes for a waiting goroutine (with no stack).
                let found = t.find_events(|e| e.ty == ev::GO_STATUS && e.args[3] == 4);
                let &(r, i) = found.get(pick(rng, found.len()))?;
                let mut l = t;
                let e = &mut l.records[r].events_mut()?[i];
                let mut args = e.args.to_vec();
                args.push(0);
                *e = RawEvent::new(ev::GO_STATUS_STACK, &args);
                let expect: ExpectFn = Box::new(|p| {
                    (p == Toolchain::Go1_22).then_some(Expect::Ordering {
                        class: OrderClass::BadEvent,
                        pattern: "found invalid event type: 48",
                    })
                });
                (l.encode(), expect)
            }
            CpuSampleUnknownStack => {
                let found = t.find_events(|e| e.ty == ev::CPU_SAMPLE);
                let &(r, i) = found.get(pick(rng, found.len()))?;
                let mut l = t;
                set_arg(&mut l.records[r].events_mut()?[i], 4, 1_000_000);
                let panic = Expect::Panic {
                    pattern: "expected id 1000000 in trace.stack table",
                };
                (l.encode(), same(panic))
            }
        })
    }
}

/// Whether an event of type `ty` changes the goroutine or P its thread runs.
fn switches_context(ty: u8) -> bool {
    matches!(
        ty,
        ev::GO_START
            | ev::GO_STOP
            | ev::GO_BLOCK
            | ev::GO_DESTROY
            | ev::GO_SWITCH
            | ev::GO_SWITCH_DESTROY
            | ev::GO_SYSCALL_BEGIN
            | ev::GO_SYSCALL_END
            | ev::GO_SYSCALL_END_BLOCKED
            | ev::PROC_START
            | ev::PROC_STOP
    )
}

/// Sets argument `index` of `e`.
fn set_arg(e: &mut RawEvent<'_>, index: usize, value: u64) {
    let mut args = e.args.to_vec();
    if let Some(slot) = args.get_mut(index) {
        *slot = value;
    }
    e.args = crate::raw::Args::from_slice(&args);
}

/// An ordering failure: the event that breaks the rules waits for a state that never comes.
fn failed_to_advance() -> ExpectFn {
    Box::new(|_| {
        Some(Expect::Ordering {
            class: OrderClass::FailedToAdvance,
            pattern: "failed to advance",
        })
    })
}

/// The expected error for each profile (`None`: that release accepts the trace).
type ExpectFn = Box<dyn Fn(Toolchain) -> Option<Expect>>;

/// What the reference reports for `bytes` as Go release `profile`: where Go's validator
/// would panic on an event, that panic (Go crashes there, before any later parse error);
/// else the parser's error; `None` when the parser accepts the trace.
pub fn reference_error(bytes: &[u8], profile: Toolchain) -> Option<crate::Error> {
    match crate::validate::check_trace(bytes, profile) {
        Ok(report) => {
            let panic = report
                .violations
                .iter()
                .find(|v| v.check == crate::validate::Check::GoPanic);
            match panic {
                Some(v) => Some(crate::Error::at(
                    ErrorKind::GoWouldPanic(v.message.clone()),
                    0,
                )),
                None => report.error,
            }
        }
        Err(e) => Some(e),
    }
}

impl Expect {
    /// The name of the error kind, without the case's values (`ShortBatch`,
    /// `Ordering(FailedToAdvance)`).
    pub fn kind_name(&self) -> String {
        match self {
            Expect::Kind(k) => {
                let debug = format!("{k:?}");
                let end = debug.find([' ', '(', '{']).unwrap_or(debug.len());
                debug[..end].to_string()
            }
            Expect::Ordering { class, .. } => format!("Ordering({class:?})"),
            Expect::Panic { .. } => "GoWouldPanic".to_string(),
            Expect::DuplicateId { .. } => "DuplicateId".to_string(),
        }
    }
}

/// The catalogue as a Markdown table (the README's): each corruption's name, level, trace
/// versions, the reference's error kinds, Go's message for seed 0 as the newest release
/// prints it for the newest version, and what other releases (reading each version's
/// seed-0 case, written `go1.22@1.22`) say where it differs.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| Corruption | Level | Versions | Reference error | Go's message (seed 0, newest release) | Where releases differ |\n\
         |---|---|---|---|---|---|\n",
    );
    let shown = |e: &Option<Expect>, p: Toolchain| match e {
        Some(e) => format!("`{}`", e.go_pattern(p).replace('|', "\\|")),
        None => "accepts".to_string(),
    };
    // Numbers differ from trace to trace; only other wording is a difference.
    let digits = regex::Regex::new("[0-9]+").ok();
    let wording = |m: &str| match &digits {
        Some(re) => re.replace_all(m, "N").into_owned(),
        None => m.to_string(),
    };
    for &c in Corruption::ALL {
        // (version, profile, kind name, Go's message) for every release reading each version.
        let mut rows: Vec<(Version, Toolchain, String, String)> = Vec::new();
        for &v in c.versions() {
            let Ok(case) = c.apply(0, Some(v)) else {
                continue;
            };
            for (p, e) in &case.expect {
                let kind = e.as_ref().map_or("none (accepted)".to_string(), |e| {
                    format!("`{}`", e.kind_name())
                });
                rows.push((v, *p, kind, shown(e, *p)));
            }
        }
        let mut kinds: Vec<&str> = Vec::new();
        for (_, _, k, _) in &rows {
            if !kinds.contains(&k.as_str()) {
                kinds.push(k);
            }
        }
        let newest = rows.last().map_or(String::new(), |r| r.3.clone());
        let mut others: Vec<(String, Vec<(Version, Toolchain)>)> = Vec::new();
        for (v, p, _, message) in &rows {
            if wording(message) == wording(&newest) {
                continue;
            }
            match others
                .iter_mut()
                .find(|(m, _)| wording(m) == wording(message))
            {
                Some((_, readers)) => readers.push((*v, *p)),
                None => others.push((message.clone(), vec![(*v, *p)])),
            }
        }
        let others: Vec<String> = others
            .into_iter()
            .map(|(m, readers)| {
                // "1.22 traces" when every release reading that version says so.
                let mut labels: Vec<String> = Vec::new();
                for &v in c.versions() {
                    let all = rows.iter().filter(|r| r.0 == v).count();
                    let here: Vec<Toolchain> =
                        readers.iter().filter(|r| r.0 == v).map(|r| r.1).collect();
                    if here.is_empty() {
                        continue;
                    }
                    if here.len() == all {
                        labels.push(format!("1.{} traces", v.number()));
                    } else {
                        labels.extend(here.iter().map(|p| format!("{p} on 1.{}", v.number())));
                    }
                }
                format!("{}: {m}", labels.join(", "))
            })
            .collect();
        let versions: Vec<String> = c
            .versions()
            .iter()
            .map(|v| v.number().to_string())
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | 1.{} | {} | {newest} | {} |\n",
            c.name(),
            c.level().name(),
            versions.join(", 1."),
            kinds.join(" / "),
            if others.is_empty() {
                "none".to_string()
            } else {
                others.join("; ")
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        let mut names = std::collections::HashSet::new();
        for &c in Corruption::ALL {
            assert!(names.insert(c.name()), "{}", c.name());
            assert_eq!(Corruption::parse(c.name()), Some(c));
        }
        assert_eq!(Corruption::parse("nope"), None);
    }
}
