//! The bridge between the layers panel and `render::style`: the style choices each layer
//! offers (built from the styles `render::style` defines) and the legend with swatches
//! and category counts (`render::legend_for`), painted with egui.
//!
//! No colour is defined here.

use eframe::egui::{self, Sense, pos2, vec2};

use super::map::canvas::{color, stroke};
use crate::model::{Layer, Role};
use crate::render::LegendGroup;
use crate::render::style::{LayerStyle, LocalText, MarkerShape, SwatchKind, Symbol, Symbology};

/// The style options of a layer: (name in both languages, style), the default first.
pub fn options(layer: &Layer) -> Vec<(LocalText, LayerStyle)> {
    let default = LayerStyle::default_for(layer);
    let single = single_of(&default);
    let t = LocalText::new;
    match layer.role {
        Role::Parcels => vec![
            (t("按用地性质", "By land use"), default),
            (
                t("按审批状态", "By approval status"),
                LayerStyle::parcels_by_status(),
            ),
            (t("单一符号", "Single symbol"), single),
        ],
        Role::Projects => vec![
            (t("按项目阶段", "By lifecycle stage"), default),
            (t("单一符号", "Single symbol"), single),
        ],
        Role::Enterprises => vec![
            (t("按职工人数（分级）", "Graduated by employees"), default),
            (t("单一符号", "Single symbol"), single),
        ],
        Role::Facilities => vec![
            (t("按设施类型", "By facility kind"), default),
            (t("单一符号", "Single symbol"), single),
        ],
        Role::Roads => vec![
            (t("按道路等级", "By road class"), default),
            (t("单一符号", "Single symbol"), single),
        ],
        _ => vec![(t("单一符号", "Single symbol"), default)],
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
    egui::Grid::new(("legend", group.layer))
        .num_columns(3)
        .spacing(vec2(6.0, 2.0))
        .show(ui, |ui| {
            for e in &group.entries {
                swatch(ui, &e.symbol, e.swatch);
                ui.label(&e.label);
                ui.weak(e.count.to_string());
                ui.end_row();
            }
        });
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
                .all(|(n, _)| !n.get(Lang::Zh).is_empty() && !n.get(Lang::En).is_empty())
        );
    }
}
