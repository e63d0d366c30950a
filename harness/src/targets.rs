//! The fuzz targets' bodies, one module per property, each with the same shape:
//! `run(&mut Unstructured) -> Result<(), String>`, where `Err` is a violation of the
//! property and running out of input is not. `fuzz/fuzz_targets/<name>.rs` is a thin
//! wrapper around `<name>::run`; `harness/tests/fuzz_smoke.rs` runs each on seeded bytes.

use arbitrary::{Arbitrary, Unstructured};

use crate::version::{Toolchain, Version};

/// A generator config and seed drawn from the input.
fn draw_config(u: &mut Unstructured<'_>) -> (crate::gen::Config, u64) {
    let config = crate::gen::Config::arbitrary(u).unwrap_or_default();
    (config.scaled_for_fuzzing(), u64::arbitrary(u).unwrap_or(0))
}

/// All the input not consumed yet.
fn rest<'a>(u: &mut Unstructured<'a>) -> &'a [u8] {
    let n = u.len();
    u.bytes(n).unwrap_or(&[])
}

/// Any bytes, or bytes spliced behind a valid header and batch frame so that they reach the
/// batch decoder and the orderer: every reader ends in success or an error located inside
/// the input, accepted traces re-encode to the same bytes, and every accessor of every
/// ordered event (through its listing line) never panics. The text form is left to
/// `text_roundtrip`, which keeps this target's executions short.
pub mod parse_never_panics {
    use super::*;

    /// This target at the type level (see [`Input`]).
    pub struct Name;

    /// Builds the input and checks the property under one Go release's view and along
    /// one of the two reading paths, both chosen by the input: one release and one path
    /// per run keep each run short, and the fuzzer varies both.
    pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
        let (profile, path, data) = draw(u);
        match path {
            Path::Ordered => crate::properties::events_are_located_as(&data, profile),
            Path::Wire => {
                crate::properties::wire_reencodes_as(&data, profile)?;
                crate::properties::generation_tables_are_bounded_as(&data, profile)?;
                crate::properties::floors_bound_the_ordering_as(&data, profile)
            }
        }
    }

    /// The two ways through the readers an input takes.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Path {
        /// Generations, the orderer, and every ordered event printed, listed and validated.
        Ordered,
        /// The lossless wire reader and re-encoder, the record reader, the batch decoder,
        /// the generation reader's tables and `bench`'s floors of parse+order.
        Wire,
    }

    /// The release whose view is checked, the reading path and the input bytes.
    fn draw(u: &mut Unstructured<'_>) -> (Toolchain, Path, Vec<u8>) {
        let profile = u
            .choose(&Toolchain::ALL)
            .copied()
            .unwrap_or(Toolchain::Go1_27);
        let path = if u.arbitrary::<bool>().unwrap_or(false) {
            Path::Wire
        } else {
            Path::Ordered
        };
        (profile, path, input(u))
    }

    /// The trace an input checks, for reproducers.
    pub fn traces(u: &mut Unstructured<'_>) -> Vec<(String, Vec<u8>)> {
        let (profile, _, data) = draw(u);
        vec![(format!("input-{profile}"), data)]
    }

    /// Raw bytes, or a header plus one or more batch frames around arbitrary payloads.
    pub fn input(u: &mut Unstructured<'_>) -> Vec<u8> {
        let spliced = u.arbitrary::<bool>().unwrap_or(false);
        if !spliced {
            return rest(u).to_vec();
        }
        let version = u.choose(&Version::V2).copied().unwrap_or(Version::Go126);
        let mut data = version.header().to_vec();
        let batches = u.int_in_range(1..=4u8).unwrap_or(1);
        for _ in 0..batches {
            let len = u.arbitrary_len::<u8>().unwrap_or(0).min(512);
            let payload = u.bytes(len).unwrap_or(&[]);
            let gen = u.int_in_range(1..=3u64).unwrap_or(1);
            let thread = u.int_in_range(0..=3u64).unwrap_or(0);
            let time = u.int_in_range(1..=1_000u64).unwrap_or(1);
            crate::raw::RawEvent::new(
                crate::spec::ev::EVENT_BATCH,
                &[gen, thread, time, payload.len() as u64],
            )
            .encode(&mut data);
            data.extend_from_slice(payload);
            if version >= Version::Go126 && u.arbitrary::<bool>().unwrap_or(false) {
                data.push(crate::spec::ev::END_OF_GENERATION);
            }
        }
        data
    }
}

