//! Verdicts: what a testee's answer to a case is worth against what was expected.

use serde::{Deserialize, Serialize};

use super::{Answer, Dialect, Expectation, TesteeFailure};

/// The verdict on one (testee, case) pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Verdict {
    /// Agreed with the expectation.
    #[serde(rename = "pass")]
    Pass,
    /// Rejected a trace it had to accept.
    #[serde(rename = "SHOULD_HAVE_ACCEPTED")]
    ShouldHaveAccepted,
    /// Accepted a trace it had to reject.
    #[serde(rename = "SHOULD_HAVE_REJECTED")]
    ShouldHaveRejected,
    /// Printed other events than expected (before its error, for a rejection).
    #[serde(rename = "WRONG_EVENTS")]
    WrongEvents,
    /// Rejected, but not with the expected error.
    #[serde(rename = "WRONG_ERROR")]
    WrongError,
    /// Died by a signal, panicked, or broke its protocol.
    #[serde(rename = "CRASH")]
    Crash,
    /// Did not answer in time.
    #[serde(rename = "TIMEOUT")]
    Timeout,
    /// Not run: the testee does not read this trace's version.
    #[serde(rename = "SKIPPED")]
    Skipped,
}

impl Verdict {
    /// Every verdict, in report order.
    pub const ALL: [Verdict; 8] = [
        Verdict::Pass,
        Verdict::ShouldHaveAccepted,
        Verdict::ShouldHaveRejected,
        Verdict::WrongEvents,
        Verdict::WrongError,
        Verdict::Crash,
        Verdict::Timeout,
        Verdict::Skipped,
    ];

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::ShouldHaveAccepted => "SHOULD_HAVE_ACCEPTED",
            Verdict::ShouldHaveRejected => "SHOULD_HAVE_REJECTED",
            Verdict::WrongEvents => "WRONG_EVENTS",
            Verdict::WrongError => "WRONG_ERROR",
            Verdict::Crash => "CRASH",
            Verdict::Timeout => "TIMEOUT",
            Verdict::Skipped => "SKIPPED",
        }
    }

    /// True for the verdicts that count as a divergence.
    pub fn is_divergence(self) -> bool {
        !matches!(self, Verdict::Pass | Verdict::Skipped)
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a testee had to answer.
#[derive(Clone, Debug)]
pub struct Expected {
    /// Accept, reject or either.
    pub outcome: Expectation,
    /// The listing expected in the testee's dialect: all events for an acceptance, the
    /// events before the error for a rejection; `None` when not known.
    pub events: Option<Vec<u8>>,
    /// Whether `events` is the listing of an acceptance (used for `Either`).
    pub events_accepted: bool,
    /// A regular expression the error must match, when checked.
    pub error_pattern: Option<String>,
}

/// A verdict and what it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judgement {
    /// The verdict.
    pub verdict: Verdict,
    /// Details for people: the first divergent event, the message, the signal.
    pub detail: String,
}

impl Judgement {
    fn new(verdict: Verdict, detail: impl Into<String>) -> Self {
        Judgement {
            verdict,
            detail: detail.into(),
        }
    }
}

/// Lines of context shown on each side of the first divergent line.
const CONTEXT: usize = 3;

/// Whether `stderr` is the report of a Go panic (or fatal runtime error).
pub fn is_go_panic(stderr: &str) -> bool {
    let starts =
        |prefix: &str| stderr.starts_with(prefix) || stderr.contains(&format!("\n{prefix}"));
    (starts("panic: ") || starts("fatal error: ")) && stderr.contains("goroutine ")
}

/// One JSON line in a canonical form (keys sorted), or the line itself if it is not JSON.
fn canonical_json(line: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(value) => value.to_string(),
        Err(_) => line.to_string(),
    }
}

/// The lines to compare: Go's text as is; JSON lines canonical, without the header line
/// (which names the producer's profile).
fn comparable_lines(listing: &[u8], dialect: Dialect) -> Vec<String> {
    let text = String::from_utf8_lossy(listing);
    let lines = text.split_terminator('\n');
    match dialect {
        Dialect::Go(_) => lines.map(str::to_string).collect(),
        Dialect::Jsonl => lines
            .filter(|l| !l.contains("\"format\":\"trace-harness/events\""))
            .map(canonical_json)
            .collect(),
    }
}

