//! The catalog of import problems: what each one is (a stable machine `code`, its
//! arguments) and how it reads in Chinese and in English.
//!
//! A [`Problem`](super::Problem) carries an [`Issue`]; its text is produced here, per
//! language, at the moment it is shown — so the desktop's report follows the UI language,
//! the CLI follows `--lang` or the locale, and `--json` gives the same `code` in both.
//! Every sentence of the importer lives in this one file, both languages side by side;
//! call sites only name the issue and its arguments. Details that come from outside
//! (an operating-system error, a JSON parser's message, a CRS name) are shown as given.
//!
//! This module owns wording only: it does not decide what is a problem.

use crate::model::Lang;

/// Where in a geometry an issue is: a path such as "polygon 2, ring 1, position 5".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The geometry as a whole, named by its GeoJSON type.
    Type(&'static str),
    /// Member n (1-based) of a GeometryCollection.
    Member(usize),
    /// Polygon n (1-based) of a MultiPolygon.
    Polygon(usize),
    /// Line n (1-based) of a MultiLineString.
    Line(usize),
    /// Ring n (1-based) of a polygon; ring 1 is the outer one.
    Ring(usize),
    /// Position n (1-based) in a list of positions.
    Position(usize),
}

impl Step {
    fn text(self, lang: Lang) -> String {
        match (self, lang) {
            (Step::Type(t), _) => t.to_string(),
            (Step::Member(n), Lang::Zh) => format!("集合第 {n} 个成员"),
            (Step::Member(n), Lang::En) => format!("member {n} of the collection"),
            (Step::Polygon(n), Lang::Zh) => format!("第 {n} 个多边形"),
            (Step::Polygon(n), Lang::En) => format!("polygon {n}"),
            (Step::Line(n), Lang::Zh) => format!("第 {n} 条线"),
            (Step::Line(n), Lang::En) => format!("line {n}"),
            (Step::Ring(1), Lang::Zh) => "外环（第 1 环）".to_string(),
            (Step::Ring(n), Lang::Zh) => format!("第 {n} 环"),
            (Step::Ring(n), Lang::En) => format!("ring {n}"),
            (Step::Position(n), Lang::Zh) => format!("第 {n} 个坐标点"),
            (Step::Position(n), Lang::En) => format!("position {n}"),
        }
    }
}

/// What was wrong with (or repaired in) a geometry, at one place.
#[derive(Debug, Clone, PartialEq)]
pub enum GeomKind {
    /// x or y is NaN or infinite.
    NotFinite,
    /// The projector refused the position.
    CannotConvert {
        /// The numbers as written.
        x: f64,
        /// The numbers as written.
        y: f64,
        /// The projector's error.
        detail: String,
    },
    /// The converted position is not a valid lon/lat.
    OutOfRange {
        /// The numbers as written.
        x: f64,
        /// The numbers as written.
        y: f64,
        /// The CRS code, `None` for lon/lat data.
        crs: Option<String>,
    },
    /// Something else (text, null, an object) where a number was expected.
    NotANumber {
        /// What was found (JSON words such as "null", or a quoted text).
        found: String,
    },
    /// A bare number where a position `[x, y]` was expected.
    BareNumberForPosition,
    /// An empty position `[]`.
    EmptyPosition,
    /// Nested arrays where a position was expected.
    NestedForPosition,
    /// A single position where a list was expected.
    PositionForList,
    /// A bare number where a list of positions was expected.
    NumberForList,
    /// Something else where a list of positions was expected.
    FoundForList {
        /// What was found.
        found: String,
    },
    /// Something else where an array was expected.
    FoundForArray {
        /// What was found.
        found: String,
    },
    /// Arrays nested to the wrong depth for the geometry type.
    WrongDepth,
    /// A line with fewer than 2 distinct positions.
    TooFewPositions,
    /// A ring with fewer than 3 distinct corners.
    TooFewCorners,
    /// A polygon without rings.
    EmptyPolygon,
    /// A GeometryCollection without `geometries`.
    NoGeometries,
    /// A GeometryCollection with no usable member.
    EmptyCollection,
    /// A geometry without `type`.
    NoType,
    /// A geometry without `coordinates`.
    NoCoordinates,
    /// `coordinates` is `[]`.
    NoPositions,
    /// A MultiLineString with no usable line.
    NoUsableLine,
    /// A MultiPolygon with no usable polygon.
    NoUsablePolygon,
    /// A type that is not a GeoJSON geometry type.
    UnknownType {
        /// The type as written (shortened).
        name: String,
    },
    /// A null member of a collection.
    NullMember,
    /// A member of a collection that is not a geometry object.
    InvalidMember {
        /// What it is.
        found: String,
    },
    /// The geometry's own `crs` member cannot be used.
    OwnCrsUnusable {
        /// Why.
        detail: String,
    },
    /// Repair: repeated consecutive positions dropped.
    RepeatedPoints {
        /// How many.
        dropped: usize,
    },
    /// Repair: a ring was not closed and was closed.
    RingNotClosed,
    /// Repair: an outer ring was clockwise and was reversed.
    OuterClockwise,
    /// Repair: a hole was counter-clockwise and was reversed.
    HoleCounterClockwise,
}

/// What was done with the broken piece of a geometry whose rest is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dropped {
    /// Nothing: the issue is a repair in place.
    Nothing,
    /// The hole was dropped; the polygon stays.
    Hole,
    /// The part was dropped; the other parts stay.
    Part,
    /// The collection member was dropped.
    Member,
}

/// One geometry issue: where, what, and what was dropped because of it.
#[derive(Debug, Clone, PartialEq)]
pub struct GeomIssue {
    /// The path to the place, outermost first.
    pub place: Vec<Step>,
    /// What is wrong or was repaired.
    pub kind: GeomKind,
    /// What was dropped because of it (for repairs of a part).
    pub dropped: Dropped,
}

impl GeomIssue {
    /// An issue at a place.
    pub fn at(place: &[Step], kind: GeomKind) -> GeomIssue {
        GeomIssue {
            place: place.to_vec(),
            kind,
            dropped: Dropped::Nothing,
        }
    }

    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        use GeomKind::*;
        match self.kind {
            NotFinite => "coordinate_not_finite",
            CannotConvert { .. } => "coordinate_not_convertible",
            OutOfRange { .. } => "coordinate_out_of_range",
            NotANumber { .. } | BareNumberForPosition | EmptyPosition | NestedForPosition => {
                "position_malformed"
            }
            PositionForList
            | NumberForList
            | FoundForList { .. }
            | FoundForArray { .. }
            | WrongDepth => "coordinates_malformed",
            TooFewPositions => "line_too_short",
            TooFewCorners => "ring_too_small",
            EmptyPolygon | NoPositions | NoUsableLine | NoUsablePolygon | EmptyCollection => {
                "geometry_empty"
            }
            NoGeometries | NoType | NoCoordinates => "geometry_member_missing",
            UnknownType { .. } => "geometry_type_unknown",
            NullMember | InvalidMember { .. } => "collection_member_invalid",
            OwnCrsUnusable { .. } => "geometry_crs_unusable",
            RepeatedPoints { .. } => "repeated_points_dropped",
            RingNotClosed => "ring_closed",
            OuterClockwise | HoleCounterClockwise => "ring_winding_reversed",
        }
    }

    /// What happened, in words: "polygon 2, ring 1 was not closed".
    pub fn message(&self, lang: Lang) -> String {
        let place: Vec<String> = self.place.iter().map(|s| s.text(lang)).collect();
        let place = match lang {
            Lang::Zh => place.join(""),
            Lang::En => place.join(", "),
        };
        let what = geom_kind_text(&self.kind, lang);
        match (place.is_empty(), lang) {
            (true, _) => what,
            (false, Lang::Zh) => format!("{place}：{what}"),
            (false, Lang::En) => format!("{place}: {what}"),
        }
    }

    /// What was done about it in place (the repair or the part dropped).
    pub fn repair(&self, lang: Lang) -> String {
        use GeomKind::*;
        let s = match (self.dropped, lang) {
            (Dropped::Hole, _) => lang.pick("删除了这个洞", "dropped this hole"),
            (Dropped::Part, _) => lang.pick("删除了这一部分", "dropped this part"),
            (Dropped::Member, _) => lang.pick("删除了这个成员", "dropped it"),
            (Dropped::Nothing, _) => match self.kind {
                RepeatedPoints { .. } => lang.pick("删除了重复点", "dropped them"),
                RingNotClosed => lang.pick("已闭合", "closed it"),
                OuterClockwise => lang.pick(
                    "已反转为逆时针（RFC 7946）",
                    "reversed to counter-clockwise (RFC 7946)",
                ),
                HoleCounterClockwise => lang.pick(
                    "已反转为顺时针（RFC 7946）",
                    "reversed to clockwise (RFC 7946)",
                ),
                _ => "",
            },
        };
        s.to_string()
    }
}

