//! Units as types: lengths in metres, areas in square metres and mu.
//!
//! Planners count land in mu (亩): 1 mu = 10000/15 m² ≈ 666.67 m², 15 mu = 1 ha.
//! Keeping the unit in the type stops a mu figure from being added to square metres.

use serde::{Deserialize, Serialize};

/// Square metres in one mu (亩).
pub const SQUARE_METERS_PER_MU: f64 = 10_000.0 / 15.0;

/// A length or distance in metres.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
pub struct Meters(pub f64);

/// An area in square metres.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
pub struct SquareMeters(pub f64);

/// An area in mu (亩), the unit Chinese land administration counts in.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
pub struct Mu(pub f64);

impl Meters {
    /// The length in kilometres.
    pub fn km(self) -> f64 {
        self.0 / 1000.0
    }
}

impl SquareMeters {
    /// The area in mu.
    pub fn to_mu(self) -> Mu {
        Mu(self.0 / SQUARE_METERS_PER_MU)
    }
    /// The area in hectares.
    pub fn hectares(self) -> f64 {
        self.0 / 10_000.0
    }
    /// The area in square kilometres.
    pub fn km2(self) -> f64 {
        self.0 / 1_000_000.0
    }
}

impl Mu {
    /// The area in square metres.
    pub fn to_square_meters(self) -> SquareMeters {
        SquareMeters(self.0 * SQUARE_METERS_PER_MU)
    }
    /// The area in hectares (15 mu = 1 ha).
    pub fn hectares(self) -> f64 {
        self.0 / 15.0
    }
}

impl std::ops::Add for SquareMeters {
    type Output = SquareMeters;
    fn add(self, rhs: SquareMeters) -> SquareMeters {
        SquareMeters(self.0 + rhs.0)
    }
}

impl std::ops::AddAssign for SquareMeters {
    fn add_assign(&mut self, rhs: SquareMeters) {
        self.0 += rhs.0;
    }
}

impl std::ops::Add for Meters {
    type Output = Meters;
    fn add(self, rhs: Meters) -> Meters {
        Meters(self.0 + rhs.0)
    }
}

/// Formats a distance for people: "850 m" or "1.25 km".
pub fn format_distance(m: Meters) -> String {
    if m.0.abs() < 1000.0 {
        format!("{:.0} m", m.0)
    } else {
        format!("{:.2} km", m.0 / 1000.0)
    }
}

/// Formats an area for people in m², ha or km², with the mu figure beside it.
pub fn format_area(a: SquareMeters) -> String {
    let mu = format_mu(a.to_mu());
    if a.0 < 10_000.0 {
        format!("{} m² ({mu})", grouped(a.0, 0))
    } else if a.0 < 1_000_000.0 {
        format!("{:.2} ha ({mu})", a.hectares())
    } else {
        format!("{:.3} km² ({mu})", a.km2())
    }
}

/// Mu for people, by the one rounding rule the desk, the command line and the printed
/// page share: two decimals, digits grouped ("566.34 亩", "1,234.50 亩").
pub fn format_mu(mu: Mu) -> String {
    format!("{} 亩", grouped(mu.0, 2))
}

/// A travel time for people, one decimal, in the language's unit: "15.1 分钟" /
/// "15.1 min"; `None` (not reached within the search limit) as "> 60 分钟" with
/// `limit` minutes.
pub fn format_minutes(lang: super::Lang, minutes: Option<f64>, limit: f64) -> String {
    let unit = lang.pick("分钟", "min");
    match minutes {
        Some(m) => format!("{m:.1} {unit}"),
        None => format!("> {limit:.0} {unit}"),
    }
}

/// Digits grouped by thousands: 12345 → "12,345" (the one grouping rule of the desk,
/// the command line and the printed page).
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A decimal number with its digits grouped by thousands: 110785.24 with 1 decimal →
/// "110,785.2".
pub fn grouped(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let digits: u64 = int.parse().unwrap_or(0);
    let sign = if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{}", thousands(digits))
    } else {
        format!("{sign}{}.{frac}", thousands(digits))
    }
}

/// The largest "nice" length (1, 2 or 5 × 10ⁿ) not above `max` (> 0), for scale bars
/// on screen and on paper; 1 for anything not positive and finite.
pub fn nice_length(max: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    for m in [5.0, 2.0, 1.0] {
        if m * p <= max * 1.000_001 {
            return m * p;
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifteen_mu_is_one_hectare() {
        let a = Mu(15.0).to_square_meters();
        assert!((a.0 - 10_000.0).abs() < 1e-9);
        assert!((SquareMeters(666.666_666_7).to_mu().0 - 1.0).abs() < 1e-9);
        assert!((Mu(513.0).hectares() - 34.2).abs() < 1e-9);
    }

    #[test]
    fn formats_read_well() {
        assert_eq!(format_distance(Meters(850.4)), "850 m");
        assert_eq!(format_distance(Meters(57_012.0)), "57.01 km");
        assert_eq!(format_area(SquareMeters(5000.0)), "5,000 m² (7.50 亩)");
        // One rounding rule for mu wherever an area is shown.
        assert_eq!(format_area(SquareMeters(377_559.0)), "37.76 ha (566.34 亩)");
        assert_eq!(format_mu(Mu(1234.5)), "1,234.50 亩");
    }

    #[test]
    fn minutes_read_in_the_language() {
        use crate::model::Lang;
        assert_eq!(format_minutes(Lang::Zh, Some(15.06), 60.0), "15.1 分钟");
        assert_eq!(format_minutes(Lang::En, Some(15.06), 60.0), "15.1 min");
        assert_eq!(format_minutes(Lang::Zh, None, 60.0), "> 60 分钟");
        assert_eq!(thousands(110_785), "110,785");
        assert_eq!(grouped(110_785.24, 1), "110,785.2");
        assert_eq!(grouped(7385.678, 2), "7,385.68");
        assert_eq!(grouped(-1234.5, 0), "-1,234");
        assert_eq!(grouped(12.0, 1), "12.0");
        assert_eq!(nice_length(730.0), 500.0);
    }
}
