//! A layer: the features of one file (or one manifest entry) with their geometry in
//! lon/lat, their attribute table, and where they came from.
//!
//! Geometry is always stored as lon/lat degrees (WGS84 ≈ CGCS2000); the source CRS is
//! remembered so a layer can be written back the way it came.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use geo::{BoundingRect, Geometry, Rect};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::attributes::{AttributeTable, Column, PropValue};
use super::text::Text;
use super::vocab::Role;
use crate::crs::CrsDecision;

/// A model field that a layer's property can be mapped to. The import's field-name
/// table says which Chinese and English property names mean each field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 编号: the record's identifier.
    Id,
    /// 名称: the name.
    Name,
    /// 用地性质: land use.
    LandUse,
    /// 审批状态: approval status.
    Status,
    /// 面积 (亩).
    AreaMu,
    /// 面积 (m²).
    AreaM2,
    /// 项目编号 on a parcel: the project on it.
    ProjectId,
    /// 地块编号 on a project: the parcel it sits on.
    ParcelId,
    /// 投资方.
    Investor,
    /// 投资额 (亿元).
    Investment,
    /// 分期.
    Phase,
    /// 项目阶段.
    Stage,
    /// 项目秘书.
    Secretary,
    /// 签约日期.
    SignedDate,
    /// 开工日期.
    StartDate,
    /// 投产日期.
    ProductionDate,
    /// 行业.
    Industry,
    /// 职工人数.
    Employees,
    /// 产值 (万元).
    OutputValue,
    /// 设施类型.
    Kind,
    /// 线路: the route a stop belongs to.
    Route,
    /// 序号: a stop's sequence along its route.
    Seq,
    /// 道路等级.
    RoadClass,
    /// 限速 / speed (km/h).
    Speed,
    /// 单行: one-way.
    Oneway,
    /// 帮代办专员: the project's agent from 签约 to 入库.
    Agent,
    /// 履约日期.
    FulfilledDate,
    /// 入库日期.
    LibraryDate,
    /// 建设用地规划许可证 (date issued).
    DocLandUsePlanning,
    /// 建设项目规划设计方案批复 (date issued).
    DocDesignScheme,
    /// 建设工程规划许可证 (date issued).
    DocWorksPlanning,
    /// 不动产权证书 (date issued).
    DocPropertyCertificate,
    /// 建筑工程施工许可证 (date issued).
    DocConstructionPermit,
    /// 报批日期: a parcel's land-approval application went up.
    SubmittedDate,
    /// 批复日期: a parcel's land approval came back.
    ApprovedDate,
    /// 供地日期: a parcel was supplied (transferred).
    SuppliedDate,
    /// 报批批次: the approval batch.
    Batch,
    /// 管控类型: a constraint zone's kind (三区三线).
    ConstraintKind,
    /// 地类编码: a land-survey class code (01xx = arable land).
    LandClass,
}

