//! Columnar attribute tables: every property a survey team delivered, kept exactly.
//!
//! A layer's properties are stored column by column (like GDAL's or Arrow's tables), so a
//! million enterprises cost tens of bytes each instead of a map per feature. A column's
//! type is promoted as values arrive (int → float; anything mixed → raw JSON text), so no
//! value is ever lost or altered: what cannot be typed is kept as its original JSON.
//! Absent (`{}`) and null (`{"a": null}`) are kept distinct.
//!
//! This module knows nothing about geometry, roles or files.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::grow::{reserve_moving, reserve_moving_str};
use super::text::Text;

/// One property value as read from a table. Strings borrow from the table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PropValue<'a> {
    /// The feature has no such property.
    Absent,
    /// The property is present and `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(&'a str),
    /// Raw JSON text of an object, an array, or a value in a column of mixed types.
    Json(&'a str),
}

impl<'a> PropValue<'a> {
    /// Reads a raw JSON value (as written in the file) into a typed value.
    /// Objects, arrays and numbers that do not fit a float are kept as raw JSON.
    pub fn from_raw_json(raw: &'a str) -> PropValue<'a> {
        let raw = raw.trim();
        match raw.as_bytes().first() {
            None => PropValue::Absent,
            Some(b'n') => PropValue::Null,
            Some(b't') => PropValue::Bool(true),
            Some(b'f') => PropValue::Bool(false),
            Some(b'"') => {
                let inner = &raw[1..raw.len().saturating_sub(1).max(1)];
                if !inner.contains('\\') {
                    PropValue::Str(inner)
                } else {
                    // Escaped strings cannot be borrowed; the caller decodes them.
                    PropValue::Json(raw)
                }
            }
            Some(_) => {
                if let Ok(i) = raw.parse::<i64>() {
                    PropValue::Int(i)
                } else if let Ok(f) = raw.parse::<f64>() {
                    if f.is_finite() {
                        PropValue::Float(f)
                    } else {
                        PropValue::Json(raw)
                    }
                } else {
                    PropValue::Json(raw)
                }
            }
        }
    }

    /// The value as text for display and for matching words (status, kind …).
    /// Absent and null give `None`.
    pub fn as_text(&self) -> Option<std::borrow::Cow<'a, str>> {
        use std::borrow::Cow;
        match *self {
            PropValue::Absent | PropValue::Null => None,
            PropValue::Bool(b) => Some(Cow::Borrowed(if b { "true" } else { "false" })),
            PropValue::Int(i) => Some(Cow::Owned(i.to_string())),
            PropValue::Float(f) => Some(Cow::Owned(format_float(f))),
            PropValue::Str(s) => Some(Cow::Borrowed(s)),
            PropValue::Json(j) => match serde_json::from_str::<String>(j) {
                Ok(s) => Some(Cow::Owned(s)),
                Err(_) => Some(Cow::Borrowed(j)),
            },
        }
    }

    /// The value as a number when it is one, or a string holding one ("1,200" and "12 人"
    /// are read as 1200 and 12: survey tables often carry units and separators).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            PropValue::Int(i) => Some(i as f64),
            PropValue::Float(f) => Some(f),
            PropValue::Str(_) | PropValue::Json(_) => {
                let text = self.as_text()?;
                let cleaned: String = text
                    .trim()
                    .chars()
                    .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
                    .collect();
                let end = cleaned
                    .char_indices()
                    .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == '-' || *c == '+'))
                    .map(|(i, _)| i)
                    .unwrap_or(cleaned.len());
                cleaned[..end].parse::<f64>().ok().filter(|f| f.is_finite())
            }
            _ => None,
        }
    }

    /// The value as JSON text, exactly as it would be written back to a file.
    pub fn to_json_text(&self) -> Option<String> {
        match *self {
            PropValue::Absent => None,
            PropValue::Null => Some("null".into()),
            PropValue::Bool(b) => Some(b.to_string()),
            PropValue::Int(i) => Some(i.to_string()),
            // Integral floats are written as integers (`3`, not `3.0`): JSON does not
            // distinguish them, and an int column promoted to float reads back as written.
            PropValue::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                Some(format!("{}", f as i64))
            }
            PropValue::Float(f) => Some(
                serde_json::Number::from_f64(f).map_or_else(|| "null".into(), |n| n.to_string()),
            ),
            PropValue::Str(s) => Some(serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())),
            PropValue::Json(j) => Some(j.to_string()),
        }
    }

    /// The value as a `serde_json::Value` (for writing back and for the inspector).
    pub fn to_json_value(&self) -> Option<serde_json::Value> {
        use serde_json::Value;
        match *self {
            PropValue::Absent => None,
            PropValue::Null => Some(Value::Null),
            PropValue::Bool(b) => Some(Value::Bool(b)),
            PropValue::Int(i) => Some(Value::from(i)),
            PropValue::Float(f) => {
                Some(serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number))
            }
            PropValue::Str(s) => Some(Value::String(s.to_string())),
            PropValue::Json(j) => serde_json::from_str(j).ok(),
        }
    }
}

