//! Page layout: a printed planning map on A4–A1, portrait or landscape.
//!
//! [`compose_page`] places, in points (1/72 in, y down): the title and subtitle at the
//! top; the map frame at a chosen scale (or fitted to the data, rounded to a standard
//! scale) with a north arrow, a scale bar with round numbers and an optional
//! coordinate grid; a panel with the statistics table and the legend (visible layers,
//! their categories and counts, plus the analysis overlays), on the right in
//! landscape and below the map in portrait, flowing into more columns when long; and a
//! footer with the CRS and data-source notes, the organisation and the date.
//!
//! The result is a [`Page`]: scenes the SVG/PDF/PNG targets (and the GUI's preview)
//! draw through the renderer's `Canvas`. Sizes and colours come from
//! `render::style::PageTheme`; text is measured with the bundled font. No file I/O,
//! no GUI.

use serde::{Deserialize, Serialize};

use super::fonts::FontMeasure;
use crate::model::units::{nice_length, thousands};
use crate::model::{Lang, Park};
use crate::render::build::{BuildOptions, MapStyles, Overlays, build_scene};
use crate::render::labels::TextMeasure;
use crate::render::projected::ProjectedPark;
use crate::render::scene::{HAlign, Item, LabelItem, MarkerItem, Scene};
use crate::render::style::{
    Classifier, Halo, LegendGroup, PageTheme, Rgba, Stroke, SwatchKind, Symbol, Symbology,
    legend_for,
};
use crate::render::view::{MapView, POINTS_PER_INCH, ScreenRect, WorldRect};

/// Paper sizes (ISO 216).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Paper {
    /// 210 × 297 mm.
    A4,
    /// 297 × 420 mm.
    A3,
    /// 420 × 594 mm.
    A2,
    /// 594 × 841 mm.
    A1,
}

impl Paper {
    /// Every size.
    pub const ALL: [Paper; 4] = [Paper::A4, Paper::A3, Paper::A2, Paper::A1];

    /// Width and height in millimetres, portrait.
    pub fn mm(self) -> [f32; 2] {
        match self {
            Paper::A4 => [210.0, 297.0],
            Paper::A3 => [297.0, 420.0],
            Paper::A2 => [420.0, 594.0],
            Paper::A1 => [594.0, 841.0],
        }
    }

    /// Reads "A3", "a3".
    pub fn parse(s: &str) -> Option<Paper> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A4" => Some(Paper::A4),
            "A3" => Some(Paper::A3),
            "A2" => Some(Paper::A2),
            "A1" => Some(Paper::A1),
            _ => None,
        }
    }

    /// "A3".
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A3 => "A3",
            Paper::A2 => "A2",
            Paper::A1 => "A1",
        }
    }
}

/// Page orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Orientation {
    /// Taller than wide.
    Portrait,
    /// Wider than tall.
    Landscape,
}

impl Orientation {
    /// Reads "landscape"/"portrait" (also 横向/纵向).
    pub fn parse(s: &str) -> Option<Orientation> {
        match s.trim().to_ascii_lowercase().as_str() {
            "landscape" | "横向" | "横版" | "l" => Some(Orientation::Landscape),
            "portrait" | "纵向" | "竖版" | "p" => Some(Orientation::Portrait),
            _ => None,
        }
    }
}

/// Millimetres to points.
pub fn mm_to_pt(mm: f32) -> f32 {
    mm / 25.4 * 72.0
}

/// Everything a user chooses about the printed page (the export dialog's settings,
/// saved between sessions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageSpec {
    /// Paper size.
    pub paper: Paper,
    /// Orientation.
    pub orientation: Orientation,
    /// Margin on every side, millimetres.
    pub margin_mm: f32,
    /// Scale denominator (10000 for 1:10000); `None` fits the data and rounds to a
    /// standard scale.
    pub scale: Option<f64>,
    /// Title (Chinese).
    pub title: String,
    /// Subtitle; `None` uses the analysis focus's description, if any.
    pub subtitle: Option<String>,
    /// Date line; `None` is today's date.
    pub date: Option<String>,
    /// Organisation line ("制图单位"); `None` leaves it out.
    pub organisation: Option<String>,
    /// CRS note; `None` describes the display frame ("CGCS2000 / 横轴墨卡托 …").
    pub crs_note: Option<String>,
    /// Data-source note; `None` names the park.
    pub source_note: Option<String>,
    /// Draw a lon/lat coordinate grid.
    pub grid: bool,
    /// Language of the page furniture.
    pub lang: Lang,
    /// PNG resolution.
    pub dpi: f32,
}

impl Default for PageSpec {
    fn default() -> PageSpec {
        PageSpec {
            paper: Paper::A3,
            orientation: Orientation::Landscape,
            margin_mm: 10.0,
            scale: None,
            title: String::new(),
            subtitle: None,
            date: None,
            organisation: None,
            crs_note: None,
            source_note: None,
            grid: false,
            lang: Lang::Zh,
            dpi: 300.0,
        }
    }
}

impl PageSpec {
    /// The page size in points.
    pub fn size_pt(&self) -> [f32; 2] {
        let [w, h] = self.paper.mm();
        let (w, h) = match self.orientation {
            Orientation::Portrait => (w, h),
            Orientation::Landscape => (h, w),
        };
        [mm_to_pt(w), mm_to_pt(h)]
    }
}

