//! The reminders of records other than suggestions, written by the
//! scheduler: rectification deadlines, reception duty tomorrow, livelihood
//! votes closing today. The domain ([`renda_domain::reminders`]) says
//! which reminder each record calls for and how it is keyed; this reads
//! the records whose dates may call for one, with the facts it needs, and
//! writes the notices, each once per person.

use chrono::{Days, NaiveDate};
use renda_domain::deputy::MembershipStatus;
use renda_domain::notice::{Subject, SubjectKind, label};
use renda_domain::reminders;
use renda_domain::tasks::{PROBLEMS_WAITING, RECTIFYING, ROUND_VOTING};
use sea_orm::StatementBuilder;
use sea_orm::sea_query::{Alias, Cond, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::Store;
use crate::entities::{
    congress_session as cs, deputy_membership as dm, livelihood_round as lr,
    livelihood_voter as lv, reception_day as rd, reception_deputy as rp, station as st,
};
use crate::error::StoreResult;
use crate::tasks::col;

#[derive(Debug, FromQueryResult)]
struct Rectifying {
    item_id: Uuid,
    title: String,
    unit_id: Uuid,
    deadline: NaiveDate,
}

impl Store {
    /// Writes the reminders of supervision, stations and livelihood votes
    /// due on `today`; returns how many notifications were new.
    pub async fn write_record_reminders(&self, today: NaiveDate) -> StoreResult<u64> {
        let mut written = 0;
        written += self.rectification_reminders(today).await?;
        written += self.reception_reminders(today).await?;
        written += self.voting_reminders(today).await?;
        Ok(written)
    }

    /// Opinions of items rectifying, due in the window, whose problems
    /// wait for the body's report.
    async fn rectification_reminders(&self, today: NaiveDate) -> StoreResult<u64> {
        let (from, until) = reminders::deadline_window(today);
        let waiting: Vec<&str> = PROBLEMS_WAITING.iter().map(|s| s.as_str()).collect();
        let mut problems = Query::select();
        problems
            .expr(Expr::val(1))
            .from(Alias::new("supervision_problems"))
            .and_where(
                col("supervision_problems", "opinion_id")
                    .equals((Alias::new("supervision_opinions"), Alias::new("id"))),
            )
            .and_where(col("supervision_problems", "status").is_in(waiting));
        let mut q = Query::select();
        q.from(Alias::new("supervision_opinions"))
            .inner_join(
                Alias::new("supervision_items"),
                Cond::all()
                    .add(
                        col("supervision_items", "id")
                            .equals((Alias::new("supervision_opinions"), Alias::new("item_id"))),
                    )
                    .add(col("supervision_items", "stage").eq(RECTIFYING.as_str())),
            )
            .expr_as(col("supervision_items", "id"), Alias::new("item_id"))
            .expr_as(col("supervision_items", "title"), Alias::new("title"))
            .expr_as(
                col("supervision_opinions", "unit_id"),
                Alias::new("unit_id"),
            )
            .expr_as(
                col("supervision_opinions", "deadline"),
                Alias::new("deadline"),
            )
            .and_where(col("supervision_opinions", "deadline").gte(from))
            .and_where(col("supervision_opinions", "deadline").lte(until))
            .and_where(Expr::exists(problems));
        let b = self.db.get_database_backend();
        let rows = Rectifying::find_by_statement(StatementBuilder::build(&q, &b))
            .all(&self.db)
            .await?;
        let mut written = 0;
        for r in rows {
            let item = Subject {
                kind: SubjectKind::Supervision,
                id: r.item_id,
                label: label(None, &r.title),
            };
            if let Some(n) = reminders::rectification(item, r.unit_id.into(), r.deadline, today) {
                written += crate::notifications::write(&self.db, &n).await?;
            }
        }
        Ok(written)
    }

    /// Reception days tomorrow not recorded, to the deputies on duty.
    async fn reception_reminders(&self, today: NaiveDate) -> StoreResult<u64> {
        let Some(tomorrow) = today.checked_add_days(Days::new(1)) else {
            return Ok(0);
        };
        let days = rd::Entity::find()
            .filter(rd::Column::Day.eq(tomorrow))
            .filter(rd::Column::RecordedAt.is_null())
            .order_by_asc(rd::Column::Id)
            .all(&self.db)
            .await?;
        let mut written = 0;
        for d in days {
            let Some(station) = st::Entity::find_by_id(d.station_id)
                .filter(st::Column::DeletedAt.is_null())
                .one(&self.db)
                .await?
            else {
                continue;
            };
            let on_duty: Vec<Uuid> = rp::Entity::find()
                .filter(rp::Column::ReceptionId.eq(d.id))
                .select_only()
                .column(rp::Column::DeputyId)
                .into_tuple()
                .all(&self.db)
                .await?;
            let on_duty: Vec<_> = on_duty.into_iter().map(Into::into).collect();
            let subject = Subject {
                kind: SubjectKind::Station,
                id: station.id,
                label: label(None, &station.name),
            };
            if let Some(n) = reminders::reception_tomorrow(subject, d.day, &on_duty, today) {
                written += crate::notifications::write(&self.db, &n).await?;
            }
        }
        Ok(written)
    }

    /// Livelihood votes held at a session closing today, to the serving
    /// deputies of the round's congress who have not voted.
    async fn voting_reminders(&self, today: NaiveDate) -> StoreResult<u64> {
        let rounds = lr::Entity::find()
            .filter(lr::Column::Stage.eq(ROUND_VOTING.as_str()))
            .filter(lr::Column::CongressSessionId.is_not_null())
            .order_by_asc(lr::Column::Id)
            .all(&self.db)
            .await?;
        let mut written = 0;
        for r in rounds {
            let Some(session) = r.congress_session_id else {
                continue;
            };
            let Some(s) = cs::Entity::find_by_id(session).one(&self.db).await? else {
                continue;
            };
            if s.closes_on != today {
                continue;
            }
            let mut voted = Query::select();
            voted
                .column(lv::Column::DeputyId)
                .from(lv::Entity)
                .and_where(Expr::col(lv::Column::RoundId).eq(r.id));
            let not_voted: Vec<Uuid> = dm::Entity::find()
                .filter(dm::Column::Level.eq(r.level.clone()))
                .filter(dm::Column::Term.eq(r.term.clone()))
                .filter(dm::Column::Status.eq(MembershipStatus::Serving.as_str()))
                .filter(dm::Column::DeputyId.not_in_subquery(voted))
                .select_only()
                .column(dm::Column::DeputyId)
                .distinct()
                .into_tuple()
                .all(&self.db)
                .await?;
            let not_voted: Vec<_> = not_voted.into_iter().map(Into::into).collect();
            let subject = Subject {
                kind: SubjectKind::LivelihoodRound,
                id: r.id,
                label: label(None, &r.title),
            };
            if let Some(n) = reminders::voting_closes_today(subject, s.closes_on, &not_voted, today)
            {
                written += crate::notifications::write(&self.db, &n).await?;
            }
        }
        Ok(written)
    }
}
