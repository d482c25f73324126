//! The layers panel: one row per layer in list order (top = drawn on top, as in QGIS)
//! with a visibility check box, feature and problem counts, move up/down, and the
//! legend (swatches with category counts, from `render::style`); the open details hold
//! opacity, style choice, label toggle, source details, zoom and table buttons.
//!
//! Reads the session; every change is a [`Command`].

use std::collections::HashMap;

use eframe::egui::{self, RichText};

use crate::model::Lang;
use crate::render::{LegendGroup, legend_for};
use crate::ui::command::{Command, LayerChange, PanelId};
use crate::ui::i18n::{Msg, group_digits};
use crate::ui::session::Session;
use crate::ui::styles;

/// The panel's own state: the legends, computed once per style change (counting the
/// features of each category classifies every feature of the layer).
#[derive(Debug, Default)]
pub struct LayersPanel {
    legends: HashMap<usize, Option<LegendGroup>>,
    key: Option<(u64, u64, Lang)>,
}

impl LayersPanel {
    /// Shows the panel.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        session: Option<&Session>,
        generation: u64,
        lang: Lang,
        cmds: &mut Vec<Command>,
    ) {
        ui.heading(Msg::PanelLayers.text(lang));
        ui.separator();
        let Some(session) = session else {
            ui.weak(Msg::NoLayers.text(lang));
            return;
        };
        ui.label(RichText::new(&session.ws.park.name).strong());
        let key = (generation, session.styles_version, lang);
        if self.key != Some(key) {
            self.legends.clear();
            self.key = Some(key);
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                // Long names are elided ("…", full text on hover) rather than widening
                // the panel past the width it was given.
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                let order = session.list_order();
                let n = order.len();
                for (pos, &li) in order.iter().enumerate() {
                    let (Some(layer), Some(d)) =
                        (session.ws.park.layers.get(li), session.display(li))
                    else {
                        continue;
                    };
                    let info = session.info.get(li).copied().unwrap_or_default();
                    ui.push_id(("layer", li), |ui| {
                        ui.horizontal(|ui| {
                            let mut visible = d.visible;
                            if ui
                                .checkbox(&mut visible, &layer.name)
                                .on_hover_text(Msg::Visible.text(lang))
                                .changed()
                            {
                                cmds.push(Command::Layer(li, LayerChange::Visible(visible)));
                            }
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    if ui
                                        .add_enabled(pos + 1 < n, egui::Button::new("↓").small())
                                        .on_hover_text(Msg::MoveDown.text(lang))
                                        .clicked()
                                    {
                                        cmds.push(Command::Layer(li, LayerChange::Move(1)));
                                    }
                                    if ui
                                        .add_enabled(pos > 0, egui::Button::new("↑").small())
                                        .on_hover_text(Msg::MoveUp.text(lang))
                                        .clicked()
                                    {
                                        cmds.push(Command::Layer(li, LayerChange::Move(-1)));
                                    }
                                    if info.problems > 0 {
                                        let t = RichText::new(format!(
                                            "{} {}",
                                            info.problems,
                                            Msg::Problems.text(lang)
                                        ))
                                        .color(ui.visuals().warn_fg_color)
                                        .small();
                                        if ui
                                            .add(egui::Label::new(t).sense(egui::Sense::click()))
                                            .on_hover_text(Msg::PanelReport.text(lang))
                                            .clicked()
                                        {
                                            cmds.push(Command::ShowPanel(PanelId::Report, true));
                                        }
                                    }
                                    ui.weak(RichText::new(group_digits(info.features)).small())
                                        .on_hover_text(format!(
                                            "{} {}",
                                            group_digits(info.features),
                                            Msg::Features.text(lang)
                                        ));
                                },
                            );
                        });
                        if d.visible {
                            ui.indent(("legend", li), |ui| {
                                // Counted on the park as drawn (as of the projects
                                // panel's day, when one is set).
                                let drawn = session.drawn_park();
                                let legend = self
                                    .legends
                                    .entry(li)
                                    .or_insert_with(|| legend_for(&drawn.layers, d, lang));
                                if let Some(g) = legend {
                                    styles::legend(ui, g);
                                }
                            });
                        }
                        egui::CollapsingHeader::new(
                            RichText::new(Msg::LayerDetails.text(lang)).small(),
                        )
                        .id_salt(("details", li))
                        .default_open(false)
                        .show(ui, |ui| details(ui, session, li, lang, cmds));
                    });
                    ui.separator();
                }
            });
    }
}

