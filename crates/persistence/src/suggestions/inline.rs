//! A suggestion's co-signers, co-units and latest reply read in the same
//! statement as the suggestion: each as a JSON column built by a subquery
//! on its table's index. A read by id or a page of a list is then one
//! round trip to the database instead of four.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use renda_domain::suggestion::{CoSigner, CoUnit, Reply};
use sea_orm::sea_query::Expr;
use sea_orm::{DbBackend, DbErr, FromQueryResult, QueryResult, QuerySelect, Select};
use serde::Deserialize;
use uuid::Uuid;

use super::{Children, SuggestionEntity, suggestion};
use crate::error::{StoreError, StoreResult, parse_stored};

/// PostgreSQL's subqueries: co-signers, co-units, the reply of the latest
/// round (the one [`super::children`] keeps).
const PG: [&str; 3] = [
    r#"(SELECT json_agg(json_build_array(c.deputy_id, c.status, c.confirmed_at, c.withdrawn_at) ORDER BY c.position)::text FROM suggestion_co_signers c WHERE c.suggestion_id = "suggestions"."id")"#,
    r#"(SELECT json_agg(json_build_array(u.unit_id, u.deadline, u.opinion, u.opinion_at) ORDER BY u.unit_id)::text FROM suggestion_co_units u WHERE u.suggestion_id = "suggestions"."id")"#,
    r#"(SELECT row_to_json(r)::text FROM (SELECT id, round, unit_id, category, content, document_number, signed_by, responsible_person, handler_name, handler_phone, reply_date, created_at FROM suggestion_replies WHERE suggestion_id = "suggestions"."id" ORDER BY round DESC LIMIT 1) r)"#,
];

/// SQLite's: the same, with ids stored as 16 bytes written as hex.
const SQLITE: [&str; 3] = [
    r#"(SELECT json_group_array(json_array(lower(hex(c.deputy_id)), c.status, c.confirmed_at, c.withdrawn_at) ORDER BY c.position) FROM suggestion_co_signers c WHERE c.suggestion_id = "suggestions"."id")"#,
    r#"(SELECT json_group_array(json_array(lower(hex(u.unit_id)), u.deadline, u.opinion, u.opinion_at) ORDER BY u.unit_id) FROM suggestion_co_units u WHERE u.suggestion_id = "suggestions"."id")"#,
    r#"(SELECT json_object('id', lower(hex(id)), 'round', round, 'unit_id', lower(hex(unit_id)), 'category', category, 'content', content, 'document_number', document_number, 'signed_by', signed_by, 'responsible_person', responsible_person, 'handler_name', handler_name, 'handler_phone', handler_phone, 'reply_date', reply_date, 'created_at', created_at) FROM suggestion_replies WHERE suggestion_id = "suggestions"."id" ORDER BY round DESC LIMIT 1)"#,
];

/// `select` with the three JSON columns [`Inline`] reads, for `backend`.
pub(super) fn columns(
    backend: DbBackend,
) -> impl FnOnce(Select<SuggestionEntity>) -> Select<SuggestionEntity> {
    move |select| {
        let [co_signers, co_units, reply] = match backend {
            DbBackend::Postgres => PG,
            _ => SQLITE,
        };
        select
            .column_as(Expr::cust(co_signers), "x_co_signers")
            .column_as(Expr::cust(co_units), "x_co_units")
            .column_as(Expr::cust(reply), "x_reply")
    }
}

/// A suggestion's row and its children as JSON text (absent, or an empty
/// list on SQLite, when it has none).
pub(super) struct Inline {
    pub(super) m: suggestion::Model,
    co_signers: Option<String>,
    co_units: Option<String>,
    reply: Option<String>,
}

impl FromQueryResult for Inline {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            m: suggestion::Model::from_query_result(res, pre)?,
            co_signers: res.try_get(pre, "x_co_signers")?,
            co_units: res.try_get(pre, "x_co_units")?,
            reply: res.try_get(pre, "x_reply")?,
        })
    }
}

type CoSignerRow = (Uuid, String, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
type CoUnitRow = (
    Uuid,
    Option<NaiveDate>,
    Option<String>,
    Option<DateTime<Utc>>,
);

#[derive(Deserialize)]
struct ReplyRow {
    id: Uuid,
    round: i32,
    unit_id: Uuid,
    category: String,
    content: String,
    document_number: Option<String>,
    signed_by: Option<String>,
    responsible_person: Option<String>,
    handler_name: Option<String>,
    handler_phone: Option<String>,
    reply_date: NaiveDate,
    created_at: DateTime<Utc>,
}

fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Db(DbErr::Type(e.to_string())))
}

/// The children of `rows`, keyed by suggestion, as [`super::assemble`]
/// takes them.
pub(super) fn children<'a>(rows: impl Iterator<Item = &'a Inline>) -> StoreResult<Children> {
    let mut out = Children {
        co_signers: HashMap::new(),
        co_units: HashMap::new(),
        replies: HashMap::new(),
    };
    for r in rows {
        let id = r.m.id;
        if let Some(text) = &r.co_signers {
            let list: Vec<CoSignerRow> = parse(text)?;
            let list = list
                .into_iter()
                .map(|(deputy_id, status, confirmed_at, withdrawn_at)| {
                    Ok(CoSigner {
                        deputy_id: deputy_id.into(),
                        status: parse_stored(&status)?,
                        confirmed_at,
                        withdrawn_at,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            out.co_signers.insert(id, list);
        }
        if let Some(text) = &r.co_units {
            let list: Vec<CoUnitRow> = parse(text)?;
            let list = list
                .into_iter()
                .map(|(unit_id, deadline, opinion, opinion_at)| CoUnit {
                    unit_id: unit_id.into(),
                    deadline,
                    opinion,
                    opinion_at,
                })
                .collect();
            out.co_units.insert(id, list);
        }
        if let Some(text) = &r.reply {
            let x: ReplyRow = parse(text)?;
            out.replies.insert(
                id,
                Reply {
                    id: x.id,
                    round: x.round,
                    unit_id: x.unit_id.into(),
                    category: parse_stored(&x.category)?,
                    content: x.content,
                    document_number: x.document_number,
                    signed_by: x.signed_by,
                    responsible_person: x.responsible_person,
                    handler_name: x.handler_name,
                    handler_phone: x.handler_phone,
                    reply_date: x.reply_date,
                    created_at: x.created_at,
                },
            );
        }
    }
    Ok(out)
}

/// The statement [`super::load`] sends, its one parameter the id: the same for
/// every read, so written once per backend rather than built each time.
pub(super) fn by_id_sql(backend: DbBackend) -> &'static str {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};
    use suggestion::Column as C;
    static PG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static SQLITE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let cell = match backend {
        DbBackend::Postgres => &PG,
        _ => &SQLITE,
    };
    cell.get_or_init(|| {
        let select = SuggestionEntity::find_by_id(Uuid::nil()).filter(C::DeletedAt.is_null());
        columns(backend)(select).build(backend).sql
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kept statement is what the query builder makes for any id,
    /// the id its only parameter.
    #[test]
    fn a_read_by_id_is_the_built_statement_with_the_id_its_one_parameter() {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};
        use suggestion::Column as C;
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            let id = Uuid::now_v7();
            let select = SuggestionEntity::find_by_id(id).filter(C::DeletedAt.is_null());
            let built = columns(backend)(select).build(backend);
            assert_eq!(built.sql, by_id_sql(backend));
            assert_eq!(built.values.map(|v| v.0), Some(vec![id.into()]));
        }
    }
}
