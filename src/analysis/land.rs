//! Land and projects: parcel counts and areas by approval status and by land use,
//! projects by lifecycle stage (count, investment, secretaries), and which parcel each
//! project sits on (its declared 地块编号, else the parcel under its location), with the
//! mismatches between the two.
//!
//! Parcel areas are the geodesic areas the model computed from the geometry (WGS84,
//! Karney), not the areas the data declares.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{ApprovalStatus, LifecycleStage, Mu, Park, SquareMeters};
use crate::spatial::ParkIndex;

/// A count of parcels and their area.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AreaTally {
    /// How many parcels.
    pub parcels: usize,
    /// Their geodesic area, m².
    pub area_m2: f64,
}

impl AreaTally {
    fn add(&mut self, a: SquareMeters) {
        self.parcels += 1;
        self.area_m2 += a.0;
    }
    /// The area in mu (亩).
    pub fn mu(&self) -> f64 {
        SquareMeters(self.area_m2).to_mu().0
    }
    /// The area in hectares.
    pub fn ha(&self) -> f64 {
        self.area_m2 / 10_000.0
    }
}

/// Parcels by approval status and land use.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LandStats {
    /// All parcels.
    pub total: AreaTally,
    /// By approval status, in vocabulary order (only statuses present).
    pub by_status: Vec<(ApprovalStatus, AreaTally)>,
    /// By land use as written (`None`: not stated), in code order.
    pub by_land_use: Vec<(Option<String>, AreaTally)>,
    /// Sum of the declared areas (mu) of the parcels that declare one, and how many do.
    pub declared_mu: (f64, usize),
}

/// Counts parcels and sums their areas by approval status and by land use.
///
/// ```
/// use parkplan::analysis::{build, land_statistics};
/// use parkplan::model::{ApprovalStatus, Park};
/// let mut park = Park::default();
/// // Two ~0.001° squares (~96 m × 111 m ≈ 10,700 m² ≈ 16 mu each).
/// let sq = |x: f64| [(x, 30.0), (x + 0.001, 30.0), (x + 0.001, 30.001), (x, 30.001), (x, 30.0)];
/// build::add_parcel(&mut park, "P1", Some("M1"), ApprovalStatus::Approved, &sq(111.0));
/// build::add_parcel(&mut park, "P2", Some("M1"), ApprovalStatus::Pending, &sq(111.01));
/// let s = land_statistics(&park);
/// assert_eq!(s.total.parcels, 2);
/// assert!((s.total.mu() - 32.1).abs() < 0.2, "{}", s.total.mu());
/// assert_eq!(s.by_status[0].0, ApprovalStatus::Approved);
/// assert_eq!(s.by_land_use, vec![(Some("M1".to_string()), s.total)]);
/// ```
pub fn land_statistics(park: &Park) -> LandStats {
    let mut total = AreaTally::default();
    let mut by_status: BTreeMap<ApprovalStatus, AreaTally> = BTreeMap::new();
    let mut by_use: BTreeMap<Option<&str>, AreaTally> = BTreeMap::new();
    let mut declared = (0.0, 0);
    for p in &park.parcels {
        total.add(p.area);
        by_status.entry(p.status).or_default().add(p.area);
        by_use.entry(p.land_use.as_deref()).or_default().add(p.area);
        if let Some(Mu(m)) = p.declared_area {
            declared.0 += m;
            declared.1 += 1;
        }
    }
    LandStats {
        total,
        by_status: by_status.into_iter().collect(),
        by_land_use: by_use
            .into_iter()
            .map(|(u, t)| (u.map(str::to_string), t))
            .collect(),
        declared_mu: declared,
    }
}

/// Projects of one lifecycle stage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StageTally {
    /// The stage (`None`: not stated or not understood).
    pub stage: Option<LifecycleStage>,
    /// Projects in it (indices into `park.projects`).
    pub projects: Vec<u32>,
    /// Sum of their investment, 亿元 (those that state one).
    pub investment_yi: f64,
    /// Their secretaries, distinct, sorted.
    pub secretaries: Vec<String>,
}

