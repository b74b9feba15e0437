//! Supervision statistics and observers' records.

use super::*;

/// Figures of the supervision statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SupervisionStats {
    pub items: u64,
    pub by_stage: Vec<(Stage, u64)>,
    pub by_method: Vec<(Method, u64)>,
    pub problems: u64,
    pub problems_closed: u64,
    /// Closed off on or before the opinion's deadline (China Standard Time).
    pub problems_closed_on_time: u64,
    pub problems_overdue: u64,
    pub evaluations: u64,
    pub accepted: u64,
    pub returned: u64,
    pub votes: Tally,
}

/// An observer's record for a year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ObserverRecord {
    pub items: Vec<(Uuid, String, Stage)>,
    pub opinions_filed: u64,
    pub opinions_adopted: u64,
    pub opinions_not_adopted: u64,
    pub opinions_pending: u64,
}

impl Store {
    /// Statistics of the items of a year (all years if none).
    pub async fn supervision_stats(
        &self,
        year: Option<i32>,
        today: NaiveDate,
    ) -> StoreResult<SupervisionStats> {
        let mut q = ItemEntity::find();
        if let Some(y) = year {
            q = q.filter(C::Year.eq(y));
        }
        let items = q.all(&self.db).await?;
        let ids: Vec<Uuid> = items.iter().map(|m| m.id).collect();
        let mut st = SupervisionStats {
            items: items.len() as u64,
            ..SupervisionStats::default()
        };
        let mut stages: HashMap<Stage, u64> = HashMap::new();
        let mut methods: HashMap<Method, u64> = HashMap::new();
        for m in &items {
            *stages.entry(parse_stored(&m.stage)?).or_default() += 1;
            for x in m.methods.split(',').filter(|s| !s.is_empty()) {
                *methods.entry(parse_stored(x)?).or_default() += 1;
            }
        }
        st.by_stage = Stage::ALL
            .iter()
            .map(|s| (*s, stages.get(s).copied().unwrap_or(0)))
            .collect();
        st.by_method = Method::ALL
            .iter()
            .map(|s| (*s, methods.get(s).copied().unwrap_or(0)))
            .collect();
        for chunk in ids.chunks(500) {
            for (_, o) in opinions_of(&self.db, chunk).await? {
                for p in &o.problems {
                    st.problems += 1;
                    match p.closed_at {
                        Some(at) if p.status == ProblemStatus::Closed => {
                            st.problems_closed += 1;
                            if renda_domain::time::china_date(at) <= o.deadline {
                                st.problems_closed_on_time += 1;
                            }
                        }
                        _ => {
                            if p.status.awaits_body() && today > o.deadline {
                                st.problems_overdue += 1;
                            }
                        }
                    }
                }
            }
            for m in evl::Entity::find()
                .filter(evl::Column::ItemId.is_in(chunk.iter().copied()))
                .all(&self.db)
                .await?
            {
                st.evaluations += 1;
                match parse_stored::<Outcome>(&m.outcome)? {
                    Outcome::Accepted => st.accepted += 1,
                    Outcome::Returned => st.returned += 1,
                }
                let n = |v: i32| u32::try_from(v).unwrap_or(0);
                st.votes.satisfied += n(m.satisfied);
                st.votes.basically_satisfied += n(m.basically_satisfied);
                st.votes.unsatisfied += n(m.unsatisfied);
            }
        }
        Ok(st)
    }

    /// An observer's items and opinions in the items of a year.
    pub async fn observer_record(
        &self,
        observer_id: Uuid,
        year: i32,
    ) -> StoreResult<ObserverRecord> {
        let assigned: Vec<Uuid> = so::Entity::find()
            .filter(so::Column::ObserverId.eq(observer_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.item_id)
            .collect();
        let mut out = ObserverRecord::default();
        if !assigned.is_empty() {
            for m in ItemEntity::find()
                .filter(C::Id.is_in(assigned))
                .filter(C::Year.eq(year))
                .order_by_asc(C::Id)
                .all(&self.db)
                .await?
            {
                out.items.push((m.id, m.title, parse_stored(&m.stage)?));
            }
        }
        let of_year = Query::select()
            .column(C::Id)
            .from(ItemEntity)
            .and_where(C::Year.eq(year))
            .to_owned();
        for m in obs::Entity::find()
            .filter(obs::Column::ObserverId.eq(observer_id))
            .filter(obs::Column::ItemId.in_subquery(of_year))
            .all(&self.db)
            .await?
        {
            out.opinions_filed += 1;
            match parse_stored::<ObservationStatus>(&m.status)? {
                ObservationStatus::Adopted => out.opinions_adopted += 1,
                ObservationStatus::NotAdopted => out.opinions_not_adopted += 1,
                ObservationStatus::Pending => out.opinions_pending += 1,
            }
        }
        Ok(out)
    }
}
