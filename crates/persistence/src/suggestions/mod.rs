//! Deputies' suggestions. The domain's commands decide what a suggestion
//! becomes (`renda_domain::suggestion`); this module writes the
//! [`Change`] they return (the new state, its side records, its timeline
//! event, its outbox event and its audit entry) in one transaction, and
//! only if nobody changed the suggestion meanwhile.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use renda_domain::congress::{Numbering, Series};
pub use renda_domain::suggestion::{
    Attachment, Change, Commitment, Effect, Event, NewSuggestion, UnitRequest,
};
use renda_domain::suggestion::{
    CoSigner, CoUnit, Color, CommitmentStatus, EvaluationResult, Letter, Outcome, Reply,
    ReplyCategory, RequestStatus, Suggestion, SuggestionRecordKind, SuggestionStatus,
};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::batch::Inserts;
use crate::entities::suggestion::{self, Column as C, Entity as SuggestionEntity};
use crate::entities::{
    suggestion_assignment as sa, suggestion_attachment as att, suggestion_category as cat,
    suggestion_co_signer as cs, suggestion_co_unit as cu, suggestion_commitment as cm,
    suggestion_counter as counter, suggestion_record as rec, suggestion_reply as rp,
    suggestion_request as rq,
};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

mod batches;
mod effects;
mod export;
pub use export::SuggestionExportRow;
mod figures;
mod inline;
mod listing;
mod practice;
mod reading;
mod reminders;
pub(crate) mod search;
pub use search::Tuning as SearchTuning;
pub(crate) mod tallies;
mod totals;
pub(crate) use totals::Totals;

use effects::side_write;

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
            .chain(s.dispatcher_unit_id)
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
            units: renda_domain::id::to_uuids(units),
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
    /// Filed during this congress session.
    pub congress_session_id: Option<Uuid>,
    /// Handed out in this batch.
    pub assignment_batch_id: Option<Uuid>,
    /// Waiting for its lead unit to pass it on (true), or not (false).
    pub pass_on_pending: Option<bool>,
    /// The year of registration (the year in `number`), or of creation for
    /// unregistered ones.
    pub year: Option<i32>,
    /// Overdue on this day (true) or not overdue (false).
    pub overdue: Option<(bool, NaiveDate)>,
    pub q: Option<String>,
    pub outstanding: Option<bool>,
}

/// A step of a suggestion's timeline.
pub type TimelineEntry = renda_domain::timeline::Entry<SuggestionStatus>;

/// A record kept on a suggestion: an on-site verification or a leader's
/// supervision note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuggestionRecord {
    pub id: Uuid,
    pub kind: SuggestionRecordKind,
    pub occurred_on: NaiveDate,
    pub participants: Option<String>,
    pub content: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
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
        congress_session_id: Set(s.congress_session_id),
        pass_on_due: Set(s.pass_on_due),
        dispatcher_unit_id: Set(s.dispatcher_unit_id.map(Into::into)),
        assignment_batch_id: Set(s.assignment_batch_id),
        lead_deputy_id: Set(s.lead_deputy_id.into()),
        source: Set(s.source.as_str().to_owned()),
        source_ref: Set(s.source_ref.clone()),
        status: Set(s.status.as_str().to_owned()),
        color: Set(s.color.map(|c| c.as_str().to_owned())),
        lead_unit_id: Set(s.lead_unit_id.map(Into::into)),
        supervisor_id: Set(s.supervisor_id.map(Into::into)),
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
        letter_unit_id: Set(s.letter.as_ref().map(|l| l.unit_id.into())),
        letter_passed_at: Set(s.letter.as_ref().map(|l| l.passed_at)),
        letter_acknowledged_at: Set(s.letter.as_ref().and_then(|l| l.acknowledged_at)),
        letter_acknowledgement: Set(s.letter.as_ref().and_then(|l| l.acknowledgement.clone())),
        consultations: Set(i32::try_from(s.consultations).unwrap_or(i32::MAX)),
        evaluation_result: Set(s.evaluation_result.map(|e| e.as_str().to_owned())),
        evaluation_comment: Set(s.evaluation_comment.clone()),
        evaluated_at: Set(s.evaluated_at),
        signed_off_at: Set(s.signed_off_at),
        signed_off_by: Set(s.signed_off_by.map(Into::into)),
        published_at: Set(s.published_at),
        outstanding: Set(s.outstanding),
        outstanding_reason: Set(s.outstanding_reason.clone()),
        created_by: Set(s.created_by.into()),
        created_at: Set(s.created_at),
        updated_at: Set(s.updated_at),
        deleted_at: Set(s.deleted_at),
        version: Set(s.version),
        year: Set(s.year()),
    }
}

