//! The `trace-harness` command line. Exit status: 0 success, 1 trace rejected, 2 usage or
//! environment error.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use trace_harness::raw::{check_event_in_version, RawReader};
use trace_harness::spec::WireTable;
use trace_harness::text::{self, TextStyle};
use trace_harness::{Error, Toolchain};

#[derive(Parser)]
#[command(
    name = "trace-harness",
    version,
    about = "Conformance and fuzzing harness for Go execution traces (v2)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print a binary trace in Go's raw text form, or assemble text back into a trace.
    ///
    /// Without --assemble: prints `Trace Go1.NN`, then exactly the lines that the chosen Go
    /// release prints with `go tool trace -d=wire` (`-d=2` on 1.22/1.23).
    Wire {
        /// Input: a binary trace, or with --assemble a text trace or Go golden `.test` file.
        file: PathBuf,
        /// Turn text into a binary trace instead.
        #[arg(long)]
        assemble: bool,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Go release whose view to print: go1.22, go1.23, go1.25, go1.26 or go1.27
        /// (default: the release that writes the trace's version).
        #[arg(long = "as", value_name = "PROFILE")]
        profile: Option<String>,
        /// Add `#!` directives so the text assembles back to the exact same bytes.
        #[arg(long)]
        lossless: bool,
        /// Also reject events that the header's version never writes.
        #[arg(long)]
        strict: bool,
    },
    /// Print the ordered events as a Go release's `go tool trace -d=parsed` does.
    Dump {
        /// A binary trace.
        file: PathBuf,
        /// Go release whose parser and output to reproduce: go1.27 (default), go1.26,
        /// go1.25, go1.23 or go1.22 (the last two break time ties by Go map order, which is
        /// random; here by the order threads first appear).
        #[arg(long = "as", value_name = "PROFILE", default_value = "go1.27")]
        profile: String,
        /// Also reject events that the header's version never writes.
        #[arg(long)]
        strict: bool,
        /// Output form: `go` (Go's text, byte for byte) or `jsonl` (versioned JSON lines,
        /// documented in the library's `jsonl` module and the README).
        #[arg(long, default_value = "go")]
        format: String,
    },
    /// Throughput and peak memory of `dump` beside Go's `-d=parsed` on the same file.
    Bench {
        /// A binary trace.
        file: PathBuf,
        /// The `go` command to compare with (default: the cached Go of the profile).
        #[arg(long)]
        go: Option<PathBuf>,
        /// Go release to reproduce and compare with.
        #[arg(long = "as", value_name = "PROFILE", default_value = "go1.27")]
        profile: String,
        /// Runs per side.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Parse and validate a trace as Go's own tests do; print every violation.
    ///
    /// One line per problem: `event N (time T): <Go's message>` for each violation of Go's
    /// validator (N counts the ordered events from 0), `parse error at event N (<where>):
    /// <Go's message>` if the parser stops early; newlines inside a message are written as
    /// `\n`. Then a summary line. Exit 0 only if the trace parsed and nothing was found.
    Check {
        /// A binary trace.
        file: PathBuf,
        /// Go release whose parser and validator to reproduce: go1.27 (default), go1.26 or
        /// go1.25 (go1.23 and go1.22 are not reproduced yet).
        #[arg(long = "as", value_name = "PROFILE", default_value = "go1.27")]
        profile: String,
    },
    /// Generate a valid trace from a seed (first slice: scheduling and coroutine events).
    Gen {
        /// Trace version: 1.22, 1.23, 1.25 or 1.26.
        #[arg(long)]
        version: String,
        /// Seed; the same seed gives the same bytes on every machine.
        #[arg(long)]
        seed: u64,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
        /// Write Go's raw text form instead of binary.
        #[arg(long)]
        text: bool,
    },
    /// Run Go-format golden `.test` files (files or folders of them).
    Golden {
        /// `.test` files, or folders searched for them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Go release whose parser to reproduce (go1.22 to go1.27).
        #[arg(long = "as", value_name = "PROFILE", default_value = "go1.27")]
        profile: String,
    },
}

