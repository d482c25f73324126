//! Living-circle compliance (GB 50180-2018, 城市居住区规划设计标准): for each
//! residential parcel, which facility kinds each tier of living circle requires are
//! within walking reach and which are missing, and per tier the share of compliant
//! parcels.
//!
//! Tiers (a settings table, [`LivingSettings`]; defaults from the standard): the
//! 5-minute circle (≈300 m) needs a community service station (社区服务站) and a
//! kindergarten (幼儿园); the 10-minute circle (≈500 m) a primary school (小学); the
//! 15-minute circle (≈1000 m; 800–1000 m in the standard, 1 km in TD/T 1062-2021) a
//! middle school (中学), a street-level convenience service centre (街道便民服务中心)
//! and a police post (警务室/派出所). Tiers do not nest: a parcel complies with a tier
//! only when it also has every lower tier's facilities, each within the radius of the
//! tier that requires it (a kindergarten 800 m away does not serve a 5-minute circle).
//!
//! A parcel is placed at its interior point; distances are planar in the index's frame
//! (`distance <= radius`, as the coverage). No I/O, no GUI.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{FacilityKind, Park};
use crate::spatial::ParkIndex;

/// One tier of living circle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LivingTier {
    /// Its key in reports (`5min`, `10min`, `15min`).
    pub name: String,
    /// Walking radius, metres.
    pub radius_m: f64,
    /// The facility kinds the tier itself requires (lower tiers' are added).
    pub required: Vec<FacilityKind>,
}

/// The tiers and which parcels are residential: one table, saved with a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LivingSettings {
    /// Tiers from the smallest up.
    pub tiers: Vec<LivingTier>,
    /// Land-use code prefixes of residential parcels (GB 50137: `R`).
    pub residential: Vec<String>,
}

impl Default for LivingSettings {
    fn default() -> Self {
        use FacilityKind as K;
        LivingSettings {
            tiers: vec![
                LivingTier {
                    name: "5min".into(),
                    radius_m: 300.0,
                    required: vec![K::CommunityServiceStation, K::Kindergarten],
                },
                LivingTier {
                    name: "10min".into(),
                    radius_m: 500.0,
                    required: vec![K::PrimarySchool],
                },
                LivingTier {
                    name: "15min".into(),
                    radius_m: 1000.0,
                    required: vec![K::MiddleSchool, K::ConvenienceServiceCentre, K::PolicePost],
                },
            ],
            residential: vec!["R".into()],
        }
    }
}

/// One tier's result.
#[derive(Debug, Clone, PartialEq)]
pub struct TierCompliance {
    /// The tier's key.
    pub name: String,
    /// Its radius.
    pub radius_m: f64,
    /// Every kind the tier needs (its own and the lower tiers'), with the radius each
    /// is checked within.
    pub required: Vec<(FacilityKind, f64)>,
    /// Residential parcels with a location.
    pub parcels_total: usize,
    /// Of those, the ones with every required kind within reach.
    pub parcels_compliant: usize,
    /// Non-compliant parcels (index into `park.parcels`) and their missing kinds, in
    /// parcel order.
    pub missing: Vec<(u32, Vec<FacilityKind>)>,
}

impl TierCompliance {
    /// `parcels_compliant / parcels_total` (1 when there is no residential parcel).
    pub fn share(&self) -> f64 {
        if self.parcels_total == 0 {
            1.0
        } else {
            self.parcels_compliant as f64 / self.parcels_total as f64
        }
    }
}

/// Every tier's compliance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LivingCircles {
    /// One per tier, in the settings' order.
    pub tiers: Vec<TierCompliance>,
}

/// Whether a parcel's land use is residential under `settings`.
pub fn is_residential(settings: &LivingSettings, land_use: Option<&str>) -> bool {
    land_use.is_some_and(|u| {
        let u = u.trim().to_ascii_uppercase();
        settings
            .residential
            .iter()
            .any(|p| u.starts_with(&p.trim().to_ascii_uppercase()))
    })
}

/// Computes each tier's compliance of the park's residential parcels.
///
/// ```
/// use parkplan::analysis::{build, living::{LivingSettings, living_circles}};
/// use parkplan::model::{ApprovalStatus, FacilityKind, Park};
/// use parkplan::spatial::ParkIndex;
/// let mut park = Park::default();
/// // A small residential parcel around (111.0, 30.0); a kindergarten 111 m north of it.
/// let ring = [(110.9995, 29.9995), (111.0005, 29.9995), (111.0005, 30.0005),
///     (110.9995, 30.0005), (110.9995, 29.9995)];
/// build::add_parcel(&mut park, "R-1", Some("R2"), ApprovalStatus::Approved, &ring);
/// park.facilities.push(build::facility("K", FacilityKind::Kindergarten, 111.0, 30.001));
/// let index = ParkIndex::build_default(&park).unwrap();
/// let lc = living_circles(&park, &index, &LivingSettings::default());
/// let t5 = &lc.tiers[0];
/// assert_eq!((t5.parcels_total, t5.parcels_compliant), (1, 0));
/// // Only the community service station is missing at 5 minutes.
/// assert_eq!(t5.missing[0].1, vec![FacilityKind::CommunityServiceStation]);
/// ```
pub fn living_circles(park: &Park, index: &ParkIndex, settings: &LivingSettings) -> LivingCircles {
    // Each parcel's planar position (its interior point), residential ones only.
    let parcels: Vec<(u32, [f64; 2])> = park
        .parcels
        .par_iter()
        .enumerate()
        .filter(|(_, p)| is_residential(settings, p.land_use.as_deref()))
        .filter_map(|(i, p)| {
            let g = park.geometry(p.feature)?;
            let pt = crate::model::records::representative_point(g)?;
            let xy = index.project(pt.x(), pt.y());
            (xy[0].is_finite() && xy[1].is_finite()).then_some((i as u32, xy))
        })
        .collect();
    let mut required: Vec<(FacilityKind, f64)> = Vec::new();
    let mut tiers = Vec::new();
    for t in &settings.tiers {
        for &k in &t.required {
            if !required.iter().any(|(r, _)| *r == k) {
                required.push((k, t.radius_m));
            }
        }
        let missing: Vec<(u32, Vec<FacilityKind>)> = parcels
            .par_iter()
            .filter_map(|&(pi, xy)| {
                let miss: Vec<FacilityKind> = required
                    .iter()
                    .filter(|&&(k, r)| {
                        !index
                            .nearest_by_kind
                            .iter()
                            .find(|(kk, _)| *kk == k)
                            .and_then(|(_, grid)| grid.nearest(xy))
                            .is_some_and(|(_, d)| d <= r)
                    })
                    .map(|&(k, _)| k)
                    .collect();
                (!miss.is_empty()).then_some((pi, miss))
            })
            .collect();
        tiers.push(TierCompliance {
            name: t.name.clone(),
            radius_m: t.radius_m,
            required: required.clone(),
            parcels_total: parcels.len(),
            parcels_compliant: parcels.len() - missing.len(),
            missing,
        });
    }
    LivingCircles { tiers }
}
