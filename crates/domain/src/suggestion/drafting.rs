//! Drafting: the deputy's new suggestion and changes to the draft.

use super::command::{CmdResult, blank_issues, change, refuse, require_status};
use super::*;

/// The co-signers of a draft: each named once, never the lead deputy.
pub fn co_signer_list(lead: DeputyId, ids: &[DeputyId]) -> Vec<DeputyId> {
    let mut out: Vec<DeputyId> = Vec::new();
    for d in ids {
        if *d != lead && !out.contains(d) {
            out.push(*d);
        }
    }
    out
}

/// What the store knows that bears on a draft.
#[derive(Debug, Clone, Default)]
pub struct DraftFacts {
    /// Whether the category asked for is one of the catalogue's (true when
    /// none is asked for).
    pub category_known: bool,
    /// Which of the named co-signers exist.
    pub existing_deputies: Vec<DeputyId>,
    /// Whether the lead deputy's term has ended and no other goes on
    /// (see [`crate::term::may_file`]).
    pub lead_term_ended: bool,
}

/// The co-signers named in the request that are not on record, by their
/// place in the request (the lead deputy and repeats are not checked).
fn unknown_deputies(lead: DeputyId, ids: &[DeputyId], facts: &DraftFacts) -> Vec<FieldIssue> {
    let mut seen: Vec<DeputyId> = Vec::new();
    let mut out = Vec::new();
    for (i, d) in ids.iter().enumerate() {
        if *d == lead || seen.contains(d) {
            continue;
        }
        seen.push(*d);
        if !facts.existing_deputies.contains(d) {
            out.push(FieldIssue {
                field: format!("co_signer_ids[{i}]"),
                issue: Issue::UnknownDeputy,
            });
        }
    }
    out
}

fn unknown_category(facts: &DraftFacts) -> Option<FieldIssue> {
    (!facts.category_known).then(|| FieldIssue {
        field: "category".into(),
        issue: Issue::UnknownCategory,
    })
}

/// A deputy's new draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftInput {
    pub title: String,
    pub content: String,
    pub category: String,
    pub term: String,
    pub session: Option<String>,
    pub timing: SessionTiming,
    pub co_signer_ids: Vec<DeputyId>,
    pub source: Option<SuggestionSource>,
    pub source_ref: Option<String>,
}

/// Drafts a suggestion led by the deputy `lead`.
pub fn draft(
    input: DraftInput,
    lead: DeputyId,
    facts: &DraftFacts,
    by: UserId,
) -> CmdResult<NewSuggestion> {
    if facts.lead_term_ended {
        return Err(SuggestionError::TermEnded);
    }
    let co = co_signer_list(lead, &input.co_signer_ids);
    let mut issues = blank_issues(&[
        ("title", &input.title),
        ("content", &input.content),
        ("term", &input.term),
    ]);
    issues.extend(unknown_category(facts));
    issues.extend(unknown_deputies(lead, &input.co_signer_ids, facts));
    refuse(issues)?;
    Ok(NewSuggestion {
        title: input.title.trim().to_owned(),
        content: input.content,
        category: input.category,
        term: input.term.trim().to_owned(),
        session: input.session,
        timing: input.timing,
        lead_deputy_id: lead,
        co_signers: co,
        source: input.source.unwrap_or(SuggestionSource::Deputy),
        source_ref: input.source_ref,
        created_by: by,
    })
}

/// A change to a draft: absent fields stay, `co_signer_ids` replaces the
/// list, `session` may be cleared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftPatch {
    pub title: Option<String>,
    pub content: Option<String>,
    pub category: Option<String>,
    pub term: Option<String>,
    pub session: Option<Option<String>>,
    pub timing: Option<SessionTiming>,
    pub co_signer_ids: Option<Vec<DeputyId>>,
}

/// Changes a draft; `None` when the patch changes nothing.
pub fn update_draft(
    s: &Suggestion,
    patch: DraftPatch,
    facts: &DraftFacts,
) -> CmdResult<Option<Change>> {
    require_status(s, &[SuggestionStatus::Draft])?;
    let mut issues = Vec::new();
    for (field, value) in [
        ("title", &patch.title),
        ("content", &patch.content),
        ("term", &patch.term),
    ] {
        if let Some(v) = value {
            issues.extend(blank_issues(&[(field, v)]));
        }
    }
    if patch.category.is_some() {
        issues.extend(unknown_category(facts));
    }
    let co = patch
        .co_signer_ids
        .as_ref()
        .map(|ids| co_signer_list(s.lead_deputy_id, ids));
    if let Some(ids) = &patch.co_signer_ids {
        issues.extend(unknown_deputies(s.lead_deputy_id, ids, facts));
    }
    refuse(issues)?;
    let mut after = s.clone();
    if let Some(t) = patch.title {
        after.title = t.trim().to_owned();
    }
    if let Some(c) = patch.content {
        after.content = c;
    }
    if let Some(c) = patch.category {
        after.category = c;
    }
    if let Some(t) = patch.term {
        after.term = t.trim().to_owned();
    }
    if let Some(v) = patch.session {
        after.session = v;
    }
    if let Some(t) = patch.timing {
        after.timing = t;
    }
    if let Some(co) = co {
        // A co-signer named again keeps their answer, unless they had
        // declined or withdrawn: naming them again invites them anew.
        after.co_signers = co
            .into_iter()
            .map(|deputy_id| {
                s.co_signers
                    .iter()
                    .find(|c| c.deputy_id == deputy_id && c.involved())
                    .cloned()
                    .unwrap_or(CoSigner::invited(deputy_id))
            })
            .collect();
    }
    if after == *s {
        return Ok(None);
    }
    // Co-signers agreed to a text: a new title, content or category asks
    // them again.
    let reworded =
        after.title != s.title || after.content != s.content || after.category != s.category;
    let mut asked_again = Vec::new();
    if reworded {
        for c in after
            .co_signers
            .iter_mut()
            .filter(|c| c.status == CoSignatureStatus::Confirmed)
        {
            c.status = CoSignatureStatus::Invited;
            c.confirmed_at = None;
            asked_again.push(c.deputy_id);
        }
    }
    let detail = (!asked_again.is_empty())
        .then(|| serde_json::json!({"co_signers_asked_again": asked_again}));
    let effects = super::notices::invitations_of_change(s, &after)
        .into_iter()
        .collect();
    Ok(Some(change(after, "draft_updated", detail, effects)))
}
