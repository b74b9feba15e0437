//! The adopted projects' progress, comments and ratings.

use super::*;
use crate::error::Conflict;

impl Store {
    /// A project's unit reports progress.
    pub async fn add_progress(
        &self,
        ctx: &AuditCtx,
        round: Uuid,
        p: Progress,
    ) -> StoreResult<Progress> {
        let txn = self.db.begin().await?;
        lock_in_stages(
            &txn,
            round,
            &[RoundStage::Implementing, RoundStage::Evaluating],
        )
        .await?;
        lp::ActiveModel {
            id: Set(p.id),
            candidate_id: Set(p.candidate_id),
            percent: Set(p.percent),
            note: Set(p.note.clone()),
            reported_on: Set(p.reported_on),
            reported_by: Set(p.reported_by.into()),
            created_at: Set(p.created_at),
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "progress",
            "livelihood_candidate",
            Some(p.candidate_id),
            None::<&Progress>,
            Some(&p),
        )
        .await?;
        txn.commit().await?;
        Ok(p)
    }

    pub async fn project_progress(&self, candidate: Uuid) -> StoreResult<Vec<Progress>> {
        Ok(lp::Entity::find()
            .filter(lp::Column::CandidateId.eq(candidate))
            .order_by_asc(lp::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Progress {
                id: m.id,
                candidate_id: m.candidate_id,
                percent: m.percent,
                note: m.note,
                reported_on: m.reported_on,
                reported_by: m.reported_by.into(),
                created_at: m.created_at,
            })
            .collect())
    }

    pub async fn add_comment(
        &self,
        ctx: &AuditCtx,
        round: Uuid,
        c: Comment,
    ) -> StoreResult<Comment> {
        let txn = self.db.begin().await?;
        lock_in_stages(
            &txn,
            round,
            &[RoundStage::Implementing, RoundStage::Evaluating],
        )
        .await?;
        lcm::ActiveModel {
            id: Set(c.id),
            candidate_id: Set(c.candidate_id),
            deputy_id: Set(c.deputy_id.into()),
            content: Set(c.content.clone()),
            created_at: Set(c.created_at),
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "comment",
            "livelihood_candidate",
            Some(c.candidate_id),
            None::<&Comment>,
            Some(&c),
        )
        .await?;
        txn.commit().await?;
        Ok(c)
    }

    pub async fn project_comments(&self, candidate: Uuid) -> StoreResult<Vec<Comment>> {
        Ok(lcm::Entity::find()
            .filter(lcm::Column::CandidateId.eq(candidate))
            .order_by_asc(lcm::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Comment {
                id: m.id,
                candidate_id: m.candidate_id,
                deputy_id: m.deputy_id.into(),
                content: m.content,
                created_at: m.created_at,
            })
            .collect())
    }

    /// A deputy rates a project once, while the round is evaluating.
    pub async fn rate_project(
        &self,
        ctx: &AuditCtx,
        project: &Candidate,
        deputy_id: Uuid,
        user_id: Uuid,
        choice: Rating,
        today: NaiveDate,
    ) -> StoreResult<DateTime<Utc>> {
        let txn = self.db.begin().await?;
        lock_in_stage(&txn, project.round_id, RoundStage::Evaluating, false).await?;
        let at = renda_domain::time::now();
        let row = rt::ActiveModel {
            candidate_id: Set(project.id),
            deputy_id: Set(deputy_id),
            choice: Set(choice.as_str().to_owned()),
            user_id: Set(user_id),
            rated_at: Set(at),
        };
        if let Err(e) = rt::Entity::insert(row).exec_without_returning(&txn).await {
            return Err(match StoreError::from(e) {
                StoreError::Conflict(Conflict::UniqueViolation) => {
                    StoreError::Conflict(Conflict::AlreadyRated)
                }
                other => other,
            });
        }
        write_duty(
            &txn,
            &self.crypto,
            ctx,
            NewDuty {
                deputy_id: deputy_id.into(),
                kind: DutyKind::LivelihoodRating,
                occurred_on: today,
                title: project.title.clone(),
                content: None,
                ref_type: Some("livelihood_project"),
                ref_id: Some(project.id),
            },
            false,
        )
        .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "rating",
            "livelihood_candidate",
            Some(project.id),
            None::<&serde_json::Value>,
            Some(&serde_json::json!({"deputy_id": deputy_id, "choice": choice})),
        )
        .await?;
        txn.commit().await?;
        Ok(at)
    }

    /// The ratings of each project of a round.
    pub async fn round_ratings(&self, round: Uuid) -> StoreResult<HashMap<Uuid, Tally>> {
        let projects: Vec<Uuid> = lc::Entity::find()
            .filter(lc::Column::RoundId.eq(round))
            .filter(lc::Column::Status.eq(CandidateStatus::Adopted.as_str()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
        let mut out: HashMap<Uuid, Vec<Rating>> =
            projects.iter().map(|p| (*p, Vec::new())).collect();
        if !projects.is_empty() {
            for m in rt::Entity::find()
                .filter(rt::Column::CandidateId.is_in(projects))
                .all(&self.db)
                .await?
            {
                out.entry(m.candidate_id)
                    .or_default()
                    .push(parse_stored(&m.choice)?);
            }
        }
        Ok(out.into_iter().map(|(k, v)| (k, Tally::of(v))).collect())
    }
}
