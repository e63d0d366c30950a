//! The testees this crate drives: the reference in process, a Go toolchain's `trace` tool,
//! and any command that reads a trace file and prints its events.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::version::Toolchain;

use super::process::{self, Limits, RunError};
use super::{reference, Answer, Case, Dialect, Testee, TesteeFactory, TesteeFailure};

/// The reference itself (Go 1.27's behaviour), strict or not, run in process.
#[derive(Clone, Debug)]
pub struct ReferenceTestee {
    strict: bool,
    name: String,
}

impl ReferenceTestee {
    /// `reference`, or `reference-strict` with `strict`.
    pub fn new(strict: bool) -> Self {
        let name = if strict {
            "reference-strict"
        } else {
            "reference"
        };
        ReferenceTestee {
            strict,
            name: name.to_string(),
        }
    }
}

impl Testee for ReferenceTestee {
    fn name(&self) -> &str {
        &self.name
    }

    fn dialect(&self) -> Dialect {
        // JSON lines, so that generated cases compare with the model's listing.
        Dialect::Jsonl
    }

    fn run(&mut self, case: &Case) -> Result<Answer, TesteeFailure> {
        let result =
            reference::run_guarded(&case.bytes, Toolchain::Go1_27, self.strict, Dialect::Jsonl)
                .map_err(|panic| TesteeFailure::Crash(format!("reference panicked: {panic}")))?;
        Ok(Answer {
            accepted: result.accepted,
            events: result.events,
            error: result.message,
            truncated_output: false,
        })
    }
}

impl TesteeFactory for ReferenceTestee {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn dialect(&self) -> Dialect {
        Dialect::Jsonl
    }
    fn create(&self) -> Result<Box<dyn Testee>, TesteeFailure> {
        Ok(Box::new(self.clone()))
    }
    fn strict(&self) -> bool {
        self.strict
    }
    fn go_errors(&self) -> bool {
        true
    }
    fn is_reference(&self) -> bool {
        true
    }
    fn replay_command(&self) -> String {
        let strict = if self.strict { " --strict" } else { "" };
        format!("trace-harness dump --as go1.27{strict} --format jsonl {{}}")
    }
}

/// Writes case bytes to one scratch file per testee instance.
#[derive(Debug)]
struct Scratch {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Scratch {
    fn new() -> Result<Scratch, TesteeFailure> {
        let dir = tempfile::Builder::new()
            .prefix("trace-harness-conform-")
            .tempdir()
            .map_err(|e| TesteeFailure::Unavailable(format!("temporary folder: {e}")))?;
        let path = dir.path().join("case.trace");
        Ok(Scratch { _dir: dir, path })
    }

    fn write(&self, bytes: &[u8]) -> Result<&Path, TesteeFailure> {
        std::fs::write(&self.path, bytes)
            .map_err(|e| TesteeFailure::Unavailable(format!("temporary file: {e}")))?;
        Ok(&self.path)
    }
}

/// Turns a finished (or failed) process into an answer. Under a shell (`shell`), exit
/// statuses 129 to 192 are the shell's report of a child killed by signal status - 128.
fn answer(
    result: Result<process::Finished, RunError>,
    shell: bool,
) -> Result<Answer, TesteeFailure> {
    match result {
        Err(RunError::Timeout(limit)) => Err(TesteeFailure::Timeout(limit)),
        Err(RunError::Spawn(e)) => Err(TesteeFailure::Unavailable(e.to_string())),
        Ok(done) => {
            let shell_signal = done
                .status
                .code()
                .filter(|code| shell && (129..=192).contains(code))
                .map(|code| code - 128);
            if let Some(signal) = done.signal().or(shell_signal) {
                let stderr = String::from_utf8_lossy(&done.stderr);
                return Err(TesteeFailure::Crash(format!(
                    "killed by signal {signal}{}{}",
                    if stderr.trim().is_empty() { "" } else { ": " },
                    first_lines(&stderr, 3)
                )));
            }
            Ok(Answer {
                accepted: done.status.success(),
                events: done.stdout,
                error: String::from_utf8_lossy(&done.stderr).into_owned(),
                truncated_output: done.truncated,
            })
        }
    }
}

/// The first `n` lines of `text`, joined with ` | `.
pub fn first_lines(text: &str, n: usize) -> String {
    text.trim().lines().take(n).collect::<Vec<_>>().join(" | ")
}

/// A Go release's `trace` tool, one process per case (`-d=parsed`, or `-d=1` before 1.25).
#[derive(Clone, Debug)]
pub struct GoToolTestee {
    name: String,
    profile: Toolchain,
    tool: PathBuf,
    limits: Limits,
}

impl GoToolTestee {
    /// The testee `go@<release>` for the cached `go` command `go`.
    pub fn new(profile: Toolchain, go: &Path, limits: Limits) -> Result<Self, TesteeFailure> {
        let tool = crate::bench::go_trace_tool(go).map_err(|e| {
            TesteeFailure::Unavailable(format!("{}: go tool -n trace: {e}", go.display()))
        })?;
        Ok(GoToolTestee {
            name: format!("go@{}", crate::toolchains::release(profile)),
            profile,
            tool,
            limits,
        })
    }

