//! Edits to a park's layers, each reversible, and the undo/redo history.
//!
//! Every change a planner makes — moving or adding a stop, drawing a parcel, editing a
//! vertex or an attribute, deleting a feature — is an [`Edit`] that knows how to apply
//! and revert itself on the layers. [`History`] keeps the done and undone edits and
//! rebuilds the typed records after each change, so analysis sees the edit at once.

use geo::Geometry;
use serde_json::Value;

use super::Park;
use super::attributes::PropValue;
use super::layer::{FeatureExtras, FeatureId};

/// Everything a feature is, for adding it back after a deletion (or adding it anew).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeatureData {
    /// Its `id` member.
    pub id: Option<FeatureId>,
    /// Its geometry (lon/lat).
    pub geometry: Option<Geometry<f64>>,
    /// Its properties in order (JSON values).
    pub properties: Vec<(String, Value)>,
    /// Its foreign members and z values.
    pub extras: Option<FeatureExtras>,
}

/// One reversible change.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Replace a feature's geometry (move a point, edit vertices).
    SetGeometry {
        /// Layer index.
        layer: usize,
        /// Feature index.
        index: usize,
        /// The geometry before.
        before: Option<Geometry<f64>>,
        /// The geometry after.
        after: Option<Geometry<f64>>,
    },
    /// Set (or remove, with `None`) one property.
    SetAttribute {
        /// Layer index.
        layer: usize,
        /// Feature index.
        index: usize,
        /// Property name.
        key: String,
        /// The value before (`None`: absent).
        before: Option<Value>,
        /// The value after (`None`: absent).
        after: Option<Value>,
    },
    /// Insert a feature at an index.
    AddFeature {
        /// Layer index.
        layer: usize,
        /// Where it goes.
        index: usize,
        /// The feature.
        feature: FeatureData,
    },
    /// Remove the feature at an index.
    DeleteFeature {
        /// Layer index.
        layer: usize,
        /// Which.
        index: usize,
        /// What it was (filled in when the edit is applied).
        feature: FeatureData,
    },
    /// Several edits done, undone and redone as one (a stop inserted into a route's
    /// sequence with the later stops renumbered). Applied in order, reverted in reverse.
    Group {
        /// The edits, in the order they are applied.
        edits: Vec<Edit>,
    },
}

/// Why an edit could not be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    /// The layer or feature does not exist.
    #[error("no feature {index} in layer {layer}")]
    NoSuchFeature {
        /// Layer index.
        layer: usize,
        /// Feature index.
        index: usize,
    },
}

fn to_prop(v: &Value) -> PropValue<'_> {
    match v {
        Value::Null => PropValue::Null,
        Value::Bool(b) => PropValue::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map(PropValue::Int)
            .or_else(|| n.as_f64().map(PropValue::Float))
            .unwrap_or(PropValue::Null),
        Value::String(s) => PropValue::Str(s),
        // Objects and arrays are kept as their JSON text; the caller holds the string.
        _ => PropValue::Absent,
    }
}

fn set_value(park: &mut Park, layer: usize, index: usize, key: &str, v: Option<&Value>) {
    let table = &mut park.layers[layer].attributes;
    match v {
        None => table.set_cell(index, key, PropValue::Absent),
        Some(v @ (Value::Array(_) | Value::Object(_))) => {
            let text = v.to_string();
            table.set_cell(index, key, PropValue::Json(&text));
        }
        Some(v) => table.set_cell(index, key, to_prop(v)),
    }
}

impl Park {
    fn check(&self, layer: usize, index: usize, insert: bool) -> Result<(), EditError> {
        let len = self.layers.get(layer).map(|l| l.len());
        match len {
            Some(n) if index < n || (insert && index <= n) => Ok(()),
            _ => Err(EditError::NoSuchFeature { layer, index }),
        }
    }

    /// Everything about one feature, for undoing its deletion.
    pub fn feature_data(&self, layer: usize, index: usize) -> Option<FeatureData> {
        let l = self.layers.get(layer)?;
        if index >= l.len() {
            return None;
        }
        Some(FeatureData {
            id: l.ids.get(index).cloned().flatten(),
            geometry: l.geometries[index].clone(),
            // In the table's column order, every value exact.
            properties: l
                .attributes
                .row(index)
                .filter_map(|(k, v)| v.to_json_value().map(|j| (k.to_string(), j)))
                .collect(),
            extras: l.extras.get(&index).cloned(),
        })
    }

