//! Offline work: a park (or an area of it) taken out of the team database as a
//! GeoPackage ([`checkout`]), edited away from the network in ParkPlan or QGIS, and
//! brought back ([`checkin`]) through the same optimistic check as a desktop save.
//!
//! The GeoPackage is written by ParkPlan's own writer ([`crate::save::gpkg`]), in
//! EPSG:4490 as the database keeps it, so it opens in QGIS or `ogrinfo` like any other.
//! Each feature table has two more columns, `parkplan_fid` (the row's key in the
//! database) and `parkplan_version` (its version when taken out). Two attribute tables
//! carry what the check-in needs: `parkplan_offline` (key/value: park, database URL
//! without password, checkout time, last change-log entry) and `parkplan_checkout`
//! (per row taken out: table, key, version, its values as written — the fingerprint —,
//! and its properties and id as the database had them).
//!
//! At check-in a row whose values differ from its fingerprint is an edit (only the
//! columns that differ are taken; the others keep their database values and types), a
//! row without `parkplan_fid` is new, and a key taken out but missing from its table is
//! a deletion. These become the same pending changes a desktop save makes, against the
//! versions taken out, and go through [`save_edits`]: a row changed in the database
//! since the checkout is a conflict, and nothing is written unless it is resolved.
//! Rows outside the checked-out area are never touched.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use geo::Intersects;
use rusqlite::types::Value as SqlValue;
use serde_json::Value;

use super::load::{DbPark, geometry, open_park};
use super::save::{Conflict, Resolution, Resolutions, replace_feature, row_hash, save_edits};
use super::{DbError, DbUrl};
use crate::model::{Edit, FeatureData, FeatureExtras, FeatureId, Layer, Park, RowVersion};
use crate::save::WriteCrs;

/// The column holding a row's database key.
pub const FID_COLUMN: &str = "parkplan_fid";
/// The column holding a row's version when taken out.
pub const VERSION_COLUMN: &str = "parkplan_version";

/// What a checkout wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutStats {
    /// The park's name.
    pub park: String,
    /// Layers written (every layer of the park, possibly empty in an area).
    pub layers: usize,
    /// Features written.
    pub features: usize,
}

/// What a checked-out GeoPackage says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineInfo {
    /// The park's name.
    pub park: String,
    /// The database, without password and park.
    pub url: String,
    /// When it was taken out (the server's clock, UTC).
    pub checked_out_at: String,
    /// The newest change-log entry at checkout.
    pub last_change: i64,
    /// When it was brought back, if it was.
    pub checked_in_at: Option<String>,
    /// The area taken out (`min lon,min lat,max lon,max lat`), if only an area.
    pub bbox: Option<String>,
}

/// How to settle conflicts at check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The offline edits win (the database's version stays in the change log).
    Mine,
    /// The database's version wins; the offline edit of that feature is dropped.
    Theirs,
}

/// What a check-in found and did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckinOutcome {
    /// Features edited offline.
    pub changed: usize,
    /// Features added offline.
    pub added: usize,
    /// Features deleted offline.
    pub deleted: usize,
    /// Rows written to the database (0 when there were unresolved conflicts).
    pub written: usize,
    /// Conflicts left unresolved: nothing was written.
    pub conflicts: Vec<Conflict>,
}

/// A checked-out park brought in step with the GeoPackage: the database's current
/// park with the offline edits applied, what was loaded set to the versions taken out
/// (so [`save_edits`] checks against them), and the counts.
#[derive(Debug)]
pub struct PreparedCheckin {
    /// The park as it will be once saved.
    pub park: Park,
    /// The database side, ready for [`save_edits`].
    pub db: DbPark,
    /// The GeoPackage's own description.
    pub info: OfflineInfo,
    /// Features edited offline.
    pub changed: usize,
    /// Features added offline.
    pub added: usize,
    /// Features deleted offline.
    pub deleted: usize,
}

