//! A minimal server answering renda's benchmark reads from renda's own
//! PostgreSQL database: each read is one statement that builds the JSON in
//! the database, with no ORM, no authentication and no middleware. It is
//! the most this stack can serve on this machine, against which
//! bench/load.py measures renda.
//!
//!     renda-ceiling <database url> <address:port>
//!
//! Two workers and sixteen connections, as renda runs by default.

use actix_web::{App, HttpResponse, HttpServer, get, web};
use serde::Deserialize;
use sqlx::postgres::{PgPool, PgPoolOptions};
use uuid::Uuid;

/// A suggestion as JSON, the fields renda answers with, and its
/// co-signers, co-units and latest reply.
const ITEM: &str = "json_build_object(
    'suggestion', (SELECT to_json(x) FROM (SELECT id, number, title, content, category, term, session, timing, congress_session_id, pass_on_due, dispatcher_unit_id, assignment_batch_id, lead_deputy_id, source, source_ref, status, color, lead_unit_id, supervisor_id, assigned_on, deadline, overdue_recorded, submitted_at, registered_at, assigned_at, replied_at, replied_on_time, closed_at, reject_reason, letter_unit_id, letter_passed_at, letter_acknowledged_at, letter_acknowledgement, consultations, evaluation_result, evaluation_comment, evaluated_at, signed_off_at, signed_off_by, published_at, outstanding, outstanding_reason, created_by, created_at, updated_at, version) x),
    'co_signers', (SELECT coalesce(json_agg(json_build_object('deputy_id', c.deputy_id,
        'status', c.status, 'confirmed_at', c.confirmed_at, 'withdrawn_at', c.withdrawn_at)
        ORDER BY c.position), '[]') FROM suggestion_co_signers c WHERE c.suggestion_id = s.id),
    'co_units', (SELECT coalesce(json_agg(json_build_object('unit_id', u.unit_id,
        'deadline', u.deadline, 'opinion', u.opinion, 'opinion_at', u.opinion_at)
        ORDER BY u.unit_id), '[]') FROM suggestion_co_units u WHERE u.suggestion_id = s.id),
    'reply', (SELECT json_build_object('round', r.round, 'unit_id', r.unit_id,
        'category', r.category, 'content', r.content, 'reply_date', r.reply_date)
        FROM suggestion_replies r WHERE r.suggestion_id = s.id ORDER BY r.round DESC LIMIT 1))";

#[get("/suggestions/{id}")]
async fn by_id(pool: web::Data<PgPool>, id: web::Path<Uuid>) -> HttpResponse {
    let sql = format!(
        "SELECT ({ITEM})::text FROM suggestions s WHERE s.id = $1 AND s.deleted_at IS NULL"
    );
    match sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql))
        .bind(id.into_inner())
        .fetch_optional(pool.get_ref())
        .await
    {
        Ok(Some(json)) => HttpResponse::Ok().content_type("application/json").body(json),
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    color: Option<String>,
    deputy_id: Option<Uuid>,
    /// A deputy's own view: what they lead or co-sign, and what is
    /// published.
    seen_by_deputy: Option<Uuid>,
    unit_id: Option<Uuid>,
    after: Option<Uuid>,
}

/// A page of 20 in id order: by status and colour, or a deputy's (led or
/// co-signed; or as the deputy sees them), or a unit's (led or co-unit, from assignment on). Each kind
/// is its own statement, so that each gets its own plan.
#[get("/suggestions")]
async fn list(pool: web::Data<PgPool>, q: web::Query<ListQuery>) -> HttpResponse {
    let (which, first, second): (&str, Option<String>, Option<String>) =
        if let Some(d) = q.seen_by_deputy {
            (
                "(s.published_at IS NOT NULL OR s.id IN (SELECT id FROM suggestions
                    WHERE lead_deputy_id = $1::uuid UNION ALL SELECT suggestion_id
                    FROM suggestion_co_signers WHERE deputy_id = $1::uuid
                    AND withdrawn_at IS NULL)) AND $2::text IS NULL",
                Some(d.to_string()),
                None,
            )
        } else if let Some(d) = q.deputy_id {
            (
                "s.status <> 'draft' AND s.id IN (SELECT id FROM suggestions
                    WHERE lead_deputy_id = $1::uuid UNION ALL SELECT suggestion_id
                    FROM suggestion_co_signers WHERE deputy_id = $1::uuid
                    AND withdrawn_at IS NULL) AND $2::text IS NULL",
                Some(d.to_string()),
                None,
            )
        } else if let Some(u) = q.unit_id {
            (
                "s.status IN ('assigned', 'replied', 'rehandling', 'closed')
                    AND (s.lead_unit_id = $1::uuid OR s.id IN (SELECT suggestion_id
                    FROM suggestion_co_units WHERE unit_id = $1::uuid)) AND $2::text IS NULL",
                Some(u.to_string()),
                None,
            )
        } else {
            ("s.status = $1 AND s.color = $2", q.status.clone(), q.color.clone())
        };
    let after = if q.after.is_some() { "AND s.id > $3" } else { "AND $3::uuid IS NULL" };
    let sql = format!(
        "SELECT coalesce(json_agg(item ORDER BY id), '[]')::text FROM (
            SELECT s.id, {ITEM} AS item FROM suggestions s
            WHERE s.deleted_at IS NULL AND {which} {after}
            ORDER BY s.id LIMIT 20) page"
    );
    match sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql))
        .bind(first)
        .bind(second)
        .bind(q.after)
        .fetch_one(pool.get_ref())
        .await
    {
        Ok(json) => HttpResponse::Ok().content_type("application/json").body(json),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(db), Some(bind)) = (args.next(), args.next()) else {
        eprintln!("usage: renda-ceiling <database url> <address:port>");
        std::process::exit(2);
    };
    // As renda: no check of a connection in steady use before each
    // statement (sqlx's default adds a round trip to every request).
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .test_before_acquire(false)
        .connect(&db)
        .await
        .map_err(std::io::Error::other)?;
    let pool = web::Data::new(pool);
    HttpServer::new(move || App::new().app_data(pool.clone()).service(by_id).service(list))
        .workers(2)
        .bind(bind)?
        .run()
        .await
}
