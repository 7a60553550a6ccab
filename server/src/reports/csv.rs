//! CSV for Russian Excel, written by the `csv` crate: UTF-8 with a BOM, «;» between cells, CRLF
//! line ends, figures with a decimal comma as the tables hold them. A cell that Excel would take
//! for a formula (starting with = + - @, a tab or a CR) is neutralised with a leading apostrophe
//! unless it is a plain number; cells holding a separator, a quote, a CR or a LF are quoted.

use infogroups_shared::pb;

use crate::documents::model::is_number;

/// A cell as written: neutralised when Excel would run it.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_number(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The table with its header, rows and totals.
pub fn csv(t: &pb::Table) -> Result<Vec<u8>, ::csv::Error> {
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(t.columns.iter().map(|c| neutralise(c).into_owned()))?;
    for r in t.rows.iter().chain(t.totals.iter()) {
        w.write_record(r.cells.iter().map(|c| neutralise(c).into_owned()))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cells: &[&str]) -> pb::Table {
        pb::Table {
            title: "Отчёт".into(),
            columns: vec!["Показатель".into(), "Итого".into()],
            rows: vec![pb::Row {
                cells: cells.iter().map(|s| s.to_string()).collect(),
                values: vec![0.0; cells.len()],
            }],
            totals: None,
        }
    }

    fn text(t: &pb::Table) -> String {
        String::from_utf8(csv(t).unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn a_bom_semicolons_crlf_and_quotes_where_needed() {
        let out = text(&table(&["Встреч; проведено", "12,5"]));
        assert_eq!(
            out,
            "\u{feff}Показатель;Итого\r\n\"Встреч; проведено\";12,5\r\n"
        );
    }

    #[test]
    fn formulas_are_neutralised_and_negative_numbers_kept() {
        let out = text(&table(&["=HYPERLINK(\"x\")", "-33,3"]));
        assert!(
            out.contains("\"'=HYPERLINK(\"\"x\"\")\";-33,3\r\n"),
            "{out}"
        );
        for risky in ["+1+1", "-A1", "@SUM(A1)", "\tx"] {
            assert!(neutralise(risky).starts_with('\''), "{risky}");
        }
    }

    #[test]
    fn a_bare_cr_is_quoted() {
        let out = text(&table(&["строка\rещё", "1"]));
        assert!(out.contains("\"строка\rещё\";1\r\n"), "{out:?}");
    }
}