fn file_err(path: &Path, message: impl std::fmt::Display) -> DbError {
    DbError::File {
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

/// Reads `MINLON,MINLAT,MAXLON,MAXLAT` (EPSG:4490 lon/lat) as an area.
pub fn parse_bbox(text: &str) -> Result<geo::Rect<f64>, String> {
    let v: Vec<f64> = text
        .split(',')
        .map(|s| s.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("bbox \"{text}\": {e} (expected MINLON,MINLAT,MAXLON,MAXLAT)"))?;
    match v[..] {
        [x0, y0, x1, y1] if v.iter().all(|x| x.is_finite()) && x0 < x1 && y0 < y1 => Ok(
            geo::Rect::new(geo::Coord { x: x0, y: y0 }, geo::Coord { x: x1, y: y1 }),
        ),
        _ => Err(format!(
            "bbox \"{text}\": expected four numbers MINLON,MINLAT,MAXLON,MAXLAT with min < max"
        )),
    }
}

/// A SQLite value as JSON, for the fingerprint and for reading edits back.
fn sql_json(v: &SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => Value::from(*i),
        SqlValue::Real(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        SqlValue::Text(s) => Value::String(s.clone()),
        SqlValue::Blob(b) => Value::String(b.iter().map(|x| format!("{x:02x}")).collect()),
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// One feature table's rows: the geometry column's name, and per row its values by
/// column (primary key left out).
struct TableRows {
    geometry_column: String,
    rows: Vec<BTreeMap<String, SqlValue>>,
}

fn read_table(conn: &rusqlite::Connection, table: &str) -> rusqlite::Result<TableRows> {
    let geometry_column: String = conn.query_row(
        "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?1",
        [table],
        |r| r.get(0),
    )?;
    let mut pk = Vec::new();
    {
        let mut info = conn.prepare(&format!("PRAGMA table_info({})", quote(table)))?;
        let cols = info.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))?;
        for c in cols {
            let (name, key) = c?;
            if key > 0 {
                pk.push(name);
            }
        }
    }
    let mut stmt = conn.prepare(&format!("SELECT * FROM {}", quote(table)))?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let mut rows = Vec::new();
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        let mut m = BTreeMap::new();
        for (i, n) in names.iter().enumerate() {
            if !pk.contains(n) {
                m.insert(n.clone(), r.get::<_, SqlValue>(i)?);
            }
        }
        rows.push(m);
    }
    Ok(TableRows {
        geometry_column,
        rows,
    })
}

/// A row's fingerprint: its values (the two ParkPlan columns left out) as JSON text.
fn fingerprint(row: &BTreeMap<String, SqlValue>) -> String {
    let m: serde_json::Map<String, Value> = row
        .iter()
        .filter(|(k, _)| *k != FID_COLUMN && *k != VERSION_COLUMN)
        .map(|(k, v)| (k.clone(), sql_json(v)))
        .collect();
    Value::Object(m).to_string()
}

/// Takes the park the URL names (only the features meeting `bbox`, when given) out as
/// a GeoPackage at `out`, written atomically, with what [`checkin`] needs.
pub fn checkout(
    client: &mut postgres::Client,
    url: &DbUrl,
    out: &Path,
    bbox: Option<geo::Rect<f64>>,
) -> Result<CheckoutStats, DbError> {
    let (park, db) = open_park(client, url)?;
    let at = server_time(client)?;
    // The layers to write: the features taken out, each with its key and version.
    let mut out_park = Park::default();
    let mut kept: Vec<Vec<(RowVersion, FeatureData)>> = Vec::new();
    let mut features = 0;
    for (li, layer) in park.layers.iter().enumerate() {
        out_park.layers.push(Layer {
            name: layer.name.clone(),
            role: layer.role,
            role_reason: layer.role_reason.clone(),
            source: layer.source.clone(),
            fields: layer.fields.clone(),
            ..Layer::default()
        });
        let mut rows = Vec::new();
        for i in 0..layer.len() {
            let Some(rv) = layer.extras.get(&i).and_then(|e| e.row) else {
                continue;
            };
            let inside = match (&bbox, &layer.geometries[i]) {
                (None, _) => true,
                (Some(b), Some(g)) => g.intersects(b),
                (Some(_), None) => false,
            };
            if !inside {
                continue;
            }
            let Some(d) = park.feature_data(li, i) else {
                continue;
            };
            let mut w = d.clone();
            w.extras = None;
            w.properties.push((FID_COLUMN.into(), Value::from(rv.fid)));
            w.properties
                .push((VERSION_COLUMN.into(), Value::from(rv.version)));
            let index = out_park.layers[li].len();
            out_park
                .apply_edit(&mut Edit::AddFeature {
                    layer: li,
                    index,
                    feature: w,
                })
                .map_err(|e| DbError::Feature {
                    layer: layer.name.clone(),
                    feature: format!("row {}", rv.fid),
                    message: e.to_string(),
                })?;
            rows.push((rv, d));
            features += 1;
        }
        kept.push(rows);
    }
    let refs: Vec<&Layer> = out_park.layers.iter().collect();
    let meta = [
        ("park", db.park.clone()),
        ("url", url.display().to_string()),
        ("checked_out_at", at),
        ("last_change", db.last_change.to_string()),
        (
            "bbox",
            bbox.map(|b| format!("{},{},{},{}", b.min().x, b.min().y, b.max().x, b.max().y))
                .unwrap_or_default(),
        ),
    ];
    let mut failure: Option<DbError> = None;
    let written = crate::save::write_atomic_path(out, false, |tmp| {
        let result = (|| -> Result<(), DbError> {
            let mut conn = rusqlite::Connection::open(tmp).map_err(|e| file_err(out, e))?;
            crate::save::gpkg::write_tables(&mut conn, &refs, WriteCrs::Source, out)
                .map_err(|e| file_err(out, e))?;
            write_side_tables(&mut conn, &out_park, &kept, &meta).map_err(|e| file_err(out, e))?;
            conn.close().map_err(|(_, e)| file_err(out, e))
        })();
        result.map_err(|e| {
            let io = std::io::Error::other(e.to_string());
            failure = Some(e);
            io
        })
    });
    if let Err(e) = written {
        return Err(failure.unwrap_or_else(|| file_err(out, e)));
    }
    Ok(CheckoutStats {
        park: db.park,
        layers: out_park.layers.len(),
        features,
    })
}

fn write_side_tables(
    conn: &mut rusqlite::Connection,
    park: &Park,
    kept: &[Vec<(RowVersion, FeatureData)>],
    meta: &[(&str, String)],
) -> rusqlite::Result<()> {
    let tables: Vec<String> = {
        let mut s = conn.prepare(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid",
        )?;
        s.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let tx = conn.transaction()?;
    tx.execute_batch(
        "CREATE TABLE parkplan_offline (key TEXT PRIMARY KEY NOT NULL, value TEXT);
         CREATE TABLE parkplan_layers (ord INTEGER PRIMARY KEY NOT NULL, layer TEXT NOT NULL,
           table_name TEXT NOT NULL, ids_column INTEGER NOT NULL);
         CREATE TABLE parkplan_checkout (table_name TEXT NOT NULL, fid INTEGER NOT NULL,
           version INTEGER NOT NULL, fingerprint TEXT NOT NULL, properties TEXT NOT NULL,
           feature_id TEXT, PRIMARY KEY (table_name, fid));
         INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
           VALUES ('parkplan_offline', 'attributes', 'parkplan_offline', 'ParkPlan checkout: park, database, time');
         INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
           VALUES ('parkplan_layers', 'attributes', 'parkplan_layers', 'ParkPlan checkout: layers and their tables');
         INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
           VALUES ('parkplan_checkout', 'attributes', 'parkplan_checkout', 'ParkPlan checkout: rows taken out (do not edit)');",
    )?;
    for (k, v) in meta {
        tx.execute(
            "INSERT INTO parkplan_offline VALUES (?1, ?2)",
            rusqlite::params![k, v],
        )?;
    }
    for (li, (layer, table)) in park.layers.iter().zip(&tables).enumerate() {
        let has_id_attr = layer
            .attributes
            .columns()
            .iter()
            .any(|c| c.name().eq_ignore_ascii_case("id"));
        let ids_column = layer.ids.iter().any(Option::is_some) && !has_id_attr;
        tx.execute(
            "INSERT INTO parkplan_layers VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![li as i64, layer.name, table, ids_column],
        )?;
        let rows = read_table(&tx, table)?;
        let by_fid: HashMap<i64, &(RowVersion, FeatureData)> =
            kept[li].iter().map(|r| (r.0.fid, r)).collect();
        let mut ins = tx.prepare(
            "INSERT INTO parkplan_checkout (table_name, fid, version, fingerprint, properties, feature_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for row in &rows.rows {
            let Some(SqlValue::Integer(fid)) = row.get(FID_COLUMN) else {
                continue;
            };
            let Some((rv, d)) = by_fid.get(fid) else {
                continue;
            };
            let props = serde_json::to_string(&d.properties).unwrap_or_else(|_| "[]".into());
            let id = d.id.as_ref().and_then(|id| serde_json::to_string(id).ok());
            ins.execute(rusqlite::params![
                table,
                rv.fid,
                rv.version,
                fingerprint(row),
                props,
                id
            ])?;
        }
    }
    tx.commit()
}

/// Reads the description a checkout left in the GeoPackage.
pub fn offline_info(path: &Path) -> Result<OfflineInfo, DbError> {
    let conn = open_gpkg(path, true)?;
    read_info(&conn, path)
}

fn open_gpkg(path: &Path, read_only: bool) -> Result<rusqlite::Connection, DbError> {
    if !path.is_file() {
        return Err(file_err(path, "no such file"));
    }
    let flags = if read_only {
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
    };
    rusqlite::Connection::open_with_flags(path, flags | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| file_err(path, e))
}

fn read_info(conn: &rusqlite::Connection, path: &Path) -> Result<OfflineInfo, DbError> {
    let not_checkout = |e: rusqlite::Error| {
        file_err(
            path,
            format!(
                "not a ParkPlan checkout (no readable parkplan_offline table: {e}); \
                 take one out with `parkplan-cli db checkout`"
            ),
        )
    };
    let mut m: HashMap<String, String> = HashMap::new();
    let mut s = conn
        .prepare("SELECT key, value FROM parkplan_offline")
        .map_err(not_checkout)?;
    let rows = s
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })
        .map_err(not_checkout)?;
    for r in rows {
        let (k, v) = r.map_err(not_checkout)?;
        m.insert(k, v.unwrap_or_default());
    }
    let get = |k: &str| {
        m.get(k).cloned().filter(|v| !v.is_empty()).ok_or_else(|| {
            file_err(
                path,
                format!("the checkout has no \"{k}\" in parkplan_offline"),
            )
        })
    };
    Ok(OfflineInfo {
        park: get("park")?,
        url: get("url")?,
        checked_out_at: get("checked_out_at")?,
        last_change: get("last_change")?
            .parse()
            .map_err(|e| file_err(path, format!("parkplan_offline last_change: {e}")))?,
        checked_in_at: get("checked_in_at").ok(),
        bbox: get("bbox").ok(),
    })
}

