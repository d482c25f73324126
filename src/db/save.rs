//! Saving a planner's edits to the team database and pulling in others' changes.
//!
//! What changed is found by comparing each row with a fingerprint taken when it was
//! loaded ([`pending_changes`]); a save ([`save_edits`]) is one transaction in which
//! every changed row is written only if its `version` is still the one loaded
//! (`UPDATE … WHERE fid = $1 AND version = $2`). A row someone else changed (or
//! deleted) meanwhile is a [`Conflict`], with both versions; when any conflict has no
//! [`Resolution`] the transaction is rolled back and nothing is written. The change-log
//! trigger records every row written. [`pull`] (刷新) fetches the rows the change log
//! names since the last load or pull, and applies those the planner has not touched.

use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use serde_json::Value;

use super::DbError;
use super::load::{DbPark, ROW_COLUMNS, RawRow, append_row};
use super::push::{Ewkb, JsonText, column_names, properties_json, write_wkb};
use super::schema::ident;
use crate::model::{Edit, FeatureData, FeatureExtras, Layer, Park, RowVersion};

/// A fingerprint of a row's content (id, geometry, properties), to tell whether the
/// planner changed it since it was loaded.
pub(crate) fn row_hash(layer: &Layer, row: usize, scratch: &mut Vec<u8>) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match layer.ids.get(row).and_then(Option::as_ref) {
        Some(id) => serde_json::to_string(id).unwrap_or_default().hash(&mut h),
        None => 0u8.hash(&mut h),
    }
    scratch.clear();
    if let Some(Some(g)) = layer.geometries.get(row) {
        // A geometry the writer refuses hashes as empty, and fails at save with a message.
        let _ = write_wkb(scratch, g);
    }
    scratch.hash(&mut h);
    properties_json(layer, row).hash(&mut h);
    h.finish()
}

/// One change to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A feature added since loading (no row yet).
    Insert {
        /// Layer index.
        layer: usize,
        /// Feature index.
        index: usize,
    },
    /// A loaded feature changed.
    Update {
        /// Layer index.
        layer: usize,
        /// Feature index.
        index: usize,
        /// Its row and the version loaded.
        row: RowVersion,
    },
    /// A loaded feature deleted.
    Delete {
        /// Layer index.
        layer: usize,
        /// Its row and the version loaded.
        row: RowVersion,
    },
}

/// The changes the planner made since loading (or the last save or pull).
pub fn pending_changes(park: &Park, db: &DbPark) -> Vec<Change> {
    let mut out = Vec::new();
    let mut scratch = Vec::new();
    for (li, (layer, dl)) in park.layers.iter().zip(&db.layers).enumerate() {
        let mut seen = BTreeSet::new();
        for i in 0..layer.len() {
            let row = layer.extras.get(&i).and_then(|e| e.row);
            match row {
                Some(rv) if dl.loaded.contains_key(&rv.fid) && seen.insert(rv.fid) => {
                    let (_, hash) = dl.loaded[&rv.fid];
                    if row_hash(layer, i, &mut scratch) != hash {
                        out.push(Change::Update {
                            layer: li,
                            index: i,
                            row: rv,
                        });
                    }
                }
                _ => out.push(Change::Insert {
                    layer: li,
                    index: i,
                }),
            }
        }
        let mut gone: Vec<(i64, i64)> = dl
            .loaded
            .iter()
            .filter(|(fid, _)| !seen.contains(*fid))
            .map(|(fid, (version, _))| (*fid, *version))
            .collect();
        gone.sort_unstable();
        out.extend(gone.into_iter().map(|(fid, version)| Change::Delete {
            layer: li,
            row: RowVersion { fid, version },
        }));
    }
    out
}

/// A feature changed both here and by someone else since it was loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// Layer index.
    pub layer: usize,
    /// The layer's name.
    pub layer_name: String,
    /// The row.
    pub fid: i64,
    /// This planner's version (`None`: deleted here).
    pub mine: Option<FeatureData>,
    /// The version in the database (`None`: deleted there).
    pub theirs: Option<FeatureData>,
    /// The database's version number of `theirs` (`None`: deleted).
    pub their_version: Option<i64>,
    /// Who wrote `theirs` (or the version loaded, when deleted there).
    pub their_author: String,
}

