//! Circle polygons and covered areas: each facility's service circle, their union per
//! kind, the union's area in km² and as a share of the park's area.
//!
//! Circles are built in the planar frame (a regular polygon inscribed in the circle,
//! first vertex due east, like GEOS' point buffer) and turned back into lon/lat for
//! drawing. Areas are planar in the frame. The park's area is the planar area of the
//! convex hull of all parcels' vertices (hull taken in lon/lat, vertices projected into
//! the frame), or of all located records when there are no parcels.

use geo::{Area, BooleanOps, ConvexHull, Coord, LineString, MultiPoint, MultiPolygon, Polygon};
use rayon::prelude::*;

use crate::model::{FacilityKind, Park};
use crate::spatial::{ParkIndex, unproject_polygons};

use super::AnalysisSettings;

/// How circles are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaSettings {
    /// Vertices per circle. 64 prints smoothly at A3 (the chord sags r·(1−cos(π/64)),
    /// 1.2 m at 1000 m) and the area is 0.16% under πr²; 32 is what GEOS uses with
    /// `quad_segs=8` (the peer benchmark), 0.64% under.
    pub segments: usize,
}

impl Default for AreaSettings {
    fn default() -> AreaSettings {
        AreaSettings { segments: 64 }
    }
}

/// A circle of radius `r` around a planar point: a regular polygon with `segments`
/// vertices on the circle (at least 3), counter-clockwise from due east.
///
/// ```
/// use geo::Area;
/// use parkplan::analysis::circle;
/// let c = circle([0.0, 0.0], 300.0, 64);
/// let pi_r2 = std::f64::consts::PI * 300.0 * 300.0;
/// assert!((c.unsigned_area() - pi_r2).abs() / pi_r2 < 0.005);
/// assert_eq!(c.exterior().0.len(), 65); // closed ring
/// ```
pub fn circle(centre: [f64; 2], r: f64, segments: usize) -> Polygon<f64> {
    let n = segments.max(3);
    let mut ring: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            Coord {
                x: centre[0] + r * a.cos(),
                y: centre[1] + r * a.sin(),
            }
        })
        .collect();
    ring.push(ring[0]);
    Polygon::new(LineString(ring), vec![])
}

/// The union of circles of radius `r` around planar points (non-finite points are
/// skipped), in the frame.
pub fn circles_union(points: &[[f64; 2]], r: f64, segments: usize) -> MultiPolygon<f64> {
    let circles: Vec<Polygon<f64>> = points
        .iter()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .map(|p| circle(*p, r, segments))
        .collect();
    union_all(circles)
}

/// Unions polygons by halves in parallel (a balanced tree of unions).
pub fn union_all(polys: Vec<Polygon<f64>>) -> MultiPolygon<f64> {
    if polys.len() <= 64 {
        return geo::unary_union(&polys);
    }
    let mid = polys.len() / 2;
    let mut left = polys;
    let right = left.split_off(mid);
    let (a, b) = rayon::join(|| union_all(left), || union_all(right));
    a.union(&b)
}

/// The park's area, as coverage shares are measured against it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParkArea {
    /// What the area is, in words.
    pub definition: String,
    /// The area polygon in the frame (convex hull).
    pub planar: Polygon<f64>,
    /// The same polygon in lon/lat.
    pub lon_lat: Polygon<f64>,
    /// Its planar area, km².
    pub km2: f64,
}

/// The union of one kind's service circles.
#[derive(Debug, Clone, PartialEq)]
pub struct KindArea {
    /// The kind.
    pub kind: FacilityKind,
    /// The radius used.
    pub radius_m: f64,
    /// How many circles.
    pub circles: usize,
    /// The union in lon/lat (for drawing).
    pub union_lon_lat: MultiPolygon<f64>,
    /// Area of the union, km² (planar in the frame), inside and outside the park.
    pub union_km2: f64,
    /// Area of the union inside the park area, km².
    pub covered_in_park_km2: f64,
    /// `covered_in_park_km2 / park km²` (0 when the park has no area).
    pub share_of_park: f64,
}

/// The union of every facility's circle (each with its kind's radius).
#[derive(Debug, Clone, PartialEq)]
pub struct AllKindsArea {
    /// How many circles.
    pub circles: usize,
    /// The union in lon/lat.
    pub union_lon_lat: MultiPolygon<f64>,
    /// Area of the union, km² (planar).
    pub union_km2: f64,
    /// Area of the union inside the park area, km².
    pub covered_in_park_km2: f64,
    /// Share of the park's area.
    pub share_of_park: f64,
}

