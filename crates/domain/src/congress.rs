//! Sessions of a people's congress (人民代表大会会议): each level's congress
//! of a term (届) meets in numbered sessions (第三次会议), usually once a
//! year. A session is planned, opened and closed by the congress office;
//! at most one session of a level is open at a time, and what deputies
//! file while it is open belongs to it.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use crate::Code;
use crate::command::{Ctx, FieldIssue as Field};
use crate::deputy::Level;
use crate::id::UserId;

string_enum! {
    /// Where a session stands.
    pub enum SessionStatus : "session status" {
        /// Announced; its dates and numbering may still change.
        Planned = "planned",
        /// In session (大会期间).
        Open = "open",
        /// Over; between sessions (闭会期间) until the next opens.
        Closed = "closed",
    }
}

/// The highest session number of a term: a term of five years holds five
/// or six regular sessions, with room for extraordinary ones.
pub const MAX_NUMBER: i32 = 20;

/// A session of a congress.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CongressSession {
    pub id: Uuid,
    pub level: Level,
    /// The term (届), e.g. `第十八届`.
    pub term: String,
    /// The session's number within the term (第几次会议), from 1.
    pub number: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub status: SessionStatus,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl CongressSession {
    /// The session's name as documents print it: `第十八届第三次会议`.
    pub fn name(&self) -> String {
        format!("{}第{}次会议", self.term, chinese_number(self.number))
    }
}

/// A number from 1 to 99 in Chinese numerals, as session names write it
/// (三, 十二, 二十); other numbers in digits.
pub fn chinese_number(n: i32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: i32| DIGITS.get(d as usize).copied().unwrap_or("");
    match n {
        1..=9 => digit(n).to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { digit(n - 10) }),
        20..=99 => format!(
            "{}十{}",
            digit(n / 10),
            if n % 10 == 0 { "" } else { digit(n % 10) }
        ),
        _ => n.to_string(),
    }
}

/// How a series of numbers prints: a pattern with placeholders in braces.
/// `{seq}` is the number within the series and `{seq:4}` the same padded
/// with zeros to four digits; a session's series also knows `{session}`
/// (its name, 第十八届第三次会议), `{term}`, `{number}` (the session's
/// number), `{level}` (县级, 乡级, …: for an office whose several levels'
/// sessions could print alike) and `{year}` (the year it opens); the
/// yearly series knows `{year}`. `{{` and `}}` print braces. A number is
/// unique within its series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Seq(usize),
    Year,
    Term,
    Session,
    Number,
    Level,
}

/// What a format's placeholders stand for.
#[derive(Debug, Clone, Copy)]
pub enum Series<'a> {
    /// The yearly series of suggestions between sessions.
    Year(i32),
    /// A session's own series.
    Session(&'a CongressSession),
}

impl NumberFormat {
    /// Reads a pattern for a session's series (`for_session`) or the
    /// yearly one. The error says what is wrong, for the operator.
    pub fn parse(pattern: &str, for_session: bool) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = pattern.chars().peekable();
        let mut has_seq = false;
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for c in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        name.push(c);
                    }
                    if !closed {
                        return Err(format!("{pattern:?}: a placeholder is not closed"));
                    }
                    let part = match name.split_once(':') {
                        Some(("seq", width)) => match width.parse::<usize>() {
                            Ok(w @ 1..=9) => Part::Seq(w),
                            _ => return Err(format!("{pattern:?}: {{seq:N}} takes N from 1 to 9")),
                        },
                        _ => match name.as_str() {
                            "seq" => Part::Seq(1),
                            "year" => Part::Year,
                            "term" if for_session => Part::Term,
                            "session" if for_session => Part::Session,
                            "number" if for_session => Part::Number,
                            "level" if for_session => Part::Level,
                            _ => {
                                return Err(format!("{pattern:?}: unknown placeholder {{{name}}}"));
                            }
                        },
                    };
                    has_seq |= matches!(part, Part::Seq(_));
                    parts.push(Part::Text(std::mem::take(&mut text)));
                    parts.push(part);
                }
                '}' => return Err(format!("{pattern:?}: write braces as {{{{ and }}}}")),
                c => text.push(c),
            }
        }
        parts.push(Part::Text(text));
        parts.retain(|p| !matches!(p, Part::Text(t) if t.is_empty()));
        if !has_seq {
            return Err(format!("{pattern:?}: the pattern needs {{seq}}"));
        }
        Ok(Self { parts })
    }

    /// The number `seq` of `series`.
    pub fn render(&self, series: Series, seq: i64) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for p in &self.parts {
            // Writing to a String cannot fail.
            let _ = match (p, series) {
                (Part::Text(t), _) => write!(out, "{t}"),
                (Part::Seq(w), _) => write!(out, "{seq:0w$}"),
                (Part::Year, Series::Year(y)) => write!(out, "{y}"),
                (Part::Year, Series::Session(s)) => write!(out, "{}", s.opens_on.year()),
                (Part::Term, Series::Session(s)) => write!(out, "{}", s.term),
                (Part::Session, Series::Session(s)) => write!(out, "{}", s.name()),
                (Part::Number, Series::Session(s)) => write!(out, "{}", s.number),
                (Part::Level, Series::Session(s)) => {
                    write!(out, "{}", crate::deputy::labels::level(s.level))
                }
                (_, Series::Year(_)) => Ok(()),
            };
        }
        out
    }
}

