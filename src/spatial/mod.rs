//! Spatial indexes over model records, in planar metres of an analysis [`MetricFrame`].
//!
//! [`ParkIndex::build`] projects every enterprise, facility and stop location into the
//! frame (in parallel) and builds one [`PointIndex`] per record set: a static, packed
//! k-d array of `[x, y]` points, each carrying the record's index into the park's
//! vector (`park.enterprises`, `park.facilities`, `park.stops`) and a weight, 24 bytes a
//! point (an rstar leaf costs 64). Parcels are indexed by their lon/lat envelopes in an
//! R*-tree (rstar 0.12, the version geo 0.33 integrates with) and answered with an exact
//! point-in-polygon test on the park's own geometries (no copy). Queries: by radius
//! (`distance <= r`, as shapely's `dwithin`), nearest, and bounding box.
//!
//! This module owns the indexes and nothing else: no analysis, no I/O, no GUI.

use std::sync::{Arc, OnceLock};

use geo::{BoundingRect, Contains, Coord, Geometry, MultiPolygon, Point, Polygon};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::crs::{CrsError, FrameKind, FrameProjector, MetricFrame};
use crate::model::{FacilityKind, Park};

/// Errors building an index.
#[derive(Debug, thiserror::Error)]
pub enum SpatialError {
    /// The metric frame could not be set up.
    #[error("cannot set up the metric frame: {0}")]
    Frame(#[from] CrsError),
}

/// Points per leaf of a [`PointIndex`]: below this a range is scanned, not split.
const LEAF: usize = 32;

/// One point of a [`PointIndex`]: its planar position, record index and weight,
/// 24 bytes (an rstar leaf costs 64).
#[derive(Debug, Clone, Copy, PartialEq)]
struct PointEntry {
    xy: [f64; 2],
    record: u32,
    weight: u32,
}

/// A static, packed index over planar points, each carrying the index of its record
/// and a weight (an enterprise's employees, so sums need no look-up in the records;
/// 0 elsewhere): the points in one array, sorted into k-d order (the layout of
/// Mapbox's kdbush: the median of each range on alternating axes, down to leaves of
/// [`LEAF`] points), 24 bytes a point and no nodes. Built once (in parallel) and
/// rebuilt when the park changes; queries never allocate.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PointIndex {
    points: Vec<PointEntry>,
}

/// Sorts `pts` into k-d order, splitting on `axis` first.
fn kd_sort(pts: &mut [PointEntry], axis: usize) {
    if pts.len() <= LEAF {
        return;
    }
    let m = pts.len() / 2;
    pts.select_nth_unstable_by(m, |a, b| a.xy[axis].total_cmp(&b.xy[axis]));
    // The median stays at `m`; the ranges either side of it are sorted on.
    let (left, rest) = pts.split_at_mut(m);
    let right = &mut rest[1..];
    if left.len() > 16_384 {
        rayon::join(|| kd_sort(left, 1 - axis), || kd_sort(right, 1 - axis));
    } else {
        kd_sort(left, 1 - axis);
        kd_sort(right, 1 - axis);
    }
}

/// The squared planar distance, summed as `dx² + dy²` (the order GEOS and rstar use).
fn dist2(p: [f64; 2], q: [f64; 2]) -> f64 {
    (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)
}

impl PointIndex {
    /// Builds the index from `(record index, [x, y])`; non-finite points are left out.
    pub fn new(points: Vec<(u32, [f64; 2])>) -> PointIndex {
        PointIndex::new_weighted(points.into_iter().map(|(i, p)| (i, p, 0)).collect())
    }

    /// Builds the index from `(record index, [x, y], weight)`; non-finite points are
    /// left out.
    pub fn new_weighted(points: Vec<(u32, [f64; 2], u32)>) -> PointIndex {
        PointIndex::from_entries(
            points
                .into_iter()
                .map(|(record, xy, weight)| PointEntry { xy, record, weight })
                .collect(),
        )
    }

