//! Delivery of notifications beyond the inbox: by SMS through an HTTP
//! gateway, to the work-chat robots of government offices (企业微信,
//! 钉钉), and to phones through a push gateway. Which channels a
//! notification goes by is the person's choice among those the
//! deployment offers; quiet hours hold a message back, never drop it.
//! Messages are rendered from templates the deployment configures; a
//! template is checked when it is configured, never when it is used.

use chrono::{DateTime, NaiveTime, Utc};

use crate::notice::NoticeKind;

string_enum! {
    /// A way a notification reaches a person outside the app.
    pub enum Channel : "channel" {
        /// A text message through the configured SMS gateway.
        Sms = "sms",
        /// The 企业微信 (WeCom) robot of the office's group.
        Wecom = "wecom",
        /// The 钉钉 (DingTalk) robot of the office's group.
        Dingtalk = "dingtalk",
        /// The person's registered phones, through the push gateway.
        Push = "push",
    }
}

string_enum! {
    /// The platform of a phone registered for push.
    pub enum DevicePlatform : "device platform" {
        Ios = "ios",
        Android = "android",
        /// HarmonyOS (鸿蒙).
        Harmony = "harmony",
    }
}

string_enum! {
    /// Where a delivery stands.
    pub enum DeliveryState : "delivery state" {
        /// Waiting for its time (quiet hours, a retry) or for a sender.
        Pending = "pending",
        Sent = "sent",
        /// Given up after the last retry, or nothing to send to (no phone
        /// on record, no device).
        Failed = "failed",
        /// Not sent: before it went, the person muted its kind or stopped
        /// wanting the channel.
        Withdrawn = "withdrawn",
    }
}

/// The hours a person wants no messages, in China time; `start` after
/// `end` spans midnight (22:00 to 07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

/// A person's choices. The default: every channel the deployment offers,
/// every kind, no quiet hours.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    /// Kinds not to deliver outside the app (the inbox keeps them).
    pub muted: Vec<NoticeKind>,
    /// The channels wanted; `None`: all the deployment offers.
    pub channels: Option<Vec<Channel>>,
    pub quiet_hours: Option<QuietHours>,
}

impl Channel {
    /// Whether the channel posts to a group (a work-chat robot) rather
    /// than to one person.
    pub fn is_group(self) -> bool {
        matches!(self, Channel::Wecom | Channel::Dingtalk)
    }
}

/// When a notification made at `now` goes out by each channel: by the
/// channels both offered and wanted, unless its kind is muted; held until
/// the end of quiet hours if made in them. Without a choice of channels, a
/// person gets every channel offered, but the work-chat groups only when
/// they work in them (`in_group`: the office's and units' accounts); a
/// deputy's news goes to a group only if they ask for it.
pub fn plan(
    prefs: &Preferences,
    kind: NoticeKind,
    offered: &[Channel],
    in_group: bool,
    has_phone: bool,
    now: DateTime<Utc>,
) -> Vec<(Channel, DateTime<Utc>)> {
    if prefs.muted.contains(&kind) {
        return Vec::new();
    }
    let mut at = release(prefs.quiet_hours, now);
    if kind.is_reminder() {
        at = morning(at);
    }
    offered
        .iter()
        .copied()
        .filter(|c| match &prefs.channels {
            Some(wanted) => wanted.contains(c),
            None => in_group || !c.is_group(),
        })
        // SMS goes to a phone on record; without one it is not planned.
        .filter(|c| has_phone || *c != Channel::Sms)
        .map(|c| (c, at))
        .collect()
}

/// Reminders are written when a day begins; they go out when the working
/// day does, at this time in China.
pub const REMINDERS_FROM: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// `at`, or [`REMINDERS_FROM`] of its day if earlier.
fn morning(at: DateTime<Utc>) -> DateTime<Utc> {
    let china = at + chrono::Duration::hours(8);
    if china.time() >= REMINDERS_FROM {
        return at;
    }
    china.date_naive().and_time(REMINDERS_FROM).and_utc() - chrono::Duration::hours(8)
}

