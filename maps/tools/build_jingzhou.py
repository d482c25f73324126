#!/usr/bin/env python3
"""Build the bundled sample map maps/jingzhou-etdz/ (荆州经济技术开发区, illustrative).

Run from the repository root:

    python3 maps/tools/build_jingzhou.py

Standard library only and deterministic: the same script writes the same bytes every
time (fixed random seed, no set iteration over strings, fixed float formatting).
The map is hand-designed for demos and tests. It is NOT survey data: roads, parcels,
enterprises and projects are placed to look like a plausible park plan around the real
zone (about 112.28-112.42 E, 30.27-30.37 N), with real-sounding names.

How it is built (all design work happens in a local plane in metres, x east / y north,
origin 112.28 E 30.27 N; every written point is rounded to 6 decimals of a degree and
every later computation uses the rounded point):
 1. Roads are polylines of control points. Crossings of every pair of roads are computed
    once and inserted into both roads as the same node, so crossing roads share a vertex.
    Roads that end on another road are trimmed at that crossing (T-junctions).
 2. Blocks are the bounded faces of the planar road graph. Each block is set back from
    the road centre lines (by road class), subdivided into parcels by straight cuts,
    and every parcel is inset 3 m so parcels never touch or overlap.
 3. Roads are densified (a vertex at most every 60 m). Bus routes are shortest paths
    through the densified road graph between hand-picked junctions, so route vertices
    are road vertices. Stops are interpolated on the route.
 4. Facilities snap into parcels near hand-picked anchors. Enterprises are picked from random
    candidates in the producing industrial parcels: 82 within 500 m of a KW6 stop, 16 "gaps"
    that no stop, service centre or station reaches, and every service centre, police post and
    station next to industrial land first gets its share (COVERAGE_TARGETS, SERVING_STATIONS).
    Nothing lies within RADIUS_BAND of a service radius or of the 500 m stop catchment.
 5. Areas (面积_亩) are ellipsoidal (WGS84 ellipsoid, authalic-sphere formula) from the
    written coordinates; lengths are ellipsoidal too (local-radius formula per segment,
    exact to well under a millimetre per 60 m segment).
"""

import json
import math
import os
import random
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "jingzhou-etdz"))
SEED = 20240917

# ----------------------------------------------------------------------------------------
# Ellipsoid, projection of the design plane, geodesic measures
# ----------------------------------------------------------------------------------------
A_WGS = 6378137.0
F_WGS = 1 / 298.257223563
E2 = F_WGS * (2 - F_WGS)
E1 = math.sqrt(E2)
MU_M2 = 10000.0 / 15.0  # square metres in one mu

LON0, LAT0 = 112.28, 30.27
_PHI = math.radians(30.32)
_W = math.sqrt(1 - E2 * math.sin(_PHI) ** 2)
MX = A_WGS / _W * math.cos(_PHI) * math.pi / 180.0  # metres per degree of longitude
MY = A_WGS * (1 - E2) / _W ** 3 * math.pi / 180.0  # metres per degree of latitude


def to_ll(p):
    """Design plane (m) -> (lon, lat) rounded to 6 decimals."""
    return (round(LON0 + p[0] / MX, 6), round(LAT0 + p[1] / MY, 6))


def to_xy(ll):
    return ((ll[0] - LON0) * MX, (ll[1] - LAT0) * MY)


def qz(p):
    """Quantize a design-plane point to what will be written."""
    return to_xy(to_ll(p))


def geo_dist(ll1, ll2):
    """Ellipsoidal distance for short distances (< a few km): local radii at mid-latitude."""
    phi = math.radians((ll1[1] + ll2[1]) / 2)
    s = math.sin(phi)
    w = math.sqrt(1 - E2 * s * s)
    n = A_WGS / w
    m = A_WGS * (1 - E2) / w ** 3
    dx = n * math.cos(phi) * math.radians(ll2[0] - ll1[0])
    dy = m * math.radians(ll2[1] - ll1[1])
    return math.hypot(dx, dy)


def geo_length(lls):
    return sum(geo_dist(lls[i], lls[i + 1]) for i in range(len(lls) - 1))


def _q(phi):
    s = math.sin(phi)
    return (1 - E2) * (s / (1 - E2 * s * s) - 1 / (2 * E1) * math.log((1 - E1 * s) / (1 + E1 * s)))


_QP = _q(math.pi / 2)
_RQ2 = A_WGS * A_WGS * _QP / 2  # authalic radius squared


def ring_area_signed(lls):
    """Signed ellipsoidal area (m²) of a ring of (lon, lat); positive when counter-clockwise."""
    tot = 0.0
    n = len(lls)
    if lls[0] == lls[-1]:
        n -= 1
    for i in range(n):
        l1, p1 = lls[i]
        l2, p2 = lls[(i + 1) % n]
        b1 = math.asin(_q(math.radians(p1)) / _QP)
        b2 = math.asin(_q(math.radians(p2)) / _QP)
        dl = math.radians(l2 - l1)
        t1, t2 = math.tan(b1 / 2), math.tan(b2 / 2)
        tot += 2 * math.atan2(math.tan(dl / 2) * (t1 + t2), 1 + t1 * t2)
    return -tot * _RQ2


def polygon_area_m2(rings_ll):
    a = abs(ring_area_signed(rings_ll[0]))
    for h in rings_ll[1:]:
        a -= abs(ring_area_signed(h))
    return a


# ----------------------------------------------------------------------------------------
# Plane geometry helpers (design plane, metres)
# ----------------------------------------------------------------------------------------
def sub(a, b):
    return (a[0] - b[0], a[1] - b[1])


def add(a, b):
    return (a[0] + b[0], a[1] + b[1])


def mul(a, k):
    return (a[0] * k, a[1] * k)


def cross(a, b):
    return a[0] * b[1] - a[1] * b[0]


def dot(a, b):
    return a[0] * b[0] + a[1] * b[1]


def norm(a):
    return math.hypot(a[0], a[1])


def lerp(a, b, t):
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def shoelace(poly):
    s = 0.0
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        s += x1 * y2 - x2 * y1
    return s / 2


def centroid(poly):
    a = 0.0
    cx = cy = 0.0
    n = len(poly)
    x0, y0 = poly[0]
    for i in range(n):
        x1, y1 = poly[i][0] - x0, poly[i][1] - y0
        x2, y2 = poly[(i + 1) % n][0] - x0, poly[(i + 1) % n][1] - y0
        c = x1 * y2 - x2 * y1
        a += c
        cx += (x1 + x2) * c
        cy += (y1 + y2) * c
    a /= 2
    return (cx / (6 * a) + x0, cy / (6 * a) + y0)


def point_in_ring(p, ring):
    x, y = p
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y):
            xc = xi + (y - yi) * (xj - xi) / (yj - yi)
            if x < xc:
                inside = not inside
        j = i
    return inside


def point_in_poly(p, rings):
    if not point_in_ring(p, rings[0]):
        return False
    return not any(point_in_ring(p, h) for h in rings[1:])


def seg_dist(p, a, b):
    ab = sub(b, a)
    l2 = dot(ab, ab)
    t = 0.0 if l2 == 0 else max(0.0, min(1.0, dot(sub(p, a), ab) / l2))
    return norm(sub(p, add(a, mul(ab, t))))


def ring_dist(p, ring):
    n = len(ring)
    return min(seg_dist(p, ring[i], ring[(i + 1) % n]) for i in range(n))


def seg_intersection(p1, p2, p3, p4):
    d1 = sub(p2, p1)
    d2 = sub(p4, p3)
    den = cross(d1, d2)
    if abs(den) < 1e-12:
        return None
    w = sub(p3, p1)
    t = cross(w, d2) / den
    u = cross(w, d1) / den
    if -1e-9 <= t <= 1 + 1e-9 and -1e-9 <= u <= 1 + 1e-9:
        return t, u, add(p1, mul(d1, t))
    return None


def line_intersection(p, d, q, e):
    den = cross(d, e)
    if abs(den) < 1e-12:
        return None
    t = cross(sub(q, p), e) / den
    return add(p, mul(d, t))


def offset_polygon(poly, dists):
    """Move edge i (poly[i] -> poly[i+1]) of a CCW polygon inward by dists[i]."""
    n = len(poly)
    lines = []
    for i in range(n):
        a, b = poly[i], poly[(i + 1) % n]
        d = sub(b, a)
        L = norm(d)
        nrm = (-d[1] / L, d[0] / L)
        lines.append((add(a, mul(nrm, dists[i])), d))
    out = []
    for i in range(n):
        p0, d0 = lines[i - 1]
        p1, d1 = lines[i]
        x = line_intersection(p0, d0, p1, d1)
        if x is None:
            x = p1
        out.append(x)
    return out


def simplify_collinear(poly, tol_deg=1.0, keys=None):
    """Drop vertices whose turn angle is below tol (keys: per-edge labels that must match)."""
    changed = True
    pts = list(poly)
    ks = list(keys) if keys is not None else None
    while changed and len(pts) > 3:
        changed = False
        n = len(pts)
        for i in range(n):
            a, b, c = pts[i - 1], pts[i], pts[(i + 1) % n]
            d1, d2 = sub(b, a), sub(c, b)
            ang = math.degrees(abs(math.atan2(cross(d1, d2), dot(d1, d2))))
            same = ks is None or ks[i - 1] == ks[i]
            if ang < tol_deg and same:
                del pts[i]
                if ks is not None:
                    del ks[i]  # edge i-1 now runs to c, keeps its key
                changed = True
                break
    return pts, ks


def split_polygon(poly, p, d):
    """Split a polygon by the infinite line p + t d. Returns (left, right) or None."""
    n = len(poly)
    hits = []
    for i in range(n):
        a, b = poly[i], poly[(i + 1) % n]
        sa = cross(d, sub(a, p))
        sb = cross(d, sub(b, p))
        if (sa > 0) != (sb > 0):
            t = sa / (sa - sb)
            hits.append((i, lerp(a, b, t)))
    if len(hits) != 2:
        return None
    (i1, x1), (i2, x2) = hits
    x1, x2 = qz(x1), qz(x2)
    p1 = [x1] + poly[i1 + 1:i2 + 1] + [x2]
    p2 = [x2] + poly[i2 + 1:] + poly[:i1 + 1] + [x1]
    return p1, p2


def min_width(poly):
    """Smallest extent over the edge directions (a rough width)."""
    best = 1e18
    n = len(poly)
    for i in range(n):
        d = sub(poly[(i + 1) % n], poly[i])
        L = norm(d)
        if L < 1:
            continue
        nrm = (-d[1] / L, d[0] / L)
        proj = [dot(q, nrm) for q in poly]
        best = min(best, max(proj) - min(proj))
    return best


def is_convex(poly):
    n = len(poly)
    s = None
    for i in range(n):
        c = cross(sub(poly[(i + 1) % n], poly[i]), sub(poly[(i + 2) % n], poly[(i + 1) % n]))
        if abs(c) < 1e-9:
            continue
        if s is None:
            s = c > 0
        elif (c > 0) != s:
            return False
    return True


def densify(pts, step):
    out = [pts[0]]
    for i in range(len(pts) - 1):
        a, b = pts[i], pts[i + 1]
        L = norm(sub(b, a))
        k = max(1, int(math.ceil(L / step)))
        for j in range(1, k):
            out.append(qz(lerp(a, b, j / k)))
        out.append(b)
    return out


