//! Typed records built from layers by role: parcels, projects, enterprises, facilities,
//! bus routes and stops, roads. Each points back to its feature ([`FeatureRef`]) so
//! every original property stays reachable.

use geo::{Geometry, MultiLineString, Point};
use serde::{Deserialize, Serialize};

use super::text::Text;
use super::units::{Mu, SquareMeters};
use super::vocab::{ApprovalStatus, ConstraintKind, Document, FacilityKind, LifecycleStage, Phase};

/// Where a record's feature lives: layer index and feature index within the layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FeatureRef {
    /// Index into `Park::layers`.
    pub layer: u32,
    /// Index of the feature within its layer.
    pub index: u32,
}

/// 地块: a land parcel.
#[derive(Debug, Clone, PartialEq)]
pub struct Parcel {
    /// Its feature.
    pub feature: FeatureRef,
    /// 地块编号.
    pub id: Text,
    /// 用地性质 (GB 50137 code such as M1, or as written).
    pub land_use: Option<Text>,
    /// 审批状态.
    pub status: ApprovalStatus,
    /// Area computed geodesically from the geometry.
    pub area: SquareMeters,
    /// Area as the data declared it (面积 in mu), when it did.
    pub declared_area: Option<Mu>,
    /// 项目编号 of the project on the parcel, as the data declared it.
    pub project_id: Option<Text>,
    /// Land approval dates (报批, 批复, 供地) and batch, as written.
    pub approval: ApprovalDates,
}

/// A parcel's land-approval dates as written in the data (usually YYYY-MM-DD).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApprovalDates {
    /// 报批日期: the application went up.
    pub submitted: Option<Text>,
    /// 批复日期: the approval came back.
    pub approved: Option<Text>,
    /// 供地日期: the land was supplied.
    pub supplied: Option<Text>,
    /// 报批批次.
    pub batch: Option<Text>,
}

/// The key dates of a project, as written in the data (usually YYYY-MM-DD).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyDates {
    /// 签约日期.
    pub signed: Option<Text>,
    /// 开工日期.
    pub started: Option<Text>,
    /// 投产日期.
    pub production: Option<Text>,
    /// 履约日期.
    pub fulfilled: Option<Text>,
    /// 入库日期.
    pub library: Option<Text>,
    /// The five documents' dates (五证), in [`Document::ALL`] order.
    pub documents: [Option<Text>; 5],
}

impl KeyDates {
    /// The date written for a document.
    pub fn document(&self, d: Document) -> Option<&str> {
        let i = Document::ALL.iter().position(|x| *x == d)?;
        self.documents[i].as_deref()
    }
}

/// 项目: an investment project.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// Its feature.
    pub feature: FeatureRef,
    /// 项目编号.
    pub id: Text,
    /// 项目名称.
    pub name: Text,
    /// 投资方.
    pub investor: Option<Text>,
    /// 投资额 in 亿元 (100 million yuan).
    pub investment_yi: Option<f64>,
    /// 分期.
    pub phase: Option<Phase>,
    /// 项目阶段.
    pub stage: Option<LifecycleStage>,
    /// 项目秘书 (responsible from 开工 to 投产).
    pub secretary: Option<Text>,
    /// 帮代办专员 (responsible from 签约 to 入库).
    pub agent: Option<Text>,
    /// Key dates.
    pub dates: KeyDates,
    /// 地块编号 of the parcel it sits on, as the data declared it.
    pub parcel_id: Option<Text>,
    /// A representative point (the point itself, or the centroid of its geometry).
    pub location: Option<Point<f64>>,
}

/// A constraint zone (三区三线, arable land): one polygon feature of a constraints layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// Its feature.
    pub feature: FeatureRef,
    /// The id (feature `id` member, else its id property).
    pub id: Text,
    /// What it protects or bounds; `None` when neither the feature nor its layer says.
    pub kind: Option<ConstraintKind>,
    /// Area computed geodesically from the geometry.
    pub area: SquareMeters,
}

/// An optional number in the 8 bytes of an `f64`, NaN standing for "none" (an
/// `Option<f64>` takes 16). A NaN given as a value reads back as none: it is no number.
#[derive(Debug, Clone, Copy)]
pub struct OptionalF64(f64);

impl OptionalF64 {
    /// No number.
    pub const NONE: OptionalF64 = OptionalF64(f64::NAN);

    /// The number, or none.
    pub fn get(self) -> Option<f64> {
        (!self.0.is_nan()).then_some(self.0)
    }
}

impl From<Option<f64>> for OptionalF64 {
    fn from(v: Option<f64>) -> OptionalF64 {
        OptionalF64(v.unwrap_or(f64::NAN))
    }
}

