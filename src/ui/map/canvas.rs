//! The egui backend of the renderer: a [`render::Canvas`](crate::render::Canvas) that
//! turns a [`Scene`] into egui shapes, and the cached map "tile" that makes panning
//! cheap.
//!
//! - [`ShapeCanvas`] converts scene items: polygons are triangulated (earcut, so
//!   concave parcels and holes fill correctly) into meshes with their outline as a
//!   closed path, lines as paths (dashed where the style says), markers as circles or
//!   convex polygons; markers that would land on the same pixel as an identical one are
//!   dropped (sub-pixel detail). Labels are kept as items, drawn each frame.
//! - A [`Tile`] is the layers and analysis overlays built by `render::build_scene` for
//!   the view plus a margin, tessellated once with epaint's tessellator into meshes
//!   grouped in a grid of chunks, layer by layer (a layer's chunks are painted after
//!   the previous layer's, so drawing order survives chunking). Each frame the chunks that meet the screen are
//!   translated and scaled to the current view ([`paint_tile`]); a new tile is built on
//!   a worker thread when the zoom, the styles or the overlays change or the view nears
//!   the tile's edge. So a panning frame costs a vertex copy, never a re-tessellation.
//!   After a zoom (or with no tile yet) the first tile is the view alone
//!   ([`VISIBLE_MARGIN`], a quarter of the work), shown at once, and the full tile with
//!   its margin follows it.
//!
//! Colours and sizes come from `render::style`; this module only translates them.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use eframe::egui::{self, Color32, Mesh, Pos2, Rect, Shape, pos2, vec2};
use eframe::epaint::{TessellationOptions, Tessellator, TextureId, emath::TSTransform};

use crate::model::{Lang, Park};
use crate::render::scene::{HAlign, LabelItem, MarkerItem, PolygonItem, PolylineItem, RasterItem};
use crate::render::style::{MarkerShape, Rgba};
use crate::render::{
    BuildOptions, Canvas, MapStyles, MapView, Overlays, ProjectedPark, Scene, ScreenRect,
    build_scene, closed_rings, draw_scene, triangulate,
};
use crate::ui::theme;

/// A render colour as an egui colour.
pub fn color(c: Rgba) -> Color32 {
    Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a)
}

/// A render stroke as an egui stroke.
pub fn stroke(s: &crate::render::Stroke) -> egui::Stroke {
    egui::Stroke::new(s.width, color(s.color))
}

fn pt(p: [f32; 2]) -> Pos2 {
    pos2(p[0], p[1])
}

/// Collects egui shapes (and labels) from a scene.
#[derive(Default)]
pub struct ShapeCanvas {
    /// The disc texture ([`disc_image`]) circle markers are drawn with, as textured
    /// quads; `None` draws them as tessellated circles.
    pub disc: Option<TextureId>,
    /// The shapes, in drawing order.
    pub shapes: Vec<Shape>,
    /// The labels, drawn by the caller (text needs the UI thread's fonts).
    pub labels: Vec<LabelItem>,
    markers_seen: HashSet<(i32, i32, u32, u32, u8)>,
    /// Markers dropped because an identical one covers the same pixel.
    pub markers_merged: usize,
    /// Where pictures (crowded point layers) are uploaded as textures; `None` leaves
    /// them out.
    pub ctx: Option<egui::Context>,
    /// The pictures' textures, kept as long as the shapes are painted.
    pub textures: Vec<egui::TextureHandle>,
    /// Where each run of shapes from one layer starts (index into `shapes`, the layer;
    /// `None` for untagged items such as analysis areas). Chunking keeps these runs in
    /// order, so that a large translucent area never paints over the points of a later
    /// layer lying in another chunk.
    pub groups: Vec<(usize, Option<u32>)>,
}

impl ShapeCanvas {
    fn group(&mut self, tag: Option<crate::model::FeatureRef>) {
        let key = tag.map(|t| t.layer);
        if self.groups.last().map(|g| g.1) != Some(key) {
            self.groups.push((self.shapes.len(), key));
        }
    }
}

fn path_shapes(out: &mut Vec<Shape>, points: Vec<Pos2>, closed: bool, s: &crate::render::Stroke) {
    let st = stroke(s);
    if st.width <= 0.0 || st.color.a() == 0 || points.len() < 2 {
        return;
    }
    match &s.dash {
        Some(d) if d.len() >= 2 && d[0] > 0.0 && d[1] > 0.0 => {
            let mut pts = points;
            if closed {
                pts.push(pts[0]);
            }
            out.extend(Shape::dashed_line(&pts, st, d[0], d[1]));
        }
        _ => out.push(if closed {
            Shape::closed_line(points, st)
        } else {
            Shape::line(points, st)
        }),
    }
}

