//! Benign mutations: edits that change a trace's bytes but not what any parser may make of
//! it. Each must leave the listing of every Go release identical.

use crate::gen::{self, Config};
use crate::raw::Encoding;
use crate::seeded::SplitMix64;
use crate::version::Version;

use super::layout::{Layout, Record};

/// How many seeds after the asked-for one are tried before a mutation gives up.
const ATTEMPTS: u64 = 64;

/// One way of rewriting a valid trace without changing its meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mutation {
    /// An event batch split in two at an event, the second batch timed from that event.
    SplitBatch,
    /// Two neighbouring event batches of different threads swap places.
    SwapBatchesOfTwoThreads,
    /// Every number of one event batch's events written one byte wider than needed.
    PadVarints,
    /// In one generation, each thread's event batches written together, the threads in
    /// another order (the other records keep their places).
    ReorderThreads,
    /// A 17-byte header, `go 1.0NN trace`: Go's `Fscanf("go 1.%d trace…")` reads `0NN`.
    ZeroPaddedVersion,
    /// A 17-byte header, `go  1.NN trace`: a space in Go's scan format takes any run of them.
    DoubleSpacedHeader,
}

/// A valid trace and its benign rewrite.
#[derive(Clone, Debug)]
pub struct Mutated {
    /// The mutation applied.
    pub mutation: Mutation,
    /// The seed of the valid trace (the asked-for seed or a later one).
    pub seed: u64,
    /// The config of the valid trace.
    pub config: Config,
    /// The valid trace.
    pub original: Vec<u8>,
    /// Its rewrite.
    pub bytes: Vec<u8>,
}

