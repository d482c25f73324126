//! Coordinate reference systems: naming them, recognising them, converting to lon/lat.
//!
//! Survey teams deliver CGCS2000 (EPSG:4490) lon/lat or CGCS2000 Gauss-Krüger metres
//! (3-degree zones EPSG:4513–4533 with the zone number prefixed to the easting, and
//! EPSG:4534–4554 named by central meridian; also the 6-degree families 4491–4512), and
//! web tools deliver WGS84 (EPSG:4326, OGC CRS84) or Web Mercator. This module parses
//! those names, guesses the CRS of unlabelled coordinates from their size, and converts
//! with proj4rs (a pure-Rust port of PROJ, whose transverse Mercator is the exact
//! Poder/Engsager algorithm PROJ uses). CGCS2000 and WGS84 agree within centimetres,
//! so both are treated as the same lon/lat.
//!
//! Older surveys (before 2018) come in Xi'an 1980 (IAG 1975 ellipsoid) or Beijing 1954
//! (Krassowsky 1940) Gauss-Krüger: the same projection families on another ellipsoid
//! and datum ([`Datum`]). Their shift to CGCS2000 is local and comes with the survey as
//! 3 or 7 parameters ([`DatumShift`]); without them the lon/lat on the old datum is used
//! as CGCS2000, off by tens to over a hundred metres, and the import says so.
//!
//! It also owns the planar metric frames used for analysis ([`MetricFrame`]).
//! No file or GUI code here.

use proj4rs::proj::Proj;
use serde::{Deserialize, Serialize};

/// Errors naming or converting a CRS.
#[derive(Debug, thiserror::Error)]
pub enum CrsError {
    /// The name is not a CRS ParkPlan knows.
    #[error(
        "unsupported CRS \"{0}\" (supported: EPSG:4326, OGC CRS84, EPSG:4490, CGCS2000 Gauss-Krüger EPSG:4491–4554, Xi'an 1980 Gauss-Krüger EPSG:2327–2390, Beijing 1954 Gauss-Krüger EPSG:2401–2442, 21413–21423, 21473–21483, WGS84 UTM EPSG:326xx/327xx, EPSG:3857)"
    )]
    Unsupported(String),
    /// Datum-shift parameters that cannot be used.
    #[error("datum shift parameters: {0}")]
    BadShift(String),
    /// proj4rs refused a definition or a point.
    #[error("projection error: {0}")]
    Projection(String),
}

/// A coordinate reference system ParkPlan can read and write.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Crs {
    /// Geographic lon/lat in degrees: EPSG:4326 (WGS84), OGC CRS84 or EPSG:4490 (CGCS2000).
    LonLat {
        /// 4326 or 4490; CRS84 is recorded as 4326 with `crs84` set.
        epsg: u16,
        /// Written as OGC CRS84.
        crs84: bool,
    },
    /// Gauss-Krüger (transverse Mercator, k = 1) on CGCS2000 (GRS80 ellipsoid), Xi'an
    /// 1980 (IAG 1975) or Beijing 1954 (Krassowsky 1940).
    GaussKruger {
        /// EPSG code (CGCS2000 4491–4554, Xi'an 1980 2327–2390, Beijing 1954 2401–2442,
        /// 21413–21423, 21473–21483).
        epsg: u16,
        /// Zone width in degrees: 3 or 6.
        width: u8,
        /// Zone number (3-degree: 25–45, 6-degree: 13–23).
        zone: u8,
        /// Central meridian in degrees east.
        central_meridian: u16,
        /// Whether the zone number is prefixed to the easting (x_0 = zone·10⁶ + 500 000).
        zone_prefixed: bool,
        /// The geodetic datum (CGCS2000 when absent in older project files).
        #[serde(default)]
        datum: Datum,
    },
    /// WGS84 UTM zone (EPSG:326zz north, 327zz south).
    Utm {
        /// Zone 1–60.
        zone: u8,
        /// Northern hemisphere.
        north: bool,
    },
    /// Web Mercator (EPSG:3857).
    WebMercator,
}

impl Crs {
    /// RFC 7946's default: WGS84 lon/lat.
    pub const WGS84: Crs = Crs::LonLat {
        epsg: 4326,
        crs84: false,
    };
    /// CGCS2000 lon/lat (EPSG:4490).
    pub const CGCS2000: Crs = Crs::LonLat {
        epsg: 4490,
        crs84: false,
    };

    /// The CRS for an EPSG code, if ParkPlan supports it.
    pub fn from_epsg(code: u32) -> Option<Crs> {
        match code {
            4326 | 4490 | 4979 | 4258 | 4019 => Some(Crs::LonLat {
                epsg: if code == 4490 { 4490 } else { 4326 },
                crs84: false,
            }),
            _ if gauss_kruger(code).is_some() => gauss_kruger(code),
            32601..=32660 => Some(Crs::Utm {
                zone: (code - 32600) as u8,
                north: true,
            }),
            32701..=32760 => Some(Crs::Utm {
                zone: (code - 32700) as u8,
                north: false,
            }),
            3857 | 900913 | 3785 | 102100 => Some(Crs::WebMercator),
            _ => None,
        }
    }

