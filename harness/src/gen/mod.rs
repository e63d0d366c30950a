//! A deterministic trace generator: a simulated Go runtime (Ms, Ps, goroutines,
//! coroutines, syscalls, GC, annotations, CPU samples, the alloc/free experiment) that
//! picks only actions valid in its current state, writes the wire events the real runtime
//! would, and computes the listing Go's parser must produce for them (the oracle).
//!
//! Times never go backwards, and equal times occur only between consecutive events of
//! one M, so the order of the listing never depends on how a parser breaks ties between
//! Ms (which Go 1.22 and 1.23 do randomly).

use std::borrow::Cow;

use crate::api::{ClockSnapshot, WallTime};
use crate::corrupt::layout::{Layout, Record};
use crate::raw::RawEvent;
use crate::records::MAX_BATCH_SIZE;
use crate::spec::ev;
use crate::version::Version;

pub mod config;
mod model;

pub use config::{BatchSplit, Config, Features, TimePolicy};
use model::{GenerationOut, Model, Timed, NO_THREAD, STRINGS};

/// Experiment id of the alloc/free experiment in ExperimentalBatch records.
const ALLOC_FREE_EXPERIMENT: u64 = 1;

/// A generated trace and what the model says it contains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The trace bytes.
    pub bytes: Vec<u8>,
    /// The model's expected listing: `trace-harness/events` JSON lines (header first), as
    /// `trace-harness dump --format jsonl` prints them for profile go1.27.
    pub listing: String,
    /// Wire events written (timed events and CPU samples).
    pub events: u64,
    /// Longest run of consecutive coroutine switches.
    pub longest_chain: usize,
}

/// A valid trace for `config`; the same config and seed always give the same bytes.
pub fn generate(config: &Config, seed: u64) -> Vec<u8> {
    run(config, seed, false).bytes
}

/// A valid trace for `config` and the model's listing of it; deterministic in `seed`.
pub fn generate_with_oracle(config: &Config, seed: u64) -> Generated {
    run(config, seed, true)
}

