//! What each Go release makes of a truncated trace: which events it still emits before
//! its error, and whether the error says the file was cut short. The reference reproduces
//! each release's behaviour (checked live against Go by `tests/corrupt_go.rs`), so these
//! answers are computed from the reference's profiles.

use std::collections::BTreeMap;

use super::layout::Layout;
use super::Corruption;
use crate::order::EventReader;
use crate::version::{Toolchain, Version};

/// How much of a truncated trace one release emits before its error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Emitted {
    /// The cut falls in the first generation, so there is nothing before it.
    FirstGenerationCut,
    /// Only part of the generations before the one the cut falls in.
    PartOfEarlier,
    /// The generations before the cut one but the last of them: the read error of the
    /// cut generation's first batch surfaces while that one is still being read.
    EarlierButTheLast,
    /// Every generation before the cut one, and nothing of it.
    Earlier,
    /// Every generation before the cut one, and part of the cut one.
    EarlierAndPartOfCut,
    /// Every generation, the cut one whole too.
    Everything,
}

impl Emitted {
    /// A short phrase for tables.
    pub fn describe(self) -> &'static str {
        match self {
            Emitted::FirstGenerationCut => "nothing (the first generation is cut)",
            Emitted::PartOfEarlier => "part of the earlier generations",
            Emitted::EarlierButTheLast => "the earlier generations but the last",
            Emitted::Earlier => "the earlier generations",
            Emitted::EarlierAndPartOfCut => "the earlier generations and part of the cut one",
            Emitted::Everything => "every generation, the cut one whole",
        }
    }
}

/// One truncated case as one release reads it.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// What it emitted before the error.
    pub emitted: Emitted,
    /// The error's kind name and whether it says the file was cut short; `None` if the
    /// release accepted the cut trace.
    pub error: Option<(String, bool)>,
}

/// Events per generation in `bytes`' listing as `profile`, up to the first error.
fn events_per_generation(
    bytes: &[u8],
    profile: Toolchain,
) -> (BTreeMap<u64, usize>, Option<crate::Error>) {
    let mut counts = BTreeMap::new();
    let events = match EventReader::new(bytes, profile) {
        Ok(events) => events,
        Err(e) => return (counts, Some(e)),
    };
    for event in events {
        match event {
            Ok(event) => {
                if let Some(table) = &event.table {
                    *counts.entry(table.generation.number).or_insert(0) += 1;
                }
            }
            Err(e) => return (counts, Some(e)),
        }
    }
    (counts, None)
}

/// The generation the cut at `len` falls in: that of the first record not wholly kept
/// (for an EndOfGeneration, the generation it ends).
fn cut_generation(layout: &Layout, len: usize) -> Option<u64> {
    let (_, spans) = layout.encode_with_spans();
    let mut last = None;
    for (record, span) in layout.records.iter().zip(&spans) {
        let gen = record.gen().or(last);
        if span.end > len {
            return gen;
        }
        last = gen;
    }
    None
}

/// What each release that reads it makes of truncation `corruption` applied to `seed` and
/// a trace of `version`; empty when the corruption is not a truncation or does not apply.
pub fn outcomes(corruption: Corruption, version: Version, seed: u64) -> Vec<(Toolchain, Outcome)> {
    if !corruption.truncates() {
        return Vec::new();
    }
    let Ok(case) = corruption.apply(seed, Some(version)) else {
        return Vec::new();
    };
    let original = crate::gen::generate(&case.config, case.seed);
    if !original.starts_with(&case.bytes) {
        return Vec::new();
    }
    let Some(cut) = Layout::parse(&original, case.config.version)
        .and_then(|layout| cut_generation(&layout, case.bytes.len()))
    else {
        return Vec::new();
    };
    Toolchain::ALL
        .into_iter()
        .filter(|p| p.accepts(case.version))
        .map(|p| (p, outcome(&original, &case.bytes, cut, p)))
        .collect()
}

