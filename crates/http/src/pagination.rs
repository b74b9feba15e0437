//! List parameters and list answers shared by every collection.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use renda_persistence::{Cursor, ListOptions, Page, Row};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, Msg};

/// 列表的顺序：按创建（`created`，默认）或按最后修改（`updated`），先早后晚；加 `-` 则先晚后早。
///
/// The order of a list: by creation (`created`, the default) or by last
/// change (`updated`), oldest first, or newest first with a `-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub enum ListSort {
    #[serde(rename = "created")]
    Created,
    #[serde(rename = "-created")]
    CreatedDesc,
    #[serde(rename = "updated")]
    Updated,
    #[serde(rename = "-updated")]
    UpdatedDesc,
}

impl ListSort {
    /// Whether the list runs by last change, and whether newest first.
    fn order(self) -> (bool, bool) {
        match self {
            ListSort::Created => (false, false),
            ListSort::CreatedDesc => (false, true),
            ListSort::Updated => (true, false),
            ListSort::UpdatedDesc => (true, true),
        }
    }
}

/// Paging and synchronisation parameters every collection takes.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1 to 100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Add `total`, the number of matching objects, to the answer.
    pub include_total: Option<bool>,
    /// Only objects changed at or after this instant (RFC 3339), ordered by
    /// last change: for clients that keep a copy.
    pub modified_since: Option<DateTime<Utc>>,
    /// Include deleted objects as tombstones `{"id", "deleted": true, "updated_at"}`.
    pub include_deleted: Option<bool>,
    /// Only objects whose last change was numbered after this sequence
    /// number, in that order: each change is numbered once it has
    /// committed, and numbers only grow. Give the `next_after` of the
    /// previous sync (0 the first time). Every change is seen exactly once,
    /// with no overlap needed; the changes of one transaction may come in
    /// two syncs. With `modified_since` as well, both filters apply.
    #[param(minimum = 0)]
    #[validate(range(min = 0))]
    pub after: Option<i64>,
    /// 排序：`created`（默认，按创建先早后晚；带 `modified_since` 时默认为 `updated`）、`-created`
    /// （最新在前）、`updated` 或 `-updated`（最近修改在前）。按创建排序时分页不重不漏；按修改排序时，
    /// 翻页期间被修改的对象在 `updated` 下会在后面再出现一次，在 `-updated` 下会移到最前而不在后续页
    /// 出现（从第一页重新读取即可看到）。带 `after` 时忽略（同步按提交顺序）。增量同步请用默认顺序。
    ///
    /// The order: `created` (the default; with `modified_since`, `updated`),
    /// `-created` (newest first), `updated` or `-updated` (last changed
    /// first). By creation, paging is exact. By change, an object changed
    /// while a client pages comes again further on with `updated`, and with
    /// `-updated` moves to the top, out of the pages still to come (read
    /// from the first page again to see it). Ignored with `after` (commit
    /// order). A sync by `modified_since` should keep the default order.
    pub sort: Option<ListSort>,
}

/// The paging parameters of a list read whole with its record (a
/// suggestion's timeline, a station's reception days): like
/// [`ListParams`] without `after`, since such records carry no commit
/// sequence; `modified_since` serves for synchronising them.
#[derive(Debug, Clone, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WholeListParams {
    /// Page size, 1 to 100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Add `total`, the number of matching objects, to the answer.
    pub include_total: Option<bool>,
    /// Only objects changed at or after this instant (RFC 3339), ordered by
    /// last change: for clients that keep a copy.
    pub modified_since: Option<DateTime<Utc>>,
    /// Accepted for symmetry with the other lists: these records are never
    /// deleted.
    pub include_deleted: Option<bool>,
    /// 排序：`created`（默认；带 `modified_since` 时默认为 `updated`）、`-created`（最新在前）、
    /// `updated` 或 `-updated`（按修改排序时，翻页期间被修改的对象可能重复或移到最前）。
    ///
    /// The order: `created` (the default; with `modified_since`, `updated`),
    /// `-created` (newest first), `updated` or `-updated` (by change, an
    /// object changed while paging may come again or move to the top).
    pub sort: Option<ListSort>,
}

impl WholeListParams {
    fn as_list(&self) -> ListParams {
        ListParams {
            limit: self.limit,
            cursor: self.cursor.clone(),
            include_total: self.include_total,
            modified_since: self.modified_since,
            include_deleted: self.include_deleted,
            after: None,
            sort: self.sort,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct CursorWire {
    i: Uuid,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    u: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    s: Option<i64>,
    /// Newest first.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    r: bool,
}

/// Encodes a cursor as an opaque string.
pub fn encode_cursor(c: &Cursor) -> String {
    let wire = CursorWire {
        i: c.id,
        u: c.updated_at,
        s: c.seq,
        r: c.desc,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&wire).unwrap_or_default())
}

fn bad_cursor() -> ApiError {
    ApiError::field(
        "cursor",
        "invalid",
        Msg::new(
            "游标无效，请使用上一页返回的 next_cursor",
            "Invalid cursor; use the next_cursor of the previous page",
        ),
    )
}

/// A cursor of a list with its own order: `v` as opaque text.
pub fn encode_opaque<T: Serialize>(v: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap_or_default())
}

/// The value of a cursor made by [`encode_opaque`], or a 422 naming
/// `cursor`.
pub fn decode_opaque<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, ApiError> {
    if s.len() > 200 {
        return Err(bad_cursor());
    }
    let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad_cursor())?;
    serde_json::from_slice(&bytes).map_err(|_| bad_cursor())
}

