#!/usr/bin/env python3
"""Adds the land and project ledger to the sample map (run by build_jingzhou.py after it
writes the layers; also runnable on its own, it is idempotent).

ILLUSTRATIVE DATA, NOT SURVEY DATA: every date, person, document and constraint zone
below is invented so that ParkPlan's ledger (三区三线 overlay, arable quota, project
lifecycle, weekly dispatch report) has a realistic park to work on.

What it writes:
- 项目.geojson: dates moved forward by DATE_SHIFT days (so the sample's present is the
  end of 2026), 履约日期, 入库日期, 投产日期, 帮代办专员, and the five documents' dates
  (五证同发: issued together before 开工; a few projects lack some, on purpose).
- 地块.geojson: 报批日期, 批复日期, 供地日期 and 报批批次 consistent with 审批状态 and the
  projects' dates.
- 耕地.geojson (land survey classes 0101/0102/0103 and some 0201 orchard that is not
  arable), 永久基本农田.geojson, 生态保护红线.geojson, 城镇开发边界.geojson; the 先导
  phase-one parcel (≈513 mu) holds ≈313 mu of arable land; a few parcels touch a red
  line or lie partly outside the urban development boundary.
- manifest.json: the four constraint layers (role "constraints") and the new fields.
Stdlib only.
"""

import datetime
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from build_jingzhou import MU_M2, polygon_area_m2  # noqa: E402

OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "jingzhou-etdz"))
DATE_SHIFT = 550
SEED = 20261205
AGENTS = ["刘洋", "陈静", "周鹏", "吴敏", "郑凯", "孙丽"]
DOCS = ["建设用地规划许可证", "建设项目规划设计方案批复", "建设工程规划许可证", "不动产权证书", "建筑工程施工许可证"]
STAGES = ["签约", "履约", "入库", "开工", "在建", "投产"]
# Documents deliberately missing (project id → documents not issued).
MISSING_DOCS = {"XM-2023-006": ["不动产权证书", "建筑工程施工许可证"], "XM-2022-004": ["建设工程规划许可证"]}
XIANDAO1_PARCEL = "JZ-2023-019"
XIANDAO_ARABLE_MU = 313.0


def d(s):
    return datetime.date.fromisoformat(s)


def iso(x):
    return x.isoformat()


def load(name):
    with open(os.path.join(OUT_DIR, name), encoding="utf-8") as f:
        return json.load(f)


def dump_fc(name, fc):
    """Writes a FeatureCollection the way build_jingzhou.py does (one feature a line)."""
    path = os.path.join(OUT_DIR, name)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","name":%s,"features":[\n' % json.dumps(fc["name"], ensure_ascii=False))
        f.write(",\n".join(feature_text(ft) for ft in fc["features"]))
        f.write("\n]}\n")
    os.replace(tmp, path)


def coords_text(c):
    """Coordinates with 6 decimals, as build_jingzhou.py writes them."""
    if isinstance(c[0], (int, float)):
        return "[%.6f,%.6f]" % (c[0], c[1])
    return "[" + ",".join(coords_text(x) for x in c) + "]"


def feature_text(ft):
    g = ft["geometry"]
    return ('{"type":"Feature","id":%s,"properties":%s,"geometry":{"type":"%s","coordinates":%s}}'
            % (json.dumps(ft["id"], ensure_ascii=False), json.dumps(ft["properties"], ensure_ascii=False),
               g["type"], coords_text(g["coordinates"])))


def area_mu(ring):
    return polygon_area_m2([ring]) / MU_M2


def clip_half(ring, x_cut, keep_west=True):
    """Sutherland-Hodgman clip of a closed lon/lat ring by lon <= x_cut (or >=)."""
    inside = (lambda p: p[0] <= x_cut) if keep_west else (lambda p: p[0] >= x_cut)
    pts = ring[:-1]
    out = []
    for i, cur in enumerate(pts):
        prev = pts[i - 1]
        if inside(cur):
            if not inside(prev):
                out.append(cross(prev, cur, x_cut))
            out.append(cur)
        elif inside(prev):
            out.append(cross(prev, cur, x_cut))
    if out:
        out.append(out[0])
    return out