impl Field {
    /// Every field.
    pub const ALL: &'static [Field] = &[
        Field::Id,
        Field::Name,
        Field::LandUse,
        Field::Status,
        Field::AreaMu,
        Field::AreaM2,
        Field::ProjectId,
        Field::ParcelId,
        Field::Investor,
        Field::Investment,
        Field::Phase,
        Field::Stage,
        Field::Secretary,
        Field::SignedDate,
        Field::StartDate,
        Field::ProductionDate,
        Field::Industry,
        Field::Employees,
        Field::OutputValue,
        Field::Kind,
        Field::Route,
        Field::Seq,
        Field::RoadClass,
        Field::Speed,
        Field::Oneway,
        Field::Agent,
        Field::FulfilledDate,
        Field::LibraryDate,
        Field::DocLandUsePlanning,
        Field::DocDesignScheme,
        Field::DocWorksPlanning,
        Field::DocPropertyCertificate,
        Field::DocConstructionPermit,
        Field::SubmittedDate,
        Field::ApprovedDate,
        Field::SuppliedDate,
        Field::Batch,
        Field::ConstraintKind,
        Field::LandClass,
    ];

    /// The stable code used in manifests and project files.
    pub fn code(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::LandUse => "land_use",
            Field::Status => "status",
            Field::AreaMu => "area_mu",
            Field::AreaM2 => "area_m2",
            Field::ProjectId => "project_id",
            Field::ParcelId => "parcel_id",
            Field::Investor => "investor",
            Field::Investment => "investment",
            Field::Phase => "phase",
            Field::Stage => "stage",
            Field::Secretary => "secretary",
            Field::SignedDate => "signed_date",
            Field::StartDate => "start_date",
            Field::ProductionDate => "production_date",
            Field::Industry => "industry",
            Field::Employees => "employees",
            Field::OutputValue => "output_value",
            Field::Kind => "kind",
            Field::Route => "route",
            Field::Seq => "seq",
            Field::RoadClass => "class",
            Field::Speed => "speed",
            Field::Oneway => "oneway",
            Field::Agent => "agent",
            Field::FulfilledDate => "fulfilled_date",
            Field::LibraryDate => "library_date",
            Field::DocLandUsePlanning => "doc_land_use_planning",
            Field::DocDesignScheme => "doc_design_scheme",
            Field::DocWorksPlanning => "doc_works_planning",
            Field::DocPropertyCertificate => "doc_property_certificate",
            Field::DocConstructionPermit => "doc_construction_permit",
            Field::SubmittedDate => "submitted_date",
            Field::ApprovedDate => "approved_date",
            Field::SuppliedDate => "supplied_date",
            Field::Batch => "batch",
            Field::ConstraintKind => "constraint_kind",
            Field::LandClass => "land_class",
        }
    }

    /// Reads a field code.
    pub fn from_code(s: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.code() == s.trim())
    }

    /// The Chinese label shown in the intake dialog and the inspector.
    pub fn label_zh(self) -> &'static str {
        match self {
            Field::Id => "编号",
            Field::Name => "名称",
            Field::LandUse => "用地性质",
            Field::Status => "审批状态",
            Field::AreaMu => "面积(亩)",
            Field::AreaM2 => "面积(m²)",
            Field::ProjectId => "项目编号",
            Field::ParcelId => "地块编号",
            Field::Investor => "投资方",
            Field::Investment => "投资额(亿元)",
            Field::Phase => "分期",
            Field::Stage => "项目阶段",
            Field::Secretary => "项目秘书",
            Field::SignedDate => "签约日期",
            Field::StartDate => "开工日期",
            Field::ProductionDate => "投产日期",
            Field::Industry => "行业",
            Field::Employees => "职工人数",
            Field::OutputValue => "产值(万元)",
            Field::Kind => "设施类型",
            Field::Route => "线路",
            Field::Seq => "序号",
            Field::RoadClass => "道路等级",
            Field::Speed => "限速(km/h)",
            Field::Oneway => "单行",
            Field::Agent => "帮代办专员",
            Field::FulfilledDate => "履约日期",
            Field::LibraryDate => "入库日期",
            Field::DocLandUsePlanning => "建设用地规划许可证",
            Field::DocDesignScheme => "规划设计方案批复",
            Field::DocWorksPlanning => "建设工程规划许可证",
            Field::DocPropertyCertificate => "不动产权证书",
            Field::DocConstructionPermit => "建筑工程施工许可证",
            Field::SubmittedDate => "报批日期",
            Field::ApprovedDate => "批复日期",
            Field::SuppliedDate => "供地日期",
            Field::Batch => "报批批次",
            Field::ConstraintKind => "管控类型",
            Field::LandClass => "地类编码",
        }
    }
}

/// Which property (column) of a layer holds each model field.
pub type FieldMap = BTreeMap<Field, String>;

/// A feature's `id` member, kept with its JSON type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FeatureId {
    /// `"id": "P001"`.
    Str(Box<str>),
    /// `"id": 17`.
    Int(i64),
    /// `"id": 1.5` (legal JSON, odd GeoJSON).
    Float(f64),
}

impl std::fmt::Display for FeatureId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FeatureId::Str(s) => f.write_str(s),
            FeatureId::Int(i) => write!(f, "{i}"),
            FeatureId::Float(x) => write!(f, "{x}"),
        }
    }
}

