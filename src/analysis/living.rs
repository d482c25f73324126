//! Living-circle compliance (GB 50180-2018, 城市居住区规划设计标准): for each
//! residential parcel, which facility kinds each tier of living circle requires are
//! within walking reach and which are missing, and per tier the share of compliant
//! parcels; and the same for each enterprise against the park's own 15-minute service
//! circle (15分钟服务圈, [`LivingSettings::service`]).
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
//! The park's service circle for enterprises (default: 1000 m, a 15-minute walk per
//! TD/T 1062-2021) requires a convenience service centre (便民服务中心), a village or
//! community service station (便民服务站) and a police post (警务室) — the park's own
//! service network for the people working there. An enterprise complies when every
//! required kind is within reach of its location.
//!
//! Reach: by default a kind is within reach when the planar distance from the parcel's
//! interior point (or the enterprise) to its nearest facility of the kind is at most
//! the radius (`distance <= radius`, as the coverage). A kind listed in
//! [`ComplianceReach::along_roads`] (the kinds the desktop or the project shows by
//! isochrone) is measured along the road network instead: reached when a facility of
//! the kind is within a walk of the radius along roads, both off-network legs walked
//! (the isochrones' rule, [`RoadGraph::reach`] with a budget of radius ÷ walking
//! speed). Each result states per kind which measure was used ([`KindReach`]). No I/O,
//! no GUI.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{FacilityKind, Park};
use crate::network::{RoadGraph, Snap, TravelMode};
use crate::spatial::{ParkIndex, PointIndex};

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

/// The tiers, which parcels are residential, and the enterprises' service circle: one
/// table, saved with a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LivingSettings {
    /// Tiers from the smallest up.
    pub tiers: Vec<LivingTier>,
    /// Land-use code prefixes of residential parcels (GB 50137: `R`).
    pub residential: Vec<String>,
    /// The park's own service circle for enterprises (15分钟服务圈): its radius and the
    /// kinds every enterprise should have within it.
    pub service: LivingTier,
}

impl LivingSettings {
    /// The default enterprises' service circle: 1000 m, a convenience service centre,
    /// a community service station and a police post.
    pub fn default_service() -> LivingTier {
        use FacilityKind as K;
        LivingTier {
            name: "15min".into(),
            radius_m: 1000.0,
            required: vec![
                K::ConvenienceServiceCentre,
                K::CommunityServiceStation,
                K::PolicePost,
            ],
        }
    }
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
            service: LivingSettings::default_service(),
        }
    }
}

/// How a required kind's reach was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KindReach {
    /// Planar distance to the nearest facility of the kind ≤ the radius.
    #[default]
    Circle,
    /// A walk along roads of at most the radius (off-network legs walked).
    Walk,
}

impl KindReach {
    /// `circle` or `walk_along_roads` (the code in reports).
    pub fn code(self) -> &'static str {
        match self {
            KindReach::Circle => "circle",
            KindReach::Walk => "walk_along_roads",
        }
    }
}

/// Which kinds are measured along roads, and the graph to measure on.
#[derive(Debug, Clone, Copy, Default)]
pub struct ComplianceReach<'a> {
    /// The road graph (`None`: every kind by its circle).
    pub graph: Option<&'a RoadGraph>,
    /// The kinds measured along roads (those shown by isochrone).
    pub along_roads: &'a [FacilityKind],
}

impl ComplianceReach<'_> {
    /// How `kind` is measured.
    pub fn of(&self, kind: FacilityKind) -> KindReach {
        if self.graph.is_some() && self.along_roads.contains(&kind) {
            KindReach::Walk
        } else {
            KindReach::Circle
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
    /// Per required kind (same order): how its reach was measured.
    pub reach: Vec<KindReach>,
    /// Residential parcels with a location.
    pub parcels_total: usize,
    /// Of those, the ones with every required kind within reach.
    pub parcels_compliant: usize,
    /// Non-compliant parcels (index into `park.parcels`) and their missing kinds, in
    /// parcel order.
    pub missing: MissingKinds,
}

impl TierCompliance {
    /// `parcels_compliant / parcels_total` (1 when there is no residential parcel).
    pub fn share(&self) -> f64 {
        share(self.parcels_compliant, self.parcels_total)
    }
}

/// The enterprises against the park's service circle.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceCompliance {
    /// The circle's key (`15min`).
    pub name: String,
    /// Its radius.
    pub radius_m: f64,
    /// The kinds it requires, each with the radius it is checked within.
    pub required: Vec<(FacilityKind, f64)>,
    /// Per required kind (same order): how its reach was measured.
    pub reach: Vec<KindReach>,
    /// Enterprises with a location.
    pub enterprises_total: usize,
    /// Of those, the ones with every required kind within reach.
    pub enterprises_compliant: usize,
    /// Non-compliant enterprises (index into `park.enterprises`) and their missing
    /// kinds, in enterprise order.
    pub missing: MissingKinds,
}

