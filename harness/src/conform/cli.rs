//! `trace-harness conform`: its flags, choosing testees and assembling the suite.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::version::Toolchain;

use super::process::Limits;
use super::report;
use super::run::{self, Options, Outcome};
use super::suite::{self, CaseSpec};
use super::testees::{
    CommandTestee, GoPipeTestee, GoToolTestee, PipeCommandTestee, ReferenceTestee,
};
use super::{Dialect, TesteeFactory};

/// Generated traces per version and corrupted traces per corruption kind when no
/// `--generate` is given: with the corpus and Go's golden tests, over 5,000 cases.
pub const DEFAULT_GENERATE: u64 = 85;

/// Divergent cases minimized per testee when no `--minimize` is given.
pub const DEFAULT_MINIMIZE: usize = 3;

/// Flags of `trace-harness conform`.
#[derive(clap::Args, Debug, Clone)]
pub struct ConformArgs {
    /// A testee: `go@<release>` (a cached Go toolchain's trace tool, one process per case,
    /// e.g. go@1.27.3 or go@1.27), `go-pipe@<release>` (our persistent Go testee built
    /// against that toolchain's parser: the same answers, many times faster),
    /// `reference` or `reference-strict`. Repeatable. With no testee at all: the
    /// reference, reference-strict and every cached Go toolchain.
    #[arg(long = "impl", value_name = "TESTEE")]
    pub testees: Vec<String>,
    /// Any parser as a command: `{}` is the trace file's path; exit status 0 means
    /// accepted; events on standard output in --dialect.
    #[arg(long = "impl-cmd", value_name = "'CMD {}'")]
    pub impl_cmd: Option<String>,
    /// Any parser as a long-running command (run by `sh -c`) that speaks the framed
    /// protocol on stdin/stdout (README, "Pipe testees"); events in --dialect.
    #[arg(long = "impl-pipe", value_name = "'CMD'")]
    pub impl_pipe: Option<String>,
    /// Output of --impl-cmd and --impl-pipe: `go1.NN` (that release's `Event.String()`
    /// lines) or `jsonl` (trace-harness/events JSON lines).
    #[arg(long, value_name = "go1.NN|jsonl", default_value = "go1.27")]
    pub dialect: String,
    /// The name of the --impl-cmd or --impl-pipe testee in reports and in its expected
    /// list file (default: `cmd`, `pipe`).
    #[arg(long = "impl-name", value_name = "NAME")]
    pub impl_name: Option<String>,
    /// Divergent generated and corrupted cases shrunk per testee (0: none); each minimized
    /// case goes beside its reproducer, under `minimized/`.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MINIMIZE)]
    pub minimize: usize,
    /// Also run the `y_`/`n_`/`i_` files of this folder. Repeatable.
    #[arg(long = "suite", value_name = "DIR")]
    pub suites: Vec<PathBuf>,
    /// Leave out the committed corpus and Go's golden tests.
    #[arg(long)]
    pub no_corpus: bool,
    /// Generated valid traces per trace version, and corrupted traces per corruption kind.
    #[arg(long, value_name = "N")]
    pub generate: Option<u64>,
    /// First seed of generated and corrupted cases.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Time limit per case and testee, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub timeout: f64,
    /// Worker threads (default: the number of CPUs).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Output folder: results.jsonl (one line per result, written as they come) and
    /// reproducers of divergent cases under repro/.
    #[arg(long = "out", value_name = "DIR", default_value = "conform-out")]
    pub out_dir: PathBuf,
    /// A report: `md`, `json` or `junit`, and the file to write it to. Repeatable.
    #[arg(long, num_args = 2, value_names = ["FORMAT", "FILE"])]
    pub report: Vec<String>,
    /// The corpus folder (default: `corpus`, else the repository's).
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// The expected-divergence lists (default: `<corpus>/conform/expected`).
    #[arg(long, value_name = "DIR")]
    pub expected_dir: Option<PathBuf>,
    /// Hide the progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// How `conform` can fail before judging anything (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The corpus folder: the one given, else `./corpus`, else the repository's.
fn corpus_dir(given: Option<&Path>) -> PathBuf {
    if let Some(dir) = given {
        return dir.to_path_buf();
    }
    let here = PathBuf::from("corpus");
    if here.join("traces").is_dir() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("corpus")
}

/// The testee a `--impl` value names.
pub fn testee(name: &str, limits: Limits) -> Result<Box<dyn TesteeFactory>, UsageError> {
    match name {
        "reference" => return Ok(Box::new(ReferenceTestee::new(false))),
        "reference-strict" => return Ok(Box::new(ReferenceTestee::new(true))),
        _ => {}
    }
    let (release, persistent) = match (name.strip_prefix("go@"), name.strip_prefix("go-pipe@")) {
        (Some(release), _) => (release, false),
        (_, Some(release)) => (release, true),
        _ => {
            return Err(UsageError(format!(
            "unknown testee {name:?}: use go@<release>, go-pipe@<release>, reference or reference-strict"
        )))
        }
    };
    let toolchain = Toolchain::parse(release).ok_or_else(|| {
        UsageError(format!(
            "unknown Go release {release:?}: use one of {}",
            Toolchain::ALL
                .iter()
                .map(|t| crate::toolchains::release(*t))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let cached = crate::toolchains::release(toolchain);
    if release.matches('.').count() >= 2 && release != cached {
        return Err(UsageError(format!(
            "Go {release} is not a cached release; the cache holds {cached} for go1.{}",
            toolchain.minor()
        )));
    }
    let go = crate::toolchains::find(toolchain).ok_or_else(|| {
        UsageError(format!(
            "Go {cached} is not installed in {} (run scripts/go-toolchains.sh)",
            crate::toolchains::cache_dir().display()
        ))
    })?;
    if persistent {
        return GoPipeTestee::new(toolchain, &go, limits)
            .map(|t| Box::new(t) as Box<dyn TesteeFactory>)
            .map_err(UsageError);
    }
    GoToolTestee::new(toolchain, &go, limits)
        .map(|t| Box::new(t) as Box<dyn TesteeFactory>)
        .map_err(|e| UsageError(e.to_string()))
}

/// The testees of a run.
pub fn testees(
    args: &ConformArgs,
    limits: Limits,
) -> Result<Vec<Box<dyn TesteeFactory>>, UsageError> {
    let mut names = args.testees.clone();
    if names.is_empty() && args.impl_cmd.is_none() && args.impl_pipe.is_none() {
        names.push("reference".into());
        names.push("reference-strict".into());
        for toolchain in Toolchain::ALL {
            if crate::toolchains::find(toolchain).is_some() {
                names.push(format!("go@{}", crate::toolchains::release(toolchain)));
            } else {
                eprintln!(
                    "note: Go {} is not installed; run scripts/go-toolchains.sh to test it",
                    crate::toolchains::release(toolchain)
                );
            }
        }
    }
    let mut out = Vec::new();
    for name in &names {
        out.push(testee(name, limits)?);
    }
    let dialect = || {
        Dialect::parse(&args.dialect).ok_or_else(|| {
            UsageError(format!(
                "unknown --dialect {:?}: use go1.22, go1.23, go1.25, go1.26, go1.27 or jsonl",
                args.dialect
            ))
        })
    };
    if args.impl_cmd.is_some() && args.impl_pipe.is_some() && args.impl_name.is_some() {
        return Err(UsageError(
            "--impl-name names one testee: give it with only one of --impl-cmd and --impl-pipe"
                .into(),
        ));
    }
    if let Some(cmd) = &args.impl_cmd {
        let name = args.impl_name.as_deref().unwrap_or("cmd");
        out.push(Box::new(CommandTestee::new(name, cmd, dialect()?, limits)));
    }
    if let Some(cmd) = &args.impl_pipe {
        let name = args.impl_name.as_deref().unwrap_or("pipe");
        out.push(Box::new(PipeCommandTestee::new(
            name,
            cmd,
            dialect()?,
            limits,
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    for t in &out {
        if !seen.insert(t.name()) {
            return Err(UsageError(format!("testee {} named twice", t.name())));
        }
    }
    Ok(out)
}

/// The suite of a run.
pub fn cases(args: &ConformArgs, corpus: &Path) -> Result<Vec<CaseSpec>, UsageError> {
    let io = |what: &Path, e: std::io::Error| UsageError(format!("{}: {e}", what.display()));
    let mut cases = Vec::new();
    if !args.no_corpus {
        cases.extend(suite::real_traces(corpus).map_err(|e| io(corpus, e))?);
        let conform = corpus.join("conform");
        if conform.is_dir() {
            cases.extend(suite::folder_cases(&conform, "conform/").map_err(|e| io(&conform, e))?);
        }
        for toolchain in Toolchain::ALL {
            let Some(go) = crate::toolchains::find(toolchain) else {
                continue;
            };
            let goroot = crate::toolchains::goroot(&go)
                .map_err(|e| UsageError(format!("{}: go env GOROOT: {e}", go.display())))?;
            let (golden, problems) = suite::golden_cases(&goroot, toolchain);
            for problem in problems {
                eprintln!("note: golden test left out: {problem}");
            }
            cases.extend(golden);
        }
    }
    for dir in &args.suites {
        let name = dir
            .file_name()
            .map_or_else(|| "suite".to_string(), |n| n.to_string_lossy().into_owned());
        cases.extend(suite::folder_cases(dir, &format!("suite/{name}/")).map_err(|e| io(dir, e))?);
    }
    let generate = args.generate.unwrap_or(DEFAULT_GENERATE);
    cases.extend(suite::generated_cases(generate, args.seed));
    cases.extend(suite::corrupted_cases(generate, args.seed));
    let mut seen = std::collections::BTreeSet::new();
    for case in &cases {
        if !seen.insert(case.name()) {
            return Err(UsageError(format!("two cases are named {}", case.name())));
        }
    }
    if cases.is_empty() {
        return Err(UsageError("the suite is empty".into()));
    }
    Ok(cases)
}

/// Runs `conform`: `Ok(true)` when clean (exit 0), `Ok(false)` on any unlisted divergence
/// or unexpected success (exit 1), `Err` for usage and environment errors (exit 2).
pub fn main(args: &ConformArgs) -> Result<bool, UsageError> {
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        return Err(UsageError(
            "--timeout must be a positive number of seconds".into(),
        ));
    }
    let mut reports = Vec::new();
    for pair in args.report.chunks(2) {
        let [format, file] = pair else {
            return Err(UsageError("--report takes FORMAT FILE".into()));
        };
        if !["md", "markdown", "json", "junit", "xml"].contains(&format.as_str()) {
            return Err(UsageError(format!(
                "unknown report format {format:?}: use md, json or junit"
            )));
        }
        reports.push((format.clone(), PathBuf::from(file)));
    }
    let limits = Limits {
        timeout: Duration::from_secs_f64(args.timeout),
        ..Limits::default()
    };
    let corpus = corpus_dir(args.corpus.as_deref());
    let factories = testees(args, limits)?;
    let cases = cases(args, &corpus)?;
    let options = Options {
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
        out_dir: args.out_dir.clone(),
        expected_dir: args
            .expected_dir
            .clone()
            .unwrap_or_else(|| corpus.join("conform").join("expected")),
        progress: !args.quiet,
        max_reproducers: 500,
        max_minimized: args.minimize,
    };
    eprintln!(
        "conform: {} cases x {} testees ({}), {} workers; results in {}",
        cases.len(),
        factories.len(),
        factories
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", "),
        options.jobs,
        options.out_dir.join("results.jsonl").display()
    );
    let outcome = run::run(factories, cases, &options).map_err(UsageError)?;
    print_summary(&outcome);
    for (format, file) in &reports {
        let text = report::render(format, &outcome).unwrap_or_default();
        std::fs::write(file, text).map_err(|e| UsageError(format!("{}: {e}", file.display())))?;
    }
    Ok(outcome.is_clean())
}

/// Prints the matrix and what keeps the run from being clean.
fn print_summary(outcome: &Outcome) {
    println!(
        "{} cases in {:.1} s\n\n{}",
        outcome.cases,
        outcome.wall_seconds,
        report::matrix(outcome)
    );
    for (case, why) in &outcome.build_errors {
        println!("suite error: cannot build {case}: {why}");
    }
    for t in &outcome.testees {
        for (case, what) in t.unlisted.iter().take(50) {
            println!("{}: unlisted divergence: {case}: {what}", t.name);
        }
        if t.unlisted.len() > 50 {
            println!(
                "{}: … {} more unlisted divergences (results.jsonl)",
                t.name,
                t.unlisted.len() - 50
            );
        }
        for (case, entry) in &t.unexpected_successes {
            println!(
                "{}: unexpected success: {case} passes now; take it off {entry}",
                t.name
            );
        }
        for entry in &t.unused_entries {
            eprintln!(
                "note: {}: entry matched no case of this run: {entry}",
                t.name
            );
        }
    }
    let clean = outcome.is_clean();
    println!(
        "\n{}",
        if clean {
            "conform: every divergence is listed"
        } else {
            "conform: FAILED (unlisted divergences or unexpected successes above)"
        }
    );
}
