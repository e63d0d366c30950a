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
    /// Run Go-format golden `.test` files (files or folders of them).
    Golden {
        /// `.test` files, or folders searched for them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Go release whose parser to reproduce (go1.25, go1.26 or go1.27 so far).
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
        Command::Golden { paths, profile } => golden(&paths, &profile),
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
