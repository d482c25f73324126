//! The road network as a routable graph, and reach along it (isochrones).
//!
//! [`RoadGraph::build`] nodes the roads layer: shared vertices and crossings become graph
//! nodes (vertices closer than a snapping tolerance are merged; segments that cross
//! without a shared vertex are split at the crossing), edges carry their geodesic length
//! in metres and the road's class and speed. Planar coordinates (an analysis
//! [`MetricFrame`]) are used only for snapping and drawing; lengths are geodesic.
//! [`RoadGraph::reach`] runs a bounded Dijkstra from a point snapped onto the network
//! (its off-network leg counted at walking speed) and gives travel times to nodes,
//! to any other snapped point, and the reached network as lines and a polygon.
//!
//! The graph is a petgraph `UnGraph` whose edges keep the direction the road was drawn
//! in; e-bikes ride one-way roads only that way, walking ignores one-way tags. No I/O,
//! no GUI.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use geo::{
    Buffer, Coord, Distance, Geodesic, LineString, MultiLineString, MultiPolygon, Point, Polygon,
};
use petgraph::graph::{EdgeIndex, NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use rstar::primitives::{GeomWithData, Line};
use rstar::{PointDistance, RTree};
use serde::{Deserialize, Serialize};

use crate::crs::{CrsError, FrameProjector, MetricFrame};
use crate::model::{Park, Road};

/// How people move along the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TravelMode {
    /// On foot (5 km/h by default, as OpenRouteService and QGIS).
    Walk,
    /// By electric bicycle (15 km/h by default, capped by a road's speed limit).
    Ebike,
}

impl TravelMode {
    /// The code used on the command line and in JSON (`walk`, `ebike`).
    pub fn code(self) -> &'static str {
        match self {
            TravelMode::Walk => "walk",
            TravelMode::Ebike => "ebike",
        }
    }

    /// Reads `walk`/`foot`/`步行` or `ebike`/`e-bike`/`bike`/`电动车`.
    pub fn parse(s: &str) -> Option<TravelMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "walk" | "walking" | "foot" | "步行" => Some(TravelMode::Walk),
            "ebike" | "e-bike" | "e_bike" | "bike" | "电动车" | "电动自行车" => {
                Some(TravelMode::Ebike)
            }
            _ => None,
        }
    }
}

/// Speeds and tolerances of the network analysis, all in one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkSettings {
    /// Walking speed in km/h (default 5).
    pub walk_kmh: f64,
    /// E-bike speed in km/h (default 15).
    pub ebike_kmh: f64,
    /// Vertices closer than this (metres) are the same node (default 1 m).
    pub snap_tolerance_m: f64,
    /// A point farther than this from every road is unreachable (default 500 m).
    pub max_access_m: f64,
    /// Half-width of the band drawn around reached roads (default 50 m).
    pub band_m: f64,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            walk_kmh: 5.0,
            ebike_kmh: 15.0,
            snap_tolerance_m: 1.0,
            max_access_m: 500.0,
            band_m: 50.0,
        }
    }
}

impl NetworkSettings {
    /// The mode's speed in metres per second.
    pub fn speed_mps(&self, mode: TravelMode) -> f64 {
        let kmh = match mode {
            TravelMode::Walk => self.walk_kmh,
            TravelMode::Ebike => self.ebike_kmh,
        };
        kmh.max(0.1) / 3.6
    }

    fn walk_mps(&self) -> f64 {
        self.speed_mps(TravelMode::Walk)
    }
}

/// A road segment between two nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadEdge {
    /// Geodesic length in metres.
    pub length_m: f64,
    /// Index into `park.roads` of the road it belongs to.
    pub road: usize,
    /// Speed limit in km/h, when the road has one.
    pub speed_kmh: Option<f64>,
    /// Whether walking and cycling are forbidden (expressways, motorways).
    pub motor_only: bool,
    /// One-way in the direction the road was drawn (edge source → target): e-bikes
    /// ride only that way; walking ignores it.
    pub oneway: bool,
}

/// A point placed on the network: the nearest point of the nearest segment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The segment.
    pub edge: EdgeIndex,
    /// Distance along the segment from its first node, metres.
    pub offset_m: f64,
    /// Distance from the point to the network (the off-network leg), metres.
    pub access_m: f64,
    /// The snapped point in planar metres.
    pub at: [f64; 2],
}

/// A connected piece of the network.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// Number of nodes.
    pub nodes: usize,
    /// Total length in metres.
    pub length_m: f64,
    /// Names of the roads in it (sorted, unique).
    pub roads: Vec<String>,
}

/// The routable road graph.
pub struct RoadGraph {
    /// The graph: nodes are planar positions, edges road segments.
    pub graph: UnGraph<[f64; 2], RoadEdge>,
    frame: MetricFrame,
    projector: FrameProjector,
    segments: RTree<GeomWithData<Line<[f64; 2]>, EdgeIndex>>,
    component_of: Vec<usize>,
    /// The connected pieces, largest first.
    pub components: Vec<Component>,
    /// Crossings where segments were split because they crossed without a shared vertex.
    pub split_crossings: usize,
    /// The settings the graph was built with.
    pub settings: NetworkSettings,
}

