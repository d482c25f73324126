#!/usr/bin/env python3
"""Check the bundled sample map maps/jingzhou-etdz/ against what ParkPlan expects of it.

Needs Python 3.9+ with pyproj (>= 3) and shapely (>= 2), e.g.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install pyproj shapely
    /tmp/venv/bin/python maps/tools/check_jingzhou.py [map folder]

Independent of the generator: every figure here comes from pyproj's geodesics (Karney,
WGS84 ellipsoid) and shapely, not from build_jingzhou.py. Exit status 1 if a check fails.
"""

import json
import math
import os
import re
import sys
from collections import Counter, defaultdict

from pyproj import Geod, Transformer
from shapely import STRtree
from shapely.geometry import LineString, MultiLineString, Point, Polygon, shape
from shapely.validation import explain_validity

HERE = os.path.dirname(os.path.abspath(__file__))
MAP = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(HERE, "..", "jingzhou-etdz"))
GEOD = Geod(ellps="WGS84")
MU = 10000.0 / 15.0
# planar metres for topology tests only (Gauss-Krüger around the map centre; scale error < 1e-6)
TM = Transformer.from_crs("EPSG:4326", "+proj=tmerc +lon_0=112.35 +lat_0=0 +k=1 +ellps=GRS80 +units=m",
                          always_xy=True)

failures = []

# Service radii of ParkPlan's coverage report (its defaults) and the 500 m stop catchment
RADIUS = {"政务服务中心": 1000.0, "综合服务中心": 1000.0, "便民服务中心": 1000.0, "便民服务站": 500.0,
          "小学": 500.0, "中学": 1000.0, "幼儿园": 300.0, "警务室": 500.0}
CATCHMENT = 500.0
MARGIN = 10.0  # nothing this close to a radius, so planar and geodesic counts agree
NAMED = {"QY-0001": "金茂源", "QY-0002": "美的楼宇", "QY-0003": "五方光电", "QY-0004": "法雷奥", "QY-0005": "菲利华"}


def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what)
    if not ok:
        failures.append(what)


def load(name):
    path = os.path.join(MAP, name)
    raw = open(path, "rb").read()
    check(not raw.startswith(b"\xef\xbb\xbf"), "%s: UTF-8 without BOM" % name)
    fc = json.loads(raw.decode("utf-8"))
    feats = fc["features"]
    ids = [f.get("id") for f in feats]
    check(all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids),
          "%s: %d features, every one with a unique string id" % (name, len(feats)))
    decimals = set()
    for geom in re.findall(rb'"coordinates":(\[[-0-9.,\[\]eE]*\])', raw):
        decimals |= set(len(m) for m in re.findall(rb"\.(\d+)", geom))
    return feats, raw, decimals


def xy(lon, lat):
    return TM.transform(lon, lat)


def to_m(geom):
    import shapely
    return shapely.transform(geom, lambda c: __import__("numpy").column_stack(TM.transform(c[:, 0], c[:, 1])))


def dist(a, b):
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def geod_length(coords):
    lons, lats = zip(*coords)
    return GEOD.line_length(lons, lats)


