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
    /// Throughput and peak memory of our parse+order and `dump` beside Go's parser and
    /// `-d=parsed`, on the same file in one run, with the floors of our parse+order.
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
        /// Only parse+order FILE, streamed from disk, once; print nothing (the child that
        /// `bench` measures for our parse-only peak memory).
        #[arg(long, hide = true)]
        parse_only: bool,
        /// Scaling check: larger traces of FILE's workload (e.g. made with
        /// `scripts/make-bench-traces.sh --scale 1,4,16`). Measures our streamed
        /// parse+order and Go's parse on every file (no dump rows) and reports how time
        /// and peak memory grow with size. May be repeated.
        #[arg(long = "scale-with", value_name = "FILE")]
        scale_with: Vec<PathBuf>,
        /// Times our parse+order of FILE generation by generation (the fastest of --runs
        /// runs, in process): each generation's events, events per thread turn and time
        /// per event, then a fit of time per event against thread turns and the
        /// generation's place in the trace, whose drift term is zero when time grows
        /// linearly with the trace.
        #[arg(long = "per-generation", conflicts_with = "scale_with")]
        per_generation: bool,
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
    /// Generate valid traces: one (-o), a folder of them (--count) or a coverage report
    /// (--coverage).
    ///
    /// The config of each trace is the swarm config drawn from its version and seed, or the
    /// --config file; then every knob flag given overrides its field. The same version,
    /// seed and options give the same bytes on every machine: `gen --version V --seed N
    /// [knobs] -o OUT` reproduces any trace of a --count or --coverage run with the same
    /// knobs.
    Gen(Box<GenArgs>),
    /// Run Go-format golden `.test` files (files or folders of them).
    Golden {
        /// `.test` files, or folders searched for them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Go release whose parser to reproduce (go1.22 to go1.27).
        #[arg(long = "as", value_name = "PROFILE", default_value = "go1.27")]
        profile: String,
    },
    /// Run parsers ("testees") over the conformance suite and judge each case against the
    /// reference and Go; with no testee named, the reference and every cached Go.
    Conform(Box<trace_harness::conform::cli::ConformArgs>),
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
        Command::Gen(args) => gen(*args),
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
            parse_only,
            scale_with,
            per_generation,
        } => {
            if parse_only {
                bench_parse_only(&file, &profile)
            } else if per_generation {
                bench_per_generation(&file, &profile, runs)
            } else if !scale_with.is_empty() {
                bench_scaling(&file, &scale_with, go, &profile, runs)
            } else {
                bench(&file, go, &profile, runs)
            }
        }
        Command::Conform(args) => match trace_harness::conform::cli::main(&args) {
            Ok(true) => Ok(()),
            Ok(false) => Err(Failure::Checks("conformance failures (see above)".into())),
            Err(e) => Err(Failure::Usage(e.to_string())),
        },
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
    // Go 1.22's `go tool trace` checks the header with its old-format parser first, for
    // `-d=2` too: a go 1.22 header must be the runtime's exact 16 bytes, not merely one
    // that `Fscanf` reads (`go 1.022 trace`).
    let lenient_go122 = trace_harness::version::scan_header(&input).is_some_and(|h| {
        h.number == 22 && !input.starts_with(&trace_harness::Version::Go122.header())
    });
    if toolchain == Toolchain::Go1_22 && lenient_go122 {
        let kind = trace_harness::ErrorKind::BadHeader;
        return Err(Failure::Rejected(trace_harness::Error::at(kind, 0)));
    }
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
    if strict {
        strict_check(&read_input(file)?, profile).map_err(Failure::Rejected)?;
    }
    // Streamed (the reader buffers): one generation at a time, whatever the file's size.
    let input = std::fs::File::open(file)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?;
    let mut events =
        trace_harness::order::EventReader::new(input, profile).map_err(|e| match e.kind {
            trace_harness::ErrorKind::UnsupportedProfile(_) => Failure::Usage(e.kind.to_string()),
            _ => Failure::Rejected(e),
        })?;
    let mut out = open_output(None)?;
    let mut line = String::new();
    // Go's text is bytes: names print unquoted, valid UTF-8 or not.
    let mut text = Vec::new();
    if jsonl {
        line = trace_harness::jsonl::header(events.version(), profile);
        line.push('\n');
        out.write_all(line.as_bytes()).map_err(io_failure)?;
    }
    // Go's text gathers in `text` and goes out in large writes, which bypass the writer's
    // own buffer: one copy of every byte instead of two.
    const TEXT_FLUSH: usize = 1 << 16;
    let mut dumper = trace_harness::dump::Dumper::new(profile);
    let mut chunk = Vec::new();
    loop {
        match events.next_events(&mut chunk) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                out.write_all(&text).map_err(io_failure)?;
                out.flush().map_err(io_failure)?;
                eprintln!("{}", e.kind.go_message(profile));
                return Err(Failure::Rejected(e));
            }
        }
        for event in &chunk {
            line.clear();
            let written = if jsonl {
                trace_harness::jsonl::write_event(&mut line, event, profile)
            } else {
                dumper.try_write_event(&mut text, event)
            };
            if jsonl {
                // The go_panic line is part of the listing.
                out.write_all(line.as_bytes()).map_err(io_failure)?;
            }
            if let Err(panic) = written {
                // Go crashes here; print what it printed before and report the crash.
                out.write_all(&text).map_err(io_failure)?;
                out.flush().map_err(io_failure)?;
                let kind = trace_harness::ErrorKind::GoWouldPanic(panic.message);
                return Err(Failure::Rejected(trace_harness::Error::at(kind, 0)));
            }
            if text.len() >= TEXT_FLUSH {
                out.write_all(&text).map_err(io_failure)?;
                text.clear();
            }
        }
    }
    out.write_all(&text).map_err(io_failure)?;
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
    use trace_harness::order::Floor;
    let (profile, go) = bench_profile_and_go(profile, go)?;
    let env_failure = |e: std::io::Error| Failure::Usage(e.to_string());
    let tool = bench::go_trace_tool(&go).map_err(env_failure)?;
    let me = std::env::current_exe().map_err(env_failure)?;
    let size = std::fs::metadata(file)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?
        .len();
    // Runs of five measurements: four children and the in-process one.
    let bar = progress_bar(5 * runs.max(1) as u64);
    // Children first: a child's peak RSS as Linux reports it includes this process's at
    // the time it was spawned, so the file is read in only afterwards.
    let parse_child = measure_parse_child(&me, profile, file, runs, &bar)?;
    let ours = bench::measure_command(
        "trace-harness dump > /dev/null",
        || {
            started(&bar, "our dump");
            let mut c = std::process::Command::new(&me);
            c.args(["dump", "--as", profile.name()]).arg(file);
            c
        },
        runs,
    )
    .map_err(env_failure)?;
    let (go_events, go_parse) = measure_go_parse(&go, file, runs, &bar)?;
    let theirs = bench::measure_command(
        &format!("go tool trace {} > /dev/null", bench::parsed_flag(profile)),
        || {
            started(&bar, "Go's trace tool");
            let mut c = std::process::Command::new(&tool);
            c.arg(bench::parsed_flag(profile))
                .arg(file)
                .env("TZ", "UTC");
            c
        },
        runs,
    )
    .map_err(env_failure)?;
    let input = read_input(file)?;
    bar.set_message("our parse+order in process");
    let (events, ordering) =
        bench::measure_ordering(&input, profile, runs).map_err(Failure::Rejected)?;
    bar.set_message("floors of our parse+order");
    let floors = [Floor::Read, Floor::ReadAndMerge, Floor::ReadMergeAndMake]
        .into_iter()
        .map(|floor| bench::measure_floor(&input, profile, floor, runs))
        .collect::<trace_harness::Result<Vec<_>>>()
        .map_err(Failure::Rejected)?;
    bar.finish_and_clear();
    println!(
        "trace: {} ({size} bytes, {events} events), profile {profile}, {runs} runs each",
        file.display()
    );
    if go_events != events {
        println!("note: Go's parser counted {go_events} events");
    }
    for m in [&ordering, &parse_child, &go_parse, &ours, &theirs] {
        let rss = if m.peak_rss > 0 {
            format!("  peak RSS {:>7.1} MiB", m.peak_rss as f64 / 1048576.0)
        } else {
            String::new()
        };
        let per_cpu_s = if m.cpu.is_zero() {
            String::new()
        } else {
            format!(
                "  cpu {:>9.3} ms  {:>8.2} MB/cpu-s  {:>7.2} M events/cpu-s  fastest cpu {:>9.3} ms",
                m.cpu.as_secs_f64() * 1e3,
                m.mb_per_cpu_s(size),
                events as f64 / 1e6 / m.cpu.as_secs_f64(),
                m.fastest_cpu.as_secs_f64() * 1e3
            )
        };
        println!(
            "{:<46} median {:>9.3} ms  best {:>9.3} ms  {:>8.2} MB/s  {:>7.2} M events/s{per_cpu_s}{rss}",
            m.label,
            m.median.as_secs_f64() * 1e3,
            m.best.as_secs_f64() * 1e3,
            m.mb_per_s(size),
            events as f64 / 1e6 / m.median.as_secs_f64().max(1e-9)
        );
    }
    for floor in &floors {
        println!(
            "{:<46} median {:>9.3} ms  best {:>9.3} ms  cpu {:>9.3} ms  fastest cpu {:>9.3} ms  Go's parse takes {:.2}x its CPU time ({:.2}x fastest)",
            floor.label,
            floor.median.as_secs_f64() * 1e3,
            floor.best.as_secs_f64() * 1e3,
            floor.cpu.as_secs_f64() * 1e3,
            floor.fastest_cpu.as_secs_f64() * 1e3,
            go_parse.cpu.as_secs_f64() / floor.cpu.as_secs_f64().max(1e-9),
            go_parse.fastest_cpu.as_secs_f64() / floor.fastest_cpu.as_secs_f64().max(1e-9),
        );
    }
    println!(
        "floors: parse+order does all that each floor does, and more; Go's parse over a floor's CPU time is the most its ratio could be with this reader, heap and queue"
    );
    note_borrowed_rss(&[&parse_child, &go_parse, &ours, &theirs]);
    let ratio = |go: &bench::Measurement, us: &bench::Measurement| {
        go.median.as_secs_f64() / us.median.as_secs_f64().max(1e-9)
    };
    let cpu_ratio = |go: &bench::Measurement, us: &bench::Measurement| {
        go.cpu.as_secs_f64() / us.cpu.as_secs_f64().max(1e-9)
    };
    let fastest_ratio = |go: &bench::Measurement, us: &bench::Measurement| {
        go.fastest_cpu.as_secs_f64() / us.fastest_cpu.as_secs_f64().max(1e-9)
    };
    let mem = |us: &bench::Measurement, go: &bench::Measurement| {
        us.peak_rss as f64 / go.peak_rss.max(1) as f64
    };
    println!(
        "parse+order vs Go's parse: {:.2}x the throughput (in process; {:.2}x by CPU time, {:.2}x by the fastest runs' CPU time), {:.2}x (streamed child; {:.2}x by CPU time, {:.2}x fastest), {:.2}x the peak memory",
        ratio(&go_parse, &ordering),
        cpu_ratio(&go_parse, &ordering),
        fastest_ratio(&go_parse, &ordering),
        ratio(&go_parse, &parse_child),
        cpu_ratio(&go_parse, &parse_child),
        fastest_ratio(&go_parse, &parse_child),
        mem(&parse_child, &go_parse)
    );
    println!(
        "dump vs Go's -d=parsed: {:.2}x the throughput ({:.2}x by CPU time, {:.2}x by the fastest runs' CPU time), {:.2}x the peak memory",
        ratio(&theirs, &ours),
        cpu_ratio(&theirs, &ours),
        fastest_ratio(&theirs, &ours),
        mem(&ours, &theirs)
    );
    Ok(())
}