fn details(ui: &mut egui::Ui, session: &Session, li: usize, lang: Lang, cmds: &mut Vec<Command>) {
    let (Some(layer), Some(d)) = (session.ws.park.layers.get(li), session.display(li)) else {
        return;
    };
    egui::Grid::new(("layer-grid", li))
        .num_columns(2)
        .show(ui, |ui| {
            ui.label(Msg::Opacity.text(lang));
            let mut op = d.style.opacity;
            if ui
                .add(egui::Slider::new(&mut op, 0.0..=1.0).fixed_decimals(2))
                .accessible_name(Msg::Opacity.text(lang))
                .changed()
            {
                cmds.push(Command::Layer(li, LayerChange::Opacity(op)));
            }
            ui.end_row();

            ui.label(Msg::Style.text(lang));
            let options = styles::options(layer);
            let choice = session.style_choice.get(li).copied().unwrap_or(0);
            let current = options
                .get(choice)
                .map(|(n, _)| n.text(lang).to_string())
                .unwrap_or_default();
            egui::ComboBox::from_id_salt(("style", li))
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for (i, (name, _)) in options.iter().enumerate() {
                        if ui.selectable_label(i == choice, name.text(lang)).clicked() {
                            cmds.push(Command::Layer(li, LayerChange::Style(i)));
                        }
                    }
                })
                .response
                .accessible_name(Msg::Style.text(lang));
            ui.end_row();

            ui.label(Msg::Labels.text(lang));
            let mut labels = d.style.labels_visible;
            if ui
                .checkbox(&mut labels, "")
                .accessible_name(Msg::Labels.text(lang))
                .changed()
            {
                cmds.push(Command::Layer(li, LayerChange::Labels(labels)));
            }
            ui.end_row();

            ui.label(Msg::RoleLabel.text(lang));
            ui.label(layer.role.label(lang))
                .on_hover_text(&layer.role_reason);
            ui.end_row();

            if let Some(path) = &layer.source.path {
                ui.label(Msg::SourceLabel.text(lang));
                let name = path
                    .file_name()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                ui.label(name).on_hover_text(path.display().to_string());
                ui.end_row();
            }
            if let Some(crs) = &layer.source.crs {
                ui.label(Msg::CrsLabel.text(lang));
                ui.label(crs.crs.code()).on_hover_text(format!(
                    "{}\n{}",
                    crs.crs.describe(),
                    crs.reason
                ));
                ui.end_row();
                // An older datum read without the survey's parameters: said where the
                // layer is described, not only in the report.
                if let (Some(datum), None) = (crs.crs.old_datum(), crs.shift) {
                    ui.label("");
                    ui.add(
                        egui::Label::new(
                            egui::RichText::new(
                                crate::import::Issue::DatumShiftMissing {
                                    crs: crs.crs.code(),
                                    datum: datum.name(),
                                }
                                .message(lang),
                            )
                            .color(ui.visuals().warn_fg_color)
                            .small(),
                        )
                        .wrap(),
                    );
                    ui.end_row();
                }
            }
            ui.label(Msg::EncodingLabel.text(lang));
            ui.label(layer.source.encoding.name());
            ui.end_row();
        });
    ui.horizontal(|ui| {
        if ui.small_button(Msg::ZoomLayer.text(lang)).clicked() {
            cmds.push(Command::ZoomLayer(li));
        }
        if ui.small_button(Msg::OpenTable.text(lang)).clicked() {
            cmds.push(Command::OpenTable(li));
        }
        if ui
            .small_button(Msg::SaveLayerAsGeoJson.text(lang))
            .clicked()
        {
            cmds.push(Command::SaveLayerAs(li));
        }
    });
}