impl ServiceCompliance {
    /// `enterprises_compliant / enterprises_total` (1 without enterprises).
    pub fn share(&self) -> f64 {
        share(self.enterprises_compliant, self.enterprises_total)
    }
}

fn share(n: usize, total: usize) -> f64 {
    if total == 0 {
        1.0
    } else {
        n as f64 / total as f64
    }
}

/// Every tier's compliance, and the enterprises' service circle.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LivingCircles {
    /// One per tier, in the settings' order.
    pub tiers: Vec<TierCompliance>,
    /// The enterprises against the park's service circle.
    pub service: ServiceCompliance,
}

impl LivingCircles {
    /// The tier named `name` (case-insensitive; `15`, `15min`, `15分钟` alike).
    pub fn tier(&self, name: &str) -> Option<usize> {
        tier_index(self.tiers.iter().map(|t| t.name.as_str()), name)
    }
}

/// The position of the tier named `name` among `names` (case-insensitive; a bare
/// number or `N分钟` matches `Nmin`).
pub fn tier_index<'a>(names: impl Iterator<Item = &'a str>, name: &str) -> Option<usize> {
    let norm = |s: &str| {
        s.trim()
            .to_ascii_lowercase()
            .trim_end_matches("分钟")
            .trim_end_matches("min")
            .to_string()
    };
    let want = norm(name);
    names.into_iter().position(|n| norm(n) == want)
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

/// A place whose compliance is checked: its index (parcel or enterprise), planar
/// position and lon/lat.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    /// Index into `park.parcels` or `park.enterprises`.
    pub index: u32,
    /// Position in the index's frame.
    pub xy: [f64; 2],
    /// Position in lon/lat.
    pub lon_lat: [f64; 2],
}

/// The residential parcels with a position (their interior points), in parcel order.
pub fn residential_places(park: &Park, index: &ParkIndex, settings: &LivingSettings) -> Vec<Place> {
    park.parcels
        .par_iter()
        .enumerate()
        .filter(|(_, p)| is_residential(settings, p.land_use.as_deref()))
        .filter_map(|(i, p)| {
            let g = park.geometry(p.feature)?;
            let pt = crate::model::records::representative_point(g)?;
            let xy = index.project(pt.x(), pt.y());
            (xy[0].is_finite() && xy[1].is_finite()).then_some(Place {
                index: i as u32,
                xy,
                lon_lat: [pt.x(), pt.y()],
            })
        })
        .collect()
}

/// The enterprises with a location, in enterprise order.
pub fn enterprise_places(park: &Park, index: &ParkIndex) -> Vec<Place> {
    located_enterprises(park, index)
        .into_iter()
        .filter_map(|i| {
            let p = park.enterprises.get(i as usize)?.location?;
            Some(Place {
                index: i,
                xy: *index.enterprise_xy.get(i as usize)?,
                lon_lat: [p.x(), p.y()],
            })
        })
        .collect()
}

/// Per place: whether a facility of `kind` is within `radius_m` (by circle or along
/// roads, as `reach` says for the kind).
pub fn reached(
    park: &Park,
    index: &ParkIndex,
    places: &[Place],
    kind: FacilityKind,
    radius_m: f64,
    reach: &ComplianceReach<'_>,
) -> Vec<bool> {
    match (reach.of(kind), reach.graph) {
        (KindReach::Walk, Some(graph)) => {
            reached_along_roads(park, index, places, kind, radius_m, graph)
        }
        _ => within_radius(index, kind, radius_m, places.len(), |i| places[i].xy),
    }
}