/// Says so for each child whose peak RSS may be this process's own peak showing through
/// (see [`trace_harness::bench::Measurement::rss_floor`]) rather than the child's.
fn note_borrowed_rss(children: &[&trace_harness::bench::Measurement]) {
    for m in children {
        if m.peak_rss > 0 && !m.peak_rss_is_own() {
            println!(
                "note: {}: its peak RSS ({:.1} MiB) is no more than this process's own peak ({:.1} MiB), which Linux counts in a child's: the child's own may be less",
                m.label,
                m.peak_rss as f64 / 1048576.0,
                m.rss_floor as f64 / 1048576.0
            );
        }
    }
}

/// The profile `bench` reproduces and the `go` command it compares with.
fn bench_profile_and_go(
    profile: &str,
    go: Option<PathBuf>,
) -> Result<(Toolchain, PathBuf), Failure> {
    let profile = parse_profile(Some(profile))?.unwrap_or(Toolchain::Go1_27);
    let go = go
        .or_else(|| trace_harness::toolchains::find(profile))
        .ok_or_else(|| {
            Failure::Usage(format!(
                "no Go for {profile}: run scripts/go-toolchains.sh or pass --go"
            ))
        })?;
    Ok((profile, go))
}

/// Our streamed parse+order of `file`, run `runs` times as a child (`me bench --parse-only`).
fn measure_parse_child(
    me: &Path,
    profile: Toolchain,
    file: &Path,
    runs: usize,
    bar: &indicatif::ProgressBar,
) -> Result<trace_harness::bench::Measurement, Failure> {
    trace_harness::bench::measure_command(
        "trace-harness parse+order (streamed, child)",
        || {
            started(bar, "our parse+order");
            let mut c = std::process::Command::new(me);
            c.args(["bench", "--parse-only", "--as", profile.name()])
                .arg(file);
            c
        },
        runs,
    )
    .map_err(|e| Failure::Usage(e.to_string()))
}

