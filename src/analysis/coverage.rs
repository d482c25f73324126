//! Service-circle coverage: which enterprises each facility covers within its kind's
//! radius, which enterprises no facility of a kind covers, and each enterprise's
//! nearest facility of each kind. Planar distances in the index's frame; an enterprise
//! is covered when `distance <= radius` (shapely's `dwithin`).

use rayon::prelude::*;

use crate::model::{FacilityKind, Park};
use std::sync::Arc;

use crate::spatial::{NearestGrid, ParkIndex};

use super::AnalysisSettings;
use super::covered::CoveredList;

/// One covered enterprise: its index into `park.enterprises` (4 bytes; its distance
/// is [`Coverage::distance`], recomputed from the planar positions the coverage kept,
/// the same number the radius test used).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Covered {
    /// Index into `park.enterprises`.
    pub enterprise: u32,
}

/// What one facility covers.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityCoverage {
    /// Index into `park.facilities`.
    pub facility: u32,
    /// The radius used (its kind's).
    pub radius_m: f64,
    /// The covered enterprises, in enterprise (index) order (held compactly, see
    /// [`CoveredList`]); sort by distance when listing them.
    pub covered: CoveredList,
    /// Their employees, summed over those that state a number.
    pub employees: u64,
}

/// Coverage by one facility kind.
#[derive(Debug, Clone, PartialEq)]
pub struct KindCoverage {
    /// The kind.
    pub kind: FacilityKind,
    /// Its radius.
    pub radius_m: f64,
    /// Its facilities (indices into `park.facilities`).
    pub facilities: Vec<u32>,
    /// How many enterprises at least one of them covers.
    pub covered_enterprises: usize,
    /// Employees of those enterprises.
    pub covered_employees: u64,
    /// Enterprises (with a location) that none of them covers, in index order.
    pub uncovered: Vec<u32>,
}

/// Service coverage of every facility and kind.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coverage {
    /// One entry per facility, in `park.facilities` order (facilities without a
    /// location cover nothing).
    pub facilities: Vec<FacilityCoverage>,
    /// One entry per kind present in the park, in vocabulary order.
    pub kinds: Vec<KindCoverage>,
    /// Enterprises with a location (the denominator of shares).
    pub located_enterprises: usize,
    /// Enterprise `e`'s planar position (shared with the index), for distances.
    pub enterprise_xy: Arc<[[f64; 2]]>,
    /// Facility `f`'s planar position, for distances.
    pub facility_xy: Vec<[f64; 2]>,
}

impl Coverage {
    /// Total facility–enterprise pairs (what shapely's `query(..., "dwithin")` counts).
    pub fn pairs(&self) -> usize {
        self.facilities.iter().map(|f| f.covered.len()).sum()
    }

    /// The planar distance in metres (as `f32`: sub-millimetre at 10 km) from
    /// facility `facility` to enterprise `enterprise` (indices into the park's
    /// lists): `sqrt(dx² + dy²)`, the number the radius test compared. `None` when
    /// either index is out of range.
    pub fn distance(&self, facility: u32, enterprise: u32) -> Option<f32> {
        let f = self.facility_xy.get(facility as usize)?;
        let e = self.enterprise_xy.get(enterprise as usize)?;
        Some(((e[0] - f[0]).powi(2) + (e[1] - f[1]).powi(2)).sqrt() as f32)
    }

    /// A facility's covered enterprises with their distances (`fc` one of
    /// `self.facilities`), in enterprise order.
    pub fn with_distances<'a>(
        &'a self,
        fc: &'a FacilityCoverage,
    ) -> impl Iterator<Item = (u32, f32)> + 'a {
        fc.covered.iter().map(move |c| {
            (
                c.enterprise,
                self.distance(fc.facility, c.enterprise).unwrap_or(f32::NAN),
            )
        })
    }

    /// The coverage of one kind, when the park has that kind.
    pub fn kind(&self, kind: FacilityKind) -> Option<&KindCoverage> {
        self.kinds.iter().find(|k| k.kind == kind)
    }
}

