//! Shrinking a diverging case to a small one that still diverges, and writing it out as a
//! reproducible test.
//!
//! [`minimize`] works in two stages, each step kept only if the caller's predicate ("does
//! it still diverge?") holds for the result:
//! 1. For a generated or corrupted case whose bytes the generator reproduces from its
//!    origin: a smaller generator [`Config`] (fewer generations, steps, goroutines, Ms,
//!    Ps and stacks, features off, simpler batching and timing), regenerated, and for a
//!    corrupted case the same corruption applied again. The traces stay valid apart from
//!    the corruption itself, so what remains is the divergence, not noise.
//! 2. On any trace that splits into records: dropping whole generations, then single
//!    records (batches, loose records), then every event naming one goroutine, then runs
//!    of events inside batches, halving the run length down to one event (batch sizes are
//!    recomputed). Bytes that do not split into records (a broken header, a cut-off
//!    event) shrink by dropping byte ranges after the header instead.
//!
//! Each predicate call counts against a budget; the same case, predicate and budget always
//! give the same result. [`write_case`] writes a minimized case as a binary trace, a Go
//! golden test file, our lossless text form and a README with the command that replays it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Case, Origin};
use crate::corrupt::layout::{Layout, Record};
use crate::corrupt::Corruption;
use crate::gen::{self, BatchSplit, Config, Features, TimePolicy};
use crate::raw::RawTrace;
use crate::spec::WireTable;
use crate::text::{self, TextStyle};
use crate::version::{Toolchain, Version, HEADER_LEN};

/// Predicate calls [`minimize`] makes at most by default.
pub const DEFAULT_BUDGET: usize = 2000;

/// What [`minimize`] found.
#[derive(Clone, Debug)]
pub struct Minimized {
    /// The smallest case found that still satisfies the predicate (name and origin are
    /// the original's; only the bytes differ).
    pub case: Case,
    /// The generator config after the config stage, when that stage ran.
    pub config: Option<Config>,
    /// The generator seed used with [`Minimized::config`].
    pub seed: Option<u64>,
    /// Size of the original case in bytes.
    pub original_len: usize,
    /// Predicate calls made.
    pub calls: usize,
    /// Whether the original satisfied the predicate at all (if not, nothing was shrunk).
    pub held: bool,
    /// The steps that were kept, in order, e.g. `config: generations 3 -> 1`.
    pub steps: Vec<String>,
}

/// Shrinks `case` while `still_diverges` holds, with at most `budget` predicate calls.
/// Never panics on any input bytes; a case for which the predicate is false at the start
/// comes back unchanged with [`Minimized::held`] false.
pub fn minimize(
    case: &Case,
    still_diverges: &mut dyn FnMut(&Case) -> bool,
    budget: usize,
) -> Minimized {
    let mut s = Shrinker {
        predicate: still_diverges,
        best: case.clone(),
        calls: 0,
        budget,
        steps: Vec::new(),
    };
    let held = s.budget > 0 && {
        s.calls += 1;
        (s.predicate)(case)
    };
    let mut out = Minimized {
        case: case.clone(),
        config: None,
        seed: None,
        original_len: case.bytes.len(),
        calls: s.calls,
        held,
        steps: Vec::new(),
    };
    if !held {
        return out;
    }
    if let Some((config, seed, regen)) = regenerator(case) {
        let config = s.shrink_config(config, seed, &regen);
        out.config = Some(config);
        out.seed = Some(seed);
    }
    if !s.shrink_structure() {
        s.shrink_bytes();
    }
    out.case = s.best;
    out.calls = s.calls;
    out.steps = s.steps;
    out
}

/// How to turn a config back into case bytes: the generator, or the generator and the
/// case's corruption.
type Regen = Box<dyn Fn(&Config, u64) -> Option<Vec<u8>>>;

/// The config and seed that reproduce `case` from its origin, and how to regenerate from
/// another config; `None` when the origin does not reproduce the bytes.
fn regenerator(case: &Case) -> Option<(Config, u64, Regen)> {
    match &case.origin {
        Origin::Generated { version, seed } => {
            let config = Config::from_seed(*version, *seed);
            (config.validate().is_ok() && gen::generate(&config, *seed) == case.bytes).then(|| {
                let regen: Regen =
                    Box::new(|c: &Config, seed| c.validate().ok().map(|()| gen::generate(c, seed)));
                (config, *seed, regen)
            })
        }
        Origin::Corrupted { kind, seed } => {
            let corruption = Corruption::parse(kind)?;
            let versions = std::iter::once(None).chain(corruption.versions().iter().map(Some));
            let found = versions
                .filter_map(|v| corruption.apply(*seed, v.copied()).ok())
                .find(|c| c.bytes == case.bytes)?;
            let regen: Regen = Box::new(move |c: &Config, seed| {
                c.validate().ok()?;
                corruption.apply_to(c.clone(), seed).map(|c| c.bytes)
            });
            Some((found.config, found.seed, regen))
        }
        Origin::Corpus(_) | Origin::GoGolden { .. } => None,
    }
}