    /// The zone of a Gauss-Krüger CRS.
    fn zone_of_gk(&self) -> Option<u8> {
        match *self {
            Crs::GaussKruger { zone, .. } => Some(zone),
            _ => None,
        }
    }

    /// Whether this CRS is on an older datum (Xi'an 1980, Beijing 1954) whose shift to
    /// CGCS2000 needs the survey's parameters.
    pub fn old_datum(&self) -> Option<Datum> {
        match *self {
            Crs::GaussKruger { datum, .. } if datum != Datum::Cgcs2000 => Some(datum),
            _ => None,
        }
    }

    /// Reads a CRS name as GeoJSON files write it: `EPSG:4525`,
    /// `urn:ogc:def:crs:EPSG::4525`, `urn:ogc:def:crs:EPSG:6.6:4525`,
    /// `urn:ogc:def:crs:OGC:1.3:CRS84`, `http://www.opengis.net/def/crs/EPSG/0/4525`,
    /// or a bare code.
    pub fn parse(name: &str) -> Result<Crs, CrsError> {
        let t = name.trim();
        let upper = t.to_ascii_uppercase();
        if upper.ends_with("CRS84") || upper.ends_with("CRS:84") {
            return Ok(Crs::LonLat {
                epsg: 4326,
                crs84: true,
            });
        }
        if upper.contains("EPSG") || upper.chars().all(|c| c.is_ascii_digit()) {
            let digits: String = upper
                .rsplit(|c: char| !c.is_ascii_digit())
                .find(|s| !s.is_empty())
                .unwrap_or("")
                .to_string();
            if let Ok(code) = digits.parse::<u32>() {
                return Crs::from_epsg(code).ok_or_else(|| CrsError::Unsupported(t.to_string()));
            }
        }
        Err(CrsError::Unsupported(t.to_string()))
    }

    /// The EPSG code (CRS84 reports 4326).
    pub fn epsg(&self) -> u32 {
        match *self {
            Crs::LonLat { epsg, .. } => epsg as u32,
            Crs::GaussKruger { epsg, .. } => epsg as u32,
            Crs::Utm { zone, north } => (if north { 32600 } else { 32700 }) + zone as u32,
            Crs::WebMercator => 3857,
        }
    }

    /// The short name used in reports and JSON: `EPSG:4525` or `OGC:CRS84`.
    pub fn code(&self) -> String {
        match self {
            Crs::LonLat { crs84: true, .. } => "OGC:CRS84".to_string(),
            _ => format!("EPSG:{}", self.epsg()),
        }
    }

    /// The name to write in a GeoJSON `crs` member.
    pub fn urn(&self) -> String {
        match self {
            Crs::LonLat { crs84: true, .. } => "urn:ogc:def:crs:OGC:1.3:CRS84".to_string(),
            _ => format!("urn:ogc:def:crs:EPSG::{}", self.epsg()),
        }
    }

    /// A readable description, e.g. "CGCS2000 / 3-degree Gauss-Kruger zone 37".
    pub fn describe(&self) -> String {
        match *self {
            Crs::LonLat { epsg: 4490, .. } => "CGCS2000 lon/lat".to_string(),
            Crs::LonLat { crs84: true, .. } => "WGS84 lon/lat (OGC CRS84)".to_string(),
            Crs::LonLat { .. } => "WGS84 lon/lat".to_string(),
            Crs::GaussKruger {
                width,
                zone,
                central_meridian,
                zone_prefixed,
                datum,
                ..
            } => {
                let d = datum.name();
                if zone_prefixed {
                    format!("{d} / {width}-degree Gauss-Kruger zone {zone}")
                } else {
                    format!("{d} / {width}-degree Gauss-Kruger CM {central_meridian}E")
                }
            }
            Crs::Utm { zone, north } => {
                format!("WGS84 / UTM zone {zone}{}", if north { "N" } else { "S" })
            }
            Crs::WebMercator => "WGS84 / Pseudo-Mercator".to_string(),
        }
    }

    /// Whether coordinates are lon/lat degrees.
    pub fn is_geographic(&self) -> bool {
        matches!(self, Crs::LonLat { .. })
    }

