//! One table of a report: typed cells, and per column how it is headed and how its
//! numbers are written in the printout and in the CSV file (or that it appears in only
//! one of them). The writers ([`super::text`], [`super::csv`]) only lay the cells out.

use std::borrow::Cow;

/// How a number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    /// The shortest form that reads back exactly (`300`, `0.25`).
    Plain,
    /// A fixed number of decimals.
    Fixed(usize),
    /// A share as a percentage with one decimal (`0.5` → `50.0%`).
    Percent,
    /// Metres as kilometres with a fixed number of decimals.
    Km(usize),
}

impl Fmt {
    fn number(self, x: f64) -> String {
        match self {
            Fmt::Plain => format!("{x}"),
            Fmt::Fixed(d) => format!("{x:.d$}"),
            Fmt::Percent => format!("{:.1}%", x * 100.0),
            Fmt::Km(d) => format!("{:.d$}", x / 1000.0),
        }
    }
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, written as it is.
    Text(String),
    /// A count.
    Int(u64),
    /// A measure, written in its column's format.
    Num(f64),
    /// No value: empty in CSV, the column's placeholder in the printout.
    Missing,
}

impl Cell {
    /// `Text`, or `Missing` for `None`.
    pub fn opt_text(s: Option<&str>) -> Cell {
        s.map_or(Cell::Missing, |s| Cell::Text(s.to_string()))
    }

    /// `Num`, or `Missing` for `None`.
    pub fn opt_num(x: Option<f64>) -> Cell {
        x.map_or(Cell::Missing, Cell::Num)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<&String> for Cell {
    fn from(s: &String) -> Cell {
        Cell::Text(s.clone())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&crate::model::Text> for Cell {
    fn from(s: &crate::model::Text) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<crate::model::Text> for Cell {
    fn from(s: crate::model::Text) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::Int(n as u64)
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Int(n)
    }
}

/// One column: its header and number format in the printout and in the CSV file; a
/// column without a header there is not written there.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header in the printout (`半径(m)`).
    pub text: Option<&'static str>,
    /// Header in the CSV file (`半径 radius_m`).
    pub csv: Option<Cow<'static, str>>,
    /// Numbers in the printout.
    pub text_fmt: Fmt,
    /// Numbers in the CSV file.
    pub csv_fmt: Fmt,
    /// Right-aligned in the printout (numbers).
    pub right: bool,
    /// What the printout shows for a missing value.
    pub missing: &'static str,
}

impl Column {
    /// A text column in both outputs.
    pub fn both(text: &'static str, csv: &'static str) -> Column {
        Column {
            text: Some(text),
            csv: Some(Cow::Borrowed(csv)),
            text_fmt: Fmt::Plain,
            csv_fmt: Fmt::Plain,
            right: false,
            missing: "-",
        }
    }

    /// A count in both outputs (right-aligned).
    pub fn count(text: &'static str, csv: &'static str) -> Column {
        Column {
            right: true,
            ..Column::both(text, csv)
        }
    }

    /// A measure in both outputs, each with its format (right-aligned).
    pub fn num(text: &'static str, csv: &'static str, text_fmt: Fmt, csv_fmt: Fmt) -> Column {
        Column {
            text_fmt,
            csv_fmt,
            ..Column::count(text, csv)
        }
    }

    /// A column only the printout shows.
    pub fn text_only(text: &'static str) -> Column {
        Column {
            csv: None,
            ..Column::both(text, "")
        }
    }

    /// A column only the CSV file has.
    pub fn csv_only(csv: impl Into<Cow<'static, str>>) -> Column {
        Column {
            text: None,
            csv: Some(csv.into()),
            ..Column::both("", "")
        }
    }

    /// A measure only the CSV file has, in its format.
    pub fn csv_num(csv: impl Into<Cow<'static, str>>, csv_fmt: Fmt) -> Column {
        Column {
            csv_fmt,
            ..Column::csv_only(csv)
        }
    }

    /// The same column, showing `placeholder` for a missing value in the printout.
    pub fn missing(self, placeholder: &'static str) -> Column {
        Column {
            missing: placeholder,
            ..self
        }
    }

    fn cell_text(&self, c: &Cell) -> String {
        match c {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x) => self.text_fmt.number(*x),
            Cell::Missing => self.missing.to_string(),
        }
    }

    fn cell_csv(&self, c: &Cell) -> String {
        match c {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x) => self.csv_fmt.number(*x),
            Cell::Missing => String::new(),
        }
    }
}

/// A named table of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The CSV file stem (`facilities` → `facilities.csv`).
    pub name: &'static str,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// The columns.
    pub columns: Vec<Column>,
    /// One cell per column in each row.
    pub rows: Vec<Vec<Cell>>,
    /// Summary rows the printout adds below the rows (derivable, so not in CSV).
    pub totals: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table.
    pub fn new(name: &'static str, zh: &str, en: &str, columns: Vec<Column>) -> Table {
        Table {
            name,
            title_zh: zh.to_string(),
            title_en: en.to_string(),
            columns,
            rows: Vec::new(),
            totals: Vec::new(),
        }
    }

    /// The CSV file name.
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }

    /// Whether the printout shows this table.
    pub fn is_printed(&self) -> bool {
        self.columns.iter().any(|c| c.text.is_some())
    }

    /// The columns the printout shows.
    pub fn text_columns(&self) -> impl Iterator<Item = (usize, &Column)> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.text.is_some())
    }

    /// The printout's headers.
    pub fn text_headers(&self) -> Vec<String> {
        self.text_columns()
            .filter_map(|(_, c)| c.text.map(str::to_string))
            .collect()
    }

    /// The printout's cells of a row (or total row).
    pub fn text_cells(&self, row: &[Cell]) -> Vec<String> {
        self.text_columns()
            .map(|(i, c)| row.get(i).map_or_else(String::new, |x| c.cell_text(x)))
            .collect()
    }

    /// The CSV headers.
    pub fn csv_headers(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter_map(|c| c.csv.as_deref())
            .collect()
    }

    /// The CSV cells of a row.
    pub fn csv_cells(&self, row: &[Cell]) -> Vec<String> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.csv.is_some())
            .map(|(i, c)| row.get(i).map_or_else(String::new, |x| c.cell_csv(x)))
            .collect()
    }
}
