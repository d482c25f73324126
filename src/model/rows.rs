//! The rows of a layer's attribute table in display order: filtered by text found in any
//! column (or the id), sorted by a column (numbers as numbers, absent and null last).
//! Used by the attribute table; headless, so it is tested and benchmarked without a GUI.

use std::cmp::Ordering;

use rayon::prelude::*;

use super::{Layer, PropValue};

/// Which column sorts the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Feature order in the file.
    Row,
    /// The feature id.
    Id,
    /// An attribute column, by index.
    Attr(usize),
}

/// Compares two property values: numbers numerically, then text, absent/null last.
pub fn compare_values(a: &PropValue<'_>, b: &PropValue<'_>) -> Ordering {
    let rank = |v: &PropValue<'_>| match v {
        PropValue::Absent | PropValue::Null => 2,
        PropValue::Int(_) | PropValue::Float(_) => 0,
        _ => 1,
    };
    match (rank(a), rank(b)) {
        (0, 0) => a
            .as_f64()
            .unwrap_or(f64::NAN)
            .partial_cmp(&b.as_f64().unwrap_or(f64::NAN))
            .unwrap_or(Ordering::Equal),
        (1, 1) => a
            .as_text()
            .unwrap_or_default()
            .cmp(&b.as_text().unwrap_or_default()),
        (x, y) => x.cmp(&y),
    }
}

/// Whether `text` contains `needle` (already lower-cased), ignoring case. Text without
/// upper-case letters (all Chinese text, most codes) is searched as it is, without a
/// lower-cased copy.
fn contains_ignoring_case(text: &str, needle: &str) -> bool {
    if text.contains(needle) {
        return true;
    }
    text.chars().any(char::is_uppercase) && text.to_lowercase().contains(needle)
}

/// The row order of `layer` for a filter and sort. Rows are matched in parallel.
///
/// ```
/// use parkplan::model::rows::{row_order, SortKey};
/// # use parkplan::model::{AttributeTable, Layer, PropValue};
/// # let mut t = AttributeTable::new();
/// # for name in ["荆州五方光电", "美的楼宇", "五方物流"] { t.push_row([("名称", PropValue::Str(name))]); }
/// # let layer = Layer { ids: vec![None; 3], geometries: vec![None; 3], attributes: t, ..Layer::default() };
/// assert_eq!(row_order(&layer, "五方", SortKey::Row, true), vec![0, 2]);
/// ```
pub fn row_order(layer: &Layer, filter: &str, sort: SortKey, ascending: bool) -> Vec<u32> {
    let needle = filter.trim().to_lowercase();
    let cols = layer.attributes.columns();
    let mut rows: Vec<u32> = if needle.is_empty() {
        (0..layer.len() as u32).collect()
    } else {
        (0..layer.len() as u32)
            .into_par_iter()
            .with_min_len(2048)
            .filter(|&r| {
                let r = r as usize;
                cols.iter().any(|c| {
                    c.get(r)
                        .as_text()
                        .is_some_and(|t| contains_ignoring_case(&t, &needle))
                }) || contains_ignoring_case(&layer.display_id(r), &needle)
            })
            .collect()
    };
    match sort {
        SortKey::Row => {}
        SortKey::Id => rows.par_sort_by_cached_key(|&r| layer.display_id(r as usize)),
        SortKey::Attr(c) => {
            if let Some(col) = cols.get(c) {
                rows.par_sort_by(|&a, &b| {
                    compare_values(&col.get(a as usize), &col.get(b as usize))
                });
            }
        }
    }
    if !ascending {
        rows.reverse();
    }
    rows
}

/// The headers of a layer's attribute table, one per column, all different from each
/// other and from `reserved` (the row-number and id headers beside them): a column a
/// model field is read from shows the field's label and the original name when they
/// differ ("站序 (序号)"); a name still taken gets " ·2", " ·3".
pub fn column_headers(
    layer: &Layer,
    field_label: impl Fn(super::Field) -> String,
    reserved: &[&str],
) -> Vec<String> {
    let mut taken: Vec<String> = reserved.iter().map(|s| s.to_string()).collect();
    layer
        .attributes
        .columns()
        .iter()
        .map(|col| {
            let name = col.name();
            let mapped = layer
                .fields
                .iter()
                .find(|(_, c)| c.as_str() == name)
                .map(|(f, _)| field_label(*f));
            let base = match mapped {
                Some(label) if label != name => format!("{label} ({name})"),
                _ => name.to_string(),
            };
            let mut header = base.clone();
            let mut n = 2;
            while taken.contains(&header) {
                header = format!("{base} ·{n}");
                n += 1;
            }
            taken.push(header.clone());
            header
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AttributeTable;

    fn layer() -> Layer {
        let mut t = AttributeTable::new();
        for (name, emp) in [
            ("乙公司", PropValue::Int(30)),
            ("甲公司", PropValue::Float(5.5)),
            ("丙", PropValue::Null),
        ] {
            t.push_row([("名称", PropValue::Str(name)), ("人数", emp)]);
        }
        Layer {
            name: "t".into(),
            ids: vec![None; 3],
            geometries: vec![None; 3],
            attributes: t,
            ..Layer::default()
        }
    }

    #[test]
    fn numbers_sort_numerically_and_nulls_last() {
        let l = layer();
        let c = l.attributes.column_index("人数").expect("column");
        assert_eq!(row_order(&l, "", SortKey::Attr(c), true), vec![1, 0, 2]);
        assert_eq!(row_order(&l, "", SortKey::Attr(c), false), vec![2, 0, 1]);
    }

    #[test]
    fn filter_matches_any_column_case_insensitively() {
        let l = layer();
        assert_eq!(row_order(&l, "公司", SortKey::Row, true), vec![0, 1]);
        assert_eq!(row_order(&l, "30", SortKey::Row, true), vec![0]);
        assert_eq!(row_order(&l, "#3", SortKey::Row, true), vec![2]);
        assert!(row_order(&l, "nothing", SortKey::Row, true).is_empty());
        let mut t = AttributeTable::new();
        t.push_row([("name", PropValue::Str("Midea Building Tech"))]);
        let l = Layer {
            ids: vec![None],
            geometries: vec![None],
            attributes: t,
            ..Layer::default()
        };
        assert_eq!(row_order(&l, "MIDEA", SortKey::Row, true), vec![0]);
        assert_eq!(row_order(&l, "building", SortKey::Row, true), vec![0]);
    }

    #[test]
    fn headers_are_unique_and_show_the_mapped_field() {
        use crate::model::Field;
        let mut t = AttributeTable::new();
        t.push_row([
            ("序号", PropValue::Int(1)),
            ("编号", PropValue::Str("S1")),
            ("名称", PropValue::Str("站")),
        ]);
        let mut layer = Layer {
            name: "stops".into(),
            ids: vec![None],
            geometries: vec![None],
            attributes: t,
            ..Layer::default()
        };
        layer.fields.insert(Field::Seq, "序号".into());
        layer.fields.insert(Field::Name, "名称".into());
        let label = |f: Field| match f {
            Field::Seq => "站序".to_string(),
            Field::Name => "名称".to_string(),
            _ => f.code().to_string(),
        };
        let h = column_headers(&layer, label, &["序号", "编号"]);
        assert_eq!(h[2], "名称", "same label and name: shown once");
        assert_eq!(h[1], "编号 ·2", "an unmapped name that is taken");
        assert!(h.contains(&"站序 (序号)".to_string()), "{h:?}");
        let mut sorted = h.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), h.len());
        assert!(!h.iter().any(|x| x == "序号" || x == "编号"));
    }
}