fn decode_cursor(s: &str) -> Result<Cursor, ApiError> {
    if s.len() > 200 {
        return Err(bad_cursor());
    }
    let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad_cursor())?;
    let wire: CursorWire = serde_json::from_slice(&bytes).map_err(|_| bad_cursor())?;
    Ok(Cursor {
        id: wire.i,
        updated_at: wire.u,
        seq: wire.s,
        desc: wire.r,
    })
}

impl ListParams {
    pub fn options(&self) -> Result<ListOptions, ApiError> {
        let after = self
            .cursor
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(decode_cursor)
            .transpose()?;
        // A sync by `after` comes in commit order whatever `sort` says; a
        // list synced by time runs by last change, oldest first, unless
        // the caller asks for another order.
        let (by_change, desc) = match self.sort.filter(|_| self.after.is_none()) {
            Some(sort) => sort.order(),
            None => (self.modified_since.is_some(), false),
        };
        // A cursor carries the order it was made in: commit order (`after`),
        // last change, or creation, either way round.
        if let Some(c) = &after {
            let fits = match self.after {
                Some(_) => c.seq.is_some() && c.updated_at.is_none() && !c.desc,
                None => c.seq.is_none() && c.updated_at.is_some() == by_change && c.desc == desc,
            };
            if !fits {
                return Err(bad_cursor());
            }
        }
        if self.after.is_some_and(|a| a < 0) {
            return Err(ApiError::field(
                "after",
                "range",
                Msg::new("不能小于 0", "must be 0 or more"),
            ));
        }
        Ok(ListOptions {
            limit: self.limit.unwrap_or(20),
            after,
            after_seq: self.after,
            modified_since: self.modified_since,
            include_deleted: self.include_deleted.unwrap_or(false),
            include_total: self.include_total.unwrap_or(false),
            by_change,
            desc,
        })
    }
}

/// 已删除的对象，列在同步客户端所读的列表中。
///
/// A deleted object, as listed for synchronising clients.
#[derive(Debug, Serialize, ToSchema)]
pub struct Tombstone {
    /// 被删除对象的 id。
    ///
    /// The deleted object's id.
    pub id: Uuid,
    /// 固定为 `true`。
    ///
    /// Always `true`.
    pub deleted: bool,
    /// 对象最后一次变化（即删除）的时间。
    ///
    /// When it last changed: its deletion.
    pub updated_at: DateTime<Utc>,
}

/// 列表中的一项：现存对象或墓碑。文档中该项引用对象自身的 schema，以 `deleted` 区分两者：
/// 列表中的现存对象带 `"deleted": false`。
///
/// A live object or a tombstone. In the document the item refers to the
/// object's own schema, and `deleted` tells the two apart (see
/// `finish`): in a list, a live object says `"deleted": false`
/// ([`ListResponse`] writes its items so).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Item<T> {
    Live(T),
    Deleted(Tombstone),
}

/// Writes a page's items, each live object with `"deleted": false`
/// after its own fields.
fn items_marked<T: Serialize, S: serde::Serializer>(
    items: &[Item<T>],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    /// The object's fields, then `deleted`.
    #[derive(Serialize)]
    struct Live<'a, T> {
        #[serde(flatten)]
        object: &'a T,
        deleted: bool,
    }
    let mut seq = s.serialize_seq(Some(items.len()))?;
    for item in items {
        match item {
            Item::Live(object) => seq.serialize_element(&Live {
                object,
                deleted: false,
            })?,
            Item::Deleted(t) => seq.serialize_element(t)?,
        }
    }
    seq.end()
}

/// 集合的一页。
///
/// One page of a collection.
#[derive(Debug, Serialize, ToSchema)]
#[serde(bound(serialize = "T: Serialize"))]
pub struct ListResponse<T> {
    /// 本页的对象；请求 `include_deleted=true` 时，已删除的对象以墓碑列出。
    ///
    /// The objects of this page; with `include_deleted=true`, deleted ones as tombstones.
    #[serde(serialize_with = "items_marked")]
    pub items: Vec<Item<T>>,
    /// 下一页的 `cursor` 参数；最后一页为 `null`。
    ///
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// 匹配的对象总数，请求 `include_total=true` 时给出。
    ///
    /// The number of matching objects, when `include_total=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// 与 `after` 一起使用：读完本次同步的每一页（`next_cursor` 为 `null`）后，
    /// 作为下一次同步的 `after`。
    ///
    /// With `after`: the `after` of the next sync, once every page of this
    /// one is read (`next_cursor` is `null`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<i64>,
}

