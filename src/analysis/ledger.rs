//! The park's land and project ledger as of a day: each project's stage on that day
//! (from its stage dates), how long it has been there, whether it is stalled, who is
//! responsible, which of the five documents (五证) it has, the arable quota and red-line
//! conflicts of its land; the parcels' approval status on that day and land approval
//! per year in mu.
//!
//! Stage on a day: the highest stage, up to the stage the data declares, whose date
//! is on or before the day. 在建 has no date of its own: a project declared 在建 (or
//! beyond) is under construction from its 开工日期. When the declared stage has no date
//! but every dated stage before it was reached, the project is in the declared stage
//! since the last known date (flagged: "since estimated"). Before its 签约日期 a
//! project does not exist yet. Dates that cannot be read, and stage dates out of
//! order, are listed as doubtful, never silently used.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::constraints::ConstraintOverlay;
use super::land::ProjectSite;
use crate::model::date::Date;
use crate::model::{
    ApprovalStatus, ConstraintKind, Document, LifecycleStage, Parcel, Park, Phase, Project,
    SquareMeters, Text,
};

/// How many days a project may stay in each stage before it counts as stalled, saved
/// with a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LedgerSettings {
    /// Days allowed per stage (a stage absent here has no limit).
    pub stage_limits_days: BTreeMap<LifecycleStage, u32>,
}

impl Default for LedgerSettings {
    /// 签约 90 days (to 履约), 履约 120 (to 入库), 入库 180 (to 开工), 开工 365 (a
    /// year from breaking ground to full construction), 在建 1095 (three years to
    /// production); 投产 has no limit.
    fn default() -> LedgerSettings {
        use LifecycleStage as S;
        LedgerSettings {
            stage_limits_days: [
                (S::Signed, 90),
                (S::Fulfilling, 120),
                (S::InLibrary, 180),
                (S::Started, 365),
                (S::UnderConstruction, 1095),
            ]
            .into_iter()
            .collect(),
        }
    }
}

/// Who answers for a project in its current stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponsibleRole {
    /// 帮代办专员 (签约 to 入库).
    Agent,
    /// 项目秘书 (开工 to 投产).
    Secretary,
}

impl ResponsibleRole {
    /// "帮代办专员" / "Agent".
    pub fn label(self, lang: crate::model::Lang) -> &'static str {
        match self {
            ResponsibleRole::Agent => lang.pick("帮代办专员", "Agent"),
            ResponsibleRole::Secretary => lang.pick("项目秘书", "Project secretary"),
        }
    }
}

/// A date in the data that could not be used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoubtfulDate {
    /// The project or parcel id.
    pub id: String,
    /// The field (Chinese name).
    pub field: &'static str,
    /// The text written.
    pub text: String,
    /// What is wrong ("not a date", "before 签约日期" …).
    pub problem: String,
}

/// One project on the day.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectStatus {
    /// Index into `park.projects`.
    pub project: u32,
    /// Signed by the day (a project signed later does not exist yet).
    pub signed: bool,
    /// The stage on the day (`None`: not signed yet, or no stage known).
    pub stage: Option<LifecycleStage>,
    /// Since when it is in that stage.
    pub stage_since: Option<Date>,
    /// `stage_since` is the last known earlier date (the stage's own date is missing).
    pub since_estimated: bool,
    /// Days in the stage on the day.
    pub days_in_stage: Option<i32>,
    /// The stage's limit, days.
    pub limit_days: Option<u32>,
    /// Longer in the stage than its limit.
    pub stalled: bool,
    /// Who answers for it now, and in which role.
    pub responsible: Option<(ResponsibleRole, String)>,
    /// The five documents' dates, when issued by the day ([`Document::ALL`] order).
    pub documents: [Option<Date>; 5],
    /// Documents missing although construction has started.
    pub missing_documents: Vec<Document>,
    /// Its parcels (indices into `park.parcels`).
    pub parcels: Vec<u32>,
    /// Arable land inside its parcels, mu: the supplementary arable quota its land
    /// approval needs (`None` without an arable-land layer).
    pub arable_quota_mu: Option<f64>,
    /// The quota is still outstanding: some of its land is not approved by the day.
    pub quota_outstanding: bool,
    /// Its land on permanent farmland, the ecological red line or outside the urban
    /// boundary, mu (`None` without any such layer).
    pub redline_conflict_mu: Option<f64>,
    /// A later phase signed before the same investor's earlier phase produced (二期现象).
    pub early_next_phase: bool,
}

