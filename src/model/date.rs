//! Calendar dates as the ledger needs them: stage dates, document dates, land approval
//! dates, and "as of" a day.
//!
//! Survey teams and project offices write dates many ways: `2023-03-18`, `2023/3/18`,
//! `2023.03.18`, `20230318`, `2023年3月18日`, sometimes with a time after them. [`Date::parse`]
//! reads all of these and refuses anything else (never guesses a day from a bare year).
//! Days are counted in the proleptic Gregorian calendar; "today" is the planners' day in
//! UTC+8.

use serde::{Deserialize, Serialize};

/// A calendar day (no time, no zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// Days since 1970-01-01.
    days: i32,
}

impl Date {
    /// The date of a year, month (1–12) and day (1–31); `None` when no such day exists
    /// (2023-02-30) or the year is outside 1800–2200.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1800..=2200).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        if day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            days: days_from_civil(year as i64, month, day) as i32,
        })
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i32) -> Date {
        Date { days }
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i32 {
        self.days
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i32, u32, u32) {
        let (y, m, d) = civil_from_days(self.days as i64);
        (y as i32, m, d)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// Whole days from `earlier` to `self` (negative when `earlier` is later).
    pub fn days_since(self, earlier: Date) -> i32 {
        self.days - earlier.days
    }

    /// This date plus `n` days.
    pub fn plus_days(self, n: i32) -> Date {
        Date {
            days: self.days + n,
        }
    }

    /// Today in UTC+8 (the planners' time zone), from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
            + 8 * 3600;
        Date {
            days: secs.div_euclid(86_400) as i32,
        }
    }

    /// Reads a date as project offices write it: `2023-03-18`, `2023/3/18`,
    /// `2023.03.18`, `20230318`, `2023年3月18日` (a time after the day is ignored).
    /// `None` for anything else, including a bare year or month.
    ///
    /// ```
    /// use parkplan::model::date::Date;
    /// let d = Date::from_ymd(2023, 3, 18).unwrap();
    /// for s in ["2023-03-18", "2023/3/18", "2023.03.18", "20230318", "2023年3月18日", " 2023-03-18 09:30:00 "] {
    ///     assert_eq!(Date::parse(s), Some(d), "{s}");
    /// }
    /// assert_eq!(Date::parse("2023"), None);
    /// assert_eq!(Date::parse("2023-02-30"), None);
    /// assert_eq!(d.to_string(), "2023-03-18");
    /// ```
    pub fn parse(s: &str) -> Option<Date> {
        let t = s.trim();
        // Drop a time part: "2023-03-18 09:30", "2023-03-18T09:30:00Z".
        let t = t.split([' ', 'T']).next().unwrap_or(t);
        let t = t.trim_end_matches('日');
        if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
            let y = t[0..4].parse().ok()?;
            let m = t[4..6].parse().ok()?;
            let d = t[6..8].parse().ok()?;
            return Date::from_ymd(y, m, d);
        }
        let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
            return None;
        }
        if parts[0].len() != 4 {
            return None;
        }
        let y = parts[0].parse().ok()?;
        let m = parts[1].parse().ok()?;
        let d = parts[2].parse().ok()?;
        Date::from_ymd(y, m, d)
    }

    /// "2023年3月18日".
    pub fn chinese(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y}年{m}月{d}日")
    }
}

impl std::fmt::Display for Date {
    /// ISO 8601: `2023-03-18`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a date: {s:?}")))
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// (year, month, day) → days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        for days in -80_000..80_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn known_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_697), (2026, 9, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        let a = Date::from_ymd(2024, 2, 28).unwrap();
        assert_eq!(a.plus_days(1).to_string(), "2024-02-29");
        assert_eq!(a.plus_days(2).to_string(), "2024-03-01");
        assert_eq!(Date::from_ymd(2023, 2, 29), None);
        assert_eq!(
            Date::from_ymd(2025, 1, 1)
                .unwrap()
                .days_since(Date::from_ymd(2024, 1, 1).unwrap()),
            366
        );
    }

    #[test]
    fn refuses_what_is_not_a_day() {
        for s in [
            "",
            "2023",
            "2023-03",
            "18/03/2023",
            "3/18/2023",
            "abc",
            "2023-13-01",
            "2023年3月",
        ] {
            assert_eq!(Date::parse(s), None, "{s}");
        }
    }
}