    fn insert_feature(&mut self, layer: usize, index: usize, f: &FeatureData) {
        let l = &mut self.layers[layer];
        l.geometries.insert(index, f.geometry.clone());
        // Layers built in code may carry no ids; keep ids as long as the geometries.
        l.ids.resize(l.geometries.len() - 1, None);
        l.ids.insert(index, f.id.clone());
        l.attributes.insert_row(index);
        // Shift extras at or after the index.
        let moved: Vec<(usize, FeatureExtras)> = l.extras.split_off(&index).into_iter().collect();
        for (k, v) in moved {
            l.extras.insert(k + 1, v);
        }
        if let Some(e) = &f.extras {
            l.extras.insert(index, e.clone());
        }
        for (k, v) in &f.properties {
            set_value(self, layer, index, k, Some(v));
        }
    }

    fn remove_feature(&mut self, layer: usize, index: usize) {
        let l = &mut self.layers[layer];
        l.geometries.remove(index);
        if index < l.ids.len() {
            l.ids.remove(index);
        }
        l.attributes.remove_row(index);
        l.extras.remove(&index);
        let moved: Vec<(usize, FeatureExtras)> = l.extras.split_off(&index).into_iter().collect();
        for (k, v) in moved {
            l.extras.insert(k - 1, v);
        }
    }

    /// Applies an edit (filling in what a deletion removes, so it can be undone).
    pub fn apply_edit(&mut self, edit: &mut Edit) -> Result<(), EditError> {
        if let Edit::Group { edits } = edit {
            for k in 0..edits.len() {
                if let Err(e) = self.apply_edit(&mut edits[k]) {
                    // All or nothing: take back the ones already applied.
                    for done in edits[..k].iter().rev() {
                        self.revert_edit(done)?;
                    }
                    return Err(e);
                }
            }
            return Ok(());
        }
        match edit {
            Edit::SetGeometry {
                layer,
                index,
                after,
                ..
            } => {
                self.check(*layer, *index, false)?;
                self.layers[*layer].geometries[*index] = after.clone();
            }
            Edit::SetAttribute {
                layer,
                index,
                key,
                after,
                ..
            } => {
                self.check(*layer, *index, false)?;
                set_value(self, *layer, *index, key, after.as_ref());
            }
            Edit::AddFeature {
                layer,
                index,
                feature,
            } => {
                self.check(*layer, *index, true)?;
                self.insert_feature(*layer, *index, feature);
            }
            Edit::DeleteFeature {
                layer,
                index,
                feature,
            } => {
                self.check(*layer, *index, false)?;
                if let Some(f) = self.feature_data(*layer, *index) {
                    *feature = f;
                }
                self.remove_feature(*layer, *index);
            }
            Edit::Group { .. } => {} // applied above
        }
        self.records_after(edit);
        Ok(())
    }

    /// Brings the records up to date after `edit` (applied or reverted): only the
    /// edited feature's record when a geometry or attribute changed and the role has one
    /// record per feature, else the role's records.
    fn records_after(&mut self, edit: &Edit) {
        if let Edit::SetGeometry { layer, index, .. } | Edit::SetAttribute { layer, index, .. } =
            edit
            && self.refresh_record(*layer, *index)
        {
            return;
        }
        let role = self.layers[edit.layer()].role;
        self.rebuild_records_of(role);
    }

    /// Reverts an edit that was applied.
    pub fn revert_edit(&mut self, edit: &Edit) -> Result<(), EditError> {
        if let Edit::Group { edits } = edit {
            for e in edits.iter().rev() {
                self.revert_edit(e)?;
            }
            return Ok(());
        }
        match edit {
            Edit::SetGeometry {
                layer,
                index,
                before,
                ..
            } => {
                self.check(*layer, *index, false)?;
                self.layers[*layer].geometries[*index] = before.clone();
            }
            Edit::SetAttribute {
                layer,
                index,
                key,
                before,
                ..
            } => {
                self.check(*layer, *index, false)?;
                set_value(self, *layer, *index, key, before.as_ref());
            }
            Edit::AddFeature { layer, index, .. } => {
                self.check(*layer, *index, false)?;
                self.remove_feature(*layer, *index);
            }
            Edit::DeleteFeature {
                layer,
                index,
                feature,
            } => {
                self.check(*layer, *index, true)?;
                self.insert_feature(*layer, *index, feature);
            }
            Edit::Group { .. } => {} // reverted above
        }
        self.records_after(edit);
        Ok(())
    }
}

