//! Building a scene: the park, its planar copy, a view, the styles and the analysis
//! overlays become a [`Scene`] in display units.
//!
//! [`build_scene`] draws the visible layers in order with their styles and opacity,
//! culls features outside the view with each layer's spatial index, drops polygons smaller
//! than a pixel and thins lines and rings to the pixel, draws the overlays (service
//! circles and catchment bands as lon/lat polygons projected once into
//! [`OverlayArea`]s; highlighted and selected features by [`FeatureRef`]) and places
//! labels by each layer's rule and the view's scale.
//!
//! It takes plain data only (no analysis types): the analysis library's MultiPolygons
//! and index lists are turned into [`Overlays`] by the caller. No GUI, no I/O.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::aggregate::{self, PointLevels};
use super::labels::{
    EstimatedMeasure, LabelCandidate, PlaceOptions, Placement, TextMeasure, place_labels_keeping,
    upright,
};
use super::projected::{PlanarFeature, PlanarGeom, ProjectedLayer, ProjectedPark};
use super::scene::{Item, MarkerItem, PolygonItem, PolylineItem, Scene};
use super::style::{
    LayerDisplay, LayerStyle, MarkerShape, Rgba, Stroke, SwatchKind, Symbol, Symbology, Theme,
    default_displays,
};
use super::view::{MapView, ScreenRect, WorldRect};
use crate::model::{FeatureRef, Lang, Layer, Park};

/// The layers' drawing order and styles, and the theme.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MapStyles {
    /// Layers in drawing order (first drawn first).
    pub layers: Vec<LayerDisplay>,
    /// Colours and sizes that are not per layer.
    pub theme: Theme,
}

impl MapStyles {
    /// Default order and styles for a park's layers.
    pub fn default_for(park: &Park) -> MapStyles {
        MapStyles {
            layers: default_displays(&park.layers),
            theme: Theme::default(),
        }
    }

    /// The display of a layer.
    pub fn display_of(&self, layer: usize) -> Option<&LayerDisplay> {
        self.layers.iter().find(|d| d.layer == layer)
    }

    /// The display of a layer, mutable.
    pub fn display_of_mut(&mut self, layer: usize) -> Option<&mut LayerDisplay> {
        self.layers.iter_mut().find(|d| d.layer == layer)
    }
}

/// What an overlay area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    /// A facility's service circle.
    ServiceCircle,
    /// A route's stop catchment band.
    Catchment,
    /// The area reached along roads within a time (an isochrone band): filled.
    Isochrone,
    /// A service circle drawn as an outline only (beside an isochrone, so that the
    /// two shapes can be compared).
    CircleOutline,
    /// A suggested new site (a point): a star labelled with its rank (the sites of an
    /// overlay are ranked in the order they come).
    Site,
}

/// An analysis area (a service circle, a catchment band) projected into the display
/// frame once, so drawing it each frame costs no projection.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlayArea {
    /// The area in planar metres.
    pub feature: PlanarFeature,
    /// What it is (its colours come from the theme).
    pub kind: AreaKind,
}

impl OverlayArea {
    /// Projects a lon/lat MultiPolygon (as the analysis library returns it).
    /// `None` when it has no usable polygon.
    pub fn from_lon_lat(
        area: &geo::MultiPolygon<f64>,
        kind: AreaKind,
        projected: &ProjectedPark,
    ) -> Option<OverlayArea> {
        let geom = PlanarGeom::from_multipolygon(area, projected.projector())?;
        Some(OverlayArea {
            feature: PlanarFeature::from_geom(geom)?,
            kind,
        })
    }

    /// A suggested site at a lon/lat position.
    pub fn site(lon_lat: [f64; 2], projected: &ProjectedPark) -> Option<OverlayArea> {
        let g = geo::Geometry::Point(geo::Point::new(lon_lat[0], lon_lat[1]));
        Some(OverlayArea {
            feature: PlanarFeature::from_lon_lat(&g, projected.projector())?,
            kind: AreaKind::Site,
        })
    }
}

/// Analysis results and interaction state drawn over the layers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlays {
    /// Areas drawn above the polygon layers and below lines and points.
    pub areas: Vec<OverlayArea>,
    /// Features drawn highlighted on top (hover; enterprises a facility covers).
    pub highlighted: Vec<FeatureRef>,
    /// Features drawn selected on top (the chosen facility, route or stops).
    pub selected: Vec<FeatureRef>,
    /// Features flagged as a problem, drawn in their own colour and shape above the
    /// highlighted ones (enterprises a service circle claims but the isochrone does not
    /// reach).
    pub flagged: Vec<FeatureRef>,
}

/// Settings of one scene build.
#[derive(Clone)]
pub struct BuildOptions {
    /// Language of generated texts.
    pub lang: Lang,
    /// Multiplies symbol sizes and line widths (paper uses `PageTheme::symbol_scale`).
    pub symbol_scale: f32,
    /// Polygons whose on-screen box is smaller than this in both directions are not drawn.
    pub min_feature_size: f32,
    /// Consecutive vertices closer than this (display units) are merged.
    pub simplify_tolerance: f32,
    /// Place labels.
    pub labels: bool,
    /// Rectangles labels must avoid (e.g. a legend drawn over the map).
    pub label_obstacles: Vec<ScreenRect>,
    /// Measures label widths; `None` uses [`EstimatedMeasure`].
    pub measure: Option<Arc<dyn TextMeasure>>,
    /// At most this many label candidates are considered (the highest priorities).
    pub max_label_candidates: usize,
    /// Fill the view with the theme's background.
    pub background: bool,
    /// Multiplies every label rule's `max_scale` (paper is read closer than a screen,
    /// so a print shows labels at smaller scales: 2 shows a 1:25000 rule at 1:50000).
    pub label_scale_factor: f64,
    /// Label selected point features (a route's stops, the chosen facility) whatever
    /// the scale, before other labels.
    pub label_selected: bool,
    /// A point layer with more than this many features in view is drawn aggregated:
    /// only the feature on top of each small cell ([`aggregate`](super::aggregate)).
    /// `usize::MAX` never aggregates.
    pub aggregate_above: usize,
    /// The aggregation cell's edge as a fraction of the layer's smallest symbol. 0.35:
    /// a cell's diagonal is shorter than the symbol's radius, so every point lies under
    /// the symbol drawn for its cell.
    pub aggregate_cell: f32,
    /// Pixels per display unit of the picture an aggregated point layer is drawn as
    /// (each symbol stamped once per pixel cell; the screen's pixels per point, a
    /// print resolution on paper); 0 draws one marker per cell instead.
    pub raster_scale: f32,
    /// Decide whether a layer is crowded (drawn aggregated, as a picture) by its
    /// features in this planar rectangle rather than in the view: a view-only tile
    /// decides as the larger tile around it does, so the two look the same. `None`:
    /// the view.
    pub crowded_within: Option<super::view::WorldRect>,
    /// Set (by another thread) when the scene is no longer wanted: the build stops at
    /// the next layer or block of features and returns what it has, which the caller
    /// throws away (a zoom arriving while the desktop builds a tile for the last one).
    pub cancel: Option<Arc<AtomicBool>>,
    /// Labels already on screen at this scale (in this view's display units) that keep
    /// their place: the others are placed around them (see
    /// [`place_labels_keeping`](super::labels::place_labels_keeping)).
    pub keep_labels: Vec<super::scene::LabelItem>,
}

impl BuildOptions {
    /// Whether the build was cancelled (see [`BuildOptions::cancel`]).
    pub fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

impl std::fmt::Debug for BuildOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuildOptions")
            .field("lang", &self.lang)
            .field("symbol_scale", &self.symbol_scale)
            .field("labels", &self.labels)
            .finish_non_exhaustive()
    }
}