    /// Builds the index from planar points and their weights, point `i` being record
    /// `i` (non-finite points are left out), without an intermediate list.
    pub fn from_positions_weighted(
        xy: &[[f64; 2]],
        weight: impl Fn(usize) -> u32 + Sync,
    ) -> PointIndex {
        PointIndex::from_entries(
            xy.par_iter()
                .with_min_len(4096)
                .enumerate()
                .map(|(i, p)| PointEntry {
                    xy: *p,
                    record: i as u32,
                    weight: weight(i),
                })
                .collect(),
        )
    }

    fn from_entries(mut points: Vec<PointEntry>) -> PointIndex {
        points.retain(|e| e.xy[0].is_finite() && e.xy[1].is_finite());
        points.shrink_to_fit();
        kd_sort(&mut points, 0);
        PointIndex { points }
    }

    /// Builds the index from points indexed by position (`xy[i]` is record `i`).
    pub fn from_positions(xy: &[[f64; 2]]) -> PointIndex {
        PointIndex::from_positions_weighted(xy, |_| 0)
    }

    /// How many points the index holds.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Calls `visit` for every point inside the box `[min, max]` (edges included), in
    /// the index's order: a walk down the k-d ranges that meet the box.
    fn visit_box(&self, min: [f64; 2], max: [f64; 2], mut visit: impl FnMut(&PointEntry)) {
        if self.points.is_empty() || !(min[0] <= max[0] && min[1] <= max[1]) {
            return;
        }
        let inside =
            |p: [f64; 2]| p[0] >= min[0] && p[0] <= max[0] && p[1] >= min[1] && p[1] <= max[1];
        // (start, end, axis) of the ranges still to look at; the depth is log2(n / LEAF).
        let mut stack: Vec<(usize, usize, usize)> = Vec::with_capacity(64);
        stack.push((0, self.points.len(), 0));
        while let Some((lo, hi, axis)) = stack.pop() {
            if hi - lo <= LEAF {
                for e in &self.points[lo..hi] {
                    if inside(e.xy) {
                        visit(e);
                    }
                }
                continue;
            }
            let m = lo + (hi - lo) / 2;
            let e = &self.points[m];
            let v = e.xy[axis];
            if inside(e.xy) {
                visit(e);
            }
            // Left of the median everything is <= v on this axis, right of it >= v.
            if max[axis] >= v {
                stack.push((m + 1, hi, 1 - axis));
            }
            if min[axis] <= v {
                stack.push((lo, m, 1 - axis));
            }
        }
    }

