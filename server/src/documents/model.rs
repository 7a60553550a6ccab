//! The format-neutral document: requisites, text blocks, tables and signatures in the order of
//! ГОСТ Р 7.0.97-2016. The DOCX and PDF writers render exactly this, so both files carry the
//! same content in the same layout.

use super::metrics::{self, Face};

/// The organisation every document comes from.
pub const ORGANISATION: &str = "АДМИНИСТРАЦИЯ ГОРОДА НОВОШАХТИНСКА";
/// The place of compilation.
pub const PLACE: &str = "г. Новошахтинск";

/// Body text size, points (ГОСТ: 12–14, 14 usual).
pub const BODY_PT: f32 = 14.0;
/// The executor mark's size, points.
pub const SMALL_PT: f32 = 10.0;
/// First-line indent of body paragraphs, millimetres (ГОСТ: 1.25 cm).
pub const INDENT_MM: f32 = 12.5;
/// Horizontal padding inside a table cell, each side, millimetres.
pub const CELL_PAD_MM: f32 = 1.0;

/// Page margins, millimetres (ГОСТ: left ≥ 20, right ≥ 10, top and bottom ≥ 20; offices use 30 left).
pub const MARGIN_LEFT_MM: f32 = 30.0;
/// Right margin, millimetres.
pub const MARGIN_RIGHT_MM: f32 = 10.0;
/// Top margin, millimetres.
pub const MARGIN_TOP_MM: f32 = 20.0;
/// Bottom margin, millimetres.
pub const MARGIN_BOTTOM_MM: f32 = 20.0;

/// Where a document stands in its life: drafts say «ПРОЕКТ», signed ones their signing date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// A draft: «ПРОЕКТ» at the top right.
    Draft,
    /// Signed on this date (DD.MM.YYYY).
    Signed(String),
    /// A document issued without a signing step (reports, registers, notices).
    Issued,
}

/// A run of text with its weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The text.
    pub text: String,
    /// Bold.
    pub bold: bool,
}

impl Span {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            bold: false,
        }
    }

    /// Bold text.
    pub fn bold(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            bold: true,
        }
    }
}

/// How a paragraph sits on the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Body text: justified with a first-line indent.
    Justify,
    /// Flush left, no indent.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header text.
    pub title: String,
    /// Numbers are right-aligned, text left.
    pub align: Align,
    /// The width, millimetres, fitted to the content by [`Table::fit`].
    pub width_mm: f32,
}

/// One table row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The cells, one per column.
    pub cells: Vec<String>,
    /// Totals and remainders print bold.
    pub bold: bool,
    /// A row under the one before («из них …»): its first cell is indented by
    /// [`SUB_ROW_INDENT_MM`].
    pub indent: bool,
}

/// How far a sub-row's label («из них …») stands in from its column's edge.
pub const SUB_ROW_INDENT_MM: f32 = 4.0;

/// A report table marks a row that breaks down the one above («из них …») by leading spaces in
/// its label; returns the label without them, or `None` for a row of its own.
pub fn sub_row_label(label: &str) -> Option<&str> {
    let trimmed = label.trim_start();
    (trimmed.len() != label.len() && !trimmed.is_empty()).then_some(trimmed)
}

/// A table: a header row repeated on every page, rows never split across pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows below the header.
    pub rows: Vec<Row>,
    /// Type size, points (ГОСТ allows 10–12 in tables).
    pub size_pt: f32,
}

impl Table {
    /// A table whose widths are fitted to the page's text width; columns whose body cells are
    /// all numbers (or empty) are right-aligned.
    pub fn new(titles: Vec<String>, rows: Vec<Row>, text_width_mm: f32) -> Self {
        let columns = titles
            .into_iter()
            .enumerate()
            .map(|(i, title)| {
                // A dash or nothing stands for a figure that has none («—» for no percent).
                let figure = |c: &String| is_number(c) || matches!(c.trim(), "" | "—" | "-");
                let numeric = rows
                    .iter()
                    .any(|r| r.cells.get(i).is_some_and(|c| is_number(c)))
                    && rows.iter().all(|r| r.cells.get(i).is_none_or(figure));
                Column {
                    title,
                    align: if numeric { Align::Right } else { Align::Left },
                    width_mm: 0.0,
                }
            })
            .collect();
        let mut t = Self {
            columns,
            rows,
            size_pt: 12.0,
        };
        t.fit(text_width_mm);
        t
    }