struct Shrinker<'p> {
    predicate: &'p mut dyn FnMut(&Case) -> bool,
    best: Case,
    calls: usize,
    budget: usize,
    steps: Vec<String>,
}

/// One way to make a config simpler, with a description of the change.
type ConfigStep = (String, Config);

impl Shrinker<'_> {
    fn exhausted(&self) -> bool {
        self.calls >= self.budget
    }

    /// Keeps `bytes` if they are no longer than the best so far, differ from it, and still
    /// satisfy the predicate.
    fn try_bytes(&mut self, bytes: Vec<u8>, step: impl FnOnce() -> String) -> bool {
        if self.exhausted() || bytes.len() > self.best.bytes.len() || bytes == self.best.bytes {
            return false;
        }
        self.calls += 1;
        let candidate = Case {
            name: self.best.name.clone(),
            bytes,
            origin: self.best.origin.clone(),
        };
        if (self.predicate)(&candidate) {
            self.steps.push(format!(
                "{} ({} -> {} bytes)",
                step(),
                self.best.bytes.len(),
                candidate.bytes.len()
            ));
            self.best = candidate;
            true
        } else {
            false
        }
    }

    /// Stage 1: the smallest config reached by single simplifications that keep the
    /// divergence; returns it.
    fn shrink_config(&mut self, mut config: Config, seed: u64, regen: &Regen) -> Config {
        'progress: loop {
            for (step, candidate) in simpler_configs(&config) {
                if self.exhausted() {
                    break 'progress;
                }
                let Some(bytes) = regen(&candidate, seed) else {
                    continue;
                };
                if self.try_bytes(bytes, || format!("config: {step}")) {
                    config = candidate;
                    continue 'progress;
                }
            }
            break;
        }
        config
    }

    /// Stage 2 on traces that split into records; false when the bytes do not.
    fn shrink_structure(&mut self) -> bool {
        let Some(mut layout) = split(&self.best.bytes) else {
            return false;
        };
        loop {
            let before = self.calls;
            let progress = self.drop_generations(&mut layout)
                | self.drop_records(&mut layout)
                | self.drop_goroutines(&mut layout)
                | self.drop_events(&mut layout);
            if !progress || self.exhausted() || self.calls == before {
                return true;
            }
        }
    }

    /// Keeps `candidate` as the new layout if its bytes still diverge.
    fn try_layout(
        &mut self,
        layout: &mut Layout,
        candidate: Layout,
        step: impl FnOnce() -> String,
    ) -> bool {
        let bytes = candidate.encode();
        if self.try_bytes(bytes, step) {
            *layout = candidate;
            true
        } else {
            false
        }
    }

    fn drop_generations(&mut self, layout: &mut Layout) -> bool {
        let mut progress = false;
        let mut k = generation_ranges(layout).len();
        while k > 0 && !self.exhausted() {
            k -= 1;
            let ranges = generation_ranges(layout);
            let Some(&(gen, ref range)) = ranges.get(k) else {
                continue;
            };
            if ranges.len() < 2 {
                break;
            }
            let mut candidate = layout.clone();
            candidate.records.drain(range.clone());
            progress |= self.try_layout(layout, candidate, || format!("dropped generation {gen}"));
        }
        progress
    }

    fn drop_records(&mut self, layout: &mut Layout) -> bool {
        let mut progress = false;
        let mut i = layout.records.len();
        while i > 0 && !self.exhausted() {
            i -= 1;
            if i >= layout.records.len() {
                continue;
            }
            let mut candidate = layout.clone();
            let removed = candidate.records.remove(i);
            progress |= self.try_layout(layout, candidate, || {
                format!("dropped record {i} ({})", describe(&removed))
            });
        }
        progress
    }

    fn drop_goroutines(&mut self, layout: &mut Layout) -> bool {
        let mut progress = false;
        for g in goroutines(layout) {
            if self.exhausted() {
                break;
            }
            let mut candidate = layout.clone();
            let mut removed = 0;
            for record in &mut candidate.records {
                if let Some(events) = record.events_mut() {
                    let before = events.len();
                    events.retain(|e| !names_goroutine(e, g));
                    removed += before - events.len();
                }
            }
            if removed > 0 {
                progress |= self.try_layout(layout, candidate, || {
                    format!("dropped the {removed} events of goroutine {g}")
                });
            }
        }
        progress
    }

    /// Runs of events inside each batch, from half the batch down to single events.
    fn drop_events(&mut self, layout: &mut Layout) -> bool {
        let mut progress = false;
        let mut r = layout.records.len();
        while r > 0 && !self.exhausted() {
            r -= 1;
            let len = layout.records.get(r).map_or(0, |rec| rec.events().len());
            let mut chunk = (len / 2).max(1);
            while chunk >= 1 && !self.exhausted() {
                let mut start = layout.records.get(r).map_or(0, |rec| rec.events().len());
                while start > 0 && !self.exhausted() {
                    start = start.saturating_sub(chunk);
                    let mut candidate = layout.clone();
                    let Some(events) = candidate.records.get_mut(r).and_then(Record::events_mut)
                    else {
                        break;
                    };
                    let end = (start + chunk).min(events.len());
                    if start >= end {
                        continue;
                    }
                    let n = end - start;
                    events.drain(start..end);
                    progress |= self.try_layout(layout, candidate, || {
                        format!("dropped {n} event(s) at {start} of record {r}")
                    });
                }
                if chunk == 1 {
                    break;
                }
                chunk /= 2;
            }
        }
        progress
    }

    /// Stage 2 for bytes without records: drops byte ranges after the header, from half of
    /// them down to single bytes.
    fn shrink_bytes(&mut self) {
        let keep = HEADER_LEN.min(self.best.bytes.len());
        let mut chunk = ((self.best.bytes.len() - keep) / 2).max(1);
        loop {
            let mut end = self.best.bytes.len();
            while end > keep && !self.exhausted() {
                let start = end.saturating_sub(chunk).max(keep);
                let mut bytes = self.best.bytes.clone();
                bytes.drain(start..end);
                self.try_bytes(bytes, || format!("dropped bytes {start}..{end}"));
                end = start;
            }
            if chunk == 1 || self.exhausted() {
                break;
            }
            chunk /= 2;
        }
    }
}

