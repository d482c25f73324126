//! Analysis: pure functions from a park (and its [`ParkIndex`]) to plain results —
//! service-circle coverage ([`coverage`]), circle polygons and covered areas
//! ([`areas`]), bus-route lengths, stop spacing and catchments ([`routes`]), land and
//! project statistics ([`land`]).
//!
//! Results hold indices into `park.enterprises`, `park.facilities`, `park.routes`,
//! `park.stops`, `park.parcels` and `park.projects` (plus distances), so a caller can
//! highlight and list them; ids and names are resolved only when printing. Every
//! function states its method: distances are planar in the index's metric frame
//! (`distance <= r`, like shapely's `dwithin`); route lengths and parcel areas are
//! geodesic on the WGS84 ellipsoid (Karney, geo's `Geodesic`).
//!
//! No I/O, no GUI; the settings table ([`AnalysisSettings`]) is serde so project files
//! can keep it.

pub mod areas;
pub mod build;
pub mod constraints;
pub mod coverage;
pub mod covered;
pub mod isochrone;
pub mod isochrone_run;
pub mod land;
pub mod ledger;
pub mod living;
pub mod routes;
pub mod siting;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::crs::{FrameKind, MetricFrame};
use crate::model::{FacilityKind, Park};
use crate::spatial::ParkIndex;

pub use areas::{
    AllKindsArea, AreaSettings, KindArea, ParkArea, ServiceAreas, circle, circles_union,
    facility_circle, park_area, service_areas,
};
pub use coverage::{
    Coverage, Covered, FacilityCoverage, KindCoverage, NearestFacilities, nearest_facilities,
    service_coverage,
};
pub use covered::CoveredList;
pub use isochrone::{
    FacilityIsochrone, IsochroneAnalysis, IsochroneSpec, ReachChoice, facility_isochrone,
    isochrone_coverage, isochrone_coverage_with,
};
pub use isochrone_run::IsoRun;
pub use land::{
    AreaTally, LandStats, ProjectSite, SiteMatch, StageTally, land_statistics, project_sites,
    project_statistics,
};
pub use routes::{
    RouteAnalysis, RouteStats, Spacing, catchment_band, route_catchment, route_catchments,
    route_stats,
};

/// Errors reading analysis settings.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// `--radius` was not `KIND=METRES`.
    #[error("\"{0}\" is not KIND=METRES (e.g. kindergarten=300, 幼儿园=300, school=500, all=1000)")]
    RadiusSyntax(String),
    /// The kind is not a facility kind.
    #[error(
        "\"{0}\" is not a facility kind; use a code ({codes}), a Chinese label, school, or all",
        codes = FacilityKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>().join(", ")
    )]
    UnknownKind(String),
    /// The distance is not a positive number of metres.
    #[error("\"{0}\" is not a distance in metres (a positive number, at most 100000)")]
    BadDistance(String),
}

/// The service radius of each facility kind, the bus-stop catchment radius and the
/// metric frame: one table, saved with a project.
///
/// Defaults (GB 50180-2018 and common practice): kindergarten 300 m (5-minute
/// circle), primary school 500 m (10-minute), middle school 1000 m, community service
/// station 500 m, convenience and comprehensive service centres 1000 m (15-minute
/// walking circle), government service hall 1000 m (a 15-minute circle; configurable),
/// police post 500 m (a community police post serves the 10-minute living circle,
/// unlike a police station's district), other facilities 500 m. Bus-stop catchment
/// 500 m (the 公交都市 stop-coverage standard).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalysisSettings {
    /// Service radius in metres, by facility kind.
    pub radii: BTreeMap<FacilityKind, f64>,
    /// Bus-stop catchment radius in metres.
    pub catchment_m: f64,
    /// The family of the planar metric frame (UTM by default: matches geopandas'
    /// `estimate_utm_crs` and the peer benchmarks exactly).
    pub frame: FrameKind,
    /// The red-line overlay's sliver tolerance.
    pub overlay: constraints::OverlaySettings,
    /// The project ledger's stage limits.
    pub ledger: ledger::LedgerSettings,
    /// The day the ledger is drawn up for (`None`: today, UTC+8). Not saved.
    #[serde(skip)]
    pub as_of: Option<crate::model::date::Date>,
    /// Living-circle tiers and their required facility kinds (GB 50180-2018 defaults).
    pub living: living::LivingSettings,
}

