#!/usr/bin/env python3
"""check_suggest.py - an independent check of `parkplan-cli suggest` on the sample map:
for each suggested site, the enterprises it newly covers are recomputed with geopandas
and shapely (the sample's GeoJSON read by pyogrio, projected with geopandas'
estimate_utm_crs, `distance <= radius`), and compared with the JSON's lists.

A site's newly covered enterprises are those within the radius of it and not within the
radius of an existing facility of the kind (or, for stops, an existing stop of the
route), nor of a site ranked above it. `covered_before` and `covered_after` are checked
too. Exits 1 on any difference.

Usage (peers venv):
  /work/peers-venv/bin/python benches/check_suggest.py [--bin target/debug/parkplan-cli]
      [--map maps/jingzhou-etdz]
"""
import argparse
import json
import os
import subprocess
import sys

import geopandas as gpd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# (label, suggest arguments): kinds by their Chinese label as the sample spells them.
CASES = [
    ("幼儿园 ×3, roads:150, greedy", ["--kind", "幼儿园", "--count", "3", "--candidates", "roads:150"]),
    ("幼儿园 ×3, roads:150, exact",
     ["--kind", "幼儿园", "--count", "3", "--candidates", "roads:150", "--method", "exact"]),
    ("便民服务中心 ×2, parcels:R, employees, exact",
     ["--kind", "便民服务中心", "--count", "2", "--candidates", "parcels:R",
      "--weight", "employees", "--method", "exact"]),
    ("警务室 ×3, roads:100, exact",
     ["--kind", "警务室", "--count", "3", "--candidates", "roads:100", "--method", "exact"]),
    ("KW6 stops ×3, spacing 300", ["--route", "KW6", "--count", "3"]),
    ("KW6 stops ×3, detours ≤ 400 m",
     ["--route", "KW6", "--count", "3", "--min-spacing", "400", "--detour", "400"]),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "parkplan-cli"))
    ap.add_argument("--map", default=os.path.join(ROOT, "maps", "jingzhou-etdz"))
    a = ap.parse_args()
    ent = gpd.read_file(os.path.join(a.map, "企业.geojson"))
    fac = gpd.read_file(os.path.join(a.map, "服务设施.geojson"))
    stops = gpd.read_file(os.path.join(a.map, "公交站点.geojson"))
    utm = ent.estimate_utm_crs()
    ids = [str(x) for x in ent["id"]]
    ent_m = ent.to_crs(utm)
    emp = ent["职工人数"].fillna(0).astype(float).tolist()
    failures = 0
    print("| case | sites | covered before / after (JSON) | recomputed | newly covered per site (JSON = recomputed) |")
    print("|---|---|---|---|---|")
    for label, args in CASES:
        out = subprocess.run([a.bin, "suggest", a.map, *args, "--json"],
                             check=True, capture_output=True)
        j = json.loads(out.stdout)
        r = j["radius_m"]
        if j.get("route"):
            route_col = next(c for c in stops.columns if c in ("线路", "线路名称", "route"))
            existing = stops[stops[route_col] == j["route"]]
        else:
            existing = fac[fac["设施类型"] == next(
                x for x in args[args.index("--kind") + 1:args.index("--kind") + 2])]
        existing_m = existing.to_crs(utm)
        weight = (lambda i: emp[i]) if j["weight"] == "employees" else (lambda i: 1.0)
        covered = [False] * len(ent_m)
        for g in existing_m.geometry:
            for i in ent_m.index[ent_m.distance(g) <= r]:
                covered[i] = True
        before = sum(weight(i) for i in range(len(covered)) if covered[i])
        per_site = []
        ok = abs(before - j["covered_before"]) < 1e-6
        for s in j["sites"]:
            site = gpd.GeoSeries.from_xy([s["lon"]], [s["lat"]], crs=4326).to_crs(utm).iloc[0]
            mine = []
            for i in ent_m.index[ent_m.distance(site) <= r]:
                if not covered[i]:
                    covered[i] = True
                    mine.append(ids[i])
            same = sorted(mine) == sorted(s["enterprises"])
            ok &= same
            per_site.append("%d%s" % (len(mine), "" if same else " (JSON %d)" % len(s["enterprises"])))
        after = sum(weight(i) for i in range(len(covered)) if covered[i])
        ok &= abs(after - j["covered_after"]) < 1e-6
        failures += not ok
        print("| %s | %s | %g / %g | %g / %g | %s |%s" % (
            label, " ".join(s["id"] for s in j["sites"]), j["covered_before"], j["covered_after"],
            before, after, ", ".join(per_site), "" if ok else " **DIFFERS**"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
