//! The import report: every problem met while reading, with the file, the feature
//! (index and id), what was wrong, and what was done about it.

use serde::Serialize;

pub use super::issue::Issue;
use crate::model::Lang;

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

/// One problem found while importing: where (file, feature) and what ([`Issue`]: a
/// stable code and its arguments). Its words come from the catalog in the reader's
/// language ([`Problem::message`], [`Problem::action`]); serialised, it gives `code`
/// beside the English `message` and `action`.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The file (as given, or relative to the manifest).
    pub file: String,
    /// The feature's 0-based index in the file, when the problem is about one feature.
    pub feature: Option<usize>,
    /// The feature's id, when it has one.
    pub feature_id: Option<String>,
    /// What was wrong, with its arguments.
    pub issue: Issue,
    /// How serious it is.
    pub severity: Severity,
    /// Where it is (lon/lat), when known, so the map can zoom to it.
    pub location: Option<[f64; 2]>,
}

impl Problem {
    /// A problem about a whole file.
    pub fn file_level(file: &str, severity: Severity, issue: Issue) -> Problem {
        Problem {
            file: file.to_string(),
            feature: None,
            feature_id: None,
            issue,
            severity,
            location: None,
        }
    }

    /// The stable machine code (`crs_missing_assumed`, `duplicate_id` …).
    pub fn code(&self) -> &'static str {
        self.issue.code()
    }

    /// What was wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        self.issue.message(lang)
    }

    /// What was done about it, in `lang` ("" when the message says it all).
    pub fn action(&self, lang: Lang) -> String {
        self.issue.action(lang)
    }

    /// Where, in `lang`: "feature 3 (id P7)" / "第 3 个要素（编号 P7）"; "" for a file.
    pub fn place(&self, lang: Lang) -> String {
        match (self.feature, &self.feature_id, lang) {
            (Some(i), Some(id), Lang::En) => format!("feature {i} (id {id})"),
            (Some(i), None, Lang::En) => format!("feature {i}"),
            (Some(i), Some(id), Lang::Zh) => format!("第 {i} 个要素（编号 {id}）"),
            (Some(i), None, Lang::Zh) => format!("第 {i} 个要素"),
            (None, _, _) => String::new(),
        }
    }

    /// One line for people: `file: feature 3 (id P7): message — action`.
    pub fn describe(&self, lang: Lang) -> String {
        let sep = lang.pick("：", ": ");
        let mut s = self.file.clone();
        let place = self.place(lang);
        if !place.is_empty() {
            s.push_str(sep);
            s.push_str(&place);
        }
        s.push_str(sep);
        s.push_str(&self.message(lang));
        let action = self.action(lang);
        if !action.is_empty() {
            s.push_str(" — ");
            s.push_str(&action);
        }
        s
    }
}

impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Problem", 8)?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("feature", &self.feature)?;
        st.serialize_field("feature_id", &self.feature_id)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("message", &self.message(Lang::En))?;
        st.serialize_field("action", &self.action(Lang::En))?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("location", &self.location)?;
        st.end()
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
