#!/usr/bin/env python3
"""The red-line overlay (issue #13) checked and timed against shapely/geopandas.

Two jobs, both printing a table for the README and the issue note:

  check   PARKPLAN_CLI MAP_DIR
          Runs `parkplan-cli report --json` on the map (the sample by default) and
          recomputes every parcel's area on each constraint kind independently with
          geopandas: the parcels and zones projected to the UTM zone of the park, zones
          dissolved per kind, `geopandas.overlay(how="intersection")`, areas in m².
          Prints the largest relative difference per kind (ParkPlan: geodesic areas of
          the exact lon/lat overlay).

  bench   PARKPLAN_CLI OUT_DIR [PARCELS] [ZONES]
          Writes a synthetic park of PARCELS parcels (default 100,000, a jittered
          grid) and a farmland layer of ZONES polygons (default 10,000, seeded random
          quadrilaterals), then times the overlay both ways in the same run: ParkPlan
          (`report --timings`, the `constraints_ledger` lap) and geopandas
          (`overlay(how="intersection")` after `to_crs` to UTM, then areas and a
          group-by per parcel).

Needs geopandas/shapely (the peers venv: /work/peers-venv).
"""

import json
import math
import os
import random
import subprocess
import sys
import time

import geopandas as gpd
import pandas as pd
from shapely.geometry import Polygon

KIND_OF_LAYER = {
    "耕地": "arable_land_mu",
    "永久基本农田": "permanent_farmland_mu",
    "生态保护红线": "ecological_redline_mu",
    "城镇开发边界": "outside_urban_boundary_mu",
}
MU = 10000.0 / 15.0


