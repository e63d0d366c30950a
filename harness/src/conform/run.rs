//! The run: parallel workers over the suite, each with its own instance of every testee;
//! verdicts checked against the expected-divergence lists; results written as they come.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use serde::Serialize;

use crate::expected::ExpectedDivergences;
use crate::version::{scan_header, Toolchain, Version};

use super::reference::{self, ReferenceResult};
use super::suite::{CaseSpec, Declared, SuiteCase};
use super::verdict::{judge, Expected, Judgement, Verdict};
use super::{Dialect, Expectation, Origin, TesteeFactory};

/// How to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Worker threads.
    pub jobs: usize,
    /// Folder for `results.jsonl` and reproducers.
    pub out_dir: PathBuf,
    /// Folder of the expected-divergence lists, `<testee>.txt`.
    pub expected_dir: PathBuf,
    /// Show a progress bar (on a terminal only).
    pub progress: bool,
    /// Reproducers written per testee at most.
    pub max_reproducers: usize,
    /// Divergent generated or corrupted cases minimized per testee at most.
    pub max_minimized: usize,
}

/// One (testee, case) result, as written to `results.jsonl`.
#[derive(Clone, Debug, Serialize)]
pub struct CaseResult {
    /// The testee's name.
    pub testee: String,
    /// The case's name.
    pub case: String,
    /// The kind of case (`y`, `n`, `i`, `golden`, `generated`, `corrupted`).
    pub kind: &'static str,
    /// The verdict.
    pub verdict: Verdict,
    /// Details.
    pub detail: String,
    /// The reason from the expected-divergence list, when the case is listed.
    pub listed: Option<String>,
    /// Where its reproducer was written, if one was.
    pub reproducer: Option<String>,
    /// Time the testee took, in milliseconds.
    pub millis: u64,
}

/// Per-testee totals.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TesteeSummary {
    /// The testee's name.
    pub name: String,
    /// Count of each verdict, in [`Verdict::ALL`] order.
    pub counts: Vec<(Verdict, usize)>,
    /// Divergences covered by the list.
    pub listed: usize,
    /// Divergences the list does not cover: `(case, what)`.
    pub unlisted: Vec<(String, String)>,
    /// Listed cases that passed: `(case, entry)`.
    pub unexpected_successes: Vec<(String, String)>,
    /// List entries that matched no case.
    pub unused_entries: Vec<String>,
    /// The list file.
    pub list: String,
}

impl TesteeSummary {
    /// True when nothing unlisted diverged and no listed case passed.
    pub fn is_clean(&self) -> bool {
        self.unlisted.is_empty() && self.unexpected_successes.is_empty()
    }

    /// The count of `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.counts
            .iter()
            .find(|(v, _)| *v == verdict)
            .map_or(0, |(_, n)| *n)
    }
}

/// Everything a run found.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// Cases run.
    pub cases: usize,
    /// Cases the suite failed to build (a harness bug): `(case, why)`.
    pub build_errors: Vec<(String, String)>,
    /// Per testee, in the order given.
    pub testees: Vec<TesteeSummary>,
    /// Every result, in case order.
    pub results: Vec<CaseResult>,
    /// Wall time.
    pub wall_seconds: f64,
}

impl Outcome {
    /// True when every testee's tally is clean and the whole suite was built.
    pub fn is_clean(&self) -> bool {
        self.build_errors.is_empty() && self.testees.iter().all(TesteeSummary::is_clean)
    }
}

/// What workers send back for one case.
struct CaseReport {
    index: usize,
    case: Option<SuiteCase>,
    build_error: Option<String>,
    judgements: Vec<(Judgement, Expected, u64)>,
}

/// The trace version a header names, if it names a known one.
fn header_version(bytes: &[u8]) -> Option<Version> {
    scan_header(bytes).and_then(|h| Version::from_number(h.number))
}

/// Computes reference results once per (profile, strict, dialect) for one case.
struct ReferenceCache<'a> {
    bytes: &'a [u8],
    results: HashMap<(Toolchain, bool, bool), Option<ReferenceResult>>,
}