def smooth_curve(ctrl, step=250.0):
    """Catmull-Rom through control points, sampled about every `step` metres."""
    out = []
    n = len(ctrl)
    for i in range(n - 1):
        p0 = ctrl[max(0, i - 1)]
        p1, p2 = ctrl[i], ctrl[i + 1]
        p3 = ctrl[min(n - 1, i + 2)]
        L = norm(sub(p2, p1))
        k = max(1, int(L / step))
        for j in range(k):
            t = j / k
            t2, t3 = t * t, t * t * t
            x = 0.5 * ((2 * p1[0]) + (-p0[0] + p2[0]) * t + (2 * p0[0] - 5 * p1[0] + 4 * p2[0] - p3[0]) * t2
                       + (-p0[0] + 3 * p1[0] - 3 * p2[0] + p3[0]) * t3)
            y = 0.5 * ((2 * p1[1]) + (-p0[1] + p2[1]) * t + (2 * p0[1] - 5 * p1[1] + 4 * p2[1] - p3[1]) * t2
                       + (-p0[1] + 3 * p1[1] - 3 * p2[1] + p3[1]) * t3)
            out.append((x, y))
    out.append(ctrl[-1])
    return out


# ----------------------------------------------------------------------------------------
# The design: river, roads
# ----------------------------------------------------------------------------------------
BANK_N = [(-600, 2470), (1000, 2390), (2500, 2260), (4000, 2150), (5500, 2010), (7000, 1840),
          (8500, 1610), (10000, 1340), (11500, 1060), (13000, 820), (14100, 660)]
BANK_S = [(14100, -900), (13000, -720), (11500, -450), (10000, -180), (8500, 60), (7000, 280),
          (5500, 480), (4000, 640), (2500, 800), (1000, 930), (-600, 1010)]


def interp_y(ctrl, x):
    for i in range(len(ctrl) - 1):
        (x1, y1), (x2, y2) = ctrl[i], ctrl[i + 1]
        if x1 <= x <= x2:
            return y1 + (y2 - y1) * (x - x1) / (x2 - x1)
    return ctrl[-1][1] if x > ctrl[-1][0] else ctrl[0][1]


def bank_y(x):
    return interp_y(BANK_N, x) + 45 * math.sin(x / 900.0) + 25 * math.sin(x / 370.0 + 1.0)


# Road classes: set-back from the centre line to the parcel edge (half the red-line width).
CLASS_SETBACK = {"主干路": 30.0, "次干路": 21.0, "支路": 14.0}
CURVY = 250.0  # sampling of curved roads (m)
BH = 210.0  # northward shift of 北环路: tunes the length of the KW6 circuit


def road_defs():
    """Every road part: name, class, speed, control points, trim-at-road for start/end."""
    R = []

    def road(name, cls, speed, pts, cs=None, ce=None, curve=True):
        pts = smooth_curve(pts, CURVY) if curve and len(pts) > 2 else list(pts)
        R.append(dict(name=name, cls=cls, speed=speed, pts=[qz(p) for p in pts], cs=cs, ce=ce))

    # --- east-west ---
    jj = [(x, bank_y(x) + 330) for x in list(range(-200, 13800, 700)) + [13800]]
    road("江津东路", "主干路", 60, jj)
    road("北京东路", "主干路", 60, [(-200, 3620), (2000, 3605), (4000, 3570), (6000, 3530), (8000, 3450),
                                   (10000, 3340), (12000, 3240), (13700, 3150)])
    road("复兴大道", "主干路", 60, [(-200, 5040), (1500, 5080), (3000, 5120), (6000, 5170), (9000, 5120),
                                   (11000, 5190), (13700, 5330)])
    road("纬一路", "次干路", 50, [(1000, 6410), (4000, 6450), (7000, 6470), (9500, 6440), (11000, 6520)],
         cs="深圳大道", ce="滩桥路")
    road("豉湖路", "次干路", 50, [(-200, 7600), (3000, 7700), (6500, 7770), (10000, 7830), (13700, 7960)])
    road("荆沙大道", "主干路", 70, [(-200, 8640), (3000, 8840), (6000, 9050), (9000, 9300), (12000, 9520),
                                   (13700, 9650)])
    road("北环路", "次干路", 50, [(-200, 10330 + BH), (4000, 10440 + BH), (8000, 10560 + BH), (13700, 10720 + BH)])
    # --- north-south ---
    road("深圳大道", "主干路", 60, [(1230, 2300), (1260, 3600), (1200, 5000), (1150, 7000), (1250, 9000),
                                   (1300, 11300)], cs="江津东路")
    road("长港路", "次干路", 50, [(2700, 2300), (2720, 5000), (2680, 7700), (2700, 9100)],
         cs="江津东路", ce="荆沙大道")
    road("学苑路", "次干路", 40, [(4100, 3300), (4150, 5100), (4080, 7900)], cs="北京东路", ce="豉湖路")
    road("东方大道", "主干路", 60, [(5600, 1800), (5650, 3500), (5700, 5200), (5620, 7000), (5560, 9000),
                                   (5650, 11300)], cs="江津东路")
    road("沙岑路", "主干路", 60, [(7300, 1500), (7350, 3500), (7420, 6000), (7350, 8500), (7300, 11300)],
         cs="江津东路")
    road("岑河路", "次干路", 50, [(9000, 1300), (9050, 5000), (9000, 7800), (9100, 10000), (9150, 11300)],
         cs="江津东路")
    road("滩桥路", "次干路", 50, [(10800, 900), (10850, 4000), (10780, 7000), (10950, 8600), (10800, 9800),
                                 (11000, 11300)], cs="江津东路")
    road("经九路", "次干路", 50, [(12600, 500), (12650, 4000), (12500, 6500), (12700, 8000), (12600, 9800)],
         cs="江津东路", ce="荆沙大道")
    road("荆东大道", "主干路", 60, [(10600, 5650), (11800, 6250), (12800, 6950), (13750, 7600)], cs="滩桥路")
    road("东环路", "次干路", 50, [(13250, 600), (13300, 3000), (13200, 6000), (13350, 8500), (13300, 10400),
                                 (13250, 11300)], cs="江津东路")
    # --- local roads (支路) ---
    road("常湾路", "支路", 40, [(1950, 3400), (1980, 5300)], cs="北京东路", ce="复兴大道")
    road("纬二路", "支路", 40, [(1000, 4340), (5000, 4380), (9300, 4330)], cs="深圳大道", ce="岑河路")
    road("经三路", "支路", 40, [(4850, 3300), (4880, 6700)], cs="北京东路", ce="纬一路")
    road("经四路", "支路", 40, [(6450, 2000), (6480, 5000), (6430, 7900)], cs="江津东路", ce="豉湖路")
    road("经五路", "支路", 40, [(8150, 3300), (8180, 6000), (8140, 7900)], cs="北京东路", ce="豉湖路")
    road("先导路", "支路", 40, [(9900, 3200), (9920, 6700)], cs="北京东路", ce="纬一路")
    road("纬三路", "支路", 40, [(1000, 5790), (3000, 5810), (5800, 5830)], cs="深圳大道", ce="东方大道")
    road("纬三路", "支路", 40, [(7200, 5860), (9200, 5840)], cs="沙岑路", ce="岑河路")
    road("纬四路", "支路", 40, [(2500, 7040), (5000, 7080), (7500, 7110)], cs="长港路", ce="沙岑路")
    road("港区路", "支路", 40, [(7200, 2600), (9000, 2520), (10800, 2420), (12700, 2380)],
         cs="沙岑路", ce="经九路")
    road("化工园路", "支路", 40, [(11700, 3100), (11720, 5400)], cs="北京东路", ce="复兴大道")
    road("化工二路", "支路", 40, [(10700, 4270), (12700, 4300)], cs="滩桥路", ce="经九路")
    road("滩桥街", "支路", 30, [(11650, 5100), (11600, 7000), (11650, 9700)], cs="复兴大道", ce="荆沙大道")
    road("宿驾路", "支路", 30, [(5400, 9950), (6500, 9990), (7500, 10000)], cs="东方大道", ce="沙岑路")
    road("岑河街", "支路", 30, [(8900, 9900), (10000, 9950), (11000, 10000)], cs="岑河路", ce="滩桥路")
    road("观音垱路", "支路", 30, [(1100, 9600), (2000, 9650), (2800, 9620)], cs="深圳大道")
    # --- an intentionally isolated estate road on the 三八洲 sandbar (no bridge) ---
    road("三八洲岛内路（孤立路段）", "支路", 20, [(3000, 1480), (3900, 1560), (4800, 1470), (5500, 1420)])
    return R


