//! The DOCX writer: renders a [`Document`] through `docx-rs`. Tables carry their `w:tblGrid`
//! and fixed cell widths (fitted by the model), rows that may not split, and a header row that
//! repeats on every page; pages from the second on carry their number centred at the top.

use std::io::{Cursor, Read, Write};

use docx_rs::{
    AlignmentType, BreakType, Docx, Header, LineSpacing, LineSpacingType, PageMargin, PageNum,
    PageOrientationType, Paragraph, Run, RunFonts, SpecialIndentType, Tab, TabValueType, Table,
    TableCell, TableCellMargins, TableLayoutType, TableRow, WidthType,
};

use super::DocumentError;
use super::model::{
    self, Align, Block, CELL_PAD_MM, Document, INDENT_MM, ORGANISATION, PLACE, SMALL_PT, Span,
    Status,
};

/// Twips (1/20 pt) per millimetre.
const TWIPS_PER_MM: f32 = 1440.0 / 25.4;

/// The face Word uses; PDF embeds PT Serif, whose widths the model fitted (they are wider).
const FONT: &str = "Times New Roman";

fn twips(mm: f32) -> i32 {
    (mm * TWIPS_PER_MM).round() as i32
}

fn utwips(mm: f32) -> usize {
    usize::try_from(twips(mm)).unwrap_or(0)
}

fn half_points(pt: f32) -> usize {
    (pt * 2.0).round() as usize
}

fn run(s: &Span, size_pt: f32) -> Run {
    let r = Run::new().add_text(&s.text).size(half_points(size_pt));
    if s.bold { r.bold() } else { r }
}

fn alignment(a: Align) -> AlignmentType {
    match a {
        Align::Justify => AlignmentType::Both,
        Align::Left => AlignmentType::Left,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
    }
}

fn single() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line(240)
        .before(0)
        .after(0)
}

fn para(spans: &[Span], align: Align, size_pt: f32) -> Paragraph {
    let mut p = Paragraph::new()
        .align(alignment(align))
        .line_spacing(single());
    if align == Align::Justify {
        p = p.indent(
            None,
            Some(SpecialIndentType::FirstLine(twips(INDENT_MM))),
            None,
            None,
        );
    }
    for s in spans {
        p = p.add_run(run(s, size_pt));
    }
    p
}

fn line(text: &str, align: Align, bold: bool) -> Paragraph {
    let span = Span {
        text: text.to_string(),
        bold,
    };
    para(&[span], align, model::BODY_PT)
}

fn cell_para(text: &str, align: Align, bold: bool, size_pt: f32) -> Vec<Paragraph> {
    // A cell's own line breaks become paragraphs; cells are never justified.
    text.split('\n')
        .map(|l| {
            let span = Span {
                text: l.to_string(),
                bold,
            };
            para(&[span], align, size_pt)
        })
        .collect()
}

/// How a cell's text is set: its alignment, weight, size and left inset in millimetres.
#[derive(Clone, Copy)]
struct CellStyle {
    align: Align,
    bold: bool,
    size_pt: f32,
    inset_mm: f32,
}

fn cell(text: &str, width_mm: f32, style: CellStyle) -> TableCell {
    let mut c = TableCell::new().width(utwips(width_mm), WidthType::Dxa);
    for p in cell_para(
        &super::metrics::bind(text),
        style.align,
        style.bold,
        style.size_pt,
    ) {
        let p = if style.inset_mm > 0.0 {
            p.indent(Some(twips(style.inset_mm)), None, None, None)
        } else {
            p
        };
        c = c.add_paragraph(p);
    }
    c
}

