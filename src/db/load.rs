//! Reading a park from the team database as layers, the way a folder with its manifest
//! opens: the catalogue gives each layer's name, role and field mapping; the rows give
//! ids, geometries (WKB, read with the `wkb` crate) and properties (in the column
//! order the park was pushed with). Everything is read in one repeatable-read
//! snapshot, and each feature keeps its row key and version ([`RowVersion`]) for the
//! next save; [`DbPark`] remembers what was loaded, to tell later what the planner
//! changed and what others changed.

use std::collections::HashMap;

use geo_traits::to_geo::ToGeoGeometry;
use postgres::fallible_iterator::FallibleIterator;
use serde_json::value::RawValue;

use super::schema::{self, ident};
use super::{DbError, DbUrl};
use crate::crs::{Crs, CrsDecision};
use crate::model::{
    FeatureExtras, FeatureId, Field, FieldMap, GeomFamily, Layer, LayerSource, Park, PropValue,
    Role, RowVersion,
};

/// A layer of a park opened from the database.
#[derive(Debug, Clone, PartialEq)]
pub struct DbLayer {
    /// The layer's name.
    pub name: String,
    /// Its table in the `parkplan` schema.
    pub table: String,
    /// Each loaded row: key → (version, fingerprint of its content as loaded).
    pub loaded: HashMap<i64, (i64, u64)>,
}

/// A park opened from the database: where from, its layers' tables (in the order of
/// the park's layers), the last change-log entry seen, and whether the connected role
/// may write.
#[derive(Debug, Clone)]
pub struct DbPark {
    /// The database (no password).
    pub url: DbUrl,
    /// The park's name.
    pub park: String,
    /// Its layers, index for index with the park's.
    pub layers: Vec<DbLayer>,
    /// The newest change-log entry included in what was loaded or pulled.
    pub last_change: i64,
    /// Why this connection may not write (a viewer), shown to the planner.
    pub read_only: Option<String>,
}

/// One catalogue row.
struct CatalogueLayer {
    name: String,
    table: String,
    role: Role,
    role_reason: String,
    fields: FieldMap,
    columns: Vec<String>,
    document_members: Vec<(String, String)>,
    part: Option<GeomFamily>,
}

/// Opens the park the URL names: its layers (typed records not yet built: call
/// `park.rebuild_records()` or `import::build_records`) and what was loaded.
pub fn open_park(client: &mut postgres::Client, url: &DbUrl) -> Result<(Park, DbPark), DbError> {
    let name = url.park_name()?.to_string();
    schema::check(client)?;
    let mut tx = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| DbError::sql("starting to read the park", &e))?;
    let exists = schema::park_exists(&mut tx, &name)?;
    if !exists {
        let known: Vec<String> = tx
            .query("SELECT name FROM parkplan.parks ORDER BY name", &[])
            .map_err(|e| DbError::sql("listing parks", &e))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        return Err(DbError::NoSuchPark {
            park: name,
            known: if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            },
        });
    }
    let last_change: i64 = tx
        .query_one(
            "SELECT coalesce(max(id), 0) FROM parkplan.changes WHERE park = $1",
            &[&name],
        )
        .map_err(|e| DbError::sql("reading the change log", &e))?
        .get(0);
    let catalogue = read_catalogue(&mut tx, &name)?;
    let mut layers = Vec::with_capacity(catalogue.len());
    let mut db_layers = Vec::with_capacity(catalogue.len());
    for c in catalogue {
        let (layer, db) = read_layer(&mut tx, c)?;
        layers.push(layer);
        db_layers.push(db);
    }
    tx.commit()
        .map_err(|e| DbError::sql("finishing the read", &e))?;
    let tables: Vec<String> = db_layers.iter().map(|l| l.table.clone()).collect();
    let read_only = super::write_refusal(client, &tables)?;
    let park = Park {
        name: name.clone(),
        layers,
        ..Park::default()
    };
    Ok((
        park,
        DbPark {
            url: url.clone(),
            park: name,
            layers: db_layers,
            last_change,
            read_only,
        },
    ))
}

fn read_catalogue(
    tx: &mut postgres::Transaction<'_>,
    park: &str,
) -> Result<Vec<CatalogueLayer>, DbError> {
    let rows = tx
        .query(
            "SELECT name, table_name, role, role_reason, fields, columns, document_members, part \
             FROM parkplan.layers WHERE park = $1 ORDER BY ord",
            &[&park],
        )
        .map_err(|e| DbError::sql("reading the layer catalogue", &e))?;
    rows.iter()
        .map(|r| {
            let name: String = r.get(0);
            let role_code: String = r.get(2);
            let fields_json: serde_json::Value = r.get(4);
            let mut fields = FieldMap::new();
            if let serde_json::Value::Object(map) = fields_json {
                for (k, v) in map {
                    if let (Some(f), Some(p)) = (Field::from_code(&k), v.as_str()) {
                        fields.insert(f, p.to_string());
                    }
                }
            }
            let members: serde_json::Value = r.get(6);
            let document_members = serde_json::from_value(members).unwrap_or_default();
            let part: Option<String> = r.get(7);
            Ok(CatalogueLayer {
                role: Role::parse(&role_code).ok_or_else(|| DbError::Feature {
                    layer: name.clone(),
                    feature: "-".into(),
                    message: format!("the catalogue names an unknown role \"{role_code}\""),
                })?,
                name,
                table: r.get(1),
                role_reason: r.get(3),
                fields,
                columns: r.get(5),
                document_members,
                part: part.as_deref().and_then(GeomFamily::parse),
            })
        })
        .collect()
}