impl std::fmt::Debug for RoadGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoadGraph")
            .field("nodes", &self.graph.node_count())
            .field("edges", &self.graph.edge_count())
            .field("components", &self.components.len())
            .finish()
    }
}

fn is_motor_only(class: Option<&str>) -> bool {
    class.is_some_and(|c| {
        let c = c.to_ascii_lowercase();
        [
            "高速",
            "快速路",
            "motorway",
            "expressway",
            "trunk_link",
            "freeway",
        ]
        .iter()
        .any(|w| c.contains(w))
    })
}

/// Where segment `ab` crosses segment `cd` (as parameters along each), if they do.
fn crossing(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> Option<(f64, f64)> {
    let r = [b[0] - a[0], b[1] - a[1]];
    let s = [d[0] - c[0], d[1] - c[1]];
    let den = r[0] * s[1] - r[1] * s[0];
    if den.abs() < 1e-12 {
        return None;
    }
    let q = [c[0] - a[0], c[1] - a[1]];
    let t = (q[0] * s[1] - q[1] * s[0]) / den;
    let u = (q[0] * r[1] - q[1] * r[0]) / den;
    (-1e-9..=1.0 + 1e-9).contains(&t).then_some(()).and(
        (-1e-9..=1.0 + 1e-9)
            .contains(&u)
            .then_some((t.clamp(0.0, 1.0), u.clamp(0.0, 1.0))),
    )
}

/// A T-junction that floating-point noise keeps from crossing exactly: an endpoint of
/// one segment within `tol` of the other's interior. Parameters as in [`crossing`].
fn touching(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2], tol: f64) -> Option<(f64, f64)> {
    let project = |p: [f64; 2], s: [f64; 2], e: [f64; 2]| {
        let v = [e[0] - s[0], e[1] - s[1]];
        let l2 = v[0] * v[0] + v[1] * v[1];
        if l2 <= 0.0 {
            return None;
        }
        let t = (((p[0] - s[0]) * v[0] + (p[1] - s[1]) * v[1]) / l2).clamp(0.0, 1.0);
        (dist(p, lerp(s, e, t)) <= tol).then_some(t)
    };
    if let Some(u) = project(a, c, d) {
        return Some((0.0, u));
    }
    if let Some(u) = project(b, c, d) {
        return Some((1.0, u));
    }
    if let Some(t) = project(c, a, b) {
        return Some((t, 0.0));
    }
    project(d, a, b).map(|t| (t, 1.0))
}

