//! Reading an item's records, and listing items.

use super::*;

impl Store {
    pub async fn supervision_timeline(&self, id: Uuid) -> StoreResult<Vec<TimelineEntry>> {
        crate::timeline::read(&self.db, &crate::timeline::SUPERVISION, id).await
    }

    pub async fn supervision_records(&self, id: Uuid) -> StoreResult<Vec<InvestigationRecord>> {
        rec::Entity::find()
            .filter(rec::Column::ItemId.eq(id))
            .order_by_asc(rec::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(InvestigationRecord {
                    id: m.id,
                    kind: parse_stored(&m.kind)?,
                    occurred_on: m.occurred_on,
                    place: m.place,
                    participants: m.participants,
                    findings: m.findings,
                    created_by: m.created_by.into(),
                    created_at: m.created_at,
                })
            })
            .collect()
    }

    pub async fn supervision_inquiries(&self, id: Uuid) -> StoreResult<Vec<Inquiry>> {
        Ok(inq::Entity::find()
            .filter(inq::Column::ItemId.eq(id))
            .order_by_asc(inq::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Inquiry {
                id: m.id,
                unit_id: m.unit_id.map(Into::into),
                asked_by: m.asked_by,
                question: m.question,
                answered_by: m.answered_by,
                answer: m.answer,
                created_by: m.created_by.into(),
                created_at: m.created_at,
            })
            .collect())
    }

    pub async fn supervision_opinions(&self, id: Uuid) -> StoreResult<Vec<Opinion>> {
        Ok(opinions_of(&self.db, &[id])
            .await?
            .into_iter()
            .map(|(_, o)| o)
            .collect())
    }

    pub async fn supervision_reports(&self, id: Uuid) -> StoreResult<Vec<Report>> {
        rpt::Entity::find()
            .filter(rpt::Column::ItemId.eq(id))
            .order_by_asc(rpt::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(Report {
                    id: m.id,
                    opinion_id: m.opinion_id,
                    unit_id: m.unit_id.into(),
                    summary: m.summary,
                    answers: serde_json::from_str(&m.answers)
                        .map_err(|e| StoreError::Db(sea_orm::DbErr::Json(e.to_string())))?,
                    submitted_by: m.submitted_by.into(),
                    submitted_at: m.submitted_at,
                })
            })
            .collect()
    }

    pub async fn supervision_votes(&self, id: Uuid) -> StoreResult<Vec<Vote>> {
        votes_of(&self.db, id, None).await
    }

    /// The attendance of the item's meeting in `round`, if recorded.
    pub async fn supervision_attendance(
        &self,
        id: Uuid,
        round: i32,
    ) -> StoreResult<Option<renda_domain::supervision::Attendance>> {
        attendance_of(&self.db, id, round).await
    }

    pub async fn supervision_evaluations(&self, id: Uuid) -> StoreResult<Vec<Evaluation>> {
        let n = |v: i32| u32::try_from(v).unwrap_or(0);
        let mut results: HashMap<i32, Vec<renda_domain::supervision::BodyResult>> = HashMap::new();
        for m in bres::Entity::find()
            .filter(bres::Column::ItemId.eq(id))
            .order_by_asc(bres::Column::BodyId)
            .all(&self.db)
            .await?
        {
            results
                .entry(m.round)
                .or_default()
                .push(renda_domain::supervision::BodyResult {
                    body_id: m.body_id.into(),
                    tally: Tally {
                        satisfied: n(m.satisfied),
                        basically_satisfied: n(m.basically_satisfied),
                        unsatisfied: n(m.unsatisfied),
                    },
                    outcome: parse_stored(&m.outcome)?,
                });
        }
        evl::Entity::find()
            .filter(evl::Column::ItemId.eq(id))
            .order_by_asc(evl::Column::Round)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                let n = |v: i32| u32::try_from(v).unwrap_or(0);
                Ok(Evaluation {
                    round: m.round,
                    tally: Tally {
                        satisfied: n(m.satisfied),
                        basically_satisfied: n(m.basically_satisfied),
                        unsatisfied: n(m.unsatisfied),
                    },
                    outcome: parse_stored(&m.outcome)?,
                    present: m.present.map(n),
                    members: m.members.map(n),
                    bodies: results.remove(&m.round).unwrap_or_default(),
                    concluded_by: m.concluded_by.into(),
                    concluded_at: m.concluded_at,
                })
            })
            .collect()
    }

    /// Observation opinions of every item, oldest first, a page after
    /// `after` (an opinion id), optionally of one year's items.
    pub async fn observations_page(
        &self,
        year: Option<i32>,
        after: Option<Uuid>,
        limit: u64,
    ) -> StoreResult<Vec<Observation>> {
        use sea_orm::QuerySelect;
        let mut q = obs::Entity::find();
        if let Some(a) = after {
            q = q.filter(obs::Column::Id.gt(a));
        }
        if let Some(y) = year {
            let items = sea_orm::sea_query::Query::select()
                .column(C::Id)
                .from(ItemEntity)
                .and_where(C::Year.eq(y))
                .to_owned();
            q = q.filter(obs::Column::ItemId.in_subquery(items));
        }
        q.order_by_asc(obs::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(observation_from)
            .collect()
    }

    pub async fn supervision_observations(&self, id: Uuid) -> StoreResult<Vec<Observation>> {
        obs::Entity::find()
            .filter(obs::Column::ItemId.eq(id))
            .order_by_asc(obs::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(observation_from)
            .collect()
    }

    pub async fn list_supervisions(
        &self,
        vis: &SupervisionVisibility,
        f: &SupervisionFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<SupervisionItem>> {
        let mut q = ItemEntity::find();
        if !vis.all {
            let mut seen = Condition::any();
            if vis.published {
                seen = seen.add(C::PublishedAt.is_not_null());
            }
            if let Some(u) = vis.unit {
                let sub = Query::select()
                    .column(body::Column::ItemId)
                    .from(body::Entity)
                    .and_where(body::Column::UnitId.eq(u))
                    .to_owned();
                seen = seen.add(C::Id.in_subquery(sub));
            }
            if let Some(d) = vis.deputy {
                let sub = Query::select()
                    .column(part::Column::ItemId)
                    .from(part::Entity)
                    .and_where(part::Column::DeputyId.eq(d))
                    .to_owned();
                seen = seen.add(C::Id.in_subquery(sub));
            }
            if let Some(o) = vis.observer {
                let sub = Query::select()
                    .column(so::Column::ItemId)
                    .from(so::Entity)
                    .and_where(so::Column::ObserverId.eq(o))
                    .to_owned();
                seen = seen.add(C::Id.in_subquery(sub));
            }
            // An empty union lets nothing through.
            seen = seen.add(Expr::val(1).eq(0));
            q = q.filter(seen);
        }
        if let Some(y) = f.year {
            q = q.filter(C::Year.eq(y));
        }
        if let Some(s) = f.stage {
            q = q.filter(C::Stage.eq(s.as_str()));
        }
        if let Some(m) = f.method {
            q = q.filter(C::Methods.like(format!("%,{},%", m.as_str())));
        }
        if let Some(u) = f.body_id {
            let sub = Query::select()
                .column(body::Column::ItemId)
                .from(body::Entity)
                .and_where(body::Column::UnitId.eq(u))
                .to_owned();
            q = q.filter(C::Id.in_subquery(sub));
        }
        if let Some(o) = f.observer_id {
            let sub = Query::select()
                .column(so::Column::ItemId)
                .from(so::Entity)
                .and_where(so::Column::ObserverId.eq(o))
                .to_owned();
            q = q.filter(C::Id.in_subquery(sub));
        }
        if let Some((overdue, today)) = f.overdue {
            let awaiting = [
                ProblemStatus::Open.as_str(),
                ProblemStatus::SentBack.as_str(),
            ];
            let mut sub = Query::select()
                .column((pb::Entity, pb::Column::ItemId))
                .from(pb::Entity)
                .inner_join(
                    op::Entity,
                    Expr::col((op::Entity, op::Column::Id))
                        .equals((pb::Entity, pb::Column::OpinionId)),
                )
                .and_where(Expr::col((pb::Entity, pb::Column::Status)).is_in(awaiting))
                .and_where(Expr::col((op::Entity, op::Column::Deadline)).lt(today))
                .to_owned();
            if let Some(u) = f.overdue_unit {
                sub.and_where(Expr::col((op::Entity, op::Column::UnitId)).eq(u));
            }
            q = q.filter(if overdue {
                C::Id.in_subquery(sub)
            } else {
                C::Id.not_in_subquery(sub)
            });
        }
        if let Some(text) = &f.q {
            q = q.filter(
                Condition::any()
                    .add(list::contains(C::Title, text))
                    .add(list::contains(C::Committee, text)),
            );
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: None,
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &item::Model| {
            (m.id, m.updated_at, None)
        })
        .await?;
        let ids: Vec<Uuid> = page.live().map(|m| m.id).collect();
        let mut ch = children(&self.db, &ids).await?;
        page.try_map(|m| assemble(m, &mut ch))
    }

    /// The ids of the given items with a rectification overdue on `today`
    /// (counting only the opinions addressed to `unit`, if given).
    pub async fn overdue_supervisions(
        &self,
        ids: &[Uuid],
        today: NaiveDate,
        unit: Option<Uuid>,
    ) -> StoreResult<HashSet<Uuid>> {
        Ok(opinions_of(&self.db, ids)
            .await?
            .into_iter()
            .filter(|(_, o)| unit.is_none_or(|u| o.unit_id == u.into()) && o.overdue(today))
            .map(|(id, _)| id)
            .collect())
    }
}

/// The attendance of an item's meeting in `round`, if recorded, on `c`.
pub(super) async fn attendance_of<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
    round: i32,
) -> StoreResult<Option<renda_domain::supervision::Attendance>> {
    let rows = att::Entity::find()
        .filter(att::Column::ItemId.eq(id))
        .filter(att::Column::Round.eq(round))
        .order_by_asc(att::Column::DeputyId)
        .all(c)
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    Ok(Some(renda_domain::supervision::Attendance {
        round,
        members: u32::try_from(first.members).unwrap_or(0),
        recorded_by: first.recorded_by.into(),
        recorded_at: first.recorded_at,
        present: rows.iter().map(|m| m.deputy_id.into()).collect(),
    }))
}

/// The votes of an item, of one round or all, each with its choices on
/// the bodies named apart, on `c`.
pub(super) async fn votes_of<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
    round: Option<i32>,
) -> StoreResult<Vec<Vote>> {
    let mut q = bvote::Entity::find().filter(bvote::Column::ItemId.eq(id));
    if let Some(r) = round {
        q = q.filter(bvote::Column::Round.eq(r));
    }
    let mut bodies: HashMap<(i32, Uuid), Vec<(renda_domain::id::UnitId, Satisfaction)>> =
        HashMap::new();
    for m in q.order_by_asc(bvote::Column::BodyId).all(c).await? {
        bodies
            .entry((m.round, m.deputy_id))
            .or_default()
            .push((m.body_id.into(), parse_stored(&m.choice)?));
    }
    let mut q = vote::Entity::find().filter(vote::Column::ItemId.eq(id));
    if let Some(r) = round {
        q = q.filter(vote::Column::Round.eq(r));
    }
    q.order_by_asc(vote::Column::Round)
        .order_by_asc(vote::Column::VotedAt)
        .all(c)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Vote {
                round: m.round,
                deputy_id: m.deputy_id.into(),
                choice: parse_stored(&m.choice)?,
                bodies: bodies.remove(&(m.round, m.deputy_id)).unwrap_or_default(),
                voted_at: m.voted_at,
            })
        })
        .collect()
}