/// A row of the printed legend (layer entries and analysis overlays alike).
#[derive(Debug, Clone, PartialEq)]
pub struct LegendRow {
    /// The text.
    pub label: String,
    /// The symbol to draw in the swatch.
    pub symbol: Symbol,
    /// Swatch kind.
    pub swatch: SwatchKind,
    /// Feature count, shown right-aligned.
    pub count: Option<usize>,
}

impl LegendRow {
    /// A row whose swatch is a marker: `shape` of `size` pt filled with `fill`, with a
    /// white halo `halo` pt wide.
    pub fn marker(
        label: String,
        shape: crate::render::style::MarkerShape,
        size: f32,
        fill: crate::render::style::Rgba,
        halo: f32,
        count: Option<usize>,
    ) -> LegendRow {
        LegendRow {
            label,
            symbol: Symbol::point(shape, size, fill, crate::render::style::Rgba::WHITE, halo),
            swatch: SwatchKind::Point,
            count,
        }
    }

    /// A row whose swatch is an area filled with `fill` (`None`: outline only) and
    /// outlined with `stroke`.
    pub fn area(
        label: String,
        fill: Option<crate::render::style::Rgba>,
        stroke: &crate::render::style::Stroke,
    ) -> LegendRow {
        LegendRow {
            label,
            symbol: Symbol {
                fill,
                stroke: Some(stroke.clone()),
                ..Symbol::line(stroke.color, 1.0)
            },
            swatch: SwatchKind::Area,
            count: None,
        }
    }
}

/// A titled group of legend rows.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendBlock {
    /// Group title (`None` for a single-row layer, whose row names it).
    pub title: Option<String>,
    /// Rows.
    pub rows: Vec<LegendRow>,
}

/// A two-column statistics table (e.g. a route's figures).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatsTable {
    /// Heading.
    pub title: String,
    /// (name, value) rows.
    pub rows: Vec<(String, String)>,
}

/// What goes on the map besides the layers: overlays, the extent to show, the
/// statistics table, legend rows for the overlays and a default subtitle. Built by
/// [`super::focus`] for `--route` and `--facility`, or empty.
#[derive(Debug, Clone, Default)]
pub struct MapFocus {
    /// Overlays drawn on the map.
    pub overlays: Overlays,
    /// The planar extent the map should show when fitted.
    pub extent: Option<WorldRect>,
    /// Statistics table.
    pub stats: Option<StatsTable>,
    /// Legend block for the overlays (shown first).
    pub legend: Option<LegendBlock>,
    /// Subtitle used when the user gives none.
    pub subtitle: Option<String>,
}

/// A composed page: scenes in points, ready for any target.
#[derive(Debug, Clone)]
pub struct Page {
    /// Page size in points.
    pub size: [f32; 2],
    /// Scenes in drawing order (the map, clipped to its frame, then the furniture).
    pub scenes: Vec<Scene>,
    /// The map frame's view.
    pub map_view: MapView,
    /// The map's scale denominator.
    pub scale: f64,
    /// The title (PDF metadata).
    pub title: String,
    /// Things the user should know (legend truncated, …); glyph warnings are added by
    /// the export.
    pub notes: Vec<String>,
}

impl Page {
    /// Every label of the page.
    pub fn labels(&self) -> impl Iterator<Item = &LabelItem> {
        self.scenes.iter().flat_map(|s| s.labels())
    }
}

/// Standard scales a fitted map is rounded up to.
const NICE_MANTISSAS: &[f64] = &[1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5];

/// The smallest standard scale (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6 or 7.5 × 10ⁿ) showing
/// at least as much as `scale` (1:23000 → 1:25000, 1:52000 → 1:60000).
pub fn nice_scale_at_least(scale: f64) -> f64 {
    if !(scale.is_finite() && scale > 0.0) {
        return 10_000.0;
    }
    let p = 10f64.powf(scale.log10().floor());
    for m in NICE_MANTISSAS.iter().chain(std::iter::once(&10.0)) {
        if m * p >= scale * 0.999 {
            return m * p;
        }
    }
    10.0 * p
}

/// The CRS note of a page, truthfully: the coordinate systems the data came in (as read,
/// per layer, distinct) and the projection the map is drawn in, with the central
/// meridian east or west.
pub fn crs_note(park: &Park, lon_0: f64, lang: Lang) -> String {
    let mut sources: Vec<String> = Vec::new();
    for l in &park.layers {
        if let Some(d) = &l.source.crs {
            let s = format!("{} {}", d.crs.code(), d.crs.describe());
            if !sources.contains(&s) {
                sources.push(s);
            }
        }
    }
    let more = sources.len() > 3;
    sources.truncate(3);
    let list = match (sources.is_empty(), lang) {
        (true, Lang::Zh) => "未知".to_string(),
        (true, Lang::En) => "unknown".to_string(),
        (false, Lang::Zh) => format!("{}{}", sources.join("、"), if more { " 等" } else { "" }),
        (false, Lang::En) => format!("{}{}", sources.join(", "), if more { " …" } else { "" }),
    };
    let cm = lon_0.abs();
    match lang {
        Lang::Zh => format!(
            "数据坐标系：{list}；成图投影：横轴墨卡托（中央经线 {}{cm:.3}°）",
            if lon_0 < 0.0 { "西经 " } else { "东经 " }
        ),
        Lang::En => format!(
            "Data CRS: {list}; map projection: transverse Mercator (central meridian {cm:.3}°{})",
            if lon_0 < 0.0 { "W" } else { "E" }
        ),
    }
}

