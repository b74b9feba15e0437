//! Deputies' suggestions. Handlers decide (through the domain's state
//! machine and the permission module) what a suggestion becomes; this
//! module writes the new state together with its side records, its
//! timeline event and its audit entry in one transaction, and only if
//! nobody changed the suggestion meanwhile.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use renda_domain::suggestion::{
    CoSigner, CoUnit, Color, EvaluationResult, Reply, ReplyCategory, Suggestion, SuggestionStatus,
    format_number,
};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::suggestion::{self, Column as C, Entity as SuggestionEntity};
use crate::entities::{
    suggestion_assignment as sa, suggestion_attachment as att, suggestion_category as cat,
    suggestion_co_signer as cs, suggestion_co_unit as cu, suggestion_commitment as cm,
    suggestion_counter as counter, suggestion_event as ev, suggestion_record as rec,
    suggestion_reply as rp, suggestion_request as rq,
};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

const OBJECT: &str = "suggestion";

/// The outbox event of a change of `s`: the office learns of everything
/// past the draft stage, a unit of what happens while the suggestion is
/// with it, as the suggestion's visibility rules say.
fn outbox_event(
    s: &Suggestion,
    from: Option<SuggestionStatus>,
    action: &str,
) -> crate::integration::EventDraft {
    let units = if renda_domain::suggestion::UNIT_VISIBLE.contains(&s.status) {
        s.lead_unit_id
            .into_iter()
            .chain(s.co_units.iter().map(|c| c.unit_id))
            .collect()
    } else {
        Vec::new()
    };
    crate::integration::EventDraft {
        object_type: OBJECT,
        object_id: s.id,
        action: action.to_owned(),
        data: serde_json::json!({
            "number": s.number,
            "from_status": from,
            "status": s.status,
            "lead_unit_id": s.lead_unit_id,
            "deadline": s.deadline,
        }),
        audience: renda_domain::integration::Audience {
            office: s.status != SuggestionStatus::Draft,
            units,
        },
    }
}

/// Which suggestions a caller sees: a union of conditions (see the
/// permission module's `Visibility`, from which this is made).
#[derive(Debug, Clone, Default)]
pub struct SuggestionVisibility {
    pub published: bool,
    pub deputy: Option<Uuid>,
    pub submitted: bool,
    pub unit: Option<Uuid>,
    pub unit_statuses: Vec<SuggestionStatus>,
}

/// Filters of the suggestion listing.
#[derive(Debug, Clone, Default)]
pub struct SuggestionFilter {
    pub status: Option<SuggestionStatus>,
    pub color: Option<Color>,
    pub category: Option<String>,
    /// Lead unit or co-unit.
    pub unit_id: Option<Uuid>,
    /// Lead deputy or active co-signer.
    pub deputy_id: Option<Uuid>,
    pub term: Option<String>,
    /// The year of registration (the year in `number`), or of creation for
    /// unregistered ones.
    pub year: Option<i32>,
    /// Overdue on this day (true) or not overdue (false).
    pub overdue: Option<(bool, NaiveDate)>,
    pub q: Option<String>,
    pub outstanding: Option<bool>,
}

/// A new draft.
#[derive(Debug, Clone)]
pub struct NewSuggestion {
    pub title: String,
    pub content: String,
    pub category: String,
    pub term: String,
    pub session: Option<String>,
    pub timing: renda_domain::suggestion::SessionTiming,
    pub lead_deputy_id: Uuid,
    pub co_signers: Vec<Uuid>,
    pub source: renda_domain::suggestion::SuggestionSource,
    pub source_ref: Option<String>,
    pub created_by: Uuid,
}

/// A timeline entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_status: Option<SuggestionStatus>,
    pub to_status: Option<SuggestionStatus>,
    pub detail: Option<serde_json::Value>,
}

/// A record kept on a suggestion: an on-site verification or a leader's
/// supervision note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuggestionRecord {
    pub id: Uuid,
    pub kind: String,
    pub occurred_on: NaiveDate,
    pub participants: Option<String>,
    pub content: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A unit's request: hand the suggestion back, or more time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRequest {
    pub id: Uuid,
    pub unit_id: Uuid,
    /// `reassignment` or `extension`.
    pub kind: String,
    pub reason: String,
    pub requested_deadline: Option<NaiveDate>,
    /// `pending`, `approved` or `denied`.
    pub status: String,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A commitment opened by a category B reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commitment {
    pub id: Uuid,
    pub reply_id: Uuid,
    pub content: String,
    pub due_date: Option<NaiveDate>,
    /// `open` or `fulfilled`.
    pub status: String,
    pub progress: Option<String>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// One lead unit's time holding a suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignmentSpell {
    pub id: Uuid,
    pub lead_unit_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
}