impl Edit {
    /// The features the edit changes in place (a geometry or an attribute), as (layer,
    /// index); `None` when it adds or deletes features (indices after it shift).
    pub fn features_in_place(&self) -> Option<Vec<(usize, usize)>> {
        match self {
            Edit::SetGeometry { layer, index, .. } | Edit::SetAttribute { layer, index, .. } => {
                Some(vec![(*layer, *index)])
            }
            Edit::AddFeature { .. } | Edit::DeleteFeature { .. } => None,
            Edit::Group { edits } => {
                let mut out = Vec::new();
                for e in edits {
                    out.extend(e.features_in_place()?);
                }
                Some(out)
            }
        }
    }

    /// The layer the edit changes (a group's first edit's layer; see [`Edit::layers`]).
    pub fn layer(&self) -> usize {
        match self {
            Edit::SetGeometry { layer, .. }
            | Edit::SetAttribute { layer, .. }
            | Edit::AddFeature { layer, .. }
            | Edit::DeleteFeature { layer, .. } => *layer,
            Edit::Group { edits } => edits.first().map_or(0, Edit::layer),
        }
    }

    /// Every layer the edit changes.
    pub fn layers(&self) -> Vec<usize> {
        match self {
            Edit::Group { edits } => {
                let mut v: Vec<usize> = edits.iter().flat_map(Edit::layers).collect();
                v.sort_unstable();
                v.dedup();
                v
            }
            e => vec![e.layer()],
        }
    }
}

/// The undo/redo history of a park.
#[derive(Debug, Clone, Default)]
pub struct History {
    done: Vec<Edit>,
    undone: Vec<Edit>,
    /// Length of `done` when the work was last saved (`None`: never in this state).
    saved_at: Option<usize>,
}

impl History {
    /// A history whose current state counts as saved.
    pub fn new() -> History {
        History {
            saved_at: Some(0),
            ..History::default()
        }
    }

    /// Applies an edit and records it; clears the redo list.
    pub fn apply(&mut self, park: &mut Park, mut edit: Edit) -> Result<(), EditError> {
        park.apply_edit(&mut edit)?;
        self.done.push(edit);
        if self.saved_at.is_some_and(|s| s >= self.done.len()) {
            self.saved_at = None;
        }
        self.undone.clear();
        Ok(())
    }

    /// Undoes the last edit. Returns whether there was one.
    pub fn undo(&mut self, park: &mut Park) -> Result<bool, EditError> {
        let Some(edit) = self.done.pop() else {
            return Ok(false);
        };
        if let Err(e) = park.revert_edit(&edit) {
            self.done.push(edit);
            return Err(e);
        }
        self.undone.push(edit);
        Ok(true)
    }

    /// Redoes the last undone edit. Returns whether there was one.
    pub fn redo(&mut self, park: &mut Park) -> Result<bool, EditError> {
        let Some(mut edit) = self.undone.pop() else {
            return Ok(false);
        };
        if let Err(e) = park.apply_edit(&mut edit) {
            self.undone.push(edit);
            return Err(e);
        }
        self.done.push(edit);
        Ok(true)
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.done.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }

    /// Marks the current state as saved.
    pub fn mark_saved(&mut self) {
        self.saved_at = Some(self.done.len());
    }

    /// Whether there are changes since the last save.
    pub fn is_dirty(&self) -> bool {
        self.saved_at != Some(self.done.len())
    }

    /// Layers changed since the last save (by index), for writing them out.
    pub fn edited_layers(&self) -> std::collections::BTreeSet<usize> {
        self.done.iter().flat_map(|e| e.layers()).collect()
    }