/// Where the generator's top-level records go: encoded bytes, or records whose batches
/// keep their events (what corruptions edit). One code path writes both, so they agree.
trait Sink {
    /// One record, built apart so that the Ms' batches can be interleaved.
    type Record;
    /// Appends a record built by [`Sink::timed`].
    fn push(&mut self, record: Self::Record);
    /// Appends a batch record of generation `gen` on `thread` holding `events`.
    fn batch(&mut self, gen: u64, thread: u64, time: u64, events: Vec<RawEvent<'static>>);
    /// Appends a record outside any batch.
    fn loose(&mut self, event: RawEvent<'static>);
    /// A batch record of timed events, timed from the first; `size` is their encoded length.
    fn timed(gen: u64, thread: u64, events: &[Timed], size: usize) -> Self::Record;
}

impl Sink for Vec<u8> {
    type Record = Vec<u8>;

    fn push(&mut self, record: Vec<u8>) {
        self.extend(record);
    }

    fn batch(&mut self, gen: u64, thread: u64, time: u64, events: Vec<RawEvent<'static>>) {
        // The size comes first: measured, so that the events are encoded once, in place.
        let size: usize = events.iter().map(RawEvent::encoded_len).sum();
        RawEvent::new(ev::EVENT_BATCH, &[gen, thread, time, size as u64]).encode(self);
        self.reserve(size);
        for e in &events {
            e.encode(self);
        }
    }

    fn loose(&mut self, event: RawEvent<'static>) {
        event.encode(self);
    }

    fn timed(gen: u64, thread: u64, events: &[Timed], size: usize) -> Vec<u8> {
        let base = events.first().map_or(0, |e| e.tick);
        let mut record = Vec::with_capacity(size + 24);
        RawEvent::new(ev::EVENT_BATCH, &[gen, thread, base, size as u64]).encode(&mut record);
        // Canonical varints written straight into the batch: the generator's hot path.
        let mut last = base;
        for e in events {
            record.push(e.ty);
            crate::varint::write(&mut record, e.tick - last);
            for &a in e.args() {
                crate::varint::write(&mut record, a);
            }
            last = e.tick;
        }
        record
    }
}

impl Sink for Vec<Record> {
    type Record = Record;

    fn push(&mut self, record: Record) {
        Vec::push(self, record);
    }

    fn batch(&mut self, gen: u64, thread: u64, time: u64, events: Vec<RawEvent<'static>>) {
        Vec::push(
            self,
            Record::Batch {
                gen,
                m: thread,
                time,
                events,
                size: None,
            },
        );
    }

    fn loose(&mut self, event: RawEvent<'static>) {
        Vec::push(self, Record::Loose(event));
    }

    fn timed(gen: u64, thread: u64, events: &[Timed], _size: usize) -> Record {
        let base = events.first().map_or(0, |e| e.tick);
        let mut last = base;
        let events = events
            .iter()
            .map(|e| {
                let mut args = [0u64; 5];
                args[0] = e.tick - last;
                args[1..=e.args().len()].copy_from_slice(e.args());
                last = e.tick;
                RawEvent::new(e.ty, &args[..=e.args().len()])
            })
            .collect();
        Record::Batch {
            gen,
            m: thread,
            time: base,
            events,
            size: None,
        }
    }
}

/// Bytes timed event `e` takes in a batch, `dt` after the one before it.
fn timed_len(e: &Timed, dt: u64) -> usize {
    1 + crate::varint::canonical_len(dt)
        + e.args()
            .iter()
            .map(|&a| crate::varint::canonical_len(a))
            .sum::<usize>()
}

/// Timed events as event batch records of at most `limit` events and at most
/// [`MAX_BATCH_SIZE`] payload bytes (the runtime's buffer size, which parsers enforce),
/// each timed from its first event.
fn timed_batches<S: Sink>(gen: u64, thread: u64, events: &[Timed], limit: usize) -> Vec<S::Record> {
    let mut records = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, e) in events.iter().enumerate() {
        if i > start {
            let len = timed_len(e, e.tick - events[i - 1].tick);
            if i - start < limit && size + len <= MAX_BATCH_SIZE as usize {
                size += len;
                continue;
            }
            records.push(S::timed(gen, thread, &events[start..i], size));
        }
        (start, size) = (i, timed_len(e, 0));
    }
    if start < events.len() {
        records.push(S::timed(gen, thread, &events[start..], size));
    }
    records
}

fn run(config: &Config, seed: u64, oracle: bool) -> Generated {
    let mut bytes = config.version.header().to_vec();
    let (listing, events, longest_chain) = run_into(config, seed, oracle, &mut bytes);
    Generated {
        bytes,
        listing,
        events,
        longest_chain,
    }
}

/// A valid trace for `config` as records, each batch keeping its events: what
/// [`Layout::parse`] makes of [`generate`]'s bytes, without encoding and decoding them.
pub(crate) fn generate_layout(config: &Config, seed: u64) -> Layout {
    let mut records = Vec::new();
    run_into(config, seed, false, &mut records);
    Layout {
        header: config.version.header().to_vec(),
        version: config.version,
        records,
    }
}

/// Runs the model for `config` and `seed`, writing its records to `out`; returns the
/// oracle's listing (empty without `oracle`), the wire events written and the longest
/// switch chain.
fn run_into<S: Sink>(
    config: &Config,
    seed: u64,
    oracle: bool,
    out: &mut S,
) -> (String, u64, usize) {
    let mut model = Model::new(config, seed, oracle);
    let version = config.version;
    let mut syncs = 0;
    for i in 0..config.generations {
        let gen = config.first_generation.saturating_add(i);
        let start = model.start_generation();
        syncs += 1;
        // Drawn for every version, so that a scenario renders alike in each.
        let c = model.chooser();
        let nsec = if c.one_in(2) {
            0
        } else {
            c.below(1_000_000_000) as u64
        };
        let clock =
            (version >= Version::Go125).then_some((1_000_000 + start, 1_700_000_000 + gen, nsec));
        model.note_sync(
            start,
            syncs,
            clock.map(|(mono, sec, nsec)| ClockSnapshot {
                trace: model::ticks_to_ns(start + 1, config.frequency),
                wall: WallTime::from_unix(sec, nsec),
                mono,
            }),
        );
        model.announce();
        for _ in 0..config.steps_per_generation {
            model.step();
        }
        let generation = model.end_generation();
        write_generation(out, config, gen, clock, generation, model.chooser());
    }
    let listing = model
        .take_notes()
        .map_or_else(String::new, |notes| notes.finish(syncs));
    (listing, model.events, model.longest_chain)
}

/// Lays out one generation's batches the way the runtime does: sync (go 1.25+), strings,
/// stacks, the Ms' event batches interleaved, statuses of unmentioned goroutines, CPU
/// samples, experiment data, frequency (before go 1.25), and EndOfGeneration (go 1.26).
fn write_generation<S: Sink>(
    out: &mut S,
    config: &Config,
    gen: u64,
    clock: Option<(u64, u64, u64)>,
    g: GenerationOut,
    c: &mut model::Chooser,
) {
    let start = g.start;
    if let Some((mono, sec, nsec)) = clock {
        let events = vec![
            RawEvent::new(ev::SYNC, &[]),
            RawEvent::new(ev::FREQUENCY, &[config.frequency]),
            RawEvent::new(ev::CLOCK_SNAPSHOT, &[1, mono, sec, nsec]),
        ];
        out.batch(gen, NO_THREAD, start, events);
    }
    let mut strings = vec![RawEvent::new(ev::STRINGS, &[])];
    for (i, s) in STRINGS.iter().enumerate() {
        let mut e = RawEvent::new(ev::STRING, &[i as u64 + 1]);
        e.data = Some(Cow::Borrowed(s.as_bytes()));
        strings.push(e);
    }
    out.batch(gen, NO_THREAD, start, strings);
    if config.stacks > 0 {
        let mut stacks = vec![RawEvent::new(ev::STACKS, &[])];
        for id in 1..=config.stacks as u64 {
            let frames: Vec<_> = model::stack_frames(id).collect();
            let mut stack = RawEvent::new(ev::STACK, &[id, frames.len() as u64]);
            stack.frames = frames
                .into_iter()
                .map(|(pc, func, file, line)| [pc, func, file, line])
                .collect();
            stacks.push(stack);
        }
        out.batch(gen, NO_THREAD, start, stacks);
    }

    // Each M's events in batches of at most `limit`, the Ms' batches interleaved at random
    // (the parser must only keep each M's own batches in order).
    let limit = match config.batch_split {
        BatchSplit::Whole => usize::MAX,
        BatchSplit::Every(n) => usize::from(n.max(1)),
    };
    let mut queues: Vec<std::vec::IntoIter<S::Record>> = g
        .batches
        .iter()
        .enumerate()
        .map(|(m, events)| timed_batches::<S>(gen, m as u64 + 1, events, limit).into_iter())
        .filter(|records| records.len() > 0)
        .collect();
    while !queues.is_empty() {
        let i = c.below(queues.len());
        out.push(queues[i].next().expect("non-empty queue"));
        if queues[i].len() == 0 {
            drop(queues.swap_remove(i));
        }
    }
    for record in timed_batches::<S>(gen, NO_THREAD, &g.no_thread, usize::MAX) {
        out.push(record);
    }
    // CPU samples in batches that stay under the size limit too.
    for chunk in g.samples.chunks(MAX_BATCH_SIZE as usize / 64) {
        let mut samples = vec![RawEvent::new(ev::CPU_SAMPLES, &[])];
        samples.extend(chunk.iter().map(|s| RawEvent::new(ev::CPU_SAMPLE, s)));
        out.batch(gen, NO_THREAD, start, samples);
    }
    if config.alloc_free() {
        // Side data of the experiment; parsers keep it opaque. The first byte is its
        // private batch sub-type.
        let mut e = RawEvent::new(
            ev::EXPERIMENTAL_BATCH,
            &[ALLOC_FREE_EXPERIMENT, gen, 1, start],
        );
        e.data = Some(Cow::Owned(vec![0, 8, 16, 24]));
        out.loose(e);
    }
    if config.version < Version::Go125 {
        out.batch(
            gen,
            NO_THREAD,
            start,
            vec![RawEvent::new(ev::FREQUENCY, &[config.frequency])],
        );
    }
    if config.version >= Version::Go126 {
        out.loose(RawEvent::new(ev::END_OF_GENERATION, &[]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::Toolchain;

    #[test]
    fn generations_are_numbered_and_go126_ends_each() {
        let config = Config {
            generations: 3,
            first_generation: 7,
            ..Config::default()
        };
        let bytes = generate(&config, 1);
        let trace = crate::raw::RawTrace::parse(&bytes, Toolchain::Go1_27).unwrap();
        let gens: Vec<u64> = trace
            .events
            .iter()
            .filter(|e| e.ty == ev::EVENT_BATCH)
            .map(|e| e.args[0])
            .collect();
        assert!(gens.windows(2).all(|w| w[0] <= w[1]) && gens[0] == 7);
        assert_eq!(gens.last(), Some(&9));
        let ends = trace
            .events
            .iter()
            .filter(|e| e.ty == ev::END_OF_GENERATION)
            .count();
        assert_eq!(ends, 3);
    }

    #[test]
    fn batches_stay_under_the_runtime_buffer_size() {
        let config = Config {
            version: Version::Go123,
            threads: 1,
            generations: 1,
            steps_per_generation: 30_000,
            ..Config::default()
        };
        let bytes = generate(&config, 3);
        let trace = crate::raw::RawTrace::parse(&bytes, Toolchain::Go1_23).unwrap();
        let sizes: Vec<u64> = trace
            .events
            .iter()
            .filter(|e| e.ty == ev::EVENT_BATCH)
            .map(|e| e.args[3])
            .collect();
        assert!(sizes.iter().all(|&s| s <= MAX_BATCH_SIZE), "{sizes:?}");
        assert!(sizes.iter().filter(|&&s| s > MAX_BATCH_SIZE / 2).count() >= 2);
        let events = crate::order::EventReader::new(&bytes[..], Toolchain::Go1_23).unwrap();
        assert!(events.into_iter().all(|e| e.is_ok()));
    }

    /// Every oracle line is exactly what `serde_json` prints for its object (keys sorted,
    /// its string escaping, decimal integers), with every feature on in every version: the
    /// direct writer renders what the `serde_json` maps it replaced rendered.
    #[test]
    fn oracle_lines_are_what_serde_json_prints() {
        let mut kinds = std::collections::BTreeMap::new();
        for version in Version::V2 {
            for seed in 0..200u64 {
                let mut config = Config::from_seed(version, seed);
                config.features = Features::ALL;
                let generated = generate_with_oracle(&config, seed);
                for line in generated.listing.lines() {
                    let json: serde_json::Value = serde_json::from_str(line).unwrap();
                    assert_eq!(json.to_string(), line, "{version} seed {seed}");
                    let kind = json["kind"].as_str().unwrap_or("header").to_string();
                    *kinds.entry(kind).or_insert(0) += 1;
                }
            }
        }
        for kind in [
            "header",
            "Sync",
            "StateTransition",
            "RangeBegin",
            "RangeActive",
            "RangeEnd",
            "TaskBegin",
            "TaskEnd",
            "RegionBegin",
            "RegionEnd",
            "Log",
            "Label",
            "Metric",
            "StackSample",
            "Experimental",
        ] {
            assert!(
                kinds.get(kind).is_some_and(|&n| n >= 50),
                "{kind}: {kinds:?}"
            );
        }
    }

    /// The records the generator keeps for corruptions are what its bytes parse to, with
    /// every feature and batch split in every version.
    #[test]
    fn generated_layout_is_what_the_bytes_parse_to() {
        for version in Version::V2 {
            for seed in 0..40u64 {
                let mut config = Config::from_seed(version, seed);
                if seed % 2 == 0 {
                    config.features = Features::ALL;
                }
                if seed % 3 == 0 {
                    config.batch_split = BatchSplit::Every(1 + seed as u16 % 7);
                }
                let bytes = generate(&config, seed);
                let layout = generate_layout(&config, seed);
                assert_eq!(layout.encode(), bytes, "{version} seed {seed}");
                let parsed = Layout::parse(&bytes, version).expect("whole batches");
                assert_eq!(layout, parsed, "{version} seed {seed}");
            }
        }
    }

    #[test]
    fn generate_and_oracle_write_the_same_bytes() {
        for seed in 0..20 {
            let config = Config::from_seed(Version::Go125, seed);
            let with = generate_with_oracle(&config, seed);
            assert_eq!(generate(&config, seed), with.bytes);
            assert!(with.listing.lines().count() > 1);
        }
    }
}