# ----------------------------------------------------------------------------------------
# Road network: crossings, trimming, graph, blocks
# ----------------------------------------------------------------------------------------
class Network:
    def __init__(self, parts):
        self.parts = parts
        self.nodes = []  # design-plane points
        self.node_key = {}
        self._build()

    def node(self, p):
        ll = to_ll(p)
        if ll not in self.node_key:
            self.node_key[ll] = len(self.nodes)
            self.nodes.append(to_xy(ll))
        return self.node_key[ll]

    def _build(self):
        parts = self.parts
        n = len(parts)
        bbs = []
        for r in parts:
            xs = [p[0] for p in r["pts"]]
            ys = [p[1] for p in r["pts"]]
            bbs.append((min(xs), min(ys), max(xs), max(ys)))
        raw = []  # (i, param_i, j, param_j, point)
        for i in range(n):
            for j in range(i + 1, n):
                a, b = bbs[i], bbs[j]
                if a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]:
                    continue
                pi_, pj = parts[i]["pts"], parts[j]["pts"]
                for si in range(len(pi_) - 1):
                    for sj in range(len(pj) - 1):
                        hit = seg_intersection(pi_[si], pi_[si + 1], pj[sj], pj[sj + 1])
                        if hit:
                            raw.append((i, si + hit[0], j, sj + hit[1], hit[2]))
        # trimming ranges
        rng = []
        for i, r in enumerate(parts):
            lo, hi = 0.0, len(r["pts"]) - 1.0
            for key, pick in (("cs", min), ("ce", max)):
                if r[key] is None:
                    continue
                cands = []
                for (a, ta, b, tb, p) in raw:
                    if a == i and parts[b]["name"] == r[key]:
                        cands.append(ta)
                    elif b == i and parts[a]["name"] == r[key]:
                        cands.append(tb)
                if not cands:
                    raise SystemExit("road %s never meets %s" % (r["name"], r[key]))
                if key == "cs":
                    lo = pick(cands)
                else:
                    hi = pick(cands)
            rng.append((lo, hi))
        eps = 1e-7
        per = [[] for _ in parts]
        self.crossings = []
        for (a, ta, b, tb, p) in raw:
            if rng[a][0] - eps <= ta <= rng[a][1] + eps and rng[b][0] - eps <= tb <= rng[b][1] + eps:
                nid = self.node(p)
                per[a].append((ta, nid))
                per[b].append((tb, nid))
                self.crossings.append((a, b, nid))
        # control-level vertex sequences (node ids)
        self.seq = []
        for i, r in enumerate(parts):
            lo, hi = rng[i]
            items = list(per[i])
            for k, p in enumerate(r["pts"]):
                if lo + 1e-6 < k < hi - 1e-6:
                    items.append((float(k), None, p))
            ends = []
            if not any(abs(t - lo) < 1e-6 for t, *_ in items):
                k = int(math.floor(lo))
                ends.append((lo, None, lerp(r["pts"][k], r["pts"][min(k + 1, len(r["pts"]) - 1)], lo - k)))
            if not any(abs(t - hi) < 1e-6 for t, *_ in items):
                k = int(math.floor(hi))
                ends.append((hi, None, lerp(r["pts"][k], r["pts"][min(k + 1, len(r["pts"]) - 1)], hi - k)))
            items = [(it[0], it[1], it[2] if len(it) > 2 else None) for it in items] + ends
            items.sort(key=lambda it: it[0])
            # drop control points that sit within 40 m of a crossing or trimmed end
            fixed = [it for it in items if it[1] is not None or it in ends]
            fixed_pts = [self.nodes[it[1]] if it[1] is not None else it[2] for it in fixed]
            items = [it for it in items
                     if it[1] is not None or it in ends
                     or min(norm(sub(it[2], q)) for q in fixed_pts) >= 40.0]
            ids = []
            for t, nid, p in items:
                if nid is None:
                    nid = self.node(p)
                if not ids or ids[-1] != nid:
                    ids.append(nid)
            self.seq.append(ids)
        # undirected control-level edges
        self.edges = {}
        for i, ids in enumerate(self.seq):
            for k in range(len(ids) - 1):
                u, v = ids[k], ids[k + 1]
                self.edges[(min(u, v), max(u, v))] = i

    def crossing_node(self, name_a, name_b, near=None):
        """Node where roads name_a and name_b cross (nearest to `near` if several)."""
        c = []
        for (a, b, nid) in self.crossings:
            na, nb = self.parts[a]["name"], self.parts[b]["name"]
            if {na, nb} == {name_a, name_b}:
                c.append(nid)
        if not c:
            raise SystemExit("no crossing %s x %s" % (name_a, name_b))
        if near is not None:
            c.sort(key=lambda nid: norm(sub(self.nodes[nid], near)))
        return c[0]

    def faces(self):
        adj = {}
        for (u, v) in self.edges:
            adj.setdefault(u, set()).add(v)
            adj.setdefault(v, set()).add(u)
        changed = True
        while changed:  # prune dead ends
            changed = False
            for u in sorted(adj):
                if len(adj[u]) == 1:
                    (v,) = tuple(adj[u])
                    adj[v].discard(u)
                    del adj[u]
                    changed = True
                elif len(adj[u]) == 0:
                    del adj[u]
                    changed = True
        order = {}
        for u in sorted(adj):
            pu = self.nodes[u]
            order[u] = sorted(adj[u], key=lambda v: math.atan2(self.nodes[v][1] - pu[1], self.nodes[v][0] - pu[0]))
        used = set()
        out = []
        for u in sorted(adj):
            for v in order[u]:
                if (u, v) in used:
                    continue
                face = []
                a, b = u, v
                while (a, b) not in used:
                    used.add((a, b))
                    face.append(a)
                    lst = order[b]
                    i = lst.index(a)
                    a, b = b, lst[(i - 1) % len(lst)]
                poly = [self.nodes[k] for k in face]
                if shoelace(poly) > 0:
                    out.append(face)
        return out


# ----------------------------------------------------------------------------------------
# Blocks and parcels
# ----------------------------------------------------------------------------------------
def is_simple(poly):
    n = len(poly)
    for i in range(n):
        a, b = poly[i], poly[(i + 1) % n]
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue
            c, d = poly[j], poly[(j + 1) % n]
            if seg_intersection(a, b, c, d):
                return False
    return True


def clean_ring(poly, min_edge=4.0):
    out = []
    for p in poly:
        if not out or norm(sub(p, out[-1])) >= min_edge:
            out.append(p)
    while len(out) > 3 and norm(sub(out[0], out[-1])) < min_edge:
        out.pop()
    return out


def inset(poly, d):
    pts, _ = simplify_collinear(clean_ring(poly), 0.5)
    out = [qz(p) for p in offset_polygon(pts, [d] * len(pts))]
    return clean_ring(out, 0.5)


def zone_of(c):
    """Planning zone of a block from its centre (design-plane metres)."""
    x, y = c
    if y < 3550:  # between 江津东路 and 北京东路
        if x < 2700:
            return "riverside"
        if x < 10800:
            return "port"
        return "chem"
    if y < 7750:
        if x < 4100:
            return "res"
        if x < 9000:
            return "ind"
        if x < 10800:
            return "new"
        if y < 5200 + (x - 10800) * 0.05:
            return "chem"
        if x > 12600:
            return "farm"
        return "town"
    # north of 豉湖路
    if y < 8600 + x * 0.07:  # below 荆沙大道
        if x < 2700:
            return "res"
        if x < 9000:
            return "north"
        return "farm"
    if 5650 < x < 7350 and y < 10450:
        return "town"  # 宿驾
    if 9000 < x < 10900 and y < 10600:
        return "town"  # 岑河
    return "farm"


TARGET_MU = {"res": 400, "riverside": 220, "port": 450, "ind": 330, "new": 480, "chem": 520,
             "town": 460, "north": 700}


