//! Search (Ctrl+F): find an enterprise, facility, project, bus stop or route, or a
//! parcel by its number, by any part of its name. Results are listed by kind; Enter or
//! a click selects the result and zooms to it; arrow keys move through the list.
//!
//! Reads the park's records; selecting is a [`Command`].

use eframe::egui::{self, Key, RichText};

use crate::model::{FeatureRef, Lang, Park, Role};
use crate::ui::command::Command;
use crate::ui::i18n::Msg;
use crate::ui::session::Session;

/// Results listed at most.
pub const MAX_RESULTS: usize = 200;

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The feature.
    pub feature: FeatureRef,
    /// What it is.
    pub role: Role,
    /// Its name.
    pub name: String,
    /// A second line (facility kind, route, industry …).
    pub detail: String,
}

/// Finds records whose name (or id) contains `query`, case-insensitively. Results are
/// grouped by kind (enterprises, facilities, projects, stops, routes, parcels); within
/// a kind, names that start with the query come first, then shorter names. Returns at most `limit` hits
/// and whether more matched.
pub fn find(park: &Park, query: &str, lang: Lang, limit: usize) -> (Vec<Hit>, bool) {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return (Vec::new(), false);
    }
    let mut hits: Vec<(u8, u8, usize, Hit)> = Vec::new();
    let mut consider = |name: &str, id: &str, f: FeatureRef, role: Role, detail: String| {
        let n = name.to_lowercase();
        let rank = if n.starts_with(&q) {
            0
        } else if n.contains(&q) {
            1
        } else if id.to_lowercase().contains(&q) {
            2
        } else {
            return;
        };
        hits.push((
            role_order(role),
            rank,
            name.chars().count(),
            Hit {
                feature: f,
                role,
                name: name.to_string(),
                detail,
            },
        ));
    };
    for e in &park.enterprises {
        consider(
            &e.name,
            &e.id,
            e.feature,
            Role::Enterprises,
            e.industry.clone().unwrap_or_default().to_string(),
        );
    }
    for f in &park.facilities {
        consider(
            &f.name,
            &f.id,
            f.feature,
            Role::Facilities,
            f.kind.label(lang).to_string(),
        );
    }
    for p in &park.projects {
        let detail = p
            .stage
            .map(|s| s.label(lang).to_string())
            .unwrap_or_default();
        consider(&p.name, &p.id, p.feature, Role::Projects, detail);
    }
    for s in &park.stops {
        let detail = match (&s.route, s.seq) {
            (Some(r), Some(n)) => format!("{r} #{n}"),
            (Some(r), None) => r.to_string(),
            _ => String::new(),
        };
        consider(&s.name, &s.id, s.feature, Role::BusStops, detail);
    }
    for r in &park.routes {
        consider(&r.name, &r.id, r.feature, Role::BusRoutes, String::new());
    }
    for p in &park.parcels {
        let detail = format!(
            "{} {}",
            p.land_use.clone().unwrap_or_default(),
            p.status.label(lang)
        );
        consider(&p.id, &p.id, p.feature, Role::Parcels, detail);
    }
    hits.sort_by(|a, b| (a.0, a.1, a.2, &a.3.name).cmp(&(b.0, b.1, b.2, &b.3.name)));
    let more = hits.len() > limit;
    (hits.into_iter().take(limit).map(|h| h.3).collect(), more)
}

/// The order of kinds in the result list.
fn role_order(role: Role) -> u8 {
    match role {
        Role::Enterprises => 0,
        Role::Facilities => 1,
        Role::Projects => 2,
        Role::BusStops => 3,
        Role::BusRoutes => 4,
        Role::Parcels => 5,
        _ => 6,
    }
}

/// The search panel's own state.
#[derive(Debug, Default)]
pub struct SearchPanel {
    /// The query text.
    pub query: String,
    /// Move keyboard focus to the box on the next frame.
    pub focus: bool,
    /// The highlighted result.
    pub current: usize,
    results: Vec<Hit>,
    more: bool,
    key: Option<(u64, String, Lang)>,
}

impl SearchPanel {
    /// The current results (for tests and the status bar).
    pub fn results(&self) -> &[Hit] {
        &self.results
    }

