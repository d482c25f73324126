//! A shapefile's `.prj` (or any WKT CRS) → a [`Crs`] ParkPlan supports.
//!
//! The WKT is read with `proj4wkt` (the WKT → PROJ-string companion of proj4rs, WKT1
//! and WKT2), and the PROJ parameters are matched to the CRSs [`crate::crs`] knows:
//! CGCS2000 and WGS84 lon/lat, CGCS2000 Gauss-Krüger 3° and 6° zones (with the zone
//! prefixed to the false easting or not), WGS84 UTM and Web Mercator. A trailing
//! `AUTHORITY["EPSG", …]` of the whole CRS is used first. Xi'an 1980 and Beijing 1954
//! (IAG-75 and Krassowsky ellipsoids, by name or ellipsoid) map to their Gauss-Krüger
//! zones' EPSG codes (the datum shift to CGCS2000 is the survey's, given in the intake
//! dialog or a manifest); their lon/lat and other projections are reported as not
//! supported; anything else is an "unsupported CRS" naming the WKT's name. No file I/O
//! here.

use crate::crs::{self, Crs};

/// The CRS a WKT declares, or why it cannot be used.
pub(super) fn crs_from_wkt(wkt: &str) -> Result<Crs, String> {
    let wkt = wkt.trim();
    if wkt.is_empty() {
        return Err("the .prj is empty".into());
    }
    let name = wkt_name(wkt);
    if let Some(code) = root_epsg(wkt) {
        if let Some(crs) = Crs::from_epsg(code) {
            return Ok(crs);
        }
        if let Some(what) = old_datum(wkt, &name) {
            return Err(format!(
                "{} (EPSG:{code}) is not supported: {name}",
                what.name()
            ));
        }
        return Err(format!("EPSG:{code} ({name}) is not a CRS ParkPlan reads"));
    }
    let proj = proj4wkt::wkt_to_projstring(wkt)
        .map_err(|e| format!("the WKT cannot be read ({e}): {}", short(wkt)))?;
    let param = |key: &str| -> Option<String> {
        proj.split_whitespace().find_map(|t| {
            t.strip_prefix('+')?
                .strip_prefix(key)?
                .strip_prefix('=')
                .map(str::to_string)
        })
    };
    let num = |key: &str| param(key).and_then(|v| v.parse::<f64>().ok());
    let flag = |key: &str| proj.split_whitespace().any(|t| t == format!("+{key}"));
    let a = num("a").or_else(|| match param("ellps").as_deref() {
        Some("GRS80" | "WGS84") => Some(6_378_137.0),
        Some("krass") => Some(6_378_245.0),
        Some("IAU76") => Some(6_378_140.0),
        _ => None,
    });
    let a = a.or_else(|| match param("datum").as_deref() {
        Some("WGS84") => Some(6_378_137.0),
        _ => None,
    });
    let old = old_datum(wkt, &name).or(match a {
        Some(a) if (a - 6_378_140.0).abs() < 0.5 => Some(crs::Datum::Xian1980),
        Some(a) if (a - 6_378_245.0).abs() < 0.5 => Some(crs::Datum::Beijing1954),
        _ => None,
    });
    let grs80_or_wgs84 = a.is_none_or(|a| (a - 6_378_137.0).abs() < 0.5);
    if old.is_none() && !grs80_or_wgs84 {
        return Err(format!(
            "unsupported CRS \"{name}\" (an ellipsoid ParkPlan does not know)"
        ));
    }
    let cgcs = {
        let up = wkt.to_ascii_uppercase();
        up.contains("CGCS")
            || up.contains("CHINA_2000")
            || up.contains("CHINA 2000")
            || wkt.contains("2000国家")
    };
    let proj_name = param("proj").unwrap_or_default();
    let unsupported = || format!("unsupported CRS \"{name}\" ({})", short(&proj));
    if let Some(datum) = old {
        // Xi'an 1980 / Beijing 1954: only their Gauss-Krüger zones.
        let lon0 = num("lon_0").unwrap_or(0.0);
        let plain = proj_name == "tmerc"
            && (num("k").or(num("k_0")).unwrap_or(1.0) - 1.0).abs() < 1e-9
            && num("lat_0").unwrap_or(0.0).abs() < 1e-9
            && num("y_0").unwrap_or(0.0).abs() < 0.01
            && lon0.fract().abs() < 1e-9;
        return plain
            .then(|| gk_epsg(datum, lon0 as i32, num("x_0").unwrap_or(0.0)))
            .flatten()
            .and_then(Crs::from_epsg)
            .ok_or_else(|| {
                format!(
                    "{} other than a Gauss-Krüger zone is not supported: {name}",
                    datum.name()
                )
            });
    }
    match proj_name.as_str() {
        "longlat" | "latlong" => Ok(if cgcs { Crs::CGCS2000 } else { Crs::WGS84 }),
        "utm" => {
            let zone = num("zone").ok_or_else(unsupported)? as u32;
            Crs::from_epsg(if flag("south") { 32700 } else { 32600 } + zone).ok_or_else(unsupported)
        }
        "merc"
            if a.is_some() && num("b").is_none_or(|b| (b - 6_378_137.0).abs() < 0.5) && !cgcs =>
        {
            Crs::from_epsg(3857).ok_or_else(unsupported)
        }
        "tmerc" => {
            let lon0 = num("lon_0").unwrap_or(0.0);
            let x0 = num("x_0").unwrap_or(0.0);
            let k = num("k").or(num("k_0")).unwrap_or(1.0);
            let lat0 = num("lat_0").unwrap_or(0.0);
            let y0 = num("y_0").unwrap_or(0.0);
            if (k - 0.9996).abs() < 1e-9 && !cgcs {
                // UTM written as a transverse Mercator.
                let zone = ((lon0 + 183.0) / 6.0).round() as u32;
                if (x0 - 500_000.0).abs() < 0.01 && (zone as f64 * 6.0 - 183.0 - lon0).abs() < 1e-6
                {
                    let base = if (y0 - 10_000_000.0).abs() < 0.01 {
                        32700
                    } else {
                        32600
                    };
                    return Crs::from_epsg(base + zone).ok_or_else(unsupported);
                }
            }
            if (k - 1.0).abs() > 1e-9
                || lat0.abs() > 1e-9
                || y0.abs() > 0.01
                || lon0.fract().abs() > 1e-9
            {
                return Err(unsupported());
            }
            gk_epsg(crs::Datum::Cgcs2000, lon0 as i32, x0)
                .and_then(Crs::from_epsg)
                .ok_or_else(unsupported)
        }
        _ => Err(unsupported()),
    }
}

