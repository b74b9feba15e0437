//! What a change of a suggestion writes beside it.

use super::*;
use crate::batch::Inserts;
use crate::entities::{suggestion_consultation as co, suggestion_instruction as ins};
use crate::error::Conflict;

/// Writes `w` on `c`, or, for the plain inserts (a duty record, a
/// notice), adds it to `batch`, which the change sends with its others.
pub(super) async fn side_write<Conn: ConnectionTrait>(
    c: &Conn,
    batch: &mut Inserts,
    crypto: &crate::crypto::Crypto,
    ctx: &AuditCtx,
    id: Uuid,
    w: Effect,
) -> StoreResult<()> {
    let now = renda_domain::time::now();
    match w {
        Effect::Assignment {
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
                lead_unit_id: Set(lead_unit_id.into()),
                started_at: Set(now),
                ended_at: Set(None),
                end_reason: Set(None),
            }
            .insert(c)
            .await?;
        }
        Effect::Reply(r, by) => {
            rp::ActiveModel {
                id: Set(r.id),
                suggestion_id: Set(id),
                round: Set(r.round),
                unit_id: Set(r.unit_id.into()),
                category: Set(r.category.as_str().to_owned()),
                content: Set(r.content),
                document_number: Set(r.document_number),
                signed_by: Set(r.signed_by),
                responsible_person: Set(r.responsible_person),
                handler_name: Set(r.handler_name),
                handler_phone: Set(r.handler_phone),
                reply_date: Set(r.reply_date),
                created_by: Set(by.into()),
                created_at: Set(r.created_at),
            }
            .insert(c)
            .await?;
        }
        Effect::Commitment {
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
                status: Set(CommitmentStatus::Open.as_str().to_owned()),
                progress: Set(None),
                fulfilled_at: Set(None),
                updated_at: Set(now),
            }
            .insert(c)
            .await?;
        }
        Effect::CommitmentProgress {
            id: cid,
            progress,
            fulfilled,
        } => {
            let res = cm::Entity::update_many()
                .col_expr(cm::Column::Progress, Expr::value(Some(progress)))
                .col_expr(
                    cm::Column::Status,
                    Expr::value(
                        if fulfilled {
                            CommitmentStatus::Fulfilled
                        } else {
                            CommitmentStatus::Open
                        }
                        .as_str(),
                    ),
                )
                .col_expr(
                    cm::Column::FulfilledAt,
                    Expr::value(fulfilled.then_some(now)),
                )
                .col_expr(cm::Column::UpdatedAt, Expr::value(now))
                .filter(cm::Column::Id.eq(cid))
                .filter(cm::Column::SuggestionId.eq(id))
                .filter(cm::Column::Status.eq(CommitmentStatus::Open.as_str()))
                .exec(c)
                .await?;
            if res.rows_affected != 1 {
                return Err(StoreError::Conflict(Conflict::CommitmentClosed));
            }
        }
        Effect::Record {
            kind,
            occurred_on,
            participants,
            content,
            by,
        } => {
            rec::ActiveModel {
                id: Set(Uuid::now_v7()),
                suggestion_id: Set(id),
                kind: Set(kind.as_str().to_owned()),
                occurred_on: Set(occurred_on),
                participants: Set(participants),
                content: Set(content),
                created_by: Set(by.into()),
                created_at: Set(now),
            }
            .insert(c)
            .await?;
        }
        Effect::Request {
            unit_id,
            kind,
            reason,
            requested_deadline,
            by,
        } => {
            rq::ActiveModel {
                id: Set(Uuid::now_v7()),
                suggestion_id: Set(id),
                unit_id: Set(unit_id.into()),
                kind: Set(kind.as_str().to_owned()),
                reason: Set(reason),
                requested_deadline: Set(requested_deadline),
                status: Set(RequestStatus::Pending.as_str().to_owned()),
                decided_by: Set(None),
                decided_at: Set(None),
                decision_note: Set(None),
                created_by: Set(by.into()),
                created_at: Set(now),
            }
            .insert(c)
            .await?;
        }
        Effect::Decide {
            request_id,
            approved,
            by,
            note,
        } => {
            let res = rq::Entity::update_many()
                .col_expr(
                    rq::Column::Status,
                    Expr::value(
                        if approved {
                            RequestStatus::Approved
                        } else {
                            RequestStatus::Denied
                        }
                        .as_str(),
                    ),
                )
                .col_expr(rq::Column::DecidedBy, Expr::value(Some(by.uuid())))
                .col_expr(rq::Column::DecidedAt, Expr::value(Some(now)))
                .col_expr(rq::Column::DecisionNote, Expr::value(note))
                .filter(rq::Column::Id.eq(request_id))
                .filter(rq::Column::SuggestionId.eq(id))
                .filter(rq::Column::Status.eq(RequestStatus::Pending.as_str()))
                .exec(c)
                .await?;
            if res.rows_affected != 1 {
                return Err(StoreError::Conflict(Conflict::RequestDecided));
            }
        }
        Effect::Duty(d) => {
            let backend = c.get_database_backend();
            let (_, inserts) = crate::duties::duty_statements(backend, crypto, ctx, d, false)?;
            inserts.into_iter().for_each(|s| batch.push(s));
        }
        Effect::Notify(notice) => {
            if let Some(s) = crate::notifications::write_statement(c, &notice).await? {
                batch.push(s);
            }
        }
        Effect::Attachment(a) => {
            att::ActiveModel {
                id: Set(a.id),
                suggestion_id: Set(id),
                kind: Set(a.kind.as_str().to_owned()),
                file_name: Set(a.file_name),
                content_type: Set(a.content_type),
                size: Set(a.size),
                sha256: Set(a.sha256),
                uploaded_by: Set(a.uploaded_by.into()),
                created_at: Set(a.created_at),
            }
            .insert(c)
            .await?;
        }
        Effect::Consultation(r) => {
            co::ActiveModel {
                id: Set(r.id),
                suggestion_id: Set(id),
                round: Set(r.round),
                unit_id: Set(r.unit_id.into()),
                held_on: Set(r.held_on),
                form: Set(r.form.as_str().to_owned()),
                participants: Set(r.participants),
                agreed: Set(r.agreed),
                recorded_by: Set(r.recorded_by.into()),
                created_at: Set(r.created_at),
                response: Set(None),
                response_comment: Set(None),
                responded_at: Set(None),
            }
            .insert(c)
            .await?;
        }
        Effect::ConsultationResponse {
            id: cid,
            response,
            comment,
            at,
        } => {
            // The suggestion's version check orders two answers; the
            // filter keeps a record answered once all the same.
            let res = co::Entity::update_many()
                .col_expr(co::Column::Response, Expr::value(Some(response.as_str())))
                .col_expr(co::Column::ResponseComment, Expr::value(comment))
                .col_expr(co::Column::RespondedAt, Expr::value(Some(at)))
                .filter(co::Column::Id.eq(cid))
                .filter(co::Column::SuggestionId.eq(id))
                .filter(co::Column::Response.is_null())
                .exec(c)
                .await?;
            if res.rows_affected != 1 {
                return Err(StoreError::VersionMismatch);
            }
        }
        Effect::Instruction(i) => {
            ins::ActiveModel {
                id: Set(i.id),
                suggestion_id: Set(id),
                content: Set(i.content),
                given_by: Set(i.given_by.into()),
                given_at: Set(i.given_at),
            }
            .insert(c)
            .await?;
        }
    }
    Ok(())
}
