//! The palettes: planning-drawing colours of land use after GB 50137-2011
//! ([`LAND_USE_COLOURS`]), approval status, lifecycle stage, and facility-kind symbols.
//!
//! Owns these colour tables and nothing else: layer styles built from them are in
//! [`super::defaults`], page and overlay colours in [`super::theme`].

use super::types::{MarkerShape, Rgba};
use crate::model::{ApprovalStatus, FacilityKind, LifecycleStage};

/// Planning-drawing colours for land use after GB 50137-2011 (城市用地分类与规划建设用地
/// 标准) and its drawing convention: R yellow, A magenta/pink, B red, M brown (RGB
/// 127,95,63), W violet, S grey, U blue-teal, G green, E blue. Sub-classes are shades of
/// their class. Each entry: (code, Chinese label, English label, fill).
pub const LAND_USE_COLOURS: &[(&str, &str, &str, Rgba)] = &[
    (
        "R1",
        "一类居住用地",
        "Residential, class 1",
        Rgba::rgb(255, 255, 127),
    ),
    (
        "R2",
        "二类居住用地",
        "Residential, class 2",
        Rgba::rgb(255, 255, 0),
    ),
    (
        "R3",
        "三类居住用地",
        "Residential, class 3",
        Rgba::rgb(191, 191, 0),
    ),
    ("R", "居住用地", "Residential", Rgba::rgb(255, 255, 0)),
    (
        "A1",
        "行政办公用地",
        "Administration",
        Rgba::rgb(255, 63, 191),
    ),
    ("A33", "中小学用地", "Schools", Rgba::rgb(255, 159, 207)),
    (
        "A",
        "公共管理与公共服务用地",
        "Public services",
        Rgba::rgb(255, 127, 191),
    ),
    ("B1", "商业用地", "Commercial", Rgba::rgb(255, 0, 0)),
    ("B2", "商务用地", "Business", Rgba::rgb(255, 127, 127)),
    (
        "B",
        "商业服务业设施用地",
        "Commercial services",
        Rgba::rgb(255, 63, 63),
    ),
    (
        "M1",
        "一类工业用地",
        "Industrial, class 1",
        Rgba::rgb(165, 130, 95),
    ),
    (
        "M2",
        "二类工业用地",
        "Industrial, class 2",
        Rgba::rgb(127, 95, 63),
    ),
    (
        "M3",
        "三类工业用地",
        "Industrial, class 3",
        Rgba::rgb(96, 70, 44),
    ),
    ("M", "工业用地", "Industrial", Rgba::rgb(127, 95, 63)),
    (
        "W1",
        "一类物流仓储用地",
        "Logistics, class 1",
        Rgba::rgb(191, 159, 255),
    ),
    (
        "W",
        "物流仓储用地",
        "Logistics and warehousing",
        Rgba::rgb(159, 127, 255),
    ),
    (
        "S4",
        "交通场站用地",
        "Transport stations",
        Rgba::rgb(178, 178, 178),
    ),
    (
        "S",
        "道路与交通设施用地",
        "Roads and transport",
        Rgba::rgb(160, 160, 160),
    ),
    (
        "U1",
        "供应设施用地",
        "Utilities supply",
        Rgba::rgb(0, 159, 191),
    ),
    (
        "U",
        "公用设施用地",
        "Public utilities",
        Rgba::rgb(0, 127, 159),
    ),
    ("G1", "公园绿地", "Parks", Rgba::rgb(63, 191, 63)),
    ("G2", "防护绿地", "Protective green", Rgba::rgb(0, 159, 63)),
    (
        "G",
        "绿地与广场用地",
        "Green space and squares",
        Rgba::rgb(63, 191, 63),
    ),
    ("E1", "水域", "Water", Rgba::rgb(127, 191, 255)),
    (
        "E",
        "非建设用地",
        "Non-urban land",
        Rgba::rgb(191, 223, 191),
    ),
];

/// The GB 50137 entry of a land-use code (longest prefix), if known.
fn land_use_entry(code: &str) -> Option<&'static (&'static str, &'static str, &'static str, Rgba)> {
    let c = code.trim().to_ascii_uppercase();
    LAND_USE_COLOURS
        .iter()
        .filter(|(k, ..)| c.starts_with(k))
        .max_by_key(|(k, ..)| k.len())
}

/// The fill of a land-use code by the GB 50137 palette (longest prefix), if known.
pub fn land_use_colour(code: &str) -> Option<Rgba> {
    land_use_entry(code).map(|(.., col)| *col)
}

/// A land-use code with its GB 50137 name: "M1 一类工业用地" / "M1 Industrial, class 1"
/// (the class's name for an unlisted sub-class: "M4 工业用地"); the code alone when unknown.
pub fn land_use_label(code: &str, lang: crate::model::Lang) -> String {
    match land_use_entry(code) {
        Some((_, zh, en, _)) => format!("{} {}", code.trim(), lang.pick(zh, en)),
        None => code.trim().to_string(),
    }
}

/// Approval-status colours (no national standard; a traffic-light reading: supplied
/// blue, approved green, listed violet, pending amber, reserve grey).
pub fn approval_status_colour(s: ApprovalStatus) -> Rgba {
    match s {
        ApprovalStatus::Supplied => Rgba::rgb(66, 133, 204),
        ApprovalStatus::Approved => Rgba::rgb(92, 184, 92),
        ApprovalStatus::Listed => Rgba::rgb(156, 106, 196),
        ApprovalStatus::Pending => Rgba::rgb(245, 176, 65),
        ApprovalStatus::Reserved => Rgba::rgb(190, 190, 190),
        ApprovalStatus::Unknown => Rgba::rgb(230, 230, 230),
    }
}

/// Lifecycle-stage colours: cool for early stages, warm while building, green in
/// production.
pub fn lifecycle_colour(s: LifecycleStage) -> Rgba {
    match s {
        LifecycleStage::Signed => Rgba::rgb(158, 202, 225),
        LifecycleStage::Fulfilling => Rgba::rgb(90, 160, 210),
        LifecycleStage::InLibrary => Rgba::rgb(40, 100, 180),
        LifecycleStage::Started => Rgba::rgb(253, 174, 97),
        LifecycleStage::UnderConstruction => Rgba::rgb(230, 85, 13),
        LifecycleStage::InProduction => Rgba::rgb(35, 139, 69),
    }
}

/// Facility-kind symbols: (shape, fill).
pub fn facility_symbol(k: FacilityKind) -> (MarkerShape, Rgba) {
    match k {
        FacilityKind::GovernmentServiceHall => (MarkerShape::Star, Rgba::rgb(200, 16, 46)),
        FacilityKind::ComprehensiveServiceCentre => (MarkerShape::Square, Rgba::rgb(217, 72, 1)),
        FacilityKind::ConvenienceServiceCentre => (MarkerShape::Square, Rgba::rgb(241, 105, 19)),
        FacilityKind::CommunityServiceStation => (MarkerShape::Circle, Rgba::rgb(253, 141, 60)),
        FacilityKind::PrimarySchool => (MarkerShape::Triangle, Rgba::rgb(49, 130, 189)),
        FacilityKind::MiddleSchool => (MarkerShape::Triangle, Rgba::rgb(8, 81, 156)),
        FacilityKind::Kindergarten => (MarkerShape::Circle, Rgba::rgb(107, 174, 214)),
        FacilityKind::PolicePost => (MarkerShape::Diamond, Rgba::rgb(37, 52, 148)),
        FacilityKind::Other => (MarkerShape::Circle, Rgba::rgb(120, 120, 120)),
    }
}