fn data_table(t: &model::Table) -> Table {
    let grid: Vec<usize> = t.columns.iter().map(|c| utwips(c.width_mm)).collect();
    let total: usize = grid.iter().sum();
    let header = TableRow::new(
        t.columns
            .iter()
            .map(|c| {
                let style = CellStyle {
                    align: Align::Center,
                    bold: true,
                    size_pt: t.size_pt,
                    inset_mm: 0.0,
                };
                cell(&c.title, c.width_mm, style)
            })
            .collect(),
    )
    .cant_split();
    let mut rows = vec![header];
    for r in &t.rows {
        rows.push(
            TableRow::new(
                t.columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let text = r.cells.get(i).map_or("", String::as_str);
                        let style = CellStyle {
                            align: c.align,
                            bold: r.bold,
                            size_pt: t.size_pt,
                            inset_mm: if i == 0 && r.indent {
                                model::SUB_ROW_INDENT_MM
                            } else {
                                0.0
                            },
                        };
                        cell(text, c.width_mm, style)
                    })
                    .collect(),
            )
            .cant_split(),
        );
    }
    let pad = utwips(CELL_PAD_MM);
    Table::new(rows)
        .set_grid(grid)
        .width(total, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(0, pad, 0, pad))
}

/// The signatures: a borderless grid so the position stays at the left margin and the name at
/// the right, each on its line, however long the position.
fn signature_table(doc: &Document) -> Option<Table> {
    if doc.signers.is_empty() {
        return None;
    }
    let widths = signature_widths(doc);
    let grid: Vec<usize> = widths.iter().map(|w| utwips(*w)).collect();
    let rows = doc
        .signers
        .iter()
        .map(|s| {
            let body = |align| CellStyle {
                align,
                bold: false,
                size_pt: model::BODY_PT,
                inset_mm: 0.0,
            };
            TableRow::new(vec![
                cell(&s.position, widths[0], body(Align::Left)),
                cell("______________", widths[1], body(Align::Center)),
                cell(&s.name, widths[2], body(Align::Right)),
            ])
            .cant_split()
        })
        .collect();
    Some(
        Table::without_borders(rows)
            .set_grid(grid.clone())
            .width(grid.iter().sum(), WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .margins(TableCellMargins::new().margin(0, 0, 0, 0)),
    )
}

/// Column widths of the signature grid, millimetres: the name as wide as the longest name, the
/// space to sign fixed, the position the rest.
pub fn signature_widths(doc: &Document) -> [f32; 3] {
    use super::metrics::{Face, width_mm};
    let name = doc
        .signers
        .iter()
        .map(|s| width_mm(&s.name, Face::Regular, model::BODY_PT))
        .fold(0.0, f32::max)
        + 2.0;
    let sign = 25.0;
    let position = (doc.text_width_mm() - name - sign).max(40.0);
    [position, sign, name]
}

/// The `.docx` of a document.
pub fn render(doc: &Document) -> Result<Vec<u8>, DocumentError> {
    let (w, h) = (
        utwips(model::page_width_mm(doc.landscape)),
        utwips(model::page_height_mm(doc.landscape)),
    );
    let text_width = utwips(doc.text_width_mm());
    let mut d = Docx::new()
        .page_size(
            u32::try_from(w).unwrap_or(11906),
            u32::try_from(h).unwrap_or(16838),
        )
        .page_orient(if doc.landscape {
            PageOrientationType::Landscape
        } else {
            PageOrientationType::Portrait
        })
        .page_margin(PageMargin {
            top: twips(model::MARGIN_TOP_MM),
            left: twips(model::MARGIN_LEFT_MM),
            bottom: twips(model::MARGIN_BOTTOM_MM),
            right: twips(model::MARGIN_RIGHT_MM),
            header: twips(10.0),
            footer: twips(10.0),
            gutter: 0,
        })
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
        .default_size(half_points(model::BODY_PT))
        // Page numbers from the second page on, centred in the top margin (ГОСТ 5.9).
        .header(
            Header::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_page_num(PageNum::new()),
            ),
        )
        .first_header(Header::new());
    if doc.status == Status::Draft {
        d = d.add_paragraph(line("ПРОЕКТ", Align::Right, true));
    }
    d = d.add_paragraph(line(ORGANISATION, Align::Center, true));
    if !doc.unit.is_empty() {
        d = d.add_paragraph(line(&doc.unit, Align::Center, false));
    }
    d = d
        .add_paragraph(line("", Align::Left, false))
        .add_paragraph(line(&doc.kind, Align::Center, true));
    let number = if doc.number.is_empty() {
        "________".to_string()
    } else {
        doc.number.clone()
    };
    d = d
        .add_paragraph(
            Paragraph::new()
                .line_spacing(single())
                .add_tab(Tab::new().val(TabValueType::Right).pos(text_width))
                .add_run(Run::new().add_text(&doc.date))
                .add_run(Run::new().add_tab().add_text(format!("№ {number}"))),
        )
        .add_paragraph(line(PLACE, Align::Center, false))
        .add_paragraph(line("", Align::Left, false))
        .add_paragraph(line(&doc.heading, Align::Center, true))
        .add_paragraph(line("", Align::Left, false));
    d = blocks(d, &doc.body);
    if let Some(t) = signature_table(doc) {
        d = d.add_paragraph(line("", Align::Left, false)).add_table(t);
    }
    if let Status::Signed(date) = &doc.status {
        d = d.add_paragraph(line(&format!("Подписан {date}"), Align::Left, false));
    }
    d = blocks(d, &doc.after);
    if let Some(e) = &doc.executor {
        d = d.add_paragraph(executor_mark(e, text_width));
    }
    let mut out = Cursor::new(Vec::new());
    d.build()
        .pack(&mut out)
        .map_err(|e| DocumentError(e.to_string()))?;
    repeat_header_rows(&out.into_inner())
}

