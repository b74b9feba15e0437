//! How this congress handles suggestions, within the law's limits: the
//! deadlines of each colour, and the practice of its office (面商 before a
//! reply, co-units first, how often a suggestion is handled again, how
//! long a deputy has to evaluate).

use chrono::{DateTime, NaiveDate, Utc};

use super::Color;
use super::deadline::{RED_MAX_DAYS, REHANDLING_DAYS};

/// A set of colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Colors {
    pub green: bool,
    pub yellow: bool,
    pub red: bool,
}

impl Colors {
    pub const NONE: Colors = Colors {
        green: false,
        yellow: false,
        red: false,
    };

    pub const fn contains(self, c: Color) -> bool {
        match c {
            Color::Green => self.green,
            Color::Yellow => self.yellow,
            Color::Red => self.red,
        }
    }

    /// Reads a comma-separated list such as `yellow,red`; empty or `none`
    /// is no colour.
    pub fn parse(text: &str) -> Result<Colors, String> {
        let mut out = Colors::NONE;
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part.eq_ignore_ascii_case("none") {
                continue;
            }
            match part.parse::<Color>() {
                Ok(Color::Green) => out.green = true,
                Ok(Color::Yellow) => out.yellow = true,
                Ok(Color::Red) => out.red = true,
                Err(_) => return Err(format!("`{part}` is not green, yellow or red")),
            }
        }
        Ok(out)
    }
}

/// The congress's handling practice, configurable within the law's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandlingPolicy {
    /// Days given to units by colour.
    pub green_days: u64,
    pub yellow_days: u64,
    pub red_days: u64,
    /// Days for rehandling after an unsatisfied evaluation.
    pub rehandling_days: u64,
    /// The colours whose reply needs a consultation with the lead deputy
    /// (面商) recorded first.
    pub consultation: Colors,
    /// How many times a suggestion is handled again after an unsatisfied
    /// evaluation; the evaluation of the last reply is final.
    pub max_rehandlings: u32,
    /// Days the lead deputy has to evaluate a reply; after them the office
    /// may close it as not evaluated. 0: no limit.
    pub evaluation_days: u64,
    /// Whether the lead unit replies only once every co-unit has sent its
    /// opinion or let its deadline pass.
    pub co_units_first: bool,
}

impl HandlingPolicy {
    /// The last day to evaluate a reply made at `replied` (none without a
    /// limit).
    pub fn evaluation_due_after(&self, replied: DateTime<Utc>) -> Option<NaiveDate> {
        if self.evaluation_days == 0 {
            return None;
        }
        crate::time::china_date(replied).checked_add_days(chrono::Days::new(self.evaluation_days))
    }
}

impl Default for HandlingPolicy {
    fn default() -> Self {
        Self {
            green_days: 30,
            yellow_days: 90,
            red_days: 90,
            rehandling_days: REHANDLING_DAYS,
            consultation: Colors {
                green: false,
                yellow: true,
                red: true,
            },
            max_rehandlings: 1,
            evaluation_days: 30,
            co_units_first: true,
        }
    }
}

impl HandlingPolicy {
    /// The default days from assignment to the reply deadline.
    pub const fn default_days(&self, color: Color) -> u64 {
        match color {
            Color::Green => self.green_days,
            Color::Yellow => self.yellow_days,
            Color::Red => self.red_days,
        }
    }

    /// Refuses a policy past the law's limits: no default over six months
    /// (about 181 days), red over 180, none under one day; at most 10
    /// rehandlings, at most a year to evaluate.
    pub fn check(&self) -> Result<(), &'static str> {
        let all = [
            self.green_days,
            self.yellow_days,
            self.red_days,
            self.rehandling_days,
        ];
        if all.iter().any(|d| *d == 0 || *d > 181) {
            return Err("deadline defaults must be between 1 and 181 days");
        }
        if self.red_days > RED_MAX_DAYS {
            return Err("a red deadline may not exceed 180 days");
        }
        if self.max_rehandlings > 10 {
            return Err("at most 10 rehandlings");
        }
        if self.evaluation_days > 366 {
            return Err("the evaluation period may not exceed 366 days");
        }
        Ok(())
    }

    /// Whether a reply of a suggestion of `color` needs a consultation first.
    pub fn needs_consultation(&self, color: Option<Color>) -> bool {
        color.is_some_and(|c| self.consultation.contains(c))
    }
}