/// One row taken out, as recorded at checkout.
struct TakenOut {
    version: i64,
    fingerprint: BTreeMap<String, Value>,
    properties: Vec<(String, Value)>,
    id: Option<FeatureId>,
}

/// A value read back from the GeoPackage, typed like the value it replaces.
fn edited_value(new: &SqlValue, old: Option<&Value>) -> Value {
    match (new, old) {
        (SqlValue::Integer(i), Some(Value::Bool(_))) if *i == 0 || *i == 1 => Value::Bool(*i == 1),
        (SqlValue::Text(s), Some(Value::Array(_) | Value::Object(_))) => {
            serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()))
        }
        (v, _) => sql_json(v),
    }
}

fn edited_id(new: &SqlValue, old: Option<&FeatureId>) -> Option<FeatureId> {
    match new {
        SqlValue::Null => None,
        SqlValue::Integer(i) => Some(FeatureId::Int(*i)),
        SqlValue::Real(f) => Some(FeatureId::Float(*f)),
        SqlValue::Text(s) => match (old, s.trim().parse::<i64>()) {
            (Some(FeatureId::Int(_)), Ok(i)) => Some(FeatureId::Int(i)),
            _ => Some(FeatureId::Str(s.as_str().into())),
        },
        SqlValue::Blob(_) => None,
    }
}

