//! Generations: the self-contained units of a trace (their own strings, stacks, CPU
//! samples, frequency and clock snapshot), read from a stream one at a time the way a
//! given Go release's parser reads them.
//!
//! Two ways to find where a generation ends:
//! - traces before go 1.26 (and every trace read by Go 1.25 and older): a generation ends
//!   at the first batch of the next generation number, which is kept ("spilled") for the
//!   next one;
//! - go 1.26 traces read by Go 1.26+: a generation ends at an EndOfGeneration record.

use rustc_hash::FxHashMap as HashMap;
use std::io::{BufRead, BufReader, Read};

use crate::error::{Error, ErrorKind, ReadCause, Result};
use crate::raw::read_header;
use crate::records::{BatchKind, MAX_BATCH_SIZE};
use crate::spec::{ev, MAX_FRAMES_PER_STACK};
use crate::varint;
use crate::version::{Toolchain, Version};

/// Longest string Go accepts in a strings batch (`MaxEventTrailerDataSize`).
pub const MAX_STRING_SIZE: u64 = 1024;

/// Go's `NoGoroutine`, as CPU samples with g=0 are reported.
pub const NO_GOROUTINE: i64 = -1;

/// One batch as read: its header fields and the range of its payload in the generation's
/// arena.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// Thread id (`u64::MAX` for "no M").
    pub m: u64,
    /// Base timestamp in ticks.
    pub time: u64,
    /// Experiment id (0: none).
    pub exp: u8,
    /// Byte offset of the payload in the file.
    pub offset: u64,
    /// Index of the batch in the file (0-based).
    pub index: u64,
    start: usize,
    end: usize,
}

#[cfg(test)]
impl Batch {
    /// A batch of thread `m` with base time `time` whose payload is `payload` of its
    /// generation's arena.
    pub(crate) fn with_payload(m: u64, time: u64, payload: std::ops::Range<usize>) -> Batch {
        Batch {
            m,
            time,
            exp: 0,
            offset: 0,
            index: 0,
            start: payload.start,
            end: payload.end,
        }
    }
}

/// One frame of a stack table entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Program counter.
    pub pc: u64,
    /// String id of the function name.
    pub func: u64,
    /// String id of the file name.
    pub file: u64,
    /// Line number.
    pub line: u64,
}

/// One CPU sample, its time already converted to nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpuSample {
    /// Time in ns (`freq × ticks`, as Go computes it).
    pub time: i64,
    /// Thread id.
    pub m: u64,
    /// Processor id (`u64::MAX`: none).
    pub p: u64,
    /// Goroutine id, or [`NO_GOROUTINE`] for a wire 0.
    pub g: i64,
    /// Stack id (not validated, as in Go).
    pub stack: u64,
}

/// A go 1.25+ clock snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockSnapshot {
    /// Trace clock in ticks (batch time plus the snapshot's delta).
    pub ticks: u64,
    /// Monotonic clock reading.
    pub mono: u64,
    /// Wall clock seconds since the Unix epoch.
    pub sec: u64,
    /// Wall clock nanoseconds.
    pub nsec: u64,
}

impl ClockSnapshot {
    /// The wall time as Go 1.26+ prints it: `time.Unix(sec, nsec)` in UTC, RFC 3339 with
    /// nanoseconds and trailing zeros dropped (`2025-02-28T15:04:09.000000123Z`).
    pub fn wall_rfc3339_nano(&self) -> String {
        // Go converts both to int64 and normalises nanoseconds into seconds.
        let (sec, nsec) = (self.sec as i64, self.nsec as i64);
        let sec = sec.wrapping_add(nsec.div_euclid(1_000_000_000));
        let nsec = nsec.rem_euclid(1_000_000_000);
        let days = sec.div_euclid(86_400);
        let secs_of_day = sec.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let mut s = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs_of_day / 3600,
            secs_of_day / 60 % 60,
            secs_of_day % 60
        );
        if nsec != 0 {
            let fraction = format!("{nsec:09}");
            s.push('.');
            s.push_str(fraction.trim_end_matches('0'));
        }
        s.push('Z');
        s
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Side data of an experiment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExperimentalBatch {
    /// Experiment id.
    pub exp: u8,
    /// Thread id.
    pub m: u64,
    /// The payload.
    pub data: Vec<u8>,
}

/// One generation with its tables.
#[derive(Debug, Default)]
pub struct Generation {
    /// The generation number.
    pub number: u64,
    /// The event batches' bytes in `..arena_len`; what lies past it is scratch, kept
    /// initialized so that the next batch (or generation) is read in without zeroing.
    arena: Vec<u8>,
    arena_len: usize,
    /// Event batches per M, in the order each M's first batch appears (Go 1.25+'s cursor
    /// order; Go 1.22 and 1.23 use map order, which is random).
    pub batches: Vec<(u64, Vec<Batch>)>,
    /// String table (id 0 is implicit and means "").
    pub strings: HashMap<u64, Vec<u8>>,
    /// Stack table: the frames of each stack as written.
    pub stacks: HashMap<u64, Vec<Frame>>,
    /// Frames by PC, the first one seen winning (how Go 1.23+ resolves stacks).
    pub frames_by_pc: HashMap<u64, Frame>,
    /// CPU samples in time order.
    pub cpu_samples: Vec<CpuSample>,
    /// Nanoseconds per tick (Go's `frequency`; 0 when no frequency was found).
    pub ns_per_tick: f64,
    /// The clock snapshot of a go 1.25+ sync batch.
    pub clock: Option<ClockSnapshot>,
    /// Experimental side data, in file order.
    pub experimental: Vec<ExperimentalBatch>,
    /// Go 1.25+'s running minimum of batch times (reset by a zero time), in ticks.
    pub min_ts: u64,
}

impl Batch {
    /// The batch's payload in `arena`, the event bytes of its generation (see
    /// [`Generation::take_arena`]); empty for an arena the batch is not from.
    pub fn payload_in<'a>(&self, arena: &'a [u8]) -> &'a [u8] {
        arena.get(self.start..self.end).unwrap_or_default()
    }

    /// Where [`Batch::payload_in`] finds the payload in an arena of `arena_len` bytes: an
    /// empty range for an arena too short to hold it.
    pub fn payload_range(&self, arena_len: usize) -> std::ops::Range<usize> {
        if self.start <= self.end && self.end <= arena_len {
            self.start..self.end
        } else {
            0..0
        }
    }
}