impl Conflict {
    /// The attributes side by side: name, mine, theirs (absent: `None`), every
    /// attribute of either version once, differing ones included and flagged.
    pub fn attributes(&self) -> Vec<(String, Option<Value>, Option<Value>)> {
        let get = |d: &Option<FeatureData>, k: &str| {
            d.as_ref().and_then(|d| {
                d.properties
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.clone())
            })
        };
        let mut keys: Vec<String> = Vec::new();
        for d in [&self.mine, &self.theirs].into_iter().flatten() {
            for (k, _) in &d.properties {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
        keys.into_iter()
            .map(|k| {
                let (m, t) = (get(&self.mine, &k), get(&self.theirs, &k));
                (k, m, t)
            })
            .collect()
    }

    /// Whether the geometries differ.
    pub fn geometry_differs(&self) -> bool {
        self.mine.as_ref().map(|d| &d.geometry) != self.theirs.as_ref().map(|d| &d.geometry)
    }
}

/// How the planner settled a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Write mine over theirs (theirs stays in the change log).
    KeepMine,
    /// Drop mine, take theirs.
    TakeTheirs,
    /// Mine, with these attributes (and the geometry, when set) taken from theirs.
    Merge {
        /// Attributes whose value comes from theirs.
        theirs_keys: BTreeSet<String>,
        /// Take their geometry.
        theirs_geometry: bool,
    },
}

/// Resolutions by (layer index, row), each with the version of theirs it was decided
/// against: if theirs changed again since, the conflict comes back.
pub type Resolutions = HashMap<(usize, i64), (Resolution, Option<i64>)>;

/// What a save did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SaveOutcome {
    /// Rows written (inserted, updated, deleted); 0 when there were conflicts.
    pub written: usize,
    /// Conflicts without a resolution: nothing was written.
    pub conflicts: Vec<Conflict>,
}

/// A feature's data as the row's values.
fn row_values(
    layer: &str,
    d: &FeatureData,
) -> Result<(Option<JsonText>, Option<Ewkb>, JsonText), DbError> {
    let id =
        d.id.as_ref()
            .and_then(|id| serde_json::to_string(id).ok())
            .map(JsonText);
    let geom = match &d.geometry {
        Some(g) => Some(Ewkb::of(g).map_err(|message| DbError::Feature {
            layer: layer.to_string(),
            feature: d.id.as_ref().map_or("-".into(), ToString::to_string),
            message,
        })?),
        None => None,
    };
    let mut props = String::from("{");
    for (k, v) in &d.properties {
        if props.len() > 1 {
            props.push(',');
        }
        props.push_str(&serde_json::to_string(k).unwrap_or_default());
        props.push(':');
        props.push_str(&v.to_string());
    }
    props.push('}');
    Ok((id, geom, JsonText(props)))
}

/// A row read from the database as feature data, properties in the layer's column
/// order.
fn row_data(layer: &Layer, raw: &RawRow) -> Result<FeatureData, DbError> {
    let mut one = Layer {
        name: layer.name.clone(),
        ..Layer::default()
    };
    append_row(&mut one, &column_names(layer), raw)?;
    let mut d = Park {
        layers: vec![one],
        ..Park::default()
    }
    .feature_data(0, 0)
    .unwrap_or_default();
    d.extras = Some(FeatureExtras {
        row: Some(RowVersion {
            fid: raw.fid,
            version: raw.version,
        }),
        ..FeatureExtras::default()
    });
    Ok(d)
}