impl ProjectStatus {
    /// "待落实" (some of its land is not approved yet), "已落实", or "" (no arable land
    /// under it, or no arable layer).
    pub fn quota_word(&self, lang: crate::model::Lang) -> &'static str {
        match self.arable_quota_mu {
            Some(q) if q > 0.0 && self.quota_outstanding => lang.pick("待落实", "outstanding"),
            Some(q) if q > 0.0 => lang.pick("已落实", "settled"),
            _ => "",
        }
    }
}

/// A list of documents in words: "不动产权证书、建筑工程施工许可证".
pub fn documents_text(docs: &[Document], lang: crate::model::Lang) -> String {
    docs.iter()
        .map(|d| d.label(lang))
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}

/// Land approval in one year, mu (by the dates of 报批, 批复, 供地).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct YearApproval {
    /// 报批: applications that went up in the year.
    pub submitted_mu: f64,
    /// 批复: approvals that came back in the year.
    pub approved_mu: f64,
    /// 供地: land supplied in the year.
    pub supplied_mu: f64,
}

/// The ledger on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    /// The day.
    pub as_of: Date,
    /// The stage limits used.
    pub settings: LedgerSettings,
    /// Every project, in `park.projects` order.
    pub projects: Vec<ProjectStatus>,
    /// Each parcel's approval status on the day, in `park.parcels` order.
    pub parcel_status: Vec<ApprovalStatus>,
    /// Land approval per year (up to the day).
    pub approval_by_year: BTreeMap<i32, YearApproval>,
    /// Dates that could not be used.
    pub doubtful: Vec<DoubtfulDate>,
}

impl Ledger {
    /// Projects signed by the day, per stage (lifecycle order): count and investment
    /// (亿元) — the stage funnel.
    pub fn funnel(&self, park: &Park) -> Vec<(LifecycleStage, usize, f64)> {
        LifecycleStage::ALL
            .iter()
            .map(|&s| {
                let in_stage = self.projects.iter().filter(|p| p.stage == Some(s));
                let (n, inv) = in_stage.fold((0, 0.0), |(n, inv), p| {
                    let yi = park.projects[p.project as usize]
                        .investment_yi
                        .filter(|v| v.is_finite())
                        .unwrap_or(0.0);
                    (n + 1, inv + yi)
                });
                (s, n, inv)
            })
            .collect()
    }

    /// The stalled projects, longest overdue first.
    pub fn stalled(&self) -> Vec<&ProjectStatus> {
        let mut v: Vec<&ProjectStatus> = self.projects.iter().filter(|p| p.stalled).collect();
        v.sort_by_key(|p| {
            std::cmp::Reverse(p.days_in_stage.unwrap_or(0) - p.limit_days.unwrap_or(0) as i32)
        });
        v
    }

    /// Projects whose stage changed between `since` and the ledger's day: (project
    /// index, stage then, stage now).
    pub fn moved_since(
        &self,
        park: &Park,
        since: Date,
    ) -> Vec<(u32, Option<LifecycleStage>, Option<LifecycleStage>)> {
        self.projects
            .iter()
            .filter_map(|p| {
                let then = stage_on(&park.projects[p.project as usize], since).stage;
                (then != p.stage).then_some((p.project, then, p.stage))
            })
            .collect()
    }

    /// The project status of a project index.
    pub fn of(&self, project: usize) -> Option<&ProjectStatus> {
        self.projects.get(project)
    }
}