/// The CRS decision of a database layer: CGCS2000 lon/lat, declared by the column type.
pub fn db_crs() -> CrsDecision {
    CrsDecision {
        crs: Crs::CGCS2000,
        axis_swapped: false,
        reason: "team database column (EPSG:4490)".into(),
        guessed: false,
        shift: None,
    }
}

/// The SELECT list of a feature row, shared by loading, conflicts and pulls.
pub(crate) const ROW_COLUMNS: &str =
    "fid, version, feature_id::text, ST_AsBinary(geom), properties::text, updated_by";

/// One row as read.
#[derive(Debug, Clone)]
pub(crate) struct RawRow {
    pub fid: i64,
    pub version: i64,
    pub id: Option<String>,
    pub wkb: Option<Vec<u8>>,
    pub properties: String,
    pub updated_by: String,
}

impl RawRow {
    pub(crate) fn from_row(r: &postgres::Row) -> RawRow {
        RawRow {
            fid: r.get(0),
            version: r.get(1),
            id: r.get(2),
            wkb: r.get(3),
            properties: r.get(4),
            updated_by: r.get(5),
        }
    }
}

/// A property as the model keeps it (escaped strings decoded into `buf`).
fn prop<'a>(raw: &'a str, buf: &'a mut String) -> PropValue<'a> {
    match PropValue::from_raw_json(raw) {
        PropValue::Json(j) if j.starts_with('"') => match serde_json::from_str::<String>(j) {
            Ok(s) => {
                *buf = s;
                PropValue::Str(buf)
            }
            Err(_) => PropValue::Json(j),
        },
        v => v,
    }
}

/// Decodes a geometry read as WKB.
pub(crate) fn geometry(
    layer: &str,
    fid: i64,
    wkb: &[u8],
) -> Result<Option<geo::Geometry<f64>>, DbError> {
    let g = wkb::reader::read_wkb(wkb).map_err(|e| DbError::Feature {
        layer: layer.to_string(),
        feature: format!("row {fid}"),
        message: format!("unreadable geometry: {e}"),
    })?;
    Ok(g.try_to_geometry())
}

/// Appends a row to a layer: id, geometry, properties (catalogue columns first, in
/// their order, then any new ones by name) and its row version.
pub(crate) fn append_row(
    layer: &mut Layer,
    columns: &[String],
    row: &RawRow,
) -> Result<(), DbError> {
    let bad = |message: String| DbError::Feature {
        layer: layer.name.clone(),
        feature: format!("row {}", row.fid),
        message,
    };
    let id = match &row.id {
        Some(text) => Some(
            serde_json::from_str::<FeatureId>(text)
                .map_err(|e| bad(format!("unreadable feature id {text}: {e}")))?,
        ),
        None => None,
    };
    let geometry = match &row.wkb {
        Some(w) => geometry(&layer.name, row.fid, w)?,
        None => None,
    };
    let mut props: HashMap<&str, &RawValue> = serde_json::from_str(&row.properties)
        .map_err(|e| bad(format!("unreadable properties: {e}")))?;
    let index = layer.geometries.len();
    layer.ids.push(id);
    layer.geometries.push(geometry);
    let table = &mut layer.attributes;
    table.begin_row();
    let mut buf = String::new();
    for c in columns {
        if let Some(raw) = props.remove(c.as_str()) {
            table.set(c, prop(raw.get(), &mut buf));
        }
    }
    let mut rest: Vec<(&str, &RawValue)> = props.into_iter().collect();
    rest.sort_by_key(|(k, _)| *k);
    for (k, raw) in rest {
        table.set(k, prop(raw.get(), &mut buf));
    }
    table.end_row();
    layer.extras.insert(
        index,
        FeatureExtras {
            row: Some(RowVersion {
                fid: row.fid,
                version: row.version,
            }),
            ..FeatureExtras::default()
        },
    );
    Ok(())
}

fn read_layer(
    tx: &mut postgres::Transaction<'_>,
    c: CatalogueLayer,
) -> Result<(Layer, DbLayer), DbError> {
    let mut layer = Layer {
        name: c.name.clone(),
        role: c.role,
        role_reason: c.role_reason,
        source: LayerSource {
            crs: Some(db_crs()),
            part: c.part,
            ..LayerSource::default()
        },
        fields: c.fields,
        document_members: c.document_members,
        ..Layer::default()
    };
    let doing = format!("reading layer \"{}\"", c.name);
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM parkplan.{} ORDER BY fid",
        ident(&c.table)
    );
    let mut rows = tx
        .query_raw(&sql, std::iter::empty::<i32>())
        .map_err(|e| DbError::sql(&doing, &e))?;
    let mut loaded = HashMap::new();
    let mut scratch = Vec::new();
    while let Some(r) = rows.next().map_err(|e| DbError::sql(&doing, &e))? {
        let raw = RawRow::from_row(&r);
        append_row(&mut layer, &c.columns, &raw)?;
        let index = layer.len() - 1;
        loaded.insert(
            raw.fid,
            (
                raw.version,
                super::save::row_hash(&layer, index, &mut scratch),
            ),
        );
    }
    Ok((
        layer,
        DbLayer {
            name: c.name,
            table: c.table,
            loaded,
        },
    ))
}
