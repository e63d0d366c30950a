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
use crate::jsonl::Fields;
use crate::raw::RawEvent;
use crate::records::MAX_BATCH_SIZE;
use crate::spec::ev;
use crate::version::{Toolchain, Version};

pub mod config;
mod model;

pub use config::{BatchSplit, Config, Features, TimePolicy};
use model::{GenerationOut, Model, Notes, Timed, NO_THREAD, STRINGS};

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

/// Encodes `events` as one batch record of generation `gen` on `thread`.
fn batch(out: &mut Vec<u8>, gen: u64, thread: u64, time: u64, events: &[RawEvent<'_>]) {
    // The size comes first: measured, so that the events are encoded once, in place.
    let size: usize = events.iter().map(RawEvent::encoded_len).sum();
    RawEvent::new(ev::EVENT_BATCH, &[gen, thread, time, size as u64]).encode(out);
    out.reserve(size);
    for e in events {
        e.encode(out);
    }
}

/// Encodes timed events as event batches of at most `limit` events and at most
/// [`MAX_BATCH_SIZE`] payload bytes (the runtime's buffer size, which parsers enforce),
/// each timed from its first event; returns each batch record's bytes.
fn timed_batches(gen: u64, thread: u64, events: &[Timed], limit: usize) -> Vec<Vec<u8>> {
    let mut records = Vec::new();
    // Timed events take a few bytes each; a batch never holds more than the size limit.
    let mut body = Vec::with_capacity((events.len() * 4).min(MAX_BATCH_SIZE as usize) + 16);
    let (mut base, mut last, mut count) = (0, 0, 0);
    let mut flush = |body: &mut Vec<u8>, base: u64| {
        let mut record = Vec::with_capacity(body.len() + 24);
        RawEvent::new(ev::EVENT_BATCH, &[gen, thread, base, body.len() as u64]).encode(&mut record);
        record.append(body);
        records.push(record);
    };
    // Canonical varints written straight into the batch: the generator's hot path.
    let encode = |body: &mut Vec<u8>, e: &Timed, dt: u64| {
        body.push(e.ty);
        crate::varint::write(body, dt);
        for &a in e.args() {
            crate::varint::write(body, a);
        }
    };
    for e in events {
        let mark = body.len();
        if count > 0 {
            encode(&mut body, e, e.tick - last);
        }
        if count == 0 || count == limit || body.len() > MAX_BATCH_SIZE as usize {
            if count > 0 {
                body.truncate(mark);
                flush(&mut body, base);
            }
            (base, count) = (e.tick, 0);
            encode(&mut body, e, 0);
        }
        last = e.tick;
        count += 1;
    }
    if count > 0 {
        flush(&mut body, base);
    }
    records
}

fn run(config: &Config, seed: u64, oracle: bool) -> Generated {
    let mut model = Model::new(config, seed, oracle);
    let version = config.version;
    let mut out = version.header().to_vec();
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
        write_generation(&mut out, config, gen, clock, generation, model.chooser());
    }
    let listing = if oracle {
        render_listing(config, &model.take_notes(), syncs)
    } else {
        String::new()
    };
    Generated {
        bytes: out,
        listing,
        events: model.events,
        longest_chain: model.longest_chain,
    }
}

/// Lays out one generation's batches the way the runtime does: sync (go 1.25+), strings,
/// stacks, the Ms' event batches interleaved, statuses of unmentioned goroutines, CPU
/// samples, experiment data, frequency (before go 1.25), and EndOfGeneration (go 1.26).
fn write_generation(
    out: &mut Vec<u8>,
    config: &Config,
    gen: u64,
    clock: Option<(u64, u64, u64)>,
    g: GenerationOut,
    c: &mut model::Chooser,
) {
    let start = g.start;
    if let Some((mono, sec, nsec)) = clock {
        let events = [
            RawEvent::new(ev::SYNC, &[]),
            RawEvent::new(ev::FREQUENCY, &[config.frequency]),
            RawEvent::new(ev::CLOCK_SNAPSHOT, &[1, mono, sec, nsec]),
        ];
        batch(out, gen, NO_THREAD, start, &events);
    }
    let mut strings = vec![RawEvent::new(ev::STRINGS, &[])];
    for (i, s) in STRINGS.iter().enumerate() {
        let mut e = RawEvent::new(ev::STRING, &[i as u64 + 1]);
        e.data = Some(Cow::Borrowed(s.as_bytes()));
        strings.push(e);
    }
    batch(out, gen, NO_THREAD, start, &strings);
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
        batch(out, gen, NO_THREAD, start, &stacks);
    }

    // Each M's events in batches of at most `limit`, the Ms' batches interleaved at random
    // (the parser must only keep each M's own batches in order).
    let limit = match config.batch_split {
        BatchSplit::Whole => usize::MAX,
        BatchSplit::Every(n) => usize::from(n.max(1)),
    };
    let mut queues: Vec<std::vec::IntoIter<Vec<u8>>> = g
        .batches
        .iter()
        .enumerate()
        .map(|(m, events)| timed_batches(gen, m as u64 + 1, events, limit).into_iter())
        .filter(|records| records.len() > 0)
        .collect();
    while !queues.is_empty() {
        let i = c.below(queues.len());
        out.extend(queues[i].next().expect("non-empty queue"));
        if queues[i].len() == 0 {
            drop(queues.swap_remove(i));
        }
    }
    for record in timed_batches(gen, NO_THREAD, &g.no_thread, usize::MAX) {
        out.extend(record);
    }
    // CPU samples in batches that stay under the size limit too.
    for chunk in g.samples.chunks(MAX_BATCH_SIZE as usize / 64) {
        let mut samples = vec![RawEvent::new(ev::CPU_SAMPLES, &[])];
        samples.extend(chunk.iter().map(|s| RawEvent::new(ev::CPU_SAMPLE, s)));
        batch(out, gen, NO_THREAD, start, &samples);
    }
    if config.alloc_free() {
        // Side data of the experiment; parsers keep it opaque. The first byte is its
        // private batch sub-type.
        let mut e = RawEvent::new(
            ev::EXPERIMENTAL_BATCH,
            &[ALLOC_FREE_EXPERIMENT, gen, 1, start],
        );
        e.data = Some(Cow::Owned(vec![0, 8, 16, 24]));
        e.encode(out);
    }
    if config.version < Version::Go125 {
        batch(
            out,
            gen,
            NO_THREAD,
            start,
            &[RawEvent::new(ev::FREQUENCY, &[config.frequency])],
        );
    }
    if config.version >= Version::Go126 {
        RawEvent::new(ev::END_OF_GENERATION, &[]).encode(out);
    }
}

/// The oracle's notes as JSON lines: times converted to ns and fixed up as Go's parser
/// does (`t <= last` becomes `last + 1`), then the final Sync.
fn render_listing(config: &Config, notes: &Notes, syncs: u64) -> String {
    let header = crate::jsonl::header(config.version, Toolchain::Go1_27);
    let mut text = String::with_capacity(header.len() + notes.len_hint() + 128);
    text.push_str(&header);
    text.push('\n');
    let mut last = 0i64;
    let mut fix = |ns: i64| {
        last = if ns <= last { last + 1 } else { ns };
        last
    };
    notes.render(&mut text, |tick| {
        fix(model::ticks_to_ns(tick, config.frequency))
    });
    let mut end = Fields::default();
    end.number("time", fix(0));
    end.number("m", -1);
    end.number("p", -1);
    end.number("g", -1);
    end.string("kind", "Sync");
    end.number("n", syncs + 1);
    end.write_object(&mut text);
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

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