/// Computes, for every facility, the enterprises within its kind's radius (and their
/// employees), and per kind the enterprises no facility of that kind covers.
///
/// ```
/// use parkplan::analysis::{build, service_coverage, AnalysisSettings};
/// use parkplan::model::{FacilityKind, Park};
/// use parkplan::spatial::ParkIndex;
/// // 0.001° of latitude is about 111 m.
/// let park = Park {
///     enterprises: vec![
///         build::enterprise("E1", 111.0, 30.002, Some(10)), // ~222 m north
///         build::enterprise("E2", 111.0, 30.004, Some(20)), // ~443 m north
///         build::enterprise("E3", 111.0, 30.010, None),     // ~1.1 km north
///     ],
///     facilities: vec![build::facility("F1", FacilityKind::Kindergarten, 111.0, 30.0)],
///     ..Park::default()
/// };
/// let index = ParkIndex::build_default(&park).unwrap();
/// let c = service_coverage(&park, &index, &AnalysisSettings::default()); // kindergarten: 300 m
/// assert_eq!(c.facilities[0].covered.len(), 1);
/// assert_eq!(c.facilities[0].covered.enterprises().next(), Some(0));
/// assert_eq!(c.facilities[0].employees, 10);
/// assert_eq!(c.kind(FacilityKind::Kindergarten).unwrap().uncovered, vec![1, 2]);
/// ```
pub fn service_coverage(park: &Park, index: &ParkIndex, settings: &AnalysisSettings) -> Coverage {
    let facilities: Vec<FacilityCoverage> = park
        .facilities
        .par_iter()
        .enumerate()
        .map(|(fi, f)| {
            let radius_m = settings.radius(f.kind);
            let mut covered: Vec<u32> = Vec::new();
            let mut employees = 0u64;
            index.enterprises.for_each_within_weighted(
                index.facility_xy[fi],
                radius_m,
                |e, w, _| {
                    employees += u64::from(w);
                    covered.push(e)
                },
            );
            // The index walks its own order; lists come out in enterprise order, so
            // every listing (and its ties) is the same whatever the index's layout.
            // (A radix sort: thousands of indices a facility, 15 M at 1M enterprises and
            // 1000 m, in a quarter of a comparison sort's time.)
            radsort::sort(&mut covered);
            FacilityCoverage {
                facility: fi as u32,
                radius_m,
                // Kept until the report is written (15 M pairs at a million
                // enterprises and 1000 m): about a byte each instead of four.
                covered: CoveredList::from_sorted(&covered),
                employees,
            }
        })
        .collect();
    let located: Vec<bool> = index
        .enterprise_xy
        .iter()
        .map(|p| p[0].is_finite() && p[1].is_finite())
        .collect();
    let located_enterprises = located.iter().filter(|b| **b).count();
    // Employees in one dense array: the per-kind sums below then stream 4 bytes per
    // enterprise instead of whole records.
    let emp: Vec<u32> = park
        .enterprises
        .iter()
        .map(|e| e.employees.unwrap_or_default())
        .collect();
    let mut kinds: Vec<FacilityKind> = park.facilities.iter().map(|f| f.kind).collect();
    kinds.sort();
    kinds.dedup();
    let kinds = kinds
        .into_par_iter()
        .map(|kind| {
            let members: Vec<u32> = park
                .facilities
                .iter()
                .enumerate()
                .filter(|(_, f)| f.kind == kind)
                .map(|(i, _)| i as u32)
                .collect();
            let mut hit = vec![false; park.enterprises.len()];
            for &fi in &members {
                for c in &facilities[fi as usize].covered {
                    hit[c.enterprise as usize] = true;
                }
            }
            let mut covered_enterprises = 0;
            let mut covered_employees = 0u64;
            let mut uncovered = Vec::new();
            for (i, (&h, &l)) in hit.iter().zip(&located).enumerate() {
                if h {
                    covered_enterprises += 1;
                    covered_employees += u64::from(emp[i]);
                } else if l {
                    uncovered.push(i as u32);
                }
            }
            uncovered.shrink_to_fit();
            KindCoverage {
                kind,
                radius_m: settings.radius(kind),
                facilities: members,
                covered_enterprises,
                covered_employees,
                uncovered,
            }
        })
        .collect();
    Coverage {
        facilities,
        kinds,
        located_enterprises,
        enterprise_xy: index.enterprise_xy.clone(),
        facility_xy: index.facility_xy.clone(),
    }
}