    /// The PROJ definition of this CRS.
    pub fn proj_string(&self) -> String {
        match *self {
            Crs::LonLat { epsg: 4490, .. } => "+proj=longlat +ellps=GRS80 +no_defs".to_string(),
            Crs::LonLat { .. } => "+proj=longlat +ellps=WGS84 +no_defs".to_string(),
            Crs::GaussKruger {
                zone,
                central_meridian,
                zone_prefixed,
                datum,
                ..
            } => {
                let x0 = if zone_prefixed {
                    zone as f64 * 1_000_000.0 + 500_000.0
                } else {
                    500_000.0
                };
                format!(
                    "+proj=tmerc +lat_0=0 +lon_0={central_meridian} +k=1 +x_0={x0} +y_0=0 {} +units=m +no_defs",
                    datum.ellipsoid()
                )
            }
            Crs::Utm { zone, north } => format!(
                "+proj=utm +zone={zone}{} +ellps=WGS84 +units=m +no_defs",
                if north { "" } else { " +south" }
            ),
            Crs::WebMercator => "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs".to_string(),
        }
    }

    /// A converter from this CRS to lon/lat degrees and back (on an older datum
    /// without a shift: lon/lat on that datum, used as CGCS2000).
    pub fn projector(&self) -> Result<Projector, CrsError> {
        Projector::new(*self)
    }

    /// A converter that also shifts an older datum to CGCS2000 with the survey's
    /// parameters (ignored for CRSs on CGCS2000/WGS84).
    pub fn projector_shifted(&self, shift: Option<&DatumShift>) -> Result<Projector, CrsError> {
        Projector::with_shift(*self, shift)
    }

    /// Whether an (x, y) pair in this CRS looks like it was written northing-first
    /// (or lat-first): judged from the sizes of the numbers, which differ enough in
    /// China's latitudes to tell.
    /// Whether `(x, y)` lies in the range this CRS's coordinates can take (the world for
    /// lon/lat and Web Mercator; the zone's million-metre band of eastings for a
    /// zone-prefixed Gauss-Krüger; 0–1,000 km of easting for UTM and the CM forms).
    pub fn fits(&self, x: f64, y: f64) -> bool {
        // Either axis order is accepted here; swapped axes are told apart elsewhere.
        let within = |a: f64, b: f64, ax: (f64, f64), by: (f64, f64)| {
            (ax.0..=ax.1).contains(&a) && (by.0..=by.1).contains(&b)
        };
        let both = |ax: (f64, f64), by: (f64, f64)| within(x, y, ax, by) || within(y, x, ax, by);
        match *self {
            Crs::LonLat { .. } => both((-180.0, 180.0), (-90.0, 90.0)),
            Crs::GaussKruger {
                zone,
                zone_prefixed,
                ..
            } => {
                let base = if zone_prefixed {
                    f64::from(zone) * 1.0e6
                } else {
                    0.0
                };
                both((base, base + 1.0e6), (-1.0e7, 1.0e7))
            }
            Crs::Utm { .. } => both((0.0, 1.0e6), (-1.0e7, 1.0e7)),
            Crs::WebMercator => both(
                (-20_037_508.35, 20_037_508.35),
                (-20_048_966.11, 20_048_966.11),
            ),
        }
    }

    /// Whether `(x, y)` reads as this CRS's coordinates written in the other axis order.
    pub fn looks_swapped(&self, x: f64, y: f64) -> bool {
        match *self {
            Crs::LonLat { .. } => x.abs() <= 90.0 && y.abs() > 90.0 && y.abs() <= 180.0,
            Crs::GaussKruger { zone_prefixed, .. } => {
                if zone_prefixed {
                    // Easting 1e7..5e7 is always bigger than a northing (< 1e7).
                    y >= 1.0e7 && x < 1.0e7
                } else {
                    // Easting stays within ±400 km of 500 000; northing of China is 2–6 Mm.
                    x > 1.2e6 && y < 1.0e6 && y > 0.0
                }
            }
            Crs::Utm { .. } => x > 1.2e6 && y < 1.0e6 && y > 0.0,
            Crs::WebMercator => false,
        }
    }
}

/// The geodetic datum of a Gauss-Krüger CRS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Datum {
    /// CGCS2000 (GRS80 ellipsoid), = WGS84 within centimetres.
    #[default]
    Cgcs2000,
    /// Xi'an 1980: IAG 1975 ellipsoid (a = 6 378 140 m, 1/f = 298.257; PROJ's `IAU76`).
    Xian1980,
    /// Beijing 1954: Krassowsky 1940 ellipsoid (a = 6 378 245 m, 1/f = 298.3).
    Beijing1954,
}

impl Datum {
    /// The name as EPSG writes it.
    pub fn name(self) -> &'static str {
        match self {
            Datum::Cgcs2000 => "CGCS2000",
            Datum::Xian1980 => "Xian 1980",
            Datum::Beijing1954 => "Beijing 1954",
        }
    }

    /// The ellipsoid as PROJ names it for this datum (`IAU76` is IAG 1975: a = 6 378 140,
    /// 1/f = 298.257; `krass`: a = 6 378 245, 1/f = 298.3).
    fn ellipsoid(self) -> &'static str {
        match self {
            Datum::Cgcs2000 => "+ellps=GRS80",
            Datum::Xian1980 => "+ellps=IAU76",
            Datum::Beijing1954 => "+ellps=krass",
        }
    }
}

