//! The inspector: everything about the selected feature. Its layer, id, geometry,
//! location, geodesic area or length, the role's field mapping with the mapped values,
//! every original survey property (`layer.attributes.row(i)`), and any foreign members.
//!
//! Reads the session and the selection; zooming is a [`Command`].

use eframe::egui::{self, RichText};
use geo::{Geodesic, GeodesicArea, Length};

use crate::model::layer::geometry_type_name;
use crate::model::units::{SquareMeters, format_area, format_distance};
use crate::model::{FeatureRef, Lang, Meters, PropValue, lines_of, polygons_of};
use crate::ui::command::Command;
use crate::ui::i18n::{Msg, field_label};
use crate::ui::session::Session;

/// The inspector's own state: none.
#[derive(Debug, Default)]
pub struct InspectorPanel;

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
        ui.heading(Msg::PanelInspector.text(lang));
        ui.separator();
        let (Some(session), Some(f)) = (session, selection) else {
            ui.weak(Msg::NothingSelected.text(lang));
            return;
        };
        let Some(layer) = session.park.layer_of(f) else {
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
        });
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
                                ui.label(Msg::AreaLabel.text(lang));
                                ui.label(format_area(SquareMeters(polys.geodesic_area_unsigned())));
                                ui.end_row();
                            }
                            let lines = lines_of(g);
                            if !lines.0.is_empty() {
                                ui.label(Msg::LengthLabel.text(lang));
                                ui.label(format_distance(Meters(Geodesic.length(&lines))));
                                ui.end_row();
                            }
                        }
                    });

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
                    egui::Grid::new("inspector-props")
                        .num_columns(2)
                        .striped(true)
                        .show(ui, |ui| {
                            for (name, v) in layer.attributes.row(i) {
                                if matches!(v, PropValue::Absent) {
                                    continue;
                                }
                                ui.label(name);
                                let t = value_text(&v, lang);
                                ui.add(egui::Label::new(t).wrap());
                                ui.end_row();
                            }
                        });
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