def subdivide(poly, target_mu, rng, depth=0):
    area = shoelace(poly) / MU_M2
    if area <= target_mu * 1.45 or depth > 7:
        return [poly]
    n = len(poly)
    best = max(range(n), key=lambda i: norm(sub(poly[(i + 1) % n], poly[i])))
    d = sub(poly[(best + 1) % n], poly[best])
    u = mul(d, 1 / norm(d))
    v = (-u[1], u[0])
    pu = [dot(p, u) for p in poly]
    pv = [dot(p, v) for p in poly]
    eu, ev = max(pu) - min(pu), max(pv) - min(pv)
    k = max(2, int(round(area / target_mu)))
    frac = (k // 2) / k + rng.uniform(-0.06, 0.06)
    if eu >= ev:
        s = min(pu) + frac * eu
        res = split_polygon(poly, mul(u, s), v)
    else:
        s = min(pv) + frac * ev
        res = split_polygon(poly, mul(v, s), u)
    if res is None:
        return [poly]
    out = []
    for part in res:
        out += subdivide(part, target_mu, rng, depth + 1)
    return out


def l_shape(quad, rng):
    """Cut a notch out of corner 0 of a quadrilateral: returns (L-shaped hexagon, notch quad)."""
    a, b, c, d = quad
    s1, s2 = rng.uniform(0.35, 0.45), rng.uniform(0.35, 0.45)
    p = qz(lerp(a, b, s1))
    q = qz(lerp(a, d, s2))
    r = qz(add(p, sub(q, a)))
    return [p, b, c, d, q, r], [a, p, r, q]


LAKE_AT = (3400, 7380)       # 豉湖, inside the park block between 长港路/学苑路/纬四路/豉湖路
XIANDAO_AT = (10350, 5800)   # 先导稀材电子信息产业园 block (先导路/滩桥路/复兴大道/纬一路)
XIANDAO_MU = 513.0
PARCEL_GAP = 3.0             # every parcel is inset this much (m): parcels never touch


def parcel_area_mu(rings_xy):
    return polygon_area_m2([[to_ll(p) for p in r] for r in rings_xy]) / MU_M2


def lake_ring(c, rx, ry, rng):
    pts = []
    n = 28
    for i in range(n):
        t = 2 * math.pi * i / n
        k = 1 + 0.10 * math.sin(3 * t + 0.7) + 0.06 * math.cos(5 * t) + rng.uniform(-0.02, 0.02)
        pts.append(qz((c[0] + rx * k * math.cos(t), c[1] + ry * k * math.sin(t))))
    return pts


def build_blocks(net):
    name_cls = {r["name"]: r["cls"] for r in net.parts}
    blocks = []
    for face in net.faces():
        poly = [net.nodes[k] for k in face]
        keys = []
        for a, b in zip(face, face[1:] + face[:1]):
            keys.append(net.parts[net.edges[(min(a, b), max(a, b))]]["name"])
        pts, ks = simplify_collinear(poly, 1.0, keys)
        off = offset_polygon(pts, [CLASS_SETBACK[name_cls[k]] for k in ks])
        off = clean_ring([qz(p) for p in off], 1.0)
        if shoelace(off) <= 0 or not is_simple(off):
            raise SystemExit("bad block near %s" % (centroid(poly),))
        blocks.append(dict(poly=off, roads=sorted(set(ks)), center=centroid(off)))
    blocks.sort(key=lambda b: (round(-b["center"][1], -2), b["center"][0]))
    return blocks


def find_block(blocks, p):
    for b in blocks:
        if point_in_ring(p, b["poly"]):
            return b
    raise SystemExit("no block at %s" % (p,))


def build_parcels(blocks, rng):
    parcels = []
    lake = None
    lake_block = find_block(blocks, LAKE_AT)
    xd_block = find_block(blocks, XIANDAO_AT)
    for bi, b in enumerate(blocks):
        zone = zone_of(b["center"])
        if zone == "farm":
            continue
        if b is lake_block:
            c = centroid(b["poly"])
            lake = lake_ring(c, 430, 190, rng)
            outer = inset(b["poly"], PARCEL_GAP)
            parcels.append(dict(rings=[outer, list(reversed(lake))], zone=zone, tag="lakepark", block=bi))
            continue
        pieces = []
        if b is xd_block:
            poly = b["poly"]
            n = len(poly)
            best = max(range(n), key=lambda i: norm(sub(poly[(i + 1) % n], poly[i])))
            d = sub(poly[(best + 1) % n], poly[best])
            u = mul(d, 1 / norm(d))
            v = (-u[1], u[0])
            pu = [dot(p, u) for p in poly]
            lo, hi = min(pu), max(pu)

            def cut(fr):
                a, b2 = split_polygon(poly, mul(u, lo + fr * (hi - lo)), v)
                # keep the northern piece as phase one
                if centroid(a)[1] < centroid(b2)[1]:
                    a, b2 = b2, a
                return a, b2

            def north_mu(fr):
                return parcel_area_mu([inset(cut(fr)[0], PARCEL_GAP)])

            f_lo, f_hi = 0.02, 0.98
            inc = north_mu(f_hi) > north_mu(f_lo)
            for _ in range(60):
                mid = (f_lo + f_hi) / 2
                if (north_mu(mid) < XIANDAO_MU) == inc:
                    f_lo = mid
                else:
                    f_hi = mid
            one, rest = cut((f_lo + f_hi) / 2)
            parcels.append(dict(rings=[inset(one, PARCEL_GAP)], zone=zone, tag="xiandao1", block=bi))
            pieces = subdivide(rest, TARGET_MU[zone], rng)
        else:
            pieces = subdivide(b["poly"], TARGET_MU[zone] * rng.choice((0.6, 0.8, 1.0, 1.0, 1.3, 1.8)), rng)
        for pc in pieces:
            parcels.append(dict(rings=[pc], zone=zone, tag=None, block=bi))
    # a few concave L-shaped parcels (with their notch as its own small parcel)
    cands = [i for i, p in enumerate(parcels)
             if p["tag"] is None and len(p["rings"][0]) == 4 and p["zone"] in ("ind", "res", "port")
             and is_convex(p["rings"][0]) and shoelace(p["rings"][0]) / MU_M2 > 150]
    picks = sorted(rng.sample(cands, 4))
    extra = []
    for i in picks:
        lsh, notch = l_shape(parcels[i]["rings"][0], rng)
        parcels[i]["rings"] = [lsh]
        parcels[i]["tag"] = "L"
        extra.append(dict(rings=[notch], zone=parcels[i]["zone"], tag="notch", block=parcels[i]["block"]))
    parcels += extra
    # the 3 m gap
    for p in parcels:
        if p["tag"] not in ("lakepark", "xiandao1"):
            p["rings"] = [inset(p["rings"][0], PARCEL_GAP)]
    parcels = [p for p in parcels if shoelace(p["rings"][0]) / MU_M2 > 5]
    for p in parcels:
        p["mu"] = parcel_area_mu(p["rings"])
        p["center"] = centroid(p["rings"][0])
    return parcels, lake


# ----------------------------------------------------------------------------------------
# Densified roads and the routing graph
# ----------------------------------------------------------------------------------------
ROAD_STEP = 60.0


def densify_roads(net):
    """Per road part: the written vertex list (design plane, quantized)."""
    return [densify([net.nodes[k] for k in ids], ROAD_STEP) for ids in net.seq]


class Graph:
    def __init__(self, lines):
        self.adj = {}
        for pts in lines:
            lls = [to_ll(p) for p in pts]
            for a, b in zip(lls, lls[1:]):
                if a == b:
                    continue
                w = geo_dist(a, b)
                self.adj.setdefault(a, {})[b] = w
                self.adj.setdefault(b, {})[a] = w

    def path(self, src, dst, banned=frozenset()):
        import heapq
        dist = {src: 0.0}
        prev = {}
        h = [(0.0, src)]
        while h:
            d, u = heapq.heappop(h)
            if u == dst:
                break
            if d > dist[u]:
                continue
            for v, w in sorted(self.adj[u].items()):
                if (u, v) in banned:
                    continue
                nd = d + w
                if nd < dist.get(v, 1e18) - 1e-9:
                    dist[v] = nd
                    prev[v] = u
                    heapq.heappush(h, (nd, v))
        if dst not in dist:
            raise SystemExit("no path")
        out = [dst]
        while out[-1] != src:
            out.append(prev[out[-1]])
        return out[::-1]

    def components(self):
        seen = {}
        comps = 0
        for s in sorted(self.adj):
            if s in seen:
                continue
            comps += 1
            stack = [s]
            seen[s] = comps
            while stack:
                u = stack.pop()
                for v in self.adj[u]:
                    if v not in seen:
                        seen[v] = comps
                        stack.append(v)
        return comps


def route_through(net, graph, waypoints):
    """Shortest paths between consecutive junctions; waypoints are (road, road) pairs."""
    lls = []
    for (a1, b1), (a2, b2) in zip(waypoints, waypoints[1:]):
        s = to_ll(net.nodes[net.crossing_node(a1, b1)])
        t = to_ll(net.nodes[net.crossing_node(a2, b2)])
        seg = graph.path(s, t)
        lls += seg if not lls else seg[1:]
    return lls


# ----------------------------------------------------------------------------------------
# Bus routes and stops
# ----------------------------------------------------------------------------------------
KW6_WAYPOINTS = [
    ("学苑路", "纬二路"), ("东方大道", "纬二路"), ("东方大道", "纬一路"), ("滩桥路", "纬一路"),
    ("滩桥路", "荆东大道"), ("滩桥街", "荆东大道"), ("滩桥街", "豉湖路"), ("东环路", "豉湖路"),
    ("东环路", "北环路"), ("滩桥路", "北环路"), ("滩桥路", "荆沙大道"), ("岑河路", "荆沙大道"),
    ("岑河路", "北环路"), ("沙岑路", "北环路"), ("沙岑路", "荆沙大道"), ("东方大道", "荆沙大道"),
    ("东方大道", "北环路"), ("深圳大道", "北环路"), ("深圳大道", "荆沙大道"), ("长港路", "荆沙大道"),
    ("长港路", "豉湖路"), ("深圳大道", "豉湖路"), ("深圳大道", "纬一路"), ("长港路", "纬一路"),
    ("长港路", "复兴大道"), ("深圳大道", "复兴大道"), ("深圳大道", "江津东路"), ("东方大道", "江津东路"),
    ("东方大道", "北京东路"), ("学苑路", "北京东路"), ("学苑路", "纬二路")]
KW6_START_NEAR = (4115, 3990)  # the circuit starts on 学苑路 in front of 常湾小区
KW6_STOPS = 83

OTHER_ROUTES = [
    # name, operator, from, to, waypoints, closed, number of stops
    ("KW1", "荆州市公共交通集团有限公司", "北港综合服务中心", "宿驾综合服务中心",
     [("沙岑路", "江津东路"), ("沙岑路", "北环路")], False, 17),
    ("KW3", "荆州市公共交通集团有限公司", "东方大道复兴大道口", "东方大道复兴大道口",
     [("东方大道", "复兴大道"), ("滩桥路", "复兴大道"), ("滩桥路", "北京东路"), ("东方大道", "北京东路"),
      ("东方大道", "复兴大道")], True, 22),
    ("12路", "荆州市公共交通集团有限公司", "沙市客运站", "经开区管委会",
     [("WEST_END", "北京东路"), ("东方大道", "北京东路"), ("东方大道", "复兴大道"), ("沙岑路", "复兴大道")],
     False, 18),
]


def route_lls(net, graph, dense, waypoints):
    pts = []
    for w in waypoints:
        if w[0] == "WEST_END":
            part = [i for i, r in enumerate(net.parts) if r["name"] == w[1]][0]
            pts.append(to_ll(dense[part][0]))
        else:
            pts.append(to_ll(net.nodes[net.crossing_node(*w)]))
    lls = []
    for s, t in zip(pts, pts[1:]):
        seg = graph.path(s, t)
        lls += seg if not lls else seg[1:]
    return lls


def rotate_closed(lls, near):
    ring = lls[:-1]
    k = min(range(len(ring)), key=lambda i: norm(sub(to_xy(ring[i]), near)))
    ring = ring[k:] + ring[:k]
    return ring + [ring[0]]


def cumulative(lls):
    cum = [0.0]
    for a, b in zip(lls, lls[1:]):
        cum.append(cum[-1] + geo_dist(a, b))
    return cum


def point_at(lls, cum, s):
    lo, hi = 0, len(cum) - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if cum[mid] <= s:
            lo = mid
        else:
            hi = mid
    seg = cum[hi] - cum[lo]
    t = 0.0 if seg == 0 else (s - cum[lo]) / seg
    a, b = lls[lo], lls[hi]
    return (round(a[0] + (b[0] - a[0]) * t, 6), round(a[1] + (b[1] - a[1]) * t, 6))


def place_stops(lls, n, closed, junction_lls, rng):
    cum = cumulative(lls)
    L = cum[-1]
    spacing = L / n if closed else L / (n - 1)
    jpos = [cum[i] for i, p in enumerate(lls) if p in junction_lls]
    pos = [0.0]
    for i in range(1, n):
        if not closed and i == n - 1:
            pos.append(L)
            break
        t = i * spacing + rng.uniform(-0.12, 0.12) * spacing
        near = [j for j in jpos if abs(j - t) < 0.28 * spacing]
        if near:
            j = min(near, key=lambda j: abs(j - t))
            t = j + 45.0
        t = max(t, pos[-1] + 0.45 * spacing)
        pos.append(t)
    if closed and pos[-1] > L - 0.45 * spacing:
        raise SystemExit("stops do not fit")
    return [(s, point_at(lls, cum, s)) for s in pos]


# ----------------------------------------------------------------------------------------
# Names and catalogues (illustrative)
# ----------------------------------------------------------------------------------------
HALL_AT = (3900, 4130)  # 荆州经开区政务服务中心, 常湾小区
# (name, kind, anchor) - anchors are design-plane metres; urban ones snap into a parcel.
# The service centres stand where they serve enterprises as well as residents: 北港 between the
# port and the 白色家电 cluster, 宿驾 and 观音垱 on the edge of their towns next to the town
# industrial clusters north of 豉湖路 (TOWN_CLUSTERS), 联合 on 北京东路 facing the port, 滩桥 on the
# town's southern edge facing the chemical park, 岑河 beside its small industrial quarter.
FACILITIES = [
    ("荆州经开区政务服务中心", "政务服务中心", HALL_AT),
    ("宿驾综合服务中心", "综合服务中心", (6420, 9250)),
    ("北港综合服务中心", "综合服务中心", (7750, 2900)),
    ("联合街道便民服务中心", "便民服务中心", (2540, 3380)),
    ("岑河镇便民服务中心", "便民服务中心", (10360, 10300)),
    ("滩桥镇便民服务中心", "便民服务中心", (11250, 5480)),
    ("观音垱镇便民服务中心", "便民服务中心", (2450, 8250)),
]
# Community stations sit in their community; those next to industrial land also serve the plants
# across the road (SERVING_STATIONS). Village stations sit by the village road.
STATIONS = [
    ("常湾社区", (3400, 3800)), ("联合社区", (1600, 4000)), ("江津社区", (2450, 3120)),
    ("长港社区", (2300, 5450)), ("学苑社区", (3950, 5450)), ("豉湖社区", (2000, 7000)),
    ("复兴社区", (3950, 6250)), ("东方社区", (1600, 6100)), ("观音垱社区", (2550, 8000)),
    ("宿驾社区", (5950, 9300)), ("宿驾新村社区", (7050, 9300)), ("岑河社区", (9600, 9800)),
    ("岑河新区社区", (10400, 10650)), ("滩桥社区", (11600, 5450)), ("滩桥新村社区", (12100, 7300)),
    ("北港社区", (8000, 3100)),
    ("三红村", (2600, 10550)), ("红光村", (3700, 9150)), ("友谊村", (4700, 10100)),
    ("团结村", (2950, 9150)), ("幸福村", (7600, 9350)), ("新建村", (8300, 10500)),
    ("胜利村", (11800, 8500)), ("民主村", (12700, 9000)), ("星火村", (12000, 10200)),
    ("前进村", (12900, 10450)), ("双桥村", (11500, 10750)), ("永丰村", (9900, 8500)),
    ("杨场村", (13000, 5550)), ("庙兴村", (12950, 8100)), ("黄獐村", (700, 9000)),
    ("窑湾村", (600, 6500)), ("戴家村", (500, 4800)), ("三八洲村", (4100, 1600)),
    ("联合村", (800, 3300)), ("观音垱村", (1700, 9800)),
]
SCHOOLS = [
    ("常湾小学", "小学", (3000, 4900)), ("联合小学", "小学", (1650, 5500)),
    ("宿驾小学", "小学", (6800, 10300)), ("滩桥小学", "小学", (11450, 6550)),
    ("荆州经开区实验中学", "中学", (3500, 5950)), ("岑河中学", "中学", (10300, 9800)),
    ("常湾幼儿园", "幼儿园", (3450, 4500)), ("学苑幼儿园", "幼儿园", (2250, 6750)),
    ("豉湖幼儿园", "幼儿园", (1700, 7300)), ("宿驾幼儿园", "幼儿园", (6200, 9650)),
    ("滩桥幼儿园", "幼儿园", (11150, 5750)),
    ("常湾警务室", "警务室", (2950, 4120)), ("北港警务室", "警务室", (8400, 3000)),
    ("宿驾警务室", "警务室", (7000, 10150)), ("滩桥警务室", "警务室", (11900, 5500)),
]
# Service radii of ParkPlan's coverage report (AnalysisSettings defaults), and the stop catchment
RADIUS_M = {"政务服务中心": 1000.0, "综合服务中心": 1000.0, "便民服务中心": 1000.0, "便民服务站": 500.0,
            "小学": 500.0, "中学": 1000.0, "幼儿园": 300.0, "警务室": 500.0}
CATCHMENT_M = 500.0
# No enterprise or facility lies within this distance of any radius above, and no enterprise
# within it of the catchment of any route's nearest stop, so planar and geodesic measures always
# agree on every count (the checker asks for 10 m).
RADIUS_BAND = 12.0
# Coverage the demo relies on: facility name -> (at least, at most) enterprises within its radius
COVERAGE_TARGETS = {
    "荆州经开区政务服务中心": (15, 60), "宿驾综合服务中心": (28, 55), "北港综合服务中心": (28, 55),
    "联合街道便民服务中心": (10, 45), "岑河镇便民服务中心": (10, 45),
    "滩桥镇便民服务中心": (10, 45), "观音垱镇便民服务中心": (10, 45),
    "北港警务室": (2, 40), "滩桥警务室": (2, 40),
}
# Stations next to industrial land: each serves at least one enterprise; the others serve none.
SERVING_STATIONS = ["常湾社区", "江津社区", "学苑社区", "复兴社区", "观音垱社区", "宿驾社区", "宿驾新村社区",
                    "岑河新区社区", "滩桥社区", "北港社区", "红光村", "团结村", "幸福村", "杨场村"]
# Built-up industrial land north of 豉湖路 (the rest of that zone is reserve land): points inside the
# parcels of the 观音垱 and 宿驾 town clusters, and the small industrial quarter of 岑河 on 滩桥路.
TOWN_CLUSTERS = [(2996, 8446), (3251, 7908), (3535, 8472), (5990, 8753), (6629, 8682), (7099, 8708)]
TOWN_INDUSTRY = [(10651, 10602), (10628, 10185)]

# Enterprises that tests and demos look for: (feature id, name, industry, anchor)
NAMED_ENTERPRISES = [
    ("QY-0001", "荆州金茂源环保科技有限公司", "环保科技", (6620, 6200)),
    ("QY-0002", "美的楼宇科技（荆州）有限公司", "家电制造", (7600, 6200)),
    ("QY-0003", "荆州五方光电科技有限公司", "光电子", (5050, 4560)),
    ("QY-0004", "法雷奥汽车空调湖北有限公司", "汽车零部件", (4350, 4100)),
    ("QY-0005", "湖北菲利华石英玻璃股份有限公司", "新材料", (4300, 3800)),
]
SHORT_NAMES = {"荆州金茂源环保科技有限公司": "金茂源", "美的楼宇科技（荆州）有限公司": "美的楼宇",
               "荆州五方光电科技有限公司": "五方光电", "法雷奥汽车空调湖北有限公司": "法雷奥",
               "湖北菲利华石英玻璃股份有限公司": "菲利华"}

NAME_HEADS = ["恒信", "华宇", "楚天", "长江", "江汉", "金桥", "鑫源", "荆楚", "瑞丰", "宏达", "博远", "中南",
              "天成", "新源", "明泰", "正和", "联创", "嘉禾", "永盛", "同创", "凯晟", "东升", "海川", "力拓",
              "安泰", "华茂", "汇通", "佳诚", "沃特", "德润", "九州", "三江", "盛和", "兴业", "荣昌", "卓越",
              "中科", "万达", "锦程", "远航", "宏图", "利民", "恒丰", "金鼎", "银河", "荆沙", "沙岑", "宝源",
              "科创", "立信"]
INDUSTRY_WORDS = {
    "电子信息": ["电子科技", "智能科技", "信息技术", "微电子"],
    "汽车零部件": ["汽车部件", "汽车零部件制造", "汽配", "精密铸造"],
    "家电制造": ["电器", "家电配件", "制冷设备", "塑胶制品"],
    "装备制造": ["机械制造", "精密机械", "机电设备", "重工"],
    "新材料": ["新材料科技", "复合材料", "高分子材料", "特种玻璃"],
    "纺织服装": ["纺织", "服饰", "印染", "无纺布"],
    "物流仓储": ["物流", "供应链管理", "仓储服务", "冷链物流"],
    "食品加工": ["食品", "粮油", "农产品加工", "饮品"],
    "化工": ["化工", "精细化工", "化学", "农化"],
    "生物医药": ["生物科技", "医药", "医疗器械", "制药"],
    "建材": ["建材", "混凝土", "新型墙材", "钢构"],
    "包装印刷": ["包装", "印务", "纸品", "彩印"],
}
ZONE_INDUSTRIES = {
    "ind": ["电子信息", "汽车零部件", "家电制造", "装备制造", "新材料", "纺织服装", "包装印刷"],
    "port": ["物流仓储", "装备制造", "建材", "食品加工"],
    "chem": ["化工", "化工", "新材料", "生物医药"],
    "new": ["新材料", "电子信息", "生物医药", "装备制造"],
    "north": ["装备制造", "食品加工", "纺织服装", "包装印刷"],
    "town": ["食品加工", "纺织服装"],
    "res": ["包装印刷"], "riverside": ["物流仓储"],
}
SECRETARIES = ["张伟", "李静", "王磊", "刘洋", "陈晨", "杨帆", "赵敏", "黄志强", "周婷", "吴昊", "徐丽娟", "孙浩",
               "马超", "朱琳", "胡军"]

# Projects: id, name, investor, investment (亿元), phase, stage, signed, started, where (anchor), land use
PROJECTS = [
    ("XM-2023-001", "先导稀材电子信息产业园（一期）", "广东先导稀材股份有限公司", 200.0, "一期", "在建",
     "2023-03-18", "2023-09-26", "xiandao1", "M1"),
    ("XM-2024-003", "先导稀材电子信息产业园（二期）", "广东先导稀材股份有限公司", 120.0, "二期", "签约",
     "2024-11-08", None, (10350, 5450), "M1"),
    ("XM-2023-006", "富春染织二期项目", "芜湖富春染织股份有限公司", 10.0, "二期", "开工",
     "2023-06-12", "2024-04-20", (6100, 8300), "M2"),
    ("XM-2020-004", "闽吉新材料产业园（一期）", "湖北闽吉新材料有限公司", 30.0, "一期", "投产",
     "2020-05-15", "2020-10-28", (9450, 4700), "M2"),
    ("XM-2022-002", "闽吉新材料产业园（二期）", "湖北闽吉新材料有限公司", 40.0, "二期", "在建",
     "2022-04-22", "2022-11-16", (9450, 4000), "M2"),
    ("XM-2024-001", "闽吉新材料产业园（三期）", "湖北闽吉新材料有限公司", 100.0, "三期", "入库",
     "2024-03-29", None, (10350, 4000), "M2"),
    ("XM-2021-003", "美的冰箱荆州产业园扩能项目", "湖北美的电冰箱有限公司", 25.0, "一期", "投产",
     "2021-02-26", "2021-06-18", (7800, 3900), "M1"),
    ("XM-2022-005", "美的空调荆州生产基地项目", "美的集团股份有限公司", 35.0, "一期", "在建",
     "2022-08-09", "2023-03-01", (8600, 3900), "M1"),
    ("XM-2023-004", "美的洗衣机荆州智能制造基地项目", "美的集团股份有限公司", 30.0, "一期", "开工",
     "2023-07-14", "2024-05-10", (8600, 4700), "M1"),
    ("XM-2022-001", "白色家电产业园标准厂房项目", "荆州开发区城市发展投资集团有限公司", 12.0, "一期", "在建",
     "2022-01-17", "2022-07-05", (7800, 4700), "M1"),
    ("XM-2024-005", "瑞勤精密电子产业园项目", "瑞勤科技（深圳）有限公司", 15.0, "一期", "履约",
     "2024-06-21", None, (8600, 5500), "M1"),
    ("XM-2019-002", "恒隆汽车转向系统扩能项目", "荆州恒隆汽车零部件制造有限公司", 8.0, "二期", "投产",
     "2019-09-10", "2020-03-16", (6000, 4000), "M1"),
    ("XM-2024-002", "法雷奥汽车空调扩能项目", "法雷奥汽车空调湖北有限公司", 6.5, "三期", "履约",
     "2024-04-25", None, (4450, 4750), "M1"),
    ("XM-2023-002", "菲利华石英材料扩产项目", "湖北菲利华石英玻璃股份有限公司", 20.0, "二期", "在建",
     "2023-05-06", "2023-10-12", (5200, 3800), "M1"),
    ("XM-2023-005", "五方光电二期项目", "荆州五方光电科技有限公司", 11.0, "二期", "开工",
     "2023-09-19", "2024-03-22", (5300, 4800), "M1"),
    ("XM-2021-001", "金茂源环保电镀产业园项目", "荆州金茂源环保科技有限公司", 18.0, "一期", "投产",
     "2021-03-30", "2021-08-08", (6900, 6900), "M2"),
    ("XM-2022-003", "盐卡港区综合物流园项目", "荆州港务集团有限公司", 16.0, "一期", "在建",
     "2022-05-20", "2022-12-01", (6000, 2700), "W1"),
    ("XM-2025-001", "华宇化工新材料一体化项目", "湖北华宇化工有限公司", 45.0, "一期", "签约",
     "2025-01-16", None, (12100, 4600), "M3"),
    ("XM-2024-004", "楚天新能源电池材料项目", "楚天新能源科技有限公司", 60.0, "一期", "入库",
     "2024-05-30", None, (9450, 6050), "M2"),
    ("XM-2025-002", "江汉生物医药产业园项目", "江汉生物医药集团有限公司", 22.0, "一期", "签约",
     "2025-03-07", None, (10350, 3700), "M1"),
    ("XM-2023-003", "长江智能装备制造基地项目", "长江智能装备股份有限公司", 14.0, "一期", "履约",
     "2023-11-02", None, (4300, 8300), "M1"),
    ("XM-2022-004", "荆楚冷链物流中心项目", "荆楚冷链物流有限公司", 5.5, "一期", "开工",
     "2022-09-15", "2023-06-18", (8400, 2300), "W1"),
    ("XM-2024-006", "鑫源半导体封测项目", "鑫源半导体（湖北）有限公司", 28.0, "一期", "入库",
     "2024-08-13", None, (9450, 5350), "M1"),
    ("XM-2020-001", "宏达汽车零部件产业园项目", "荆州宏达汽车零部件有限公司", 9.0, "一期", "投产",
     "2020-04-08", "2020-09-21", (6100, 5500), "M1"),
    ("XM-2023-007", "博远高端纺织项目", "博远纺织科技有限公司", 7.0, "一期", "履约",
     "2023-12-11", None, (7800, 8300), "M2"),
    ("XM-2022-006", "经开区人才公寓项目", "荆州开发区城市发展投资集团有限公司", 6.0, "一期", "在建",
     "2022-10-26", "2023-04-03", (2300, 4700), "R2"),
    ("XM-2025-003", "中德产业园标准厂房项目", "荆州中德产业园发展有限公司", 9.5, "一期", "签约",
     "2025-04-18", None, (6100, 7450), "M1"),
]
STAGE_STATUS = {"签约": "报批中", "履约": "摘牌", "入库": "已批", "开工": "已供地", "在建": "已供地", "投产": "已供地"}

LAND_USE = {
    "res": [("R2", 60), ("B1", 14), ("B2", 6), ("G1", 6), ("S4", 2), ("U1", 2)],
    "riverside": [("R2", 40), ("B1", 30), ("G1", 30)],
    "town": [("R2", 65), ("B1", 20), ("G1", 5), ("M1", 10)],
    "ind": [("M1", 68), ("M2", 20), ("W1", 7), ("U1", 5)],
    "port": [("W1", 55), ("M2", 30), ("U1", 10), ("S4", 5)],
    "new": [("M1", 60), ("M2", 30), ("W1", 10)],
    "chem": [("M3", 85), ("U1", 8), ("W1", 7)],
    "north": [("M1", 55), ("M2", 35), ("W1", 10)],
}
STATUS = {
    "built": [("已供地", 72), ("已批", 14), ("摘牌", 8), ("报批中", 6)],
    "new": [("储备", 35), ("报批中", 25), ("已批", 15), ("摘牌", 10), ("已供地", 15)],
    "north": [("储备", 45), ("报批中", 30), ("已批", 25)],
    "chem": [("已供地", 65), ("已批", 15), ("储备", 20)],
}
ZONE_STATUS = {"res": "built", "riverside": "built", "town": "built", "ind": "built", "port": "built",
               "new": "new", "north": "north", "chem": "chem"}
INDUSTRIAL = ("M1", "M2", "M3", "W1")


def weighted(rng, table):
    tot = sum(w for _, w in table)
    r = rng.uniform(0, tot)
    for v, w in table:
        r -= w
        if r <= 0:
            return v
    return table[-1][0]


# ----------------------------------------------------------------------------------------
# Placement helpers
# ----------------------------------------------------------------------------------------
class RoadIndex:
    """Distance from a point to the nearest road centre line (control-level polylines)."""

    def __init__(self, net):
        self.segs = []
        for ids in net.seq:
            pts = [net.nodes[k] for k in ids]
            for a, b in zip(pts, pts[1:]):
                self.segs.append((a, b, min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1])))

    def nearest(self, p, within=2000.0):
        best, bq = 1e18, None
        for a, b, x0, x1, y0, y1 in self.segs:
            if p[0] < x0 - within or p[0] > x1 + within or p[1] < y0 - within or p[1] > y1 + within:
                continue
            ab = sub(b, a)
            l2 = dot(ab, ab)
            t = 0.0 if l2 == 0 else max(0.0, min(1.0, dot(sub(p, a), ab) / l2))
            q = add(a, mul(ab, t))
            d = norm(sub(p, q))
            if d < best:
                best, bq = d, q
        return best, bq


