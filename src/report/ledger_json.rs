//! The ledger's part of the JSON contract: `"constraints"`, `"projects"."items"`,
//! `"land"."approval_by_year"`, shared by `report --json` and `dispatch --json` so both
//! print the same keys.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::ParkAnalysis;
use crate::analysis::constraints::KINDS;
use crate::analysis::ledger::{DoubtfulDate, Ledger, ProjectStatus};
use crate::model::date::Date;
use crate::model::{Document, LifecycleStage, Park, SquareMeters};

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn mu(m2: Option<f64>) -> Option<f64> {
    m2.map(|m| round(SquareMeters(m).to_mu().0, 4))
}

/// `"constraints"`.
#[derive(Serialize)]
pub struct JsonConstraints<'a> {
    layers: Vec<JsonConstraintLayer<'a>>,
    parcels: ParcelConstraintList<'a>,
    tolerance_m2: f64,
    method: &'a str,
}

#[derive(Serialize)]
struct JsonConstraintLayer<'a> {
    name: &'a str,
    kind: Option<&'static str>,
    features: usize,
    unknown_kind: usize,
    area_mu: f64,
}

impl JsonConstraints<'_> {
    /// What `serde_json` writes for it, the parcels' objects rendered in parallel.
    pub(super) fn write_to(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        use super::json_text::{key, member, value, write_joined};
        w.write_all(b"{")?;
        member(w, true, "layers", &self.layers)?;
        key(w, false, "parcels")?;
        let list = &self.parcels;
        write_joined(w, (b'[', b']'), list.parcels.len(), 1 << 13, |i, out| {
            value(out, &list.item(i))?;
            Ok(true)
        })?;
        member(w, false, "tolerance_m2", &self.tolerance_m2)?;
        member(w, false, "method", &self.method)?;
        w.write_all(b"}")
    }
}

/// Every parcel's constraint areas, each turned into its JSON object as it is written
/// (333k parcels at 1M: no list of them held beside the analysis').
struct ParcelConstraintList<'a> {
    park: &'a Park,
    parcels: &'a [crate::analysis::constraints::ParcelConstraints],
}

impl<'a> ParcelConstraintList<'a> {
    /// The `i`-th parcel's object.
    fn item(&self, i: usize) -> JsonParcelConstraints<'a> {
        let p = &self.parcels[i];
        let m2 = p.m2();
        JsonParcelConstraints {
            id: &self.park.parcels[p.parcel as usize].id,
            permanent_farmland_mu: mu(m2[0]),
            ecological_redline_mu: mu(m2[1]),
            outside_urban_boundary_mu: mu(m2[2]),
            arable_land_mu: mu(m2[3]),
        }
    }
}

impl Serialize for ParcelConstraintList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((0..self.parcels.len()).map(|i| self.item(i)))
    }
}

#[derive(Serialize)]
struct JsonParcelConstraints<'a> {
    id: &'a str,
    permanent_farmland_mu: Option<f64>,
    ecological_redline_mu: Option<f64>,
    outside_urban_boundary_mu: Option<f64>,
    arable_land_mu: Option<f64>,
}

/// `"constraints"` of a report.
pub fn constraints<'a>(park: &'a Park, r: &'a ParkAnalysis) -> JsonConstraints<'a> {
    let o = &r.constraints;
    debug_assert_eq!(KINDS.len(), 4);
    JsonConstraints {
        layers: o
            .layers
            .iter()
            .map(|l| JsonConstraintLayer {
                name: &l.name,
                kind: l.kind.map(|k| k.code()),
                features: l.features,
                unknown_kind: l.unknown_kind,
                area_mu: round(SquareMeters(l.area_m2).to_mu().0, 4),
            })
            .collect(),
        parcels: ParcelConstraintList {
            park,
            parcels: &o.parcels,
        },
        tolerance_m2: o.tolerance_m2,
        method: &o.method,
    }
}

/// One project of `"projects"."items"`.
#[derive(Serialize)]
pub struct JsonProjectItem<'a> {
    id: &'a str,
    name: &'a str,
    signed: bool,
    stage: Option<&'static str>,
    stage_since: Option<String>,
    since_estimated: bool,
    days_in_stage: Option<i32>,
    limit_days: Option<u32>,
    stalled: bool,
    responsible: Option<&'a str>,
    responsible_role: Option<&'static str>,
    documents: BTreeMap<&'static str, Option<String>>,
    missing_documents: Vec<&'static str>,
    parcels: Vec<&'a str>,
    arable_quota_needed_mu: Option<f64>,
    quota_outstanding: bool,
    redline_conflict_mu: Option<f64>,
    early_next_phase: bool,
}