/// A generated valid trace: it parses and validates under the release that writes its
/// version and under Go 1.27, its listing equals the model's oracle, and generating again
/// gives the same bytes (checked for one seed in eight).
pub mod valid_is_accepted {
    use super::*;

    /// This target at the type level (see [`Input`]).
    pub struct Name;

    /// Draws a config and a seed, then checks the property.
    pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
        let (config, seed) = draw_config(u);
        crate::properties::generated_trace_is_valid_for(&config, seed)
    }

    /// The generated trace, for reproducers.
    pub fn traces(u: &mut Unstructured<'_>) -> Vec<(String, Vec<u8>)> {
        let (config, seed) = draw_config(u);
        vec![(
            format!("generated-seed-{seed}"),
            crate::gen::generate(&config, seed),
        )]
    }
}

/// Text: what the text reader accepts, written back losslessly, assembles to the same
/// bytes (text -> binary -> text is a fixpoint); and binary -> text -> binary is the
/// identity for any bytes the wire reader accepts.
pub mod text_roundtrip {
    use super::*;

    /// This target at the type level (see [`Input`]).
    pub struct Name;

    /// Checks the property on the input as text, then as binary.
    pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
        let as_binary = u.arbitrary::<bool>().unwrap_or(false);
        let data = rest(u);
        if as_binary {
            crate::properties::wire_round_trip(data)
        } else {
            crate::properties::text_round_trip(data)
        }
    }

    /// The binary input, or what the text input assembles to, for reproducers.
    pub fn traces(u: &mut Unstructured<'_>) -> Vec<(String, Vec<u8>)> {
        let as_binary = u.arbitrary::<bool>().unwrap_or(false);
        let data = rest(u);
        if as_binary {
            return vec![("input".to_string(), data.to_vec())];
        }
        crate::text::TextReader::new(data, None)
            .and_then(crate::text::TextReader::into_trace)
            .map(|trace| vec![("assembled".to_string(), trace.to_bytes())])
            .unwrap_or_default()
    }
}

/// A trace fed to the reader in arbitrary chunks gives the same events and the same error
/// (kind and offset) as when read from one slice.
pub mod incremental_parse {
    use super::*;

    /// This target at the type level (see [`Input`]).
    pub struct Name;
    use std::io::Read;

    /// Reads from a slice in chunks whose sizes come from the fuzz input (one byte a
    /// read with none; the sizes are used in turn).
    pub(crate) struct Chunked<'a> {
        pub(crate) data: &'a [u8],
        pub(crate) sizes: Vec<usize>,
        pub(crate) next: usize,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let size = if self.sizes.is_empty() {
                1
            } else {
                self.sizes[self.next % self.sizes.len()]
            };
            self.next += 1;
            let n = size.max(1).min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// A reader's outcome one line at a time: each event's listing line, then the error
    /// (kind and location) that ends the reading, if any.
    struct Lines<R: Read> {
        events: Option<crate::order::EventReader<R>>,
        error: Option<crate::Error>,
        profile: Toolchain,
        /// With `Some`, events come through `next_events` a chunk at a time (the chunk and
        /// the position in it); with `None`, through the iterator.
        chunk: Option<(Vec<crate::event::Event>, usize)>,
    }

    impl<R: Read> Lines<R> {
        /// Lines of the events the iterator hands out one by one.
        fn new(reader: R, profile: Toolchain) -> Lines<R> {
            let (events, error) = match crate::order::EventReader::new(reader, profile) {
                Ok(events) => (Some(events), None),
                Err(e) => (None, Some(e)),
            };
            Lines {
                events,
                error,
                profile,
                chunk: None,
            }
        }