/// Equal when both are none or both the same number (unlike NaN, none equals none).
impl PartialEq for OptionalF64 {
    fn eq(&self, other: &OptionalF64) -> bool {
        self.get() == other.get()
    }
}

/// 企业: an enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct Enterprise {
    /// Its feature.
    pub feature: FeatureRef,
    /// The id (feature `id` member, else its id property).
    pub id: Text,
    /// 企业名称.
    pub name: Text,
    /// 行业.
    pub industry: Option<Text>,
    /// 职工人数.
    pub employees: Option<u32>,
    /// 产值 (万元), if given ([`OptionalF64`]: 8 bytes instead of an `Option<f64>`'s 16,
    /// 8 MB over a million enterprises).
    pub output_value: OptionalF64,
    /// Where it is (lon/lat); `None` when its geometry was null.
    pub location: Option<Point<f64>>,
}

/// 服务设施: a facility serving enterprises and residents.
#[derive(Debug, Clone, PartialEq)]
pub struct Facility {
    /// Its feature.
    pub feature: FeatureRef,
    /// The id.
    pub id: Text,
    /// 设施名称.
    pub name: Text,
    /// 设施类型.
    pub kind: FacilityKind,
    /// Where it is (lon/lat).
    pub location: Option<Point<f64>>,
}

/// 公交线路: a bus route.
#[derive(Debug, Clone, PartialEq)]
pub struct BusRoute {
    /// Its feature.
    pub feature: FeatureRef,
    /// The id.
    pub id: Text,
    /// 线路名称 (e.g. KW6).
    pub name: Text,
    /// The route's line in lon/lat (one or more parts).
    pub line: MultiLineString<f64>,
}

/// 公交站点: a bus stop.
#[derive(Debug, Clone, PartialEq)]
pub struct BusStop {
    /// Its feature.
    pub feature: FeatureRef,
    /// The id.
    pub id: Text,
    /// 站点名称.
    pub name: Text,
    /// The route it belongs to (线路), as named in the data.
    pub route: Option<Text>,
    /// Sequence along the route (序号, 1-based).
    pub seq: Option<u32>,
    /// Where it is (lon/lat).
    pub location: Option<Point<f64>>,
}

/// 道路: a road of the network.
#[derive(Debug, Clone, PartialEq)]
pub struct Road {
    /// Its feature.
    pub feature: FeatureRef,
    /// The id.
    pub id: Text,
    /// 道路名称.
    pub name: Text,
    /// 道路等级 as written (主干路, 次干路, 支路 …).
    pub class: Option<Text>,
    /// Speed limit or design speed in km/h, when given.
    pub speed_kmh: Option<f64>,
    /// One-way (ignored for walking).
    pub oneway: bool,
    /// The road's line in lon/lat.
    pub line: MultiLineString<f64>,
}

/// A representative point of any geometry: the point itself, a polygon's or
/// multipolygon's interior point (`geo`'s, computed by [`super::interior_point`]), else
/// the centroid.
pub fn representative_point(g: &Geometry<f64>) -> Option<Point<f64>> {
    use geo::Centroid;
    match g {
        Geometry::Point(p) => Some(*p),
        Geometry::Polygon(p) => super::interior_point::polygon_interior_point(p),
        Geometry::MultiPolygon(p) => super::interior_point::multi_polygon_interior_point(p),
        other => other.centroid(),
    }
}

/// The lines of a line geometry (LineString, MultiLineString, or the lines inside a
/// GeometryCollection); empty for other types.
pub fn lines_of(g: &Geometry<f64>) -> MultiLineString<f64> {
    match g {
        Geometry::LineString(l) => MultiLineString(vec![l.clone()]),
        Geometry::Line(l) => MultiLineString(vec![geo::LineString::from(vec![l.start, l.end])]),
        Geometry::MultiLineString(m) => m.clone(),
        Geometry::GeometryCollection(c) => {
            MultiLineString(c.iter().flat_map(|g| lines_of(g).0).collect())
        }
        _ => MultiLineString(vec![]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_optional_number_takes_eight_bytes_and_keeps_none_apart_from_values() {
        assert_eq!(std::mem::size_of::<OptionalF64>(), 8);
        // A million enterprises: 96 bytes each, not 104.
        assert!(std::mem::size_of::<Enterprise>() <= 96);
        for v in [Some(0.0), Some(-3232.5), Some(f64::INFINITY), None] {
            assert_eq!(OptionalF64::from(v).get(), v);
        }
        assert_eq!(OptionalF64::from(Some(f64::NAN)).get(), None);
        assert_eq!(OptionalF64::NONE, OptionalF64::from(None));
        assert_ne!(OptionalF64::NONE, OptionalF64::from(Some(1.0)));
        assert_eq!(OptionalF64::from(Some(1.5)), OptionalF64::from(Some(1.5)));
    }
}
