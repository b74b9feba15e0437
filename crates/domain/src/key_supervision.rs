//! The key-supervision list (重点督办建议): each year the council of
//! chairpersons (主任会议) picks suggestions for key supervision, each led
//! by named leaders of the standing committee or the government (领导领办),
//! who record their visits and instructions as the handling goes on. The
//! list is apart from a suggestion's colour.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::Code;
use crate::command::{Ctx, FieldIssue as Field};
use crate::id::UserId;
use crate::suggestion::SuggestionStatus;

string_enum! {
    /// What a leading leader records.
    pub enum KeyRecordKind : "key supervision record kind" {
        /// A visit or on-site supervision (走访、实地督办).
        Visit = "visit",
        /// A written instruction (批示).
        Instruction = "instruction",
        /// A meeting to push the handling on (协调会、推进会).
        Meeting = "meeting",
    }
}

/// The most leaders one item names.
pub const MAX_LEADERS: usize = 5;

/// A year's list, as the council of chairpersons decided it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyList {
    pub id: Uuid,
    pub year: i32,
    pub title: String,
    /// The day of the council's decision.
    pub decided_on: NaiveDate,
    /// The decision's document number.
    pub document_number: String,
    pub items: Vec<KeyItem>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A suggestion on the list with its leading leaders.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyItem {
    pub id: Uuid,
    pub suggestion_id: Uuid,
    /// The leaders' user ids, in the order the decision names them.
    pub leader_ids: Vec<UserId>,
}

/// A leader's record on an item (领办记录).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyRecord {
    pub id: Uuid,
    pub item_id: Uuid,
    pub kind: KeyRecordKind,
    pub occurred_on: NaiveDate,
    pub content: String,
    pub recorded_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    Blank,
    /// The year is not the decision's year or the one after.
    Year,
    /// No such suggestion.
    UnknownSuggestion,
    /// The suggestion is not registered yet, or was not registered.
    NotRegistered,
    /// Named by an earlier item.
    Repeated,
    /// An item names no leader, or more than [`MAX_LEADERS`].
    LeaderCount,
    /// Not an active leader account.
    NotALeader,
    /// After today.
    Future,
}

impl Issue {
    /// The field error's code.
    pub const fn code(self) -> &'static str {
        match self {
            Issue::Blank => "blank",
            Issue::Year => "year",
            Issue::UnknownSuggestion => "not_found",
            Issue::NotRegistered => "invalid_state",
            Issue::Repeated => "repeated",
            Issue::LeaderCount => "length",
            Issue::NotALeader => "not_a_leader",
            Issue::Future => "future",
        }
    }
}

/// One field a rule refuses.
pub type FieldIssue = Field<Issue>;

/// Why a command is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The year has its list already.
    #[error("the year has its list")]
    ListExists,
    /// The caller does not lead the item.
    #[error("not a leader of the item")]
    NotLeading,
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldIssue>),
}

impl KeyError {
    /// The stable code of the refusal.
    pub const fn code(&self) -> Code {
        match self {
            KeyError::ListExists => Code::KeyListExists,
            KeyError::NotLeading => Code::Forbidden,
            KeyError::Invalid(_) => Code::ValidationFailed,
        }
    }
}

type CmdResult<T> = Result<T, KeyError>;

fn refuse(issues: Vec<FieldIssue>) -> CmdResult<()> {
    crate::command::refuse(issues, KeyError::Invalid)
}

/// An item of the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemInput {
    pub suggestion_id: Uuid,
    pub leader_ids: Vec<UserId>,
}

/// The council's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListInput {
    pub year: i32,
    pub title: String,
    pub decided_on: NaiveDate,
    pub document_number: String,
    pub items: Vec<ItemInput>,
}

/// What the store knows when a list is recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFacts {
    /// The status of each named suggestion that exists.
    pub suggestions: Vec<(Uuid, SuggestionStatus)>,
    /// Which named users are active leaders.
    pub leaders: Vec<UserId>,
    /// Whether the year has a list.
    pub year_taken: bool,
}

/// Records the council of chairpersons' list for a year: every item a
/// registered (or later) suggestion named once, led by one to five
/// active leaders.
pub fn decide(input: ListInput, facts: &ListFacts, ctx: &Ctx) -> CmdResult<KeyList> {
    let mut issues = crate::command::blank_fields(
        &[
            ("title", &input.title),
            ("document_number", &input.document_number),
        ],
        Issue::Blank,
    );
    if input.decided_on > ctx.today {
        issues.push(FieldIssue::new("decided_on", Issue::Future));
    }
    let decided = chrono::Datelike::year(&input.decided_on);
    if input.year != decided && input.year != decided + 1 {
        issues.push(FieldIssue::new("year", Issue::Year));
    }
    let mut seen = Vec::new();
    let mut items = Vec::new();
    for (k, item) in input.items.into_iter().enumerate() {
        let at = |f: &str| format!("items[{k}].{f}");
        match facts
            .suggestions
            .iter()
            .find(|(id, _)| *id == item.suggestion_id)
        {
            None => issues.push(FieldIssue::new(
                at("suggestion_id"),
                Issue::UnknownSuggestion,
            )),
            Some((_, status)) if !status.is_handled() => {
                issues.push(FieldIssue::new(at("suggestion_id"), Issue::NotRegistered));
            }
            Some(_) if seen.contains(&item.suggestion_id) => {
                issues.push(FieldIssue::new(at("suggestion_id"), Issue::Repeated));
            }
            Some(_) => {}
        }
        seen.push(item.suggestion_id);
        let leaders = crate::command::sorted_ids(item.leader_ids.clone());
        if leaders.is_empty() || leaders.len() > MAX_LEADERS {
            issues.push(FieldIssue::new(at("leader_ids"), Issue::LeaderCount));
        }
        for (i, l) in item.leader_ids.iter().enumerate() {
            if !facts.leaders.contains(l) {
                issues.push(FieldIssue::new(
                    format!("items[{k}].leader_ids[{i}]"),
                    Issue::NotALeader,
                ));
            }
        }
        let mut ordered = Vec::new();
        for l in item.leader_ids {
            if !ordered.contains(&l) {
                ordered.push(l);
            }
        }
        items.push(KeyItem {
            id: (ctx.new_id)(),
            suggestion_id: item.suggestion_id,
            leader_ids: ordered,
        });
    }
    refuse(issues)?;
    if facts.year_taken {
        return Err(KeyError::ListExists);
    }
    Ok(KeyList {
        id: (ctx.new_id)(),
        year: input.year,
        title: input.title.trim().to_owned(),
        decided_on: input.decided_on,
        document_number: input.document_number.trim().to_owned(),
        items,
        created_by: ctx.user_id,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    })
}

