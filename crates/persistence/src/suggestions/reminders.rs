//! The reminders of suggestions' dates, written by the scheduler: the
//! domain says which suggestions may have one due (a window of dates) and
//! what each is; this reads the suggestions in the window and writes the
//! notices, each once per person whoever writes it and however often.

use renda_domain::suggestion::{HandlingPolicy, reminder_window, reminders};
use renda_domain::time::china_midnight;

use sea_orm::QuerySelect;

use super::*;

/// How many suggestions are read at a time.
const CHUNK: u64 = 500;

impl Store {
    /// Writes the suggestions' reminders due on `today`; returns how many
    /// notifications were new.
    pub async fn write_suggestion_reminders(
        &self,
        today: NaiveDate,
        policy: &HandlingPolicy,
    ) -> StoreResult<u64> {
        let w = reminder_window(today);
        let open = [SuggestionStatus::Assigned, SuggestionStatus::Rehandling].map(|s| s.as_str());
        let due = Condition::all()
            .add(C::Status.is_in(open))
            .add(C::Deadline.gte(w.deadline_from))
            .add(C::Deadline.lte(w.deadline_until));
        let waiting = Condition::all()
            .add(C::Status.eq(SuggestionStatus::Replied.as_str()))
            .add(C::EvaluationResult.is_null())
            .add(C::RepliedAt.gte(china_midnight(w.replied_from)))
            .add(C::RepliedAt.lt(china_midnight(w.replied_until + chrono::Days::new(1))));
        let mut written = 0;
        let mut after = Uuid::nil();
        loop {
            let rows = SuggestionEntity::find()
                .filter(C::DeletedAt.is_null())
                .filter(Condition::any().add(due.clone()).add(waiting.clone()))
                .filter(C::Id.gt(after))
                .order_by_asc(C::Id)
                .limit(CHUNK)
                .all(&self.db)
                .await?;
            let Some(last) = rows.last().map(|m| m.id) else {
                return Ok(written);
            };
            after = last;
            let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
            let mut ch = children(&self.db, &ids).await?;
            for m in rows {
                let s = assemble(m, &mut ch)?;
                for n in reminders(&s, today, policy) {
                    written += crate::notifications::write(&self.db, &n).await?;
                }
            }
        }
    }
}
