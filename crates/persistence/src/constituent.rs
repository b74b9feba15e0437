//! Constituent opinions (群众意见): left at a station or online, by anyone,
//! and routed by staff and the station's deputies.

use renda_domain::opinion::{Change, Effect, OpinionStatus};
use renda_domain::suggestion::Suggestion;
use sea_orm::sea_query::{Condition, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::crypto::{Crypto, open_field, seal_field};
use crate::duties::write_duty;
use crate::entities::constituent_opinion::{self as co, Column as C, Entity as OpinionEntity};
use crate::entities::station_deputy as sd;
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};
use crate::suggestions::insert_suggestion;

const OBJECT: &str = "constituent_opinion";

/// The outbox event of a change of an opinion: the office learns of every
/// one, the unit of what is forwarded to it. No personal data travels.
fn outbox_event(o: &ConstituentOpinion, action: &str) -> crate::integration::EventDraft {
    crate::integration::EventDraft {
        object_type: "opinion",
        object_id: o.id,
        action: action.to_owned(),
        data: serde_json::json!({
            "status": o.status,
            "station_id": o.station_id,
            "unit_id": o.unit_id,
            "suggestion_id": o.suggestion_id,
        }),
        audience: renda_domain::integration::Audience {
            office: true,
            units: o.unit_id.into_iter().map(Into::into).collect(),
        },
    }
}

pub use renda_domain::opinion::ConstituentOpinion;

/// Which opinions a caller sees, as a union of conditions.
#[derive(Debug, Clone, Default)]
pub struct OpinionVisibility {
    /// Every opinion (staff and leaders).
    pub all: bool,
    /// A deputy: opinions at the stations they are assigned to, and online ones.
    pub deputy: Option<Uuid>,
    /// A unit: opinions forwarded to it.
    pub unit: Option<Uuid>,
    /// The account's own opinions.
    pub author: Option<Uuid>,
}

/// Filters of the opinion listing.
#[derive(Debug, Clone, Default)]
pub struct OpinionFilter {
    pub status: Option<OpinionStatus>,
    pub station_id: Option<Uuid>,
}

const NAME_FIELD: &str = "constituent_opinions.submitter_name";
const PHONE_FIELD: &str = "constituent_opinions.submitter_phone";