/// Formats a float without a needless ".0" tail noise: 12.5 → "12.5", 3.0 → "3".
pub fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Whether a cell holds a value, is null, or is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Cell {
    Absent = 0,
    Null = 1,
    Value = 2,
}

/// Where each string of a [`StrBuf`] ends: 4 bytes a string while the buffer is under
/// 4 GiB (every real column), 8 bytes after (promoted once, nothing lost).
#[derive(Debug, Clone)]
enum Ends {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl Default for Ends {
    fn default() -> Ends {
        Ends::Narrow(Vec::new())
    }
}

impl Ends {
    fn zeros(n: usize) -> Ends {
        Ends::Narrow(vec![0; n])
    }
    fn len(&self) -> usize {
        match self {
            Ends::Narrow(v) => v.len(),
            Ends::Wide(v) => v.len(),
        }
    }
    fn get(&self, i: usize) -> usize {
        match self {
            Ends::Narrow(v) => v[i] as usize,
            Ends::Wide(v) => v[i],
        }
    }
    fn last(&self) -> usize {
        match self {
            Ends::Narrow(v) => v.last().map_or(0, |e| *e as usize),
            Ends::Wide(v) => v.last().copied().unwrap_or(0),
        }
    }
    fn widen(&mut self) -> &mut Vec<usize> {
        if let Ends::Narrow(v) = self {
            *self = Ends::Wide(v.iter().map(|e| *e as usize).collect());
        }
        match self {
            Ends::Wide(v) => v,
            Ends::Narrow(_) => unreachable!("widened above"),
        }
    }
    fn push(&mut self, end: usize) {
        match (&mut *self, u32::try_from(end)) {
            (Ends::Narrow(v), Ok(e)) => v.push(e),
            _ => self.widen().push(end),
        }
    }
    fn pop(&mut self) {
        match self {
            Ends::Narrow(v) => {
                v.pop();
            }
            Ends::Wide(v) => {
                v.pop();
            }
        }
    }
    fn reserve_moving(&mut self, n: usize) {
        match self {
            Ends::Narrow(v) => reserve_moving(v, n),
            Ends::Wide(v) => reserve_moving(v, n),
        }
    }
    /// Appends `other`'s ends shifted by `base` bytes.
    fn extend_shifted(&mut self, other: &Ends, base: usize) {
        let top = base + other.last();
        match (&mut *self, other) {
            (Ends::Narrow(a), Ends::Narrow(b)) if u32::try_from(top).is_ok() => {
                let base = base as u32;
                a.extend(b.iter().map(|e| e + base));
            }
            _ => {
                let a = self.widen();
                a.extend((0..other.len()).map(|i| other.get(i) + base));
            }
        }
    }
}

/// Many strings in one buffer: string `i` stops at `ends[i]`. The buffer is shared
/// (records' [`Text`] handles point into it) and never changed once shared: a cell
/// edited later is kept beside it in `edited` (copy-on-write per cell, so an edit
/// costs one string, not a copy of the column, and records of other rows keep
/// pointing at the one buffer).
#[derive(Debug, Clone, Default)]
struct StrBuf {
    text: Arc<String>,
    ends: Ends,
    /// Cells replaced since the buffer was built, by row.
    edited: FxHashMap<usize, Text>,
}

impl StrBuf {
    fn with_rows(rows: usize) -> StrBuf {
        StrBuf {
            ends: Ends::zeros(rows),
            ..StrBuf::default()
        }
    }
    fn push(&mut self, s: &str) {
        let text = Arc::make_mut(&mut self.text);
        text.push_str(s);
        self.ends.push(text.len());
    }
    fn bounds(&self, i: usize) -> (usize, usize) {
        let start = if i == 0 { 0 } else { self.ends.get(i - 1) };
        (start, self.ends.get(i))
    }
    fn get(&self, i: usize) -> &str {
        if !self.edited.is_empty()
            && let Some(t) = self.edited.get(&i)
        {
            return t.as_str();
        }
        let (start, end) = self.bounds(i);
        &self.text[start..end]
    }
    /// String `i` as a handle on the buffer (no copy).
    fn text(&self, i: usize) -> Text {
        if !self.edited.is_empty()
            && let Some(t) = self.edited.get(&i)
        {
            return t.clone();
        }
        let (start, end) = self.bounds(i);
        Text::slice(&self.text, start, end)
    }
    fn set(&mut self, i: usize, s: &str) {
        self.edited.insert(i, Text::from(s));
    }
    fn truncate_last(&mut self) {
        self.edited.remove(&(self.ends.len().saturating_sub(1)));
        self.ends.pop();
        let end = self.ends.last();
        Arc::make_mut(&mut self.text).truncate(end);
    }
}

/// The typed storage of one column. Cells that are absent or null hold a default.
#[derive(Debug, Clone)]
enum ColumnData {
    /// No value seen yet (only absent or null cells).
    Empty(usize),
    Bool(Vec<bool>),
    Int(Vec<i64>),
    Float(Vec<f64>),
    Str(StrBuf),
    Json(StrBuf),
}

impl ColumnData {
    fn push_default(&mut self) {
        match self {
            ColumnData::Empty(n) => *n += 1,
            ColumnData::Bool(v) => v.push(false),
            ColumnData::Int(v) => v.push(0),
            ColumnData::Float(v) => v.push(0.0),
            ColumnData::Str(b) | ColumnData::Json(b) => b.push(""),
        }
    }
    fn pop(&mut self) {
        match self {
            ColumnData::Empty(n) => *n = n.saturating_sub(1),
            ColumnData::Bool(v) => {
                v.pop();
            }
            ColumnData::Int(v) => {
                v.pop();
            }
            ColumnData::Float(v) => {
                v.pop();
            }
            ColumnData::Str(b) | ColumnData::Json(b) => b.truncate_last(),
        }
    }
}

/// One named column of an attribute table.
#[derive(Debug, Clone)]
pub struct Column {
    name: String,
    cells: Vec<Cell>,
    data: ColumnData,
}

/// The type a column settled on, for display in the attribute table and intake dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Only nulls or absent values.
    Empty,
    /// Booleans.
    Bool,
    /// Integers.
    Int,
    /// Numbers.
    Float,
    /// Text.
    Text,
    /// Objects, arrays or mixed values kept as JSON.
    Json,
}