/// Go's parse of `file` (see [`trace_harness::bench::measure_go_parse`]), its runs counted
/// on `bar` once they are done.
fn measure_go_parse(
    go: &Path,
    file: &Path,
    runs: usize,
    bar: &indicatif::ProgressBar,
) -> Result<(u64, trace_harness::bench::Measurement), Failure> {
    bar.set_message(format!("Go's parse of {}", file.display()));
    let measured = trace_harness::bench::measure_go_parse(go, file, runs)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    bar.inc(runs.max(1) as u64);
    Ok(measured)
}

/// Counts one run of `what` as started on `bar`.
fn started(bar: &indicatif::ProgressBar, what: &str) {
    bar.set_message(what.to_string());
    bar.inc(1);
}

/// `bench FILE --scale-with BIGGER...`: our streamed parse+order and Go's parse on each
/// file, then how CPU time per byte and peak memory grow from the first file.
fn bench_scaling(
    first: &Path,
    others: &[PathBuf],
    go: Option<PathBuf>,
    profile: &str,
    runs: usize,
) -> Result<(), Failure> {
    use trace_harness::bench;
    let (profile, go) = bench_profile_and_go(profile, go)?;
    let env_failure = |e: std::io::Error| Failure::Usage(e.to_string());
    let me = std::env::current_exe().map_err(env_failure)?;
    let files: Vec<&Path> = std::iter::once(first)
        .chain(others.iter().map(PathBuf::as_path))
        .collect();
    println!("scaling, profile {profile}, {runs} runs each; CPU time is user + system");
    println!(
        "{:<44} {:>9} {:>11} {:>10} {:>10} {:>7} {:>12} {:>10} {:>7} {:>10} {:>10} {:>7} {:>11}",
        "trace",
        "MB",
        "events",
        "ours cpu",
        "Go cpu",
        "ratio",
        "ours fastest",
        "Go fastest",
        "ratio",
        "ours RSS",
        "Go RSS",
        "ratio",
        "events/turn"
    );
    // Every child first: a child's peak RSS as Linux reports it includes this process's
    // peak when it was spawned, which the in-process passes below would raise.
    // Per file: our child's runs, Go's, and the in-process ones.
    let bar = progress_bar(3 * (runs.max(1) * files.len()) as u64);
    let mut measured = Vec::new();
    for file in &files {
        let size = std::fs::metadata(file)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?
            .len();
        let ours = measure_parse_child(&me, profile, file, runs, &bar)?;
        let (events, theirs) = measure_go_parse(&go, file, runs, &bar)?;
        measured.push((size, events, ours, theirs));
    }
    let mut rows = Vec::new();
    for (file, (size, events, ours, theirs)) in files.iter().zip(measured) {
        let mib = |m: &bench::Measurement| m.peak_rss as f64 / 1048576.0;
        // How the program's threads interleaved moves our cost per event (see
        // `--per-generation`): in-process passes time each generation and count the
        // orderer's changes of thread.
        bar.set_message(format!("{} generation by generation", file.display()));
        let costs = bench::per_generation(file, profile, runs).map_err(Failure::Rejected)?;
        bar.inc(runs.max(1) as u64);
        let events_per_turn = bench::GenerationCost::total(&costs).events_per_turn();
        bar.suspend(|| println!(
            "{:<44} {:>9.1} {:>11} {:>8.2} s {:>8.2} s {:>6.2}x {:>10.2} s {:>8.2} s {:>6.2}x {:>6.0} MiB {:>6.0} MiB {:>6.2}x {:>11.2}",
            file.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            size as f64 / 1e6,
            events,
            ours.cpu.as_secs_f64(),
            theirs.cpu.as_secs_f64(),
            theirs.cpu.as_secs_f64() / ours.cpu.as_secs_f64().max(1e-9),
            ours.fastest_cpu.as_secs_f64(),
            theirs.fastest_cpu.as_secs_f64(),
            theirs.fastest_cpu.as_secs_f64() / ours.fastest_cpu.as_secs_f64().max(1e-9),
            mib(&ours),
            mib(&theirs),
            ours.peak_rss as f64 / theirs.peak_rss.max(1) as f64,
            events_per_turn
        ));
        bar.suspend(|| note_borrowed_rss(&[&ours, &theirs]));
        rows.push((size, ours, theirs, costs));
    }
    bar.finish_and_clear();
    let (base_size, base_ours, base_theirs, _) = &rows[0];
    for (file, (size, ours, theirs, _)) in files.iter().zip(&rows).skip(1) {
        let scale = *size as f64 / *base_size as f64;
        let growth = |m: &bench::Measurement, base: &bench::Measurement| {
            m.cpu.as_secs_f64() / base.cpu.as_secs_f64().max(1e-9) / scale
        };
        let fastest_growth = |m: &bench::Measurement, base: &bench::Measurement| {
            m.fastest_cpu.as_secs_f64() / base.fastest_cpu.as_secs_f64().max(1e-9) / scale
        };
        println!(
            "{}: {scale:.2}x the bytes; CPU time per byte {:.2}x the first file's (Go: {:.2}x), by the fastest runs {:.2}x (Go: {:.2}x); peak RSS {:.2}x (Go: {:.2}x)",
            file.display(),
            growth(ours, base_ours),
            growth(theirs, base_theirs),
            fastest_growth(ours, base_ours),
            fastest_growth(theirs, base_theirs),
            ours.peak_rss as f64 / base_ours.peak_rss.max(1) as f64,
            theirs.peak_rss as f64 / base_theirs.peak_rss.max(1) as f64
        );
    }
    let sized: Vec<(u64, &[bench::GenerationCost])> =
        rows.iter().map(|r| (r.0, &r.3[..])).collect();
    match bench::fit_size_growth(&sized) {
        Some(fit) => {
            let doublings = (rows.iter().map(|r| r.0).max().unwrap_or(1) as f64
                / (*base_size).max(1) as f64)
                .log2();
            let growth = fit.drift_ns * doublings / fit.mean_ns.max(1e-9);
            println!(
                "at equal interleaving (every generation of every file, in process, fastest of {runs}: {:.2} ns per event + {:.2} ns per change of thread {:+.3} ns per event per doubling of the file): the largest file costs {:+.1}% per event against the first, time grows {}",
                fit.per_event_ns,
                fit.per_turn_ns,
                fit.drift_ns,
                100.0 * growth,
                if growth.abs() <= 0.1 {
                    "linearly (within 10%)"
                } else {
                    "not linearly (more than 10% off)"
                }
            );
        }
        None => {
            println!("at equal interleaving: the files do not tell size and interleaving apart")
        }
    }
    Ok(())
}