fn from_model(crypto: &Crypto, m: co::Model) -> StoreResult<ConstituentOpinion> {
    Ok(ConstituentOpinion {
        id: m.id,
        station_id: m.station_id,
        content: m.content,
        category: m.category,
        submitter_name: open_field(crypto, NAME_FIELD, m.id, m.submitter_name)?,
        submitter_phone: open_field(crypto, PHONE_FIELD, m.id, m.submitter_phone)?,
        status: parse_stored(&m.status)?,
        answer: m.answer,
        unit_id: m.unit_id.map(Into::into),
        forward_note: m.forward_note,
        unit_reply: m.unit_reply,
        suggestion_id: m.suggestion_id,
        handled_by: m.handled_by.map(Into::into),
        handled_at: m.handled_at,
        created_by: m.created_by.map(Into::into),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

fn to_active(
    crypto: &Crypto,
    o: &ConstituentOpinion,
    receipt_digest: Option<String>,
) -> co::ActiveModel {
    co::ActiveModel {
        id: Set(o.id),
        station_id: Set(o.station_id),
        content: Set(o.content.clone()),
        category: Set(o.category.clone()),
        submitter_name: Set(seal_field(
            crypto,
            NAME_FIELD,
            o.id,
            o.submitter_name.as_deref(),
        )),
        submitter_phone: Set(seal_field(
            crypto,
            PHONE_FIELD,
            o.id,
            o.submitter_phone.as_deref(),
        )),
        receipt_digest: match receipt_digest {
            Some(d) => Set(d),
            None => sea_orm::ActiveValue::NotSet,
        },
        status: Set(o.status.as_str().to_owned()),
        answer: Set(o.answer.clone()),
        unit_id: Set(o.unit_id.map(Into::into)),
        forward_note: Set(o.forward_note.clone()),
        unit_reply: Set(o.unit_reply.clone()),
        suggestion_id: Set(o.suggestion_id),
        handled_by: Set(o.handled_by.map(Into::into)),
        handled_at: Set(o.handled_at),
        created_by: Set(o.created_by.map(Into::into)),
        created_at: Set(o.created_at),
        updated_at: Set(o.updated_at),
        version: Set(o.version),
    }
}

/// The audit form of an opinion: the personal data left out.
fn audited(o: &ConstituentOpinion) -> ConstituentOpinion {
    ConstituentOpinion {
        submitter_name: o.submitter_name.as_ref().map(|_| "***".to_owned()),
        submitter_phone: o.submitter_phone.as_ref().map(|_| "***".to_owned()),
        ..o.clone()
    }
}

impl Store {
    /// Keeps a new opinion under the digest of its receipt code.
    pub async fn create_constituent_opinion(
        &self,
        ctx: &AuditCtx,
        o: ConstituentOpinion,
        receipt_digest: String,
    ) -> StoreResult<ConstituentOpinion> {
        let txn = self.db.begin().await?;
        to_active(&self.crypto, &o, Some(receipt_digest))
            .insert(&txn)
            .await?;
        crate::integration::emit(&txn, outbox_event(&o, "received")).await?;
        let a = audited(&o);
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            OBJECT,
            Some(o.id),
            None::<&ConstituentOpinion>,
            Some(&a),
        )
        .await?;
        txn.commit().await?;
        Ok(o)
    }

    pub async fn get_constituent_opinion(&self, id: Uuid) -> StoreResult<ConstituentOpinion> {
        let m = OpinionEntity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_model(&self.crypto, m)
    }

    pub async fn constituent_opinion_by_receipt(
        &self,
        digest: &str,
    ) -> StoreResult<ConstituentOpinion> {
        let m = OpinionEntity::find()
            .filter(C::ReceiptDigest.eq(digest))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_model(&self.crypto, m)
    }

    /// Applies a command's change in one transaction: the opinion if
    /// unchanged meanwhile, the draft suggestion taking it up (whose id the
    /// opinion then points to), the duty record, the outbox event (named
    /// after the state reached, `opinion.forwarded`) and the audit entry.
    /// Returns the opinion and the suggestion made of it, if any.
    pub async fn save_constituent_opinion(
        &self,
        ctx: &AuditCtx,
        before: &ConstituentOpinion,
        change: Change,
    ) -> StoreResult<(ConstituentOpinion, Option<Suggestion>)> {
        let Change {
            mut after,
            action,
            effects,
        } = change;
        let txn = self.db.begin().await?;
        let mut made = None;
        let mut duties = Vec::new();
        let mut notices = Vec::new();
        for e in effects {
            match e {
                Effect::Suggestion(new) => {
                    let s = insert_suggestion(&txn, &self.crypto, ctx, new).await?;
                    after.suggestion_id = Some(s.id);
                    made = Some(s);
                }
                Effect::Duty(d) => duties.push(d),
                Effect::Notify(n) => notices.push(n),
            }
        }
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let res = OpinionEntity::update_many()
            .set(to_active(&self.crypto, &after, None))
            .filter(C::Id.eq(before.id))
            .filter(C::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        for d in duties {
            write_duty(&txn, &self.crypto, ctx, d, false).await?;
        }
        for n in &notices {
            crate::notifications::write(&txn, n).await?;
        }
        crate::integration::emit(&txn, outbox_event(&after, after.status.as_str())).await?;
        let (b, a) = (audited(before), audited(&after));
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            action,
            OBJECT,
            Some(after.id),
            Some(&b),
            Some(&a),
        )
        .await?;
        txn.commit().await?;
        Ok((after, made))
    }

    pub async fn list_constituent_opinions(
        &self,
        vis: &OpinionVisibility,
        f: &OpinionFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<ConstituentOpinion>> {
        let mut q = OpinionEntity::find();
        if !vis.all {
            let mut seen = Condition::any();
            if let Some(d) = vis.deputy {
                let mine = Query::select()
                    .column(sd::Column::StationId)
                    .from(sd::Entity)
                    .and_where(sd::Column::DeputyId.eq(d))
                    .to_owned();
                seen = seen
                    .add(C::StationId.is_null())
                    .add(C::StationId.in_subquery(mine));
            }
            if let Some(u) = vis.unit {
                seen = seen.add(C::UnitId.eq(u));
            }
            if let Some(a) = vis.author {
                seen = seen.add(C::CreatedBy.eq(a));
            }
            seen = seen.add(sea_orm::sea_query::Expr::val(1).eq(0));
            q = q.filter(seen);
        }
        if let Some(s) = f.status {
            q = q.filter(C::Status.eq(s.as_str()));
        }
        if let Some(st) = f.station_id {
            q = q.filter(C::StationId.eq(st));
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: None,
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &co::Model| {
            (m.id, m.updated_at, None)
        })
        .await?;
        page.try_map(|m| from_model(&self.crypto, m))
    }
}