    fn command(&self, path: &Path) -> Command {
        let mut cmd = Command::new(&self.tool);
        cmd.env("TZ", "UTC")
            .env("GOTOOLCHAIN", "local")
            .env("GOTRACEBACK", "single")
            .arg(crate::bench::parsed_flag(self.profile))
            .arg(path);
        cmd
    }
}

/// A [`GoToolTestee`] instance with its scratch file.
struct GoToolInstance {
    testee: GoToolTestee,
    scratch: Scratch,
}

impl Testee for GoToolInstance {
    fn name(&self) -> &str {
        &self.testee.name
    }
    fn dialect(&self) -> Dialect {
        Dialect::Go(self.testee.profile)
    }
    fn run(&mut self, case: &Case) -> Result<Answer, TesteeFailure> {
        let path = self.scratch.write(&case.bytes)?;
        answer(
            process::run(self.testee.command(path), &self.testee.limits),
            false,
        )
    }
}

impl TesteeFactory for GoToolTestee {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn dialect(&self) -> Dialect {
        Dialect::Go(self.profile)
    }
    fn create(&self) -> Result<Box<dyn Testee>, TesteeFailure> {
        Ok(Box::new(GoToolInstance {
            testee: self.clone(),
            scratch: Scratch::new()?,
        }))
    }
    fn go_errors(&self) -> bool {
        true
    }
    fn replay_command(&self) -> String {
        format!(
            "TZ=UTC {} {} {{}}",
            shell_quote(&self.tool.display().to_string()),
            crate::bench::parsed_flag(self.profile)
        )
    }
}

/// Quotes `s` for a POSIX shell.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@%+=:,./_-".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Any command that takes a trace file and prints its events: `{}` in the template is the
/// file's path (appended when absent); run by `sh -c`.
#[derive(Clone, Debug)]
pub struct CommandTestee {
    name: String,
    template: String,
    dialect: Dialect,
    limits: Limits,
}

impl CommandTestee {
    /// A testee named `name` running `template` and printing `dialect`.
    pub fn new(name: &str, template: &str, dialect: Dialect, limits: Limits) -> Self {
        CommandTestee {
            name: name.to_string(),
            template: template.to_string(),
            dialect,
            limits,
        }
    }

