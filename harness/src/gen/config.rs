//! What the generator makes: a swarm-testing configuration. Each trace draws its own config
//! (which features are on, how many Ms, Ps and goroutines, how batches are split and how time
//! advances), so that a run of many seeds reaches corners a single fixed mix never would.

use arbitrary::{Arbitrary, Unstructured};
use serde::{Deserialize, Serialize};

use crate::version::Version;

/// Which families of runtime behaviour the model may use. Families a trace version lacks
/// (coroutine switches and alloc/free before go 1.23) are ignored for that version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Arbitrary)]
#[serde(default, deny_unknown_fields)]
pub struct Features {
    /// `iter.Pull`-style coroutines: GoCreateBlocked, GoSwitch, GoSwitchDestroy (go 1.23+).
    pub coroutines: bool,
    /// System calls, and Ps stolen from Ms blocked in them.
    pub syscalls: bool,
    /// Cgo callbacks: goroutines created and destroyed in a syscall on a bare M.
    pub cgo: bool,
    /// GC cycles, stop-the-world, sweeping and mark assists.
    pub gc: bool,
    /// Tasks, regions, logs and goroutine labels.
    pub annotations: bool,
    /// CPU profile samples.
    pub cpu_samples: bool,
    /// Heap size and heap goal metrics.
    pub heap_metrics: bool,
    /// GOMAXPROCS changes (the ProcsChange metric).
    pub procs_change: bool,
    /// The alloc/free experiment: span, heap object and goroutine stack events (go 1.23+).
    pub alloc_free: bool,
}

impl Default for Features {
    fn default() -> Features {
        Features::ALL
    }
}

impl Features {
    /// Every family on.
    pub const ALL: Features = Features {
        coroutines: true,
        syscalls: true,
        cgo: true,
        gc: true,
        annotations: true,
        cpu_samples: true,
        heap_metrics: true,
        procs_change: true,
        alloc_free: true,
    };

    /// Only scheduling: Ps, goroutines, blocking and unblocking.
    pub const NONE: Features = Features {
        coroutines: false,
        syscalls: false,
        cgo: false,
        gc: false,
        annotations: false,
        cpu_samples: false,
        heap_metrics: false,
        procs_change: false,
        alloc_free: false,
    };

    /// The feature names, as accepted by `--features` and written in configs.
    pub const NAMES: [&'static str; 9] = [
        "coroutines",
        "syscalls",
        "cgo",
        "gc",
        "annotations",
        "cpu_samples",
        "heap_metrics",
        "procs_change",
        "alloc_free",
    ];

    /// The flag for feature `name`, if there is one.
    pub fn flag_mut(&mut self, name: &str) -> Option<&mut bool> {
        Some(match name {
            "coroutines" => &mut self.coroutines,
            "syscalls" => &mut self.syscalls,
            "cgo" => &mut self.cgo,
            "gc" => &mut self.gc,
            "annotations" => &mut self.annotations,
            "cpu_samples" => &mut self.cpu_samples,
            "heap_metrics" => &mut self.heap_metrics,
            "procs_change" => &mut self.procs_change,
            "alloc_free" => &mut self.alloc_free,
            _ => return None,
        })
    }

    /// Parses a comma-separated list of feature names; `all` and `none` are accepted.
    pub fn parse_list(list: &str) -> Result<Features, String> {
        let mut features = Features::NONE;
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "all" => features = Features::ALL,
                "none" => features = Features::NONE,
                _ => {
                    *features.flag_mut(name).ok_or_else(|| {
                        format!(
                            "unknown feature {name:?}; known: all, none, {}",
                            Features::NAMES.join(", ")
                        )
                    })? = true
                }
            }
        }
        Ok(features)
    }
}

/// How the time of consecutive events advances, in ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Arbitrary)]
#[serde(rename_all = "snake_case")]
pub enum TimePolicy {
    /// Small distinct gaps between every two events.
    Spread,
    /// Consecutive events of one M often share a timestamp (delta 0).
    Ties,
    /// Gaps of up to 2^28 ticks, which stresses the tick-to-ns conversion.
    LargeGaps,
}

/// Where the generator ends an M's batch and starts the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Arbitrary)]
#[serde(rename_all = "snake_case")]
pub enum BatchSplit {
    /// One batch per M per generation.
    Whole,
    /// A new batch after at most this many events (at least 1).
    Every(u16),
}

