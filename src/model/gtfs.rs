//! The settings of a GTFS export: the fixed-headway service a micro-circuit route runs
//! (headway, service hours and days, bus speed, dwell time) and the agency the bus
//! company's systems expect. Saved in the `.parkplan` project (`"gtfs"`), edited in the
//! desktop's 导出 GTFS dialog, overridden by `parkplan-cli gtfs` flags.
//!
//! Plain data with its checks; writing a feed is `export::gtfs`'s and `save::gtfs`'s.

use serde::{Deserialize, Serialize};

use super::date::Date;

/// How a route's service runs and who runs it, for a GTFS feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GtfsSettings {
    /// `agency_name`; empty: the park's name.
    pub agency_name: String,
    /// `agency_url` (GTFS requires one).
    pub agency_url: String,
    /// `agency_timezone` (an IANA name).
    pub agency_timezone: String,
    /// Minutes between buses (frequencies.txt `headway_secs` / 60).
    pub headway_min: f64,
    /// First departure, `HH:MM`.
    pub service_start: String,
    /// Service ends (no departure after), `HH:MM`; may pass midnight as `25:00`.
    pub service_end: String,
    /// Service days, Monday first (calendar.txt).
    pub days: [bool; 7],
    /// Average bus speed between stops, km/h.
    pub speed_kmh: f64,
    /// Time a bus stands at each stop, seconds.
    pub dwell_s: u32,
    /// calendar.txt `start_date`, `YYYY-MM-DD` or `YYYYMMDD`; empty: the day of export.
    pub start_date: String,
    /// calendar.txt `end_date`; empty: a year after the start.
    pub end_date: String,
}

impl Default for GtfsSettings {
    fn default() -> Self {
        GtfsSettings {
            agency_name: String::new(),
            agency_url: "https://www.jingzhou.gov.cn/".into(),
            agency_timezone: "Asia/Shanghai".into(),
            headway_min: 20.0,
            service_start: "06:30".into(),
            service_end: "19:00".into(),
            days: [true; 7],
            speed_kmh: 20.0,
            dwell_s: 30,
            start_date: String::new(),
            end_date: String::new(),
        }
    }
}

/// A setting that cannot be used, with the setting's name.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{setting}: {message}")]
pub struct GtfsSettingError {
    /// Which setting (`headway_min`, `service_start` …).
    pub setting: &'static str,
    /// What is wrong.
    pub message: String,
}

fn bad(setting: &'static str, message: impl Into<String>) -> GtfsSettingError {
    GtfsSettingError {
        setting,
        message: message.into(),
    }
}

/// Seconds after midnight of a clock time `HH:MM` or `HH:MM:SS` (hours up to 47, as
/// GTFS allows service past midnight); `None` when it is not one.
///
/// ```
/// use parkplan::model::gtfs::parse_clock;
/// assert_eq!(parse_clock("06:30"), Some(23_400));
/// assert_eq!(parse_clock("25:00:10"), Some(90_010));
/// assert_eq!(parse_clock("6.30"), None);
/// ```
pub fn parse_clock(text: &str) -> Option<u32> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let h = num(parts[0])?;
    let m = num(parts[1])?;
    let s = match parts.get(2) {
        Some(s) => num(s)?,
        None => 0,
    };
    (h < 48 && m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
}

/// A GTFS time `HH:MM:SS` of seconds after midnight (hours may pass 24).
pub fn format_clock(seconds: u32) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The settings checked and turned into numbers, ready to write a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct GtfsService {
    /// `agency_name` (never empty).
    pub agency_name: String,
    /// `agency_url`.
    pub agency_url: String,
    /// `agency_timezone`.
    pub agency_timezone: String,
    /// Seconds between buses.
    pub headway_s: u32,
    /// First departure, seconds after midnight.
    pub start_s: u32,
    /// End of service, seconds after midnight.
    pub end_s: u32,
    /// Service days, Monday first.
    pub days: [bool; 7],
    /// Metres per second.
    pub speed_mps: f64,
    /// Dwell at each stop, seconds.
    pub dwell_s: u32,
    /// First day of service.
    pub start_date: Date,
    /// Last day of service.
    pub end_date: Date,
}

