//! The attribute table of one layer: every original property as a column, sort by any
//! column (numbers as numbers), filter rows by text in any column, click a row to
//! select and zoom to its feature, double-click it to open its feature information.
//! Headers are unique (a mapped column shows the field and the original name); columns
//! start at their content's width and can be resized. Virtualised, so 100k rows scroll
//! smoothly.
//!
//! The row order is computed when the layer, filter or sort changes and cached.

use eframe::egui::{self, RichText};
use egui_extras::{Column, TableBuilder};

pub use crate::model::rows::{SortKey, column_headers, compare_values, row_order};
use crate::model::{FeatureRef, Lang};
use crate::ui::command::Command;
use crate::ui::i18n::{Msg, field_label, group_digits};
use crate::ui::panels::inspector::value_text;
use crate::ui::session::Session;

#[derive(Debug, Clone, PartialEq)]
struct CacheKey {
    generation: u64,
    layer: usize,
    filter: String,
    sort: SortKey,
    ascending: bool,
}

/// The table's own state.
#[derive(Debug)]
pub struct TablePanel {
    /// The layer shown.
    pub layer: Option<usize>,
    /// The filter text.
    pub filter: String,
    /// The sort column.
    pub sort: SortKey,
    /// Ascending order.
    pub ascending: bool,
    rows: Vec<u32>,
    key: Option<CacheKey>,
    last_selection: Option<FeatureRef>,
}

impl Default for TablePanel {
    fn default() -> Self {
        TablePanel {
            layer: None,
            filter: String::new(),
            sort: SortKey::Row,
            ascending: true,
            rows: Vec::new(),
            key: None,
            last_selection: None,
        }
    }
}

impl TablePanel {
    /// Shows the table. `generation` changes whenever a new park is loaded.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        session: Option<&Session>,
        generation: u64,
        selection: Option<FeatureRef>,
        lang: Lang,
        cmds: &mut Vec<Command>,
    ) {
        let Some(session) = session else {
            return;
        };
        if self.layer.is_none_or(|l| l >= session.ws.park.layers.len()) {
            self.layer = session.list_order().first().copied();
        }
        let Some(li) = self.layer else {
            return;
        };
        ui.horizontal(|ui| {
            ui.strong(Msg::PanelTable.text(lang));
            egui::ComboBox::from_id_salt("table-layer")
                .selected_text(session.ws.park.layers[li].name.clone())
                .show_ui(ui, |ui| {
                    for l in session.list_order() {
                        ui.selectable_value(
                            &mut self.layer,
                            Some(l),
                            &session.ws.park.layers[l].name,
                        );
                    }
                })
                .response
                .accessible_name(Msg::ChooseLayer.text(lang));
            ui.add(
                egui::TextEdit::singleline(&mut self.filter)
                    .hint_text(Msg::FilterHint.text(lang))
                    .desired_width(220.0),
            );
            if !self.filter.is_empty() && ui.small_button(Msg::Clear.text(lang)).clicked() {
                self.filter.clear();
            }
            ui.weak(format!(
                "{} / {} {}",
                group_digits(self.rows.len()),
                group_digits(session.ws.park.layers[li].len()),
                Msg::RowsShown.text(lang)
            ));
        });
        let li = self.layer.unwrap_or(li);
        let layer = &session.ws.park.layers[li];
        let key = CacheKey {
            generation,
            layer: li,
            filter: self.filter.clone(),
            sort: self.sort,
            ascending: self.ascending,
        };
        if self.key.as_ref() != Some(&key) {
            self.rows = row_order(layer, &self.filter, self.sort, self.ascending);
            self.key = Some(key);
        }
        // Scroll to a feature selected elsewhere (map, search).
        let mut scroll_to = None;
        if selection != self.last_selection {
            self.last_selection = selection;
            if let Some(s) = selection
                && s.layer as usize == li
            {
                scroll_to = self.rows.iter().position(|&r| r == s.index);
            }
        }

        let cols = layer.attributes.columns();
        let row_label = Msg::RowCol.text(lang);
        let id_label = Msg::IdLabel.text(lang);
        let headers = column_headers(layer, |f| field_label(lang, f), &[row_label, id_label]);
        let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        // Cell text is not selectable, so a click anywhere on a row selects the row.
        ui.style_mut().interaction.selectable_labels = false;
        let mut table = TableBuilder::new(ui)
            .id_salt(("attr-table", li))
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .auto_shrink([false, false])
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::auto().at_least(36.0))
            .column(Column::auto().at_least(60.0).at_most(220.0).clip(true));
        for _ in cols {
            table = table.column(Column::auto().at_least(40.0).at_most(360.0).clip(true));
        }
        if let Some(r) = scroll_to {
            table = table.scroll_to_row(r, Some(egui::Align::Center));
        }
        let mut clicked_sort = None;
        table
            .header(row_h + 2.0, |mut h| {
                let mut head =
                    |h: &mut egui_extras::TableRow<'_, '_>, label: String, key: SortKey| {
                        h.col(|ui| {
                            let arrow = if self.sort == key {
                                if self.ascending { " ↑" } else { " ↓" }
                            } else {
                                ""
                            };
                            if ui
                                .add(
                                    egui::Button::new(
                                        RichText::new(format!("{label}{arrow}")).strong(),
                                    )
                                    .frame(false),
                                )
                                .clicked()
                            {
                                clicked_sort = Some(key);
                            }
                        });
                    };
                head(&mut h, row_label.to_string(), SortKey::Row);
                head(&mut h, id_label.to_string(), SortKey::Id);
                for (c, header) in headers.iter().enumerate() {
                    head(&mut h, header.clone(), SortKey::Attr(c));
                }
            })
            .body(|body| {
                body.rows(row_h, self.rows.len(), |mut row| {
                    let r = self.rows[row.index()] as usize;
                    let f = FeatureRef {
                        layer: li as u32,
                        index: r as u32,
                    };
                    row.set_selected(selection == Some(f));
                    row.col(|ui| {
                        ui.weak((r + 1).to_string());
                    });
                    row.col(|ui| {
                        ui.label(layer.display_id(r));
                    });
                    for col in cols {
                        row.col(|ui| {
                            ui.label(value_text(&col.get(r), lang));
                        });
                    }
                    let response = row.response();
                    if response.double_clicked() {
                        cmds.push(Command::SelectAndZoom(f));
                        cmds.push(Command::ShowPanel(
                            crate::ui::command::PanelId::Inspector,
                            true,
                        ));
                    } else if response.clicked() {
                        cmds.push(Command::SelectAndZoom(f));
                    }
                });
            });
        if let Some(k) = clicked_sort {
            if self.sort == k {
                self.ascending = !self.ascending;
            } else {
                self.sort = k;
                self.ascending = true;
            }
        }
    }
}
