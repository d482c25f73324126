#!/usr/bin/env python3
"""Write the known-answer import fixtures under tests/data/ (crs/, encoding/, repair/).

Needs pyproj (PROJ) for the CRS fixtures:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install pyproj
    /tmp/venv/bin/python tests/data/make_fixtures.py

Deterministic; rewrites the fixture files in place. See tests/data/README.md for what each
fixture checks.
"""

import json
import os

import pyproj
from pyproj import Geod, Transformer

HERE = os.path.dirname(os.path.abspath(__file__))
CRS_DIR = os.path.join(HERE, "crs")
ENC_DIR = os.path.join(HERE, "encoding")
REP_DIR = os.path.join(HERE, "repair")

# A pentagon parcel near 112.35 E 30.33 N (about 300 m across), counter-clockwise, CGCS2000 lon/lat.
PARCEL_LL = [
    (112.348500, 30.329200),
    (112.351300, 30.329000),
    (112.352100, 30.330900),
    (112.350200, 30.332100),
    (112.348100, 30.330800),
]
PROPS = {"地块编号": "KA-001", "用地性质": "M1", "审批状态": "已批"}


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_text(path, text):
    write_bytes(path, text.encode("utf-8"))


def props_json():
    return json.dumps(PROPS, ensure_ascii=False, separators=(",", ":"))


def fc_text(coords_text, crs=None, crs_at_end=False):
    """A FeatureCollection with one Polygon feature; crs member at the start or at the end."""
    feat = ('{"type":"Feature","id":"KA-001","properties":%s,'
            '"geometry":{"type":"Polygon","coordinates":[%s]}}' % (props_json(), coords_text))
    crs_member = '"crs":{"type":"name","properties":{"name":"%s"}}' % crs if crs else None
    parts = ['{']
    if crs_member and not crs_at_end:
        parts.append(crs_member + ",\n")
    parts.append('"type":"FeatureCollection",\n"features":[\n' + feat + "\n]")
    if crs_member and crs_at_end:
        parts.append(",\n" + crs_member)
    parts.append("}\n")
    return "".join(parts)


def ring_text(pts, fmt):
    ring = list(pts) + [pts[0]]
    return "[" + ",".join("[" + fmt % p[0] + "," + fmt % p[1] + "]" for p in ring) + "]"


def crs_fixtures():
    to4525 = Transformer.from_crs("EPSG:4490", "EPSG:4525", always_xy=True)
    to4546 = Transformer.from_crs("EPSG:4490", "EPSG:4546", always_xy=True)
    from4525 = Transformer.from_crs("EPSG:4525", "EPSG:4490", always_xy=True)
    from4546 = Transformer.from_crs("EPSG:4546", "EPSG:4490", always_xy=True)

    en4525 = [tuple(round(v, 4) for v in to4525.transform(lon, lat)) for lon, lat in PARCEL_LL]
    en4546 = [tuple(round(v, 4) for v in to4546.transform(lon, lat)) for lon, lat in PARCEL_LL]
    back4525 = [from4525.transform(e, n) for e, n in en4525]
    back4546 = [from4546.transform(e, n) for e, n in en4546]

    def swap(pts):
        return [(b, a) for a, b in pts]

    files = [
        # name, coordinates, number format, crs name, crs at end, axis order, expected lon/lat
        ("parcel_4490.geojson", PARCEL_LL, "%.6f", "EPSG:4490", False, "lon_lat", PARCEL_LL),
        ("parcel_4525.geojson", en4525, "%.4f", "urn:ogc:def:crs:EPSG::4525", False, "easting_northing", back4525),
        ("parcel_4546.geojson", en4546, "%.4f", "EPSG:4546", True, "easting_northing", back4546),
        ("parcel_4525_swapped.geojson", swap(en4525), "%.4f", "urn:ogc:def:crs:EPSG::4525", False,
         "northing_easting", back4525),
        ("parcel_4525_nocrs.geojson", en4525, "%.4f", None, False, "easting_northing", back4525),
        ("parcel_4525_nocrs_swapped.geojson", swap(en4525), "%.4f", None, False, "northing_easting", back4525),
    ]
    expected = {
        "note": ("One pentagon parcel (KA-001) written in several CRSs and axis orders. expected_lon_lat is "
                 "what an importer must produce for each file: the written coordinates transformed to "
                 "CGCS2000 lon/lat (EPSG:4490, = WGS84 for mapping) by PROJ, 10 decimals. Projected files "
                 "are rounded to 4 decimals (0.1 mm), so their answers differ from the source lon/lat by "
                 "< 1e-8 degree. Rings are closed: the 6th position repeats the 1st."),
        "proj_version": pyproj.proj_version_str,
        "pyproj_version": pyproj.__version__,
        "source_crs": "EPSG:4490",
        "source_lon_lat": [[lon, lat] for lon, lat in PARCEL_LL + [PARCEL_LL[0]]],
        "files": {},
    }
    g = Geod(ellps="GRS80")
    area, perim = g.polygon_area_perimeter([p[0] for p in PARCEL_LL], [p[1] for p in PARCEL_LL])
    expected["source_geodesic_area_m2"] = round(area, 4)
    expected["source_geodesic_area_mu"] = round(area / (10000.0 / 15.0), 6)
    expected["source_geodesic_perimeter_m"] = round(perim, 4)
    worst = 0.0
    for name, pts, fmt, crs, at_end, axis, back in files:
        write_text(os.path.join(CRS_DIR, name), fc_text(ring_text(pts, fmt), crs, at_end))
        expected["files"][name] = {
            "crs_member": crs,
            "crs_member_position": None if crs is None else ("end" if at_end else "start"),
            "epsg": 4490 if name == "parcel_4490.geojson" else (4546 if "4546" in name else 4525),
            "axis_order_written": axis,
            "written": Raw(pairs(pts + [pts[0]], fmt)),
            "expected_lon_lat": Raw(pairs(list(back) + [back[0]], "%.10f")),
        }
        for (a, b), (c, d) in zip(back, PARCEL_LL):
            worst = max(worst, abs(a - c), abs(b - d))
    expected["source_lon_lat"] = Raw(pairs(PARCEL_LL + [PARCEL_LL[0]], "%.6f"))
    text = json.dumps(expected, ensure_ascii=False, indent=2, default=lambda r: "@@%d@@" % id(r))
    for r in Raw.all:
        text = text.replace('"@@%d@@"' % id(r), r.text)
    write_text(os.path.join(CRS_DIR, "expected.json"), text + "\n")
    print("largest difference between an expected_lon_lat and the source vertex: %.2e degree" % worst)