fn reply_from(m: rp::Model) -> StoreResult<Reply> {
    Ok(Reply {
        id: m.id,
        round: m.round,
        unit_id: m.unit_id.into(),
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
                deputy_id: m.deputy_id.into(),
                status: parse_stored(&m.status)?,
                confirmed_at: m.confirmed_at,
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
                unit_id: m.unit_id.into(),
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
        congress_session_id: m.congress_session_id,
        pass_on_due: m.pass_on_due,
        dispatcher_unit_id: m.dispatcher_unit_id.map(Into::into),
        assignment_batch_id: m.assignment_batch_id,
        lead_deputy_id: m.lead_deputy_id.into(),
        co_signers: ch.co_signers.remove(&id).unwrap_or_default(),
        source: parse_stored(&m.source)?,
        source_ref: m.source_ref,
        status: parse_stored(&m.status)?,
        color: m.color.as_deref().map(parse_stored).transpose()?,
        lead_unit_id: m.lead_unit_id.map(Into::into),
        co_units: ch.co_units.remove(&id).unwrap_or_default(),
        supervisor_id: m.supervisor_id.map(Into::into),
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
        letter: match (m.letter_unit_id, m.letter_passed_at) {
            (Some(unit_id), Some(passed_at)) => Some(Letter {
                unit_id: unit_id.into(),
                passed_at,
                acknowledged_at: m.letter_acknowledged_at,
                acknowledgement: m.letter_acknowledgement,
            }),
            _ => None,
        },
        consultations: u32::try_from(m.consultations).unwrap_or(0),
        reply: ch.replies.remove(&id),
        evaluation_result: m
            .evaluation_result
            .as_deref()
            .map(parse_stored::<EvaluationResult>)
            .transpose()?,
        evaluation_comment: m.evaluation_comment,
        evaluated_at: m.evaluated_at,
        signed_off_at: m.signed_off_at,
        signed_off_by: m.signed_off_by.map(Into::into),
        published_at: m.published_at,
        outstanding: m.outstanding,
        outstanding_reason: m.outstanding_reason,
        created_by: m.created_by.into(),
        created_at: m.created_at,
        updated_at: m.updated_at,
        deleted_at: m.deleted_at,
        version: m.version,
    })
}

async fn load<Conn: ConnectionTrait>(c: &Conn, id: Uuid) -> StoreResult<Suggestion> {
    use sea_orm::FromQueryResult;
    let backend = c.get_database_backend();
    let stmt =
        sea_orm::Statement::from_sql_and_values(backend, inline::by_id_sql(backend), [id.into()]);
    let row = inline::Inline::find_by_statement(stmt)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut ch = inline::children(std::iter::once(&row))?;
    assemble(row.m, &mut ch)
}

/// Writes a suggestion's co-signers in place of those it had, or of none
/// when it is `new` (nothing to delete then).
async fn write_co_signers<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
    list: &[CoSigner],
    new: bool,
) -> StoreResult<()> {
    if !new {
        cs::Entity::delete_many()
            .filter(cs::Column::SuggestionId.eq(id))
            .exec(c)
            .await?;
    }
    if let Some(s) = co_signer_rows(c.get_database_backend(), id, list) {
        c.execute_raw(s).await?;
    }
    Ok(())
}

