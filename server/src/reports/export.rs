//! Files people print or send: tables as `.csv` and `.xlsx`, documents as `.docx` laid out as
//! Russian official documents (heading, number, date, signature lines). Rendered by the server so
//! every client produces the same file.

use std::io::Write;

use infogroups_shared::pb;
use rust_xlsxwriter::{Format, Workbook};

/// A file that could not be rendered.
#[derive(Debug, thiserror::Error)]
#[error("export: {0}")]
pub struct ExportError(String);

fn err(e: impl std::fmt::Display) -> ExportError {
    ExportError(e.to_string())
}

fn all_rows(t: &pb::Table) -> impl Iterator<Item = &pb::Row> {
    t.rows.iter().chain(t.totals.iter())
}

/// One CSV cell. A text that starts with `=`, `+`, `-`, `@` (or a tab or CR) would run as a
/// formula in a spreadsheet — a citizen's text in an export must not — so it gets a leading `'`;
/// a number keeps its sign. Separators, quotes and line breaks, a bare CR among them, are quoted.
pub fn csv_cell(s: &str) -> String {
    let number = s.replace(',', ".").parse::<f64>().is_ok();
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !number;
    let s = if risky {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// CSV with a BOM and semicolons, as Russian Excel opens it.
pub fn csv(t: &pb::Table) -> Vec<u8> {
    let quote = |s: &str| csv_cell(s);
    let mut out = String::from("\u{feff}");
    out.push_str(
        &t.columns
            .iter()
            .map(|c| quote(c))
            .collect::<Vec<_>>()
            .join(";"),
    );
    out.push_str("\r\n");
    for r in all_rows(t) {
        out.push_str(
            &r.cells
                .iter()
                .map(|c| quote(c))
                .collect::<Vec<_>>()
                .join(";"),
        );
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// An Excel workbook: the title, the header in bold, numbers as numbers.
pub fn xlsx(t: &pb::Table) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    sheet
        .write_string_with_format(0, 0, &t.title, &bold)
        .map_err(err)?;
    for (c, h) in t.columns.iter().enumerate() {
        let col = u16::try_from(c).map_err(err)?;
        sheet
            .write_string_with_format(2, col, h, &bold)
            .map_err(err)?;
        sheet
            .set_column_width(col, if c == 0 { 48 } else { 14 })
            .map_err(err)?;
    }
    for (i, r) in all_rows(t).enumerate() {
        let row = u32::try_from(i + 3).map_err(err)?;
        for (c, cell) in r.cells.iter().enumerate() {
            let col = u16::try_from(c).map_err(err)?;
            let numeric =
                c > 0 && r.values.get(c).is_some() && cell.replace(',', ".").parse::<f64>().is_ok();
            if numeric {
                sheet.write_number(row, col, r.values[c]).map_err(err)?;
            } else {
                sheet.write_string(row, col, cell).map_err(err)?;
            }
        }
    }
    book.save_to_buffer().map_err(err)
}

/// A piece of a Word document.
pub enum Block {
    /// A centred bold heading.
    Heading(String),
    /// A centred line.
    Centered(String),
    /// A paragraph; bold label then text.
    Para(String, String),
    /// A table with a header row.
    Table(Vec<String>, Vec<Vec<String>>),
    /// A signature line: position, then the name after a blank for the signature.
    Signature(String, String),
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn run(text: &str, bold: bool) -> String {
    let b = if bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
    format!(
        "<w:r>{b}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        esc(text)
    )
}

fn para(runs: &str, centered: bool) -> String {
    let ppr = if centered {
        "<w:pPr><w:jc w:val=\"center\"/></w:pPr>"
    } else {
        "<w:pPr><w:jc w:val=\"both\"/></w:pPr>"
    };
    format!("<w:p>{ppr}{runs}</w:p>")
}

fn cell(text: &str, bold: bool) -> String {
    format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/></w:tcPr>{}</w:tc>",
        para(&run(text, bold), false)
    )
}

fn document_xml(blocks: &[Block]) -> String {
    let mut body = String::new();
    for b in blocks {
        match b {
            Block::Heading(t) => body.push_str(&para(&run(t, true), true)),
            Block::Centered(t) => body.push_str(&para(&run(t, false), true)),
            Block::Para(label, text) => {
                let label = if label.is_empty() {
                    String::new()
                } else {
                    run(&format!("{label} "), true)
                };
                body.push_str(&para(&format!("{label}{}", run(text, false)), false));
            }
            Block::Table(head, rows) => {
                body.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblBorders>");
                for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
                    body.push_str(&format!(
                        "<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
                    ));
                }
                body.push_str("</w:tblBorders></w:tblPr>");
                body.push_str("<w:tr>");
                for h in head {
                    body.push_str(&cell(h, true));
                }
                body.push_str("</w:tr>");
                for r in rows {
                    body.push_str("<w:tr>");
                    for c in r {
                        body.push_str(&cell(c, false));
                    }
                    body.push_str("</w:tr>");
                }
                body.push_str("</w:tbl>");
            }
            Block::Signature(position, name) => body.push_str(&para(
                &run(&format!("{position}  ____________________  {name}"), false),
                false,
            )),
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}\
<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
</Types>";

const RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
</Relationships>";

const DOC_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
</Relationships>";

/// Times New Roman 14, the usual face of Russian official documents.
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/>\
<w:sz w:val=\"28\"/><w:lang w:val=\"ru-RU\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\"/></w:pPr></w:pPrDefault></w:docDefaults>\
</w:styles>";

/// A `.docx` file of the blocks.
pub fn docx(blocks: &[Block]) -> Result<Vec<u8>, ExportError> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in [
            ("[Content_Types].xml", CONTENT_TYPES.to_string()),
            ("_rels/.rels", RELS.to_string()),
            ("word/_rels/document.xml.rels", DOC_RELS.to_string()),
            ("word/styles.xml", STYLES.to_string()),
            ("word/document.xml", document_xml(blocks)),
        ] {
            z.start_file(name, opts).map_err(err)?;
            z.write_all(content.as_bytes()).map_err(err)?;
        }
        z.finish().map_err(err)?;
    }
    Ok(buf.into_inner())
}

/// A table as a document: the body's heading, the date and a blank for the registration number
/// (given when the document is signed), the title, then the table and the signature line.
pub fn table_docx(t: &pb::Table, subtitle: &str, date: &str) -> Result<Vec<u8>, ExportError> {
    let rows: Vec<Vec<String>> = all_rows(t).map(|r| r.cells.clone()).collect();
    docx(&[
        Block::Heading("АДМИНИСТРАЦИЯ ГОРОДА НОВОШАХТИНСКА".into()),
        Block::Centered(format!("от {date} № ________")),
        Block::Heading(t.title.clone()),
        Block::Centered(subtitle.to_string()),
        Block::Table(t.columns.clone(), rows),
        Block::Para(String::new(), String::new()),
        Block::Signature(
            "Заведующий контрольно-организационным сектором".into(),
            String::new(),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn table() -> pb::Table {
        pb::Table {
            title: "Отчёт".into(),
            columns: vec!["Показатель".into(), "Итого".into()],
            rows: vec![pb::Row {
                cells: vec!["Встреч; проведено".into(), "12".into()],
                values: vec![0.0, 12.0],
            }],
            totals: None,
        }
    }

    #[test]
    fn csv_cells_never_run_as_formulas_and_a_bare_cr_is_quoted() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for risky in ["+7 918", "-cmd", "@SUM(A1)", "\tx"] {
            assert!(csv_cell(risky).starts_with('\''), "{risky}");
        }
        assert_eq!(csv_cell("-5"), "-5");
        assert_eq!(csv_cell("-2,5"), "-2,5");
        assert_eq!(csv_cell("a\rb"), "\"a\rb\"");
        assert_eq!(csv_cell("Иванова"), "Иванова");
    }

    #[test]
    fn csv_quotes_semicolons_and_starts_with_a_bom() {
        let text = String::from_utf8(csv(&table())).unwrap_or_default();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("\"Встреч; проведено\";12\r\n"));
    }

    #[test]
    fn a_docx_is_a_zip_whose_document_holds_the_text() -> Result<(), Box<dyn std::error::Error>> {
        let bytes = table_docx(&table(), "за 2026 год", "21.12.2026")?;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
        let mut xml = String::new();
        z.by_name("word/document.xml")?.read_to_string(&mut xml)?;
        assert!(xml.contains("Встреч; проведено"));
        assert!(xml.contains("за 2026 год"));
        assert!(xml.contains("от 21.12.2026 №"));
        assert!(z.by_name("[Content_Types].xml").is_ok());
        Ok(())
    }

    #[test]
    fn an_xlsx_is_written() -> Result<(), Box<dyn std::error::Error>> {
        let bytes = xlsx(&table())?;
        assert!(bytes.starts_with(b"PK"));
        Ok(())
    }
}
