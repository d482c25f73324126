//! The inspector: everything about the selected feature. Its layer, id, geometry,
//! location, geodesic area or length, the role's field mapping with the mapped values,
//! every original survey property (`layer.attributes.row(i)`), and any foreign members.
//!
//! With "edit attributes" on, every property is a text field: a changed value is sent
//! as an [`crate::model::Edit::SetAttribute`] (undoable) when the field loses focus or
//! Enter is pressed, keeping the column's type; a new property can be added.
//!
//! Reads the session and the selection; zooming and edits are [`Command`]s.

use eframe::egui::{self, RichText};
use geo::{Geodesic, GeodesicArea, Length};

use crate::model::attributes::ColumnType;
use crate::model::layer::geometry_type_name;
use crate::model::units::{SquareMeters, format_area, format_distance};
use crate::model::{Edit, FeatureRef, Lang, Meters, PropValue, lines_of, polygons_of};
use crate::render::Focus;
use crate::ui::command::Command;
use crate::ui::form::{is_numeric_field, text_to_value};
use crate::ui::i18n::{self, Msg, field_label};
use crate::ui::session::Session;

/// The inspector's own state: attribute editing.
#[derive(Debug, Default)]
pub struct InspectorPanel {
    /// Whether properties are editable.
    pub editing: bool,
    /// The text in each property's field, for the feature and park version they show.
    buffers: std::collections::HashMap<String, String>,
    buffers_for: Option<(FeatureRef, u64)>,
    new_key: String,
    new_value: String,
    /// What serves the enterprise shown, with the results it was found in and the
    /// enterprise: found once per selection, not every frame. (A weak reference keeps
    /// the results' address from being reused, so newer results are never mistaken
    /// for these.)
    links: Option<Links>,
}

/// What serves one enterprise, for one set of results.
type Links = (
    std::sync::Weak<crate::workspace::Results>,
    u32,
    crate::analysis::EnterpriseLinks,
);

/// A property's value as the text to edit (null and absent edit as empty).
fn edit_text(v: &PropValue<'_>) -> String {
    match v {
        PropValue::Absent | PropValue::Null => String::new(),
        other => other
            .as_text()
            .map(|c| c.into_owned())
            .or_else(|| other.to_json_text())
            .unwrap_or_default(),
    }
}

/// A property value as text ("(null)" for JSON null, JSON text for objects/arrays).
pub fn value_text(v: &PropValue<'_>, lang: Lang) -> String {
    match v {
        PropValue::Absent => String::new(),
        PropValue::Null => Msg::NullValue.text(lang).to_string(),
        other => other
            .as_text()
            .map(|c| c.into_owned())
            .or_else(|| other.to_json_text())
            .unwrap_or_default(),
    }
}