def utm_of(gdf):
    lon = gdf.geometry.union_all().centroid.x
    return 32600 + int((lon + 180) // 6) + 1


def check(cli, map_dir):
    out = subprocess.run([cli, "report", map_dir, "--json", "--as-of", "2026-12-05"],
                         check=True, capture_output=True)
    rep = json.loads(out.stdout)
    ours = {p["id"]: p for p in rep["constraints"]["parcels"]}
    parcels = gpd.read_file(os.path.join(map_dir, "地块.geojson"))
    epsg = utm_of(parcels)
    parcels = parcels.to_crs(epsg)
    parcels["pid"] = parcels["地块编号"]
    parcels["area"] = parcels.geometry.area
    rows = []
    for layer, key in KIND_OF_LAYER.items():
        z = gpd.read_file(os.path.join(map_dir, layer + ".geojson")).to_crs(epsg)
        if layer == "耕地":
            z = z[z["地类编码"].str.startswith("01")]
        zone = z.dissolve()
        inter = gpd.overlay(parcels[["pid", "area", "geometry"]], zone[["geometry"]], how="intersection")
        inter["a"] = inter.geometry.area
        a = inter.groupby("pid")["a"].sum()
        worst, worst_id, n, total_ours, total_peer = 0.0, None, 0, 0.0, 0.0
        for pid, area in parcels.set_index("pid")["area"].items():
            inside = a.get(pid, 0.0)
            peer = (area - inside) if key == "outside_urban_boundary_mu" else inside
            peer_mu = peer / MU
            if peer_mu < 1.0 / MU:  # below the 1 m² sliver tolerance
                peer_mu = 0.0
            mine = ours[pid][key] or 0.0
            total_ours += mine
            total_peer += peer_mu
            if peer_mu > 0.01 or mine > 0.01:
                n += 1
                rel = abs(mine - peer_mu) / max(peer_mu, mine)
                if rel > worst:
                    worst, worst_id = rel, pid
        rows.append((key, n, total_ours, total_peer, worst, worst_id))
    print("| kind | parcels touched | ParkPlan (mu) | geopandas UTM %d (mu) | largest relative difference |" % epsg)
    print("|---|---|---|---|---|")
    for key, n, o, p, w, wid in rows:
        print("| %s | %d | %.2f | %.2f | %.4f%% (%s) |" % (key, n, o, p, w * 100, wid))


def quad(cx, cy, rx, ry, rng):
    pts = []
    for k in range(4):
        a = k * math.pi / 2 + rng.uniform(-0.3, 0.3)
        pts.append((cx + rx * math.cos(a) * rng.uniform(0.7, 1.3), cy + ry * math.sin(a) * rng.uniform(0.7, 1.3)))
    return Polygon(pts)


def write_scene(out_dir, n_parcels, n_zones):
    rng = random.Random(42)
    os.makedirs(out_dir, exist_ok=True)
    side = int(math.ceil(math.sqrt(n_parcels)))
    # ~150 m parcels around Jingzhou (112.3 E, 30.3 N).
    dx, dy = 0.0016, 0.0014
    polys, ids = [], []
    for i in range(n_parcels):
        x0 = 112.0 + (i % side) * dx
        y0 = 30.0 + (i // side) * dy
        j = lambda: rng.uniform(-0.00005, 0.00005)
        polys.append(Polygon([(x0 + j(), y0 + j()), (x0 + dx * 0.95 + j(), y0 + j()),
                              (x0 + dx * 0.95 + j(), y0 + dy * 0.95 + j()), (x0 + j(), y0 + dy * 0.95 + j())]))
        ids.append("P%06d" % i)
    gpd.GeoDataFrame({"地块编号": ids, "用地性质": "M1", "审批状态": "报批中"}, geometry=polys, crs=4326) \
        .to_file(os.path.join(out_dir, "地块.geojson"), driver="GeoJSON")
    w, h = side * dx, side * dy
    zones = [quad(112.0 + rng.uniform(0, w), 30.0 + rng.uniform(0, h), rng.uniform(0.001, 0.004),
                  rng.uniform(0.001, 0.004), rng) for _ in range(n_zones)]
    gpd.GeoDataFrame({"图斑编号": ["Y%05d" % i for i in range(n_zones)]}, geometry=zones, crs=4326) \
        .to_file(os.path.join(out_dir, "永久基本农田.geojson"), driver="GeoJSON")


def bench(cli, out_dir, n_parcels, n_zones):
    write_scene(out_dir, n_parcels, n_zones)
    times = []
    for _ in range(3):
        out = subprocess.run([cli, "report", out_dir, "--json", "--timings"], check=True, capture_output=True)
        lap = [l for l in out.stderr.decode().splitlines() if "task=constraints_ledger " in l]
        times.append(float(lap[0].split("seconds=")[1]))
    ours = min(times)
    t0 = time.perf_counter()
    parcels = gpd.read_file(os.path.join(out_dir, "地块.geojson"))
    zones = gpd.read_file(os.path.join(out_dir, "永久基本农田.geojson"))
    t_read = time.perf_counter() - t0
    peer_times = []
    for _ in range(3):
        t0 = time.perf_counter()
        epsg = utm_of(parcels)
        p = parcels.to_crs(epsg)
        z = zones.to_crs(epsg)
        inter = gpd.overlay(p[["地块编号", "geometry"]], z[["geometry"]], how="intersection", keep_geom_type=True)
        inter["a"] = inter.geometry.area
        per = inter.groupby("地块编号")["a"].sum()
        peer_times.append(time.perf_counter() - t0)
    peer = min(peer_times)
    print("| overlay of %d parcels with %d farmland polygons | ParkPlan %.3f s | geopandas overlay %.3f s (read %.2f s not counted) | ratio %.1f× |"
          % (n_parcels, n_zones, ours, peer, t_read, peer / ours))
    print("(geopandas counts overlapping zones twice: %d intersections, %.1f mu; ParkPlan unions them per parcel)"
          % (len(inter), per.sum() / MU))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "maps/jingzhou-etdz")
    elif len(sys.argv) >= 4 and sys.argv[1] == "bench":
        n = int(sys.argv[4]) if len(sys.argv) > 4 else 100_000
        z = int(sys.argv[5]) if len(sys.argv) > 5 else 10_000
        bench(sys.argv[2], sys.argv[3], n, z)
    else:
        print(__doc__)
        sys.exit(2)
