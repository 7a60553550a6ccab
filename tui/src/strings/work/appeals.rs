//! The texts of written appeals (59-FZ) and reception cards: their columns, details and forms.

use super::W;

/// The Russian and English text of `w`, if it is one of this area's.
pub(super) fn text(w: W) -> Option<(&'static str, &'static str)> {
    Some(match w {
        W::TabAppeals => ("Обращения", "Appeals"),
        W::TabCards => ("Карточки приёма", "Reception cards"),
        W::ColRegistered => ("Регистрация", "Registered"),
        W::ColContent => ("Содержание", "Content"),
        W::ColResult => ("Результат", "Result"),
        W::OpenAppeals => ("Обращений на рассмотрении", "Open appeals"),
        W::Appeal => ("Обращение", "Appeal"),
        W::Received => ("Поступило", "Received"),
        W::AnswerDue => ("Срок ответа", "Answer due"),
        W::DueRule => ("Правило срока", "Deadline rule"),
        W::LateRegistration => (
            "зарегистрировано позже трёх дней после поступления",
            "registered more than three days after receipt",
        ),
        W::Channel => ("Канал", "Channel"),
        W::Anonymous => ("анонимное", "anonymous"),
        W::Withheld => ("скрыто (персональные данные)", "withheld (personal data)"),
        W::Applicant => ("Заявитель", "Applicant"),
        W::Repeated => ("Повторное", "Repeated"),
        W::Signatories => ("Подписавших", "Signatories"),
        W::Extended => ("Продлено", "Extended"),
        W::Questions => ("Вопросы", "Questions"),
        W::Answered => ("Ответ дан", "Answered"),
        W::Card => ("Карточка личного приёма", "Personal reception card"),
        W::Place => ("Место", "Place"),
        W::ReceivedBy => ("Принял", "Received by"),
        W::OnControl => ("На контроле до", "On control until"),
        W::OralAnswer => ("Устный ответ", "Oral answer"),
        W::RepeatedHint => (
            "Enter — зарегистрировать как повторное, Esc — отменить",
            "Enter registers it as repeated, Esc cancels",
        ),
        W::ExtendAppealKey => (
            "продлить срок ответа на обращение (не более 30 дней)",
            "extend the appeal's answer deadline (30 days at most)",
        ),
        W::FieldForwardTo => (
            "Куда направлено (орган или должностное лицо по компетенции)",
            "Forwarded to (the competent body or official)",
        ),
        W::FieldForwardedOn => ("Дата направления (ДД.ММ.ГГГГ)", "Forwarded on (DD.MM.YYYY)"),
        W::FieldOutcome => ("Основание по ст. 11 (←/→)", "Art. 11 ground (←/→)"),
        W::FieldSpecialNotice => (
            "Гражданину сообщено (ДД.ММ.ГГГГ: предупреждение, возврат, уведомление)",
            "Citizen told on (DD.MM.YYYY: warning, return, notice)",
        ),
        W::FieldReportsOffence => (
            "Сообщает о преступлении (ч. 1: направляется по компетенции)",
            "Reports an offence (p. 1: it is forwarded)",
        ),
        W::FieldNoNewArguments => ("Новых доводов нет (ч. 5)", "No new arguments (p. 5)"),
        W::FieldAddressReadable => (
            "Фамилия и адрес читаются (ч. 4)",
            "Surname and address can be read (p. 4)",
        ),
        W::FieldSpecialReason => (
            "Пояснение и уведомление заявителя",
            "Explanation and the notice to the applicant",
        ),
        W::ForwardTitle => (
            "Направить по компетенции (ст. 8 ч. 3 59-ФЗ, 7 дней)",
            "Forward to the competent body (art. 8 p. 3, 7 days)",
        ),
        W::SpecialTitle => (
            "Без ответа по существу (ст. 11 59-ФЗ)",
            "No answer on the merits (art. 11)",
        ),
        W::DoneForwarded => ("Обращение направлено по компетенции", "Appeal forwarded"),
        W::DoneClosedSpecial => ("Обращение закрыто по ст. 11", "Appeal closed under art. 11"),
        W::InArchive => ("в архиве", "archived"),
        W::ForwardedTo => ("Направлено", "Forwarded to"),
        W::ForwardedOnNotice => (
            "Дата направления / уведомления",
            "Forwarded on / applicant notified on",
        ),
        W::ClosedUnderArt11 => ("Без ответа по существу (ст. 11)", "Closed under art. 11"),
        W::RegisterAppealTitle => ("Регистрация обращения", "Register an appeal"),
        W::AnswerAppealTitle => ("Ответ на обращение", "Answer the appeal"),
        W::FieldReceived => ("Дата поступления", "Received on"),
        W::BecameAppeal => ("Стала обращением №", "Became appeal No."),
        W::FieldChannel => ("Канал поступления (←/→)", "Channel (←/→)"),
        W::FieldAppealKind => ("Вид обращения (←/→)", "Kind (←/→)"),
        W::FieldClassifierCode => (
            "Вопрос по классификатору (слова или код; ↑/↓ — выбрать)",
            "Classifier question (words or code; ↑/↓ to choose)",
        ),
        W::FieldQuestionType => ("Тип вопроса (←/→)", "Question type (←/→)"),
        W::FieldAnonymous => ("Анонимное (←/→)", "Anonymous (←/→)"),
        W::FieldSurname => ("Фамилия заявителя", "Applicant's surname"),
        W::FieldFirstName => ("Имя", "First name"),
        W::FieldPatronymic => ("Отчество", "Patronymic"),
        W::FieldAddress => ("Почтовый адрес для ответа", "Postal address for the answer"),
        W::FieldAppealText => ("Содержание обращения", "The appeal's text"),
        W::FieldAnswerDate => ("Дата ответа", "Answered on"),
        W::FieldSignedBy => ("Кто подписал ответ", "Signed by"),
        W::FieldSentVia => ("Как направлен", "Sent via"),
        W::FieldSummary => ("Кратко о содержании ответа", "Summary of the answer"),
        W::FieldQuestionResult => ("Итог по вопросу (←/→)", "Question's result (←/→)"),
        W::DoneRegistered => ("Обращение зарегистрировано", "Appeal registered"),
        W::DoneAnswered => ("Ответ записан", "Answer recorded"),
        W::FieldExtendDays => (
            "На сколько дней продлить (не более 30 всего)",
            "Days to add (30 at most in all)",
        ),
        W::FieldNoticeDate => ("Дата уведомления заявителя", "Applicant notified on"),
        W::ExtendAppealTitle => ("Продление срока рассмотрения", "Extend the deadline"),
        W::DoneExtended => ("Срок продлён", "Deadline extended"),
        W::FieldReceivedBy => (
            "Кто принял (руководитель или член группы)",
            "Received by (the group's leader or a member)",
        ),
        W::FieldIdentityChecked => ("Личность удостоверена (←/→)", "Identity checked (←/→)"),
        W::FieldReceptionDate => ("Дата приёма", "Date of reception"),
        W::FieldCardContent => ("Краткое содержание вопроса", "The question in brief"),
        W::FieldOralAnswer => ("Устный ответ, если дан", "Oral answer, if given"),
        W::FieldOnControl => (
            "На контроле с поручением (←/→)",
            "On control with an assignment (←/→)",
        ),
        W::NewCardTitle => ("Карточка личного приёма", "Personal reception card"),
        W::CardToAppealTitle => (
            "Зарегистрировать как письменное обращение?",
            "Register as a written appeal?",
        ),
        W::DoneCard => ("Карточка сохранена", "Card saved"),
        W::CardHint => (
            "Исполнитель и срок — только если вопрос ставится на контроль",
            "Executor and deadline only if the question is put on control",
        ),

        W::RegisterHint => (
            "Срок ответа — 30 дней с регистрации (ст. 12 59-ФЗ); номер даст сервер",
            "The answer is due 30 days after registration (59-FZ art. 12); the server numbers it",
        ),
        _ => return None,
    })
}