fn row_geometry(
    layer: &str,
    fid: i64,
    v: Option<&SqlValue>,
) -> Result<Option<geo::Geometry<f64>>, DbError> {
    match v {
        Some(SqlValue::Blob(b)) => {
            let wkb = crate::import::gpkg::blob_wkb(b).map_err(|message| DbError::Feature {
                layer: layer.to_string(),
                feature: format!("row {fid}"),
                message,
            })?;
            match wkb {
                Some(w) => geometry(layer, fid, w),
                None => Ok(None),
            }
        }
        Some(SqlValue::Null) | None => Ok(None),
        Some(_) => Err(DbError::Feature {
            layer: layer.to_string(),
            feature: format!("row {fid}"),
            message: "the geometry column holds no GeoPackage geometry".into(),
        }),
    }
}

/// Reads a checked-out GeoPackage back and applies its edits to the park as the
/// database has it now, against the versions taken out: ready for [`save_edits`].
pub fn prepare_checkin(
    client: &mut postgres::Client,
    path: &Path,
    url: &DbUrl,
) -> Result<PreparedCheckin, DbError> {
    let conn = open_gpkg(path, true)?;
    let info = read_info(&conn, path)?;
    if let Some(at) = &info.checked_in_at {
        return Err(file_err(
            path,
            format!(
                "this checkout was already brought back at {at}; take the park out again \
                 (`parkplan-cli db checkout`) to go on editing offline"
            ),
        ));
    }
    let mut url = url.clone();
    url.park = Some(info.park.clone());
    let (mut park, mut db) = open_park(client, &url)?;
    let pushed: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM parkplan.changes WHERE park = $1 AND id > $2 AND op = 'push')",
            &[&info.park, &info.last_change],
        )
        .map_err(|e| DbError::sql("reading the change log", &e))?
        .get(0);
    if pushed {
        return Err(file_err(
            path,
            format!(
                "park \"{}\" was pushed again (replaced) since it was taken out at {}: its rows \
                 are new, the offline edits cannot be matched to them",
                info.park, info.checked_out_at
            ),
        ));
    }
    let sql = |e: rusqlite::Error| file_err(path, e);
    let layers: Vec<(String, String, bool)> = {
        let mut s = conn
            .prepare("SELECT layer, table_name, ids_column FROM parkplan_layers ORDER BY ord")
            .map_err(sql)?;
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(sql)?
            .collect::<rusqlite::Result<_>>()
            .map_err(sql)?
    };
    let (mut changed, mut added, mut deleted) = (0, 0, 0);
    let mut scratch = Vec::new();
    for (lname, table, ids_column) in layers {
        let li = park
            .layers
            .iter()
            .position(|l| l.name == lname)
            .ok_or_else(|| {
                file_err(
                    path,
                    format!("layer \"{lname}\" is no longer in park \"{}\"", info.park),
                )
            })?;
        let mut taken: HashMap<i64, TakenOut> = HashMap::new();
        {
            let mut s = conn
                .prepare(
                    "SELECT fid, version, fingerprint, properties, feature_id FROM parkplan_checkout WHERE table_name = ?1",
                )
                .map_err(sql)?;
            let rows = s
                .query_map([&table], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                })
                .map_err(sql)?;
            for r in rows {
                let (fid, version, fp, props, id) = r.map_err(sql)?;
                let bad = |e: serde_json::Error| {
                    file_err(path, format!("parkplan_checkout, row {fid}: {e}"))
                };
                taken.insert(
                    fid,
                    TakenOut {
                        version,
                        fingerprint: serde_json::from_str(&fp).map_err(bad)?,
                        properties: serde_json::from_str(&props).map_err(bad)?,
                        id: match id {
                            Some(t) => serde_json::from_str(&t).map_err(bad)?,
                            None => None,
                        },
                    },
                );
            }
        }
        let rows = read_table(&conn, &table)
            .map_err(|e| file_err(path, format!("table \"{table}\": {e}")))?;
        let gcol = rows.geometry_column.clone();
        // Where each row is in the park now.
        let local: HashMap<i64, usize> = park.layers[li]
            .extras
            .iter()
            .filter_map(|(i, e)| e.row.map(|r| (r.fid, *i)))
            .collect();
        let mut seen = HashSet::new();
        let mut appends: Vec<FeatureData> = Vec::new();
        let mut removals: Vec<usize> = Vec::new();
        for row in &rows.rows {
            let fid = match row.get(FID_COLUMN) {
                Some(SqlValue::Integer(f)) if taken.contains_key(f) && seen.insert(*f) => Some(*f),
                _ => None,
            };
            let Some(fid) = fid else {
                // A new feature (or a copy of one): every non-empty column.
                let mut d = FeatureData {
                    geometry: row_geometry(&lname, 0, row.get(&gcol))?,
                    ..FeatureData::default()
                };
                for (k, v) in row {
                    if *k == gcol || k == FID_COLUMN || k == VERSION_COLUMN {
                        continue;
                    }
                    if ids_column && k == "id" {
                        d.id = edited_id(v, None);
                    } else if !matches!(v, SqlValue::Null) {
                        d.properties.push((k.clone(), sql_json(v)));
                    }
                }
                appends.push(d);
                added += 1;
                continue;
            };
            let t = &taken[&fid];
            let now: BTreeMap<String, Value> = row
                .iter()
                .filter(|(k, _)| *k != FID_COLUMN && *k != VERSION_COLUMN)
                .map(|(k, v)| (k.clone(), sql_json(v)))
                .collect();
            if now == t.fingerprint {
                continue;
            }
            changed += 1;
            // Mine: the row as taken out, with the columns edited offline.
            let mut d = FeatureData {
                id: t.id.clone(),
                geometry: row_geometry(&lname, fid, row.get(&gcol))?,
                properties: t.properties.clone(),
                extras: Some(FeatureExtras {
                    row: Some(RowVersion {
                        fid,
                        version: t.version,
                    }),
                    ..FeatureExtras::default()
                }),
            };
            for (k, v) in row {
                if *k == gcol || k == FID_COLUMN || k == VERSION_COLUMN {
                    continue;
                }
                if t.fingerprint.get(k) == now.get(k) {
                    continue;
                }
                if ids_column && k == "id" {
                    d.id = edited_id(v, t.id.as_ref());
                    continue;
                }
                let pos = d.properties.iter().position(|(n, _)| n == k);
                let value = edited_value(v, pos.map(|p| &d.properties[p].1));
                match pos {
                    Some(p) => d.properties[p].1 = value,
                    None => d.properties.push((k.clone(), value)),
                }
            }
            let fake_hash = match local.get(&fid) {
                Some(&i) => {
                    replace_feature(&mut park, li, i, d).map_err(|e| DbError::Feature {
                        layer: lname.clone(),
                        feature: format!("row {fid}"),
                        message: e.to_string(),
                    })?;
                    // What "was loaded" is the checkout's version; its content is the
                    // database's now, so an edit that equals it writes nothing.
                    db.layers[li].loaded.get(&fid).map_or(0, |(_, h)| *h)
                }
                None => {
                    // Deleted in the database since: the save reports the conflict.
                    appends.push(d);
                    0
                }
            };
            db.layers[li].loaded.insert(fid, (t.version, fake_hash));
        }
        for (fid, t) in &taken {
            if seen.contains(fid) {
                continue;
            }
            deleted += 1;
            if let Some(&i) = local.get(fid) {
                removals.push(i);
                let h = db.layers[li].loaded.get(fid).map_or(0, |(_, h)| *h);
                db.layers[li].loaded.insert(*fid, (t.version, h));
            }
        }
        removals.sort_unstable_by(|a, b| b.cmp(a));
        for i in removals {
            park.apply_edit(&mut Edit::DeleteFeature {
                layer: li,
                index: i,
                feature: FeatureData::default(),
            })
            .map_err(|e| file_err(path, format!("layer \"{lname}\": {e}")))?;
        }
        for d in appends {
            let index = park.layers[li].len();
            let fid = d.extras.as_ref().and_then(|e| e.row).map(|r| r.fid);
            park.apply_edit(&mut Edit::AddFeature {
                layer: li,
                index,
                feature: d,
            })
            .map_err(|e| file_err(path, format!("layer \"{lname}\": {e}")))?;
            if let Some(fid) = fid {
                // A row deleted there and edited here: make sure it counts as changed.
                let h = row_hash(&park.layers[li], index, &mut scratch);
                if let Some(entry) = db.layers[li].loaded.get_mut(&fid) {
                    entry.1 = h.wrapping_add(1);
                }
            }
        }
    }
    Ok(PreparedCheckin {
        park,
        db,
        info,
        changed,
        added,
        deleted,
    })
}