impl Default for BuildOptions {
    fn default() -> BuildOptions {
        BuildOptions {
            lang: Lang::Zh,
            symbol_scale: 1.0,
            min_feature_size: 1.0,
            simplify_tolerance: 0.5,
            labels: true,
            label_obstacles: Vec::new(),
            measure: None,
            max_label_candidates: 20_000,
            background: true,
            label_scale_factor: 1.0,
            label_selected: true,
            aggregate_above: 20_000,
            aggregate_cell: 0.35,
            raster_scale: 1.0,
            crowded_within: None,
            cancel: None,
            keep_labels: Vec::new(),
        }
    }
}

/// A symbol with the layer's opacity and the symbol scale applied.
struct Drawn {
    fill: Option<Rgba>,
    stroke: Option<Stroke>,
    casing: Option<Stroke>,
    shape: MarkerShape,
    size: f32,
}

impl Drawn {
    fn of(s: &Symbol, opacity: f32, scale: f32) -> Drawn {
        Drawn {
            fill: s.fill.map(|c| c.with_opacity(opacity)),
            stroke: s.stroke.as_ref().map(|st| st.adjusted(opacity, scale)),
            casing: s.casing.as_ref().map(|st| st.adjusted(opacity, scale)),
            shape: s.marker,
            size: s.size * scale,
        }
    }
}

const NO_SYMBOL: u16 = u16::MAX;

/// In a crowded area layer drawn with a picture, areas smaller than this (display
/// units, their larger side) are filled into the picture as their boxes rather than
/// drawn as shapes.
const SMALL_AREA: f32 = 3.0;

/// In a crowded area layer drawn with a picture at screen resolution (under
/// [`aggregate::PRINT_SCALE`]), areas from [`SMALL_AREA`] up to this size (display
/// units, their larger side) are painted into the picture as their shapes, fill and
/// outline, at the screen's pixels — what the same shapes tessellated and painted on
/// every frame look like, for a few dozen pixel writes each. On paper they stay shapes.
const SMALL_SHAPE: f32 = 8.0;

/// The symbol index of every feature of a layer for a symbology, cached per layer and
/// symbology (classifying 100k features on every frame would cost milliseconds).
fn classes(pl: &ProjectedLayer, layer: &Layer, sym: &Symbology) -> (u64, Arc<Vec<u16>>) {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{sym:?}").hash(&mut h);
    layer.len().hash(&mut h);
    let key = h.finish();
    (key, classes_for(pl, layer, sym, key))
}

fn classes_for(pl: &ProjectedLayer, layer: &Layer, sym: &Symbology, key: u64) -> Arc<Vec<u16>> {
    if let Ok(c) = pl.class_cache.lock()
        && let Some((k, v)) = c.as_ref()
        && *k == key
    {
        return v.clone();
    }
    let v: Arc<Vec<u16>> = Arc::new(
        (0..layer.len())
            .map(|i| sym.classify(layer, i).unwrap_or(NO_SYMBOL))
            .collect(),
    );
    if let Ok(mut c) = pl.class_cache.lock() {
        *c = Some((key, v.clone()));
    }
    v
}

/// A point layer's grid levels for a classification (`key`, as [`classes`] gives it),
/// built once and cached with the layer; `None` when a feature with a symbol is not a
/// single point.
fn point_levels(pl: &ProjectedLayer, key: u64, classes: &[u16]) -> Option<Arc<PointLevels>> {
    let Ok(mut cache) = pl.levels_cache.lock() else {
        return None;
    };
    if let Some((k, v)) = cache.as_ref()
        && *k == key
    {
        return v.clone();
    }
    let n = pl.len();
    let drawn = |i: usize| classes.get(i).is_some_and(|c| *c != NO_SYMBOL);
    let points_only = !(0..n)
        .into_par_iter()
        .with_min_len(4096)
        .any(|i| drawn(i) && pl.has_feature(i) && pl.point(i).is_none());
    let v =
        points_only.then(|| Arc::new(PointLevels::new(n, |i| pl.point(i).filter(|_| drawn(i)))));
    *cache = Some((key, v.clone()));
    v
}

/// The features of a point layer to draw in `query` when the view holds more than
/// `options.aggregate_above` of them: the top feature of each cell of about
/// `options.aggregate_cell` times the symbol size (at least a pixel of the picture) (`symbol` display units; none
/// finite: points are not drawn as symbols, so not aggregated). `None`:
/// draw every feature.
#[allow(clippy::too_many_arguments)]
fn aggregated_ids(
    pl: &ProjectedLayer,
    key: u64,
    classes: &[u16],
    query: &super::view::WorldRect,
    count_query: &super::view::WorldRect,
    view: &MapView,
    symbol: f32,
    options: &BuildOptions,
) -> Option<Vec<aggregate::Cell>> {
    if pl.len() <= options.aggregate_above || !symbol.is_finite() {
        return None;
    }
    let levels = point_levels(pl, key, classes)?;
    if levels.len() <= options.aggregate_above {
        return None;
    }
    // The whole layer in view (an overview): every point, without a counting level.
    let whole = pl.extent().is_some_and(|e| {
        count_query.min[0] <= e.min[0]
            && count_query.min[1] <= e.min[1]
            && count_query.max[0] >= e.max[0]
            && count_query.max[1] >= e.max[1]
    });
    let in_view = if whole {
        levels.len() as u64
    } else {
        levels.estimate_in(count_query)
    };
    if in_view <= options.aggregate_above as u64 {
        return None;
    }
    // Cells of about half a symbol (so every point stays under a drawn symbol), and
    // never under a pixel of the picture: the picture's work is then bounded by a few
    // times its area, whatever the symbol's size in pixels.
    let pixel = if options.raster_scale > 0.0 {
        1.0 / options.raster_scale
    } else {
        1.0
    };
    let cell = (symbol * options.aggregate_cell).max(pixel) as f64 * view.resolution;
    // The cells of the level for this zoom, read from the levels built once.
    let mut cells = levels.level_at_most(cell).cells_in(query, |top| {
        let class = classes.get(top as usize).copied()?;
        Some((pl.point(top as usize)?, class))
    });
    if options.raster_scale <= 0.0 {
        // Markers go out in drawing order. A picture is painted cell by cell, column by
        // column instead (neighbours in memory; the order of overlapping neighbours in a
        // heap of symbols, being the file's order, carries no meaning).
        cells.sort_unstable_by_key(|c| c.top);
    }
    Some(cells)
}

/// Whether a projected layer holds mostly areas, lines or points (from its first
/// features).
fn layer_swatch(pl: &ProjectedLayer) -> SwatchKind {
    let mut counts = [0usize; 3];
    for (_, f) in pl.features().take(64) {
        match f.geom {
            PlanarGeom::Polygons(_) => counts[0] += 1,
            PlanarGeom::Lines(_) => counts[1] += 1,
            _ => counts[2] += 1,
        }
    }
    if counts[0] > 0 && counts[0] >= counts[1] && counts[0] >= counts[2] {
        SwatchKind::Area
    } else if counts[1] > 0 && counts[1] >= counts[2] {
        SwatchKind::Line
    } else {
        SwatchKind::Point
    }
}

