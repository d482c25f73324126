//! Land against the red lines (三区三线): for every parcel, the area that lies on
//! permanent basic farmland, on the ecological red line, outside the urban development
//! boundary and on arable land.
//!
//! Method: exact polygon overlay (geo's boolean operations, i_overlay) of each parcel
//! with the union of the constraint polygons of each kind whose bounding boxes meet it
//! (an R-tree finds them), in lon/lat; the areas of the pieces are geodesic (WGS84,
//! Karney), like the parcels' own areas. Pieces smaller than the sliver tolerance are
//! ignored (digitising noise where a parcel was drawn along a zone's edge), and the
//! tolerance is stated with every result. A kind with no layer in the park gives no
//! figure (`None`), never 0.

use geo::{BooleanOps, BoundingRect, MultiPolygon, Orient, Polygon, orient::Direction};
use rayon::prelude::*;
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};
use serde::{Deserialize, Serialize};

use crate::model::{ConstraintKind, Park, Role, SquareMeters, polygons_of};

/// The constraint kinds, in the order results list them.
pub const KINDS: [ConstraintKind; 4] = [
    ConstraintKind::PermanentFarmland,
    ConstraintKind::EcologicalRedline,
    ConstraintKind::UrbanBoundary,
    ConstraintKind::ArableLand,
];

/// The position of a kind in [`KINDS`].
pub fn kind_index(k: ConstraintKind) -> usize {
    KINDS.iter().position(|x| *x == k).unwrap_or(0)
}

/// Overlay settings, saved with a project.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OverlaySettings {
    /// Pieces of an overlay smaller than this (m²) are slivers and ignored.
    pub sliver_tolerance_m2: f64,
}

impl Default for OverlaySettings {
    fn default() -> OverlaySettings {
        OverlaySettings {
            sliver_tolerance_m2: 1.0,
        }
    }
}

/// One constraint layer, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintLayer {
    /// Index into `park.layers`.
    pub layer: u32,
    /// Its name.
    pub name: String,
    /// The kind its features have (`None` when they differ or none is known).
    pub kind: Option<ConstraintKind>,
    /// Features that are constraint zones.
    pub features: usize,
    /// Features whose kind is unknown (left out of the overlay).
    pub unknown_kind: usize,
    /// The sum of their geodesic areas, m².
    pub area_m2: f64,
}

/// What lies under one parcel, m² per kind in [`KINDS`] order (`None`: no layer of that
/// kind in the park). For the urban boundary the figure is the area *outside* it.
///
/// Held for every parcel until the report is written (333k at the 1M scene), so a
/// missing figure is a NaN of its own bit pattern rather than an `Option` (40 bytes a
/// parcel instead of 72); [`ParcelConstraints::m2`] gives the options back.
#[derive(Debug, Clone, Copy)]
pub struct ParcelConstraints {
    /// Index into `park.parcels`.
    pub parcel: u32,
    /// m² on permanent farmland, on the red line, outside the urban boundary, on arable
    /// land; [`NO_AREA`] where there is no layer of the kind.
    m2: [f64; 4],
}

/// The bits of "no figure" in [`ParcelConstraints`]: a quiet NaN with a payload no
/// arithmetic produces (a NaN computed from the data stays a NaN figure).
const NO_AREA: u64 = 0x7ff8_0000_4e4f_4e45;

impl ParcelConstraints {
    /// Parcel `parcel`'s figures, per kind in [`KINDS`] order.
    pub fn new(parcel: u32, m2: [Option<f64>; 4]) -> ParcelConstraints {
        ParcelConstraints {
            parcel,
            m2: m2.map(|v| v.unwrap_or(f64::from_bits(NO_AREA))),
        }
    }

    /// m² on permanent farmland, on the red line, outside the urban boundary, on arable
    /// land (`None`: no layer of that kind in the park).
    pub fn m2(&self) -> [Option<f64>; 4] {
        self.m2.map(|v| (v.to_bits() != NO_AREA).then_some(v))
    }

    /// The area (m²) for a kind (outside, for the urban boundary).
    pub fn get(&self, k: ConstraintKind) -> Option<f64> {
        self.m2()[kind_index(k)]
    }

    /// The area in mu for a kind.
    pub fn mu(&self, k: ConstraintKind) -> Option<f64> {
        self.get(k).map(|m2| SquareMeters(m2).to_mu().0)
    }

    /// The area (m²) in conflict with a red line: on permanent farmland, on the
    /// ecological red line or outside the urban boundary.
    pub fn redline_conflict_m2(&self) -> f64 {
        let m2 = self.m2();
        m2[0].unwrap_or(0.0) + m2[1].unwrap_or(0.0) + m2[2].unwrap_or(0.0)
    }
}

impl Default for ParcelConstraints {
    fn default() -> ParcelConstraints {
        ParcelConstraints::new(0, [None; 4])
    }
}

impl PartialEq for ParcelConstraints {
    /// Equal parcels and figures (`None` equals `None`; figures compare as `f64`).
    fn eq(&self, other: &ParcelConstraints) -> bool {
        self.parcel == other.parcel && self.m2() == other.m2()
    }
}