/// Covered areas per kind and for all kinds together, and the park's area.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAreas {
    /// The park's area (`None` when there are fewer than three distinct points).
    pub park: Option<ParkArea>,
    /// One entry per kind present, in vocabulary order.
    pub kinds: Vec<KindArea>,
    /// Every facility's circle together (what shapely's `union_all` of the buffers
    /// gives when all radii are equal).
    pub all: AllKindsArea,
}

/// (union km², km² inside the park, share of the park).
fn measure(union: &MultiPolygon<f64>, park: Option<&ParkArea>) -> (f64, f64, f64) {
    let union_km2 = union.unsigned_area() / 1e6;
    match park {
        Some(pa) if pa.km2 > 0.0 => {
            let inside = union
                .intersection(&MultiPolygon(vec![pa.planar.clone()]))
                .unsigned_area()
                / 1e6;
            (union_km2, inside, inside / pa.km2)
        }
        _ => (union_km2, 0.0, 0.0),
    }
}

/// The park's area: the convex hull of all parcels in the frame (of all located
/// enterprises, facilities and stops when there are no parcels).
pub fn park_area(park: &Park, index: &ParkIndex) -> Option<ParkArea> {
    let mut pts: Vec<geo::Point<f64>> = Vec::new();
    let from_parcels = !park.parcels.is_empty();
    if from_parcels {
        // The hull of the hulls of parcel chunks (computed in parallel) is the hull of
        // all parcel vertices.
        let indices: Vec<usize> = (0..park.parcels.len()).collect();
        let ll: Vec<geo::Point<f64>> = indices
            .par_chunks(8192)
            .flat_map_iter(|chunk| {
                let mut pts: Vec<geo::Point<f64>> = Vec::new();
                for &i in chunk {
                    if let Some(g) = crate::spatial::ParcelIndex::geometry(park, i) {
                        crate::spatial::for_each_polygon(g, &mut |p| {
                            pts.extend(p.exterior().points())
                        });
                    }
                }
                pts.retain(|p| p.x().is_finite() && p.y().is_finite());
                MultiPoint(pts)
                    .convex_hull()
                    .exterior()
                    .points()
                    .collect::<Vec<_>>()
            })
            .collect();
        let hull = MultiPoint(ll).convex_hull();
        pts.extend(hull.exterior().points().map(|p| {
            let [x, y] = index.project(p.x(), p.y());
            geo::Point::new(x, y)
        }));
    } else {
        for p in index
            .enterprise_xy
            .iter()
            .chain(&index.facility_xy)
            .chain(&index.stop_xy)
        {
            pts.push(geo::Point::new(p[0], p[1]));
        }
    }
    pts.retain(|p| p.x().is_finite() && p.y().is_finite());
    let hull = MultiPoint(pts).convex_hull();
    let area = hull.unsigned_area();
    if area.is_nan() || area <= 0.0 {
        return None;
    }
    let lon_lat = unproject_polygons(index.projector(), &MultiPolygon(vec![hull.clone()]))
        .0
        .into_iter()
        .next()?;
    Some(ParkArea {
        definition: if from_parcels {
            "planar area of the convex hull of all parcels".into()
        } else {
            "planar area of the convex hull of all enterprises, facilities and stops (no parcels)"
                .into()
        },
        planar: hull,
        lon_lat,
        km2: area / 1e6,
    })
}