/// Maps planar paths to display units, merging vertices closer than `tol`.
fn screen_path(view: &MapView, path: &[[f64; 2]], tol: f32, closed: bool) -> Vec<[f32; 2]> {
    let mut out: Vec<[f32; 2]> = Vec::with_capacity(path.len());
    let t2 = tol * tol;
    let n = path.len();
    for (k, p) in path.iter().enumerate() {
        let s = view.to_screen(*p);
        let last = k + 1 == n;
        if let Some(prev) = out.last() {
            let d2 = (s[0] - prev[0]).powi(2) + (s[1] - prev[1]).powi(2);
            if (closed || !last) && d2 < t2 {
                continue;
            }
        }
        out.push(s);
    }
    if closed && out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

fn polygon_items(
    view: &MapView,
    rings: &[Vec<[f64; 2]>],
    opts: &BuildOptions,
    fill: Option<Rgba>,
    stroke: Option<Stroke>,
    tag: Option<FeatureRef>,
) -> Option<PolygonItem> {
    let ext: Vec<[f32; 2]> = screen_path(view, &rings[0], opts.simplify_tolerance, true);
    if ext.len() < 3 {
        return None;
    }
    let mut out = vec![ext];
    for r in &rings[1..] {
        let s = screen_path(view, r, opts.simplify_tolerance, true);
        if s.len() >= 3 {
            out.push(s);
        }
    }
    Some(PolygonItem {
        rings: out,
        fill,
        stroke,
        tag,
    })
}

/// Appends the items drawing one feature with a symbol.
fn draw_feature(
    out: &mut Vec<Item>,
    view: &MapView,
    geom: &PlanarGeom,
    d: &Drawn,
    opts: &BuildOptions,
    tag: Option<FeatureRef>,
    casing_pass: bool,
) {
    match geom {
        PlanarGeom::Point(p) => {
            if !casing_pass {
                out.push(marker(view, *p, d, tag));
            }
        }
        PlanarGeom::MultiPoint(v) => {
            if !casing_pass {
                out.extend(v.iter().map(|p| marker(view, *p, d, tag)));
            }
        }
        PlanarGeom::Lines(ls) => {
            let stroke = if casing_pass { &d.casing } else { &d.stroke };
            let Some(stroke) = stroke else { return };
            for l in ls {
                let pts = screen_path(view, l, opts.simplify_tolerance, false);
                if pts.len() >= 2 {
                    out.push(Item::Polyline(PolylineItem {
                        points: pts,
                        stroke: stroke.clone(),
                        tag,
                    }));
                }
            }
        }
        PlanarGeom::Polygons(ps) => {
            if casing_pass {
                return;
            }
            for rings in ps {
                if let Some(p) = polygon_items(view, rings, opts, d.fill, d.stroke.clone(), tag) {
                    out.push(Item::Polygon(p));
                }
            }
        }
        PlanarGeom::Collection(c) => {
            for g in c {
                draw_feature(out, view, g, d, opts, tag, casing_pass);
            }
        }
    }
}

fn marker(view: &MapView, p: [f64; 2], d: &Drawn, tag: Option<FeatureRef>) -> Item {
    Item::Marker(MarkerItem {
        center: view.to_screen(p),
        shape: d.shape,
        size: d.size,
        fill: d.fill,
        stroke: d.stroke.clone(),
        tag,
    })
}

fn too_small(view: &MapView, f: &PlanarFeature, min: f32) -> bool {
    matches!(f.geom, PlanarGeom::Polygons(_) | PlanarGeom::Lines(_))
        && box_too_small(view, &f.bbox, min)
}

/// Whether a box is under `min` display units both ways.
fn box_too_small(view: &MapView, b: &WorldRect, min: f32) -> bool {
    (b.width() / view.resolution) < min as f64 && (b.height() / view.resolution) < min as f64
}

/// Builds the scene of `park` seen through `view`.
pub fn build_scene(
    park: &Park,
    projected: &ProjectedPark,
    view: &MapView,
    styles: &MapStyles,
    overlays: &Overlays,
    options: &BuildOptions,
) -> Scene {
    let theme = &styles.theme;
    let mut scene = Scene {
        items: Vec::new(),
        clip: Some(view.screen_rect()),
        background: options.background.then_some(theme.background),
    };
    let scale = view.scale_denominator();
    let bounds = view.world_bounds();
    // Where the analysis areas go: above the area layers, below lines and points.
    let overlay_at = styles
        .layers
        .iter()
        .position(|d| {
            projected
                .layers
                .get(d.layer)
                .is_some_and(|pl| layer_swatch(pl) != SwatchKind::Area)
        })
        .unwrap_or(styles.layers.len());
    let mut candidates: Vec<LabelCandidate> = Vec::new();
    let mut obstacles: Vec<ScreenRect> = options.label_obstacles.clone();

    for (k, display) in styles.layers.iter().enumerate() {
        if options.cancelled() {
            return scene;
        }
        if k == overlay_at {
            draw_areas(&mut scene.items, view, overlays, theme, options);
        }
        if !display.visible {
            continue;
        }
        let (Some(layer), Some(pl)) = (
            park.layers.get(display.layer),
            projected.layers.get(display.layer),
        ) else {
            continue;
        };
        draw_layer(
            &mut scene.items,
            &mut candidates,
            &mut obstacles,
            layer,
            pl,
            display,
            view,
            scale,
            &bounds,
            options,
        );
    }
    if overlay_at >= styles.layers.len() {
        draw_areas(&mut scene.items, view, overlays, theme, options);
    }
    draw_marked(
        &mut scene.items,
        &mut obstacles,
        &mut candidates,
        park,
        projected,
        styles,
        view,
        &overlays.highlighted,
        Mark::Highlighted,
        options,
    );
    draw_marked(
        &mut scene.items,
        &mut obstacles,
        &mut candidates,
        park,
        projected,
        styles,
        view,
        &overlays.flagged,
        Mark::Flagged,
        options,
    );
    draw_marked(
        &mut scene.items,
        &mut obstacles,
        &mut candidates,
        park,
        projected,
        styles,
        view,
        &overlays.selected,
        Mark::Selected,
        options,
    );

    if options.labels
        && (!candidates.is_empty() || !options.keep_labels.is_empty())
        && !options.cancelled()
    {
        if candidates.len() > options.max_label_candidates {
            candidates.sort_by(|a, b| b.priority.total_cmp(&a.priority));
            candidates.truncate(options.max_label_candidates);
        }
        let measure: &dyn TextMeasure = match &options.measure {
            Some(m) => m.as_ref(),
            None => &EstimatedMeasure,
        };
        let obstacles = if obstacles.len() > 20_000 {
            &[][..]
        } else {
            &obstacles[..]
        };
        let placed = place_labels_keeping(
            &options.keep_labels,
            candidates,
            obstacles,
            measure,
            &PlaceOptions {
                bounds: view.screen_rect(),
                padding: theme.label_padding,
                gap: theme.label_gap,
                repeat_distance: 120.0,
            },
        );
        scene.items.extend(placed.into_iter().map(Item::Label));
    }
    scene
}

#[allow(clippy::too_many_arguments)]
fn draw_layer(
    items: &mut Vec<Item>,
    candidates: &mut Vec<LabelCandidate>,
    obstacles: &mut Vec<ScreenRect>,
    layer: &Layer,
    pl: &ProjectedLayer,
    display: &LayerDisplay,
    view: &MapView,
    scale: f64,
    bounds: &super::view::WorldRect,
    options: &BuildOptions,
) {
    let style: &LayerStyle = &display.style;
    let symbols: Vec<Drawn> = style
        .symbology
        .symbols()
        .iter()
        .map(|s| Drawn::of(s, style.opacity, options.symbol_scale))
        .collect();
    let max_size = symbols
        .iter()
        .map(|d| {
            d.size
                .max(d.casing.as_ref().map(|c| c.width).unwrap_or(0.0))
        })
        .fold(0.0f32, f32::max);
    let (class_key, classes) = classes(pl, layer, &style.symbology);
    let layer_index = display.layer as u32;
    let query = bounds.expanded(max_size as f64 * view.resolution);
    // Cells are sized on the smallest symbol, so that every point stays covered.
    let min_size = symbols
        .iter()
        .map(|d| d.size)
        .filter(|s| *s > 0.0)
        .fold(f32::INFINITY, f32::min);
    // Crowded or not is decided in the view, or where the options say.
    let count_query = options
        .crowded_within
        .map_or(query, |b| b.expanded(max_size as f64 * view.resolution));
    let ids = match aggregated_ids(
        pl,
        class_key,
        &classes,
        &query,
        &count_query,
        view,
        min_size,
        options,
    ) {
        Some(_) if options.cancelled() => return,
        Some(cells) if options.raster_scale > 0.0 => {
            // A picture: each symbol drawn once into pixels, stamped per cell.
            let stamps: Vec<Option<aggregate::Stamp>> = symbols
                .iter()
                .map(|d| {
                    aggregate::Stamp::new(
                        d.shape,
                        d.size,
                        d.fill,
                        d.stroke.as_ref(),
                        options.raster_scale,
                    )
                })
                .collect();
            let points = cells.iter().filter_map(|c| {
                let stamp = stamps.get(c.class as usize)?.as_ref()?;
                Some((view.to_screen(c.at), stamp))
            });
            match aggregate::rasterize(
                view.screen_rect(),
                options.raster_scale,
                layer_index,
                points,
                options.cancel.clone(),
            ) {
                Some(r) => {
                    items.push(Item::Raster(r));
                    return;
                }
                None => {
                    // Too large a picture (a huge page at print resolution): the same
                    // cells as markers, in drawing order, rather than nothing.
                    let mut tops: Vec<u32> = cells.iter().map(|c| c.top).collect();
                    tops.sort_unstable();
                    tops
                }
            }
        }
        Some(cells) => cells.iter().map(|c| c.top).collect(),
        None => {
            let mut ids = pl.unsorted_in_rect(&query);
            ids.sort_unstable();
            ids
        }
    };
    let tag = |i: u32| {
        Some(FeatureRef {
            layer: layer_index,
            index: i,
        })
    };
    let drawn = |i: u32| -> Option<(Cow<'_, PlanarFeature>, &Drawn)> {
        let c = *classes.get(i as usize)?;
        if c == NO_SYMBOL {
            return None;
        }
        let f = pl.feature(i as usize)?;
        if too_small(view, &f, options.min_feature_size) {
            return None;
        }
        Some((f, symbols.get(c as usize)?))
    };
    // `drawn` without building the feature: (polygons?, its box, its symbol).
    let boxed = |i: u32| -> Option<(bool, WorldRect, &Drawn)> {
        let c = *classes.get(i as usize)?;
        if c == NO_SYMBOL {
            return None;
        }
        let (polygons, bbox) = pl.polygons_and_bbox(i as usize)?;
        if polygons && box_too_small(view, &bbox, options.min_feature_size) {
            return None;
        }
        Some((polygons, bbox, symbols.get(c as usize)?))
    };
    // A crowded area layer: areas a few pixels across are filled as their boxes into
    // one picture (what their fill looks like at that size), the rest drawn as shapes.
    let crowded = options.raster_scale > 0.0
        && (ids.len() > options.aggregate_above
            || (options.crowded_within.is_some()
                && pl.unsorted_in_rect(&count_query).len() > options.aggregate_above));
    let ids = if crowded
        && let Some(mut picture) = aggregate::Picture::new(view.screen_rect(), options.raster_scale)
            .map(|p| p.cancelled_by(options.cancel.clone()))
    {
        let shapes_below = if options.raster_scale < aggregate::PRINT_SCALE {
            SMALL_SHAPE
        } else {
            SMALL_AREA
        } as f64;
        // Sorted out in parallel runs of features, then joined in order.
        let parts: Vec<(Vec<u32>, Vec<aggregate::Area>)> = ids
            .par_chunks(4096)
            .map(|run| {
                let (mut rest, mut areas) = (Vec::new(), Vec::new());
                if options.cancelled() {
                    return (rest, areas);
                }
                for &i in run {
                    // The box first: a polygon drawn as its box is never built (the
                    // planar store builds lines and polygons on demand).
                    let Some((polygons, bbox, d)) = boxed(i) else {
                        continue;
                    };
                    if !polygons {
                        rest.push(i);
                        continue;
                    }
                    let side = bbox.width().max(bbox.height()) / view.resolution;
                    let solid = d.stroke.as_ref().is_none_or(|s| s.dash.is_none());
                    match d.fill {
                        Some(fill) if side < SMALL_AREA as f64 => {
                            let a = view.to_screen([bbox.min[0], bbox.max[1]]);
                            let b = view.to_screen([bbox.max[0], bbox.min[1]]);
                            areas.push(aggregate::Area::Box(ScreenRect { min: a, max: b }, fill));
                        }
                        Some(fill) if side < shapes_below && solid => {
                            let Some(f) = pl.feature(i as usize) else {
                                continue;
                            };
                            let PlanarGeom::Polygons(parts) = &f.geom else {
                                continue;
                            };
                            areas.extend(parts.iter().filter_map(|rings| {
                                let stroke = d.stroke.clone();
                                polygon_items(view, rings, options, Some(fill), stroke, tag(i))
                                    .map(aggregate::Area::Shape)
                            }));
                        }
                        _ => rest.push(i),
                    }
                }
                (rest, areas)
            })
            .collect();
        let mut rest = Vec::new();
        let mut areas = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
        for (r, a) in parts {
            rest.extend(r);
            areas.extend(a);
        }
        if options.cancelled() {
            return;
        }
        picture.paint_areas(&areas);
        if !picture.is_empty() {
            items.push(Item::Raster(picture.finish(layer_index)));
        }
        rest
    } else {
        ids
    };
    // Casings of all lines first, so crossings join cleanly.
    if symbols.iter().any(|d| d.casing.is_some()) {
        for &i in &ids {
            if let Some((f, d)) = drawn(i) {
                draw_feature(items, view, &f.geom, d, options, tag(i), true);
            }
        }
    }
    let label_rule = style.label.as_ref().filter(|r| {
        options.labels && style.labels_visible && scale <= r.max_scale * options.label_scale_factor
    });
    let point_layer = layer_swatch(pl) == SwatchKind::Point;
    // Lines are labelled on their longest piece inside the view, kept off its edges.
    let label_area = {
        let m = 24.0 * view.resolution;
        let b = view.world_bounds();
        super::view::WorldRect {
            min: [b.min[0] + m, b.min[1] + m],
            max: [b.max[0] - m, b.max[1] - m],
        }
    };
    // Features are fetched in parallel a block at a time (the planar store builds lines
    // and polygons from its flat buffers), then drawn in order.
    let fetched = ids
        .chunks(4096)
        .take_while(|_| !options.cancelled())
        .flat_map(|block| {
            block
                .par_iter()
                .with_min_len(256)
                .filter_map(|&i| Some((i, drawn(i)?)))
                .collect::<Vec<_>>()
        });
    for (i, (f, d)) in fetched {
        draw_feature(items, view, &f.geom, d, options, tag(i), false);
        if point_layer && d.size >= 3.0 {
            let c = view.to_screen(f.anchor);
            let r = d.size / 2.0;
            obstacles.push(ScreenRect {
                min: [c[0] - r, c[1] - r],
                max: [c[0] + r, c[1] + r],
            });
        }
        if let Some(rule) = label_rule
            && let Some(text) = rule.source.text(layer, i as usize)
        {
            let mut anchor = view.to_screen(f.anchor);
            let (placement, max_width) = match f.geom {
                PlanarGeom::Point(_) | PlanarGeom::MultiPoint(_) => (
                    Placement::AroundPoint {
                        radius: d.size / 2.0,
                    },
                    None,
                ),
                PlanarGeom::Polygons(_) => (
                    Placement::Centered,
                    Some((f.bbox.width() / view.resolution) as f32 * 1.05),
                ),
                PlanarGeom::Lines(_) => match f.geom.label_along(&label_area) {
                    Some((at, a)) => {
                        anchor = view.to_screen(at);
                        // The frame's y points north, the screen's south.
                        let angle = upright(-a as f32);
                        (Placement::AlongLine { angle }, None)
                    }
                    None => continue,
                },
                _ => (Placement::Centered, None),
            };
            candidates.push(LabelCandidate {
                text,
                anchor,
                placement,
                size: rule.size,
                color: rule.color,
                halo: rule.halo,
                priority: rule.priority as f32 * 100.0 + d.size,
                tag: tag(i),
                max_width,
            });
        }
    }
}

fn draw_areas(
    items: &mut Vec<Item>,
    view: &MapView,
    overlays: &Overlays,
    theme: &Theme,
    options: &BuildOptions,
) {
    let mut rank = 0;
    for a in &overlays.areas {
        if a.kind == AreaKind::Site {
            rank += 1;
            let size = 18.0 * options.symbol_scale;
            let d = Drawn {
                fill: Some(theme.selection_fill),
                stroke: Some(theme.selection.adjusted(1.0, options.symbol_scale)),
                casing: None,
                shape: MarkerShape::Star,
                size,
            };
            draw_feature(items, view, &a.feature.geom, &d, options, None, false);
            if let PlanarGeom::Point(p) = a.feature.geom {
                let c = view.to_screen(p);
                items.push(Item::Label(crate::render::scene::LabelItem {
                    text: rank.to_string(),
                    pos: [c[0] + size * 0.6, c[1] - size * 0.4],
                    align: crate::render::scene::HAlign::Left,
                    size: 14.0 * options.symbol_scale,
                    color: theme.label_color,
                    halo: Some(theme.label_halo),
                    tag: None,
                    angle: 0.0,
                }));
            }
            continue;
        }
        let (fill, stroke) = match a.kind {
            AreaKind::Site => continue,
            AreaKind::ServiceCircle => (
                Some(theme.service_circle_fill),
                &theme.service_circle_stroke,
            ),
            AreaKind::Catchment => (Some(theme.catchment_fill), &theme.catchment_stroke),
            AreaKind::Isochrone => (Some(theme.isochrone_fill), &theme.isochrone_stroke),
            AreaKind::CircleOutline => (None, &theme.service_circle_stroke),
        };
        let d = Drawn {
            fill,
            stroke: Some(stroke.adjusted(1.0, options.symbol_scale)),
            casing: None,
            shape: MarkerShape::Circle,
            size: 0.0,
        };
        draw_feature(items, view, &a.feature.geom, &d, options, None, false);
    }
}

/// How a marked feature is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Hover, covered enterprises.
    Highlighted,
    /// A problem (false coverage).
    Flagged,
    /// The facility, route or stops in focus.
    Selected,
}

