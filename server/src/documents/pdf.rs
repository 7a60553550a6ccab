//! The PDF writer: lays a [`Document`] out on A4 pages with the shipped PT Serif (embedded,
//! subset) and draws it through `krilla`. The same requisites, widths and order as the DOCX;
//! table header rows repeat on every page, a row moves whole to the next page (only a row taller
//! than a page is continued), and pages from the second on carry their number at the top.

use krilla::Document as PdfDocument;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};

use super::DocumentError;
use super::docx::signature_widths;
use super::metrics::{self, Face, MM_PER_PT};
use super::model::{
    self, Align, BODY_PT, Block, CELL_PAD_MM, Document, INDENT_MM, ORGANISATION, PLACE, SMALL_PT,
    Span, Status,
};

/// Line height as a multiple of the type size (single spacing for PT Serif).
const LEADING: f32 = 1.2;
/// What the executor mark leaves free below it when it sits in the bottom margin: a printer's
/// unprintable edge is at most about 5 mm.
const MARK_MARGIN_CLEARANCE_MM: f32 = 8.0;
/// Vertical padding inside a table cell, points.
const CELL_VPAD: f32 = 2.0;
/// Table rule width, points.
const RULE: f32 = 0.5;
/// The widest a justified line may stretch its word gaps, in normal spaces; a wider line stays
/// flush left. Without hyphenation a line of ordinary words needs up to about four (a word of
/// «теплоснабжения»'s length moved to the next line); six keeps a justified page even.
const MAX_STRETCH: f32 = 6.0;

fn pt(mm: f32) -> f32 {
    mm / MM_PER_PT
}

/// Something drawn on a page; coordinates in points from the top-left corner, text at its
/// baseline.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// A run of text.
    Text {
        /// Left edge.
        x: f32,
        /// Baseline.
        y: f32,
        /// The text.
        text: String,
        /// Face.
        face: Face,
        /// Size, points.
        size: f32,
    },
    /// A straight rule.
    Line {
        /// Start.
        from: (f32, f32),
        /// End.
        to: (f32, f32),
    },
}

/// How a band of table cells is set: the face, the size in points, and the first column's left
/// inset in points (a breakdown row's label).
#[derive(Debug, Clone, Copy)]
struct Ink {
    face: Face,
    size: f32,
    inset: f32,
}

/// The pages of a document, laid out.
#[derive(Debug, Default)]
pub struct Layout {
    /// The pages and what is drawn on each.
    pub pages: Vec<Vec<Op>>,
    width: f32,
    height: f32,
    left: f32,
    text_width: f32,
    top: f32,
    bottom: f32,
    y: f32,
}

struct Word {
    text: String,
    face: Face,
}