/// Brings a checked-out GeoPackage back: its edits go through [`save_edits`] against
/// the versions taken out. Conflicts are settled by `keep` when given; otherwise they
/// come back in [`CheckinOutcome::conflicts`] and nothing is written. After a save
/// that landed, the GeoPackage records when it was brought back (a second check-in of
/// the same file is refused).
pub fn checkin(
    client: &mut postgres::Client,
    path: &Path,
    url: &DbUrl,
    keep: Option<Keep>,
) -> Result<CheckinOutcome, DbError> {
    let PreparedCheckin {
        mut park,
        mut db,
        changed,
        added,
        deleted,
        ..
    } = prepare_checkin(client, path, url)?;
    let mut outcome = save_edits(client, &mut db, &mut park, &Resolutions::new())?;
    if let (false, Some(keep)) = (outcome.conflicts.is_empty(), keep) {
        let resolution = match keep {
            Keep::Mine => Resolution::KeepMine,
            Keep::Theirs => Resolution::TakeTheirs,
        };
        let resolutions: Resolutions = outcome
            .conflicts
            .iter()
            .map(|c| ((c.layer, c.fid), (resolution.clone(), c.their_version)))
            .collect();
        outcome = save_edits(client, &mut db, &mut park, &resolutions)?;
    }
    if outcome.conflicts.is_empty() {
        mark_checked_in(client, path)?;
    }
    Ok(CheckinOutcome {
        changed,
        added,
        deleted,
        written: outcome.written,
        conflicts: outcome.conflicts,
    })
}

