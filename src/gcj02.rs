//! GCJ-02 ("Mars coordinates") ↔ WGS84: the offset Chinese web maps (Gaode/AMap,
//! Tencent) apply to lon/lat. Data digitised on those maps is shifted by up to a few
//! hundred metres and must be corrected before it is overlaid on survey data.
//!
//! The forward transform is the published algorithm (as in the widely used
//! `coordtransform` library: Krasovsky 1940 ellipsoid constants a = 6378245,
//! e² = 0.00669342162296594323); the inverse is solved iteratively to sub-millimetre
//! accuracy instead of the common one-step approximation (which errs by up to ~1 m).
//! Outside China the offset is not applied.

use std::f64::consts::PI;

const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;

/// Whether a lon/lat lies outside the box where GCJ-02 applies.
pub fn out_of_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn transform_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS84 → GCJ-02.
///
/// ```
/// // The coordtransform library's published example.
/// let (lon, lat) = parkplan::gcj02::wgs84_to_gcj02(116.404, 39.915);
/// assert!((lon - 116.41024449916938).abs() < 1e-12 && (lat - 39.91640428150164).abs() < 1e-12);
/// ```
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    let dlat = transform_lat(lon - 105.0, lat - 35.0);
    let dlon = transform_lon(lon - 105.0, lat - 35.0);
    let radlat = lat / 180.0 * PI;
    let magic = 1.0 - EE * radlat.sin() * radlat.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlon = (dlon * 180.0) / (A / sqrt_magic * radlat.cos() * PI);
    (lon + dlon, lat + dlat)
}

/// GCJ-02 → WGS84, solved by fixed-point iteration until the forward transform of the
/// result matches the input within 1e-10° (about 0.01 mm).
///
/// ```
/// let (lon, lat) = parkplan::gcj02::gcj02_to_wgs84(116.41024449916938, 39.91640428150164);
/// assert!((lon - 116.404).abs() < 1e-9 && (lat - 39.915).abs() < 1e-9);
/// ```
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    let (mut wlon, mut wlat) = (lon, lat);
    for _ in 0..30 {
        let (glon, glat) = wgs84_to_gcj02(wlon, wlat);
        let (dx, dy) = (glon - lon, glat - lat);
        wlon -= dx;
        wlat -= dy;
        if dx.abs() < 1e-10 && dy.abs() < 1e-10 {
            break;
        }
    }
    (wlon, wlat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_pairs() {
        // github.com/wandergis/coordtransform, test/app.js:
        // wgs84togcj02(116.404, 39.915) = [116.41024449916938, 39.91640428150164]
        // gcj02towgs84(116.404, 39.915) = [116.39775550083061, 39.91359571849836] (one-step)
        let (lon, lat) = wgs84_to_gcj02(116.404, 39.915);
        assert!((lon - 116.410_244_499_169_38).abs() < 1e-12);
        assert!((lat - 39.916_404_281_501_64).abs() < 1e-12);
        let (lon, lat) = gcj02_to_wgs84(116.404, 39.915);
        // The iterative inverse differs from the one-step approximation by well under 1 m.
        assert!((lon - 116.397_755_500_830_61).abs() < 1e-5);
        assert!((lat - 39.913_595_718_498_36).abs() < 1e-5);
        let (glon, glat) = wgs84_to_gcj02(lon, lat);
        assert!((glon - 116.404).abs() < 1e-9 && (glat - 39.915).abs() < 1e-9);
    }

    #[test]
    fn jingzhou_offset_is_a_few_hundred_metres_and_invertible() {
        let (lon, lat) = (112.35, 30.33);
        let (glon, glat) = wgs84_to_gcj02(lon, lat);
        let shift_m = ((glon - lon) * 96_000.0).hypot((glat - lat) * 111_000.0);
        assert!((100.0..800.0).contains(&shift_m), "{shift_m}");
        let (blon, blat) = gcj02_to_wgs84(glon, glat);
        assert!((blon - lon).abs() < 1e-9 && (blat - lat).abs() < 1e-9);
    }

    #[test]
    fn outside_china_nothing_moves() {
        assert_eq!(wgs84_to_gcj02(2.35, 48.85), (2.35, 48.85));
        assert_eq!(gcj02_to_wgs84(-74.0, 40.7), (-74.0, 40.7));
    }
}