/// A failure of the command itself, with its exit status.
enum Failure {
    /// The input was rejected (exit 1).
    Rejected(Error),
    /// Bad usage or environment (exit 2).
    Usage(String),
    /// Checks failed (exit 1); the details were printed.
    Checks(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Wire {
            file,
            assemble,
            output,
            profile,
            lossless,
            strict,
        } => {
            if assemble {
                wire_assemble(&file, output.as_deref())
            } else {
                wire_print(
                    &file,
                    output.as_deref(),
                    profile.as_deref(),
                    lossless,
                    strict,
                )
            }
        }
        Command::Check { file, profile } => check(&file, &profile),
        Command::Golden { paths, profile } => golden(&paths, &profile),
        Command::Gen {
            version,
            seed,
            output,
            text,
        } => gen(&version, seed, &output, text),
        Command::Dump {
            file,
            profile,
            strict,
            format,
        } => dump(&file, &profile, strict, &format),
        Command::Bench {
            file,
            go,
            profile,
            runs,
        } => bench(&file, go, &profile, runs),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Rejected(e)) => {
            eprintln!("trace-harness: {e}");
            ExitCode::from(1)
        }
        Err(Failure::Checks(msg)) => {
            eprintln!("trace-harness: {msg}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("trace-harness: {msg}");
            ExitCode::from(2)
        }
    }
}

fn read_input(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))
}

fn open_output(path: Option<&Path>) -> Result<Box<dyn Write>, Failure> {
    Ok(match path {
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
        Some(p) => Box::new(BufWriter::new(std::fs::File::create(p).map_err(|e| {
            Failure::Usage(format!("cannot create {}: {e}", p.display()))
        })?)),
    })
}

fn io_failure(e: std::io::Error) -> Failure {
    Failure::Usage(format!("write failed: {e}"))
}

fn parse_profile(profile: Option<&str>) -> Result<Option<Toolchain>, Failure> {
    profile
        .map(|p| {
            Toolchain::parse(p).ok_or_else(|| {
                Failure::Usage(format!(
                    "unknown profile {p:?}: use go1.22, go1.23, go1.25, go1.26 or go1.27"
                ))
            })
        })
        .transpose()
}

fn wire_print(
    file: &Path,
    output: Option<&Path>,
    profile: Option<&str>,
    lossless: bool,
    strict: bool,
) -> Result<(), Failure> {
    let input = read_input(file)?;
    let toolchain = match parse_profile(profile)? {
        Some(t) => t,
        // The header decides the default view: the release that writes that version.
        None => trace_harness::version::scan_header(&input)
            .and_then(|h| trace_harness::Version::from_number(h.number))
            .filter(|v| !v.is_v1())
            .map_or(Toolchain::Go1_27, Toolchain::writer_of),
    };
    let mut reader = RawReader::new(&input, toolchain).map_err(Failure::Rejected)?;
    let version = reader.version();
    let table: WireTable = *reader.table();
    let style = if lossless {
        TextStyle::Lossless
    } else {
        TextStyle::Go
    };
    let mut out = open_output(output)?;
    let mut line = String::new();
    text::write_preamble(&mut line, version, reader.header(), style);
    out.write_all(line.as_bytes()).map_err(io_failure)?;
    let mut failure = None;
    for item in &mut reader {
        let (offset, event) = match item {
            Ok(ok) => ok,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        if strict {
            if let Err(e) = check_event_in_version(event.ty, version, offset) {
                failure = Some(e);
                break;
            }
        }
        line.clear();
        text::write_event(&mut line, &event, &table, style);
        out.write_all(line.as_bytes()).map_err(io_failure)?;
    }
    out.flush().map_err(io_failure)?;
    match failure {
        Some(e) => Err(Failure::Rejected(e)),
        None => Ok(()),
    }
}

fn wire_assemble(file: &Path, output: Option<&Path>) -> Result<(), Failure> {
    let input = read_input(file)?;
    let bytes = text::assemble(&input).map_err(Failure::Rejected)?;
    let mut out = open_output(output)?;
    out.write_all(&bytes)
        .and_then(|()| out.flush())
        .map_err(io_failure)
}

/// Every `.test` file named, or found (recursively, sorted) under a named folder.
fn golden_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path)
                .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
            let mut children: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            children.sort();
            for child in children.into_iter().rev() {
                if child.is_dir() || child.extension().is_some_and(|x| x == "test") {
                    stack.push(child);
                }
            }
        } else if path.exists() {
            files.push(path);
        } else {
            return Err(Failure::Usage(format!(
                "no such file or folder: {}",
                path.display()
            )));
        }
    }
    Ok(files)
}