/// The EPSG code of a Gauss-Krüger zone on `datum` from its central meridian and false
/// easting: 3° zones first, then 6° zones; the zone prefixed to the easting or not.
fn gk_epsg(datum: crs::Datum, lon0: i32, x0: f64) -> Option<u32> {
    let near = |v: f64| (x0 - v).abs() < 0.01;
    let zone_of = |z: i32| {
        let z = u8::try_from(z).ok()?;
        if near(500_000.0) {
            Some((z, false))
        } else if near(f64::from(z) * 1e6 + 500_000.0) {
            Some((z, true))
        } else {
            None
        }
    };
    let three = (lon0 % 3 == 0)
        .then(|| zone_of(lon0 / 3))
        .flatten()
        .and_then(|(z, p)| crs::gauss_kruger_epsg(datum, 3, z, p));
    three.or_else(|| {
        ((lon0 + 3) % 6 == 0)
            .then(|| zone_of((lon0 + 3) / 6))
            .flatten()
            .and_then(|(z, p)| crs::gauss_kruger_epsg(datum, 6, z, p))
    })
}

/// Whether the WKT names Xi'an 1980 or Beijing 1954 (by datum or CRS name).
fn old_datum(wkt: &str, name: &str) -> Option<crs::Datum> {
    let up = format!("{wkt} {name}").to_ascii_uppercase();
    if up.contains("XIAN") || up.contains("XI'AN") || up.contains("XI_AN") || wkt.contains("西安")
    {
        Some(crs::Datum::Xian1980)
    } else if up.contains("BEIJING") || wkt.contains("北京") {
        Some(crs::Datum::Beijing1954)
    } else {
        None
    }
}