/// `bench FILE --per-generation`: our parse+order timed generation by generation.
fn bench_per_generation(file: &Path, profile: &str, runs: usize) -> Result<(), Failure> {
    use trace_harness::bench;
    let profile = parse_profile(Some(profile))?.unwrap_or(Toolchain::Go1_27);
    // A file that cannot be read is the caller's error (exit 2), not a rejected trace.
    std::fs::File::open(file)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?;
    let costs = bench::per_generation(file, profile, runs).map_err(Failure::Rejected)?;
    println!(
        "{}: parse+order per generation, profile {profile}, fastest of {} runs (in process, wall time of the reader's calls)",
        file.display(),
        runs.max(1)
    );
    println!(
        "{:>5} {:>11} {:>10} {:>9} {:>12}",
        "gen", "events", "time", "ns/event", "events/turn"
    );
    for (k, c) in costs.iter().enumerate() {
        println!(
            "{:>5} {:>11} {:>7.2} ms {:>9.2} {:>12.2}",
            k + 1,
            c.events,
            c.time.as_secs_f64() * 1e3,
            c.ns_per_event(),
            c.events_per_turn()
        );
    }
    let all = bench::GenerationCost::total(&costs);
    println!(
        "all: {} generations, {} events, {:.2} ms, {:.2} ns/event, {:.2} events/turn",
        costs.len(),
        all.events,
        all.time.as_secs_f64() * 1e3,
        all.ns_per_event(),
        all.events_per_turn()
    );
    match bench::fit_generation_costs(&costs) {
        Some(fit) => println!(
            "fit: {:.2} ns per event + {:.2} ns per change of thread; from the first generation to the last, {:+.2} ns per event ({:+.1}% of the mean {:.2} ns): time grows with the trace {}",
            fit.per_event_ns,
            fit.per_turn_ns,
            fit.drift_ns,
            100.0 * fit.drift_ns / fit.mean_ns.max(1e-9),
            fit.mean_ns,
            if (fit.drift_ns / fit.mean_ns.max(1e-9)).abs() <= 0.1 {
                "linearly (within 10%)"
            } else {
                "not linearly (more than 10% drift)"
            }
        ),
        None => println!(
            "fit: not enough generations, or too alike in how their threads interleave, to fit"
        ),
    }
    Ok(())
}

/// `bench --parse-only`: parse+order FILE streamed from disk, output discarded.
fn bench_parse_only(file: &Path, profile: &str) -> Result<(), Failure> {
    let profile = parse_profile(Some(profile))?.unwrap_or(Toolchain::Go1_27);
    let f = std::fs::File::open(file)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?;
    let reader = trace_harness::order::EventReader::new(std::io::BufReader::new(f), profile)
        .map_err(Failure::Rejected)?;
    trace_harness::bench::count_events(reader).map_err(Failure::Rejected)?;
    Ok(())
}

