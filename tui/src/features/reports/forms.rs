//! The form of a chosen period: the first and the last day a report counts, typed as dates are
//! everywhere (short forms too), checked by the rule the server applies.

use chrono::NaiveDate;
use infogroups_shared::names::Lang;
use infogroups_shared::validate::{self, FieldError};
use infogroups_shared::{date_input, periods};

use crate::msg::Msg;
use crate::msg::call::{Call, ReportKind};
use crate::strings::work::W;
use crate::ui::Ctx;
use crate::ui::form_engine::{Field, FieldKind as K, FormSpec, value};

/// The days a report tab of `kind` is to show, from its current ones.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportPeriod {
    /// The report tab.
    pub kind: ReportKind,
    /// The first day shown now.
    pub from: NaiveDate,
    /// The last day shown now.
    pub to: NaiveDate,
}

impl ReportPeriod {
    /// The days typed, checked.
    fn days(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<(NaiveDate, NaiveDate), FieldError> {
        let day = |name: &'static str| {
            date_input::read(value(fields, name), ctx.today)
                .map_err(|e| FieldError::new(name, e.ru(), e.en()))
        };
        let (from, to) = (day("period.from")?, day("period.to")?);
        periods::check(from, to, "period")?;
        Ok((from, to))
    }
}

impl FormSpec for ReportPeriod {
    fn fields(&self, _lang: Lang) -> Vec<Field> {
        let shown = |d: NaiveDate| d.format("%d.%m.%Y").to_string();
        vec![
            Field::new("period.from", W::FieldPeriodFrom, K::Date, true).with(shown(self.from)),
            Field::new("period.to", W::FieldPeriodTo, K::Date, true).with(shown(self.to)),
        ]
    }

    /// The tab asks for the figures itself, with its grouping: the form only sets the days.
    fn local(&self, fields: &[Field], ctx: &Ctx<'_>) -> Option<Result<Msg, FieldError>> {
        Some(self.days(fields, ctx).map(|(from, to)| Msg::ReportPeriod {
            kind: self.kind,
            from,
            to,
        }))
    }

    /// The aggregate over the days typed (what the tab then asks for, grouped its way).
    fn call(&self, fields: &[Field], ctx: &Ctx<'_>) -> Result<Call, FieldError> {
        let (from, to) = self.days(fields, ctx)?;
        Ok(Call::Aggregate(infogroups_shared::pb::AggregateRequest {
            period: Some(infogroups_shared::pb::DateRange {
                from: Some(validate::from_naive(from)),
                to: Some(validate::from_naive(to)),
            }),
            ..Default::default()
        }))
    }

    fn done(&self) -> W {
        W::PeriodTitle
    }
}