/// The EPSG families of Gauss-Krüger CRSs: (first code, last code, zone width,
/// zone-prefixed, datum). The zone (or central meridian) follows from the offset.
const GK_FAMILIES: [(u32, u32, u8, bool, Datum); 12] = [
    (4491, 4501, 6, true, Datum::Cgcs2000),
    (4502, 4512, 6, false, Datum::Cgcs2000),
    (4513, 4533, 3, true, Datum::Cgcs2000),
    (4534, 4554, 3, false, Datum::Cgcs2000),
    (2327, 2337, 6, true, Datum::Xian1980),
    (2338, 2348, 6, false, Datum::Xian1980),
    (2349, 2369, 3, true, Datum::Xian1980),
    (2370, 2390, 3, false, Datum::Xian1980),
    (21413, 21423, 6, true, Datum::Beijing1954),
    (21473, 21483, 6, false, Datum::Beijing1954),
    (2401, 2421, 3, true, Datum::Beijing1954),
    (2422, 2442, 3, false, Datum::Beijing1954),
];

/// The Gauss-Krüger CRS of an EPSG code, if it is one of [`GK_FAMILIES`].
fn gauss_kruger(code: u32) -> Option<Crs> {
    let &(first, _, width, zone_prefixed, datum) = GK_FAMILIES
        .iter()
        .find(|(a, b, ..)| (*a..=*b).contains(&code))?;
    // 6-degree zones start at 13 (CM 75E), 3-degree zones at 25 (CM 75E).
    let zone = (code - first) as u8 + if width == 6 { 13 } else { 25 };
    let central_meridian = if width == 6 {
        zone as u16 * 6 - 3
    } else {
        zone as u16 * 3
    };
    Some(Crs::GaussKruger {
        epsg: u16::try_from(code).ok()?,
        width,
        zone,
        central_meridian,
        zone_prefixed,
        datum,
    })
}

/// The EPSG code of a Gauss-Krüger zone on a datum, in the zone-prefixed or CM form.
pub fn gauss_kruger_epsg(datum: Datum, width: u8, zone: u8, zone_prefixed: bool) -> Option<u32> {
    let base = if width == 6 { 13 } else { 25 };
    GK_FAMILIES
        .iter()
        .find(|f| f.4 == datum && f.2 == width && f.3 == zone_prefixed)
        .and_then(|f| Some(f.0 + u32::from(zone.checked_sub(base)?)))
        .filter(|c| gauss_kruger(*c).is_some_and(|g| g.zone_of_gk() == Some(zone)))
}

/// How the rotations of 7 parameters are meant. Surveys and software differ: PROJ's
/// `+towgs84`, EPSG method 9606 and most Chinese software (e.g. the 转换参数 of
/// coordinate TXT files) use position vector; EPSG method 9607 (ISO 19111 "coordinate
/// frame", used by ArcGIS and some receivers) writes the same rotation with the
/// opposite signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rotation {
    /// Position vector (EPSG 9606, PROJ `+towgs84`).
    #[default]
    PositionVector,
    /// Coordinate frame (EPSG 9607): rotations of opposite sign.
    CoordinateFrame,
}

/// A datum shift from an older datum (Xi'an 1980, Beijing 1954) to CGCS2000: 3
/// translations (metres) or 7 Bursa-Wolf parameters (translations in metres, rotations
/// in arc-seconds, scale in ppm) as the survey gives them.
///
/// ```
/// use parkplan::crs::{DatumShift, Rotation};
/// // The 转换参数 of a land-approval TXT: dx, dy, dz, rx, ry, rz, scale.
/// let s = DatumShift::from_params(&[-15.3, 150.2, 80.1, 0.2, -0.3, 1.1, 2.5],
///                                 Rotation::PositionVector).unwrap();
/// assert_eq!(s.towgs84(), "-15.3,150.2,80.1,0.2,-0.3,1.1,2.5");
/// assert!(DatumShift::from_params(&[1.0, 2.0], Rotation::PositionVector).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DatumShift {
    /// Translation along X, metres.
    pub dx: f64,
    /// Translation along Y, metres.
    pub dy: f64,
    /// Translation along Z, metres.
    pub dz: f64,
    /// Rotation about X, arc-seconds (0 for a 3-parameter shift).
    #[serde(default)]
    pub rx: f64,
    /// Rotation about Y, arc-seconds.
    #[serde(default)]
    pub ry: f64,
    /// Rotation about Z, arc-seconds.
    #[serde(default)]
    pub rz: f64,
    /// Scale difference, parts per million.
    #[serde(default)]
    pub scale_ppm: f64,
    /// How the rotations are meant.
    #[serde(default)]
    pub rotation: Rotation,
}

impl DatumShift {
    /// A 3-parameter (translation only) shift, metres.
    pub fn translation(dx: f64, dy: f64, dz: f64) -> DatumShift {
        DatumShift {
            dx,
            dy,
            dz,
            rx: 0.0,
            ry: 0.0,
            rz: 0.0,
            scale_ppm: 0.0,
            rotation: Rotation::PositionVector,
        }
    }