/// How suggestions are numbered: per session, and per year between
/// sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbering {
    pub session: NumberFormat,
    pub year: NumberFormat,
    /// Motions, numbered in their session's series.
    pub motion: NumberFormat,
}

/// The default pattern of a session's series: `第十八届第三次会议 第0042号`.
pub const DEFAULT_SESSION_FORMAT: &str = "{session} 第{seq:4}号";
/// The default pattern of the yearly series: `2026-0042`, as numbers
/// have always been printed.
pub const DEFAULT_YEAR_FORMAT: &str = "{year}-{seq:4}";
/// The default pattern of a session's motions: `第十八届第三次会议 议案第001号`.
pub const DEFAULT_MOTION_FORMAT: &str = "{session} 议案第{seq:3}号";

impl Default for Numbering {
    fn default() -> Self {
        let parse = |p, s| NumberFormat::parse(p, s).unwrap_or_else(|e| unreachable!("{e}"));
        Self {
            session: parse(DEFAULT_SESSION_FORMAT, true),
            year: parse(DEFAULT_YEAR_FORMAT, false),
            motion: parse(DEFAULT_MOTION_FORMAT, true),
        }
    }
}

/// The longest number a series may print: the width of the columns that
/// keep them.
pub const MAX_NUMBER_CHARS: usize = 80;

impl Numbering {
    /// Whether every format prints within [`MAX_NUMBER_CHARS`] for the
    /// longest term a session may have, its highest number and a
    /// nine-digit sequence; the error names the format that does not.
    pub fn check(&self) -> Result<(), String> {
        let longest = CongressSession {
            id: Uuid::nil(),
            level: Level::Provincial,
            term: "第".repeat(40),
            number: MAX_NUMBER,
            opens_on: NaiveDate::MIN,
            closes_on: NaiveDate::MIN,
            status: SessionStatus::Open,
            opened_at: None,
            closed_at: None,
            created_by: UserId::default(),
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
            version: 1,
        };
        let seq = 999_999_999;
        for (name, f, series) in [
            ("session", &self.session, Series::Session(&longest)),
            ("motion", &self.motion, Series::Session(&longest)),
            ("year", &self.year, Series::Year(9999)),
        ] {
            let n = f.render(series, seq).chars().count();
            if n > MAX_NUMBER_CHARS {
                return Err(format!(
                    "the {name} format can print {n} characters; at most {MAX_NUMBER_CHARS} are kept"
                ));
            }
        }
        Ok(())
    }

    /// The number `seq` of `series`, in the series' format.
    pub fn number(&self, series: Series, seq: i64) -> String {
        match series {
            Series::Year(_) => self.year.render(series, seq),
            Series::Session(_) => self.session.render(series, seq),
        }
    }
}

/// What is wrong with a field of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    /// The term is blank.
    Blank,
    /// The number is not from 1 to [`MAX_NUMBER`].
    NumberOutOfRange,
    /// The session would close before it opens.
    ClosesBeforeOpening,
}

impl Issue {
    /// The field error's code.
    pub const fn code(self) -> &'static str {
        match self {
            Issue::Blank => "blank",
            Issue::NumberOutOfRange => "range",
            Issue::ClosesBeforeOpening => "period",
        }
    }
}

/// One field a rule refuses.
pub type FieldIssue = Field<Issue>;

/// Why a command on a session is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// The session's status does not allow the command.
    #[error("the session is {0}")]
    InvalidState(SessionStatus),
    /// Another session of the same level is open.
    #[error("another session of the level is open")]
    AnotherOpen,
    /// Fields of the input that the rules refuse.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldIssue>),
}

