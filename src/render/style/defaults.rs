//! The default style of each [`Role`]: parcels by land use (or approval status),
//! projects by lifecycle stage, enterprises sized by employees, facilities by kind,
//! roads by class, routes and stops (the constructors on [`LayerStyle`]).
//!
//! Owns the literal sizes, outlines and label rules of those defaults; colour tables
//! come from [`super::palette`], label colours from [`super::theme`]. It must not hold
//! anything a user's saved style overrides at run time.

use super::layer::{LayerStyle, is_water};
use super::palette::{LAND_USE_COLOURS, approval_status_colour, facility_symbol, lifecycle_colour};
use super::symbology::{Category, Classifier, GradClass, LabelRule, LabelSource, Symbology};
use super::theme::Theme;
use super::types::{LocalText, MarkerShape, Rgba, Stroke, Symbol};
use crate::model::{ApprovalStatus, FacilityKind, Field, Lang, Layer, LifecycleStage, Role};

const OUTLINE_GREY: Rgba = Rgba::rgb(90, 90, 90);
const PARCEL_OUTLINE: Rgba = Rgba::rgb(110, 110, 110);
const ROAD_CASING: Rgba = Rgba::rgb(150, 150, 150);

fn label(source: LabelSource, max_scale: f64, size: f32, priority: i32) -> LabelRule {
    let theme = Theme::default();
    LabelRule {
        source,
        max_scale,
        size,
        color: theme.label_color,
        halo: Some(theme.label_halo),
        priority,
    }
}

impl LayerStyle {
    /// The default style of a layer, by its role (water recognised by its name).
    pub fn default_for(layer: &Layer) -> LayerStyle {
        match layer.role {
            Role::Parcels => LayerStyle::parcels_by_land_use(),
            Role::Projects => LayerStyle::projects_by_stage(),
            Role::Enterprises => LayerStyle::enterprises_by_employees(),
            Role::Facilities => LayerStyle::facilities_by_kind(),
            Role::BusRoutes => LayerStyle {
                symbology: Symbology::Single {
                    symbol: Symbol::line(Rgba::rgb(0, 110, 190), 2.2),
                },
                opacity: 1.0,
                label: Some(label(LabelSource::Field(Field::Name), 60_000.0, 9.0, 60)),
                labels_visible: true,
            },
            Role::BusStops => LayerStyle {
                symbology: Symbology::Single {
                    symbol: Symbol::point(
                        MarkerShape::Circle,
                        5.0,
                        Rgba::WHITE,
                        Rgba::rgb(0, 110, 190),
                        1.4,
                    ),
                },
                opacity: 1.0,
                label: Some(label(LabelSource::Field(Field::Name), 12_000.0, 7.0, 30)),
                labels_visible: true,
            },
            Role::Roads => LayerStyle::roads_by_class(),
            Role::Constraints => {
                LayerStyle::constraint_zone(crate::model::layer_constraint_kind(layer))
            }
            Role::Other if is_water(layer) => LayerStyle {
                symbology: Symbology::Single {
                    symbol: Symbol::area(Rgba::rgb(170, 211, 236), Rgba::rgb(120, 170, 210), 0.6),
                },
                opacity: 1.0,
                label: Some(LabelRule {
                    color: Rgba::rgb(40, 90, 150),
                    ..label(LabelSource::Field(Field::Name), 200_000.0, 10.0, 40)
                }),
                labels_visible: true,
            },
            Role::Other => LayerStyle {
                symbology: Symbology::Single {
                    symbol: Symbol {
                        marker: MarkerShape::Circle,
                        size: 5.0,
                        ..Symbol::area(Rgba::new(180, 180, 180, 160), OUTLINE_GREY, 0.8)
                    },
                },
                opacity: 1.0,
                label: Some(label(LabelSource::Field(Field::Name), 20_000.0, 8.0, 0)),
                labels_visible: true,
            },
        }
    }

