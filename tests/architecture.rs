//! The layout of `src/` as a test: data flows one way, so each top-level module of the
//! library has a layer, and a module may only use modules of lower layers (never one
//! of its own layer, never a higher one: no import loops). The core never names the
//! GUI toolkit. Reads the source text; comments and the `#[cfg(test)]` module at the
//! bottom of a file (unit tests may use anything) are left out.

use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may use only modules of strictly lower layers.
const LAYERS: &[&[&str]] = &[
    &["crs", "gcj02"],
    &["model"],
    &["import", "save", "spatial", "network"],
    // The team database uses import/save (the offline GeoPackage) and the model.
    &["db"],
    &["analysis"],
    &["render"],
    &["export", "report", "project"],
    &["workspace"],
    &["ui"],
];

/// Modules that must compile without a GUI and never name its toolkit.
const HEADLESS: &[&str] = &[
    "crs",
    "gcj02",
    "model",
    "import",
    "save",
    "spatial",
    "network",
    "db",
    "analysis",
    "render",
    "export",
    "report",
    "project",
    "workspace",
];

/// Words of the GUI toolkit the core must not name.
const GUI_WORDS: &[&str] = &["egui", "eframe", "rfd::", "winit"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The Rust files of a top-level module (`src/NAME.rs` or `src/NAME/**.rs`).
fn files_of(module: &str) -> Vec<PathBuf> {
    let single = src().join(format!("{module}.rs"));
    if single.is_file() {
        return vec![single];
    }
    let mut out = Vec::new();
    let mut stack = vec![src().join(module)];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The code of a file: comments removed, and the unit-test module at the bottom cut.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|n| n.trim_start().starts_with("mod tests"))
        {
            break;
        }
        let code = match t.find("//") {
            Some(i) => &t[..i],
            None => t,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// The top-level modules a file's code names through `crate::NAME`.
fn uses(code: &str) -> Vec<String> {
    let mut out: Vec<String> = code
        .match_indices("crate::")
        .filter(|(i, _)| {
            // Not `parkplan_crate::` or similar.
            *i == 0
                || !code[..*i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
        .map(|(i, m)| {
            code[i + m.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_module_of_src_has_a_layer() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("src/lib.rs");
    for line in lib.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("pub mod ") {
            let name = rest.trim_end_matches(';');
            assert!(
                layer_of(name).is_some(),
                "src/{name}: add it to LAYERS in tests/architecture.rs"
            );
        }
    }
}

#[test]
fn lower_layers_never_use_higher_ones() {
    let mut wrong = Vec::new();
    for (rank, layer) in LAYERS.iter().enumerate() {
        for module in *layer {
            for file in files_of(module) {
                let text = std::fs::read_to_string(&file).expect("readable source");
                for used in uses(&code_of(&text)) {
                    if used == *module {
                        continue;
                    }
                    match layer_of(&used) {
                        Some(r) if r < rank => {}
                        Some(r) => wrong.push(format!(
                            "{} uses crate::{used} (layer {r}, not below {module}'s {rank})",
                            file.display()
                        )),
                        None => {}
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn the_core_never_names_the_gui() {
    let mut wrong = Vec::new();
    for module in HEADLESS {
        for file in files_of(module) {
            let text = std::fs::read_to_string(&file).expect("readable source");
            let code = code_of(&text);
            for w in GUI_WORDS {
                if code.contains(w) {
                    wrong.push(format!("{} names {w}", file.display()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "GUI in the core:\n{}", wrong.join("\n"));
}

#[test]
fn the_checker_sees_what_it_should() {
    // The checks themselves: a use is found, comments and unit tests are not code.
    let code = code_of(
        "use crate::analysis::X; // crate::ui\nfn f() { crate::model::Park::default(); }\n#[cfg(test)]\nmod tests { use crate::ui; }\n",
    );
    assert_eq!(
        uses(&code),
        vec!["analysis".to_string(), "model".to_string()]
    );
    assert!(layer_of("ui") > layer_of("workspace"));
    assert!(
        files_of("workspace").len() >= 2,
        "workspace is a folder of files"
    );
}
