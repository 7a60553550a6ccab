//! The texts of the report tabs, the dashboard and the quarterly grid, and of saving a document or
//! a table, and of the files kept on records.

use super::W;

/// The Russian and English text of `w`, if it is one of this area's.
pub(super) fn text(w: W) -> Option<(&'static str, &'static str)> {
    Some(match w {
        W::TabDashboard => ("Сводка", "Dashboard"),
        W::PeriodTitle => ("Произвольный период", "A chosen period"),
        W::PeriodHint => (
            "Итоги за любые дни, не длиннее 10 лет; t — снова готовые периоды",
            "Figures for any days, up to 10 years; t goes back to the ready periods",
        ),
        W::FieldPeriodFrom => ("С (ДД.ММ.ГГГГ)", "From (DD.MM.YYYY)"),
        W::FieldPeriodTo => ("По (ДД.ММ.ГГГГ)", "To (DD.MM.YYYY)"),
        W::TabDashboardShort => ("Сводка", "Summary"),
        W::TabQuarterly => ("Ежеквартальный минимум", "Quarterly minimum"),
        W::TabQuarterlyShort => ("Минимум", "Quarter"),
        W::TabAggregates => ("Анализ", "Aggregates"),
        W::TabAggregatesShort => ("Анализ", "Totals"),
        W::TabGroupsReport => ("Отчёт о работе групп", "Groups report"),
        W::TabGroupsReportShort => ("Отчёт", "Report"),
        W::TabAppealsAnalysis => ("Анализ обращений", "Appeals analysis"),
        W::TabAppealsAnalysisShort => ("Анализ обр.", "Analysis"),
        W::ExportTitle => ("Сохранить в файл", "Save to a file"),
        W::FieldFormat => ("Формат", "Format"),
        W::FieldDocument => ("Документ", "Document"),
        W::DocProtocol => ("протокол", "protocol"),
        W::DocBrief => ("справка по территории", "territory brief"),
        W::DocAnnouncement => ("объявление", "announcement"),
        W::DocResults => ("итоги встречи", "results"),
        W::FieldPath => ("Файл", "File"),
        W::FieldDeliver => ("Как получить", "How to get it"),
        W::FieldSaveAs => (
            "Имя файла (пусто — имя документа от сервера)",
            "File name (empty: the document's own name)",
        ),
        W::DoneSaved => ("Файл сохранён", "File saved"),
        W::FilesTitle => ("Файлы записи", "The record's files"),
        W::FilesNone => ("Файлов пока нет", "No files yet"),
        W::FieldFileAction => ("Что сделать", "What to do"),
        W::FileAttach => (
            "приложить файл с этого компьютера",
            "attach a file from this computer",
        ),
        W::FileSave => (
            "сохранить в папку загрузок",
            "save into the download folder",
        ),
        W::FileLink => (
            "ссылка для своего компьютера",
            "a link for your own computer",
        ),
        W::FieldFile => ("Файл записи", "The record's file"),
        W::FieldFilePath => (
            "Путь к файлу, чтобы приложить (~ — домашняя папка); имя, чтобы сохранить (пусто — своё)",
            "Path of the file to attach (~ is home); a name to save as (empty: its own)",
        ),
        W::DoneFiles => ("Готово", "Done"),
        W::Computing => ("расчёт…", "computing…"),
        W::DashMeetings => ("Встречи", "Meetings"),
        W::DashHeld => ("проведено", "held"),
        W::DashPlanned => ("запланировано", "planned"),
        W::DashAppeals => ("Обращения", "Appeals"),
        W::DashAssignments => ("Поручения", "Assignments"),
        W::DashOpen => ("на рассмотрении", "open"),
        W::DashInWork => ("на исполнении", "in progress"),
        W::DashOverdue => ("просрочено", "overdue"),
        W::DashProtocolsLate => ("протоколов не передано в срок", "protocols late"),
        W::DashOnTime => ("исполнено в срок", "done on time"),
        W::DashTopProblems => (
            "Самые частые проблемы по территориям",
            "Most raised problems by territory",
        ),
        W::QuarterShort => ("кв.", "Q"),
        W::TabViewLog => ("Журнал просмотров ПДн", "Personal data views"),
        W::TabViewLogShort => ("Журнал", "Views"),
        W::QuarterLegend => (
            "✓ минимум выполнен  ! под угрозой  × не выполнен  · квартал не начался",
            "✓ met  ! at risk  × missed  · not started",
        ),
        _ => return None,
    })
}
