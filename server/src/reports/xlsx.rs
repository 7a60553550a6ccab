//! Excel workbooks laid out for paper: a named sheet, the title (with the period) above the
//! table, a bordered table with the header in bold, numbers as numbers, landscape, fitted to one
//! page wide, the label column and the header repeated on every printed page, and page numbers
//! in the footer.

use infogroups_shared::pb;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::documents::model::{is_number, sub_row_label};

/// Excel's limit on a sheet name, characters.
const SHEET_NAME_MAX: usize = 31;

/// A sheet name Excel accepts: without `[]:*?/\`, at most 31 characters.
pub fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = clean.chars().take(SHEET_NAME_MAX).collect();
    if cut.trim().is_empty() {
        "Таблица".to_string()
    } else {
        cut.trim().to_string()
    }
}

/// The workbook of one table on a sheet called `sheet`.
pub fn xlsx(t: &pb::Table, sheet: &str) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet_name(sheet))?;
    let title = Format::new().set_bold().set_font_size(12);
    let border = FormatBorder::Thin;
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(border);
    let text = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(border);
    let number = Format::new()
        .set_align(FormatAlign::Top)
        .set_border(border)
        .set_num_format("0.##");
    let bold_text = text.clone().set_bold();
    let sub_text = text.clone().set_indent(1);
    let bold_number = number.clone().set_bold();
    ws.write_string_with_format(0, 0, &t.title, &title)?;
    const HEADER_ROW: u32 = 2;
    for (c, h) in t.columns.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| XlsxError::ParameterError("columns".into()))?;
        ws.write_string_with_format(HEADER_ROW, col, h, &head)?;
        // Widths in characters: the label column takes its longest label (to 60), the others
        // their longest cell, at least their header's longest word.
        let longest = t
            .rows
            .iter()
            .chain(t.totals.iter())
            .filter_map(|r| r.cells.get(c))
            .flat_map(|s| s.lines())
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0);
        let word = h
            .split_whitespace()
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(4);
        let cap = if c == 0 { 60 } else { 40 };
        let width = longest.max(word).clamp(4, cap) + 2;
        ws.set_column_width(col, width as f64)?;
    }
    let totals = t.totals.iter().map(|r| (r, true));
    for (i, (r, bold)) in t.rows.iter().map(|r| (r, false)).chain(totals).enumerate() {
        let row = u32::try_from(i).map_err(|_| XlsxError::ParameterError("rows".into()))?
            + HEADER_ROW
            + 1;
        for (c, cell) in r.cells.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| XlsxError::ParameterError("columns".into()))?;
            let value = r.values.get(c).copied();
            match value.filter(|_| c > 0 && is_number(cell)) {
                Some(v) => ws.write_number_with_format(
                    row,
                    col,
                    v,
                    if bold { &bold_number } else { &number },
                )?,
                None => match sub_row_label(cell).filter(|_| c == 0) {
                    // A breakdown row («из них …») is indented by the format, not by spaces.
                    Some(label) => ws.write_string_with_format(row, col, label, &sub_text)?,
                    None => ws.write_string_with_format(
                        row,
                        col,
                        cell,
                        if bold { &bold_text } else { &text },
                    )?,
                },
            };
        }
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_repeat_columns(0, 0)?;
    ws.set_footer("&CСтраница &P из &N");
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(bytes: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut z = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
            Ok(z) => z,
            Err(e) => panic!("not a zip: {e}"),
        };
        let mut xml = String::new();
        if let Ok(mut f) = z.by_name(name) {
            let _ = f.read_to_string(&mut xml);
        }
        xml
    }

    #[test]
    fn the_sheet_is_laid_out_for_paper() -> Result<(), XlsxError> {
        let t = pb::Table {
            title: "Информация за первое полугодие 2026 года".into(),
            columns: vec!["Показатель".into(), "Группа № 1".into()],
            rows: vec![pb::Row {
                cells: vec!["Встреч проведено".into(), "2".into()],
                values: vec![0.0, 2.0],
            }],
            totals: None,
        };
        let bytes = xlsx(&t, "ИНФОРМАЦИЯ")?;
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        for want in [
            "orientation=\"landscape\"",
            "fitToHeight=\"0\"",
            "<pageSetUpPr fitToPage=\"1\"/>",
            "<oddFooter>&amp;CСтраница &amp;P из &amp;N</oddFooter>",
            "<c r=\"B4\" s=\"",
        ] {
            assert!(sheet.contains(want), "{want} missing from {sheet}");
        }
        assert!(
            sheet.contains("<v>2</v>"),
            "the figure is a number: {sheet}"
        );
        let book = part(&bytes, "xl/workbook.xml");
        assert!(book.contains("name=\"ИНФОРМАЦИЯ\""), "{book}");
        assert!(book.contains("_xlnm.Print_Titles"), "{book}");
        assert!(book.contains("$A:$A,"), "the label column repeats: {book}");
        Ok(())
    }

    #[test]
    fn a_breakdown_row_is_indented_by_its_format() -> Result<(), XlsxError> {
        let t = pb::Table {
            columns: vec!["Показатель".into(), "Группа № 1".into()],
            rows: vec![pb::Row {
                cells: vec!["  из них взято на контроль".into(), "1".into()],
                values: vec![0.0, 1.0],
            }],
            ..Default::default()
        };
        let bytes = xlsx(&t, "ИНФОРМАЦИЯ")?;
        let strings = part(&bytes, "xl/sharedStrings.xml");
        assert!(
            strings.contains(">из них взято на контроль<"),
            "the label keeps no leading spaces: {strings}"
        );
        let styles = part(&bytes, "xl/styles.xml");
        assert!(styles.contains("indent=\"1\""), "{styles}");
        Ok(())
    }

    #[test]
    fn sheet_names_are_what_excel_accepts() {
        assert_eq!(sheet_name("Группы: 1/2 полугодие"), "Группы 1 2 полугодие");
        assert_eq!(sheet_name(""), "Таблица");
        assert_eq!(sheet_name(&"а".repeat(40)).chars().count(), 31);
    }
}