class Raw:
    """A pre-formatted JSON fragment (keeps fixed decimals in expected.json)."""
    all = []

    def __init__(self, text):
        self.text = text
        Raw.all.append(self)


def pairs(pts, fmt):
    return "[" + ", ".join("[" + fmt % p[0] + ", " + fmt % p[1] + "]" for p in pts) + "]"


ENCODING_TEXT = (
    '{"type":"FeatureCollection","name":"服务设施",\n"features":[\n'
    '{"type":"Feature","id":"F1","properties":{"设施名称":"荆州经开区政务服务中心","设施类型":"政务服务中心",'
    '"地址":"常湾小区，学苑路与纬二路交汇处"},"geometry":{"type":"Point","coordinates":[112.320551,30.307255]}},\n'
    '{"type":"Feature","id":"F2","properties":{"设施名称":"观音垱镇便民服务中心","设施类型":"便民服务中心",'
    '"地址":"荆沙大道北侧（示意）"},"geometry":{"type":"Point","coordinates":[112.299926,30.345023]}}\n'
    "]}\n"
)


def encoding_fixtures():
    text = ENCODING_TEXT
    write_bytes(os.path.join(ENC_DIR, "gbk.geojson"), text.encode("gbk"))
    write_bytes(os.path.join(ENC_DIR, "utf8_bom.geojson"), b"\xef\xbb\xbf" + text.encode("utf-8"))
    write_bytes(os.path.join(ENC_DIR, "utf16le_bom.geojson"), b"\xff\xfe" + text.encode("utf-16-le"))
    write_bytes(os.path.join(ENC_DIR, "utf16be_bom.geojson"), b"\xfe\xff" + text.encode("utf-16-be"))
    expected = (
        "All four files hold the same GeoJSON text (UTF-8 copy of it below), in different encodings:\n"
        "  gbk.geojson          GBK (code page 936) bytes, no BOM; not valid UTF-8\n"
        "  utf8_bom.geojson     UTF-8 with BOM EF BB BF\n"
        "  utf16le_bom.geojson  UTF-16 little-endian with BOM FF FE\n"
        "  utf16be_bom.geojson  UTF-16 big-endian with BOM FE FF\n"
        "\n"
        "Expected after import: 2 Point features\n"
        "  F1  设施名称=荆州经开区政务服务中心  设施类型=政务服务中心  地址=常湾小区，学苑路与纬二路交汇处  (112.320551, 30.307255)\n"
        "  F2  设施名称=观音垱镇便民服务中心  设施类型=便民服务中心  地址=荆沙大道北侧（示意）  (112.299926, 30.345023)\n"
        "Property keys are Chinese: 设施名称, 设施类型, 地址. Collection name: 服务设施.\n"
        "\n"
        "---- text ----\n" + text
    )
    write_text(os.path.join(ENC_DIR, "expected.txt"), expected)


def feature(fid, geom_text, props='{"名称":"%s"}'):
    p = props % fid if "%s" in props else props
    return '{"type":"Feature","id":"%s","properties":%s,"geometry":%s}' % (fid, p, geom_text)


def fc(features):
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"