impl Generation {
    /// Moves the event batches' bytes out, so that whoever orders the events can free them
    /// when done while the tables live on with the events that refer to them. Bytes past
    /// the batches' payloads may follow (see [`GenerationReader::recycle_arena`]).
    pub fn take_arena(&mut self) -> Vec<u8> {
        self.arena_len = 0;
        std::mem::take(&mut self.arena)
    }

    /// Ticks to nanoseconds as Go's `frequency.mul` does: one float64 product, converted
    /// to int64 the way amd64 does (out-of-range and NaN give `i64::MIN`).
    #[inline]
    pub fn ticks_to_ns(&self, ticks: u64) -> i64 {
        float_ticks_to_ns(ticks, self.ns_per_tick)
    }

    /// Time of the Sync event that opens this generation (Go 1.25+): `mul(min_ts)`.
    pub fn sync_time(&self) -> i64 {
        self.ticks_to_ns(self.min_ts)
    }
}

/// [`Generation::ticks_to_ns`] for the path of every event. When a tick is a whole number
/// `n` of nanoseconds (64 on the runtime's usual clock), a tick count below 2^53 / n and
/// its product with `n` are both exact float64 values, so Go's rounded float product is
/// the integer product: one multiply instead of a chain of float conversions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TickScale {
    ns_per_tick: f64,
    whole_ns: u64,
    exact_below: u64,
}

impl TickScale {
    /// The scale of a generation whose tick lasts `ns_per_tick` nanoseconds.
    pub(crate) fn new(ns_per_tick: f64) -> TickScale {
        let whole = (1.0..=1e6).contains(&ns_per_tick) && ns_per_tick.fract() == 0.0;
        let whole_ns = if whole { ns_per_tick as u64 } else { 0 };
        TickScale {
            ns_per_tick,
            whole_ns,
            exact_below: if whole { (1u64 << 53) / whole_ns } else { 0 },
        }
    }

    /// `ticks` in nanoseconds, exactly as [`Generation::ticks_to_ns`] computes it.
    #[inline(always)]
    pub(crate) fn ticks_to_ns(self, ticks: u64) -> i64 {
        if ticks < self.exact_below {
            (ticks * self.whole_ns) as i64
        } else {
            float_ticks_to_ns(ticks, self.ns_per_tick)
        }
    }
}

/// Go's `frequency.mul`: one float64 product, converted to int64 the way amd64 does.
#[inline]
fn float_ticks_to_ns(ticks: u64, ns_per_tick: f64) -> i64 {
    // Below 2^63 the signed conversion gives the same float in one instruction where the
    // unsigned one takes several.
    let ticks = if ticks as i64 >= 0 {
        ticks as i64 as f64
    } else {
        ticks as f64
    };
    go_f64_to_i64(ticks * ns_per_tick)
}

/// Go's float64 to int64 conversion on amd64: truncation, and `i64::MIN` for anything it
/// cannot represent.
#[inline]
pub fn go_f64_to_i64(x: f64) -> i64 {
    // The instruction Go's conversion compiles to on amd64, whose result is the contract.
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_cvttsd_si64, _mm_set_sd};
        // SAFETY: SSE2 is part of the x86_64 baseline.
        unsafe { _mm_cvttsd_si64(_mm_set_sd(x)) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    go_f64_to_i64_portable(x)
}

/// [`go_f64_to_i64`] without the amd64 instruction.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn go_f64_to_i64_portable(x: f64) -> i64 {
    if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// A byte stream that tracks its offset and reads numbers with Go's rules.
struct Stream<R> {
    reader: BufReader<FirstFill<R>>,
    offset: u64,
}

/// A reader whose first `read` fills the whole buffer (or reaches the end): the header is
/// scanned from the first buffer, whatever sizes the underlying reader hands out.
struct FirstFill<R> {
    inner: R,
    first: bool,
}

