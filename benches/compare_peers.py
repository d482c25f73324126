#!/usr/bin/env python3
"""compare_peers.py - ParkPlan and the peer stack side by side on the same scenes.

For each gen_park.py scene folder it runs, in one go:
  * peers.py (geopandas/pyogrio, shapely STRtree, pyproj) with the peer venv's python;
  * ParkPlan's release CLI (target/release/parkplan-cli):
      - `info enterprises.geojson --json`  : load of the enterprises file
        (process wall time incl. start-up, and peak RSS by GNU time)
      - `report DIR --json`                : the whole report with default settings
        (load, index, every analysis, JSON written to a file)
      - `report DIR --json --timings --radius all=R --segments 32` (R = 500, 1000):
        each phase timed in-process (coverage of all facilities, KW6 catchment ...),
        and the answers the peer prints (pairs, KW6 enterprises, union area, KW6 length);
then prints the answers side by side (they must be equal) and a table of times with
ratios (peer / ParkPlan: how many times faster ParkPlan is).

Usage:
  cargo build --release --bin parkplan-cli --no-default-features
  python3 benches/compare_peers.py /work/scratch/analysis/10000 /work/scratch/analysis/100000 ...
Options: --peers-python PATH (default $PEERS_PYTHON or /work/peers-venv/bin/python),
         --peers-script PATH (default ../shared/bench/peers.py), --runs N (default 3),
         --skip-peer-loads (pass --skip-loads to peers.py), --bin PATH,
         --bin-before PATH (an earlier build: its `report DIR --json --radius all=1000`
         is timed beside ours, and both JSON outputs must be byte-identical).
Only the standard library; GNU time (/usr/bin/time) for peak RSS.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_timed(argv, stdout_path=None):
    """(wall seconds, peak RSS MiB, stderr text) of one run."""
    with tempfile.NamedTemporaryFile("r") as tf:
        out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name] + argv,
                           stdout=out, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
        if stdout_path:
            out.close()
        if p.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (argv, p.returncode,
                                                       p.stderr.decode()[-800:]))
        tf.seek(0)
        rss_kb = int(tf.read().strip().splitlines()[-1])
    return dt, rss_kb / 1024.0, p.stderr.decode()


def median_runs(argv, runs, stdout_path=None):
    res = [run_timed(argv, stdout_path) for _ in range(runs)]
    return (statistics.median(r[0] for r in res), max(r[1] for r in res),
            [r[0] for r in res], res[-1][2])


def parse_peer_lines(text):
    out = {}
    for line in text.splitlines():
        if not line.startswith("peer="):
            continue
        kv = dict(p.split("=", 1) for p in line.split() if "=" in p)
        out[(kv["peer"], kv["task"])] = kv
    return out


def parse_timings(stderr):
    t = {}
    for m in re.finditer(r"parkplan task=(\S+) seconds=([0-9.]+)", stderr):
        t[m.group(1)] = float(m.group(2))
    return t


def ours_answers(path):
    with open(path) as f:
        j = json.load(f)
    kw6 = next((r for r in j["routes"] if r["name"] == "KW6"), None)
    return {
        "pairs": j["totals"]["facility_enterprise_pairs"],
        "kw6_enterprises": len(kw6["enterprises"]) if kw6 else None,
        "kw6_length_m": kw6["length_m"] if kw6 else None,
        "union_km2": j["coverage_all_kinds"]["union_km2"],
        "method": j["method"],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenes", nargs="+")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "parkplan-cli"))
    ap.add_argument("--peers-python", default=os.environ.get("PEERS_PYTHON", "/work/peers-venv/bin/python"))
    ap.add_argument("--peers-script", default=os.path.join(ROOT, "..", "shared", "bench", "peers.py"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-peer-loads", action="store_true")
    ap.add_argument("--bin-before", default=None,
                    help="an earlier parkplan-cli: time its report beside ours, outputs must be equal")
    a = ap.parse_args()
    if not os.access(a.bin, os.X_OK):
        sys.exit("no %s: cargo build --release --bin parkplan-cli --no-default-features" % a.bin)
    failures = 0
    for scene in a.scenes:
        scene = os.path.abspath(scene)
        print("=" * 78)
        print("scene", scene)
        # ---- peer
        cmd = [a.peers_python, a.peers_script, "--data", scene]
        if a.skip_peer_loads:
            cmd.append("--skip-loads")
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            print("peers.py failed:", p.stderr[-800:])
            failures += 1
            continue
        peer = parse_peer_lines(p.stdout)
        print("peers.py ran in %.0f s" % (time.perf_counter() - t0))
        # ---- ParkPlan
        ent = os.path.join(scene, "enterprises.geojson")
        # One untimed warm-up: the peer run just before leaves the page cache and the
        # kernel's memory (huge pages, compaction) in a state that slows the first runs.
        run_timed([a.bin, "report", scene, "--json", "--timings"], os.devnull)
        load_s, load_rss, load_runs, _ = median_runs([a.bin, "info", ent, "--json"], a.runs)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "report.json")
            rep_s, rep_rss, rep_runs, _ = median_runs([a.bin, "report", scene, "--json"], a.runs, out)
            txt_s, _, _, _ = median_runs([a.bin, "report", scene], a.runs)
            # The issue #14 figure: the whole report with every facility at 1000 m.
            r1k = ["report", scene, "--json", "--radius", "all=1000"]
            out1k = os.path.join(tmp, "report1k.json")
            rep1k_s, rep1k_rss, rep1k_runs, _ = median_runs([a.bin] + r1k, a.runs, out1k)
            before = None
            if a.bin_before:
                out_b = os.path.join(tmp, "report1k-before.json")
                before = median_runs([a.bin_before] + r1k, a.runs, out_b)
                same = subprocess.run(["cmp", "-s", out1k, out_b]).returncode == 0
                failures += not same
                print("report --json --radius all=1000: output %s the earlier build's"
                      % ("byte-identical to" if same else "DIFFERS from"))
            phases = {}
            answers = {}
            for r in (500, 1000):
                runs = []
                for _ in range(a.runs):
                    _, _, err = run_timed([a.bin, "report", scene, "--json", "--timings",
                                           "--radius", "all=%d" % r, "--segments", "32"], out)
                    runs.append(parse_timings(err))
                phases[r] = {k: statistics.median(x[k] for x in runs) for k in runs[0]}
                answers[r] = ours_answers(out)
        # ---- answers
        print("\nmethod:", answers[1000]["method"])
        checks = [
            ("cover_500 pairs", answers[500]["pairs"], int(peer[("shapely", "cover_500_check")]["pairs"])),
            ("cover_1000 pairs", answers[1000]["pairs"], int(peer[("shapely", "cover_1000_check")]["pairs"])),
            ("kw6_stops_500 enterprises", answers[500]["kw6_enterprises"],
             int(peer[("shapely", "kw6_stops_500_check")]["enterprises"])),
        ]
        print("\n%-34s %16s %16s  %s" % ("answer", "ParkPlan", "peer", "equal"))
        for name, ours, theirs in checks:
            ok = ours == theirs
            failures += not ok
            print("%-34s %16s %16s  %s" % (name, ours, theirs, "yes" if ok else "NO"))
        ua, up = answers[1000]["union_km2"], float(peer[("shapely", "union_buffers_1000_check")]["area_km2"])
        ok = float("%.6g" % ua) == up  # peers.py prints 6 significant digits
        failures += not ok
        print("%-34s %16.6g %16.6g  %s" % ("union 1000 m km2 (32 segments)", ua, up, "yes (6 digits)" if ok else "NO"))
        la, lp = answers[1000]["kw6_length_m"], float(peer[("pyproj", "kw6_geodesic_length_check")]["length_m"])
        ok = float("%.6g" % la) == lp
        failures += not ok
        print("%-34s %16.3f %16.6g  %s" % ("KW6 geodesic length m", la, lp, "yes (6 digits)" if ok else "NO"))
        # ---- times
        def pf(peer_name, task, field="seconds"):
            v = peer.get((peer_name, task), {}).get(field)
            return float(v) if v is not None else None
        peer_pipeline = sum(pf(p, t) or 0 for p, t in (
            ("geopandas", "load_enterprises"), ("geopandas", "load_facilities"),
            ("geopandas", "load_bus_stops"), ("geopandas", "load_bus_routes"),
            ("geopandas", "to_crs_enterprises"), ("geopandas", "to_crs_facilities"),
            ("geopandas", "to_crs_stops"), ("shapely", "strtree_build_enterprises"),
            ("shapely", "cover_1000"), ("shapely", "buffer_facilities_1000"),
            ("shapely", "union_buffers_1000"))) or None
        rows = [
            ("load enterprises file (s)", load_s, pf("geopandas", "load_enterprises"),
             "ours: `info` process wall incl. start; peer: gpd.read_file"),
            ("load enterprises peak RSS (MiB)", load_rss, pf("geopandas", "load_enterprises", "rss_peak_mb"),
             "GNU time %M, whole process"),
            ("read file bytes floor (s)", None, pf("floor_pyread", "load_enterprises"), "python f.read()"),
            ("project + index (s)", phases[1000].get("index"),
             sum(pf("geopandas", t) or 0 for t in ("to_crs_enterprises", "to_crs_facilities", "to_crs_stops"))
             + (pf("shapely", "strtree_build_enterprises") or 0),
             "ours: project, 4 R*-trees, nearest grids (the parcel tree is built on first use); peer: to_crs x3 + STRtree"),
            ("cover 500 m, all facilities (s)", phases[500].get("coverage"), pf("shapely", "cover_500"), ""),
            ("cover 1000 m, all facilities (s)", phases[1000].get("coverage"), pf("shapely", "cover_1000"), ""),
            ("KW6 catchment 500 m (s)", phases[1000].get("kw6_catchment"), pf("shapely", "kw6_stops_500"),
             "distinct enterprises within 500 m of any KW6 stop"),
            ("KW6 all figures (s)", phases[1000].get("kw6_route"), None,
             "catchment + geodesic length + spacing along the route"),
            ("buffer+union 1000 m (s)", phases[1000].get("areas"),
             (pf("shapely", "buffer_facilities_1000") or 0) + (pf("shapely", "union_buffers_1000") or 0),
             "ours: per kind + all kinds + park clip"),
            ("whole report --json (s)", rep_s, None, "load+index+every analysis+JSON, wall"),
            ("whole report peak RSS (MiB)", rep_rss, None, ""),
            ("whole report, tables (s)", txt_s, None, "wall"),
            ("report --json all=1000 (s)", rep1k_s, peer_pipeline,
             "wall; peer: load 4 layers + to_crs x3 + STRtree + cover 1000 + buffer+union 1000"),
            ("report --json all=1000 RSS (MiB)", rep1k_rss, None, "GNU time %M"),
        ]
        if before:
            rows += [
                ("  earlier build (s)", before[0], peer_pipeline, "--bin-before, same command"),
                ("  earlier build RSS (MiB)", before[1], None, ""),
            ]
        print("\n%-34s %10s %10s %8s  %s" % ("task", "ParkPlan", "peer", "ratio", "note"))
        for name, ours, theirs, note in rows:
            ratio = "%.1fx" % (theirs / ours) if ours and theirs else ""
            fmt = lambda v: "" if v is None else ("%.4f" % v if v < 10 else "%.0f" % v)
            print("%-34s %10s %10s %8s  %s" % (name, fmt(ours), fmt(theirs), ratio, note))
        print("\nParkPlan phases (--timings, all=1000, s):",
              " ".join("%s=%.4f" % kv for kv in phases[1000].items()))
        print("ParkPlan runs: load", " ".join("%.3f" % x for x in load_runs),
              "| report", " ".join("%.3f" % x for x in rep_runs),
              "| report all=1000", " ".join("%.3f" % x for x in rep1k_runs))
        if before:
            print("earlier build runs: report all=1000", " ".join("%.3f" % x for x in before[2]))
    print("\n%s" % ("all answers equal" if failures == 0 else "%d answer(s) differ or runs failed" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
