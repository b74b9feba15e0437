//! The suggestion listing and the overdue watch.

use super::inline::{self, Inline};
use super::*;
use sea_orm::Select;
use sea_orm::sea_query::{SimpleExpr, UnionType};

/// The suggestions deputy `d` leads or co-signs (without having
/// withdrawn). One `IN` over a union, which the database answers from the
/// two indexes; an `OR` of the two conditions had it read every
/// suggestion (133 ms at a million, bench/README.md).
fn of_deputy(d: Uuid) -> SimpleExpr {
    let led = Query::select()
        .column(C::Id)
        .from(SuggestionEntity)
        .and_where(C::LeadDeputyId.eq(d))
        .to_owned();
    let co = Query::select()
        .column(cs::Column::SuggestionId)
        .from(cs::Entity)
        .and_where(cs::Column::DeputyId.eq(d))
        .and_where(cs::Column::WithdrawnAt.is_null())
        .union(UnionType::All, led)
        .to_owned();
    C::Id.in_subquery(co)
}

/// The suggestions unit `u` leads or is a co-unit of. Unlike a deputy's
/// few, a unit's suggestions are many (one in twenty at a million): the
/// union [`of_deputy`] uses would read them all before the first page,
/// while this `OR` walks the suggestions in order and stops at a page.
fn of_unit(u: Uuid) -> Condition {
    let co = Query::select()
        .column(cu::Column::SuggestionId)
        .from(cu::Entity)
        .and_where(cu::Column::UnitId.eq(u))
        .to_owned();
    Condition::any()
        .add(C::LeadUnitId.eq(u))
        .add(C::Id.in_subquery(co))
}

/// Pages of up to this many rows (every page of the API) read their
/// suggestions' co-signers, co-units and replies in the same statement:
/// one round trip. Longer ones, a hand-out batch's list 500 rows at a
/// time, read them in three statements over the page's ids, which costs
/// less per row than three subqueries and a JSON text each (about a tenth
/// more rows a second, measured when the suggestions export read whole
/// suggestions; it now reads only its columns, `export.rs`).
const INLINE_PAGE: u64 = 100;

/// The keys a listing of suggestions pages by.
pub(super) const KEYS: list::Keys<C> = list::Keys {
    id: C::Id,
    updated_at: C::UpdatedAt,
    deleted_at: Some(C::DeletedAt),
    seq: list::SEQ_COLUMN,
};