/// Go's text as a sorted list of events (an event is its `M=` line and the indented lines
/// under it), without their times: what stays the same however ties are broken.
fn events_without_order(listing: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(listing);
    let time = regex::Regex::new(r" Time=-?[0-9]+").expect("valid regex");
    let mut events: Vec<String> = Vec::new();
    for line in text.split_terminator('\n') {
        match events.last_mut() {
            Some(event) if !line.starts_with("M=") => {
                event.push('\n');
                event.push_str(line);
            }
            _ => events.push(time.replace(line, "").into_owned()),
        }
    }
    events.sort();
    events
}

/// Whether a listing of Go 1.22 or 1.23 may differ from ours only in how time ties were
/// broken: those releases break them in Go's (random) map order, and the time fix-up then
/// shifts the times too. Such listings hold the same events.
fn same_up_to_tie_order(expected: &[u8], actual: &[u8], dialect: Dialect) -> bool {
    matches!(
        dialect,
        Dialect::Go(crate::Toolchain::Go1_22 | crate::Toolchain::Go1_23)
    ) && events_without_order(expected) == events_without_order(actual)
}

/// `None` when the listings agree; else where they first differ, with context.
pub fn first_divergence(expected: &[u8], actual: &[u8], dialect: Dialect) -> Option<String> {
    let equal = match dialect {
        Dialect::Go(_) => expected == actual,
        Dialect::Jsonl => false,
    };
    if equal || same_up_to_tie_order(expected, actual, dialect) {
        return None;
    }
    let want = comparable_lines(expected, dialect);
    let got = comparable_lines(actual, dialect);
    let at = match want.iter().zip(&got).position(|(a, b)| a != b) {
        Some(at) => at,
        None if want.len() == got.len() => {
            // Same lines, different bytes: a missing final newline or invalid UTF-8.
            if dialect == Dialect::Jsonl {
                return None;
            }
            let byte = expected
                .iter()
                .zip(actual)
                .position(|(a, b)| a != b)
                .unwrap_or(expected.len().min(actual.len()));
            return Some(format!(
                "listings differ at byte {byte} (expected {} bytes, got {})",
                expected.len(),
                actual.len()
            ));
        }
        None => want.len().min(got.len()),
    };
    let from = at.saturating_sub(CONTEXT);
    let show = |lines: &[String]| {
        let mut out = String::new();
        for (i, line) in lines
            .iter()
            .enumerate()
            .skip(from)
            .take(at - from + CONTEXT + 1)
        {
            let marker = if i == at { ">" } else { " " };
            let line: String = line.chars().take(300).collect();
            out.push_str(&format!("{marker} {:>6} {line}\n", i + 1));
        }
        if at >= lines.len() {
            out.push_str(&format!(">  (end after {} lines)\n", lines.len()));
        }
        out
    };
    Some(format!(
        "first divergence at line {} (expected {} lines, got {})\nexpected:\n{}got:\n{}",
        at + 1,
        want.len(),
        got.len(),
        show(&want),
        show(&got)
    ))
}