impl Default for AnalysisSettings {
    fn default() -> AnalysisSettings {
        let radii = FacilityKind::ALL
            .iter()
            .map(|&k| (k, AnalysisSettings::default_radius(k)))
            .collect();
        AnalysisSettings {
            radii,
            catchment_m: 500.0,
            frame: FrameKind::Utm,
            overlay: Default::default(),
            ledger: Default::default(),
            as_of: None,
            living: living::LivingSettings::default(),
        }
    }
}

impl AnalysisSettings {
    /// The default service radius of a kind, in metres.
    pub fn default_radius(kind: FacilityKind) -> f64 {
        match kind {
            FacilityKind::Kindergarten => 300.0,
            FacilityKind::PrimarySchool => 500.0,
            FacilityKind::MiddleSchool => 1000.0,
            FacilityKind::CommunityServiceStation => 500.0,
            FacilityKind::ConvenienceServiceCentre => 1000.0,
            FacilityKind::ComprehensiveServiceCentre => 1000.0,
            FacilityKind::GovernmentServiceHall => 1000.0,
            FacilityKind::PolicePost => 500.0,
            FacilityKind::Other => 500.0,
        }
    }

    /// The service radius of a kind, in metres.
    pub fn radius(&self, kind: FacilityKind) -> f64 {
        self.radii
            .get(&kind)
            .copied()
            .unwrap_or_else(|| AnalysisSettings::default_radius(kind))
    }

    /// Applies one `KIND=METRES` setting, where KIND is a model code
    /// (`kindergarten`), a Chinese label (`幼儿园`), a spelling the data uses
    /// (`service_centre`, `convenience_station`), `school` (primary and middle) or
    /// `all`. Returns the kinds it set.
    ///
    /// ```
    /// use parkplan::analysis::AnalysisSettings;
    /// use parkplan::model::FacilityKind;
    /// let mut s = AnalysisSettings::default();
    /// assert_eq!(s.radius(FacilityKind::Kindergarten), 300.0);
    /// s.set_radius("幼儿园=250").unwrap();
    /// s.set_radius("school=800").unwrap();
    /// assert_eq!(s.radius(FacilityKind::Kindergarten), 250.0);
    /// assert_eq!(s.radius(FacilityKind::MiddleSchool), 800.0);
    /// assert!(s.set_radius("school").is_err());
    /// assert!(s.set_radius("swimming_pool=100").is_err());
    /// ```
    pub fn set_radius(&mut self, spec: &str) -> Result<Vec<FacilityKind>, AnalysisError> {
        let (kind, metres) = spec
            .rsplit_once('=')
            .ok_or_else(|| AnalysisError::RadiusSyntax(spec.to_string()))?;
        let m = parse_metres(metres)?;
        let kinds = FacilityKind::resolve_spelling(kind);
        if kinds.is_empty() {
            return Err(AnalysisError::UnknownKind(kind.trim().to_string()));
        }
        for &k in &kinds {
            self.radii.insert(k, m);
        }
        Ok(kinds)
    }
}

