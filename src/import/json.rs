//! Text → GeoJSON structure, without building a JSON tree.
//!
//! The top level is read once with serde_json, keeping each feature as a borrowed raw
//! slice (`&RawValue`) so features can then be parsed in parallel. Root members may come
//! in any order (`crs` before or after `features`). A feature's properties are read as
//! raw values and typed in [`crate::model::PropValue`]; its geometry's coordinates
//! become a small [`CoordTree`] that keeps bad values (text, null) so that the geometry
//! step can say exactly what was wrong.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::model::PropValue;

/// A JSON object key, borrowed when it had no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// The `features` member: an array of raw features, or something that is not an array.
pub enum FeatureList<'a> {
    /// The raw features, in order.
    Array(Vec<&'a RawValue>),
    /// `features` held something else (described).
    NotArray(&'static str),
}

/// The root of a GeoJSON document, its features still raw.
pub struct TopLevel<'a> {
    /// The root `type` member.
    pub type_name: Option<String>,
    /// The `features` member.
    pub features: Option<FeatureList<'a>>,
    /// The legacy `crs` member.
    pub crs: Option<&'a RawValue>,
    /// Every other root member (including `geometry`, `properties`, `coordinates` of a
    /// bare Feature or Geometry), raw.
    pub members: Vec<(String, &'a RawValue)>,
    /// When the root is valid JSON but not an object: what it is ("an array" …).
    pub not_object: Option<&'static str>,
}

impl<'de> de::Deserialize<'de> for FeatureList<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FeatureList<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of features")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(f) = seq.next_element::<&'de RawValue>()? {
                    v.push(f);
                }
                Ok(FeatureList::Array(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(FeatureList::NotArray("an object"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(FeatureList::NotArray("null"))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(FeatureList::NotArray("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(FeatureList::NotArray("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(FeatureList::NotArray("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(FeatureList::NotArray("a number"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(FeatureList::NotArray("a string"))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> de::Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TopLevel<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a GeoJSON object (FeatureCollection, Feature or Geometry)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut top = TopLevel::not_an_object(None);
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    match &*k {
                        "type" => {
                            let raw: &RawValue = map.next_value()?;
                            top.type_name = serde_json::from_str::<String>(raw.get()).ok();
                        }
                        "features" => top.features = Some(map.next_value()?),
                        "crs" => top.crs = Some(map.next_value()?),
                        _ => top.members.push((k.into_owned(), map.next_value()?)),
                    }
                }
                Ok(top)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                // Read it through so syntax errors inside are still reported as such.
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TopLevel::not_an_object(Some("an array")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TopLevel::not_an_object(Some("null")))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(TopLevel::not_an_object(Some("a boolean")))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(TopLevel::not_an_object(Some("a number")))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(TopLevel::not_an_object(Some("a number")))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(TopLevel::not_an_object(Some("a number")))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(TopLevel::not_an_object(Some("a string")))
            }
        }
        d.deserialize_any(V)
    }
}

impl TopLevel<'_> {
    fn not_an_object(what: Option<&'static str>) -> Self {
        TopLevel {
            type_name: None,
            features: None,
            crs: None,
            members: Vec::new(),
            not_object: what,
        }
    }
}

/// One position's numbers, or what stood where a number should be.
#[derive(Debug, Clone, PartialEq)]
pub enum CoordTree {
    /// A position: x, y and optionally z (further numbers such as M are dropped).
    Pos {
        /// First number.
        x: f64,
        /// Second number.
        y: f64,
        /// Third number, when present.
        z: Option<f64>,
    },
    /// A nested array of positions (a line, a ring, a polygon …).
    List(Vec<CoordTree>),
    /// A bare number where an array was expected.
    Num(f64),
    /// Something that is not a number or array, described ("text \"abc\"", "null" …).
    Bad(String),
}

impl<'de> de::Deserialize<'de> for CoordTree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CoordVisitor)
    }
}

struct CoordVisitor;