/// Mine with the chosen parts of theirs.
fn merged(
    mine: &FeatureData,
    theirs: &FeatureData,
    keys: &BTreeSet<String>,
    geometry: bool,
) -> FeatureData {
    let mut out = mine.clone();
    for k in keys {
        let t = theirs
            .properties
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone());
        match (out.properties.iter().position(|(n, _)| n == k), t) {
            (Some(i), Some(v)) => out.properties[i].1 = v,
            (Some(i), None) => {
                out.properties.remove(i);
            }
            (None, Some(v)) => out.properties.push((k.clone(), v)),
            (None, None) => {}
        }
    }
    if geometry {
        out.geometry = theirs.geometry.clone();
    }
    out
}

/// What happens to the local copy after the commit.
enum After {
    /// The row was written at this version: remember it (index, fid, version).
    Written(usize, usize, i64, i64),
    /// The row was deleted in the database.
    Deleted(usize, i64),
    /// The local feature becomes this data (index), the row is at its version.
    Replace(usize, usize, FeatureData),
    /// The local feature goes (theirs deleted it).
    Remove(usize, usize, i64),
    /// Their row comes back (mine deleted it).
    Append(usize, FeatureData),
}

fn update(
    tx: &mut postgres::Transaction<'_>,
    table: &str,
    layer: &str,
    fid: i64,
    version: i64,
    d: &FeatureData,
) -> Result<Option<i64>, DbError> {
    let (id, geom, props) = row_values(layer, d)?;
    let sql = format!(
        "UPDATE parkplan.{} SET feature_id = $3, geom = $4, properties = $5, version = version + 1, \
         updated_by = current_user, updated_at = now() WHERE fid = $1 AND version = $2 RETURNING version",
        ident(table)
    );
    let rows = tx
        .query(&sql, &[&fid, &version, &id, &geom, &props])
        .map_err(|e| DbError::sql(format!("layer \"{layer}\": saving row {fid}"), &e))?;
    Ok(rows.first().map(|r| r.get(0)))
}

fn insert(
    tx: &mut postgres::Transaction<'_>,
    table: &str,
    layer: &str,
    fid: Option<i64>,
    d: &FeatureData,
) -> Result<(i64, i64), DbError> {
    let (id, geom, props) = row_values(layer, d)?;
    let sql = format!(
        "INSERT INTO parkplan.{} (fid, feature_id, geom, properties) \
         VALUES (coalesce($1, nextval(pg_get_serial_sequence('parkplan.{}', 'fid'))), $2, $3, $4) RETURNING fid, version",
        ident(table),
        table.replace('\'', "''").replace('"', "\"\"")
    );
    let row = tx
        .query_one(&sql, &[&fid, &id, &geom, &props])
        .map_err(|e| DbError::sql(format!("layer \"{layer}\": adding a feature"), &e))?;
    Ok((row.get(0), row.get(1)))
}

fn fetch(
    tx: &mut postgres::Transaction<'_>,
    table: &str,
    layer: &str,
    fid: i64,
) -> Result<Option<RawRow>, DbError> {
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM parkplan.{} WHERE fid = $1",
        ident(table)
    );
    let rows = tx
        .query(&sql, &[&fid])
        .map_err(|e| DbError::sql(format!("layer \"{layer}\": reading row {fid}"), &e))?;
    Ok(rows.first().map(RawRow::from_row))
}