/// The executor mark (ГОСТ Р 7.0.97, 5.27) at the foot of the last page, as the PDF places it:
/// a frame anchored to the bottom margin, so it stays at the foot of whichever page the text
/// ends on instead of following the signature block.
fn executor_mark(text: &str, text_width: usize) -> Paragraph {
    let mut p = Paragraph::new()
        .align(AlignmentType::Left)
        .line_spacing(single())
        .wrap("around")
        .h_anchor("margin")
        .v_anchor("margin")
        .x_align("left")
        .y_align("bottom")
        .frame_width(u32::try_from(text_width).unwrap_or(0));
    for (i, l) in text.split('\n').enumerate() {
        let r = Run::new().size(half_points(SMALL_PT));
        let r = if i == 0 {
            r
        } else {
            r.add_break(BreakType::TextWrapping)
        };
        p = p.add_run(r.add_text(l));
    }
    p
}

fn blocks(mut d: Docx, blocks: &[Block]) -> Docx {
    for b in blocks {
        d = match b {
            Block::Para { spans, align } => d.add_paragraph(para(spans, *align, model::BODY_PT)),
            Block::Table(t) => d
                .add_paragraph(line("", Align::Left, false))
                .add_table(data_table(t))
                .add_paragraph(line("", Align::Left, false)),
            Block::Gap => d.add_paragraph(line("", Align::Left, false)),
        };
    }
    d
}

/// Marks the first row of every table as its header, repeated on each page (`w:tblHeader`):
/// docx-rs 0.4 writes `w:cantSplit` but has no setter for `w:tblHeader`, so the one element is
/// added to the rendered part; everything else in the package is copied as docx-rs wrote it.
fn repeat_header_rows(package: &[u8]) -> Result<Vec<u8>, DocumentError> {
    let err = |e: &dyn std::fmt::Display| DocumentError(e.to_string());
    let mut zin = zip::ZipArchive::new(Cursor::new(package)).map_err(|e| err(&e))?;
    let mut out = Cursor::new(Vec::new());
    {
        let mut zout = zip::ZipWriter::new(&mut out);
        for i in 0..zin.len() {
            let mut f = zin.by_index(i).map_err(|e| err(&e))?;
            let is_body = f.name().map_err(|e| err(&e))? == "word/document.xml";
            if !is_body {
                zout.raw_copy_file(f).map_err(|e| err(&e))?;
                continue;
            }
            let mut xml = String::new();
            f.read_to_string(&mut xml).map_err(|e| err(&e))?;
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zout.start_file("word/document.xml", opts)
                .map_err(|e| err(&e))?;
            zout.write_all(mark_header_rows(&xml).as_bytes())
                .map_err(|e| err(&e))?;
        }
        zout.finish().map_err(|e| err(&e))?;
    }
    Ok(out.into_inner())
}