/// The overlay of every parcel with every constraint kind.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConstraintOverlay {
    /// The constraint layers.
    pub layers: Vec<ConstraintLayer>,
    /// Which kinds have at least one zone.
    pub kinds_present: [bool; 4],
    /// Per parcel, in `park.parcels` order.
    pub parcels: Vec<ParcelConstraints>,
    /// The sliver tolerance used, m².
    pub tolerance_m2: f64,
    /// The method in words.
    pub method: String,
}

impl ConstraintOverlay {
    /// Whether the park has any constraint zone.
    pub fn is_empty(&self) -> bool {
        !self.kinds_present.iter().any(|p| *p)
    }
}

type Zone = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Overlays every parcel with the park's constraint zones.
///
/// ```
/// use parkplan::analysis::{build, constraints::{overlay, OverlaySettings}};
/// use parkplan::model::{ApprovalStatus, ConstraintKind, Park};
/// let mut park = Park::default();
/// // A 0.002° × 0.002° parcel; farmland covering its western half.
/// let sq = |x0: f64, x1: f64| [(x0, 30.0), (x1, 30.0), (x1, 30.002), (x0, 30.002), (x0, 30.0)];
/// build::add_parcel(&mut park, "P1", Some("M1"), ApprovalStatus::Pending, &sq(111.0, 111.002));
/// build::add_constraint(&mut park, "永久基本农田", &sq(110.99, 111.001));
/// let o = overlay(&park, &OverlaySettings::default());
/// let p = &o.parcels[0];
/// let half = park.parcels[0].area.0 / 2.0;
/// let on = p.get(ConstraintKind::PermanentFarmland).unwrap();
/// assert!((on - half).abs() / half < 0.001, "{on} vs {half}");
/// assert_eq!(p.get(ConstraintKind::EcologicalRedline), None); // no such layer
/// ```
pub fn overlay(park: &Park, settings: &OverlaySettings) -> ConstraintOverlay {
    let tol = settings.sliver_tolerance_m2.max(0.0);
    // Zones per kind, oriented (exterior counter-clockwise) so unions of overlapping
    // zones are right whatever winding the data used.
    let mut zones: [Vec<MultiPolygon<f64>>; 4] = Default::default();
    let mut layers: Vec<ConstraintLayer> = Vec::new();
    for (li, l) in park.layers.iter().enumerate() {
        if l.role != Role::Constraints {
            continue;
        }
        layers.push(ConstraintLayer {
            layer: li as u32,
            name: l.name.clone(),
            kind: None,
            features: 0,
            unknown_kind: 0,
            area_m2: 0.0,
        });
    }
    for c in &park.constraints {
        let Some(summary) = layers.iter_mut().find(|s| s.layer == c.feature.layer) else {
            continue;
        };
        let Some(kind) = c.kind else {
            summary.unknown_kind += 1;
            continue;
        };
        summary.kind = match (summary.features, summary.kind) {
            (0, _) => Some(kind),
            (_, Some(k)) if k == kind => Some(k),
            _ => None,
        };
        summary.features += 1;
        summary.area_m2 += c.area.0;
        if let Some(g) = park.geometry(c.feature) {
            zones[kind_index(kind)].push(polygons_of(g).orient(Direction::Default));
        }
    }
    let kinds_present = [0, 1, 2, 3].map(|k| !zones[k].is_empty());
    let trees: Vec<RTree<Zone>> = zones
        .iter()
        .map(|zs| {
            RTree::bulk_load(
                zs.iter()
                    .enumerate()
                    .filter_map(|(i, z)| {
                        let r = z.bounding_rect()?;
                        Some(GeomWithData::new(
                            Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                            i,
                        ))
                    })
                    .collect(),
            )
        })
        .collect();
    let parcels = park
        .parcels
        .par_iter()
        .enumerate()
        .map(|(pi, p)| {
            let mut m2 = [None; 4];
            let shape = park
                .geometry(p.feature)
                .map(|g| polygons_of(g).orient(Direction::Default))
                .unwrap_or_else(|| MultiPolygon(vec![]));
            for k in 0..4 {
                if !kinds_present[k] {
                    continue;
                }
                let inside = area_inside(&shape, &zones[k], &trees[k], tol);
                m2[k] = Some(if KINDS[k] == ConstraintKind::UrbanBoundary {
                    let outside = (p.area.0 - inside).max(0.0);
                    if outside < tol { 0.0 } else { outside }
                } else {
                    inside
                });
            }
            ParcelConstraints::new(pi as u32, m2)
        })
        .collect();
    ConstraintOverlay {
        layers,
        kinds_present,
        parcels,
        tolerance_m2: tol,
        method: format!(
            "exact polygon overlay (geo boolean operations, i_overlay) of each parcel with the union of the zones of each kind; geodesic areas (WGS84, Karney); pieces under {tol} m² ignored as slivers"
        ),
    }
}