/// Every single simplification of `c`, most promising first.
fn simpler_configs(c: &Config) -> Vec<ConfigStep> {
    let mut out: Vec<ConfigStep> = Vec::new();
    let mut push = |what: String, f: &dyn Fn(&mut Config)| {
        let mut n = c.clone();
        f(&mut n);
        if n != *c {
            out.push((what, n));
        }
    };
    for g in smaller(c.generations, 1) {
        push(format!("generations {} -> {g}", c.generations), &|n| {
            n.generations = g
        });
    }
    for s in smaller(c.steps_per_generation as u64, 0) {
        push(format!("steps {} -> {s}", c.steps_per_generation), &|n| {
            n.steps_per_generation = s as usize
        });
    }
    for g in smaller(c.goroutines as u64, 0) {
        push(format!("goroutines {} -> {g}", c.goroutines), &|n| {
            n.goroutines = g as usize
        });
    }
    for t in smaller(c.threads as u64, 1) {
        push(format!("threads {} -> {t}", c.threads), &|n| {
            n.threads = t as usize
        });
    }
    for p in smaller(c.procs as u64, 1) {
        push(format!("procs {} -> {p}", c.procs), &|n| {
            n.procs = p as usize
        });
    }
    for s in smaller(c.stacks as u64, 0) {
        push(format!("stacks {} -> {s}", c.stacks), &|n| {
            n.stacks = s as usize
        });
    }
    for name in Features::NAMES {
        push(format!("feature {name} off"), &|n| {
            if let Some(flag) = n.features.flag_mut(name) {
                *flag = false;
            }
        });
    }
    push("batch split -> whole".into(), &|n| {
        n.batch_split = BatchSplit::Whole
    });
    push("time -> spread".into(), &|n| n.time = TimePolicy::Spread);
    push("first generation -> 1".into(), &|n| n.first_generation = 1);
    out
}