/// A project's stage on a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StageOn {
    /// Signed by the day.
    pub signed: bool,
    /// The stage.
    pub stage: Option<LifecycleStage>,
    /// Since when.
    pub since: Option<Date>,
    /// `since` is an earlier stage's date.
    pub estimated: bool,
}

/// The date of each stage, where the data gives one (在建: the 开工日期).
fn stage_dates(p: &Project) -> [Option<Date>; 6] {
    let d = |s: &Option<Text>| s.as_deref().and_then(Date::parse);
    let started = d(&p.dates.started);
    [
        d(&p.dates.signed),
        d(&p.dates.fulfilled),
        d(&p.dates.library),
        started,
        started,
        d(&p.dates.production),
    ]
}

/// The stage of a project on a day (see the module's rules).
pub fn stage_on(p: &Project, day: Date) -> StageOn {
    let dates = stage_dates(p);
    let declared = p.stage;
    let top = declared.map_or(LifecycleStage::ALL.len() - 1, stage_index);
    if dates.iter().all(Option::is_none) {
        // Nothing dated: the declared stage, since an unknown day.
        return StageOn {
            signed: true,
            stage: declared,
            since: None,
            estimated: false,
        };
    }
    if let Some(signed) = dates[0]
        && signed > day
    {
        return StageOn {
            signed: false,
            stage: None,
            since: None,
            estimated: false,
        };
    }
    // Under construction only when the data says the project got that far.
    let reached = |i: usize| {
        i <= top
            && (i != stage_index(LifecycleStage::UnderConstruction) || declared.is_some())
            && dates[i].is_some_and(|d| d <= day)
    };
    let best = (0..=top).rev().find(|&i| reached(i));
    // The declared stage has no date, but every dated stage before it is reached: the
    // project is in the declared stage, since the last known date.
    let dated_before_top: Vec<usize> = (0..top).filter(|&i| dates[i].is_some()).collect();
    if dates[top].is_none()
        && declared.is_some()
        && !dated_before_top.is_empty()
        && dated_before_top.iter().all(|&i| reached(i))
    {
        let since = dated_before_top.iter().filter_map(|&i| dates[i]).max();
        return StageOn {
            signed: true,
            stage: declared,
            since,
            estimated: true,
        };
    }
    match best {
        Some(i) => StageOn {
            signed: true,
            stage: Some(LifecycleStage::ALL[i]),
            since: dates[i],
            estimated: false,
        },
        // Signed (or undated signing) but no dated stage reached: the first stage.
        None => StageOn {
            signed: true,
            stage: declared.map(|_| LifecycleStage::Signed),
            since: dates[0],
            estimated: dates[0].is_none(),
        },
    }
}

fn stage_index(s: LifecycleStage) -> usize {
    LifecycleStage::ALL
        .iter()
        .position(|x| *x == s)
        .unwrap_or(0)
}

/// A parcel's approval status on a day, from its 报批/批复/供地 dates (its declared
/// status when it has none).
pub fn status_on(p: &Parcel, day: Date) -> ApprovalStatus {
    let d = |s: &Option<Text>| s.as_deref().and_then(Date::parse);
    let (sub, app, sup) = (
        d(&p.approval.submitted),
        d(&p.approval.approved),
        d(&p.approval.supplied),
    );
    if sub.is_none() && app.is_none() && sup.is_none() {
        return p.status;
    }
    let by = |x: Option<Date>| x.is_some_and(|x| x <= day);
    if by(sup) {
        ApprovalStatus::Supplied
    } else if by(app) {
        if p.status == ApprovalStatus::Listed {
            ApprovalStatus::Listed
        } else {
            ApprovalStatus::Approved
        }
    } else if by(sub) {
        ApprovalStatus::Pending
    } else {
        ApprovalStatus::Reserved
    }
}