        /// Lines of the events `next_events` hands out in chunks.
        fn chunked(reader: R, profile: Toolchain) -> Lines<R> {
            Lines {
                chunk: Some((Vec::new(), 0)),
                ..Lines::new(reader, profile)
            }
        }

        /// The next event or error from whichever interface this reads through.
        fn next_event(&mut self) -> Option<crate::Result<crate::event::Event>> {
            let events = self.events.as_mut()?;
            let Some((chunk, at)) = &mut self.chunk else {
                return events.next();
            };
            if *at == chunk.len() {
                *at = 0;
                match events.next_events(chunk) {
                    Ok(true) => {}
                    Ok(false) => return None,
                    Err(e) => return Some(Err(e)),
                }
            }
            *at += 1;
            chunk.get(*at - 1).cloned().map(Ok)
        }

        /// Writes the next line into `line` (cleared first, so one buffer serves every
        /// line); false once nothing is left.
        fn next_into(&mut self, line: &mut Vec<u8>) -> bool {
            use std::io::Write;
            line.clear();
            if self.error.is_none() {
                match self.next_event() {
                    Some(Ok(event)) => {
                        crate::dump::write_event(line, &event, self.profile);
                        return true;
                    }
                    Some(Err(e)) => self.error = Some(e),
                    None => {}
                }
                self.events = None;
            }
            match self.error.take() {
                Some(e) => {
                    let _ = write!(line, "{:?} at {:?}", e.kind, e.location);
                    true
                }
                None => false,
            }
        }
    }

    /// The release, the chunk sizes, and a generated trace (maybe cut short) or raw bytes.
    fn draw(u: &mut Unstructured<'_>) -> Result<(Toolchain, Vec<usize>, Vec<u8>), String> {
        let profile = *u.choose(&Toolchain::ALL).map_err(|e| e.to_string())?;
        let sizes: Vec<usize> = (0..u.int_in_range(0..=8u8).unwrap_or(0))
            .map(|_| u.int_in_range(1..=70_000usize).unwrap_or(1))
            .collect();
        let data = if u.arbitrary::<bool>().unwrap_or(false) {
            let (config, seed) = draw_config(u);
            let mut bytes = crate::gen::generate(&config, seed);
            let cut = u.int_in_range(0..=bytes.len()).unwrap_or(bytes.len());
            bytes.truncate(cut);
            bytes
        } else {
            rest(u).to_vec()
        };
        Ok((profile, sizes, data))
    }

    /// The trace read whole and in chunks, for reproducers.
    pub fn traces(u: &mut Unstructured<'_>) -> Vec<(String, Vec<u8>)> {
        draw(u)
            .map(|(profile, sizes, data)| {
                let sizes: Vec<String> = sizes.iter().map(ToString::to_string).collect();
                vec![(format!("input-{profile}-chunks-{}", sizes.join("-")), data)]
            })
            .unwrap_or_default()
    }

