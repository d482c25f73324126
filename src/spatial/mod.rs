//! Spatial indexes: R*-trees (rstar 0.12, the version geo 0.33 integrates with, so the
//! build holds one R*-tree crate) over model records, in planar metres of an analysis
//! [`MetricFrame`].
//!
//! [`ParkIndex::build`] projects every enterprise, facility and stop location into the
//! frame (in parallel) and bulk-loads one tree per record set, each entry a
//! `[x, y]` point carrying the record's index into the park's vector
//! (`park.enterprises`, `park.facilities`, `park.stops`); parcels are indexed by their
//! planar envelopes and answered with an exact point-in-polygon test. Queries: by
//! radius (`distance <= r`, as shapely's `dwithin`), nearest, and bounding box.
//!
//! This module owns the indexes and nothing else: no analysis, no I/O, no GUI.

use geo::{BoundingRect, Contains, Coord, MultiPolygon, Point};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RStarInsertionStrategy, RTree, RTreeParams};

use crate::crs::{CrsError, FrameKind, FrameProjector, MetricFrame};
use crate::model::{FacilityKind, Park, polygons_of};

/// Errors building an index.
#[derive(Debug, thiserror::Error)]
pub enum SpatialError {
    /// The metric frame could not be set up.
    #[error("cannot set up the metric frame: {0}")]
    Frame(#[from] CrsError),
}

/// Node sizes for point trees: wider nodes than rstar's default (6) make bulk loading
/// and radius queries over millions of points faster (measured: see the README's
/// performance section).
#[derive(Debug, Clone, Copy)]
pub struct PointParams;

impl RTreeParams for PointParams {
    const MIN_SIZE: usize = 8;
    const MAX_SIZE: usize = 24;
    const REINSERTION_COUNT: usize = 6;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// A tree entry: a planar point carrying its record index and a weight (an
/// enterprise's employees, so sums need no look-up in the records; 0 elsewhere).
pub type PointEntry = GeomWithData<[f64; 2], (u32, u32)>;

/// An R*-tree over planar points, each carrying the index of its record.
#[derive(Debug, Clone)]
pub struct PointIndex {
    tree: RTree<PointEntry, PointParams>,
}

impl Default for PointIndex {
    fn default() -> PointIndex {
        PointIndex::new(Vec::new())
    }
}

impl PointIndex {
    /// Bulk-loads a tree from `(record index, [x, y])`; non-finite points are left out.
    pub fn new(points: Vec<(u32, [f64; 2])>) -> PointIndex {
        PointIndex::new_weighted(points.into_iter().map(|(i, p)| (i, p, 0)).collect())
    }

    /// Bulk-loads a tree from `(record index, [x, y], weight)`.
    pub fn new_weighted(points: Vec<(u32, [f64; 2], u32)>) -> PointIndex {
        let entries: Vec<PointEntry> = points
            .into_iter()
            .filter(|(_, p, _)| p[0].is_finite() && p[1].is_finite())
            .map(|(i, p, w)| GeomWithData::new(p, (i, w)))
            .collect();
        PointIndex {
            tree: RTree::bulk_load_with_params(entries),
        }
    }

    /// Bulk-loads a tree from points indexed by position (`xy[i]` is record `i`).
    pub fn from_positions(xy: &[[f64; 2]]) -> PointIndex {
        PointIndex::new(xy.iter().enumerate().map(|(i, p)| (i as u32, *p)).collect())
    }

    /// How many points the tree holds.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether the tree is empty.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Calls `f(record, distance)` for every point with `distance <= r` from `centre`
    /// (Euclidean distance in the frame, computed as `sqrt(dx² + dy²)` like GEOS).
    pub fn for_each_within(&self, centre: [f64; 2], r: f64, mut f: impl FnMut(u32, f64)) {
        self.for_each_within_weighted(centre, r, |i, _, d| f(i, d))
    }