impl Canvas for ShapeCanvas {
    fn begin_scene(&mut self, _clip: Option<ScreenRect>, _background: Option<Rgba>) {}

    fn raster(&mut self, r: &RasterItem) {
        let Some(ctx) = self.ctx.clone() else { return };
        if r.pixels.len() != r.width as usize * r.height as usize * 4 {
            return;
        }
        self.group(Some(crate::model::FeatureRef {
            layer: r.layer,
            index: 0,
        }));
        let image = egui::ColorImage::from_rgba_premultiplied(
            [r.width as usize, r.height as usize],
            &r.pixels,
        );
        let handle = ctx.load_texture("parkplan-points", image, egui::TextureOptions::LINEAR);
        self.shapes.push(Shape::image(
            handle.id(),
            Rect::from_min_max(pt(r.rect.min), pt(r.rect.max)),
            Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
            Color32::WHITE,
        ));
        self.textures.push(handle);
    }

    fn polygon(&mut self, p: &PolygonItem) {
        self.group(p.tag);
        if let Some(fill) = p.fill.filter(|f| f.a > 0) {
            let t = triangulate(p);
            if !t.indices.is_empty() {
                let c = color(fill);
                let mut mesh = Mesh::default();
                mesh.vertices.reserve(t.vertices.len());
                for v in &t.vertices {
                    mesh.colored_vertex(pt(*v), c);
                }
                mesh.indices = t.indices;
                self.shapes.push(Shape::mesh(mesh));
            }
        }
        // A polygon a few pixels across is all outline: draw its fill only.
        let big_enough = p.rings.first().is_some_and(|r| {
            let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
            for q in r {
                lo = [lo[0].min(q[0]), lo[1].min(q[1])];
                hi = [hi[0].max(q[0]), hi[1].max(q[1])];
            }
            (hi[0] - lo[0]).max(hi[1] - lo[1]) >= theme::MIN_OUTLINED_POLYGON
        });
        if let Some(s) = p.stroke.as_ref().filter(|_| big_enough) {
            for ring in closed_rings(p) {
                let mut pts: Vec<Pos2> = ring.into_iter().map(pt).collect();
                pts.pop(); // closed_line closes it
                path_shapes(&mut self.shapes, pts, true, s);
            }
        }
    }

    fn polyline(&mut self, l: &PolylineItem) {
        self.group(l.tag);
        path_shapes(
            &mut self.shapes,
            l.points.iter().copied().map(pt).collect(),
            false,
            &l.stroke,
        );
    }

    fn marker(&mut self, m: &MarkerItem) {
        self.group(m.tag);
        let key = (
            m.center[0].round() as i32,
            m.center[1].round() as i32,
            m.fill
                .map_or(0, |c| u32::from_be_bytes([c.r, c.g, c.b, c.a])),
            (m.size * 4.0) as u32,
            m.shape as u8,
        );
        if !self.markers_seen.insert(key) {
            self.markers_merged += 1;
            return;
        }
        let fill = m.fill.map_or(Color32::TRANSPARENT, color);
        let st = m.stroke.as_ref().map_or(egui::Stroke::NONE, stroke);
        let c = pt(m.center);
        match m.shape {
            MarkerShape::Circle => {
                // The outline as a slightly larger disc beneath the fill: with the disc
                // texture a marker costs two quads instead of a tessellated path.
                let r = m.size / 2.0;
                let mut disc = |radius: f32, colour: Color32| match self.disc {
                    Some(tex) => {
                        let mut mesh = Mesh::with_texture(tex);
                        mesh.add_rect_with_uv(
                            Rect::from_center_size(
                                c,
                                vec2(2.0 * radius, 2.0 * radius) * DISC_QUAD_SCALE,
                            ),
                            Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
                            colour,
                        );
                        self.shapes.push(Shape::mesh(mesh));
                    }
                    None => self.shapes.push(Shape::circle_filled(c, radius, colour)),
                };
                // The outline of a marker smaller than a few pixels cannot be seen.
                if st.width > 0.0 && st.color.a() > 0 && m.size >= theme::MIN_OUTLINED_MARKER {
                    disc(r + st.width, st.color);
                }
                if fill.a() > 0 {
                    disc(r, fill);
                }
            }
            shape => {
                let pts = shape
                    .outline(m.size)
                    .into_iter()
                    .map(|q| pos2(c.x + q[0], c.y + q[1]))
                    .collect::<Vec<_>>();
                if shape == MarkerShape::Star {
                    // Concave: fill as a fan from the centre, then outline.
                    let mut mesh = Mesh::default();
                    mesh.colored_vertex(c, fill);
                    for p in &pts {
                        mesh.colored_vertex(*p, fill);
                    }
                    let n = pts.len() as u32;
                    for i in 0..n {
                        mesh.add_triangle(0, 1 + i, 1 + (i + 1) % n);
                    }
                    self.shapes.push(Shape::mesh(mesh));
                    self.shapes.push(Shape::closed_line(pts, st));
                } else {
                    self.shapes.push(Shape::convex_polygon(pts, fill, st));
                }
            }
        }
    }