    /// The edits done, oldest first.
    pub fn done(&self) -> &[Edit] {
        &self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{LayerOptions, read_layer_bytes};
    use crate::model::Role;
    use geo::Point;

    fn park() -> Park {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"S1","properties":{"站点名称":"甲站","线路":"KW6","序号":1},"geometry":{"type":"Point","coordinates":[112.30,30.30]}},
            {"type":"Feature","id":"S2","properties":{"站点名称":"乙站","线路":"KW6","序号":2},"geometry":{"type":"Point","coordinates":[112.31,30.30,5]}}]}"#;
        let opts = LayerOptions {
            role: Some(Role::BusStops),
            ..LayerOptions::default()
        };
        let (layer, _) =
            read_layer_bytes(text.as_bytes(), "公交站点.geojson", &opts, None).unwrap();
        Park::from_layers("t", vec![layer])
    }

    fn snapshot(p: &Park) -> String {
        let mut out = Vec::new();
        crate::save::write_layer(&p.layers[0], crate::save::WriteCrs::Rfc7946, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn edit_undo_redo_returns_the_same_state() {
        let mut p = park();
        let mut h = History::new();
        let s0 = snapshot(&p);
        let before = p.layers[0].geometries[0].clone();
        h.apply(
            &mut p,
            Edit::SetGeometry {
                layer: 0,
                index: 0,
                before,
                after: Some(Geometry::Point(Point::new(112.305, 30.301))),
            },
        )
        .unwrap();
        h.apply(
            &mut p,
            Edit::SetAttribute {
                layer: 0,
                index: 1,
                key: "站点名称".into(),
                before: Some(Value::String("乙站".into())),
                after: Some(Value::String("新乙站".into())),
            },
        )
        .unwrap();
        h.apply(
            &mut p,
            Edit::AddFeature {
                layer: 0,
                index: 1,
                feature: FeatureData {
                    id: Some(FeatureId::Str("S9".into())),
                    geometry: Some(Geometry::Point(Point::new(112.307, 30.302))),
                    properties: vec![
                        ("站点名称".into(), Value::String("拟建站".into())),
                        ("线路".into(), Value::String("KW6".into())),
                        ("序号".into(), Value::from(2)),
                    ],
                    extras: None,
                },
            },
        )
        .unwrap();
        h.apply(
            &mut p,
            Edit::DeleteFeature {
                layer: 0,
                index: 0,
                feature: FeatureData::default(),
            },
        )
        .unwrap();
        let s4 = snapshot(&p);
        assert_eq!(p.stops.len(), 2);
        assert!(p.stops.iter().any(|s| s.name == "拟建站"));
        assert!(h.is_dirty());
        while h.undo(&mut p).unwrap() {}
        assert_eq!(snapshot(&p), s0, "undo all returns the original");
        assert_eq!(p.stops.len(), 2);
        while h.redo(&mut p).unwrap() {}
        assert_eq!(snapshot(&p), s4, "redo all returns the edited state");
        // z of the shifted feature followed it.
        assert!(s4.contains("[112.31,30.3,5]"), "{s4}");
    }

    #[test]
    fn dirty_tracking_follows_saves_and_undo() {
        let mut p = park();
        let mut h = History::new();
        assert!(!h.is_dirty());
        let e = Edit::SetAttribute {
            layer: 0,
            index: 0,
            key: "备注".into(),
            before: None,
            after: Some(Value::String("拟调整".into())),
        };
        h.apply(&mut p, e).unwrap();
        assert!(h.is_dirty());
        h.mark_saved();
        assert!(!h.is_dirty());
        h.undo(&mut p).unwrap();
        assert!(h.is_dirty());
        assert_eq!(p.layers[0].attributes.get(0, "备注"), PropValue::Absent);
        h.redo(&mut p).unwrap();
        assert!(!h.is_dirty());
    }

    #[test]
    fn bad_indices_are_errors_not_panics() {
        let mut p = park();
        let mut h = History::new();
        let e = Edit::DeleteFeature {
            layer: 0,
            index: 99,
            feature: FeatureData::default(),
        };
        assert!(h.apply(&mut p, e).is_err());
        assert!(!h.can_undo());
    }

    #[test]
    fn one_record_refreshed_equals_the_whole_role_rebuilt() {
        // Two stops share an id (so both carry "#n"), a third is plain.
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"S1","properties":{"站点名称":"甲站","线路":"KW6","序号":1},"geometry":{"type":"Point","coordinates":[112.30,30.30]}},
            {"type":"Feature","id":"S1","properties":{"站点名称":"乙站","线路":"KW6","序号":2},"geometry":{"type":"Point","coordinates":[112.31,30.30]}},
            {"type":"Feature","id":"S3","properties":{"站点名称":"丙站","线路":"KW6","序号":3},"geometry":{"type":"Point","coordinates":[112.32,30.30]}}]}"#;
        let opts = LayerOptions {
            role: Some(Role::BusStops),
            ..LayerOptions::default()
        };
        let (layer, _) = read_layer_bytes(text.as_bytes(), "站点.geojson", &opts, None).unwrap();
        let mut p = Park::from_layers("t", vec![layer.clone(), layer]);
        let edits = vec![
            Edit::SetGeometry {
                layer: 1,
                index: 1,
                before: None,
                after: Some(Geometry::Point(Point::new(112.5, 30.5))),
            },
            Edit::SetAttribute {
                layer: 1,
                index: 2,
                key: "站点名称".into(),
                before: None,
                after: Some(serde_json::json!("丁站")),
            },
            Edit::SetAttribute {
                layer: 0,
                index: 0,
                key: "序号".into(),
                before: None,
                after: Some(serde_json::json!(9)),
            },
            Edit::SetGeometry {
                layer: 0,
                index: 2,
                before: None,
                after: None,
            },
        ];
        let mut h = History::new();
        for e in edits {
            h.apply(&mut p, e).unwrap();
            let mut fresh = p.clone();
            fresh.rebuild_records();
            assert_eq!(format!("{:?}", p.stops), format!("{:?}", fresh.stops));
        }
        let stop = |layer: u32, index: u32| {
            p.stops
                .iter()
                .find(|s| s.feature == crate::model::FeatureRef { layer, index })
                .unwrap()
        };
        assert_eq!(stop(1, 1).id, "S1#2");
        assert_eq!(stop(1, 2).name, "丁站");
        assert!(stop(0, 2).location.is_none());
        while h.undo(&mut p).unwrap_or(false) {
            let mut fresh = p.clone();
            fresh.rebuild_records();
            assert_eq!(format!("{:?}", p.stops), format!("{:?}", fresh.stops));
        }
    }
    #[test]
    fn records_refer_into_the_table_and_a_rename_copies_one_name() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"E1","name":" 甲公司 ","industry":"电子信息"},"geometry":{"type":"Point","coordinates":[112.30,30.30]}},
            {"type":"Feature","properties":{"id":"E2","name":"乙公司","industry":"装备制造"},"geometry":{"type":"Point","coordinates":[112.31,30.30]}},
            {"type":"Feature","properties":{"id":7,"name":"丙公司"},"geometry":{"type":"Point","coordinates":[112.32,30.30]}}]}"#;
        let opts = LayerOptions {
            role: Some(Role::Enterprises),
            ..LayerOptions::default()
        };
        let (layer, _) = read_layer_bytes(text.as_bytes(), "企业.geojson", &opts, None).unwrap();
        let mut p = Park::from_layers("t", vec![layer]);
        let e = &p.enterprises;
        assert_eq!((e[0].id.as_str(), &*e[0].name), ("E1", "甲公司"), "trimmed");
        assert_eq!(e[2].id, "7", "a number id as text");
        assert!(
            e[0].name.shares_buffer(&e[1].name),
            "names refer into one column"
        );
        assert!(!e[0].name.shares_buffer(&e[0].id), "ids into another");
        let names = e[1].name.clone();
        let mut h = History::new();
        h.apply(
            &mut p,
            Edit::SetAttribute {
                layer: 0,
                index: 0,
                key: "name".into(),
                before: Some(serde_json::json!(" 甲公司 ")),
                after: Some(serde_json::json!("丁公司")),
            },
        )
        .unwrap();
        assert_eq!(p.enterprises[0].name, "丁公司");
        assert!(
            p.enterprises[1].name.shares_buffer(&names),
            "the other records keep the column's buffer"
        );
        let mut fresh = p.clone();
        fresh.rebuild_records();
        assert_eq!(p.enterprises, fresh.enterprises);
        h.undo(&mut p).unwrap();
        assert_eq!(p.enterprises[0].name, "甲公司");
        assert_eq!(
            p.layers[0].attributes.get(0, "name"),
            PropValue::Str(" 甲公司 ")
        );
    }
}