    /// Calls `f(record, distance)` for every point with `distance <= r` from `centre`
    /// (Euclidean distance in the frame, computed as `sqrt(dx² + dy²)` like GEOS), in
    /// the index's order.
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
        // The squared distance pre-filters with a margin so rounding never drops a
        // point at exactly r, and `sqrt(dx² + dy²) <= r` decides.
        self.visit_circle_square(centre, r, |e, pad| {
            let d2 = dist2(e.xy, centre);
            if d2 <= pad * pad {
                let d = d2.sqrt();
                if d <= r {
                    f(e.record, e.weight, d);
                }
            }
        });
    }

    /// Calls `visit(point, pad)` for the points in the bounding square of the circle
    /// of radius `r` around `centre`, enlarged to `r + pad` so rounding never leaves a
    /// point at exactly `r` outside; nothing for a radius that is NaN or negative or a
    /// centre that is not finite.
    fn visit_circle_square(
        &self,
        centre: [f64; 2],
        r: f64,
        mut visit: impl FnMut(&PointEntry, f64),
    ) {
        if r.is_nan() || r < 0.0 || !centre[0].is_finite() || !centre[1].is_finite() {
            return;
        }
        let pad = r * (1.0 + 1e-9) + 1e-9;
        self.visit_box(
            [centre[0] - pad, centre[1] - pad],
            [centre[0] + pad, centre[1] + pad],
            |e| visit(e, pad),
        );
    }

    /// Calls `f(record, point)` for every point with `dx² + dy² <= r²` from `centre`
    /// (squared distances compared, as an R*-tree's `locate_within_distance`).
    pub fn for_each_within_point(
        &self,
        centre: [f64; 2],
        r: f64,
        mut f: impl FnMut(u32, [f64; 2]),
    ) {
        let r2 = r * r;
        self.visit_circle_square(centre, r, |e, _| {
            if dist2(e.xy, centre) <= r2 {
                f(e.record, e.xy);
            }
        });
    }

    /// The records within `r` of `centre`, with their distances, in no particular order.
    pub fn within(&self, centre: [f64; 2], r: f64) -> Vec<(u32, f64)> {
        let mut out = Vec::new();
        self.for_each_within(centre, r, |i, d| out.push((i, d)));
        out
    }

    /// The nearest record and its distance (`None` for an empty index or a point that
    /// is not finite). Among equally near points, the lowest record index.
    pub fn nearest(&self, p: [f64; 2]) -> Option<(u32, f64)> {
        if self.points.is_empty() || !p[0].is_finite() || !p[1].is_finite() {
            return None;
        }
        // Best (squared distance, record) so far; a depth-first walk, the side of
        // each median holding `p` first, the other side only when the split line is
        // not farther than the best (ties kept: a lower record may lie there).
        let mut best = (f64::INFINITY, u32::MAX);
        let consider = |e: &PointEntry, best: &mut (f64, u32)| {
            let d2 = dist2(e.xy, p);
            if d2 < best.0 || (d2 == best.0 && e.record < best.1) {
                *best = (d2, e.record);
            }
        };
        let mut stack: Vec<(usize, usize, usize, f64)> = Vec::with_capacity(64);
        stack.push((0, self.points.len(), 0, 0.0));
        while let Some((lo, hi, axis, bound)) = stack.pop() {
            if bound > best.0 {
                continue;
            }
            if hi - lo <= LEAF {
                for e in &self.points[lo..hi] {
                    consider(e, &mut best);
                }
                continue;
            }
            let m = lo + (hi - lo) / 2;
            let e = &self.points[m];
            consider(e, &mut best);
            let v = e.xy[axis];
            // Every point on the far side is at least |p - v| away along this axis, so
            // its squared distance is at least (p - v)² (rounding is monotonic).
            let gap = (p[axis] - v).powi(2);
            let (near, far) = if p[axis] < v {
                ((lo, m), (m + 1, hi))
            } else {
                ((m + 1, hi), (lo, m))
            };
            stack.push((far.0, far.1, 1 - axis, gap.max(bound)));
            stack.push((near.0, near.1, 1 - axis, bound));
        }
        (best.1 != u32::MAX).then(|| (best.1, best.0.sqrt()))
    }

    /// The records inside the box `[min, max]` (edges included), in no particular
    /// order.
    pub fn in_bbox(&self, min: [f64; 2], max: [f64; 2]) -> Vec<u32> {
        let mut out = Vec::new();
        self.visit_box(min, max, |e| out.push(e.record));
        out
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
#[derive(Debug, Clone, PartialEq, Default)]
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
/// decided there): an R*-tree over their envelopes. The polygons stay in the park's
/// layers (no copy): the queries that test them take the park the index was built
/// from, and look each parcel's geometry up by its feature.
#[derive(Debug, Clone, Default)]
pub struct ParcelIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
    len: usize,
}

/// Calls `f` with each polygon of a geometry: what [`polygons_of`] would list, in its
/// order, without copying polygons and multipolygons.
pub fn for_each_polygon(g: &Geometry<f64>, f: &mut impl FnMut(&Polygon<f64>)) {
    match g {
        Geometry::Polygon(p) => f(p),
        Geometry::MultiPolygon(m) => m.iter().for_each(f),
        Geometry::Rect(r) => f(&r.to_polygon()),
        Geometry::Triangle(t) => f(&t.to_polygon()),
        Geometry::GeometryCollection(c) => c.iter().for_each(|g| for_each_polygon(g, f)),
        _ => {}
    }
}