fn lerp(a: [f64; 2], b: [f64; 2], t: f64) -> [f64; 2] {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Errors building the graph.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    /// The analysis frame could not be set up.
    #[error(transparent)]
    Crs(#[from] CrsError),
}

impl RoadGraph {
    /// Builds the graph from the park's roads.
    pub fn build(
        park: &Park,
        frame: MetricFrame,
        settings: NetworkSettings,
    ) -> Result<RoadGraph, NetworkError> {
        Self::from_roads(&park.roads, frame, settings)
    }

    /// Builds the graph from roads (lon/lat lines).
    pub fn from_roads(
        roads: &[Road],
        frame: MetricFrame,
        settings: NetworkSettings,
    ) -> Result<RoadGraph, NetworkError> {
        let projector = frame.projector()?;
        // 1. Every road part as a planar polyline, remembering its road.
        let mut lines: Vec<(usize, Vec<[f64; 2]>)> = Vec::new();
        for (ri, road) in roads.iter().enumerate() {
            for part in &road.line.0 {
                let pts: Vec<[f64; 2]> = part
                    .0
                    .iter()
                    .map(|c| projector.forward(c.x, c.y))
                    .filter(|p| p[0].is_finite() && p[1].is_finite())
                    .collect();
                if pts.len() >= 2 {
                    lines.push((ri, pts));
                }
            }
        }
        // 2. Find crossings without a shared vertex: split parameters per segment.
        let mut seg_index = Vec::new();
        for (li, (_, pts)) in lines.iter().enumerate() {
            for si in 0..pts.len() - 1 {
                seg_index.push(GeomWithData::new(Line::new(pts[si], pts[si + 1]), (li, si)));
            }
        }
        let seg_tree = RTree::bulk_load(seg_index);
        let mut splits: Vec<Vec<Vec<f64>>> = lines
            .iter()
            .map(|(_, p)| vec![Vec::new(); p.len() - 1])
            .collect();
        let mut split_crossings = 0;
        for (li, (_, pts)) in lines.iter().enumerate() {
            for si in 0..pts.len() - 1 {
                let (a, b) = (pts[si], pts[si + 1]);
                let tol = settings.snap_tolerance_m;
                let env = rstar::AABB::from_corners(
                    [a[0].min(b[0]) - tol, a[1].min(b[1]) - tol],
                    [a[0].max(b[0]) + tol, a[1].max(b[1]) + tol],
                );
                for other in seg_tree.locate_in_envelope_intersecting(&env) {
                    let (lj, sj) = other.data;
                    if (lj, sj) <= (li, si) || (lj == li && sj.abs_diff(si) <= 1) {
                        continue;
                    }
                    let (c, d) = (other.geom().from, other.geom().to);
                    if let Some((t, u)) = crossing(a, b, c, d).or_else(|| touching(a, b, c, d, tol))
                    {
                        let p = lerp(a, b, t);
                        // Already a shared vertex? Then the noding below joins them.
                        let at_end_1 = dist(p, a) <= tol || dist(p, b) <= tol;
                        let at_end_2 = dist(p, c) <= tol || dist(p, d) <= tol;
                        if at_end_1 && at_end_2 {
                            continue;
                        }
                        if !at_end_1 {
                            splits[li][si].push(t);
                        }
                        if !at_end_2 {
                            splits[lj][sj].push(u);
                        }
                        split_crossings += 1;
                    }
                }
            }
        }
        // 3. Node the vertices (merging within the tolerance) and add edges.
        let mut graph: UnGraph<[f64; 2], RoadEdge> = UnGraph::default();
        let mut node_tree: RTree<GeomWithData<[f64; 2], NodeIndex>> = RTree::new();
        let tol2 = settings.snap_tolerance_m * settings.snap_tolerance_m;
        let mut node_at = |graph: &mut UnGraph<[f64; 2], RoadEdge>, p: [f64; 2]| -> NodeIndex {
            if let Some(n) = node_tree.nearest_neighbor(&p)
                && n.geom().distance_2(&p) <= tol2
            {
                return n.data;
            }
            let idx = graph.add_node(p);
            node_tree.insert(GeomWithData::new(p, idx));
            idx
        };
        for (li, (road, pts)) in lines.iter().enumerate() {
            let r = &roads[*road];
            let motor_only = is_motor_only(r.class.as_deref());
            let mut chain: Vec<[f64; 2]> = Vec::new();
            for si in 0..pts.len() - 1 {
                chain.push(pts[si]);
                let mut ts = splits[li][si].clone();
                ts.sort_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
                for t in ts {
                    chain.push(lerp(pts[si], pts[si + 1], t));
                }
            }
            chain.push(pts[pts.len() - 1]);
            let mut prev = node_at(&mut graph, chain[0]);
            for p in chain.iter().skip(1) {
                let n = node_at(&mut graph, *p);
                if n == prev {
                    continue;
                }
                let (a, b) = (graph[prev], graph[n]);
                let la = projector.inverse(a[0], a[1]);
                let lb = projector.inverse(b[0], b[1]);
                let length_m =
                    Geodesic.distance(Point::new(la[0], la[1]), Point::new(lb[0], lb[1]));
                graph.add_edge(
                    prev,
                    n,
                    RoadEdge {
                        length_m,
                        road: *road,
                        speed_kmh: r.speed_kmh.filter(|s| *s > 0.0),
                        motor_only,
                        oneway: r.oneway,
                    },
                );
                prev = n;
            }
        }
        // 4. Segment index for snapping: only roads people may walk or ride on (a
        //    facility beside an expressway is placed on the nearest ordinary road).
        let segments = RTree::bulk_load(
            graph
                .edge_references()
                .filter(|e| !e.weight().motor_only)
                .map(|e| GeomWithData::new(Line::new(graph[e.source()], graph[e.target()]), e.id()))
                .collect(),
        );
        // 5. Components (one pass over the nodes, one over the edges).
        let mut component_of = vec![usize::MAX; graph.node_count()];
        let mut comps: Vec<(usize, f64, std::collections::BTreeSet<usize>)> = Vec::new();
        for start in graph.node_indices() {
            if component_of[start.index()] != usize::MAX {
                continue;
            }
            let id = comps.len();
            let mut stack = vec![start];
            component_of[start.index()] = id;
            let mut n = 0;
            while let Some(v) = stack.pop() {
                n += 1;
                for w in graph.neighbors(v) {
                    if component_of[w.index()] == usize::MAX {
                        component_of[w.index()] = id;
                        stack.push(w);
                    }
                }
            }
            comps.push((n, 0.0, std::collections::BTreeSet::new()));
        }
        for e in graph.edge_references() {
            let c = &mut comps[component_of[e.source().index()]];
            c.1 += e.weight().length_m;
            c.2.insert(e.weight().road);
        }
        // Largest first; remap ids.
        let mut order: Vec<usize> = (0..comps.len()).collect();
        order.sort_by(|a, b| {
            comps[*b]
                .1
                .partial_cmp(&comps[*a].1)
                .unwrap_or(Ordering::Equal)
        });
        let mut rank = vec![0; comps.len()];
        for (r, &c) in order.iter().enumerate() {
            rank[c] = r;
        }
        for c in &mut component_of {
            *c = rank[*c];
        }
        let components = order
            .iter()
            .map(|&c| {
                let mut names: Vec<String> = comps[c]
                    .2
                    .iter()
                    .map(|&r| roads[r].name.to_string())
                    .collect();
                names.sort();
                names.dedup();
                Component {
                    nodes: comps[c].0,
                    length_m: comps[c].1,
                    roads: names,
                }
            })
            .collect();
        Ok(RoadGraph {
            graph,
            frame,
            projector,
            segments,
            component_of,
            components,
            split_crossings,
            settings,
        })
    }

    /// The frame used for snapping and drawing.
    pub fn frame(&self) -> MetricFrame {
        self.frame
    }

    /// Total length of the network in metres.
    pub fn total_length_m(&self) -> f64 {
        // (+ 0.0: an empty sum of floats is -0.0.)
        self.graph.edge_weights().map(|e| e.length_m).sum::<f64>() + 0.0
    }

    /// Which component (0 = the largest) a snapped point is on.
    pub fn component_of_snap(&self, s: &Snap) -> usize {
        let (a, _) = self.graph.edge_endpoints(s.edge).unwrap_or_default();
        self.component_of.get(a.index()).copied().unwrap_or(0)
    }

    /// Places a lon/lat point on the nearest segment that may be walked (expressways are
    /// skipped). `None` when there are no such roads or the nearest is farther than
    /// `max_access_m`.
    pub fn snap(&self, lon: f64, lat: f64) -> Option<Snap> {
        let p = self.projector.forward(lon, lat);
        if !p[0].is_finite() {
            return None;
        }
        let nearest = self.segments.nearest_neighbor(&p)?;
        let line = nearest.geom();
        let (a, b) = (line.from, line.to);
        let ab = [b[0] - a[0], b[1] - a[1]];
        let len2 = ab[0] * ab[0] + ab[1] * ab[1];
        let t = if len2 > 0.0 {
            (((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let at = lerp(a, b, t);
        let access_m = dist(p, at);
        if access_m > self.settings.max_access_m {
            return None;
        }
        let edge = nearest.data;
        // Offsets are measured from the edge's source node, in geodesic metres.
        let (src, _) = self.graph.edge_endpoints(edge)?;
        let from_source = if self.graph[src] == a { t } else { 1.0 - t };
        Some(Snap {
            edge,
            offset_m: from_source * self.graph[edge].length_m,
            access_m,
            at,
        })
    }

    /// Distance from a lon/lat point to the nearest road that may be walked, metres
    /// (planar).
    pub fn distance_to_network(&self, lon: f64, lat: f64) -> Option<f64> {
        let p = self.projector.forward(lon, lat);
        self.segments
            .nearest_neighbor(&p)
            .map(|n| n.geom().distance_2(&p).sqrt())
    }

    /// Whether `mode` may travel the edge against its drawn direction.
    fn backward_ok(e: &RoadEdge, mode: TravelMode) -> bool {
        !(e.oneway && mode == TravelMode::Ebike)
    }

    fn edge_speed(&self, e: &RoadEdge, mode: TravelMode) -> Option<f64> {
        if e.motor_only {
            return None;
        }
        let v = self.settings.speed_mps(mode);
        Some(match (mode, e.speed_kmh) {
            (TravelMode::Ebike, Some(limit)) => v.min(limit / 3.6),
            _ => v,
        })
    }

    /// Travel times (seconds) from a snapped origin to every node reachable within
    /// `budget_s`, by bounded Dijkstra. The origin's off-network leg is walked.
    pub fn reach(&self, origin: &Snap, mode: TravelMode, budget_s: f64) -> Reach {
        let n = self.graph.node_count();
        let mut time = vec![f64::INFINITY; n];
        let mut heap = BinaryHeap::new();
        let t0 = origin.access_m / self.settings.walk_mps();
        if let Some((a, b)) = self.graph.edge_endpoints(origin.edge) {
            let e = &self.graph[origin.edge];
            if let Some(v) = self.edge_speed(e, mode) {
                let back = Self::backward_ok(e, mode);
                for (node, along, ok) in [
                    (a, origin.offset_m, back),
                    (b, e.length_m - origin.offset_m, true),
                ] {
                    if !ok {
                        continue;
                    }
                    let t = t0 + along.max(0.0) / v;
                    if t < time[node.index()] && t <= budget_s {
                        time[node.index()] = t;
                        heap.push(Visit { time: t, node });
                    }
                }
            }
        }
        while let Some(Visit { time: t, node }) = heap.pop() {
            if t > time[node.index()] {
                continue;
            }
            for e in self.graph.edges(node) {
                let Some(v) = self.edge_speed(e.weight(), mode) else {
                    continue;
                };
                // petgraph gives an undirected graph's edges from `node`'s side
                // (`source() == node`); the drawn direction is in `edge_endpoints`.
                let w = if e.source() == node {
                    e.target()
                } else {
                    e.source()
                };
                let forward = self
                    .graph
                    .edge_endpoints(e.id())
                    .is_some_and(|(from, _)| from == node);
                if !forward && !Self::backward_ok(e.weight(), mode) {
                    continue;
                }
                let nt = t + e.weight().length_m / v;
                if nt < time[w.index()] && nt <= budget_s {
                    time[w.index()] = nt;
                    heap.push(Visit { time: nt, node: w });
                }
            }
        }
        Reach {
            origin: *origin,
            origin_time_s: t0,
            mode,
            budget_s,
            time,
        }
    }

    /// The reached parts of the network (planar metres) for a reach result.
    pub fn reached_lines(&self, r: &Reach) -> Vec<[[f64; 2]; 2]> {
        let mut out = Vec::new();
        for e in self.graph.edge_references() {
            let Some(v) = self.edge_speed(e.weight(), r.mode) else {
                continue;
            };
            let len = e.weight().length_m;
            let (a, b) = (self.graph[e.source()], self.graph[e.target()]);
            let ta = r.time[e.source().index()];
            let tb = r.time[e.target().index()];
            let from_a = if ta.is_finite() {
                ((r.budget_s - ta) * v).clamp(0.0, len)
            } else {
                0.0
            };
            let from_b = if tb.is_finite() && Self::backward_ok(e.weight(), r.mode) {
                ((r.budget_s - tb) * v).clamp(0.0, len)
            } else {
                0.0
            };
            if len <= 0.0 {
                continue;
            }
            if from_a + from_b >= len {
                out.push([a, b]);
            } else {
                if from_a > 0.0 {
                    out.push([a, lerp(a, b, from_a / len)]);
                }
                if from_b > 0.0 {
                    out.push([b, lerp(b, a, from_b / len)]);
                }
            }
        }
        // The origin's own edge, reached from the origin point itself.
        if let Some((sa, sb)) = self.graph.edge_endpoints(r.origin.edge)
            && let Some(v) = self.edge_speed(&self.graph[r.origin.edge], r.mode)
        {
            let left = ((r.budget_s - r.origin_time_s) * v).max(0.0);
            let len = self.graph[r.origin.edge].length_m.max(1e-9);
            let (a, b) = (self.graph[sa], self.graph[sb]);
            let o = r.origin.offset_m / len;
            let ta = if Self::backward_ok(&self.graph[r.origin.edge], r.mode) {
                (o - left / len).max(0.0)
            } else {
                o
            };
            let tb = (o + left / len).min(1.0);
            out.push([lerp(a, b, ta), lerp(a, b, tb)]);
        }
        out
    }

    /// The reached area as a lon/lat polygon: a band of `band_m` around the reached
    /// roads and the origin's off-network leg. The reached pieces are joined into
    /// polylines and thinned (Ramer–Douglas–Peucker, a twentieth of the band, at most
    /// 5 m) before buffering, which keeps the band's outline within that distance of the
    /// exact one and makes it several times faster to build.
    pub fn reach_polygon(&self, r: &Reach, origin_lon_lat: Option<[f64; 2]>) -> MultiPolygon<f64> {
        use geo::Simplify;
        let eps = (self.settings.band_m * 0.05).clamp(0.01, 5.0);
        let mut lines: Vec<LineString<f64>> = join_segments(
            self.reached_lines(r)
                .into_iter()
                .filter(|[a, b]| dist(*a, *b) > 1e-6)
                .collect(),
        )
        .into_iter()
        .map(|chain| {
            LineString(
                chain
                    .into_iter()
                    .map(|p| Coord { x: p[0], y: p[1] })
                    .collect(),
            )
            .simplify(eps)
        })
        .collect();
        if let Some([lon, lat]) = origin_lon_lat {
            let p = self.projector.forward(lon, lat);
            if dist(p, r.origin.at) > 1e-6 {
                lines.push(LineString(vec![
                    Coord { x: p[0], y: p[1] },
                    Coord {
                        x: r.origin.at[0],
                        y: r.origin.at[1],
                    },
                ]));
            }
        }
        if lines.is_empty() {
            return MultiPolygon(vec![]);
        }
        let planar = MultiLineString(lines).buffer(self.settings.band_m);
        let to_ll = |ls: &LineString<f64>| {
            LineString(
                ls.0.iter()
                    .map(|c| {
                        let [lon, lat] = self.projector.inverse(c.x, c.y);
                        Coord { x: lon, y: lat }
                    })
                    .collect(),
            )
        };
        MultiPolygon(
            planar
                .0
                .iter()
                .map(|p| {
                    Polygon::new(
                        to_ll(p.exterior()),
                        p.interiors().iter().map(to_ll).collect(),
                    )
                })
                .collect(),
        )
    }
}

/// Joins segments that meet end to end into polylines: walks go through points where
/// exactly two segments meet and stop at ends and junctions; closed loops come out as
/// rings. Endpoints are matched exactly (the reached pieces share node coordinates).
fn join_segments(segments: Vec<[[f64; 2]; 2]>) -> Vec<Vec<[f64; 2]>> {
    use std::collections::HashMap;
    let key = |p: [f64; 2]| (p[0].to_bits(), p[1].to_bits());
    let mut at: HashMap<(u64, u64), Vec<usize>> = HashMap::with_capacity(segments.len() * 2);
    for (i, [a, b]) in segments.iter().enumerate() {
        at.entry(key(*a)).or_default().push(i);
        at.entry(key(*b)).or_default().push(i);
    }
    let mut used = vec![false; segments.len()];
    let mut out = Vec::new();
    let walk = |start: [f64; 2], first: usize, used: &mut Vec<bool>| -> Vec<[f64; 2]> {
        let mut chain = vec![start];
        let (mut p, mut s) = (start, first);
        loop {
            used[s] = true;
            let [a, b] = segments[s];
            let q = if key(a) == key(p) { b } else { a };
            chain.push(q);
            let next = at
                .get(&key(q))
                .filter(|v| v.len() == 2)
                .and_then(|v| v.iter().copied().find(|&n| !used[n]));
            match next {
                Some(n) => (p, s) = (q, n),
                None => return chain,
            }
        }
    };
    // Open chains start at ends and junctions.
    for i in 0..segments.len() {
        for end in segments[i] {
            if used[i] || at.get(&key(end)).is_some_and(|v| v.len() == 2) {
                continue;
            }
            out.push(walk(end, i, &mut used));
        }
    }
    // What is left are closed loops.
    for i in 0..segments.len() {
        if !used[i] {
            out.push(walk(segments[i][0], i, &mut used));
        }
    }
    out
}

/// The outcome of one bounded Dijkstra.
#[derive(Debug, Clone)]
pub struct Reach {
    /// Where it started.
    pub origin: Snap,
    /// Time spent on the origin's off-network leg, seconds.
    pub origin_time_s: f64,
    /// How people moved.
    pub mode: TravelMode,
    /// The time budget, seconds.
    pub budget_s: f64,
    /// Travel time to each node (∞ when not reached within the budget).
    pub time: Vec<f64>,
}

impl Reach {
    /// Travel time in seconds from the origin to a snapped point (its off-network leg
    /// walked), or `None` when it is beyond the budget or not connected.
    pub fn time_to(&self, g: &RoadGraph, s: &Snap) -> Option<f64> {
        let e = &g.graph[s.edge];
        let v = g.edge_speed(e, self.mode)?;
        let (a, b) = g.graph.edge_endpoints(s.edge)?;
        let leg = s.access_m / g.settings.walk_mps();
        let mut best = f64::INFINITY;
        let ta = self.time[a.index()];
        let tb = self.time[b.index()];
        if ta.is_finite() {
            best = best.min(ta + s.offset_m / v);
        }
        let back = RoadGraph::backward_ok(e, self.mode);
        if tb.is_finite() && back {
            best = best.min(tb + (e.length_m - s.offset_m).max(0.0) / v);
        }
        if s.edge == self.origin.edge && (back || s.offset_m >= self.origin.offset_m) {
            best = best.min(self.origin_time_s + (s.offset_m - self.origin.offset_m).abs() / v);
        }
        let total = best + leg;
        (total <= self.budget_s + 1e-9).then_some(total)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Visit {
    time: f64,
    node: NodeIndex,
}

impl Eq for Visit {}

impl Ord for Visit {
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on time.
        other
            .time
            .partial_cmp(&self.time)
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for Visit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::FrameKind;
    use crate::model::FeatureRef;

    /// A grid of roads `n`×`n` blocks of `step` metres around (112.3, 30.3), built in a
    /// local frame so that distances are exact to a millimetre.
    fn grid(n: usize, step: f64) -> (Vec<Road>, MetricFrame) {
        let frame = MetricFrame::for_longitude(FrameKind::Local, 112.3);
        let p = frame.projector().unwrap();
        let [x0, y0] = p.forward(112.3, 30.3);
        let mut roads = Vec::new();
        let ll = |x: f64, y: f64| {
            let [lon, lat] = p.inverse(x0 + x, y0 + y);
            Coord { x: lon, y: lat }
        };
        for i in 0..=n {
            let c = i as f64 * step;
            // One straight line per row/column; crossings have no shared vertex and must be split.
            roads.push(road(roads.len(), vec![ll(0.0, c), ll(n as f64 * step, c)]));
            roads.push(road(roads.len(), vec![ll(c, 0.0), ll(c, n as f64 * step)]));
        }
        (roads, frame)
    }

    fn road(i: usize, pts: Vec<Coord<f64>>) -> Road {
        Road {
            feature: FeatureRef {
                layer: 0,
                index: i as u32,
            },
            id: format!("R{i}").into(),
            name: format!("路{i}").into(),
            class: None,
            speed_kmh: None,
            oneway: false,
            line: MultiLineString(vec![LineString(pts)]),
        }
    }

    #[test]
    fn ebikes_ride_one_way_roads_only_forward() {
        let (mut roads, frame) = grid(1, 0.0);
        roads.clear();
        // One straight road drawn west to east, 1.9 km, one-way.
        let mut r = road(0, vec![(112.30, 30.30).into(), (112.32, 30.30).into()]);
        r.oneway = true;
        roads.push(r);
        let g = RoadGraph::from_roads(&roads, frame, NetworkSettings::default()).unwrap();
        let west = g.snap(112.305, 30.3001).unwrap();
        let east = g.snap(112.315, 30.3001).unwrap();
        // 960 m: 3.8 minutes by e-bike, 11.5 on foot. 20 minutes would take an e-bike
        // anywhere on the road, in either direction, were it two-way.
        let forward = g.reach(&west, TravelMode::Ebike, 1200.0);
        assert!(forward.time_to(&g, &east).is_some());
        let backward = g.reach(&east, TravelMode::Ebike, 1200.0);
        assert!(
            backward.time_to(&g, &west).is_none(),
            "against a one-way road"
        );
        let walk = g.reach(&east, TravelMode::Walk, 900.0);
        assert!(walk.time_to(&g, &west).is_some(), "walking ignores one-way");
        // Drawn: nothing behind the origin by e-bike.
        let lines = g.reached_lines(&backward);
        assert!(!lines.is_empty());
        // (The planar drawing of a geodesic offset may differ by a metre.)
        assert!(lines.iter().flatten().all(|p| p[0] >= east.at[0] - 2.0));
    }

    #[test]
    fn crossings_are_split_and_noded() {
        let (roads, frame) = grid(2, 100.0);
        let g = RoadGraph::from_roads(&roads, frame, NetworkSettings::default()).unwrap();
        // A 3×3 lattice of nodes and 12 unit edges.
        assert_eq!(g.graph.node_count(), 9);
        assert_eq!(g.graph.edge_count(), 12);
        assert_eq!(g.components.len(), 1);
        assert!(
            (g.total_length_m() - 1200.0).abs() < 0.5,
            "{}",
            g.total_length_m()
        );
    }

    #[test]
    fn reached_distances_match_the_manhattan_answer() {
        let (roads, frame) = grid(4, 100.0);
        let settings = NetworkSettings::default();
        let g = RoadGraph::from_roads(&roads, frame, settings.clone()).unwrap();
        let p = frame.projector().unwrap();
        let [x0, y0] = p.forward(112.3, 30.3);
        let at = |x: f64, y: f64| p.inverse(x0 + x, y0 + y);
        // Origin on the corner node (0,0); walking 5 km/h.
        let [lon, lat] = at(0.0, 0.0);
        let o = g.snap(lon, lat).unwrap();
        assert!(o.access_m < 1e-6);
        let r = g.reach(&o, TravelMode::Walk, 3600.0);
        let v = settings.speed_mps(TravelMode::Walk);
        for (x, y) in [(100.0, 0.0), (200.0, 100.0), (300.0, 400.0), (50.0, 100.0)] {
            let [lon, lat] = at(x, y);
            let s = g.snap(lon, lat).unwrap();
            let t = r.time_to(&g, &s).unwrap();
            let want = (x + y) / v;
            assert!(
                (t - want).abs() < 0.01 * want.max(1.0),
                "({x},{y}): {t} vs {want}"
            );
        }
        // A point 30 m off the road: its leg is walked too.
        let [lon, lat] = at(130.0, 50.0);
        let s = g.snap(lon, lat).unwrap();
        assert!((s.access_m - 30.0).abs() < 0.01);
        let t = r.time_to(&g, &s).unwrap();
        assert!((t - (100.0 + 50.0 + 30.0) / v).abs() < 0.5, "{t}");
    }

    #[test]
    fn the_budget_bounds_the_reach() {
        let (roads, frame) = grid(4, 100.0);
        let g = RoadGraph::from_roads(&roads, frame, NetworkSettings::default()).unwrap();
        let p = frame.projector().unwrap();
        let [x0, y0] = p.forward(112.3, 30.3);
        let [lon, lat] = p.inverse(x0, y0);
        let o = g.snap(lon, lat).unwrap();
        let v = g.settings.speed_mps(TravelMode::Walk);
        // 250 m of walking.
        let r = g.reach(&o, TravelMode::Walk, 250.0 / v);
        let [lon, lat] = p.inverse(x0 + 200.0, y0);
        assert!(r.time_to(&g, &g.snap(lon, lat).unwrap()).is_some());
        let [lon, lat] = p.inverse(x0 + 200.0, y0 + 100.0);
        assert!(
            r.time_to(&g, &g.snap(lon, lat).unwrap()).is_none(),
            "300 m is beyond 250 m"
        );
        // Reached length: 250 m along each of the two axes from the corner, capped by the grid.
        let reached: f64 = g.reached_lines(&r).iter().map(|[a, b]| dist(*a, *b)).sum();
        assert!(reached > 499.0, "{reached}");
        let poly = g.reach_polygon(&r, None);
        assert!(!poly.0.is_empty());
    }

    #[test]
    fn joined_segments_keep_every_piece_once() {
        // A path a-b-c, a branch b-d and a separate triangle e-f-g.
        let (a, b, c, d) = ([0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [1.0, 1.0]);
        let (e, f, g) = ([5.0, 0.0], [6.0, 0.0], [5.0, 1.0]);
        let segs = vec![[a, b], [c, b], [b, d], [e, f], [f, g], [g, e]];
        let chains = join_segments(segs.clone());
        // b is a junction: three chains end there; the triangle is one closed ring.
        assert_eq!(chains.len(), 4, "{chains:?}");
        let ring = chains.iter().find(|c| c.len() == 4).expect("the ring");
        assert_eq!(ring.first(), ring.last());
        let pieces: usize = chains.iter().map(|c| c.len() - 1).sum();
        assert_eq!(pieces, segs.len());
        // Every segment appears in some chain.
        for [p, q] in segs {
            assert!(chains.iter().any(|c| {
                c.windows(2)
                    .any(|w| (w[0] == p && w[1] == q) || (w[0] == q && w[1] == p))
            }));
        }
    }

    #[test]
    fn the_band_covers_what_lies_within_band_m_of_the_reached_roads() {
        use geo::Area;
        let (roads, frame) = grid(4, 100.0);
        let g = RoadGraph::from_roads(&roads, frame, NetworkSettings::default()).unwrap();
        let p = frame.projector().unwrap();
        let [x0, y0] = p.forward(112.3, 30.3);
        let [lon, lat] = p.inverse(x0 + 130.0, y0 + 100.0);
        let o = g.snap(lon, lat).unwrap();
        let r = g.reach(
            &o,
            TravelMode::Walk,
            330.0 / g.settings.speed_mps(TravelMode::Walk),
        );
        let lines = g.reached_lines(&r);
        let poly = g.reach_polygon(&r, None);
        // Back to planar metres for an exact area.
        let planar: f64 = poly
            .0
            .iter()
            .map(|pg| {
                let f = |ls: &LineString<f64>| {
                    LineString(
                        ls.0.iter()
                            .map(|c| {
                                let [x, y] = p.forward(c.x, c.y);
                                Coord { x, y }
                            })
                            .collect(),
                    )
                };
                Polygon::new(f(pg.exterior()), pg.interiors().iter().map(f).collect())
                    .unsigned_area()
            })
            .sum();
        // Oracle: count 2 m cells whose centre lies within 50 m of a reached piece.
        let seg_d = |q: [f64; 2], [a, b]: [[f64; 2]; 2]| {
            let v = [b[0] - a[0], b[1] - a[1]];
            let l2 = v[0] * v[0] + v[1] * v[1];
            let t = if l2 > 0.0 {
                (((q[0] - a[0]) * v[0] + (q[1] - a[1]) * v[1]) / l2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            dist(q, lerp(a, b, t))
        };
        let (mut inside, step) = (0usize, 2.0);
        let mut y = y0 - 60.0;
        while y < y0 + 460.0 {
            let mut x = x0 - 60.0;
            while x < x0 + 460.0 {
                if lines.iter().any(|s| seg_d([x, y], *s) <= 50.0) {
                    inside += 1;
                }
                x += step;
            }
            y += step;
        }
        let oracle = inside as f64 * step * step;
        assert!(
            (planar - oracle).abs() / oracle < 0.02,
            "band {planar:.0} m² vs oracle {oracle:.0} m²"
        );
    }

    #[test]
    fn disconnected_pieces_are_counted_and_far_points_are_unreachable() {
        let (mut roads, frame) = grid(1, 100.0);
        let p = frame.projector().unwrap();
        let [x0, y0] = p.forward(112.3, 30.3);
        let ll = |x: f64, y: f64| {
            let [lon, lat] = p.inverse(x0 + x, y0 + y);
            Coord { x: lon, y: lat }
        };
        roads.push(road(99, vec![ll(2000.0, 0.0), ll(2100.0, 0.0)]));
        let g = RoadGraph::from_roads(&roads, frame, NetworkSettings::default()).unwrap();
        assert_eq!(g.components.len(), 2);
        assert_eq!(g.components[1].roads, vec!["路99".to_string()]);
        let far = p.inverse(x0 + 50.0, y0 + 5000.0);
        assert!(g.snap(far[0], far[1]).is_none());
        // A point on the island is not reached from the main grid.
        let o = g.snap(ll(0.0, 0.0).x, ll(0.0, 0.0).y).unwrap();
        let r = g.reach(&o, TravelMode::Walk, 1e6);
        let island = g.snap(ll(2050.0, 0.0).x, ll(2050.0, 0.0).y).unwrap();
        assert_eq!(g.component_of_snap(&island), 1);
        assert!(r.time_to(&g, &island).is_none());
    }

    #[test]
    fn ebike_is_capped_by_speed_limits_and_motorways_are_closed() {
        let (mut roads, frame) = grid(1, 100.0);
        for r in &mut roads {
            r.speed_kmh = Some(10.0);
        }
        roads[0].class = Some("高速公路".into());
        let g = RoadGraph::from_roads(&roads, frame, NetworkSettings::default()).unwrap();
        let e = g.graph.edge_weights().find(|e| !e.motor_only).unwrap();
        assert!((g.edge_speed(e, TravelMode::Ebike).unwrap() - 10.0 / 3.6).abs() < 1e-9);
        assert!((g.edge_speed(e, TravelMode::Walk).unwrap() - 5.0 / 3.6).abs() < 1e-9);
        assert!(g.graph.edge_weights().any(|e| e.motor_only));
        // A point 10 m from the expressway is placed on the nearest road people may use
        // (50 m away), not on the expressway.
        let p = frame.projector().unwrap();
        let [x0, y0] = p.forward(112.3, 30.3);
        let [lon, lat] = p.inverse(x0 + 50.0, y0 + 10.0);
        let s = g.snap(lon, lat).unwrap();
        assert!(!g.graph[s.edge].motor_only);
        assert!((s.access_m - 50.0).abs() < 0.01, "{}", s.access_m);
        assert!((g.distance_to_network(lon, lat).unwrap() - 50.0).abs() < 0.01);
    }
}