/// The ledger of a park on `as_of`, from the projects' sites and the constraint
/// overlay.
pub fn ledger(
    park: &Park,
    sites: &[ProjectSite],
    overlay: &ConstraintOverlay,
    settings: &LedgerSettings,
    as_of: Date,
) -> Ledger {
    let mut doubtful = Vec::new();
    check_dates(park, &mut doubtful);
    let parcel_status: Vec<ApprovalStatus> =
        park.parcels.iter().map(|p| status_on(p, as_of)).collect();
    // A project's parcels: the one it sits on, and every parcel naming it.
    let mut parcels_of: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); park.projects.len()];
    for s in sites {
        if let (Some(pi), Some(set)) = (s.parcel, parcels_of.get_mut(s.project as usize)) {
            set.insert(pi);
        }
    }
    let by_id: rustc_hash::FxHashMap<&str, usize> = park
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    for (pi, parcel) in park.parcels.iter().enumerate() {
        if let Some(&i) = parcel.project_id.as_deref().and_then(|id| by_id.get(id)) {
            parcels_of[i].insert(pi as u32);
        }
    }
    let arable_present = overlay.kinds_present[3];
    let redline_present = overlay.kinds_present[..3].iter().any(|p| *p);
    let projects = park
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let on = stage_on(p, as_of);
            let days = on.since.map(|s| as_of.days_since(s));
            let limit = on
                .stage
                .and_then(|s| settings.stage_limits_days.get(&s).copied());
            let stalled = matches!((days, limit), (Some(d), Some(l)) if d > l as i32);
            let documents: [Option<Date>; 5] = std::array::from_fn(|i| {
                p.dates.documents[i]
                    .as_deref()
                    .and_then(Date::parse)
                    .filter(|x| *x <= as_of)
            });
            let missing_documents = if on.stage >= Some(LifecycleStage::Started) {
                Document::ALL
                    .iter()
                    .zip(&documents)
                    .filter(|(_, d)| d.is_none())
                    .map(|(d, _)| *d)
                    .collect()
            } else {
                Vec::new()
            };
            let responsible = on.stage.and_then(|s| {
                if s <= LifecycleStage::InLibrary {
                    p.agent
                        .as_ref()
                        .map(|n| (ResponsibleRole::Agent, n.to_string()))
                } else {
                    p.secretary
                        .as_ref()
                        .map(|n| (ResponsibleRole::Secretary, n.to_string()))
                }
            });
            let parcels: Vec<u32> = parcels_of[i].iter().copied().collect();
            let sum = |f: &dyn Fn(&super::constraints::ParcelConstraints) -> f64| -> f64 {
                parcels
                    .iter()
                    .filter_map(|&pi| overlay.parcels.get(pi as usize))
                    .map(f)
                    .sum::<f64>()
                    + 0.0
            };
            let mu = |m2: f64| SquareMeters(m2).to_mu().0;
            let arable_quota_mu = arable_present
                .then(|| mu(sum(&|c| c.get(ConstraintKind::ArableLand).unwrap_or(0.0))));
            let redline_conflict_mu =
                redline_present.then(|| mu(sum(&|c| c.redline_conflict_m2())));
            let quota_outstanding = parcels.iter().any(|&pi| {
                !matches!(
                    parcel_status[pi as usize],
                    ApprovalStatus::Approved | ApprovalStatus::Supplied | ApprovalStatus::Listed
                )
            });
            ProjectStatus {
                project: i as u32,
                signed: on.signed,
                stage: on.stage,
                stage_since: on.since,
                since_estimated: on.estimated,
                days_in_stage: days,
                limit_days: limit,
                stalled,
                responsible,
                documents,
                missing_documents,
                parcels,
                arable_quota_mu,
                quota_outstanding,
                redline_conflict_mu,
                early_next_phase: early_next_phase(park, i),
            }
        })
        .collect();
    Ledger {
        as_of,
        settings: settings.clone(),
        projects,
        parcel_status,
        approval_by_year: approval_by_year(park, as_of),
        doubtful,
    }
}

