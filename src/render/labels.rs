//! Label placement: Chinese and Latin labels placed greedily by priority so that no two
//! overlap, none leaves the view and none covers a point symbol.
//!
//! Each [`LabelCandidate`] offers a few positions (right of a point symbol first, then
//! left, above, below and the diagonals; centred for polygons; along the line, rotated
//! to its direction and kept upright, for roads and routes). Candidates are
//! taken in priority order; a position is accepted when its text box (measured with a
//! [`TextMeasure`]: the font's real advances when a target supplies them, else
//! [`EstimatedMeasure`]: CJK ≈ 1 em, Latin ≈ 0.55 em) meets no placed box and no
//! obstacle, checked through a uniform grid. The same text is not repeated nearby
//! (stops shared by several routes, road segments).
//!
//! Pure geometry: no fonts are loaded here, no GUI, no I/O.

use std::collections::HashMap;

use super::scene::{HAlign, LabelItem};
use super::style::{Halo, Rgba};
use super::view::ScreenRect;
use crate::model::FeatureRef;

/// Measures text widths in display units.
pub trait TextMeasure: Send + Sync {
    /// The advance width of `text` at font size `size`.
    fn width(&self, text: &str, size: f32) -> f32;
}

/// Estimates widths without a font: CJK and full-width characters ≈ 1 em, Latin and
/// digits ≈ 0.55 em, spaces 0.3 em.
#[derive(Debug, Clone, Copy, Default)]
pub struct EstimatedMeasure;

/// The estimated advance of one character, in em.
pub fn estimated_advance(c: char) -> f32 {
    match c {
        ' ' => 0.3,
        c if c.is_ascii() => {
            if c.is_ascii_uppercase() || c == 'm' || c == 'w' {
                0.62
            } else if matches!(
                c,
                'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '!' | '|' | '\''
            ) {
                0.3
            } else {
                0.55
            }
        }
        c if is_wide(c) => 1.0,
        _ => 0.6,
    }
}

/// Whether a character is a CJK ideograph, kana, hangul or full-width form.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

impl TextMeasure for EstimatedMeasure {
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(estimated_advance).sum::<f32>() * size
    }
}

/// Where a label may go relative to its anchor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Placement {
    /// Around a point symbol of this radius (display units): right, left, above,
    /// below, then diagonals.
    AroundPoint {
        /// The symbol's radius.
        radius: f32,
    },
    /// Centred on the anchor (polygons, lines), with small shifts if blocked.
    Centered,
    /// Along a line: centred on the anchor and rotated by `angle` (radians, clockwise
    /// on screen, within ±90° so the text stays upright), shifted along the line if
    /// blocked.
    AlongLine {
        /// The line's direction at the anchor.
        angle: f32,
    },
}

/// A screen direction (radians, clockwise, y down) turned so that text along it reads
/// left to right: within (-80°, 100°]. Steep and vertical lines thus all read top to
/// bottom, as Chinese maps write vertical road names, instead of flipping with a
/// degree of tilt.
pub fn upright(angle: f32) -> f32 {
    use std::f32::consts::PI;
    let lo = -80f32.to_radians();
    let mut a = angle.rem_euclid(2.0 * PI);
    while a > lo + PI {
        a -= PI;
    }
    while a <= lo {
        a += PI;
    }
    a
}

/// A label that wants a place.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelCandidate {
    /// The text.
    pub text: String,
    /// The anchor in display units.
    pub anchor: [f32; 2],
    /// How it may be placed.
    pub placement: Placement,
    /// Font size.
    pub size: f32,
    /// Colour.
    pub color: Rgba,
    /// Halo.
    pub halo: Option<Halo>,
    /// Higher first.
    pub priority: f32,
    /// The feature it labels.
    pub tag: Option<FeatureRef>,
    /// Labels wider than this are dropped (e.g. a parcel's on-screen width); `None`
    /// for no limit.
    pub max_width: Option<f32>,
}

/// A uniform grid of boxes for overlap tests.
struct BoxGrid {
    cell: f32,
    cells: HashMap<(i32, i32), Vec<u32>>,
    boxes: Vec<ScreenRect>,
}