impl GtfsSettings {
    /// Checks the settings; `park_name` stands in for an empty agency name and `today`
    /// for an empty start date.
    pub fn service(&self, park_name: &str, today: Date) -> Result<GtfsService, GtfsSettingError> {
        if !(self.headway_min.is_finite() && (1.0..=720.0).contains(&self.headway_min)) {
            return Err(bad(
                "headway_min",
                format!(
                    "{} is not a headway in minutes (1 to 720)",
                    self.headway_min
                ),
            ));
        }
        let clock = |name: &'static str, t: &str| {
            parse_clock(t).ok_or_else(|| bad(name, format!("\"{t}\" is not a time HH:MM")))
        };
        let start_s = clock("service_start", &self.service_start)?;
        let end_s = clock("service_end", &self.service_end)?;
        if end_s <= start_s {
            return Err(bad(
                "service_end",
                format!(
                    "{} is not after the start {} (write 25:00 for 1 a.m. the next day)",
                    self.service_end, self.service_start
                ),
            ));
        }
        if !(self.speed_kmh.is_finite() && (1.0..=120.0).contains(&self.speed_kmh)) {
            return Err(bad(
                "speed_kmh",
                format!("{} is not a bus speed in km/h (1 to 120)", self.speed_kmh),
            ));
        }
        if self.dwell_s > 3600 {
            return Err(bad(
                "dwell_s",
                format!("{} s is not a dwell time (at most 3600)", self.dwell_s),
            ));
        }
        if !self.days.iter().any(|d| *d) {
            return Err(bad("days", "no service day is chosen"));
        }
        let date = |name: &'static str, t: &str| -> Result<Option<Date>, GtfsSettingError> {
            let t = t.trim();
            if t.is_empty() {
                return Ok(None);
            }
            let compact = (t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| format!("{}-{}-{}", &t[0..4], &t[4..6], &t[6..8]));
            Date::parse(compact.as_deref().unwrap_or(t))
                .map(Some)
                .ok_or_else(|| bad(name, format!("\"{t}\" is not a date YYYY-MM-DD")))
        };
        let start_date = date("start_date", &self.start_date)?.unwrap_or(today);
        let end_date = date("end_date", &self.end_date)?.unwrap_or(start_date.plus_days(365));
        if end_date.days() < start_date.days() {
            return Err(bad("end_date", "the end date is before the start date"));
        }
        for (name, v) in [
            ("agency_url", &self.agency_url),
            ("agency_timezone", &self.agency_timezone),
        ] {
            if v.trim().is_empty() {
                return Err(bad(name, "GTFS requires it; it is empty"));
            }
        }
        let agency_name = match self.agency_name.trim() {
            "" => park_name.trim().to_string(),
            n => n.to_string(),
        };
        Ok(GtfsService {
            agency_name: if agency_name.is_empty() {
                "ParkPlan".into()
            } else {
                agency_name
            },
            agency_url: self.agency_url.trim().to_string(),
            agency_timezone: self.agency_timezone.trim().to_string(),
            headway_s: (self.headway_min * 60.0).round() as u32,
            start_s,
            end_s,
            days: self.days,
            speed_mps: self.speed_kmh / 3.6,
            dwell_s: self.dwell_s,
            start_date,
            end_date,
        })
    }
}

/// A GTFS date `YYYYMMDD`.
pub fn gtfs_date(d: Date) -> String {
    let (y, m, day) = d.ymd();
    format!("{y:04}{m:02}{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::from_ymd(2026, 12, 5).unwrap()
    }

    #[test]
    fn defaults_give_a_daily_twenty_minute_service() {
        let s = GtfsSettings::default().service("经开区", today()).unwrap();
        assert_eq!(s.headway_s, 1200);
        assert_eq!((s.start_s, s.end_s), (6 * 3600 + 1800, 19 * 3600));
        assert_eq!(s.agency_name, "经开区");
        assert_eq!(gtfs_date(s.start_date), "20261205");
        assert_eq!(gtfs_date(s.end_date), "20271205");
        assert!((s.speed_mps - 20.0 / 3.6).abs() < 1e-12);
    }

    #[test]
    fn bad_settings_name_themselves() {
        let mut s = GtfsSettings {
            service_end: "06:00".into(),
            ..GtfsSettings::default()
        };
        assert_eq!(s.service("p", today()).unwrap_err().setting, "service_end");
        s.service_end = "25:00".into();
        assert!(s.service("p", today()).is_ok());
        s.headway_min = 0.0;
        assert_eq!(s.service("p", today()).unwrap_err().setting, "headway_min");
        s.headway_min = 10.0;
        s.days = [false; 7];
        assert_eq!(s.service("p", today()).unwrap_err().setting, "days");
        s.days[0] = true;
        s.start_date = "20260230".into();
        assert_eq!(s.service("p", today()).unwrap_err().setting, "start_date");
        s.start_date = "20260301".into();
        s.end_date = "2026-02-01".into();
        assert_eq!(s.service("p", today()).unwrap_err().setting, "end_date");
    }

    #[test]
    fn clock_times_round_trip() {
        for t in [0, 59, 3600, 23_400, 90_010] {
            assert_eq!(parse_clock(&format_clock(t)), Some(t));
        }
        assert_eq!(parse_clock("24:60"), None);
        assert_eq!(parse_clock(""), None);
    }
}
