//! The import report: every problem met while reading, with the file, the feature
//! (index and id), what was wrong, and what was done about it.

use serde::Serialize;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something was repaired (a ring closed, duplicate points dropped …); the data is loaded.
    Repaired,
    /// Something was assumed or left out (a guessed CRS, a skipped feature).
    Warning,
    /// A whole file could not be loaded.
    Error,
}

/// One problem found while importing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// The file (as given, or relative to the manifest).
    pub file: String,
    /// The feature's 0-based index in the file, when the problem is about one feature.
    pub feature: Option<usize>,
    /// The feature's id, when it has one.
    pub feature_id: Option<String>,
    /// What was wrong.
    pub message: String,
    /// What was done about it ("skipped the feature", "closed the ring" …).
    pub action: String,
    /// How serious it is.
    pub severity: Severity,
    /// Where it is (lon/lat), when known, so the map can zoom to it.
    pub location: Option<[f64; 2]>,
}

impl Problem {
    /// A problem about a whole file.
    pub fn file_level(
        file: &str,
        severity: Severity,
        message: impl Into<String>,
        action: impl Into<String>,
    ) -> Problem {
        Problem {
            file: file.to_string(),
            feature: None,
            feature_id: None,
            message: message.into(),
            action: action.into(),
            severity,
            location: None,
        }
    }

    /// One line for people: `file: feature 3 (id P7): message — action`.
    pub fn describe(&self) -> String {
        let mut s = self.file.clone();
        if let Some(i) = self.feature {
            s.push_str(&format!(": feature {i}"));
            if let Some(id) = &self.feature_id {
                s.push_str(&format!(" (id {id})"));
            }
        }
        s.push_str(": ");
        s.push_str(&self.message);
        if !self.action.is_empty() {
            s.push_str(" — ");
            s.push_str(&self.action);
        }
        s
    }
}

/// Everything that went wrong or was repaired during one load.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// The problems, in the order they were found.
    pub problems: Vec<Problem>,
}

impl ImportReport {
    /// Adds a problem.
    pub fn push(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// Problems of one file.
    pub fn for_file<'a>(&'a self, file: &'a str) -> impl Iterator<Item = &'a Problem> + 'a {
        self.problems.iter().filter(move |p| p.file == file)
    }

    /// Whether nothing at all was reported.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// Count of problems at each severity: (repaired, warnings, errors).
    pub fn tally(&self) -> (usize, usize, usize) {
        let mut t = (0, 0, 0);
        for p in &self.problems {
            match p.severity {
                Severity::Repaired => t.0 += 1,
                Severity::Warning => t.1 += 1,
                Severity::Error => t.2 += 1,
            }
        }
        t
    }
}