impl<R: Read> Read for FirstFill<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !std::mem::take(&mut self.first) {
            return self.inner.read(buf);
        }
        let mut filled = 0;
        while filled < buf.len() {
            match self.inner.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(filled)
    }
}

impl<R: Read> Stream<R> {
    fn byte(&mut self) -> std::io::Result<Option<u8>> {
        let buf = self.reader.fill_buf()?;
        let Some(&b) = buf.first() else {
            return Ok(None);
        };
        self.reader.consume(1);
        self.offset += 1;
        Ok(Some(b))
    }

    fn number(&mut self) -> std::io::Result<std::result::Result<u64, ReadCause>> {
        let mut bytes = [0u8; varint::MAX_LEN];
        for i in 0..varint::MAX_LEN {
            let Some(b) = self.byte()? else {
                return Ok(Err(if i == 0 {
                    ReadCause::Eof
                } else {
                    ReadCause::UnexpectedEof
                }));
            };
            bytes[i] = b;
            if b < 0x80 {
                return Ok(varint::read(&bytes[..=i])
                    .map(|(v, _)| v)
                    .map_err(ReadCause::from));
            }
        }
        Ok(Err(ReadCause::Overflow))
    }

    /// Reads up to `len` bytes into `buf` from position `at` on; returns how many were
    /// there. `buf` is only lengthened (zero-filled), never shortened: bytes it already
    /// holds past `at` are overwritten in place, which spares zeroing them again.
    fn payload_at(&mut self, len: u64, buf: &mut Vec<u8>, at: usize) -> std::io::Result<u64> {
        let end = at.saturating_add(usize::try_from(len).unwrap_or(usize::MAX));
        let mut filled = at;
        while filled < end {
            // Grows with the bytes actually read, never by the declared size alone.
            let limit = end.min(buf.len().max(filled.saturating_add(READ_BUFFER)));
            if buf.len() < limit {
                buf.resize(limit, 0);
            }
            match self.reader.read(&mut buf[filled..limit]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let n = (filled - at) as u64;
        self.offset += n;
        Ok(n)
    }
}

/// A batch read from the stream but not yet placed in a generation.
struct PendingBatch {
    generation: u64,
    batch: Batch,
    payload: Payload,
    end_of_generation: bool,
}

/// Where a pending batch's payload is.
enum Payload {
    /// In the arena of the generation being read, past its event bytes.
    InArena(std::ops::Range<usize>),
    /// Held on its own: a batch of the next generation, or an end marker.
    Owned(Vec<u8>),
}

impl Payload {
    /// The payload's bytes, given the arena it may lie in.
    fn bytes<'a>(&'a self, arena: &'a [u8]) -> &'a [u8] {
        match self {
            Payload::InArena(range) => arena.get(range.clone()).unwrap_or_default(),
            Payload::Owned(bytes) => bytes,
        }
    }

    /// The payload on its own, out of `arena`.
    fn into_owned(self, arena: &[u8]) -> Vec<u8> {
        match self {
            Payload::InArena(_) => self.bytes(arena).to_vec(),
            Payload::Owned(bytes) => bytes,
        }
    }
}

/// Reads generations one at a time, as the parser of Go release `profile` does.
pub struct GenerationReader<R> {
    stream: Stream<R>,
    profile: Toolchain,
    version: Version,
    spill: Option<PendingBatch>,
    deferred: Option<Error>,
    batch_index: u64,
    emitted: bool,
    done: bool,
    /// An emptied arena handed back by the consumer ([`GenerationReader::recycle_arena`]):
    /// the next generation reuses its allocation instead of the allocator's fragmenting
    /// many generation-sized blocks over a long trace.
    spare_arena: Vec<u8>,
}

/// Converts an I/O failure of the underlying reader (not a format problem).
fn io_error(e: std::io::Error, offset: u64) -> Error {
    Error::at(ErrorKind::Io(e.to_string()), offset)
}

/// Bytes of the buffer between the underlying reader and the record scanner.
const READ_BUFFER: usize = 8 << 10;

impl<R: Read> GenerationReader<R> {
    /// Gives back a generation's arena (see [`Generation::take_arena`]) once its events are
    /// out, for the next generation to fill. Its bytes are kept as they are, to be
    /// overwritten: the next generation is read into them without zeroing them first.
    pub fn recycle_arena(&mut self, arena: Vec<u8>) {
        // Keep the larger buffer: handing back an empty one twice must not drop the spare.
        if arena.len() > self.spare_arena.len() {
            self.spare_arena = arena;
        }
    }

    fn take_spare_arena(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.spare_arena)
    }

    /// Reads the header with `profile`'s rules and positions at the first batch.
    pub fn new(reader: R, profile: Toolchain) -> Result<GenerationReader<R>> {
        let reader = FirstFill {
            inner: reader,
            first: true,
        };
        // It serves the small reads of record headers (large batch bodies go past it).
        // Its first fill zeroes it: at 64 KiB that was a large part of reading a small
        // trace, as every fuzz input is.
        let mut reader = BufReader::with_capacity(READ_BUFFER, reader);
        // The header is at most a few dozen bytes even with Go's lenient spacing.
        let peek = reader.fill_buf().map_err(|e| io_error(e, 0))?.to_vec();
        let (version, header_len) = read_header(&peek, profile)?;
        // Go 1.22's `go tool trace` first checks the header with its old-format parser,
        // which wants the runtime's exact 16 bytes ("not a trace file" otherwise), before
        // its new parser reads it with `Fscanf`'s lenient spacing and digits.
        if profile == Toolchain::Go1_22 && !peek.starts_with(&version.header()) {
            return Err(Error::at(ErrorKind::BadHeader, 0));
        }
        reader.consume(header_len);
        Ok(GenerationReader {
            stream: Stream {
                reader,
                offset: header_len as u64,
            },
            profile,
            version,
            spill: None,
            spare_arena: Vec::new(),
            deferred: None,
            batch_index: 0,
            emitted: false,
            done: false,
        })
    }

    /// The trace's version.
    pub fn version(&self) -> Version {
        self.version
    }

    fn ends_with_marker(&self) -> bool {
        self.profile >= Toolchain::Go1_26 && self.version >= Version::Go126
    }

    /// Reads one top-level record as Go's `readBatch`; `Ok(None)` at a clean end. Its
    /// payload goes into `arena` from `at` on.
    fn read_batch(&mut self, arena: &mut Vec<u8>, at: usize) -> Result<Option<PendingBatch>> {
        let start = self.stream.offset;
        let io = |e, s: &Stream<R>| io_error(e, s.offset);
        let Some(ty) = self.stream.byte().map_err(|e| io(e, &self.stream))? else {
            return Ok(None);
        };
        let index = self.batch_index;
        let located = |kind, offset| Error::at(kind, offset).with_batch(index);
        let marker_aware = self.profile >= Toolchain::Go1_26;
        if ty == ev::END_OF_GENERATION && marker_aware {
            self.batch_index += 1;
            let batch = Batch {
                m: u64::MAX,
                time: 0,
                exp: 0,
                offset: start,
                index,
                start: 0,
                end: 1,
            };
            return Ok(Some(PendingBatch {
                generation: 0,
                batch,
                payload: Payload::Owned(vec![ty]),
                end_of_generation: true,
            }));
        }
        let experimental = ty == ev::EXPERIMENTAL_BATCH && self.profile >= Toolchain::Go1_23;
        if ty != ev::EVENT_BATCH && !experimental {
            return Err(located(ErrorKind::ExpectedBatch(ty), start));
        }
        let mut exp = 0;
        if experimental {
            match self.stream.byte().map_err(|e| io(e, &self.stream))? {
                Some(b) => exp = b,
                // Go's reader sees a bare io.EOF here and takes it for the end of the trace.
                None => return Ok(None),
            }
        }
        let mut header = [0u64; 4];
        for (value, field) in header.iter_mut().zip(["gen", "M ID", "timestamp", "size"]) {
            let offset = self.stream.offset;
            *value = self
                .stream
                .number()
                .map_err(|e| io(e, &self.stream))?
                .map_err(|cause| located(ErrorKind::BatchHeader { field, cause }, offset))?;
        }
        let [generation, m, time, size] = header;
        let with_gen = |e: Error| e.in_generation(generation);
        if size > MAX_BATCH_SIZE {
            return Err(with_gen(located(
                ErrorKind::InvalidBatchSize(size),
                self.stream.offset,
            )));
        }
        let offset = self.stream.offset;
        let read = self
            .stream
            .payload_at(size, arena, at)
            .map_err(|e| io(e, &self.stream))?;
        let payload = arena.get(at..at + read as usize).unwrap_or_default();
        if read != size {
            let kind = ErrorKind::ShortBatch { read, wanted: size };
            return Err(with_gen(located(kind, self.stream.offset)));
        }
        self.batch_index += 1;
        // Go 1.26+ takes any batch whose payload starts with the marker byte for one.
        let end_of_generation =
            marker_aware && exp == 0 && payload.first() == Some(&ev::END_OF_GENERATION);
        let batch = Batch {
            m,
            time,
            exp,
            offset,
            index,
            start: 0,
            end: payload.len(),
        };
        Ok(Some(PendingBatch {
            generation,
            batch,
            payload: Payload::InArena(at..at + read as usize),
            end_of_generation,
        }))
    }

    fn read_delimited(&mut self) -> Result<Option<Generation>> {
        let mut g = Generation {
            arena: self.take_spare_arena(),
            ..Generation::default()
        };
        loop {
            let Some(b) = self.read_batch(&mut g.arena, g.arena_len)? else {
                if !g.batches.is_empty() {
                    return Err(Error::at(
                        ErrorKind::IncompleteGeneration,
                        self.stream.offset,
                    ));
                }
                return Ok(None);
            };
            if g.number == 0 {
                g.number = b.generation;
            }
            if b.end_of_generation {
                break;
            }
            let at = b.batch.offset;
            let located = |kind| Error::at(kind, at).with_batch(b.batch.index);
            if b.generation == 0 {
                return Err(located(ErrorKind::InvalidGeneration(0)));
            }
            if b.generation != g.number {
                return Err(located(ErrorKind::InterleavedGenerations));
            }
            self.add(&mut g, b)?;
        }
        self.finish(g).map(Some)
    }

    fn read_with_spill(&mut self) -> Result<Option<Generation>> {
        let mut g = Generation {
            arena: self.take_spare_arena(),
            ..Generation::default()
        };
        if let Some(b) = self.spill.take() {
            g.number = b.generation;
            g.min_ts = b.batch.time;
            self.add(&mut g, b)?;
        }
        let defers = self.profile >= Toolchain::Go1_23;
        loop {
            let b = match self.read_batch(&mut g.arena, g.arena_len) {
                Ok(Some(b)) => b,
                Ok(None) => break,
                Err(e) if defers && g.number != 0 => {
                    self.deferred = Some(e);
                    break;
                }
                Err(e) => return Err(e),
            };
            let located = |kind| Error::at(kind, b.batch.offset).with_batch(b.batch.index);
            if b.generation == 0 {
                return Err(located(ErrorKind::InvalidGeneration(0)));
            }
            if g.number == 0 {
                g.number = b.generation;
            }
            if b.generation == g.number.wrapping_add(1) {
                // The next generation's arena is another: its first batch's bytes go along.
                let payload = Payload::Owned(b.payload.into_owned(&g.arena));
                self.spill = Some(PendingBatch { payload, ..b });
                break;
            }
            if b.generation != g.number {
                return Err(located(ErrorKind::GenerationsOutOfOrder));
            }
            self.add(&mut g, b)?;
        }
        self.finish(g).map(Some)
    }

    /// Files one batch into the generation's tables (Go's `processBatch`).
    fn add(&self, g: &mut Generation, b: PendingBatch) -> Result<()> {
        // Out for the while, so that the tables can grow while the payload is read from it.
        let arena = std::mem::take(&mut g.arena);
        let added = self.add_from(g, b, &arena);
        g.arena = arena;
        if let Some((mut batch, payload)) = added? {
            // A payload read in past the event bytes is where it belongs; one held on its
            // own is copied there.
            let range = match payload {
                Payload::InArena(range) => range,
                Payload::Owned(bytes) => {
                    let start = g.arena_len;
                    let end = start + bytes.len();
                    if g.arena.len() < end {
                        g.arena.resize(end, 0);
                    }
                    g.arena[start..end].copy_from_slice(&bytes);
                    start..end
                }
            };
            (batch.start, batch.end) = (range.start, range.end);
            g.arena_len = range.end;
            match g.batches.iter_mut().find(|(m, _)| *m == batch.m) {
                Some((_, list)) => list.push(batch),
                None => g.batches.push((batch.m, vec![batch])),
            }
        }
        Ok(())
    }

    /// [`GenerationReader::add`] with the arena that `b`'s payload may lie in held apart:
    /// files a table or side batch; an event batch comes back with its payload, for the
    /// caller to place in the arena and file.
    fn add_from(
        &self,
        g: &mut Generation,
        b: PendingBatch,
        arena: &[u8],
    ) -> Result<Option<(Batch, Payload)>> {
        if self.profile >= Toolchain::Go1_25 && (g.min_ts == 0 || b.batch.time < g.min_ts) {
            g.min_ts = b.batch.time;
        }
        let payload = b.payload.bytes(arena);
        let kind = batch_kind(
            b.batch.exp,
            payload.first().copied(),
            self.version,
            self.profile,
        );
        let located = |e: Error| e.with_batch(b.batch.index).in_generation(b.generation);
        match kind {
            BatchKind::Strings => add_strings(g, payload, b.batch.offset).map_err(located),
            BatchKind::Stacks => {
                add_stacks(g, payload, b.batch.offset, self.profile).map_err(located)
            }
            BatchKind::CpuSamples => add_cpu_samples(g, payload, b.batch.offset).map_err(located),
            BatchKind::Sync => {
                add_sync(g, payload, &b.batch, self.version, self.profile).map_err(located)
            }
            BatchKind::Experimental(exp) => {
                g.experimental.push(ExperimentalBatch {
                    exp,
                    m: b.batch.m,
                    data: b.payload.into_owned(arena),
                });
                Ok(())
            }
            BatchKind::Events if b.end_of_generation => Err(located(Error::at(
                ErrorKind::UnexpectedEndOfGeneration,
                b.batch.offset,
            ))),
            BatchKind::Events => return Ok(Some((b.batch, b.payload))),
        }
        .map(|()| None)
    }

    /// Go's checks once a generation is read: frequency, clock snapshot, stack strings;
    /// then CPU samples are converted and sorted.
    fn finish(&self, mut g: Generation) -> Result<Generation> {
        let at = |kind| Error::at(kind, self.stream.offset).in_generation(g.number);
        if g.ns_per_tick == 0.0 {
            return Err(at(ErrorKind::NoFrequency));
        }
        if self.version >= Version::Go125 && self.profile >= Toolchain::Go1_25 && g.clock.is_none()
        {
            return Err(at(ErrorKind::NoClockSnapshot));
        }
        validate_stack_strings(&g, self.profile).map_err(|(kind, others)| {
            let mut e = at(kind);
            e.go_may_report_instead = others;
            e
        })?;
        let ns_per_tick = g.ns_per_tick;
        for s in &mut g.cpu_samples {
            // `time` held the raw tick count until now.
            s.time = go_f64_to_i64(s.time as u64 as f64 * ns_per_tick);
        }
        // Go sorts with an unstable sort; equal times keep file order here.
        g.cpu_samples.sort_by_key(|s| s.time);
        Ok(g)
    }
}

impl<R: Read> Iterator for GenerationReader<R> {
    type Item = Result<Generation>;

