//! Pushing a park's layers into the team database: one transaction, a table per layer
//! filled with binary COPY (the fastest way into PostgreSQL), the catalogue rows that
//! let the park open like a folder with its manifest, and one `push` entry in the
//! change log (not one per row).

use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use super::DbError;
use super::schema::{self, ident, layer_table_sql, layer_trigger_sql};
use crate::model::{Layer, Park};

/// EPSG code of the geometry columns: CGCS2000 lon/lat.
pub const SRID: u32 = 4490;

/// A geometry as EWKB (little-endian WKB written by the `wkb` crate, with the SRID
/// flag and the SRID put into its header), for PostGIS' binary input.
#[derive(Debug)]
pub(crate) struct Ewkb(pub Vec<u8>);

/// Appends a geometry as little-endian WKB (the `wkb` crate's writer).
pub(crate) fn write_wkb(out: &mut Vec<u8>, g: &geo::Geometry<f64>) -> Result<(), String> {
    wkb::writer::write_geometry(
        out,
        g,
        &wkb::writer::WriteOptions {
            endianness: wkb::Endianness::LittleEndian,
        },
    )
    .map_err(|e| e.to_string())
}

/// A layer's property names in column order.
pub(crate) fn column_names(layer: &Layer) -> Vec<String> {
    layer.attributes.column_names()
}

impl Ewkb {
    /// Encodes a geometry.
    pub(crate) fn of(g: &geo::Geometry<f64>) -> Result<Ewkb, String> {
        let mut wkb = Vec::with_capacity(64);
        write_wkb(&mut wkb, g)?;
        if wkb.len() < 5 {
            return Err("the WKB writer gave a truncated geometry".into());
        }
        // EWKB: type |= 0x20000000 (has SRID), then the SRID after the type.
        let ty = u32::from_le_bytes([wkb[1], wkb[2], wkb[3], wkb[4]]) | 0x2000_0000;
        let mut out = Vec::with_capacity(wkb.len() + 4);
        out.push(wkb[0]);
        out.extend_from_slice(&ty.to_le_bytes());
        out.extend_from_slice(&SRID.to_le_bytes());
        out.extend_from_slice(&wkb[5..]);
        Ok(Ewkb(out))
    }
}

impl ToSql for Ewkb {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        out.extend_from_slice(&self.0);
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        ty.name() == "geometry"
    }

    to_sql_checked!();
}

/// JSON text sent as JSONB (format version 1 followed by the text), without building a
/// `serde_json::Value` first.
#[derive(Debug)]
pub(crate) struct JsonText(pub String);

impl ToSql for JsonText {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        out.extend_from_slice(&[1]);
        out.extend_from_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSONB
    }

    to_sql_checked!();
}

/// A row's properties as a JSON object text, in column order, every value exact.
pub(crate) fn properties_json(layer: &Layer, row: usize) -> String {
    let mut out = String::with_capacity(128);
    out.push('{');
    for (k, v) in layer.attributes.row(row) {
        if let Some(text) = v.to_json_text() {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(k).unwrap_or_else(|_| "\"\"".into()));
            out.push(':');
            out.push_str(&text);
        }
    }
    out.push('}');
    out
}

/// A row's `id` member as JSON text.
pub(crate) fn id_json(layer: &Layer, row: usize) -> Option<JsonText> {
    let id = layer.ids.get(row)?.as_ref()?;
    serde_json::to_string(id).ok().map(JsonText)
}

/// The geometry type of the connected database (PostGIS' `geometry`).
pub(crate) fn geometry_type(client: &mut impl postgres::GenericClient) -> Result<Type, DbError> {
    let stmt = client
        .prepare("SELECT NULL::geometry")
        .map_err(|e| DbError::sql("looking up PostGIS' geometry type", &e))?;
    Ok(stmt.columns()[0].type_().clone())
}

/// What a push wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PushStats {
    /// Layers (tables) written.
    pub layers: usize,
    /// Features (rows) written.
    pub features: usize,
}