    /// [`PointIndex::for_each_within`], also passing each point's weight:
    /// `f(record, weight, distance)`.
    pub fn for_each_within_weighted(
        &self,
        centre: [f64; 2],
        r: f64,
        mut f: impl FnMut(u32, u32, f64),
    ) {
        if r.is_nan() || r < 0.0 || !centre[0].is_finite() || !centre[1].is_finite() {
            return;
        }
        // The tree prunes with a slightly larger squared radius; the exact test below
        // decides, so rounding in r² never drops a point at distance exactly r.
        // Internal iteration over the circle's bounding square (rstar's fastest walk),
        // then the exact test: squared distance pre-filters with a margin so rounding
        // never drops a point at exactly r, and `sqrt(dx² + dy²) <= r` decides.
        let pad = r * (1.0 + 1e-9) + 1e-9;
        let r2 = pad * pad;
        let env = AABB::from_corners(
            [centre[0] - pad, centre[1] - pad],
            [centre[0] + pad, centre[1] + pad],
        );
        let _ = self.tree.locate_in_envelope_int(&env, |e| {
            let p = e.geom();
            let d2 = (p[0] - centre[0]).powi(2) + (p[1] - centre[1]).powi(2);
            if d2 <= r2 {
                let d = d2.sqrt();
                if d <= r {
                    f(e.data.0, e.data.1, d);
                }
            }
            std::ops::ControlFlow::<()>::Continue(())
        });
    }

    /// Calls `f(record, point)` for every point within `r` of `centre` (by the tree's
    /// squared-distance test).
    pub fn for_each_within_point(
        &self,
        centre: [f64; 2],
        r: f64,
        mut f: impl FnMut(u32, [f64; 2]),
    ) {
        for e in self.tree.locate_within_distance(centre, r * r) {
            f(e.data.0, *e.geom());
        }
    }

    /// The records within `r` of `centre`, with their distances, in no particular order.
    pub fn within(&self, centre: [f64; 2], r: f64) -> Vec<(u32, f64)> {
        let mut out = Vec::new();
        self.for_each_within(centre, r, |i, d| out.push((i, d)));
        out
    }

    /// The nearest record and its distance (`None` for an empty tree). Ties are broken
    /// by the tree's order.
    pub fn nearest(&self, p: [f64; 2]) -> Option<(u32, f64)> {
        if !p[0].is_finite() || !p[1].is_finite() {
            return None;
        }
        self.tree.nearest_neighbor(&p).map(|e| {
            let q = e.geom();
            (
                e.data.0,
                ((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2)).sqrt(),
            )
        })
    }