/// The geodesic area (m²) of `shape` inside the union of the zones, pieces under `tol`
/// left out.
fn area_inside(
    shape: &MultiPolygon<f64>,
    zones: &[MultiPolygon<f64>],
    tree: &RTree<Zone>,
    tol: f64,
) -> f64 {
    let Some(r) = shape.bounding_rect() else {
        return 0.0;
    };
    let env = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
    let hits: Vec<&MultiPolygon<f64>> = tree
        .locate_in_envelope_intersecting(&env)
        .map(|z| &zones[z.data])
        .collect();
    let pieces = match hits.as_slice() {
        [] => return 0.0,
        [one] => shape.intersection(*one),
        many => {
            let polys: Vec<&Polygon<f64>> = many.iter().flat_map(|m| m.0.iter()).collect();
            let union = geo::unary_union(polys);
            shape.intersection(&union)
        }
    };
    pieces
        .0
        .iter()
        .map(crate::model::polygon_area::geodesic_area_unsigned)
        .filter(|a| *a >= tol)
        // An empty float sum is -0.0: add 0.0 so nothing prints as "-0.00".
        .sum::<f64>()
        + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::build;
    use crate::model::ApprovalStatus;

    #[test]
    fn a_parcels_figures_keep_none_apart_from_a_computed_nan() {
        let figures = [Some(12.5), None, Some(f64::NAN), Some(0.0)];
        let c = ParcelConstraints::new(7, figures);
        let back = c.m2();
        assert_eq!(c.parcel, 7);
        assert_eq!(back[0], Some(12.5));
        assert_eq!(back[1], None);
        assert!(back[2].is_some_and(f64::is_nan), "{back:?}");
        assert_eq!(back[3], Some(0.0));
        assert_eq!(c.get(ConstraintKind::EcologicalRedline), None);
        assert!(c.redline_conflict_m2().is_nan());
        assert_eq!(ParcelConstraints::default().m2(), [None; 4]);
        assert_eq!(
            ParcelConstraints::new(1, [None, Some(1.0), None, None]),
            ParcelConstraints::new(1, [None, Some(1.0), None, None])
        );
        assert_ne!(
            ParcelConstraints::new(1, [None; 4]),
            ParcelConstraints::new(1, [Some(0.0), None, None, None])
        );
        assert!(std::mem::size_of::<ParcelConstraints>() <= 40);
    }

    fn sq(x0: f64, y0: f64, x1: f64, y1: f64) -> [(f64, f64); 5] {
        [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    }

    #[test]
    fn overlapping_zones_are_counted_once_and_slivers_dropped() {
        let mut park = Park::default();
        build::add_parcel(
            &mut park,
            "P",
            Some("M1"),
            ApprovalStatus::Pending,
            &sq(111.0, 30.0, 111.002, 30.002),
        );
        // Two farmland zones covering the same western half of the parcel, one of
        // them wound clockwise: counted once.
        build::add_constraint(
            &mut park,
            "永久基本农田",
            &sq(110.99, 29.99, 111.001, 30.01),
        );
        let mut cw = sq(110.995, 29.99, 111.001, 30.01);
        cw.reverse();
        build::add_constraint(&mut park, "永久基本农田", &cw);
        // A red-line strip 2 mm wide along the eastern edge (~0.4 m²): a sliver.
        build::add_constraint(
            &mut park,
            "生态保护红线",
            &sq(111.002 - 2e-8, 29.99, 111.003, 30.01),
        );
        // An urban boundary holding the whole parcel: nothing outside.
        build::add_constraint(&mut park, "城镇开发边界", &sq(110.0, 29.0, 112.0, 31.0));
        let o = overlay(&park, &OverlaySettings::default());
        let p = o.parcels[0];
        let half = park.parcels[0].area.0 / 2.0;
        let farm = p.get(ConstraintKind::PermanentFarmland).unwrap();
        assert!((farm - half).abs() / half < 1e-3, "{farm} vs {half}");
        assert_eq!(p.get(ConstraintKind::EcologicalRedline), Some(0.0));
        assert_eq!(p.get(ConstraintKind::UrbanBoundary), Some(0.0));
        assert_eq!(p.get(ConstraintKind::ArableLand), None);
        assert_eq!(o.layers.len(), 3);
        assert!(o.kinds_present[0] && !o.kinds_present[3]);
    }

    #[test]
    fn outside_the_boundary_is_the_rest_of_the_parcel() {
        let mut park = Park::default();
        build::add_parcel(
            &mut park,
            "P",
            None,
            ApprovalStatus::Pending,
            &sq(111.0, 30.0, 111.002, 30.002),
        );
        build::add_constraint(&mut park, "城镇开发边界", &sq(110.0, 29.0, 111.0015, 31.0));
        let o = overlay(&park, &OverlaySettings::default());
        let quarter = park.parcels[0].area.0 / 4.0;
        let out = o.parcels[0].get(ConstraintKind::UrbanBoundary).unwrap();
        assert!((out - quarter).abs() / quarter < 2e-3, "{out} vs {quarter}");
        assert!((o.parcels[0].redline_conflict_m2() - out).abs() < 1e-6);
    }
}