/// JSON words as the parser reports them ("a string", "null" …) in the given language.
fn found(s: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return s.to_string();
    }
    match s {
        "a string" => "字符串".into(),
        "a number" => "数字".into(),
        "a boolean" => "布尔值".into(),
        "an array" => "数组".into(),
        "an object" => "对象".into(),
        "null" => "null（空值）".into(),
        "a position with only one number" => "只有一个数的坐标".into(),
        other => match other.strip_prefix("text ") {
            Some(t) => format!("文本 {t}"),
            None => other.to_string(),
        },
    }
}

fn geom_kind_text(k: &GeomKind, lang: Lang) -> String {
    use GeomKind::*;
    let zh = lang == Lang::Zh;
    match k {
        NotFinite => lang
            .pick("坐标不是有限数", "coordinate is not a finite number")
            .into(),
        CannotConvert { x, y, detail } if zh => format!("({x}, {y}) 无法转换：{detail}"),
        CannotConvert { x, y, detail } => format!("({x}, {y}) cannot be converted: {detail}"),
        OutOfRange { x, y, crs: None } if zh => {
            format!("({x}, {y}) 超出经纬度范围（经度须在 ±180 内，纬度须在 ±90 内）")
        }
        OutOfRange { x, y, crs: None } => format!(
            "({x}, {y}) is out of range for lon/lat (longitude must be within ±180, latitude within ±90)"
        ),
        OutOfRange { x, y, crs: Some(c) } if zh => format!("({x}, {y}) 超出 {c} 的范围"),
        OutOfRange { x, y, crs: Some(c) } => format!("({x}, {y}) is out of range for {c}"),
        NotANumber { found: f } if zh => format!("应为数字，却是{}", found(f, lang)),
        NotANumber { found: f } => format!("{f} where a number was expected"),
        BareNumberForPosition => lang
            .pick(
                "应为坐标 [x, y]，却是单个数字",
                "a bare number where a position [x, y] was expected",
            )
            .into(),
        EmptyPosition => lang.pick("空坐标 []", "an empty position").into(),
        NestedForPosition => lang
            .pick(
                "应为坐标 [x, y]，却是嵌套数组",
                "nested arrays where a position [x, y] was expected",
            )
            .into(),
        PositionForList => lang
            .pick(
                "应为坐标列表，却是单个坐标",
                "a single position where a list of positions was expected",
            )
            .into(),
        NumberForList => lang
            .pick(
                "应为坐标列表，却是单个数字",
                "a bare number where a list of positions was expected",
            )
            .into(),
        FoundForList { found: f } if zh => format!("应为坐标列表，却是{}", found(f, lang)),
        FoundForList { found: f } => format!("{f} where a list of positions was expected"),
        FoundForArray { found: f } if zh => format!("应为数组，却是{}", found(f, lang)),
        FoundForArray { found: f } => format!("{f} where an array was expected"),
        WrongDepth => lang
            .pick(
                "数组嵌套层数与几何类型不符",
                "wrong nesting depth for this geometry type",
            )
            .into(),
        TooFewPositions => lang
            .pick("不同的点少于 2 个", "fewer than 2 distinct positions")
            .into(),
        TooFewCorners => lang
            .pick("不同的角点少于 3 个", "fewer than 3 distinct corners")
            .into(),
        EmptyPolygon => lang.pick("空多边形", "empty polygon").into(),
        NoGeometries => lang
            .pick(
                "GeometryCollection 缺少 \"geometries\" 成员",
                "GeometryCollection without a \"geometries\" member",
            )
            .into(),
        EmptyCollection => lang
            .pick("GeometryCollection 为空", "empty GeometryCollection")
            .into(),
        NoType => lang
            .pick("几何缺少 \"type\"", "geometry without a type")
            .into(),
        NoCoordinates => lang
            .pick("缺少 \"coordinates\"", "without \"coordinates\"")
            .into(),
        NoPositions => lang
            .pick("没有坐标（空几何）", "empty (no coordinates)")
            .into(),
        NoUsableLine => lang
            .pick(
                "MultiLineString 中没有可用的线",
                "MultiLineString with no usable line",
            )
            .into(),
        NoUsablePolygon => lang
            .pick(
                "MultiPolygon 中没有可用的多边形",
                "MultiPolygon with no usable polygon",
            )
            .into(),
        UnknownType { name } if zh => format!("未知的几何类型 \"{name}\""),
        UnknownType { name } => format!("unknown geometry type \"{name}\""),
        NullMember => lang.pick("成员为 null", "null").into(),
        InvalidMember { found: f } if zh => format!("成员是{}，不是几何对象", found(f, lang)),
        InvalidMember { found: f } => format!("{f}, not a geometry"),
        OwnCrsUnusable { detail } if zh => format!("几何自带的 crs 成员不可用：{detail}"),
        OwnCrsUnusable { detail } => format!("the geometry's own crs member: {detail}"),
        RepeatedPoints { dropped } if zh => format!("有 {dropped} 个连续重复点"),
        RepeatedPoints { dropped } => format!("{dropped} repeated point(s)"),
        RingNotClosed => lang.pick("环未闭合", "not closed").into(),
        OuterClockwise => lang
            .pick("外环为顺时针", "the outer ring was clockwise")
            .into(),
        HoleCounterClockwise => lang
            .pick("洞（内环）为逆时针", "the hole was counter-clockwise")
            .into(),
    }
}

/// The unit that declared parcel areas matched, when most disagreed with the geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AreaUnit {
    /// Square metres.
    SquareMetres,
    /// Mu (亩).
    Mu,
    /// Hectares.
    Hectares,
    /// Square degrees (a GIS `Shape_Area` in lon/lat).
    SquareDegrees,
    /// None of them.
    None,
}

impl AreaUnit {
    fn text(self, lang: Lang) -> &'static str {
        match self {
            AreaUnit::SquareMetres => "m²",
            AreaUnit::Mu => lang.pick("亩", "mu"),
            AreaUnit::Hectares => lang.pick("公顷", "ha"),
            AreaUnit::SquareDegrees => lang.pick("平方度", "square degrees"),
            AreaUnit::None => lang.pick("无", "none"),
        }
    }
}