    /// The records inside the box `[min, max]` (edges included).
    pub fn in_bbox(&self, min: [f64; 2], max: [f64; 2]) -> Vec<u32> {
        let env = AABB::from_corners(min, max);
        self.tree
            .locate_in_envelope(&env)
            .map(|e| e.data.0)
            .collect()
    }
}

/// Nearest-point look-up for millions of queries against a small point set (each
/// enterprise's nearest facility of a kind). A uniform grid covers the points and the
/// area queries come from; each cell keeps the candidates that can be nearest to some
/// point of the cell: the points within `d + 2h` of the cell's centre, where `d` is the
/// centre's nearest distance and `h` the cell's half-diagonal (for any point `p` of the
/// cell, its nearest point is within `d + h` of `p`, hence within `d + 2h` of the
/// centre). A query scans its cell's few candidates: exact, and several times faster
/// than an R*-tree nearest-neighbour query. Queries outside the grid fall back to the
/// tree. Checked against brute force.
#[derive(Debug, Clone, Default)]
pub struct NearestGrid {
    origin: [f64; 2],
    cell: f64,
    cols: usize,
    rows: usize,
    /// `starts[c]..starts[c + 1]` are cell `c`'s candidates in `candidates`.
    starts: Vec<u32>,
    candidates: Vec<([f64; 2], u32)>,
    tree: PointIndex,
}

impl NearestGrid {
    /// Builds the look-up for `(record index, [x, y])` (non-finite points are left
    /// out), with the grid covering the points and the box `query_extent`
    /// (`[min, max]`) where queries will come from.
    pub fn new(pts: &[(u32, [f64; 2])], query_extent: Option<[[f64; 2]; 2]>) -> NearestGrid {
        let pts: Vec<(u32, [f64; 2])> = pts
            .iter()
            .copied()
            .filter(|(_, p)| p[0].is_finite() && p[1].is_finite())
            .collect();
        if pts.is_empty() {
            return NearestGrid::default();
        }
        let tree = PointIndex::new(pts.clone());
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        let mut grow = |p: [f64; 2]| {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        };
        pts.iter().for_each(|(_, p)| grow(*p));
        if let Some([a, b]) = query_extent
            && a.iter().chain(&b).all(|v| v.is_finite())
        {
            grow(a);
            grow(b);
        }
        let (w, h) = ((hi[0] - lo[0]).max(1.0), (hi[1] - lo[1]).max(1.0));
        // About four cells per point, at most 2^18 cells.
        let ncells = (4.0 * pts.len() as f64).clamp(1.0, 262_144.0);
        let cell = ((w * h) / ncells).sqrt().max(w.max(h) / 4096.0);
        let cols = ((w / cell).floor() as usize + 1).min(8192);
        let rows = ((h / cell).floor() as usize + 1).min(8192);
        let half_diag = cell * std::f64::consts::FRAC_1_SQRT_2;
        let lists: Vec<Vec<([f64; 2], u32)>> = (0..cols * rows)
            .into_par_iter()
            .with_min_len(256)
            .map(|c| {
                let centre = [
                    lo[0] + ((c % cols) as f64 + 0.5) * cell,
                    lo[1] + ((c / cols) as f64 + 0.5) * cell,
                ];
                let Some((_, d)) = tree.nearest(centre) else {
                    return Vec::new();
                };
                let mut v: Vec<([f64; 2], u32)> = Vec::new();
                tree.for_each_within_point(
                    centre,
                    (d + 2.0 * half_diag) * (1.0 + 1e-9) + 1e-6,
                    |i, q| v.push((q, i)),
                );
                v
            })
            .collect();
        let mut starts = Vec::with_capacity(lists.len() + 1);
        starts.push(0u32);
        let mut candidates = Vec::new();
        for l in lists {
            candidates.extend(l);
            starts.push(candidates.len() as u32);
        }
        NearestGrid {
            origin: lo,
            cell,
            cols,
            rows,
            starts,
            candidates,
            tree,
        }
    }

    /// The nearest point's record index and distance (`None` when empty or `p` is not
    /// finite). Among equally near points, the lowest record index.
    pub fn nearest(&self, p: [f64; 2]) -> Option<(u32, f64)> {
        if self.candidates.is_empty() || !p[0].is_finite() || !p[1].is_finite() {
            return None;
        }
        let fc = ((p[0] - self.origin[0]) / self.cell).floor();
        let fr = ((p[1] - self.origin[1]) / self.cell).floor();
        if fc < 0.0 || fr < 0.0 || fc >= self.cols as f64 || fr >= self.rows as f64 {
            return self.nearest_by_tree(p);
        }
        let c = fr as usize * self.cols + fc as usize;
        let mut best: Option<(u32, f64)> = None;
        for &(q, i) in &self.candidates[self.starts[c] as usize..self.starts[c + 1] as usize] {
            let d2 = (q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2);
            if best.is_none_or(|(bi, bd2)| d2 < bd2 || (d2 == bd2 && i < bi)) {
                best = Some((i, d2));
            }
        }
        best.map(|(i, d2)| (i, d2.sqrt()))
    }