def main():
    print("map:", MAP)
    print("[files]")
    parcels, _, dec_p = load("地块.geojson")
    projects, _, _ = load("项目.geojson")
    ents, _, _ = load("企业.geojson")
    facs, _, _ = load("服务设施.geojson")
    routes, _, dec_r = load("公交线路.geojson")
    stops, _, _ = load("公交站点.geojson")
    roads, _, dec_d = load("道路.geojson")
    water, _, _ = load("水系.geojson")
    check(dec_p | dec_r | dec_d == {6}, "coordinates written with 6 decimals (parcels, routes, roads)")
    man = json.load(open(os.path.join(MAP, "manifest.json"), encoding="utf-8"))
    check(man.get("parkplan_manifest") == 1 and len(man["layers"]) == 12
          and all(os.path.exists(os.path.join(MAP, l["path"])) for l in man["layers"]),
          "manifest: version 1, 12 layers, every path exists")
    size = sum(os.path.getsize(os.path.join(MAP, f)) for f in os.listdir(MAP))
    check(size < 1_000_000, "folder size %d bytes (< 1 MB)" % size)

    # ------------------------------------------------------------------ extent
    lons, lats = [], []
    for feats in (parcels, ents, facs, routes, stops, roads):
        for f in feats:
            g = shape(f["geometry"])
            b = g.bounds
            lons += [b[0], b[2]]
            lats += [b[1], b[3]]
    print("  extent (without water): lon %.4f..%.4f, lat %.4f..%.4f" % (min(lons), max(lons), min(lats), max(lats)))
    check(112.26 <= min(lons) and max(lons) <= 112.44 and 30.25 <= min(lats) and max(lats) <= 30.39,
          "everything lies around 112.28-112.42 E, 30.27-30.37 N")

    # ------------------------------------------------------------------ parcels
    print("[parcels]")
    polys, polys_m = [], []
    bad_valid, bad_orient, worst_area = [], [], 0.0
    for f in parcels:
        g = f["geometry"]
        check_type = g["type"] == "Polygon"
        if not check_type:
            bad_valid.append(f["id"])
            continue
        rings = g["coordinates"]
        for k, r in enumerate(rings):
            a, _ = GEOD.polygon_area_perimeter([p[0] for p in r], [p[1] for p in r])
            if (a > 0) != (k == 0) or r[0] != r[-1]:
                bad_orient.append(f["id"])
        poly = Polygon(rings[0], rings[1:])
        pm = to_m(poly)
        if not poly.is_valid or not pm.is_valid:
            bad_valid.append("%s (%s)" % (f["id"], explain_validity(pm)))
        area, _ = GEOD.geometry_area_perimeter(poly)
        mu = abs(area) / MU
        worst_area = max(worst_area, abs(mu - f["properties"]["面积_亩"]))
        polys.append(poly)
        polys_m.append(pm)
    n = len(parcels)
    check(150 <= n <= 300, "%d parcels (150-300)" % n)
    check(not bad_valid, "every parcel is a valid Polygon %s" % (bad_valid[:5] or ""))
    check(not bad_orient, "rings closed; exteriors counter-clockwise, holes clockwise (RFC 7946) %s"
          % (bad_orient[:5] or ""))
    check(worst_area < 0.01, "面积_亩 equals the geodesic area (worst difference %.4f mu)" % worst_area)
    tree = STRtree(polys_m)
    overlaps = []
    touching = 0
    for i, pm in enumerate(polys_m):
        for j in tree.query(pm):
            if j <= i:
                continue
            inter = pm.intersection(polys_m[j]).area
            if inter > 0.01:
                overlaps.append((parcels[i]["id"], parcels[j]["id"], inter))
            elif pm.intersects(polys_m[j]):
                touching += 1
    check(not overlaps, "no two parcels overlap (%d overlapping pairs%s)"
          % (len(overlaps), (", e.g. %s" % (overlaps[0],)) if overlaps else ""))
    holes = [f["id"] for f in parcels if len(f["geometry"]["coordinates"]) > 1]
    concave = [f["id"] for f, pm in zip(parcels, polys_m)
               if len(f["geometry"]["coordinates"]) == 1 and pm.convex_hull.area - pm.area > 0.05 * pm.area]
    check(len(holes) >= 1, "parcels with a hole: %s" % holes)
    check(len(concave) >= 2, "clearly concave (L-shaped) parcels: %s" % concave)
    props = [f["properties"] for f in parcels]
    st = Counter(p["审批状态"] for p in props)
    check(set(st) == {"已批", "报批中", "已供地", "摘牌", "储备"}, "审批状态 values: %s" % dict(st))
    print("  用地性质: %s" % dict(Counter(p["用地性质"] for p in props).most_common()))
    xd = [(f, abs(GEOD.geometry_area_perimeter(p)[0]) / MU) for f, p in zip(parcels, polys)
          if f["properties"].get("项目编号") == "XM-2023-001"]
    check(len(xd) == 1 and abs(xd[0][1] - 513) <= 5,
          "先导稀材 phase-one parcel %s: %.2f mu geodesic (513 ± 5)" % (xd[0][0]["id"], xd[0][1]) if xd else
          "先导稀材 phase-one parcel exists")
    parcel_by_id = {f["properties"]["地块编号"]: (f, p) for f, p in zip(parcels, polys)}
    check(len(parcel_by_id) == n, "地块编号 unique")

    # ------------------------------------------------------------------ projects
    print("[projects]")
    check(20 <= len(projects) <= 30, "%d projects (20-30)" % len(projects))
    stages = Counter(f["properties"]["项目阶段"] for f in projects)
    check(set(stages) == {"签约", "履约", "入库", "开工", "在建", "投产"}, "项目阶段 values: %s" % dict(stages))
    outside = []
    for f in projects:
        pr = f["properties"]
        pf, pp = parcel_by_id.get(pr["地块编号"], (None, None))
        pt = Point(f["geometry"]["coordinates"])
        if pp is None or not pp.contains(pt) or pf["properties"].get("项目编号") != pr["项目编号"]:
            outside.append(pr["项目编号"])
        for k in ("签约日期", "开工日期"):
            if k in pr:
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", pr[k]), pr
    check(not outside, "every project point lies inside its parcel, which names it back %s" % (outside or ""))
    names = " ".join(f["properties"]["项目名称"] for f in projects)
    for key in ("先导稀材电子信息产业园", "富春染织二期", "闽吉新材料产业园（三期）", "美的冰箱", "美的空调", "美的洗衣机",
                "瑞勤", "白色家电产业园"):
        check(key in names, "a project named like %s" % key)

    # ------------------------------------------------------------------ routes and stops
    print("[bus routes and stops]")
    rt = {f["properties"]["线路名称"]: f for f in routes}
    kw6 = rt["KW6"]["geometry"]["coordinates"]
    L6 = geod_length(kw6)
    check(abs(L6 - 57000) <= 300, "KW6 geodesic length %.1f m (57.0 km ± 0.3)" % L6)
    by_route = defaultdict(list)
    for f in stops:
        by_route[f["properties"]["线路"]].append(f)
    check(set(by_route) == set(rt), "stops belong to the routes %s" % sorted(rt))
    for name, f in rt.items():
        line = f["geometry"]["coordinates"]
        lm = LineString([xy(*p) for p in line])
        closed = line[0] == line[-1]
        ss = sorted(by_route[name], key=lambda s: s["properties"]["序号"])
        seqs = [s["properties"]["序号"] for s in ss]
        off = max(lm.distance(Point(xy(*s["geometry"]["coordinates"]))) for s in ss)
        pos = [lm.project(Point(xy(*s["geometry"]["coordinates"]))) for s in ss]
        if closed and pos[0] > lm.length - 1:
            pos[0] = 0.0
        increasing = all(b > a for a, b in zip(pos, pos[1:]))
        gaps = [b - a for a, b in zip(pos, pos[1:])]
        dup = [k for k, v in Counter(s["properties"]["站点名称"] for s in ss).items() if v > 1]
        print("  %-4s %7.0f m (geodesic %7.0f), %2d stops, %s, spacing %.0f-%.0f m" %
              (name, lm.length, geod_length(line), len(ss), "closed" if closed else "open",
               min(gaps), max(gaps)))
        check(seqs == list(range(1, len(ss) + 1)), "%s: 序号 runs 1..%d" % (name, len(ss)))
        check(off < 1.0, "%s: every stop within 1 m of the line (worst %.3f m)" % (name, off))
        check(increasing, "%s: 序号 increases along the line" % name)
        check(not dup, "%s: stop names unique on the route %s" % (name, dup or ""))
        check(len(set(map(tuple, line))) == len(line) - (1 if closed else 0),
              "%s: the line does not revisit a vertex" % name)
        if name != "KW6":
            check(10 <= len(ss) <= 30, "%s: %d stops (10-30)" % (name, len(ss)))
    check(len(by_route["KW6"]) == 83, "KW6 has exactly %d stops (83)" % len(by_route["KW6"]))
    kw6_stops = [s["geometry"]["coordinates"] for s in by_route["KW6"]]
    all_stops = [s["geometry"]["coordinates"] for s in stops]
    first = sorted(by_route["KW6"], key=lambda s: s["properties"]["序号"])[:3]
    print("  KW6 first stops: %s" % ", ".join("%s(%s)" % (s["properties"]["站点名称"], s["id"]) for s in first))

    # ------------------------------------------------------------------ roads
    print("[roads]")
    check(30 <= len(roads) <= 60, "%d road features (30-60)" % len(roads))
    lines = []  # (road id, name, coords)
    for f in roads:
        g = f["geometry"]
        parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
        for p in parts:
            lines.append((f["id"], f["properties"]["道路名称"], p))
    vertex_roads = defaultdict(set)
    parent = {}

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for rid, nm, p in lines:
        for v in p:
            vertex_roads[tuple(v)].add(rid)
            parent.setdefault(tuple(v), tuple(v))
        for a, b in zip(p, p[1:]):
            ra, rb = find(tuple(a)), find(tuple(b))
            if ra != rb:
                parent[ra] = rb
    comps = defaultdict(set)
    for rid, nm, p in lines:
        comps[find(tuple(p[0]))].add(nm)
    sizes = sorted(comps.values(), key=len, reverse=True)
    print("  components (joining shared vertices): %d -> %s" %
          (len(sizes), "; ".join("%d roads" % len(c) if len(c) > 3 else "/".join(sorted(c)) for c in sizes)))
    check(len(sizes) == 2 and len(sizes[1]) == 1,
          "one connected network plus one intentionally isolated road")
    geoms = [LineString(p) for _, _, p in lines]
    tree = STRtree(geoms)
    unshared = []
    for i, g in enumerate(geoms):
        for j in tree.query(g):
            if j <= i or lines[i][0] == lines[j][0]:
                continue
            inter = g.intersection(geoms[j])
            pts = [inter] if inter.geom_type == "Point" else list(getattr(inter, "geoms", []))
            for p in pts:
                if p.geom_type != "Point":
                    unshared.append((lines[i][1], lines[j][1], "overlap"))
                    continue
                # the crossing must be a vertex of both roads
                near = [v for v in ((round(p.x, 6), round(p.y, 6)),) if v in vertex_roads]
                if not near or not {lines[i][0], lines[j][0]} <= vertex_roads[near[0]]:
                    unshared.append((lines[i][1], lines[j][1], (p.x, p.y)))
    check(not unshared, "roads that cross share a vertex at the crossing %s" % (unshared[:3] or ""))
    road_vertices = set(vertex_roads)
    for name, f in rt.items():
        off = [v for v in f["geometry"]["coordinates"] if tuple(v) not in road_vertices]
        check(not off, "%s: every route vertex is a road vertex (%d are not)" % (name, len(off)))
    road_m = [to_m(g) for g in geoms]
    rtree = STRtree(road_m)

    def road_dist(c):
        p = Point(xy(*c))
        return road_m[rtree.nearest(p)].distance(p)

    # ------------------------------------------------------------------ facilities
    print("[facilities]")
    kinds = Counter(f["properties"]["设施类型"] for f in facs)
    print("  %s" % dict(kinds))
    check(kinds["政务服务中心"] == 1 and kinds["综合服务中心"] == 2 and kinds["便民服务中心"] == 4
          and kinds["便民服务站"] == 36, "1 government hall, 2 comprehensive centres, 4 centres, 36 stations")
    check(set(kinds) <= {"政务服务中心", "综合服务中心", "便民服务中心", "便民服务站", "小学", "中学", "幼儿园", "警务室"},
          "设施类型 values are from the fixed list")
    hall = [f for f in facs if f["properties"]["设施类型"] == "政务服务中心"][0]
    print("  government hall: %s %s at %s" % (hall["id"], hall["properties"]["设施名称"],
                                              hall["geometry"]["coordinates"]))
    far_f = [(f["properties"]["设施名称"], round(road_dist(f["geometry"]["coordinates"]))) for f in facs
             if road_dist(f["geometry"]["coordinates"]) > 300]
    check(not far_f, "every facility within 300 m of a road %s" % (far_f or ""))

    # ------------------------------------------------------------------ enterprises
    print("[enterprises]")
    check(250 <= len(ents) <= 400, "%d enterprises (250-400)" % len(ents))
    ptree = STRtree(polys)
    not_ind = []
    for f in ents:
        pt = Point(f["geometry"]["coordinates"])
        hit = [i for i in ptree.query(pt) if polys[i].contains(pt)]
        if not hit or parcels[hit[0]]["properties"]["用地性质"] not in ("M1", "M2", "M3", "W1", "W2"):
            not_ind.append(f["id"])
        p = f["properties"]
        assert isinstance(p["职工人数"], int) and isinstance(p["产值_万元"], (int, float)), p
    check(not not_ind, "every enterprise lies inside an industrial/warehouse parcel %s" % (not_ind[:5] or ""))
    far_e = [f["id"] for f in ents if road_dist(f["geometry"]["coordinates"]) > 300]
    check(len(far_e) <= 10, "enterprises farther than 300 m from a road: %d" % len(far_e))

    def dmin(c, pts):
        return min(dist(c, q) for q in pts)

    near6 = [f for f in ents if dmin(f["geometry"]["coordinates"], kw6_stops) <= 500]
    check(len(near6) >= 60, "%d enterprises within 500 m (geodesic) of a KW6 stop (>= 60)" % len(near6))
    margin = [f["id"] for f in ents if abs(dmin(f["geometry"]["coordinates"], kw6_stops) - 500) < 10]
    check(not margin, "no enterprise within 10 m of the 500 m KW6 threshold %s" % (margin or ""))
    hall_c = hall["geometry"]["coordinates"]
    for key, rule in (("金茂源", "kw6"), ("美的楼宇", "kw6"), ("五方光电", "kw6"), ("法雷奥", "hall"), ("菲利华", "hall")):
        hits = [f for f in ents if key in f["properties"]["企业名称"]]
        if not hits:
            check(False, "enterprise %s exists" % key)
            continue
        f = hits[0]
        c = f["geometry"]["coordinates"]
        if rule == "kw6":
            d = dmin(c, kw6_stops)
            check(d <= 500, "%s %s (%s) %.0f m from the nearest KW6 stop" % (f["id"], f["properties"]["企业名称"], key, d))
        else:
            d = dist(c, hall_c)
            check(d <= 600, "%s %s (%s) %.0f m from the government hall" % (f["id"], f["properties"]["企业名称"], key, d))
    # ------------------------------------------------------------------ coverage
    print("[coverage: enterprises within each facility's service radius, geodesic]")
    check(hall["id"] == "SS-001", "SS-001 is the government hall")
    ebyid = {f["id"]: f for f in ents}
    check(all(k in ebyid and v in ebyid[k]["properties"]["企业名称"] for k, v in NAMED.items()),
          "QY-0001..QY-0005 are %s" % "/".join(NAMED.values()))
    e_lon = [f["geometry"]["coordinates"][0] for f in ents]
    e_lat = [f["geometry"]["coordinates"][1] for f in ents]

    def dists(c, lons, lats):
        n = len(lons)
        return GEOD.inv([c[0]] * n, [c[1]] * n, lons, lats)[2]

    ed = {f["id"]: dists(f["geometry"]["coordinates"], e_lon, e_lat) for f in facs}  # facility -> enterprises
    f_lon = [f["geometry"]["coordinates"][0] for f in facs]
    f_lat = [f["geometry"]["coordinates"][1] for f in facs]
    fd = {f["id"]: dists(f["geometry"]["coordinates"], f_lon, f_lat) for f in facs}  # facility -> facilities
    cover = {f["id"]: [ents[i]["id"] for i, d in enumerate(ed[f["id"]]) if d <= RADIUS[f["properties"]["设施类型"]]]
             for f in facs}
    by_kind = defaultdict(list)
    for f in facs:
        by_kind[f["properties"]["设施类型"]].append(f)
    print("  kind: radius, facilities, enterprises covered, facilities covering any")
    for kind, fs in by_kind.items():
        covered = set(e for f in fs for e in cover[f["id"]])
        print("  %s: %.0f m, %d, %d, %d" % (kind, RADIUS[kind], len(fs), len(covered),
                                            sum(1 for f in fs if cover[f["id"]])))
    for kind, fs in by_kind.items():
        print("  %s: %s" % (kind, ", ".join("%s %s %d" % (f["id"], f["properties"]["设施名称"], len(cover[f["id"]]))
                                             for f in fs)))

    def n_cov(name):
        return len(cover[[f for f in facs if f["properties"]["设施名称"] == name][0]["id"]])

    for name in ("宿驾综合服务中心", "北港综合服务中心"):
        check(25 <= n_cov(name) <= 60, "%s covers %d enterprises (25-60)" % (name, n_cov(name)))
    for f in by_kind["便民服务中心"]:
        n = len(cover[f["id"]])
        check(8 <= n <= 50, "%s covers %d enterprises (8-50)" % (f["properties"]["设施名称"], n))
    n_st = sum(1 for f in by_kind["便民服务站"] if cover[f["id"]])
    check(12 <= n_st <= 20, "%d of %d 便民服务站 cover an enterprise (12-20)" % (n_st, len(by_kind["便民服务站"])))
    n_po = sum(1 for f in by_kind["警务室"] if cover[f["id"]])
    check(2 <= n_po <= 3, "%d of %d 警务室 cover an enterprise (2-3)" % (n_po, len(by_kind["警务室"])))
    ptree_f = STRtree(polys)
    not_res = []
    for kind in ("小学", "中学", "幼儿园"):
        for f in by_kind[kind]:
            pt = Point(f["geometry"]["coordinates"])
            hit = [i for i in ptree_f.query(pt) if polys[i].contains(pt)]
            if not hit or parcels[hit[0]]["properties"]["用地性质"] not in ("A33", "R2", "B1"):
                not_res.append(f["properties"]["设施名称"])
    check(not not_res, "schools and kindergartens stand on school/residential land %s" % (not_res or ""))
    island = [f for f in facs if "三八洲" in f["properties"]["设施名称"]]
    river = [f for f in water if f["properties"]["名称"] == "长江"]
    on_island = (len(island) == 1 and river and len(river[0]["geometry"]["coordinates"]) > 1
                 and Polygon(river[0]["geometry"]["coordinates"][1]).contains(Point(island[0]["geometry"]["coordinates"])))
    check(bool(on_island), "the 三八洲 station stands on the island (the hole of 长江)")

    # ------------------------------------------------------------------ gaps
    centres = [f for f in facs if f["properties"]["设施类型"] in ("政务服务中心", "综合服务中心", "便民服务中心")]
    stations = by_kind["便民服务站"]
    covered_c = set(e for f in centres for e in cover[f["id"]])
    covered_s = set(e for f in stations for e in cover[f["id"]])
    gap_c = [f for f in ents if dmin(f["geometry"]["coordinates"], all_stops) > CATCHMENT
             and f["id"] not in covered_c and f["id"] not in covered_s]
    check(10 <= len(gap_c) <= 20,
          "%d gap enterprises: beyond 500 m of every stop, 1000 m of every 政务/综合/便民服务中心 and 500 m of "
          "every 便民服务站 (10-20)" % len(gap_c))
    print("  gaps: %s" % ", ".join(f["id"] for f in gap_c))

    # ------------------------------------------------------------------ margins
    print("[margins: nothing within %.0f m of a service radius or the stop catchment]" % MARGIN)
    near_e, near_f = [], []
    worst = (1e9, None)
    for f in facs:
        r = RADIUS[f["properties"]["设施类型"]]
        for i, d in enumerate(ed[f["id"]]):
            worst = min(worst, (abs(d - r), (f["id"], ents[i]["id"], round(d, 1))))
            if abs(d - r) < MARGIN:
                near_e.append((f["id"], ents[i]["id"], round(d, 1)))
        for j, d in enumerate(fd[f["id"]]):
            if facs[j] is not f and abs(d - r) < MARGIN:
                near_f.append((f["id"], facs[j]["id"], round(d, 1)))
    print("  closest enterprise to a facility radius: %.1f m off (%s)" % worst)
    check(not near_e, "no enterprise within %.0f m of any facility's radius (all %d facilities, every kind) %s"
          % (MARGIN, len(facs), near_e[:5] or ""))
    check(not near_f, "no facility within %.0f m of another facility's radius %s" % (MARGIN, near_f[:5] or ""))
    for name in rt:
        pts = [s["geometry"]["coordinates"] for s in by_route[name]]
        m = [f["id"] for f in ents if abs(dmin(f["geometry"]["coordinates"], pts) - CATCHMENT) < MARGIN]
        check(not m, "%s: no enterprise within %.0f m of the 500 m catchment of its nearest stop %s"
              % (name, MARGIN, m or ""))

    # ------------------------------------------------------------------ water
    print("[water]")
    print("  %s" % ", ".join(f["properties"]["名称"] for f in water))
    wm = [to_m(shape(f["geometry"])) for f in water]
    wet = [parcels[i]["id"] for i, pm in enumerate(polys_m) if any(pm.intersection(w).area > 1 for w in wm)]
    check(not wet, "no parcel lies in the water %s" % (wet[:5] or ""))

    print()
    print("%d check(s) failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