/// Each enterprise's nearest facility of each kind present in the park, answered on
/// demand: the table keeps the index's nearest-point grids (one per kind, small) and a
/// shared handle on the enterprises' planar positions, and looks an entry up when it
/// is asked for (a scan of one grid cell's few candidates, well under a microsecond).
/// Nothing is stored per enterprise (a filled table took 40–60 MB at 1M enterprises,
/// and the JSON report never reads it); every answer is the one a filled table held.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NearestFacilities {
    /// The kinds, in vocabulary order (the columns).
    pub kinds: Vec<FacilityKind>,
    /// One nearest-point grid per kind, in `kinds` order.
    grids: Vec<NearestGrid>,
    /// Enterprise `e`'s planar position (the index's).
    xy: Arc<[[f64; 2]]>,
}

impl NearestFacilities {
    /// How many enterprises the table answers for.
    pub fn len(&self) -> usize {
        self.xy.len()
    }

    /// Whether the table answers for no enterprise.
    pub fn is_empty(&self) -> bool {
        self.xy.is_empty()
    }

    /// Enterprise `e`'s nearest facility of `kind` (index into `park.facilities`) and
    /// its planar distance in metres (as `f32`); `None` when the enterprise has no
    /// location or the park no facility of that kind. Among equally near
    /// facilities, the lowest index.
    pub fn get(&self, e: usize, kind: FacilityKind) -> Option<(u32, f32)> {
        let k = self.kinds.iter().position(|x| *x == kind)?;
        let p = *self.xy.get(e)?;
        self.grids.get(k)?.nearest(p).map(|(f, d)| (f, d as f32))
    }
}