/// Everything that shapes one generated trace. The defaults (see [`Config::default`]) make
/// a small trace with every feature the version has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Trace version written in the header: go 1.22, 1.23, 1.25 or 1.26.
    #[serde(with = "version_name")]
    pub version: Version,
    /// Number of threads (Ms), at least 1.
    pub threads: usize,
    /// Number of Ps (GOMAXPROCS at the start), at least 1.
    pub procs: usize,
    /// Goroutines that exist, runnable, when the trace starts.
    pub goroutines: usize,
    /// Number of generations.
    pub generations: u64,
    /// Number of the first generation (flight recordings do not start at 1); at least 1.
    pub first_generation: u64,
    /// Model steps per generation; each writes one or more events.
    pub steps_per_generation: usize,
    /// Behaviour families the model may use.
    pub features: Features,
    /// Batch split policy.
    pub batch_split: BatchSplit,
    /// How time advances between events.
    pub time: TimePolicy,
    /// Clock ticks per second: 1,000,000,000 / 2^k for k in 0..=9 (the runtime's is
    /// 15,625,000, a 64 ns tick). Go's parser converts each batch time and each delta to
    /// ns separately and truncates each; only a whole power-of-two ns per tick makes that
    /// exact, so that parsed times, and the order across Ms, follow the model's ticks.
    pub frequency: u64,
    /// Distinct stacks in each generation's stack table; 0 means events carry no stacks.
    pub stacks: usize,
    /// Rounds of a long `for next() {}` loop: now and then a pull loop switches to its
    /// coroutine and back this many times and up to two fifths more (the runtime's long
    /// switch chains); other pull loops take 1 to 6 rounds.
    pub long_pull_rounds: usize,
}

/// Default scheduling steps per generation.
pub const DEFAULT_STEPS: usize = 64;
/// Default rounds of a long pull loop: 500 to 699, so a few make a thousand-switch chain.
pub const DEFAULT_LONG_PULL_ROUNDS: usize = 500;
/// Rounds of a long pull loop in fuzz targets' traces (see [`Config::scaled_for_fuzzing`]).
const FUZZING_LONG_PULL_ROUNDS: usize = 24;
/// The accepted frequencies (ticks per second): ticks of 1, 2, 4 ... 512 ns.
pub const FREQUENCIES: [u64; 10] = [
    1_000_000_000,
    500_000_000,
    250_000_000,
    125_000_000,
    62_500_000,
    31_250_000,
    15_625_000,
    7_812_500,
    3_906_250,
    1_953_125,
];

impl Default for Config {
    /// go 1.26, 3 Ms, 2 Ps, 4 goroutines, 2 generations from 1, 64 steps each, every
    /// feature, one batch per M, spread timestamps, the runtime's 15,625,000 Hz, 4 stacks.
    fn default() -> Config {
        Config {
            version: Version::Go126,
            threads: 3,
            procs: 2,
            goroutines: 4,
            generations: 2,
            first_generation: 1,
            steps_per_generation: DEFAULT_STEPS,
            features: Features::ALL,
            batch_split: BatchSplit::Whole,
            time: TimePolicy::Spread,
            frequency: 15_625_000,
            stacks: 4,
            long_pull_rounds: DEFAULT_LONG_PULL_ROUNDS,
        }
    }
}

impl<'a> Arbitrary<'a> for Config {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Config> {
        let version = *u.choose(&Version::V2)?;
        let threads = u.int_in_range(1..=5)?;
        let procs = u.int_in_range(1..=4)?;
        let goroutines = u.int_in_range(0..=6)?;
        let generations = u.int_in_range(1..=3)?;
        let first_generation = if u.ratio(1, 8)? {
            u.int_in_range(2..=1_000_000)?
        } else {
            1
        };
        // Mostly short generations; now and then a long one, for long switch chains.
        let steps_per_generation = if u.ratio(1, 16)? {
            u.int_in_range(1_000..=3_000)?
        } else {
            u.int_in_range(0..=160)?
        };
        let features = Features::arbitrary(u)?;
        let batch_split = match BatchSplit::arbitrary(u)? {
            BatchSplit::Every(n) => BatchSplit::Every(1 + n % 32),
            whole => whole,
        };
        let time = TimePolicy::arbitrary(u)?;
        // The runtime's own rate half of the time.
        let frequency = if u.ratio(1, 2)? {
            15_625_000
        } else {
            *u.choose(&FREQUENCIES)?
        };
        let stacks = u.int_in_range(0..=6)?;
        Ok(Config {
            version,
            threads,
            procs,
            goroutines,
            generations,
            first_generation,
            steps_per_generation,
            features,
            batch_split,
            time,
            frequency,
            stacks,
            long_pull_rounds: DEFAULT_LONG_PULL_ROUNDS,
        })
    }
}