impl InspectorPanel {
    /// Shows the panel.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        session: Option<&Session>,
        selection: Option<FeatureRef>,
        lang: Lang,
        cmds: &mut Vec<Command>,
    ) {
        let (Some(session), Some(f)) = (session, selection) else {
            ui.weak(Msg::NothingSelected.text(lang));
            return;
        };
        let Some(layer) = session.ws.park.layer_of(f) else {
            return;
        };
        let i = f.index as usize;
        ui.label(RichText::new(session.feature_name(f)).strong().size(16.0));
        ui.horizontal(|ui| {
            if ui.small_button(Msg::ZoomFeature.text(lang)).clicked() {
                cmds.push(Command::ZoomFeature(f));
            }
            if ui.small_button(Msg::ClearSelection.text(lang)).clicked() {
                cmds.push(Command::Select(None));
            }
            if ui
                .small_button(Msg::DeleteFeatureButton.text(lang))
                .clicked()
            {
                cmds.push(Command::DeleteSelected);
            }
        });
        if self.buffers_for != Some((f, session.park_version)) {
            self.buffers.clear();
            self.buffers_for = Some((f, session.park_version));
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::Grid::new("inspector-head")
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| {
                        ui.label(Msg::LayerLabel.text(lang));
                        ui.label(format!("{} ({})", layer.name, layer.role.label(lang)));
                        ui.end_row();
                        ui.label(Msg::IdLabel.text(lang));
                        ui.label(layer.display_id(i));
                        ui.end_row();
                        let g = layer.geometries.get(i).and_then(|g| g.as_ref());
                        ui.label(Msg::GeometryLabel.text(lang));
                        ui.label(geometry_type_name(g));
                        ui.end_row();
                        if let Some(ll) = session.feature_lon_lat(f) {
                            ui.label(Msg::LocationLabel.text(lang));
                            ui.label(format!("{:.6}, {:.6}", ll[0], ll[1]));
                            ui.end_row();
                        }
                        if let Some(g) = g {
                            let polys = polygons_of(g);
                            if !polys.0.is_empty() {
                                let measured = SquareMeters(polys.geodesic_area_unsigned());
                                ui.label(Msg::AreaLabel.text(lang));
                                ui.label(format_area(measured));
                                ui.end_row();
                                // A parcel's declared area beside the measured one.
                                if let Some(declared) = session
                                    .ws
                                    .park
                                    .parcels
                                    .iter()
                                    .find(|p| p.feature == f)
                                    .and_then(|p| p.declared_area)
                                {
                                    ui.label(Msg::DeclaredArea.text(lang));
                                    ui.label(crate::ui::i18n::fmt_declared_vs_measured(
                                        lang,
                                        declared.0,
                                        measured.to_mu().0,
                                    ));
                                    ui.end_row();
                                }
                            }
                            let lines = lines_of(g);
                            if !lines.0.is_empty() {
                                ui.label(Msg::LengthLabel.text(lang));
                                ui.label(format_distance(Meters(Geodesic.length(&lines))));
                                ui.end_row();
                            }
                        }
                    });

                service_section(ui, session, f, lang, &mut self.links, cmds);

                if !layer.fields.is_empty() {
                    ui.add_space(6.0);
                    egui::CollapsingHeader::new(
                        RichText::new(Msg::MappedFields.text(lang)).strong(),
                    )
                    .default_open(true)
                    .show(ui, |ui| {
                        egui::Grid::new("inspector-fields")
                            .num_columns(3)
                            .striped(true)
                            .show(ui, |ui| {
                                ui.weak(Msg::ModelFieldCol.text(lang));
                                ui.weak(Msg::PropertyCol.text(lang));
                                ui.weak(Msg::ValueCol.text(lang));
                                ui.end_row();
                                for (field, col) in &layer.fields {
                                    ui.label(field_label(lang, *field));
                                    ui.weak(col);
                                    ui.label(value_text(&layer.attributes.get(i, col), lang));
                                    ui.end_row();
                                }
                            });
                    });
                }

                ui.add_space(6.0);
                egui::CollapsingHeader::new(
                    RichText::new(Msg::OriginalProperties.text(lang)).strong(),
                )
                .default_open(true)
                .show(ui, |ui| {
                    ui.checkbox(&mut self.editing, Msg::EditAttributes.text(lang));
                    egui::Grid::new("inspector-props")
                        .num_columns(2)
                        .striped(true)
                        .show(ui, |ui| {
                            for (name, v) in layer.attributes.row(i) {
                                if matches!(v, PropValue::Absent) {
                                    continue;
                                }
                                ui.label(name);
                                if self.editing {
                                    let original = edit_text(&v);
                                    let buf = self
                                        .buffers
                                        .entry(name.to_string())
                                        .or_insert_with(|| original.clone());
                                    let r = ui
                                        .add(egui::TextEdit::singleline(buf).desired_width(180.0))
                                        .accessible_name(name);
                                    let commit = r.lost_focus()
                                        || (r.has_focus()
                                            && ui.input(|i| i.key_pressed(egui::Key::Enter)));
                                    if commit && *buf != original {
                                        let kind = layer
                                            .attributes
                                            .column(name)
                                            .map(|c| c.column_type())
                                            .unwrap_or(ColumnType::Text);
                                        let numeric = layer
                                            .fields
                                            .iter()
                                            .any(|(f, c)| c == name && is_numeric_field(*f));
                                        cmds.push(Command::Edit(Edit::SetAttribute {
                                            layer: f.layer as usize,
                                            index: i,
                                            key: name.to_string(),
                                            before: v.to_json_value(),
                                            after: Some(text_to_value(buf, kind, numeric)),
                                        }));
                                    }
                                } else {
                                    let t = value_text(&v, lang);
                                    ui.add(egui::Label::new(t).wrap());
                                }
                                ui.end_row();
                            }
                        });
                    if self.editing {
                        ui.horizontal(|ui| {
                            ui.add(
                                egui::TextEdit::singleline(&mut self.new_key)
                                    .hint_text(Msg::NewProperty.text(lang))
                                    .desired_width(100.0),
                            )
                            .accessible_name(Msg::NewProperty.text(lang));
                            ui.add(
                                egui::TextEdit::singleline(&mut self.new_value)
                                    .hint_text(Msg::ValueCol.text(lang))
                                    .desired_width(100.0),
                            )
                            .accessible_name(Msg::ValueCol.text(lang));
                            let key = self.new_key.trim().to_string();
                            let exists =
                                !matches!(layer.attributes.get(i, &key), PropValue::Absent);
                            if ui
                                .add_enabled(
                                    !key.is_empty() && !exists,
                                    egui::Button::new(Msg::AddProperty.text(lang)),
                                )
                                .clicked()
                            {
                                let numeric = layer
                                    .fields
                                    .iter()
                                    .any(|(fl, c)| *c == key && is_numeric_field(*fl));
                                let kind = layer
                                    .attributes
                                    .column(&key)
                                    .map(|c| c.column_type())
                                    .unwrap_or(ColumnType::Text);
                                cmds.push(Command::Edit(Edit::SetAttribute {
                                    layer: f.layer as usize,
                                    index: i,
                                    key,
                                    before: None,
                                    after: Some(text_to_value(&self.new_value, kind, numeric)),
                                }));
                                self.new_key.clear();
                                self.new_value.clear();
                            }
                        });
                    }
                });

                if let Some(extras) = layer.extras.get(&i)
                    && (!extras.members.is_empty() || !extras.geometry_members.is_empty())
                {
                    ui.add_space(6.0);
                    egui::CollapsingHeader::new(
                        RichText::new(Msg::ForeignMembers.text(lang)).strong(),
                    )
                    .default_open(false)
                    .show(ui, |ui| {
                        for (k, v) in extras.members.iter().chain(&extras.geometry_members) {
                            ui.label(format!("{k}: {v}"));
                        }
                    });
                }
            });
    }
}

