#!/usr/bin/env python3
"""Known answers for Xi'an 1980 and Beijing 1954 Gauss-Krüger, from PROJ's own tools.

For each EPSG code below, `projinfo EPSG:<code> -o PROJ` gives PROJ's definition; a small
parcel is projected with it (`proj`), and the written numbers are converted back with
`cct` pipelines: without a datum shift (lon/lat on the old datum) and through a 7- and a
3-parameter Helmert shift to CGCS2000 (GRS80), in both rotation conventions. Needs
Debian's proj-bin (PROJ 9.1.1 here). Deterministic: `python3 make_fixtures.py`.
"""
import json
import subprocess

# Parcels: near Jingzhou (112.3E 30.3N) for CM 111E zones, near Hefei for CM 117E.
JINGZHOU = [(112.3485, 30.3292), (112.3513, 30.3290), (112.3521, 30.3309),
            (112.3502, 30.3321), (112.3481, 30.3308), (112.3485, 30.3292)]
HEFEI = [(117.2271, 31.8206), (117.2302, 31.8204), (117.2310, 31.8228),
         (117.2288, 31.8240), (117.2266, 31.8225), (117.2271, 31.8206)]
CODES = {
    # Xi'an 1980: 6-degree zone 19 / CM 111E, 3-degree zone 37 / CM 111E
    2333: JINGZHOU, 2344: JINGZHOU, 2361: JINGZHOU, 2382: JINGZHOU,
    # Beijing 1954: 6-degree zone 19 / CM 111E, 3-degree zone 37 / CM 111E / CM 117E
    21419: JINGZHOU, 21479: JINGZHOU, 2413: JINGZHOU, 2434: JINGZHOU, 2436: HEFEI,
}
# Made-up but realistic survey parameters (dx dy dz m, rx ry rz ", scale ppm).
SHIFT7 = {"Xian 1980": [24.1, -48.3, -15.7, -1.2, 0.8, -2.6, 1.9],
          "Beijing 1954": [-12.5, 134.2, 61.3, 0.35, -2.1, 1.8, -3.2]}
SHIFT3 = {"Xian 1980": [31.4, -52.6, -20.3], "Beijing 1954": [-15.8, 131.7, 58.2]}


def run(cmd, text=""):
    return subprocess.run(cmd, input=text, capture_output=True, text=True, check=True).stdout


def proj_def(code):
    d = run(["projinfo", f"EPSG:{code}", "-o", "PROJ", "-q"]).strip()
    return d.replace(" +type=crs", "")


def name(code):
    wkt = run(["projinfo", f"EPSG:{code}", "-o", "WKT2_2019", "-q"])
    return wkt.split('"')[1]


def ellps(defn):
    return [t for t in defn.split() if t.startswith("+ellps=")][0]


def inverse(defn, pts, helmert=None):
    args = defn.split()
    steps = ["+proj=pipeline", "+step", "+inv"] + [a for a in args if a != "+no_defs"]
    if helmert:
        params, convention = helmert
        e = ellps(defn)
        keys = ["+x", "+y", "+z", "+rx", "+ry", "+rz", "+s"][: len(params)]
        steps += ["+step", "+proj=cart", e, "+step", "+proj=helmert"]
        steps += [f"{k}={v}" for k, v in zip(keys, params)]
        if len(params) == 7:
            steps += [f"+convention={convention}"]
        steps += ["+step", "+inv", "+proj=cart", "+ellps=GRS80"]
    text = "".join(f"{x} {y} 0 0\n" for x, y in pts)
    out = run(["cct", "-d", "10"] + steps, text)
    return [[float(v) for v in line.split()[:2]] for line in out.splitlines() if line.strip()]


def main():
    fixtures = {"proj_version": "9.1.1 (Debian proj-bin: projinfo, proj, cct)",
                "note": "written: easting, northing (4 decimals) projected with PROJ's definition; "
                        "expected_*: lon/lat by cct. no_shift = lon/lat on the old datum; "
                        "shift7_pv / shift7_cf = 7 parameters as position vector / coordinate frame; "
                        "shift3 = 3 parameters. Target ellipsoid GRS80 (CGCS2000).",
                "shift7": SHIFT7, "shift3": SHIFT3, "crs": {}}
    for code, lonlat in CODES.items():
        defn = proj_def(code)
        n = name(code)
        datum = "Xian 1980" if n.startswith("Xian") else "Beijing 1954"
        fwd = run(["proj", "-f", "%.4f"] + defn.split(),
                  "".join(f"{lon} {lat}\n" for lon, lat in lonlat))
        written = [[float(v) for v in line.split()] for line in fwd.splitlines()]
        fixtures["crs"][str(code)] = {
            "name": n,
            "proj": defn,
            "datum": datum,
            "written": written,
            "expected_no_shift": inverse(defn, written),
            "expected_shift7_pv": inverse(defn, written, (SHIFT7[datum], "position_vector")),
            "expected_shift7_cf": inverse(defn, written, (SHIFT7[datum], "coordinate_frame")),
            "expected_shift3": inverse(defn, written, (SHIFT3[datum], None)),
        }
    with open("expected.json", "w", encoding="utf-8") as f:
        json.dump(fixtures, f, ensure_ascii=False, indent=1)
        f.write("\n")
    # A file as a survey delivers it: EPSG:2436 declared, zone-less eastings.
    c = fixtures["crs"]["2436"]
    fc = {"type": "FeatureCollection",
          "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2436"}},
          "features": [{"type": "Feature", "id": "HF-001",
                        "properties": {"地块编号": "HF-001", "用地性质": "M1"},
                        "geometry": {"type": "Polygon", "coordinates": [c["written"]]}}]}
    with open("parcel_2436.geojson", "w", encoding="utf-8") as f:
        json.dump(fc, f, ensure_ascii=False)
        f.write("\n")
    c = fixtures["crs"]["2361"]
    fc["crs"]["properties"]["name"] = "EPSG:2361"
    fc["features"][0]["id"] = "KA-001"
    fc["features"][0]["properties"]["地块编号"] = "KA-001"
    fc["features"][0]["geometry"]["coordinates"] = [c["written"]]
    with open("parcel_2361.geojson", "w", encoding="utf-8") as f:
        json.dump(fc, f, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
