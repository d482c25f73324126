//! Reports: analysis results turned into named tables once ([`tables`]), then written
//! as a readable printout ([`text`]), as CSV files ([`csv`]) or as the JSON contract
//! ([`json`]). `parkplan-cli report` and the desktop's "export tables" both call it, so
//! they write the same files.
//!
//! Only formats: it computes nothing (the figures come from [`crate::analysis`] and, for
//! isochrones, [`crate::analysis::isochrone_run`]), knows no GUI, and writes files only
//! through [`crate::save::csv`].

pub mod csv;
pub mod json;
mod json_text;
pub mod ledger_json;
mod notes;
pub mod siting;
mod table;
pub mod tables;
pub mod text;

use crate::analysis::{IsoRun, ParkAnalysis, SiteMatch};
use crate::model::Park;

pub use table::{Cell, Column, Fmt, Table};
pub use tables::Target;
pub use text::{char_width, display_width};

/// What a report is made of: a park, its analysis, and optionally its isochrones
/// (computed against the same circle coverage as `analysis`).
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The park the results index into.
    pub park: &'a Park,
    /// Every analysis of the park.
    pub analysis: &'a ParkAnalysis,
    /// Isochrones along roads; reported only when it holds at least one analysis.
    pub iso: Option<&'a IsoRun>,
}

impl<'a> ReportInput<'a> {
    /// The isochrones, when there is at least one to report.
    pub fn isochrones(&self) -> Option<&'a IsoRun> {
        self.iso.filter(|run| !run.analyses.is_empty())
    }
}

/// How a project's parcel was found, as the CSV and JSON reports spell it.
pub fn site_word(h: SiteMatch) -> &'static str {
    match h {
        SiteMatch::Declared => "declared",
        SiteMatch::Located => "located",
        SiteMatch::Mismatch => "mismatch",
        SiteMatch::UnknownDeclared => "unknown_declared_parcel",
        SiteMatch::None => "none",
    }
}

/// How a project's parcel was found, in Chinese (the printout).
pub fn site_word_zh(h: SiteMatch) -> &'static str {
    match h {
        SiteMatch::Declared => "按地块编号",
        SiteMatch::Located => "按位置",
        SiteMatch::Mismatch => "不一致",
        SiteMatch::UnknownDeclared => "编号不存在",
        SiteMatch::None => "无地块",
    }
}