/// How the bytes of a file were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-8 with a byte-order mark.
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    /// UTF-16 little-endian with a byte-order mark.
    #[serde(rename = "utf-16le")]
    Utf16Le,
    /// UTF-16 big-endian with a byte-order mark.
    #[serde(rename = "utf-16be")]
    Utf16Be,
    /// GB18030 (a superset of GBK and GB2312), used when the bytes are not UTF-8.
    #[serde(rename = "gb18030")]
    Gb18030,
}

impl TextEncoding {
    /// The name shown in reports and JSON ("utf-8", "gb18030" …).
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Gb18030 => "gb18030",
        }
    }
}

/// Where a layer came from and how it was read.
#[derive(Debug, Clone, Default)]
pub struct LayerSource {
    /// The file, when the layer came from one.
    pub path: Option<PathBuf>,
    /// How its text was decoded.
    pub encoding: TextEncoding,
    /// Its CRS and how that was decided (`None` for a layer with no coordinates).
    pub crs: Option<CrsDecision>,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// Which part of a file holding several geometry kinds this layer is (its points,
    /// lines or polygons); `None` for the whole file.
    pub part: Option<GeomFamily>,
}

/// A kind of geometry, by which a file holding several kinds is split into layers (a
/// GTFS-derived file: route lines and stop points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeomFamily {
    /// LineString and MultiLineString.
    Lines,
    /// Point and MultiPoint.
    Points,
    /// Polygon and MultiPolygon.
    Polygons,
}

impl GeomFamily {
    /// The kind of a geometry; `None` for a GeometryCollection (no single kind).
    pub fn of(g: &Geometry<f64>) -> Option<GeomFamily> {
        GeomFamily::of_type(geometry_type_index(Some(g)))
    }

    /// The kind of the geometry type at `index` of [`GEOMETRY_TYPE_NAMES`]; `None` for no
    /// geometry and for a GeometryCollection.
    fn of_type(index: usize) -> Option<GeomFamily> {
        match GEOMETRY_TYPE_NAMES.get(index).copied() {
            Some("Point" | "MultiPoint") => Some(GeomFamily::Points),
            Some("LineString" | "MultiLineString") => Some(GeomFamily::Lines),
            Some("Polygon" | "MultiPolygon") => Some(GeomFamily::Polygons),
            _ => None,
        }
    }

    /// The stable code (`points`, `lines`, `polygons`), as manifests and projects write it.
    pub fn code(self) -> &'static str {
        match self {
            GeomFamily::Points => "points",
            GeomFamily::Lines => "lines",
            GeomFamily::Polygons => "polygons",
        }
    }

    /// Parses a code (or `point`/`line`/`polygon`, 点/线/面).
    pub fn parse(s: &str) -> Option<GeomFamily> {
        match s.trim().to_ascii_lowercase().as_str() {
            "points" | "point" | "点" => Some(GeomFamily::Points),
            "lines" | "line" | "线" => Some(GeomFamily::Lines),
            "polygons" | "polygon" | "面" => Some(GeomFamily::Polygons),
            _ => None,
        }
    }

    /// The word in the given language: 点/线/面, points/lines/polygons.
    pub fn label(self, lang: super::Lang) -> &'static str {
        match self {
            GeomFamily::Points => lang.pick("点", "points"),
            GeomFamily::Lines => lang.pick("线", "lines"),
            GeomFamily::Polygons => lang.pick("面", "polygons"),
        }
    }

    /// The family word `import::roles::guess_role` takes ("point", "line", "polygon").
    pub fn role_family(self) -> &'static str {
        match self {
            GeomFamily::Points => "point",
            GeomFamily::Lines => "line",
            GeomFamily::Polygons => "polygon",
        }
    }
}