/// Saves the planner's changes in one transaction, with the optimistic check on each
/// row's version. Conflicts without a resolution in `resolutions` roll everything back
/// and come back in [`SaveOutcome::conflicts`]; otherwise the save commits and the
/// park's local copy is brought in step (new versions; theirs where taken).
pub fn save_edits(
    client: &mut postgres::Client,
    db: &mut DbPark,
    park: &mut Park,
    resolutions: &Resolutions,
) -> Result<SaveOutcome, DbError> {
    if let Some(why) = &db.read_only {
        return Err(DbError::ReadOnly(why.clone()));
    }
    let changes = pending_changes(park, db);
    let mut tx = client
        .transaction()
        .map_err(|e| DbError::sql("starting the save", &e))?;
    let mut after = Vec::new();
    let mut conflicts = Vec::new();
    let mut written = 0;
    for ch in changes {
        let (li, index, row) = match ch {
            Change::Insert { layer, index } => {
                let d = park.feature_data(layer, index).unwrap_or_default();
                let table = &db.layers[layer].table;
                let (fid, version) = insert(&mut tx, table, &park.layers[layer].name, None, &d)?;
                after.push(After::Written(layer, index, fid, version));
                written += 1;
                continue;
            }
            Change::Update { layer, index, row } => (layer, Some(index), row),
            Change::Delete { layer, row } => (layer, None, row),
        };
        let table = db.layers[li].table.clone();
        let lname = park.layers[li].name.clone();
        let mine = index.and_then(|i| park.feature_data(li, i));
        // The optimistic write.
        let done = match &mine {
            Some(d) => update(&mut tx, &table, &lname, row.fid, row.version, d)?.map(Some),
            None => {
                let n = tx
                    .execute(
                        &format!(
                            "DELETE FROM parkplan.{} WHERE fid = $1 AND version = $2",
                            ident(&table)
                        ),
                        &[&row.fid, &row.version],
                    )
                    .map_err(|e| {
                        DbError::sql(format!("layer \"{lname}\": deleting row {}", row.fid), &e)
                    })?;
                (n == 1).then_some(None)
            }
        };
        match (done, index) {
            (Some(Some(v)), Some(i)) => {
                after.push(After::Written(li, i, row.fid, v));
                written += 1;
                continue;
            }
            (Some(_), _) => {
                after.push(After::Deleted(li, row.fid));
                written += 1;
                continue;
            }
            (None, _) => {}
        }
        // Someone else changed or deleted the row.
        let theirs_raw = fetch(&mut tx, &table, &lname, row.fid)?;
        if mine.is_none() && theirs_raw.is_none() {
            // Deleted on both sides: nothing to decide.
            after.push(After::Deleted(li, row.fid));
            continue;
        }
        let theirs = match &theirs_raw {
            Some(r) => Some(row_data(&park.layers[li], r)?),
            None => None,
        };
        let their_version = theirs_raw.as_ref().map(|r| r.version);
        let resolution = resolutions
            .get(&(li, row.fid))
            .filter(|(_, v)| *v == their_version)
            .map(|(r, _)| r.clone());
        let conflict = || Conflict {
            layer: li,
            layer_name: lname.clone(),
            fid: row.fid,
            mine: mine.clone(),
            theirs: theirs.clone(),
            their_version,
            their_author: theirs_raw
                .as_ref()
                .map_or_else(|| "?".into(), |r| r.updated_by.clone()),
        };
        let Some(resolution) = resolution else {
            conflicts.push(conflict());
            continue;
        };
        // Mine, theirs or the merge, written against the version seen in the conflict.
        let target = match (&resolution, &mine, &theirs) {
            (Resolution::TakeTheirs, _, _) => None,
            (Resolution::KeepMine, m, _) => Some(m.clone()),
            (
                Resolution::Merge {
                    theirs_keys,
                    theirs_geometry,
                },
                Some(m),
                Some(t),
            ) => Some(Some(merged(m, t, theirs_keys, *theirs_geometry))),
            // A merge with a deleted side: theirs wins where they deleted, mine where I did.
            (Resolution::Merge { .. }, _, _) => None,
        };
        match (target, their_version) {
            (None, _) => {
                // Take theirs: no write; the local copy follows.
                match (index, theirs) {
                    (Some(i), Some(t)) => after.push(After::Replace(li, i, t)),
                    (Some(i), None) => after.push(After::Remove(li, i, row.fid)),
                    (None, Some(t)) => after.push(After::Append(li, t)),
                    (None, None) => {}
                }
            }
            (Some(Some(d)), Some(tv)) => match update(&mut tx, &table, &lname, row.fid, tv, &d)? {
                Some(v) => {
                    let i = index.unwrap_or(usize::MAX);
                    let mut d = d;
                    d.extras.get_or_insert_with(FeatureExtras::default).row = Some(RowVersion {
                        fid: row.fid,
                        version: v,
                    });
                    if i == usize::MAX {
                        after.push(After::Append(li, d));
                    } else {
                        after.push(After::Replace(li, i, d));
                    }
                    written += 1;
                }
                None => conflicts.push(conflict()),
            },
            (Some(Some(d)), None) => {
                // Keep mine over their deletion: the row comes back under its key.
                let (fid, v) = insert(&mut tx, &table, &lname, Some(row.fid), &d)?;
                if let Some(i) = index {
                    after.push(After::Written(li, i, fid, v));
                }
                written += 1;
            }
            (Some(None), Some(tv)) => {
                // Keep my deletion over their change.
                let n = tx
                    .execute(
                        &format!(
                            "DELETE FROM parkplan.{} WHERE fid = $1 AND version = $2",
                            ident(&table)
                        ),
                        &[&row.fid, &tv],
                    )
                    .map_err(|e| {
                        DbError::sql(format!("layer \"{lname}\": deleting row {}", row.fid), &e)
                    })?;
                if n == 1 {
                    after.push(After::Deleted(li, row.fid));
                    written += 1;
                } else {
                    conflicts.push(conflict());
                }
            }
            (Some(None), None) => after.push(After::Deleted(li, row.fid)),
        }
    }
    if !conflicts.is_empty() {
        tx.rollback()
            .map_err(|e| DbError::sql("rolling back the save", &e))?;
        return Ok(SaveOutcome {
            written: 0,
            conflicts,
        });
    }
    tx.commit()
        .map_err(|e| DbError::sql("committing the save", &e))?;
    apply_after(db, park, after);
    Ok(SaveOutcome { written, conflicts })
}