/// Judges one answer.
pub fn judge(
    answer: &Result<Answer, TesteeFailure>,
    expected: &Expected,
    dialect: Dialect,
    go_errors: bool,
) -> Judgement {
    let answer = match answer {
        Ok(answer) => answer,
        Err(TesteeFailure::Timeout(limit)) => {
            return Judgement::new(Verdict::Timeout, format!("no answer within {limit:?}"))
        }
        Err(failure) => return Judgement::new(Verdict::Crash, failure.to_string()),
    };
    let error_line = super::testees::first_lines(&answer.error, 3);
    let pattern = expected
        .error_pattern
        .as_deref()
        .and_then(|p| regex::Regex::new(p).ok());
    let panic_expected = expected
        .error_pattern
        .as_deref()
        .is_some_and(|p| p.starts_with("panic: "));
    if !answer.accepted && is_go_panic(&answer.error) && !panic_expected {
        return Judgement::new(Verdict::Crash, format!("Go panic: {error_line}"));
    }
    let compare_events = || match &expected.events {
        Some(events) => first_divergence(events, &answer.events, dialect)
            .map(|d| Judgement::new(Verdict::WrongEvents, d)),
        None => None,
    };
    match expected.outcome {
        Expectation::Accept if !answer.accepted => Judgement::new(
            Verdict::ShouldHaveAccepted,
            format!("rejected: {error_line}"),
        ),
        Expectation::Reject(_) if answer.accepted => Judgement::new(
            Verdict::ShouldHaveRejected,
            "accepted (exit status 0)".to_string(),
        ),
        Expectation::Accept => compare_events().unwrap_or(Judgement::new(Verdict::Pass, "")),
        Expectation::Reject(_) => {
            if let Some(wrong) = compare_events() {
                return wrong;
            }
            match (&pattern, go_errors) {
                (Some(re), true) if !re.is_match(&answer.error) => Judgement::new(
                    Verdict::WrongError,
                    format!(
                        "error {error_line:?} does not match /{}/",
                        expected.error_pattern.as_deref().unwrap_or_default()
                    ),
                ),
                _ => Judgement::new(Verdict::Pass, format!("rejected: {error_line}")),
            }
        }
        Expectation::Either => {
            let outcome = if answer.accepted {
                "accepted".to_string()
            } else {
                format!("rejected: {error_line}")
            };
            if answer.accepted == expected.events_accepted {
                if let Some(wrong) = compare_events() {
                    return wrong;
                }
            }
            Judgement::new(Verdict::Pass, outcome)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Toolchain;

    fn expected(outcome: Expectation, events: &str, pattern: Option<&str>) -> Expected {
        Expected {
            outcome,
            events: Some(events.as_bytes().to_vec()),
            events_accepted: true,
            error_pattern: pattern.map(str::to_string),
        }
    }

    fn answer(accepted: bool, events: &str, error: &str) -> Result<Answer, TesteeFailure> {
        Ok(Answer {
            accepted,
            events: events.as_bytes().to_vec(),
            error: error.to_string(),
            truncated_output: false,
        })
    }

    const GO: Dialect = Dialect::Go(Toolchain::Go1_27);

    #[test]
    fn each_verdict() {
        let accept = expected(Expectation::Accept, "a\nb\n", None);
        let verdict = |a, e: &Expected| judge(&a, e, GO, true).verdict;
        assert_eq!(verdict(answer(true, "a\nb\n", ""), &accept), Verdict::Pass);
        assert_eq!(
            verdict(answer(true, "a\nc\n", ""), &accept),
            Verdict::WrongEvents
        );
        assert_eq!(verdict(answer(true, "", ""), &accept), Verdict::WrongEvents);
        assert_eq!(
            verdict(answer(false, "a\n", "bad"), &accept),
            Verdict::ShouldHaveAccepted
        );
        let reject = expected(Expectation::Reject(None), "a\n", Some("bad batch"));
        assert_eq!(
            verdict(answer(false, "a\n", "a bad batch\n"), &reject),
            Verdict::Pass
        );
        assert_eq!(
            verdict(answer(false, "a\n", "other\n"), &reject),
            Verdict::WrongError
        );
        assert_eq!(
            verdict(answer(true, "a\n", ""), &reject),
            Verdict::ShouldHaveRejected
        );
        let panic = "panic: oops\n\ngoroutine 1 [running]:\nmain.main()\n";
        assert_eq!(
            verdict(answer(false, "a\n", panic), &reject),
            Verdict::Crash
        );
        let expect_panic = expected(Expectation::Reject(None), "a\n", Some("panic: oops"));
        assert_eq!(
            verdict(answer(false, "a\n", panic), &expect_panic),
            Verdict::Pass
        );
        assert_eq!(
            verdict(Err(TesteeFailure::Crash("signal 11".into())), &accept),
            Verdict::Crash
        );
    }

    #[test]
    fn divergence_shows_context() {
        let want = b"1\n2\n3\n4\n5\n6\n";
        let got = b"1\n2\n3\n4\nX\n6\n";
        let d = first_divergence(want, got, GO).unwrap();
        assert!(d.starts_with("first divergence at line 5"), "{d}");
        assert!(d.contains(">      5 5") && d.contains(">      5 X"), "{d}");
        assert!(first_divergence(b"a\n", b"a", GO)
            .unwrap()
            .contains("byte 1"));
        assert!(first_divergence(
            b"{\"a\":1,\"b\":2}\n",
            b"{\"b\":2, \"a\":1}\n",
            Dialect::Jsonl
        )
        .is_none());
        let ours = b"M=0 G=1 Time=1 A\n\tf\nM=1 G=2 Time=2 B\n";
        let tied = b"M=1 G=2 Time=1 B\nM=0 G=1 Time=2 A\n\tf\n";
        assert!(first_divergence(ours, tied, GO).is_some());
        let go122 = Dialect::Go(Toolchain::Go1_22);
        assert!(first_divergence(ours, tied, go122).is_none());
        assert!(first_divergence(ours, b"M=1 G=2 Time=1 B\nM=0 G=1 Time=2 A\n", go122).is_some());
    }
}