/// What a feature carried besides `type`, `id`, `geometry` and `properties`, and its
/// z values: kept so that writing the layer back loses nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureExtras {
    /// Foreign members of the Feature object, as raw JSON text.
    pub members: Vec<(String, String)>,
    /// Foreign members of its geometry object, as raw JSON text.
    pub geometry_members: Vec<(String, String)>,
    /// The z values of its positions, in coordinate order, when the data was 3D.
    pub z: Option<Vec<f64>>,
    /// Its row in a team database and the version loaded (features opened from
    /// PostGIS; `None` for files and for features added since).
    pub row: Option<RowVersion>,
}

/// A feature's row in a team database: its key and the version this copy was loaded
/// (or last saved) at, for the optimistic concurrency check of the next save.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowVersion {
    /// The row's key (`fid`).
    pub fid: i64,
    /// The row's `version` when this copy was read or written.
    pub version: i64,
}

/// A text value trimmed, `None` when absent, null or blank.
fn trimmed_text(v: PropValue<'_>) -> Option<String> {
    trimmed_str(v).map(Cow::into_owned)
}

/// A value as trimmed text (`None` when absent, null or blank), borrowed from the
/// value where it is a string.
fn trimmed_str(v: PropValue<'_>) -> Option<Cow<'_, str>> {
    let t = match v.as_text()? {
        Cow::Borrowed(s) => Cow::Borrowed(crate::model::text::trim(s)),
        Cow::Owned(s) if crate::model::text::is_trimmed(&s) => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
    };
    (!t.is_empty()).then_some(t)
}

/// A cell as trimmed text (`None` when absent, null or blank): a handle on the column's
/// buffer for a string, the same text of its own for any other value.
fn column_text(col: &Column, index: usize) -> Option<Text> {
    match col.shared_text(index) {
        Some(t) => {
            let t = t.into_trimmed();
            (!t.is_empty()).then_some(t)
        }
        None => trimmed_text(col.get(index)).map(Text::from),
    }
}

/// The identifier people see: the `id` member, else the mapped id property
/// (`field_id`), else the `id` property (`id_property`), else `#index` (1-based).
fn display_id_of<'a>(
    layer: &Layer,
    index: usize,
    field_id: impl FnOnce() -> PropValue<'a>,
    id_property: impl FnOnce() -> PropValue<'a>,
) -> Cow<'a, str> {
    if let Some(Some(id)) = layer.ids.get(index) {
        return Cow::Owned(id.to_string());
    }
    if let Some(t) = trimmed_str(field_id()) {
        return t;
    }
    if let Some(t) = id_property().as_text() {
        return t;
    }
    Cow::Owned(format!("#{}", index + 1))
}

/// A layer's model fields resolved to their columns ([`Layer::field_columns`]): the
/// same answers as [`Layer::field`], [`Layer::field_text`], [`Layer::field_f64`] and
/// [`Layer::display_id`], without looking a column up by name for every cell.
#[derive(Debug, Clone)]
pub struct FieldColumns<'a> {
    layer: &'a Layer,
    /// The column of each field, by `Field as usize`.
    cols: Vec<Option<&'a Column>>,
    /// The `id` property, the last resort of [`FieldColumns::display_id`].
    id_property: Option<&'a Column>,
}

impl<'a> FieldColumns<'a> {
    /// The value of a model field for feature `index`.
    pub fn get(&self, index: usize, field: Field) -> PropValue<'a> {
        match self.cols.get(field as usize) {
            Some(Some(col)) => col.get(index),
            _ => PropValue::Absent,
        }
    }

    /// A model field as text (absent, null and empty strings give `None`): a handle on
    /// the column's buffer when the cell is a string, else text of its own.
    pub fn text(&self, index: usize, field: Field) -> Option<Text> {
        match self.cols.get(field as usize) {
            Some(Some(col)) => column_text(col, index),
            _ => None,
        }
    }

    /// A model field as a number.
    pub fn f64(&self, index: usize, field: Field) -> Option<f64> {
        self.get(index, field).as_f64()
    }

    /// The identifier people see (see [`Layer::display_id`]), referring into the table
    /// when it is a string property.
    pub fn display_id(&self, index: usize) -> Text {
        if let Some(Some(id)) = self.layer.ids.get(index) {
            return Text::from(id.to_string());
        }
        if let Some(Some(col)) = self.cols.get(Field::Id as usize)
            && let Some(t) = column_text(col, index)
        {
            return t;
        }
        if let Some(col) = self.id_property {
            if let Some(t) = col.shared_text(index) {
                return t;
            }
            if let Some(t) = col.get(index).as_text() {
                return Text::from(t.into_owned());
            }
        }
        Text::from(format!("#{}", index + 1))
    }

    /// The same identifier as [`FieldColumns::display_id`], borrowed from the table
    /// where it is a string cell: no handle, so no reference counted on the column's
    /// buffer (a million ids compared in parallel counted on the one buffer from both
    /// cores at once).
    pub fn display_id_str(&self, index: usize) -> Cow<'a, str> {
        display_id_of(
            self.layer,
            index,
            || self.get(index, Field::Id),
            || self.id_property.map_or(PropValue::Absent, |c| c.get(index)),
        )
    }

    /// The layer read.
    pub fn layer(&self) -> &'a Layer {
        self.layer
    }
}