/// Candidate smaller values of `v` down to `min`: the minimum, then halfway, then one less.
fn smaller(v: u64, min: u64) -> Vec<u64> {
    let mut out = Vec::new();
    for c in [min, min + (v.saturating_sub(min)) / 2, v.saturating_sub(1)] {
        if c >= min && c < v && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The trace's records, read with the widest table of the newest release that reads every
/// event (so a version mix splits too).
fn split(bytes: &[u8]) -> Option<Layout> {
    [
        Version::Go126,
        Version::Go125,
        Version::Go123,
        Version::Go122,
    ]
    .into_iter()
    .find_map(|v| Layout::parse(bytes, v))
}

/// Each generation's number and its records: from its first batch to the next
/// generation's (trailing loose records, such as EndOfGeneration, belong to it).
fn generation_ranges(layout: &Layout) -> Vec<(u64, std::ops::Range<usize>)> {
    let starts = layout.generation_starts();
    starts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            let end = starts.get(k + 1).copied().unwrap_or(layout.records.len());
            (layout.records[start].gen().unwrap_or(0), start..end)
        })
        .collect()
}

/// Goroutine ids that events name (as `g` or `new_g`), in order of first appearance.
fn goroutines(layout: &Layout) -> Vec<u64> {
    let mut seen = Vec::new();
    for record in &layout.records {
        for e in record.events() {
            for (name, &value) in e.spec().args.iter().zip(e.args.iter()) {
                if is_goroutine_arg(name) && value != u64::MAX && !seen.contains(&value) {
                    seen.push(value);
                }
            }
        }
    }
    seen
}

fn is_goroutine_arg(name: &str) -> bool {
    name == "g" || name == "new_g"
}

fn names_goroutine(e: &crate::raw::RawEvent<'_>, g: u64) -> bool {
    e.spec()
        .args
        .iter()
        .zip(e.args.iter())
        .any(|(name, &value)| is_goroutine_arg(name) && value == g)
}

fn describe(record: &Record) -> String {
    match record {
        Record::Batch { gen, m, events, .. } => {
            let first = events.first().map_or("empty", |e| e.spec().name);
            format!(
                "batch gen={gen} m={m}, {} events from {first}",
                events.len()
            )
        }
        Record::Loose(e) => e.spec().name.to_string(),
    }
}

/// What [`write_case`] says about a minimized case.
#[derive(Clone, Debug, Default)]
pub struct CaseNote {
    /// One-line title.
    pub title: String,
    /// What diverges and why (free text, a few lines).
    pub explanation: String,
    /// Shell commands that replay the divergence from the case folder.
    pub replay: Vec<String>,
    /// For a Go golden FAILURE test: the release whose golden runner reads the file must
    /// reject the trace with an error matching this regular expression. `None` writes a
    /// SUCCESS test.
    pub go_error_pattern: Option<String>,
}

/// Writes `case` into `dir` as `<stem>.trace` (the bytes), `<stem>.test` (a Go golden test
/// file, when the bytes have Go's raw text form), `<stem>.txt` (our lossless text form, as
/// `trace-harness wire --lossless` prints it; `trace-harness wire --assemble` turns it
/// back into the same bytes) and `README.txt`; returns the paths written.
pub fn write_case(
    dir: &Path,
    stem: &str,
    case: &Case,
    minimized: Option<&Minimized>,
    note: &CaseNote,
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let mut write = |name: String, data: &[u8]| -> std::io::Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, data)?;
        written.push(path);
        Ok(())
    };
    write(format!("{stem}.trace"), &case.bytes)?;

    let golden = crate::golden::trace_text_for_golden(&case.bytes).map(|(text, reader)| {
        let comment = format!(
            "For the golden test runner of {reader}'s internal/trace.\n{}\n{}",
            note.title, note.explanation
        );
        match &note.go_error_pattern {
            Some(pattern) => crate::golden::write_failure_test(&comment, pattern, &text),
            None => crate::golden::write_success_test(&comment, &text),
        }
    });
    if let Some(test) = &golden {
        write(format!("{stem}.test"), test.as_bytes())?;
    }
    let lossless = lossless_text(&case.bytes);
    if let Some(text) = &lossless {
        write(format!("{stem}.txt"), text.as_bytes())?;
    }

    let mut readme = String::new();
    let _ = writeln!(readme, "{}\n", note.title);
    let _ = writeln!(readme, "{}\n", note.explanation.trim_end());
    let _ = writeln!(readme, "Case: {} ({} bytes)", case.name, case.bytes.len());
    let _ = writeln!(readme, "Origin: {:?}", case.origin);
    if let Some(m) = minimized {
        let _ = writeln!(
            readme,
            "Minimized from {} to {} bytes with {} predicate calls.",
            m.original_len,
            m.case.bytes.len(),
            m.calls
        );
        if let (Some(config), Some(seed)) = (&m.config, m.seed) {
            let config = serde_json::to_string(config).unwrap_or_default();
            let _ = writeln!(
                readme,
                "Generator config after shrinking (seed {seed}): {config}"
            );
        }
        if !m.steps.is_empty() {
            let _ = writeln!(readme, "Steps kept:");
            for step in &m.steps {
                let _ = writeln!(readme, "  - {step}");
            }
        }
    }
    let _ = writeln!(readme, "\nFiles:");
    let _ = writeln!(readme, "  {stem}.trace  the trace bytes");
    if golden.is_some() {
        let _ = writeln!(
            readme,
            "  {stem}.test   Go golden test file (raw text form; {})",
            if note.go_error_pattern.is_some() {
                "FAILURE"
            } else {
                "SUCCESS"
            }
        );
    }
    if lossless.is_some() {
        let _ = writeln!(
            readme,
            "  {stem}.txt    trace-harness lossless text form (wire --assemble gives the bytes back)"
        );
    }
    if !note.replay.is_empty() {
        let _ = writeln!(readme, "\nReplay (from this folder):");
        for command in &note.replay {
            let _ = writeln!(readme, "  {command}");
        }
    }
    write("README.txt".into(), readme.as_bytes())?;
    Ok(written)
}