impl Layout {
    fn new(doc: &Document) -> Self {
        let mut l = Self {
            pages: vec![Vec::new()],
            width: pt(model::page_width_mm(doc.landscape)),
            height: pt(model::page_height_mm(doc.landscape)),
            left: pt(model::MARGIN_LEFT_MM),
            text_width: pt(doc.text_width_mm()),
            top: pt(model::MARGIN_TOP_MM),
            bottom: 0.0,
            y: 0.0,
        };
        l.bottom = l.height - pt(model::MARGIN_BOTTOM_MM);
        l.y = l.top;
        l
    }

    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.top;
    }

    /// Moves to a new page unless `h` points still fit on this one.
    fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom && self.y > self.top {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, baseline: f32, text: &str, face: Face, size: f32) {
        if text.is_empty() {
            return;
        }
        self.page().push(Op::Text {
            x,
            y: baseline,
            text: text.to_string(),
            face,
            size,
        });
    }

    fn rule(&mut self, from: (f32, f32), to: (f32, f32)) {
        self.page().push(Op::Line { from, to });
    }

    fn gap(&mut self, size: f32) {
        self.y += size * LEADING;
    }

    /// A paragraph: words wrapped to the width, justified body lines spread to both margins
    /// (the last line flush left), the first line of body text indented.
    fn para(&mut self, spans: &[Span], align: Align, size: f32) {
        let words: Vec<Word> = spans
            .iter()
            .flat_map(|s| {
                let face = if s.bold { Face::Bold } else { Face::Regular };
                metrics::words(&s.text).map(move |w| Word {
                    text: w.to_string(),
                    face,
                })
            })
            .collect();
        let lh = size * LEADING;
        if words.is_empty() {
            self.ensure(lh);
            self.y += lh;
            return;
        }
        let space = metrics::width_pt(" ", Face::Regular, size);
        let indent = if align == Align::Justify {
            pt(INDENT_MM)
        } else {
            0.0
        };
        let mut lines: Vec<Vec<&Word>> = vec![Vec::new()];
        let mut used = 0.0;
        for w in &words {
            let ww = metrics::width_pt(&w.text, w.face, size);
            let avail = self.text_width - if lines.len() == 1 { indent } else { 0.0 };
            let empty = lines.last().is_none_or(Vec::is_empty);
            let need = if empty { ww } else { used + space + ww };
            if !empty && need > avail {
                lines.push(vec![w]);
                used = ww;
            } else {
                if let Some(l) = lines.last_mut() {
                    l.push(w);
                }
                used = need;
            }
        }
        let count = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            self.ensure(lh);
            let baseline = self.y + size;
            let first_indent = if i == 0 { indent } else { 0.0 };
            let natural: f32 = line
                .iter()
                .map(|w| metrics::width_pt(&w.text, w.face, size))
                .sum::<f32>()
                + space * (line.len().saturating_sub(1)) as f32;
            let avail = self.text_width - first_indent;
            let stretched = space + (avail - natural) / (line.len().max(2) - 1) as f32;
            let (mut x, gap) = match align {
                // A line of a few long words would show gaps wider than a word: it stays flush
                // left, as the paragraph's last line does.
                Align::Justify
                    if i + 1 < count && line.len() > 1 && stretched <= MAX_STRETCH * space =>
                {
                    (self.left + first_indent, stretched)
                }
                Align::Justify | Align::Left => (self.left + first_indent, space),
                Align::Center => (self.left + (avail - natural) / 2.0, space),
                Align::Right => (self.left + avail - natural, space),
            };
            let n = line.len();
            for (j, w) in line.into_iter().enumerate() {
                // Each word keeps its trailing space so extracted text reads as words.
                let shown = if j + 1 < n {
                    format!("{} ", w.text)
                } else {
                    w.text.clone()
                };
                self.text(x, baseline, &shown, w.face, size);
                x += metrics::width_pt(&w.text, w.face, size) + gap;
            }
            self.y += lh;
        }
    }

    fn line(&mut self, text: &str, align: Align, bold: bool, size: f32) {
        self.para(
            &[Span {
                text: text.to_string(),
                bold,
            }],
            align,
            size,
        );
    }

    /// The cells of a row broken into lines.
    fn row_lines(cells: &[(&str, f32)], face: Face, size: f32) -> Vec<Vec<String>> {
        let pad = 2.0 * pt(CELL_PAD_MM);
        cells
            .iter()
            .map(|(text, w)| metrics::wrap(&metrics::bind(text), face, size, w - pad))
            .collect()
    }

    /// Draws lines `from..to` of each cell as one band of the row, with its rules.
    fn band(
        &mut self,
        xs: &[f32],
        aligns: &[Align],
        lines: &[Vec<String>],
        span: (usize, usize),
        ink: Ink,
    ) {
        let Ink { face, size, inset } = ink;
        let lh = size * LEADING;
        let h = (span.1 - span.0) as f32 * lh + 2.0 * CELL_VPAD;
        let top = self.y;
        let pad = pt(CELL_PAD_MM);
        for (c, cell) in lines.iter().enumerate() {
            let (x0, x1) = (xs[c], xs[c + 1]);
            for (k, text) in cell.iter().enumerate().skip(span.0).take(span.1 - span.0) {
                let w = metrics::width_pt(text, face, size);
                let x = match aligns[c] {
                    Align::Right => x1 - pad - w,
                    Align::Center => (x0 + x1 - w) / 2.0,
                    Align::Justify | Align::Left if c == 0 => x0 + pad + inset,
                    Align::Justify | Align::Left => x0 + pad,
                };
                let baseline = top + CELL_VPAD + (k - span.0) as f32 * lh + size * 0.9;
                self.text(x, baseline, text, face, size);
            }
        }
        let right = xs[xs.len() - 1];
        self.rule((xs[0], top), (right, top));
        self.rule((xs[0], top + h), (right, top + h));
        for x in xs {
            self.rule((*x, top), (*x, top + h));
        }
        self.y = top + h;
    }

    fn table<'a>(&mut self, t: &'a model::Table) {
        let mut xs = vec![self.left];
        for c in &t.columns {
            let last = xs[xs.len() - 1];
            xs.push(last + pt(c.width_mm));
        }
        let size = t.size_pt;
        let lh = size * LEADING;
        let header: Vec<(&str, f32)> = t
            .columns
            .iter()
            .map(|c| (c.title.as_str(), pt(c.width_mm)))
            .collect();
        let header_lines = Self::row_lines(&header, Face::Bold, size);
        let header_n = header_lines.iter().map(Vec::len).max().unwrap_or(1);
        let header_h = header_n as f32 * lh + 2.0 * CELL_VPAD;
        let centred = vec![Align::Center; t.columns.len()];
        let aligns: Vec<Align> = t.columns.iter().map(|c| c.align).collect();
        let draw_header = |l: &mut Self| {
            l.band(
                &xs,
                &centred,
                &header_lines,
                (0, header_n),
                Ink {
                    face: Face::Bold,
                    size,
                    inset: 0.0,
                },
            );
        };
        // The header never stands alone at a page's foot: it needs its first row below it.
        // A row's cells with the width each has for its text (a sub-row's label less its inset).
        let row_cells = |r: &'a model::Row| -> (Vec<(&'a str, f32)>, f32) {
            let inset = if r.indent {
                pt(model::SUB_ROW_INDENT_MM)
            } else {
                0.0
            };
            let cells = t
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let text = r.cells.get(i).map_or("", String::as_str);
                    let w = pt(c.width_mm) - if i == 0 { inset } else { 0.0 };
                    (text, w)
                })
                .collect();
            (cells, inset)
        };
        let first_row_h = t.rows.first().map_or(0.0, |r| {
            let (cells, _) = row_cells(r);
            let face = if r.bold { Face::Bold } else { Face::Regular };
            let n = Self::row_lines(&cells, face, size)
                .iter()
                .map(Vec::len)
                .max()
                .unwrap_or(1);
            n as f32 * lh + 2.0 * CELL_VPAD
        });
        self.ensure(header_h + first_row_h.min(self.bottom - self.top - header_h));
        draw_header(self);
        for r in &t.rows {
            let (cells, inset) = row_cells(r);
            let face = if r.bold { Face::Bold } else { Face::Regular };
            let lines = Self::row_lines(&cells, face, size);
            let n = lines.iter().map(Vec::len).max().unwrap_or(1);
            let h = n as f32 * lh + 2.0 * CELL_VPAD;
            let page_room = self.bottom - self.top - header_h;
            if self.y + h > self.bottom && h <= page_room {
                self.new_page();
                draw_header(self);
            }
            // A row taller than a whole page is continued in bands, the header above each.
            let mut from = 0;
            while from < n {
                let fit = ((self.bottom - self.y - 2.0 * CELL_VPAD) / lh).floor();
                let fit = if fit < 1.0 { 0 } else { fit as usize };
                if fit == 0 {
                    self.new_page();
                    draw_header(self);
                    continue;
                }
                let to = (from + fit).min(n);
                let ink = Ink { face, size, inset };
                self.band(&xs, &aligns, &lines, (from, to), ink);
                from = to;
            }
        }
        self.gap(BODY_PT);
    }

    fn blocks(&mut self, blocks: &[Block]) {
        let heading =
            |b: &Block| matches!(b, Block::Para { spans, .. } if spans.iter().all(|s| s.bold));
        for (i, b) in blocks.iter().enumerate() {
            match b {
                Block::Para { spans, align } => {
                    // A heading line («Группа № 1:») never stands alone at a page's foot: it
                    // keeps the headings after it and the first line of what they head.
                    if heading(b) && i + 1 < blocks.len() {
                        let run = blocks[i..].iter().take_while(|b| heading(b)).count();
                        self.ensure((run + 1) as f32 * BODY_PT * LEADING);
                    }
                    self.para(spans, *align, BODY_PT)
                }
                Block::Table(t) => {
                    self.gap(BODY_PT);
                    self.table(t);
                }
                Block::Gap => self.gap(BODY_PT),
            }
        }
    }

    fn signatures(&mut self, doc: &Document) {
        if doc.signers.is_empty() {
            return;
        }
        self.gap(BODY_PT);
        let [pos_w, sign_w, name_w] = signature_widths(doc).map(pt);
        let lh = BODY_PT * LEADING;
        for s in &doc.signers {
            let lines = metrics::wrap(&s.position, Face::Regular, BODY_PT, pos_w);
            let h = lines.len() as f32 * lh;
            self.ensure(h);
            let last_baseline = self.y + (lines.len() - 1) as f32 * lh + BODY_PT;
            for (i, l) in lines.iter().enumerate() {
                let baseline = self.y + i as f32 * lh + BODY_PT;
                self.text(self.left, baseline, l, Face::Regular, BODY_PT);
            }
            // The signature space and the name sit on the position's last line.
            let sign = "______________";
            let sw = metrics::width_pt(sign, Face::Regular, BODY_PT);
            self.text(
                self.left + pos_w + (sign_w - sw) / 2.0,
                last_baseline,
                sign,
                Face::Regular,
                BODY_PT,
            );
            let name = metrics::bind(&s.name);
            let nw = metrics::width_pt(&name, Face::Regular, BODY_PT);
            self.text(
                self.left + pos_w + sign_w + name_w - nw,
                last_baseline,
                &name,
                Face::Regular,
                BODY_PT,
            );
            self.y += h;
        }
    }

    /// The executor mark at the foot of the last page, bottom left, in small type. When the text
    /// fills that page to its foot, the mark goes into the bottom margin below it (as a Word
    /// template's last-page footer would) rather than onto a page of its own: a sheet carrying
    /// nothing but «Исп.» is not a page of the document.
    fn executor(&mut self, text: &str) {
        let lines: Vec<&str> = text.split('\n').collect();
        let lh = SMALL_PT * LEADING;
        let h = lines.len() as f32 * lh;
        let in_margin = self.height - self.bottom - pt(MARK_MARGIN_CLEARANCE_MM);
        if self.y + lh + h <= self.bottom {
            self.y = self.bottom - h;
        } else if h <= in_margin {
            self.y = self.bottom;
        } else {
            self.new_page();
            self.y = self.bottom - h;
        }
        // Drawn line by line rather than as paragraphs: a paragraph would move to a new page
        // the moment it starts below the bottom margin.
        for l in lines {
            let baseline = self.y + SMALL_PT;
            let left = self.left;
            self.text(left, baseline, l, Face::Regular, SMALL_PT);
            self.y += lh;
        }
    }

    fn page_numbers(&mut self) {
        let baseline = pt(10.0) + 12.0;
        let centre = self.left + self.text_width / 2.0;
        for (i, page) in self.pages.iter_mut().enumerate().skip(1) {
            let n = (i + 1).to_string();
            let w = metrics::width_pt(&n, Face::Regular, 12.0);
            page.push(Op::Text {
                x: centre - w / 2.0,
                y: baseline,
                text: n,
                face: Face::Regular,
                size: 12.0,
            });
        }
    }
}