    fn label(&mut self, l: &LabelItem) {
        self.labels.push(l.clone());
    }

    fn end_scene(&mut self) {}
}

/// Size of the disc texture, texels.
pub const DISC_TEXELS: usize = 64;
/// The disc fills this fraction of its texture (the rest is the anti-aliased edge and
/// padding), so a quad is drawn this much larger than the disc.
const DISC_FILL: f32 = 0.875;
const DISC_QUAD_SCALE: f32 = 1.0 / DISC_FILL;

/// A white anti-aliased disc (premultiplied alpha), drawn tinted as point markers.
pub fn disc_image() -> egui::ColorImage {
    let n = DISC_TEXELS;
    let c = n as f32 / 2.0;
    let r = c * DISC_FILL;
    let pixels = (0..n * n)
        .map(|i| {
            let (x, y) = ((i % n) as f32 + 0.5, (i / n) as f32 + 0.5);
            let d = ((x - c).powi(2) + (y - c).powi(2)).sqrt();
            let a = (r - d + 0.5).clamp(0.0, 1.0);
            Color32::from_white_alpha((a * 255.0).round() as u8)
        })
        .collect();
    egui::ColorImage::new([n, n], pixels)
}

/// Draws labels: each text with its halo (the text drawn offset around itself in the
/// halo colour), positioned by `map(pos)`.
pub fn paint_labels(painter: &egui::Painter, labels: &[LabelItem], map: impl Fn([f32; 2]) -> Pos2) {
    paint_labels_within(painter, labels, map, None);
}

/// [`paint_labels`], leaving out straight labels that would not lie wholly inside
/// `within` (a label half cut by the map's edge reads wrong; the renderer placed it for
/// a wider tile).
pub fn paint_labels_within(
    painter: &egui::Painter,
    labels: &[LabelItem],
    map: impl Fn([f32; 2]) -> Pos2,
    within: Option<Rect>,
) {
    for l in labels {
        let font = egui::FontId::proportional(l.size.max(1.0));
        let galley = painter.layout_no_wrap(l.text.clone(), font, color(l.color));
        let size = galley.size();
        let p = map(l.pos);
        let x = match l.align {
            HAlign::Left => p.x,
            HAlign::Center => p.x - size.x / 2.0,
            HAlign::Right => p.x - size.x,
        };
        let top_left = pos2(x, p.y - size.y / 2.0);
        if let Some(r) = within
            && l.angle == 0.0
            && !r.contains_rect(Rect::from_min_size(top_left, size))
        {
            continue;
        }
        if l.angle != 0.0 && l.angle.is_finite() {
            // Rotated about the label's position: the galley turns about its top-left
            // corner, so that corner is turned about the position first.
            let rot = egui::emath::Rot2::from_angle(l.angle);
            let top_left = p + rot * (top_left - p);
            if let Some(h) = l.halo.filter(|h| h.width > 0.0 && h.color.a > 0) {
                let w = h.width.min(3.0);
                for d in [vec2(-w, 0.0), vec2(w, 0.0), vec2(0.0, -w), vec2(0.0, w)] {
                    let mut t =
                        egui::epaint::TextShape::new(top_left + d, galley.clone(), color(h.color))
                            .with_angle(l.angle);
                    t.override_text_color = Some(color(h.color));
                    painter.add(t);
                }
            }
            painter.add(
                egui::epaint::TextShape::new(top_left, galley, color(l.color)).with_angle(l.angle),
            );
            continue;
        }
        if let Some(h) = l.halo.filter(|h| h.width > 0.0 && h.color.a > 0) {
            let hc = color(h.color);
            let w = h.width.min(3.0);
            for d in [vec2(-w, 0.0), vec2(w, 0.0), vec2(0.0, -w), vec2(0.0, w)] {
                painter.galley_with_override_text_color(top_left + d, galley.clone(), hc);
            }
        }
        painter.galley(top_left, galley, color(l.color));
    }
}

/// How much of the view the tile adds on each side (0.5: the tile is twice the view in
/// each direction).
pub const TILE_MARGIN: f32 = 0.5;
/// The margin of the first tile built after a zoom (or with no tile yet): just the view,
/// a quarter of the full tile's area, shown at once; the full tile with
/// [`TILE_MARGIN`] (for panning) is built right after it and replaces it.
pub const VISIBLE_MARGIN: f32 = 0.0;
/// Chunks per tile side.
const CHUNKS: usize = 8;