/// For every enterprise, the nearest facility of each kind and its distance
/// (planar, in the index's frame), as a table answering on demand.
///
/// ```
/// use parkplan::analysis::{build, nearest_facilities};
/// use parkplan::model::{FacilityKind, Park};
/// use parkplan::spatial::ParkIndex;
/// let park = Park {
///     enterprises: vec![build::enterprise("E1", 111.0, 30.0, None)],
///     facilities: vec![
///         build::facility("F1", FacilityKind::PrimarySchool, 111.0, 30.009), // ~1 km
///         build::facility("F2", FacilityKind::PrimarySchool, 111.0, 30.001), // ~111 m
///         build::facility("F3", FacilityKind::PolicePost, 111.0, 29.990),    // ~1.1 km
///     ],
///     ..Park::default()
/// };
/// let index = ParkIndex::build_default(&park).unwrap();
/// let n = nearest_facilities(&park, &index);
/// let (f, d) = n.get(0, FacilityKind::PrimarySchool).unwrap();
/// assert_eq!(f, 1);
/// assert!((d - 110.9).abs() < 1.0, "{d}");
/// assert_eq!(n.get(0, FacilityKind::PolicePost).unwrap().0, 2);
/// assert_eq!(n.get(0, FacilityKind::Kindergarten), None);
/// ```
pub fn nearest_facilities(_park: &Park, index: &ParkIndex) -> NearestFacilities {
    NearestFacilities {
        kinds: index.nearest_by_kind.iter().map(|(k, _)| *k).collect(),
        grids: index
            .nearest_by_kind
            .iter()
            .map(|(_, g)| g.clone())
            .collect(),
        xy: index.enterprise_xy.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::build;

    #[test]
    fn coverage_matches_brute_force_on_a_random_scene() {
        // A deterministic pseudo-random scene: planar brute force is the oracle.
        let mut s = 12345u64;
        let mut rnd = || (crate::model::xorshift(&mut s) % 1_000_000) as f64 / 1_000_000.0;
        let enterprises: Vec<_> = (0..3000)
            .map(|i| {
                build::enterprise(
                    &format!("E{i}"),
                    112.2 + rnd() * 0.1,
                    30.3 + rnd() * 0.05,
                    Some(i),
                )
            })
            .collect();
        let kinds = [
            FacilityKind::Kindergarten,
            FacilityKind::MiddleSchool,
            FacilityKind::CommunityServiceStation,
        ];
        let facilities: Vec<_> = (0..40)
            .map(|i| {
                build::facility(
                    &format!("F{i}"),
                    kinds[i % 3],
                    112.2 + rnd() * 0.1,
                    30.3 + rnd() * 0.05,
                )
            })
            .collect();
        let park = Park {
            enterprises,
            facilities,
            ..Park::default()
        };
        let index = ParkIndex::build_default(&park).unwrap();
        let settings = AnalysisSettings::default();
        let c = service_coverage(&park, &index, &settings);
        for (fi, fc) in c.facilities.iter().enumerate() {
            let r = settings.radius(park.facilities[fi].kind);
            let fxy = index.facility_xy[fi];
            let mut want: Vec<u32> = index
                .enterprise_xy
                .iter()
                .enumerate()
                .filter(|(_, p)| ((p[0] - fxy[0]).powi(2) + (p[1] - fxy[1]).powi(2)).sqrt() <= r)
                .map(|(i, _)| i as u32)
                .collect();
            want.sort_unstable();
            let mut got: Vec<u32> = fc.covered.iter().map(|c| c.enterprise).collect();
            got.sort_unstable();
            assert_eq!(got, want, "facility {fi}");
            let emp: u64 = want.iter().map(|&e| e as u64).sum();
            assert_eq!(fc.employees, emp);
        }
        for kc in &c.kinds {
            let covered_any = |e: usize| {
                kc.facilities.iter().any(|&f| {
                    c.facilities[f as usize]
                        .covered
                        .iter()
                        .any(|x| x.enterprise as usize == e)
                })
            };
            let want: Vec<u32> = (0..park.enterprises.len())
                .filter(|&e| !covered_any(e))
                .map(|e| e as u32)
                .collect();
            assert_eq!(kc.uncovered, want);
            assert_eq!(kc.covered_enterprises + kc.uncovered.len(), 3000);
        }
        // Nearest per kind equals brute force.
        let n = nearest_facilities(&park, &index);
        for e in (0..3000).step_by(37) {
            for &k in &kinds {
                let p = index.enterprise_xy[e];
                let best = park
                    .facilities
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.kind == k)
                    .map(|(i, _)| {
                        let q = index.facility_xy[i];
                        ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt()
                    })
                    .fold(f64::INFINITY, f64::min);
                let (_, d) = n.get(e, k).unwrap();
                assert!((d as f64 - best).abs() < 1e-3, "{d} vs {best}");
            }
        }
    }

    #[test]
    fn enterprises_without_location_are_neither_covered_nor_uncovered() {
        let mut e = build::enterprise("E0", 111.0, 30.0, Some(5));
        e.location = None;
        let park = Park {
            enterprises: vec![e, build::enterprise("E1", 111.0, 30.0005, None)],
            facilities: vec![build::facility("F", FacilityKind::PolicePost, 111.0, 30.0)],
            ..Park::default()
        };
        let index = ParkIndex::build_default(&park).unwrap();
        let c = service_coverage(&park, &index, &AnalysisSettings::default());
        assert_eq!(c.pairs(), 1);
        assert_eq!(c.located_enterprises, 1);
        assert!(c.kinds[0].uncovered.is_empty());
        assert_eq!(
            nearest_facilities(&park, &index).get(0, FacilityKind::PolicePost),
            None
        );
    }
}