    /// A generated trace (maybe cut short) or raw bytes, read whole and in chunks. The
    /// whole reading takes events a chunk at a time (`next_events`), the one fed in pieces
    /// one at a time (the iterator), so the two interfaces are held to the same output.
    pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
        let (profile, sizes, data) = draw(u)?;
        let mut whole = Lines::chunked(&data[..], profile);
        let mut chunked = Lines::new(
            Chunked {
                data: &data,
                sizes,
                next: 0,
            },
            profile,
        );
        same_lines(profile, &mut whole, &mut chunked)
    }

    /// Reads both side by side, so that a difference stops the run where it appears.
    fn same_lines<A: Read, B: Read>(
        profile: Toolchain,
        whole: &mut Lines<A>,
        chunked: &mut Lines<B>,
    ) -> Result<(), String> {
        let (mut whole_line, mut chunked_line) = (Vec::new(), Vec::new());
        for i in 0.. {
            let whole_more = whole.next_into(&mut whole_line);
            let chunked_more = chunked.next_into(&mut chunked_line);
            if whole_more != chunked_more || whole_line != chunked_line {
                let show = |more: bool, line: &[u8]| {
                    more.then(|| String::from_utf8_lossy(line).trim_end().to_string())
                };
                return Err(format!(
                    "{profile}: chunked reading differs at event {i}: whole {:?}, chunked {:?}",
                    show(whole_more, &whole_line),
                    show(chunked_more, &chunked_line)
                ));
            }
            if !whole_more {
                break;
            }
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// The side-by-side comparison names the first line where two readings part:
        /// an event that differs, one reading that ends early, an error against an event.
        #[test]
        fn a_difference_is_named_where_it_appears() {
            let profile = Toolchain::Go1_27;
            let config = crate::gen::Config::default();
            let trace = crate::gen::generate(&config, 1);
            let other = crate::gen::generate(&config, 2);
            let compare = |a: &[u8], b: &[u8]| {
                same_lines(
                    profile,
                    &mut Lines::new(a, profile),
                    &mut Lines::new(b, profile),
                )
            };
            assert_eq!(compare(&trace, &trace), Ok(()));
            let events = crate::order::EventReader::new(&trace[..], profile)
                .unwrap()
                .count();
            let differs = compare(&trace, &other).unwrap_err();
            assert!(differs.contains("differs at event"), "{differs}");
            let cut = &trace[..trace.len() - 1];
            let early = compare(&trace, cut).unwrap_err();
            assert!(
                early.contains("chunked Some(\"") || early.contains("whole Some(\""),
                "{early}"
            );
            let none = compare(&trace, &trace[..0]).unwrap_err();
            assert!(
                none.contains("at event 0") && none.contains("BadHeader"),
                "{none}"
            );
            assert!(events > 10, "{events} events");
        }
    }
}

/// A scenario that uses only go 1.22 events, rendered in every version's encoding, parses
/// to the same listing but for the documented differences (Sync clocks, GoStatusStack).
/// Each run compares the go 1.22 rendering with one later version's, chosen by the input:
/// rendering and listing all four every run doubled its cost while the fuzzer could vary
/// the version itself.
pub mod version_invariance {
    use super::*;

    /// This target at the type level (see [`Input`]).
    pub struct Name;

    /// The versions a go 1.22 rendering is compared with.
    const LATER: [Version; 3] = [Version::Go123, Version::Go125, Version::Go126];