impl Mutation {
    /// Every mutation.
    pub const ALL: &'static [Mutation] = &[
        Mutation::SplitBatch,
        Mutation::SwapBatchesOfTwoThreads,
        Mutation::PadVarints,
        Mutation::ReorderThreads,
        Mutation::ZeroPaddedVersion,
        Mutation::DoubleSpacedHeader,
    ];

    /// The stable kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Mutation::SplitBatch => "split-batch",
            Mutation::SwapBatchesOfTwoThreads => "swap-batches-of-two-threads",
            Mutation::PadVarints => "pad-varints",
            Mutation::ReorderThreads => "reorder-threads",
            Mutation::ZeroPaddedVersion => "zero-padded-version",
            Mutation::DoubleSpacedHeader => "double-spaced-header",
        }
    }

    /// The mutation named `name`.
    pub fn parse(name: &str) -> Option<Mutation> {
        Mutation::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// Whether Go release `profile` rejects the rewrite although it reads the original:
    /// Go 1.22's `go tool trace` wants the runtime's exact 16-byte header ("not a trace
    /// file"), a documented exception to "benign".
    pub fn rejected_by(self, profile: crate::version::Toolchain) -> bool {
        matches!(
            self,
            Mutation::ZeroPaddedVersion | Mutation::DoubleSpacedHeader
        ) && profile == crate::version::Toolchain::Go1_22
    }

    /// Applies the mutation to a trace of `version` (or one drawn from `seed`).
    pub fn apply(self, seed: u64, version: Option<Version>) -> Result<Mutated, String> {
        let version = version.unwrap_or_else(|| {
            Version::V2[SplitMix64(seed).below(Version::V2.len() as u64) as usize]
        });
        for attempt in 0..ATTEMPTS {
            let trace_seed = seed.wrapping_add(attempt);
            let mut config = Config::from_seed(version, trace_seed);
            config.features.alloc_free = false;
            config.steps_per_generation = config.steps_per_generation.clamp(16, 160);
            let original = gen::generate(&config, trace_seed);
            let Some(layout) = Layout::parse(&original, version) else {
                continue;
            };
            let mut rng = SplitMix64(trace_seed ^ 0xbe41_9e00);
            if let Some(bytes) = self.mutate(layout, &mut rng) {
                return Ok(Mutated {
                    mutation: self,
                    seed: trace_seed,
                    config,
                    original,
                    bytes,
                });
            }
        }
        Err(format!(
            "{}: no trace of seeds {seed} to {} holds what it needs",
            self.name(),
            seed.wrapping_add(ATTEMPTS - 1)
        ))
    }

    fn mutate(self, mut t: Layout, rng: &mut SplitMix64) -> Option<Vec<u8>> {
        let timed_batch = |r: &Record| {
            r.is_event_batch()
                && r.events()
                    .iter()
                    .all(|e| e.spec().timed && !e.args.is_empty())
        };
        match self {
            Mutation::ZeroPaddedVersion | Mutation::DoubleSpacedHeader => {
                let number = t.version.number();
                t.header = if self == Mutation::ZeroPaddedVersion {
                    format!("go 1.0{number} trace\0\0\0")
                } else {
                    format!("go  1.{number} trace\0\0\0")
                }
                .into_bytes();
            }
            Mutation::SplitBatch => {
                let batches = t.find(|r| timed_batch(r) && r.events().len() >= 2);
                let r = *batches.get(rng.below(batches.len() as u64) as usize)?;
                let Record::Batch {
                    gen,
                    m,
                    time,
                    events,
                    size: _,
                } = t.records[r].clone()
                else {
                    return None;
                };
                let at = 1 + rng.below(events.len() as u64 - 1) as usize;
                // Event times run from the batch time, each event's delta added in turn.
                let mut tick = time;
                for e in &events[..=at] {
                    tick = tick.checked_add(e.args[0])?;
                }
                let (first, mut second) = (events[..at].to_vec(), events[at..].to_vec());
                let mut args = second[0].args.to_vec();
                args[0] = 0;
                second[0].args = crate::raw::Args::from_slice(&args);
                t.records[r] = Record::Batch {
                    gen,
                    m,
                    time,
                    events: first,
                    size: None,
                };
                let rest = Record::Batch {
                    gen,
                    m,
                    time: tick,
                    events: second,
                    size: None,
                };
                t.records.insert(r + 1, rest);
            }
            Mutation::SwapBatchesOfTwoThreads => {
                let pairs: Vec<usize> = (0..t.records.len().saturating_sub(1))
                    .filter(|&i| {
                        let (a, b) = (&t.records[i], &t.records[i + 1]);
                        let thread = |r: &Record| match r {
                            Record::Batch { m, .. } => Some(*m),
                            Record::Loose(_) => None,
                        };
                        a.is_event_batch()
                            && b.is_event_batch()
                            && a.gen() == b.gen()
                            && thread(a) != thread(b)
                    })
                    .collect();
                let i = *pairs.get(rng.below(pairs.len() as u64) as usize)?;
                t.records.swap(i, i + 1);
            }
            Mutation::ReorderThreads => {
                let thread = |r: &Record| match r {
                    Record::Batch { m, .. } => *m,
                    Record::Loose(_) => u64::MAX,
                };
                // The generations whose event batches come from two threads or more.
                let mut gens: Vec<u64> = Vec::new();
                for r in t.records.iter().filter(|r| r.is_event_batch()) {
                    let (gen, m) = (r.gen()?, thread(r));
                    let other = t
                        .records
                        .iter()
                        .any(|o| o.is_event_batch() && o.gen() == Some(gen) && thread(o) != m);
                    if other && !gens.contains(&gen) {
                        gens.push(gen);
                    }
                }
                let gen = *gens.get(rng.below(gens.len() as u64) as usize)?;
                let slots = t.find(|r| r.is_event_batch() && r.gen() == Some(gen));
                // Each thread's batches, in their order, threads in order of first batch.
                let mut groups: Vec<(u64, Vec<Record>)> = Vec::new();
                for &i in &slots {
                    let m = thread(&t.records[i]);
                    match groups.iter_mut().find(|(g, _)| *g == m) {
                        Some((_, batches)) => batches.push(t.records[i].clone()),
                        None => groups.push((m, vec![t.records[i].clone()])),
                    }
                }
                let turn = 1 + rng.below(groups.len() as u64 - 1) as usize;
                groups.rotate_left(turn);
                let reordered = groups.into_iter().flat_map(|(_, batches)| batches);
                for (slot, record) in slots.into_iter().zip(reordered) {
                    t.records[slot] = record;
                }
            }
            Mutation::PadVarints => {
                let batches = t.find(timed_batch);
                let r = *batches.get(rng.below(batches.len() as u64) as usize)?;
                for e in t.records[r].events_mut()? {
                    let widths = e
                        .args
                        .iter()
                        .map(|&a| (crate::varint::canonical_len(a) + 1).min(10) as u8)
                        .collect();
                    e.encoding = Some(Box::new(Encoding {
                        widths,
                        declared_data_len: None,
                    }));
                }
            }
        }
        Some(t.encode())
    }
}
