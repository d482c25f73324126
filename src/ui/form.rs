//! The attribute form for a new feature (a point added on the map, a parcel drawn):
//! one row per column of the target layer, labelled with the model field it maps to,
//! prefilled from the layer (a new stop takes the route of the stop it was added near,
//! the next sequence number and the next id), with the vocabulary of coded fields
//! (facility kind, approval status, lifecycle stage) offered in a list. OK gives the
//! [`FeatureData`] for an [`crate::model::Edit::AddFeature`].
//!
//! Also owns turning typed text back into a JSON value of the column's type
//! ([`text_to_value`]), shared with the inspector's attribute editing.

use eframe::egui::{self, RichText};
use geo::{GeodesicArea, Geometry};
use serde_json::Value;

use super::i18n::{Msg, field_label};
use crate::model::attributes::ColumnType;
use crate::model::route_fit::OffRoute;
use crate::model::{
    ApprovalStatus, Edit, FacilityKind, FeatureData, FeatureId, Field, Lang, Layer, LifecycleStage,
    Park, PropValue, SquareMeters, route_fit, stop_seq,
};

/// Fields whose values are numbers.
pub fn is_numeric_field(f: Field) -> bool {
    matches!(
        f,
        Field::AreaMu
            | Field::AreaM2
            | Field::Investment
            | Field::Employees
            | Field::OutputValue
            | Field::Seq
            | Field::Speed
    )
}

/// Typed text as a JSON value of the column's type: numbers stay numbers, booleans
/// booleans, JSON columns parse their JSON; anything that does not parse is kept as the
/// string typed. `numeric` asks for a number in an untyped column.
pub fn text_to_value(text: &str, kind: ColumnType, numeric: bool) -> Value {
    let t = text.trim();
    let number = || -> Option<Value> {
        if let Ok(i) = t.parse::<i64>() {
            return Some(Value::from(i));
        }
        t.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
    };
    match kind {
        ColumnType::Int | ColumnType::Float => number(),
        ColumnType::Bool => match t {
            "true" | "是" | "1" => Some(Value::Bool(true)),
            "false" | "否" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        ColumnType::Json => serde_json::from_str(t).ok(),
        ColumnType::Text | ColumnType::Empty => {
            if numeric {
                number()
            } else {
                None
            }
        }
    }
    .unwrap_or_else(|| Value::String(text.to_string()))
}

/// One row of the form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormRow {
    /// The property name.
    pub key: String,
    /// The model field the layer maps to it.
    pub field: Option<Field>,
    /// The text typed.
    pub value: String,
    /// The column's type (how the text becomes a value).
    pub kind: ColumnType,
    /// Values offered in a list.
    pub choices: Vec<String>,
}

/// The form for one new feature.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureForm {
    /// The target layer.
    pub layer: usize,
    /// The layer's name.
    pub layer_name: String,
    /// The new feature's geometry (lon/lat).
    pub geometry: Geometry<f64>,
    /// The feature's `id` member (empty: none).
    pub id: String,
    /// One row per column.
    pub rows: Vec<FormRow>,
    /// A new property's name.
    pub new_key: String,
    /// A new property's value.
    pub new_value: String,
    /// Per route of the layer: the next sequence number and the next id, so both follow
    /// when the route is changed in the form (while the user has not typed them).
    route_next: std::collections::BTreeMap<String, (String, String)>,
    /// The route the sequence and id were last filled for.
    filled_for: Option<String>,
    /// The layer keeps ids both as the `id` member and in a mapped column: the two are
    /// kept equal (the last values seen, to tell which one the user changed).
    id_mirror: Option<(String, String)>,
    /// A new stop numbered into the middle of its route moves the later stops of the
    /// route one place up (one undo step with the addition).
    pub renumber: bool,
    /// A new stop off its route's line: reroute the line through it or add a detour
    /// (one undo step with the addition).
    pub off_route: OffRoute,
    /// The name given to a stop added without one (for the desk to say so).
    pub auto_named: Option<String>,
}