    /// Fits the column widths to the content within `text_width_mm`, as a browser lays out an
    /// automatic table: every column gets at least its longest word (so no word breaks), and the
    /// room left goes to the columns whose text would otherwise wrap, in proportion to how much
    /// they would need. When even the longest words do not fit, the type steps down to 10 pt.
    pub fn fit(&mut self, text_width_mm: f32) {
        for size in [12.0, 11.0, 10.0] {
            self.size_pt = size;
            let (min, max) = self.needs(size);
            if min.iter().sum::<f32>() <= text_width_mm || size <= 10.0 {
                let text: Vec<bool> = self
                    .columns
                    .iter()
                    .map(|c| c.align == Align::Left)
                    .collect();
                // A figure column's header may wrap, but into two lines at most where the page
                // allows: «Ср. дней до ответа» in four lines reads as a column of syllables.
                let two_lines: Vec<f32> = self
                    .columns
                    .iter()
                    .zip(min.iter().zip(&max))
                    .zip(&text)
                    .map(|((c, (lo, hi)), t)| {
                        if *t {
                            *lo
                        } else {
                            header_in_two_lines(&c.title, size, *lo, *hi)
                        }
                    })
                    .collect();
                let min = toward(&min, &two_lines, text_width_mm);
                let widths = distribute(&min, &max, &text, text_width_mm);
                for (c, w) in self.columns.iter_mut().zip(widths) {
                    c.width_mm = w;
                }
                return;
            }
        }
    }

    /// Per column: the widest word and the widest whole cell, millimetres with padding.
    fn needs(&self, size: f32) -> (Vec<f32>, Vec<f32>) {
        let pad = 2.0 * CELL_PAD_MM;
        let mut min = Vec::with_capacity(self.columns.len());
        let mut max = Vec::with_capacity(self.columns.len());
        for (i, c) in self.columns.iter().enumerate() {
            let title = metrics::bind(&c.title);
            let mut lo = metrics::longest_word_mm(&title, Face::Bold, size);
            let mut hi = metrics::widest_line_mm(&title, Face::Bold, size);
            for r in &self.rows {
                if let Some(cell) = r.cells.get(i) {
                    let cell = metrics::bind(cell);
                    let face = if r.bold { Face::Bold } else { Face::Regular };
                    let inset = if i == 0 && r.indent {
                        SUB_ROW_INDENT_MM
                    } else {
                        0.0
                    };
                    lo = lo.max(metrics::longest_word_mm(&cell, face, size) + inset);
                    hi = hi.max(metrics::widest_line_mm(&cell, face, size) + inset);
                }
            }
            min.push(lo + pad);
            max.push(hi.max(lo) + pad);
        }
        (min, max)
    }
}

/// `from` moved toward `to` as far as `total` allows, every column by the same fraction.
fn toward(from: &[f32], to: &[f32], total: f32) -> Vec<f32> {
    let base: f32 = from.iter().sum();
    let want: f32 = to.iter().zip(from).map(|(t, f)| t - f).sum();
    let k = if want <= 0.0 {
        0.0
    } else {
        ((total - base) / want).clamp(0.0, 1.0)
    };
    from.iter().zip(to).map(|(f, t)| f + (t - f) * k).collect()
}

/// The narrowest width between `lo` and `hi` (millimetres with padding) at which a header
/// wraps into two lines at most.
fn header_in_two_lines(title: &str, size: f32, lo: f32, hi: f32) -> f32 {
    let title = metrics::bind(title);
    let pad = 2.0 * CELL_PAD_MM;
    let fits = |w: f32| metrics::wrap(&title, Face::Bold, size, (w - pad) * 72.0 / 25.4).len() <= 2;
    if fits(lo) {
        return lo;
    }
    let (mut lo, mut hi) = (lo, hi.max(lo));
    for _ in 0..16 {
        let mid = (lo + hi) / 2.0;
        if fits(mid) { hi = mid } else { lo = mid }
    }
    hi
}