/// Per position `xy(0) .. xy(n - 1)`: the nearest facility of `kind` within `radius_m`
/// (planar, `distance <= radius`), the circle measure of [`reached`].
fn within_radius(
    index: &ParkIndex,
    kind: FacilityKind,
    radius_m: f64,
    n: usize,
    xy: impl Fn(usize) -> [f64; 2] + Sync,
) -> Vec<bool> {
    let grid = index
        .nearest_by_kind
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, g)| g);
    (0..n)
        .into_par_iter()
        .map(|i| {
            grid.and_then(|g| g.nearest(xy(i)))
                .is_some_and(|(_, d)| d <= radius_m)
        })
        .collect()
}

/// The indices of the enterprises with a location and a finite planar position, in
/// order (what [`enterprise_places`] lists), without copying their positions: what the
/// service circle needs at a million enterprises (4 bytes each instead of a
/// [`Place`]'s 40).
fn located_enterprises(park: &Park, index: &ParkIndex) -> Vec<u32> {
    park.enterprises
        .par_iter()
        .enumerate()
        .filter(|(i, e)| {
            e.location.is_some()
                && index
                    .enterprise_xy
                    .get(*i)
                    .is_some_and(|xy| xy[0].is_finite() && xy[1].is_finite())
        })
        .map(|(i, _)| i as u32)
        .collect()
}

/// Per place: reached on foot along roads from a facility of `kind` within a walk of
/// `radius_m`.
fn reached_along_roads(
    park: &Park,
    index: &ParkIndex,
    places: &[Place],
    kind: FacilityKind,
    radius_m: f64,
    graph: &RoadGraph,
) -> Vec<bool> {
    let origins: Vec<([f64; 2], [f64; 2])> = park
        .facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == kind)
        .filter_map(|(fi, f)| {
            let p = f.location?;
            Some((*index.facility_xy.get(fi)?, [p.x(), p.y()]))
        })
        .collect();
    let mut out = vec![false; places.len()];
    for i in walked_from(graph, &origins, places, radius_m)
        .into_iter()
        .flatten()
    {
        out[i as usize] = true;
    }
    out
}

/// Per origin (planar position, lon/lat): the places (positions in `places`) reached
/// on foot along roads within a walk of `radius_m`, both off-network legs walked.
pub fn walked_from(
    graph: &RoadGraph,
    origins: &[([f64; 2], [f64; 2])],
    places: &[Place],
    radius_m: f64,
) -> Vec<Vec<u32>> {
    let snaps: Vec<Option<Snap>> = places
        .par_iter()
        .map(|p| graph.snap(p.lon_lat[0], p.lon_lat[1]))
        .collect();
    let xy: Vec<[f64; 2]> = places.iter().map(|p| p.xy).collect();
    let tree = PointIndex::from_positions(&xy);
    let budget_s = radius_m / graph.settings.speed_mps(TravelMode::Walk);
    origins
        .par_iter()
        .map(|&(centre, ll)| {
            let mut v = Vec::new();
            let Some(origin) = graph.snap(ll[0], ll[1]) else {
                return v;
            };
            let reach = graph.reach(&origin, TravelMode::Walk, budget_s);
            // A walk of the radius never ends farther away than the radius (plus a
            // metre for the frame's scale against the geodesic edge lengths).
            tree.for_each_within(centre, radius_m * 1.01 + 1.0, |i, _| {
                if let Some(Some(s)) = snaps.get(i as usize)
                    && reach.time_to(graph, s).is_some()
                {
                    v.push(i);
                }
            });
            v.sort_unstable();
            v
        })
        .collect()
}

/// Per origin (planar position): the places (positions in `places`) within
/// `radius_m` (planar distance).
pub fn within_circle(origins: &[[f64; 2]], places: &[Place], radius_m: f64) -> Vec<Vec<u32>> {
    let xy: Vec<[f64; 2]> = places.iter().map(|p| p.xy).collect();
    let tree = PointIndex::from_positions(&xy);
    origins
        .par_iter()
        .map(|&c| {
            let mut v = Vec::new();
            if c[0].is_finite() && c[1].is_finite() {
                tree.for_each_within(c, radius_m, |i, _| v.push(i));
            }
            v.sort_unstable();
            v
        })
        .collect()
}