/// What `profile` emits of `cut_bytes`, a prefix of `original` cut in generation `cut`.
fn outcome(original: &[u8], cut_bytes: &[u8], cut: u64, profile: Toolchain) -> Outcome {
    let (whole, _) = events_per_generation(original, profile);
    let (got, error) = events_per_generation(cut_bytes, profile);
    let whole_up_to = |end: u64| {
        whole
            .iter()
            .filter(|(g, _)| **g < end)
            .all(|(g, n)| got.get(g) == Some(n))
    };
    let earlier_whole = whole_up_to(cut);
    let of_cut = got.get(&cut).copied().unwrap_or(0);
    let of_last_earlier = got.get(&cut.wrapping_sub(1)).copied().unwrap_or(0);
    let emitted = if !whole.keys().any(|&g| g < cut) {
        Emitted::FirstGenerationCut
    } else if !earlier_whole {
        if whole_up_to(cut.wrapping_sub(1)) && of_last_earlier == 0 && of_cut == 0 {
            Emitted::EarlierButTheLast
        } else {
            Emitted::PartOfEarlier
        }
    } else if of_cut == 0 {
        Emitted::Earlier
    } else if whole.get(&cut).is_some_and(|&n| of_cut >= n) {
        Emitted::Everything
    } else {
        Emitted::EarlierAndPartOfCut
    };
    let error = error.map(|e| {
        let debug = format!("{:?}", e.kind);
        let end = debug.find([' ', '(', '{']).unwrap_or(debug.len());
        (debug[..end].to_string(), e.kind.is_truncation())
    });
    Outcome { emitted, error }
}

/// The per-release truncation table of the README: for each truncation corruption, each
/// trace version it applies to and each release that reads that version, what it emits before its error over `seeds` seeds, and
/// whether the error says the file was truncated.
pub fn markdown_table(seeds: u64) -> String {
    let mut out = String::from(
        "| Truncation | Trace | Releases | Emitted before the error | Error | Says truncated |\n\
         |---|---|---|---|---|---|\n",
    );
    for &c in Corruption::ALL {
        if !c.truncates() {
            continue;
        }
        for &version in c.versions() {
            let all: Vec<(Toolchain, Outcome)> = (0..seeds)
                .flat_map(|seed| outcomes(c, version, seed))
                .collect();
            // Releases that answer alike share a row.
            let mut rows: Vec<(Vec<Toolchain>, String)> = Vec::new();
            for profile in Toolchain::ALL {
                let mine: Vec<Outcome> = all
                    .iter()
                    .filter(|(p, _)| *p == profile)
                    .map(|(_, o)| o.clone())
                    .collect();
                if mine.is_empty() {
                    continue;
                }
                let cells = cells(&mine);
                match rows.iter_mut().find(|(_, r)| *r == cells) {
                    Some((profiles, _)) => profiles.push(profile),
                    None => rows.push((vec![profile], cells)),
                }
            }
            for (profiles, cells) in rows {
                let names: Vec<&str> = profiles.iter().map(|p| p.name()).collect();
                out.push_str(&format!(
                    "| `{}` | {version} | {} | {cells} |\n",
                    c.name(),
                    names.join(", ")
                ));
            }
        }
    }
    out
}

/// The emitted, error and says-truncated cells of one release's outcomes over the seeds.
fn cells(outcomes: &[Outcome]) -> String {
    let mut emitted: Vec<Emitted> = outcomes.iter().map(|o| o.emitted).collect();
    emitted.sort();
    emitted.dedup();
    let mut errors: Vec<String> = outcomes
        .iter()
        .map(|o| {
            o.error
                .as_ref()
                .map_or("none".into(), |e| format!("`{}`", e.0))
        })
        .collect();
    errors.sort();
    errors.dedup();
    let mut says: Vec<&str> = outcomes
        .iter()
        .map(|o| match o.error {
            Some((_, true)) => "yes",
            Some((_, false)) => "no",
            None => "accepted",
        })
        .collect();
    says.sort();
    says.dedup();
    format!(
        "{} | {} | {}",
        emitted
            .iter()
            .map(|e| e.describe())
            .collect::<Vec<_>>()
            .join(" or "),
        errors.join(" / "),
        says.join(" / ")
    )
}