/// `now`, or the end of the quiet hours it falls in.
fn release(quiet: Option<QuietHours>, now: DateTime<Utc>) -> DateTime<Utc> {
    let Some(q) = quiet else {
        return now;
    };
    let china = now + chrono::Duration::hours(8);
    let t = china.time();
    if !q.contains(t) {
        return now;
    }
    let mut end = china.date_naive().and_time(q.end);
    if q.end <= t {
        end += chrono::Duration::days(1);
    }
    end.and_utc() - chrono::Duration::hours(8)
}

/// What a template may say, by channel.
pub fn placeholders(channel: Channel) -> &'static [&'static str] {
    match channel {
        Channel::Sms => &["phone", "text", "link"],
        Channel::Wecom | Channel::Dingtalk => &["text", "link"],
        Channel::Push => &["token", "platform", "title", "text", "link"],
    }
}

/// Why a template is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("`{{{{{0}}}}}` is not a placeholder of this channel (use {1})")]
    Unknown(String, String),
    #[error("a `{{{{` is not closed")]
    Unclosed,
    #[error("the template is empty")]
    Empty,
}

/// A message template with `{{name}}` placeholders, checked against the
/// channel's names when made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(String),
}

impl Template {
    /// Parses `s` for `channel`.
    pub fn parse(s: &str, channel: Channel) -> Result<Self, TemplateError> {
        if s.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        let allowed = placeholders(channel);
        let mut parts = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find("{{") {
            parts.push(Part::Text(rest[..open].to_owned()));
            let after = &rest[open + 2..];
            let close = after.find("}}").ok_or(TemplateError::Unclosed)?;
            let name = after[..close].trim();
            if !allowed.contains(&name) {
                return Err(TemplateError::Unknown(name.to_owned(), allowed.join(", ")));
            }
            parts.push(Part::Field(name.to_owned()));
            rest = &after[close + 2..];
        }
        parts.push(Part::Text(rest.to_owned()));
        Ok(Self { parts })
    }