/// Per place, the kinds of `required` not within reach (places missing none left
/// out), using `cache` of [`reached`] results per kind.
fn missing_of(
    places: &[u32],
    required: &[(FacilityKind, f64)],
    cache: &mut Vec<(FacilityKind, f64, Vec<bool>)>,
    compute: &dyn Fn(FacilityKind, f64) -> Vec<bool>,
) -> MissingKinds {
    for &(k, r) in required {
        if !cache.iter().any(|(ck, cr, _)| *ck == k && *cr == r) {
            cache.push((k, r, compute(k, r)));
        }
    }
    let rows: Vec<&Vec<bool>> = required
        .iter()
        .filter_map(|&(k, r)| {
            cache
                .iter()
                .find(|(ck, cr, _)| *ck == k && *cr == r)
                .map(|(_, _, v)| v)
        })
        .collect();
    let mut out = MissingKinds::default();
    // Bit j of a mask: required[j] is missing; each distinct mask's set is listed once.
    let mut masks: Vec<u64> = Vec::new();
    for (i, p) in places.iter().enumerate() {
        let mask = rows
            .iter()
            .enumerate()
            .filter(|(_, row)| !row[i])
            .fold(0u64, |m, (j, _)| m | (1 << j));
        if mask == 0 {
            continue;
        }
        let set = match masks.iter().position(|m| *m == mask) {
            Some(s) => s,
            None => {
                masks.push(mask);
                out.lists.push(
                    required
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| mask & (1 << j) != 0)
                        .map(|(_, (k, _))| *k)
                        .collect(),
                );
                out.lists.len() - 1
            }
        };
        out.push_set(*p, set);
    }
    out.places.shrink_to_fit();
    out.sets.shrink_to_fit();
    out
}

// A required list holds distinct kinds: at most 16, so a set is a `u64` mask and there
// are fewer distinct sets than a `u16` counts.
const _: () = assert!(FacilityKind::ALL.len() <= 16);

/// The places that miss some required kinds and which kinds each misses, compact: a
/// place index and the number of its set of missing kinds (2 bytes), the few distinct
/// sets kept once (a `Vec` of kinds per place cost ≈ 40 bytes; the 1M scene's service
/// circle misses about a million enterprises). Iterates as `(&place, &[kinds])` in
/// place order, the kinds in the order of the requirements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MissingKinds {
    /// Place indices (into `park.parcels` or `park.enterprises`), ascending when
    /// made by the analysis.
    places: Vec<u32>,
    /// Per place, its set's position in `lists`.
    sets: Vec<u16>,
    /// The distinct sets of missing kinds.
    lists: Vec<Vec<FacilityKind>>,
}

impl MissingKinds {
    /// Adds a place missing the kinds of set `set` (a position in `lists`).
    fn push_set(&mut self, place: u32, set: usize) {
        self.places.push(place);
        // At most 2^16 - 1 distinct non-empty sets of at most 16 kinds.
        self.sets.push(u16::try_from(set).unwrap_or(u16::MAX));
    }

    /// How many places miss something.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Whether every place has all it needs.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The `i`-th place missing something and its missing kinds.
    pub fn get(&self, i: usize) -> Option<(&u32, &[FacilityKind])> {
        let place = self.places.get(i)?;
        let set = *self.sets.get(i)? as usize;
        Some((place, self.lists.get(set).map_or(&[][..], |l| l.as_slice())))
    }

    /// The distinct sets of missing kinds, each once.
    pub fn sets(&self) -> &[Vec<FacilityKind>] {
        &self.lists
    }

    /// The `i`-th place missing something and its set's position in [`Self::sets`].
    pub fn place_and_set(&self, i: usize) -> Option<(u32, usize)> {
        Some((*self.places.get(i)?, *self.sets.get(i)? as usize))
    }

    /// The places and their missing kinds as plain pairs (a copy: for tests and
    /// small lists).
    pub fn to_vec(&self) -> Vec<(u32, Vec<FacilityKind>)> {
        self.iter().map(|(p, k)| (*p, k.to_vec())).collect()
    }

    /// The places and their missing kinds, in place order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&u32, &[FacilityKind])> + '_ {
        self.places.iter().zip(&self.sets).map(|(p, &s)| {
            (
                p,
                self.lists.get(s as usize).map_or(&[][..], |l| l.as_slice()),
            )
        })
    }
}