/// What a tile was built from; a different key means rebuild.
#[derive(Debug, Clone, PartialEq)]
pub struct TileKey {
    /// Increases whenever styles, visibility or order change.
    pub styles_version: u64,
    /// Increases whenever the analysis overlay changes.
    pub overlay_version: u64,
    /// Label language.
    pub lang: Lang,
    /// Metres per display unit.
    pub resolution: f64,
    /// Physical pixels per point (feathering).
    pub pixels_per_point: f32,
}

/// The map content for one view and margin, tessellated.
pub struct Tile {
    /// What it was built from.
    pub key: TileKey,
    /// How much of the view it adds on each side ([`TILE_MARGIN`], or
    /// [`VISIBLE_MARGIN`] for the view-only tile shown first after a zoom).
    pub margin: f32,
    /// The tile's own view (origin 0, size = view + margins).
    pub view: MapView,
    /// Meshes by chunk (in drawing order; a new mesh where the texture changes), with
    /// each chunk's bounds in tile units.
    pub chunks: Vec<(Rect, Vec<Arc<Mesh>>)>,
    /// Labels in tile units.
    pub labels: Vec<LabelItem>,
    /// Vertices in all chunks.
    pub vertices: usize,
    /// Seconds spent building and tessellating.
    pub seconds: f64,
    /// The textures of its pictures (crowded point layers), freed with the tile.
    pub textures: Vec<egui::TextureHandle>,
    /// The layers drawn aggregated (as pictures) in this tile.
    pub aggregated: Vec<u32>,
}

impl std::fmt::Debug for Tile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tile")
            .field("key", &self.key)
            .field("margin", &self.margin)
            .field("chunks", &self.chunks.len())
            .field("vertices", &self.vertices)
            .field("labels", &self.labels.len())
            .finish()
    }
}

/// The tile view for a screen view: same centre and resolution, bigger by the margin.
pub fn tile_view(view: &MapView) -> MapView {
    tile_view_with_margin(view, TILE_MARGIN)
}

/// The tile view for a screen view with `margin` (a fraction of the view) added on each
/// side: same centre and resolution.
pub fn tile_view_with_margin(view: &MapView, margin: f32) -> MapView {
    let k = 1.0 + 2.0 * margin.max(0.0);
    MapView {
        center: view.center,
        resolution: view.resolution,
        size: [view.size[0] * k, view.size[1] * k],
        origin: [0.0, 0.0],
        units_per_inch: view.units_per_inch,
    }
}

/// Inputs for building a tile (all shareable with a worker thread).
#[derive(Clone)]
pub struct TileInput {
    /// The park.
    pub park: Arc<Park>,
    /// Its planar copy.
    pub projected: Arc<ProjectedPark>,
    /// Layer order and styles (with filters applied).
    pub styles: Arc<MapStyles>,
    /// Analysis overlays.
    pub overlays: Arc<Overlays>,
    /// What the tile is for.
    pub key: TileKey,
    /// The screen view it is centred on.
    pub view: MapView,
    /// How much of the view the tile adds on each side ([`TILE_MARGIN`] or
    /// [`VISIBLE_MARGIN`]).
    pub margin: f32,
    /// The disc texture for point markers.
    pub disc: Option<TextureId>,
    /// Where the pictures of crowded point layers are uploaded.
    pub ctx: Option<egui::Context>,
    /// The labels of the tile on screen when it has this tile's key (the same scale),
    /// which keep their place in this one ([`labels_kept_from`]).
    pub keep_labels: Vec<LabelItem>,
}

/// The labels of `shown` (a tile at the same scale) in the display units of the tile
/// `view` and `margin` will give, to keep their place there.
pub fn labels_kept_from(shown: &Tile, view: &MapView, margin: f32) -> Vec<LabelItem> {
    let next = tile_view_with_margin(view, margin);
    shown
        .labels
        .iter()
        .map(|l| {
            let world = shown
                .view
                .screen_to_world([f64::from(l.pos[0]), f64::from(l.pos[1])]);
            LabelItem {
                pos: next.to_screen(world),
                ..l.clone()
            }
        })
        .collect()
}

/// Builds and tessellates a tile (run it on a worker).
pub fn build_tile(input: &TileInput) -> Tile {
    let never = Arc::new(AtomicBool::new(false));
    build_tile_unless_cancelled(input, &never)
        .unwrap_or_else(|| Tile::empty(input.key.clone(), &input.view, input.margin))
}

impl Tile {
    /// A tile with nothing drawn, for `key` around `view` with `margin`.
    pub fn empty(key: TileKey, view: &MapView, margin: f32) -> Tile {
        Tile {
            key,
            margin,
            view: tile_view_with_margin(view, margin),
            chunks: Vec::new(),
            labels: Vec::new(),
            vertices: 0,
            seconds: 0.0,
            textures: Vec::new(),
            aggregated: Vec::new(),
        }
    }
}