/// The next identifier after the layer's ids: the numbered ids sharing the template
/// feature's prefix (or the most common prefix), one past the largest, same width.
pub fn next_id(layer: &Layer, template: Option<usize>) -> String {
    let split = |s: &str| -> Option<(String, String)> {
        let digits: String = s
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if digits.is_empty() {
            return None;
        }
        Some((s[..s.len() - digits.len()].to_string(), digits))
    };
    let ids: Vec<String> = (0..layer.len()).map(|i| layer.display_id(i)).collect();
    let prefix = template
        .and_then(|t| ids.get(t))
        .and_then(|s| split(s))
        .map(|(p, _)| p)
        .or_else(|| {
            let mut counts: std::collections::HashMap<String, usize> = Default::default();
            for id in &ids {
                if let Some((p, _)) = split(id) {
                    *counts.entry(p).or_default() += 1;
                }
            }
            counts
                .into_iter()
                .max_by_key(|(p, n)| (*n, p.clone()))
                .map(|(p, _)| p)
        });
    let Some(prefix) = prefix else {
        return format!("NEW-{}", layer.len() + 1);
    };
    let (mut max, mut width) = (0u64, 1usize);
    for id in &ids {
        if let Some((p, d)) = split(id)
            && p == prefix
        {
            width = width.max(d.len());
            max = max.max(d.parse().unwrap_or(0));
        }
    }
    let mut n = max + 1;
    loop {
        let candidate = format!("{prefix}{n:0width$}");
        if !ids.contains(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

fn vocabulary(f: Field, lang: Lang) -> Vec<String> {
    let _ = lang;
    // The data speaks Chinese whatever the interface language.
    match f {
        Field::Kind => FacilityKind::ALL
            .iter()
            .map(|k| k.label(Lang::Zh).to_string())
            .collect(),
        Field::Status => ApprovalStatus::ALL
            .iter()
            .map(|k| k.label(Lang::Zh).to_string())
            .collect(),
        Field::Stage => LifecycleStage::ALL
            .iter()
            .map(|k| k.label(Lang::Zh).to_string())
            .collect(),
        _ => Vec::new(),
    }
}

impl FeatureForm {
    /// A form for a new feature of `layer` with `geometry`. `template` is a feature of
    /// the same layer to take the route, kind and id pattern from (the selected one).
    pub fn new(
        park: &Park,
        layer: usize,
        geometry: Geometry<f64>,
        template: Option<usize>,
        lang: Lang,
    ) -> Option<FeatureForm> {
        let l = park.layers.get(layer)?;
        let template = template.filter(|&t| t < l.len()).or(l.len().checked_sub(1));
        let field_of = |col: &str| l.fields.iter().find(|(_, c)| *c == col).map(|(f, _)| *f);
        let area = crate::model::polygons_of(&geometry).geodesic_area_unsigned();
        let mut rows = Vec::new();
        for c in l.attributes.columns() {
            let key = c.name().to_string();
            let field = field_of(&key);
            let mut choices = field.map(|f| vocabulary(f, lang)).unwrap_or_default();
            if choices.is_empty() && c.column_type() == ColumnType::Text {
                // A short list of the values in use, when the column is coded.
                let mut seen: Vec<String> = Vec::new();
                for i in 0..l.len() {
                    if let PropValue::Str(s) = c.get(i)
                        && !seen.iter().any(|x| x == s)
                    {
                        seen.push(s.to_string());
                        if seen.len() > 24 {
                            break;
                        }
                    }
                }
                if seen.len() <= 24 && seen.len() < l.len() {
                    choices = seen;
                }
            }
            let value = match (field, template) {
                // A new parcel's declared area is its drawn area.
                (Some(Field::AreaMu), _) if area > 0.0 => {
                    format!("{:.2}", SquareMeters(area).to_mu().0)
                }
                (Some(Field::AreaM2), _) if area > 0.0 => format!("{area:.1}"),
                (
                    Some(
                        Field::Route | Field::Kind | Field::Status | Field::Stage | Field::LandUse,
                    ),
                    Some(t),
                ) => c
                    .get(t)
                    .as_text()
                    .map(|s| s.into_owned())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            rows.push(FormRow {
                key,
                field,
                value,
                kind: c.column_type(),
                choices,
            });
        }
        let mut form = FeatureForm {
            layer,
            layer_name: l.name.clone(),
            geometry,
            id: String::new(),
            rows,
            new_key: String::new(),
            new_value: String::new(),
            route_next: Default::default(),
            filled_for: None,
            id_mirror: None,
            renumber: true,
            off_route: OffRoute::default(),
            auto_named: None,
        };
        // Ids: the `id` member when the layer uses it, else the mapped id column.
        let uses_member = l.ids.iter().flatten().next().is_some();
        let id = next_id(l, template);
        let id_row = form.rows.iter_mut().find(|r| r.field == Some(Field::Id));
        match (uses_member, id_row) {
            (true, Some(r)) => {
                r.value = id.clone();
                form.id = id.clone();
                form.id_mirror = Some((id.clone(), id));
            }
            (true, None) => form.id = id,
            (false, Some(r)) => r.value = id,
            (false, None) => {}
        }
        // Per route: the next sequence number along it and the next id of its stops.
        let mut routes: std::collections::BTreeMap<String, (u32, Option<usize>)> =
            Default::default();
        for st in park
            .stops
            .iter()
            .filter(|s| s.feature.layer as usize == layer)
        {
            if let Some(r) = &st.route {
                let e = routes.entry(r.to_string()).or_insert((0, None));
                e.0 = e.0.max(st.seq.unwrap_or(0));
                e.1 = Some(st.feature.index as usize);
            }
        }
        // A new stop takes the place in the route's sequence where it lengthens the
        // route least (the later stops move up when it is added), else the next number.
        let at = crate::model::representative_point(&form.geometry);
        form.route_next = routes
            .into_iter()
            .map(|(r, (max, t))| {
                let seq = at
                    .and_then(|p| stop_seq::insertion_seq(park, layer, &r, p))
                    .unwrap_or(max + 1);
                let id = next_id(l, t);
                (r, (seq.to_string(), id))
            })
            .collect();
        form.fill_for_route(uses_member);
        Some(form)
    }

    /// The sequence number typed, when it is one.
    fn seq(&self) -> Option<u32> {
        self.rows
            .iter()
            .find(|r| r.field == Some(Field::Seq))
            .and_then(|r| r.value.trim().parse().ok())
    }

    /// The edit that adds the feature at `index` of its layer: with the route's later
    /// stops renumbered first, as one edit, when the new stop is numbered into the
    /// middle of its route and `renumber` is on.
    pub fn edit(&self, park: &Park, index: usize) -> Edit {
        let add = Edit::AddFeature {
            layer: self.layer,
            index,
            feature: self.feature_data(),
        };
        let mut edits = match (self.renumber, self.route(), self.seq()) {
            (true, Some(route), Some(seq)) => {
                stop_seq::renumber_from(park, self.layer, &route, seq)
            }
            _ => Vec::new(),
        };
        // Off its route's line: the line is brought to the stop, in the same step.
        if let (Some((fit, at)), true) = (self.route_fit(park), self.is_stop(park))
            && fit.is_off_route()
            && let Some(e) = route_fit::route_edit(park, &fit, at, self.off_route)
        {
            edits.push(e);
        }
        if edits.is_empty() {
            return add;
        }
        edits.push(add);
        Edit::Group { edits }
    }

    /// Whether the form adds a bus stop.
    fn is_stop(&self, park: &Park) -> bool {
        park.layers
            .get(self.layer)
            .is_some_and(|l| l.role == crate::model::Role::BusStops)
    }

    /// Where the new stop lies against its route's line, with its position.
    fn route_fit(&self, park: &Park) -> Option<(route_fit::RouteFit, geo::Point<f64>)> {
        let Geometry::Point(at) = self.geometry else {
            return None;
        };
        let route = self.route().filter(|r| !r.is_empty())?;
        Some((route_fit::fit(park, &route, at)?, at))
    }

    /// A stop without a name is named after its route and number ("KW6 新站 12"), and
    /// the form remembers it to say so. Call before taking the edit.
    pub fn name_if_empty(&mut self, park: &Park) {
        if !self.is_stop(park) {
            return;
        }
        let route = self.route().unwrap_or_default();
        let seq = self.seq().map(|s| s.to_string()).unwrap_or_default();
        let Some(row) = self.rows.iter_mut().find(|r| r.field == Some(Field::Name)) else {
            return;
        };
        if row.value.trim().is_empty() {
            let name = format!("{route} 新站 {seq}").trim().to_string();
            row.value = name.clone();
            self.auto_named = Some(name);
        }
    }

    /// How many stops of the route the new stop's number pushes one place up.
    fn stops_to_renumber(&self, park: &Park) -> usize {
        match (self.route(), self.seq()) {
            (Some(route), Some(seq)) => {
                stop_seq::renumber_from(park, self.layer, &route, seq).len()
            }
            _ => 0,
        }
    }

    fn route(&self) -> Option<String> {
        self.rows
            .iter()
            .find(|r| r.field == Some(Field::Route))
            .map(|r| r.value.trim().to_string())
    }

    /// Fills the sequence number and the id for the route in the form, when the route
    /// changed since they were filled (values the user typed are replaced only then).
    fn fill_for_route(&mut self, id_member: bool) {
        let Some(route) = self.route() else { return };
        if self.filled_for.as_deref() == Some(route.as_str()) {
            return;
        }
        let Some((seq, id)) = self.route_next.get(&route).cloned() else {
            self.filled_for = Some(route);
            return;
        };
        if let Some(r) = self.rows.iter_mut().find(|r| r.field == Some(Field::Seq)) {
            r.value = seq;
        }
        if id_member {
            self.id = id.clone();
        }
        if (!id_member || self.id_mirror.is_some())
            && let Some(r) = self.rows.iter_mut().find(|r| r.field == Some(Field::Id))
        {
            r.value = id.clone();
        }
        if self.id_mirror.is_some() {
            self.id_mirror = Some((id.clone(), id));
        }
        self.filled_for = Some(route);
    }

    /// Keeps the `id` member and the mapped id column equal, following whichever the
    /// user changed.
    fn sync_ids(&mut self) {
        let Some((last_member, last_row)) = self.id_mirror.clone() else {
            return;
        };
        let Some(r) = self.rows.iter_mut().find(|r| r.field == Some(Field::Id)) else {
            return;
        };
        if r.value != last_row {
            self.id = r.value.clone();
        } else if self.id != last_member {
            r.value = self.id.clone();
        }
        self.id_mirror = Some((self.id.clone(), r.value.clone()));
    }

    /// Sets the value of the row for a property (for tests and prefills).
    pub fn set(&mut self, key: &str, value: &str) {
        if let Some(r) = self.rows.iter_mut().find(|r| r.key == key) {
            r.value = value.to_string();
        }
        self.sync_ids();
    }

    /// The feature as entered: empty rows are left out.
    pub fn feature_data(&self) -> FeatureData {
        let mut properties: Vec<(String, Value)> = self
            .rows
            .iter()
            .filter(|r| !r.value.trim().is_empty())
            .map(|r| {
                let numeric = r.field.is_some_and(is_numeric_field);
                (r.key.clone(), text_to_value(&r.value, r.kind, numeric))
            })
            .collect();
        let k = self.new_key.trim();
        if !k.is_empty() && !properties.iter().any(|(p, _)| p == k) {
            properties.push((
                k.to_string(),
                text_to_value(&self.new_value, ColumnType::Text, false),
            ));
        }
        FeatureData {
            id: Some(self.id.trim())
                .filter(|s| !s.is_empty())
                .map(|s| FeatureId::Str(s.into())),
            geometry: Some(self.geometry.clone()),
            properties,
            extras: None,
        }
    }

    /// Shows the form. `Some(true)`: add the feature; `Some(false)`: cancelled.
    pub fn show(&mut self, ctx: &egui::Context, lang: Lang, park: &Park) -> Option<bool> {
        let mut result = None;
        let modal = egui::Modal::new(egui::Id::unique("feature-form")).show(ctx, |ui| {
            ui.set_width(460.0);
            ui.heading(format!(
                "{} — {}",
                Msg::NewFeature.text(lang),
                self.layer_name
            ));
            let area = crate::model::polygons_of(&self.geometry).geodesic_area_unsigned();
            if area > 0.0 {
                let a = SquareMeters(area);
                ui.label(format!(
                    "{}: {:.0} m² · {:.2} ha · {:.2} {}",
                    Msg::AreaLabel.text(lang),
                    a.0,
                    a.hectares(),
                    a.to_mu().0,
                    Msg::UnitMu.text(lang)
                ));
            } else if let Some(p) = crate::model::representative_point(&self.geometry) {
                ui.weak(format!("{:.6}, {:.6}", p.x(), p.y()));
            }
            ui.separator();
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .show(ui, |ui| {
                    egui::Grid::new("feature-form-grid")
                        .num_columns(2)
                        .spacing([10.0, 6.0])
                        .show(ui, |ui| {
                            ui.label(Msg::IdLabel.text(lang));
                            ui.add(egui::TextEdit::singleline(&mut self.id).desired_width(240.0))
                                .accessible_name(Msg::IdLabel.text(lang));
                            ui.end_row();
                            for r in &mut self.rows {
                                let label = match r.field {
                                    // "线路" once, not "线路 (线路)".
                                    Some(f) if field_label(lang, f) == r.key => r.key.clone(),
                                    Some(f) => format!("{} ({})", field_label(lang, f), r.key),
                                    None => r.key.clone(),
                                };
                                ui.label(&label);
                                ui.horizontal(|ui| {
                                    ui.add(
                                        egui::TextEdit::singleline(&mut r.value)
                                            .desired_width(200.0),
                                    )
                                    .accessible_name(&r.key);
                                    if !r.choices.is_empty() {
                                        egui::ComboBox::from_id_salt(("form-choice", &r.key))
                                            .selected_text("")
                                            .width(24.0)
                                            .show_ui(ui, |ui| {
                                                for c in &r.choices {
                                                    if ui
                                                        .selectable_label(r.value == *c, c)
                                                        .clicked()
                                                    {
                                                        r.value = c.clone();
                                                    }
                                                }
                                            })
                                            .response
                                            .accessible_name(format!(
                                                "{}: {}",
                                                r.key,
                                                Msg::ChooseValue.text(lang)
                                            ));
                                    }
                                });
                                ui.end_row();
                            }
                            ui.label(RichText::new(Msg::NewProperty.text(lang)).weak());
                            ui.horizontal(|ui| {
                                ui.add(
                                    egui::TextEdit::singleline(&mut self.new_key)
                                        .hint_text(Msg::PropertyCol.text(lang))
                                        .desired_width(110.0),
                                );
                                ui.add(
                                    egui::TextEdit::singleline(&mut self.new_value)
                                        .hint_text(Msg::ValueCol.text(lang))
                                        .desired_width(110.0),
                                );
                            });
                            ui.end_row();
                        });
                });
            self.sync_ids();
            let id_member = !self.id.is_empty();
            self.fill_for_route(id_member);
            let later = self.stops_to_renumber(park);
            if later > 0 {
                let route = self.route().unwrap_or_default();
                ui.checkbox(
                    &mut self.renumber,
                    super::i18n::fmt_renumber_stops(lang, &route, later),
                );
            }
            if self.is_stop(park)
                && let Some((fit, _)) = self.route_fit(park)
            {
                let route = self.route().unwrap_or_default();
                let text = super::i18n::fmt_stop_from_route(lang, &route, fit.distance_m);
                if fit.is_off_route() {
                    ui.colored_label(ui.visuals().warn_fg_color, text);
                    ui.radio_value(
                        &mut self.off_route,
                        OffRoute::Reroute,
                        Msg::RerouteThroughStop.text(lang),
                    );
                    ui.radio_value(
                        &mut self.off_route,
                        OffRoute::Detour,
                        Msg::KeepAsDetour.text(lang),
                    );
                } else {
                    ui.weak(text);
                }
            }
            let unnamed = self.is_stop(park)
                && self
                    .rows
                    .iter()
                    .any(|r| r.field == Some(Field::Name) && r.value.trim().is_empty());
            if unnamed {
                ui.colored_label(ui.visuals().warn_fg_color, Msg::StopNeedsName.text(lang));
            }
            ui.separator();
            ui.horizontal(|ui| {
                if ui.button(Msg::AddFeatureOk.text(lang)).clicked() {
                    result = Some(true);
                }
                if ui.button(Msg::Cancel.text(lang)).clicked() {
                    result = Some(false);
                }
            });
        });
        if result.is_none() && modal.should_close() {
            result = Some(false);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{LayerOptions, read_layer_bytes};
    use crate::model::Role;

    fn stops() -> Park {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"ZD-KW6-001","properties":{"站点名称":"甲站","线路":"KW6","序号":1},"geometry":{"type":"Point","coordinates":[112.30,30.30]}},
            {"type":"Feature","id":"ZD-KW6-002","properties":{"站点名称":"乙站","线路":"KW6","序号":2},"geometry":{"type":"Point","coordinates":[112.31,30.30]}},
            {"type":"Feature","id":"ZD-K1-009","properties":{"站点名称":"丙站","线路":"K1","序号":9},"geometry":{"type":"Point","coordinates":[112.32,30.30]}}]}"#;
        let opts = LayerOptions {
            role: Some(Role::BusStops),
            ..LayerOptions::default()
        };
        let (layer, _) = read_layer_bytes(text.as_bytes(), "站点.geojson", &opts, None).unwrap();
        Park::from_layers("t", vec![layer])
    }

    #[test]
    fn a_new_stop_takes_route_next_seq_and_next_id() {
        let park = stops();
        let g = Geometry::Point(geo::Point::new(112.305, 30.301));
        let form = FeatureForm::new(&park, 0, g, Some(1), Lang::Zh).unwrap();
        assert_eq!(form.id, "ZD-KW6-003");
        let row = |k: &str| form.rows.iter().find(|r| r.key == k).unwrap().value.clone();
        assert_eq!(row("线路"), "KW6");
        assert_eq!(
            row("序号"),
            "2",
            "between stops 1 and 2, where it lengthens KW6 least"
        );
        assert_eq!(row("站点名称"), "");
        let mut form = form;
        form.set("站点名称", "拟建站");
        let d = form.feature_data();
        assert_eq!(d.id, Some(FeatureId::Str("ZD-KW6-003".into())));
        assert!(
            d.properties.contains(&("序号".into(), Value::from(2))),
            "{:?}",
            d.properties
        );
        // Added as one edit with KW6's stop 2 moved to 3; K1 untouched.
        let Edit::Group { edits } = form.edit(&park, 3) else {
            panic!("expected a group");
        };
        assert_eq!(edits.len(), 2);
        assert!(matches!(
            &edits[0],
            Edit::SetAttribute { index: 1, after: Some(v), .. } if v.as_u64() == Some(3)
        ));
        assert!(matches!(edits[1], Edit::AddFeature { index: 3, .. }));
        form.renumber = false;
        assert!(matches!(form.edit(&park, 3), Edit::AddFeature { .. }));
        assert!(
            d.properties
                .contains(&("站点名称".into(), Value::String("拟建站".into())))
        );
    }

    #[test]
    fn changing_the_route_renumbers_the_new_stop() {
        let park = stops();
        let g = Geometry::Point(geo::Point::new(112.305, 30.301));
        let mut form = FeatureForm::new(&park, 0, g, Some(0), Lang::Zh).unwrap();
        form.set("线路", "K1");
        form.fill_for_route(true);
        let row =
            |f: &FeatureForm, k: &str| f.rows.iter().find(|r| r.key == k).unwrap().value.clone();
        assert_eq!(row(&form, "序号"), "10");
        assert_eq!(form.id, "ZD-K1-010");
        form.set("线路", "KW6");
        form.fill_for_route(true);
        assert_eq!(row(&form, "序号"), "2");
        assert_eq!(form.id, "ZD-KW6-003");
    }

    #[test]
    fn typed_text_keeps_the_column_type() {
        assert_eq!(text_to_value("12", ColumnType::Int, false), Value::from(12));
        assert_eq!(
            text_to_value("1.5", ColumnType::Float, false),
            Value::from(1.5)
        );
        assert_eq!(
            text_to_value("12 人", ColumnType::Int, false),
            Value::String("12 人".into())
        );
        assert_eq!(
            text_to_value("007", ColumnType::Text, false),
            Value::String("007".into()),
            "codes stay strings"
        );
        assert_eq!(
            text_to_value("350", ColumnType::Empty, true),
            Value::from(350)
        );
        assert_eq!(
            text_to_value("是", ColumnType::Bool, false),
            Value::Bool(true)
        );
        assert_eq!(
            text_to_value("[1,2]", ColumnType::Json, false),
            serde_json::json!([1, 2])
        );
    }

    #[test]
    fn ids_continue_the_most_common_pattern() {
        let park = stops();
        assert_eq!(next_id(&park.layers[0], None), "ZD-KW6-003");
        assert_eq!(next_id(&park.layers[0], Some(2)), "ZD-K1-010");
        let empty = Layer::default();
        assert_eq!(next_id(&empty, None), "NEW-1");
    }

    #[test]
    fn a_stop_off_its_route_brings_the_line_to_it_and_gets_a_name() {
        let mut park = stops();
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"线路名称":"KW6"},"geometry":{"type":"LineString","coordinates":[[112.30,30.30],[112.31,30.30],[112.32,30.30]]}}]}"#;
        let opts = LayerOptions {
            role: Some(Role::BusRoutes),
            ..LayerOptions::default()
        };
        let (routes, _) = read_layer_bytes(text.as_bytes(), "线路.geojson", &opts, None).unwrap();
        park = Park::from_layers("t", vec![park.layers.remove(0), routes]);
        // 221 m north of KW6's line.
        let g = Geometry::Point(geo::Point::new(112.305, 30.302));
        let mut form = FeatureForm::new(&park, 0, g, Some(1), Lang::Zh).unwrap();
        let (fit, _) = form.route_fit(&park).expect("KW6 has a line");
        assert!(fit.is_off_route(), "{} m", fit.distance_m);
        form.name_if_empty(&park);
        let name = form.auto_named.clone().expect("a generated name");
        assert!(name.starts_with("KW6 新站"), "{name}");
        let Edit::Group { edits } = form.edit(&park, 3) else {
            panic!("expected a group");
        };
        assert!(
            edits.iter().any(|e| matches!(
                e,
                Edit::SetGeometry {
                    layer: 1,
                    index: 0,
                    ..
                }
            )),
            "the route's line is rerouted in the same step"
        );
        // On the line: no route edit, no warning.
        let g = Geometry::Point(geo::Point::new(112.305, 30.3001));
        let form = FeatureForm::new(&park, 0, g, Some(1), Lang::Zh).unwrap();
        assert!(!form.route_fit(&park).unwrap().0.is_off_route());
        let group = form.edit(&park, 3);
        let has_route_edit = match &group {
            Edit::Group { edits } => edits.iter().any(|e| matches!(e, Edit::SetGeometry { .. })),
            _ => false,
        };
        assert!(!has_route_edit);
    }
}