impl BoxGrid {
    fn new(cell: f32) -> BoxGrid {
        BoxGrid {
            cell: cell.max(1.0),
            cells: HashMap::new(),
            boxes: Vec::new(),
        }
    }
    fn range(&self, r: &ScreenRect) -> (i32, i32, i32, i32) {
        let f = |v: f32| (v / self.cell).floor().clamp(-1e6, 1e6) as i32;
        (f(r.min[0]), f(r.min[1]), f(r.max[0]), f(r.max[1]))
    }
    fn hits(&self, r: &ScreenRect) -> bool {
        let (x0, y0, x1, y1) = self.range(r);
        for x in x0..=x1 {
            for y in y0..=y1 {
                if let Some(v) = self.cells.get(&(x, y))
                    && v.iter().any(|&k| self.boxes[k as usize].intersects(r))
                {
                    return true;
                }
            }
        }
        false
    }
    fn insert(&mut self, r: ScreenRect) {
        let k = self.boxes.len() as u32;
        self.boxes.push(r);
        let (x0, y0, x1, y1) = self.range(&r);
        for x in x0..=x1 {
            for y in y0..=y1 {
                self.cells.entry((x, y)).or_default().push(k);
            }
        }
    }
}

/// The vertical extent of a label's box around its middle, as a fraction of the size
/// (glyphs of CJK fonts fill about 1.1 em with accents and descenders).
const BOX_HALF_HEIGHT: f32 = 0.58;

/// The box a label occupies, with padding.
pub fn label_box(pos: [f32; 2], align: HAlign, width: f32, size: f32, pad: f32) -> ScreenRect {
    let x0 = match align {
        HAlign::Left => pos[0],
        HAlign::Center => pos[0] - width / 2.0,
        HAlign::Right => pos[0] - width,
    };
    ScreenRect {
        min: [x0 - pad, pos[1] - size * BOX_HALF_HEIGHT - pad],
        max: [x0 + width + pad, pos[1] + size * BOX_HALF_HEIGHT + pad],
    }
}

/// The box a label rotated by `angle` about its position occupies (the axis-aligned
/// bounds of the rotated box), with padding.
pub fn rotated_label_box(
    pos: [f32; 2],
    align: HAlign,
    width: f32,
    size: f32,
    pad: f32,
    angle: f32,
) -> ScreenRect {
    let b = label_box(pos, align, width, size, pad);
    if angle == 0.0 {
        return b;
    }
    let (sin, cos) = angle.sin_cos();
    let corners = [
        [b.min[0], b.min[1]],
        [b.max[0], b.min[1]],
        [b.max[0], b.max[1]],
        [b.min[0], b.max[1]],
    ];
    let mut r = ScreenRect {
        min: [f32::INFINITY; 2],
        max: [f32::NEG_INFINITY; 2],
    };
    for [x, y] in corners {
        let (dx, dy) = (x - pos[0], y - pos[1]);
        let p = [pos[0] + dx * cos - dy * sin, pos[1] + dx * sin + dy * cos];
        r.min = [r.min[0].min(p[0]), r.min[1].min(p[1])];
        r.max = [r.max[0].max(p[0]), r.max[1].max(p[1])];
    }
    r
}

/// Settings of the placer.
#[derive(Debug, Clone, Copy)]
pub struct PlaceOptions {
    /// Labels must lie inside this rectangle.
    pub bounds: ScreenRect,
    /// Space kept around each label.
    pub padding: f32,
    /// Gap between a point symbol and its label.
    pub gap: f32,
    /// The same text is not placed twice within this distance.
    pub repeat_distance: f32,
}

/// Places labels greedily by priority (ties: the order given). Returns the placed
/// labels in placement order. `obstacles` (point symbols, legend boxes) are avoided.
pub fn place_labels(
    candidates: Vec<LabelCandidate>,
    obstacles: &[ScreenRect],
    measure: &dyn TextMeasure,
    opts: &PlaceOptions,
) -> Vec<LabelItem> {
    place_labels_keeping(&[], candidates, obstacles, measure, opts)
}