    /// From the numbers a survey gives: 3 (dx dy dz, metres) or 7 (dx dy dz in metres,
    /// rx ry rz in arc-seconds, scale in ppm), with the rotations meant as `rotation`.
    /// Any other count, or a number that is not finite or is implausible (a translation
    /// beyond 1 000 m, a rotation beyond 60″, a scale beyond 1 000 ppm — usually a unit
    /// mistake such as radians or a scale factor written as 1.000002), is refused.
    pub fn from_params(p: &[f64], rotation: Rotation) -> Result<DatumShift, CrsError> {
        let bad = |m: String| Err(CrsError::BadShift(m));
        if p.len() != 3 && p.len() != 7 {
            return bad(format!("{} numbers given; 3 or 7 are needed", p.len()));
        }
        if let Some(v) = p.iter().find(|v| !v.is_finite()) {
            return bad(format!("{v} is not a number"));
        }
        if let Some(v) = p[..3].iter().find(|v| v.abs() > 1_000.0) {
            return bad(format!("translation {v} m is beyond 1000 m"));
        }
        let mut s = DatumShift::translation(p[0], p[1], p[2]);
        if p.len() == 7 {
            if let Some(v) = p[3..6].iter().find(|v| v.abs() > 60.0) {
                return bad(format!(
                    "rotation {v}″ is beyond 60 arc-seconds (rotations are in arc-seconds)"
                ));
            }
            if p[6].abs() > 1_000.0 {
                return bad(format!(
                    "scale {} ppm is beyond 1000 ppm (the scale is the difference in parts per million, not a factor)",
                    p[6]
                ));
            }
            (s.rx, s.ry, s.rz, s.scale_ppm, s.rotation) = (p[3], p[4], p[5], p[6], rotation);
        }
        Ok(s)
    }

    /// Parses numbers separated by commas, spaces or semicolons (as typed in the intake
    /// dialog or written after 转换参数=).
    pub fn parse(text: &str, rotation: Rotation) -> Result<DatumShift, CrsError> {
        let nums: Result<Vec<f64>, _> = text
            .split(|c: char| c == ',' || c == ';' || c == '，' || c.is_whitespace())
            .filter(|t| !t.is_empty())
            .map(|t| t.parse::<f64>())
            .collect();
        match nums {
            Ok(n) => DatumShift::from_params(&n, rotation),
            Err(e) => Err(CrsError::BadShift(format!("\"{}\": {e}", text.trim()))),
        }
    }

    /// Whether rotations and scale are all zero (a 3-parameter shift).
    pub fn is_translation(&self) -> bool {
        self.rx == 0.0 && self.ry == 0.0 && self.rz == 0.0 && self.scale_ppm == 0.0
    }

    /// The parameters as PROJ's `+towgs84` wants them (position vector): the rotations'
    /// signs flipped for a coordinate-frame shift.
    pub fn towgs84(&self) -> String {
        if self.is_translation() {
            return format!("{},{},{}", self.dx, self.dy, self.dz);
        }
        let k = match self.rotation {
            Rotation::PositionVector => 1.0,
            Rotation::CoordinateFrame => -1.0,
        };
        format!(
            "{},{},{},{},{},{},{}",
            self.dx,
            self.dy,
            self.dz,
            k * self.rx,
            k * self.ry,
            k * self.rz,
            self.scale_ppm
        )
    }

    /// The numbers as entered (3 or 7), for showing and storing.
    pub fn params(&self) -> Vec<f64> {
        if self.is_translation() {
            vec![self.dx, self.dy, self.dz]
        } else {
            vec![
                self.dx,
                self.dy,
                self.dz,
                self.rx,
                self.ry,
                self.rz,
                self.scale_ppm,
            ]
        }
    }
}

/// Converts between one CRS and lon/lat degrees.
pub struct Projector {
    crs: Crs,
    src: Option<Proj>,
    geo: Option<Proj>,
}

impl std::fmt::Debug for Projector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Projector").field("crs", &self.crs).finish()
    }
}

impl Projector {
    /// Builds the converter (geographic CRSs need no projection).
    pub fn new(crs: Crs) -> Result<Projector, CrsError> {
        Projector::with_shift(crs, None)
    }