def interior_point(rings, prefer, rng, margin=20.0):
    outer = rings[0]

    def ok(p):
        return point_in_poly(p, rings) and min(ring_dist(p, r) for r in rings) >= margin

    p = qz(prefer)
    if ok(p):
        return p
    c = centroid(outer)
    for k in range(1, 11):
        q = qz(lerp(prefer, c, k / 10))
        if ok(q):
            return q
    xs = [p[0] for p in outer]
    ys = [p[1] for p in outer]
    for _ in range(2000):
        q = qz((rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))))
        if ok(q):
            return q
    raise SystemExit("no interior point")


def random_point_in(rings, rng, margin):
    outer = rings[0]
    xs = [p[0] for p in outer]
    ys = [p[1] for p in outer]
    for _ in range(500):
        q = qz((rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))))
        if point_in_poly(q, rings) and min(ring_dist(q, r) for r in rings) >= margin:
            return q
    return None


def short_name(company):
    if company in SHORT_NAMES:
        return SHORT_NAMES[company]
    s = company
    for pre in ("荆州市", "荆州", "湖北", "广东"):
        if s.startswith(pre):
            s = s[len(pre):]
    for suf in ("股份有限公司", "有限公司"):
        if s.endswith(suf):
            s = s[: -len(suf)]
    s = s.replace("（荆州）", "")
    for word in ("汽车空调", "石英玻璃", "环保科技", "科技"):
        if s.endswith(word) and len(s) > len(word) + 1:
            s = s[: -len(word)]
    return s