/// Lays the document out on pages.
pub fn layout(doc: &Document) -> Layout {
    let mut l = Layout::new(doc);
    if doc.status == Status::Draft {
        l.line("ПРОЕКТ", Align::Right, true, BODY_PT);
    }
    l.line(ORGANISATION, Align::Center, true, BODY_PT);
    if !doc.unit.is_empty() {
        l.line(&doc.unit, Align::Center, false, BODY_PT);
    }
    l.gap(BODY_PT);
    l.line(&doc.kind, Align::Center, true, BODY_PT);
    // The date at the left margin, the number at the right, on one line.
    let baseline = l.y + BODY_PT;
    let left = l.left;
    l.text(left, baseline, &doc.date, Face::Regular, BODY_PT);
    let line = doc.date_number_line();
    let number = line.trim_start_matches(doc.date.as_str()).trim_start();
    let nw = metrics::width_pt(number, Face::Regular, BODY_PT);
    l.text(
        left + l.text_width - nw,
        baseline,
        number,
        Face::Regular,
        BODY_PT,
    );
    l.y += BODY_PT * LEADING;
    l.line(PLACE, Align::Center, false, BODY_PT);
    l.gap(BODY_PT);
    l.line(&doc.heading, Align::Center, true, BODY_PT);
    l.gap(BODY_PT);
    l.blocks(&doc.body);
    l.signatures(doc);
    if let Status::Signed(date) = &doc.status {
        l.line(&format!("Подписан {date}"), Align::Left, false, BODY_PT);
    }
    l.blocks(&doc.after);
    if let Some(e) = &doc.executor {
        l.executor(e);
    }
    l.page_numbers();
    l
}