    /// Draws a go 1.22-only config, a seed and a later version, then compares the go 1.22
    /// rendering with that version's.
    pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
        let (config, seed) = draw(u);
        let later = u.choose(&LATER).copied().unwrap_or(Version::Go126);
        same_listings(config, seed, &[Version::Go122, later])
    }

    /// Compares all four renderings.
    pub fn run_every_version(u: &mut Unstructured<'_>) -> Result<(), String> {
        let (config, seed) = draw(u);
        same_listings(config, seed, &Version::V2)
    }

    /// Whether `config` and `seed` rendered in each of `versions` list the same.
    fn same_listings(
        mut config: crate::gen::Config,
        seed: u64,
        versions: &[Version],
    ) -> Result<(), String> {
        let mut first: Option<(Version, String)> = None;
        for &version in versions {
            config.version = version;
            let bytes = crate::gen::generate(&config, seed);
            let neutral = crate::jsonl::neutral_listing(&bytes, Toolchain::Go1_27)
                .map_err(|e| format!("{config:?} seed {seed}: {e}"))?;
            match &first {
                None => first = Some((version, neutral)),
                Some((v, expected)) if *expected != neutral => {
                    let (want, got): (Vec<&str>, Vec<&str>) =
                        (expected.lines().collect(), neutral.lines().collect());
                    let i = (0..want.len().max(got.len()))
                        .find(|&i| want.get(i) != got.get(i))
                        .unwrap_or(0);
                    return Err(format!(
                        "{config:?} seed {seed}: {v} and {version} listings differ at line {i}: {:?} vs {:?}",
                        want.get(i),
                        got.get(i)
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    fn draw(u: &mut Unstructured<'_>) -> (crate::gen::Config, u64) {
        draw_go122_scenario(u)
    }

    /// The scenario in every version's encoding, for reproducers.
    pub fn traces(u: &mut Unstructured<'_>) -> Vec<(String, Vec<u8>)> {
        let (mut config, seed) = draw(u);
        Version::V2
            .into_iter()
            .map(|version| {
                config.version = version;
                (
                    format!("{version}-seed-{seed}"),
                    crate::gen::generate(&config, seed),
                )
            })
            .collect()
    }
}

/// The go 1.22-only scenario of an input to [`version_invariance`].
fn draw_go122_scenario(u: &mut Unstructured<'_>) -> (crate::gen::Config, u64) {
    let (mut config, seed) = draw_config(u);
    config.features.coroutines = false;
    config.features.alloc_free = false;
    (config, seed)
}

/// A generated corruption: under every Go release that reads its version, the reference
/// rejects it with exactly the error its corruption names (or accepts it where that
/// release is documented to). Each run checks one of those releases, chosen by the input,
/// as `parse_never_panics` does: reading the trace once per release multiplied every run's
/// cost while the fuzzer could vary the release itself.
pub mod invalid_is_rejected {
    use super::*;

    /// This target at the type level (see [`Input`]).
    pub struct Name;
    use crate::corrupt::{reference_error, Corruption};

    /// Draws a corruption, a seed, a version and a release that reads it, then checks the
    /// property under that release.
    pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
        // No trace within reach holds what the corruption needs: nothing to check.
        let Some(corrupted) = draw(u)? else {
            return Ok(());
        };
        let Ok((profile, expect)) = u.choose(&corrupted.expect) else {
            return Ok(());
        };
        agrees(&corrupted, *profile, expect.as_ref())
    }

    /// Checks the property under every release that reads the trace's version.
    pub fn run_every_release(u: &mut Unstructured<'_>) -> Result<(), String> {
        let Some(corrupted) = draw(u)? else {
            return Ok(());
        };
        corrupted
            .expect
            .iter()
            .try_for_each(|(profile, expect)| agrees(&corrupted, *profile, expect.as_ref()))
    }

    /// Whether the reference, as `profile`, reports what the corruption expects.
    fn agrees(
        corrupted: &crate::corrupt::Corrupted,
        profile: Toolchain,
        expect: Option<&crate::corrupt::Expect>,
    ) -> Result<(), String> {
        let got = reference_error(&corrupted.bytes, profile);
        let agrees = match (expect, &got) {
            (Some(expect), Some(error)) => expect.matches(&error.kind),
            (None, None) => true,
            _ => false,
        };
        if agrees {
            return Ok(());
        }
        Err(format!(
            "{} seed {} ({profile}): expected {:?}, the reference says {:?}",
            corrupted.corruption.name(),
            corrupted.seed,
            expect.map(ToString::to_string),
            got.map(|e| e.to_string())
        ))
    }

    /// A corruption, a seed and a version, applied.
    pub(super) fn draw(
        u: &mut Unstructured<'_>,
    ) -> Result<Option<crate::corrupt::Corrupted>, String> {
        let corruption = *u.choose(Corruption::ALL).map_err(|e| e.to_string())?;
        let seed = u64::arbitrary(u).unwrap_or(0);
        let version = u.choose(corruption.versions()).ok().copied();
        Ok(corruption.apply(seed, version).ok())
    }

    /// The corrupted trace, for reproducers.
    pub fn traces(u: &mut Unstructured<'_>) -> Vec<(String, Vec<u8>)> {
        match draw(u) {
            Ok(Some(c)) => vec![(format!("{}-seed-{}", c.corruption.name(), c.seed), c.bytes)],
            _ => Vec::new(),
        }
    }
}

/// The reference against Go itself: a generated, corrupted or arbitrary trace gets the same
/// accept/reject, the same events (byte for byte, as `go tool trace -d=parsed` prints them)
/// and the same first line of error from Go 1.27.3 as from `dump --as go1.27`. Go runs as
/// the conformance runner's persistent Go testee (`go-pipe@1.27.3`); without a cached Go
/// toolchain the target does nothing, after a one-line notice.
pub mod differential_go {
    use super::*;
    use crate::conform::pipe::PipeTestee;
    use crate::conform::{Case, Dialect, Origin, Testee};
    use std::sync::{Mutex, OnceLock};

    /// This target at the type level (see [`Input`]).
    pub struct Name;

    const PROFILE: Toolchain = Toolchain::Go1_27;

    /// The Go testee, started on first use; `None` (after a notice) when there is no Go.
    fn go() -> Option<&'static Mutex<PipeTestee>> {
        static TESTEE: OnceLock<Option<Mutex<PipeTestee>>> = OnceLock::new();
        TESTEE
            .get_or_init(|| {
                let started = crate::toolchains::find(PROFILE)
                    .ok_or_else(|| "no cached Go toolchain (scripts/go-toolchains.sh)".to_string())
                    .and_then(|go| {
                        crate::conform::gotestee::spawn(
                            &go,
                            PROFILE,
                            std::time::Duration::from_secs(20),
                        )
                        .map_err(|e| e.to_string())
                    });
                match started {
                    Ok(testee) => Some(Mutex::new(testee)),
                    Err(why) => {
                        eprintln!("differential_go: {why}: nothing to compare, every input passes");
                        None
                    }
                }
            })
            .as_ref()
    }

    /// A generated valid trace, a corrupted one, or bytes as `parse_never_panics` makes them.
    fn draw(u: &mut Unstructured<'_>) -> Vec<u8> {
        match u.int_in_range(0..=2u8).unwrap_or(0) {
            0 => {
                let (config, seed) = draw_config(u);
                crate::gen::generate(&config, seed)
            }
            1 => invalid_is_rejected::draw(u)
                .ok()
                .flatten()
                .map(|c| c.bytes)
                .unwrap_or_default(),
            _ => parse_never_panics::input(u),
        }
    }

    /// The trace compared, for reproducers.
    pub fn traces(u: &mut Unstructured<'_>) -> Vec<(String, Vec<u8>)> {
        vec![("input".to_string(), draw(u))]
    }

    /// Runs both and compares.
    pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
        let bytes = draw(u);
        let Some(go) = go() else {
            return Ok(());
        };
        // Old-format (go 1.11-1.21) headers go to Go's converter, which the reference does
        // not reproduce (a listed divergence of the conformance run).
        if crate::version::scan_header(&bytes).is_some_and(|h| h.number < 22) {
            return Ok(());
        }
        let ours = crate::conform::reference::run(&bytes, PROFILE, false, Dialect::Go(PROFILE));
        let case = Case {
            name: "differential_go".into(),
            bytes,
            origin: Origin::Corpus("fuzz input".into()),
        };
        let answer = go
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .run(&case)
            .map_err(|e| format!("Go {e}"))?;
        if answer.accepted != ours.accepted {
            return Err(format!(
                "Go {} it, the reference {} it ({:?})",
                if answer.accepted {
                    "accepts"
                } else {
                    "rejects"
                },
                if ours.accepted { "accepts" } else { "rejects" },
                answer.error.lines().next().unwrap_or(&ours.message)
            ));
        }
        if answer.events != ours.events {
            let go_lines: Vec<&[u8]> = answer.events.split(|&b| b == b'\n').collect();
            let our_lines: Vec<&[u8]> = ours.events.split(|&b| b == b'\n').collect();
            let line = go_lines
                .iter()
                .zip(&our_lines)
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| go_lines.len().min(our_lines.len()));
            let show = |lines: &[&[u8]]| {
                lines
                    .get(line)
                    .map(|l| l.escape_ascii().to_string())
                    .unwrap_or_else(|| "(no line)".into())
            };
            return Err(format!(
                "events differ at line {line}: Go {}, the reference {}",
                show(&go_lines),
                show(&our_lines)
            ));
        }
        // The first line of each; a duplicate-id message ends in the two values as Go's
        // `%v` prints its internal structures, which the reference does not imitate.
        let first = |text: &str| {
            let line = text.lines().next().unwrap_or_default();
            line.split(", new=").next().unwrap_or(line).to_string()
        };
        let go_may_say = |text: &str| {
            std::iter::once(&ours.message)
                .chain(&ours.messages_instead)
                .any(|m| first(m) == first(text))
        };
        if !answer.accepted && !go_may_say(&answer.error) {
            return Err(format!(
                "errors differ: Go {:?}, the reference {:?}",
                first(&answer.error),
                first(&ours.message)
            ));
        }
        Ok(())
    }
}

/// A target's property body.
pub type Body = fn(&mut Unstructured<'_>) -> Result<(), String>;

/// The traces an input to a target builds and checks: `(name, bytes)` pairs.
pub type Traces = fn(&mut Unstructured<'_>) -> Vec<(String, Vec<u8>)>;

/// One fuzz target: its name, property and the traces its inputs build.
#[derive(Clone, Copy)]
pub struct Target {
    /// The name, as `cargo fuzz run` knows it.
    pub name: &'static str,
    /// The property.
    pub run: Body,
    /// The traces an input builds, for reproducers.
    pub traces: Traces,
}

/// Every fuzz target, in `fuzz/fuzz_targets/`.
pub const ALL: [Target; 7] = [
    Target {
        name: "parse_never_panics",
        run: parse_never_panics::run,
        traces: parse_never_panics::traces,
    },
    Target {
        name: "valid_is_accepted",
        run: valid_is_accepted::run,
        traces: valid_is_accepted::traces,
    },
    Target {
        name: "text_roundtrip",
        run: text_roundtrip::run,
        traces: text_roundtrip::traces,
    },
    Target {
        name: "incremental_parse",
        run: incremental_parse::run,
        traces: incremental_parse::traces,
    },
    Target {
        name: "version_invariance",
        run: version_invariance::run,
        traces: version_invariance::traces,
    },
    Target {
        name: "invalid_is_rejected",
        run: invalid_is_rejected::run,
        traces: invalid_is_rejected::traces,
    },
    Target {
        name: "differential_go",
        run: differential_go::run,
        traces: differential_go::traces,
    },
];

/// The target named `name`.
pub fn find(name: &str) -> Option<Target> {
    ALL.into_iter().find(|t| t.name == name)
}

impl Target {
    /// Checks the property on `data`; on a violation, when `RUST_LOG` asks for debug
    /// output, first writes the case out for people (see [`Target::write_case`]).
    pub fn check(&self, data: &[u8]) -> Result<(), String> {
        let result = (self.run)(&mut Unstructured::new(data));
        if let Err(violation) = &result {
            if debug_requested() {
                let dir = debug_dir(self.name);
                match self.write_case(data, violation, &dir) {
                    Ok(folder) => eprintln!("{}: case written to {}", self.name, folder.display()),
                    Err(e) => eprintln!("{}: cannot write the case: {e}", self.name),
                }
            }
        }
        result
    }

    /// A paste-able reproducer of an input: a named regression test for
    /// `harness/tests/regressions.rs` and the commands that replay the input.
    pub fn reproducer(&self, data: &[u8]) -> String {
        let mut literal = String::with_capacity(data.len() * 2 + 2);
        literal.push_str("b\"");
        for &b in data {
            literal.extend(std::ascii::escape_default(b).map(char::from));
        }
        literal.push('"');
        format!(
            "// {name}: {len}-byte input. Keep it with\n\
             //   write it to corpus/regressions/{name}/<what-broke> and replay it with\n\
             //   cargo fuzz run -s none {name} corpus/regressions/{name}/<what-broke>\n\
             // then paste into harness/tests/regressions.rs:\n\
             /// <what went wrong and why; what fixed it>\n\
             #[test]\n\
             fn what_broke() {{\n\
             \x20   let data: &[u8] = {literal};\n\
             \x20   let target = trace_harness::targets::find(\"{name}\").unwrap();\n\
             \x20   (target.run)(&mut arbitrary::Unstructured::new(data)).unwrap();\n\
             }}\n",
            name = self.name,
            len = data.len(),
        )
    }

    /// Writes a failing input for people into a new folder under `dir`, named after a hash
    /// of the input: `input.bin` (the fuzz input), `violation.txt`, `reproducer.rs`, and
    /// for each trace the input builds `<name>.trace`, its raw text form `<name>.txt` and a
    /// Go golden test `<name>.test` (SUCCESS, or FAILURE with the message that the
    /// reference says Go gives). Returns the folder.
    pub fn write_case(
        &self,
        data: &[u8],
        violation: &str,
        dir: &std::path::Path,
    ) -> std::io::Result<std::path::PathBuf> {
        let folder = dir.join(format!("case-{:016x}", fnv1a(data)));
        std::fs::create_dir_all(&folder)?;
        std::fs::write(folder.join("input.bin"), data)?;
        std::fs::write(folder.join("violation.txt"), format!("{violation}\n"))?;
        std::fs::write(folder.join("reproducer.rs"), self.reproducer(data))?;
        for (name, bytes) in (self.traces)(&mut Unstructured::new(data)) {
            std::fs::write(folder.join(format!("{name}.trace")), &bytes)?;
            let Some((text, reader)) = crate::golden::trace_text_for_golden(&bytes) else {
                continue;
            };
            std::fs::write(folder.join(format!("{name}.txt")), &text)?;
            let comment = format!(
                "For the golden test runner of {reader}'s internal/trace.\n\
                 Built by fuzz target {} from {}/input.bin: {}",
                self.name,
                folder.display(),
                violation.lines().next().unwrap_or_default()
            );
            let test = match crate::corrupt::reference_error(&bytes, reader) {
                None => crate::golden::write_success_test(&comment, &text),
                Some(e) => crate::golden::write_failure_test(
                    &comment,
                    &regex::escape(&e.kind.go_message(reader)),
                    &text,
                ),
            };
            std::fs::write(folder.join(format!("{name}.test")), test)?;
        }
        Ok(folder)
    }
}

/// True when `RUST_LOG` asks for debug (or trace) output.
pub fn debug_requested() -> bool {
    std::env::var("RUST_LOG").is_ok_and(|v| {
        let v = v.to_ascii_lowercase();
        v.contains("debug") || v.contains("trace")
    })
}

/// Where debug cases of `target` go: `$TRACE_HARNESS_DEBUG_DIR`, else cargo-fuzz's
/// artifact folder when run from the repository or `fuzz/`, else `./debug-cases/<target>`.
fn debug_dir(target: &str) -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("TRACE_HARNESS_DEBUG_DIR") {
        return std::path::PathBuf::from(dir).join(target);
    }
    for artifacts in ["fuzz/artifacts", "artifacts"] {
        let dir = std::path::Path::new(artifacts);
        if dir.is_dir() {
            return dir.join(target).join("debug");
        }
    }
    std::path::Path::new("debug-cases").join(target)
}

/// FNV-1a, for stable folder names (the same input, the same name on every machine).
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A fuzz input of target `T`: the raw bytes, whose `Debug` is a paste-able reproducer
/// (what libFuzzer prints for a crashing input and `cargo fuzz fmt` shows).
pub struct Input<'a, T: TargetName>(pub &'a [u8], pub std::marker::PhantomData<T>);

/// Names a target at the type level, for [`Input`].
pub trait TargetName {
    /// The target's name.
    const NAME: &'static str;
}

impl<'a, T: TargetName> Input<'a, T> {
    /// The target.
    pub fn target() -> Target {
        find(T::NAME).expect("every TargetName names a target in ALL")
    }

    /// Checks the property, panicking with the violation (what a fuzz target does).
    pub fn check_or_panic(&self) {
        if let Err(violation) = Self::target().check(self.0) {
            panic!("{violation}");
        }
    }
}

impl<'a, T: TargetName> Arbitrary<'a> for Input<'a, T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Input(rest(u), std::marker::PhantomData))
    }

    fn arbitrary_take_rest(u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Input(u.take_rest(), std::marker::PhantomData))
    }
}

impl<T: TargetName> std::fmt::Debug for Input<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Self::target().reproducer(self.0))
    }
}

macro_rules! target_names {
    ($($module:ident),*) => {$(
        impl TargetName for $module::Name {
            const NAME: &'static str = stringify!($module);
        }
    )*};
}

target_names!(
    parse_never_panics,
    valid_is_accepted,
    invalid_is_rejected,
    text_roundtrip,
    incremental_parse,
    version_invariance,
    differential_go
);