/// Options of `gen`.
#[derive(clap::Args)]
struct GenArgs {
    /// Trace version: 1.22, 1.23, 1.25 or 1.26. Overrides a --config file's version. With
    /// --count or --coverage it may be repeated; there it defaults to all four (or the
    /// config file's version, if the file names one).
    #[arg(long = "version", value_name = "V")]
    versions: Vec<String>,
    /// Seed. With --count or --coverage: the first seed (default 0), then one up per trace.
    #[arg(long)]
    seed: Option<u64>,
    /// Output file.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Write Go's raw text form instead of binary (with --count: `.txt` files).
    #[arg(long)]
    text: bool,
    /// Also write the model's expected listing (`trace-harness/events` JSON lines, as `dump
    /// --format jsonl` prints them for go1.27) to FILE; without FILE, and always with
    /// --count, beside the trace as `.expect.jsonl`.
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    expect: Option<Option<PathBuf>>,
    /// Also write a Go golden test file (`SUCCESS`, the trace in raw text form) that Go's
    /// `internal/trace` test runner reads, to FILE; without FILE, and always with --count,
    /// beside the trace as `.test`. Go's text form has no alloc/free experiment events, so
    /// this turns that feature off (for the trace and listing too).
    #[arg(long = "go-test", value_name = "FILE", num_args = 0..=1)]
    go_test: Option<Option<PathBuf>>,
    /// Start from this JSON config (fields it lacks take their defaults) instead of the
    /// config drawn from the seed.
    #[arg(long, value_name = "FILE.json")]
    config: Option<PathBuf>,
    /// Print the resolved config as JSON on standard output.
    #[arg(long, conflicts_with_all = ["count", "coverage"])]
    print_config: bool,
    /// Write N traces per version into --out-dir, named `go1.23-seed000042.trace`.
    #[arg(long, value_name = "N", requires = "out_dir", conflicts_with_all = ["output", "coverage"])]
    count: Option<u64>,
    /// Folder for --count (created if missing).
    #[arg(long, value_name = "DIR", requires = "count")]
    out_dir: Option<PathBuf>,
    /// Generate N traces per version and report which wire event types and state
    /// transitions they hold; exit 1 unless every event type of every version appeared.
    #[arg(
        long,
        value_name = "N",
        conflicts_with_all = ["output", "text", "expect", "go_test"]
    )]
    coverage: Option<u64>,
    /// Write an invalid trace instead: corruption KIND of the catalogue (README, "Invalid
    /// traces") or `random` (one picked from the seed), applied to a valid trace of a config
    /// the corruption picks (config knobs do not apply). --go-test then writes a FAILURE
    /// golden test whose regular expression matches Go's message.
    #[arg(
        long,
        value_name = "KIND|random",
        conflicts_with_all = ["count", "coverage", "text", "expect", "config", "print_config"]
    )]
    corrupt: Option<String>,
    #[command(flatten)]
    knobs: Knobs,
}

/// Flags that override one field of the config each.
#[derive(clap::Args)]
#[command(next_help_heading = "Config knobs (each overrides the seed's or file's value)")]
struct Knobs {
    /// Threads (Ms).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Ps (GOMAXPROCS at the start).
    #[arg(long, value_name = "N")]
    procs: Option<usize>,
    /// Goroutines that exist, runnable, when the trace starts.
    #[arg(long, value_name = "N")]
    goroutines: Option<usize>,
    /// Number of generations.
    #[arg(long, value_name = "N")]
    generations: Option<u64>,
    /// Number of the first generation.
    #[arg(long, value_name = "N")]
    first_generation: Option<u64>,
    /// Model steps per generation.
    #[arg(long, value_name = "N")]
    steps: Option<usize>,
    /// Behaviour families, a comma list of: all, none, coroutines, syscalls, cgo, gc,
    /// annotations, cpu_samples, heap_metrics, procs_change, alloc_free.
    #[arg(long, value_name = "LIST", value_parser = parse_features)]
    features: Option<trace_harness::gen::Features>,
    /// Where batches split: `whole` (one per M per generation) or N (at most N events).
    #[arg(long, value_name = "whole|N", value_parser = parse_batch_split)]
    batch_split: Option<trace_harness::gen::BatchSplit>,
    /// How time advances: spread, ties or large-gaps.
    #[arg(long, value_name = "POLICY", value_parser = parse_time_policy)]
    time: Option<trace_harness::gen::TimePolicy>,
    /// Clock ticks per second.
    #[arg(long, value_name = "HZ")]
    frequency: Option<u64>,
    /// Distinct stacks per generation (0: events carry none).
    #[arg(long, value_name = "N")]
    stacks: Option<usize>,
    /// Rounds of a long pull loop (the long coroutine switch chains).
    #[arg(long, value_name = "N")]
    long_pull_rounds: Option<usize>,
}

fn parse_features(list: &str) -> Result<trace_harness::gen::Features, String> {
    trace_harness::gen::Features::parse_list(list)
}

fn parse_batch_split(value: &str) -> Result<trace_harness::gen::BatchSplit, String> {
    use trace_harness::gen::BatchSplit;
    match value {
        "whole" => Ok(BatchSplit::Whole),
        n => n
            .parse()
            .map(BatchSplit::Every)
            .map_err(|_| format!("use `whole` or a number of events from 1 to {}", u16::MAX)),
    }
}

fn parse_time_policy(value: &str) -> Result<trace_harness::gen::TimePolicy, String> {
    use trace_harness::gen::TimePolicy;
    match value {
        "spread" => Ok(TimePolicy::Spread),
        "ties" => Ok(TimePolicy::Ties),
        "large-gaps" | "large_gaps" => Ok(TimePolicy::LargeGaps),
        _ => Err("use spread, ties or large-gaps".into()),
    }
}

