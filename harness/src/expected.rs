//! Expected-divergence lists: which cases a given implementation is known to get "wrong",
//! and why.
//!
//! A list is a text file, one entry a line: a glob over case names, then `#` and the
//! reason, which is required so that every entry stays explained. Blank lines and lines
//! that start with `#` are comments.
//!
//! ```text
//! # Go 1.22 accepts coroutine events under a go 1.22 header.
//! version-mix/goswitch-in-go1.22/*    # strict mode rejects, Go 1.22's parser knows the event
//! ```
//!
//! Lists are kept true in both directions: a case that diverges without being listed fails
//! the run, and so does a listed case that now agrees (an "unexpected success"), so a
//! fixed divergence is taken off the list by the change that fixes it.

use std::collections::BTreeSet;
use std::path::Path;

use globset::{Glob, GlobMatcher};

/// One entry of a list: a glob over case names and why those cases diverge.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The glob as written.
    pub pattern: String,
    /// Why the cases it names diverge.
    pub reason: String,
    /// The line (1-based) the entry is on.
    pub line: usize,
    matcher: GlobMatcher,
}

/// A parsed expected-divergence list.
#[derive(Debug, Clone, Default)]
pub struct ExpectedDivergences {
    /// Where the list came from, for messages.
    pub source: String,
    /// Its entries, in file order.
    pub entries: Vec<Entry>,
}

/// A malformed line in a list.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}:{line}: {message}")]
pub struct ListError {
    /// The list's name or path.
    pub source_name: String,
    /// The line (1-based).
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

impl ExpectedDivergences {
    /// Parses a list's text; `source` names it in messages.
    pub fn parse(source: &str, text: &str) -> Result<Self, ListError> {
        let mut entries = Vec::new();
        for (index, raw_line) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw_line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let error = |message: String| ListError {
                source_name: source.to_string(),
                line,
                message,
            };
            let (pattern, reason) = match trimmed.split_once('#') {
                Some((pattern, reason)) => (pattern.trim(), reason.trim()),
                None => (trimmed, ""),
            };
            if reason.is_empty() {
                return Err(error(format!(
                    "entry {pattern:?} has no reason: write `PATTERN  # why it diverges`"
                )));
            }
            if pattern.contains(char::is_whitespace) {
                return Err(error(format!("pattern {pattern:?} contains white space")));
            }
            let matcher = Glob::new(pattern)
                .map_err(|e| error(format!("bad glob {pattern:?}: {e}")))?
                .compile_matcher();
            entries.push(Entry {
                pattern: pattern.to_string(),
                reason: reason.to_string(),
                line,
                matcher,
            });
        }
        Ok(Self {
            source: source.to_string(),
            entries,
        })
    }

    /// Reads and parses a list file; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<Self, ListError> {
        let source = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&source, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self {
                source,
                entries: Vec::new(),
            }),
            Err(e) => Err(ListError {
                source_name: source,
                line: 0,
                message: e.to_string(),
            }),
        }
    }

    /// The first entry whose glob matches `case`.
    pub fn lookup(&self, case: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|entry| entry.matcher.is_match(case))
    }

    /// Starts a tally of outcomes against this list.
    pub fn tally(&self) -> Tally<'_> {
        Tally {
            list: self,
            unlisted: Vec::new(),
            unexpected_successes: Vec::new(),
            expected: Vec::new(),
            entries_used: BTreeSet::new(),
        }
    }
}

/// Outcomes of a run, sorted against a list.
#[derive(Debug)]
pub struct Tally<'a> {
    list: &'a ExpectedDivergences,
    /// Cases that diverged without being listed, with what was wrong.
    pub unlisted: Vec<(String, String)>,
    /// Listed cases that agreed, with the entry that listed them.
    pub unexpected_successes: Vec<(String, String)>,
    /// Listed cases that diverged as listed.
    pub expected: Vec<String>,
    entries_used: BTreeSet<usize>,
}

impl Tally<'_> {
    /// Records one case: `divergence` is `None` when the case agreed, else what differed.
    pub fn record(&mut self, case: &str, divergence: Option<String>) {
        let entry = self.list.lookup(case);
        if let Some(entry) = entry {
            self.entries_used.insert(entry.line);
        }
        match (divergence, entry) {
            (None, None) => {}
            (None, Some(entry)) => self.unexpected_successes.push((
                case.to_string(),
                format!("{}:{}: {}", self.list.source, entry.line, entry.pattern),
            )),
            (Some(_), Some(_)) => self.expected.push(case.to_string()),
            (Some(what), None) => self.unlisted.push((case.to_string(), what)),
        }
    }

    /// Entries no recorded case matched (stale entries, when the run covered every case).
    pub fn unused_entries(&self) -> Vec<&Entry> {
        self.list
            .entries
            .iter()
            .filter(|entry| !self.entries_used.contains(&entry.line))
            .collect()
    }

    /// True when no case diverged unlisted and no listed case agreed.
    pub fn is_clean(&self) -> bool {
        self.unlisted.is_empty() && self.unexpected_successes.is_empty()
    }

    /// A human-readable account of what keeps the tally from being clean.
    pub fn failures(&self) -> String {
        let mut out = String::new();
        for (case, what) in &self.unlisted {
            out.push_str(&format!("unlisted divergence: {case}: {what}\n"));
        }
        for (case, entry) in &self.unexpected_successes {
            out.push_str(&format!(
                "unexpected success: {case} agrees now; take it off {entry}\n"
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "\
# a comment
version-mix/goswitch-in-go1.22/*   # Go 1.22 knows the event
truncated/*/seed-1                 # one seed only
";

    #[test]
    fn entries_need_a_reason_and_a_valid_glob() {
        let list = ExpectedDivergences::parse("list", LIST).unwrap();
        assert_eq!(list.entries.len(), 2);
        assert_eq!(list.entries[0].reason, "Go 1.22 knows the event");
        assert_eq!(list.entries[1].line, 3);
        let missing = ExpectedDivergences::parse("list", "a/b\n").unwrap_err();
        assert!(missing
            .to_string()
            .contains("list:1: entry \"a/b\" has no reason"));
        let bad = ExpectedDivergences::parse("list", "a[ # why\n").unwrap_err();
        assert!(bad.to_string().contains("bad glob"), "{bad}");
    }

    #[test]
    fn tally_fails_on_unlisted_divergences_and_unexpected_successes() {
        let list = ExpectedDivergences::parse("list", LIST).unwrap();
        let mut tally = list.tally();
        tally.record(
            "version-mix/goswitch-in-go1.22/seed-3",
            Some("differs".into()),
        );
        tally.record("ok/case", None);
        assert!(tally.is_clean());
        assert_eq!(tally.unused_entries().len(), 1);
        tally.record("truncated/mid-batch/seed-1", None);
        tally.record("other/case", Some("exit 0, want 1".into()));
        assert!(!tally.is_clean());
        let failures = tally.failures();
        assert!(failures.contains("unlisted divergence: other/case: exit 0, want 1"));
        assert!(failures.contains("unexpected success: truncated/mid-batch/seed-1"));
        assert!(tally.unused_entries().is_empty());
    }
}