fn mark_header_rows(xml: &str) -> String {
    const ROW_PROPS: &str = "<w:cantSplit />";
    let mut out = String::with_capacity(xml.len() + 256);
    let mut rest = xml;
    while let Some(at) = rest.find("<w:tbl>") {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        match tail.find(ROW_PROPS) {
            Some(p) => {
                let end = p + ROW_PROPS.len();
                out.push_str(&tail[..end]);
                out.push_str("<w:tblHeader />");
                rest = &tail[end..];
            }
            None => {
                out.push_str(tail);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_row_of_each_table_is_marked() {
        let xml = "<w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr></w:tbl>\
                   <w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr></w:tbl>";
        let out = mark_header_rows(xml);
        assert_eq!(out.matches("<w:tblHeader />").count(), 2);
        assert!(out.starts_with(
            "<w:tbl><w:tr><w:trPr><w:cantSplit /><w:tblHeader /></w:trPr></w:tr><w:tr><w:trPr><w:cantSplit /></w:trPr>"
        ));
    }

    fn part(bytes: &[u8], name: &str) -> Result<String, Box<dyn std::error::Error>> {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes))?;
        let mut xml = String::new();
        z.by_name(name)?.read_to_string(&mut xml)?;
        Ok(xml)
    }

    #[test]
    fn a_table_has_its_grid_fixed_widths_a_header_row_and_pages_are_numbered()
    -> Result<(), Box<dyn std::error::Error>> {
        let mut d = Document::new("СПРАВКА", "о проблемах территории", "03.12.2026");
        d.table(
            vec!["№".into(), "Показатель".into(), "Итого".into()],
            vec![model::Row {
                cells: vec!["1".into(), "Встреч проведено".into(), "12".into()],
                bold: false,
                indent: false,
            }],
        );
        let bytes = render(&d)?;
        let xml = part(&bytes, "word/document.xml")?;
        let model::Block::Table(t) = &d.body[0] else {
            return Err("no table".into());
        };
        let grid: String = t
            .columns
            .iter()
            .map(|c| {
                format!(
                    "<w:gridCol w:w=\"{}\" w:type=\"dxa\" />",
                    utwips(c.width_mm)
                )
            })
            .collect();
        assert!(
            xml.contains(&format!("<w:tblGrid>{grid}</w:tblGrid>")),
            "{xml}"
        );
        assert!(!xml.contains("<w:tcW w:w=\"0\""));
        assert!(xml.contains("<w:tblHeader />"));
        assert!(xml.contains("<w:titlePg />"));
        let headers: Vec<String> = (1..=2)
            .filter_map(|i| part(&bytes, &format!("word/header{i}.xml")).ok())
            .collect();
        assert!(headers.iter().any(|h| h.contains("PAGE")), "{headers:?}");
        Ok(())
    }

    #[test]
    fn the_executor_mark_is_framed_at_the_foot_of_the_last_page()
    -> Result<(), Box<dyn std::error::Error>> {
        let mut d = Document::new("СПРАВКА", "о проблемах территории", "03.12.2026");
        d.body.push(Block::Para {
            spans: vec![Span::plain("Текст справки.")],
            align: Align::Justify,
        });
        d.executor = Some("Иванова Анна Петровна\n+7 (495) 123-45-67".into());
        let xml = part(&render(&d)?, "word/document.xml")?;
        let body_end = xml.rfind("</w:body>").ok_or("no body")?;
        let last_p = xml[..body_end].rfind("<w:p ").ok_or("no paragraph")?;
        let mark = &xml[last_p..body_end];
        assert!(mark.contains("Иванова Анна Петровна"), "{mark}");
        assert!(mark.contains("+7 (495) 123-45-67"), "{mark}");
        assert!(mark.contains("w:yAlign=\"bottom\""), "{mark}");
        assert!(mark.contains("w:vAnchor=\"margin\""), "{mark}");
        let before = &xml[..last_p];
        assert!(!before.contains("Иванова"), "the mark is printed twice");
        Ok(())
    }
}