/// The bounding box of a geometry's polygons (`None` without polygons or vertices).
fn polygons_bounding_rect(g: &Geometry<f64>) -> Option<geo::Rect<f64>> {
    let mut acc: Option<geo::Rect<f64>> = None;
    for_each_polygon(g, &mut |p| {
        if let Some(r) = p.bounding_rect() {
            acc = Some(match acc {
                None => r,
                Some(a) => crate::model::layer::rect_union(a, r),
            });
        }
    });
    acc
}

impl ParcelIndex {
    /// Builds the index over `park.parcels` (parcels without polygons are left out of
    /// the tree).
    pub fn build(park: &Park) -> ParcelIndex {
        let entries = park
            .parcels
            .par_iter()
            .with_min_len(1024)
            .enumerate()
            .filter_map(|(i, p)| {
                let r = polygons_bounding_rect(park.geometry(p.feature)?)?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i as u32,
                ))
            })
            .collect();
        ParcelIndex {
            tree: RTree::bulk_load(entries),
            len: park.parcels.len(),
        }
    }

    /// How many parcels the index was built over.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the index was built over no parcels.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The lon/lat geometry of parcel `i` of `park` (the park the index was built
    /// from).
    pub fn geometry(park: &Park, i: usize) -> Option<&Geometry<f64>> {
        park.geometry(park.parcels.get(i)?.feature)
    }

    /// Every parcel of `park` (the park the index was built from) whose polygon
    /// contains the point (interior; boundary points count for no parcel, as in
    /// `Contains`), in index order.
    pub fn containing(&self, park: &Park, p: [f64; 2]) -> Vec<u32> {
        if !p[0].is_finite() || !p[1].is_finite() {
            return Vec::new();
        }
        let pt = Point::new(p[0], p[1]);
        let mut v: Vec<u32> = self
            .tree
            .locate_all_at_point(&p)
            .filter(|e| {
                let mut inside = false;
                if let Some(g) = ParcelIndex::geometry(park, e.data as usize) {
                    for_each_polygon(g, &mut |poly| inside = inside || poly.contains(&pt));
                }
                inside
            })
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
    /// (Shared: the nearest-facility table answers from it.)
    pub enterprise_xy: Arc<[[f64; 2]]>,
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
    /// Parcels in lon/lat (index into `park.parcels`), built on first use
    /// ([`ParkIndex::parcels`]): most analyses never ask (the report of a park without
    /// projects does not), and the tree of the 1M scene's 333,333 parcels took ≈ 0.1 CPU-s
    /// and ≈ 20 MB.
    parcels: OnceLock<ParcelIndex>,
}