/// [`build_tile`], stopping early with `None` once `cancel` is set (a newer zoom made
/// the tile useless): the scene build checks it between layers and blocks of features,
/// the tessellation between chunks.
pub fn build_tile_unless_cancelled(input: &TileInput, cancel: &Arc<AtomicBool>) -> Option<Tile> {
    let t0 = std::time::Instant::now();
    let view = tile_view_with_margin(&input.view, input.margin);
    let options = BuildOptions {
        lang: input.key.lang,
        background: false,
        // Crowded point layers become a picture at the screen's pixel density.
        raster_scale: input.key.pixels_per_point,
        // A view-only tile draws a layer as a picture where the full tile would.
        crowded_within: (input.margin < TILE_MARGIN).then(|| tile_view(&input.view).world_bounds()),
        cancel: Some(cancel.clone()),
        keep_labels: input.keep_labels.clone(),
        ..BuildOptions::default()
    };
    let scene = build_scene(
        &input.park,
        &input.projected,
        &view,
        &input.styles,
        &input.overlays,
        &options,
    );
    if options.cancelled() {
        return None;
    }
    let mut aggregated: Vec<u32> = scene.rasters().map(|r| r.layer).collect();
    aggregated.dedup();
    let (chunks, labels, textures) = tessellate_scene_unless(
        &scene,
        &view,
        input.key.pixels_per_point,
        input.disc,
        input.ctx.as_ref(),
        cancel,
    );
    if options.cancelled() {
        return None;
    }
    let vertices = chunks
        .iter()
        .flat_map(|(_, runs)| runs.iter().map(|m| m.vertices.len()))
        .sum();
    Some(Tile {
        key: input.key.clone(),
        margin: input.margin,
        view,
        chunks: chunks
            .into_iter()
            .map(|(r, runs)| (r, runs.into_iter().map(Arc::new).collect()))
            .collect(),
        labels,
        vertices,
        seconds: t0.elapsed().as_secs_f64(),
        textures,
        aggregated,
    })
}

/// Tessellates a scene into chunked meshes (by where each shape lies in the view). Each
/// chunk keeps its meshes in drawing order, starting a new mesh where the texture
/// changes (markers use the disc texture).
pub fn tessellate_scene(
    scene: &Scene,
    view: &MapView,
    pixels_per_point: f32,
    disc: Option<TextureId>,
    ctx: Option<&egui::Context>,
) -> Tessellated {
    let never = AtomicBool::new(false);
    tessellate_scene_unless(scene, view, pixels_per_point, disc, ctx, &never)
}

/// [`tessellate_scene`], skipping the chunks not yet tessellated once `cancel` is set
/// (the result is then incomplete, for the caller to throw away).
fn tessellate_scene_unless(
    scene: &Scene,
    view: &MapView,
    pixels_per_point: f32,
    disc: Option<TextureId>,
    ctx: Option<&egui::Context>,
    cancel: &AtomicBool,
) -> Tessellated {
    let mut canvas = ShapeCanvas {
        disc,
        ctx: ctx.cloned(),
        ..ShapeCanvas::default()
    };
    draw_scene(scene, &mut canvas);
    let cw = (view.size[0] / CHUNKS as f32).max(1.0);
    let ch = (view.size[1] / CHUNKS as f32).max(1.0);
    let mut chunks: Vec<(Rect, Vec<Mesh>)> = Vec::new();
    // Chunks are painted one after another, so a layer's shapes are chunked only among
    // themselves: each run of one layer's shapes is cut into chunks, whose shapes are
    // tessellated in parallel (each chunk's in order), and the chunks closed in order.
    let mut starts: Vec<usize> = canvas.groups.iter().skip(1).map(|g| g.0).collect();
    starts.push(usize::MAX);
    let mut shapes = canvas.shapes.into_iter().enumerate().peekable();
    for end in starts {
        let mut by_chunk: Vec<Vec<(Shape, Rect)>> =
            (0..CHUNKS * CHUNKS).map(|_| Vec::new()).collect();
        while let Some((_, shape)) = shapes.next_if(|(i, _)| *i < end) {
            let r = shape.visual_bounding_rect();
            if !r.is_finite() {
                continue;
            }
            let c = r.center();
            let ix = ((c.x / cw).floor().max(0.0) as usize).min(CHUNKS - 1);
            let iy = ((c.y / ch).floor().max(0.0) as usize).min(CHUNKS - 1);
            by_chunk[iy * CHUNKS + ix].push((shape, r));
        }
        let done: Vec<(Rect, Vec<Mesh>)> = by_chunk
            .into_par_iter()
            .map(|list| {
                if cancel.load(Ordering::Relaxed) {
                    return (Rect::NOTHING, Vec::new());
                }
                let mut tess = Tessellator::new(
                    pixels_per_point.max(0.5),
                    TessellationOptions::default(),
                    [1, 1],
                    Vec::new(),
                );
                let mut bounds = Rect::NOTHING;
                let mut meshes: Vec<Mesh> = Vec::new();
                for (shape, r) in list {
                    let texture = shape.texture_id();
                    if meshes.last().is_none_or(|m| m.texture_id != texture) {
                        meshes.push(Mesh::with_texture(texture));
                    }
                    if let Some(out) = meshes.last_mut() {
                        tess.tessellate_shape(shape, out);
                    }
                    bounds = bounds.union(r.expand(2.0));
                }
                meshes.retain(|m| !m.is_empty());
                (bounds, meshes)
            })
            .collect();
        chunks.extend(done.into_iter().filter(|(_, m)| !m.is_empty()));
    }
    (chunks, canvas.labels, canvas.textures)
}