def cross(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return [x, a[1] + t * (b[1] - a[1])]


def rect(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def rnd(ring):
    return [[round(x, 6), round(y, 6)] for x, y in ring]


def bbox(ring):
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def main():
    rng = random.Random(SEED)
    projects = load("项目.geojson")
    parcels = load("地块.geojson")
    parcel_by_id = {f["properties"]["地块编号"]: f for f in parcels["features"]}
    last_day = d("2026-12-01")

    # ------------------------------------------------------------------ projects
    started_of = {}
    for f in projects["features"]:
        p = f["properties"]
        if "帮代办专员" in p:  # already done (idempotent)
            return summary(projects, parcels)
        shift = datetime.timedelta(days=DATE_SHIFT)
        signed = d(p["签约日期"]) + shift
        p["签约日期"] = iso(signed)
        stage = STAGES.index(p["项目阶段"])
        started = d(p["开工日期"]) + shift if p.get("开工日期") else None
        props = dict(p)
        if started:
            props["开工日期"] = iso(started)
            gap = (started - signed).days
            fulfilled = signed + datetime.timedelta(days=max(10, int(gap * rng.uniform(0.2, 0.35))))
            library = signed + datetime.timedelta(days=max(20, int(gap * rng.uniform(0.55, 0.75))))
        else:
            # Not started: the current stage was entered within the last months (some
            # long enough ago to be stalled), the earlier one between signing and it.
            current = max(signed + datetime.timedelta(days=30),
                          last_day - datetime.timedelta(days=rng.randint(20, 230)))
            if stage == 1:
                fulfilled = current
                library = current
            else:
                library = current
                fulfilled = signed + datetime.timedelta(days=max(10, (library - signed).days // 3))
        if stage >= 1:
            props["履约日期"] = iso(fulfilled)
        if stage >= 2:
            props["入库日期"] = iso(library)
        if stage >= 5 and started:
            props["投产日期"] = iso(started + datetime.timedelta(days=rng.randint(300, 520)))
        props["帮代办专员"] = rng.choice(AGENTS)
        if stage >= 3 and started:
            issued = started - datetime.timedelta(days=rng.randint(6, 25))
            for doc in DOCS:
                if doc not in MISSING_DOCS.get(p["项目编号"], []):
                    props[doc] = iso(issued)
        elif stage == 2:
            # In the library: the land-use planning permit and the scheme approval first.
            issued = library + datetime.timedelta(days=rng.randint(10, 40))
            if issued <= last_day:
                props[DOCS[0]] = iso(issued)
                props[DOCS[1]] = iso(issued)
        # Keep the property order readable: the old ones, then the new ones.
        order = ["项目编号", "项目名称", "投资方", "投资额_亿元", "分期", "项目阶段", "项目秘书", "帮代办专员",
                 "签约日期", "履约日期", "入库日期", "开工日期", "投产日期"] + DOCS + ["地块编号"]
        f["properties"] = {k: props[k] for k in order if k in props}
        if started:
            started_of[p["地块编号"]] = started

    # ------------------------------------------------------------------ parcels
    counts = {}
    for f in parcels["features"]:
        p = f["properties"]
        status = p["审批状态"]
        year = int(p["地块编号"].split("-")[1])
        if status == "储备":
            continue
        if p["地块编号"] in started_of:
            supplied = started_of[p["地块编号"]] - datetime.timedelta(days=rng.randint(30, 90))
            approved = supplied - datetime.timedelta(days=rng.randint(40, 110))
        else:
            base = d("%d-03-01" % year) + datetime.timedelta(days=DATE_SHIFT + rng.randint(0, 200))
            approved = base
            supplied = approved + datetime.timedelta(days=rng.randint(30, 120))
        submitted = approved - datetime.timedelta(days=rng.randint(60, 150))
        if status == "报批中":
            submitted = min(submitted, last_day - datetime.timedelta(days=rng.randint(15, 120)))
        dates = {"报批日期": submitted}
        if status in ("已批", "摘牌", "已供地"):
            dates["批复日期"] = min(approved, last_day)
        if status == "已供地":
            dates["供地日期"] = min(supplied, last_day)
        for k, v in dates.items():
            p[k] = iso(v)
        q = (submitted.month - 1) // 3 + 1
        key = (submitted.year, q)
        counts[key] = counts.get(key, 0)
        p["报批批次"] = "%d年第%d批次" % (submitted.year, q)

    # ------------------------------------------------------------------ constraints
    xd = parcel_by_id[XIANDAO1_PARCEL]["geometry"]["coordinates"][0]
    x0, y0, x1, y1 = bbox(xd)
    lo, hi = x0, x1
    for _ in range(60):
        mid = (lo + hi) / 2
        if area_mu(clip_half(xd, mid)) < XIANDAO_ARABLE_MU:
            lo = mid
        else:
            hi = mid
    cut = round((lo + hi) / 2, 6)
    m = 0.00001  # ~1 m beyond the parcel (parcels are 3 m apart)
    arable = [
        ("GD-001", "0101", "水田", rect(x0 - m, y0 - m, cut, y1 + m)),
    ]
    # Pending and reserved parcels of new projects carry arable land too.
    for i, (pid, frac) in enumerate([("JZ-2024-024", 0.45), ("JZ-2025-016", 0.7), ("JZ-2025-014", 0.35),
                                     ("JZ-2025-006", 0.5)]):
        r = parcel_by_id[pid]["geometry"]["coordinates"][0]
        a0, b0, a1, b1 = bbox(r)
        arable.append(("GD-%03d" % (i + 2), ["0101", "0102", "0103", "0102"][i], ["水田", "水浇地", "旱地", "水浇地"][i],
                       rect(a0 - m, b0 - m, a0 + (a1 - a0) * frac, b1 + m)))
    # Farmland in the countryside north of the park (outside every parcel).
    for i in range(6):
        ax = 112.31 + 0.012 * i
        arable.append(("GD-%03d" % (10 + i), "0103", "旱地", rect(ax, 30.371, ax + 0.008, 30.378)))
    orchard = ("YD-001", "0201", "果园", rect(112.30, 30.371, 112.305, 30.376))
    gd = []
    for fid, code, name, ring in arable + [orchard]:
        gd.append({"type": "Feature", "id": fid,
                   "properties": {"图斑编号": fid, "地类编码": code, "地类名称": name},
                   "geometry": {"type": "Polygon", "coordinates": [rnd(ring)]}})
    # Permanent farmland: in the countryside, one field reaching 20 % into the 华宇化工
    # parcel (a conflict that blocks its approval).
    hy = parcel_by_id["JZ-2025-014"]["geometry"]["coordinates"][0]
    h0, hb0, h1, hb1 = bbox(hy)
    yj = [
        ("YJJBNT-001", rect(h1 - (h1 - h0) * 0.2, hb0 - 0.0003, h1 + 0.0003, hb1 + 0.0003)),
        ("YJJBNT-002", rect(112.33, 30.3705, 112.36, 30.379)),
        ("YJJBNT-003", rect(112.37, 30.3705, 112.39, 30.379)),
    ]
    yjf = [{"type": "Feature", "id": fid, "properties": {"图斑编号": fid, "名称": "永久基本农田保护图斑"},
            "geometry": {"type": "Polygon", "coordinates": [rnd(ring)]}} for fid, ring in yj]
    # Ecological red line: the Yangtze's bank north of the park and a strip around 豉湖
    # that one lakeside parcel reaches into.
    water = load("水系.geojson")
    lake = [f for f in water["features"] if f["properties"].get("名称") == "豉湖"]
    red = []
    if lake:
        lr = lake[0]["geometry"]["coordinates"][0]
        l0, lb0, l1, lb1 = bbox(lr)
        red.append(("STBHHX-001", "豉湖湿地生态保护红线", rect(l0 - 0.0003, lb0 - 0.0003, l1 + 0.0003, lb1 + 0.0003)))
    red.append(("STBHHX-002", "长江岸线生态保护红线", rect(112.36, 30.272, 112.42, 30.279)))
    redf = [{"type": "Feature", "id": fid, "properties": {"编号": fid, "名称": name},
             "geometry": {"type": "Polygon", "coordinates": [rnd(ring)]}} for fid, name, ring in red]
    # Urban development boundary: the park's extent, less the chemical zone's far east.
    xs = [c[0] for f in parcels["features"] for c in f["geometry"]["coordinates"][0]]
    ys = [c[1] for f in parcels["features"] for c in f["geometry"]["coordinates"][0]]
    # A bay cut from the east into the 华宇化工 parcel's eastern tenth.
    x_cut = h0 + (h1 - h0) * 0.9
    ub = [[min(xs) - 0.002, min(ys) - 0.002], [max(xs) + 0.002, min(ys) - 0.002],
          [max(xs) + 0.002, hb0 - 0.0003], [x_cut, hb0 - 0.0003], [x_cut, hb1 + 0.0003],
          [max(xs) + 0.002, hb1 + 0.0003], [max(xs) + 0.002, max(ys) + 0.002],
          [min(xs) - 0.002, max(ys) + 0.002]]
    ub.append(ub[0])
    ubf = [{"type": "Feature", "id": "CZKFBJ-001", "properties": {"编号": "CZKFBJ-001", "名称": "城镇开发边界"},
            "geometry": {"type": "Polygon", "coordinates": [rnd(ub)]}}]

    dump_fc("项目.geojson", projects)
    dump_fc("地块.geojson", parcels)
    dump_fc("耕地.geojson", {"name": "耕地", "features": gd})
    dump_fc("永久基本农田.geojson", {"name": "永久基本农田", "features": yjf})
    dump_fc("生态保护红线.geojson", {"name": "生态保护红线", "features": redf})
    dump_fc("城镇开发边界.geojson", {"name": "城镇开发边界", "features": ubf})

    # ------------------------------------------------------------------ manifest
    mpath = os.path.join(OUT_DIR, "manifest.json")
    with open(mpath, encoding="utf-8") as f:
        manifest = json.load(f)
    for layer in manifest["layers"]:
        if layer["role"] == "projects":
            layer["fields"].update({"agent": "帮代办专员", "fulfilled_date": "履约日期", "library_date": "入库日期",
                                    "production_date": "投产日期", "doc_land_use_planning": DOCS[0],
                                    "doc_design_scheme": DOCS[1], "doc_works_planning": DOCS[2],
                                    "doc_property_certificate": DOCS[3], "doc_construction_permit": DOCS[4]})
        if layer["role"] == "parcels":
            layer["fields"].update({"submitted_date": "报批日期", "approved_date": "批复日期",
                                    "supplied_date": "供地日期", "batch": "报批批次"})
    names = [l["path"] for l in manifest["layers"]]
    extra = [
        {"path": "耕地.geojson", "name": "耕地", "role": "constraints",
         "fields": {"id": "图斑编号", "land_class": "地类编码"}},
        {"path": "永久基本农田.geojson", "name": "永久基本农田", "role": "constraints", "fields": {"id": "图斑编号"}},
        {"path": "生态保护红线.geojson", "name": "生态保护红线", "role": "constraints", "fields": {"id": "编号"}},
        {"path": "城镇开发边界.geojson", "name": "城镇开发边界", "role": "constraints", "fields": {"id": "编号"}},
    ]
    for e in extra:
        if e["path"] not in names:
            manifest["layers"].append(e)
    tmp = mpath + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
        f.write("\n")
    os.replace(tmp, mpath)
    summary(projects, parcels)
    print("先导 arable cut at lon %.6f: %.2f mu of the parcel" % (cut, area_mu(clip_half(xd, cut))))


def summary(projects, parcels):
    print("ledger: %d projects, %d parcels with dates"
          % (len(projects["features"]), sum(1 for f in parcels["features"] if "报批日期" in f["properties"])))


if __name__ == "__main__":
    main()