    /// Outside the grid: the tree's nearest, ties broken by the lowest index.
    fn nearest_by_tree(&self, p: [f64; 2]) -> Option<(u32, f64)> {
        let (_, d) = self.tree.nearest(p)?;
        let mut best: Option<(u32, f64)> = None;
        self.tree
            .for_each_within_point(p, d * (1.0 + 1e-9) + 1e-9, |i, q| {
                let d2 = (q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2);
                if best.is_none_or(|(bi, bd2)| d2 < bd2 || (d2 == bd2 && i < bi)) {
                    best = Some((i, d2));
                }
            });
        best.map(|(i, d2)| (i, d2.sqrt()))
    }
}

/// Parcels in lon/lat (GeoJSON's edges are straight in lon/lat, so containment is
/// decided there): an R*-tree over their envelopes and the exact polygons.
#[derive(Debug, Clone, Default)]
pub struct ParcelIndex {
    polygons: Vec<MultiPolygon<f64>>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
}

impl ParcelIndex {
    /// Builds the index from lon/lat polygons (`polygons[i]` is parcel `i`; empty ones
    /// are left out of the tree).
    pub fn new(polygons: Vec<MultiPolygon<f64>>) -> ParcelIndex {
        let entries = polygons
            .iter()
            .enumerate()
            .filter_map(|(i, mp)| {
                let r = mp.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i as u32,
                ))
            })
            .collect();
        ParcelIndex {
            polygons,
            tree: RTree::bulk_load(entries),
        }
    }

    /// The lon/lat polygon of parcel `i`.
    pub fn polygon(&self, i: usize) -> Option<&MultiPolygon<f64>> {
        self.polygons.get(i)
    }

    /// Every parcel whose polygon contains the point (interior; boundary points count
    /// for no parcel, as in `Contains`), in index order.
    pub fn containing(&self, p: [f64; 2]) -> Vec<u32> {
        if !p[0].is_finite() || !p[1].is_finite() {
            return Vec::new();
        }
        let pt = Point::new(p[0], p[1]);
        let mut v: Vec<u32> = self
            .tree
            .locate_all_at_point(&p)
            .filter(|e| self.polygons[e.data as usize].contains(&pt))
            .map(|e| e.data)
            .collect();
        v.sort_unstable();
        v
    }

    /// The parcels whose envelope meets the box `[min, max]`, in index order.
    pub fn in_bbox(&self, min: [f64; 2], max: [f64; 2]) -> Vec<u32> {
        let env = AABB::from_corners(min, max);
        let mut v: Vec<u32> = self
            .tree
            .locate_in_envelope_intersecting(&env)
            .map(|e| e.data)
            .collect();
        v.sort_unstable();
        v
    }
}

/// Everything spatial about a park, in one planar metric frame: projected locations
/// and R*-trees. Built once per park (and rebuilt after edits or a frame change).
pub struct ParkIndex {
    frame: MetricFrame,
    projector: FrameProjector,
    /// Enterprise `i`'s location in the frame (NaN when it has none).
    pub enterprise_xy: Vec<[f64; 2]>,
    /// Facility `i`'s location in the frame (NaN when it has none).
    pub facility_xy: Vec<[f64; 2]>,
    /// Stop `i`'s location in the frame (NaN when it has none).
    pub stop_xy: Vec<[f64; 2]>,
    /// Tree over enterprises (data: index into `park.enterprises`; weight: employees).
    pub enterprises: PointIndex,
    /// Tree over all facilities (data: index into `park.facilities`).
    pub facilities: PointIndex,
    /// One tree per facility kind present (data: index into `park.facilities`).
    pub facilities_by_kind: Vec<(FacilityKind, PointIndex)>,
    /// One nearest-point grid per facility kind present (same order as
    /// `facilities_by_kind`).
    pub nearest_by_kind: Vec<(FacilityKind, NearestGrid)>,
    /// Tree over stops (data: index into `park.stops`).
    pub stops: PointIndex,
    /// Parcels in lon/lat (index into `park.parcels`).
    pub parcels: ParcelIndex,
}

impl std::fmt::Debug for ParkIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParkIndex")
            .field("frame", &self.frame)
            .field("enterprises", &self.enterprises.len())
            .field("facilities", &self.facilities.len())
            .field("stops", &self.stops.len())
            .field("parcels", &self.parcels.polygons.len())
            .finish()
    }
}