/// A distance for a scale bar tick: "500", "1", "2.5".
fn tick_number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Today's date as "2026年11月29日" (Chinese) or "2026-11-29", from the system clock
/// (UTC+8, the planners' time zone).
pub fn today(lang: Lang) -> String {
    let (y, m, d) = crate::model::date::Date::today().ymd();
    match lang {
        Lang::Zh => format!("{y}年{m}月{d}日"),
        Lang::En => format!("{y}-{m:02}-{d:02}"),
    }
}

fn tr(lang: Lang, zh: &str, en: &str) -> String {
    lang.pick(zh, en).to_string()
}

/// What a categorized/graduated layer is classified by, for its legend title.
fn classified_by(sym: &Symbology, lang: Lang) -> Option<String> {
    Some(match sym {
        Symbology::Single { .. } => return None,
        Symbology::Categorized { classifier, .. } => match classifier {
            Classifier::ApprovalStatus => tr(lang, "审批状态", "approval status"),
            Classifier::LandUse => tr(lang, "用地性质", "land use"),
            Classifier::LifecycleStage => tr(lang, "项目阶段", "stage"),
            Classifier::FacilityKind => tr(lang, "设施类型", "kind"),
            Classifier::RoadClass => tr(lang, "道路等级", "class"),
            Classifier::Route => tr(lang, "线路", "route"),
            Classifier::Property(p) => p.clone(),
        },
        Symbology::Graduated { field, .. } => match lang {
            Lang::Zh => field.label_zh().to_string(),
            Lang::En => field.code().replace('_', " "),
        },
    })
}