impl<T> ListResponse<T> {
    pub fn from_page<U>(page: Page<U>, mut f: impl FnMut(U) -> T) -> Self {
        ListResponse {
            items: page
                .items
                .into_iter()
                .map(|r| match r {
                    Row::Live(u) => Item::Live(f(u)),
                    Row::Deleted { id, updated_at } => Item::Deleted(Tombstone {
                        id,
                        deleted: true,
                        updated_at,
                    }),
                })
                .collect(),
            next_cursor: page.next.as_ref().map(encode_cursor),
            total: page.total,
            next_after: page.sync_after,
        }
    }
}

/// An item of a small collection kept in full (a suggestion's timeline,
/// replies, records, ...): its id and the time it last changed.
pub trait Keyed {
    fn key(&self) -> (Uuid, DateTime<Utc>);
}

impl<T: Keyed> ListResponse<T> {
    /// Pages a collection read in full, with the same parameters and
    /// answers as every other collection. Such records are never deleted,
    /// so `include_deleted` changes nothing.
    pub fn from_vec(mut items: Vec<T>, params: &WholeListParams) -> Result<Self, ApiError> {
        let opts = params.as_list().options()?;
        if let Some(since) = opts.modified_since {
            items.retain(|i| i.key().1 >= since);
        }
        if opts.by_change {
            items.sort_by_key(|i| (i.key().1, i.key().0));
        } else {
            items.sort_by_key(|i| i.key().0);
        }
        if opts.desc {
            items.reverse();
        }
        let total = opts.include_total.then_some(items.len() as u64);
        if let Some(c) = opts.after {
            items.retain(|i| {
                let (id, at) = i.key();
                let order = match c.updated_at {
                    Some(u) => (at, id).cmp(&(u, c.id)),
                    None => id.cmp(&c.id),
                };
                if opts.desc {
                    order.is_lt()
                } else {
                    order.is_gt()
                }
            });
        }
        Ok(Self::keyed_page(
            items,
            opts.limit,
            opts.by_change,
            opts.desc,
            total,
        ))
    }

    /// The first `limit` of `items` (in the list's order), with a cursor
    /// after the last of them when more follow.
    fn keyed_page(
        mut items: Vec<T>,
        limit: u64,
        by_change: bool,
        desc: bool,
        total: Option<u64>,
    ) -> Self {
        let limit = usize::try_from(limit.max(1)).unwrap_or(usize::MAX);
        let more = items.len() > limit;
        items.truncate(limit);
        let next_cursor = if more {
            items.last().map(|i| {
                let (id, at) = i.key();
                encode_cursor(&Cursor {
                    id,
                    updated_at: by_change.then_some(at),
                    seq: None,
                    desc,
                })
            })
        } else {
            None
        };
        ListResponse {
            items: items.into_iter().map(Item::Live).collect(),
            next_cursor,
            total,
            next_after: None,
        }
    }
}

/// The window of a list read page by page in SQL, in id order, whose
/// items have no time of change of their own: they page as [`Keyed`]
/// items whose time is the UNIX epoch do in [`ListResponse::from_vec`].
#[derive(Debug, Clone, Copy)]
pub struct IdWindow {
    /// Items after (`desc`: before) this id.
    pub after: Option<Uuid>,
    pub desc: bool,
    /// The page size; read one more to learn whether another page follows.
    pub limit: u64,
    pub include_total: bool,
    /// Nothing can match: `modified_since` or the cursor is past the epoch.
    pub empty: bool,
    by_change: bool,
}

impl WholeListParams {
    pub fn id_window(&self) -> Result<IdWindow, ApiError> {
        let opts = self.as_list().options()?;
        let epoch = DateTime::<Utc>::UNIX_EPOCH;
        let mut empty = opts.modified_since.is_some_and(|s| s > epoch);
        let mut after = None;
        if let Some(c) = opts.after {
            match c.updated_at {
                // Every item is on one side of such a cursor.
                Some(u) if u != epoch => empty |= (epoch > u) == opts.desc,
                _ => after = Some(c.id),
            }
        }
        Ok(IdWindow {
            after,
            desc: opts.desc,
            limit: opts.limit.max(1),
            include_total: opts.include_total,
            empty,
            by_change: opts.by_change,
        })
    }
}

impl<T: Keyed> ListResponse<T> {
    /// The page of `w` from `items`, read in its order and at most one
    /// more than its limit; `total` as counted when asked for.
    pub fn from_id_window(items: Vec<T>, w: &IdWindow, total: Option<u64>) -> Self {
        let total = w.include_total.then(|| total.unwrap_or(0));
        Self::keyed_page(items, w.limit, w.by_change, w.desc, total)
    }
}

/// A timeline pages by its entries' ids and times.
impl<S: renda_domain::timeline::Phase> Keyed for renda_domain::timeline::Entry<S> {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.occurred_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip() -> Result<(), ApiError> {
        let c = Cursor {
            id: Uuid::now_v7(),
            updated_at: Some(renda_domain::time::now()),
            seq: None,
            desc: true,
        };
        assert_eq!(decode_cursor(&encode_cursor(&c))?, c);
        assert!(decode_cursor("not-a-cursor").is_err());
        Ok(())
    }
}