/// Rows written alongside a change of a suggestion.
#[derive(Debug, Clone)]
pub enum SideWrite {
    /// A new lead unit takes over; an open spell ends with `reason`.
    Assignment {
        lead_unit_id: Uuid,
        end_reason: Option<String>,
    },
    /// The reply and the user who entered it.
    Reply(Reply, Uuid),
    Commitment {
        reply_id: Uuid,
        content: String,
        due_date: Option<NaiveDate>,
    },
    CommitmentProgress {
        id: Uuid,
        progress: String,
        fulfilled: bool,
    },
    Record {
        kind: &'static str,
        occurred_on: NaiveDate,
        participants: Option<String>,
        content: String,
        by: Uuid,
    },
    Request {
        unit_id: Uuid,
        kind: &'static str,
        reason: String,
        requested_deadline: Option<NaiveDate>,
        by: Uuid,
    },
    Decide {
        request_id: Uuid,
        approved: bool,
        by: Uuid,
        note: Option<String>,
    },
    CoUnitOpinion {
        unit_id: Uuid,
        opinion: String,
    },
    Attachment(Attachment),
    /// A duty performed with this change (a submission, a co-signature).
    Duty(crate::duties::NewDuty),
}

/// A file attached to a suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub id: Uuid,
    /// `material` (the deputy's) or `reply_letter` (the lead unit's).
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// The timeline event of a change.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: &'static str,
    pub detail: Option<serde_json::Value>,
}

fn to_model(s: &Suggestion) -> suggestion::ActiveModel {
    suggestion::ActiveModel {
        id: Set(s.id),
        number: Set(s.number.clone()),
        title: Set(s.title.clone()),
        content: Set(s.content.clone()),
        category: Set(s.category.clone()),
        term: Set(s.term.clone()),
        session: Set(s.session.clone()),
        timing: Set(s.timing.as_str().to_owned()),
        lead_deputy_id: Set(s.lead_deputy_id),
        source: Set(s.source.as_str().to_owned()),
        source_ref: Set(s.source_ref.clone()),
        status: Set(s.status.as_str().to_owned()),
        color: Set(s.color.map(|c| c.as_str().to_owned())),
        lead_unit_id: Set(s.lead_unit_id),
        supervisor_id: Set(s.supervisor_id),
        assigned_on: Set(s.assigned_on),
        deadline: Set(s.deadline),
        overdue_recorded: Set(s.overdue_recorded),
        submitted_at: Set(s.submitted_at),
        registered_at: Set(s.registered_at),
        assigned_at: Set(s.assigned_at),
        replied_at: Set(s.replied_at),
        replied_on_time: Set(s.replied_on_time),
        closed_at: Set(s.closed_at),
        reject_reason: Set(s.reject_reason.clone()),
        evaluation_result: Set(s.evaluation_result.map(|e| e.as_str().to_owned())),
        evaluation_comment: Set(s.evaluation_comment.clone()),
        evaluated_at: Set(s.evaluated_at),
        signed_off_at: Set(s.signed_off_at),
        signed_off_by: Set(s.signed_off_by),
        published_at: Set(s.published_at),
        outstanding: Set(s.outstanding),
        outstanding_reason: Set(s.outstanding_reason.clone()),
        created_by: Set(s.created_by),
        created_at: Set(s.created_at),
        updated_at: Set(s.updated_at),
        deleted_at: Set(s.deleted_at),
        version: Set(s.version),
    }
}

fn reply_from(m: rp::Model) -> StoreResult<Reply> {
    Ok(Reply {
        id: m.id,
        round: m.round,
        unit_id: m.unit_id,
        category: m
            .category
            .parse::<ReplyCategory>()
            .map_err(|e| StoreError::Db(sea_orm::DbErr::Type(e.to_string())))?,
        content: m.content,
        document_number: m.document_number,
        signed_by: m.signed_by,
        responsible_person: m.responsible_person,
        handler_name: m.handler_name,
        handler_phone: m.handler_phone,
        reply_date: m.reply_date,
        created_at: m.created_at,
    })
}

struct Children {
    co_signers: HashMap<Uuid, Vec<CoSigner>>,
    co_units: HashMap<Uuid, Vec<CoUnit>>,
    replies: HashMap<Uuid, Reply>,
}