impl Store {
    pub async fn list_suggestions(
        &self,
        vis: &SuggestionVisibility,
        f: &SuggestionFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<Suggestion>> {
        self.listing(vis, f, opts, async |q| self.page_of(q, opts).await)
            .await
    }

    /// A page of the suggestions visible by `vis` that `f` selects, read by
    /// `page` from the selection it is given: the listing's conditions, and
    /// for a keyword search either the search index's or a walk of the
    /// latest rows (`search::way`).
    pub(super) async fn listing<T>(
        &self,
        vis: &SuggestionVisibility,
        f: &SuggestionFilter,
        opts: &ListOptions,
        page: impl AsyncFn(Select<SuggestionEntity>) -> StoreResult<Page<T>>,
    ) -> StoreResult<Page<T>> {
        let mut q = SuggestionEntity::find();
        // Visibility: the union of what the caller may see.
        let mut seen = Condition::any();
        if vis.published {
            seen = seen.add(C::PublishedAt.is_not_null());
        }
        if let Some(d) = vis.deputy {
            seen = seen.add(of_deputy(d));
        }
        if vis.submitted {
            seen = seen.add(C::Status.ne(SuggestionStatus::Draft.as_str()));
        }
        if let Some(u) = vis.unit {
            let statuses: Vec<&str> = vis.unit_statuses.iter().map(|s| s.as_str()).collect();
            seen = seen
                .add(
                    Condition::all()
                        .add(C::Status.is_in(statuses))
                        .add(of_unit(u).add(C::DispatcherUnitId.eq(u))),
                )
                // A submission passed to the unit as a letter (转来信).
                .add(
                    Condition::all()
                        .add(C::Status.eq(SuggestionStatus::NotRegistered.as_str()))
                        .add(C::LetterUnitId.eq(u)),
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
        if let Some(id) = f.congress_session_id {
            q = q.filter(C::CongressSessionId.eq(id));
        }
        if let Some(id) = f.assignment_batch_id {
            q = q.filter(C::AssignmentBatchId.eq(id));
        }
        if let Some(pending) = f.pass_on_pending {
            q = q.filter(if pending {
                C::PassOnDue.is_not_null()
            } else {
                C::PassOnDue.is_null()
            });
        }
        if let Some(u) = f.unit_id {
            q = q.filter(of_unit(u));
        }
        if let Some(d) = f.deputy_id {
            q = q.filter(of_deputy(d));
        }
        if let Some(y) = f.year {
            // Registered in the year, or drafted in it and not registered
            // (`Suggestion::year`), by index. Written as a range of one
            // year, so that PostgreSQL keeps the order by year below.
            q = q.filter(C::Year.gte(y)).filter(C::Year.lte(y));
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
        if f.year.is_some() {
            // One year here, so ordering by it first changes nothing but
            // the plan: only the year's index gives this order. Otherwise
            // PostgreSQL walks the whole primary key for a past year,
            // taking its rows to be spread evenly over the ids (they are
            // in creation order, a year's together): 160 ms, against
            // under one, at a million. With `year = y` it would see the
            // order by a constant and drop it.
            q = q.order_by(
                C::Year,
                if opts.desc {
                    sea_orm::Order::Desc
                } else {
                    sea_orm::Order::Asc
                },
            );
        }
        let Some(text) = &f.q else {
            return page(q).await;
        };
        let matching = Condition::any()
            .add(list::contains(C::Title, text))
            .add(list::contains(C::Content, text));
        let indexed =
            |q: Select<SuggestionEntity>| match search::holds(self.db.get_database_backend(), text)
            {
                Some(held) => q.filter(held).filter(matching.clone()),
                None => q.filter(matching.clone()),
            };
        // A count reads every match whichever way; the index narrows it.
        // A walk goes only in id order: its rows must be the first of the
        // listing's order.
        let way = if opts.include_total || opts.by_change || opts.after_seq.is_some() {
            search::Way::Index
        } else {
            search::way(&self.db, self.search, text, opts.limit).await?
        };
        match way {
            search::Way::Index => page(indexed(q)).await,
            search::Way::WalkFirst(rows) => {
                let after = opts.after.map(|c| c.id);
                let walk = q
                    .clone()
                    .filter(search::walked(rows, after, opts.desc))
                    .filter(matching.clone());
                let walked = page(walk).await?;
                if walked.next.is_some() {
                    return Ok(walked);
                }
                page(indexed(q)).await
            }
        }
    }

    /// A page of the suggestions `q` selects.
    async fn page_of(
        &self,
        q: Select<SuggestionEntity>,
        opts: &ListOptions,
    ) -> StoreResult<Page<Suggestion>> {
        let keys = KEYS;
        if opts.limit <= INLINE_PAGE {
            let columns = inline::columns(self.db.get_database_backend());
            let page = list::paginate_as(&self.db, q, keys, opts, columns, |r: &Inline| {
                (r.m.id, r.m.updated_at, r.m.deleted_at)
            })
            .await?;
            let mut ch = inline::children(page.live())?;
            return page.try_map(|r| assemble(r.m, &mut ch));
        }
        let page = list::paginate(&self.db, q, keys, opts, |m: &suggestion::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        let ids: Vec<Uuid> = page.live().map(|m| m.id).collect();
        let mut ch = children(&self.db, &ids).await?;
        page.try_map(|m| assemble(m, &mut ch))
    }
}

impl Store {
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