impl SessionError {
    /// The stable code of the refusal.
    pub const fn code(&self) -> Code {
        match self {
            SessionError::InvalidState(_) => Code::InvalidState,
            SessionError::AnotherOpen => Code::SessionOpenAtLevel,
            SessionError::Invalid(_) => Code::ValidationFailed,
        }
    }
}

type CmdResult<T> = Result<T, SessionError>;

/// A session to plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInput {
    pub level: Level,
    pub term: String,
    pub number: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
}

/// A change to a planned session; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionPatch {
    pub term: Option<String>,
    pub number: Option<i32>,
    pub opens_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
}

fn issues(s: &CongressSession) -> Vec<FieldIssue> {
    let mut out = crate::command::blank_fields(&[("term", &s.term)], Issue::Blank);
    if !(1..=MAX_NUMBER).contains(&s.number) {
        out.push(FieldIssue::new("number", Issue::NumberOutOfRange));
    }
    if s.closes_on < s.opens_on {
        out.push(FieldIssue::new("closes_on", Issue::ClosesBeforeOpening));
    }
    out
}

fn refuse(issues: Vec<FieldIssue>) -> CmdResult<()> {
    crate::command::refuse(issues, SessionError::Invalid)
}

fn require(s: &CongressSession, status: SessionStatus) -> CmdResult<()> {
    if s.status == status {
        Ok(())
    } else {
        Err(SessionError::InvalidState(s.status))
    }
}

/// Plans a session; it starts `planned`.
pub fn plan(input: SessionInput, ctx: &Ctx) -> CmdResult<CongressSession> {
    let s = CongressSession {
        id: (ctx.new_id)(),
        level: input.level,
        term: input.term.trim().to_owned(),
        number: input.number,
        opens_on: input.opens_on,
        closes_on: input.closes_on,
        status: SessionStatus::Planned,
        opened_at: None,
        closed_at: None,
        created_by: ctx.user_id,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    };
    refuse(issues(&s))?;
    Ok(s)
}

/// Changes a planned session. `None` when nothing changes.
pub fn amend(s: &CongressSession, patch: SessionPatch) -> CmdResult<Option<CongressSession>> {
    require(s, SessionStatus::Planned)?;
    let mut after = s.clone();
    if let Some(t) = patch.term {
        after.term = t.trim().to_owned();
    }
    if let Some(n) = patch.number {
        after.number = n;
    }
    if let Some(d) = patch.opens_on {
        after.opens_on = d;
    }
    if let Some(d) = patch.closes_on {
        after.closes_on = d;
    }
    refuse(issues(&after))?;
    Ok((after != *s).then_some(after))
}

/// Opens a planned session, unless another session of its level is open
/// (`another_open`, as the store knows it).
pub fn open(s: &CongressSession, another_open: bool, ctx: &Ctx) -> CmdResult<CongressSession> {
    require(s, SessionStatus::Planned)?;
    if another_open {
        return Err(SessionError::AnotherOpen);
    }
    let mut after = s.clone();
    after.status = SessionStatus::Open;
    after.opened_at = Some(ctx.now);
    Ok(after)
}

