//! The rows of a suggestions export: the columns the export shows and no
//! others. A whole suggestion has fifty columns, its text among them, and
//! three kinds of children; building those for each row was most of an
//! export's time (bench/README.md, ninth part).

use chrono::{DateTime, NaiveDate, Utc};
use renda_domain::suggestion::{Color, EvaluationResult, ReplyCategory, SuggestionStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{FromQueryResult, QuerySelect, Select};
use uuid::Uuid;

use super::{C, SuggestionEntity, SuggestionFilter, SuggestionVisibility};
use crate::Store;
use crate::error::{StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

/// One suggestion as an export lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestionExportRow {
    pub id: Uuid,
    pub number: Option<String>,
    pub title: String,
    pub category: String,
    pub term: String,
    pub lead_deputy_id: Uuid,
    pub status: SuggestionStatus,
    pub color: Option<Color>,
    pub lead_unit_id: Option<Uuid>,
    pub assigned_on: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub replied_at: Option<DateTime<Utc>>,
    /// The category of the latest round's reply.
    pub reply_category: Option<ReplyCategory>,
    pub evaluation_result: Option<EvaluationResult>,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// The row as read, with the keys paging needs.
#[derive(FromQueryResult)]
struct Stored {
    id: Uuid,
    number: Option<String>,
    title: String,
    category: String,
    term: String,
    lead_deputy_id: Uuid,
    status: String,
    color: Option<String>,
    lead_unit_id: Option<Uuid>,
    assigned_on: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
    replied_at: Option<DateTime<Utc>>,
    x_reply_category: Option<String>,
    evaluation_result: Option<String>,
    submitted_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
}

/// The latest round's reply category, the reply [`super::children`] keeps.
const REPLY_CATEGORY: &str = r#"(SELECT r.category FROM suggestion_replies r WHERE r.suggestion_id = "suggestions"."id" ORDER BY r.round DESC LIMIT 1)"#;

fn columns(select: Select<SuggestionEntity>) -> Select<SuggestionEntity> {
    select
        .select_only()
        .columns([
            C::Id,
            C::Number,
            C::Title,
            C::Category,
            C::Term,
            C::LeadDeputyId,
            C::Status,
            C::Color,
            C::LeadUnitId,
            C::AssignedOn,
            C::Deadline,
            C::RepliedAt,
            C::EvaluationResult,
            C::SubmittedAt,
            C::UpdatedAt,
            C::DeletedAt,
        ])
        .column_as(Expr::cust(REPLY_CATEGORY), "x_reply_category")
}

impl TryFrom<Stored> for SuggestionExportRow {
    type Error = crate::StoreError;
    fn try_from(s: Stored) -> StoreResult<Self> {
        Ok(Self {
            id: s.id,
            number: s.number,
            title: s.title,
            category: s.category,
            term: s.term,
            lead_deputy_id: s.lead_deputy_id,
            status: parse_stored(&s.status)?,
            color: s.color.as_deref().map(parse_stored).transpose()?,
            lead_unit_id: s.lead_unit_id,
            assigned_on: s.assigned_on,
            deadline: s.deadline,
            replied_at: s.replied_at,
            reply_category: s
                .x_reply_category
                .as_deref()
                .map(parse_stored)
                .transpose()?,
            evaluation_result: s
                .evaluation_result
                .as_deref()
                .map(parse_stored)
                .transpose()?,
            submitted_at: s.submitted_at,
        })
    }
}

impl Store {
    /// A page of the suggestions [`Store::list_suggestions`] lists with the
    /// same visibility, filters and options, as export rows.
    pub async fn export_suggestions(
        &self,
        vis: &SuggestionVisibility,
        f: &SuggestionFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<SuggestionExportRow>> {
        self.listing(vis, f, opts, async |q| self.export_page(q, opts).await)
            .await
    }

    async fn export_page(
        &self,
        q: Select<SuggestionEntity>,
        opts: &ListOptions,
    ) -> StoreResult<Page<SuggestionExportRow>> {
        let page = list::paginate_as(
            &self.db,
            q,
            super::listing::KEYS,
            opts,
            columns,
            |r: &Stored| (r.id, r.updated_at, r.deleted_at),
        )
        .await?;
        page.try_map(SuggestionExportRow::try_from)
    }
}