fn golden(paths: &[PathBuf], profile: &str) -> Result<(), Failure> {
    let profile = parse_profile(Some(profile))?.unwrap_or(Toolchain::Go1_27);
    let files = golden_files(paths)?;
    let (mut passed, mut failed) = (0, 0);
    for file in &files {
        let input = read_input(file)?;
        match trace_harness::golden::run(&input, profile) {
            Ok(trace_harness::golden::GoldenOutcome::Pass(_)) => {
                passed += 1;
                println!("PASS {}", file.display());
            }
            Ok(trace_harness::golden::GoldenOutcome::Fail(why)) => {
                failed += 1;
                println!("FAIL {}: {why}", file.display());
            }
            Err(e) if matches!(e.kind, trace_harness::ErrorKind::UnsupportedProfile(_)) => {
                return Err(Failure::Usage(e.kind.to_string()));
            }
            Err(e) => {
                failed += 1;
                println!("FAIL {}: {e}", file.display());
            }
        }
    }
    println!("golden: {passed} passed, {failed} failed");
    if failed > 0 {
        return Err(Failure::Checks(format!(
            "{failed} of {} golden files failed",
            files.len()
        )));
    }
    Ok(())
}

/// `n thing` or `n things`.
fn counted(n: u64, thing: &str) -> String {
    format!("{n} {thing}{}", if n == 1 { "" } else { "s" })
}

fn check(file: &Path, profile: &str) -> Result<(), Failure> {
    let profile = parse_profile(Some(profile))?.unwrap_or(Toolchain::Go1_27);
    let input = read_input(file)?;
    let report = trace_harness::validate::check_trace(&input[..], profile)
        .map_err(|e| Failure::Usage(e.kind.to_string()))?;
    // One problem per line, whatever Go's message holds.
    let one_line = |message: &str| message.replace('\n', "\\n");
    let mut out = open_output(None)?;
    for violation in &report.violations {
        writeln!(out, "{}", one_line(&violation.to_string())).map_err(io_failure)?;
    }
    if let Some(e) = &report.error {
        let message = one_line(&e.kind.go_message(profile));
        writeln!(
            out,
            "parse error at event {} ({}): {message}",
            report.events, e.location
        )
        .map_err(io_failure)?;
    }
    let found = format!(
        "{}, {}",
        counted(report.violations.len() as u64, "violation"),
        counted(u64::from(report.error.is_some()), "parse error")
    );
    writeln!(out, "check: {}, {found}", counted(report.events, "event")).map_err(io_failure)?;
    out.flush().map_err(io_failure)?;
    if report.is_clean() {
        Ok(())
    } else {
        Err(Failure::Checks(format!("{}: {found}", file.display())))
    }
}

fn dump(file: &Path, profile: &str, strict: bool, format: &str) -> Result<(), Failure> {
    let profile = parse_profile(Some(profile))?.unwrap_or(Toolchain::Go1_27);
    let jsonl = match format {
        "go" => false,
        "jsonl" => true,
        other => {
            return Err(Failure::Usage(format!(
                "unknown --format {other:?}: use go or jsonl"
            )))
        }
    };
    let input = read_input(file)?;
    if strict {
        strict_check(&input, profile).map_err(Failure::Rejected)?;
    }
    let events =
        trace_harness::order::EventReader::new(&input[..], profile).map_err(|e| match e.kind {
            trace_harness::ErrorKind::UnsupportedProfile(_) => Failure::Usage(e.kind.to_string()),
            _ => Failure::Rejected(e),
        })?;
    let mut out = open_output(None)?;
    let mut line = String::new();
    if jsonl {
        line = trace_harness::jsonl::header(events.version(), profile);
        line.push('\n');
        out.write_all(line.as_bytes()).map_err(io_failure)?;
    }
    for event in events {
        match event {
            Ok(event) => {
                line.clear();
                let written = if jsonl {
                    trace_harness::jsonl::write_event(&mut line, &event, profile)
                } else {
                    trace_harness::dump::try_write_event(&mut line, &event, profile)
                };
                if jsonl {
                    // The go_panic line is part of the listing.
                    out.write_all(line.as_bytes()).map_err(io_failure)?;
                }
                if let Err(panic) = written {
                    // Go crashes here; print what it printed before and report the crash.
                    out.flush().map_err(io_failure)?;
                    let kind = trace_harness::ErrorKind::GoWouldPanic(panic.message);
                    return Err(Failure::Rejected(trace_harness::Error::at(kind, 0)));
                }
                if !jsonl {
                    out.write_all(line.as_bytes()).map_err(io_failure)?;
                }
            }
            Err(e) => {
                out.flush().map_err(io_failure)?;
                eprintln!("{}", e.kind.go_message(profile));
                return Err(Failure::Rejected(e));
            }
        }
    }
    out.flush().map_err(io_failure)
}