/// The longitude at the centre of a park's extent: of its layers, else of its
/// records' locations (112.3, Jingzhou, when it has none).
pub fn centre_longitude(park: &Park) -> f64 {
    if let Some(x) = park
        .extent()
        .map(|r| (r.min().x + r.max().x) / 2.0)
        .filter(|x| x.is_finite())
    {
        return x;
    }
    let xs = park
        .enterprises
        .iter()
        .map(|e| e.location)
        .chain(park.facilities.iter().map(|f| f.location))
        .chain(park.stops.iter().map(|s| s.location))
        .chain(park.projects.iter().map(|p| p.location))
        .flatten()
        .map(|p| p.x())
        .chain(
            park.routes
                .iter()
                .flat_map(|r| r.line.0.iter().flat_map(|l| l.0.iter().map(|c| c.x))),
        )
        .filter(|x| x.is_finite());
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    if lo.is_finite() {
        (lo + hi) / 2.0
    } else {
        112.3
    }
}

/// The frame of the given family for a park (centred on its extent).
pub fn frame_for(park: &Park, kind: FrameKind) -> MetricFrame {
    MetricFrame::for_longitude(kind, centre_longitude(park))
}

impl ParkIndex {
    /// Projects the park's records into `frame` and bulk-loads the trees.
    pub fn build(park: &Park, frame: MetricFrame) -> Result<ParkIndex, SpatialError> {
        let projector = frame.projector()?;
        let project = |p: Option<Point<f64>>| match p {
            Some(p) => projector.forward(p.x(), p.y()),
            None => [f64::NAN, f64::NAN],
        };
        let enterprise_xy: Vec<[f64; 2]> = park
            .enterprises
            .par_iter()
            .with_min_len(4096)
            .map(|e| project(e.location))
            .collect();
        let facility_xy: Vec<[f64; 2]> = park
            .facilities
            .iter()
            .map(|f| project(f.location))
            .collect();
        let stop_xy: Vec<[f64; 2]> = park.stops.iter().map(|s| project(s.location)).collect();
        let parcel_polys: Vec<MultiPolygon<f64>> = park
            .parcels
            .par_iter()
            .with_min_len(1024)
            .map(|p| match park.geometry(p.feature) {
                Some(g) => polygons_of(g),
                None => MultiPolygon(Vec::new()),
            })
            .collect();
        let (enterprises, (facilities, (facilities_by_kind, nearest_by_kind), stops, parcels)) =
            rayon::join(
                || {
                    PointIndex::new_weighted(
                        enterprise_xy
                            .iter()
                            .zip(&park.enterprises)
                            .enumerate()
                            .map(|(i, (p, e))| (i as u32, *p, e.employees.unwrap_or(0)))
                            .collect(),
                    )
                },
                || {
                    let mut kinds: Vec<FacilityKind> =
                        park.facilities.iter().map(|f| f.kind).collect();
                    kinds.sort();
                    kinds.dedup();
                    let by_kind: (Vec<_>, Vec<_>) = kinds
                        .into_iter()
                        .map(|k| {
                            let pts: Vec<(u32, [f64; 2])> = park
                                .facilities
                                .iter()
                                .enumerate()
                                .filter(|(_, f)| f.kind == k)
                                .map(|(i, _)| (i as u32, facility_xy[i]))
                                .collect();
                            (
                                (k, PointIndex::new(pts.clone())),
                                (k, NearestGrid::new(&pts, extent_of(&enterprise_xy))),
                            )
                        })
                        .unzip();
                    (
                        PointIndex::from_positions(&facility_xy),
                        by_kind,
                        PointIndex::from_positions(&stop_xy),
                        ParcelIndex::new(parcel_polys),
                    )
                },
            );
        Ok(ParkIndex {
            frame,
            projector,
            enterprise_xy,
            facility_xy,
            stop_xy,
            enterprises,
            facilities,
            facilities_by_kind,
            nearest_by_kind,
            stops,
            parcels,
        })
    }

