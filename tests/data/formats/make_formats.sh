#!/usr/bin/env bash
# Writes the Shapefile and GeoPackage fixtures of tests/formats.rs with GDAL's ogr2ogr
# (an independent writer), from source.geojson (three parcels near Jingzhou, lon/lat,
# Chinese field names; the second has a hole) and facilities.geojson. Needs gdal-bin.
# Deterministic apart from GDAL's timestamps; rewrites the fixtures in place.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf shp gpkg && mkdir -p shp/gbk_nocpg shp/utf8_cpg shp/gk_cm shp/gk_zone shp/noprj shp/noshx shp/nodbf shp/xian80 gpkg
o() { ogr2ogr -q "$@"; }
o -f "ESRI Shapefile" -lco ENCODING=GBK shp/gbk_nocpg/parcels.shp source.geojson
rm shp/gbk_nocpg/parcels.cpg
o -f "ESRI Shapefile" -lco ENCODING=UTF-8 shp/utf8_cpg/parcels.shp source.geojson
# CGCS2000 3-degree Gauss-Krüger, zone 37: by central meridian (EPSG:4546) and with the
# zone number prefixed to the easting (EPSG:4525); a folder of two shapefiles.
o -f "ESRI Shapefile" -lco ENCODING=UTF-8 -t_srs EPSG:4546 shp/gk_cm/parcels.shp source.geojson
o -f "ESRI Shapefile" -lco ENCODING=UTF-8 -t_srs EPSG:4546 shp/gk_cm/facilities.shp facilities.geojson
o -f "ESRI Shapefile" -lco ENCODING=UTF-8 -t_srs EPSG:4525 shp/gk_zone/parcels.shp source.geojson
cp shp/gk_zone/parcels.{shp,shx,dbf,cpg} shp/noprj/
cp shp/gk_cm/parcels.{shp,dbf,cpg,prj} shp/noshx/
cp shp/gk_cm/parcels.{shp,shx,prj} shp/nodbf/
cp shp/gk_cm/parcels.{shp,shx,dbf,cpg} shp/xian80/
cat > shp/xian80/parcels.prj <<'WKT'
PROJCS["Xian_1980_3_Degree_GK_CM_111E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",111.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]
WKT
o -f GPKG -lco SPATIAL_INDEX=NO -t_srs EPSG:4546 -nln 地块 gpkg/park.gpkg source.geojson
o -f GPKG -update -lco SPATIAL_INDEX=NO -nln 服务设施 gpkg/park.gpkg facilities.geojson
python3 -c "import sqlite3; sqlite3.connect(\"gpkg/park.gpkg\").execute(\"VACUUM\")"