/// Strict mode: every event in every batch must exist in the header's version.
fn strict_check(input: &[u8], profile: Toolchain) -> trace_harness::Result<()> {
    let records = trace_harness::records::RecordReader::new(input, profile)?;
    let version = records.version();
    for record in records {
        let record = record?;
        if record.batch_kind(version) != Some(trace_harness::records::BatchKind::Events) {
            continue;
        }
        for event in record.events() {
            let (offset, event) = event?;
            check_event_in_version(event.ty, version, offset)?;
        }
    }
    Ok(())
}

fn bench(file: &Path, go: Option<PathBuf>, profile: &str, runs: usize) -> Result<(), Failure> {
    use trace_harness::bench;
    let profile = parse_profile(Some(profile))?.unwrap_or(Toolchain::Go1_27);
    let input = read_input(file)?;
    let go = match go.or_else(|| trace_harness::toolchains::find(profile)) {
        Some(go) => go,
        None => {
            return Err(Failure::Usage(format!(
                "no Go for {profile}: run scripts/go-toolchains.sh or pass --go"
            )))
        }
    };
    let env_failure = |e: std::io::Error| Failure::Usage(e.to_string());
    let tool = bench::go_trace_tool(&go).map_err(env_failure)?;
    let me = std::env::current_exe().map_err(env_failure)?;
    let size = input.len() as u64;
    let (events, ordering) =
        bench::measure_ordering(&input, profile, runs).map_err(Failure::Rejected)?;
    let ours = bench::measure_command(
        "trace-harness dump",
        || {
            let mut c = std::process::Command::new(&me);
            c.args(["dump", "--as", profile.name()]).arg(file);
            c
        },
        runs,
    )
    .map_err(env_failure)?;
    let theirs = bench::measure_command(
        "go tool trace -d=parsed",
        || {
            let mut c = std::process::Command::new(&tool);
            c.arg(bench::parsed_flag(profile))
                .arg(file)
                .env("TZ", "UTC");
            c
        },
        runs,
    )
    .map_err(env_failure)?;
    println!(
        "trace: {} ({size} bytes, {events} events), profile {profile}, {runs} runs each",
        file.display()
    );
    for m in [&ordering, &ours, &theirs] {
        let rss = if m.peak_rss > 0 {
            format!(", peak RSS {:.1} MiB", m.peak_rss as f64 / 1048576.0)
        } else {
            String::new()
        };
        println!(
            "{:<40} median {:>9.3} ms  best {:>9.3} ms  {:>8.2} MB/s{rss}",
            m.label,
            m.median.as_secs_f64() * 1e3,
            m.best.as_secs_f64() * 1e3,
            m.mb_per_s(size)
        );
    }
    println!(
        "dump vs Go: {:.2}x the throughput, {:.2}x the peak memory",
        theirs.median.as_secs_f64() / ours.median.as_secs_f64().max(1e-9),
        ours.peak_rss as f64 / theirs.peak_rss.max(1) as f64
    );
    Ok(())
}

fn gen(version: &str, seed: u64, output: &Path, as_text: bool) -> Result<(), Failure> {
    let version = trace_harness::Version::parse(version).ok_or_else(|| {
        Failure::Usage(format!(
            "unknown version {version:?}: use 1.22, 1.23, 1.25 or 1.26"
        ))
    })?;
    let config = trace_harness::gen::Config::from_seed(version, seed);
    let bytes = trace_harness::gen::generate(&config, seed);
    let data = if as_text {
        let trace = trace_harness::raw::RawTrace::parse(&bytes, Toolchain::writer_of(version))
            .map_err(Failure::Rejected)?;
        let table =
            WireTable::new(Toolchain::writer_of(version), version).unwrap_or_else(WireTable::full);
        let mut out = String::new();
        text::write_trace(&mut out, &trace, &table, TextStyle::Go);
        out.into_bytes()
    } else {
        bytes
    };
    std::fs::write(output, data)
        .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", output.display())))
}