/// Land approval per year, mu, from the parcels' dates up to `as_of`.
fn approval_by_year(park: &Park, as_of: Date) -> BTreeMap<i32, YearApproval> {
    let mut by: BTreeMap<i32, YearApproval> = BTreeMap::new();
    for p in &park.parcels {
        let mu = p.area.to_mu().0;
        let d = |s: &Option<Text>| s.as_deref().and_then(Date::parse).filter(|d| *d <= as_of);
        if let Some(x) = d(&p.approval.submitted) {
            by.entry(x.year()).or_default().submitted_mu += mu;
        }
        if let Some(x) = d(&p.approval.approved) {
            by.entry(x.year()).or_default().approved_mu += mu;
        }
        if let Some(x) = d(&p.approval.supplied) {
            by.entry(x.year()).or_default().supplied_mu += mu;
        }
    }
    by
}

/// A later phase signed before the same investor's earlier phase was in production.
fn early_next_phase(park: &Park, i: usize) -> bool {
    let p = &park.projects[i];
    let (Some(phase), Some(investor)) = (p.phase, p.investor.as_deref()) else {
        return false;
    };
    if phase == Phase::First {
        return false;
    }
    let Some(signed) = p.dates.signed.as_deref().and_then(Date::parse) else {
        return false;
    };
    park.projects.iter().any(|q| {
        q.investor.as_deref() == Some(investor)
            && q.phase.is_some_and(|qp| qp < phase)
            && q.dates
                .production
                .as_deref()
                .and_then(Date::parse)
                .is_none_or(|prod| prod > signed)
    })
}