# ----------------------------------------------------------------------------------------
# Build everything
# ----------------------------------------------------------------------------------------
def build():
    rng = random.Random(SEED)
    net = Network(road_defs())
    blocks = build_blocks(net)
    parcels, lake = build_parcels(blocks, rng)
    dense = densify_roads(net)
    graph = Graph(dense)
    roads_idx = RoadIndex(net)
    junction_names = {}
    for a, b, nid in net.crossings:
        ll = to_ll(net.nodes[nid])
        junction_names.setdefault(ll, [])
        for nm in (net.parts[a]["name"], net.parts[b]["name"]):
            if nm not in junction_names[ll]:
                junction_names[ll].append(nm)
    seg_road = {}
    for i, pts in enumerate(dense):
        lls = [to_ll(p) for p in pts]
        for a, b in zip(lls, lls[1:]):
            seg_road[(a, b)] = seg_road[(b, a)] = net.parts[i]["name"]

    for p in parcels:
        p["lu"] = None
        p["status"] = None
        p["project"] = None
        p["forced"] = False

    def parcel_at(pt, ok=lambda p: True):
        inside = [p for p in parcels if point_in_poly(pt, p["rings"]) and ok(p)]
        if inside:
            return inside[0]
        cands = [p for p in parcels if ok(p)]
        return min(cands, key=lambda p: norm(sub(p["center"], pt)))

    # ---- routes and stops
    routes = []
    kw6 = rotate_closed(route_lls(net, graph, dense, KW6_WAYPOINTS), KW6_START_NEAR)
    routes.append(dict(id="BL-KW6", name="KW6", operator="荆州市公共交通集团有限公司", frm="常湾小区", to="常湾小区",
                       lls=kw6, closed=True, n=KW6_STOPS))
    for name, op, frm, to, wps, closed, n in OTHER_ROUTES:
        routes.append(dict(id="BL-" + name.replace("路", ""), name=name, operator=op, frm=frm, to=to,
                           lls=route_lls(net, graph, dense, wps), closed=closed, n=n))
    jset = set(junction_names)
    for r in routes:
        r["stops"] = place_stops(r["lls"], r["n"], r["closed"], jset, rng)
        r["length"] = geo_length(r["lls"])
        if len(set(r["lls"])) != len(r["lls"]) - (1 if r["closed"] else 0):
            raise SystemExit("route %s is not simple" % r["name"])
    kw6_stops = [s[1] for s in routes[0]["stops"]]
    all_stops = [s[1] for r in routes for s in r["stops"]]

    # ---- facilities
    # Facilities, land use and enterprises draw from their own generators (land use and enterprise
    # candidates one per parcel), so moving a facility changes only what depends on it.
    frng = random.Random(SEED + 1)
    facilities = []
    urban_zones = ("res", "riverside", "town", "port", "ind", "new", "north")

    def place_facility(name, kind, anchor):
        village = name.endswith("村便民服务站")
        fid = "SS-%03d" % (len(facilities) + 1)
        in_parcel = [p for p in parcels if point_in_poly(anchor, p["rings"])]
        if village and not in_parcel:
            d, q = roads_idx.nearest(anchor)
            pt = anchor if d <= 220 else lerp(q, anchor, 140 / d)
            pt = qz(pt)
            if any(point_in_poly(pt, p["rings"]) for p in parcels):
                raise SystemExit("village %s lands in a parcel" % name)
        else:
            if kind in ("小学", "中学"):
                want = "A33"
            elif kind == "政务服务中心":
                want = "A1"
            elif kind in ("综合服务中心", "便民服务中心"):
                want = "B1"
            else:
                want = "R2"

            def ok(p):
                if p["zone"] not in urban_zones or p["tag"] in ("lakepark", "xiandao1"):
                    return False
                if p["lu"] is None:
                    return True
                if want in ("A33", "A1"):
                    return False
                return p["lu"] in ("R2", "B1")

            cands = sorted((p for p in parcels if ok(p)),
                           key=lambda p: (not point_in_poly(anchor, p["rings"]), norm(sub(p["center"], anchor))))
            for p in cands:
                pt = interior_point(p["rings"], anchor, frng)
                d, q = roads_idx.nearest(pt)
                if d > 240:  # slide toward the nearest road, staying inside the parcel
                    pt2 = qz(lerp(q, pt, 200 / d))
                    for k in range(12):
                        if point_in_poly(pt2, p["rings"]) and min(ring_dist(pt2, r) for r in p["rings"]) >= 12:
                            break
                        pt2 = qz(lerp(q, pt, (200 - 12 * (k + 1)) / d))
                    else:
                        continue
                    pt = pt2
                break
            else:
                raise SystemExit("no parcel for %s" % name)
            if p["lu"] is None:
                p["lu"] = want
                p["status"] = "已供地"
                p["forced"] = True
        facilities.append(dict(id=fid, name=name, kind=kind, xy=pt))

    for name, kind, anchor in FACILITIES:
        place_facility(name, kind, anchor)
    for name, anchor in STATIONS:
        place_facility(name + "便民服务站", "便民服务站", anchor)
    for name, kind, anchor in SCHOOLS:
        place_facility(name, kind, anchor)
    hall = facilities[0]

    # ---- parcels of the named enterprises
    named = []
    for eid, name, ind, anchor in NAMED_ENTERPRISES:
        p = parcel_at(anchor, lambda p: p["lu"] in (None, "M1") and p["zone"] in ("ind", "new", "port"))
        p["lu"], p["status"], p["forced"] = "M1", "已供地", True
        named.append(dict(id=eid, name=name, industry=ind, xy=interior_point(p["rings"], anchor, frng),
                          parcel=p))

    # ---- projects
    projects = []
    named_parcels = [e["parcel"] for e in named]
    for (pid, pname, inv, amount, phase, stage, signed, started, where, lu) in PROJECTS:
        if where == "xiandao1":
            p = [q for q in parcels if q["tag"] == "xiandao1"][0]
        else:
            short = short_name(inv)

            def ok(q, short=short):
                if q["project"] is not None or q["tag"] in ("L", "notch", "lakepark"):
                    return False
                if not is_convex(q["rings"][0]) or q["mu"] < 40:
                    return False
                if q in named_parcels:
                    e = named[named_parcels.index(q)]
                    return short_name(e["name"]) == short
                if q["forced"]:
                    return False
                return (lu in ("R2", "B1")) == (q["zone"] in ("res", "riverside", "town"))

            p = parcel_at(where, ok)
        status = STAGE_STATUS[stage]
        if stage == "签约" and len([x for x in projects if x["stage"] == "签约"]) % 2 == 1:
            status = "储备"
        p["lu"], p["status"], p["project"], p["forced"] = lu, status, pid, True
        c = qz(centroid(p["rings"][0]))
        if not point_in_poly(c, p["rings"]):
            raise SystemExit("centroid of %s outside its parcel" % pid)
        projects.append(dict(id=pid, name=pname, investor=inv, amount=amount, phase=phase, stage=stage,
                             signed=signed, started=started, parcel=p, xy=c,
                             secretary=SECRETARIES[len(projects) * 7 % len(SECRETARIES)]))

    # ---- land use and approval status of every other parcel
    def parcel_rng(p, what):
        return random.Random("%d/%s/%.0f/%.0f" % (SEED, what, p["center"][0], p["center"][1]))

    for at in TOWN_CLUSTERS + TOWN_INDUSTRY:  # the built-up industrial land of the towns
        p = parcel_at(at)
        if not point_in_poly(at, p["rings"]) or p["forced"]:
            raise SystemExit("town industrial parcel at %s is taken" % (at,))
        lu = weighted(parcel_rng(p, "lu"), LAND_USE["north"]) if p["zone"] == "north" else "M1"
        p["lu"], p["status"], p["forced"] = lu, "已供地", True
    notch_uses = iter(["U1", "S4", "U1", "S4"])  # the small notch parcels: substations, a bus depot
    for p in parcels:
        prng = parcel_rng(p, "lu")
        lu, status = weighted(prng, LAND_USE[p["zone"]]), weighted(prng, STATUS[ZONE_STATUS[p["zone"]]])
        if p["tag"] == "lakepark":
            p["lu"], p["status"] = "G1", "已供地"
        if p["tag"] == "notch" and p["lu"] is None:
            p["lu"] = next(notch_uses, "U1")
        if p["lu"] is None:
            p["lu"] = lu
            if p["lu"] in ("U1", "S4") and p["mu"] > 150:  # utilities and depots are small sites
                p["lu"] = LAND_USE[p["zone"]][0][0]
        if p["status"] is None:
            p["status"] = status
            if p["lu"] in ("G1", "U1", "S4") and p["status"] == "储备":
                p["status"] = "已批"
    xd2 = [p for p in parcels if p["block"] == [q for q in parcels if q["tag"] == "xiandao1"][0]["block"]
           and p["tag"] != "xiandao1" and p["project"] is None]
    for p in xd2:  # the rest of the 先导 block is held in reserve for later phases
        p["lu"], p["status"] = "M1", "储备"

    # ---- parcel ids (JZ-year-seq, the year the parcel was registered), in a stable order
    years = {}
    for p in parcels:
        pr = [x for x in projects if x["parcel"] is p]
        if pr:
            y = int(pr[0]["signed"][:4])
        else:
            y = weighted(rng, [(2016, 4), (2017, 5), (2018, 6), (2019, 8), (2020, 10), (2021, 12), (2022, 13),
                               (2023, 14), (2024, 15), (2025, 6)])
        years[y] = years.get(y, 0) + 1
        p["id"] = "JZ-%d-%03d" % (y, years[y])

    # ---- enterprises
    # Candidates are spread over the producing industrial parcels; 300 are picked: 82 along KW6
    # (with the named ones), 16 "gaps" that no stop, service centre or station reaches, and the
    # rest near another route or a service centre. Service centres, police posts and the stations
    # next to industrial land first get their share (COVERAGE_TARGETS, SERVING_STATIONS).
    fac_ll = [(f, to_ll(f["xy"]), RADIUS_M[f["kind"]]) for f in facilities]
    centre_kinds = ("政务服务中心", "综合服务中心", "便民服务中心")

    def dmin(p, lls):
        ll = to_ll(p)
        return min(geo_dist(ll, q) for q in lls)

    def measure(c):
        ll = to_ll(c["xy"])
        c["df"] = [geo_dist(ll, fl) for _, fl, _ in fac_ll]
        c["droute"] = [dmin(c["xy"], [s[1] for s in r["stops"]]) for r in routes]
        c["d6"], c["dall"] = c["droute"][0], min(c["droute"])
        c["dc"] = min(d for d, (f, _, _) in zip(c["df"], fac_ll) if f["kind"] in centre_kinds)
        c["dst"] = min(d for d, (f, _, _) in zip(c["df"], fac_ll) if f["kind"] == "便民服务站")
        c["in"] = [d <= r for d, (_, _, r) in zip(c["df"], fac_ll)]
        c["clear"] = (all(abs(d - r) >= RADIUS_BAND for d, (_, _, r) in zip(c["df"], fac_ll))
                      and all(abs(d - CATCHMENT_M) >= RADIUS_BAND for d in c["droute"]))
        return c

    hosts = [p for p in parcels if p["lu"] in INDUSTRIAL and p["status"] == "已供地"
             and (p["project"] is None or [x for x in projects if x["id"] == p["project"]][0]["stage"] == "投产")]
    cands = []
    for p in hosts:
        prng = parcel_rng(p, "enterprises")
        k = max(1, int(round(p["mu"] / 30)))
        pts = []
        tries = 0
        while len(pts) < k and tries < 400:
            tries += 1
            q = random_point_in(p["rings"], prng, 25.0)
            if q is None:
                break
            if any(norm(sub(q, o)) < 60 for o in pts):
                continue
            if roads_idx.nearest(q, 400)[0] > 280:
                continue
            if any(norm(sub(q, e["xy"])) < 60 for e in named):
                continue
            pts.append(q)
        for q in pts:
            cands.append(measure(dict(xy=q, parcel=p)))
    for e in named:
        if not measure(e)["clear"]:
            raise SystemExit("%s lies within %.0f m of a service radius" % (e["name"], RADIUS_BAND))
    for f, fl, r in fac_ll:
        for g, gl, _ in fac_ll:
            if f is not g and abs(geo_dist(fl, gl) - r) < RADIUS_BAND:
                raise SystemExit("%s lies %.1f m from %s (radius %.0f m)" % (g["name"], geo_dist(fl, gl), f["name"], r))
    cands = [c for c in cands if c["clear"]]
    for c in cands:
        c["picked"] = False
        c["served"] = c["dall"] <= 440 or c["dc"] <= 920 or c["dst"] <= 440
        c["cls"] = ("near" if c["d6"] <= 470 and c["served"] else
                    "far" if c["d6"] >= 530 and c["served"] else
                    "gap" if c["dall"] >= 560 and c["dc"] >= 1080 and c["dst"] >= 560 else None)
    n_named_near = sum(1 for e in named if e["d6"] <= CATCHMENT_M)
    want = {"near": 82 - n_named_near, "gap": 16}
    want["far"] = 300 - len(named) - want["near"] - want["gap"]
    fidx = {f["name"]: i for i, (f, _, _) in enumerate(fac_ll)}
    station_idx = [i for i, (f, _, _) in enumerate(fac_ll) if f["kind"] == "便民服务站"]
    serving = set(fidx[n + "便民服务站"] for n in SERVING_STATIONS)
    targets = [(fidx[n], lo, hi) for n, (lo, hi) in COVERAGE_TARGETS.items()] + [(i, 1, 60) for i in sorted(serving)]
    cap = {i: hi for i, lo, hi in targets}
    count = [sum(1 for e in named if e["in"][i]) for i in range(len(fac_ll))]
    srng = random.Random(SEED + 2)
    chosen = []
    taken = {"near": 0, "gap": 0, "far": 0}

    def fits(c):
        if c["cls"] is None or taken[c["cls"]] >= want[c["cls"]]:
            return False
        if any(c["in"][i] for i in station_idx if i not in serving):
            return False
        return all(count[i] < cap[i] for i in cap if c["in"][i])

    def take(c):
        c["picked"] = True
        chosen.append(c)
        taken[c["cls"]] += 1
        for i, hit in enumerate(c["in"]):
            count[i] += hit

    for i, lo, hi in targets:  # each facility's share first
        pool = [c for c in cands if c["in"][i] and c["cls"] in ("near", "far")]
        srng.shuffle(pool)
        for c in pool:
            if count[i] >= lo:
                break
            if not c["picked"] and fits(c):
                take(c)
        if count[i] < lo:
            raise SystemExit("%s serves only %d enterprises (candidates within its radius: %s)"
                             % (fac_ll[i][0]["name"], count[i], dict(Counter(c["cls"] for c in cands if c["in"][i]))))
    for cls in ("near", "gap", "far"):
        pool = [c for c in cands if c["cls"] == cls and not c["picked"]]
        srng.shuffle(pool)
        for c in pool:
            if taken[cls] >= want[cls]:
                break
            if fits(c):
                take(c)
        if taken[cls] < want[cls]:
            raise SystemExit("only %d of %d %s enterprises" % (taken[cls], want[cls], cls))
    if os.environ.get("JZ_DEBUG"):
        print("hosts", len(hosts), "cands", len(cands), dict(Counter(c["cls"] for c in cands)), file=sys.stderr)
        for i, (f, _, r) in enumerate(fac_ll):
            if count[i]:
                print("  %s %s %d" % (f["id"], f["name"], count[i]), file=sys.stderr)
    chosen.sort(key=lambda c: (-round(c["xy"][1], -2), c["xy"][0]))

    enterprises = []
    used_names = set(e["name"] for e in named)
    for e in named:
        emp = rng.randint(300, 1800)
        enterprises.append(dict(id=e["id"], name=e["name"], industry=e["industry"], xy=e["xy"], employees=emp,
                                output=round(emp * rng.uniform(60, 160), 1)))
    # producing projects: their investor runs the plant on that parcel
    for pr in projects:
        if pr["stage"] != "投产" or pr["investor"] in used_names:
            continue
        c = [x for x in chosen if x["parcel"] is pr["parcel"]]
        if c:
            c[0]["name"] = pr["investor"]
    for c in chosen:
        ind = rng.choice(ZONE_INDUSTRIES[c["parcel"]["zone"]])
        name = c.get("name")
        while name is None or name in used_names:
            head = rng.choice(NAME_HEADS)
            word = rng.choice(INDUSTRY_WORDS[ind])
            pre = "湖北" if rng.random() < 0.15 else "荆州"
            suf = "股份有限公司" if rng.random() < 0.1 else "有限公司"
            name = pre + head + word + suf
        used_names.add(name)
        if "美的" in name or "冰箱" in name:
            ind = "家电制造"
        elif "闽吉" in name:
            ind = "新材料"
        elif "汽车" in name:
            ind = "汽车零部件"
        emp = int(min(6000, max(12, rng.lognormvariate(5.0, 0.9))))
        enterprises.append(dict(id="QY-%04d" % (len(enterprises) + 1), name=name, industry=ind, xy=c["xy"],
                                employees=emp, output=round(emp * rng.uniform(35, 180), 1)))

    # ---- stop names
    landmarks = []
    for f in facilities:
        nm = f["name"]
        if f["kind"] == "政务服务中心":
            label = "经开区政务服务中心"
        elif f["kind"] == "便民服务中心":
            label = nm.replace("便民服务中心", "")
        elif f["kind"] == "便民服务站":
            label = nm.replace("便民服务站", "")
        elif f["kind"] == "警务室":
            continue
        else:
            label = nm.replace("荆州经开区", "")
        landmarks.append((label, f["xy"]))
    for e in enterprises[:len(named)]:
        landmarks.append((short_name(e["name"]), e["xy"]))
    for pr in projects:
        if pr["id"] == "XM-2023-001":
            landmarks.append(("先导产业园", pr["xy"]))
        elif pr["id"] == "XM-2021-003":
            landmarks.append(("美的工业园", pr["xy"]))
        elif pr["id"] == "XM-2022-001":
            landmarks.append(("白色家电产业园", pr["xy"]))
        elif pr["id"] == "XM-2022-003":
            landmarks.append(("盐卡港区", pr["xy"]))
    for r in routes:
        used = set()
        cum = cumulative(r["lls"])
        names = []
        for k, (s, ll) in enumerate(r["stops"]):
            xy = to_xy(ll)
            label = None
            if r["name"] == "KW6" and k == 0:
                label = "常湾小区"
            if label is None:
                best = None
                for lab, pt in landmarks:
                    if lab in used:
                        continue
                    d = norm(sub(pt, xy))
                    if d < 260 and (best is None or d < best[0]):
                        best = (d, lab)
                if best:
                    label = best[1]
            # the road the stop stands on
            i = max(0, min(len(cum) - 2, next(j for j in range(len(cum) - 1) if cum[j + 1] >= s)))
            cur = seg_road.get((r["lls"][i], r["lls"][i + 1]), "")
            if label is None:
                js = [(norm(sub(to_xy(j), xy)), j) for j in jset]
                js = [x for x in js if x[0] < 200]
                if js:
                    j = min(js)[1]
                    others = [nm for nm in junction_names[j] if nm != cur]
                    if others:
                        for cand in (others[0], cur + others[0] + "路口"):
                            if cand not in used:
                                label = cand
                                break
            if label is None:
                best = None
                for lab, pt in landmarks:
                    d = norm(sub(pt, xy))
                    if lab not in used and d < 650 and (best is None or d < best[0]):
                        best = (d, lab)
                if best:
                    label = best[1]
            if label is None:
                js = sorted((norm(sub(to_xy(j), xy)), j) for j in jset)
                for _, j in js[:4]:
                    others = [nm for nm in junction_names[j] if nm != cur]
                    if not others:
                        continue
                    dv = sub(xy, to_xy(j))
                    if abs(dv[0]) >= abs(dv[1]):
                        dirn = "东" if dv[0] > 0 else "西"
                    else:
                        dirn = "北" if dv[1] > 0 else "南"
                    for cand in (others[0] + dirn, cur + others[0] + dirn):
                        if cand not in used:
                            label = cand
                            break
                    if label:
                        break
            if label is None:
                raise SystemExit("no name for stop %d of %s on %r" % (k + 1, r["name"], cur))
            used.add(label)
            names.append(label + "站")
        r["names"] = names

    # ---- water
    north = [(x, bank_y(x)) for x in range(14100, -601, -200)]
    south = smooth_curve(list(reversed(BANK_S)), 200)
    river = [qz(p) for p in north + south]
    island = [qz(p) for p in reversed(smooth_curve(
        [(2700, 1430), (3300, 1640), (4200, 1720), (5200, 1640), (5900, 1420), (5200, 1250), (4200, 1220),
         (3300, 1260), (2700, 1430)], 150))]
    island = clean_ring(island, 1.0)
    egret = lake_ring((4250, 9800), 330, 170, random.Random(SEED + 3))
    water = [("SX-01", "长江", [river, island]), ("SX-02", "豉湖", [lake]), ("SX-03", "鹭湖", [egret])]

    return dict(net=net, dense=dense, graph=graph, parcels=parcels, routes=routes, facilities=facilities,
                enterprises=enterprises, projects=projects, water=water, hall=hall, roads_idx=roads_idx,
                named=named)