/// One layer: features with lon/lat geometry and their attribute table.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    /// The name shown in the layer list (the manifest's name, the collection's `name`
    /// member, or the file name).
    pub name: String,
    /// What the layer holds.
    pub role: Role,
    /// Why this role was chosen ("manifest", or the evidence for the guess).
    pub role_reason: String,
    /// Where it came from.
    pub source: LayerSource,
    /// Which property holds each model field.
    pub fields: FieldMap,
    /// The features' `id` members, by feature index. It may be shorter than the
    /// features (empty for a file without `id` members): a feature past its end has
    /// none. Read it with `ids.get(i)`.
    pub ids: Vec<Option<FeatureId>>,
    /// The features' geometry in lon/lat degrees; `None` for a null geometry.
    pub geometries: Vec<Option<Geometry<f64>>>,
    /// The features' properties.
    pub attributes: AttributeTable,
    /// Foreign members and z values, by feature index (only features that have them).
    pub extras: BTreeMap<usize, FeatureExtras>,
    /// Foreign members of the top-level object (e.g. a collection's `name`), raw JSON.
    pub document_members: Vec<(String, String)>,
}

impl Layer {
    /// Number of features.
    pub fn len(&self) -> usize {
        self.geometries.len()
    }

    /// Whether the layer has no features.
    pub fn is_empty(&self) -> bool {
        self.geometries.is_empty()
    }