/// A tessellated scene: meshes by chunk, labels (drawn with the UI's fonts), and the
/// textures of its pictures (kept while the meshes are painted).
pub type Tessellated = (
    Vec<(Rect, Vec<Mesh>)>,
    Vec<LabelItem>,
    Vec<egui::TextureHandle>,
);

/// The transform from a tile's units to the screen for the current view: a scale and
/// an offset (`screen = tile · scale + offset`).
pub fn tile_transform(tile: &MapView, view: &MapView) -> (f32, egui::Vec2) {
    let k = tile.resolution / view.resolution;
    let o = view.world_to_screen(tile.screen_to_world([0.0, 0.0]));
    (k as f32, vec2(o[0] as f32, o[1] as f32))
}

/// The layer the tile is painted in: a sublayer of the map's layer, transformed from
/// tile units to the screen after tessellation (so a panning frame copies each visible
/// vertex once and never re-tessellates).
pub fn tile_layer(parent: egui::LayerId) -> egui::LayerId {
    egui::LayerId::new(
        parent.order,
        egui::Id::unique(("parkplan-map-tile", parent.id)),
    )
}

/// The layer drawn over the tile (labels, selection, hover, tools), kept above it.
pub fn overlay_layer(parent: egui::LayerId) -> egui::LayerId {
    egui::LayerId::new(
        parent.order,
        egui::Id::unique(("parkplan-map-overlay", parent.id)),
    )
}

/// Paints a tile's chunks that meet `clip` (screen), transformed to `view`, in the tile
/// layer above `parent`. Returns the number of vertices emitted.
pub fn paint_tile(
    ctx: &egui::Context,
    parent: egui::LayerId,
    tile: &Tile,
    view: &MapView,
    clip: Rect,
) -> usize {
    paint_tile_in(ctx, parent, tile_layer(parent), tile, view, &[clip])
}

/// Paints a tile's chunks that meet each of `clips` (screen), clipped to it and
/// transformed to `view`, in `layer` (a sublayer of `parent`: one transform a layer).
/// Returns the number of vertices emitted.
pub fn paint_tile_in(
    ctx: &egui::Context,
    parent: egui::LayerId,
    layer: egui::LayerId,
    tile: &Tile,
    view: &MapView,
    clips: &[Rect],
) -> usize {
    let (k, o) = tile_transform(&tile.view, view);
    if !(k.is_finite() && k > 0.0) {
        return 0;
    }
    ctx.set_sublayer(parent, layer);
    let to_screen = TSTransform::new(o, k);
    let mut emitted = 0;
    for clip in clips.iter().filter(|c| c.is_positive()) {
        let clip_in_tile = to_screen.inverse().mul_rect(*clip);
        let painter = egui::Painter::new(ctx.clone(), layer, clip_in_tile);
        for (b, runs) in &tile.chunks {
            if !b.intersects(clip_in_tile) {
                continue;
            }
            for mesh in runs {
                emitted += mesh.vertices.len();
                painter.add(Shape::Mesh(mesh.clone()));
            }
        }
    }
    ctx.transform_layer_shapes_after_rounding(layer, to_screen);
    emitted
}

/// The layer the previous tile is painted in around a view-only tile that no longer
/// covers the view (the map was panned before the full tile was ready).
pub fn backdrop_layer(parent: egui::LayerId) -> egui::LayerId {
    egui::LayerId::new(
        parent.order,
        egui::Id::unique(("parkplan-map-backdrop", parent.id)),
    )
}

/// Where a tile lies on the screen for `view`.
pub fn tile_screen_rect(tile: &MapView, view: &MapView) -> Rect {
    let (k, o) = tile_transform(tile, view);
    Rect::from_min_size(pos2(o.x, o.y), vec2(tile.size[0], tile.size[1]) * k)
}