/// Shares `total` among columns that need at least `min` and would like `max`; room to spare
/// goes to the text columns (`text`), so «№» and figures stay narrow.
fn distribute(min: &[f32], max: &[f32], text: &[bool], total: f32) -> Vec<f32> {
    let sum_min: f32 = min.iter().sum();
    let sum_max: f32 = max.iter().sum();
    if sum_min >= total {
        // Even the words do not fit: shrink proportionally (only tables wider than any page).
        return min.iter().map(|m| m * total / sum_min).collect();
    }
    if sum_max <= total {
        // Everything fits on one line: the spare room goes to the text columns.
        let spare = total - sum_max;
        let any_text = text.iter().any(|t| *t);
        let weight: f32 = max
            .iter()
            .zip(text)
            .filter(|(_, t)| **t || !any_text)
            .map(|(m, _)| m)
            .sum();
        return max
            .iter()
            .zip(text)
            .map(|(m, t)| {
                if *t || !any_text {
                    m + spare * m / weight
                } else {
                    *m
                }
            })
            .collect();
    }
    // The room goes first to the text columns, in proportion to what they lack: a figure
    // column's header wraps once, while a label column that wraps does so on every row.
    let room = total - sum_min;
    let lack = |want_text: bool| -> f32 {
        max.iter()
            .zip(min)
            .zip(text)
            .filter(|(_, t)| **t == want_text)
            .map(|((a, b), _)| a - b)
            .sum()
    };
    let (text_lack, other_lack) = (lack(true), lack(false));
    let to_text = room.min(text_lack);
    let to_other = room - to_text;
    min.iter()
        .zip(max)
        .zip(text)
        .map(|((lo, hi), t)| {
            let (share, of) = if *t {
                (to_text, text_lack)
            } else {
                (to_other, other_lack)
            };
            if of > 0.0 {
                lo + share * (hi - lo) / of
            } else {
                *lo
            }
        })
        .collect()
}

/// Whether a cell holds a number as the reports print them («12», «-33,3», «45,5 %»).
pub fn is_number(s: &str) -> bool {
    let t = s.trim().trim_end_matches('%').trim();
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | ' ' | '\u{a0}'))
        && t.chars().any(|c| c.is_ascii_digit())
}

/// A piece of the text between the heading and the signatures.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph.
    Para {
        /// Its runs.
        spans: Vec<Span>,
        /// Its alignment.
        align: Align,
    },
    /// A table.
    Table(Table),
    /// An empty line.
    Gap,
}

impl Block {
    /// A justified body paragraph.
    pub fn text(text: impl Into<String>) -> Self {
        Block::Para {
            spans: vec![Span::plain(text)],
            align: Align::Justify,
        }
    }

    /// A body paragraph opening with a bold label («Председатель:» …).
    pub fn labelled(label: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let label = label.into();
        let spans = if text.is_empty() {
            vec![Span::bold(label)]
        } else {
            vec![Span::bold(format!("{label} ")), Span::plain(text)]
        };
        Block::Para {
            spans,
            align: Align::Justify,
        }
    }

    /// The items of a list, one line each, flush left: «– item;», the last ending in a full stop.
    pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<Self> {
        let items: Vec<&str> = items
            .into_iter()
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .collect();
        let last = items.len().saturating_sub(1);
        items
            .iter()
            .enumerate()
            .map(|(i, item)| Block::Para {
                spans: vec![Span::plain(format!(
                    "– {item}{}",
                    if i == last { "." } else { ";" }
                ))],
                align: Align::Left,
            })
            .collect()
    }

    /// A bold line flush left («СЛУШАЛИ:»).
    pub fn section(text: impl Into<String>) -> Self {
        Block::Para {
            spans: vec![Span::bold(text)],
            align: Align::Left,
        }
    }

    /// A centred line.
    pub fn centered(text: impl Into<String>, bold: bool) -> Self {
        Block::Para {
            spans: vec![Span {
                text: text.into(),
                bold,
            }],
            align: Align::Center,
        }
    }
}

/// One signer: the position at the left margin, the space to sign, the name at the right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// The signer's real position.
    pub position: String,
    /// Initials before the surname, no space between initials («С.И. Новиков»).
    pub name: String,
}

impl Signer {
    /// A signer from a full name as the directory keeps it.
    pub fn new(position: impl Into<String>, full_name: &str) -> Self {
        Self {
            position: position.into(),
            name: infogroups_shared::names::signature_name(full_name),
        }
    }
}

/// A whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The unit under the organisation, when it matters.
    pub unit: String,
    /// The kind in capitals (ПРОТОКОЛ, СПРАВКА …).
    pub kind: String,
    /// The date, DD.MM.YYYY.
    pub date: String,
    /// The office's registration number; empty leaves a blank to fill in by hand.
    pub number: String,
    /// The heading to the text.
    pub heading: String,
    /// Draft, signed or issued.
    pub status: Status,
    /// Wide tables go on landscape pages.
    pub landscape: bool,
    /// The text.
    pub body: Vec<Block>,
    /// Signers in order of rank.
    pub signers: Vec<Signer>,
    /// Lines after the signatures (the handover mark, the citizen's signature …).
    pub after: Vec<Block>,
    /// The executor mark (отметка об исполнителе): who prepared it, and the phone.
    pub executor: Option<String>,
    /// The file name without extension: kind, number or period, never a database id alone.
    pub file_stem: String,
}