impl Column {
    fn new(name: &str, rows: usize) -> Column {
        Column {
            name: name.to_string(),
            cells: vec![Cell::Absent; rows],
            data: ColumnData::Empty(rows),
        }
    }

    /// The property name as written in the file.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type the column settled on.
    pub fn column_type(&self) -> ColumnType {
        match self.data {
            ColumnData::Empty(_) => ColumnType::Empty,
            ColumnData::Bool(_) => ColumnType::Bool,
            ColumnData::Int(_) => ColumnType::Int,
            ColumnData::Float(_) => ColumnType::Float,
            ColumnData::Str(_) => ColumnType::Text,
            ColumnData::Json(_) => ColumnType::Json,
        }
    }

    /// The value in row `row` (absent when out of range).
    pub fn get(&self, row: usize) -> PropValue<'_> {
        match self.cells.get(row) {
            None | Some(Cell::Absent) => PropValue::Absent,
            Some(Cell::Null) => PropValue::Null,
            Some(Cell::Value) => match &self.data {
                ColumnData::Empty(_) => PropValue::Null,
                ColumnData::Bool(v) => PropValue::Bool(v[row]),
                ColumnData::Int(v) => PropValue::Int(v[row]),
                ColumnData::Float(v) => PropValue::Float(v[row]),
                ColumnData::Str(b) => PropValue::Str(b.get(row)),
                ColumnData::Json(b) => PropValue::Json(b.get(row)),
            },
        }
    }

    /// The text of row `row` as a handle on the column's buffer (no copy) when the
    /// cell holds a string of a text column; `None` otherwise (read [`Column::get`]).
    pub fn shared_text(&self, row: usize) -> Option<Text> {
        match (self.cells.get(row), &self.data) {
            (Some(Cell::Value), ColumnData::Str(b)) => Some(b.text(row)),
            _ => None,
        }
    }

    /// The type a lone value would give a column, as [`Column::push`] decides it.
    fn natural_type(value: PropValue<'_>) -> ColumnType {
        match value {
            PropValue::Absent | PropValue::Null => ColumnType::Empty,
            PropValue::Bool(_) => ColumnType::Bool,
            PropValue::Int(_) => ColumnType::Int,
            PropValue::Float(_) => ColumnType::Float,
            PropValue::Str(_) => ColumnType::Text,
            PropValue::Json(_) => ColumnType::Json,
        }
    }

    /// Replaces the cell of row `row` in place (an edit: one cell's worth of work),
    /// typing the column as rebuilding it with the new value would.
    fn set(&mut self, row: usize, value: PropValue<'_>) {
        if row >= self.cells.len() {
            return;
        }
        let (cell, value) = match value {
            PropValue::Absent => (Cell::Absent, None),
            PropValue::Null => (Cell::Null, None),
            v => (Cell::Value, Some(v)),
        };
        // Whether another row holds a value (stops at the first: cheap but for columns
        // of nulls).
        let others = |cells: &[Cell]| {
            cells
                .iter()
                .enumerate()
                .any(|(r, c)| r != row && *c == Cell::Value)
        };
        let Some(value) = value else {
            self.cells[row] = cell;
            if let ColumnData::Str(b) | ColumnData::Json(b) = &mut self.data {
                b.edited.remove(&row);
            }
            if !matches!(self.data, ColumnData::Empty(_)) && !others(&self.cells) {
                // The last value gone: untyped, as a column of nulls is built.
                self.data = ColumnData::Empty(self.cells.len());
            }
            return;
        };
        let natural = Column::natural_type(value);
        if natural != self.column_type() && !others(&self.cells) {
            // No other value: the column takes the new value's type, as a column
            // built with this value alone would.
            self.data = ColumnData::Empty(self.cells.len());
        }
        self.make_room_for(value);
        let done = match (&mut self.data, value) {
            (ColumnData::Bool(v), PropValue::Bool(b)) => {
                v[row] = b;
                true
            }
            (ColumnData::Int(v), PropValue::Int(i)) => {
                v[row] = i;
                true
            }
            (ColumnData::Float(v), PropValue::Float(f)) => {
                v[row] = f;
                true
            }
            (ColumnData::Float(v), PropValue::Int(i)) => {
                v[row] = i as f64;
                true
            }
            (ColumnData::Str(b), PropValue::Str(s)) => {
                b.set(row, s);
                true
            }
            (ColumnData::Json(b), v) => {
                b.set(row, &v.to_json_text().unwrap_or_default());
                true
            }
            _ => false,
        };
        if !done {
            // Mixed types: every value is kept as its JSON text (the other cells'
            // text is taken before this cell is marked as a value).
            self.make_json_column();
            if let ColumnData::Json(b) = &mut self.data {
                b.set(row, &value.to_json_text().unwrap_or_default());
            }
        }
        self.cells[row] = Cell::Value;
    }

    /// Turns the column into raw JSON text, keeping every value exactly.
    fn make_json_column(&mut self) {
        if matches!(self.data, ColumnData::Json(_)) {
            return;
        }
        let mut buf = StrBuf::default();
        for row in 0..self.cells.len() {
            let text = match self.get(row) {
                PropValue::Absent | PropValue::Null => String::new(),
                v => v.to_json_text().unwrap_or_default(),
            };
            buf.push(&text);
        }
        self.data = ColumnData::Json(buf);
    }

    fn int_to_float(&mut self) {
        if let ColumnData::Int(v) = &self.data {
            self.data = ColumnData::Float(v.iter().map(|i| *i as f64).collect());
        }
    }

    /// Types a column that had no value yet by `value` (its cells so far as defaults),
    /// and widens integers to floats for a float.
    fn make_room_for(&mut self, value: PropValue<'_>) {
        if let ColumnData::Empty(_) = self.data {
            let rows = self.cells.len();
            self.data = match value {
                PropValue::Bool(_) => ColumnData::Bool(vec![false; rows]),
                PropValue::Int(_) => ColumnData::Int(vec![0; rows]),
                PropValue::Float(_) => ColumnData::Float(vec![0.0; rows]),
                PropValue::Str(_) => ColumnData::Str(StrBuf::with_rows(rows)),
                _ => ColumnData::Json(StrBuf::with_rows(rows)),
            };
        }
        if matches!(self.data, ColumnData::Int(_)) && matches!(value, PropValue::Float(_)) {
            self.int_to_float();
        }
    }

    /// Appends one cell, promoting the column's type when the value needs it.
    fn push(&mut self, value: PropValue<'_>) {
        match value {
            PropValue::Absent => {
                self.cells.push(Cell::Absent);
                self.data.push_default();
                return;
            }
            PropValue::Null => {
                self.cells.push(Cell::Null);
                self.data.push_default();
                return;
            }
            _ => {}
        }
        self.make_room_for(value);
        match (&mut self.data, value) {
            (ColumnData::Bool(v), PropValue::Bool(b)) => v.push(b),
            (ColumnData::Int(v), PropValue::Int(i)) => v.push(i),
            (ColumnData::Float(v), PropValue::Float(f)) => v.push(f),
            (ColumnData::Float(v), PropValue::Int(i)) => v.push(i as f64),
            (ColumnData::Str(b), PropValue::Str(s)) => b.push(s),
            (ColumnData::Json(b), v) => b.push(&v.to_json_text().unwrap_or_default()),
            (_, v) => {
                self.make_json_column();
                if let ColumnData::Json(b) = &mut self.data {
                    b.push(&v.to_json_text().unwrap_or_default());
                }
            }
        }
        self.cells.push(Cell::Value);
    }

    /// Appends every cell of `other` when both columns hold the same type (a bulk
    /// copy, as merging tables built in parallel needs); `false` (nothing done) when
    /// the types differ and cells must be pushed one by one.
    fn extend_same_type(&mut self, other: &Column) -> bool {
        match (&mut self.data, &other.data) {
            (ColumnData::Empty(n), ColumnData::Empty(m)) => *n += m,
            (ColumnData::Bool(a), ColumnData::Bool(b)) => a.extend_from_slice(b),
            (ColumnData::Int(a), ColumnData::Int(b)) => a.extend_from_slice(b),
            (ColumnData::Float(a), ColumnData::Float(b)) => a.extend_from_slice(b),
            (ColumnData::Str(a), ColumnData::Str(b))
            | (ColumnData::Json(a), ColumnData::Json(b))
                if b.edited.is_empty() =>
            {
                let base = a.text.len();
                Arc::make_mut(&mut a.text).push_str(&b.text);
                a.ends.extend_shifted(&b.ends, base);
            }
            // Absent/null-only cells of `other` fit any typed column as defaults.
            (data, ColumnData::Empty(m)) => {
                for _ in 0..*m {
                    data.push_default();
                }
            }
            _ => return false,
        }
        self.cells.extend_from_slice(&other.cells);
        true
    }

    /// Removes the last cell (used when a property repeats within one feature).
    fn pop(&mut self) {
        self.cells.pop();
        self.data.pop();
    }

    fn len(&self) -> usize {
        self.cells.len()
    }

    /// How many cells hold a value (not null, not absent).
    pub fn value_count(&self) -> usize {
        self.cells.iter().filter(|c| **c == Cell::Value).count()
    }
}