/// Brings the local copy in step after a commit (or a pull).
fn apply_after(db: &mut DbPark, park: &mut Park, after: Vec<After>) {
    let mut scratch = Vec::new();
    let mut removals = Vec::new();
    let mut appends = Vec::new();
    for a in after {
        match a {
            After::Written(li, i, fid, version) => {
                let layer = &mut park.layers[li];
                layer.extras.entry(i).or_default().row = Some(RowVersion { fid, version });
                let h = row_hash(layer, i, &mut scratch);
                db.layers[li].loaded.insert(fid, (version, h));
            }
            After::Deleted(li, fid) => {
                db.layers[li].loaded.remove(&fid);
            }
            After::Replace(li, i, d) => {
                let _ = replace_feature(park, li, i, d);
                remember(db, park, li, i, &mut scratch);
            }
            After::Remove(li, i, fid) => removals.push((li, i, fid)),
            After::Append(li, d) => appends.push((li, d)),
        }
    }
    removals.sort_unstable_by(|a, b| b.cmp(a));
    for (li, i, fid) in removals {
        let _ = park.apply_edit(&mut Edit::DeleteFeature {
            layer: li,
            index: i,
            feature: FeatureData::default(),
        });
        db.layers[li].loaded.remove(&fid);
    }
    for (li, d) in appends {
        let index = park.layers[li].len();
        let _ = park.apply_edit(&mut Edit::AddFeature {
            layer: li,
            index,
            feature: d,
        });
        remember(db, park, li, index, &mut scratch);
    }
}

/// Records the row at `index` as loaded at its current version and content.
fn remember(db: &mut DbPark, park: &Park, li: usize, index: usize, scratch: &mut Vec<u8>) {
    let layer = &park.layers[li];
    if let Some(rv) = layer.extras.get(&index).and_then(|e| e.row) {
        let h = row_hash(layer, index, scratch);
        db.layers[li].loaded.insert(rv.fid, (rv.version, h));
    }
}

/// Replaces feature `i` of layer `li` by `d` (one undoable group).
pub(crate) fn replace_feature(
    park: &mut Park,
    li: usize,
    i: usize,
    d: FeatureData,
) -> Result<(), crate::model::EditError> {
    park.apply_edit(&mut Edit::Group {
        edits: vec![
            Edit::DeleteFeature {
                layer: li,
                index: i,
                feature: FeatureData::default(),
            },
            Edit::AddFeature {
                layer: li,
                index: i,
                feature: d,
            },
        ],
    })
}