/// The parts of `rect` outside `covered`: up to four bands (above, below, left, right),
/// none overlapping `covered` or each other.
pub fn uncovered_bands(rect: Rect, covered: Rect) -> Vec<Rect> {
    let c = covered.intersect(rect);
    if !c.is_positive() {
        return vec![rect];
    }
    [
        Rect::from_min_max(rect.min, pos2(rect.max.x, c.min.y)),
        Rect::from_min_max(pos2(rect.min.x, c.max.y), rect.max),
        Rect::from_min_max(pos2(rect.min.x, c.min.y), pos2(c.min.x, c.max.y)),
        Rect::from_min_max(pos2(c.max.x, c.min.y), pos2(rect.max.x, c.max.y)),
    ]
    .into_iter()
    .filter(|b| b.is_positive())
    .collect()
}

/// Paints the tile's labels that fall near `clip`, positioned for `view`.
pub fn paint_tile_labels(painter: &egui::Painter, tile: &Tile, view: &MapView, clip: Rect) {
    let (k, o) = tile_transform(&tile.view, view);
    let labels_clip = clip.expand(50.0);
    let visible: Vec<LabelItem> = tile
        .labels
        .iter()
        .filter(|l| labels_clip.contains(pos2(l.pos[0] * k + o.x, l.pos[1] * k + o.y)))
        .cloned()
        .collect();
    paint_labels_within(
        painter,
        &visible,
        |p| pos2(p[0] * k + o.x, p[1] * k + o.y),
        Some(clip),
    );
}

/// Whether the tile still covers the view (with no rebuild needed for position).
pub fn tile_covers(tile: &MapView, view: &MapView) -> bool {
    let t = tile.world_bounds();
    let v = view.world_bounds();
    v.min[0] >= t.min[0] && v.min[1] >= t.min[1] && v.max[0] <= t.max[0] && v.max[1] <= t.max[1]
}

/// Whether the view has moved far enough towards the tile's edge to prefetch a new one
/// (less than a quarter of the margin left on some side).
pub fn tile_needs_prefetch(tile: &MapView, view: &MapView) -> bool {
    let t = tile.world_bounds();
    let v = view.world_bounds();
    let mx = (v.max[0] - v.min[0]) * TILE_MARGIN as f64 * 0.25;
    let my = (v.max[1] - v.min[1]) * TILE_MARGIN as f64 * 0.25;
    v.min[0] - t.min[0] < mx
        || t.max[0] - v.max[0] < mx
        || v.min[1] - t.min[1] < my
        || t.max[1] - v.max[1] < my
}