/// What serves the selected enterprise (facilities covering it, nearest facility of
/// each kind, routes and nearest stop), or what a selected facility or route serves.
fn service_section(
    ui: &mut egui::Ui,
    s: &Session,
    f: FeatureRef,
    lang: Lang,
    links: &mut Option<Links>,
    cmds: &mut Vec<Command>,
) {
    let Some(results) = s.ws.studies.results.as_ref() else {
        return;
    };
    let r = results.as_ref();
    let park = &s.ws.park;
    let metres = |d: f32| {
        if d >= 1000.0 {
            format!("{:.2} km", d / 1000.0)
        } else {
            format!("{d:.0} m")
        }
    };
    if let Some(e) = park.enterprises.iter().position(|x| x.feature == f) {
        let current = links.as_ref().is_some_and(|(of, at, _)| {
            std::sync::Weak::ptr_eq(of, &std::sync::Arc::downgrade(results)) && *at as usize == e
        });
        if !current {
            *links = Some((
                std::sync::Arc::downgrade(results),
                e as u32,
                crate::analysis::EnterpriseLinks::of(&r.analysis, e as u32),
            ));
        }
        let Some((_, _, l)) = links.as_ref() else {
            return;
        };
        ui.add_space(6.0);
        egui::CollapsingHeader::new(RichText::new(Msg::ServedBy.text(lang)).strong())
            .default_open(true)
            .show(ui, |ui| {
                let served = l.served_by.as_slice();
                ui.label(i18n::fmt_within_circles(lang, served.len()));
                for &(fi, d) in served {
                    if let Some(fac) = park.facilities.get(fi as usize)
                        && ui
                            .link(format!(
                                "{}（{}）{}",
                                fac.name,
                                fac.kind.label(lang),
                                metres(d)
                            ))
                            .clicked()
                    {
                        cmds.push(Command::Focus(Focus::Facility(fi)));
                        cmds.push(Command::ShowPanel(
                            crate::ui::command::PanelId::Analysis,
                            true,
                        ));
                        cmds.push(Command::ZoomAround(
                            fac.feature,
                            r.analysis.settings.radius(fac.kind),
                        ));
                    }
                }
                ui.add_space(4.0);
                ui.weak(Msg::NearestFacilityOfEachKind.text(lang));
                egui::Grid::new("nearest-kinds")
                    .num_columns(3)
                    .striped(true)
                    .show(ui, |ui| {
                        for &k in &r.analysis.nearest.kinds {
                            let Some((fi, d)) = r.analysis.nearest.get(e, k) else {
                                continue;
                            };
                            let Some(fac) = park.facilities.get(fi as usize) else {
                                continue;
                            };
                            let inside = (d as f64) <= r.analysis.settings.radius(k);
                            ui.label(k.label(lang));
                            if ui.link(&fac.name).clicked() {
                                cmds.push(Command::SelectAndZoom(fac.feature));
                            }
                            let t = RichText::new(metres(d));
                            ui.label(if inside {
                                t.color(ui.visuals().text_color()).strong()
                            } else {
                                t.color(ui.visuals().warn_fg_color)
                            })
                            .on_hover_text(if inside {
                                Msg::WithinTheServiceRadius.text(lang)
                            } else {
                                Msg::BeyondTheServiceRadius.text(lang)
                            });
                            ui.end_row();
                        }
                    });
                ui.add_space(4.0);
                let routes: Vec<&str> = l
                    .routes
                    .iter()
                    .filter_map(|&ri| park.routes.get(ri as usize).map(|x| x.name.as_str()))
                    .collect();
                ui.label(format!(
                    "{} ({}): {}",
                    Msg::BusRoutes.text(lang),
                    metres(r.analysis.settings.catchment_m as f32),
                    if routes.is_empty() {
                        Msg::NoneWord.text(lang).to_string()
                    } else {
                        routes.join("、")
                    }
                ));
                if let Some(index) = &s.ws.index
                    && let Some(xy) = index.enterprise_xy.get(e)
                    && let Some((si, d)) = index.stops.nearest(*xy)
                    && let Some(stop) = park.stops.get(si as usize)
                {
                    ui.horizontal(|ui| {
                        ui.label(Msg::NearestStop.text(lang));
                        let route = stop.route.clone().unwrap_or_default();
                        if ui.link(format!("{} {route}", stop.name)).clicked() {
                            cmds.push(Command::SelectAndZoom(stop.feature));
                        }
                        ui.label(metres(d as f32));
                    });
                }
            });
    } else if let Some(fi) = park.facilities.iter().position(|x| x.feature == f) {
        if let Some(fc) = r.analysis.coverage.facilities.get(fi) {
            ui.add_space(6.0);
            ui.label(format!(
                "{} · {} {} · {}",
                crate::ui::panels::analysis::covered_label(lang, fc.covered.len()),
                Msg::EmployeesLower.text(lang),
                fc.employees,
                i18n::fmt_radius(lang, fc.radius_m)
            ));
            if ui.button(Msg::ShowServiceCircle.text(lang)).clicked() {
                cmds.push(Command::Focus(Focus::Facility(fi as u32)));
                cmds.push(Command::ShowPanel(
                    crate::ui::command::PanelId::Analysis,
                    true,
                ));
                cmds.push(Command::ZoomAround(f, fc.radius_m));
            }
        }
    } else {
        let route = park.routes.iter().position(|x| x.feature == f).or_else(|| {
            let stop = park.stops.iter().find(|x| x.feature == f)?;
            let name = stop.route.as_deref()?;
            park.routes
                .iter()
                .position(|x| x.name == name || x.id == name)
        });
        if let Some(ri) = route
            && let Some(rt) = park.routes.get(ri)
        {
            ui.add_space(6.0);
            if ui.button(i18n::fmt_show_route(lang, &rt.name)).clicked() {
                cmds.push(Command::Focus(Focus::Route(ri as u32)));
                cmds.push(Command::ShowPanel(
                    crate::ui::command::PanelId::Analysis,
                    true,
                ));
            }
        }
    }
}