/// [`place_labels`] around labels already placed, which stay as they are: `kept` labels
/// (those of a tile already on screen at the same scale, moved into this view) come
/// first in the result when they fit in the bounds, the candidates are placed clear
/// of them, and a feature one of them labels gets no second label. So labels do not
/// jump when the desktop replaces the view's first tile by the larger one around it,
/// or a tile by the next one while panning.
pub fn place_labels_keeping(
    kept: &[LabelItem],
    mut candidates: Vec<LabelCandidate>,
    obstacles: &[ScreenRect],
    measure: &dyn TextMeasure,
    opts: &PlaceOptions,
) -> Vec<LabelItem> {
    // Stable sort keeps the caller's order among equal priorities (deterministic).
    candidates.sort_by(|a, b| b.priority.total_cmp(&a.priority));
    let typical = candidates
        .first()
        .map(|c| c.size)
        .or(kept.first().map(|l| l.size))
        .unwrap_or(10.0);
    let mut grid = BoxGrid::new(typical * 6.0);
    let mut obstacle_grid = BoxGrid::new(typical * 6.0);
    for o in obstacles {
        obstacle_grid.insert(*o);
    }
    let mut placed_texts: HashMap<String, Vec<[f32; 2]>> = HashMap::new();
    let mut out = Vec::new();
    let mut labelled: std::collections::HashSet<FeatureRef> = std::collections::HashSet::new();
    for l in kept {
        let halo = l.halo.map(|h| h.width).unwrap_or(0.0);
        let w = measure.width(&l.text, l.size);
        let tight = rotated_label_box(l.pos, l.align, w, l.size, halo / 2.0, l.angle);
        if !(l.pos[0].is_finite() && l.pos[1].is_finite() && opts.bounds.contains_rect(&tight)) {
            continue;
        }
        grid.insert(rotated_label_box(
            l.pos,
            l.align,
            w,
            l.size,
            opts.padding + halo / 2.0,
            l.angle,
        ));
        // Where the label is stands in for its anchor when repeats are kept apart.
        placed_texts.entry(l.text.clone()).or_default().push(l.pos);
        if let Some(t) = l.tag {
            labelled.insert(t);
        }
        out.push(l.clone());
    }
    for c in candidates {
        if c.tag.is_some_and(|t| labelled.contains(&t)) {
            continue;
        }
        let text = c.text.trim();
        if text.is_empty() || !c.size.is_finite() || c.size <= 0.0 {
            continue;
        }
        if !(c.anchor[0].is_finite() && c.anchor[1].is_finite()) {
            continue;
        }
        if let Some(prev) = placed_texts.get(text)
            && prev
                .iter()
                .any(|p| (p[0] - c.anchor[0]).hypot(p[1] - c.anchor[1]) < opts.repeat_distance)
        {
            continue;
        }
        let w = measure.width(text, c.size);
        if let Some(maxw) = c.max_width
            && w > maxw
        {
            continue;
        }
        let halo = c.halo.map(|h| h.width).unwrap_or(0.0);
        let pad = opts.padding + halo / 2.0;
        let positions = positions(&c, w, opts.gap);
        let angle = match c.placement {
            Placement::AlongLine { angle } if angle.is_finite() => angle,
            _ => 0.0,
        };
        for (pos, align) in positions {
            let b = rotated_label_box(pos, align, w, c.size, pad, angle);
            // Against symbols only the halo counts (the gap already separates a label
            // from its own symbol); against labels the padding too.
            let tight = rotated_label_box(pos, align, w, c.size, halo / 2.0, angle);
            if !opts.bounds.contains_rect(&tight) || grid.hits(&b) || obstacle_grid.hits(&tight) {
                continue;
            }
            grid.insert(b);
            placed_texts
                .entry(text.to_string())
                .or_default()
                .push(c.anchor);
            out.push(LabelItem {
                text: text.to_string(),
                pos,
                align,
                size: c.size,
                color: c.color,
                halo: c.halo,
                tag: c.tag,
                angle,
            });
            break;
        }
    }
    out
}