impl<'de> Visitor<'de> for CoordVisitor {
    type Value = CoordTree;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("coordinates")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<CoordTree, E> {
        Ok(CoordTree::Num(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<CoordTree, E> {
        Ok(CoordTree::Num(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<CoordTree, E> {
        Ok(CoordTree::Num(v as f64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<CoordTree, E> {
        let shown: String = v.chars().take(24).collect();
        Ok(CoordTree::Bad(format!("text \"{shown}\"")))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<CoordTree, E> {
        Ok(CoordTree::Bad(format!("{v}")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<CoordTree, E> {
        Ok(CoordTree::Bad("null".into()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CoordTree, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(CoordTree::Bad("an object".into()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CoordTree, A::Error> {
        let Some(first) = seq.next_element::<CoordTree>()? else {
            return Ok(CoordTree::List(Vec::new()));
        };
        if let CoordTree::Num(x) = first {
            // A position: read the rest as numbers.
            let mut nums = [x, f64::NAN, f64::NAN];
            let mut n = 1;
            let mut bad: Option<String> = None;
            while let Some(e) = seq.next_element::<CoordTree>()? {
                match e {
                    CoordTree::Num(v) => {
                        if n < 3 {
                            nums[n] = v;
                        }
                        n += 1;
                    }
                    CoordTree::Bad(b) => {
                        bad.get_or_insert(b);
                        n += 1;
                    }
                    _ => {
                        bad.get_or_insert_with(|| "an array inside a position".into());
                        n += 1;
                    }
                }
            }
            if let Some(b) = bad {
                return Ok(CoordTree::Bad(b));
            }
            if n < 2 {
                return Ok(CoordTree::Bad("a position with only one number".into()));
            }
            return Ok(CoordTree::Pos {
                x: nums[0],
                y: nums[1],
                z: if n >= 3 { Some(nums[2]) } else { None },
            });
        }
        let first_bad = matches!(first, CoordTree::Bad(_));
        let mut items = vec![first];
        while let Some(e) = seq.next_element::<CoordTree>()? {
            items.push(e);
        }
        // `["abc", 30]`: a position whose first number is bad.
        if first_bad
            && items
                .iter()
                .all(|i| matches!(i, CoordTree::Num(_) | CoordTree::Bad(_)))
        {
            return Ok(items.swap_remove(0));
        }
        Ok(CoordTree::List(items))
    }
}

/// A geometry object as written, coordinates not yet checked or converted.
#[derive(Debug, Clone, PartialEq)]
pub struct RawGeometry {
    /// The `type` member (one of [`crate::model::layer::GEOMETRY_TYPE_NAMES`], not a copy
    /// of its own, when the fast parser read it).
    pub type_name: Option<Cow<'static, str>>,
    /// The `coordinates` member.
    pub coordinates: Option<CoordTree>,
    /// The `geometries` member of a GeometryCollection.
    pub geometries: Option<Vec<GeomField>>,
    /// A `crs` member on the geometry, raw JSON.
    pub crs: Option<String>,
    /// Other members (except `bbox`, which is recomputed on writing), raw JSON.
    pub members: Vec<(String, String)>,
}

/// The `geometry` member of a feature.
#[derive(Debug, Clone, PartialEq)]
pub enum GeomField {
    /// `null` (or absent): a record without a location.
    Null,
    /// A geometry object.
    Geom(RawGeometry),
    /// Something that is not an object, described.
    Invalid(String),
}

impl<'de> de::Deserialize<'de> for GeomField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GeomField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a geometry object or null")
            }
            fn visit_unit<E: de::Error>(self) -> Result<GeomField, E> {
                Ok(GeomField::Null)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<GeomField, E> {
                Ok(GeomField::Invalid("a boolean".into()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<GeomField, E> {
                Ok(GeomField::Invalid("a number".into()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<GeomField, E> {
                Ok(GeomField::Invalid("a number".into()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<GeomField, E> {
                Ok(GeomField::Invalid("a number".into()))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<GeomField, E> {
                Ok(GeomField::Invalid("a string".into()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<GeomField, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(GeomField::Invalid("an array".into()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GeomField, A::Error> {
                let mut g = RawGeometry {
                    type_name: None,
                    coordinates: None,
                    geometries: None,
                    crs: None,
                    members: Vec::new(),
                };
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    match &*k {
                        "type" => {
                            let raw: &RawValue = map.next_value()?;
                            g.type_name = Some(Cow::Owned(
                                serde_json::from_str::<String>(raw.get())
                                    .unwrap_or_else(|_| raw.get().to_string()),
                            ));
                        }
                        "coordinates" => g.coordinates = Some(map.next_value()?),
                        "geometries" => {
                            let list: GeometryList = map.next_value()?;
                            g.geometries = Some(list.0);
                        }
                        "crs" => {
                            let raw: &RawValue = map.next_value()?;
                            g.crs = Some(raw.get().to_string());
                        }
                        "bbox" => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        _ => {
                            let raw: &RawValue = map.next_value()?;
                            g.members.push((k.into_owned(), raw.get().to_string()));
                        }
                    }
                }
                Ok(GeomField::Geom(g))
            }
        }
        d.deserialize_any(V)
    }
}

/// The `geometries` of a collection (a non-array gives an empty list).
struct GeometryList(Vec<GeomField>);

impl<'de> de::Deserialize<'de> for GeometryList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GeometryList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of geometries")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<GeometryList, A::Error> {
                let mut v = Vec::new();
                while let Some(g) = seq.next_element::<GeomField>()? {
                    v.push(g);
                }
                Ok(GeometryList(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<GeometryList, E> {
                Ok(GeometryList(vec![GeomField::Invalid(
                    "null geometries".into(),
                )]))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GeometryList, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(GeometryList(vec![GeomField::Invalid(
                    "an object where an array was expected".into(),
                )]))
            }
        }
        d.deserialize_any(V)
    }
}

/// One property value read from a feature: borrowed when it could be, owned when the
/// string had escapes.
#[derive(Debug, Clone, PartialEq)]
pub enum RawProp<'a> {
    /// A value borrowed from the text.
    Value(PropValue<'a>),
    /// A string that had escapes, decoded.
    Owned(String),
}

impl<'a> RawProp<'a> {
    /// The value as a [`PropValue`] borrowing from `self`.
    pub fn as_value(&self) -> PropValue<'_> {
        match self {
            RawProp::Value(v) => *v,
            RawProp::Owned(s) => PropValue::Str(s),
        }
    }
}

/// The `properties` member of a feature.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PropsField<'a> {
    /// Absent or null.
    #[default]
    None,
    /// An object: its members in order.
    Object(Vec<(Cow<'a, str>, RawProp<'a>)>),
    /// Something else, described.
    Invalid(&'static str),
}

impl<'de> de::Deserialize<'de> for PropsField<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PropsField<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a properties object")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(PropsField::None)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    let raw: &'de RawValue = map.next_value()?;
                    let value = match PropValue::from_raw_json(raw.get()) {
                        PropValue::Json(j) if j.starts_with('"') => RawProp::Owned(
                            serde_json::from_str::<String>(j).unwrap_or_else(|_| j.to_string()),
                        ),
                        other => RawProp::Value(other),
                    };
                    v.push((k, value));
                }
                Ok(PropsField::Object(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut any = false;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    any = true;
                }
                Ok(if any {
                    PropsField::Invalid("an array")
                } else {
                    PropsField::None
                })
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(PropsField::Invalid("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(PropsField::Invalid("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(PropsField::Invalid("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(PropsField::Invalid("a number"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(PropsField::Invalid("a string"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A feature as written: id, properties and geometry, not yet checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawFeature<'a> {
    /// The `type` member (borrowed when written without escapes).
    pub type_name: Option<Cow<'a, str>>,
    /// The `id` member, raw JSON.
    pub id: Option<&'a str>,
    /// The properties.
    pub properties: PropsField<'a>,
    /// The geometry (`None` when the member is absent).
    pub geometry: Option<GeomField>,
    /// A `crs` member on the feature, raw JSON.
    pub crs: Option<String>,
    /// Other members, raw JSON.
    pub members: Vec<(String, String)>,
}

/// What the JSON value of one `features` entry was.
#[allow(clippy::large_enum_variant)] // built and consumed one at a time
pub enum FeatureEntry<'a> {
    /// An object: a feature.
    Feature(RawFeature<'a>),
    /// `null` or a non-object, described.
    NotObject(&'static str),
}

impl<'de> de::Deserialize<'de> for FeatureEntry<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FeatureEntry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a feature object")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(FeatureEntry::NotObject("null"))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(FeatureEntry::NotObject("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(FeatureEntry::NotObject("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(FeatureEntry::NotObject("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(FeatureEntry::NotObject("a number"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(FeatureEntry::NotObject("a string"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(FeatureEntry::NotObject("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut f = RawFeature::default();
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    match &*k {
                        "type" => {
                            let raw: &RawValue = map.next_value()?;
                            f.type_name = Some(match raw.get() {
                                r#""Feature""# => Cow::Borrowed("Feature"),
                                other => Cow::Owned(
                                    serde_json::from_str::<String>(other)
                                        .unwrap_or_else(|_| other.to_string()),
                                ),
                            });
                        }
                        "id" => {
                            let raw: &'de RawValue = map.next_value()?;
                            f.id = Some(raw.get());
                        }
                        "properties" => f.properties = map.next_value()?,
                        "geometry" => f.geometry = Some(map.next_value()?),
                        "crs" => {
                            let raw: &RawValue = map.next_value()?;
                            f.crs = Some(raw.get().to_string());
                        }
                        "bbox" => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        _ => {
                            let raw: &RawValue = map.next_value()?;
                            f.members.push((k.into_owned(), raw.get().to_string()));
                        }
                    }
                }
                Ok(FeatureEntry::Feature(f))
            }
        }
        d.deserialize_any(V)
    }
}

/// What the streaming scanner found next in a FeatureCollection's root object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanEvent {
    /// A root member other than `features`: its key and raw value (both as written).
    Member {
        /// The key, without quotes (keys with escapes are not scanned: see `Unsupported`).
        key: String,
        /// The raw JSON text of its value.
        value: String,
    },
    /// One entry of the `features` array: its byte range in the scanner's buffer.
    Feature(std::ops::Range<usize>),
    /// The root object ended (only whitespace may follow).
    End,
    /// More bytes are needed to go on.
    NeedMore,
    /// Something the fast scanner does not handle (or invalid JSON): use the full
    /// parser, which reports errors exactly.
    Unsupported,
}

/// A forgiving, incremental scanner of a GeoJSON FeatureCollection's root that splits
/// the `features` array into entries without parsing them, so a big file can be read
/// in blocks and its features parsed in parallel. It checks the structure between
/// entries (quotes, escapes, brackets, commas); each entry is then parsed (and so
/// validated) by serde. Anything unusual gives [`ScanEvent::Unsupported`] and the
/// caller falls back to the full parser.
#[derive(Debug, Default)]
pub struct RootScanner {
    state: ScanState,
    /// Set once a `features` member was seen.
    pub seen_features: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum ScanState {
    #[default]
    Start,
    /// Before a member (or `}`), after `{` or `,`.
    MemberOrEnd {
        first: bool,
    },
    /// After a member value: `,` or `}`.
    AfterMember,
    /// Inside `features`: before an entry (or `]` when `first`).
    EntryOrEnd {
        first: bool,
    },
    /// After an entry: `,` or `]`.
    AfterEntry,
    Done,
}

pub(super) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end (exclusive) of the JSON string starting at `b[i] == '"'`; `None` when the
/// buffer ends first. `escaped` tells whether it had backslashes.
fn scan_string(b: &[u8], i: usize) -> Option<(usize, bool)> {
    let mut j = i + 1;
    let mut escaped = false;
    // Most keys and values are short: look at a few bytes before calling memchr.
    let quick_end = (j + 24).min(b.len());
    while j < quick_end {
        match b[j] {
            b'"' => return Some((j + 1, escaped)),
            b'\\' => {
                escaped = true;
                j += 2;
            }
            _ => j += 1,
        }
    }
    if j > b.len() {
        return None;
    }
    loop {
        let k = memchr::memchr2(b'"', b'\\', &b[j..])? + j;
        if b[k] == b'\\' {
            escaped = true;
            j = k + 2;
            if j > b.len() {
                return None;
            }
        } else {
            return Some((k + 1, escaped));
        }
    }
}

/// The end (exclusive) of the JSON value starting at `b[i]`. `Ok(None)`: the buffer
/// ends first; `Err(())`: not a value this scanner accepts.
pub(super) fn scan_value(b: &[u8], i: usize) -> Result<Option<usize>, ()> {
    match b.get(i) {
        None => Ok(None),
        Some(b'"') => Ok(scan_string(b, i).map(|(e, _)| e)),
        Some(b'{') | Some(b'[') => {
            // One pass over the bytes: only quotes, backslashes and brackets matter.
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => match scan_string(b, j) {
                        Some((e, _)) => {
                            j = e;
                            continue;
                        }
                        None => return Ok(None),
                    },
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(Some(j + 1));
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            Ok(None)
        }
        Some(c) if c.is_ascii_digit() || matches!(c, b'-' | b't' | b'f' | b'n') => {
            let mut j = i;
            while j < b.len()
                && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'-' | b'+' | b'.'))
            {
                j += 1;
            }
            // A scalar may continue in the next block.
            Ok((j < b.len()).then_some(j))
        }
        Some(_) => Err(()),
    }
}

impl RootScanner {
    /// A scanner at the start of a document.
    pub fn new() -> RootScanner {
        RootScanner::default()
    }

    /// Where the next entry of the `features` array starts, when the scanner stands
    /// between two entries (after one, before or past its comma) and `buf` holds the
    /// start of the next; `None` anywhere else (before the first entry, at the array's
    /// end, outside it).
    pub fn next_entry_start(&self, buf: &[u8], pos: usize) -> Option<usize> {
        let i = match self.state {
            ScanState::AfterEntry => {
                let c = skip_ws(buf, pos);
                (buf.get(c) == Some(&b',')).then_some(c + 1)?
            }
            ScanState::EntryOrEnd { first: false } => pos,
            _ => return None,
        };
        let i = skip_ws(buf, i);
        (i < buf.len() && buf[i] != b']').then_some(i)
    }

    /// Puts the scanner before an entry that follows a comma: the caller consumed the
    /// entries up to it on its own (see [`RootScanner::next_entry_start`]).
    pub fn before_entry(&mut self) {
        self.state = ScanState::EntryOrEnd { first: false };
    }

    /// Scans `buf` from `*pos`, advancing `*pos` past what it consumed. `eof` says
    /// whether `buf` holds the rest of the file.
    pub fn next(&mut self, buf: &[u8], pos: &mut usize, eof: bool) -> ScanEvent {
        loop {
            let i = skip_ws(buf, *pos);
            if i >= buf.len() {
                *pos = i;
                return match (self.state, eof) {
                    (ScanState::Done, true) => ScanEvent::End,
                    (_, true) => ScanEvent::Unsupported,
                    _ => ScanEvent::NeedMore,
                };
            }
            let c = buf[i];
            match self.state {
                ScanState::Start => {
                    if c != b'{' {
                        return ScanEvent::Unsupported;
                    }
                    *pos = i + 1;
                    self.state = ScanState::MemberOrEnd { first: true };
                }
                ScanState::MemberOrEnd { first } => {
                    if c == b'}' && first {
                        *pos = i + 1;
                        self.state = ScanState::Done;
                        continue;
                    }
                    if c != b'"' {
                        return ScanEvent::Unsupported;
                    }
                    let Some((kend, escaped)) = scan_string(buf, i) else {
                        return if eof {
                            ScanEvent::Unsupported
                        } else {
                            ScanEvent::NeedMore
                        };
                    };
                    if escaped {
                        return ScanEvent::Unsupported;
                    }
                    let colon = skip_ws(buf, kend);
                    if colon >= buf.len() {
                        return if eof {
                            ScanEvent::Unsupported
                        } else {
                            ScanEvent::NeedMore
                        };
                    }
                    if buf[colon] != b':' {
                        return ScanEvent::Unsupported;
                    }
                    let v = skip_ws(buf, colon + 1);
                    if v >= buf.len() {
                        return if eof {
                            ScanEvent::Unsupported
                        } else {
                            ScanEvent::NeedMore
                        };
                    }
                    let Ok(key) = std::str::from_utf8(&buf[i + 1..kend - 1]) else {
                        return ScanEvent::Unsupported;
                    };
                    if key == "features" {
                        if self.seen_features || buf[v] != b'[' {
                            return ScanEvent::Unsupported;
                        }
                        self.seen_features = true;
                        *pos = v + 1;
                        self.state = ScanState::EntryOrEnd { first: true };
                        continue;
                    }
                    let key = key.to_string();
                    match scan_value(buf, v) {
                        Err(()) => return ScanEvent::Unsupported,
                        Ok(None) => {
                            return if eof {
                                ScanEvent::Unsupported
                            } else {
                                ScanEvent::NeedMore
                            };
                        }
                        Ok(Some(end)) => {
                            let Ok(value) = std::str::from_utf8(&buf[v..end]) else {
                                return ScanEvent::Unsupported;
                            };
                            *pos = end;
                            self.state = ScanState::AfterMember;
                            return ScanEvent::Member {
                                key,
                                value: value.to_string(),
                            };
                        }
                    }
                }
                ScanState::AfterMember => {
                    *pos = i + 1;
                    self.state = match c {
                        b',' => ScanState::MemberOrEnd { first: false },
                        b'}' => ScanState::Done,
                        _ => return ScanEvent::Unsupported,
                    };
                }
                ScanState::EntryOrEnd { first } => {
                    if c == b']' && first {
                        *pos = i + 1;
                        self.state = ScanState::AfterMember;
                        continue;
                    }
                    match scan_value(buf, i) {
                        Err(()) => return ScanEvent::Unsupported,
                        Ok(None) => {
                            return if eof {
                                ScanEvent::Unsupported
                            } else {
                                ScanEvent::NeedMore
                            };
                        }
                        Ok(Some(end)) => {
                            *pos = end;
                            self.state = ScanState::AfterEntry;
                            return ScanEvent::Feature(i..end);
                        }
                    }
                }
                ScanState::AfterEntry => {
                    *pos = i + 1;
                    self.state = match c {
                        b',' => ScanState::EntryOrEnd { first: false },
                        b']' => ScanState::AfterMember,
                        _ => return ScanEvent::Unsupported,
                    };
                }
                ScanState::Done => return ScanEvent::Unsupported,
            }
        }
    }
}

/// Where in the text an error happened: byte offset, line and column (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextPosition {
    /// Byte offset from the start of the decoded text.
    pub byte: usize,
    /// Line, 1-based.
    pub line: usize,
    /// Column (in bytes), 1-based.
    pub column: usize,
}

/// The byte offset of serde_json's line/column in `text`.
pub fn position_of(text: &str, line: usize, column: usize) -> TextPosition {
    let mut offset = 0;
    if line > 1 {
        let mut seen = 1;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == line {
                    offset = i + 1;
                    break;
                }
            }
        }
    }
    TextPosition {
        byte: (offset + column.saturating_sub(1)).min(text.len()),
        line,
        column,
    }
}

/// The line and column (1-based) of a byte offset in `text`.
pub fn position_of_byte(text: &str, byte: usize) -> TextPosition {
    let byte = byte.min(text.len());
    let before = &text.as_bytes()[..byte];
    let line = 1 + before.iter().filter(|b| **b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    TextPosition {
        byte,
        line,
        column: byte - line_start + 1,
    }
}

/// Which parser reads each feature's text. Both give the same features and problems;
/// [`JsonParser::Serde`] is there to prove it (tests, benchmarks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonParser {
    /// The hand-written parser for the common feature shape
    /// ([`super::json_fast`]), serde for any feature it does not take.
    #[default]
    Fast,
    /// serde for every feature.
    Serde,
}

/// Whether the hand-written fast path reads this feature's text (the others go through
/// serde): for tests and benchmarks that must know which path a feature took.
pub fn takes_fast_path(raw: &str) -> bool {
    super::json_fast::parse_feature(raw).is_some()
}

/// Parses one feature's raw text (fast path first, serde for anything unusual).
pub fn parse_feature(raw: &str) -> Result<FeatureEntry<'_>, serde_json::Error> {
    parse_feature_with(raw, JsonParser::Fast)
}

/// Parses one feature's raw text with the chosen parser.
pub fn parse_feature_with(
    raw: &str,
    parser: JsonParser,
) -> Result<FeatureEntry<'_>, serde_json::Error> {
    if parser == JsonParser::Fast
        && let Some(f) = super::json_fast::parse_feature(raw)
    {
        return Ok(FeatureEntry::Feature(f));
    }
    serde_json::from_str(raw)
}

/// Parses a bare geometry's raw text.
pub fn parse_geometry(raw: &str) -> Result<GeomField, serde_json::Error> {
    serde_json::from_str(raw)
}

/// Reads the root of a document.
pub fn parse_top_level(text: &str) -> Result<TopLevel<'_>, serde_json::Error> {
    serde_json::from_str(text)
}

/// Reads a legacy `crs` member (`{"type":"name","properties":{"name":"EPSG:4490"}}`, or
/// the older `{"type":"EPSG","properties":{"code":4490}}` and `"EPSG:4490"` shorthand)
/// and returns the CRS name it gives. `Err` describes a malformed member.
pub fn crs_member_name(raw: &str) -> Result<Option<String>, String> {
    let v: serde_json::Value = serde_json::from_str(raw).map_err(|e| e.to_string())?;
    match &v {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) => Ok(Some(s.clone())),
        serde_json::Value::Object(o) => {
            let props = o.get("properties").and_then(|p| p.as_object());
            let kind = o.get("type").and_then(|t| t.as_str()).unwrap_or("");
            if let Some(p) = props {
                if let Some(name) = p.get("name").and_then(|n| n.as_str()) {
                    return Ok(Some(name.to_string()));
                }
                if let Some(code) = p.get("code") {
                    if let Some(c) = code.as_u64() {
                        return Ok(Some(format!("EPSG:{c}")));
                    }
                    if let Some(c) = code.as_str() {
                        return Ok(Some(format!("EPSG:{c}")));
                    }
                }
                if let Some(urn) = p.get("urn").and_then(|n| n.as_str()) {
                    return Ok(Some(urn.to_string()));
                }
                if let Some(href) = p.get("href").and_then(|n| n.as_str()) {
                    return Err(format!("linked crs \"{href}\" cannot be followed"));
                }
            }
            Err(format!(
                "crs member of type \"{kind}\" names no CRS: {}",
                short(raw)
            ))
        }
        _ => Err(format!("crs member is not an object: {}", short(raw))),
    }
}

fn short(raw: &str) -> String {
    let s: String = raw.chars().take(80).collect();
    if s.len() < raw.len() {
        format!("{s}…")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_in_any_order() {
        let t = r#"{"crs":{"type":"name","properties":{"name":"EPSG:4490"}},"features":[{"type":"Feature"},null],"type":"FeatureCollection","name":"x"}"#;
        let top = parse_top_level(t).unwrap();
        assert_eq!(top.type_name.as_deref(), Some("FeatureCollection"));
        match top.features {
            Some(FeatureList::Array(v)) => assert_eq!(v.len(), 2),
            _ => panic!(),
        }
        assert_eq!(
            crs_member_name(top.crs.unwrap().get()).unwrap().as_deref(),
            Some("EPSG:4490")
        );
        assert_eq!(top.members[0].0, "name");
    }

    #[test]
    fn coordinates_keep_bad_values() {
        let g = parse_geometry(r#"{"type":"Point","coordinates":["abc", 2]}"#).unwrap();
        match g {
            GeomField::Geom(g) => assert!(matches!(g.coordinates, Some(CoordTree::Bad(_)))),
            _ => panic!(),
        }
        let g = parse_geometry(r#"{"type":"Point","coordinates":[1, 2, 3, 4]}"#).unwrap();
        match g {
            GeomField::Geom(g) => assert_eq!(
                g.coordinates,
                Some(CoordTree::Pos {
                    x: 1.0,
                    y: 2.0,
                    z: Some(3.0)
                })
            ),
            _ => panic!(),
        }
    }

    #[test]
    fn properties_are_typed_and_escapes_decoded() {
        let f = parse_feature(r#"{"type":"Feature","id":7,"properties":{"名称":"荆州\"五方\"","n":3,"o":{"a":1}},"geometry":null,"extra":true}"#).unwrap();
        let FeatureEntry::Feature(f) = f else {
            panic!()
        };
        assert_eq!(f.id, Some("7"));
        let PropsField::Object(p) = &f.properties else {
            panic!()
        };
        assert_eq!(p[0].1.as_value(), PropValue::Str("荆州\"五方\""));
        assert_eq!(p[1].1.as_value(), PropValue::Int(3));
        assert_eq!(p[2].1.as_value(), PropValue::Json("{\"a\":1}"));
        assert_eq!(f.geometry, Some(GeomField::Null));
        assert_eq!(f.members, vec![("extra".to_string(), "true".to_string())]);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        // The top level skips without recursion (valid JSON, but not an object);
        // parsing as coordinates hits the recursion limit.
        assert_eq!(parse_top_level(&deep).unwrap().not_object, Some("an array"));
        let unclosed = "[".repeat(100_000);
        assert!(parse_top_level(&unclosed).is_err());
        let g = format!(
            r#"{{"type":"Point","coordinates":{}1{}}}"#,
            "[".repeat(300),
            "]".repeat(300)
        );
        assert!(parse_geometry(&g).is_err());
    }

    #[test]
    fn malformed_crs_members_are_described() {
        assert!(crs_member_name(r#"{"type":"name"}"#).is_err());
        assert!(crs_member_name(r#"{"type":"name","properties":1}"#).is_err());
        assert_eq!(crs_member_name("null").unwrap(), None);
        assert_eq!(
            crs_member_name(r#"{"type":"EPSG","properties":{"code":32631}}"#)
                .unwrap()
                .as_deref(),
            Some("EPSG:32631")
        );
        assert!(crs_member_name(r#"{"type":"link","properties":{"href":"x"}}"#).is_err());
    }

    /// Root members and feature texts found by the scanner.
    type Scanned = (Vec<(String, String)>, Vec<String>);

    /// Scans a document fed in blocks of `step` bytes, like the streaming reader.
    fn scan_all(doc: &str, step: usize) -> Result<Scanned, ()> {
        let bytes = doc.as_bytes();
        let mut sc = RootScanner::new();
        let (mut buf, mut pos, mut fed) = (Vec::new(), 0usize, 0usize);
        let (mut members, mut feats) = (Vec::new(), Vec::new());
        loop {
            let eof = fed >= bytes.len();
            match sc.next(&buf, &mut pos, eof) {
                ScanEvent::Member { key, value } => members.push((key, value)),
                ScanEvent::Feature(r) => feats.push(String::from_utf8(buf[r].to_vec()).unwrap()),
                ScanEvent::End => return Ok((members, feats)),
                ScanEvent::Unsupported => return Err(()),
                ScanEvent::NeedMore => {
                    buf.drain(..pos);
                    pos = 0;
                    let end = (fed + step).min(bytes.len());
                    buf.extend_from_slice(&bytes[fed..end]);
                    fed = end;
                }
            }
        }
    }

    #[test]
    fn root_scanner_splits_features_across_blocks() {
        let doc = r#" {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4490"}},
          "features":[{"type":"Feature","properties":{"s":"a]}\"\\","n":-1.5e3},"geometry":{"type":"Point","coordinates":[1,2]}} ,
          null, {"type":"Feature","properties":{},"geometry":null}],"name":"x","n":12 }
        "#;
        for step in [1, 2, 3, 7, 64, 10_000] {
            let (m, f) = scan_all(doc, step).unwrap();
            assert_eq!(m.len(), 4, "{step}");
            assert_eq!(
                m[0],
                ("type".to_string(), "\"FeatureCollection\"".to_string())
            );
            assert_eq!(m[2], ("name".to_string(), "\"x\"".to_string()));
            assert_eq!(m[3], ("n".to_string(), "12".to_string()));
            assert_eq!(f.len(), 3);
            assert_eq!(f[1], "null");
            assert!(f[0].ends_with("}}") && f[0].contains(r#""a]}\"\\""#));
        }
    }

    #[test]
    fn root_scanner_gives_up_on_what_it_does_not_handle() {
        for bad in [
            r#"{"features":[{}],}"#,
            r#"{"features":[{},]}"#,
            r#"{"features":[{}]} x"#,
            r#"{"features":[{}]"#,
            r#"{"features":{}}"#,
            r#"{"fea\u0074ures":[]}"#,
            r#"[{"features":[]}]"#,
            r#"{"features":[],"features":[]}"#,
        ] {
            assert!(scan_all(bad, 5).is_err(), "{bad}");
        }
        assert!(scan_all(r#"{"features":[]}"#, 3).is_ok());
    }

    #[test]
    fn positions_map_to_bytes() {
        let t = "ab\ncde\nf";
        assert_eq!(position_of(t, 2, 2).byte, 4);
        assert_eq!(position_of(t, 1, 1).byte, 0);
    }
}