impl ReferenceCache<'_> {
    /// `None` where the reference panicked (its own row reports that as a crash).
    fn get(
        &mut self,
        profile: Toolchain,
        strict: bool,
        dialect: Dialect,
    ) -> Option<&ReferenceResult> {
        let bytes = self.bytes;
        self.results
            .entry((profile, strict, dialect == Dialect::Jsonl))
            .or_insert_with(|| reference::run_guarded(bytes, profile, strict, dialect).ok())
            .as_ref()
    }
}

/// What testee `factory` must answer for `case`.
fn expected_for(
    case: &SuiteCase,
    factory: &dyn TesteeFactory,
    cache: &mut ReferenceCache<'_>,
) -> Expected {
    let dialect = factory.dialect();
    let profile = dialect.profile();
    let strict = factory.strict();
    let (declared, declared_pattern) = case.declared.expectation(profile, strict);
    if factory.is_reference() {
        // The reference is judged by what cases declare, and generated cases by the model.
        let events = match &case.declared {
            Declared::Generated { listing } if dialect == Dialect::Jsonl => {
                Some(listing.clone().into_bytes())
            }
            _ => None,
        };
        return Expected {
            outcome: declared,
            events,
            events_accepted: true,
            error_pattern: declared_pattern,
        };
    }
    let Some(reference) = cache.get(profile, strict, dialect) else {
        return Expected {
            outcome: Expectation::Either,
            events: None,
            events_accepted: false,
            error_pattern: None,
        };
    };
    let outcome = match declared {
        Expectation::Either => Expectation::Either,
        _ if reference.accepted => Expectation::Accept,
        _ => Expectation::Reject(None),
    };
    let error_pattern = match (&outcome, declared) {
        (Expectation::Reject(_), Expectation::Reject(_)) if declared_pattern.is_some() => {
            declared_pattern
        }
        (Expectation::Reject(_), _) => Some(reference.message_pattern()),
        _ => None,
    };
    Expected {
        outcome,
        events: Some(reference.events.clone()),
        events_accepted: reference.accepted,
        error_pattern,
    }
}

/// Runs every testee over one case.
fn run_case(
    case: &SuiteCase,
    factories: &[Box<dyn TesteeFactory>],
    instances: &mut [Box<dyn super::Testee>],
) -> Vec<(Judgement, Expected, u64)> {
    let version = header_version(&case.case.bytes);
    let mut cache = ReferenceCache {
        bytes: &case.case.bytes,
        results: HashMap::new(),
    };
    let mut out = Vec::with_capacity(factories.len());
    for (factory, instance) in factories.iter().zip(instances.iter_mut()) {
        let dialect = factory.dialect();
        let expected = expected_for(case, factory.as_ref(), &mut cache);
        if let Some(v) = version.filter(|v| !dialect.profile().accepts(*v)) {
            let judgement = Judgement {
                verdict: Verdict::Skipped,
                detail: format!("{} does not read {v} traces", dialect.profile()),
            };
            out.push((judgement, expected, 0));
            continue;
        }
        let start = Instant::now();
        let answer = instance.run(&case.case);
        let mut judgement = judge(&answer, &expected, dialect, factory.go_errors());
        // Go 1.22 and 1.23 break time ties in Go's random map order, which can hand an
        // event to another M: any of a few runs printing the reference's order is a pass.
        let mut reruns = 0;
        while judgement.verdict == Verdict::WrongEvents
            && random_tie_order(dialect)
            && reruns < TIE_RERUNS
        {
            reruns += 1;
            let again = judge(
                &instance.run(&case.case),
                &expected,
                dialect,
                factory.go_errors(),
            );
            if again.verdict != Verdict::WrongEvents {
                judgement = again;
            }
        }
        let millis = start.elapsed().as_millis() as u64;
        out.push((judgement, expected, millis));
    }
    out
}

/// Runs of a testee that breaks ties at random before its listing counts as divergent.
const TIE_RERUNS: usize = 10;

/// Whether a testee of `dialect` breaks time ties in random order (Go 1.22 and 1.23).
fn random_tie_order(dialect: Dialect) -> bool {
    matches!(dialect, Dialect::Go(Toolchain::Go1_22 | Toolchain::Go1_23))
}