/// The attribute table of one layer: one row per feature, one column per property name,
/// columns in the order they were first seen.
#[derive(Debug, Clone, Default)]
pub struct AttributeTable {
    columns: Vec<Column>,
    by_name: HashMap<String, usize>,
    rows: usize,
    /// Position of the next column expected in the row being built (fast path for
    /// features that list their properties in the same order).
    cursor: usize,
}

impl AttributeTable {
    /// An empty table.
    pub fn new() -> AttributeTable {
        AttributeTable::default()
    }

    /// Number of rows (features).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The columns in first-seen order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column names in first-seen order.
    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// The index of a column by its exact name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The column with this exact name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.column_index(name).map(|i| &self.columns[i])
    }

    /// The value of property `name` in row `row`.
    pub fn get(&self, row: usize, name: &str) -> PropValue<'_> {
        self.column(name).map_or(PropValue::Absent, |c| c.get(row))
    }

    /// Every present property of a row, in column order (absent ones skipped).
    pub fn row(&self, row: usize) -> impl Iterator<Item = (&str, PropValue<'_>)> {
        self.columns.iter().filter_map(move |c| match c.get(row) {
            PropValue::Absent => None,
            v => Some((c.name(), v)),
        })
    }

    /// The row as a JSON object (the feature's `properties`), every value exact.
    pub fn row_json(&self, row: usize) -> serde_json::Map<String, serde_json::Value> {
        self.row(row)
            .filter_map(|(k, v)| v.to_json_value().map(|j| (k.to_string(), j)))
            .collect()
    }

    /// Starts a new row; set its cells with [`AttributeTable::set`], then call
    /// [`AttributeTable::end_row`].
    pub fn begin_row(&mut self) {
        self.cursor = 0;
    }

    /// Sets property `name` of the row being built. A name repeated within one row
    /// keeps the last value, as JSON parsers do.
    pub fn set(&mut self, name: &str, value: PropValue<'_>) {
        let row = self.rows;
        let idx = if self.cursor < self.columns.len() && self.columns[self.cursor].name == name {
            self.cursor
        } else if let Some(i) = self.by_name.get(name) {
            *i
        } else {
            let i = self.columns.len();
            self.columns.push(Column::new(name, row));
            self.by_name.insert(name.to_string(), i);
            i
        };
        self.cursor = idx + 1;
        let col = &mut self.columns[idx];
        if col.len() > row {
            col.pop();
        }
        col.push(value);
    }

    /// Finishes the row: properties the row did not set are absent.
    pub fn end_row(&mut self) {
        let row = self.rows;
        for c in &mut self.columns {
            if c.len() == row {
                c.push(PropValue::Absent);
            }
        }
        self.rows += 1;
    }

    /// Appends a whole row from name/value pairs.
    pub fn push_row<'a>(&mut self, cells: impl IntoIterator<Item = (&'a str, PropValue<'a>)>) {
        self.begin_row();
        for (k, v) in cells {
            self.set(k, v);
        }
        self.end_row();
    }

    /// Reserves room for `additional` more rows in every column, text columns by their
    /// mean length so far (a reader that can estimate a file's feature count calls this
    /// once, so the columns do not grow by copying).
    pub fn reserve_rows(&mut self, additional: usize) {
        let rows = self.rows.max(1);
        // Moved, not reallocated (`model::grow`): a column built by doubling has up to
        // half its room never written.
        for c in &mut self.columns {
            reserve_moving(&mut c.cells, additional);
            match &mut c.data {
                ColumnData::Empty(_) => {}
                ColumnData::Bool(v) => reserve_moving(v, additional),
                ColumnData::Int(v) => reserve_moving(v, additional),
                ColumnData::Float(v) => reserve_moving(v, additional),
                ColumnData::Str(b) | ColumnData::Json(b) => {
                    let mean = b.text.len().div_ceil(rows);
                    let text = Arc::make_mut(&mut b.text);
                    reserve_moving_str(text, mean.saturating_mul(additional));
                    b.ends.reserve_moving(additional);
                }
            }
        }
    }

    /// Appends every row of `other` (used to merge tables built in parallel).
    pub fn append(&mut self, other: &AttributeTable) {
        let start = self.rows;
        for oc in &other.columns {
            let idx = match self.by_name.get(&oc.name) {
                Some(i) => *i,
                None => {
                    let i = self.columns.len();
                    self.columns.push(Column::new(&oc.name, start));
                    self.by_name.insert(oc.name.clone(), i);
                    i
                }
            };
            let col = &mut self.columns[idx];
            if !col.extend_same_type(oc) {
                for r in 0..other.rows {
                    col.push(oc.get(r));
                }
            }
        }
        self.rows += other.rows;
        for c in &mut self.columns {
            while c.len() < self.rows {
                c.push(PropValue::Absent);
            }
        }
    }

    /// Replaces one cell (attribute editing). Creates the column when needed.
    pub fn set_cell(&mut self, row: usize, name: &str, value: PropValue<'_>) {
        if row >= self.rows {
            return;
        }
        let idx = match self.by_name.get(name) {
            Some(i) => *i,
            None => {
                let i = self.columns.len();
                let mut c = Column::new(name, 0);
                for _ in 0..self.rows {
                    c.push(PropValue::Absent);
                }
                self.columns.push(c);
                self.by_name.insert(name.to_string(), i);
                i
            }
        };
        self.columns[idx].set(row, value);
    }

    /// Replaces many cells of one column as text, rebuilding the column once (creating
    /// it when needed). `updates`: (row, text); rows out of range are ignored.
    pub fn set_texts(&mut self, name: &str, updates: &[(usize, &str)]) {
        if updates.is_empty() {
            return;
        }
        let mut by_row: Vec<Option<&str>> = vec![None; self.rows];
        for (r, t) in updates {
            if let Some(slot) = by_row.get_mut(*r) {
                *slot = Some(t);
            }
        }
        let mut rebuilt = Column::new(name, 0);
        let old = self.by_name.get(name).map(|i| &self.columns[*i]);
        for (r, new) in by_row.iter().enumerate() {
            match (new, old) {
                (Some(t), _) => rebuilt.push(PropValue::Str(t)),
                (None, Some(c)) => rebuilt.push(c.get(r)),
                (None, None) => rebuilt.push(PropValue::Absent),
            }
        }
        match self.by_name.get(name) {
            Some(i) => self.columns[*i] = rebuilt,
            None => {
                self.by_name.insert(name.to_string(), self.columns.len());
                self.columns.push(rebuilt);
            }
        }
    }

    /// Inserts an empty row (all properties absent) at `row`, shifting later rows down.
    pub fn insert_row(&mut self, row: usize) {
        let row = row.min(self.rows);
        for c in &mut self.columns {
            let mut rebuilt = Column::new(&c.name, 0);
            for r in 0..=self.rows {
                if r == row {
                    rebuilt.push(PropValue::Absent);
                }
                if r < self.rows {
                    rebuilt.push(c.get(r));
                }
            }
            *c = rebuilt;
        }
        self.rows += 1;
    }

    /// Removes a row (feature deletion), shifting later rows up.
    pub fn remove_row(&mut self, row: usize) {
        if row >= self.rows {
            return;
        }
        for c in &mut self.columns {
            let mut rebuilt = Column::new(&c.name, 0);
            for r in 0..self.rows {
                if r != row {
                    rebuilt.push(c.get(r));
                }
            }
            *c = rebuilt;
        }
        self.rows -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_null_and_values_are_distinct() {
        let mut t = AttributeTable::new();
        t.push_row([("a", PropValue::Int(1)), ("b", PropValue::Null)]);
        t.push_row([("b", PropValue::Str("x"))]);
        assert_eq!(t.rows(), 2);
        assert_eq!(t.get(0, "a"), PropValue::Int(1));
        assert_eq!(t.get(0, "b"), PropValue::Null);
        assert_eq!(t.get(1, "a"), PropValue::Absent);
        assert_eq!(t.get(1, "b"), PropValue::Str("x"));
        assert_eq!(t.get(1, "zzz"), PropValue::Absent);
    }

    #[test]
    fn int_then_float_promotes_and_mixed_becomes_json() {
        let mut t = AttributeTable::new();
        t.push_row([("n", PropValue::Int(3))]);
        t.push_row([("n", PropValue::Float(2.5))]);
        assert_eq!(t.get(0, "n"), PropValue::Float(3.0));
        assert_eq!(t.get(1, "n"), PropValue::Float(2.5));
        t.push_row([("n", PropValue::Str("many"))]);
        assert_eq!(t.get(0, "n"), PropValue::Json("3"));
        assert_eq!(t.get(2, "n"), PropValue::Json("\"many\""));
        assert_eq!(t.get(2, "n").as_text().as_deref(), Some("many"));
    }

    #[test]
    fn repeated_key_keeps_last_value() {
        let mut t = AttributeTable::new();
        t.push_row([("a", PropValue::Str("b")), ("a", PropValue::Str("c"))]);
        assert_eq!(t.get(0, "a"), PropValue::Str("c"));
        assert_eq!(t.rows(), 1);
    }

    #[test]
    fn append_merges_columns_in_order() {
        let mut a = AttributeTable::new();
        a.push_row([("x", PropValue::Int(1))]);
        let mut b = AttributeTable::new();
        b.push_row([("y", PropValue::Bool(true)), ("x", PropValue::Int(2))]);
        a.append(&b);
        assert_eq!(a.rows(), 2);
        assert_eq!(a.get(0, "y"), PropValue::Absent);
        assert_eq!(a.get(1, "x"), PropValue::Int(2));
        assert_eq!(a.get(1, "y"), PropValue::Bool(true));
    }

    #[test]
    fn raw_json_is_read_exactly() {
        assert_eq!(PropValue::from_raw_json("12"), PropValue::Int(12));
        assert_eq!(PropValue::from_raw_json("1.5e3"), PropValue::Float(1500.0));
        assert_eq!(PropValue::from_raw_json("\"荆州\""), PropValue::Str("荆州"));
        assert_eq!(
            PropValue::from_raw_json("12345678901231234567890123"),
            PropValue::Float(1.2345678901231235e25)
        );
        assert_eq!(
            PropValue::from_raw_json("{\"a\":1}"),
            PropValue::Json("{\"a\":1}")
        );
        assert_eq!(PropValue::Str("1,200 人").as_f64(), Some(1200.0));
    }

    #[test]
    fn append_in_bulk_equals_pushing_each_cell() {
        let rows_a: Vec<Vec<(&str, PropValue<'_>)>> = vec![
            vec![
                ("i", PropValue::Int(1)),
                ("s", PropValue::Str("荆州")),
                ("e", PropValue::Null),
            ],
            vec![("f", PropValue::Float(0.5)), ("s", PropValue::Null)],
        ];
        let rows_b: Vec<Vec<(&str, PropValue<'_>)>> = vec![
            vec![
                ("i", PropValue::Int(7)),
                ("s", PropValue::Str("KW6")),
                ("f", PropValue::Int(3)),
            ],
            vec![
                ("e", PropValue::Null),
                ("b", PropValue::Bool(true)),
                ("i", PropValue::Str("x")),
            ],
            vec![("s", PropValue::Str(""))],
        ];
        let mut a = AttributeTable::new();
        let mut b = AttributeTable::new();
        let mut all = AttributeTable::new();
        for r in &rows_a {
            a.push_row(r.iter().copied());
            all.push_row(r.iter().copied());
        }
        for r in &rows_b {
            b.push_row(r.iter().copied());
            all.push_row(r.iter().copied());
        }
        a.append(&b);
        assert_eq!(a.rows(), all.rows());
        for r in 0..all.rows() {
            assert_eq!(a.row_json(r), all.row_json(r), "row {r}");
            for c in all.columns() {
                assert_eq!(a.get(r, c.name()), c.get(r), "row {r} {}", c.name());
            }
        }
    }

    /// What `set_cell` gave when it rebuilt the whole column: the table pushed again
    /// row by row with the one cell replaced.
    fn rebuilt(t: &AttributeTable, row: usize, name: &str, value: PropValue<'_>) -> Column {
        let mut c = Column::new(name, 0);
        for r in 0..t.rows() {
            c.push(if r == row { value } else { t.get(r, name) });
        }
        c
    }

    #[test]
    fn a_cell_edited_in_place_reads_and_types_as_a_rebuilt_column() {
        let columns: Vec<Vec<PropValue<'_>>> = vec![
            vec![PropValue::Int(1), PropValue::Int(2), PropValue::Null],
            vec![PropValue::Float(2.5), PropValue::Absent, PropValue::Int(3)],
            vec![PropValue::Str("a"), PropValue::Str(" b "), PropValue::Null],
            vec![PropValue::Bool(true), PropValue::Absent, PropValue::Absent],
            vec![
                PropValue::Json("{\"k\":1}"),
                PropValue::Int(4),
                PropValue::Absent,
            ],
            vec![PropValue::Null, PropValue::Absent, PropValue::Null],
            vec![PropValue::Absent, PropValue::Str("only"), PropValue::Absent],
        ];
        let values = [
            PropValue::Absent,
            PropValue::Null,
            PropValue::Bool(false),
            PropValue::Int(7),
            PropValue::Float(0.5),
            PropValue::Float(3.0),
            PropValue::Str("荆州"),
            PropValue::Str(""),
            PropValue::Json("[1,2]"),
        ];
        for cells in &columns {
            for row in 0..cells.len() {
                for v in values {
                    let mut t = AttributeTable::new();
                    for c in cells {
                        t.push_row([("x", *c)]);
                    }
                    let want = rebuilt(&t, row, "x", v);
                    t.set_cell(row, "x", v);
                    let got = t.column("x").expect("column");
                    let what = format!("{cells:?} row {row} ← {v:?}");
                    assert_eq!(got.column_type(), want.column_type(), "{what}");
                    for r in 0..t.rows() {
                        assert_eq!(got.get(r), want.get(r), "{what}: row {r}");
                    }
                    // Edited again back: the first value, as rebuilding would give.
                    let want = rebuilt(&t, row, "x", cells[row]);
                    t.set_cell(row, "x", cells[row]);
                    let got = t.column("x").expect("column");
                    assert_eq!(got.column_type(), want.column_type(), "{what}, undone");
                    for r in 0..t.rows() {
                        assert_eq!(got.get(r), want.get(r), "{what}, undone: row {r}");
                    }
                }
            }
        }
    }

    #[test]
    fn text_handles_share_the_column_and_survive_an_edit() {
        let mut t = AttributeTable::new();
        for name in ["甲", "乙", "丙"] {
            t.push_row([("name", PropValue::Str(name))]);
        }
        let col = t.column("name").expect("column");
        let (a, b) = (
            col.shared_text(0).expect("a"),
            col.shared_text(2).expect("c"),
        );
        assert!(a.shares_buffer(&b), "one buffer for the column");
        t.set_cell(2, "name", PropValue::Str("丁"));
        let col = t.column("name").expect("column");
        assert_eq!(col.shared_text(2).expect("edited"), "丁");
        assert!(
            col.shared_text(0).expect("a").shares_buffer(&a),
            "not copied"
        );
        // Handles taken before the edit still read what they read.
        assert_eq!((a.as_str(), b.as_str()), ("甲", "丙"));
        // Rows moved by a deletion read their own (edited) text.
        t.remove_row(0);
        assert_eq!(t.get(1, "name"), PropValue::Str("丁"));
        t.set_cell(0, "name", PropValue::Int(3));
        assert_eq!(t.column("name").expect("c").shared_text(0), None);
    }

    #[test]
    fn ends_past_four_gibibytes_widen_without_losing_a_string() {
        let mut e = Ends::zeros(2);
        e.push(7);
        e.push(u32::MAX as usize + 10);
        e.push(u32::MAX as usize + 12);
        assert!(matches!(e, Ends::Wide(_)));
        let got: Vec<usize> = (0..e.len()).map(|i| e.get(i)).collect();
        assert_eq!(
            got,
            [0, 0, 7, u32::MAX as usize + 10, u32::MAX as usize + 12]
        );
        e.pop();
        assert_eq!(e.last(), u32::MAX as usize + 10);
        let mut n = Ends::Narrow(vec![3]);
        n.extend_shifted(&Ends::Narrow(vec![1, 2]), u32::MAX as usize);
        assert_eq!(n.get(2), u32::MAX as usize + 2);
        let mut n = Ends::Narrow(vec![3]);
        n.extend_shifted(&Ends::Narrow(vec![1, 2]), 3);
        assert!(matches!(n, Ends::Narrow(_)));
        assert_eq!((n.get(1), n.get(2)), (4, 5));
    }

    #[test]
    fn set_cell_and_remove_row() {
        let mut t = AttributeTable::new();
        t.push_row([("a", PropValue::Int(1))]);
        t.push_row([("a", PropValue::Int(2))]);
        t.set_cell(1, "a", PropValue::Str("two"));
        assert_eq!(t.get(1, "a").as_text().as_deref(), Some("two"));
        t.set_cell(0, "new", PropValue::Bool(true));
        assert_eq!(t.get(0, "new"), PropValue::Bool(true));
        t.remove_row(0);
        assert_eq!(t.rows(), 1);
        assert_eq!(t.get(0, "a").as_text().as_deref(), Some("two"));
    }
}
