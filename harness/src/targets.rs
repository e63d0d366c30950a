//! The fuzz targets' bodies, one module per property, each with the same shape:
//! `run(&mut Unstructured) -> Result<(), String>`, where `Err` is a violation of the
//! property and running out of input is not. `fuzz/fuzz_targets/<name>.rs` is a thin
//! wrapper around `<name>::run`; `harness/tests/fuzz_smoke.rs` runs each on seeded bytes.

use arbitrary::{Arbitrary, Unstructured};

use crate::version::{Toolchain, Version};

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

    /// Builds the input and checks the property under one Go release's view, chosen by
    /// the input (one release per run keeps each run fast; the fuzzer varies it).
    pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
        let profile = u
            .choose(&Toolchain::ALL)
            .copied()
            .unwrap_or(Toolchain::Go1_27);
        let data = input(u);
        crate::properties::wire_reencodes_as(&data, profile)?;
        crate::properties::generations_are_located_as(&data, profile)?;
        Ok(())
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
/// gives the same bytes.
pub mod valid_is_accepted {
    use super::*;

    /// Draws a config and a seed, then checks the property.
    pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
        let config = crate::gen::Config::arbitrary(u).unwrap_or_default();
        let seed = u64::arbitrary(u).unwrap_or(0);
        crate::properties::generated_trace_is_valid_for(&config, seed)
    }
}

/// Text: what the text reader accepts, written back losslessly, assembles to the same
/// bytes (text -> binary -> text is a fixpoint); and binary -> text -> binary is the
/// identity for any bytes the wire reader accepts.
pub mod text_roundtrip {
    use super::*;

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
}

/// A trace fed to the reader in arbitrary chunks gives the same events and the same error
/// (kind and offset) as when read from one slice.
pub mod incremental_parse {
    use super::*;
    use std::io::Read;

    /// Reads from a slice in chunks whose sizes come from the fuzz input.
    struct Chunked<'a> {
        data: &'a [u8],
        sizes: Vec<usize>,
        next: usize,
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

    /// Every event's listing line, then the error (kind and location), if any.
    fn outcome<R: Read>(reader: R, profile: Toolchain) -> Vec<String> {
        let events = match crate::order::EventReader::new(reader, profile) {
            Ok(events) => events,
            Err(e) => return vec![format!("{:?} at {:?}", e.kind, e.location)],
        };
        let mut lines = Vec::new();
        for event in events {
            match event {
                Ok(event) => {
                    let mut line = String::new();
                    crate::dump::write_event(&mut line, &event, profile);
                    lines.push(line);
                }
                Err(e) => {
                    lines.push(format!("{:?} at {:?}", e.kind, e.location));
                    break;
                }
            }
        }
        lines
    }

    /// A generated trace (maybe cut short) or raw bytes, read whole and in chunks.
    pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
        let profile = *u.choose(&Toolchain::ALL).map_err(|e| e.to_string())?;
        let sizes: Vec<usize> = (0..u.int_in_range(0..=8u8).unwrap_or(0))
            .map(|_| u.int_in_range(1..=70_000usize).unwrap_or(1))
            .collect();
        let data = if u.arbitrary::<bool>().unwrap_or(false) {
            let config = crate::gen::Config::arbitrary(u).unwrap_or_default();
            let mut bytes = crate::gen::generate(&config, u64::arbitrary(u).unwrap_or(0));
            let cut = u.int_in_range(0..=bytes.len()).unwrap_or(bytes.len());
            bytes.truncate(cut);
            bytes
        } else {
            rest(u).to_vec()
        };
        let whole = outcome(&data[..], profile);
        let chunked = outcome(
            Chunked {
                data: &data,
                sizes,
                next: 0,
            },
            profile,
        );
        if whole != chunked {
            let i = whole
                .iter()
                .zip(&chunked)
                .position(|(a, b)| a != b)
                .unwrap_or(whole.len().min(chunked.len()));
            return Err(format!(
                "{profile}: chunked reading differs at event {i}: whole {:?}, chunked {:?}",
                whole.get(i),
                chunked.get(i)
            ));
        }
        Ok(())
    }
}

/// A scenario that uses only go 1.22 events, rendered in every version's encoding, parses
/// to the same listing but for the documented differences (Sync clocks, GoStatusStack).
pub mod version_invariance {
    use super::*;

    /// Draws a go 1.22-only config and a seed, then compares the four renderings.
    pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
        let mut config = crate::gen::Config::arbitrary(u).unwrap_or_default();
        config.features.coroutines = false;
        config.features.alloc_free = false;
        let seed = u64::arbitrary(u).unwrap_or(0);
        let mut first: Option<(Version, Vec<serde_json::Value>)> = None;
        for version in Version::V2 {
            config.version = version;
            let bytes = crate::gen::generate(&config, seed);
            let listing = crate::jsonl::listing(&bytes, Toolchain::Go1_27)
                .map_err(|e| format!("{config:?} seed {seed}: {e}"))?;
            let neutral = crate::jsonl::version_neutral(&listing)?;
            match &first {
                None => first = Some((version, neutral)),
                Some((v, expected)) => {
                    if let Some(i) = (0..expected.len().max(neutral.len()))
                        .find(|&i| expected.get(i) != neutral.get(i))
                    {
                        return Err(format!(
                            "{config:?} seed {seed}: {v} and {version} listings differ at line {i}: {:?} vs {:?}",
                            expected.get(i),
                            neutral.get(i)
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A generated corruption: under every Go release that reads its version, the reference
/// rejects it with exactly the error its corruption names (or accepts it where that
/// release is documented to).
pub mod invalid_is_rejected {
    use super::*;
    use crate::corrupt::{reference_error, Corruption};

    /// Draws a corruption, a seed and a version, then checks the property.
    pub fn run(u: &mut Unstructured<'_>) -> Result<(), String> {
        let corruption = *u.choose(Corruption::ALL).map_err(|e| e.to_string())?;
        let seed = u64::arbitrary(u).unwrap_or(0);
        let version = u.choose(corruption.versions()).ok().copied();
        // No trace within reach holds what the corruption needs: nothing to check.
        let Ok(corrupted) = corruption.apply(seed, version) else {
            return Ok(());
        };
        for (profile, expect) in &corrupted.expect {
            let got = reference_error(&corrupted.bytes, *profile);
            let agrees = match (expect, &got) {
                (Some(expect), Some(error)) => expect.matches(&error.kind),
                (None, None) => true,
                _ => false,
            };
            if !agrees {
                return Err(format!(
                    "{} seed {} ({profile}): expected {:?}, the reference says {:?}",
                    corruption.name(),
                    corrupted.seed,
                    expect.as_ref().map(ToString::to_string),
                    got.map(|e| e.to_string())
                ));
            }
        }
        Ok(())
    }
}