/// A leader's record to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordInput {
    pub kind: KeyRecordKind,
    pub occurred_on: NaiveDate,
    pub content: String,
}

/// A leading leader of `item` records a visit, an instruction or a
/// meeting, on or before today.
pub fn record(item: &KeyItem, input: RecordInput, ctx: &Ctx) -> CmdResult<KeyRecord> {
    if !item.leader_ids.contains(&ctx.user_id) {
        return Err(KeyError::NotLeading);
    }
    let mut issues = crate::command::blank_fields(&[("content", &input.content)], Issue::Blank);
    if input.occurred_on > ctx.today {
        issues.push(FieldIssue::new("occurred_on", Issue::Future));
    }
    refuse(issues)?;
    Ok(KeyRecord {
        id: (ctx.new_id)(),
        item_id: item.id,
        kind: input.kind,
        occurred_on: input.occurred_on,
        content: input.content,
        recorded_by: ctx.user_id,
        created_at: ctx.now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::testing::{ctx, day, id};

    fn leader(n: u128) -> UserId {
        UserId::new(id(n))
    }

    fn input(items: Vec<ItemInput>) -> ListInput {
        ListInput {
            year: 2026,
            title: " 2026年度重点督办建议 ".into(),
            decided_on: day(2026, 3, 1),
            document_number: "宿城人常主〔2026〕2号".into(),
            items,
        }
    }

    fn item(s: u128, leaders: &[u128]) -> ItemInput {
        ItemInput {
            suggestion_id: id(s),
            leader_ids: leaders.iter().map(|n| leader(*n)).collect(),
        }
    }

    fn facts() -> ListFacts {
        ListFacts {
            suggestions: vec![
                (id(1), SuggestionStatus::Assigned),
                (id(2), SuggestionStatus::Registered),
                (id(3), SuggestionStatus::Submitted),
            ],
            leaders: vec![leader(50), leader(51)],
            year_taken: false,
        }
    }

    #[test]
    fn the_council_lists_handled_suggestions_each_led_by_leaders() {
        let l = decide(
            input(vec![item(1, &[50, 51, 50]), item(2, &[51])]),
            &facts(),
            &ctx(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((l.year, l.title.as_str()), (2026, "2026年度重点督办建议"));
        assert_eq!(l.items[0].leader_ids, [leader(50), leader(51)]);
        let taken = ListFacts {
            year_taken: true,
            ..facts()
        };
        assert_eq!(
            decide(input(vec![item(1, &[50])]), &taken, &ctx()),
            Err(KeyError::ListExists)
        );
    }

    #[test]
    fn every_refused_item_is_named() {
        let mut bad = input(vec![
            item(9, &[50]),
            item(3, &[50]),
            item(1, &[]),
            item(1, &[52]),
        ]);
        bad.year = 2024;
        bad.decided_on = day(2027, 1, 1);
        let got = decide(bad, &facts(), &ctx());
        let Err(KeyError::Invalid(issues)) = got else {
            panic!("{got:?}")
        };
        let fields: Vec<(&str, Issue)> =
            issues.iter().map(|f| (f.field.as_str(), f.issue)).collect();
        assert_eq!(
            fields,
            [
                ("decided_on", Issue::Future),
                ("year", Issue::Year),
                ("items[0].suggestion_id", Issue::UnknownSuggestion),
                ("items[1].suggestion_id", Issue::NotRegistered),
                ("items[2].leader_ids", Issue::LeaderCount),
                ("items[3].suggestion_id", Issue::Repeated),
                ("items[3].leader_ids[0]", Issue::NotALeader),
            ]
        );
    }

    #[test]
    fn only_a_leading_leader_records_and_not_ahead_of_time() {
        let it = KeyItem {
            id: id(7),
            suggestion_id: id(1),
            leader_ids: vec![ctx().user_id],
        };
        let input = |on| RecordInput {
            kind: KeyRecordKind::Visit,
            occurred_on: on,
            content: "实地察看助餐点建设进度。".into(),
        };
        let r = record(&it, input(day(2026, 12, 5)), &ctx()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.item_id, r.recorded_by), (id(7), ctx().user_id));
        assert!(matches!(
            record(&it, input(day(2026, 12, 6)), &ctx()),
            Err(KeyError::Invalid(i)) if i[0].field == "occurred_on"
        ));
        let other = KeyItem {
            leader_ids: vec![leader(50)],
            ..it
        };
        assert_eq!(
            record(&other, input(day(2026, 12, 5)), &ctx()),
            Err(KeyError::NotLeading)
        );
    }
}