/// The lossless text form, read as the newest release whose raw reader gets through it.
fn lossless_text(bytes: &[u8]) -> Option<String> {
    [
        Toolchain::Go1_27,
        Toolchain::Go1_26,
        Toolchain::Go1_25,
        Toolchain::Go1_23,
        Toolchain::Go1_22,
    ]
    .into_iter()
    .find_map(|reader| {
        let trace = RawTrace::parse(bytes, reader).ok()?;
        let table = WireTable::new(reader, trace.version).unwrap_or_else(WireTable::full);
        let mut out = String::new();
        text::write_trace(&mut out, &trace, &table, TextStyle::Lossless);
        // Only a text that assembles back to these very bytes is worth keeping.
        (text::assemble(out.as_bytes()).ok()? == bytes).then_some(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(bytes: Vec<u8>, origin: Origin) -> Case {
        Case {
            name: "t".into(),
            bytes,
            origin,
        }
    }

    #[test]
    fn smaller_values_stay_in_range() {
        assert_eq!(smaller(5, 1), vec![1, 3, 4]);
        assert_eq!(smaller(1, 1), Vec::<u64>::new());
        assert_eq!(smaller(2, 0), vec![0, 1]);
    }

    #[test]
    fn non_traces_shrink_without_panicking() {
        let junk: Vec<u8> = (0..200u32).map(|i| (i * 37 % 251) as u8).collect();
        let c = case(junk, Origin::Corpus("junk".into()));
        // Holds while byte 0x25 is present.
        let m = minimize(&c, &mut |c: &Case| c.bytes.contains(&0x25), 500);
        assert!(m.held);
        assert!(m.case.bytes.contains(&0x25));
        assert!(
            m.case.bytes.len() <= HEADER_LEN + 1,
            "{}",
            m.case.bytes.len()
        );
        for bytes in [vec![], vec![0u8; 3], b"go 1.22 trace\0\0\0\x01".to_vec()] {
            let c = case(bytes, Origin::Corpus("x".into()));
            let m = minimize(&c, &mut |_| true, 100);
            assert!(m.calls <= 100);
        }
    }

    #[test]
    fn a_false_predicate_changes_nothing_and_the_budget_holds() {
        let c = case(
            gen::generate(&Config::from_seed(Version::Go126, 3), 3),
            Origin::Generated {
                version: Version::Go126,
                seed: 3,
            },
        );
        let m = minimize(&c, &mut |_| false, 50);
        assert!(!m.held);
        assert_eq!(m.case.bytes, c.bytes);
        let half = c.bytes.len() / 2;
        let mut calls = 0;
        let m = minimize(
            &c,
            &mut |c: &Case| {
                calls += 1;
                c.bytes.len() > half
            },
            25,
        );
        assert_eq!((m.calls, calls), (25, 25));
        assert!(m.case.bytes.len() > half);
    }
}