    /// A constraint zone (三区三线, arable land): a see-through fill and a strong outline
    /// in the colour planners know for the kind, drawn over the parcels so their
    /// land-use colours stay readable underneath.
    pub fn constraint_zone(kind: Option<crate::model::ConstraintKind>) -> LayerStyle {
        use crate::model::ConstraintKind as K;
        let (fill, outline, width) = match kind {
            Some(K::PermanentFarmland) => {
                (Rgba::new(255, 230, 80, 90), Rgba::rgb(200, 160, 0), 1.2)
            }
            Some(K::EcologicalRedline) => (Rgba::new(60, 170, 80, 80), Rgba::rgb(220, 30, 30), 1.6),
            Some(K::UrbanBoundary) => (Rgba::new(0, 0, 0, 0), Rgba::rgb(140, 60, 170), 2.0),
            Some(K::ArableLand) => (Rgba::new(200, 225, 120, 70), Rgba::rgb(120, 160, 40), 0.8),
            None => (Rgba::new(200, 120, 120, 60), Rgba::rgb(180, 60, 60), 1.0),
        };
        LayerStyle {
            symbology: Symbology::Single {
                symbol: Symbol::area(fill, outline, width),
            },
            opacity: 1.0,
            label: None,
            labels_visible: false,
        }
    }

    /// Parcels coloured by land use (GB 50137-2011 colours).
    pub fn parcels_by_land_use() -> LayerStyle {
        let categories = LAND_USE_COLOURS
            .iter()
            .map(|(code, zh, en, fill)| Category {
                value: code.to_string(),
                label: LocalText::new(format!("{code} {zh}"), format!("{code} {en}")),
                symbol: Symbol::area(*fill, PARCEL_OUTLINE, 0.5),
            })
            .collect();
        LayerStyle {
            symbology: Symbology::Categorized {
                classifier: Classifier::LandUse,
                categories,
                other: Some(Category {
                    value: String::new(),
                    label: LocalText::new("其他用地", "Other land use"),
                    symbol: Symbol::area(Rgba::rgb(225, 225, 225), PARCEL_OUTLINE, 0.5),
                }),
            },
            opacity: 0.85,
            label: Some(label(LabelSource::Id, 6_000.0, 7.0, 10)),
            labels_visible: true,
        }
    }

    /// Parcels coloured by approval status.
    pub fn parcels_by_status() -> LayerStyle {
        let categories = ApprovalStatus::ALL
            .iter()
            .map(|s| Category {
                value: s.code().to_string(),
                label: LocalText::new(s.label(Lang::Zh), s.label(Lang::En)),
                symbol: Symbol::area(approval_status_colour(*s), PARCEL_OUTLINE, 0.5),
            })
            .collect();
        LayerStyle {
            symbology: Symbology::Categorized {
                classifier: Classifier::ApprovalStatus,
                categories,
                other: None,
            },
            opacity: 0.85,
            label: Some(label(LabelSource::Id, 6_000.0, 7.0, 10)),
            labels_visible: true,
        }
    }

    /// Projects by lifecycle stage.
    pub fn projects_by_stage() -> LayerStyle {
        let categories = LifecycleStage::ALL
            .iter()
            .map(|s| Category {
                value: s.code().to_string(),
                label: LocalText::new(s.label(Lang::Zh), s.label(Lang::En)),
                symbol: Symbol::point(
                    MarkerShape::Diamond,
                    9.0,
                    lifecycle_colour(*s),
                    Rgba::rgb(50, 50, 50),
                    0.8,
                ),
            })
            .collect();
        LayerStyle {
            symbology: Symbology::Categorized {
                classifier: Classifier::LifecycleStage,
                categories,
                other: Some(Category {
                    value: String::new(),
                    label: LocalText::new("阶段未知", "Stage unknown"),
                    symbol: Symbol::point(
                        MarkerShape::Diamond,
                        9.0,
                        Rgba::rgb(200, 200, 200),
                        Rgba::rgb(50, 50, 50),
                        0.8,
                    ),
                }),
            },
            opacity: 1.0,
            label: Some(label(LabelSource::Field(Field::Name), 15_000.0, 7.5, 50)),
            labels_visible: true,
        }
    }