    /// The value of a model field for feature `index`, through the field map.
    pub fn field(&self, index: usize, field: Field) -> PropValue<'_> {
        match self.fields.get(&field) {
            Some(col) => self.attributes.get(index, col),
            None => PropValue::Absent,
        }
    }

    /// A model field as text (absent, null and empty strings give `None`).
    pub fn field_text(&self, index: usize, field: Field) -> Option<String> {
        trimmed_text(self.field(index, field))
    }

    /// The layer's model fields resolved to their columns once, for reading fields of
    /// many rows (building a million records) without a lookup by name per cell.
    pub fn field_columns(&self) -> FieldColumns<'_> {
        let size = self
            .fields
            .keys()
            .map(|f| *f as usize + 1)
            .max()
            .unwrap_or(0);
        let mut cols = vec![None; size];
        for (f, name) in &self.fields {
            cols[*f as usize] = self.attributes.column(name);
        }
        FieldColumns {
            layer: self,
            cols,
            id_property: self.attributes.column("id"),
        }
    }

    /// A model field as a number.
    pub fn field_f64(&self, index: usize, field: Field) -> Option<f64> {
        self.field(index, field).as_f64()
    }

    /// The identifier people see: the `id` member, else the mapped id property, else
    /// the `id` property, else `#index` (1-based).
    pub fn display_id(&self, index: usize) -> String {
        display_id_of(
            self,
            index,
            || self.field(index, Field::Id),
            || self.attributes.get(index, "id"),
        )
        .into_owned()
    }

    /// The extent of all geometries in lon/lat, `None` when none has coordinates.
    pub fn extent(&self) -> Option<Rect<f64>> {
        // In parallel runs (a million points: one pass of a few tens of milliseconds
        // otherwise, made several times while a park is opened).
        fn join(a: Option<Rect<f64>>, r: Option<Rect<f64>>) -> Option<Rect<f64>> {
            match (a, r) {
                (Some(a), Some(r)) => Some(rect_union(a, r)),
                (a, r) => a.or(r),
            }
        }
        self.geometries
            .par_iter()
            .with_min_len(16_384)
            .fold(
                || None,
                |acc, g| join(acc, g.as_ref().and_then(|g| g.bounding_rect())),
            )
            .reduce(|| None, join)
    }

    /// Number of features of each geometry kind (features without a geometry, or with a
    /// GeometryCollection, are not counted).
    pub fn family_counts(&self) -> BTreeMap<GeomFamily, usize> {
        let mut m = BTreeMap::new();
        for (i, n) in self.type_counts().into_iter().enumerate() {
            if let Some(f) = GeomFamily::of_type(i).filter(|_| n > 0) {
                *m.entry(f).or_insert(0) += n;
            }
        }
        m
    }

    /// How many features have each of [`GEOMETRY_TYPE_NAMES`] (one pass, in parallel
    /// over a large layer: a million features are counted several times while a park
    /// opens, and a map keyed by name hashed each one).
    fn type_counts(&self) -> TypeCounts {
        let add = |mut n: TypeCounts, g: &Option<Geometry<f64>>| {
            n[geometry_type_index(g.as_ref())] += 1;
            n
        };
        let sum = |mut a: TypeCounts, b: TypeCounts| {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
            a
        };
        self.geometries
            .par_iter()
            .with_min_len(1 << 16)
            .fold(|| [0; GEOMETRY_TYPE_NAMES.len()], add)
            .reduce(|| [0; GEOMETRY_TYPE_NAMES.len()], sum)
    }

    /// A layer of some of this layer's features (in the given order): their geometry,
    /// id, properties (columns no chosen feature has are left out) and extras; name,
    /// role, source and field mapping are copied.
    pub fn take_rows(&self, rows: &[usize]) -> Layer {
        let mut attributes = AttributeTable::new();
        let mut extras = BTreeMap::new();
        let mut ids = Vec::with_capacity(rows.len());
        let mut geometries = Vec::with_capacity(rows.len());
        for (new, &old) in rows.iter().enumerate() {
            attributes.push_row(self.attributes.row(old));
            ids.push(self.ids.get(old).cloned().flatten());
            geometries.push(self.geometries.get(old).cloned().flatten());
            if let Some(e) = self.extras.get(&old) {
                extras.insert(new, e.clone());
            }
        }
        Layer {
            name: self.name.clone(),
            role: self.role,
            role_reason: self.role_reason.clone(),
            source: self.source.clone(),
            fields: self.fields.clone(),
            ids,
            geometries,
            attributes,
            extras,
            document_members: self.document_members.clone(),
        }
    }

    /// Counts of features per geometry type name ("Point", "Polygon" …).
    pub fn geometry_type_counts(&self) -> HashMap<&'static str, usize> {
        GEOMETRY_TYPE_NAMES
            .iter()
            .zip(self.type_counts())
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| (*t, n))
            .collect()
    }
}

/// The names [`geometry_type_name`] gives, in the order of [`geometry_type_index`]: "None"
/// (no geometry), the six GeoJSON types with coordinates, "GeometryCollection".
pub const GEOMETRY_TYPE_NAMES: [&str; 8] = [
    "None",
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// A count for each of [`GEOMETRY_TYPE_NAMES`].
type TypeCounts = [usize; GEOMETRY_TYPE_NAMES.len()];

/// The place of a geometry's type name in [`GEOMETRY_TYPE_NAMES`].
fn geometry_type_index(g: Option<&Geometry<f64>>) -> usize {
    match g {
        None => 0,
        Some(Geometry::Point(_)) => 1,
        Some(Geometry::MultiPoint(_)) => 2,
        Some(Geometry::LineString(_)) | Some(Geometry::Line(_)) => 3,
        Some(Geometry::MultiLineString(_)) => 4,
        Some(Geometry::Polygon(_)) | Some(Geometry::Rect(_)) | Some(Geometry::Triangle(_)) => 5,
        Some(Geometry::MultiPolygon(_)) => 6,
        Some(Geometry::GeometryCollection(_)) => 7,
    }
}

/// The GeoJSON type name of a geometry ("None" for a null geometry).
pub fn geometry_type_name(g: Option<&Geometry<f64>>) -> &'static str {
    GEOMETRY_TYPE_NAMES[geometry_type_index(g)]
}