    /// Builds the index in the park's default frame (the UTM zone of its centre).
    pub fn build_default(park: &Park) -> Result<ParkIndex, SpatialError> {
        ParkIndex::build(park, frame_for(park, FrameKind::Utm))
    }

    /// The frame the index is in.
    pub fn frame(&self) -> &MetricFrame {
        &self.frame
    }

    /// The frame's projector (lon/lat ↔ metres).
    pub fn projector(&self) -> &FrameProjector {
        &self.projector
    }

    /// (lon, lat) → frame metres.
    pub fn project(&self, lon: f64, lat: f64) -> [f64; 2] {
        self.projector.forward(lon, lat)
    }

    /// Frame metres → (lon, lat).
    pub fn unproject(&self, xy: [f64; 2]) -> [f64; 2] {
        self.projector.inverse(xy[0], xy[1])
    }

    /// The tree over facilities of one kind, when the park has any.
    pub fn facilities_of_kind(&self, kind: FacilityKind) -> Option<&PointIndex> {
        self.facilities_by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, t)| t)
    }

    /// The enterprises within `r` metres of a lon/lat point, with distances.
    pub fn enterprises_near(&self, lon: f64, lat: f64, r: f64) -> Vec<(u32, f64)> {
        self.enterprises.within(self.project(lon, lat), r)
    }

    /// The parcel under a lon/lat point (the lowest index when parcels overlap).
    pub fn parcel_at(&self, lon: f64, lat: f64) -> Option<u32> {
        self.parcels.containing([lon, lat]).into_iter().next()
    }
}