#[allow(clippy::too_many_arguments)]
fn draw_marked(
    items: &mut Vec<Item>,
    obstacles: &mut Vec<ScreenRect>,
    candidates: &mut Vec<LabelCandidate>,
    park: &Park,
    projected: &ProjectedPark,
    styles: &MapStyles,
    view: &MapView,
    features: &[FeatureRef],
    mark: Mark,
    options: &BuildOptions,
) {
    let selected = mark == Mark::Selected;
    let flagged = mark == Mark::Flagged;
    let theme = &styles.theme;
    let screen = view.screen_rect().expanded(20.0);
    for &fr in features {
        let Some(f) = projected.feature(fr) else {
            continue;
        };
        let Some(layer) = park.layers.get(fr.layer as usize) else {
            continue;
        };
        let base = styles
            .display_of(fr.layer as usize)
            .and_then(|d| {
                let k = d.style.symbology.classify(layer, fr.index as usize)?;
                d.style
                    .symbology
                    .symbols()
                    .get(k as usize)
                    .map(|s| (*s).clone())
            })
            .unwrap_or_else(|| {
                Symbol::point(MarkerShape::Circle, 6.0, Rgba::WHITE, Rgba::BLACK, 1.0)
            });
        let outline = if selected {
            &theme.selection
        } else if flagged {
            &theme.flagged_stroke
        } else {
            &theme.highlight
        };
        let d = match f.geom {
            PlanarGeom::Polygons(_) if flagged => Drawn {
                fill: None,
                stroke: Some(
                    Stroke::solid(theme.flagged_fill, theme.highlight.width)
                        .adjusted(1.0, options.symbol_scale),
                ),
                casing: None,
                shape: base.marker,
                size: 0.0,
            },
            PlanarGeom::Polygons(_) => Drawn {
                fill: None,
                stroke: Some(outline.adjusted(1.0, options.symbol_scale)),
                casing: None,
                shape: base.marker,
                size: 0.0,
            },
            PlanarGeom::Lines(_) => {
                let flagged_line = Stroke::solid(theme.flagged_fill, theme.highlight.width);
                let s = if selected {
                    &theme.route_highlight
                } else if flagged {
                    &flagged_line
                } else {
                    &theme.highlight
                };
                let w = base
                    .stroke
                    .as_ref()
                    .map(|s| s.width)
                    .unwrap_or(1.0)
                    .max(s.width);
                Drawn {
                    fill: None,
                    stroke: Some(
                        Stroke {
                            width: w,
                            ..s.clone()
                        }
                        .adjusted(1.0, options.symbol_scale),
                    ),
                    casing: None,
                    shape: base.marker,
                    size: 0.0,
                }
            }
            _ if flagged => Drawn {
                fill: Some(theme.flagged_fill),
                stroke: Some(theme.flagged_stroke.adjusted(1.0, options.symbol_scale)),
                casing: None,
                shape: theme.flagged_shape,
                size: (base.size + theme.highlight_grow * 2.0) * options.symbol_scale,
            },
            _ => Drawn {
                fill: Some(if selected {
                    theme.selection_fill
                } else {
                    theme.highlight_fill
                }),
                stroke: Some(Stroke::solid(Rgba::WHITE, 1.0).adjusted(1.0, options.symbol_scale)),
                casing: None,
                shape: base.marker,
                size: (base.size + theme.highlight_grow) * options.symbol_scale,
            },
        };
        let c = view.to_screen(f.anchor);
        if matches!(f.geom, PlanarGeom::Point(_)) && !screen.contains(c) {
            continue;
        }
        draw_feature(items, view, &f.geom, &d, options, Some(fr), false);
        if matches!(f.geom, PlanarGeom::Point(_)) {
            let r = d.size / 2.0;
            obstacles.push(ScreenRect {
                min: [c[0] - r, c[1] - r],
                max: [c[0] + r, c[1] + r],
            });
            if selected
                && options.labels
                && options.label_selected
                && let Some(display) = styles.display_of(fr.layer as usize)
                && let Some(rule) = display.style.label.as_ref()
                && let Some(text) = rule.source.text(layer, fr.index as usize)
            {
                // Drop any ordinary candidate of the same feature, then add this one
                // above every layer's priorities.
                candidates.retain(|c| c.tag != Some(fr));
                candidates.push(LabelCandidate {
                    text,
                    anchor: c,
                    placement: Placement::AroundPoint { radius: r },
                    size: rule.size,
                    color: rule.color,
                    halo: rule.halo,
                    priority: 1.0e6 + rule.priority as f32,
                    tag: Some(fr),
                    max_width: None,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttributeTable, Field, FieldMap, PropValue, Role};
    use crate::render::scene::RasterItem;
    use geo::{Geometry, Point, polygon};

    fn park() -> Park {
        let mut parcels_attr = AttributeTable::new();
        parcels_attr.push_row([("用地性质", PropValue::Str("M2"))]);
        parcels_attr.push_row([("用地性质", PropValue::Str("R2"))]);
        let mut f = FieldMap::new();
        f.insert(Field::LandUse, "用地性质".into());
        let parcels = Layer {
            name: "地块".into(),
            role: Role::Parcels,
            fields: f,
            ids: vec![None, None],
            geometries: vec![
                Some(Geometry::Polygon(polygon![
                    (x: 112.300, y: 30.300), (x: 112.305, y: 30.300), (x: 112.305, y: 30.305), (x: 112.300, y: 30.305)
                ])),
                // Tiny: 1 m across.
                Some(Geometry::Polygon(polygon![
                    (x: 112.31, y: 30.31), (x: 112.31001, y: 30.31), (x: 112.31001, y: 30.31001), (x: 112.31, y: 30.31001)
                ])),
            ],
            attributes: parcels_attr,
            ..Layer::default()
        };
        let mut ent_attr = AttributeTable::new();
        let mut f = FieldMap::new();
        f.insert(Field::Name, "企业名称".into());
        f.insert(Field::Employees, "职工人数".into());
        let mut geoms = Vec::new();
        for (k, name) in ["五方光电", "菲利华", "法雷奥"].iter().enumerate() {
            ent_attr.push_row([
                ("企业名称", PropValue::Str(name)),
                ("职工人数", PropValue::Int(100 * k as i64 + 10)),
            ]);
            geoms.push(Some(Geometry::Point(Point::new(
                112.301 + k as f64 * 0.001,
                30.302,
            ))));
        }
        // One far away, outside any view below.
        ent_attr.push_row([
            ("企业名称", PropValue::Str("远方")),
            ("职工人数", PropValue::Int(5)),
        ]);
        geoms.push(Some(Geometry::Point(Point::new(113.5, 31.0))));
        let ents = Layer {
            name: "企业".into(),
            role: Role::Enterprises,
            fields: f,
            ids: vec![None; 4],
            geometries: geoms,
            attributes: ent_attr,
            ..Layer::default()
        };
        Park::from_layers("t", vec![parcels, ents])
    }

    fn setup() -> (Park, ProjectedPark, MapStyles, MapView) {
        let park = park();
        let pp = ProjectedPark::new(&park).unwrap();
        let styles = MapStyles::default_for(&park);
        let bbox = pp.extent_of([0]).unwrap();
        let mut view = MapView::new(bbox.center(), 1.0, [800.0, 600.0]);
        view.fit_bbox(&bbox, 40.0);
        // Zoom on the big parcel at 1:3000 (the tiny one falls outside).
        let big = pp.layers[0].feature(0).unwrap().bbox.center();
        view.center = big;
        view.set_scale(3000.0);
        (park, pp, styles, view)
    }

    #[test]
    fn draws_visible_layers_in_order_and_culls() {
        let (park, pp, styles, view) = setup();
        let scene = build_scene(
            &park,
            &pp,
            &view,
            &styles,
            &Overlays::default(),
            &BuildOptions::default(),
        );
        let [polys, lines, markers, labels] = scene.counts();
        // The tiny parcel is far outside this view anyway; one parcel, three markers
        // (the far enterprise is culled).
        assert_eq!((polys, lines, markers), (1, 0, 3));
        // Parcels (area) come before enterprises (points).
        let first_marker = scene
            .items
            .iter()
            .position(|i| matches!(i, Item::Marker(_)))
            .unwrap();
        let first_poly = scene
            .items
            .iter()
            .position(|i| matches!(i, Item::Polygon(_)))
            .unwrap();
        assert!(first_poly < first_marker);
        // The M2 parcel is drawn in GB 50137 brown with the layer's opacity.
        let Item::Polygon(p) = &scene.items[first_poly] else {
            panic!()
        };
        let fill = p.fill.unwrap();
        assert_eq!((fill.r, fill.g, fill.b), (127, 95, 63));
        assert_eq!(fill.a, (255.0f32 * 0.85).round() as u8);
        assert_eq!(p.tag, Some(FeatureRef { layer: 0, index: 0 }));
        // At this scale (~1:2000 on screen) enterprise names are shown.
        assert!(
            view.scale_denominator() < 7000.0,
            "{}",
            view.scale_denominator()
        );
        assert!(labels >= 3, "{labels}");
        assert!(scene.labels().any(|l| l.text == "五方光电"));
        // Hidden layers draw nothing.
        let mut hidden = styles.clone();
        hidden.display_of_mut(1).unwrap().visible = false;
        let s2 = build_scene(
            &park,
            &pp,
            &view,
            &hidden,
            &Overlays::default(),
            &BuildOptions::default(),
        );
        assert_eq!(s2.counts()[2], 0);
    }

    #[test]
    fn sub_pixel_polygons_are_dropped_and_labels_follow_scale() {
        let (park, pp, styles, _) = setup();
        let all = pp.extent().unwrap();
        let mut view = MapView::new(all.center(), 1.0, [800.0, 600.0]);
        view.fit_bbox(&all, 0.0);
        // The whole extent (~150 km) in 800 px: ~190 m/px; the 1 m parcel is dropped
        // and the 480 m parcel is ~2.5 px, still drawn.
        let scene = build_scene(
            &park,
            &pp,
            &view,
            &styles,
            &Overlays::default(),
            &BuildOptions::default(),
        );
        assert_eq!(scene.counts()[0], 1);
        assert_eq!(scene.counts()[3], 0, "no labels at 1:700000");
    }

    #[test]
    fn a_cancelled_build_stops_before_drawing_and_placing_labels() {
        let (park, pp, styles, view) = setup();
        let build = |cancelled: bool| {
            build_scene(
                &park,
                &pp,
                &view,
                &styles,
                &Overlays::default(),
                &BuildOptions {
                    cancel: Some(Arc::new(AtomicBool::new(cancelled))),
                    ..BuildOptions::default()
                },
            )
        };
        assert!(build(false).items.len() >= 4);
        assert!(build(true).items.is_empty());
    }

    #[test]
    fn overlays_are_drawn_between_areas_and_points() {
        let (park, pp, styles, view) = setup();
        let circle = geo::MultiPolygon(vec![polygon![
            (x: 112.301, y: 30.301), (x: 112.303, y: 30.301), (x: 112.303, y: 30.303), (x: 112.301, y: 30.303)
        ]]);
        let overlays = Overlays {
            areas: vec![OverlayArea::from_lon_lat(&circle, AreaKind::ServiceCircle, &pp).unwrap()],
            highlighted: vec![FeatureRef { layer: 1, index: 1 }],
            selected: vec![],
            flagged: vec![],
        };
        let scene = build_scene(
            &park,
            &pp,
            &view,
            &styles,
            &overlays,
            &BuildOptions {
                labels: false,
                ..BuildOptions::default()
            },
        );
        let theme = Theme::default();
        let kinds: Vec<&str> = scene
            .items
            .iter()
            .map(|i| match i {
                Item::Polygon(p) if p.fill == Some(theme.service_circle_fill) => "circle",
                Item::Polygon(_) => "parcel",
                Item::Marker(m) if m.fill == Some(theme.highlight_fill) => "highlight",
                Item::Marker(_) => "marker",
                _ => "other",
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                "parcel",
                "circle",
                "marker",
                "marker",
                "marker",
                "highlight"
            ]
        );
    }

    #[test]
    fn isochrones_fill_circle_outlines_do_not_and_flagged_points_stand_out() {
        let (park, pp, styles, view) = setup();
        let square = |d: f64| {
            geo::MultiPolygon(vec![polygon![
                (x: 112.301, y: 30.301), (x: 112.301 + d, y: 30.301), (x: 112.301 + d, y: 30.301 + d), (x: 112.301, y: 30.301 + d)
            ]])
        };
        let overlays = Overlays {
            areas: vec![
                OverlayArea::from_lon_lat(&square(0.001), AreaKind::Isochrone, &pp).unwrap(),
                OverlayArea::from_lon_lat(&square(0.002), AreaKind::CircleOutline, &pp).unwrap(),
            ],
            highlighted: vec![FeatureRef { layer: 1, index: 1 }],
            selected: vec![],
            flagged: vec![FeatureRef { layer: 1, index: 0 }],
        };
        let scene = build_scene(
            &park,
            &pp,
            &view,
            &styles,
            &overlays,
            &BuildOptions {
                labels: false,
                ..BuildOptions::default()
            },
        );
        let theme = Theme::default();
        let kinds: Vec<&str> = scene
            .items
            .iter()
            .map(|i| match i {
                Item::Polygon(p) if p.fill == Some(theme.isochrone_fill) => "isochrone",
                Item::Polygon(p)
                    if p.fill.is_none()
                        && p.stroke == Some(theme.service_circle_stroke.clone()) =>
                {
                    "outline"
                }
                Item::Polygon(_) => "parcel",
                Item::Marker(m) if m.fill == Some(theme.highlight_fill) => "highlight",
                Item::Marker(m)
                    if m.fill == Some(theme.flagged_fill) && m.shape == theme.flagged_shape =>
                {
                    "flagged"
                }
                Item::Marker(_) => "marker",
                _ => "other",
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                "parcel",
                "isochrone",
                "outline",
                "marker",
                "marker",
                "marker",
                "highlight",
                "flagged"
            ]
        );
    }

    /// A park of one layer with one mapped field.
    fn one_layer_park(
        name: &str,
        role: Role,
        field: (Field, &str),
        geometries: Vec<Option<Geometry>>,
        attributes: AttributeTable,
    ) -> Park {
        let mut fields = FieldMap::new();
        fields.insert(field.0, field.1.into());
        Park {
            layers: vec![Layer {
                name: name.into(),
                role,
                fields,
                ids: vec![None; geometries.len()],
                geometries,
                attributes,
                ..Layer::default()
            }],
            ..Park::default()
        }
    }

    /// 30,000 enterprises scattered (a fixed pseudo-random sequence) on a 600 m square.
    fn scattered_enterprises() -> Park {
        let mut attr = AttributeTable::new();
        let mut geoms = Vec::new();
        let mut s = 11u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 33) as f64 / (1u64 << 31) as f64
        };
        for _ in 0..30_000 {
            attr.push_row([("企业名称", PropValue::Str("企业"))]);
            geoms.push(Some(Geometry::Point(Point::new(
                112.30 + next() * 0.006,
                30.30 + next() * 0.006,
            ))));
        }
        one_layer_park(
            "企业",
            Role::Enterprises,
            (Field::Name, "企业名称"),
            geoms,
            attr,
        )
    }

    #[test]
    fn any_view_of_a_crowded_layer_draws_the_cells_of_binning_the_whole_layer() {
        let park = scattered_enterprises();
        let pp = ProjectedPark::new(&park).unwrap();
        let (pl, layer) = (&pp.layers[0], &park.layers[0]);
        let styles = MapStyles::default_for(&park);
        let (key, classes) = classes(pl, layer, &styles.layers[0].style.symbology);
        let opts = BuildOptions {
            aggregate_above: 1_000,
            ..BuildOptions::default()
        };
        // Every drawable point of the layer, binned plainly: the reference.
        let points: Vec<aggregate::LevelPoint> = (0..pl.len())
            .filter_map(|i| Some((i as u32, pl.point(i)?, classes[i])))
            .collect();
        let c = pp.extent().unwrap().center();
        // A 150 m square in the middle (about 1,900 of the 30,000 points), a view of a
        // corner and the whole layer, at three zooms.
        for (half, resolution) in [(75.0, 0.5), (75.0, 0.25), (250.0, 1.0), (1000.0, 2.0)] {
            for off in [[0.0, 0.0], [200.0, -200.0]] {
                let query = super::super::view::WorldRect {
                    min: [c[0] + off[0] - half, c[1] + off[1] - half],
                    max: [c[0] + off[0] + half, c[1] + off[1] + half],
                };
                let view = MapView::new(c, resolution, [300.0, 300.0]);
                let got =
                    aggregated_ids(pl, key, &classes, &query, &query, &view, 6.0, &opts).unwrap();
                let cell =
                    (6.0 * opts.aggregate_cell).max(1.0 / opts.raster_scale) as f64 * resolution;
                let grid = aggregate::GridLevel::build(&points, aggregate::cell_size_at_most(cell));
                let want: Vec<aggregate::Cell> = grid.cells_in(&query).copied().collect();
                assert!(got.len() > 100, "{} cells", got.len());
                assert_eq!(got, want, "view ±{half} m at {resolution} m/px");
            }
        }
        // The levels were built once for all these views.
        let levels = point_levels(pl, key, &classes).unwrap();
        assert!(Arc::ptr_eq(
            &levels,
            &point_levels(pl, key, &classes).unwrap()
        ));
    }

    #[test]
    fn a_crowded_point_layer_is_drawn_one_symbol_per_cell_covering_every_point() {
        // 30,000 enterprises on a 600 m square: more than the threshold in view.
        let park = scattered_enterprises();
        let pp = ProjectedPark::new(&park).unwrap();
        let styles = MapStyles::default_for(&park);
        // An overview: the square is 60 px across, 7 points to a pixel.
        let view = MapView::new(pp.extent().unwrap().center(), 10.0, [800.0, 600.0]);
        let opts = BuildOptions {
            labels: false,
            raster_scale: 0.0,
            ..BuildOptions::default()
        };
        let scene_with = |o: &BuildOptions| -> Scene {
            build_scene(&park, &pp, &view, &styles, &Overlays::default(), o)
        };
        let markers = |o: &BuildOptions| -> Vec<MarkerItem> {
            scene_with(o)
                .items
                .into_iter()
                .filter_map(|i| match i {
                    Item::Marker(m) => Some(m),
                    _ => None,
                })
                .collect()
        };
        let all = markers(&BuildOptions {
            aggregate_above: usize::MAX,
            ..opts.clone()
        });
        assert_eq!(all.len(), 30_000);
        let some = markers(&opts);
        assert!(
            some.len() < all.len() / 4,
            "{} of {} drawn",
            some.len(),
            all.len()
        );
        // Drawn in index order, each one of the original symbols (same place, same look).
        let tags: Vec<u32> = some.iter().map(|m| m.tag.unwrap().index).collect();
        assert!(tags.windows(2).all(|w| w[0] < w[1]));
        for m in &some {
            let o = &all[m.tag.unwrap().index as usize];
            assert_eq!((m.center, m.size, m.fill), (o.center, o.size, o.fill));
        }
        // Every point lies under a drawn symbol's cell: within half a symbol of one.
        let size = some[0].size;
        let key = |c: [f32; 2]| ((c[0] / size).floor() as i64, (c[1] / size).floor() as i64);
        let mut grid: std::collections::HashMap<(i64, i64), Vec<[f32; 2]>> = Default::default();
        for m in &some {
            grid.entry(key(m.center)).or_default().push(m.center);
        }
        let reach = size * 0.5 * std::f32::consts::SQRT_2 + 0.01;
        for o in &all {
            let (cx, cy) = key(o.center);
            let near = (-1..=1).any(|dx| {
                (-1..=1).any(|dy| {
                    grid.get(&(cx + dx, cy + dy)).is_some_and(|v| {
                        v.iter()
                            .any(|c| (c[0] - o.center[0]).hypot(c[1] - o.center[1]) <= reach)
                    })
                })
            });
            assert!(
                near,
                "a point at {:?} is not covered (size {size}, {} drawn)",
                o.center,
                some.len()
            );
        }
        // As a picture at 2 pixels per unit: one item, no markers, and every point's
        // own pixel painted in its symbol's colour.
        let scene = scene_with(&BuildOptions {
            raster_scale: 2.0,
            ..opts.clone()
        });
        let rasters: Vec<&RasterItem> = scene.rasters().collect();
        assert_eq!(rasters.len(), 1);
        assert_eq!(scene.counts()[2], rasters[0].features);
        assert!(!scene.items.iter().any(|i| matches!(i, Item::Marker(_))));
        let r = rasters[0];
        // Cropped to the points' square inside the 1600 × 1200 view.
        assert!(
            r.width < 1600 && r.height < 1200,
            "{} × {}",
            r.width,
            r.height
        );
        for o in &all {
            let x = ((o.center[0] - r.rect.min[0]) * 2.0) as usize;
            let y = ((o.center[1] - r.rect.min[1]) * 2.0) as usize;
            let at = (y * r.width as usize + x) * 4;
            let px = &r.pixels[at..at + 4];
            assert!(px[3] == 255, "no opaque pixel under {:?}", o.center);
        }
        // The crop is tight (up to a stamp's transparent margin): within 2 pixels of
        // each edge a pixel is drawn on.
        let (w, h) = (r.width as usize, r.height as usize);
        let inked = |xs: std::ops::Range<usize>, ys: std::ops::Range<usize>| {
            ys.clone()
                .any(|y| xs.clone().any(|x| r.pixels[(y * w + x) * 4 + 3] > 0))
        };
        assert!(inked(0..w, 0..3) && inked(0..w, h - 3..h));
        assert!(inked(0..3, 0..h) && inked(w - 3..w, 0..h));
        // A picture too large to paint (here 80 gigapixels) falls back to markers.
        let scene = scene_with(&BuildOptions {
            raster_scale: 400.0,
            ..opts.clone()
        });
        assert_eq!(scene.rasters().count(), 0);
        assert!(scene.counts()[2] > 100);
    }

    #[test]
    fn a_view_told_to_decide_in_a_wider_rectangle_draws_a_picture_where_it_would() {
        // A view holding a few hundred of the 30,000 points, inside a rectangle holding
        // thousands: on its own one by one, told to decide in the rectangle a picture.
        let park = scattered_enterprises();
        let pp = ProjectedPark::new(&park).unwrap();
        let styles = MapStyles::default_for(&park);
        let view = MapView::new(pp.extent().unwrap().center(), 0.25, [400.0, 300.0]);
        let wide = super::super::view::WorldRect {
            min: [view.center[0] - 400.0, view.center[1] - 300.0],
            max: [view.center[0] + 400.0, view.center[1] + 300.0],
        };
        let opts = BuildOptions {
            labels: false,
            aggregate_above: 2_000,
            ..BuildOptions::default()
        };
        assert!(pp.layers[0].unsorted_in_rect(&view.world_bounds()).len() < 2_000);
        assert!(pp.layers[0].unsorted_in_rect(&wide).len() > 2_000);
        let alone = build_scene(&park, &pp, &view, &styles, &Overlays::default(), &opts);
        let markers = |s: &Scene| {
            s.items
                .iter()
                .filter(|i| matches!(i, Item::Marker(_)))
                .count()
        };
        assert_eq!(alone.rasters().count(), 0);
        assert!(markers(&alone) > 100);
        let within = BuildOptions {
            crowded_within: Some(wide),
            ..opts.clone()
        };
        let told = build_scene(&park, &pp, &view, &styles, &Overlays::default(), &within);
        assert_eq!(told.rasters().count(), 1);
        assert_eq!(markers(&told), 0);
        // Told to decide in the view itself: as before.
        let same = BuildOptions {
            crowded_within: Some(view.world_bounds()),
            ..opts
        };
        let again = build_scene(&park, &pp, &view, &styles, &Overlays::default(), &same);
        assert_eq!(again.rasters().count(), 0);
    }

    #[test]
    fn a_crowded_area_layer_fills_its_tiny_parcels_into_a_picture() {
        // 160 × 160 parcels of about 20 m with 10 m gaps, seen at 10 m a pixel.
        let (mut geoms, mut attr) = (Vec::new(), AttributeTable::new());
        let d = 0.0003;
        for r in 0..160 {
            for c in 0..160 {
                let (x, y) = (112.30 + c as f64 * d, 30.30 + r as f64 * d);
                geoms.push(Some(Geometry::Polygon(polygon![
                    (x: x, y: y), (x: x + d * 0.66, y: y), (x: x + d * 0.66, y: y + d * 0.66), (x: x, y: y + d * 0.66)
                ])));
                attr.push_row([("用地性质", PropValue::Str("M1"))]);
            }
        }
        let n = geoms.len();
        let park = one_layer_park(
            "地块",
            Role::Parcels,
            (Field::LandUse, "用地性质"),
            geoms,
            attr,
        );
        let pp = ProjectedPark::new(&park).unwrap();
        let styles = MapStyles::default_for(&park);
        let view = MapView::new(pp.extent().unwrap().center(), 10.0, [800.0, 600.0]);
        let opts = BuildOptions {
            labels: false,
            ..BuildOptions::default()
        };
        let scene = build_scene(&park, &pp, &view, &styles, &Overlays::default(), &opts);
        let rasters: Vec<&RasterItem> = scene.rasters().collect();
        assert_eq!(rasters.len(), 1);
        assert_eq!(rasters[0].features, n);
        assert!(!scene.items.iter().any(|i| matches!(i, Item::Polygon(_))));
        // The first parcel's middle pixel has the parcels' fill.
        let style = &styles.layers[0].style;
        let class = style.symbology.classify(&park.layers[0], 0).unwrap() as usize;
        let fill = style.symbology.symbols()[class]
            .fill
            .unwrap()
            .with_opacity(style.opacity);
        let c = view.to_screen(pp.layers[0].feature(0).unwrap().bbox.center());
        let r = rasters[0];
        let at = ((c[1] - r.rect.min[1]) as usize * r.width as usize
            + (c[0] - r.rect.min[0]) as usize)
            * 4;
        let px = &r.pixels[at..at + 4];
        let pre = |v: u8| (v as u32 * fill.a as u32 + 127) / 255;
        assert!(
            (px[0] as i32 - pre(fill.r) as i32).abs() <= 2,
            "{px:?} vs {fill:?}"
        );
        assert!(
            (px[3] as i32 - fill.a as i32).abs() <= 2,
            "{px:?} vs {fill:?}"
        );
        // At 4 m a pixel (parcels ≈ 5 pixels across, every one in view) they are
        // painted into the picture as their shapes with their outlines, on screen; on
        // paper they stay shapes.
        let mut mid = view;
        mid.resolution = 4.0;
        mid.size = [1600.0, 1400.0];
        let scene = build_scene(&park, &pp, &mid, &styles, &Overlays::default(), &opts);
        let rasters: Vec<&RasterItem> = scene.rasters().collect();
        assert_eq!(rasters.len(), 1);
        assert_eq!(rasters[0].features, n);
        assert!(!scene.items.iter().any(|i| matches!(i, Item::Polygon(_))));
        let r = rasters[0];
        let pixel = |p: [f64; 2]| {
            let c = mid.to_screen(p);
            let at = ((c[1] - r.rect.min[1]) as usize * r.width as usize
                + (c[0] - r.rect.min[0]) as usize)
                * 4;
            [
                r.pixels[at],
                r.pixels[at + 1],
                r.pixels[at + 2],
                r.pixels[at + 3],
            ]
        };
        let b = pp.layers[0].feature(0).unwrap().bbox;
        let inside = pixel(b.center());
        assert!(
            (inside[0] as i32 - pre(fill.r) as i32).abs() <= 2,
            "{inside:?}"
        );
        // On its left edge the outline's colour mixes in (the fill alone would keep
        // the fill's colour at part of its alpha); between parcels, nothing.
        let edge = pixel([b.min[0] + 0.5, b.center()[1]]);
        let straight = |k: usize| edge[k] as f32 * 255.0 / edge[3].max(1) as f32;
        let off = [fill.r, fill.g, fill.b]
            .iter()
            .enumerate()
            .map(|(k, v)| (straight(k) - *v as f32).abs())
            .fold(0.0f32, f32::max);
        assert!(edge[3] > 0 && off > 8.0, "{edge:?} vs {fill:?}");
        assert_eq!(pixel([b.max[0] + 5.0, b.center()[1]]), [0, 0, 0, 0]);
        let print = BuildOptions {
            raster_scale: 300.0 / 72.0,
            ..opts.clone()
        };
        let scene = build_scene(&park, &pp, &mid, &styles, &Overlays::default(), &print);
        assert_eq!(scene.rasters().count(), 0);
        let polygons = scene.items.iter().filter(|i| matches!(i, Item::Polygon(_)));
        assert_eq!(polygons.count(), n);
        // Zoomed in, they are shapes again.
        let mut near = view;
        near.resolution = 0.5;
        let scene = build_scene(&park, &pp, &near, &styles, &Overlays::default(), &opts);
        assert_eq!(scene.rasters().count(), 0);
        assert!(scene.counts()[0] > 0);
    }
}