/// The smallest rectangle holding both (extents of layers, parks and written files).
pub fn rect_union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
        geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Point, polygon};

    #[test]
    fn the_extent_covers_every_geometry_and_skips_missing_ones() {
        assert_eq!(Layer::default().extent(), None);
        // More features than one parallel run, nulls among them; the extremes sit in
        // different runs.
        let mut geometries: Vec<Option<Geometry<f64>>> = (0..50_000)
            .map(|i| {
                (i % 7 != 0).then(|| {
                    Geometry::Point(Point::new(
                        112.0 + (i % 100) as f64 * 1e-3,
                        30.0 + (i / 100) as f64 * 1e-4,
                    ))
                })
            })
            .collect();
        geometries[40_001] = Some(Geometry::Polygon(polygon![
            (x: 111.5, y: 30.01), (x: 111.6, y: 30.01), (x: 111.6, y: 30.02)
        ]));
        geometries[3] = Some(Geometry::Point(Point::new(112.01, 35.5)));
        let layer = Layer {
            geometries,
            ..Layer::default()
        };
        let e = layer.extent().expect("an extent");
        assert_eq!((e.min().x, e.min().y), (111.5, 30.0));
        assert_eq!((e.max().x, e.max().y), (112.099, 35.5));
    }

    #[test]
    fn geometry_types_and_families_are_counted_in_parallel_as_one_by_one() {
        use geo::{GeometryCollection, Line, LineString, MultiPoint, Rect, Triangle, coord};
        let kinds: Vec<Option<Geometry<f64>>> = vec![
            None,
            Some(Point::new(1.0, 2.0).into()),
            Some(MultiPoint::from(vec![(1.0, 2.0)]).into()),
            Some(LineString::from(vec![(0.0, 0.0), (1.0, 1.0)]).into()),
            Some(Line::new(coord! {x: 0.0, y: 0.0}, coord! {x: 1.0, y: 1.0}).into()),
            Some(geo::MultiLineString::new(vec![]).into()),
            Some(polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)].into()),
            Some(Rect::new(coord! {x: 0.0, y: 0.0}, coord! {x: 1.0, y: 1.0}).into()),
            Some(
                Triangle::new(
                    coord! {x: 0.0, y: 0.0},
                    coord! {x: 1.0, y: 0.0},
                    coord! {x: 0.0, y: 1.0},
                )
                .into(),
            ),
            Some(geo::MultiPolygon::new(vec![]).into()),
            Some(Geometry::GeometryCollection(GeometryCollection::new_from(
                vec![],
            ))),
        ];
        // Uneven numbers of each, over more features than one parallel run.
        let geometries: Vec<Option<Geometry<f64>>> = (0..200_000usize)
            .map(|i| kinds[(i + i / 97 + i / 1000) % kinds.len()].clone())
            .collect();
        let layer = Layer {
            geometries,
            ..Layer::default()
        };
        let mut names: HashMap<&'static str, usize> = HashMap::new();
        let mut families: BTreeMap<GeomFamily, usize> = BTreeMap::new();
        for g in &layer.geometries {
            *names.entry(geometry_type_name(g.as_ref())).or_insert(0) += 1;
            if let Some(f) = g.as_ref().and_then(GeomFamily::of) {
                *families.entry(f).or_insert(0) += 1;
            }
        }
        assert_eq!(layer.geometry_type_counts(), names);
        assert_eq!(layer.family_counts(), families);
        assert_eq!(names.len(), 8, "every name seen: {names:?}");
        assert!(Layer::default().geometry_type_counts().is_empty());
        assert!(Layer::default().family_counts().is_empty());
    }
}