def repair_fixtures():
    R = REP_DIR
    sq = "[112.3485,30.3292],[112.3513,30.3290],[112.3521,30.3309],[112.3502,30.3321],[112.3481,30.3308]"
    write_text(os.path.join(R, "unclosed_ring.geojson"), fc([
        feature("unclosed", '{"type":"Polygon","coordinates":[[%s]]}' % sq)]))
    write_text(os.path.join(R, "repeated_points.geojson"), fc([
        feature("poly_repeats", '{"type":"Polygon","coordinates":[[[112.3485,30.3292],[112.3485,30.3292],'
                                '[112.3513,30.3290],[112.3521,30.3309],[112.3521,30.3309],[112.3521,30.3309],'
                                '[112.3502,30.3321],[112.3481,30.3308],[112.3485,30.3292]]]}'),
        feature("line_repeats", '{"type":"LineString","coordinates":[[112.340,30.320],[112.341,30.320],'
                                '[112.341,30.320],[112.342,30.321]]}')]))
    write_text(os.path.join(R, "clockwise_outer.geojson"), fc([
        feature("cw", '{"type":"Polygon","coordinates":[[[112.3485,30.3292],[112.3481,30.3308],[112.3502,30.3321],'
                      '[112.3521,30.3309],[112.3513,30.3290],[112.3485,30.3292]]]}')]))
    write_text(os.path.join(R, "bad_coords.geojson"), fc([
        feature("valid_point", '{"type":"Point","coordinates":[112.35,30.33]}'),
        feature("text_coordinate", '{"type":"Point","coordinates":["abc",30.33]}'),
        feature("nan_string", '{"type":"Point","coordinates":[112.35,"NaN"]}'),
        feature("lon_500", '{"type":"Point","coordinates":[500,30.33]}'),
        feature("empty_point", '{"type":"Point","coordinates":[]}'),
        feature("circle", '{"type":"Circle","coordinates":[112.35,30.33],"radius":100}'),
    ]))
    write_text(os.path.join(R, "null_geometry.geojson"), fc([
        '{"type":"Feature","id":"no_geom","properties":{"企业名称":"荆州某某科技有限公司","职工人数":120},'
        '"geometry":null}',
        feature("with_geom", '{"type":"Point","coordinates":[112.35,30.33]}')]))
    write_text(os.path.join(R, "z_coords.geojson"), fc([
        feature("z_point", '{"type":"Point","coordinates":[112.35,30.33,31.5]}'),
        feature("z_polygon", '{"type":"Polygon","coordinates":[[[112.3485,30.3292,30.1],[112.3513,30.3290,30.2],'
                             '[112.3521,30.3309,30.4],[112.3502,30.3321,30.3],[112.3485,30.3292,30.1]]]}')]))
    write_text(os.path.join(R, "bare_geometry.geojson"),
               '{"type":"MultiPolygon","coordinates":[[[[112.3485,30.3292],[112.3513,30.3290],[112.3521,30.3309],'
               '[112.3485,30.3292]]],[[[112.3600,30.3300],[112.3620,30.3300],[112.3620,30.3315],[112.3600,30.3315],'
               '[112.3600,30.3300]]]]}\n')
    write_text(os.path.join(R, "single_feature.geojson"),
               '{"type":"Feature","id":42,"properties":{"地块编号":"KA-042","用地性质":"M2","审批状态":"储备"},'
               '"geometry":{"type":"Polygon","coordinates":[[%s,[112.3485,30.3292]]]}}\n' % sq)
    write_text(os.path.join(R, "geometry_collection.geojson"), fc([
        feature("gc", '{"type":"GeometryCollection","geometries":['
                      '{"type":"Point","coordinates":[112.35,30.33]},'
                      '{"type":"LineString","coordinates":[[112.34,30.32],[112.35,30.33]]},'
                      '{"type":"Polygon","coordinates":[[%s,[112.3485,30.3292]]]}]}' % sq)]))
    full = fc([feature("a", '{"type":"Point","coordinates":[112.35,30.33]}'),
               feature("b", '{"type":"Polygon","coordinates":[[%s,[112.3485,30.3292]]]}' % sq)])
    cut = full.index("112.3513") + 5  # stop in the middle of a number
    write_text(os.path.join(R, "truncated.geojson"), full[:cut])
    write_text(os.path.join(R, "not_json.geojson"),
               "地块编号,用地性质,审批状态\nKA-001,M1,已批\nThis is a CSV file saved with a .geojson name.\n")
    depth = 200
    write_text(os.path.join(R, "deep_nesting.geojson"),
               '{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":'
               + "[" * depth + "112.35,30.33" + "]" * depth + "}}\n")


def main():
    crs_fixtures()
    encoding_fixtures()
    repair_fixtures()
    print("PROJ", pyproj.proj_version_str, "pyproj", pyproj.__version__)


if __name__ == "__main__":
    main()