/// The insert of a suggestion's co-signers, none when it has none.
fn co_signer_rows(backend: DbBackend, id: Uuid, list: &[CoSigner]) -> Option<sea_orm::Statement> {
    if list.is_empty() {
        return None;
    }
    let rows = list.iter().enumerate().map(|(i, x)| cs::ActiveModel {
        suggestion_id: Set(id),
        deputy_id: Set(x.deputy_id.into()),
        position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
        withdrawn_at: Set(x.withdrawn_at),
        status: Set(x.status.as_str().to_owned()),
        confirmed_at: Set(x.confirmed_at),
    });
    Some(sea_orm::QueryTrait::build(
        &cs::Entity::insert_many(rows),
        backend,
    ))
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
            unit_id: Set(x.unit_id.into()),
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
async fn next_year_seq<Conn: ConnectionTrait>(c: &Conn, year: i32) -> StoreResult<i64> {
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
    Ok(row.last_number)
}

/// The number a suggestion registered now gets: the next of its
/// session's series if it belongs to one, else the next of the year's.
async fn next_number<Conn: ConnectionTrait>(
    c: &Conn,
    numbering: &Numbering,
    s: &Suggestion,
) -> StoreResult<String> {
    match s.congress_session_id {
        Some(id) => {
            let session = crate::congress::load(c, id).await?;
            let seq = crate::congress::next_seq(c, &format!("suggestion:{id}")).await?;
            Ok(numbering.number(Series::Session(&session), seq))
        }
        None => {
            // The congress counts its year in China Standard Time (UTC+8).
            let year =
                renda_domain::time::china_date(s.registered_at.unwrap_or_else(Utc::now)).year();
            let seq = next_year_seq(c, year).await?;
            Ok(numbering.number(Series::Year(year), seq))
        }
    }
}

async fn insert_event<Conn: ConnectionTrait>(
    c: &Conn,
    ctx: &AuditCtx,
    id: Uuid,
    from: Option<SuggestionStatus>,
    to: Option<SuggestionStatus>,
    event: &Event,
) -> StoreResult<()> {
    crate::timeline::append(c, &crate::timeline::SUGGESTIONS, ctx, id, from, to, event).await?;
    Ok(())
}

/// The inserts every change of a suggestion ends with: its timeline entry,
/// its outbox event (given: a new suggestion's is the first) and its audit
/// entry.
#[allow(clippy::too_many_arguments)]
fn record_change(
    batch: &mut Inserts,
    backend: DbBackend,
    crypto: &crate::crypto::Crypto,
    ctx: &AuditCtx,
    (before, after): (Option<&Suggestion>, &Suggestion),
    event: &Event,
    outbox: sea_orm::Statement,
    action: &str,
) -> StoreResult<()> {
    let (from, to) = (before.map(|b| b.status), Some(after.status));
    batch.push(crate::timeline::append_statement(
        backend,
        &crate::timeline::SUGGESTIONS,
        ctx,
        after.id,
        from,
        to,
        event,
    )?);
    batch.push(outbox);
    batch.push(audit::record_statement(
        backend,
        crypto,
        ctx,
        action,
        OBJECT,
        Some(after.id),
        before,
        Some(after),
    )?);
    Ok(())
}

/// Inserts a new suggestion with its co-signers, its first timeline
/// event, its outbox event and its audit entry, on `c`: on PostgreSQL in
/// one statement.
async fn insert_record<Conn: ConnectionTrait>(
    c: &Conn,
    crypto: &crate::crypto::Crypto,
    ctx: &AuditCtx,
    s: &Suggestion,
    event: &Event,
) -> StoreResult<()> {
    let mut batch = record_inserts(c, crypto, ctx, s, event).await?;
    // The handling figures (a row made on first use, which one statement
    // cannot do) before the tallies: every change takes their rows'
    // locks in this order.
    figures::apply(c, None, s).await?;
    batch.extend(tallies::apply_statements(
        c.get_database_backend(),
        None,
        s,
    )?);
    batch.flush(c).await
}

/// The inserts of a new suggestion but its figures and tallies; the
/// recipients of its notice are read on `c`.
async fn record_inserts<Conn: ConnectionTrait>(
    c: &Conn,
    crypto: &crate::crypto::Crypto,
    ctx: &AuditCtx,
    s: &Suggestion,
    event: &Event,
) -> StoreResult<Inserts> {
    let backend = c.get_database_backend();
    let mut batch = Inserts::default();
    batch.push(sea_orm::QueryTrait::build(
        &SuggestionEntity::insert(to_model(s)),
        backend,
    ));
    batch.extend(search::index_statement(
        backend,
        &[(s.id, &s.title, &s.content)],
        true,
    ));
    batch.extend(co_signer_rows(backend, s.id, &s.co_signers));
    if let Some(n) = renda_domain::suggestion::invitations_of_new_draft(s) {
        batch.extend(crate::notifications::write_statement(c, &n).await?);
    }
    let outbox = crate::integration::first_event(backend, outbox_event(s, None, event.action));
    record_change(
        &mut batch,
        backend,
        crypto,
        ctx,
        (None, s),
        event,
        outbox,
        "create",
    )?;
    Ok(batch)
}

/// Inserts a new draft with its timeline event and audit entry on `c`.
pub(crate) async fn insert_suggestion<Conn: ConnectionTrait>(
    c: &Conn,
    crypto: &crate::crypto::Crypto,
    ctx: &AuditCtx,
    new: NewSuggestion,
) -> StoreResult<Suggestion> {
    let (s, event) = new_draft(new);
    insert_record(c, crypto, ctx, &s, &event).await?;
    Ok(s)
}

/// A new draft and the first event of its timeline.
fn new_draft(new: NewSuggestion) -> (Suggestion, Event) {
    let s = Suggestion::drafted(Uuid::now_v7(), new, renda_domain::time::now());
    let event = Event {
        action: "created",
        detail: None,
    };
    (s, event)
}

/// Inserts the suggestion a motion of `session` becomes: filed and
/// registered at once, numbered in the session's series, on `c`.
pub(crate) async fn insert_from_motion<Conn: ConnectionTrait>(
    c: &Conn,
    crypto: &crate::crypto::Crypto,
    numbering: &Numbering,
    ctx: &AuditCtx,
    (id, new): (Uuid, NewSuggestion),
    motion_id: Uuid,
    session: &renda_domain::congress::CongressSession,
) -> StoreResult<Suggestion> {
    let mut s = renda_domain::suggestion::from_motion(id, new, session, renda_domain::time::now());
    s.number = Some(next_number(c, numbering, &s).await?);
    let event = Event {
        action: "created_from_motion",
        detail: Some(serde_json::json!({"motion_id": motion_id})),
    };
    insert_record(c, crypto, ctx, &s, &event).await?;
    Ok(s)
}

impl Store {
    pub async fn create_suggestion(
        &self,
        ctx: &AuditCtx,
        new: NewSuggestion,
    ) -> StoreResult<Suggestion> {
        let (s, event) = new_draft(new);
        // A draft counts toward no handling figure, so all it writes is
        // its batch of inserts: on PostgreSQL one statement, a transaction
        // of its own without a BEGIN and a COMMIT around it.
        if renda_domain::suggestion::figures::delta(None, &s).is_empty() {
            let mut batch = record_inserts(&self.db, &self.crypto, ctx, &s, &event).await?;
            let backend = self.db.get_database_backend();
            batch.extend(tallies::apply_statements(backend, None, &s)?);
            batch.flush_atomically(&self.db).await?;
            return Ok(s);
        }
        let txn = self.db.begin().await?;
        insert_record(&txn, &self.crypto, ctx, &s, &event).await?;
        txn.commit().await?;
        Ok(s)
    }

    pub async fn get_suggestion(&self, id: Uuid) -> StoreResult<Suggestion> {
        load(&self.db, id).await
    }

    /// Writes `after` over `before` if the suggestion is still at
    /// `before.version`, with its side records, timeline event and audit
    /// entry, in one transaction. A suggestion newly registered gets the
    /// next number of its series. Someone else's change in between is
    /// `VersionMismatch`.
    pub async fn save_suggestion(
        &self,
        ctx: &AuditCtx,
        before: &Suggestion,
        change: Change,
    ) -> StoreResult<Suggestion> {
        let txn = self.db.begin().await?;
        let saved = save_in(
            &txn,
            &self.crypto,
            &self.numbering,
            ctx,
            before,
            change,
            None,
        )
        .await?;
        txn.commit().await?;
        Ok(saved)
    }
}

/// [`Store::save_suggestion`] on `c`, the caller's transaction; with
/// `totals`, what the change adds to the figures and tallies is kept there
/// for the caller to write, not written.
pub(crate) async fn save_in<Conn: ConnectionTrait>(
    c: &Conn,
    crypto: &crate::crypto::Crypto,
    numbering: &Numbering,
    ctx: &AuditCtx,
    before: &Suggestion,
    change: Change,
    totals: Option<&mut Totals>,
) -> StoreResult<Suggestion> {
    let Change {
        mut after,
        event,
        effects,
    } = change;
    // What the database would give back differs from `after` only where a
    // side record is read with the suggestion: a new reply (the latest
    // round's), or co-units (read back in their stored order).
    let read_back =
        after.co_units != before.co_units || effects.iter().any(|w| matches!(w, Effect::Reply(..)));
    if after.status == SuggestionStatus::Registered && after.number.is_none() {
        after.number = Some(next_number(c, numbering, &after).await?);
    }
    after.updated_at = renda_domain::time::now();
    after.version = before.version + 1;
    let res = SuggestionEntity::update_many()
        .set(to_model(&after))
        .filter(C::Id.eq(before.id))
        .filter(C::Version.eq(before.version))
        .exec(c)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::VersionMismatch);
    }
    if (&after.title, &after.content) != (&before.title, &before.content) {
        search::index(c, after.id, &after.title, &after.content).await?;
    }
    if after.co_signers != before.co_signers {
        write_co_signers(c, after.id, &after.co_signers, false).await?;
    }
    if after.co_units != before.co_units {
        write_co_units(c, after.id, &after.co_units).await?;
    }
    let mut batch = Inserts::default();
    for mut w in effects {
        // A notice names the suggestion by the number just given, if any.
        if let Effect::Notify(n) = &mut w {
            n.subject = after.subject();
        }
        side_write(c, &mut batch, crypto, ctx, after.id, w).await?;
    }
    let (from, to) = (before.status, after.status);
    let outbox = crate::integration::next_event(
        c.get_database_backend(),
        outbox_event(&after, Some(from), event.action),
    );
    let action = if from == to {
        event.action.to_owned()
    } else {
        format!("transition:{}", event.action)
    };
    let backend = c.get_database_backend();
    record_change(
        &mut batch,
        backend,
        crypto,
        ctx,
        (Some(before), &after),
        &event,
        outbox,
        &action,
    )?;
    // The figures and tallies from the suggestion as saved, its side
    // records (the reply, written above) included; the figures first, as
    // every change takes their rows' locks in this order.
    let saved = if read_back {
        load(c, after.id).await?
    } else {
        // Debug builds (the tests) check that nothing was left out.
        #[cfg(debug_assertions)]
        {
            let stored = load(c, after.id).await?;
            debug_assert_eq!(stored, after, "a saved suggestion reads back as written");
        }
        after
    };
    match totals {
        Some(t) => t.add(before, &saved),
        None => {
            figures::apply(c, Some(before), &saved).await?;
            batch.extend(tallies::apply_statements(backend, Some(before), &saved)?);
        }
    }
    batch.flush(c).await?;
    Ok(saved)
}