    /// Shows the panel.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        session: Option<&Session>,
        generation: u64,
        lang: Lang,
        cmds: &mut Vec<Command>,
    ) {
        ui.heading(Msg::PanelSearch.text(lang));
        let edit = ui.add(
            egui::TextEdit::singleline(&mut self.query)
                .hint_text(Msg::SearchHint.text(lang))
                .desired_width(f32::INFINITY),
        );
        if self.focus {
            edit.request_focus();
            self.focus = false;
        }
        let Some(session) = session else {
            return;
        };
        let key = (generation, self.query.clone(), lang);
        if self.key.as_ref() != Some(&key) {
            let (r, more) = find(&session.ws.park, &self.query, lang, MAX_RESULTS);
            self.results = r;
            self.more = more;
            self.current = 0;
            self.key = Some(key);
        }
        // Keyboard: arrows move, Enter picks (while the box has focus or just lost it
        // by Enter).
        let (down, up, enter) = ui.input(|i| {
            (
                i.key_pressed(Key::ArrowDown),
                i.key_pressed(Key::ArrowUp),
                i.key_pressed(Key::Enter),
            )
        });
        let typing = edit.has_focus() || edit.lost_focus();
        if typing && !self.results.is_empty() {
            if down {
                self.current = (self.current + 1).min(self.results.len() - 1);
            }
            if up {
                self.current = self.current.saturating_sub(1);
            }
            if enter && let Some(h) = self.results.get(self.current) {
                cmds.push(Command::SelectAndZoom(h.feature));
                edit.request_focus();
            }
        }
        ui.separator();
        if !self.query.trim().is_empty() && self.results.is_empty() {
            ui.weak(Msg::NoResults.text(lang));
            return;
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let mut last_role = None;
                for (i, h) in self.results.iter().enumerate() {
                    if last_role != Some(h.role) {
                        ui.add_space(2.0);
                        let label = if h.role == Role::BusStops {
                            Msg::KindStop.text(lang)
                        } else {
                            h.role.label(lang)
                        };
                        ui.label(RichText::new(label).small().weak());
                        last_role = Some(h.role);
                    }
                    let text = if h.detail.is_empty() {
                        RichText::new(&h.name)
                    } else {
                        RichText::new(format!("{}  ·  {}", h.name, h.detail))
                    };
                    let r = ui.selectable_label(i == self.current, text);
                    if i == self.current && (down || up) {
                        r.scroll_to_me(None);
                    }
                    if r.clicked() {
                        self.current = i;
                        cmds.push(Command::SelectAndZoom(h.feature));
                    }
                }
                if self.more {
                    ui.weak(Msg::MoreResults.text(lang));
                }
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttributeTable, Field, Layer, PropValue};

    fn park() -> Park {
        let mut t = AttributeTable::new();
        for n in [
            "荆州五方光电科技有限公司",
            "五方物流",
            "美的楼宇科技（荆州）有限公司",
        ] {
            t.push_row([("企业名称", PropValue::Str(n))]);
        }
        let mut fields = crate::model::FieldMap::new();
        fields.insert(Field::Name, "企业名称".into());
        let layer = Layer {
            name: "企业".into(),
            role: Role::Enterprises,
            fields,
            ids: vec![None; 3],
            geometries: vec![None; 3],
            attributes: t,
            ..Layer::default()
        };
        Park::from_layers("t", vec![layer])
    }

    #[test]
    fn finds_any_part_of_a_name_prefix_first() {
        let p = park();
        let (hits, more) = find(&p, "五方", Lang::Zh, 10);
        assert!(!more);
        let names: Vec<&str> = hits.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, vec!["五方物流", "荆州五方光电科技有限公司"]);
        let (hits, _) = find(&p, "光电", Lang::Zh, 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].feature, FeatureRef { layer: 0, index: 0 });
        assert!(find(&p, "  ", Lang::Zh, 10).0.is_empty());
        let (hits, more) = find(&p, "荆州", Lang::Zh, 1);
        assert_eq!(hits.len(), 1);
        assert!(more);
    }
}