impl FromIterator<(u32, Vec<FacilityKind>)> for MissingKinds {
    /// Places and their missing kinds, in the order given (equal sets kept once).
    fn from_iter<I: IntoIterator<Item = (u32, Vec<FacilityKind>)>>(iter: I) -> MissingKinds {
        let mut out = MissingKinds::default();
        for (place, kinds) in iter {
            let set = match out.lists.iter().position(|l| *l == kinds) {
                Some(s) => s,
                None => {
                    out.lists.push(kinds);
                    out.lists.len() - 1
                }
            };
            out.push_set(place, set);
        }
        out
    }
}

impl<'a> IntoIterator for &'a MissingKinds {
    type Item = (&'a u32, &'a [FacilityKind]);
    type IntoIter = Box<dyn ExactSizeIterator<Item = (&'a u32, &'a [FacilityKind])> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// Computes each tier's compliance of the park's residential parcels and the
/// enterprises' service circle, every kind by its circle.
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
/// assert_eq!(t5.missing.get(0).unwrap().1, &[FacilityKind::CommunityServiceStation]);
/// ```
pub fn living_circles(park: &Park, index: &ParkIndex, settings: &LivingSettings) -> LivingCircles {
    living_circles_with(park, index, settings, &ComplianceReach::default())
}

/// [`living_circles`] with some kinds measured along roads.
pub fn living_circles_with(
    park: &Park,
    index: &ParkIndex,
    settings: &LivingSettings,
    reach: &ComplianceReach<'_>,
) -> LivingCircles {
    let parcels = residential_places(park, index, settings);
    let parcel_ids: Vec<u32> = parcels.iter().map(|p| p.index).collect();
    let mut cache = Vec::new();
    let mut required: Vec<(FacilityKind, f64)> = Vec::new();
    let mut tiers = Vec::new();
    let on_parcels = |k: FacilityKind, r: f64| reached(park, index, &parcels, k, r, reach);
    for t in &settings.tiers {
        for &k in &t.required {
            if !required.iter().any(|(r, _)| *r == k) {
                required.push((k, t.radius_m));
            }
        }
        let missing = missing_of(&parcel_ids, &required, &mut cache, &on_parcels);
        tiers.push(TierCompliance {
            name: t.name.clone(),
            radius_m: t.radius_m,
            required: required.clone(),
            reach: required.iter().map(|(k, _)| reach.of(*k)).collect(),
            parcels_total: parcels.len(),
            parcels_compliant: parcels.len() - missing.len(),
            missing,
        });
    }
    // The enterprises: by circle straight from the index's positions; their places
    // (with lon/lat for snapping to roads) only when a kind is walked.
    let enterprises = located_enterprises(park, index);
    let walk_places: std::sync::OnceLock<Vec<Place>> = std::sync::OnceLock::new();
    let on_enterprises = |k: FacilityKind, r: f64| match (reach.of(k), reach.graph) {
        (KindReach::Walk, Some(_)) => {
            let places = walk_places.get_or_init(|| enterprise_places(park, index));
            reached(park, index, places, k, r, reach)
        }
        _ => within_radius(index, k, r, enterprises.len(), |i| {
            enterprises
                .get(i)
                .and_then(|&e| index.enterprise_xy.get(e as usize))
                .copied()
                .unwrap_or([f64::NAN; 2])
        }),
    };
    let s = &settings.service;
    let mut srequired: Vec<(FacilityKind, f64)> = Vec::new();
    for &k in &s.required {
        if !srequired.iter().any(|(r, _)| *r == k) {
            srequired.push((k, s.radius_m));
        }
    }
    let missing = missing_of(&enterprises, &srequired, &mut Vec::new(), &on_enterprises);
    let service = ServiceCompliance {
        name: s.name.clone(),
        radius_m: s.radius_m,
        reach: srequired.iter().map(|(k, _)| reach.of(*k)).collect(),
        required: srequired,
        enterprises_total: enterprises.len(),
        enterprises_compliant: enterprises.len() - missing.len(),
        missing,
    };
    LivingCircles { tiers, service }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::build;
    use crate::analysis::build::road;
    use crate::model::ApprovalStatus;
    use crate::network::NetworkSettings;

    /// Enterprises east of a police post and a service station, one beyond the circle.
    fn park() -> Park {
        let mut park = Park::default();
        use FacilityKind as K;
        park.facilities
            .push(build::facility("P", K::PolicePost, 112.0, 30.0));
        park.facilities.push(build::facility(
            "S",
            K::CommunityServiceStation,
            112.0,
            30.0,
        ));
        park.facilities.push(build::facility(
            "C",
            K::ConvenienceServiceCentre,
            112.0,
            30.0,
        ));
        // ~0.0052° of longitude ≈ 500 m at 30°N; 0.0125° ≈ 1.2 km.
        park.enterprises
            .push(build::enterprise("E-near", 112.0052, 30.0, Some(10)));
        park.enterprises
            .push(build::enterprise("E-far", 112.0125, 30.0, Some(10)));
        park
    }

    #[test]
    fn enterprises_service_circle_by_circle() {
        let park = park();
        let index = ParkIndex::build_default(&park).unwrap();
        let lc = living_circles(&park, &index, &LivingSettings::default());
        let s = &lc.service;
        assert_eq!((s.enterprises_total, s.enterprises_compliant), (2, 1));
        assert_eq!(s.missing.len(), 1);
        assert_eq!(s.missing.to_vec()[0].0, 1, "the far enterprise");
        assert_eq!(s.missing.to_vec()[0].1.len(), 3);
        assert!(s.reach.iter().all(|r| *r == KindReach::Circle));
        // Without the police post, both miss it.
        let mut p2 = park.clone();
        p2.facilities.remove(0);
        let index = ParkIndex::build_default(&p2).unwrap();
        let s = living_circles(&p2, &index, &LivingSettings::default()).service;
        assert_eq!(s.enterprises_compliant, 0);
        assert_eq!(s.missing.to_vec()[0].1, vec![FacilityKind::PolicePost]);
    }

    #[test]
    fn along_roads_a_detour_breaks_compliance() {
        // The near enterprise is 500 m east as the crow flies, but the only road goes
        // 600 m north, 500 m east and back south: a 1.7 km walk.
        let mut park = park();
        park.roads.push(road(
            0,
            &[
                (112.0, 30.0),
                (112.0, 30.0054),
                (112.0052, 30.0054),
                (112.0052, 30.0),
            ],
        ));
        let index = ParkIndex::build_default(&park).unwrap();
        let graph = RoadGraph::build(&park, *index.frame(), NetworkSettings::default()).unwrap();
        let kinds = [FacilityKind::PolicePost];
        let reach = ComplianceReach {
            graph: Some(&graph),
            along_roads: &kinds,
        };
        let s = living_circles_with(&park, &index, &LivingSettings::default(), &reach).service;
        assert_eq!(s.enterprises_compliant, 0);
        assert_eq!(s.missing.to_vec()[0], (0, vec![FacilityKind::PolicePost]));
        assert_eq!(
            s.reach,
            vec![KindReach::Circle, KindReach::Circle, KindReach::Walk]
        );
        // With a 2 km circle the walk fits; the far enterprise is 700 m from the road
        // (beyond the network's 500 m access), so no walk along roads reaches it.
        let mut settings = LivingSettings::default();
        settings.service.radius_m = 2000.0;
        let s = living_circles_with(&park, &index, &settings, &reach).service;
        assert_eq!(s.enterprises_compliant, 1);
        assert_eq!(
            s.missing.to_vec(),
            vec![(1, vec![FacilityKind::PolicePost])]
        );
    }

    #[test]
    fn tiers_by_name() {
        let mut park = park();
        let ring = [
            (111.9995, 29.9995),
            (112.0005, 29.9995),
            (112.0005, 30.0005),
            (111.9995, 30.0005),
            (111.9995, 29.9995),
        ];
        build::add_parcel(
            &mut park,
            "R-1",
            Some("R2"),
            ApprovalStatus::Approved,
            &ring,
        );
        let index = ParkIndex::build_default(&park).unwrap();
        let lc = living_circles(&park, &index, &LivingSettings::default());
        assert_eq!(lc.tier("15"), Some(2));
        assert_eq!(lc.tier("5分钟"), Some(0));
        assert_eq!(lc.tier("10MIN"), Some(1));
        assert_eq!(lc.tier("20min"), None);
        // The 5-minute tier misses only the kindergarten.
        assert_eq!(
            lc.tiers[0].missing.to_vec(),
            vec![(0, vec![FacilityKind::Kindergarten])]
        );
    }
}