impl Document {
    /// A document with the requisites and no text yet.
    pub fn new(kind: &str, heading: impl Into<String>, date: impl Into<String>) -> Self {
        Self {
            unit: String::new(),
            kind: kind.to_string(),
            date: date.into(),
            number: String::new(),
            heading: heading.into(),
            status: Status::Issued,
            landscape: false,
            body: Vec::new(),
            signers: Vec::new(),
            after: Vec::new(),
            executor: None,
            file_stem: String::new(),
        }
    }

    /// The width text may take on this document's pages, millimetres.
    pub fn text_width_mm(&self) -> f32 {
        page_width_mm(self.landscape) - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
    }

    /// Adds a table fitted to the page.
    pub fn table(&mut self, titles: Vec<String>, rows: Vec<Row>) {
        let t = Table::new(titles, rows, self.text_width_mm());
        self.body.push(Block::Table(t));
    }

    /// Adds a table that may be wide: when it does not fit a portrait page in 12 pt, the
    /// document turns landscape (ГОСТ allows landscape pages for wide tables).
    pub fn wide_table(&mut self, titles: Vec<String>, rows: Vec<Row>) {
        let t = Table::new(titles.clone(), rows.clone(), self.text_width_mm());
        if t.size_pt < 12.0 && !self.landscape {
            self.landscape = true;
            let width = self.text_width_mm();
            for b in &mut self.body {
                if let Block::Table(old) = b {
                    old.fit(width);
                }
            }
            self.table(titles, rows);
        } else {
            self.body.push(Block::Table(t));
        }
    }

    /// The document as plain text in reading order: what a snapshot test compares and what a
    /// PDF's text extraction must find in the same order.
    pub fn plain_text(&self) -> String {
        let mut out = Vec::new();
        match &self.status {
            Status::Draft => out.push("ПРОЕКТ".to_string()),
            Status::Signed(_) | Status::Issued => {}
        }
        out.push(ORGANISATION.to_string());
        if !self.unit.is_empty() {
            out.push(self.unit.clone());
        }
        out.push(self.kind.clone());
        out.push(self.date_number_line());
        out.push(PLACE.to_string());
        out.push(self.heading.clone());
        let blocks = |blocks: &[Block], out: &mut Vec<String>| {
            for b in blocks {
                match b {
                    Block::Para { spans, .. } => {
                        out.push(spans.iter().map(|s| s.text.as_str()).collect())
                    }
                    Block::Table(t) => {
                        out.push(
                            t.columns
                                .iter()
                                .map(|c| c.title.as_str())
                                .collect::<Vec<_>>()
                                .join(" | "),
                        );
                        for r in &t.rows {
                            out.push(r.cells.join(" | "));
                        }
                    }
                    Block::Gap => {}
                }
            }
        };
        blocks(&self.body, &mut out);
        for s in &self.signers {
            out.push(format!("{} ______ {}", s.position, s.name));
        }
        if let Status::Signed(d) = &self.status {
            out.push(format!("Подписан {d}"));
        }
        blocks(&self.after, &mut out);
        if let Some(e) = &self.executor {
            out.push(e.clone());
        }
        out.join("\n") + "\n"
    }

    /// «03.12.2026 № 3-2026/1», with a blank for a number still to be given.
    pub fn date_number_line(&self) -> String {
        let number = if self.number.is_empty() {
            "________"
        } else {
            self.number.as_str()
        };
        format!("{} № {number}", self.date)
    }
}

/// A4 width, millimetres, in the document's orientation.
pub fn page_width_mm(landscape: bool) -> f32 {
    if landscape { 297.0 } else { 210.0 }
}

