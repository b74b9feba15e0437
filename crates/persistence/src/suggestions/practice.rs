//! A suggestion's consultations (面商) and leaders' instructions (批示).

use renda_domain::suggestion::{Consultation, Instruction};

use super::*;
use crate::entities::{suggestion_consultation as co, suggestion_instruction as ins};

fn consultation_from(m: co::Model) -> StoreResult<Consultation> {
    Ok(Consultation {
        id: m.id,
        round: m.round,
        unit_id: m.unit_id.into(),
        held_on: m.held_on,
        form: parse_stored(&m.form)?,
        participants: m.participants,
        agreed: m.agreed,
        recorded_by: m.recorded_by.into(),
        created_at: m.created_at,
        response: m.response.as_deref().map(parse_stored).transpose()?,
        response_comment: m.response_comment,
        responded_at: m.responded_at,
    })
}

impl Store {
    /// The consultations recorded on a suggestion, oldest first.
    pub async fn suggestion_consultations(&self, id: Uuid) -> StoreResult<Vec<Consultation>> {
        co::Entity::find()
            .filter(co::Column::SuggestionId.eq(id))
            .order_by_asc(co::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(consultation_from)
            .collect()
    }

    /// The leaders' instructions on a suggestion, oldest first.
    pub async fn suggestion_instructions(&self, id: Uuid) -> StoreResult<Vec<Instruction>> {
        Ok(ins::Entity::find()
            .filter(ins::Column::SuggestionId.eq(id))
            .order_by_asc(ins::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Instruction {
                id: m.id,
                content: m.content,
                given_by: m.given_by.into(),
                given_at: m.given_at,
            })
            .collect())
    }
}