/// Legend blocks of the visible layers, top-most layer first.
pub fn layer_legend(park: &Park, styles: &MapStyles, lang: Lang) -> Vec<LegendBlock> {
    styles
        .layers
        .iter()
        .rev()
        .filter(|d| d.visible)
        .filter_map(|d| {
            let g: LegendGroup = legend_for(&park.layers, d, lang)?;
            if g.entries.is_empty() {
                return None;
            }
            let single = matches!(d.style.symbology, Symbology::Single { .. });
            let title = (!single).then(|| match classified_by(&d.style.symbology, lang) {
                Some(by) => match lang {
                    Lang::Zh => format!("{}（{by}）", g.title),
                    Lang::En => format!("{} ({by})", g.title),
                },
                None => g.title.clone(),
            });
            Some(LegendBlock {
                title,
                rows: g
                    .entries
                    .into_iter()
                    .map(|e| LegendRow {
                        label: e.label,
                        symbol: e.symbol,
                        swatch: e.swatch,
                        count: Some(e.count),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// One row of the side panel.
#[derive(Debug, Clone)]
enum PanelRow {
    Heading(String),
    GroupTitle(String),
    Entry(LegendRow),
    Table(String, String),
    Gap,
}

struct PanelMetrics {
    fs: f32,
    heading: f32,
    body: f32,
    swatch: [f32; 2],
    pad: f32,
}

impl PanelMetrics {
    fn height(&self, r: &PanelRow) -> f32 {
        match r {
            PanelRow::Heading(_) => self.heading * 1.9,
            PanelRow::GroupTitle(_) => self.body * 1.75,
            PanelRow::Entry(_) => self.swatch[1].max(self.body) * 1.4,
            PanelRow::Table(..) => self.body * 1.7,
            PanelRow::Gap => self.body * 0.6,
        }
    }
}

/// Flows rows into `cols` columns of height `h`: the column and y offset of each row,
/// and how many rows did not fit.
fn flow(rows: &[PanelRow], m: &PanelMetrics, h: f32, cols: usize) -> (Vec<(usize, f32)>, usize) {
    let mut out = Vec::with_capacity(rows.len());
    let mut col = 0usize;
    let mut y = 0.0f32;
    for (k, r) in rows.iter().enumerate() {
        let rh = m.height(r);
        // A title or heading must not end a column: keep it with the next row, and a
        // short group (up to 8 rows) with all its rows.
        let keep = match r {
            PanelRow::Heading(_) => rows.get(k + 1).map(|n| m.height(n)).unwrap_or(0.0),
            PanelRow::GroupTitle(_) => {
                let group: Vec<f32> = rows[k + 1..]
                    .iter()
                    .take_while(|n| matches!(n, PanelRow::Entry(_)))
                    .map(|n| m.height(n))
                    .collect();
                let all: f32 = group.iter().sum();
                if group.len() <= 8 && all + rh <= h {
                    all
                } else {
                    group.first().copied().unwrap_or(0.0)
                }
            }
            _ => 0.0,
        };
        if matches!(r, PanelRow::Gap) && y == 0.0 {
            out.push((col, y));
            continue;
        }
        if y + rh + keep > h && y > 0.0 {
            col += 1;
            y = 0.0;
        }
        if col >= cols {
            return (out, rows.len() - k);
        }
        out.push((col, y));
        y += rh;
    }
    (out, 0)
}

/// Composes the page.
pub fn compose_page(
    park: &Park,
    projected: &ProjectedPark,
    styles: &MapStyles,
    focus: &MapFocus,
    spec: &PageSpec,
) -> Page {
    let measure = FontMeasure;
    let lang = spec.lang;
    let theme: &PageTheme = &styles.theme.page;
    let size = spec.size_pt();
    let [pw, ph] = size;
    let fs = (pw.min(ph) / 595.28).sqrt().max(0.5);
    let margin = mm_to_pt(spec.margin_mm.clamp(0.0, 50.0));
    let gap = 10.0 * fs;
    let mut notes = Vec::new();

    let title = if spec.title.trim().is_empty() {
        park.name.clone()
    } else {
        spec.title.trim().to_string()
    };
    let subtitle = spec
        .subtitle
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| focus.subtitle.clone());

    // Title band.
    let title_size = theme.title_size * fs;
    let subtitle_size = theme.subtitle_size * fs;
    let mut band = title_size * 1.5;
    if subtitle.is_some() {
        band += subtitle_size * 1.5;
    }
    band += 4.0 * fs;
    // Footer band: two lines of notes.
    let note = theme.note_size * fs;
    let footer = note * 1.6 * 2.0 + 4.0 * fs;
    let content = ScreenRect {
        min: [margin, margin + band],
        max: [pw - margin, ph - margin - footer],
    };

    // Panel rows: statistics first, then the legend.
    let m = PanelMetrics {
        fs,
        heading: theme.heading_size * fs,
        body: theme.body_size * fs,
        swatch: [theme.swatch_width * fs, theme.swatch_height * fs],
        pad: 6.0 * fs,
    };
    let mut rows: Vec<PanelRow> = Vec::new();
    if let Some(t) = &focus.stats {
        rows.push(PanelRow::Heading(t.title.clone()));
        rows.extend(
            t.rows
                .iter()
                .map(|(k, v)| PanelRow::Table(k.clone(), v.clone())),
        );
        rows.push(PanelRow::Gap);
    }
    rows.push(PanelRow::Heading(tr(lang, "图例", "Legend")));
    let mut blocks: Vec<LegendBlock> = Vec::new();
    if let Some(b) = &focus.legend {
        blocks.push(b.clone());
    }
    // Classified layers as titled groups; single-symbol layers together at the end,
    // each row naming its layer.
    let (grouped, singles): (Vec<LegendBlock>, Vec<LegendBlock>) = layer_legend(park, styles, lang)
        .into_iter()
        .partition(|b| b.title.is_some());
    blocks.extend(grouped);
    if !singles.is_empty() {
        blocks.push(LegendBlock {
            title: Some(tr(lang, "其他图层", "Other layers")),
            rows: singles.into_iter().flat_map(|b| b.rows).collect(),
        });
    }
    for (k, b) in blocks.into_iter().enumerate() {
        if k > 0 {
            rows.push(PanelRow::Gap);
        }
        if let Some(t) = b.title {
            rows.push(PanelRow::GroupTitle(t));
        }
        rows.extend(b.rows.into_iter().map(PanelRow::Entry));
    }

    let col_w = 168.0 * fs;
    let col_gap = 8.0 * fs;
    let landscape = pw >= ph;
    let (panel, cols, placed, overflow) = if landscape {
        let h = content.height() - 2.0 * m.pad;
        let mut pick = None;
        for cols in 1..=3usize {
            let (placed, overflow) = flow(&rows, &m, h, cols);
            let used = placed.iter().map(|p| p.0).max().unwrap_or(0) + 1;
            if overflow == 0 || cols == 3 {
                pick = Some((used.min(cols), placed, overflow));
                break;
            }
        }
        let (cols, placed, overflow) = pick.unwrap_or((1, Vec::new(), rows.len()));
        let w = cols as f32 * col_w + (cols as f32 - 1.0) * col_gap + 2.0 * m.pad;
        (
            ScreenRect {
                min: [content.max[0] - w, content.min[1]],
                max: content.max,
            },
            cols,
            placed,
            overflow,
        )
    } else {
        let w = content.width() - 2.0 * m.pad;
        let cols = ((w + col_gap) / (col_w + col_gap)).floor().max(1.0) as usize;
        // The lowest panel that fits, up to 40% of the content height.
        let max_h = content.height() * 0.42;
        let mut h = 60.0 * fs;
        let (placed, overflow) = loop {
            let (placed, overflow) = flow(&rows, &m, h, cols);
            if overflow == 0 || h >= max_h {
                break (placed, overflow);
            }
            h = (h + 12.0 * fs).min(max_h);
        };
        let panel_h = h + 2.0 * m.pad;
        (
            ScreenRect {
                min: [content.min[0], content.max[1] - panel_h],
                max: content.max,
            },
            cols,
            placed,
            overflow,
        )
    };
    if overflow > 0 {
        notes.push(match lang {
            Lang::Zh => {
                format!("图例过长：{overflow} 行未能放下（可用 --layers 减少图层或换更大的纸张）")
            }
            Lang::En => format!(
                "legend too long: {overflow} rows left out (show fewer layers or use larger paper)"
            ),
        });
    }
    let frame = if landscape {
        ScreenRect {
            min: content.min,
            max: [panel.min[0] - gap, content.max[1]],
        }
    } else {
        ScreenRect {
            min: content.min,
            max: [content.max[0], panel.min[1] - gap],
        }
    };
    // Whatever the margins, the map keeps a usable frame.
    let frame = ScreenRect {
        min: frame.min,
        max: [
            frame.max[0].max(frame.min[0] + 20.0),
            frame.max[1].max(frame.min[1] + 20.0),
        ],
    };

    // The map view.
    let frame_size = [frame.width(), frame.height()];
    let extent = focus.extent.or_else(|| {
        projected.extent_of(styles.layers.iter().filter(|d| d.visible).map(|d| d.layer))
    });
    let map_view = match (spec.scale, extent) {
        (Some(s), e) => {
            let c = e.map(|e| e.center()).unwrap_or([0.0, 0.0]);
            MapView::at_scale(c, s, frame.min, frame_size, POINTS_PER_INCH)
        }
        (None, Some(e)) => {
            let fitted = MapView::fit(&e, frame.min, frame_size, 8.0 * fs, POINTS_PER_INCH);
            let s = nice_scale_at_least(fitted.scale_denominator());
            MapView::at_scale(e.center(), s, frame.min, frame_size, POINTS_PER_INCH)
        }
        (None, None) => {
            MapView::at_scale([0.0, 0.0], 10_000.0, frame.min, frame_size, POINTS_PER_INCH)
        }
    };
    let scale = map_view.scale_denominator();

    // Furniture inside the frame (labels avoid it): north arrow, scale bar.
    let arrow_h = theme.north_arrow_size * fs;
    let arrow_box = ScreenRect {
        min: [
            frame.max[0] - arrow_h * 0.9 - 8.0 * fs,
            frame.min[1] + 6.0 * fs,
        ],
        max: [
            frame.max[0] - 6.0 * fs,
            frame.min[1] + arrow_h * 1.35 + 8.0 * fs,
        ],
    };
    let bar = scale_bar(&map_view, frame, theme, fs, lang, &measure);

    let options = BuildOptions {
        lang,
        symbol_scale: theme.symbol_scale * fs.sqrt(),
        min_feature_size: 0.3,
        simplify_tolerance: 0.15,
        labels: true,
        label_obstacles: vec![arrow_box, bar.bounds],
        measure: Some(std::sync::Arc::new(FontMeasure)),
        max_label_candidates: 20_000,
        background: true,
        label_scale_factor: 2.0,
        label_selected: true,
        // Crowded point layers go on paper as a 300 dpi picture.
        aggregate_above: 20_000,
        aggregate_cell: 0.35,
        raster_scale: 300.0 / 72.0,
        crowded_within: None,
        cancel: None,
        keep_labels: Vec::new(),
    };
    let map = build_scene(
        park,
        projected,
        &map_view,
        styles,
        &focus.overlays,
        &options,
    );

    let mut scenes = vec![map];
    if spec.grid {
        scenes.push(grid_scene(projected, &map_view, frame, theme, fs));
    }

    let mut furniture = Scene::default();
    // North arrow and scale bar.
    north_arrow(&mut furniture, arrow_box, theme, fs);
    furniture.items.extend(bar.items);
    // Frame.
    furniture.rect(frame, None, Some(theme.frame.adjusted(1.0, fs)));

    // Panel.
    furniture.rect(
        panel,
        Some(theme.paper),
        Some(theme.frame.adjusted(1.0, fs)),
    );
    draw_panel(
        &mut furniture,
        &rows,
        &placed,
        panel,
        col_w,
        col_gap,
        &m,
        theme,
        &measure,
    );
    let _ = cols;

    // Title and subtitle.
    let cx = pw / 2.0;
    let mut y = margin + title_size * 0.75;
    furniture.text(
        title.clone(),
        [cx, y],
        HAlign::Center,
        title_size,
        theme.text,
    );
    y += title_size * 0.75;
    if let Some(s) = &subtitle {
        y += subtitle_size * 0.75;
        furniture.text(
            s.clone(),
            [cx, y],
            HAlign::Center,
            subtitle_size,
            theme.muted_text,
        );
    }

    // Footer notes.
    let crs = spec
        .crs_note
        .clone()
        .unwrap_or_else(|| crs_note(park, projected.frame().lon_0, lang));
    let source = spec.source_note.clone().unwrap_or_else(|| match lang {
        Lang::Zh => format!("数据来源：{}", park.name),
        Lang::En => format!("Data source: {}", park.name),
    });
    let date = spec.date.clone().unwrap_or_else(|| today(lang));
    let date_line = match lang {
        Lang::Zh => format!("制图日期：{date}"),
        Lang::En => format!("Date: {date}"),
    };
    let line1 = ph - margin - footer + 4.0 * fs + note * 0.8;
    let line2 = line1 + note * 1.6;
    furniture.text(crs, [margin, line1], HAlign::Left, note, theme.muted_text);
    furniture.text(
        source,
        [margin, line2],
        HAlign::Left,
        note,
        theme.muted_text,
    );
    if let Some(org) = spec.organisation.as_ref().filter(|o| !o.trim().is_empty()) {
        let org_line = match lang {
            Lang::Zh => format!("制图单位：{}", org.trim()),
            Lang::En => format!("Prepared by: {}", org.trim()),
        };
        furniture.text(
            org_line,
            [pw - margin, line1],
            HAlign::Right,
            note,
            theme.muted_text,
        );
        furniture.text(
            date_line,
            [pw - margin, line2],
            HAlign::Right,
            note,
            theme.muted_text,
        );
    } else {
        furniture.text(
            date_line,
            [pw - margin, line1],
            HAlign::Right,
            note,
            theme.muted_text,
        );
    }

    scenes.push(furniture);
    Page {
        size,
        scenes,
        map_view,
        scale,
        title,
        notes,
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_panel(
    s: &mut Scene,
    rows: &[PanelRow],
    placed: &[(usize, f32)],
    panel: ScreenRect,
    col_w: f32,
    col_gap: f32,
    m: &PanelMetrics,
    theme: &PageTheme,
    measure: &dyn TextMeasure,
) {
    let body = m.body;
    for (r, &(col, y0)) in rows.iter().zip(placed) {
        let x = panel.min[0] + m.pad + col as f32 * (col_w + col_gap);
        let top = panel.min[1] + m.pad + y0;
        let h = m.height(r);
        let mid = top + h / 2.0;
        match r {
            PanelRow::Heading(t) => {
                s.text(
                    fit(t, col_w, m.heading, measure),
                    [x, mid],
                    HAlign::Left,
                    m.heading,
                    theme.text,
                );
                s.line(
                    vec![[x, top + h - 2.0 * m.fs], [x + col_w, top + h - 2.0 * m.fs]],
                    theme.table_rule.adjusted(1.0, m.fs),
                );
            }
            PanelRow::GroupTitle(t) => {
                s.text(
                    fit(t, col_w, body, measure),
                    [x, mid + body * 0.1],
                    HAlign::Left,
                    body,
                    theme.text,
                );
            }
            PanelRow::Entry(e) => {
                let sw =
                    ScreenRect::from_min_size([x + 1.0 * m.fs, mid - m.swatch[1] / 2.0], m.swatch);
                swatch(s, e, sw, m.fs);
                let count = e.count.map(|c| thousands(c as u64));
                let cw = count
                    .as_ref()
                    .map(|c| measure.width(c, body) + 4.0 * m.fs)
                    .unwrap_or(0.0);
                let tx = sw.max[0] + 5.0 * m.fs;
                let avail = x + col_w - tx - cw;
                s.text(
                    fit(&e.label, avail, body, measure),
                    [tx, mid],
                    HAlign::Left,
                    body,
                    theme.text,
                );
                if let Some(c) = count {
                    s.text(c, [x + col_w, mid], HAlign::Right, body, theme.muted_text);
                }
            }
            PanelRow::Table(k, v) => {
                let vw = measure.width(v, body);
                s.text(
                    fit(k, col_w - vw - 6.0 * m.fs, body, measure),
                    [x, mid],
                    HAlign::Left,
                    body,
                    theme.text,
                );
                s.text(v.clone(), [x + col_w, mid], HAlign::Right, body, theme.text);
                s.line(
                    vec![[x, top + h], [x + col_w, top + h]],
                    Stroke {
                        color: theme.table_rule.color.with_alpha(110),
                        ..theme.table_rule.adjusted(1.0, m.fs * 0.6)
                    },
                );
            }
            PanelRow::Gap => {}
        }
    }
}

/// Shortens `text` with "…" to fit `width`.
fn fit(text: &str, width: f32, size: f32, measure: &dyn TextMeasure) -> String {
    if measure.width(text, size) <= width {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let t: String = chars.iter().collect::<String>() + "…";
        if measure.width(&t, size) <= width {
            return t;
        }
    }
    String::new()
}

fn swatch(s: &mut Scene, e: &LegendRow, r: ScreenRect, fs: f32) {
    let sym = &e.symbol;
    match e.swatch {
        SwatchKind::Area => {
            let stroke = sym.stroke.as_ref().map(|st| Stroke {
                width: st.width.min(1.2) * fs,
                ..st.clone()
            });
            s.rect(r, sym.fill, stroke);
        }
        SwatchKind::Line => {
            let y = (r.min[1] + r.max[1]) / 2.0;
            let pts = vec![[r.min[0], y], [r.max[0], y]];
            if let Some(c) = &sym.casing {
                s.line(
                    pts.clone(),
                    Stroke {
                        width: c.width.min(r.height()) * 0.9,
                        ..c.clone()
                    },
                );
            }
            if let Some(st) = &sym.stroke {
                s.line(
                    pts,
                    Stroke {
                        width: st.width.min(r.height()) * 0.9,
                        ..st.clone()
                    },
                );
            }
        }
        SwatchKind::Point => {
            let size = (sym.size * 0.8 * fs.sqrt()).min(r.height() * 1.3);
            s.items.push(Item::Marker(MarkerItem {
                center: [(r.min[0] + r.max[0]) / 2.0, (r.min[1] + r.max[1]) / 2.0],
                shape: sym.marker,
                size,
                fill: sym.fill,
                stroke: sym.stroke.clone(),
                tag: None,
            }));
        }
    }
}

fn north_arrow(s: &mut Scene, b: ScreenRect, theme: &PageTheme, fs: f32) {
    let cx = (b.min[0] + b.max[0]) / 2.0;
    let h = theme.north_arrow_size * fs;
    let w = h * 0.42;
    let top = b.min[1] + h * 0.42;
    let bottom = top + h * 0.85;
    let notch = bottom - h * 0.22;
    s.rect(
        b,
        Some(theme.panel_fill),
        Some(theme.panel_stroke.adjusted(1.0, fs)),
    );
    let dark = theme.scale_bar_dark;
    let outline = Some(Stroke::solid(dark, 0.8 * fs));
    s.polygon(
        vec![vec![[cx, top], [cx - w / 2.0, bottom], [cx, notch]]],
        Some(dark),
        outline.clone(),
    );
    s.polygon(
        vec![vec![[cx, top], [cx, notch], [cx + w / 2.0, bottom]]],
        Some(theme.scale_bar_light),
        outline,
    );
    s.text(
        "N",
        [cx, b.min[1] + h * 0.22],
        HAlign::Center,
        h * 0.3,
        dark,
    );
}

struct ScaleBar {
    items: Vec<Item>,
    bounds: ScreenRect,
}

fn scale_bar(
    view: &MapView,
    frame: ScreenRect,
    theme: &PageTheme,
    fs: f32,
    lang: Lang,
    measure: &dyn TextMeasure,
) -> ScaleBar {
    let mut s = Scene::default();
    let target_pt = (frame.width() * 0.22).min(170.0 * fs);
    let metres = nice_length(target_pt as f64 * view.resolution);
    let len = (metres / view.resolution) as f32;
    let km = metres >= 1000.0;
    let unit = if km { "km" } else { "m" };
    let div = if km { 1000.0 } else { 1.0 };
    let bar_h = theme.scale_bar_height * fs;
    let text = theme.body_size * fs * 0.9;
    let pad = 6.0 * fs;
    let scale_text = match lang {
        Lang::Zh => format!(
            "比例尺 1:{}",
            thousands(view.scale_denominator().round() as u64)
        ),
        Lang::En => format!(
            "Scale 1:{}",
            thousands(view.scale_denominator().round() as u64)
        ),
    };
    let last = format!("{} {unit}", tick_number(metres / div));
    let box_w = len + measure.width(&last, text) / 2.0 + 2.0 * pad + 4.0 * fs;
    let box_w = box_w.max(measure.width(&scale_text, text) + 2.0 * pad);
    let box_h = text * 1.5 + bar_h + text * 1.5 + pad * 1.5;
    let bounds = ScreenRect {
        min: [frame.min[0] + 6.0 * fs, frame.max[1] - 6.0 * fs - box_h],
        max: [frame.min[0] + 6.0 * fs + box_w, frame.max[1] - 6.0 * fs],
    };
    s.rect(
        bounds,
        Some(theme.panel_fill),
        Some(theme.panel_stroke.adjusted(1.0, fs)),
    );
    let x0 = bounds.min[0] + pad;
    s.text(
        scale_text,
        [x0, bounds.min[1] + pad * 0.6 + text * 0.6],
        HAlign::Left,
        text,
        theme.text,
    );
    let y0 = bounds.min[1] + pad * 0.6 + text * 1.5;
    let segs = 4;
    for k in 0..segs {
        let a = x0 + len * k as f32 / segs as f32;
        let b = x0 + len * (k + 1) as f32 / segs as f32;
        let fill = if k % 2 == 0 {
            theme.scale_bar_dark
        } else {
            theme.scale_bar_light
        };
        s.rect(
            ScreenRect {
                min: [a, y0],
                max: [b, y0 + bar_h],
            },
            Some(fill),
            Some(Stroke::solid(theme.scale_bar_dark, 0.5 * fs)),
        );
    }
    let ty = y0 + bar_h + text * 0.85;
    for (k, v) in [(0usize, 0.0), (2, metres / 2.0), (4, metres)] {
        let x = x0 + len * k as f32 / segs as f32;
        let label = if k == 4 {
            last.clone()
        } else {
            tick_number(v / div)
        };
        s.text(label, [x, ty], HAlign::Center, text, theme.text);
    }
    ScaleBar {
        items: s.items,
        bounds,
    }
}

/// A lon/lat graticule over the map frame with degree-minute labels.
fn grid_scene(
    projected: &ProjectedPark,
    view: &MapView,
    frame: ScreenRect,
    theme: &PageTheme,
    fs: f32,
) -> Scene {
    let mut s = Scene::clipped(frame);
    let w = view.world_bounds();
    let corners = [
        projected.unproject(w.min),
        projected.unproject(w.max),
        projected.unproject([w.min[0], w.max[1]]),
        projected.unproject([w.max[0], w.min[1]]),
    ];
    let lon0 = corners.iter().map(|c| c[0]).fold(f64::INFINITY, f64::min);
    let lon1 = corners
        .iter()
        .map(|c| c[0])
        .fold(f64::NEG_INFINITY, f64::max);
    let lat0 = corners.iter().map(|c| c[1]).fold(f64::INFINITY, f64::min);
    let lat1 = corners
        .iter()
        .map(|c| c[1])
        .fold(f64::NEG_INFINITY, f64::max);
    if !(lon0.is_finite() && lon1.is_finite() && lat0.is_finite() && lat1.is_finite()) {
        return s;
    }
    // Steps in minutes; about five lines across the wider side.
    let span_min = (lon1 - lon0).max(lat1 - lat0) * 60.0;
    let step = [0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0]
        .into_iter()
        .find(|st| span_min / st <= 6.0)
        .unwrap_or(600.0)
        / 60.0;
    let size = theme.grid_label_size * fs;
    let halo = Some(Halo {
        color: Rgba::new(255, 255, 255, 220),
        width: 1.5 * fs,
    });
    let dms = |v: f64, pos: char, neg: char| {
        let h = if v >= 0.0 { pos } else { neg };
        let v = v.abs();
        let total_min = (v * 60.0 * 10.0).round() / 10.0;
        let d = (total_min / 60.0).floor();
        let m = total_min - d * 60.0;
        if (m - m.round()).abs() < 1e-6 {
            format!("{}°{:02}′{h}", d as i64, m.round() as i64)
        } else {
            format!("{}°{:04.1}′{h}", d as i64, m)
        }
    };
    let stroke = theme.grid.adjusted(1.0, fs);
    let n = 24;
    let mut lon = (lon0 / step).ceil() * step;
    while lon <= lon1 + 1e-12 {
        let pts: Vec<[f32; 2]> = (0..=n)
            .map(|k| {
                let lat = lat0 + (lat1 - lat0) * k as f64 / n as f64;
                view.to_screen(projected.project(lon, lat))
            })
            .collect();
        if let Some(top) = pts
            .iter()
            .filter(|p| frame.contains(**p))
            .min_by(|a, b| a[1].total_cmp(&b[1]))
        {
            s.items.push(Item::Label(LabelItem {
                text: dms(lon, 'E', 'W'),
                pos: [top[0], frame.min[1] + size * 0.9],
                align: HAlign::Center,
                size,
                color: theme.muted_text,
                halo,
                tag: None,
                angle: 0.0,
            }));
        }
        s.line(pts, stroke.clone());
        lon += step;
    }
    let mut lat = (lat0 / step).ceil() * step;
    while lat <= lat1 + 1e-12 {
        let pts: Vec<[f32; 2]> = (0..=n)
            .map(|k| {
                let lon = lon0 + (lon1 - lon0) * k as f64 / n as f64;
                view.to_screen(projected.project(lon, lat))
            })
            .collect();
        if let Some(left) = pts
            .iter()
            .filter(|p| frame.contains(**p))
            .min_by(|a, b| a[0].total_cmp(&b[0]))
        {
            s.items.push(Item::Label(LabelItem {
                text: dms(lat, 'N', 'S'),
                pos: [frame.min[0] + 3.0 * fs, left[1] - size * 0.8],
                align: HAlign::Left,
                size,
                color: theme.muted_text,
                halo,
                tag: None,
                angle: 0.0,
            }));
        }
        s.line(pts, stroke.clone());
        lat += step;
    }
    // Lines under labels.
    s.items.sort_by_key(|i| matches!(i, Item::Label(_)));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_sizes_in_points() {
        let spec = PageSpec::default();
        let [w, h] = spec.size_pt();
        assert!((w - 1190.55).abs() < 0.01 && (h - 841.89).abs() < 0.01);
        let a4p = PageSpec {
            paper: Paper::A4,
            orientation: Orientation::Portrait,
            ..PageSpec::default()
        };
        let [w, h] = a4p.size_pt();
        assert!((w - 595.28).abs() < 0.01 && (h - 841.89).abs() < 0.01);
        assert_eq!(Paper::parse("a1"), Some(Paper::A1));
        assert_eq!(Paper::parse("B5"), None);
        assert_eq!(Orientation::parse("横向"), Some(Orientation::Landscape));
    }

    #[test]
    fn round_numbers() {
        assert_eq!(nice_scale_at_least(23_456.0), 25_000.0);
        assert_eq!(nice_scale_at_least(10_000.0), 10_000.0);
        assert_eq!(nice_scale_at_least(10_100.0), 12_500.0);
        assert_eq!(nice_scale_at_least(52_000.0), 60_000.0);
        assert_eq!(nice_scale_at_least(80_000.0), 100_000.0);
        assert_eq!(nice_length(730.0), 500.0);
        assert_eq!(nice_length(2400.0), 2000.0);
        assert_eq!(nice_length(1000.0), 1000.0);
        assert_eq!(nice_length(0.0), 1.0);
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(tick_number(2.5), "2.5");
        assert_eq!(tick_number(250.0), "250");
    }

    #[test]
    fn flow_breaks_columns_and_keeps_titles_with_rows() {
        let m = PanelMetrics {
            fs: 1.0,
            heading: 10.0,
            body: 10.0,
            swatch: [16.0, 10.0],
            pad: 0.0,
        };
        let entry = || {
            PanelRow::Entry(LegendRow {
                label: "x".into(),
                symbol: Symbol::line(Rgba::BLACK, 1.0),
                swatch: SwatchKind::Line,
                count: Some(1),
            })
        };
        // Entry rows are 14 high, titles 17.5.
        let rows = vec![
            entry(),
            entry(),
            PanelRow::GroupTitle("g".into()),
            entry(),
            entry(),
        ];
        let (placed, overflow) = flow(&rows, &m, 40.0, 3);
        assert_eq!(overflow, 0);
        // Two entries fill the first column (29 of 40); the title would fit (46.5 > 40
        // no) — it moves with its entry to column 1.
        assert_eq!(placed[2], (1, 0.0));
        assert_eq!(placed[3].0, 1);
        let (_, overflow) = flow(&rows, &m, 40.0, 1);
        assert_eq!(overflow, 3);
    }

    #[test]
    fn the_crs_note_tells_the_data_crs_and_the_hemisphere() {
        use crate::crs::{Crs, CrsDecision};
        let mut park = Park::default();
        let mut l = crate::model::Layer::default();
        l.source.crs = Some(CrsDecision {
            crs: Crs::Utm {
                zone: 37,
                north: true,
            },
            axis_swapped: false,
            reason: "crs member".into(),
            guessed: false,
            shift: None,
        });
        park.layers.push(l);
        let zh = crs_note(&park, 39.0, Lang::Zh);
        assert!(
            zh.contains("UTM zone 37N") && !zh.contains("CGCS2000"),
            "{zh}"
        );
        let en = crs_note(&Park::default(), -122.126, Lang::En);
        assert!(en.contains("122.126°W") && en.contains("unknown"), "{en}");
    }
}