/// Reads a distance in metres ("500", "500m", "1.5km"), positive and at most 100 km.
pub fn parse_metres(s: &str) -> Result<f64, AnalysisError> {
    let t = s.trim().to_ascii_lowercase();
    let (num, scale) = if let Some(n) = t.strip_suffix("km") {
        (n, 1000.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix("米") {
        (n, 1.0)
    } else {
        (t.as_str(), 1.0)
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v * scale <= 100_000.0 => Ok(v * scale),
        _ => Err(AnalysisError::BadDistance(s.trim().to_string())),
    }
}

/// The method in words, stated in every output: the frame, the distance rule and the
/// geodesic measures.
pub fn method(frame: &MetricFrame) -> String {
    format!(
        "{}; distances and coverage planar in that frame (covered when distance <= radius); route lengths, stop spacing along routes and parcel areas geodesic (WGS84 ellipsoid, Karney)",
        frame.describe()
    )
}

/// Every analysis of a park at once (run in parallel), as `parkplan-cli report` prints.
#[derive(Debug, Clone)]
pub struct ParkAnalysis {
    /// The method in words.
    pub method: String,
    /// The settings used.
    pub settings: AnalysisSettings,
    /// Service coverage per facility and per kind.
    pub coverage: Coverage,
    /// Each enterprise's nearest facility of each kind.
    pub nearest: NearestFacilities,
    /// Circle unions per kind and the park's area.
    pub areas: ServiceAreas,
    /// Bus routes: length, stops, spacing, catchment.
    pub routes: RouteAnalysis,
    /// Parcels by status and land use.
    pub land: LandStats,
    /// Projects by lifecycle stage.
    pub projects: Vec<StageTally>,
    /// Which parcel each project sits on.
    pub sites: Vec<ProjectSite>,
    /// Every parcel against the red lines and arable land.
    pub constraints: constraints::ConstraintOverlay,
    /// Projects and land on the settings' day.
    pub ledger: ledger::Ledger,
    /// Living-circle compliance of the residential parcels (GB 50180-2018 tiers).
    pub living: living::LivingCircles,
}

impl AnalysisSettings {
    /// The ledger's day: the one set, else today (UTC+8).
    pub fn ledger_day(&self) -> crate::model::date::Date {
        self.as_of.unwrap_or_else(crate::model::date::Date::today)
    }
}

/// The red-line overlay and the ledger on the settings' day.
pub fn ledger_of(
    park: &Park,
    sites: &[ProjectSite],
    settings: &AnalysisSettings,
) -> (constraints::ConstraintOverlay, ledger::Ledger) {
    let overlay = constraints::overlay(park, &settings.overlay);
    let l = ledger::ledger(
        park,
        sites,
        &overlay,
        &settings.ledger,
        settings.ledger_day(),
    );
    (overlay, l)
}

/// Runs every analysis with the given settings on an index built for the park.
pub fn analyse(park: &Park, index: &ParkIndex, settings: &AnalysisSettings) -> ParkAnalysis {
    analyse_with(park, index, settings, &AreaSettings::default())
}

/// [`analyse`] with explicit circle settings (segments per circle).
pub fn analyse_with(
    park: &Park,
    index: &ParkIndex,
    settings: &AnalysisSettings,
    area_settings: &AreaSettings,
) -> ParkAnalysis {
    let ((coverage, nearest), (areas, (routes, (land, (projects, sites, (constraints, ledger)))))) =
        rayon::join(
            || {
                rayon::join(
                    || service_coverage(park, index, settings),
                    || nearest_facilities(park, index),
                )
            },
            || {
                rayon::join(
                    || service_areas(park, index, settings, area_settings),
                    || {
                        rayon::join(
                            || route_catchments(park, index, settings.catchment_m),
                            || {
                                rayon::join(
                                    || land_statistics(park),
                                    || {
                                        let sites = project_sites(park, index);
                                        let ledger = ledger_of(park, &sites, settings);
                                        (project_statistics(park), sites, ledger)
                                    },
                                )
                            },
                        )
                    },
                )
            },
        );
    let living = living::living_circles(park, index, &settings.living);
    ParkAnalysis {
        method: method(index.frame()),
        settings: settings.clone(),
        coverage,
        nearest,
        areas,
        routes,
        land,
        projects,
        sites,
        constraints,
        ledger,
        living,
    }
}

/// [`analyse_with`] one analysis after another, calling `lap` with the name of each as
/// it finishes (coverage, nearest, areas, routes, KW6's catchment and figures when the
/// park has that route, land and projects) — for timing each on its own
/// (`parkplan-cli report --timings`). Gives the same results as [`analyse_with`].
pub fn analyse_sequential(
    park: &Park,
    index: &ParkIndex,
    settings: &AnalysisSettings,
    area_settings: &AreaSettings,
    lap: &mut dyn FnMut(&str),
) -> ParkAnalysis {
    let coverage = service_coverage(park, index, settings);
    lap("coverage");
    let nearest = nearest_facilities(park, index);
    lap("nearest");
    let areas = service_areas(park, index, settings, area_settings);
    lap("areas");
    let routes = route_catchments(park, index, settings.catchment_m);
    lap("routes");
    if let Some(kw6) = park.routes.iter().position(|r| r.name == "KW6") {
        // KW6 on its own: the catchment as the peer benchmark times it, then every
        // figure of the route (length, stop spacing along it, catchment).
        let _ = route_catchment(park, index, kw6, settings.catchment_m);
        lap("kw6_catchment");
        let _ = route_stats(park, index, kw6, settings.catchment_m);
        lap("kw6_route");
    }
    let land = land_statistics(park);
    let projects = project_statistics(park);
    let sites = project_sites(park, index);
    lap("land_projects");
    let (constraints, ledger) = ledger_of(park, &sites, settings);
    lap("constraints_ledger");
    let living = living::living_circles(park, index, &settings.living);
    lap("living_circles");
    ParkAnalysis {
        method: method(index.frame()),
        settings: settings.clone(),
        coverage,
        nearest,
        areas,
        routes,
        land,
        projects,
        sites,
        constraints,
        ledger,
        living,
    }
}

/// What serves one enterprise: the facilities whose circle covers it and the routes
/// whose stop catchment holds it — the same facts as [`ParkAnalysis`], read the other
/// way round (what the desktop's inspector lists for a selected enterprise).
///
/// Found by a scan of the results when asked (a few milliseconds at a million
/// enterprises) rather than kept inverted for every enterprise, which cost as much
/// memory as the coverage itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnterpriseLinks {
    /// (facility index, distance m), nearest first (ties in the facilities' order).
    pub served_by: Vec<(u32, f32)>,
    /// The route indices, in the routes' order.
    pub routes: Vec<u32>,
}

impl EnterpriseLinks {
    /// The links of enterprise `e` in `analysis`.
    pub fn of(analysis: &ParkAnalysis, e: u32) -> EnterpriseLinks {
        EnterpriseLinks::from_parts(&analysis.coverage, &analysis.routes, e)
    }

    /// The links of enterprise `e` from the coverage and the route results.
    pub fn from_parts(coverage: &Coverage, routes: &RouteAnalysis, e: u32) -> EnterpriseLinks {
        let mut served_by: Vec<(u32, f32)> = coverage
            .facilities
            .iter()
            .filter(|fc| fc.covered.contains(e))
            .filter_map(|fc| Some((fc.facility, coverage.distance(fc.facility, e)?)))
            .collect();
        served_by.sort_by(|a, b| a.1.total_cmp(&b.1));
        let routes = routes
            .routes
            .iter()
            .filter(|r| r.enterprises.contains(&e))
            .map(|r| r.route)
            .collect();
        EnterpriseLinks { served_by, routes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enterprises_links_are_its_facilities_nearest_first() {
        let fc = |facility: u32, covered: &[u32]| FacilityCoverage {
            facility,
            radius_m: 500.0,
            covered: covered
                .iter()
                .map(|&enterprise| Covered { enterprise })
                .collect(),
            employees: 0,
        };
        // Enterprise 2 at the origin; facility 7 100 m east of it and 300 m from
        // enterprise 1; facility 3 50 m north, 10 m from enterprise 9; facility 5
        // 100 m west.
        let nan = [f64::NAN; 2];
        let mut enterprise_xy = vec![nan; 10];
        enterprise_xy[1] = [400.0, 0.0];
        enterprise_xy[2] = [0.0, 0.0];
        enterprise_xy[9] = [0.0, 60.0];
        let mut facility_xy = vec![nan; 8];
        facility_xy[7] = [100.0, 0.0];
        facility_xy[3] = [0.0, 50.0];
        facility_xy[5] = [-100.0, 0.0];
        let coverage = Coverage {
            facilities: vec![fc(7, &[1, 2]), fc(3, &[2, 9]), fc(5, &[2])],
            enterprise_xy: enterprise_xy.into(),
            facility_xy,
            ..Coverage::default()
        };
        let routes = RouteAnalysis::default();
        let l = EnterpriseLinks::from_parts(&coverage, &routes, 2);
        // Nearest first; the tie at 100 m keeps the facilities' order (7 before 5).
        assert_eq!(l.served_by, vec![(3, 50.0), (7, 100.0), (5, 100.0)]);
        assert!(l.routes.is_empty());
        assert_eq!(
            EnterpriseLinks::from_parts(&coverage, &routes, 1).served_by,
            vec![(7, 300.0)]
        );
        assert_eq!(
            EnterpriseLinks::from_parts(&coverage, &routes, 4),
            EnterpriseLinks::default()
        );
    }

    #[test]
    fn defaults_follow_the_issue() {
        let s = AnalysisSettings::default();
        assert_eq!(s.radius(FacilityKind::Kindergarten), 300.0);
        assert_eq!(s.radius(FacilityKind::PrimarySchool), 500.0);
        assert_eq!(s.radius(FacilityKind::MiddleSchool), 1000.0);
        assert_eq!(s.radius(FacilityKind::CommunityServiceStation), 500.0);
        assert_eq!(s.radius(FacilityKind::ConvenienceServiceCentre), 1000.0);
        assert_eq!(s.radius(FacilityKind::ComprehensiveServiceCentre), 1000.0);
        assert_eq!(s.radius(FacilityKind::GovernmentServiceHall), 1000.0);
        assert_eq!(s.radius(FacilityKind::PolicePost), 500.0);
        assert_eq!(s.catchment_m, 500.0);
        assert_eq!(s.frame, FrameKind::Utm);
    }

    #[test]
    fn gen_park_spellings_and_all() {
        let mut s = AnalysisSettings::default();
        assert_eq!(
            s.set_radius("service_centre=700").unwrap(),
            vec![FacilityKind::ComprehensiveServiceCentre]
        );
        assert_eq!(
            s.set_radius("convenience_station=450").unwrap(),
            vec![FacilityKind::CommunityServiceStation]
        );
        assert_eq!(s.set_radius("kindergarten=1km").unwrap().len(), 1);
        assert_eq!(s.radius(FacilityKind::Kindergarten), 1000.0);
        assert_eq!(
            s.set_radius("all=1000").unwrap().len(),
            FacilityKind::ALL.len()
        );
        assert!(FacilityKind::ALL.iter().all(|&k| s.radius(k) == 1000.0));
        assert!(matches!(
            s.set_radius("all=-3"),
            Err(AnalysisError::BadDistance(_))
        ));
        assert!(matches!(
            s.set_radius("all=abc"),
            Err(AnalysisError::BadDistance(_))
        ));
    }

    #[test]
    fn settings_round_trip_through_serde() {
        let mut s = AnalysisSettings::default();
        s.set_radius("警务室=800").unwrap();
        s.frame = FrameKind::GaussKruger3;
        let j = serde_json::to_string(&s).unwrap();
        assert!(j.contains("\"police_post\":800.0"), "{j}");
        let back: AnalysisSettings = serde_json::from_str(&j).unwrap();
        assert_eq!(back, s);
        // Missing members take their defaults.
        let partial: AnalysisSettings = serde_json::from_str(r#"{"catchment_m":300}"#).unwrap();
        assert_eq!(partial.catchment_m, 300.0);
        assert_eq!(partial.radius(FacilityKind::Kindergarten), 300.0);
    }
}