    /// Builds the converter; `shift` moves an older datum (Xi'an 1980, Beijing 1954)
    /// to CGCS2000 (a Helmert transformation through geocentric coordinates, done by
    /// proj4rs as PROJ does for `+towgs84`). Without it, or for CGCS2000/WGS84 CRSs,
    /// no datum shift is made.
    pub fn with_shift(crs: Crs, shift: Option<&DatumShift>) -> Result<Projector, CrsError> {
        if crs.is_geographic() {
            return Ok(Projector {
                crs,
                src: None,
                geo: None,
            });
        }
        let shift = shift.filter(|_| crs.old_datum().is_some());
        let src_def = match shift {
            Some(s) => format!("{} +towgs84={}", crs.proj_string(), s.towgs84()),
            None => crs.proj_string(),
        };
        let src =
            Proj::from_proj_string(&src_def).map_err(|e| CrsError::Projection(format!("{e:?}")))?;
        // CGCS2000 is taken as WGS84 (they agree within centimetres): the shifted
        // target is GRS80 with a zero shift, which proj4rs treats as the WGS84 hub.
        let geo_def = match (crs, shift) {
            (_, Some(_)) => "+proj=longlat +ellps=GRS80 +towgs84=0,0,0 +no_defs",
            (Crs::GaussKruger { .. }, None) => "+proj=longlat +ellps=GRS80 +no_defs",
            _ => "+proj=longlat +ellps=WGS84 +no_defs",
        };
        let geo =
            Proj::from_proj_string(geo_def).map_err(|e| CrsError::Projection(format!("{e:?}")))?;
        Ok(Projector {
            crs,
            src: Some(src),
            geo: Some(geo),
        })
    }

    /// The CRS this converter reads.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// (x, y) in the CRS → (lon, lat) in degrees.
    pub fn to_lon_lat(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        match (&self.src, &self.geo) {
            (Some(src), Some(geo)) => {
                let mut p = (x, y, 0.0);
                proj4rs::transform::transform(src, geo, &mut p)
                    .map_err(|e| CrsError::Projection(format!("{e:?}")))?;
                Ok((p.0.to_degrees(), p.1.to_degrees()))
            }
            _ => Ok((x, y)),
        }
    }

    /// (lon, lat) in degrees → (x, y) in the CRS.
    pub fn from_lon_lat(&self, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
        match (&self.src, &self.geo) {
            (Some(src), Some(geo)) => {
                let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
                proj4rs::transform::transform(geo, src, &mut p)
                    .map_err(|e| CrsError::Projection(format!("{e:?}")))?;
                Ok((p.0, p.1))
            }
            _ => Ok((lon, lat)),
        }
    }
}

/// How a layer's CRS was decided, for the import report and `info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrsDecision {
    /// The CRS the coordinates were read in.
    pub crs: Crs,
    /// Whether x and y were written in swapped order (northing/lat first).
    pub axis_swapped: bool,
    /// Why: "crs member", "RFC 7946 default", or the size-based guess in words.
    pub reason: String,
    /// The CRS was guessed, not declared: show the user and let them correct it.
    pub guessed: bool,
    /// The shift from an older datum to CGCS2000 applied (the survey's parameters);
    /// `None` on CGCS2000/WGS84, or when none was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<DatumShift>,
}

impl CrsDecision {
    /// RFC 7946 lon/lat, the default when nothing says otherwise.
    pub fn rfc7946_default() -> CrsDecision {
        CrsDecision {
            crs: Crs::WGS84,
            axis_swapped: false,
            reason: "no crs member: RFC 7946 lon/lat (WGS84)".to_string(),
            guessed: false,
            shift: None,
        }
    }
}

/// Guesses the CRS of coordinates that came without a `crs` member, from their sizes:
/// lon/lat degrees (possibly lat-first), or CGCS2000 Gauss-Krüger metres whose 8-digit
/// easting starts with the zone number (possibly northing-first). `None` when the
/// numbers fit nothing (e.g. 6-digit eastings: the zone cannot be known).
pub fn sniff(sample: &[(f64, f64)]) -> Option<CrsDecision> {
    let pts: Vec<(f64, f64)> = sample
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    if pts.is_empty() {
        return None;
    }
    // Each reading must fit most of the positions: a few wild values are bad features
    // (reported one by one later), not evidence of another CRS.
    let most = |f: &dyn Fn(f64, f64) -> bool| {
        pts.iter().filter(|&&(x, y)| f(x, y)).count() * 2 > pts.len()
    };
    if most(&|x, y| x.abs() <= 180.0 && y.abs() <= 90.0) {
        return Some(CrsDecision::rfc7946_default());
    }
    if most(&|x, y| x.abs() <= 90.0 && y.abs() <= 180.0) {
        return Some(CrsDecision {
            crs: Crs::WGS84,
            axis_swapped: true,
            reason: "no crs member; values are degrees with the first number within ±90 and the second beyond it: read as lat/lon (swapped)".to_string(),
            guessed: true,
            shift: None,
        });
    }
    let zone_of = |e: f64| (e / 1_000_000.0).floor() as i64;
    let prefixed = |e: f64, n: f64| {
        (1.3e7..4.6e7).contains(&e)
            && (0.0..1.0e7).contains(&n)
            && ((13..=23).contains(&zone_of(e)) || (25..=45).contains(&zone_of(e)))
    };
    for swapped in [false, true] {
        let en = |&(x, y): &(f64, f64)| if swapped { (y, x) } else { (x, y) };
        // The most common zone among positions that read as zone-prefixed.
        let mut zones: std::collections::BTreeMap<i64, usize> = std::collections::BTreeMap::new();
        for p in &pts {
            let (e, n) = en(p);
            if prefixed(e, n) {
                *zones.entry(zone_of(e)).or_insert(0) += 1;
            }
        }
        let Some((&zone, &count)) = zones.iter().max_by_key(|(_, c)| **c) else {
            continue;
        };
        if count * 2 <= pts.len() {
            continue;
        }
        let epsg = if zone >= 25 {
            4513 + (zone - 25)
        } else {
            4491 + (zone - 13)
        } as u32;
        let crs = Crs::from_epsg(epsg)?;
        let width = if zone >= 25 { 3 } else { 6 };
        return Some(CrsDecision {
            crs,
            axis_swapped: swapped,
            reason: format!(
                "no crs member; the {} number of each position is an 8-digit easting starting with {zone}, the CGCS2000 {width}-degree Gauss-Kruger zone number: assumed {}{}",
                if swapped { "second" } else { "first" },
                crs.code(),
                if swapped {
                    " with northing written first"
                } else {
                    ""
                }
            ),
            guessed: true,
            shift: None,
        });
    }
    None
}