    fn next(&mut self) -> Option<Result<Generation>> {
        if self.done {
            return None;
        }
        // An error met while reading ahead is reported once the generation before it is out.
        if let Some(e) = self.deferred.take() {
            self.done = true;
            return Some(Err(e));
        }
        let result = if self.ends_with_marker() {
            self.read_delimited()
        } else if self.emitted && self.spill.is_none() {
            // Without a batch of the next generation left over, the trace is over.
            Ok(None)
        } else {
            self.read_with_spill()
        };
        match result {
            Ok(Some(g)) => {
                self.emitted = true;
                Some(Ok(g))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Decides what a batch holds, as the parser of `profile` does for a trace of `version`.
pub fn batch_kind(exp: u8, first: Option<u8>, version: Version, profile: Toolchain) -> BatchKind {
    if exp != 0 {
        return BatchKind::Experimental(exp);
    }
    let sync_led = if profile >= Toolchain::Go1_25 && version >= Version::Go125 {
        ev::SYNC
    } else {
        ev::FREQUENCY
    };
    match first {
        Some(ev::STRINGS) => BatchKind::Strings,
        Some(ev::STACKS) => BatchKind::Stacks,
        Some(ev::CPU_SAMPLES) => BatchKind::CpuSamples,
        Some(b) if b == sync_led => BatchKind::Sync,
        _ => BatchKind::Events,
    }
}

/// A cursor over a table batch's payload, with errors located in the file.
struct Entries<'a> {
    data: &'a [u8],
    pos: usize,
    base: u64,
}

impl Entries<'_> {
    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.data.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn number_or(&mut self, wrap: impl FnOnce(ReadCause) -> ErrorKind) -> Result<u64> {
        match varint::read(&self.data[self.pos..]) {
            Ok((v, n)) => {
                self.pos += n;
                Ok(v)
            }
            Err(e) => Err(Error::at(wrap(e.into()), self.offset())),
        }
    }

    fn number(&mut self) -> Result<u64> {
        self.number_or(ErrorKind::TableNumber)
    }

    fn entry(&mut self, expected_ty: u8, expected: &'static str) -> Result<Option<()>> {
        let offset = self.offset();
        match self.byte() {
            None => Ok(None),
            Some(b) if b == expected_ty => Ok(Some(())),
            Some(got) => Err(Error::at(
                ErrorKind::BadTableEntry { expected, got },
                offset,
            )),
        }
    }
}

fn add_strings(g: &mut Generation, data: &[u8], base: u64) -> Result<()> {
    let mut r = Entries { data, pos: 1, base };
    while r.entry(ev::STRING, "string")?.is_some() {
        let id = r.number()?;
        let len = r.number()?;
        if len > MAX_STRING_SIZE {
            return Err(Error::at(ErrorKind::InvalidStringSize(len), r.offset()));
        }
        let available = (data.len() - r.pos) as u64;
        if len > available {
            let kind = ErrorKind::ShortString {
                read: available,
                wanted: len,
            };
            return Err(Error::at(kind, base + data.len() as u64));
        }
        let s = data[r.pos..r.pos + len as usize].to_vec();
        r.pos += len as usize;
        let existing = if id == 0 {
            Some(&[][..])
        } else {
            g.strings.get(&id).map(Vec::as_slice)
        };
        if let Some(existing) = existing {
            let kind = ErrorKind::DuplicateId {
                table: "string",
                id,
                new: String::from_utf8_lossy(&s).into_owned(),
                existing: String::from_utf8_lossy(existing).into_owned(),
            };
            return Err(Error::at(kind, r.offset()));
        }
        g.strings.insert(id, s);
    }
    Ok(())
}

/// Go's `%v` of a stack table entry: `{[pc pc …]}` from 1.23 on, `{[{pc func file line} …]}`
/// in 1.22.
fn stack_value(frames: &[Frame], profile: Toolchain) -> String {
    let items: Vec<String> = frames
        .iter()
        .map(|f| {
            if profile == Toolchain::Go1_22 {
                format!("{{{} {} {} {}}}", f.pc, f.func, f.file, f.line)
            } else {
                f.pc.to_string()
            }
        })
        .collect();
    format!("{{[{}]}}", items.join(" "))
}

fn add_stacks(g: &mut Generation, data: &[u8], base: u64, profile: Toolchain) -> Result<()> {
    let mut r = Entries { data, pos: 1, base };
    while r.entry(ev::STACK, "stack")?.is_some() {
        let id = r.number()?;
        let nframes = r.number()?;
        if nframes > MAX_FRAMES_PER_STACK {
            return Err(Error::at(ErrorKind::InvalidStackSize(nframes), r.offset()));
        }
        let mut frames = Vec::with_capacity(nframes as usize);
        for i in 1..=nframes {
            let mut fields = [0u64; 4];
            for (value, field) in fields.iter_mut().zip(["PC", "funcID", "fileID", "line"]) {
                *value = r.number_or(|cause| ErrorKind::StackFrame {
                    frame: i,
                    field,
                    stack: id,
                    cause,
                })?;
            }
            let [pc, func, file, line] = fields;
            let frame = Frame {
                pc,
                func,
                file,
                line,
            };
            g.frames_by_pc.entry(pc).or_insert(frame);
            frames.push(frame);
        }
        let existing = if id == 0 {
            Some(&[][..])
        } else {
            g.stacks.get(&id).map(Vec::as_slice)
        };
        if let Some(existing) = existing {
            let kind = ErrorKind::DuplicateId {
                table: "trace.stack",
                id,
                new: stack_value(&frames, profile),
                existing: stack_value(existing, profile),
            };
            return Err(Error::at(kind, r.offset()));
        }
        g.stacks.insert(id, frames);
    }
    Ok(())
}

fn add_cpu_samples(g: &mut Generation, data: &[u8], base: u64) -> Result<()> {
    let mut r = Entries { data, pos: 1, base };
    while r.entry(ev::CPU_SAMPLE, "CPU sample")?.is_some() {
        let time = r.number()?;
        let m = r.number()?;
        let p = r.number()?;
        let goroutine = r.number()?;
        let stack = r.number()?;
        let g_id = if goroutine == 0 {
            NO_GOROUTINE
        } else {
            goroutine as i64
        };
        // The raw tick count is kept until the generation's frequency is known.
        g.cpu_samples.push(CpuSample {
            time: time as i64,
            m,
            p,
            g: g_id,
            stack,
        });
    }
    Ok(())
}

fn add_sync(
    g: &mut Generation,
    data: &[u8],
    batch: &Batch,
    version: Version,
    profile: Toolchain,
) -> Result<()> {
    let base = batch.offset;
    if profile < Toolchain::Go1_25 {
        // Go 1.22 and 1.23 read the first frequency and ignore the rest of the batch.
        let mut r = Entries { data, pos: 1, base };
        let freq = r.number()?;
        if g.ns_per_tick != 0.0 {
            return Err(Error::at(ErrorKind::MultipleFrequencies, base));
        }
        g.ns_per_tick = 1.0 / (freq as f64 / 1e9);
        return Ok(());
    }
    let mut r = Entries {
        data,
        pos: usize::from(version >= Version::Go125),
        base,
    };
    let mut last_ts = batch.time;
    while let Some(ty) = {
        let offset = r.offset();
        r.byte().map(|b| (b, offset))
    } {
        let (ty, offset) = ty;
        match ty {
            ev::FREQUENCY => {
                if g.ns_per_tick != 0.0 {
                    return Err(Error::at(ErrorKind::MultipleFrequencies, offset));
                }
                let freq = r.number()?;
                g.ns_per_tick = 1.0 / (freq as f64 / 1e9);
            }
            ev::CLOCK_SNAPSHOT if version >= Version::Go125 => {
                if g.clock.is_some() {
                    return Err(Error::at(ErrorKind::MultipleClockSnapshots, offset));
                }
                let dt = r.number()?;
                last_ts = last_ts.wrapping_add(dt);
                let mono = r.number()?;
                let sec = r.number()?;
                let nsec = r.number()?;
                g.clock = Some(ClockSnapshot {
                    ticks: last_ts,
                    mono,
                    sec,
                    nsec,
                });
            }
            other => return Err(Error::at(ErrorKind::BadSyncEntry(other), offset)),
        }
    }
    Ok(())
}

/// Every frame of every stack must name strings of its generation. Go walks the stack
/// table in id order when its table turns dense ([`go_table_is_dense`]) and in random map
/// order otherwise; we report the lowest bad stack id, and in the second case list every
/// other bad stack's error as one Go may report instead.
fn validate_stack_strings(
    g: &Generation,
    profile: Toolchain,
) -> std::result::Result<(), (ErrorKind, Vec<ErrorKind>)> {
    let mut ids: Vec<u64> = g.stacks.keys().copied().collect();
    ids.sort_unstable();
    let mut failures = ids
        .iter()
        .filter_map(|&stack| first_bad_frame(g, stack, profile).err());
    let Some(first) = failures.next() else {
        return Ok(());
    };
    let others = if go_table_is_dense(&ids) {
        Vec::new()
    } else {
        failures.collect()
    };
    Err((first, others))
}

/// The first frame of `stack` that names a missing PC or string, as Go checks them.
fn first_bad_frame(
    g: &Generation,
    stack: u64,
    profile: Toolchain,
) -> std::result::Result<(), ErrorKind> {
    let known = |id: u64| id == 0 || g.strings.contains_key(&id);
    for frame in &g.stacks[&stack] {
        // Go 1.23+ looks frames up by PC, so the first frame seen for a PC is checked.
        let frame = if profile == Toolchain::Go1_22 {
            *frame
        } else {
            match g.frames_by_pc.get(&frame.pc) {
                Some(f) => *f,
                None => {
                    return Err(ErrorKind::UnknownPc {
                        pc: frame.pc,
                        stack,
                    })
                }
            }
        };
        if !known(frame.func) {
            return Err(ErrorKind::InvalidFrameString {
                which: "func",
                id: frame.func,
                stack,
            });
        }
        if !known(frame.file) {
            return Err(ErrorKind::InvalidFrameString {
                which: "file",
                id: frame.file,
                stack,
            });
        }
    }
    Ok(())
}

/// Whether Go's `dataTable.compactify` turns a table with these ids (sorted, unique) into
/// its dense form: ids from near 0 with at most about twice as many slots as entries.
fn go_table_is_dense(sorted_ids: &[u64]) -> bool {
    let (Some(&min), Some(&max)) = (sorted_ids.first(), sorted_ids.last()) else {
        return true;
    };
    let len = sorted_ids.len() as u64;
    max < i64::MAX as u64 && max - min <= 2 * len && min <= len
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event batch of the committed traces holds exactly its bytes in the file when
    /// read into arenas handed back generation after generation (whose bytes past the last
    /// generation's are stale), whether the file comes whole or a few bytes a read.
    #[test]
    fn recycled_arenas_hold_each_batchs_bytes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/traces");
        let mut checked = 0;
        for toolchain in Toolchain::ALL {
            let dir = root.join(toolchain.name());
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
                if path.extension().is_none_or(|x| x != "trace") {
                    continue;
                }
                let data = std::fs::read(&path).unwrap();
                let Ok(records) = crate::records::RecordReader::new(&data, toolchain) else {
                    continue;
                };
                let in_file: HashMap<u64, &[u8]> = records
                    .map_while(|r| r.ok())
                    .map(|r| (r.payload_offset, r.payload))
                    .collect();
                for step in [usize::MAX, 7] {
                    let reader = crate::targets::incremental_parse::Chunked {
                        data: &data,
                        sizes: vec![step],
                        next: 0,
                    };
                    let Ok(mut generations) = GenerationReader::new(reader, toolchain) else {
                        continue;
                    };
                    while let Some(Ok(mut g)) = generations.next() {
                        let arena = g.take_arena();
                        for batch in g.batches.iter().flat_map(|(_, list)| list) {
                            let want = in_file.get(&batch.offset).copied();
                            assert_eq!(Some(batch.payload_in(&arena)), want, "{path:?}");
                            checked += 1;
                        }
                        generations.recycle_arena(arena);
                    }
                }
            }
        }
        assert!(checked > 1000, "only {checked} batches checked");
    }