fn item<'a>(park: &'a Park, s: &'a ProjectStatus) -> JsonProjectItem<'a> {
    let p = &park.projects[s.project as usize];
    JsonProjectItem {
        id: &p.id,
        name: &p.name,
        signed: s.signed,
        stage: s.stage.map(|x| x.code()),
        stage_since: s.stage_since.map(|d| d.to_string()),
        since_estimated: s.since_estimated,
        days_in_stage: s.days_in_stage,
        limit_days: s.limit_days,
        stalled: s.stalled,
        responsible: s.responsible.as_ref().map(|(_, n)| n.as_str()),
        responsible_role: s.responsible.as_ref().map(|(r, _)| match r {
            crate::analysis::ledger::ResponsibleRole::Agent => "agent",
            crate::analysis::ledger::ResponsibleRole::Secretary => "secretary",
        }),
        documents: Document::ALL
            .iter()
            .zip(&s.documents)
            .map(|(d, date)| (d.code(), date.map(|x| x.to_string())))
            .collect(),
        missing_documents: s.missing_documents.iter().map(|d| d.code()).collect(),
        parcels: s
            .parcels
            .iter()
            .map(|&i| park.parcels[i as usize].id.as_str())
            .collect(),
        arable_quota_needed_mu: s.arable_quota_mu.map(|x| round(x, 4)),
        quota_outstanding: s.quota_outstanding,
        redline_conflict_mu: s.redline_conflict_mu.map(|x| round(x, 4)),
        early_next_phase: s.early_next_phase,
    }
}

/// The ledger's keys inside `"projects"`.
#[derive(Serialize)]
pub struct JsonProjectLedger<'a> {
    as_of: String,
    stage_limits_days: &'a BTreeMap<LifecycleStage, u32>,
    stalled: Vec<&'a str>,
    items: Vec<JsonProjectItem<'a>>,
    doubtful_dates: &'a [DoubtfulDate],
}

/// `"projects"`' ledger keys.
pub fn project_ledger<'a>(park: &'a Park, l: &'a Ledger) -> JsonProjectLedger<'a> {
    JsonProjectLedger {
        as_of: l.as_of.to_string(),
        stage_limits_days: &l.settings.stage_limits_days,
        stalled: l
            .stalled()
            .iter()
            .map(|s| park.projects[s.project as usize].id.as_str())
            .collect(),
        items: l.projects.iter().map(|s| item(park, s)).collect(),
        doubtful_dates: &l.doubtful,
    }
}

/// One year of `"land"."approval_by_year"`.
#[derive(Serialize)]
pub struct JsonYear {
    submitted_mu: f64,
    approved_mu: f64,
    supplied_mu: f64,
}

/// `"land"."approval_by_year"`.
pub fn approval_by_year(l: &Ledger) -> BTreeMap<String, JsonYear> {
    l.approval_by_year
        .iter()
        .map(|(y, a)| {
            (
                y.to_string(),
                JsonYear {
                    submitted_mu: round(a.submitted_mu, 4),
                    approved_mu: round(a.approved_mu, 4),
                    supplied_mu: round(a.supplied_mu, 4),
                },
            )
        })
        .collect()
}

/// One stage of the funnel.
#[derive(Serialize)]
pub struct JsonFunnelStage {
    stage: &'static str,
    label: &'static str,
    projects: usize,
    investment_yi: f64,
}

/// A project that moved between two days.
#[derive(Serialize)]
pub struct JsonMove<'a> {
    id: &'a str,
    name: &'a str,
    from: Option<&'static str>,
    to: Option<&'static str>,
}

/// `dispatch --json`: the ledger's keys of the report, the funnel, and what moved
/// since the last report.
#[derive(Serialize)]
pub struct JsonDispatch<'a> {
    park: &'a str,
    as_of: String,
    since: Option<String>,
    funnel: Vec<JsonFunnelStage>,
    moved_since: Option<Vec<JsonMove<'a>>>,
    constraints: JsonConstraints<'a>,
    projects: JsonProjectLedger<'a>,
    land: JsonDispatchLand,
}

/// The land keys of `dispatch --json`.
#[derive(Serialize)]
pub struct JsonDispatchLand {
    approval_by_year: BTreeMap<String, JsonYear>,
}

/// Builds `dispatch --json`.
pub fn dispatch<'a>(park: &'a Park, r: &'a ParkAnalysis, since: Option<Date>) -> JsonDispatch<'a> {
    let l = &r.ledger;
    JsonDispatch {
        park: &park.name,
        as_of: l.as_of.to_string(),
        since: since.map(|d| d.to_string()),
        funnel: l
            .funnel(park)
            .into_iter()
            .map(|(s, n, inv)| JsonFunnelStage {
                stage: s.code(),
                label: s.label(crate::model::Lang::Zh),
                projects: n,
                investment_yi: round(inv, 4),
            })
            .collect(),
        moved_since: since.map(|d| {
            l.moved_since(park, d)
                .into_iter()
                .map(|(i, from, to)| {
                    let p = &park.projects[i as usize];
                    JsonMove {
                        id: &p.id,
                        name: &p.name,
                        from: from.map(|s| s.code()),
                        to: to.map(|s| s.code()),
                    }
                })
                .collect()
        }),
        constraints: constraints(park, r),
        projects: project_ledger(park, l),
        land: JsonDispatchLand {
            approval_by_year: approval_by_year(l),
        },
    }
}