# ----------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------
def fmt_coord(ll):
    return "[%.6f,%.6f]" % ll


def fmt_line(lls):
    return "[" + ",".join(fmt_coord(p) for p in lls) + "]"


def ring_ll(ring_xy, ccw=True):
    lls = [to_ll(p) for p in ring_xy]
    if lls[0] != lls[-1]:
        lls.append(lls[0])
    if (ring_area_signed(lls) > 0) != ccw:
        lls.reverse()
    return lls


def feature(fid, props, geom_type, coords_text):
    return ('{"type":"Feature","id":%s,"properties":%s,"geometry":{"type":"%s","coordinates":%s}}'
            % (json.dumps(fid, ensure_ascii=False), json.dumps(props, ensure_ascii=False), geom_type, coords_text))


def write_fc(path, name, feats):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","name":%s,"features":[\n' % json.dumps(name, ensure_ascii=False))
        f.write(",\n".join(feats))
        f.write("\n]}\n")


MANIFEST = {
    "parkplan_manifest": 1,
    "name": "荆州经济技术开发区（示意图）",
    "description": "Illustrative planning map, not survey data",
    "layers": [
        {"path": "地块.geojson", "name": "地块", "role": "parcels",
         "fields": {"id": "地块编号", "land_use": "用地性质", "status": "审批状态", "area_mu": "面积_亩",
                    "project_id": "项目编号"}},
        {"path": "项目.geojson", "name": "项目", "role": "projects",
         "fields": {"id": "项目编号", "name": "项目名称", "investor": "投资方", "investment": "投资额_亿元",
                    "phase": "分期", "stage": "项目阶段", "secretary": "项目秘书", "signed_date": "签约日期",
                    "start_date": "开工日期", "parcel_id": "地块编号"}},
        {"path": "企业.geojson", "name": "企业", "role": "enterprises",
         "fields": {"name": "企业名称", "industry": "行业", "employees": "职工人数", "output_value": "产值_万元"}},
        {"path": "服务设施.geojson", "name": "服务设施", "role": "facilities",
         "fields": {"name": "设施名称", "kind": "设施类型"}},
        {"path": "公交线路.geojson", "name": "公交线路", "role": "bus_routes", "fields": {"name": "线路名称"}},
        {"path": "公交站点.geojson", "name": "公交站点", "role": "bus_stops",
         "fields": {"name": "站点名称", "route": "线路", "seq": "序号"}},
        {"path": "道路.geojson", "name": "道路", "role": "roads",
         "fields": {"name": "道路名称", "class": "道路等级", "speed": "限速_kmh"}},
        {"path": "水系.geojson", "name": "水系", "role": "other", "fields": {"name": "名称"}},
    ],
}