async fn children<Conn: ConnectionTrait>(c: &Conn, ids: &[Uuid]) -> StoreResult<Children> {
    let mut out = Children {
        co_signers: HashMap::new(),
        co_units: HashMap::new(),
        replies: HashMap::new(),
    };
    if ids.is_empty() {
        return Ok(out);
    }
    for m in cs::Entity::find()
        .filter(cs::Column::SuggestionId.is_in(ids.iter().copied()))
        .order_by_asc(cs::Column::Position)
        .all(c)
        .await?
    {
        out.co_signers
            .entry(m.suggestion_id)
            .or_default()
            .push(CoSigner {
                deputy_id: m.deputy_id,
                withdrawn_at: m.withdrawn_at,
            });
    }
    for m in cu::Entity::find()
        .filter(cu::Column::SuggestionId.is_in(ids.iter().copied()))
        .order_by_asc(cu::Column::UnitId)
        .all(c)
        .await?
    {
        out.co_units
            .entry(m.suggestion_id)
            .or_default()
            .push(CoUnit {
                unit_id: m.unit_id,
                deadline: m.deadline,
                opinion: m.opinion,
                opinion_at: m.opinion_at,
            });
    }
    for m in rp::Entity::find()
        .filter(rp::Column::SuggestionId.is_in(ids.iter().copied()))
        .order_by_asc(rp::Column::Round)
        .all(c)
        .await?
    {
        let id = m.suggestion_id;
        out.replies.insert(id, reply_from(m)?);
    }
    Ok(out)
}

fn assemble(m: suggestion::Model, ch: &mut Children) -> StoreResult<Suggestion> {
    let id = m.id;
    Ok(Suggestion {
        id,
        number: m.number,
        title: m.title,
        content: m.content,
        category: m.category,
        term: m.term,
        session: m.session,
        timing: parse_stored(&m.timing)?,
        lead_deputy_id: m.lead_deputy_id,
        co_signers: ch.co_signers.remove(&id).unwrap_or_default(),
        source: parse_stored(&m.source)?,
        source_ref: m.source_ref,
        status: parse_stored(&m.status)?,
        color: m.color.as_deref().map(parse_stored).transpose()?,
        lead_unit_id: m.lead_unit_id,
        co_units: ch.co_units.remove(&id).unwrap_or_default(),
        supervisor_id: m.supervisor_id,
        assigned_on: m.assigned_on,
        deadline: m.deadline,
        overdue_recorded: m.overdue_recorded,
        submitted_at: m.submitted_at,
        registered_at: m.registered_at,
        assigned_at: m.assigned_at,
        replied_at: m.replied_at,
        replied_on_time: m.replied_on_time,
        closed_at: m.closed_at,
        reject_reason: m.reject_reason,
        reply: ch.replies.remove(&id),
        evaluation_result: m
            .evaluation_result
            .as_deref()
            .map(parse_stored::<EvaluationResult>)
            .transpose()?,
        evaluation_comment: m.evaluation_comment,
        evaluated_at: m.evaluated_at,
        signed_off_at: m.signed_off_at,
        signed_off_by: m.signed_off_by,
        published_at: m.published_at,
        outstanding: m.outstanding,
        outstanding_reason: m.outstanding_reason,
        created_by: m.created_by,
        created_at: m.created_at,
        updated_at: m.updated_at,
        deleted_at: m.deleted_at,
        version: m.version,
    })
}

async fn load<Conn: ConnectionTrait>(c: &Conn, id: Uuid) -> StoreResult<Suggestion> {
    let m = SuggestionEntity::find_by_id(id)
        .filter(C::DeletedAt.is_null())
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut ch = children(c, &[id]).await?;
    assemble(m, &mut ch)
}