/// Projects by lifecycle stage, in lifecycle order (stage not stated last).
///
/// ```
/// use parkplan::analysis::{build, project_statistics};
/// use parkplan::model::{LifecycleStage, Park};
/// let park = Park {
///     projects: vec![
///         build::project("X1", Some(LifecycleStage::Signed), Some(2.5), Some("张三"), None, 111.0, 30.0),
///         build::project("X2", Some(LifecycleStage::Signed), Some(1.0), Some("李四"), None, 111.0, 30.0),
///         build::project("X3", None, None, Some("张三"), None, 111.0, 30.0),
///     ],
///     ..Park::default()
/// };
/// let s = project_statistics(&park);
/// assert_eq!(s[0].stage, Some(LifecycleStage::Signed));
/// assert_eq!(s[0].projects, vec![0, 1]);
/// assert_eq!(s[0].investment_yi, 3.5);
/// assert_eq!(s[0].secretaries, vec!["张三".to_string(), "李四".to_string()]);
/// assert_eq!(s[1].stage, None);
/// ```
pub fn project_statistics(park: &Park) -> Vec<StageTally> {
    let mut by: BTreeMap<(bool, Option<LifecycleStage>), (StageTally, BTreeSet<String>)> =
        BTreeMap::new();
    for (i, p) in park.projects.iter().enumerate() {
        let (t, secs) = by.entry((p.stage.is_none(), p.stage)).or_default();
        t.stage = p.stage;
        t.projects.push(i as u32);
        t.investment_yi += p.investment_yi.filter(|v| v.is_finite()).unwrap_or(0.0);
        if let Some(s) = &p.secretary {
            secs.insert(s.to_string());
        }
    }
    by.into_values()
        .map(|(mut t, secs)| {
            t.secretaries = secs.into_iter().collect();
            t
        })
        .collect()
}

/// How a project's parcel was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteMatch {
    /// By its declared 地块编号, and its location agrees (or it has none).
    Declared,
    /// By its location (it declared no parcel).
    Located,
    /// It declared a parcel and its location lies in another parcel or in none.
    Mismatch,
    /// It declared a parcel id no parcel has; its location decided (if it could).
    UnknownDeclared,
    /// No parcel: none declared and none under its location.
    None,
}

/// Which parcel a project sits on.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectSite {
    /// Index into `park.projects`.
    pub project: u32,
    /// The parcel it sits on (index into `park.parcels`): the declared one when it
    /// exists, else the one under its location.
    pub parcel: Option<u32>,
    /// The parcel under its location, whatever it declared.
    pub located: Option<u32>,
    /// How the parcel was found.
    pub how: SiteMatch,
}

/// Which parcel each project sits on: its declared parcel id when a parcel has it,
/// else the parcel under its location (point in polygon); reports mismatches.
///
/// ```
/// use parkplan::analysis::{build, project_sites, SiteMatch};
/// use parkplan::model::{ApprovalStatus, Park};
/// use parkplan::spatial::ParkIndex;
/// let mut park = Park::default();
/// let sq = |x: f64| [(x, 30.0), (x + 0.001, 30.0), (x + 0.001, 30.001), (x, 30.001), (x, 30.0)];
/// build::add_parcel(&mut park, "P1", None, ApprovalStatus::Approved, &sq(111.0));
/// build::add_parcel(&mut park, "P2", None, ApprovalStatus::Approved, &sq(111.01));
/// park.projects = vec![
///     build::project("X1", None, None, None, Some("P1"), 111.0005, 30.0005), // agrees
///     build::project("X2", None, None, None, None, 111.0105, 30.0005),       // located in P2
///     build::project("X3", None, None, None, Some("P1"), 111.0105, 30.0005), // says P1, lies in P2
/// ];
/// let index = ParkIndex::build_default(&park).unwrap();
/// let s = project_sites(&park, &index);
/// assert_eq!((s[0].parcel, s[0].how), (Some(0), SiteMatch::Declared));
/// assert_eq!((s[1].parcel, s[1].how), (Some(1), SiteMatch::Located));
/// assert_eq!((s[2].parcel, s[2].located, s[2].how), (Some(0), Some(1), SiteMatch::Mismatch));
/// ```
pub fn project_sites(park: &Park, index: &ParkIndex) -> Vec<ProjectSite> {
    // Parcel id → index; Fx hashing: 333k short ids in the 1M scene.
    let by_id: rustc_hash::FxHashMap<&str, u32> = park
        .parcels
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i as u32))
        .rev() // the first parcel with an id wins
        .collect();
    park.projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let located = p
                .location
                .and_then(|pt| index.parcel_at(park, pt.x(), pt.y()));
            let declared = p
                .parcel_id
                .as_deref()
                .map(|id| by_id.get(id.trim()).copied());
            let (parcel, how) = match declared {
                Some(Some(d)) => {
                    let agrees = p.location.is_none_or(|pt| {
                        index
                            .parcels(park)
                            .containing(park, [pt.x(), pt.y()])
                            .contains(&d)
                    });
                    (
                        Some(d),
                        if agrees {
                            SiteMatch::Declared
                        } else {
                            SiteMatch::Mismatch
                        },
                    )
                }
                Some(None) => (located, SiteMatch::UnknownDeclared),
                None => match located {
                    Some(l) => (Some(l), SiteMatch::Located),
                    None => (None, SiteMatch::None),
                },
            };
            ProjectSite {
                project: i as u32,
                parcel,
                located,
                how,
            }
        })
        .collect()
}