/// A file-system-safe form of a case name.
fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The `gen` command that rebuilds a generated or corrupted case, if it is one.
pub fn regenerate_command(origin: &Origin) -> Option<String> {
    match origin {
        Origin::Generated { version, seed } => Some(format!(
            "trace-harness gen --version 1.{} --seed {seed} -o case.trace",
            version.number()
        )),
        Origin::Corrupted { kind, seed } => Some(format!(
            "trace-harness gen --corrupt {kind} --seed {seed} -o case.trace"
        )),
        _ => None,
    }
}

/// Predicate runs that minimizing one case may spend.
const MINIMIZE_BUDGET: usize = 300;

/// Whether a divergent case is worth shrinking: generated and corrupted cases (whose
/// origin also regenerates them) of a testee other than the reference.
fn shrinkable(case: &SuiteCase, factory: &dyn TesteeFactory) -> bool {
    !factory.is_reference()
        && matches!(
            case.case.origin,
            Origin::Generated { .. } | Origin::Corrupted { .. }
        )
}

/// Shrinks a divergent case while a fresh instance of the testee still gets `verdict` on
/// it, judged against the reference's own result for the shrunk bytes (a shrunk case no
/// longer carries the model's listing or the corruption's error), and writes the result
/// into `folder/minimized/` with the command that replays it.
fn write_minimized(
    folder: &Path,
    case: &SuiteCase,
    factory: &dyn TesteeFactory,
    verdict: Verdict,
) -> std::io::Result<()> {
    let mut instance = factory.create().map_err(std::io::Error::other)?;
    let profile = factory.dialect().profile();
    let mut still_diverges = |candidate: &super::Case| {
        if header_version(&candidate.bytes).is_some_and(|v| !profile.accepts(v)) {
            return false;
        }
        let shrunk = SuiteCase {
            case: candidate.clone(),
            declared: Declared::File(Expectation::Accept),
        };
        let mut cache = ReferenceCache {
            bytes: &candidate.bytes,
            results: HashMap::new(),
        };
        let expected = expected_for(&shrunk, factory, &mut cache);
        let answer = instance.run(candidate);
        judge(&answer, &expected, factory.dialect(), factory.go_errors()).verdict == verdict
    };
    let found = super::minimize::minimize(&case.case, &mut still_diverges, MINIMIZE_BUDGET);
    if !found.held {
        return Ok(());
    }
    let accepted = crate::corrupt::reference_error(&found.case.bytes, profile).is_none();
    let stem = if accepted { "y_case" } else { "n_case" };
    let dir = folder.join("minimized");
    let note = super::minimize::CaseNote {
        title: format!(
            "{} on {}, minimized: {verdict}",
            factory.name(),
            case.case.name
        ),
        explanation: format!(
            "{} gets {verdict} on this trace, judged against the reference's {} result.",
            factory.name(),
            profile
        ),
        replay: vec![factory
            .replay_command()
            .replace("{}", &format!("{stem}.trace"))],
        go_error_pattern: crate::corrupt::reference_error(&found.case.bytes, profile)
            .map(|e| regex::escape(&e.kind.go_message(profile))),
    };
    super::minimize::write_case(&dir, stem, &found.case, Some(&found), &note).map(|_| ())
}