async fn write_co_signers<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
    list: &[CoSigner],
) -> StoreResult<()> {
    cs::Entity::delete_many()
        .filter(cs::Column::SuggestionId.eq(id))
        .exec(c)
        .await?;
    if !list.is_empty() {
        let rows = list.iter().enumerate().map(|(i, x)| cs::ActiveModel {
            suggestion_id: Set(id),
            deputy_id: Set(x.deputy_id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            withdrawn_at: Set(x.withdrawn_at),
        });
        cs::Entity::insert_many(rows)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

async fn write_co_units<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
    list: &[CoUnit],
) -> StoreResult<()> {
    cu::Entity::delete_many()
        .filter(cu::Column::SuggestionId.eq(id))
        .exec(c)
        .await?;
    if !list.is_empty() {
        let rows = list.iter().map(|x| cu::ActiveModel {
            suggestion_id: Set(id),
            unit_id: Set(x.unit_id),
            deadline: Set(x.deadline),
            opinion: Set(x.opinion.clone()),
            opinion_at: Set(x.opinion_at),
        });
        cu::Entity::insert_many(rows)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// The next number of `year`: one counter row per year, incremented in
/// the registering transaction (the row lock orders concurrent ones).
async fn next_number<Conn: ConnectionTrait>(c: &Conn, year: i32) -> StoreResult<String> {
    counter::Entity::insert(counter::ActiveModel {
        year: Set(year),
        last_number: Set(0),
    })
    .on_conflict_do_nothing_on([counter::Column::Year])
    .exec(c)
    .await?;
    counter::Entity::update_many()
        .col_expr(
            counter::Column::LastNumber,
            Expr::col(counter::Column::LastNumber).add(1),
        )
        .filter(counter::Column::Year.eq(year))
        .exec(c)
        .await?;
    let row = counter::Entity::find_by_id(year)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(format_number(year, row.last_number))
}

async fn insert_event<Conn: ConnectionTrait>(
    c: &Conn,
    ctx: &AuditCtx,
    id: Uuid,
    from: Option<SuggestionStatus>,
    to: Option<SuggestionStatus>,
    event: &Event,
) -> StoreResult<()> {
    ev::ActiveModel {
        id: Set(Uuid::now_v7()),
        suggestion_id: Set(id),
        occurred_at: Set(renda_domain::time::now()),
        actor_id: Set(ctx.actor_id),
        actor_name: Set(ctx.actor_username.clone()),
        action: Set(event.action.to_owned()),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.map(|s| s.as_str().to_owned())),
        detail: Set(event.detail.as_ref().map(|d| d.to_string())),
    }
    .insert(c)
    .await?;
    Ok(())
}

async fn side_write<Conn: ConnectionTrait>(
    c: &Conn,
    crypto: &crate::crypto::Crypto,
    ctx: &AuditCtx,
    id: Uuid,
    w: SideWrite,
) -> StoreResult<()> {
    let now = renda_domain::time::now();
    match w {
        SideWrite::Assignment {
            lead_unit_id,
            end_reason,
        } => {
            sa::Entity::update_many()
                .col_expr(sa::Column::EndedAt, Expr::value(Some(now)))
                .col_expr(sa::Column::EndReason, Expr::value(end_reason))
                .filter(sa::Column::SuggestionId.eq(id))
                .filter(sa::Column::EndedAt.is_null())
                .exec(c)
                .await?;
            sa::ActiveModel {
                id: Set(Uuid::now_v7()),
                suggestion_id: Set(id),
                lead_unit_id: Set(lead_unit_id),
                started_at: Set(now),
                ended_at: Set(None),
                end_reason: Set(None),
            }
            .insert(c)
            .await?;
        }
        SideWrite::Reply(r, by) => {
            rp::ActiveModel {
                id: Set(r.id),
                suggestion_id: Set(id),
                round: Set(r.round),
                unit_id: Set(r.unit_id),
                category: Set(r.category.as_str().to_owned()),
                content: Set(r.content),
                document_number: Set(r.document_number),
                signed_by: Set(r.signed_by),
                responsible_person: Set(r.responsible_person),
                handler_name: Set(r.handler_name),
                handler_phone: Set(r.handler_phone),
                reply_date: Set(r.reply_date),
                created_by: Set(by),
                created_at: Set(r.created_at),
            }
            .insert(c)
            .await?;
        }
        SideWrite::Commitment {
            reply_id,
            content,
            due_date,
        } => {
            cm::ActiveModel {
                id: Set(Uuid::now_v7()),
                suggestion_id: Set(id),
                reply_id: Set(reply_id),
                content: Set(content),
                due_date: Set(due_date),
                status: Set("open".into()),
                progress: Set(None),
                fulfilled_at: Set(None),
                updated_at: Set(now),
            }
            .insert(c)
            .await?;
        }
        SideWrite::CommitmentProgress {
            id: cid,
            progress,
            fulfilled,
        } => {
            let res = cm::Entity::update_many()
                .col_expr(cm::Column::Progress, Expr::value(Some(progress)))
                .col_expr(
                    cm::Column::Status,
                    Expr::value(if fulfilled { "fulfilled" } else { "open" }),
                )
                .col_expr(
                    cm::Column::FulfilledAt,
                    Expr::value(fulfilled.then_some(now)),
                )
                .col_expr(cm::Column::UpdatedAt, Expr::value(now))
                .filter(cm::Column::Id.eq(cid))
                .filter(cm::Column::SuggestionId.eq(id))
                .filter(cm::Column::Status.eq("open"))
                .exec(c)
                .await?;
            if res.rows_affected != 1 {
                return Err(StoreError::Conflict("commitment_closed"));
            }
        }
        SideWrite::Record {
            kind,
            occurred_on,
            participants,
            content,
            by,
        } => {
            rec::ActiveModel {
                id: Set(Uuid::now_v7()),
                suggestion_id: Set(id),
                kind: Set(kind.to_owned()),
                occurred_on: Set(occurred_on),
                participants: Set(participants),
                content: Set(content),
                created_by: Set(by),
                created_at: Set(now),
            }
            .insert(c)
            .await?;
        }
        SideWrite::Request {
            unit_id,
            kind,
            reason,
            requested_deadline,
            by,
        } => {
            rq::ActiveModel {
                id: Set(Uuid::now_v7()),
                suggestion_id: Set(id),
                unit_id: Set(unit_id),
                kind: Set(kind.to_owned()),
                reason: Set(reason),
                requested_deadline: Set(requested_deadline),
                status: Set("pending".into()),
                decided_by: Set(None),
                decided_at: Set(None),
                decision_note: Set(None),
                created_by: Set(by),
                created_at: Set(now),
            }
            .insert(c)
            .await?;
        }
        SideWrite::Decide {
            request_id,
            approved,
            by,
            note,
        } => {
            let res = rq::Entity::update_many()
                .col_expr(
                    rq::Column::Status,
                    Expr::value(if approved { "approved" } else { "denied" }),
                )
                .col_expr(rq::Column::DecidedBy, Expr::value(Some(by)))
                .col_expr(rq::Column::DecidedAt, Expr::value(Some(now)))
                .col_expr(rq::Column::DecisionNote, Expr::value(note))
                .filter(rq::Column::Id.eq(request_id))
                .filter(rq::Column::SuggestionId.eq(id))
                .filter(rq::Column::Status.eq("pending"))
                .exec(c)
                .await?;
            if res.rows_affected != 1 {
                return Err(StoreError::Conflict("request_decided"));
            }
        }
        SideWrite::Duty(d) => {
            crate::duties::write_duty(c, crypto, ctx, d, false).await?;
        }
        SideWrite::Attachment(a) => {
            att::ActiveModel {
                id: Set(a.id),
                suggestion_id: Set(id),
                kind: Set(a.kind),
                file_name: Set(a.file_name),
                content_type: Set(a.content_type),
                size: Set(a.size),
                sha256: Set(a.sha256),
                uploaded_by: Set(a.uploaded_by),
                created_at: Set(a.created_at),
            }
            .insert(c)
            .await?;
        }
        SideWrite::CoUnitOpinion { unit_id, opinion } => {
            cu::Entity::update_many()
                .col_expr(cu::Column::Opinion, Expr::value(Some(opinion)))
                .col_expr(cu::Column::OpinionAt, Expr::value(Some(now)))
                .filter(cu::Column::SuggestionId.eq(id))
                .filter(cu::Column::UnitId.eq(unit_id))
                .exec(c)
                .await?;
        }
    }
    Ok(())
}

/// Inserts a new draft with its timeline event and audit entry on `c`.
pub(crate) async fn insert_suggestion<Conn: ConnectionTrait>(
    c: &Conn,
    crypto: &crate::crypto::Crypto,
    ctx: &AuditCtx,
    new: NewSuggestion,
) -> StoreResult<Suggestion> {
    let now = renda_domain::time::now();
    let s = Suggestion {
        id: Uuid::now_v7(),
        number: None,
        title: new.title,
        content: new.content,
        category: new.category,
        term: new.term,
        session: new.session,
        timing: new.timing,
        lead_deputy_id: new.lead_deputy_id,
        co_signers: new
            .co_signers
            .into_iter()
            .map(|d| CoSigner {
                deputy_id: d,
                withdrawn_at: None,
            })
            .collect(),
        source: new.source,
        source_ref: new.source_ref,
        status: SuggestionStatus::Draft,
        color: None,
        lead_unit_id: None,
        co_units: Vec::new(),
        supervisor_id: None,
        assigned_on: None,
        deadline: None,
        overdue_recorded: false,
        submitted_at: None,
        registered_at: None,
        assigned_at: None,
        replied_at: None,
        replied_on_time: None,
        closed_at: None,
        reject_reason: None,
        reply: None,
        evaluation_result: None,
        evaluation_comment: None,
        evaluated_at: None,
        signed_off_at: None,
        signed_off_by: None,
        published_at: None,
        outstanding: false,
        outstanding_reason: None,
        created_by: new.created_by,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        version: 1,
    };
    to_model(&s).insert(c).await?;
    write_co_signers(c, s.id, &s.co_signers).await?;
    let event = Event {
        action: "created",
        detail: None,
    };
    insert_event(c, ctx, s.id, None, Some(s.status), &event).await?;
    crate::integration::emit(c, outbox_event(&s, None, event.action)).await?;
    audit::record(
        c,
        crypto,
        ctx,
        "create",
        OBJECT,
        Some(s.id),
        None::<&Suggestion>,
        Some(&s),
    )
    .await?;
    Ok(s)
}

impl Store {
    pub async fn create_suggestion(
        &self,
        ctx: &AuditCtx,
        new: NewSuggestion,
    ) -> StoreResult<Suggestion> {
        let txn = self.db.begin().await?;
        let s = insert_suggestion(&txn, &self.crypto, ctx, new).await?;
        txn.commit().await?;
        Ok(s)
    }

    pub async fn get_suggestion(&self, id: Uuid) -> StoreResult<Suggestion> {
        load(&self.db, id).await
    }

    /// Writes `after` over `before` if the suggestion is still at
    /// `before.version`, with its side records, timeline event and audit
    /// entry, in one transaction. A suggestion newly registered gets the
    /// next number of the year. Someone else's change in between is
    /// `VersionMismatch`.
    pub async fn save_suggestion(
        &self,
        ctx: &AuditCtx,
        before: &Suggestion,
        mut after: Suggestion,
        event: Event,
        writes: Vec<SideWrite>,
    ) -> StoreResult<Suggestion> {
        let txn = self.db.begin().await?;
        if after.status == SuggestionStatus::Registered && after.number.is_none() {
            // The congress counts its year in China Standard Time (UTC+8).
            let year =
                renda_domain::time::china_date(after.registered_at.unwrap_or_else(Utc::now)).year();
            after.number = Some(next_number(&txn, year).await?);
        }
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let res = SuggestionEntity::update_many()
            .set(to_model(&after))
            .filter(C::Id.eq(before.id))
            .filter(C::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        if after.co_signers != before.co_signers {
            write_co_signers(&txn, after.id, &after.co_signers).await?;
        }
        if after.co_units != before.co_units {
            write_co_units(&txn, after.id, &after.co_units).await?;
        }
        for w in writes {
            side_write(&txn, &self.crypto, ctx, after.id, w).await?;
        }
        let (from, to) = (before.status, after.status);
        insert_event(&txn, ctx, after.id, Some(from), Some(to), &event).await?;
        crate::integration::emit(&txn, outbox_event(&after, Some(from), event.action)).await?;
        let action = if from == to {
            event.action.to_owned()
        } else {
            format!("transition:{}", event.action)
        };
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            &action,
            OBJECT,
            Some(after.id),
            Some(before),
            Some(&after),
        )
        .await?;
        let saved = load(&txn, after.id).await?;
        txn.commit().await?;
        Ok(saved)
    }

    pub async fn suggestion_timeline(&self, id: Uuid) -> StoreResult<Vec<TimelineEntry>> {
        let rows = ev::Entity::find()
            .filter(ev::Column::SuggestionId.eq(id))
            .order_by_asc(ev::Column::Id)
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|m| {
                Ok(TimelineEntry {
                    id: m.id,
                    occurred_at: m.occurred_at,
                    actor_id: m.actor_id,
                    actor_name: m.actor_name,
                    action: m.action,
                    from_status: m.from_status.as_deref().map(parse_stored).transpose()?,
                    to_status: m.to_status.as_deref().map(parse_stored).transpose()?,
                    detail: m.detail.and_then(|d| serde_json::from_str(&d).ok()),
                })
            })
            .collect()
    }

    pub async fn suggestion_records(
        &self,
        id: Uuid,
        kind: Option<&str>,
    ) -> StoreResult<Vec<SuggestionRecord>> {
        let mut q = rec::Entity::find().filter(rec::Column::SuggestionId.eq(id));
        if let Some(k) = kind {
            q = q.filter(rec::Column::Kind.eq(k));
        }
        Ok(q.order_by_asc(rec::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| SuggestionRecord {
                id: m.id,
                kind: m.kind,
                occurred_on: m.occurred_on,
                participants: m.participants,
                content: m.content,
                created_by: m.created_by,
                created_at: m.created_at,
            })
            .collect())
    }

    pub async fn suggestion_requests(&self, id: Uuid) -> StoreResult<Vec<UnitRequest>> {
        Ok(rq::Entity::find()
            .filter(rq::Column::SuggestionId.eq(id))
            .order_by_asc(rq::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| UnitRequest {
                id: m.id,
                unit_id: m.unit_id,
                kind: m.kind,
                reason: m.reason,
                requested_deadline: m.requested_deadline,
                status: m.status,
                decided_by: m.decided_by,
                decided_at: m.decided_at,
                decision_note: m.decision_note,
                created_by: m.created_by,
                created_at: m.created_at,
            })
            .collect())
    }

    pub async fn suggestion_commitments(&self, id: Uuid) -> StoreResult<Vec<Commitment>> {
        Ok(cm::Entity::find()
            .filter(cm::Column::SuggestionId.eq(id))
            .order_by_asc(cm::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Commitment {
                id: m.id,
                reply_id: m.reply_id,
                content: m.content,
                due_date: m.due_date,
                status: m.status,
                progress: m.progress,
                fulfilled_at: m.fulfilled_at,
                updated_at: m.updated_at,
            })
            .collect())
    }

    pub async fn suggestion_assignments(&self, id: Uuid) -> StoreResult<Vec<AssignmentSpell>> {
        Ok(sa::Entity::find()
            .filter(sa::Column::SuggestionId.eq(id))
            .order_by_asc(sa::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| AssignmentSpell {
                id: m.id,
                lead_unit_id: m.lead_unit_id,
                started_at: m.started_at,
                ended_at: m.ended_at,
                end_reason: m.end_reason,
            })
            .collect())
    }

    pub async fn suggestion_replies(&self, id: Uuid) -> StoreResult<Vec<Reply>> {
        rp::Entity::find()
            .filter(rp::Column::SuggestionId.eq(id))
            .order_by_asc(rp::Column::Round)
            .all(&self.db)
            .await?
            .into_iter()
            .map(reply_from)
            .collect()
    }

    /// How many records of a kind a suggestion has (made at or after `since`, if given).
    pub async fn count_suggestion_records(
        &self,
        id: Uuid,
        kind: &str,
        since: Option<DateTime<Utc>>,
    ) -> StoreResult<u32> {
        let mut q = rec::Entity::find()
            .filter(rec::Column::SuggestionId.eq(id))
            .filter(rec::Column::Kind.eq(kind));
        if let Some(t) = since {
            q = q.filter(rec::Column::CreatedAt.gte(t));
        }
        let n = q.count(&self.db).await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// The active suggestion categories, in order.
    pub async fn suggestion_categories(&self) -> StoreResult<Vec<String>> {
        Ok(cat::Entity::find()
            .filter(cat::Column::Active.eq(true))
            .order_by_asc(cat::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.name)
            .collect())
    }

    pub async fn list_suggestions(
        &self,
        vis: &SuggestionVisibility,
        f: &SuggestionFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<Suggestion>> {
        let mut q = SuggestionEntity::find();
        // Visibility: the union of what the caller may see.
        let mut seen = Condition::any();
        if vis.published {
            seen = seen.add(C::PublishedAt.is_not_null());
        }
        if let Some(d) = vis.deputy {
            let co = Query::select()
                .column(cs::Column::SuggestionId)
                .from(cs::Entity)
                .and_where(cs::Column::DeputyId.eq(d))
                .and_where(cs::Column::WithdrawnAt.is_null())
                .to_owned();
            seen = seen.add(C::LeadDeputyId.eq(d)).add(C::Id.in_subquery(co));
        }
        if vis.submitted {
            seen = seen.add(C::Status.ne(SuggestionStatus::Draft.as_str()));
        }
        if let Some(u) = vis.unit {
            let co = Query::select()
                .column(cu::Column::SuggestionId)
                .from(cu::Entity)
                .and_where(cu::Column::UnitId.eq(u))
                .to_owned();
            let statuses: Vec<&str> = vis.unit_statuses.iter().map(|s| s.as_str()).collect();
            seen = seen.add(
                Condition::all().add(C::Status.is_in(statuses)).add(
                    Condition::any()
                        .add(C::LeadUnitId.eq(u))
                        .add(C::Id.in_subquery(co)),
                ),
            );
        }
        q = q.filter(seen);
        if let Some(s) = f.status {
            q = q.filter(C::Status.eq(s.as_str()));
        }
        if let Some(c) = f.color {
            q = q.filter(C::Color.eq(c.as_str()));
        }
        if let Some(c) = &f.category {
            q = q.filter(C::Category.eq(c.clone()));
        }
        if let Some(t) = &f.term {
            q = q.filter(C::Term.eq(t.clone()));
        }
        if let Some(u) = f.unit_id {
            let co = Query::select()
                .column(cu::Column::SuggestionId)
                .from(cu::Entity)
                .and_where(cu::Column::UnitId.eq(u))
                .to_owned();
            q = q.filter(
                Condition::any()
                    .add(C::LeadUnitId.eq(u))
                    .add(C::Id.in_subquery(co)),
            );
        }
        if let Some(d) = f.deputy_id {
            let co = Query::select()
                .column(cs::Column::SuggestionId)
                .from(cs::Entity)
                .and_where(cs::Column::DeputyId.eq(d))
                .and_where(cs::Column::WithdrawnAt.is_null())
                .to_owned();
            q = q.filter(
                Condition::any()
                    .add(C::LeadDeputyId.eq(d))
                    .add(C::Id.in_subquery(co)),
            );
        }
        if let Some(y) = f.year {
            let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
            let to = NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or(NaiveDate::MAX);
            let start = from.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
            let end = to.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
            if let (Some(start), Some(end)) = (start, end) {
                q = q.filter(
                    Condition::any().add(C::Number.like(format!("{y}-%"))).add(
                        Condition::all()
                            .add(C::Number.is_null())
                            .add(C::CreatedAt.gte(start))
                            .add(C::CreatedAt.lt(end)),
                    ),
                );
            }
        }
        if let Some((overdue, today)) = f.overdue {
            let open = [
                SuggestionStatus::Assigned.as_str(),
                SuggestionStatus::Rehandling.as_str(),
            ];
            let cond = Condition::all()
                .add(C::Status.is_in(open))
                .add(C::Deadline.lt(today));
            q = q.filter(if overdue { cond } else { cond.not() });
        }
        if let Some(o) = f.outstanding {
            q = q.filter(C::Outstanding.eq(o));
        }
        if let Some(text) = &f.q {
            q = q.filter(
                Condition::any()
                    .add(list::contains(C::Title, text))
                    .add(list::contains(C::Content, text)),
            );
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: Some(C::DeletedAt),
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &suggestion::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        let ids: Vec<Uuid> = page.live().map(|m| m.id).collect();
        let mut ch = children(&self.db, &ids).await?;
        page.try_map(|m| assemble(m, &mut ch))
    }

    /// Suggestions overdue on `today` whose overdue state is not yet on
    /// their timeline.
    pub async fn newly_overdue_suggestions(
        &self,
        today: NaiveDate,
        limit: u64,
    ) -> StoreResult<Vec<Uuid>> {
        use sea_orm::QuerySelect;
        let open = [
            SuggestionStatus::Assigned.as_str(),
            SuggestionStatus::Rehandling.as_str(),
        ];
        Ok(SuggestionEntity::find()
            .filter(C::Status.is_in(open))
            .filter(C::Deadline.lt(today))
            .filter(C::OverdueRecorded.eq(false))
            .filter(C::DeletedAt.is_null())
            .order_by_asc(C::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect())
    }
}

impl Store {
    /// Puts "became overdue" on the timeline of a suggestion that is
    /// overdue on `today`, once per deadline. Returns whether it did (false
    /// when another run got there first or the suggestion moved on).
    pub async fn record_overdue(&self, id: Uuid, today: NaiveDate) -> StoreResult<bool> {
        let open = [
            SuggestionStatus::Assigned.as_str(),
            SuggestionStatus::Rehandling.as_str(),
        ];
        let txn = self.db.begin().await?;
        // A change of the record: its version and time move, so caches
        // (ETags) and synchronising clients see that it is now overdue, and
        // a save based on an older read fails rather than undoing this.
        let res = SuggestionEntity::update_many()
            .col_expr(C::OverdueRecorded, Expr::value(true))
            .col_expr(C::Version, Expr::col(C::Version).add(1))
            .col_expr(C::UpdatedAt, Expr::value(renda_domain::time::now()))
            .filter(C::Id.eq(id))
            .filter(C::OverdueRecorded.eq(false))
            .filter(C::Status.is_in(open))
            .filter(C::Deadline.lt(today))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Ok(false);
        }
        let s = load(&txn, id).await?;
        let ctx = AuditCtx::system();
        let event = Event {
            action: "became_overdue",
            detail: Some(serde_json::json!({"due_date": s.deadline, "on": today})),
        };
        insert_event(&txn, &ctx, id, Some(s.status), Some(s.status), &event).await?;
        crate::integration::emit(&txn, outbox_event(&s, Some(s.status), event.action)).await?;
        audit::record(
            &txn,
            &self.crypto,
            &ctx,
            "became_overdue",
            OBJECT,
            Some(id),
            None::<&()>,
            Some(&serde_json::json!({"due_date": s.deadline})),
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }
}

fn attachment_from(m: att::Model) -> Attachment {
    Attachment {
        id: m.id,
        kind: m.kind,
        file_name: m.file_name,
        content_type: m.content_type,
        size: m.size,
        sha256: m.sha256,
        uploaded_by: m.uploaded_by,
        created_at: m.created_at,
    }
}

impl Store {
    pub async fn suggestion_attachments(&self, id: Uuid) -> StoreResult<Vec<Attachment>> {
        Ok(att::Entity::find()
            .filter(att::Column::SuggestionId.eq(id))
            .order_by_asc(att::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(attachment_from)
            .collect())
    }

    pub async fn suggestion_attachment(
        &self,
        id: Uuid,
        attachment_id: Uuid,
    ) -> StoreResult<Attachment> {
        att::Entity::find_by_id(attachment_id)
            .filter(att::Column::SuggestionId.eq(id))
            .one(&self.db)
            .await?
            .map(attachment_from)
            .ok_or(StoreError::NotFound)
    }
}
