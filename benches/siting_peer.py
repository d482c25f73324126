#!/usr/bin/env python3
"""siting_peer.py - ParkPlan's `suggest` against PySAL spopt's MCLP (PuLP/CBC) on the
same instance: the same enterprises, the same existing facilities of a kind (fixed), the
same candidate points, the same radius and p.

For a gen_park.py scene folder it:
  1. writes N candidate points (uniform in the enterprises' extent, seeded) to a GeoJSON;
  2. runs `parkplan-cli suggest DIR --kind KIND --count P --candidates FILE
     --method exact --json` (and greedy), timing the whole process;
  3. builds spopt's MCLP from the same points (projected with geopandas'
     estimate_utm_crs, the frame ParkPlan uses by default), the existing facilities as
     predefined (fixed) sites, p = P + existing, and solves it with CBC;
  4. prints both objectives (enterprises covered, existing included) and both times,
     and exits 1 when the exact objectives differ.

Usage:
  python3 benches/siting_peer.py /work/scratch/analysis/10000 --candidates 200 --p 5
  options: --kind kindergarten --radius 300 --bin target/release/parkplan-cli
           --peers-python /work/peers-venv/bin/python (this script re-runs itself there
           for the spopt part) --time-limit 600 --skip-peer --seed 1
           --peer-timeout SECONDS (wall clock for the whole spopt process: building its
           dense matrix, not CBC, is what takes long at 100k enterprises; reported as
           "did not finish within N s")
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# gen_park.py's kind spellings -> ParkPlan's default radius (AnalysisSettings).
RADIUS = {"kindergarten": 300, "convenience_station": 500, "service_centre": 1000}


def candidates_file(scene, n, seed, out):
    with open(os.path.join(scene, "enterprises.geojson"), encoding="utf-8") as f:
        fc = json.load(f)
    xs = [ft["geometry"]["coordinates"][0] for ft in fc["features"] if ft.get("geometry")]
    ys = [ft["geometry"]["coordinates"][1] for ft in fc["features"] if ft.get("geometry")]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    rnd = random.Random(seed)
    feats = []
    for i in range(n):
        x = round(rnd.uniform(x0, x1), 7)
        y = round(rnd.uniform(y0, y1), 7)
        feats.append({"type": "Feature", "id": "C%05d" % i, "properties": {"id": "C%05d" % i},
                      "geometry": {"type": "Point", "coordinates": [x, y]}})
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f)


def run_parkplan(binary, scene, kind, p, cands, method, time_limit):
    argv = [binary, "suggest", scene, "--kind", kind, "--count", str(p), "--candidates", cands,
            "--method", method, "--time-limit", str(time_limit), "--json"]
    t0 = time.perf_counter()
    out = subprocess.run(argv, check=True, capture_output=True)
    dt = time.perf_counter() - t0
    return json.loads(out.stdout), dt


def run_spopt(scene, kind, p, cands, radius, time_limit):
    """In the peer venv: spopt MCLP with CBC. Returns a dict (objective, times)."""
    import geopandas as gpd
    import numpy as np
    import pulp
    from spopt.locate import MCLP

    t0 = time.perf_counter()
    ent = gpd.read_file(os.path.join(scene, "enterprises.geojson"))
    ent = ent[~ent.geometry.is_empty & ent.geometry.notna()].copy()
    fac = gpd.read_file(os.path.join(scene, "facilities.geojson"))
    fac = fac[fac["kind"] == kind][["geometry"]].copy()
    cand = gpd.read_file(cands)[["geometry"]].copy()
    crs = ent.estimate_utm_crs()
    ent = ent.to_crs(crs)
    fac["predefined"] = True
    cand["predefined"] = False
    sites = gpd.GeoDataFrame(
        __import__("pandas").concat([fac, cand], ignore_index=True), crs=fac.crs).to_crs(crs)
    ent["w"] = 1
    t_load = time.perf_counter() - t0
    t1 = time.perf_counter()
    # spopt takes a dense cost matrix; <= radius is covered.
    model = MCLP.from_geodataframe(ent, sites, "geometry", "geometry", "w",
                                   service_radius=radius, p_facilities=p + len(fac),
                                   predefined_facility_col="predefined", name="mclp")
    t_build = time.perf_counter() - t1
    t2 = time.perf_counter()
    model = model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit))
    t_solve = time.perf_counter() - t2
    obj = pulp.value(model.problem.objective)
    status = pulp.LpStatus[model.problem.status]
    return {"objective": obj, "status": status, "existing": len(fac),
            "load_s": t_load, "build_s": t_build, "solve_s": t_solve,
            "total_s": time.perf_counter() - t0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scene")
    ap.add_argument("--candidates", type=int, default=200)
    ap.add_argument("--p", type=int, default=5)
    ap.add_argument("--kind", default="kindergarten")
    ap.add_argument("--radius", type=float)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "parkplan-cli"))
    ap.add_argument("--peers-python",
                    default=os.environ.get("PEERS_PYTHON", "/work/peers-venv/bin/python"))
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--peer-timeout", type=float, default=None)
    ap.add_argument("--spopt-only", help=argparse.SUPPRESS)
    args = ap.parse_args()
    radius = args.radius or RADIUS[args.kind]
    if args.spopt_only:
        r = run_spopt(args.scene, args.kind, args.p, args.spopt_only, radius, args.time_limit)
        print(json.dumps(r))
        return 0
    os.makedirs(os.path.join(ROOT, "target", "siting"), exist_ok=True)
    cands = os.path.join(ROOT, "target", "siting",
                         "candidates-%s-%d-%d.geojson" % (os.path.basename(args.scene.rstrip("/")),
                                                         args.candidates, args.seed))
    candidates_file(args.scene, args.candidates, args.seed, cands)
    exact, t_exact = run_parkplan(args.bin, args.scene, args.kind, args.p, cands, "exact",
                                  args.time_limit)
    greedy, t_greedy = run_parkplan(args.bin, args.scene, args.kind, args.p, cands, "greedy",
                                    args.time_limit)
    print("scene %s, %d candidates, p=%d, kind %s, radius %g m"
          % (args.scene, args.candidates, args.p, args.kind, radius))
    print("parkplan exact : covered %g (before %g), bound %g, optimal %s, solve %.2f s, process %.2f s"
          % (exact["covered_after"], exact["covered_before"], exact["upper_bound"],
             exact["optimal"], exact["seconds"], t_exact))
    print("parkplan greedy: covered %g, bound %g (%s), gap %.4f, solve %.2f s, process %.2f s"
          % (greedy["covered_after"], greedy["upper_bound"], greedy["bound"], greedy["gap"],
             greedy["seconds"], t_greedy))
    if args.skip_peer:
        return 0
    t0 = time.perf_counter()
    try:
        out = subprocess.run([args.peers_python, os.path.abspath(__file__), args.scene,
                              "--spopt-only", cands, "--p", str(args.p), "--kind", args.kind,
                              "--radius", str(radius), "--time-limit", str(args.time_limit)],
                             check=True, capture_output=True, timeout=args.peer_timeout)
    except subprocess.TimeoutExpired:
        print("spopt MCLP/CBC : did not finish within %.0f s (stopped); ParkPlan exact process "
              "%.2f s, so the ratio is > %.0fx" % (args.peer_timeout, t_exact,
                                                   args.peer_timeout / t_exact))
        return 0
    t_peer = time.perf_counter() - t0
    peer = json.loads(out.stdout.decode().strip().splitlines()[-1])
    print("spopt MCLP/CBC : covered %g (%s), build %.2f s, solve %.2f s, process %.2f s"
          % (peer["objective"], peer["status"], peer["build_s"], peer["solve_s"], t_peer))
    print("ratio (peer process / parkplan exact process): %.1fx" % (t_peer / t_exact))
    if peer["status"] == "Optimal" and exact["optimal"]:
        if abs(peer["objective"] - exact["covered_after"]) > 1e-6:
            print("MISMATCH: exact objectives differ")
            return 1
        print("equal objective: %g" % exact["covered_after"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