/// Writes a reproducer for one non-pass result into `dir`: the trace (named `y_`, `n_` or
/// `i_` by what was expected, so `conform --suite DIR` replays it), a Go golden test, our
/// text form, the expected listing, the verdict and the commands that replay it. Returns
/// the folder. (The run then shrinks some of them: see `write_minimized`.)
pub fn write_reproducer(
    dir: &Path,
    case: &SuiteCase,
    factory: &dyn TesteeFactory,
    judgement: &Judgement,
    expected: &Expected,
) -> std::io::Result<PathBuf> {
    let folder = dir
        .join(file_stem(&factory.name()))
        .join(file_stem(&case.case.name));
    std::fs::create_dir_all(&folder)?;
    let prefix = match expected.outcome {
        Expectation::Accept => "y_",
        Expectation::Reject(_) => "n_",
        Expectation::Either => "i_",
    };
    let trace = folder.join(format!("{prefix}case.trace"));
    std::fs::write(&trace, &case.case.bytes)?;
    if let Some((text, reader)) = crate::golden::trace_text_for_golden(&case.case.bytes) {
        std::fs::write(folder.join("case.txt"), &text)?;
        let comment = format!(
            "Conformance case {} ({} for {}), for the golden test runner of {reader}.",
            case.case.name,
            judgement.verdict,
            factory.name()
        );
        let test = match (&expected.outcome, &expected.error_pattern) {
            (Expectation::Reject(_), pattern) => crate::golden::write_failure_test(
                &comment,
                pattern.as_deref().unwrap_or(".*"),
                &text,
            ),
            _ => crate::golden::write_success_test(&comment, &text),
        };
        std::fs::write(folder.join("case.test"), test)?;
    }
    if let Some(events) = &expected.events {
        std::fs::write(folder.join("expected-events.txt"), events)?;
    }
    let mut verdict = format!("{}: {}\n", judgement.verdict, case.case.name);
    if let Some(pattern) = &expected.error_pattern {
        verdict.push_str(&format!("expected error: /{pattern}/\n"));
    }
    verdict.push_str(&judgement.detail);
    verdict.push('\n');
    std::fs::write(folder.join("verdict.txt"), verdict)?;
    let trace_name = trace.file_name().unwrap_or_default().to_string_lossy();
    let mut replay =
        String::from("#!/bin/sh\n# Replays one conformance case.\ncd \"$(dirname \"$0\")\"\n");
    if let Some(regenerate) = regenerate_command(&case.case.origin) {
        replay.push_str(&format!("# Rebuild the trace: {regenerate}\n"));
    }
    replay.push_str(&format!(
        "{}\n# Or through the runner: trace-harness conform --impl {} --no-corpus --generate 0 --suite .\n",
        factory.replay_command().replace("{}", &trace_name),
        factory.name()
    ));
    std::fs::write(folder.join("replay.sh"), replay)?;
    Ok(folder)
}