/// The bounding box `[min, max]` of the finite points, `None` when there are none.
pub fn extent_of(xy: &[[f64; 2]]) -> Option<[[f64; 2]; 2]> {
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    for p in xy.iter().filter(|p| p[0].is_finite() && p[1].is_finite()) {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    lo[0].is_finite().then_some([lo, hi])
}

/// Projects lon/lat polygons into the frame.
pub fn project_polygons(p: &FrameProjector, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::MapCoords;
    mp.map_coords(|c| {
        let [x, y] = p.forward(c.x, c.y);
        Coord { x, y }
    })
}

/// Turns planar polygons back into lon/lat.
pub fn unproject_polygons(p: &FrameProjector, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::MapCoords;
    mp.map_coords(|c| {
        let [x, y] = p.inverse(c.x, c.y);
        Coord { x, y }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brute_within(pts: &[[f64; 2]], c: [f64; 2], r: f64) -> Vec<u32> {
        let mut v: Vec<u32> = pts
            .iter()
            .enumerate()
            .filter(|(_, p)| ((p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)).sqrt() <= r)
            .map(|(i, _)| i as u32)
            .collect();
        v.sort_unstable();
        v
    }

    fn coords() -> impl Strategy<Value = [f64; 2]> {
        // Integers on a coarse grid make exact-boundary distances common.
        prop_oneof![
            (-500i32..500, -500i32..500).prop_map(|(x, y)| [x as f64 * 3.0, y as f64 * 4.0]),
            (-1500.0f64..1500.0, -1500.0f64..1500.0).prop_map(|(x, y)| [x, y]),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn radius_query_equals_brute_force(
            pts in prop::collection::vec(coords(), 0..400),
            c in coords(),
            r in prop_oneof![Just(0.0), Just(5.0), 0.0f64..2000.0],
        ) {
            let idx = PointIndex::from_positions(&pts);
            let mut got: Vec<u32> = idx.within(c, r).into_iter().map(|(i, _)| i).collect();
            got.sort_unstable();
            prop_assert_eq!(got, brute_within(&pts, c, r));
        }

        #[test]
        fn nearest_equals_brute_force(
            pts in prop::collection::vec(coords(), 1..300),
            c in coords(),
        ) {
            let idx = PointIndex::from_positions(&pts);
            let (i, d) = idx.nearest(c).unwrap();
            let best = pts
                .iter()
                .map(|p| ((p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)).sqrt())
                .fold(f64::INFINITY, f64::min);
            prop_assert!((d - best).abs() <= 1e-9 * best.max(1.0));
            let p = pts[i as usize];
            prop_assert!((((p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)).sqrt() - best).abs() <= 1e-9 * best.max(1.0));
        }

        #[test]
        fn grid_nearest_equals_brute_force(
            pts in prop::collection::vec(coords(), 1..300),
            qs in prop::collection::vec(prop_oneof![
                coords(),
                (-90000.0f64..90000.0, -90000.0f64..90000.0).prop_map(|(x, y)| [x, y]),
            ], 1..40),
        ) {
            let indexed: Vec<(u32, [f64; 2])> =
                pts.iter().enumerate().map(|(i, p)| (i as u32, *p)).collect();
            let g = NearestGrid::new(&indexed, Some([[-3000.0, -3000.0], [3000.0, 3000.0]]));
            for c in qs {
                let (i, d) = g.nearest(c).unwrap();
                let dist = |p: [f64; 2]| ((p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)).sqrt();
                let best = pts.iter().map(|p| dist(*p)).fold(f64::INFINITY, f64::min);
                let first = pts.iter().position(|p| dist(*p) == best).unwrap() as u32;
                prop_assert_eq!(d, best);
                prop_assert_eq!(i, first);
            }
        }

        #[test]
        fn bbox_equals_brute_force(
            pts in prop::collection::vec(coords(), 0..300),
            a in coords(),
            b in coords(),
        ) {
            let min = [a[0].min(b[0]), a[1].min(b[1])];
            let max = [a[0].max(b[0]), a[1].max(b[1])];
            let idx = PointIndex::from_positions(&pts);
            let mut got = idx.in_bbox(min, max);
            got.sort_unstable();
            let want: Vec<u32> = pts
                .iter()
                .enumerate()
                .filter(|(_, p)| p[0] >= min[0] && p[0] <= max[0] && p[1] >= min[1] && p[1] <= max[1])
                .map(|(i, _)| i as u32)
                .collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn parcel_lookup_equals_brute_force(
            cells in prop::collection::vec((-20i32..20, -20i32..20, 1i32..4), 1..60),
            q in prop::collection::vec((-2500.0f64..2500.0, -2500.0f64..2500.0), 1..40),
        ) {
            // Squares and triangles of varied size, possibly overlapping.
            let polys: Vec<MultiPolygon<f64>> = cells
                .iter()
                .enumerate()
                .map(|(k, &(x, y, s))| {
                    let (x, y, s) = (x as f64 * 100.0, y as f64 * 100.0, s as f64 * 90.0);
                    let ring = if k % 3 == 0 {
                        vec![(x, y), (x + s, y), (x, y + s), (x, y)]
                    } else {
                        vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)]
                    };
                    MultiPolygon(vec![geo::Polygon::new(ring.into(), vec![])])
                })
                .collect();
            let idx = ParcelIndex::new(polys.clone());
            for (x, y) in q {
                let want: Vec<u32> = polys
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.contains(&Point::new(x, y)))
                    .map(|(i, _)| i as u32)
                    .collect();
                prop_assert_eq!(idx.containing([x, y]), want);
            }
        }
    }

    #[test]
    fn non_finite_points_are_left_out() {
        let idx = PointIndex::from_positions(&[[0.0, 0.0], [f64::NAN, 1.0], [3.0, 4.0]]);
        assert_eq!(idx.len(), 2);
        let mut w = idx.within([0.0, 0.0], 5.0);
        w.sort_by_key(|a| a.0);
        assert_eq!(w, vec![(0, 0.0), (2, 5.0)]);
        assert!(idx.within([f64::NAN, 0.0], 5.0).is_empty());
        assert_eq!(idx.nearest([2.9, 4.1]).map(|(i, _)| i), Some(2));
        assert_eq!(PointIndex::default().nearest([0.0, 0.0]), None);
    }
}
