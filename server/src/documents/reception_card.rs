//! The personal reception card in the form of 59-FZ art. 13: who received the citizen, the
//! citizen (for roles allowed to see personal data; otherwise a copy openly depersonalised), the
//! oral appeal, its outcome, and the official's and the citizen's signatures.

use infogroups_shared::names::{self, Lang};
use infogroups_shared::pb;

use super::model::{Block, Document, Signer, Status};
use super::sources::{Sources, date, file_stem};

/// The card; `number` is the office's number of the card, `citizen` the applicant when the
/// caller may see them (`None` makes the depersonalised copy).
pub fn reception_card(
    c: &pb::ReceptionCard,
    number: &str,
    citizen: Option<&pb::Citizen>,
    s: &Sources,
) -> Document {
    let mut d = Document::new(
        "КАРТОЧКА",
        "личного приёма гражданина",
        date(c.date.as_ref()),
    );
    d.number = number.to_string();
    d.status = Status::Issued;
    d.file_stem = file_stem(&[
        "reception-card",
        number,
        if citizen.is_some() {
            ""
        } else {
            "depersonalised"
        },
    ]);
    let group = s.groups.get(&c.group_id).map(|g| g.number).unwrap_or(0);
    d.body
        .push(Block::labelled("Дата приёма:", date(c.date.as_ref())));
    d.body
        .push(Block::labelled("Место приёма:", c.place.clone()));
    let receiver = {
        let pos = s.user_position(c.received_by);
        let name = s.user_name(c.received_by);
        if pos.is_empty() {
            name
        } else {
            format!("{name}, {pos}")
        }
    };
    d.body.push(Block::labelled("Приём провёл:", receiver));
    if group != 0 {
        d.body.push(Block::labelled(
            "В ходе выездной встречи:",
            format!("информационной группы № {group}"),
        ));
    }
    match citizen {
        Some(z) => {
            let fio = [
                z.surname.as_str(),
                z.first_name.as_str(),
                z.patronymic.as_str(),
            ]
            .iter()
            .filter(|t| !t.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
            d.body.push(Block::labelled("Фамилия, имя, отчество:", fio));
            d.body.push(Block::labelled(
                "Адрес:",
                if z.postal_address.is_empty() {
                    "не указан".to_string()
                } else {
                    z.postal_address.clone()
                },
            ));
            if !z.contact.is_empty() {
                d.body.push(Block::labelled("Телефон:", z.contact.clone()));
            }
        }
        None => d.body.push(Block::labelled(
            "Заявитель:",
            "КОПИЯ ОБЕЗЛИЧЕНА — фамилия, имя, отчество и адрес гражданина не приводятся \
             (Федеральный закон от 27.07.2006 № 152-ФЗ «О персональных данных»).",
        )),
    }
    d.body.push(Block::labelled(
        "Документ, удостоверяющий личность, предъявлен:",
        if c.identity_checked { "да" } else { "нет" },
    ));
    d.body.push(Block::labelled(
        "Содержание устного обращения:",
        c.content.clone(),
    ));
    d.body.push(Block::labelled(
        "Вопрос по классификатору:",
        s.code(&c.classifier_code),
    ));
    d.body.push(Block::labelled(
        "Вид вопроса:",
        names::question_type(
            Lang::Ru,
            pb::QuestionType::try_from(c.question_type).unwrap_or_default(),
        ),
    ));
    let outcome = if c.oral_answer_given {
        format!(
            "с согласия гражданина дан устный ответ по существу: {}",
            c.oral_answer
        )
    } else if c.on_control {
        format!(
            "будет дан письменный ответ по существу поставленных вопросов в срок до {}; \
             исполнитель — {}",
            date(c.deadline.as_ref()),
            s.user_name(c.executor_id)
        )
    } else {
        "будет дан письменный ответ по существу поставленных вопросов".to_string()
    };
    d.body.push(Block::labelled("Результат приёма:", outcome));
    d.body.push(Block::labelled(
        "Результат рассмотрения:",
        names::question_result(
            Lang::Ru,
            pb::QuestionResult::try_from(c.result).unwrap_or_default(),
        ),
    ));
    let position = {
        let p = s.user_position(c.received_by);
        if p.is_empty() {
            "Должностное лицо, проводившее приём".to_string()
        } else {
            p
        }
    };
    d.signers
        .push(Signer::new(position, &s.user_name(c.received_by)));
    let citizen_name = citizen
        .map(|z| names::signature_name(&format!("{} {} {}", z.surname, z.first_name, z.patronymic)))
        .unwrap_or_default();
    d.signers.push(Signer {
        position: "С содержанием карточки ознакомлен(а), гражданин".into(),
        name: citizen_name,
    });
    d.executor = s.executor_mark(c.received_by);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::protocol::tests::sources;

    fn card() -> pb::ReceptionCard {
        pb::ReceptionCard {
            date: Some(pb::Date {
                year: 2026,
                month: 12,
                day: 2,
            }),
            place: "МБОУ СОШ № 3, выездная встреча".into(),
            group_id: 10,
            received_by: 1,
            content: "Просит восстановить освещение во дворе дома".into(),
            classifier_code: "0005.0005.0056.1156".into(),
            question_type: pb::QuestionType::Application as i32,
            identity_checked: true,
            on_control: true,
            executor_id: 4,
            deadline: Some(pb::Date {
                year: 2026,
                month: 12,
                day: 30,
            }),
            ..Default::default()
        }
    }

    fn citizen() -> pb::Citizen {
        pb::Citizen {
            surname: "Иванов".into(),
            first_name: "Пётр".into(),
            patronymic: "Сергеевич".into(),
            postal_address: "ул. Ленина, 5, кв. 2".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_card_names_the_applicant_for_those_allowed() {
        let z = citizen();
        let text = reception_card(&card(), "ЛП-3-2026/1", Some(&z), &sources()).plain_text();
        assert!(text.contains("Иванов Пётр Сергеевич"), "{text}");
        assert!(text.contains("ул. Ленина, 5, кв. 2"));
        assert!(text.contains("Вид вопроса: Заявление"), "{text}");
        assert!(!text.contains("ОБЕЗЛИЧЕНА"));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn the_copy_for_others_says_openly_it_is_depersonalised() {
        let text = reception_card(&card(), "ЛП-3-2026/1", None, &sources()).plain_text();
        assert!(text.contains("КОПИЯ ОБЕЗЛИЧЕНА"));
        assert!(!text.contains("Иванов Пётр") && !text.contains("П.С. Иванов"));
        assert!(!text.contains("ул. Ленина, 5"));
        insta::assert_snapshot!(text);
    }
}