/// A4 height, millimetres, in the document's orientation.
pub fn page_height_mm(landscape: bool) -> f32 {
    if landscape { 210.0 } else { 297.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Row {
        Row {
            cells: cells.iter().map(|s| s.to_string()).collect(),
            bold: false,
            indent: false,
        }
    }

    #[test]
    fn no_column_is_narrower_than_its_longest_word() {
        let t = Table::new(
            vec!["№".into(), "Показатель".into(), "Итого".into()],
            vec![
                row(&["1", "Гражданин принят, дан ответ на месте", "12"]),
                row(&["2", "0005.0005.0056.1156 Перебои в теплоснабжении", "3"]),
            ],
            170.0,
        );
        for (i, c) in t.columns.iter().enumerate() {
            let mut words: Vec<&str> = c.title.split_whitespace().collect();
            for r in &t.rows {
                words.extend(r.cells[i].split_whitespace());
            }
            for w in words {
                let need = metrics::longest_word_mm(w, Face::Bold, t.size_pt);
                assert!(c.width_mm >= need, "{w} needs {need} mm in {}", c.width_mm);
            }
        }
        let total: f32 = t.columns.iter().map(|c| c.width_mm).sum();
        assert!((total - 170.0).abs() < 0.01, "{total}");
        assert!(t.columns[0].width_mm < t.columns[1].width_mm / 3.0);
        assert_eq!(t.columns[2].align, Align::Right);
        assert_eq!(t.columns[1].align, Align::Left);
    }

    #[test]
    fn a_figures_column_with_dashes_is_still_right_aligned_and_narrow() {
        let t = Table::new(
            vec![
                "Показатель".into(),
                "2025 год".into(),
                "Изменение, %".into(),
            ],
            vec![
                row(&[
                    "Обращений всего, включая повторные и коллективные",
                    "12",
                    "—",
                ]),
                row(&["Повторных", "3", "-33,3"]),
            ],
            170.0,
        );
        assert_eq!(t.columns[1].align, Align::Right);
        assert_eq!(t.columns[2].align, Align::Right);
        assert!(t.columns[0].width_mm > t.columns[1].width_mm + t.columns[2].width_mm);
    }

    #[test]
    fn numbers_are_recognised_as_the_reports_print_them() {
        for yes in ["12", "-33,3", "45,5 %", "1 234"] {
            assert!(is_number(yes), "{yes}");
        }
        for no in ["", "—", "3-2026/1a", "Итого"] {
            assert!(!is_number(no), "{no}");
        }
    }

    #[test]
    fn too_wide_a_table_steps_down_to_ten_points() {
        let titles: Vec<String> = (0..14).map(|i| format!("Показатель{i}")).collect();
        let t = Table::new(titles, vec![], 170.0);
        assert!((t.size_pt - 10.0).abs() < f32::EPSILON);
    }

    #[test]
    fn room_goes_to_the_labels_before_the_figures_headers() {
        // A label column that wraps on every row and six figure columns whose headers
        // («Группа № 1») would like one line: the labels take the room first.
        let min = [30.0, 15.0, 15.0, 15.0, 15.0, 15.0, 15.0];
        let max = [90.0, 22.0, 22.0, 22.0, 22.0, 22.0, 22.0];
        let text = [true, false, false, false, false, false, false];
        let w = distribute(&min, &max, &text, 170.0);
        assert!((w[0] - 80.0).abs() < 0.01, "{w:?}");
        assert!(w[1..].iter().all(|x| (x - 15.0).abs() < 0.01), "{w:?}");
        // With room beyond what the labels lack, the rest goes to the headers.
        let w = distribute(&min, &max, &text, 190.0);
        assert!((w[0] - 90.0).abs() < 0.01, "{w:?}");
        assert!(w[1..].iter().all(|x| x > &15.0 && x < &22.0), "{w:?}");
        assert!((w.iter().sum::<f32>() - 190.0).abs() < 0.01);
    }

    #[test]
    fn a_figure_header_wraps_into_two_lines_at_most_when_the_page_allows() {
        let t = Table::new(
            vec![
                "Территория".into(),
                "Раздел".into(),
                "Обращений".into(),
                "Ответ в срок, %".into(),
                "Ср. дней до ответа".into(),
            ],
            vec![row(&[
                "Микрорайон Соцгород",
                "0005.0000.0000.0000 Жилищно-коммунальная сфера",
                "2",
                "0",
                "40",
            ])],
            165.0,
        );
        let pad = 2.0 * CELL_PAD_MM;
        for c in &t.columns[2..] {
            let lines = metrics::wrap(
                &metrics::bind(&c.title),
                Face::Bold,
                t.size_pt,
                (c.width_mm - pad) * 72.0 / 25.4,
            );
            assert!(lines.len() <= 2, "{} in {lines:?}", c.title);
        }
        let sum: f32 = t.columns.iter().map(|c| c.width_mm).sum();
        assert!((sum - 165.0).abs() < 0.01, "{sum}");
    }
}