/// Uploads a park's layers as the park `name`, in one transaction: if anything fails
/// nothing is left behind. A park of that name is an error unless `replace`, which
/// drops it first (in the same transaction).
pub fn push_park(
    client: &mut postgres::Client,
    name: &str,
    park: &Park,
    replace: bool,
) -> Result<PushStats, DbError> {
    schema::check(client)?;
    let mut tx = client
        .transaction()
        .map_err(|e| DbError::sql("starting the push", &e))?;
    let exists = schema::park_exists(&mut tx, name)?;
    if exists {
        if !replace {
            return Err(DbError::ParkExists { park: name.into() });
        }
        let tables: Vec<String> = tx
            .query(
                "SELECT table_name FROM parkplan.layers WHERE park = $1",
                &[&name],
            )
            .map_err(|e| DbError::sql("listing the park's layers", &e))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for t in tables {
            tx.batch_execute(&format!("DROP TABLE IF EXISTS parkplan.{}", ident(&t)))
                .map_err(|e| DbError::sql(format!("dropping the old table {t}"), &e))?;
        }
        tx.execute("DELETE FROM parkplan.parks WHERE name = $1", &[&name])
            .map_err(|e| DbError::sql("removing the old park", &e))?;
    }
    tx.execute("INSERT INTO parkplan.parks (name) VALUES ($1)", &[&name])
        .map_err(|e| DbError::sql("adding the park", &e))?;
    let geom_ty = geometry_type(&mut tx)?;
    let mut stats = PushStats::default();
    for (ord, layer) in park.layers.iter().enumerate() {
        let n: i64 = tx
            .query_one("SELECT nextval('parkplan.layer_numbers')", &[])
            .map_err(|e| DbError::sql("numbering the layer table", &e))?
            .get(0);
        let table = format!("layer_{n}");
        let doing = |what: &str| format!("layer \"{}\": {what}", layer.name);
        // By each field's stable code (what `Field::from_code` reads back).
        let fields: serde_json::Map<String, serde_json::Value> = layer
            .fields
            .iter()
            .map(|(f, p)| (f.code().to_string(), serde_json::Value::String(p.clone())))
            .collect();
        let fields = serde_json::Value::Object(fields);
        let columns = column_names(layer);
        let members = serde_json::to_value(&layer.document_members).unwrap_or_default();
        tx.execute(
            "INSERT INTO parkplan.layers (park, ord, name, table_name, role, role_reason, fields, columns, document_members, part) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                &name,
                &(ord as i32),
                &layer.name,
                &table,
                &layer.role.code(),
                &layer.role_reason,
                &fields,
                &columns,
                &members,
                &layer.source.part.map(|p| p.code()),
            ],
        )
        .map_err(|e| DbError::sql(doing("adding it to the catalogue"), &e))?;
        tx.batch_execute(&layer_table_sql(&table, layer))
            .map_err(|e| DbError::sql(doing("creating its table"), &e))?;
        let sink = tx
            .copy_in(&format!(
                "COPY parkplan.{} (fid, feature_id, geom, properties) FROM STDIN (FORMAT binary)",
                ident(&table)
            ))
            .map_err(|e| DbError::sql(doing("starting COPY"), &e))?;
        let mut w = BinaryCopyInWriter::new(
            sink,
            &[Type::INT8, Type::JSONB, geom_ty.clone(), Type::JSONB],
        );
        for row in 0..layer.len() {
            let geom = match &layer.geometries[row] {
                Some(g) => Some(Ewkb::of(g).map_err(|message| DbError::Feature {
                    layer: layer.name.clone(),
                    feature: layer.display_id(row),
                    message,
                })?),
                None => None,
            };
            let fid = row as i64 + 1;
            let props = JsonText(properties_json(layer, row));
            w.write(&[&fid, &id_json(layer, row), &geom, &props])
                .map_err(|e| {
                    DbError::sql(
                        doing(&format!("sending feature {}", layer.display_id(row))),
                        &e,
                    )
                })?;
        }
        w.finish()
            .map_err(|e| DbError::sql(doing("finishing COPY"), &e))?;
        tx.batch_execute(&layer_trigger_sql(&table))
            .map_err(|e| DbError::sql(doing("indexing it"), &e))?;
        stats.layers += 1;
        stats.features += layer.len();
    }
    let summary = serde_json::json!({ "layers": stats.layers, "features": stats.features });
    tx.execute(
        "INSERT INTO parkplan.changes (park, layer, table_name, op, after) VALUES ($1, '*', '*', 'push', $2)",
        &[&name, &summary],
    )
    .map_err(|e| DbError::sql("logging the push", &e))?;
    tx.commit()
        .map_err(|e| DbError::sql("committing the push", &e))?;
    Ok(stats)
}
