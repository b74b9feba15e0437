//! Items to and from their rows, with the lists and records kept beside them.

use super::*;

fn methods_text(m: &[Method]) -> String {
    let mut s = String::from(",");
    for x in m {
        s.push_str(x.as_str());
        s.push(',');
    }
    s
}

pub(super) fn to_model(s: &SupervisionItem) -> StoreResult<item::ActiveModel> {
    let laws = serde_json::to_string(&s.laws)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Json(e.to_string())))?;
    Ok(item::ActiveModel {
        id: Set(s.id),
        title: Set(s.title.clone()),
        year: Set(s.year),
        description: Set(s.description.clone()),
        methods: Set(methods_text(&s.methods)),
        committee: Set(s.committee.clone()),
        laws: Set(laws),
        stage: Set(s.stage.as_str().to_owned()),
        round: Set(s.round),
        published_at: Set(s.published_at),
        closed_at: Set(s.closed_at),
        created_by: Set(s.created_by.into()),
        created_at: Set(s.created_at),
        updated_at: Set(s.updated_at),
        version: Set(s.version),
    })
}

#[derive(Default)]
pub(super) struct Children {
    bodies: HashMap<Uuid, Vec<Uuid>>,
    members: HashMap<Uuid, Vec<Uuid>>,
    deputies: HashMap<Uuid, Vec<Uuid>>,
    observers: HashMap<Uuid, Vec<Uuid>>,
}

pub(super) async fn children<Conn: ConnectionTrait>(
    c: &Conn,
    ids: &[Uuid],
) -> StoreResult<Children> {
    let mut ch = Children::default();
    if ids.is_empty() {
        return Ok(ch);
    }
    for m in body::Entity::find()
        .filter(body::Column::ItemId.is_in(ids.iter().copied()))
        .all(c)
        .await?
    {
        ch.bodies.entry(m.item_id).or_default().push(m.unit_id);
    }
    for m in part::Entity::find()
        .filter(part::Column::ItemId.is_in(ids.iter().copied()))
        .all(c)
        .await?
    {
        let map = if m.kind == MEMBER {
            &mut ch.members
        } else {
            &mut ch.deputies
        };
        map.entry(m.item_id).or_default().push(m.deputy_id);
    }
    for m in so::Entity::find()
        .filter(so::Column::ItemId.is_in(ids.iter().copied()))
        .all(c)
        .await?
    {
        ch.observers
            .entry(m.item_id)
            .or_default()
            .push(m.observer_id);
    }
    for map in [
        &mut ch.bodies,
        &mut ch.members,
        &mut ch.deputies,
        &mut ch.observers,
    ] {
        for v in map.values_mut() {
            v.sort();
        }
    }
    Ok(ch)
}

pub(super) fn assemble(m: item::Model, ch: &mut Children) -> StoreResult<SupervisionItem> {
    let methods = m
        .methods
        .split(',')
        .filter(|s| !s.is_empty())
        .map(parse_stored)
        .collect::<StoreResult<Vec<Method>>>()?;
    let laws: Vec<String> = serde_json::from_str(&m.laws)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Json(e.to_string())))?;
    Ok(SupervisionItem {
        id: m.id,
        title: m.title,
        year: m.year,
        description: m.description,
        methods,
        body_ids: renda_domain::id::from_uuids(ch.bodies.remove(&m.id).unwrap_or_default()),
        committee: m.committee,
        committee_member_ids: renda_domain::id::from_uuids(
            ch.members.remove(&m.id).unwrap_or_default(),
        ),
        deputy_ids: renda_domain::id::from_uuids(ch.deputies.remove(&m.id).unwrap_or_default()),
        observer_ids: ch.observers.remove(&m.id).unwrap_or_default(),
        laws,
        stage: parse_stored(&m.stage)?,
        round: m.round,
        published_at: m.published_at,
        closed_at: m.closed_at,
        created_by: m.created_by.into(),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

pub(super) async fn load<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
) -> StoreResult<SupervisionItem> {
    let m = ItemEntity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut ch = children(c, &[id]).await?;
    assemble(m, &mut ch)
}

fn problem_from(m: pb::Model) -> StoreResult<Problem> {
    Ok(Problem {
        id: m.id,
        opinion_id: m.opinion_id,
        position: m.position,
        description: m.description,
        status: parse_stored(&m.status)?,
        note: m.note,
        closed_at: m.closed_at,
        updated_at: m.updated_at,
    })
}

pub(super) fn observation_from(m: obs::Model) -> StoreResult<Observation> {
    Ok(Observation {
        id: m.id,
        item_id: m.item_id,
        observer_id: m.observer_id,
        content: m.content,
        status: parse_stored(&m.status)?,
        decision_reason: m.decision_reason,
        decided_by: m.decided_by.map(Into::into),
        decided_at: m.decided_at,
        created_by: m.created_by.into(),
        created_at: m.created_at,
    })
}

pub(super) async fn opinions_of<Conn: ConnectionTrait>(
    c: &Conn,
    item_ids: &[Uuid],
) -> StoreResult<Vec<(Uuid, Opinion)>> {
    if item_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ops = op::Entity::find()
        .filter(op::Column::ItemId.is_in(item_ids.iter().copied()))
        .order_by_asc(op::Column::Id)
        .all(c)
        .await?;
    let mut problems: HashMap<Uuid, Vec<Problem>> = HashMap::new();
    for m in pb::Entity::find()
        .filter(pb::Column::ItemId.is_in(item_ids.iter().copied()))
        .order_by_asc(pb::Column::Position)
        .all(c)
        .await?
    {
        let p = problem_from(m)?;
        problems.entry(p.opinion_id).or_default().push(p);
    }
    Ok(ops
        .into_iter()
        .map(|m| {
            (
                m.item_id,
                Opinion {
                    problems: problems.remove(&m.id).unwrap_or_default(),
                    id: m.id,
                    unit_id: m.unit_id.into(),
                    round: m.round,
                    content: m.content,
                    deadline: m.deadline,
                    issued_by: m.issued_by.into(),
                    issued_at: m.issued_at,
                },
            )
        })
        .collect())
}