/// Runs `factories` over `cases`.
pub fn run(
    factories: Vec<Box<dyn TesteeFactory>>,
    cases: Vec<CaseSpec>,
    options: &Options,
) -> Result<Outcome, String> {
    let start = Instant::now();
    let mut lists = Vec::new();
    for factory in &factories {
        let path = options.expected_dir.join(format!("{}.txt", factory.name()));
        lists.push(ExpectedDivergences::load(&path).map_err(|e| e.to_string())?);
    }
    std::fs::create_dir_all(&options.out_dir)
        .map_err(|e| format!("{}: {e}", options.out_dir.display()))?;
    let results_path = options.out_dir.join("results.jsonl");
    let mut results_file = std::fs::File::create(&results_path)
        .map_err(|e| format!("{}: {e}", results_path.display()))?;
    let repro_dir = options.out_dir.join("repro");
    let _ = std::fs::remove_dir_all(&repro_dir);

    // Every worker needs its own instances; fail early if any cannot be made.
    for factory in &factories {
        factory
            .create()
            .map_err(|e| format!("{}: {e}", factory.name()))?;
    }

    let bar = if options.progress && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let bar = indicatif::ProgressBar::new(cases.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} cases, eta {eta}, {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };

    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<CaseReport>();
    let jobs = options.jobs.max(1).min(cases.len().max(1));
    let mut slots: Vec<Option<Vec<CaseResult>>> = vec![None; cases.len()];
    let mut build_errors = Vec::new();
    let mut reproducers = vec![0usize; factories.len()];
    let mut minimized = vec![0usize; factories.len()];
    let mut divergent = 0usize;
    let worker_error = std::sync::Mutex::new(None::<String>);

    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, cases, factories, worker_error) = (&next, &cases, &factories, &worker_error);
            scope.spawn(move || {
                let mut instances = Vec::new();
                for factory in factories.iter() {
                    match factory.create() {
                        Ok(instance) => instances.push(instance),
                        Err(e) => {
                            *worker_error.lock().unwrap_or_else(|p| p.into_inner()) =
                                Some(format!("{}: {e}", factory.name()));
                            return;
                        }
                    }
                }
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(spec) = cases.get(index) else { break };
                    let report = match spec.build() {
                        Ok(case) => CaseReport {
                            index,
                            judgements: run_case(&case, factories, &mut instances),
                            case: Some(case),
                            build_error: None,
                        },
                        Err(e) => CaseReport {
                            index,
                            case: None,
                            build_error: Some(e),
                            judgements: Vec::new(),
                        },
                    };
                    if tx.send(report).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for report in rx {
            bar.inc(1);
            let name = cases[report.index].name();
            if let Some(e) = report.build_error {
                bar.suspend(|| eprintln!("cannot build {name}: {e}"));
                build_errors.push((name, e));
                continue;
            }
            let Some(case) = report.case else { continue };
            let mut results = Vec::new();
            for (t, (judgement, expected, millis)) in report.judgements.into_iter().enumerate() {
                let factory = factories[t].as_ref();
                let listed = lists[t].lookup(&name).map(|e| e.reason.clone());
                let mut reproducer = None;
                if judgement.verdict.is_divergence() {
                    divergent += 1;
                    if reproducers[t] < options.max_reproducers {
                        reproducers[t] += 1;
                        match write_reproducer(&repro_dir, &case, factory, &judgement, &expected) {
                            Ok(path) => {
                                if minimized[t] < options.max_minimized
                                    && shrinkable(&case, factory)
                                {
                                    minimized[t] += 1;
                                    bar.set_message(format!("minimizing {name}"));
                                    if let Err(e) =
                                        write_minimized(&path, &case, factory, judgement.verdict)
                                    {
                                        bar.suspend(|| eprintln!("cannot minimize {name}: {e}"));
                                    }
                                }
                                reproducer = Some(path.display().to_string());
                            }
                            Err(e) => bar.suspend(|| eprintln!("cannot write a reproducer: {e}")),
                        }
                    }
                }
                let result = CaseResult {
                    testee: factory.name(),
                    case: name.clone(),
                    kind: case.declared.label(),
                    verdict: judgement.verdict,
                    detail: judgement.detail,
                    listed,
                    reproducer,
                    millis,
                };
                if let Ok(line) = serde_json::to_string(&result) {
                    let _ = writeln!(results_file, "{line}");
                }
                results.push(result);
            }
            let _ = results_file.flush();
            bar.set_message(format!("{divergent} divergent"));
            slots[report.index] = Some(results);
        }
    });
    bar.finish_and_clear();
    if let Some(e) = worker_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }

    let results: Vec<CaseResult> = slots.into_iter().flatten().flatten().collect();
    let mut testees = Vec::new();
    for (t, factory) in factories.iter().enumerate() {
        let name = factory.name();
        let mut tally = lists[t].tally();
        let mut counts: Vec<(Verdict, usize)> = Verdict::ALL.iter().map(|v| (*v, 0)).collect();
        for result in results.iter().filter(|r| r.testee == name) {
            if let Some(slot) = counts.iter_mut().find(|(v, _)| *v == result.verdict) {
                slot.1 += 1;
            }
            if result.verdict == Verdict::Skipped {
                continue;
            }
            let divergence = result.verdict.is_divergence().then(|| {
                let detail = result.detail.lines().next().unwrap_or_default();
                format!("{} {detail}", result.verdict)
            });
            tally.record(&result.case, divergence);
        }
        testees.push(TesteeSummary {
            name,
            counts,
            listed: tally.expected.len(),
            unlisted: tally.unlisted.clone(),
            unexpected_successes: tally.unexpected_successes.clone(),
            unused_entries: tally
                .unused_entries()
                .iter()
                .map(|e| format!("{}:{}: {}", lists[t].source, e.line, e.pattern))
                .collect(),
            list: lists[t].source.clone(),
        });
    }
    Ok(Outcome {
        cases: cases.len(),
        build_errors,
        testees,
        results,
        wall_seconds: start.elapsed().as_secs_f64(),
    })
}