/// The service circles' union per kind, its area, and its share of the park's area.
///
/// ```
/// use parkplan::analysis::{build, service_areas, AnalysisSettings, AreaSettings};
/// use parkplan::model::{FacilityKind, Park};
/// use parkplan::spatial::ParkIndex;
/// // Two kindergartens 0.01° (~1.1 km) apart: two disjoint 300 m circles.
/// let park = Park {
///     facilities: vec![
///         build::facility("F1", FacilityKind::Kindergarten, 111.0, 30.0),
///         build::facility("F2", FacilityKind::Kindergarten, 111.0, 30.01),
///     ],
///     ..Park::default()
/// };
/// let index = ParkIndex::build_default(&park).unwrap();
/// let a = service_areas(&park, &index, &AnalysisSettings::default(), &AreaSettings::default());
/// let k = &a.kinds[0];
/// assert_eq!(k.union_lon_lat.0.len(), 2);
/// let two_circles = 2.0 * std::f64::consts::PI * 0.3 * 0.3;
/// assert!((k.union_km2 - two_circles).abs() / two_circles < 0.005);
/// ```
pub fn service_areas(
    park: &Park,
    index: &ParkIndex,
    settings: &AnalysisSettings,
    area: &AreaSettings,
) -> ServiceAreas {
    let park_area = park_area(park, index);
    let kinds: Vec<FacilityKind> = index.facilities_by_kind.iter().map(|(k, _)| *k).collect();
    let planar: Vec<(KindArea, MultiPolygon<f64>)> = kinds
        .into_par_iter()
        .map(|kind| {
            let r = settings.radius(kind);
            let pts: Vec<[f64; 2]> = park
                .facilities
                .iter()
                .zip(&index.facility_xy)
                .filter(|(f, p)| f.kind == kind && p[0].is_finite() && p[1].is_finite())
                .map(|(_, p)| *p)
                .collect();
            let union = circles_union(&pts, r, area.segments);
            let (union_km2, covered_in_park_km2, share_of_park) =
                measure(&union, park_area.as_ref());
            (
                KindArea {
                    kind,
                    radius_m: r,
                    circles: pts.len(),
                    union_lon_lat: unproject_polygons(index.projector(), &union),
                    union_km2,
                    covered_in_park_km2,
                    share_of_park,
                },
                union,
            )
        })
        .collect();
    let circles = planar.iter().map(|(k, _)| k.circles).sum();
    let mut kinds = Vec::with_capacity(planar.len());
    let mut all_union = MultiPolygon(Vec::new());
    for (k, u) in planar {
        all_union = if all_union.0.is_empty() {
            u
        } else {
            all_union.union(&u)
        };
        kinds.push(k);
    }
    let (union_km2, covered_in_park_km2, share_of_park) = measure(&all_union, park_area.as_ref());
    ServiceAreas {
        park: park_area,
        kinds,
        all: AllKindsArea {
            circles,
            union_lon_lat: unproject_polygons(index.projector(), &all_union),
            union_km2,
            covered_in_park_km2,
            share_of_park,
        },
    }
}

/// One facility's service circle in lon/lat (its kind's radius), for drawing.
pub fn facility_circle(
    park: &Park,
    index: &ParkIndex,
    settings: &AnalysisSettings,
    facility: usize,
    area: &AreaSettings,
) -> Option<Polygon<f64>> {
    let f = park.facilities.get(facility)?;
    let p = *index.facility_xy.get(facility)?;
    if !p[0].is_finite() || !p[1].is_finite() {
        return None;
    }
    let c = circle(p, settings.radius(f.kind), area.segments);
    unproject_polygons(index.projector(), &MultiPolygon(vec![c]))
        .0
        .into_iter()
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circle_area_is_within_half_a_percent_of_pi_r2() {
        for (n, bound) in [(32, 0.0065), (64, 0.0017), (128, 0.0005)] {
            let a = circle([500_000.0, 3_350_000.0], 1000.0, n).unsigned_area();
            let pi = std::f64::consts::PI * 1e6;
            let rel = (pi - a) / pi;
            assert!(rel > 0.0 && rel < bound, "{n}: {rel}");
        }
    }

    #[test]
    fn union_of_overlapping_circles_is_smaller_than_the_sum() {
        let u = circles_union(&[[0.0, 0.0], [1000.0, 0.0]], 1000.0, 64);
        let one = circle([0.0, 0.0], 1000.0, 64).unsigned_area();
        let a = u.unsigned_area();
        // Two unit circles at distance 1 overlap by 2π/3 − √3/2 ≈ 1.2284 (× r²).
        let lens = (2.0 * std::f64::consts::PI / 3.0 - 3f64.sqrt() / 2.0) * 1e6;
        assert_eq!(u.0.len(), 1);
        assert!(((2.0 * one - a) - lens).abs() / lens < 0.01, "{a}");
        // Many circles through the parallel path agree with a single unary union.
        let pts: Vec<[f64; 2]> = (0..200)
            .map(|i| [(i % 20) as f64 * 700.0, (i / 20) as f64 * 900.0])
            .collect();
        let circles: Vec<Polygon<f64>> = pts.iter().map(|p| circle(*p, 500.0, 32)).collect();
        let direct = geo::unary_union(&circles).unsigned_area();
        let tree = circles_union(&pts, 500.0, 32).unsigned_area();
        assert!((direct - tree).abs() / direct < 1e-9, "{direct} {tree}");
    }
}