impl std::fmt::Debug for ParkIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParkIndex")
            .field("frame", &self.frame)
            .field("enterprises", &self.enterprises.len())
            .field("facilities", &self.facilities.len())
            .field("stops", &self.stops.len())
            .field("parcels", &self.parcels.get().map(ParcelIndex::len))
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
        let facility_xy: Vec<[f64; 2]> = park
            .facilities
            .iter()
            .map(|f| project(f.location))
            .collect();
        let stop_xy: Vec<[f64; 2]> = park.stops.iter().map(|s| project(s.location)).collect();
        let enterprise_xy: Arc<[[f64; 2]]> = park
            .enterprises
            .par_iter()
            .with_min_len(4096)
            .map(|e| project(e.location))
            .collect::<Vec<_>>()
            .into();
        let enterprises = PointIndex::from_positions_weighted(&enterprise_xy, |i| {
            park.enterprises[i].employees.unwrap_or(0)
        });
        let mut kinds: Vec<FacilityKind> = park.facilities.iter().map(|f| f.kind).collect();
        kinds.sort();
        kinds.dedup();
        let (facilities_by_kind, nearest_by_kind): (Vec<_>, Vec<_>) = kinds
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
        let facilities = PointIndex::from_positions(&facility_xy);
        let stops = PointIndex::from_positions(&stop_xy);
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
            parcels: OnceLock::new(),
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

    /// The parcel of `park` (the park the index was built from) under a lon/lat point
    /// (the lowest index when parcels overlap).
    pub fn parcel_at(&self, park: &Park, lon: f64, lat: f64) -> Option<u32> {
        self.parcels(park)
            .containing(park, [lon, lat])
            .into_iter()
            .next()
    }

    /// The parcels' tree (lon/lat, index into `park.parcels`), built from `park` (the
    /// park the index was built from) the first time it is asked for.
    pub fn parcels(&self, park: &Park) -> &ParcelIndex {
        self.parcels.get_or_init(|| ParcelIndex::build(park))
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
            let best = pts.iter().map(|p| dist2(*p, c)).fold(f64::INFINITY, f64::min);
            let first = pts.iter().position(|p| dist2(*p, c) == best).unwrap() as u32;
            prop_assert_eq!((i, d), (first, best.sqrt()));
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
            // Squares and triangles of varied size, possibly overlapping, in the
            // park's layers (around 112°E 30°N, a unit of 1e-5°).
            let ll = |x: f64, y: f64| (112.0 + x * 1e-5, 30.0 + y * 1e-5);
            let mut park = Park::default();
            let mut polys: Vec<MultiPolygon<f64>> = Vec::new();
            for (k, &(x, y, s)) in cells.iter().enumerate() {
                let (x, y, s) = (x as f64 * 100.0, y as f64 * 100.0, s as f64 * 90.0);
                let ring: Vec<(f64, f64)> = if k % 3 == 0 {
                    vec![ll(x, y), ll(x + s, y), ll(x, y + s), ll(x, y)]
                } else {
                    vec![ll(x, y), ll(x + s, y), ll(x + s, y + s), ll(x, y + s), ll(x, y)]
                };
                polys.push(MultiPolygon(vec![geo::Polygon::new(ring.clone().into(), vec![])]));
                crate::analysis::build::add_parcel(
                    &mut park,
                    &format!("P{k}"),
                    None,
                    crate::model::ApprovalStatus::Pending,
                    &ring,
                );
            }
            let idx = ParcelIndex::build(&park);
            prop_assert_eq!(idx.len(), polys.len());
            for (x, y) in q {
                let p = ll(x, y);
                let want: Vec<u32> = polys
                    .iter()
                    .enumerate()
                    .filter(|(_, mp)| mp.contains(&Point::new(p.0, p.1)))
                    .map(|(i, _)| i as u32)
                    .collect();
                prop_assert_eq!(idx.containing(&park, [p.0, p.1]), want);
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

    /// Brute force over every point: the exact test of `for_each_within`.
    fn brute_within_d(pts: &[[f64; 2]], c: [f64; 2], r: f64) -> Vec<(u32, f64)> {
        pts.iter()
            .enumerate()
            .filter(|(_, p)| p[0].is_finite() && p[1].is_finite())
            .map(|(i, p)| (i as u32, dist2(*p, c).sqrt()))
            .filter(|(_, d)| *d <= r)
            .collect()
    }

    #[test]
    fn points_at_exactly_r_duplicates_and_ties() {
        // 3-4-5 triangles: distances of exactly 5, 10, ...; duplicates of a point;
        // enough points (> LEAF) for the walk to split.
        let mut pts: Vec<[f64; 2]> = Vec::new();
        for k in 0..40 {
            let s = f64::from(k % 4 + 1);
            pts.push([3.0 * s, 4.0 * s]);
            pts.push([-3.0 * s, 4.0 * s]);
            pts.push([4.0 * s, -3.0 * s]);
            pts.push([0.0, 5.0 * s]);
        }
        pts.push([f64::NAN, 0.0]);
        pts.push([0.0, f64::INFINITY]);
        let idx = PointIndex::from_positions(&pts);
        assert_eq!(idx.len(), 160);
        for r in [0.0, 4.999_999, 5.0, 10.0, 15.0, 20.0, 1e9] {
            let mut got = idx.within([0.0, 0.0], r);
            got.sort_by_key(|a| a.0);
            assert_eq!(got, brute_within_d(&pts, [0.0, 0.0], r), "r = {r}");
        }
        // Every point at exactly 5 from the origin: the nearest is the lowest record.
        assert_eq!(idx.nearest([0.0, 0.0]), Some((0, 5.0)));
        // Duplicates of one point: the lowest of them.
        let dup = PointIndex::new(vec![(7, [1.0, 1.0]), (3, [1.0, 1.0]), (9, [1.0, 1.0])]);
        assert_eq!(dup.nearest([0.0, 1.0]), Some((3, 1.0)));
        assert_eq!(dup.in_bbox([1.0, 1.0], [1.0, 1.0]).len(), 3);
        let mut seen = Vec::new();
        dup.for_each_within_point([1.0, 1.0], 0.0, |i, p| seen.push((i, p)));
        seen.sort_by_key(|a| a.0);
        assert_eq!(
            seen,
            vec![(3, [1.0, 1.0]), (7, [1.0, 1.0]), (9, [1.0, 1.0])]
        );
    }

    #[test]
    fn empty_index_and_bad_queries_answer_nothing() {
        let empty = PointIndex::from_positions(&[]);
        assert!(empty.is_empty());
        assert_eq!(empty.nearest([0.0, 0.0]), None);
        assert!(empty.within([0.0, 0.0], 1e9).is_empty());
        assert!(empty.in_bbox([-1e9, -1e9], [1e9, 1e9]).is_empty());
        let nan_only = PointIndex::from_positions(&[[f64::NAN, f64::NAN]]);
        assert!(nan_only.is_empty());
        let idx = PointIndex::from_positions(&[[0.0, 0.0], [1.0, 0.0]]);
        assert!(idx.within([0.0, 0.0], f64::NAN).is_empty());
        assert!(idx.within([0.0, 0.0], -1.0).is_empty());
        assert!(idx.within([f64::INFINITY, 0.0], 10.0).is_empty());
        assert_eq!(idx.nearest([f64::NAN, 0.0]), None);
        // An inverted or NaN box holds nothing.
        assert!(idx.in_bbox([1.0, 0.0], [0.0, 0.0]).is_empty());
        assert!(idx.in_bbox([f64::NAN, 0.0], [1.0, 0.0]).is_empty());
    }

    #[test]
    fn large_index_matches_brute_force_with_weights() {
        // A few thousand points with many exact ties on a coarse lattice.
        let mut s = 99u64;
        let mut rnd = || crate::model::xorshift(&mut s) % 200;
        let pts: Vec<[f64; 2]> = (0..5000)
            .map(|_| [rnd() as f64 * 3.0, rnd() as f64 * 4.0])
            .collect();
        let idx = PointIndex::from_positions_weighted(&pts, |i| i as u32 * 2);
        for c in [[0.0, 0.0], [300.0, 400.0], [299.0, 401.5], [-50.0, 900.0]] {
            for r in [0.0, 5.0, 50.0, 125.0, 500.0] {
                let mut got = Vec::new();
                idx.for_each_within_weighted(c, r, |i, w, d| got.push((i, w, d)));
                got.sort_by_key(|a| a.0);
                let want: Vec<(u32, u32, f64)> = brute_within_d(&pts, c, r)
                    .into_iter()
                    .map(|(i, d)| (i, i * 2, d))
                    .collect();
                assert_eq!(got, want);
            }
            let best = pts
                .iter()
                .map(|p| dist2(*p, c))
                .fold(f64::INFINITY, f64::min);
            let first = pts.iter().position(|p| dist2(*p, c) == best).unwrap() as u32;
            assert_eq!(idx.nearest(c), Some((first, best.sqrt())));
        }
    }
}