/// Dates that cannot be read, and stage dates out of order.
fn check_dates(park: &Park, out: &mut Vec<DoubtfulDate>) {
    for p in &park.projects {
        let named: [(&'static str, &Option<Text>); 5] = [
            ("签约日期", &p.dates.signed),
            ("履约日期", &p.dates.fulfilled),
            ("入库日期", &p.dates.library),
            ("开工日期", &p.dates.started),
            ("投产日期", &p.dates.production),
        ];
        let mut last: Option<(&'static str, Date)> = None;
        for (field, text) in named {
            let Some(t) = text.as_deref().filter(|t| !t.trim().is_empty()) else {
                continue;
            };
            match Date::parse(t) {
                None => out.push(DoubtfulDate {
                    id: p.id.to_string(),
                    field,
                    text: t.to_string(),
                    problem: "not a date (YYYY-MM-DD expected); ignored".into(),
                }),
                Some(d) => {
                    if let Some((before, bd)) = last
                        && d < bd
                    {
                        out.push(DoubtfulDate {
                            id: p.id.to_string(),
                            field,
                            text: t.to_string(),
                            problem: format!("earlier than {before} {bd}"),
                        });
                    }
                    last = Some((field, d));
                }
            }
        }
        for (d, text) in Document::ALL.iter().zip(&p.dates.documents) {
            if let Some(t) = text.as_deref().filter(|t| !t.trim().is_empty())
                && Date::parse(t).is_none()
            {
                out.push(DoubtfulDate {
                    id: p.id.to_string(),
                    field: d.label(crate::model::Lang::Zh),
                    text: t.to_string(),
                    problem: "not a date (YYYY-MM-DD expected); the document counts as missing"
                        .into(),
                });
            }
        }
    }
    for p in &park.parcels {
        for (field, text) in [
            ("报批日期", &p.approval.submitted),
            ("批复日期", &p.approval.approved),
            ("供地日期", &p.approval.supplied),
        ] {
            if let Some(t) = text.as_deref().filter(|t| !t.trim().is_empty())
                && Date::parse(t).is_none()
            {
                out.push(DoubtfulDate {
                    id: p.id.to_string(),
                    field,
                    text: t.to_string(),
                    problem: "not a date (YYYY-MM-DD expected); ignored".into(),
                });
            }
        }
    }
}

/// The park as it stood on the ledger's day, for drawing: each project's stage field
/// holds its stage on the day (a project not yet signed loses its geometry, so it is
/// not drawn), each parcel's status field its status on the day; records rebuilt.
/// Only the attributes the map classifies by change; ids, geometry and order stay.
pub fn park_as_of(park: &Park, l: &Ledger) -> Park {
    use crate::model::{Field, Lang, Role};
    use std::collections::HashMap;
    let mut out = park.clone();
    // (layer, field) → the cells to write.
    let mut updates: HashMap<(u32, Field), Vec<(usize, &str)>> = HashMap::new();
    for s in &l.projects {
        let f = park.projects[s.project as usize].feature;
        let text = s.stage.map_or("", |x| x.label(Lang::Zh));
        updates
            .entry((f.layer, Field::Stage))
            .or_default()
            .push((f.index as usize, text));
    }
    for (i, status) in l.parcel_status.iter().enumerate() {
        let rec = &park.parcels[i];
        if *status != rec.status {
            updates
                .entry((rec.feature.layer, Field::Status))
                .or_default()
                .push((rec.feature.index as usize, status.label(Lang::Zh)));
        }
    }
    for ((li, field), cells) in &updates {
        let Some(layer) = out.layers.get_mut(*li as usize) else {
            continue;
        };
        let default = if *field == Field::Stage {
            "项目阶段"
        } else {
            "审批状态"
        };
        let col = layer
            .fields
            .entry(*field)
            .or_insert_with(|| default.to_string())
            .clone();
        layer.attributes.set_texts(&col, cells);
    }
    for s in l.projects.iter().filter(|s| !s.signed) {
        let f = park.projects[s.project as usize].feature;
        if let Some(g) = out
            .layers
            .get_mut(f.layer as usize)
            .and_then(|layer| layer.geometries.get_mut(f.index as usize))
        {
            *g = None;
        }
    }
    out.rebuild_records_of(Role::Projects);
    out.rebuild_records_of(Role::Parcels);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::build;
    use crate::model::KeyDates;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn project(stage: LifecycleStage, dates: KeyDates) -> Project {
        let mut p = build::project(
            "X",
            Some(stage),
            Some(10.0),
            Some("秘书甲"),
            None,
            111.0,
            30.0,
        );
        p.agent = Some("专员乙".into());
        p.dates = dates;
        p
    }

    fn dates(signed: &str, fulfilled: &str, library: &str, started: &str) -> KeyDates {
        let o = |s: &str| (!s.is_empty()).then(|| s.into());
        KeyDates {
            signed: o(signed),
            fulfilled: o(fulfilled),
            library: o(library),
            started: o(started),
            ..KeyDates::default()
        }
    }

    #[test]
    fn stage_follows_the_dates() {
        let p = project(
            LifecycleStage::UnderConstruction,
            dates("2023-01-10", "2023-02-01", "2023-03-01", "2023-06-01"),
        );
        let s = |d: &str| stage_on(&p, day(d));
        assert!(!s("2023-01-09").signed);
        assert_eq!(s("2023-01-10").stage, Some(LifecycleStage::Signed));
        assert_eq!(s("2023-02-15").stage, Some(LifecycleStage::Fulfilling));
        assert_eq!(s("2023-05-31").stage, Some(LifecycleStage::InLibrary));
        let on = s("2024-01-01");
        assert_eq!(on.stage, Some(LifecycleStage::UnderConstruction));
        assert_eq!(on.since, Some(day("2023-06-01")));
    }

    #[test]
    fn a_missing_stage_date_is_estimated_from_the_last_known_one() {
        // Declared 履约 with only the signing date.
        let p = project(LifecycleStage::Fulfilling, dates("2024-06-21", "", "", ""));
        let on = stage_on(&p, day("2024-12-01"));
        assert_eq!(on.stage, Some(LifecycleStage::Fulfilling));
        assert_eq!(on.since, Some(day("2024-06-21")));
        assert!(on.estimated);
        // Declared 开工 without its date stays 开工, never becomes 在建.
        let p = project(LifecycleStage::Started, dates("2024-01-01", "", "", ""));
        assert_eq!(
            stage_on(&p, day("2025-01-01")).stage,
            Some(LifecycleStage::Started)
        );
    }

    #[test]
    fn stalled_missing_documents_and_the_responsible_person() {
        let mut park = Park::default();
        let mut p = project(
            LifecycleStage::Started,
            dates("2024-01-01", "2024-02-01", "2024-03-01", "2024-05-01"),
        );
        p.dates.documents[0] = Some("2024-04-20".into());
        p.dates.documents[4] = Some("2024年4月25日".into());
        park.projects.push(p);
        let l = ledger(
            &park,
            &[],
            &ConstraintOverlay::default(),
            &LedgerSettings::default(),
            day("2024-08-01"),
        );
        let s = &l.projects[0];
        assert_eq!(s.stage, Some(LifecycleStage::Started));
        assert_eq!(s.days_in_stage, Some(92));
        assert!(!s.stalled, "92 days < 365");
        let strict = LedgerSettings {
            stage_limits_days: [(LifecycleStage::Started, 60)].into_iter().collect(),
        };
        let l2 = ledger(
            &park,
            &[],
            &ConstraintOverlay::default(),
            &strict,
            day("2024-08-01"),
        );
        assert!(l2.projects[0].stalled, "92 days > 60");
        assert_eq!(l2.stalled().len(), 1);
        assert_eq!(
            s.responsible,
            Some((ResponsibleRole::Secretary, "秘书甲".to_string()))
        );
        assert_eq!(
            s.missing_documents,
            vec![
                Document::DesignSchemeApproval,
                Document::WorksPlanningPermit,
                Document::PropertyCertificate
            ]
        );
        // Two months earlier it was in the library, with its agent, not stalled.
        let l = ledger(
            &park,
            &[],
            &ConstraintOverlay::default(),
            &LedgerSettings::default(),
            day("2024-04-01"),
        );
        let s = &l.projects[0];
        assert_eq!(s.stage, Some(LifecycleStage::InLibrary));
        assert!(!s.stalled);
        assert!(s.missing_documents.is_empty());
        assert_eq!(
            s.responsible,
            Some((ResponsibleRole::Agent, "专员乙".to_string()))
        );
        assert_eq!(
            l.moved_since(&park, day("2024-01-15")),
            vec![(
                0,
                Some(LifecycleStage::Signed),
                Some(LifecycleStage::InLibrary)
            )]
        );
    }

    #[test]
    fn parcels_status_and_approval_by_year() {
        let mut park = Park::default();
        let sq = [
            (111.0, 30.0),
            (111.01, 30.0),
            (111.01, 30.01),
            (111.0, 30.01),
            (111.0, 30.0),
        ];
        build::add_parcel(&mut park, "P", Some("M1"), ApprovalStatus::Supplied, &sq);
        park.parcels[0].approval.submitted = Some("2022-05-01".into());
        park.parcels[0].approval.approved = Some("2022-11-01".into());
        park.parcels[0].approval.supplied = Some("2023-02-01".into());
        let p = &park.parcels[0];
        assert_eq!(status_on(p, day("2022-01-01")), ApprovalStatus::Reserved);
        assert_eq!(status_on(p, day("2022-06-01")), ApprovalStatus::Pending);
        assert_eq!(status_on(p, day("2022-12-01")), ApprovalStatus::Approved);
        assert_eq!(status_on(p, day("2023-03-01")), ApprovalStatus::Supplied);
        let mu = p.area.to_mu().0;
        let by = approval_by_year(&park, day("2022-12-31"));
        assert_eq!(by.len(), 1);
        assert!((by[&2022].submitted_mu - mu).abs() < 1e-9);
        assert!((by[&2022].approved_mu - mu).abs() < 1e-9);
        assert_eq!(by[&2022].supplied_mu, 0.0);
        assert!((approval_by_year(&park, day("2024-01-01"))[&2023].supplied_mu - mu).abs() < 1e-9);
    }

    #[test]
    fn unreadable_and_out_of_order_dates_are_doubtful() {
        let mut park = Park::default();
        park.projects.push(project(
            LifecycleStage::Started,
            dates("2024-05-01", "2024-13-01", "", "2024-03-01"),
        ));
        let mut d = Vec::new();
        check_dates(&park, &mut d);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].field, "履约日期");
        assert!(d[1].problem.contains("签约日期"), "{}", d[1].problem);
    }
}