/// What a pull brought in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullOutcome {
    /// Features replaced by their newer version.
    pub updated: usize,
    /// Features added by others.
    pub added: usize,
    /// Features others deleted.
    pub removed: usize,
    /// Features changed both here and there: left as they are here (the next save
    /// shows the conflict).
    pub kept_local: usize,
}

/// Fetches the rows others changed since the last load, save or pull and applies them
/// where the planner has not changed the feature. Edits the planner made stay.
/// Indices of features may shift (rows others added or deleted): the caller's undo
/// history no longer applies.
pub fn pull(
    client: &mut postgres::Client,
    db: &mut DbPark,
    park: &mut Park,
) -> Result<PullOutcome, DbError> {
    let mut tx = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| DbError::sql("starting the pull", &e))?;
    let rows = tx
        .query(
            "SELECT table_name, fid, op, id FROM parkplan.changes WHERE park = $1 AND id > $2 ORDER BY id",
            &[&db.park, &db.last_change],
        )
        .map_err(|e| DbError::sql("reading the change log", &e))?;
    let mut changed: HashMap<String, BTreeSet<i64>> = HashMap::new();
    let mut last = db.last_change;
    for r in &rows {
        let op: String = r.get(2);
        if op == "push" {
            return Err(DbError::Sql {
                doing: "pulling changes".into(),
                message: format!(
                    "park \"{}\" was pushed again (replaced) since it was opened: open it anew",
                    db.park
                ),
            });
        }
        if let Some(fid) = r.get::<_, Option<i64>>(1) {
            changed.entry(r.get(0)).or_default().insert(fid);
        }
        last = last.max(r.get(3));
    }
    let mut out = PullOutcome::default();
    let mut after = Vec::new();
    let mut scratch = Vec::new();
    for (li, dl) in db.layers.iter().enumerate() {
        let Some(fids) = changed.get(&dl.table) else {
            continue;
        };
        let fids: Vec<i64> = fids.iter().copied().collect();
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM parkplan.{} WHERE fid = ANY($1)",
            ident(&dl.table)
        );
        let theirs: HashMap<i64, RawRow> = tx
            .query(&sql, &[&fids])
            .map_err(|e| DbError::sql(format!("layer \"{}\": fetching changed rows", dl.name), &e))?
            .iter()
            .map(|r| {
                let raw = RawRow::from_row(r);
                (raw.fid, raw)
            })
            .collect();
        let layer = &park.layers[li];
        let local: HashMap<i64, usize> = layer
            .extras
            .iter()
            .filter_map(|(i, e)| e.row.map(|r| (r.fid, *i)))
            .collect();
        for fid in fids {
            let loaded = dl.loaded.get(&fid).copied();
            let here = local.get(&fid).copied();
            let untouched = match (here, loaded) {
                (Some(i), Some((_, h))) => row_hash(layer, i, &mut scratch) == h,
                (None, Some(_)) => false, // deleted here
                (_, None) => here.is_none(),
            };
            match (theirs.get(&fid), here) {
                (Some(t), _) if loaded.is_some_and(|(v, _)| v == t.version) => {}
                _ if !untouched => out.kept_local += 1,
                (Some(t), Some(i)) => {
                    after.push(After::Replace(li, i, row_data(layer, t)?));
                    out.updated += 1;
                }
                (Some(t), None) => {
                    after.push(After::Append(li, row_data(layer, t)?));
                    out.added += 1;
                }
                (None, Some(i)) => {
                    after.push(After::Remove(li, i, fid));
                    out.removed += 1;
                }
                (None, None) => {}
            }
        }
    }
    tx.commit()
        .map_err(|e| DbError::sql("finishing the pull", &e))?;
    apply_after(db, park, after);
    db.last_change = last;
    Ok(out)
}