/// The `.pdf` of a document, PT Serif embedded.
pub fn render(doc: &Document) -> Result<Vec<u8>, DocumentError> {
    let err = || DocumentError("the shipped font could not be read".into());
    let regular = Font::new(metrics::REGULAR.to_vec().into(), 0).ok_or_else(err)?;
    let bold = Font::new(metrics::BOLD.to_vec().into(), 0).ok_or_else(err)?;
    let l = layout(doc);
    let mut pdf = PdfDocument::new();
    pdf.set_metadata(
        Metadata::new()
            .title(format!("{} {}", doc.kind, doc.heading))
            .language("ru".into())
            .creator(model::ORGANISATION.to_string()),
    );
    for ops in &l.pages {
        let settings = PageSettings::from_wh(l.width, l.height)
            .ok_or_else(|| DocumentError("bad page size".into()))?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        let rule = Stroke {
            width: RULE,
            ..Default::default()
        };
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    text,
                    face,
                    size,
                } => {
                    let font = match face {
                        Face::Regular => regular.clone(),
                        Face::Bold => bold.clone(),
                    };
                    // Text is filled only: a stroke left set for the rules would outline
                    // every glyph and make the type look hollow and heavy.
                    surface.set_stroke(None);
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Line { from, to } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(from.0, from.1);
                    pb.line_to(to.0, to.1);
                    if let Some(path) = pb.finish() {
                        surface.set_stroke(Some(rule.clone()));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    pdf.finish()
        .map_err(|e| DocumentError(format!("pdf: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::model::Row;

    fn long_table_doc(rows: usize) -> Document {
        let mut d = Document::new("РЕЕСТР", "поручений на контроле", "03.12.2026");
        d.table(
            vec!["№".into(), "Поручение".into(), "Срок".into()],
            (1..=rows)
                .map(|i| Row {
                    cells: vec![
                        i.to_string(),
                        format!("Поручение {i} об устранении перебоев в теплоснабжении"),
                        "15.12.2026".into(),
                    ],
                    bold: false,
                    indent: false,
                })
                .collect(),
        );
        d
    }

    fn texts(page: &[Op]) -> Vec<&str> {
        page.iter()
            .filter_map(|o| match o {
                Op::Text { text, .. } => Some(text.as_str()),
                Op::Line { .. } => None,
            })
            .collect()
    }

    #[test]
    fn a_long_table_repeats_its_header_and_numbers_the_pages_from_the_second() {
        let l = layout(&long_table_doc(80));
        assert!(l.pages.len() >= 2, "{} pages", l.pages.len());
        for (i, page) in l.pages.iter().enumerate() {
            assert!(
                texts(page).contains(&"Поручение"),
                "page {} lacks the header",
                i + 1
            );
            let in_top_margin: Vec<&str> = page
                .iter()
                .filter_map(|o| match o {
                    Op::Text { text, y, .. } if *y < l.top => Some(text.as_str()),
                    _ => None,
                })
                .collect();
            let want = (i + 1).to_string();
            let expected: Vec<&str> = if i == 0 { vec![] } else { vec![want.as_str()] };
            assert_eq!(in_top_margin, expected, "page {}", i + 1);
        }
    }

    /// Rows enough to fill the first page to its foot, whatever the font's exact metrics.
    fn page_filling_doc(mark: &str) -> Document {
        let one_page = (1..200)
            .map(long_table_doc)
            .take_while(|d| layout(d).pages.len() == 1)
            .last()
            .expect("a table of one row fits one page");
        let mut d = one_page;
        d.executor = Some(mark.into());
        d
    }

    #[test]
    fn the_executor_mark_never_gets_a_page_of_its_own() {
        let d = page_filling_doc("Исп.: Петрова А.С.\n8 (86369) 2-00-00");
        let l = layout(&d);
        assert_eq!(l.pages.len(), 1, "the mark moved onto a page of its own");
        let marks: Vec<f32> = l.pages[0]
            .iter()
            .filter_map(|o| match o {
                Op::Text { text, y, .. } if text.starts_with("Исп.") || text.starts_with("8 (") => {
                    Some(*y)
                }
                _ => None,
            })
            .collect();
        assert_eq!(marks.len(), 2, "both lines of the mark are on the page");
        for y in marks {
            assert!(
                y <= l.height - pt(MARK_MARGIN_CLEARANCE_MM),
                "the mark at {y} runs into the printer's edge"
            );
        }
    }

    #[test]
    fn the_executor_mark_sits_above_the_bottom_margin_when_there_is_room() {
        let mut d = long_table_doc(3);
        d.executor = Some("Исп.: Петрова А.С.".into());
        let l = layout(&d);
        let y = l.pages[0]
            .iter()
            .find_map(|o| match o {
                Op::Text { text, y, .. } if text.starts_with("Исп.") => Some(*y),
                _ => None,
            })
            .expect("the mark is drawn");
        assert!(
            y <= l.bottom && y > l.bottom - 2.0 * SMALL_PT * LEADING,
            "{y}"
        );
    }

    /// Per text line of the first page at or below `from_y`: its baseline and right edge.
    fn right_edges(l: &Layout, from_y: f32) -> Vec<(f32, f32)> {
        let mut lines: Vec<(f32, f32)> = Vec::new();
        for op in &l.pages[0] {
            if let Op::Text {
                x,
                y,
                text,
                face,
                size,
            } = op
            {
                if *y < from_y {
                    continue;
                }
                let right = x + metrics::width_pt(text.trim_end(), *face, *size);
                match lines.iter_mut().find(|(b, _)| (b - y).abs() < 0.01) {
                    Some(line) => line.1 = line.1.max(right),
                    None => lines.push((*y, right)),
                }
            }
        }
        lines
    }

    #[test]
    fn a_justified_paragraph_meets_the_right_margin_on_every_line_but_its_last() {
        let mut d = Document::new("РЕШЕНИЕ", "о проверке", "03.12.2026");
        d.body.push(Block::text(
            "Провести проверку теплотрассы по улице Ленина и сообщить жителям о сроках ремонта; \
             в случае перебоев в теплоснабжении многоквартирных домов организовать подвоз воды и \
             обеспечить дежурство аварийной бригады до окончания отопительного сезона.",
        ));
        let l = layout(&d);
        let start = l.pages[0]
            .iter()
            .find_map(|o| match o {
                Op::Text { text, y, .. } if text.starts_with("Провести") => Some(*y),
                _ => None,
            })
            .expect("the paragraph is drawn");
        let lines = right_edges(&l, start);
        assert!(lines.len() >= 3, "{lines:?}");
        let margin = l.left + l.text_width;
        for (y, right) in &lines[..lines.len() - 1] {
            assert!(
                (right - margin).abs() < 0.5,
                "line at {y} ends at {right}, margin {margin}"
            );
        }
        assert!(
            lines[lines.len() - 1].1 < margin - 1.0,
            "the last line is not stretched"
        );
    }

    #[test]
    fn a_heading_line_moves_to_the_next_page_with_what_it_heads() {
        // Fill the first page with rows, leaving less than two lines free, then a heading.
        let one_page = (1..200)
            .map(long_table_doc)
            .take_while(|d| {
                let l = layout(d);
                l.pages.len() == 1 && l.bottom - l.y > BODY_PT * LEADING
            })
            .last()
            .expect("a table of one row fits one page");
        let mut d = one_page;
        d.body.push(Block::labelled("Группа № 1:", ""));
        d.body.extend(Block::list([
            "0005.0005.0056.1156 Перебои в теплоснабжении (4)",
        ]));
        let l = layout(&d);
        let page_of = |word: &str| {
            l.pages
                .iter()
                .position(|p| texts(p).iter().any(|t| t.starts_with(word)))
        };
        assert_eq!(page_of("Группа"), page_of("–"), "the heading stayed behind");
    }

    #[test]
    fn nothing_is_drawn_below_the_bottom_margin() {
        let l = layout(&long_table_doc(80));
        for page in &l.pages {
            for op in page {
                if let Op::Line { to, .. } = op {
                    assert!(to.1 <= l.bottom + 0.01, "{} > {}", to.1, l.bottom);
                }
            }
        }
    }
}

#[cfg(test)]
mod extraction_tests {
    use super::*;
    use crate::documents::model::{Row, Signer};

    /// Asserts that every piece occurs in `text` after the one before, spaces ignored (a PDF's
    /// text comes back without the line breaks of the layout).
    pub fn assert_in_order(text: &str, pieces: &[&str]) {
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        let hay = squeeze(text);
        let mut at = 0;
        for p in pieces {
            let p = squeeze(p);
            match hay[at..].find(&p) {
                Some(i) => at += i + p.len(),
                None => panic!("{p} missing after position {at} of:\n{text}"),
            }
        }
    }

    #[test]
    fn the_text_comes_back_in_reading_order_with_the_font_embedded()
    -> Result<(), Box<dyn std::error::Error>> {
        let mut d = Document::new(
            "ПРОТОКОЛ",
            "выездной встречи информационной группы № 1",
            "03.12.2026",
        );
        d.number = "1-2026/3".into();
        d.status = Status::Draft;
        d.body
            .push(Block::labelled("Председатель:", "С.И. Новиков"));
        d.body.push(Block::text(
            "Жители микрорайона Центральный спросили о перебоях в теплоснабжении, о ремонте \
             дорог и об освещении улиц в вечернее время; на все вопросы даны ответы.",
        ));
        d.table(
            vec!["№".into(), "Вопрос".into(), "Ответ".into()],
            vec![Row {
                cells: vec![
                    "1".into(),
                    "Перебои в теплоснабжении".into(),
                    "Взято на контроль".into(),
                ],
                bold: false,
                indent: false,
            }],
        );
        d.signers.push(Signer::new(
            "Руководитель информационной группы",
            "Новиков Сергей Иванович",
        ));
        let bytes = render(&d)?;
        let pdf = lopdf::Document::load_mem(&bytes)?;
        let text = pdf.extract_text(&[1])?;
        assert_in_order(
            &text,
            &[
                "ПРОЕКТ",
                ORGANISATION,
                "ПРОТОКОЛ",
                "03.12.2026",
                "№ 1-2026/3",
                PLACE,
                "выездной встречи информационной группы № 1",
                "Председатель: С.И. Новиков",
                "о ремонте дорог",
                "№ Вопрос Ответ",
                "1 Перебои в теплоснабжении Взято на контроль",
                "Руководитель информационной группы",
                "С.И. Новиков",
            ],
        );
        let fonts = pdf.get_page_fonts(pdf.page_iter().next().ok_or("no page")?)?;
        assert!(
            fonts.values().any(|f| f
                .get(b"BaseFont")
                .ok()
                .and_then(|n| n.as_name().ok())
                .is_some_and(|n| String::from_utf8_lossy(n).ends_with("PTSerif-Regular"))),
            "PT Serif is not the page's font"
        );
        Ok(())
    }
}