/// The server's clock, UTC, as `YYYY-MM-DDTHH:MM:SSZ`.
fn server_time(client: &mut postgres::Client) -> Result<String, DbError> {
    Ok(client
        .query_one(
            "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
            &[],
        )
        .map_err(|e| DbError::sql("reading the server's clock", &e))?
        .get(0))
}

fn mark_checked_in(client: &mut postgres::Client, path: &Path) -> Result<(), DbError> {
    let at = server_time(client)?;
    let conn = open_gpkg(path, false)?;
    conn.execute(
        "INSERT OR REPLACE INTO parkplan_offline VALUES ('checked_in_at', ?1)",
        [&at],
    )
    .map_err(|e| {
        file_err(
            path,
            format!("the edits were saved, but marking the file as brought back failed: {e}"),
        )
    })?;
    Ok(())
}

/// A conflict as text lines: the feature, who changed it in the database, and each
/// attribute that differs with mine and theirs (for the CLI).
pub fn describe_conflict(c: &Conflict) -> String {
    let show = |v: &Option<Value>| v.as_ref().map_or_else(|| "(none)".into(), Value::to_string);
    let mut out = format!(
        "conflict: layer \"{}\", row {}: {} in the database by {}{}",
        c.layer_name,
        c.fid,
        match (&c.mine, &c.theirs) {
            (_, None) => "deleted",
            (None, Some(_)) => "changed (deleted offline)",
            _ => "changed",
        },
        c.their_author,
        c.their_version
            .map_or_else(String::new, |v| format!(" (now version {v})")),
    );
    if c.mine.is_some() && c.theirs.is_some() {
        for (k, m, t) in c.attributes() {
            if m != t {
                out.push_str(&format!("\n  {k}: mine {} | theirs {}", show(&m), show(&t)));
            }
        }
        if c.geometry_differs() {
            out.push_str("\n  geometry: differs");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_is_read_and_checked() {
        let b = parse_bbox("112.1, 30.2,112.3,30.4").unwrap();
        assert_eq!((b.min().x, b.max().y), (112.1, 30.4));
        assert!(parse_bbox("112.3,30.2,112.1,30.4").is_err());
        assert!(parse_bbox("1,2,3").is_err());
        assert!(parse_bbox("a,b,c,d").unwrap_err().contains("MINLON"));
    }

    #[test]
    fn edited_values_keep_the_old_type() {
        assert_eq!(
            edited_value(&SqlValue::Integer(1), Some(&Value::Bool(false))),
            Value::Bool(true)
        );
        assert_eq!(
            edited_value(&SqlValue::Integer(7), Some(&Value::from(3))),
            Value::from(7)
        );
        assert_eq!(
            edited_value(
                &SqlValue::Text("[1,2]".into()),
                Some(&serde_json::json!([]))
            ),
            serde_json::json!([1, 2])
        );
        assert_eq!(
            edited_value(&SqlValue::Text("[1,2]".into()), Some(&Value::from("x"))),
            Value::from("[1,2]")
        );
        assert_eq!(
            edited_id(&SqlValue::Text("17".into()), Some(&FeatureId::Int(3))),
            Some(FeatureId::Int(17))
        );
        assert_eq!(
            edited_id(
                &SqlValue::Text("007".into()),
                Some(&FeatureId::Str("a".into()))
            ),
            Some(FeatureId::Str("007".into()))
        );
    }
}