    /// The fast conversions give what the plain ones do, at the edges of their ranges.
    #[test]
    fn time_conversions_agree_with_their_definitions() {
        let two63 = 9_223_372_036_854_775_808.0f64;
        for x in [
            0.0,
            -0.0,
            1.5,
            -1.5,
            1e18,
            -1e18,
            two63,
            -two63,
            -two63 - 4096.0,
            two63 - 1024.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
        ] {
            assert_eq!(go_f64_to_i64(x), go_f64_to_i64_portable(x), "{x}");
        }
        let generation = Generation {
            ns_per_tick: 15.625,
            ..Generation::default()
        };
        for ticks in [
            0,
            1,
            1 << 52,
            (1 << 53) + 1,
            (1 << 63) - 1,
            1 << 63,
            u64::MAX,
        ] {
            let plain = go_f64_to_i64_portable(ticks as f64 * 15.625);
            assert_eq!(generation.ticks_to_ns(ticks), plain, "{ticks}");
        }
    }

    /// The integer shortcut for whole-nanosecond ticks gives Go's float product exactly,
    /// on both sides of where it stops, and tick lengths without it take the float path.
    #[test]
    fn tick_scale_agrees_with_the_float_product() {
        let mut rng = crate::seeded::SplitMix64(3);
        for ns_per_tick in [
            1.0,
            16.0,
            64.0,
            1000.0,
            3.0,
            1e6,
            15.625,
            0.5,
            0.0,
            1e6 + 1.0,
        ] {
            let scale = TickScale::new(ns_per_tick);
            let generation = Generation {
                ns_per_tick,
                ..Generation::default()
            };
            let edge = if scale.whole_ns == 0 {
                1 << 53
            } else {
                scale.exact_below
            };
            let mut ticks = vec![0, 1, 2, 1 << 40, edge - 1, edge, edge + 1, u64::MAX];
            ticks.extend((0..2_000).map(|_| rng.next_u64() >> (rng.next_u64() % 64)));
            for t in ticks {
                let float = go_f64_to_i64_portable(t as f64 * ns_per_tick);
                assert_eq!(scale.ticks_to_ns(t), float, "{t} ticks of {ns_per_tick} ns");
                assert_eq!(
                    generation.ticks_to_ns(t),
                    float,
                    "{t} ticks of {ns_per_tick} ns"
                );
            }
        }
    }
}