/// Paints a small scene (hover, selection) directly.
pub fn paint_scene(painter: &egui::Painter, scene: &Scene) {
    let mut canvas = ShapeCanvas::default();
    draw_scene(scene, &mut canvas);
    painter.extend(canvas.shapes);
    paint_labels(painter, &canvas.labels, pt);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::style::Stroke as RStroke;

    #[test]
    fn concave_polygon_becomes_a_mesh_of_its_area_and_an_outline() {
        let mut c = ShapeCanvas::default();
        c.polygon(&PolygonItem {
            rings: vec![
                vec![
                    [0.0, 0.0],
                    [10.0, 0.0],
                    [10.0, 5.0],
                    [5.0, 5.0],
                    [5.0, 10.0],
                    [0.0, 10.0],
                ],
                vec![[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0]],
            ],
            fill: Some(Rgba::rgb(127, 95, 63)),
            stroke: Some(RStroke::solid(Rgba::BLACK, 1.0)),
            tag: None,
        });
        assert_eq!(c.shapes.len(), 3, "one fill mesh and two rings");
        let Shape::Mesh(m) = &c.shapes[0] else {
            panic!("the fill is a mesh")
        };
        let area: f32 = m
            .indices
            .chunks(3)
            .map(|t| {
                let [a, b, d] = [
                    m.vertices[t[0] as usize].pos,
                    m.vertices[t[1] as usize].pos,
                    m.vertices[t[2] as usize].pos,
                ];
                ((b.x - a.x) * (d.y - a.y) - (d.x - a.x) * (b.y - a.y)).abs() / 2.0
            })
            .sum();
        assert!((area - 74.0).abs() < 1e-3, "{area}");
        assert_eq!(m.vertices[0].color, Color32::from_rgb(127, 95, 63));
    }

    #[test]
    fn identical_markers_on_one_pixel_are_drawn_once() {
        let mut c = ShapeCanvas::default();
        let m = MarkerItem {
            center: [10.2, 10.1],
            shape: MarkerShape::Circle,
            size: 6.0,
            fill: Some(Rgba::rgb(200, 0, 0)),
            stroke: None,
            tag: None,
        };
        c.marker(&m);
        c.marker(&MarkerItem {
            center: [9.9, 10.3],
            ..m.clone()
        });
        c.marker(&MarkerItem {
            center: [14.0, 10.0],
            ..m.clone()
        });
        c.marker(&MarkerItem {
            fill: Some(Rgba::rgb(0, 0, 200)),
            ..m.clone()
        });
        assert_eq!(c.shapes.len(), 3);
        assert_eq!(c.markers_merged, 1);
    }

    #[test]
    fn tile_transform_maps_tile_points_to_the_view() {
        let view = MapView {
            origin: [100.0, 50.0],
            ..MapView::new([1000.0, 2000.0], 2.0, [800.0, 600.0])
        };
        let tile = tile_view(&view);
        // The same world point lands at the same place through the tile.
        let w = [1100.0, 1900.0];
        let (k, o) = tile_transform(&tile, &view);
        let t = tile.world_to_screen(w);
        let s = view.world_to_screen(w);
        assert!((t[0] as f32 * k + o.x - s[0] as f32).abs() < 1e-3);
        assert!((t[1] as f32 * k + o.y - s[1] as f32).abs() < 1e-3);
        // Panned and zoomed in 2x: scale 2.
        let mut v2 = view;
        v2.pan_by([30.0, -10.0]);
        v2.zoom_about(2.0, [500.0, 350.0]);
        let (k2, o2) = tile_transform(&tile, &v2);
        assert!((k2 - 2.0).abs() < 1e-6);
        let s2 = v2.world_to_screen(w);
        assert!((t[0] as f32 * k2 + o2.x - s2[0] as f32).abs() < 1e-2);
        assert!(tile_covers(&tile, &view));
        assert!(!tile_needs_prefetch(&tile, &view));
        let mut far = view;
        far.pan_by([380.0, 0.0]);
        assert!(tile_needs_prefetch(&tile, &far));
    }

    #[test]
    fn the_bands_outside_a_tile_cover_the_rest_of_the_map_once() {
        let map = Rect::from_min_size(pos2(10.0, 20.0), vec2(400.0, 300.0));
        assert!(uncovered_bands(map, map.expand(5.0)).is_empty());
        let away = Rect::from_min_size(pos2(900.0, 900.0), vec2(10.0, 10.0));
        assert_eq!(uncovered_bands(map, away), vec![map]);
        // A tile in the middle leaves four bands, which with it tile the map.
        let inner = Rect::from_min_max(pos2(60.0, 70.0), pos2(300.0, 250.0));
        let bands = uncovered_bands(map, inner);
        assert_eq!(bands.len(), 4);
        let area: f32 = bands.iter().map(|b| b.area()).sum::<f32>() + inner.area();
        assert!((area - map.area()).abs() < 1e-2);
        for (i, a) in bands.iter().enumerate() {
            assert!(map.contains_rect(*a));
            assert!(!a.intersects(inner.shrink(0.01)));
            for b in &bands[i + 1..] {
                assert!(!a.shrink(0.01).intersects(*b));
            }
        }
    }

    #[test]
    fn a_later_layer_is_painted_after_a_large_area_whatever_the_chunks() {
        use crate::render::Scene;
        use crate::render::scene::{Item, MarkerItem};
        // A translucent area covering the whole view, centred in the middle chunk, then
        // a point of a layer in the top-left chunk: the point must come out last.
        let view = MapView::new([0.0, 0.0], 1.0, [800.0, 800.0]);
        let area = PolygonItem {
            rings: vec![vec![[0.0, 0.0], [800.0, 0.0], [800.0, 800.0], [0.0, 800.0]]],
            fill: Some(Rgba::new(35, 139, 69, 64)),
            stroke: None,
            tag: None,
        };
        let point = MarkerItem {
            center: [20.0, 20.0],
            shape: crate::render::style::MarkerShape::Square,
            size: 8.0,
            fill: Some(Rgba::rgb(220, 20, 60)),
            stroke: None,
            tag: Some(crate::model::FeatureRef { layer: 3, index: 0 }),
        };
        let scene = Scene {
            items: vec![Item::Polygon(area), Item::Marker(point)],
            clip: None,
            background: None,
        };
        let (chunks, _, _) = tessellate_scene(&scene, &view, 1.0, None, None);
        let meshes: Vec<&Mesh> = chunks.iter().flat_map(|(_, m)| m).collect();
        let last = meshes.last().expect("meshes");
        let red = Color32::from_rgb(220, 20, 60);
        // (Anti-aliasing adds transparent edge vertices: look for the fill colour.)
        assert!(
            last.vertices.iter().any(|v| v.color == red),
            "the point is painted last"
        );
        assert!(meshes[0].vertices.iter().all(|v| v.color != red));
    }
}
