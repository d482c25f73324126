//! 帮助 > 使用指南 (Help > Guide): the planners' guide, in Chinese and English
//! (`assets/guide/`), shown in a window inside the app, with a button that opens the
//! guide file (with its screenshots) in the system's viewer. The text is built into the
//! program, so the window works wherever ParkPlan runs; the file is installed beside the
//! sample map by the packages.

use std::path::{Path, PathBuf};

use eframe::egui::{self, RichText};

use super::i18n::Msg;
use crate::model::Lang;

/// The Chinese guide.
pub const GUIDE_ZH: &str = include_str!("../../assets/guide/使用指南.md");
/// The English guide.
pub const GUIDE_EN: &str = include_str!("../../assets/guide/guide.en.md");

/// The guide's file name in `assets/guide/` for a language.
fn file_name(lang: Lang) -> &'static str {
    lang.pick("使用指南.md", "guide.en.md")
}

/// The guide in a language.
pub fn text(lang: Lang) -> &'static str {
    lang.pick(GUIDE_ZH, GUIDE_EN)
}

/// The installed guide file: `guide/` beside the program or up to four folders above it
/// (`share/parkplan/guide` in the packages), else the source tree's `assets/guide/`.
pub fn guide_file(lang: Lang) -> Option<PathBuf> {
    let name = file_name(lang);
    let mut candidates = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        let mut dir = exe.parent().map(Path::to_path_buf);
        for _ in 0..4 {
            let Some(d) = dir else { break };
            candidates.push(d.join("guide").join(name));
            candidates.push(d.join("share/parkplan/guide").join(name));
            dir = d.parent().map(Path::to_path_buf);
        }
    }
    candidates.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/guide")
            .join(name),
    );
    candidates.into_iter().find(|p| p.is_file())
}

/// Opens a file with the system's default program.
fn open_in_system(path: &Path) -> std::io::Result<()> {
    let mut cmd = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(path).spawn().map(|_| ())
}

/// Markdown inline marks a reader does not need to see.
fn plain(s: &str) -> String {
    s.replace("**", "").replace('`', "")
}

/// One line of the guide, as the window shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A title (`#`) or section heading (`##`).
    Heading(String, bool),
    /// A list item (`-` or `1.`), with its marker.
    Item(String, String),
    /// A table row's cells.
    Row(Vec<String>),
    /// A picture's caption (the picture is in the file).
    Picture(String),
    /// Running text.
    Text(String),
    /// A blank line.
    Gap,
}

/// The guide's lines: headings, list items, table rows, picture captions, text.
pub fn lines(markdown: &str) -> Vec<Line> {
    let mut out = Vec::new();
    for raw in markdown.lines() {
        let t = raw.trim();
        let line = if t.is_empty() {
            Line::Gap
        } else if let Some(h) = t.strip_prefix("## ") {
            Line::Heading(plain(h), false)
        } else if let Some(h) = t.strip_prefix("# ") {
            Line::Heading(plain(h), true)
        } else if let Some(rest) = t.strip_prefix("![") {
            Line::Picture(rest.split(']').next().unwrap_or_default().to_string())
        } else if let Some(i) = t.strip_prefix("- ") {
            Line::Item("·".into(), plain(i))
        } else if let Some((n, i)) = t.split_once(". ")
            && !n.is_empty()
            && n.chars().all(|c| c.is_ascii_digit())
        {
            Line::Item(format!("{n}."), plain(i))
        } else if t.starts_with('|') {
            if t.chars().all(|c| matches!(c, '|' | '-' | ' ' | ':')) {
                continue;
            }
            Line::Row(
                t.trim_matches('|')
                    .split('|')
                    .map(|c| plain(c.trim()))
                    .collect(),
            )
        } else if let Some(Line::Item(_, prev) | Line::Text(prev)) = out.last_mut() {
            // A continued line of an item or paragraph.
            prev.push(' ');
            prev.push_str(&plain(t));
            continue;
        } else {
            Line::Text(plain(t))
        };
        out.push(line);
    }
    out
}

/// The guide window's state.
#[derive(Debug, Default)]
pub struct GuideWindow {
    /// Shown or not.
    pub open: bool,
    error: Option<String>,
}

impl GuideWindow {
    /// Shows the window when open.
    pub fn show(&mut self, ctx: &egui::Context, lang: Lang) {
        if !self.open {
            return;
        }
        let mut open = true;
        egui::Window::new(Msg::Guide.text(lang))
            .open(&mut open)
            // Below the menu and toolbar, beside the layers panel.
            .default_pos(egui::pos2(270.0, 90.0))
            .default_size(egui::vec2(560.0, 620.0))
            .resizable(true)
            .show(ctx, |ui| {
                if let Some(path) = guide_file(lang)
                    && ui.button(Msg::GuideWithPictures.text(lang)).clicked()
                {
                    self.error = open_in_system(&path).err().map(|e| e.to_string());
                }
                if let Some(e) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.separator();
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        for line in lines(text(lang)) {
                            match line {
                                Line::Heading(h, true) => {
                                    ui.heading(h);
                                }
                                Line::Heading(h, false) => {
                                    ui.add_space(6.0);
                                    ui.label(RichText::new(h).strong().size(16.0));
                                }
                                Line::Item(mark, text) => {
                                    ui.horizontal_wrapped(|ui| {
                                        ui.label(mark);
                                        ui.label(text);
                                    });
                                }
                                Line::Row(cells) => {
                                    ui.horizontal(|ui| {
                                        for c in cells {
                                            ui.label(c);
                                            ui.add_space(12.0);
                                        }
                                    });
                                }
                                Line::Picture(caption) => {
                                    ui.weak(format!("〔{caption}〕"));
                                }
                                Line::Text(t) => {
                                    ui.label(t);
                                }
                                Line::Gap => ui.add_space(4.0),
                            }
                        }
                    });
            });
        if !open {
            self.open = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_guides_cover_the_planners_day() {
        for lang in [Lang::Zh, Lang::En] {
            let l = lines(text(lang));
            let headings = l
                .iter()
                .filter(|x| matches!(x, Line::Heading(_, false)))
                .count();
            assert!(headings >= 4, "open, analyse, print, save: {lang:?}");
            assert!(l.iter().any(|x| matches!(x, Line::Picture(_))));
            assert!(l.iter().any(|x| matches!(x, Line::Row(_))));
            assert!(guide_file(lang).is_some(), "the file is found in the tree");
        }
        // The pictures the guides name are in the tree.
        for md in [GUIDE_ZH, GUIDE_EN] {
            for part in md.split("](").skip(1) {
                let rel = part.split(')').next().unwrap_or_default();
                let p = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("assets/guide")
                    .join(rel);
                assert!(p.is_file(), "{}", p.display());
            }
        }
    }

    #[test]
    fn continued_lines_join_and_marks_go() {
        let l = lines("- **打开** 文件\n  再看\n\n1. 第一步\n| a | b |\n|---|---|\n");
        assert_eq!(l[0], Line::Item("·".into(), "打开 文件 再看".into()));
        assert_eq!(l[2], Line::Item("1.".into(), "第一步".into()));
        assert_eq!(l[3], Line::Row(vec!["a".into(), "b".into()]));
        assert_eq!(l.len(), 4);
    }
}