    /// The shell command line for the trace at `path`.
    pub fn command_line(&self, path: &str) -> String {
        let quoted = shell_quote(path);
        if self.template.contains("{}") {
            self.template.replace("{}", &quoted)
        } else {
            format!("{} {quoted}", self.template)
        }
    }
}

struct CommandInstance {
    testee: CommandTestee,
    scratch: Scratch,
}

impl Testee for CommandInstance {
    fn name(&self) -> &str {
        &self.testee.name
    }
    fn dialect(&self) -> Dialect {
        self.testee.dialect
    }
    fn run(&mut self, case: &Case) -> Result<Answer, TesteeFailure> {
        let path = self.scratch.write(&case.bytes)?.display().to_string();
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(self.testee.command_line(&path));
        answer(process::run(cmd, &self.testee.limits), true)
    }
}

impl TesteeFactory for CommandTestee {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn dialect(&self) -> Dialect {
        self.dialect
    }
    fn create(&self) -> Result<Box<dyn Testee>, TesteeFailure> {
        Ok(Box::new(CommandInstance {
            testee: self.clone(),
            scratch: Scratch::new()?,
        }))
    }
    fn replay_command(&self) -> String {
        self.command_line("{}").replace("'{}'", "{}")
    }
}

/// Any parser that speaks the framed protocol of [`super::pipe`] (`--impl-pipe 'CMD'`, run
/// by `sh -c`): one long-running process per worker, replaced after a crash or timeout.
#[derive(Clone, Debug)]
pub struct PipeCommandTestee {
    name: String,
    command: String,
    dialect: Dialect,
    limits: Limits,
}

impl PipeCommandTestee {
    /// A pipe testee named `name` running `command`, answering in `dialect`.
    pub fn new(name: &str, command: &str, dialect: Dialect, limits: Limits) -> Self {
        PipeCommandTestee {
            name: name.to_string(),
            command: command.to_string(),
            dialect,
            limits,
        }
    }
}

impl TesteeFactory for PipeCommandTestee {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn dialect(&self) -> Dialect {
        self.dialect
    }
    fn create(&self) -> Result<Box<dyn Testee>, TesteeFailure> {
        let mut testee = super::pipe::PipeTestee::new(&self.name, self.dialect, "/bin/sh")
            .args(["-c", self.command.as_str()])
            .timeout(self.limits.timeout)
            .output_cap(self.limits.stdout_cap);
        testee.start()?;
        Ok(Box::new(testee))
    }
    fn replay_command(&self) -> String {
        format!(
            "trace-harness conform --impl-pipe {} --dialect {} --no-corpus --suite .",
            shell_quote(&self.command),
            dialect_name(self.dialect)
        )
    }
}

/// Our persistent Go testee (`go-pipe@<release>`): the Go source in `harness/go/testee`,
/// built against a cached toolchain's own parser, answering like that release's
/// `go tool trace -d=parsed` without a process start-up per case.
#[derive(Clone, Debug)]
pub struct GoPipeTestee {
    name: String,
    go: PathBuf,
    profile: Toolchain,
    limits: Limits,
}

impl GoPipeTestee {
    /// Builds (or finds in the cache) the Go testee of `go`, release `profile`.
    pub fn new(profile: Toolchain, go: &Path, limits: Limits) -> Result<Self, String> {
        super::gotestee::build(go)?;
        Ok(GoPipeTestee {
            name: format!("go-pipe@{}", crate::toolchains::release(profile)),
            go: go.to_path_buf(),
            profile,
            limits,
        })
    }
}

impl TesteeFactory for GoPipeTestee {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn dialect(&self) -> Dialect {
        Dialect::Go(self.profile)
    }
    fn create(&self) -> Result<Box<dyn Testee>, TesteeFailure> {
        let testee = super::gotestee::spawn(&self.go, self.profile, self.limits.timeout)?
            .with_name(&self.name)
            .output_cap(self.limits.stdout_cap);
        Ok(Box::new(testee))
    }
    fn go_errors(&self) -> bool {
        true
    }
    fn replay_command(&self) -> String {
        format!(
            "trace-harness conform --impl {} --no-corpus --suite .",
            self.name
        )
    }
}

/// The `--dialect` spelling of a dialect.
fn dialect_name(dialect: Dialect) -> String {
    match dialect {
        Dialect::Go(profile) => profile.name().to_string(),
        Dialect::Jsonl => "jsonl".to_string(),
    }
}