/// A planar metric frame for analysis: a transverse Mercator projection in metres,
/// in which distances and the R*-tree index are computed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MetricFrame {
    /// Central meridian, degrees east.
    pub lon_0: f64,
    /// Scale factor on the central meridian.
    pub k: f64,
    /// False easting in metres.
    pub x_0: f64,
    /// What the frame is, in words, e.g. "planar UTM zone 49N (EPSG:32649)".
    #[serde(skip)]
    pub kind: FrameKind,
}

/// Which family a metric frame belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameKind {
    /// The WGS84 UTM zone the data lies in (what geopandas' `estimate_utm_crs` picks).
    #[default]
    Utm,
    /// The CGCS2000 3-degree Gauss-Krüger zone the data lies in (k = 1).
    GaussKruger3,
    /// A transverse Mercator centred on the data (k = 1): the least distortion.
    Local,
}

impl MetricFrame {
    /// The frame of the given family that suits data centred at `lon`.
    pub fn for_longitude(kind: FrameKind, lon: f64) -> MetricFrame {
        match kind {
            FrameKind::Utm => {
                let zone = (((lon + 180.0) / 6.0).floor() as i64 + 1).clamp(1, 60);
                MetricFrame {
                    lon_0: zone as f64 * 6.0 - 183.0,
                    k: 0.9996,
                    x_0: 500_000.0,
                    kind,
                }
            }
            FrameKind::GaussKruger3 => MetricFrame {
                lon_0: (lon / 3.0).round() * 3.0,
                k: 1.0,
                x_0: 500_000.0,
                kind,
            },
            FrameKind::Local => MetricFrame {
                lon_0: (lon * 1000.0).round() / 1000.0,
                k: 1.0,
                x_0: 500_000.0,
                kind,
            },
        }
    }

    /// The method in words, stated in every analysis output.
    pub fn describe(&self) -> String {
        match self.kind {
            FrameKind::Utm => {
                let zone = ((self.lon_0 + 183.0) / 6.0).round() as i64;
                format!(
                    "planar UTM zone {zone}N (EPSG:{}), transverse Mercator CM {}E k0=0.9996",
                    32600 + zone,
                    self.lon_0
                )
            }
            FrameKind::GaussKruger3 => format!(
                "planar CGCS2000 3-degree Gauss-Kruger CM {}E (EPSG:{}), k0=1",
                self.lon_0,
                4534 + ((self.lon_0 / 3.0).round() as i64 - 25)
            ),
            FrameKind::Local => format!(
                "planar transverse Mercator centred on the park (CM {}E, k0=1, CGCS2000)",
                self.lon_0
            ),
        }
    }

    /// The PROJ definition of the frame.
    pub fn proj_string(&self) -> String {
        format!(
            "+proj=tmerc +lat_0=0 +lon_0={} +k={} +x_0={} +y_0=0 +ellps=WGS84 +units=m +no_defs",
            self.lon_0, self.k, self.x_0
        )
    }

    /// A projector into this frame.
    pub fn projector(&self) -> Result<FrameProjector, CrsError> {
        let tm = Proj::from_proj_string(&self.proj_string())
            .map_err(|e| CrsError::Projection(format!("{e:?}")))?;
        let geo = Proj::from_proj_string("+proj=longlat +ellps=WGS84 +no_defs")
            .map_err(|e| CrsError::Projection(format!("{e:?}")))?;
        Ok(FrameProjector { tm, geo })
    }
}

/// Projects lon/lat into a [`MetricFrame`] and back.
pub struct FrameProjector {
    tm: Proj,
    geo: Proj,
}