/// Every import problem, with its arguments. The text comes from [`Issue::message`] and
/// [`Issue::action`]; the machine code from [`Issue::code`].
#[derive(Debug, Clone, PartialEq)]
pub enum Issue {
    // ---- reading the file
    /// The file could not be read.
    FileUnreadable {
        /// The operating system's error.
        detail: String,
    },
    /// The file is not valid JSON (or truncated, or nests too deep).
    JsonInvalid {
        /// The parser's message.
        what: String,
        /// Byte offset.
        byte: usize,
        /// Line, 1-based.
        line: usize,
        /// Column, 1-based.
        column: usize,
    },
    /// Valid JSON but not GeoJSON.
    NotGeoJson {
        /// What it is instead.
        detail: String,
    },
    /// Another reason a file was not loaded (a manifest error …).
    FileFailed {
        /// Why.
        detail: String,
    },
    /// Text decoded as GB18030 because it is not UTF-8.
    TextNotUtf8,
    /// Byte sequences that could not be decoded.
    BytesUndecodable {
        /// How many.
        count: usize,
        /// The encoding used.
        encoding: String,
    },
    /// Where the undecodable bytes ended up.
    ReplacedText {
        /// The layer.
        layer: String,
        /// Field names holding replaced bytes.
        fields: Vec<String>,
        /// Features (1-based) whose values hold replaced bytes, the first ten.
        features: Vec<usize>,
        /// How many more features.
        more: usize,
    },
    /// A number beyond f64 (`1e400`).
    NumberBeyondRange {
        /// The number as written.
        token: String,
        /// Line, 1-based.
        line: usize,
        /// Column, 1-based.
        column: usize,
    },
    // ---- the CRS
    /// The decided CRS cannot be set up.
    CrsSetupFailed {
        /// The CRS code.
        crs: String,
        /// Why.
        detail: String,
    },
    /// The `crs` member says lon/lat but the numbers are metres (or the reverse).
    CrsContradicted {
        /// The declared code.
        declared: String,
        /// What the numbers look like.
        looks_like: String,
        /// The CRS used instead.
        read_as: String,
        /// Why that one (in English, from the CRS guess).
        reason: String,
    },
    /// Most positions lie outside the declared CRS's range; another reading fits.
    CrsOutOfRange {
        /// The declared code.
        declared: String,
        /// Positions outside.
        outside: usize,
        /// Positions sampled.
        sampled: usize,
        /// The CRS used instead.
        read_as: String,
        /// Its name.
        read_as_name: String,
    },
    /// The `crs` member is unusable; the coordinates were read in a guessed CRS.
    CrsUnusableAssumed {
        /// Why it is unusable.
        detail: String,
        /// The CRS used.
        read_as: String,
    },
    /// The `crs` member is unusable and no CRS fits the numbers.
    CrsUnusableUnknown {
        /// Why it is unusable.
        detail: String,
    },
    /// No `crs` member: a CRS was assumed from the numbers.
    CrsMissingAssumed {
        /// The CRS code.
        crs: String,
        /// Its name.
        name: String,
        /// Why (in English, from the CRS guess).
        reason: String,
    },
    /// No `crs` member and the numbers are projected metres of an unknown zone.
    CrsMissingUnknown,
    /// An older datum read without the survey's shift parameters.
    DatumShiftMissing {
        /// The CRS code.
        crs: String,
        /// The datum's name.
        datum: &'static str,
    },
    /// An older datum shifted to CGCS2000 with the survey's parameters.
    DatumShifted {
        /// The CRS code.
        crs: String,
        /// The datum's name.
        datum: &'static str,
        /// The parameters.
        shift: crate::crs::DatumShift,
    },
    /// Stored shift parameters that cannot be used.
    DatumShiftInvalid {
        /// The layer.
        layer: String,
        /// Why.
        detail: String,
    },
    /// Shift parameters given for a CRS on CGCS2000/WGS84.
    DatumShiftUnused {
        /// The CRS code.
        crs: String,
    },
    // ---- one feature
    /// An entry of `features` that is not an object.
    EntryNotFeature {
        /// What it is.
        found: String,
    },
    /// A feature without `type`.
    FeatureTypeMissing,
    /// A feature whose `type` is not "Feature".
    FeatureTypeWrong {
        /// The type as written (shortened).
        found: String,
    },
    /// A feature without a `geometry` member.
    GeometryMissing,
    /// `geometry` is not an object.
    GeometryNotObject {
        /// What it is.
        found: String,
    },
    /// A geometry repaired in place or a broken part dropped; the feature is kept.
    GeometryRepaired(GeomIssue),
    /// A geometry that cannot be used: the feature is skipped.
    GeometryUnusable(GeomIssue),
    /// An `id` that is neither a string nor a number.
    IdInvalid {
        /// What it is (shortened JSON).
        found: String,
    },
    /// `properties` is not an object.
    PropertiesNotObject {
        /// What it is.
        found: String,
    },
    // ---- the layer
    /// Features sharing their ids.
    DuplicateIds {
        /// The layer.
        layer: String,
        /// How many features share an id.
        features: usize,
        /// The most shared ids and their counts.
        examples: Vec<(String, usize)>,
    },
    /// A guessed parcel layer far larger than a park.
    NotParkSized {
        /// The layer.
        layer: String,
        /// Width in degrees.
        width: f64,
        /// Height in degrees.
        height: f64,
    },
    /// A layer that looks like DataV/AMap output (GCJ-02).
    Gcj02Suspected {
        /// The layer.
        layer: String,
    },
    /// Declared parcel areas disagreeing with the measured ones.
    DeclaredAreaMismatch {
        /// The layer.
        layer: String,
        /// How many disagree.
        bad: usize,
        /// Of how many declared.
        declared: usize,
        /// The unit they match.
        unit: AreaUnit,
    },
    /// A field mapping names a property no feature has.
    MappingPropertyMissing {
        /// The property (column) named.
        property: String,
        /// The model field code.
        field: String,
    },
    /// A file holding several kinds of geometry split into one layer per kind.
    SplitByGeometry {
        /// The file's layer name.
        layer: String,
        /// Each part: its kind, feature count and role.
        parts: Vec<(crate::model::GeomFamily, usize, crate::model::Role)>,
    },
    /// The data spans more than a few UTM zones.
    SpansUtmZones {
        /// Span in degrees of longitude.
        span: f64,
        /// Zones spanned.
        zones: f64,
    },
    // ---- folders, manifests, projects
    /// A folder without GeoJSON files.
    FolderEmpty,
    /// A folder that cannot be listed.
    FolderUnreadable {
        /// The operating system's error.
        detail: String,
    },
    /// A manifest that cannot be read.
    ManifestUnreadable {
        /// The operating system's error.
        detail: String,
    },
    /// A manifest that cannot be used.
    ManifestInvalid {
        /// Why.
        detail: String,
    },
    /// A manifest layer's role is unknown.
    RoleUnknown {
        /// The layer (its path in the manifest).
        layer: String,
        /// Why.
        detail: String,
    },
    /// Unknown field codes in a manifest or project.
    UnknownFieldCodes {
        /// The layer.
        layer: String,
        /// The codes.
        codes: Vec<String>,
    },
    /// A manifest's or project's CRS for a layer is unusable.
    LayerCrsUnusable {
        /// The layer.
        layer: String,
        /// Why.
        detail: String,
    },
    /// A project that cannot be read.
    ProjectUnreadable {
        /// Why.
        detail: String,
    },
    /// A project layer outside the project's folder.
    LayerOutsideProject {
        /// The layer's name.
        layer: String,
        /// Where it points.
        path: String,
    },
    // ---- other formats (Shapefile, GeoPackage, coordinate TXT)
    /// A Shapefile, GeoPackage or coordinate TXT that cannot be read as one.
    FormatUnreadable {
        /// The format it was taken for ("Shapefile", "GeoPackage" …).
        format: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// The declared CRS is on a datum that cannot be placed from what the file says
    /// (Xi'an 1980 / Beijing 1954 lon/lat, or a zone not given): not guessed.
    DatumNotPlaceable {
        /// What declared it (".prj", "TXT header").
        source: &'static str,
        /// Why.
        detail: String,
    },
    /// A `.cpg` naming an encoding that is neither UTF-8 nor GBK.
    CpgEncodingUnrecorded {
        /// The label as written.
        label: String,
        /// The encoding used.
        used: String,
    },
    /// A `.cpg` naming an unknown encoding.
    CpgEncodingUnknown {
        /// The label as written.
        label: String,
    },
    /// A `.dbf` without `.cpg` whose text is not UTF-8.
    DbfNotUtf8,
    /// A shape that cannot be read; its record is kept.
    ShapeUnreadable {
        /// The shape, 1-based.
        shape: usize,
        /// Why.
        detail: String,
    },
    /// A shape that cannot be read without a `.shx` to find the next one.
    ShapeUnreadableNoIndex {
        /// The shape, 1-based.
        shape: usize,
        /// Why.
        detail: String,
    },
    /// The `.shp` stops being readable.
    ShpStopsReadable {
        /// The shape, 1-based.
        shape: usize,
    },
    /// No `.shx` beside the `.shp`.
    ShxMissing,
    /// No `.dbf` beside the `.shp`.
    DbfMissing,
    /// The `.dbf` cannot be read.
    DbfUnreadable {
        /// Why.
        detail: String,
    },
    /// The `.dbf` stops being readable.
    DbfStopsReadable {
        /// The record, 1-based.
        record: usize,
    },
    /// A `.dbf` record that cannot be read.
    DbfRecordUnreadable {
        /// The record, 1-based.
        record: usize,
        /// Why.
        detail: String,
    },
    /// The `.shp` and `.dbf` hold different numbers of features.
    ShpDbfCountMismatch {
        /// Shapes in the `.shp`.
        shapes: usize,
        /// Records in the `.dbf`.
        records: usize,
    },
    /// No `.prj` beside the `.shp`.
    PrjMissing,
    /// A GeoPackage table whose spatial reference is undefined.
    GpkgSrsUndefined {
        /// The table.
        table: String,
        /// Its srs_id.
        srs_id: i64,
    },
    /// A GeoPackage geometry that cannot be read.
    GpkgGeometryUnreadable {
        /// The table.
        table: String,
        /// Why.
        detail: String,
    },
    /// A coordinate TXT line that is neither a parcel line nor a point row.
    TxtLineUnrecognised {
        /// The line (shortened).
        line: String,
    },
    /// The TXT header's zone (带号) disagrees with the eastings.
    TxtZoneMismatch {
        /// The header's zone.
        header: u32,
        /// The zone the eastings carry.
        eastings: u32,
    },
    /// The TXT header's 坐标系 names no known datum.
    TxtDatumUnknown {
        /// The 坐标系 as written.
        name: String,
    },
    /// A parcel whose declared number of 界址点 differs from its point rows.
    ParcelPointCount {
        /// The parcel, 1-based.
        parcel: usize,
        /// The declared number.
        declared: usize,
        /// Point rows written.
        written: usize,
        /// Whether the difference is the rings' missing closing points.
        closing_missing: bool,
    },
    /// A parcel without coordinate rows.
    ParcelNoCoordinates {
        /// The parcel, 1-based.
        parcel: usize,
    },
    /// A declared parcel area that matches the geometry neither as hectares nor as m².
    ParcelAreaUnclear {
        /// The parcel, 1-based.
        parcel: usize,
        /// The declared number.
        declared: f64,
        /// The measured area, m².
        measured: f64,
    },
    /// A declared parcel area in m² (the standard says hectares).
    ParcelAreaInSquareMetres {
        /// The parcel, 1-based.
        parcel: usize,
        /// The declared number.
        declared: f64,
        /// The measured area, m².
        measured: f64,
    },
    // ---- GTFS feeds (a `.zip`: `member` is the file inside it, e.g. `stop_times.txt`)
    /// A file GTFS requires is not in the feed.
    GtfsFileMissing {
        /// The file inside the feed.
        member: String,
    },
    /// A file of the feed that cannot be read at all (not CSV, no header).
    GtfsFileUnreadable {
        /// The file inside the feed.
        member: String,
        /// Why, as the CSV reader says.
        detail: String,
    },
    /// A row of a feed file that cannot be read (a field of the wrong type …).
    GtfsRowSkipped {
        /// The file inside the feed.
        member: String,
        /// The row, 1-based, the header being row 1.
        row: usize,
        /// Why, as the CSV reader says.
        detail: String,
    },
    /// A stop without usable coordinates (missing, not a number or out of range).
    GtfsStopNoCoordinates {
        /// The `stop_id`.
        stop: String,
    },
    /// A trip with no row in `stop_times.txt`.
    GtfsTripNoStopTimes {
        /// The `trip_id`.
        trip: String,
    },
    /// A row that names a stop `stops.txt` does not define.
    GtfsUnknownStop {
        /// The file inside the feed.
        member: String,
        /// The `trip_id` of the row.
        trip: String,
        /// The unknown `stop_id`.
        stop: String,
    },
    /// A trip that names a route `routes.txt` does not define.
    GtfsUnknownRoute {
        /// The `trip_id`.
        trip: String,
        /// The unknown `route_id`.
        route: String,
    },
    /// A route with no trip that has two located stops or a shape: it has no line.
    GtfsRouteNoLine {
        /// The `route_id`.
        route: String,
    },
}

/// The action shared by problems that leave the geometry unloaded.
fn set_crs_hint(lang: Lang) -> &'static str {
    lang.pick(
        "未载入几何，保留属性；请在导入对话框或清单中设置该图层的坐标系（\"crs\": \"EPSG:4546\"）",
        "geometries not loaded, attributes kept; set the layer's CRS in a manifest (\"crs\": \"EPSG:4546\") or the intake dialog",
    )
}