/// The name of the outermost CRS: the first quoted string.
fn wkt_name(wkt: &str) -> String {
    wkt.split('"').nth(1).unwrap_or("").to_string()
}

/// The EPSG code given for the whole CRS: an `AUTHORITY["EPSG","n"]` (WKT1) or
/// `ID["EPSG",n]` (WKT2) written last, right before the closing bracket.
fn root_epsg(wkt: &str) -> Option<u32> {
    let body = wkt
        .trim_end()
        .strip_suffix(']')?
        .trim_end()
        .strip_suffix(']')?;
    let start = body.rfind('[')?;
    let head = body[..start].trim_end();
    if !(head.ends_with("AUTHORITY") || head.ends_with("ID")) {
        return None;
    }
    let mut parts = body[start + 1..].split(',');
    let auth = parts.next()?.trim().trim_matches('"');
    let code = parts.next()?.trim().trim_matches('"');
    // The authority must stand at the root: no other bracket closes before it.
    let depth = body[..start].chars().fold(0i32, |d, c| match c {
        '[' | '(' => d + 1,
        ']' | ')' => d - 1,
        _ => d,
    });
    (auth.eq_ignore_ascii_case("EPSG") && depth == 1)
        .then(|| code.parse().ok())
        .flatten()
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(80).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GK_CM_111: &str = r#"PROJCS["CGCS2000_3_Degree_GK_CM_111E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",111.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
    const GK_ZONE_37: &str = r#"PROJCS["CGCS2000_3_Degree_GK_Zone_37",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",37500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",111.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
    const GEO_CGCS: &str = r#"GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
    const WGS84: &str = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
    const UTM49: &str = r#"PROJCS["WGS_1984_UTM_Zone_49N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",111.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
    const XIAN80: &str = r#"PROJCS["Xian_1980_3_Degree_GK_CM_111E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",111.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
    const GDAL_4547: &str = r#"PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 114E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",114],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Northing",NORTH],AXIS["Easting",EAST],AUTHORITY["EPSG","4547"]]"#;

    fn epsg(wkt: &str) -> u32 {
        crs_from_wkt(wkt).unwrap_or_else(|e| panic!("{e}")).epsg()
    }

    #[test]
    fn esri_and_gdal_wkt_map_to_epsg_codes() {
        assert_eq!(epsg(GK_CM_111), 4546);
        assert_eq!(epsg(GK_ZONE_37), 4525);
        assert_eq!(epsg(GEO_CGCS), 4490);
        assert_eq!(epsg(WGS84), 4326);
        assert_eq!(epsg(UTM49), 32649);
        assert_eq!(epsg(GDAL_4547), 4547);
    }

    #[test]
    fn old_datums_map_to_their_zones() {
        // Xi'an 1980 3-degree CM 111E: EPSG:2382; zone-prefixed (zone 37): EPSG:2361.
        assert_eq!(epsg(XIAN80), 2382);
        assert_eq!(
            epsg(&XIAN80.replace("\"False_Easting\",500000.0", "\"False_Easting\",37500000.0")),
            2361
        );
        // Beijing 1954 (Krassowsky) 3-degree CM 111E: EPSG:2434.
        let bj = XIAN80
            .replace("Xian_1980", "Beijing_1954")
            .replace("6378140.0,298.257", "6378245.0,298.3");
        assert_eq!(epsg(&bj), 2434);
        let geo = r#"GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        let e = crs_from_wkt(geo).unwrap_err();
        assert!(
            e.contains("Xian 1980") && e.contains("not supported"),
            "{e}"
        );
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        let e = crs_from_wkt("PROJCS[\"nonsense\"").unwrap_err();
        assert!(e.contains("cannot be read"), "{e}");
        assert!(crs_from_wkt("  ").unwrap_err().contains("empty"));
        let lcc = GDAL_4547
            .replace("Transverse_Mercator", "Lambert_Conformal_Conic_1SP")
            .replace(",AUTHORITY[\"EPSG\",\"4547\"]]", "]");
        let e = crs_from_wkt(&lcc).unwrap_err();
        assert!(e.contains("unsupported CRS"), "{e}");
    }
}