impl Config {
    /// This config at the size fuzz targets use: a thirty-second of the steps (0 to 5
    /// per generation), a long generation (one input in sixteen) 40 to 119 steps, and
    /// long pull loops of 24 to 33 rounds instead of 500 to 699. Checking a generated
    /// trace (generation, oracle, listing, validation) costs a few microseconds per event
    /// under libFuzzer's instrumentation: small traces keep most executions short, so
    /// libFuzzer tries many more shapes, while the long generations keep the deep states
    /// within reach (in minute-long runs of valid_is_accepted: as much coverage as with
    /// every trace at an eighth, more than with every trace small). The thousand-switch
    /// chains stay with the generator's own tests.
    pub fn scaled_for_fuzzing(mut self) -> Config {
        self.steps_per_generation = if self.steps_per_generation >= 1_000 {
            40 + self.steps_per_generation % 80
        } else {
            self.steps_per_generation / 32
        };
        self.long_pull_rounds = FUZZING_LONG_PULL_ROUNDS;
        self
    }

    /// A config drawn from `bytes` as `arbitrary` input (exhausted bytes read as zeros, so
    /// every input gives a config).
    pub fn from_bytes(bytes: &[u8]) -> Config {
        Config::arbitrary(&mut Unstructured::new(bytes)).unwrap_or_default()
    }

    /// A config for `version` drawn from `seed` (64 bytes of SplitMix64 output).
    pub fn from_seed(version: Version, seed: u64) -> Config {
        let mut rng = crate::seeded::SplitMix64(seed);
        let bytes: Vec<u8> = (0..8).flat_map(|_| rng.next_u64().to_le_bytes()).collect();
        Config {
            version,
            ..Config::from_bytes(&bytes)
        }
    }

    /// Checks the ranges the generator relies on.
    pub fn validate(&self) -> Result<(), String> {
        if !Version::V2.contains(&self.version) {
            return Err(format!(
                "version {} is not a v2 trace version",
                self.version
            ));
        }
        if self.threads == 0 || self.procs == 0 {
            return Err("threads and procs must be at least 1".into());
        }
        if self.threads > 256 || self.procs > 256 || self.goroutines > 10_000 {
            return Err("at most 256 threads, 256 procs and 10,000 goroutines".into());
        }
        if self.first_generation == 0 {
            return Err("first_generation must be at least 1".into());
        }
        if self.generations > 10_000 || self.steps_per_generation > 10_000_000 {
            return Err("at most 10,000 generations of 10,000,000 steps".into());
        }
        if !FREQUENCIES.contains(&self.frequency) {
            return Err(format!(
                "frequency must be 1000000000 / 2^k ticks per second, one of {FREQUENCIES:?}"
            ));
        }
        if self.batch_split == BatchSplit::Every(0) {
            return Err("batch split must allow at least 1 event per batch".into());
        }
        if self.stacks > 1_000 {
            return Err("at most 1,000 stacks".into());
        }
        if self.long_pull_rounds > 100_000 {
            return Err("at most 100,000 rounds in a long pull loop".into());
        }
        Ok(())
    }

    /// Whether coroutine events are written: enabled and the version has them.
    pub fn coroutines(&self) -> bool {
        self.features.coroutines && self.version >= Version::Go123
    }

    /// Whether alloc/free experiment events are written: enabled and the version has them.
    pub fn alloc_free(&self) -> bool {
        self.features.alloc_free && self.version >= Version::Go123
    }
}

/// Versions in configs are written `"1.23"`.
mod version_name {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    use crate::version::Version;

    pub fn serialize<S: Serializer>(v: &Version, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("1.{}", v.number()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Version, D::Error> {
        let s = String::deserialize(d)?;
        Version::parse(&s)
            .filter(|v| Version::V2.contains(v))
            .ok_or_else(|| D::Error::custom(format!("unknown trace version {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_string_gives_a_valid_config() {
        let mut rng = crate::seeded::SplitMix64(5);
        for len in 0..200 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            let config = Config::from_bytes(&bytes);
            assert_eq!(config.validate(), Ok(()), "{config:?}");
        }
        assert_eq!(Config::default().validate(), Ok(()));
    }

    #[test]
    fn configs_round_trip_through_json() {
        let config = Config::from_seed(Version::Go123, 9);
        let text = serde_json::to_string(&config).unwrap();
        assert_eq!(serde_json::from_str::<Config>(&text).unwrap(), config);
        let partial: Config = serde_json::from_str(r#"{"version":"1.22","threads":1}"#).unwrap();
        assert_eq!(partial.version, Version::Go122);
        assert_eq!(partial.procs, Config::default().procs);
        assert!(serde_json::from_str::<Config>(r#"{"thread":1}"#).is_err());
    }

    #[test]
    fn feature_lists() {
        assert_eq!(Features::parse_list("all"), Ok(Features::ALL));
        assert_eq!(Features::parse_list(""), Ok(Features::NONE));
        let f = Features::parse_list("gc, cgo").unwrap();
        assert!(f.gc && f.cgo && !f.syscalls);
        assert!(Features::parse_list("gcc").is_err());
    }
}