/// A format's name in Chinese.
fn format_zh(format: &str) -> &str {
    match format {
        "Shapefile" => "Shapefile 文件",
        "GeoPackage" => "GeoPackage 文件",
        "land-approval coordinate TXT" => "报批坐标 TXT 文件",
        other => other,
    }
}

/// A datum's name in Chinese.
fn datum_zh(name: &str) -> &str {
    match name {
        "Xian 1980" => "西安 1980",
        "Beijing 1954" => "北京 1954",
        other => other,
    }
}

fn list(items: &[String], lang: Lang) -> String {
    items.join(lang.pick("、", ", "))
}

impl Issue {
    /// The stable machine code (snake_case), the same in every language.
    pub fn code(&self) -> &'static str {
        use Issue::*;
        match self {
            FileUnreadable { .. } => "file_unreadable",
            JsonInvalid { .. } => "json_invalid",
            NotGeoJson { .. } => "not_geojson",
            FileFailed { .. } => "file_failed",
            TextNotUtf8 => "text_not_utf8",
            BytesUndecodable { .. } => "bytes_undecodable",
            ReplacedText { .. } => "replaced_text_located",
            NumberBeyondRange { .. } => "number_beyond_range",
            CrsSetupFailed { .. } => "crs_setup_failed",
            CrsContradicted { .. } => "crs_contradicted",
            CrsOutOfRange { .. } => "crs_out_of_range",
            CrsUnusableAssumed { .. } => "crs_unusable_assumed",
            CrsUnusableUnknown { .. } => "crs_unusable_unknown",
            CrsMissingAssumed { .. } => "crs_missing_assumed",
            CrsMissingUnknown => "crs_missing_unknown",
            DatumShiftMissing { .. } => "datum_shift_missing",
            DatumShifted { .. } => "datum_shifted",
            DatumShiftUnused { .. } => "datum_shift_unused",
            DatumShiftInvalid { .. } => "datum_shift_invalid",
            EntryNotFeature { .. } => "entry_not_feature",
            FeatureTypeMissing => "feature_type_missing",
            FeatureTypeWrong { .. } => "feature_type_wrong",
            GeometryMissing => "geometry_missing",
            GeometryNotObject { .. } => "geometry_not_object",
            GeometryRepaired(g) | GeometryUnusable(g) => g.code(),
            IdInvalid { .. } => "id_invalid",
            PropertiesNotObject { .. } => "properties_not_object",
            DuplicateIds { .. } => "duplicate_id",
            NotParkSized { .. } => "not_park_sized",
            Gcj02Suspected { .. } => "gcj02_suspected",
            DeclaredAreaMismatch { .. } => "declared_area_mismatch",
            MappingPropertyMissing { .. } => "mapping_property_missing",
            SpansUtmZones { .. } => "spans_utm_zones",
            SplitByGeometry { .. } => "split_by_geometry",
            FolderEmpty => "folder_empty",
            FolderUnreadable { .. } => "folder_unreadable",
            ManifestUnreadable { .. } => "manifest_unreadable",
            ManifestInvalid { .. } => "manifest_invalid",
            RoleUnknown { .. } => "role_unknown",
            UnknownFieldCodes { .. } => "unknown_field_codes",
            LayerCrsUnusable { .. } => "layer_crs_unusable",
            ProjectUnreadable { .. } => "project_unreadable",
            LayerOutsideProject { .. } => "layer_outside_project",
            FormatUnreadable { .. } => "format_unreadable",
            DatumNotPlaceable { .. } => "datum_not_placeable",
            CpgEncodingUnrecorded { .. } => "cpg_encoding_unrecorded",
            CpgEncodingUnknown { .. } => "cpg_encoding_unknown",
            DbfNotUtf8 => "dbf_not_utf8",
            ShapeUnreadable { .. } => "shape_unreadable",
            ShapeUnreadableNoIndex { .. } => "shape_unreadable_no_index",
            ShpStopsReadable { .. } => "shp_truncated",
            ShxMissing => "shx_missing",
            DbfMissing => "dbf_missing",
            DbfUnreadable { .. } => "dbf_unreadable",
            DbfStopsReadable { .. } => "dbf_truncated",
            DbfRecordUnreadable { .. } => "dbf_record_unreadable",
            ShpDbfCountMismatch { .. } => "shp_dbf_count_mismatch",
            PrjMissing => "prj_missing",
            GpkgSrsUndefined { .. } => "gpkg_srs_undefined",
            GpkgGeometryUnreadable { .. } => "gpkg_geometry_unreadable",
            TxtLineUnrecognised { .. } => "txt_line_unrecognised",
            TxtZoneMismatch { .. } => "txt_zone_mismatch",
            TxtDatumUnknown { .. } => "txt_datum_unknown",
            ParcelPointCount { .. } => "parcel_point_count",
            ParcelNoCoordinates { .. } => "parcel_no_coordinates",
            ParcelAreaUnclear { .. } => "parcel_area_unclear",
            ParcelAreaInSquareMetres { .. } => "parcel_area_in_square_metres",
            GtfsFileMissing { .. } => "gtfs_file_missing",
            GtfsFileUnreadable { .. } => "gtfs_file_unreadable",
            GtfsRowSkipped { .. } => "gtfs_row_skipped",
            GtfsStopNoCoordinates { .. } => "gtfs_stop_no_coordinates",
            GtfsTripNoStopTimes { .. } => "gtfs_trip_no_stop_times",
            GtfsUnknownStop { .. } => "gtfs_unknown_stop",
            GtfsUnknownRoute { .. } => "gtfs_unknown_route",
            GtfsRouteNoLine { .. } => "gtfs_route_no_line",
        }
    }

    /// What was wrong, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        use Issue::*;
        let zh = lang == Lang::Zh;
        match self {
            FileUnreadable { detail } if zh => format!("无法读取文件：{detail}"),
            FileUnreadable { detail } => format!("cannot read the file: {detail}"),
            JsonInvalid {
                what,
                byte,
                line,
                column,
            } if zh => format!(
                "不是有效的 JSON：第 {line} 行第 {column} 列（字节 {byte}）：{what}"
            ),
            JsonInvalid {
                what,
                byte,
                line,
                column,
            } => format!("{what} at byte {byte} (line {line}, column {column})"),
            NotGeoJson { detail } if zh => format!("不是 GeoJSON：{detail}"),
            NotGeoJson { detail } => format!("not GeoJSON: {detail}"),
            FileFailed { detail } => detail.clone(),
            TextNotUtf8 => lang
                .pick("文本不是 UTF-8 编码", "text is not UTF-8")
                .into(),
            BytesUndecodable { count, encoding } if zh => {
                format!("有 {count} 处字节无法按 {encoding} 解码")
            }
            BytesUndecodable { count, encoding } => {
                format!("{count} byte sequence(s) could not be decoded as {encoding}")
            }
            ReplacedText {
                layer,
                fields,
                features,
                more,
            } => {
                let shown: Vec<String> = features.iter().map(|i| i.to_string()).collect();
                let feats = if features.is_empty() {
                    String::new()
                } else if zh {
                    format!(
                        "，以及第 {} 个要素的属性值{}",
                        shown.join("、"),
                        if *more > 0 {
                            format!("（另有 {more} 个）")
                        } else {
                            String::new()
                        }
                    )
                } else {
                    format!(
                        ", values of feature(s) {}{}",
                        shown.join(", "),
                        if *more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    )
                };
                if zh {
                    format!(
                        "无法解码的字节位于图层 {layer} 的 {} 个字段 [{}]{feats}",
                        fields.len(),
                        list(fields, lang)
                    )
                } else {
                    format!(
                        "undecodable bytes were in {} field(s) [{}] of layer {layer}{feats}",
                        fields.len(),
                        list(fields, lang)
                    )
                }
            }
            NumberBeyondRange {
                token,
                line,
                column,
            } if zh => format!("第 {line} 行第 {column} 列的数 {token} 超出数值范围"),
            NumberBeyondRange {
                token,
                line,
                column,
            } => format!(
                "the number {token} at line {line}, column {column} is beyond the range of a number"
            ),
            CrsSetupFailed { crs, detail } if zh => format!("无法建立坐标系 {crs}：{detail}"),
            CrsSetupFailed { crs, detail } => format!("cannot set up {crs}: {detail}"),
            CrsContradicted {
                declared,
                looks_like,
                ..
            } if zh => format!("crs 成员声明为 {declared}，但坐标看起来是 {looks_like}"),
            CrsContradicted {
                declared,
                looks_like,
                ..
            } => format!("the crs member says {declared} but the coordinates look like {looks_like}"),
            CrsOutOfRange {
                declared,
                outside,
                sampled,
                read_as,
                read_as_name,
            } if zh => format!(
                "crs 成员声明为 {declared}，但抽样的 {sampled} 个坐标中有 {outside} 个超出其范围；按 {read_as}（{read_as_name}）读取则吻合"
            ),
            CrsOutOfRange {
                declared,
                outside,
                sampled,
                read_as,
                read_as_name,
            } => format!(
                "the crs member says {declared} but {outside} of {sampled} sampled positions lie outside its range; they read as {read_as} ({read_as_name})"
            ),
            CrsUnusableAssumed { detail, .. } if zh => format!("未使用 crs 成员：{detail}"),
            CrsUnusableAssumed { detail, .. } => format!("crs member not used: {detail}"),
            CrsUnusableUnknown { detail } if zh => format!(
                "未使用 crs 成员：{detail}；坐标不是经纬度，也无法推断其坐标系"
            ),
            CrsUnusableUnknown { detail } => format!(
                "crs member not used: {detail}; the coordinates are not lon/lat and their CRS cannot be guessed"
            ),
            CrsMissingAssumed { crs, name, .. } if zh => {
                format!("文件没有 crs 成员：假定为 {crs}（{name}）")
            }
            CrsMissingAssumed { crs, name, .. } => {
                format!("no crs member: assumed {crs} ({name})")
            }
            CrsMissingUnknown => lang
                .pick(
                    "文件没有 crs 成员，坐标也不是经纬度：看起来是投影坐标（米），但无法判断分带（6 位横坐标不含带号）",
                    "no crs member and the coordinates are not lon/lat: they look like projected metres whose zone cannot be told (a 6-digit easting names no zone)",
                )
                .into(),
            DatumShiftMissing { crs, datum } if zh => format!(
                "{crs}（{}）没有转换参数：坐标按 {} 椭球上的经纬度直接当作 CGCS2000 使用，位置会偏差数十米到一百多米",
                datum_zh(datum),
                datum_zh(datum)
            ),
            DatumShiftMissing { crs, datum } => format!(
                "{crs} ({datum}) has no datum-shift parameters: the lon/lat on {datum} is used as CGCS2000 as it is, off by tens of metres to over 100 m"
            ),
            DatumShifted { crs, datum, shift } => {
                let n = shift.params().len();
                let nums: Vec<String> = shift.params().iter().map(|v| v.to_string()).collect();
                let conv = match (n, shift.rotation, lang) {
                    (3, _, _) => "",
                    (_, crate::crs::Rotation::PositionVector, Lang::Zh) => "，布尔莎模型，位置矢量旋转",
                    (_, crate::crs::Rotation::CoordinateFrame, Lang::Zh) => "，布尔莎模型，坐标框架旋转",
                    (_, crate::crs::Rotation::PositionVector, Lang::En) => ", Bursa-Wolf, position vector",
                    (_, crate::crs::Rotation::CoordinateFrame, Lang::En) => ", Bursa-Wolf, coordinate frame",
                };
                if zh {
                    format!(
                        "{crs}（{}）已用 {n} 参数转换到 CGCS2000（{}{conv}）",
                        datum_zh(datum),
                        nums.join(", ")
                    )
                } else {
                    format!(
                        "{crs} ({datum}) shifted to CGCS2000 with {n} parameters ({}{conv})",
                        nums.join(", ")
                    )
                }
            }
            DatumShiftInvalid { layer, detail } if zh => {
                format!("图层 {layer} 的转换参数无法使用：{detail}")
            }
            DatumShiftInvalid { layer, detail } => format!("layer {layer}: {detail}"),
            DatumShiftUnused { crs } if zh => {
                format!("给出了转换参数，但 {crs} 已是 CGCS2000/WGS84 坐标系")
            }
            DatumShiftUnused { crs } => {
                format!("datum-shift parameters were given, but {crs} is on CGCS2000/WGS84")
            }
            EntryNotFeature { found: f } if zh => {
                format!("该条目是{}，不是要素对象", found(f, lang))
            }
            EntryNotFeature { found } => format!("the entry is {found}, not a feature object"),
            FeatureTypeMissing => lang
                .pick("要素缺少 \"type\" 成员", "the feature has no \"type\" member")
                .into(),
            FeatureTypeWrong { found } if zh => {
                format!("\"type\" 为 \"{found}\"，应为 \"Feature\"")
            }
            FeatureTypeWrong { found } => {
                format!("\"type\" is \"{found}\" where \"Feature\" was expected")
            }
            GeometryMissing => lang
                .pick("要素缺少 \"geometry\" 成员", "the feature has no \"geometry\" member")
                .into(),
            GeometryNotObject { found: f } if zh => {
                format!("\"geometry\" 是{}，不是几何对象", found(f, lang))
            }
            GeometryNotObject { found } => {
                format!("\"geometry\" is {found}, not a geometry object")
            }
            GeometryRepaired(g) | GeometryUnusable(g) => g.message(lang),
            IdInvalid { found } if zh => format!("\"id\" 为 {found}，既不是字符串也不是数字"),
            IdInvalid { found } => format!("\"id\" is {found}, not a string or number"),
            PropertiesNotObject { found: f } if zh => {
                format!("\"properties\" 是{}，不是对象", found(f, lang))
            }
            PropertiesNotObject { found } => format!("\"properties\" is {found}, not an object"),
            DuplicateIds {
                layer,
                features,
                examples,
            } => {
                let ex: Vec<String> = examples
                    .iter()
                    .map(|(id, n)| format!("\"{id}\" ×{n}"))
                    .collect();
                if zh {
                    format!(
                        "图层 {layer} 中有 {features} 个要素的编号重复（{}）：编号无法唯一标识要素",
                        list(&ex, lang)
                    )
                } else {
                    format!(
                        "{features} features of layer {layer} share their ids ({}): the id does not identify a feature",
                        list(&ex, lang)
                    )
                }
            }
            NotParkSized {
                layer,
                width,
                height,
            } if zh => format!(
                "图层 {layer} 看似地块，但范围达 {width:.1}° × {height:.1}°（一个园区只有几公里）"
            ),
            NotParkSized {
                layer,
                width,
                height,
            } => format!(
                "layer {layer} looked like parcels but spans {width:.1}° × {height:.1}° (a park spans a few km)"
            ),
            Gcj02Suspected { layer } if zh => format!(
                "图层 {layer} 看起来是 DataV/高德导出的数据（adcode、acroutes）：坐标很可能是 GCJ-02，与 WGS84 相差数百米"
            ),
            Gcj02Suspected { layer } => format!(
                "layer {layer} looks like DataV/AMap output (adcode, acroutes): its coordinates are probably GCJ-02, off WGS84 by a few hundred metres"
            ),
            DeclaredAreaMismatch {
                layer,
                bad,
                declared,
                unit,
            } => {
                let why = match (unit, lang) {
                    (AreaUnit::None, Lang::Zh) => {
                        "与任何单位（m²、亩、公顷、平方度）都不符：申报面积存疑".to_string()
                    }
                    (AreaUnit::None, Lang::En) => {
                        "they match no unit (m², mu, ha or square degrees): the declared areas are doubtful".to_string()
                    }
                    (AreaUnit::SquareDegrees, Lang::Zh) => {
                        "它们按平方度才吻合（经纬度下的 GIS Shape_Area），不是地面面积".to_string()
                    }
                    (AreaUnit::SquareDegrees, Lang::En) => {
                        "they match square degrees (a GIS Shape_Area in lon/lat), not an area on the ground".to_string()
                    }
                    (u, Lang::Zh) => format!("按{}读取时与几何吻合", u.text(lang)),
                    (u, Lang::En) => {
                        format!("they match the geometry when read as {}", u.text(lang))
                    }
                };
                if zh {
                    format!(
                        "图层 {layer} 的 {declared} 个申报地块面积中有 {bad} 个与实测（椭球）面积相差 20% 以上：{why}"
                    )
                } else {
                    format!(
                        "{bad} of {declared} declared parcel areas in layer {layer} differ from the measured (geodesic) area by more than 20 %: {why}"
                    )
                }
            }
            MappingPropertyMissing { property, field } if zh => {
                format!("字段映射为 {field} 指定了属性 \"{property}\"，但没有要素含有该属性")
            }
            MappingPropertyMissing { property, field } => format!(
                "the mapping names property \"{property}\" for {field}, but no feature has it"
            ),
            SplitByGeometry { layer, parts } => {
                let list: Vec<String> = parts
                    .iter()
                    .map(|(f, n, r)| match lang {
                        Lang::Zh => format!("{} {n} 个 → {}", f.label(lang), r.label(lang)),
                        Lang::En => format!("{n} {} → {}", f.label(lang), r.label(lang)),
                    })
                    .collect();
                if zh {
                    format!(
                        "{layer} 含多种几何类型：按几何拆分为 {} 个图层（{}）",
                        parts.len(),
                        list.join("；")
                    )
                } else {
                    format!(
                        "{layer} holds several kinds of geometry: split into {} layers ({})",
                        parts.len(),
                        list.join("; ")
                    )
                }
            }
            SpansUtmZones { span, zones } if zh => format!(
                "数据跨越经度 {span:.1}°（{zones:.0} 个 UTM 带）：在一个平面坐标系中，远离中心处的距离会变形，覆盖、服务圈和线路数据不可靠；请一次分析一个园区"
            ),
            SpansUtmZones { span, zones } => format!(
                "the data spans {span:.1}° of longitude ({zones:.0} UTM zones): distances in one planar frame are distorted far from its centre, so coverage, circles and route figures are unreliable; analyse one park at a time"
            ),
            FolderEmpty => lang
                .pick(
                    "文件夹中没有 .geojson、.json、.shp、.gpkg、坐标 .txt 或 GTFS .zip 文件",
                    "the folder holds no .geojson, .json, .shp, .gpkg, coordinate .txt or GTFS .zip file",
                )
                .into(),
            FolderUnreadable { detail } if zh => format!("无法列出文件夹内容：{detail}"),
            FolderUnreadable { detail } => format!("cannot list the folder: {detail}"),
            ManifestUnreadable { detail } if zh => format!("无法读取清单：{detail}"),
            ManifestUnreadable { detail } => format!("cannot read the manifest: {detail}"),
            ManifestInvalid { detail } if zh => format!("清单无法使用：{detail}"),
            ManifestInvalid { detail } => detail.clone(),
            RoleUnknown { layer, detail } if zh => format!("图层 {layer}：{detail}"),
            RoleUnknown { layer, detail } => format!("layer {layer}: {detail}"),
            UnknownFieldCodes { layer, codes } if zh => {
                format!("图层 {layer}：未知的字段代码 {}", list(codes, lang))
            }
            UnknownFieldCodes { layer, codes } => {
                format!("layer {layer}: unknown field code(s) {}", list(codes, lang))
            }
            LayerCrsUnusable { layer, detail } if zh => format!("图层 {layer}：{detail}"),
            LayerCrsUnusable { layer, detail } => format!("layer {layer}: {detail}"),
            ProjectUnreadable { detail } if zh => format!("无法读取项目：{detail}"),
            ProjectUnreadable { detail } => detail.clone(),
            LayerOutsideProject { layer, path } if zh => {
                format!("图层 \"{layer}\" 位于项目文件夹之外：{path}")
            }
            LayerOutsideProject { layer, path } => {
                format!("layer \"{layer}\" points outside the project folder: {path}")
            }
            FormatUnreadable { format, detail } if zh => {
                format!("不是可读的 {}：{detail}", format_zh(format))
            }
            FormatUnreadable { format, detail } => format!("not a readable {format}: {detail}"),
            DatumNotPlaceable { source, detail } => format!("{source}: {detail}"),
            CpgEncodingUnrecorded { label, .. } if zh => {
                format!(".cpg 指定的编码 {label} 既不是 UTF-8 也不是 GBK，ParkPlan 无法记录")
            }
            CpgEncodingUnrecorded { label, .. } => {
                format!("the .cpg names {label}, which ParkPlan records as neither UTF-8 nor GBK")
            }
            CpgEncodingUnknown { label } if zh => format!(".cpg 指定了未知的编码 \"{label}\""),
            CpgEncodingUnknown { label } => {
                format!("the .cpg names an unknown encoding \"{label}\"")
            }
            DbfNotUtf8 => lang
                .pick(
                    "属性表没有 .cpg，且文字不是 UTF-8",
                    "the table has no .cpg and its text is not UTF-8",
                )
                .into(),
            ShapeUnreadable { shape, detail } | ShapeUnreadableNoIndex { shape, detail } if zh => {
                format!("第 {shape} 个图形：{detail}")
            }
            ShapeUnreadable { shape, detail } | ShapeUnreadableNoIndex { shape, detail } => {
                format!("shape {shape}: {detail}")
            }
            ShpStopsReadable { shape } if zh => format!(".shp 从第 {shape} 个图形起无法读取"),
            ShpStopsReadable { shape } => {
                format!("the .shp stops being readable at shape {shape}")
            }
            ShxMissing => lang
                .pick(
                    ".shp 旁缺少 .shx 索引",
                    "the .shx index beside the .shp is missing",
                )
                .into(),
            DbfMissing => lang
                .pick(
                    ".shp 旁缺少 .dbf 属性表",
                    "the .dbf attribute table beside the .shp is missing",
                )
                .into(),
            DbfUnreadable { detail } if zh => format!(".dbf 属性表无法读取：{detail}"),
            DbfUnreadable { detail } => format!("the .dbf table cannot be read: {detail}"),
            DbfStopsReadable { record } if zh => {
                format!(".dbf 属性表从第 {record} 条记录起无法读取")
            }
            DbfStopsReadable { record } => {
                format!("the .dbf table stops being readable at record {record}")
            }
            DbfRecordUnreadable { record, detail } if zh => {
                format!(".dbf 第 {record} 条记录：{detail}")
            }
            DbfRecordUnreadable { record, detail } => {
                format!("record {record} of the .dbf: {detail}")
            }
            ShpDbfCountMismatch { shapes, records } if zh => {
                format!(".shp 有 {shapes} 个图形，而 .dbf 有 {records} 条记录")
            }
            ShpDbfCountMismatch { shapes, records } => {
                format!("the .shp holds {shapes} shapes but the .dbf {records} records")
            }
            PrjMissing => lang
                .pick(
                    ".shp 旁缺少 .prj：文件没有说明坐标系",
                    "the .prj beside the .shp is missing: the file does not say its CRS",
                )
                .into(),
            GpkgSrsUndefined { table, srs_id } if zh => {
                format!("表 {table}：空间参考未定义（srs_id {srs_id}）")
            }
            GpkgSrsUndefined { table, srs_id } => {
                format!("table {table}: its spatial reference is undefined (srs_id {srs_id})")
            }
            GpkgGeometryUnreadable { table, detail } if zh => format!("表 {table}：{detail}"),
            GpkgGeometryUnreadable { table, detail } => format!("table {table}: {detail}"),
            TxtLineUnrecognised { line } if zh => {
                format!("这一行 \"{line}\" 既不是地块行，也不是点行 点号,圈号,X,Y")
            }
            TxtLineUnrecognised { line } => format!(
                "the line \"{line}\" is neither a parcel line nor a point row 点号,圈号,X,Y"
            ),
            TxtZoneMismatch { header, eastings } if zh => {
                format!("文件头的带号为 {header}，但横坐标带的是第 {eastings} 带")
            }
            TxtZoneMismatch { header, eastings } => format!(
                "the header says zone (带号) {header} but the eastings carry zone {eastings}"
            ),
            TxtDatumUnknown { name } if zh => {
                format!("文件头的坐标系 \"{name}\" 不是 ParkPlan 认识的大地基准")
            }
            TxtDatumUnknown { name } => {
                format!("the header's 坐标系 \"{name}\" names no datum ParkPlan knows")
            }
            ParcelPointCount {
                parcel,
                declared,
                written,
                closing_missing,
            } if zh => {
                let why = if *closing_missing {
                    "环的闭合点缺失（计入了点数却没有写出）".to_string()
                } else {
                    format!("后面有 {written} 行点")
                };
                format!("地块 {parcel} 声明了 {declared} 个界址点，但{why}")
            }
            ParcelPointCount {
                parcel,
                declared,
                written,
                closing_missing,
            } => {
                let why = if *closing_missing {
                    "the closing point of a ring is missing (counted but not written)".to_string()
                } else {
                    format!("{written} point rows follow")
                };
                format!("parcel {parcel} declares {declared} 界址点 but {why}")
            }
            ParcelNoCoordinates { parcel } if zh => format!("地块 {parcel} 没有坐标行"),
            ParcelNoCoordinates { parcel } => format!("parcel {parcel} has no coordinate rows"),
            ParcelAreaUnclear {
                parcel,
                declared,
                measured,
            } if zh => format!(
                "地块 {parcel}：申报面积 {declared} 无论按公顷还是平方米都与实测的 {measured:.1} m² 不符"
            ),
            ParcelAreaUnclear {
                parcel,
                declared,
                measured,
            } => format!(
                "parcel {parcel}: the declared area {declared} matches the measured {measured:.1} m² neither as hectares nor as m²"
            ),
            ParcelAreaInSquareMetres {
                parcel,
                declared,
                measured,
            } if zh => format!(
                "地块 {parcel}：申报面积 {declared} 的单位是平方米（标准规定为公顷；它与实测的 {measured:.1} m² 相符）"
            ),
            ParcelAreaInSquareMetres {
                parcel,
                declared,
                measured,
            } => format!(
                "parcel {parcel}: the declared area {declared} is in m² (the standard says hectares; it matches the measured {measured:.1} m²)"
            ),
            GtfsFileMissing { member } if zh => format!("GTFS 数据包中缺少必需的文件 {member}"),
            GtfsFileMissing { member } => {
                format!("the GTFS feed lacks the required file {member}")
            }
            GtfsFileUnreadable { member, detail } if zh => {
                format!("{member} 无法读取：{detail}")
            }
            GtfsFileUnreadable { member, detail } => format!("{member} cannot be read: {detail}"),
            GtfsRowSkipped {
                member,
                row,
                detail,
            } if zh => format!("{member} 第 {row} 行无法读取：{detail}"),
            GtfsRowSkipped {
                member,
                row,
                detail,
            } => format!("{member} row {row} cannot be read: {detail}"),
            GtfsStopNoCoordinates { stop } if zh => {
                format!("stops.txt 中站点 {stop} 没有可用的坐标（缺失、不是数字或超出范围）")
            }
            GtfsStopNoCoordinates { stop } => format!(
                "stops.txt: stop {stop} has no usable coordinates (missing, not a number or out of range)"
            ),
            GtfsTripNoStopTimes { trip } if zh => {
                format!("班次 {trip} 在 stop_times.txt 中没有任何行")
            }
            GtfsTripNoStopTimes { trip } => format!("trip {trip} has no row in stop_times.txt"),
            GtfsUnknownStop { member, trip, stop } if zh => {
                format!("{member}：班次 {trip} 引用了 stops.txt 中不存在的站点 {stop}")
            }
            GtfsUnknownStop { member, trip, stop } => format!(
                "{member}: trip {trip} refers to stop {stop}, which stops.txt does not define"
            ),
            GtfsUnknownRoute { trip, route } if zh => {
                format!("trips.txt：班次 {trip} 引用了 routes.txt 中不存在的线路 {route}")
            }
            GtfsUnknownRoute { trip, route } => format!(
                "trips.txt: trip {trip} refers to route {route}, which routes.txt does not define"
            ),
            GtfsRouteNoLine { route } if zh => format!(
                "线路 {route} 既没有 shapes.txt 中的线形，也没有经过两个有坐标站点的班次"
            ),
            GtfsRouteNoLine { route } => format!(
                "route {route} has neither a shape in shapes.txt nor a trip through two located stops"
            ),
        }
    }

    /// What was done about it, in the given language ("" when the message says it).
    pub fn action(&self, lang: Lang) -> String {
        use Issue::*;
        let zh = lang == Lang::Zh;
        let not_loaded = lang.pick("未载入该文件", "the file was not loaded");
        let nothing = lang.pick("未从中载入任何内容", "nothing loaded from it");
        match self {
            FileUnreadable { .. } | JsonInvalid { .. } | NotGeoJson { .. } | FileFailed { .. } => {
                not_loaded.into()
            }
            TextNotUtf8 => lang
                .pick("已按 GB18030（GBK）解码", "decoded as GB18030 (GBK)")
                .into(),
            BytesUndecodable { .. } => lang
                .pick("已替换为 U+FFFD", "replaced them with U+FFFD")
                .into(),
            ReplacedText { .. } => lang
                .pick(
                    "只替换了这些字节，其余文本保留；请检查这些名称和值",
                    "only those bytes were replaced; the rest of the text is kept; check those names and values",
                )
                .into(),
            NumberBeyondRange { .. } => lang
                .pick(
                    "按 null 读取：跳过其所在要素，其他要素照常载入",
                    "read as null: its feature is skipped, the others are loaded",
                )
                .into(),
            CrsSetupFailed { .. } => lang
                .pick("未载入几何，保留属性", "geometries not loaded; attributes kept")
                .into(),
            CrsContradicted { read_as, .. } if zh => format!("按 {read_as} 读取"),
            CrsContradicted {
                read_as, reason, ..
            } => format!("read them as {read_as} ({reason})"),
            CrsOutOfRange { read_as, .. } if zh => format!(
                "按 {read_as} 读取——请核对位置；若不对，请在导入对话框或清单中另选坐标系"
            ),
            CrsOutOfRange { read_as, .. } => format!(
                "read them as {read_as} — check the location; choose another CRS in the intake dialog or a manifest if it is wrong"
            ),
            CrsUnusableAssumed { read_as, .. } if zh => format!("按 {read_as} 读取坐标"),
            CrsUnusableAssumed { read_as, .. } => format!("read the coordinates as {read_as}"),
            CrsUnusableUnknown { .. } | CrsMissingUnknown => set_crs_hint(lang).into(),
            CrsMissingAssumed { .. } if zh => {
                "依据坐标数值推断；若不对，请在导入对话框或清单中设置坐标系".into()
            }
            CrsMissingAssumed { reason, .. } => reason.clone(),
            DatumShiftMissing { .. } => lang
                .pick(
                    "请在导入对话框（或清单的 \"datum_shift\"）中填入测绘成果附带的 3 参数或 7 参数",
                    "enter the survey's 3 or 7 parameters (转换参数) in the intake dialog (or \"datum_shift\" in a manifest)",
                )
                .into(),
            DatumShifted { .. } => String::new(),
            DatumShiftUnused { .. } => lang.pick("已忽略", "ignored them").into(),
            DatumShiftInvalid { .. } => lang
                .pick("不做基准转换读取", "read without a datum shift")
                .into(),
            EntryNotFeature { .. } | FeatureTypeWrong { .. } => {
                lang.pick("已跳过", "skipped it").into()
            }
            FeatureTypeMissing => lang
                .pick("按 Feature 读取", "read it as a Feature")
                .into(),
            GeometryMissing => lang
                .pick("保留该要素，但没有位置", "kept it without a location")
                .into(),
            GeometryNotObject { .. } | GeometryUnusable(_) => {
                lang.pick("跳过该要素", "skipped the feature").into()
            }
            GeometryRepaired(g) => g.repair(lang),
            IdInvalid { .. } => lang.pick("忽略该编号", "ignored the id").into(),
            PropertiesNotObject { .. } => lang
                .pick("忽略其属性", "ignored the properties")
                .into(),
            DuplicateIds { examples, .. } => {
                let first = examples.first().map(|e| e.0.as_str()).unwrap_or("");
                if zh {
                    format!(
                        "已按要素序号使编号唯一（{first}#1、{first}#2 …；原值保留）；按重复编号查找时会列出候选要素"
                    )
                } else {
                    format!(
                        "ids made unique by the feature's number ({first}#1, {first}#2 …; the original value is kept); a lookup by a shared id lists the candidates"
                    )
                }
            }
            NotParkSized { .. } => lang
                .pick(
                    "按“其他”读取（不计入用地）；如确为地块，请在导入对话框或清单中设置其类型",
                    "read as other (not counted as land); set its role in the intake dialog or a manifest if it really is parcels",
                )
                .into(),
            Gcj02Suspected { .. } => lang
                .pick(
                    "按 WGS84 读取；在导入对话框中勾选 GCJ-02（或在清单中写 \"gcj02\": true）即可纠正",
                    "read as WGS84; tick GCJ-02 in the intake dialog (or \"gcj02\": true in a manifest) to correct them",
                )
                .into(),
            DeclaredAreaMismatch { .. } => lang
                .pick(
                    "用地统计使用实测面积；申报面积并列显示以供核对",
                    "land figures use the measured areas; the declared ones are shown beside them for checking",
                )
                .into(),
            MappingPropertyMissing { .. } => {
                lang.pick("该字段留空", "the field stays empty").into()
            }
            SplitByGeometry { .. } => lang
                .pick(
                    "可在导入对话框中取消拆分或改变各部分的类型（清单中为 \"part\": \"lines\" 等）",
                    "undo the split or change each part's role in the intake dialog (\"part\": \"lines\" … in a manifest)",
                )
                .into(),
            SpansUtmZones { .. } => lang
                .pick("分析照常运行，但距离不准确", "analyses run, but their distances are wrong")
                .into(),
            FolderEmpty | FolderUnreadable { .. } | ManifestUnreadable { .. }
            | ManifestInvalid { .. } => nothing.into(),
            RoleUnknown { .. } => lang.pick("改为推断类型", "guessed the role instead").into(),
            UnknownFieldCodes { .. } => lang.pick("已忽略", "ignored them").into(),
            LayerCrsUnusable { .. } => lang
                .pick("使用文件自身的坐标系", "used the file's own CRS")
                .into(),
            ProjectUnreadable { .. } => lang
                .pick("未载入该项目", "the project was not loaded")
                .into(),
            LayerOutsideProject { .. } => lang
                .pick("在你允许之前不载入", "not loaded until you allow it")
                .into(),
            FormatUnreadable { .. } => not_loaded.into(),
            DatumNotPlaceable { .. } => lang
                .pick(
                    "未载入几何，保留属性；只有确知数据所用的坐标系时，才在导入对话框或清单中选择它",
                    "geometries not loaded, attributes kept; choose the CRS in the intake dialog or a manifest only if you know the data is in it",
                )
                .into(),
            CpgEncodingUnrecorded { used, .. } if zh => format!("已按 {used} 解码属性表"),
            CpgEncodingUnrecorded { used, .. } => format!("decoded the table as {used}"),
            CpgEncodingUnknown { .. } => lang
                .pick("改为根据字节判断编码", "decided the encoding from the bytes instead")
                .into(),
            DbfNotUtf8 => lang
                .pick("已按 GB18030（GBK）解码", "decoded it as GB18030 (GBK)")
                .into(),
            ShapeUnreadable { .. } => lang
                .pick("跳过其几何，保留其属性记录", "skipped its geometry; its record is kept")
                .into(),
            ShapeUnreadableNoIndex { .. } => lang
                .pick(
                    "在此停止读取图形（没有 .shx，找不到下一个图形）",
                    "stopped reading shapes there (no .shx to find the next one)",
                )
                .into(),
            ShpStopsReadable { .. } => lang
                .pick("在此停止读取图形", "stopped reading shapes there")
                .into(),
            ShxMissing => lang
                .pick("按文件顺序读取图形", "read the shapes in file order")
                .into(),
            DbfMissing | DbfUnreadable { .. } => lang
                .pick("只载入了图形，没有属性", "loaded the shapes without attributes")
                .into(),
            DbfStopsReadable { .. } => lang
                .pick(
                    "在此停止读取；其后的图形没有属性",
                    "stopped reading it there; the shapes after it have no attributes",
                )
                .into(),
            DbfRecordUnreadable { .. } => lang
                .pick("保留该要素，但没有属性", "kept the feature without its attributes")
                .into(),
            ShpDbfCountMismatch { .. } => lang
                .pick(
                    "按顺序配对；多出的要素保留为无图形或无属性",
                    "paired them in order; the extra ones are kept without a shape or without attributes",
                )
                .into(),
            PrjMissing => lang
                .pick(
                    "根据坐标推断坐标系，与没有 crs 成员的 GeoJSON 文件相同",
                    "guessed the CRS from the coordinates, as for a GeoJSON file without a crs member",
                )
                .into(),
            GpkgSrsUndefined { .. } => lang
                .pick("根据坐标推断坐标系", "guessed the CRS from the coordinates")
                .into(),
            GpkgGeometryUnreadable { .. } | ParcelNoCoordinates { .. } => lang
                .pick("保留该要素，但没有位置", "kept the feature without a location")
                .into(),
            TxtLineUnrecognised { .. } => lang.pick("已跳过", "skipped it").into(),
            TxtZoneMismatch { eastings, .. } if zh => {
                format!("按坐标所带的第 {eastings} 带读取")
            }
            TxtZoneMismatch { eastings, .. } => {
                format!("used zone {eastings}, the one the coordinates carry")
            }
            TxtDatumUnknown { .. } => lang
                .pick("按 CGCS2000 读取坐标", "read the coordinates as CGCS2000")
                .into(),
            ParcelPointCount { .. } => lang
                .pick("按写出的点使用", "used the points as written")
                .into(),
            ParcelAreaUnclear { .. } => lang
                .pick(
                    "保留申报的数字；统计使用实测面积",
                    "kept the declared number; the measured area is used for statistics",
                )
                .into(),
            ParcelAreaInSquareMetres { .. } => lang.pick("按平方米读取", "read it as m²").into(),
            GtfsFileMissing { .. } | GtfsFileUnreadable { .. } => lang
                .pick(
                    "载入了能读取的部分（依赖该文件的线路或站点缺失）",
                    "loaded what could be read (routes or stops that need this file are missing)",
                )
                .into(),
            GtfsRowSkipped { .. } | GtfsUnknownStop { .. } => {
                lang.pick("跳过了这一行", "skipped the row").into()
            }
            GtfsStopNoCoordinates { .. } => lang
                .pick("未载入该站点", "the stop was not loaded")
                .into(),
            GtfsTripNoStopTimes { .. } | GtfsUnknownRoute { .. } => {
                lang.pick("跳过了该班次", "skipped the trip").into()
            }
            GtfsRouteNoLine { .. } => lang
                .pick("未载入该线路", "the route was not loaded")
                .into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Issue> {
        vec![
            Issue::TextNotUtf8,
            Issue::CrsMissingAssumed {
                crs: "EPSG:4525".into(),
                name: "CGCS2000 / 3-degree Gauss-Kruger zone 37".into(),
                reason: "8-digit eastings".into(),
            },
            Issue::DuplicateIds {
                layer: "设施".into(),
                features: 949,
                examples: vec![("0".into(), 949)],
            },
            Issue::GeometryRepaired(GeomIssue::at(
                &[Step::Polygon(2), Step::Ring(1)],
                GeomKind::RingNotClosed,
            )),
            Issue::GtfsFileMissing {
                member: "stops.txt".into(),
            },
            Issue::GtfsRowSkipped {
                member: "stop_times.txt".into(),
                row: 12,
                detail: "invalid time".into(),
            },
            Issue::GtfsStopNoCoordinates { stop: "S1".into() },
            Issue::GtfsTripNoStopTimes { trip: "T1".into() },
            Issue::GtfsUnknownStop {
                member: "stop_times.txt".into(),
                trip: "T1".into(),
                stop: "S9".into(),
            },
            Issue::GtfsUnknownRoute {
                trip: "T1".into(),
                route: "R9".into(),
            },
            Issue::GtfsRouteNoLine { route: "R1".into() },
        ]
    }

    #[test]
    fn codes_are_snake_case_and_texts_differ_by_language() {
        for i in samples() {
            let c = i.code();
            assert!(
                c.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'),
                "{c}"
            );
            let (zh, en) = (i.message(Lang::Zh), i.message(Lang::En));
            assert_ne!(zh, en, "{c}");
            assert!(
                zh.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
                "{zh}"
            );
            assert!(
                en.is_ascii() || en.contains('×') || en.contains('…'),
                "{en}"
            );
            assert_ne!(i.action(Lang::Zh), i.action(Lang::En), "{c}");
        }
    }

    #[test]
    fn geometry_places_read_in_both_languages() {
        let g = GeomIssue::at(
            &[Step::Polygon(2), Step::Ring(3), Step::Position(5)],
            GeomKind::NotFinite,
        );
        assert_eq!(
            g.message(Lang::En),
            "polygon 2, ring 3, position 5: coordinate is not a finite number"
        );
        assert_eq!(
            g.message(Lang::Zh),
            "第 2 个多边形第 3 环第 5 个坐标点：坐标不是有限数"
        );
        assert_eq!(g.code(), "coordinate_not_finite");
    }
}