impl FrameProjector {
    /// (lon, lat) degrees → (x, y) metres. Non-finite input gives NaN.
    pub fn forward(&self, lon: f64, lat: f64) -> [f64; 2] {
        let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
        match proj4rs::transform::transform(&self.geo, &self.tm, &mut p) {
            Ok(()) => [p.0, p.1],
            Err(_) => [f64::NAN, f64::NAN],
        }
    }

    /// (x, y) metres → (lon, lat) degrees.
    pub fn inverse(&self, x: f64, y: f64) -> [f64; 2] {
        let mut p = (x, y, 0.0);
        match proj4rs::transform::transform(&self.tm, &self.geo, &mut p) {
            Ok(()) => [p.0.to_degrees(), p.1.to_degrees()],
            Err(_) => [f64::NAN, f64::NAN],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spellings_files_use() {
        for s in [
            "EPSG:4525",
            "urn:ogc:def:crs:EPSG::4525",
            "urn:ogc:def:crs:EPSG:6.6:4525",
            "http://www.opengis.net/def/crs/EPSG/0/4525",
            "4525",
        ] {
            let c = Crs::parse(s).unwrap();
            assert_eq!(c.epsg(), 4525, "{s}");
        }
        assert_eq!(
            Crs::parse("urn:ogc:def:crs:OGC:1.3:CRS84").unwrap().code(),
            "OGC:CRS84"
        );
        assert!(Crs::parse("EPSG:27700").is_err());
        assert!(Crs::parse("").is_err());
    }

    #[test]
    fn gauss_kruger_families() {
        match Crs::from_epsg(4525).unwrap() {
            Crs::GaussKruger {
                zone,
                central_meridian,
                zone_prefixed,
                ..
            } => {
                assert_eq!((zone, central_meridian, zone_prefixed), (37, 111, true));
            }
            c => panic!("{c:?}"),
        }
        match Crs::from_epsg(4546).unwrap() {
            Crs::GaussKruger {
                central_meridian,
                zone_prefixed,
                ..
            } => assert_eq!((central_meridian, zone_prefixed), (111, false)),
            c => panic!("{c:?}"),
        }
        assert_eq!(Crs::from_epsg(4554).map(|c| c.epsg()), Some(4554));
        assert_eq!(Crs::from_epsg(4555), None);
    }

    #[test]
    fn agrees_with_proj() {
        // PROJ 9.1.1 cs2cs: +proj=tmerc +lon_0=114 +k=1 +x_0=500000 +ellps=GRS80,
        // (330000, 3358000) → 112.23235503 E, 30.32981854 N.
        let p = Crs::from_epsg(4547).unwrap().projector().unwrap();
        let (lon, lat) = p.to_lon_lat(330_000.0, 3_358_000.0).unwrap();
        assert!((lon - 112.232_355_03).abs() < 1e-8, "{lon}");
        assert!((lat - 30.329_818_54).abs() < 1e-8, "{lat}");
        let (x, y) = p.from_lon_lat(114.0, 30.0).unwrap();
        assert!((x - 500_000.0).abs() < 1e-4 && (y - 3_320_113.397_8).abs() < 1e-3);
    }

    #[test]
    fn sniffs_zone_prefixed_and_swapped() {
        let d = sniff(&[(37_620_000.0, 3_357_000.0)]).unwrap();
        assert_eq!(d.crs.epsg(), 4525);
        assert!(!d.axis_swapped && d.guessed);
        let d = sniff(&[(3_357_000.0, 37_620_000.0)]).unwrap();
        assert_eq!(d.crs.epsg(), 4525);
        assert!(d.axis_swapped);
        let d = sniff(&[(112.3, 30.3)]).unwrap();
        assert_eq!(d.crs, Crs::WGS84);
        assert!(!d.guessed);
        let d = sniff(&[(30.3, 112.3)]).unwrap();
        assert!(d.axis_swapped);
        assert!(sniff(&[(620_000.0, 3_357_000.0)]).is_none());
        // One wild value among lon/lat positions does not change the reading.
        let d = sniff(&[(112.3, 30.3), (500.0, 30.0), (112.4, 30.2)]).unwrap();
        assert_eq!(d.crs, Crs::WGS84);
        assert!(!d.axis_swapped);
    }

    #[test]
    fn utm_frame_for_jingzhou() {
        let f = MetricFrame::for_longitude(FrameKind::Utm, 112.3);
        assert_eq!(f.lon_0, 111.0);
        assert!(f.describe().contains("32649"));
        let p = f.projector().unwrap();
        let [x, y] = p.forward(111.0, 0.0);
        assert!((x - 500_000.0).abs() < 1e-6 && y.abs() < 1e-6);
        let [lon, lat] = p.inverse(p.forward(112.3, 30.3)[0], p.forward(112.3, 30.3)[1]);
        assert!((lon - 112.3).abs() < 1e-9 && (lat - 30.3).abs() < 1e-9);
    }
}