/// Closes an open session.
pub fn close(s: &CongressSession, ctx: &Ctx) -> CmdResult<CongressSession> {
    require(s, SessionStatus::Open)?;
    let mut after = s.clone();
    after.status = SessionStatus::Closed;
    after.closed_at = Some(ctx.now);
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::testing::{ctx, day};
    use SessionStatus::{Closed, Open, Planned};

    fn input() -> SessionInput {
        SessionInput {
            level: Level::County,
            term: " 第十八届 ".into(),
            number: 3,
            opens_on: day(2027, 1, 10),
            closes_on: day(2027, 1, 13),
        }
    }

    fn session(status: SessionStatus) -> CongressSession {
        let mut s = plan(input(), &ctx()).unwrap_or_else(|e| panic!("{e}"));
        s.status = status;
        s
    }

    #[test]
    fn a_planned_session_is_named_as_documents_print_it() {
        let s = session(Planned);
        assert_eq!(s.term, "第十八届");
        assert_eq!(s.name(), "第十八届第三次会议");
        assert_eq!(s.created_by, ctx().user_id);
        let names: Vec<String> = [1, 10, 12, 20, 21, 99, 100].map(chinese_number).to_vec();
        assert_eq!(
            names,
            ["一", "十", "十二", "二十", "二十一", "九十九", "100"]
        );
    }

    #[test]
    fn planning_refuses_each_bad_field_at_once() {
        let bad = SessionInput {
            term: "\u{3000}".into(),
            number: 0,
            closes_on: day(2027, 1, 9),
            ..input()
        };
        let fields: Vec<(String, Issue)> = match plan(bad, &ctx()) {
            Err(SessionError::Invalid(i)) => i.into_iter().map(|f| (f.field, f.issue)).collect(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fields,
            [
                ("term".into(), Issue::Blank),
                ("number".into(), Issue::NumberOutOfRange),
                ("closes_on".into(), Issue::ClosesBeforeOpening),
            ]
        );
        let one_day = SessionInput {
            closes_on: day(2027, 1, 10),
            ..input()
        };
        assert!(plan(one_day, &ctx()).is_ok());
        let too_high = SessionInput {
            number: MAX_NUMBER + 1,
            ..input()
        };
        assert!(matches!(
            plan(too_high, &ctx()),
            Err(SessionError::Invalid(_))
        ));
    }

    #[test]
    fn each_command_runs_in_one_status_only() {
        let c = ctx();
        for status in [Planned, Open, Closed] {
            let s = session(status);
            let amended = amend(
                &s,
                SessionPatch {
                    number: Some(4),
                    ..Default::default()
                },
            );
            let opened = open(&s, false, &c);
            let closed = close(&s, &c);
            let wrong: CmdResult<CongressSession> = Err(SessionError::InvalidState(status));
            let wrong_amend = Err(SessionError::InvalidState(status));
            match status {
                Planned => {
                    assert_eq!(amended.map(|a| a.map(|a| a.number)), Ok(Some(4)));
                    assert_eq!(
                        opened.map(|o| (o.status, o.opened_at)),
                        Ok((Open, Some(c.now)))
                    );
                    assert_eq!(closed, wrong);
                }
                Open => {
                    assert_eq!(amended, wrong_amend);
                    assert_eq!(opened, wrong.clone());
                    assert_eq!(
                        closed.map(|o| (o.status, o.closed_at)),
                        Ok((Closed, Some(c.now)))
                    );
                }
                Closed => {
                    assert_eq!(amended, wrong_amend);
                    assert_eq!(opened, wrong.clone());
                    assert_eq!(closed, wrong);
                }
            }
        }
    }

    #[test]
    fn one_session_of_a_level_is_open_at_a_time() {
        let s = session(Planned);
        assert_eq!(open(&s, true, &ctx()), Err(SessionError::AnotherOpen));
        assert_eq!(SessionError::AnotherOpen.code(), Code::SessionOpenAtLevel);
    }

    #[test]
    fn an_amendment_that_changes_nothing_is_none_and_a_bad_one_is_refused() {
        let s = session(Planned);
        let same = SessionPatch {
            term: Some("第十八届".into()),
            ..Default::default()
        };
        assert_eq!(amend(&s, same), Ok(None));
        let bad = SessionPatch {
            opens_on: Some(day(2027, 2, 1)),
            ..Default::default()
        };
        assert!(matches!(amend(&s, bad), Err(SessionError::Invalid(_))));
    }

    #[test]
    fn numbers_print_in_each_series_format() {
        let mut s = session(Open);
        s.number = 3;
        let n = Numbering::default();
        assert_eq!(
            n.number(Series::Session(&s), 42),
            "第十八届第三次会议 第0042号"
        );
        assert_eq!(n.number(Series::Year(2026), 42), "2026-0042");
        assert_eq!(n.number(Series::Year(2026), 12345), "2026-12345");
        assert_eq!(
            n.motion.render(Series::Session(&s), 7),
            "第十八届第三次会议 议案第007号"
        );
        let custom = NumberFormat::parse("{{{year}}}{term}{number}-{seq:3}", true)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(custom.render(Series::Session(&s), 7), "{2027}第十八届3-007");
        for bad in [
            "{year}",
            "{seq:0}",
            "{seq:10}",
            "{seq",
            "{seq}}",
            "{nope}{seq}",
        ] {
            assert!(NumberFormat::parse(bad, true).is_err(), "{bad}");
        }
        assert!(NumberFormat::parse("{session}{seq}", false).is_err());
        assert_eq!(Numbering::default().check(), Ok(()));
        let wide = Numbering {
            session: NumberFormat::parse("{session}{session}{seq}", true)
                .unwrap_or_else(|e| panic!("{e}")),
            ..Numbering::default()
        };
        assert!(wide.check().is_err());
        let level =
            NumberFormat::parse("{level}{session}{seq:2}", true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            level.render(Series::Session(&s), 3),
            "县级第十八届第三次会议03"
        );
        assert!(NumberFormat::parse("{session}{seq}", true).is_ok());
    }
}
