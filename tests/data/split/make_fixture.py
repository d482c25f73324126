#!/usr/bin/env python3
"""A GTFS-to-GeoJSON export as such tools write it: 12 routes (MultiLineString, GTFS
`routes.txt` fields) and 50 stops (Point, `stops.txt` fields) in one FeatureCollection,
stops first. Deterministic: `python3 make_fixture.py`."""
import json

features = []
for i in range(50):
    lon = 112.30 + (i % 10) * 0.004
    lat = 30.30 + (i // 10) * 0.004
    features.append({"type": "Feature",
                     "properties": {"stop_id": f"S{i:03d}", "stop_code": f"{1000 + i}",
                                    "stop_name": f"经开站{i + 1}", "location_type": 0},
                     "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}})
for r in range(12):
    lat = 30.30 + (r % 5) * 0.004
    a = [[round(112.30 + k * 0.004, 6), round(lat, 6)] for k in range(10)]
    b = [[round(112.30 + (r % 10) * 0.004, 6), round(30.30 + k * 0.004, 6)] for k in range(5)]
    features.append({"type": "Feature",
                     "properties": {"route_id": f"R{r + 1}", "route_short_name": f"KW{r + 1}",
                                    "route_long_name": f"经开区微循环{r + 1}路", "route_type": 3,
                                    "agency_id": "JZBUS"},
                     "geometry": {"type": "MultiLineString", "coordinates": [a, b]}})
with open("gtfs_export.geojson", "w", encoding="utf-8") as f:
    json.dump({"type": "FeatureCollection", "features": features}, f, ensure_ascii=False)
    f.write("\n")
