//! The bridge between the layers panel and `render::style`: the style choices each layer
//! offers (built from the styles `render::style` defines) and the legend with swatches
//! and category counts (`render::legend_for`), painted with egui.
//!
//! No colour is defined here.

use eframe::egui::{self, Sense, pos2, vec2};

use super::i18n::{Msg, group_digits};
use super::map::canvas::{color, stroke};
use crate::model::{Layer, Role};
use crate::render::LegendGroup;
use crate::render::style::{LayerStyle, MarkerShape, SwatchKind, Symbol, Symbology};

/// The style options of a layer: (name in both languages, style), the default first.
pub fn options(layer: &Layer) -> Vec<(Msg, LayerStyle)> {
    let default = LayerStyle::default_for(layer);
    let single = single_of(&default);
    match layer.role {
        Role::Parcels => vec![
            (Msg::StyleLandUse, default),
            (Msg::StyleStatus, LayerStyle::parcels_by_status()),
            (Msg::StyleSingle, single),
        ],
        Role::Projects => vec![(Msg::StyleStage, default), (Msg::StyleSingle, single)],
        Role::Enterprises => vec![(Msg::StyleEmployees, default), (Msg::StyleSingle, single)],
        Role::Facilities => vec![(Msg::StyleKind, default), (Msg::StyleSingle, single)],
        Role::Roads => vec![(Msg::StyleRoadClass, default), (Msg::StyleSingle, single)],
        _ => vec![(Msg::StyleSingle, default)],
    }
}

/// The same style drawn with one symbol (its first), keeping labels.
fn single_of(style: &LayerStyle) -> LayerStyle {
    let symbol = style
        .symbology
        .symbols()
        .first()
        .map(|s| (*s).clone())
        .unwrap_or_else(|| Symbol::line(crate::render::style::Rgba::BLACK, 1.0));
    LayerStyle {
        symbology: Symbology::Single { symbol },
        ..style.clone()
    }
}

/// Paints one legend swatch for a symbol.
pub fn swatch(ui: &mut egui::Ui, symbol: &Symbol, kind: SwatchKind) {
    let (rect, _) = ui.allocate_exact_size(vec2(22.0, 14.0), Sense::hover());
    let p = ui.painter_at(rect.expand(1.0));
    match kind {
        SwatchKind::Area => {
            let r = rect.shrink2(vec2(2.0, 1.0));
            p.rect_filled(
                r,
                1.0,
                symbol.fill.map_or(egui::Color32::TRANSPARENT, color),
            );
            if let Some(s) = &symbol.stroke {
                p.rect_stroke(r, 1.0, stroke(s), egui::StrokeKind::Inside);
            }
        }
        SwatchKind::Line => {
            let y = rect.center().y;
            let a = pos2(rect.left() + 1.0, y);
            let b = pos2(rect.right() - 1.0, y);
            if let Some(c) = &symbol.casing {
                p.line_segment([a, b], stroke(c));
            }
            if let Some(s) = &symbol.stroke {
                p.line_segment([a, b], stroke(s));
            }
        }
        _ => {
            let c = rect.center();
            let size = symbol.size.clamp(3.0, 13.0);
            let fill = symbol.fill.map_or(egui::Color32::TRANSPARENT, color);
            let st = symbol.stroke.as_ref().map_or(egui::Stroke::NONE, stroke);
            match symbol.marker {
                MarkerShape::Circle => {
                    p.circle(c, size / 2.0, fill, st);
                }
                shape => {
                    let pts: Vec<_> = shape
                        .outline(size)
                        .into_iter()
                        .map(|q| pos2(c.x + q[0], c.y + q[1]))
                        .collect();
                    if shape == MarkerShape::Star {
                        p.add(egui::Shape::closed_line(
                            pts.clone(),
                            egui::Stroke::new(size / 3.0, fill),
                        ));
                        p.add(egui::Shape::closed_line(pts, st));
                    } else {
                        p.add(egui::Shape::convex_polygon(pts, fill, st));
                    }
                }
            }
        }
    }
}

/// Shows a layer's legend (from `render::legend_for`): swatches, labels, feature counts.
pub fn legend(ui: &mut egui::Ui, group: &LegendGroup) {
    // Counts in a column at the right, as wide as the widest count (a million-feature
    // layer has six digits); a label longer than the room left is elided (full text on
    // hover), so the legend never widens its panel.
    let font = egui::TextStyle::Body.resolve(ui.style());
    let widest = group
        .entries
        .iter()
        .map(|e| {
            ui.painter()
                .layout_no_wrap(group_digits(e.count), font.clone(), egui::Color32::WHITE)
                .size()
                .x
        })
        .fold(0.0, f32::max);
    let count_w = (widest + 12.0).max(44.0);
    for e in &group.entries {
        ui.horizontal(|ui| {
            ui.spacing_mut().item_spacing.x = 6.0;
            swatch(ui, &e.symbol, e.swatch);
            let h = ui.spacing().interact_size.y;
            let w = (ui.available_width() - count_w).max(24.0);
            ui.allocate_ui_with_layout(
                vec2(w, h),
                egui::Layout::left_to_right(egui::Align::Center),
                |ui| {
                    ui.set_min_width(w);
                    ui.add(egui::Label::new(&e.label).truncate())
                        .on_hover_text(&e.label);
                },
            );
            ui.weak(group_digits(e.count));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    #[test]
    fn parcels_offer_land_use_status_and_single() {
        let layer = Layer {
            role: Role::Parcels,
            ..Layer::default()
        };
        let o = options(&layer);
        assert_eq!(o.len(), 3);
        assert_eq!(o[0].1, LayerStyle::default_for(&layer));
        assert_eq!(o[1].1, LayerStyle::parcels_by_status());
        assert!(matches!(o[2].1.symbology, Symbology::Single { .. }));
        // Every option has a name in both languages.
        assert!(
            o.iter()
                .all(|(n, _)| !n.text(Lang::Zh).is_empty() && !n.text(Lang::En).is_empty())
        );
    }
}