    /// Enterprises as circles sized by employees (职工人数).
    pub fn enterprises_by_employees() -> LayerStyle {
        // Dark teal: reads on yellow, brown and violet parcels and stays distinct from
        // the crimson of highlighted (covered) enterprises.
        let fill = Rgba::new(0, 112, 130, 215);
        let stroke = Rgba::rgb(255, 255, 255);
        let class = |upper: f64, zh: &str, en: &str, size: f32| GradClass {
            upper,
            label: LocalText::new(zh, en),
            symbol: Symbol::point(MarkerShape::Circle, size, fill, stroke, 0.6),
        };
        LayerStyle {
            symbology: Symbology::Graduated {
                field: Field::Employees,
                classes: vec![
                    class(50.0, "职工 < 50 人", "< 50 employees", 3.5),
                    class(200.0, "50–199 人", "50–199", 5.0),
                    class(500.0, "200–499 人", "200–499", 6.5),
                    class(1000.0, "500–999 人", "500–999", 8.5),
                    class(f64::INFINITY, "≥ 1000 人", "≥ 1000", 11.0),
                ],
                missing: Some(Category {
                    value: String::new(),
                    label: LocalText::new("人数未知", "Employees unknown"),
                    symbol: Symbol::point(
                        MarkerShape::Circle,
                        3.5,
                        Rgba::new(150, 150, 150, 220),
                        stroke,
                        0.6,
                    ),
                }),
            },
            opacity: 1.0,
            label: Some(label(LabelSource::Field(Field::Name), 7_000.0, 6.5, 20)),
            labels_visible: true,
        }
    }

    /// Facilities by kind.
    pub fn facilities_by_kind() -> LayerStyle {
        let categories = FacilityKind::ALL
            .iter()
            .map(|k| {
                let (shape, fill) = facility_symbol(*k);
                Category {
                    value: k.code().to_string(),
                    label: LocalText::new(k.label(Lang::Zh), k.label(Lang::En)),
                    symbol: Symbol::point(shape, 9.0, fill, Rgba::WHITE, 1.0),
                }
            })
            .collect();
        LayerStyle {
            symbology: Symbology::Categorized {
                classifier: Classifier::FacilityKind,
                categories,
                other: None,
            },
            opacity: 1.0,
            label: Some(label(LabelSource::Field(Field::Name), 25_000.0, 7.5, 70)),
            labels_visible: true,
        }
    }

    /// Roads by class (主干路, 次干路, 支路), cased.
    pub fn roads_by_class() -> LayerStyle {
        let road = |value: &str, en: &str, width: f32| Category {
            value: value.to_string(),
            label: LocalText::new(value, en),
            symbol: Symbol::line(Rgba::WHITE, width)
                .with_casing(Stroke::solid(ROAD_CASING, width + 1.4)),
        };
        LayerStyle {
            symbology: Symbology::Categorized {
                classifier: Classifier::RoadClass,
                categories: vec![
                    road("快速路", "Expressway", 5.0),
                    road("主干路", "Arterial", 4.0),
                    road("次干路", "Secondary", 2.8),
                    road("支路", "Local", 1.8),
                ],
                other: Some(Category {
                    value: String::new(),
                    label: LocalText::new("其他道路", "Other roads"),
                    symbol: Symbol::line(Rgba::WHITE, 1.5)
                        .with_casing(Stroke::solid(ROAD_CASING, 2.7)),
                }),
            },
            opacity: 1.0,
            label: Some(LabelRule {
                color: Rgba::rgb(70, 70, 70),
                ..label(LabelSource::Field(Field::Name), 30_000.0, 7.0, 45)
            }),
            labels_visible: true,
        }
    }
}