impl Knobs {
    /// Overrides the fields given on the command line.
    fn apply(&self, config: &mut trace_harness::gen::Config) {
        fn set<T: Copy>(field: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *field = value;
            }
        }
        set(&mut config.threads, self.threads);
        set(&mut config.procs, self.procs);
        set(&mut config.goroutines, self.goroutines);
        set(&mut config.generations, self.generations);
        set(&mut config.first_generation, self.first_generation);
        set(&mut config.steps_per_generation, self.steps);
        set(&mut config.features, self.features);
        set(&mut config.batch_split, self.batch_split);
        set(&mut config.time, self.time);
        set(&mut config.frequency, self.frequency);
        set(&mut config.stacks, self.stacks);
        set(&mut config.long_pull_rounds, self.long_pull_rounds);
    }
}

/// Where each trace's config comes from: the --config file or the seed, then the knobs.
struct ConfigSource {
    /// The --config file's config, and whether the file named a version.
    file: Option<(trace_harness::gen::Config, bool)>,
    knobs: Knobs,
}

impl ConfigSource {
    fn new(file: Option<&Path>, knobs: Knobs) -> Result<ConfigSource, Failure> {
        let file = match file {
            None => None,
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
                let bad = |e: serde_json::Error| {
                    Failure::Usage(format!("bad config {}: {e}", path.display()))
                };
                let json: serde_json::Value = serde_json::from_str(&text).map_err(bad)?;
                let names_version = json.get("version").is_some();
                Some((serde_json::from_value(json).map_err(bad)?, names_version))
            }
        };
        Ok(ConfigSource { file, knobs })
    }

    /// The validated config of the trace of `version` and `seed`.
    fn config(
        &self,
        version: trace_harness::Version,
        seed: u64,
    ) -> Result<trace_harness::gen::Config, Failure> {
        let mut config = match &self.file {
            Some((file, _)) => trace_harness::gen::Config {
                version,
                ..file.clone()
            },
            None => trace_harness::gen::Config::from_seed(version, seed),
        };
        self.knobs.apply(&mut config);
        config
            .validate()
            .map_err(|e| Failure::Usage(format!("invalid config: {e}")))?;
        Ok(config)
    }

    /// The versions to generate: those named with --version, else the config file's, else
    /// (`several` allowed) all four.
    fn versions(
        &self,
        named: &[String],
        several: bool,
    ) -> Result<Vec<trace_harness::Version>, Failure> {
        use trace_harness::Version;
        let mut versions = named
            .iter()
            .map(|v| {
                Version::parse(v)
                    .filter(|v| Version::V2.contains(v))
                    .ok_or_else(|| {
                        Failure::Usage(format!(
                            "unknown version {v:?}: use 1.22, 1.23, 1.25 or 1.26"
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        versions.sort();
        versions.dedup();
        if versions.len() > 1 && !several {
            return Err(Failure::Usage(
                "one --version per trace (several only with --count or --coverage)".into(),
            ));
        }
        if versions.is_empty() {
            versions = match &self.file {
                Some((config, true)) => vec![config.version],
                Some((config, false)) if !several => vec![config.version],
                _ if several => Version::V2.to_vec(),
                _ => return Err(Failure::Usage("give --version V or --config FILE".into())),
            };
        }
        Ok(versions)
    }
}

fn gen(args: GenArgs) -> Result<(), Failure> {
    let GenArgs {
        versions,
        seed,
        output,
        text,
        expect,
        go_test,
        config,
        print_config,
        count,
        out_dir,
        coverage,
        corrupt,
        knobs,
    } = args;
    if let Some(kind) = corrupt {
        return gen_corrupt(&kind, &versions, seed, output, go_test);
    }
    let source = ConfigSource::new(config.as_deref(), knobs)?;
    if let Some(traces) = coverage {
        let versions = source.versions(&versions, true)?;
        return gen_coverage(&source, &versions, seed.unwrap_or(0), traces);
    }
    let outputs = GenOutputs {
        text,
        expect: expect.is_some(),
        go_test: go_test.is_some(),
    };
    if let (Some(count), Some(dir)) = (count, out_dir) {
        if let Some(Some(file)) = expect.as_ref().or(go_test.as_ref()) {
            return Err(Failure::Usage(format!(
                "with --count, --expect and --go-test take no FILE ({} given): \
                 their files go beside each trace",
                file.display()
            )));
        }
        let versions = source.versions(&versions, true)?;
        return gen_many(&source, &versions, seed.unwrap_or(0), count, &dir, outputs);
    }
    let version = source.versions(&versions, false)?[0];
    let seed = seed.ok_or_else(|| {
        Failure::Usage("give --seed N (it defaults to 0 only with --count or --coverage)".into())
    })?;
    let config = source.config(version, seed)?;
    if go_test.is_some() && config.alloc_free() {
        eprintln!("trace-harness: note: --go-test turns the alloc_free feature off");
    }
    // A bare --expect or --go-test puts its file beside the trace.
    let beside = |flag: &str, file: Option<Option<PathBuf>>, extension: &str| {
        Ok(match file {
            None => None,
            Some(Some(file)) => Some(file),
            Some(None) => match &output {
                Some(out) => Some(beside_trace(out, extension)?),
                None => {
                    return Err(Failure::Usage(format!(
                        "{flag} without FILE writes beside -o OUT: give one of them"
                    )))
                }
            },
        })
    };
    let expect = beside("--expect", expect, "expect.jsonl")?;
    let go_test = beside("--go-test", go_test, "test")?;
    if print_config {
        let json = serde_json::to_string_pretty(&config)
            .map_err(|e| Failure::Usage(format!("cannot print the config: {e}")))?;
        println!("{json}");
    }
    if output.is_none() && expect.is_none() && go_test.is_none() {
        if print_config {
            return Ok(());
        }
        return Err(Failure::Usage(
            "nothing to write: give -o OUT (or --expect FILE, --go-test FILE, --print-config)"
                .into(),
        ));
    }
    let trace = GeneratedTrace::new(&config, seed, outputs)?;
    if let Some(out) = &output {
        write_file(out, &trace.data)?;
    }
    if let (Some(file), Some(listing)) = (&expect, &trace.listing) {
        write_file(file, listing.as_bytes())?;
    }
    if let (Some(file), Some(test)) = (&go_test, &trace.go_test) {
        write_file(file, test.as_bytes())?;
    }
    Ok(())
}

/// `gen --corrupt`: a corrupted trace and, with --go-test, its FAILURE golden test.
fn gen_corrupt(
    kind: &str,
    versions: &[String],
    seed: Option<u64>,
    output: Option<PathBuf>,
    go_test: Option<Option<PathBuf>>,
) -> Result<(), Failure> {
    use trace_harness::corrupt::Corruption;
    let seed = seed.ok_or_else(|| Failure::Usage("give --seed N".into()))?;
    let corruption = match kind {
        "random" => Corruption::random(seed),
        name => Corruption::parse(name).ok_or_else(|| {
            let known: Vec<&str> = Corruption::ALL.iter().map(|c| c.name()).collect();
            Failure::Usage(format!(
                "unknown corruption {name:?}; known: random, {}",
                known.join(", ")
            ))
        })?,
    };
    let version = match versions {
        [] => None,
        [v] => Some(
            trace_harness::Version::parse(v)
                .filter(|v| trace_harness::Version::V2.contains(v))
                .ok_or_else(|| {
                    Failure::Usage(format!(
                        "unknown version {v:?}: use 1.22, 1.23, 1.25 or 1.26"
                    ))
                })?,
        ),
        _ => return Err(Failure::Usage("one --version with --corrupt".into())),
    };
    let go_test = match go_test {
        None => None,
        Some(Some(file)) => Some(file),
        Some(None) => match &output {
            Some(out) => Some(beside_trace(out, "test")?),
            None => {
                return Err(Failure::Usage(
                    "--go-test without FILE writes beside -o OUT: give one of them".into(),
                ))
            }
        },
    };
    if output.is_none() && go_test.is_none() {
        return Err(Failure::Usage(
            "nothing to write: give -o OUT or --go-test FILE".into(),
        ));
    }
    let case = corruption.apply(seed, version).map_err(Failure::Usage)?;
    if let Some(file) = &go_test {
        let test = corrupt_go_test(&case, seed)?;
        write_file(file, test.as_bytes())?;
    }
    if let Some(out) = &output {
        write_file(out, &case.bytes)?;
    }
    Ok(())
}

/// The FAILURE golden test of a corrupted trace, for the newest Go release whose raw reader
/// reads it; fails when its bytes have no faithful text form or that release accepts it.
fn corrupt_go_test(case: &trace_harness::corrupt::Corrupted, seed: u64) -> Result<String, Failure> {
    let name = case.corruption.name();
    let no_text = || {
        Failure::Usage(format!(
            "--go-test: {name} leaves bytes that Go's raw text form cannot hold"
        ))
    };
    let (text, reader) =
        trace_harness::golden::trace_text_for_golden(&case.bytes).ok_or_else(no_text)?;
    // The text form must assemble back to the very bytes, or the test would check another
    // trace (the assembler recomputes batch sizes, for one).
    let assembled = text::TextReader::new(text.as_bytes(), None)
        .and_then(|r| r.into_trace())
        .map(|t| t.to_bytes());
    if assembled.as_deref().ok() != Some(&case.bytes[..]) {
        return Err(no_text());
    }
    let expect = case.expect_for(reader).ok_or_else(|| {
        Failure::Usage(format!(
            "--go-test: {reader} accepts {name}, so it has no FAILURE test"
        ))
    })?;
    let config = serde_json::to_string(&case.config)
        .map_err(|e| Failure::Usage(format!("cannot write the config: {e}")))?;
    let comment = format!(
        "For the golden test runner of {reader}'s internal/trace.\n\
         Generated by trace-harness gen --corrupt {name} --seed {seed}: {}\n\
         Valid trace: seed {} from config {config}",
        case.corruption.description(),
        case.seed
    );
    let test =
        trace_harness::golden::write_failure_test(&comment, &expect.go_pattern(reader), &text);
    // Go's runner validates the events handed out before the error too (a Sync without
    // its clock snapshot fails there): write only tests that pass.
    match trace_harness::golden::run(test.as_bytes(), reader) {
        Ok(trace_harness::golden::GoldenOutcome::Pass(_)) => Ok(test),
        Ok(trace_harness::golden::GoldenOutcome::Fail(why)) => Err(Failure::Usage(format!(
            "--go-test: {reader}'s golden runner would fail this {name} case: {why}"
        ))),
        Err(e) => Err(Failure::Rejected(e)),
    }
}

/// Which files `gen` writes for each trace.
#[derive(Clone, Copy)]
struct GenOutputs {
    /// The text form instead of binary.
    text: bool,
    /// The model's listing.
    expect: bool,
    /// A Go golden test file.
    go_test: bool,
}

/// One generated trace in the forms asked for.
struct GeneratedTrace {
    /// The trace file's contents: binary, or the text form.
    data: Vec<u8>,
    /// Bytes of the binary trace.
    size: usize,
    /// The model's listing, if asked for.
    listing: Option<String>,
    /// The Go golden test file, if asked for.
    go_test: Option<String>,
}

impl GeneratedTrace {
    fn new(
        config: &trace_harness::gen::Config,
        seed: u64,
        outputs: GenOutputs,
    ) -> Result<GeneratedTrace, Failure> {
        // Go's raw text form cannot name experimental events: a trace meant for Go's
        // golden runner is generated without them.
        let mut config = config.clone();
        if outputs.go_test {
            config.features.alloc_free = false;
        }
        let config = &config;
        let (bytes, listing) = if outputs.expect {
            let generated = trace_harness::gen::generate_with_oracle(config, seed);
            (generated.bytes, Some(generated.listing))
        } else {
            (trace_harness::gen::generate(config, seed), None)
        };
        let go_test = if outputs.go_test {
            // The config in the comment makes the file reproducible on its own.
            let config_json = serde_json::to_string(config)
                .map_err(|e| Failure::Usage(format!("cannot write the config: {e}")))?;
            let comment =
                format!("Generated by trace-harness gen --seed {seed} from config {config_json}");
            let (test, _) =
                trace_harness::golden::success_test(&bytes, &comment).map_err(Failure::Rejected)?;
            Some(test)
        } else {
            None
        };
        let data = if outputs.text {
            trace_text(&bytes, config.version)?.into_bytes()
        } else {
            bytes.clone()
        };
        Ok(GeneratedTrace {
            data,
            size: bytes.len(),
            listing,
            go_test,
        })
    }
}

/// The trace in the raw text form of the release that writes its version.
fn trace_text(bytes: &[u8], version: trace_harness::Version) -> Result<String, Failure> {
    let writer = Toolchain::writer_of(version);
    let trace = trace_harness::raw::RawTrace::parse(bytes, writer).map_err(Failure::Rejected)?;
    let table = WireTable::new(writer, version).unwrap_or_else(WireTable::full);
    let mut out = String::new();
    text::write_trace(&mut out, &trace, &table, TextStyle::Go);
    Ok(out)
}

/// `OUT.suffix` for trace file `OUT`, without its `.trace` or `.txt` extension if it has one
/// (not [`Path::with_extension`]: `go1.23-seed000042` has a dot but no extension).
fn beside_trace(out: &Path, suffix: &str) -> Result<PathBuf, Failure> {
    let name = out
        .file_name()
        .ok_or_else(|| Failure::Usage(format!("-o {} names no file", out.display())))?
        .to_string_lossy();
    let stem = name
        .strip_suffix(".trace")
        .or_else(|| name.strip_suffix(".txt"))
        .unwrap_or(&name);
    Ok(out.with_file_name(format!("{stem}.{suffix}")))
}

fn write_file(path: &Path, data: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, data)
        .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))
}

/// A progress bar on standard error, drawn only when that is a terminal (so logs and
/// captured output stay clean).
fn progress_bar(total: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let style = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} [{elapsed}]")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    indicatif::ProgressBar::new(total).with_style(style)
}

/// The `count` seeds from `first` up, or a usage error if they would pass 2^64 - 1.
fn seed_range(first: u64, count: u64) -> Result<impl Iterator<Item = u64> + Clone, Failure> {
    if count > 0 && first.checked_add(count - 1).is_none() {
        return Err(Failure::Usage(format!(
            "{count} seeds from {first} run past the largest seed"
        )));
    }
    Ok((0..count).map(move |i| first + i))
}

/// `gen --count`: `count` traces per version into `dir`.
fn gen_many(
    source: &ConfigSource,
    versions: &[trace_harness::Version],
    first_seed: u64,
    count: u64,
    dir: &Path,
    outputs: GenOutputs,
) -> Result<(), Failure> {
    let seeds = seed_range(first_seed, count)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", dir.display())))?;
    let started = std::time::Instant::now();
    let bar = progress_bar(count.saturating_mul(versions.len() as u64));
    let (mut traces, mut bytes) = (0u64, 0u64);
    for &version in versions {
        for seed in seeds.clone() {
            bar.set_message(format!("go1.{} seed {seed}", version.number()));
            let config = source.config(version, seed)?;
            let trace = GeneratedTrace::new(&config, seed, outputs)?;
            // Not Path::with_extension: the stem's own dot (`go1.23`) is not an extension.
            let file =
                |suffix: &str| dir.join(format!("go1.{}-seed{seed:06}.{suffix}", version.number()));
            let extension = if outputs.text { "txt" } else { "trace" };
            write_file(&file(extension), &trace.data)?;
            if let Some(listing) = &trace.listing {
                write_file(&file("expect.jsonl"), listing.as_bytes())?;
            }
            if let Some(test) = &trace.go_test {
                write_file(&file("test"), test.as_bytes())?;
            }
            traces += 1;
            bytes += trace.size as u64;
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    println!(
        "gen: {} ({} x {}), {} in {:.2} s, in {}",
        counted(traces, "trace"),
        counted(versions.len() as u64, "version"),
        counted(count, "seed"),
        counted(bytes, "byte"),
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(())
}

/// `gen --coverage`: `count` traces per version, counted and reported.
fn gen_coverage(
    source: &ConfigSource,
    versions: &[trace_harness::Version],
    first_seed: u64,
    count: u64,
) -> Result<(), Failure> {
    let seeds = seed_range(first_seed, count)?;
    let mut coverage = trace_harness::coverage::Coverage::new();
    let mut unreadable = Vec::new();
    let bar = progress_bar(count.saturating_mul(versions.len() as u64));
    for &version in versions {
        for seed in seeds.clone() {
            bar.set_message(format!("go1.{} seed {seed}", version.number()));
            let config = source.config(version, seed)?;
            let bytes = trace_harness::gen::generate(&config, seed);
            if let Err(e) = coverage.add_trace(&bytes) {
                unreadable.push(format!("go1.{} seed {seed}: {e}", version.number()));
            }
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    let mut out = open_output(None)?;
    out.write_all(coverage.report(versions).as_bytes())
        .and_then(|()| out.flush())
        .map_err(io_failure)?;
    let mut problems = Vec::new();
    if !unreadable.is_empty() {
        problems.push(format!(
            "{} the reference parser rejected:\n  {}",
            counted(unreadable.len() as u64, "generated trace"),
            unreadable.join("\n  ")
        ));
    }
    for &version in versions {
        let missing = coverage.missing_event_types(version);
        if !missing.is_empty() {
            problems.push(format!(
                "go1.{}: {} never generated: {}",
                version.number(),
                counted(missing.len() as u64, "event type"),
                missing.join(", ")
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Checks(problems.join("\n")))
    }
}