def write_all(D, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for fn in sorted(os.listdir(out_dir)):
        if fn.endswith(".geojson") or fn == "manifest.json":
            os.remove(os.path.join(out_dir, fn))
    # parcels
    feats = []
    for p in D["parcels"]:
        rings = [ring_ll(p["rings"][0], True)] + [ring_ll(h, False) for h in p["rings"][1:]]
        props = {"地块编号": p["id"], "用地性质": p["lu"], "审批状态": p["status"],
                 "面积_亩": round(polygon_area_m2(rings) / MU_M2, 2)}
        if p["project"]:
            props["项目编号"] = p["project"]
        feats.append(feature(p["id"], props, "Polygon", "[" + ",".join(fmt_line(r) for r in rings) + "]"))
    write_fc(os.path.join(out_dir, "地块.geojson"), "地块", feats)
    # projects
    feats = []
    for pr in D["projects"]:
        props = {"项目编号": pr["id"], "项目名称": pr["name"], "投资方": pr["investor"], "投资额_亿元": pr["amount"],
                 "分期": pr["phase"], "项目阶段": pr["stage"], "项目秘书": pr["secretary"], "签约日期": pr["signed"]}
        if pr["started"]:
            props["开工日期"] = pr["started"]
        props["地块编号"] = pr["parcel"]["id"]
        feats.append(feature(pr["id"], props, "Point", fmt_coord(to_ll(pr["xy"]))))
    write_fc(os.path.join(out_dir, "项目.geojson"), "项目", feats)
    # enterprises
    feats = [feature(e["id"], {"企业名称": e["name"], "行业": e["industry"], "职工人数": e["employees"],
                               "产值_万元": e["output"]}, "Point", fmt_coord(to_ll(e["xy"])))
             for e in D["enterprises"]]
    write_fc(os.path.join(out_dir, "企业.geojson"), "企业", feats)
    # facilities
    feats = [feature(f["id"], {"设施名称": f["name"], "设施类型": f["kind"]}, "Point", fmt_coord(to_ll(f["xy"])))
             for f in D["facilities"]]
    write_fc(os.path.join(out_dir, "服务设施.geojson"), "服务设施", feats)
    # bus routes and stops
    feats = [feature(r["id"], {"线路名称": r["name"], "运营单位": r["operator"], "起点": r["frm"], "终点": r["to"]},
                     "LineString", fmt_line(r["lls"])) for r in D["routes"]]
    write_fc(os.path.join(out_dir, "公交线路.geojson"), "公交线路", feats)
    feats = []
    for r in D["routes"]:
        for k, ((s, ll), nm) in enumerate(zip(r["stops"], r["names"])):
            sid = "ZD-%s-%03d" % (r["name"].replace("路", ""), k + 1)
            feats.append(feature(sid, {"站点名称": nm, "线路": r["name"], "序号": k + 1}, "Point", fmt_coord(ll)))
    write_fc(os.path.join(out_dir, "公交站点.geojson"), "公交站点", feats)
    # roads (one feature per name; 纬三路 has two parts)
    net = D["net"]
    order = []
    for i, r in enumerate(net.parts):
        if r["name"] not in [o[0] for o in order]:
            order.append((r["name"], r["cls"], r["speed"], []))
        [o for o in order if o[0] == r["name"]][0][3].append(i)
    feats = []
    for k, (name, cls, speed, idx) in enumerate(order):
        lines = [[to_ll(p) for p in D["dense"][i]] for i in idx]
        props = {"道路名称": name, "道路等级": cls, "限速_kmh": speed}
        rid = "DL-%02d" % (k + 1)
        if len(lines) == 1:
            feats.append(feature(rid, props, "LineString", fmt_line(lines[0])))
        else:
            feats.append(feature(rid, props, "MultiLineString", "[" + ",".join(fmt_line(l) for l in lines) + "]"))
    write_fc(os.path.join(out_dir, "道路.geojson"), "道路", feats)
    # water
    feats = []
    for wid, name, rings in D["water"]:
        rr = [ring_ll(rings[0], True)] + [ring_ll(h, False) for h in rings[1:]]
        feats.append(feature(wid, {"名称": name}, "Polygon", "[" + ",".join(fmt_line(r) for r in rr) + "]"))
    write_fc(os.path.join(out_dir, "水系.geojson"), "水系", feats)
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(MANIFEST, f, ensure_ascii=False, indent=2)
        f.write("\n")


def summary(D):
    kw6 = D["routes"][0]
    print("parcels %d, projects %d, enterprises %d, facilities %d, roads %d parts, routes %d"
          % (len(D["parcels"]), len(D["projects"]), len(D["enterprises"]), len(D["facilities"]),
             len(D["net"].parts), len(D["routes"])))
    print("KW6: %.3f km, %d stops; road graph components: %d"
          % (kw6["length"] / 1000, len(kw6["stops"]), D["graph"].components()))
    xd = [p for p in D["parcels"] if p["tag"] == "xiandao1"][0]
    print("先导 phase-one parcel %s: %.2f mu" % (xd["id"], xd["mu"]))


def main():
    D = build()
    write_all(D, OUT_DIR)
    summary(D)
    # The land and project ledger (dates, people, documents, 三区三线 layers).
    import build_ledger
    build_ledger.main()
    total = sum(os.path.getsize(os.path.join(OUT_DIR, f)) for f in os.listdir(OUT_DIR))
    print("wrote %s (%d bytes)" % (OUT_DIR, total))


if __name__ == "__main__":
    main()