fn positions(c: &LabelCandidate, w: f32, gap: f32) -> Vec<([f32; 2], HAlign)> {
    let [x, y] = c.anchor;
    let s = c.size;
    match c.placement {
        Placement::AroundPoint { radius } => {
            let d = radius + gap;
            let dy = d + s * BOX_HALF_HEIGHT;
            let diag = d * 0.75;
            vec![
                ([x + d, y], HAlign::Left),
                ([x - d, y], HAlign::Right),
                ([x, y - dy], HAlign::Center),
                ([x, y + dy], HAlign::Center),
                ([x + diag, y - diag - s * BOX_HALF_HEIGHT], HAlign::Left),
                ([x + diag, y + diag + s * BOX_HALF_HEIGHT], HAlign::Left),
                ([x - diag, y - diag - s * BOX_HALF_HEIGHT], HAlign::Right),
                ([x - diag, y + diag + s * BOX_HALF_HEIGHT], HAlign::Right),
            ]
        }
        Placement::Centered => {
            let _ = w;
            vec![
                ([x, y], HAlign::Center),
                ([x, y - s * 1.2], HAlign::Center),
                ([x, y + s * 1.2], HAlign::Center),
            ]
        }
        Placement::AlongLine { angle } => {
            // Centred, then slid along the line either way.
            let (sin, cos) = angle.sin_cos();
            let d = w * 0.75 + s;
            vec![
                ([x, y], HAlign::Center),
                ([x + d * cos, y + d * sin], HAlign::Center),
                ([x - d * cos, y - d * sin], HAlign::Center),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::FRAC_PI_2;

    fn cand(text: &str, anchor: [f32; 2], priority: f32) -> LabelCandidate {
        LabelCandidate {
            text: text.into(),
            anchor,
            placement: Placement::AroundPoint { radius: 3.0 },
            size: 10.0,
            color: Rgba::BLACK,
            halo: None,
            priority,
            tag: None,
            max_width: None,
        }
    }

    fn opts() -> PlaceOptions {
        PlaceOptions {
            bounds: ScreenRect::from_min_size([0.0, 0.0], [400.0, 300.0]),
            padding: 1.0,
            gap: 2.0,
            repeat_distance: 50.0,
        }
    }

    #[test]
    fn kept_labels_stay_put_and_the_others_are_placed_around_them() {
        let tag = |i: u32| Some(FeatureRef { layer: 0, index: i });
        let m = EstimatedMeasure;
        // What a first placement gave: A above its point, B far away.
        let first = place_labels(
            vec![
                LabelCandidate {
                    tag: tag(1),
                    ..cand("园林第五幼儿园", [100.0, 100.0], 1.0)
                },
                LabelCandidate {
                    tag: tag(2),
                    ..cand("B", [300.0, 200.0], 1.0)
                },
            ],
            &[],
            &m,
            &opts(),
        );
        assert_eq!(first.len(), 2);
        // Kept (B moved out of the view: dropped), with new candidates: A's feature
        // again at a higher priority, and C of a higher priority right on top of A.
        let mut b_out = first[1].clone();
        b_out.pos = [900.0, 200.0];
        let kept = vec![first[0].clone(), b_out];
        let placed = place_labels_keeping(
            &kept,
            vec![
                LabelCandidate {
                    tag: tag(1),
                    ..cand("园林第五幼儿园", [110.0, 90.0], 9.0)
                },
                LabelCandidate {
                    tag: tag(3),
                    ..cand("C", first[0].pos, 5.0)
                },
                LabelCandidate {
                    tag: tag(4),
                    ..cand("D", [50.0, 250.0], 0.5)
                },
            ],
            &[],
            &m,
            &opts(),
        );
        // A exactly where it was, no second label for its feature, B gone (outside),
        // C placed clear of A or not at all, D as usual.
        assert_eq!(placed[0], first[0]);
        assert_eq!(placed.iter().filter(|l| l.tag == tag(1)).count(), 1);
        assert!(placed.iter().all(|l| l.tag != tag(2)));
        let w = |l: &LabelItem| m.width(&l.text, l.size);
        let a = rotated_label_box(
            placed[0].pos,
            placed[0].align,
            w(&placed[0]),
            10.0,
            0.0,
            0.0,
        );
        for l in placed.iter().skip(1) {
            let b = rotated_label_box(l.pos, l.align, w(l), 10.0, 0.0, 0.0);
            assert!(!a.intersects(&b), "{l:?} over A");
        }
        assert!(placed.iter().any(|l| l.tag == tag(4)));
        // Nothing kept: the same as `place_labels`.
        let again = place_labels_keeping(&[], vec![cand("E", [10.0, 10.0], 1.0)], &[], &m, &opts());
        assert_eq!(
            again,
            place_labels(vec![cand("E", [10.0, 10.0], 1.0)], &[], &m, &opts())
        );
    }

    #[test]
    fn text_along_lines_stays_upright_and_steep_lines_read_downwards() {
        let deg = |d: f32| upright(d.to_radians()).to_degrees();
        assert!(deg(0.0).abs() < 1e-4);
        assert!((deg(180.0)).abs() < 1e-3, "a westward road reads eastwards");
        assert!((deg(30.0) - 30.0).abs() < 1e-3);
        assert!((deg(-150.0) - 30.0).abs() < 1e-3);
        assert!((deg(90.0) - 90.0).abs() < 1e-3);
        assert!(
            (deg(-90.0) - 90.0).abs() < 1e-3,
            "vertical reads top to bottom"
        );
        assert!(
            (deg(-88.0) - 92.0).abs() < 1e-3,
            "and does not flip with a tilt"
        );
        assert!((deg(-60.0) + 60.0).abs() < 1e-3);
    }

    #[test]
    fn a_label_along_a_line_is_rotated_and_its_box_follows() {
        // A vertical road: its label's box is tall and narrow.
        let b = rotated_label_box([200.0, 150.0], HAlign::Center, 40.0, 10.0, 0.0, FRAC_PI_2);
        assert!((b.max[1] - b.min[1] - 40.0).abs() < 1e-3, "{b:?}");
        assert!((b.max[0] - b.min[0] - 11.6).abs() < 1e-3, "{b:?}");
        let mut c = cand("东方大道", [200.0, 150.0], 1.0);
        c.placement = Placement::AlongLine { angle: FRAC_PI_2 };
        // A point symbol beside the road, where a horizontal label would go.
        let obstacle = ScreenRect::from_min_size([212.0, 145.0], [10.0, 10.0]);
        let placed = place_labels(vec![c], &[obstacle], &EstimatedMeasure, &opts());
        assert_eq!(placed.len(), 1);
        assert!((placed[0].angle - FRAC_PI_2).abs() < 1e-6);
        assert_eq!(placed[0].pos, [200.0, 150.0]);
        // Blocked in the middle, it slides along the road (down or up), not sideways.
        let mut c = cand("东方大道", [200.0, 150.0], 1.0);
        c.placement = Placement::AlongLine { angle: FRAC_PI_2 };
        let block = ScreenRect::from_min_size([195.0, 140.0], [10.0, 20.0]);
        let placed = place_labels(vec![c], &[block], &EstimatedMeasure, &opts());
        assert_eq!(placed.len(), 1);
        assert!((placed[0].pos[0] - 200.0).abs() < 1e-3);
        assert!((placed[0].pos[1] - 150.0).abs() > 20.0);
    }

    #[test]
    fn estimates_cjk_wider_than_latin() {
        let m = EstimatedMeasure;
        assert!((m.width("荆州经开区", 10.0) - 50.0).abs() < 1e-4);
        assert!((m.width("kw", 10.0) - 11.7).abs() < 1e-3);
        assert!(is_wide('荆') && is_wide('，') && !is_wide('K'));
    }

    #[test]
    fn no_two_placed_labels_overlap() {
        // A dense cluster: brute-force check all pairs of placed boxes.
        let mut cands = Vec::new();
        for i in 0..200 {
            let x = 100.0 + (i % 20) as f32 * 9.0;
            let y = 80.0 + (i / 20) as f32 * 8.0;
            cands.push(cand(&format!("企业{i}"), [x, y], (i % 7) as f32));
        }
        let placed = place_labels(cands, &[], &EstimatedMeasure, &opts());
        assert!(!placed.is_empty() && placed.len() < 200);
        let boxes: Vec<ScreenRect> = placed
            .iter()
            .map(|l| {
                label_box(
                    l.pos,
                    l.align,
                    EstimatedMeasure.width(&l.text, l.size),
                    l.size,
                    0.0,
                )
            })
            .collect();
        for i in 0..boxes.len() {
            assert!(opts().bounds.contains_rect(&boxes[i]));
            for j in i + 1..boxes.len() {
                assert!(!boxes[i].intersects(&boxes[j]), "{i} {j}");
            }
        }
    }

    #[test]
    fn higher_priority_wins_and_tries_other_sides() {
        let a = cand("高优先级标签", [100.0, 100.0], 10.0);
        let b = cand("低优先级", [130.0, 112.0], 1.0);
        let placed = place_labels(vec![b, a], &[], &EstimatedMeasure, &opts());
        assert_eq!(placed[0].text, "高优先级标签");
        assert_eq!(placed[0].align, HAlign::Left);
        // The low-priority label could not go right, left or above its point: it went
        // below.
        assert_eq!(placed.len(), 2);
        assert_eq!(placed[1].align, HAlign::Center);
        assert!(placed[1].pos[1] > 112.0);
    }

    #[test]
    fn obstacles_bounds_and_repeats() {
        let obstacle = ScreenRect::from_min_size([0.0, 0.0], [400.0, 95.0]);
        // Right, left, above are blocked or out of bounds; below is free.
        let c = cand("站点", [200.0, 100.0], 1.0);
        let placed = place_labels(vec![c.clone()], &[obstacle], &EstimatedMeasure, &opts());
        assert_eq!(placed.len(), 1);
        assert!(placed[0].pos[1] > 100.0);
        // Out of bounds entirely.
        let far = cand("远处", [1000.0, 1000.0], 1.0);
        assert!(place_labels(vec![far], &[], &EstimatedMeasure, &opts()).is_empty());
        // The same text nearby is placed once.
        let twice = vec![
            cand("常湾", [50.0, 200.0], 1.0),
            cand("常湾", [60.0, 230.0], 1.0),
        ];
        assert_eq!(
            place_labels(twice, &[], &EstimatedMeasure, &opts()).len(),
            1
        );
    }
}
