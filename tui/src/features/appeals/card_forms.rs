//! The personal reception card's forms: filling a card, and making a written appeal of it.
//! The server checks everything again; the fields are named after the request's fields so its
//! errors land under the right one.

use infogroups_shared::names::Lang;
use infogroups_shared::pb;
use infogroups_shared::validate::FieldError;

use crate::features::appeals::forms::{TYPES, question_type_field};
use crate::msg::call::Call;
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{
    Field, FieldKind as K, FormSpec, Target, choice_of, date_field, group_by_number, kept_as,
    user_id, value,
};

/// The reception card's fields (a citizen received in person at a meeting or by the department).
pub fn card_fields(territories: &[(u64, String)], lang: Lang) -> Vec<Field> {
    let options = |names: Vec<&str>| names.into_iter().map(str::to_string).collect::<Vec<_>>();
    let mut territory = vec!["—".to_string()];
    territory.extend(territories.iter().map(|(_, n)| n.clone()));
    let yes_no = || options(vec![W::No.get(lang), W::Yes.get(lang)]);
    let mut identity = Field::choice("identity_checked", W::FieldIdentityChecked, yes_no());
    identity.choice = 1;
    vec![
        Field::new("date", W::FieldReceptionDate, K::Date, true),
        Field::new("place", W::Place, K::Line, true),
        Field::new("group_id", W::FieldCardGroup, K::Line, true),
        Field::new("received_by", W::FieldReceivedBy, K::Person, true),
        Field::choice("territory_id", W::FieldTerritory, territory),
        Field::new("surname", W::FieldSurname, K::Line, true),
        Field::new("first_name", W::FieldFirstName, K::Line, true),
        Field::new("patronymic", W::FieldPatronymic, K::Line, false),
        Field::new("postal_address", W::FieldAddress, K::Line, false),
        identity,
        Field::new("content", W::FieldCardContent, K::Text, true),
        Field::new(
            "classifier_code",
            W::FieldClassifierCode,
            K::Classifier,
            true,
        ),
        question_type_field("question_type", lang),
        Field::new("oral_answer", W::FieldOralAnswer, K::Text, false),
        Field::choice("on_control", W::FieldOnControl, yes_no()),
        Field::new("executor_id", W::FieldExecutor, K::Person, false),
        Field::new("deadline", W::FieldDeadline, K::Date, false).deadline(),
    ]
}

/// The new reception card from the form.
pub fn card_call(
    request_id: &str,
    territories: &[(u64, String)],
    fields: &[Field],
    ctx: &Ctx<'_>,
) -> Result<Call, FieldError> {
    let v = |name| value(fields, name).to_string();
    let on_control = choice_of(fields, "on_control") == 1;
    let (executor_id, deadline) = if on_control {
        (
            user_id(ctx, "executor_id", value(fields, "executor_id"))?,
            Some(date_field("deadline", value(fields, "deadline"))?),
        )
    } else {
        (0, None)
    };
    let territory_id = match choice_of(fields, "territory_id") {
        0 => 0,
        i => territories.get(i - 1).map_or(0, |(id, _)| *id),
    };
    let oral_answer = v("oral_answer");
    let card = pb::ReceptionCard {
        date: Some(date_field("date", value(fields, "date"))?),
        place: v("place"),
        group_id: group_by_number(ctx, "group_id", value(fields, "group_id"))?,
        received_by: user_id(ctx, "received_by", value(fields, "received_by"))?,
        citizen: Some(pb::Citizen {
            surname: v("surname"),
            first_name: v("first_name"),
            patronymic: v("patronymic"),
            postal_address: v("postal_address"),
            ..Default::default()
        }),
        content: v("content"),
        classifier_code: v("classifier_code"),
        question_type: TYPES[choice_of(fields, "question_type") % TYPES.len()] as i32,
        identity_checked: choice_of(fields, "identity_checked") == 1,
        oral_answer_given: !oral_answer.is_empty(),
        oral_answer,
        on_control,
        executor_id,
        deadline,
        territory_id,
        ..Default::default()
    };
    Ok(Call::SaveCard(Box::new(pb::SaveReceptionCardRequest {
        request_id: request_id.to_string(),
        expected_version: 0,
        card: Some(card),
    })))
}

/// Fill a personal reception card.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SaveCard {
    /// One id for every send of this form.
    pub request_id: String,
    /// The territories the choice offers after «—».
    pub territories: Vec<(u64, String)>,
}

impl FormSpec for SaveCard {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("save_card", self)
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        card_fields(&self.territories, lang)
    }

    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        card_call(&self.request_id, &self.territories, fields, ctx)
    }

    fn done(&self) -> W {
        W::DoneCard
    }
}

/// Make a written appeal of a reception card.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CardToAppeal {
    /// The card.
    pub id: u64,
    /// The version the user saw.
    pub version: u64,
    /// One id for every send of this confirmation.
    pub request_id: String,
}

impl FormSpec for CardToAppeal {
    fn kept(&self) -> Option<(&'static str, serde_json::Value)> {
        kept_as("card_to_appeal", self)
    }

    fn fields(&self, _lang: Lang) -> Vec<Field> {
        Vec::new()
    }

    fn call(&self, _fields: &[Field], _ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        Ok(Call::CardToAppeal(pb::CardToAppealRequest {
            request_id: self.request_id.clone(),
            card_id: self.id,
            expected_version: self.version,
        }))
    }

    fn done(&self) -> W {
        W::DoneRegistered
    }

    fn target(&self) -> Option<Target> {
        Some(Target::Card(self.id))
    }

    fn set_version(&mut self, v: u64) {
        self.version = v;
    }
}