    /// The message: each placeholder by its value in `values` (absent:
    /// empty), escaped for a JSON string when `json` (a JSON body whose
    /// strings hold the placeholders).
    pub fn render(&self, values: &[(&str, &str)], json: bool) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Field(f) => {
                    let v = values.iter().find(|(k, _)| k == f).map_or("", |(_, v)| v);
                    if json {
                        let quoted = serde_json::Value::String(v.to_owned()).to_string();
                        out.push_str(&quoted[1..quoted.len() - 1]);
                    } else {
                        out.push_str(v);
                    }
                }
            }
        }
        out
    }
}

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: u32 = 8;

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, h, m, 0)
            .single()
            .unwrap_or_default()
    }

    fn t(h: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default()
    }

    #[test]
    fn a_person_chooses_channels_and_kinds_among_those_offered() {
        let offered = [Channel::Sms, Channel::Push];
        let now = utc(2, 0);
        let all = plan(
            &Preferences::default(),
            NoticeKind::DeadlineNear,
            &offered,
            false,
            true,
            now,
        );
        assert_eq!(all, [(Channel::Sms, now), (Channel::Push, now)]);
        // An account with no phone on record gets no SMS planned.
        let no_phone = plan(
            &Preferences::default(),
            NoticeKind::DeadlineNear,
            &offered,
            false,
            false,
            now,
        );
        assert_eq!(no_phone, [(Channel::Push, now)]);
        // The group robots: for the office's and units' people by default,
        // for others when they ask.
        let chat = [Channel::Wecom, Channel::Push];
        let none = Preferences::default();
        let unit = plan(&none, NoticeKind::DeadlineNear, &chat, true, true, now);
        assert_eq!(unit.len(), 2);
        let deputy = plan(&none, NoticeKind::DeadlineNear, &chat, false, true, now);
        assert_eq!(deputy, [(Channel::Push, now)]);
        let asked = Preferences {
            channels: Some(vec![Channel::Wecom]),
            ..Preferences::default()
        };
        let deputy = plan(&asked, NoticeKind::DeadlineNear, &chat, false, true, now);
        assert_eq!(deputy, [(Channel::Wecom, now)]);
        let push_only = Preferences {
            channels: Some(vec![Channel::Push, Channel::Wecom]),
            ..Preferences::default()
        };
        let p = plan(
            &push_only,
            NoticeKind::DeadlineNear,
            &offered,
            false,
            true,
            now,
        );
        assert_eq!(p, [(Channel::Push, now)], "wecom is not offered");
        let muted = Preferences {
            muted: vec![NoticeKind::DeadlineNear],
            ..Preferences::default()
        };
        assert_eq!(
            plan(&muted, NoticeKind::DeadlineNear, &offered, true, true, now),
            []
        );
        assert_eq!(
            plan(
                &muted,
                NoticeKind::SuggestionReplied,
                &offered,
                true,
                true,
                now
            )
            .len(),
            2
        );
    }

    #[test]
    fn quiet_hours_hold_a_message_until_they_end() {
        let night = Preferences {
            quiet_hours: Some(QuietHours {
                start: t(22),
                end: t(7),
            }),
            ..Preferences::default()
        };
        let at = |now| {
            plan(
                &night,
                NoticeKind::SuggestionReplied,
                &[Channel::Sms],
                false,
                true,
                now,
            )[0]
            .1
        };
        // 23:30 China time (15:30 UTC): held until 07:00 (23:00 UTC).
        assert_eq!(at(utc(15, 30)), utc(23, 0));
        // 05:00 China time (21:00 UTC): held until 07:00 the same morning.
        assert_eq!(at(utc(21, 0)), utc(23, 0));
        // 10:00 China time: sent at once.
        assert_eq!(at(utc(2, 0)), utc(2, 0));
        let lunch = Preferences {
            quiet_hours: Some(QuietHours {
                start: t(12),
                end: t(14),
            }),
            ..Preferences::default()
        };
        let held = plan(
            &lunch,
            NoticeKind::SuggestionReplied,
            &[Channel::Push],
            false,
            true,
            utc(4, 30),
        );
        assert_eq!(held[0].1, utc(6, 0));
        // Reminders written at 00:10 China time (16:10 UTC the day before)
        // wait for 08:00 (00:00 UTC); news does not.
        let none = Preferences::default();
        let night = utc(16, 10) - chrono::Duration::days(1);
        let r = plan(
            &none,
            NoticeKind::DeadlineNear,
            &[Channel::Sms],
            false,
            true,
            night,
        );
        assert_eq!(r[0].1, utc(0, 0));
        let n = plan(
            &none,
            NoticeKind::SuggestionReplied,
            &[Channel::Sms],
            false,
            true,
            night,
        );
        assert_eq!(n[0].1, night);
        let day = plan(
            &none,
            NoticeKind::DeadlineNear,
            &[Channel::Sms],
            false,
            true,
            utc(2, 0),
        );
        assert_eq!(day[0].1, utc(2, 0));
    }

    #[test]
    fn a_template_is_checked_when_made_and_escaped_for_json_when_used() {
        let sms = Template::parse(
            r#"{"mobile":"{{phone}}","content":"{{text}} {{ link }}"}"#,
            Channel::Sms,
        );
        let sms = sms.unwrap_or_else(|e| panic!("{e}"));
        let body = sms.render(
            &[
                ("phone", "13800000000"),
                ("text", "建议\"第1号\"已答复"),
                ("link", "https://x/1"),
            ],
            true,
        );
        assert_eq!(
            body,
            r#"{"mobile":"13800000000","content":"建议\"第1号\"已答复 https://x/1"}"#
        );
        assert!(serde_json::from_str::<serde_json::Value>(&body).is_ok());
        assert_eq!(
            Template::parse("{{phone}}", Channel::Wecom),
            Err(TemplateError::Unknown("phone".into(), "text, link".into())),
            "no phone numbers to a group chat"
        );
        assert_eq!(
            Template::parse("{{text", Channel::Sms),
            Err(TemplateError::Unclosed)
        );
        assert_eq!(
            Template::parse("  ", Channel::Push),
            Err(TemplateError::Empty)
        );
        let plain = Template::parse("{{text}}", Channel::Push).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plain.render(&[("text", "a\"b")], false), "a\"b");
    }
}
