//! Every error code renda answers with, in one list. A problem answer's
//! `code` is always one of these; clients may switch on them, and a code
//! once published keeps its meaning. Fields of a `validation_failed`
//! answer carry their own, finer codes (`blank`, `length`, `required`, ...).

macro_rules! codes {
    ($( $(#[$vmeta:meta])* $variant:ident = $text:literal : $meaning:literal ),+ $(,)?) => {
        string_enum! {
            /// A stable, machine-readable error code.
            pub enum Code : "error code" {
                $( $(#[$vmeta])* $variant = $text ),+
            }
        }

        impl Code {
            /// What the code means, in one line (the published list).
            pub const fn meaning(self) -> &'static str {
                match self { $(Code::$variant => $meaning),+ }
            }
        }
    };
}

codes! {
    // Any request.
    BadRequest = "bad_request": "The request cannot be processed as sent.",
    MalformedJson = "malformed_json": "The body is not well-formed JSON.",
    MalformedBody = "malformed_body": "The body does not have the shape the operation takes.",
    MalformedIfMatch = "malformed_if_match": "The If-Match header is not an ETag this API issued.",
    MalformedMultipart = "malformed_multipart": "The multipart body cannot be read.",
    ValidationFailed = "validation_failed": "Fields of the request are not valid; `errors` names each.",
    OutOfRange = "out_of_range": "A value is beyond what can be kept (too long, a date or number out of range).",
    UnsupportedMediaType = "unsupported_media_type": "The body's content type is not one the operation takes.",
    PayloadTooLarge = "payload_too_large": "The body is larger than the operation takes.",
    RangeNotSatisfiable = "range_not_satisfiable": "The Range asked for lies beyond the file; `Content-Range` gives its length.",
    MethodNotAllowed = "method_not_allowed": "The path does not support the method; `Allow` lists those it does.",
    NotFound = "not_found": "No such resource, or the caller may not see it.",
    PreconditionFailed = "precondition_failed": "The resource changed since the ETag named in If-Match.",
    ConcurrentChange = "concurrent_change": "Someone else changed the record while the request was handled; read it again.",
    RateLimited = "rate_limited": "Too many requests; `Retry-After` says when to try again.",
    Busy = "busy": "The server is busy with password checks; try again shortly.",
    ServiceUnavailable = "service_unavailable": "The database cannot be reached right now.",
    InternalError = "internal_error": "A fault of the server; it has been logged.",
    InvalidIdempotencyKey = "invalid_idempotency_key": "The Idempotency-Key header is not a valid key.",
    IdempotencyKeyReused = "idempotency_key_reused": "The Idempotency-Key was used for a different request.",
    IdempotencyKeyInProgress = "idempotency_key_in_progress": "A request with the same Idempotency-Key is still running.",
    UniqueViolation = "unique_violation": "The change would duplicate a record that must be unique.",
    ReferenceViolation = "reference_violation": "The change refers to a record that does not exist, or removes one still referred to.",
    // Signing in, tokens and roles.
    Unauthenticated = "unauthenticated": "Sign-in required, or the access token is invalid or expired.",
    InvalidCredentials = "invalid_credentials": "The username or password is wrong, or the account cannot sign in.",
    InvalidClient = "invalid_client": "The service client's id or secret is wrong.",
    InvalidRequest = "invalid_request": "The token request lacks or repeats a parameter.",
    InvalidScope = "invalid_scope": "A scope asked for is not one the client holds.",
    UnsupportedGrantType = "unsupported_grant_type": "The token endpoint does not take that grant type.",
    RefreshTokenReused = "refresh_token_reused": "A refresh token was used twice; the session is ended.",
    Forbidden = "forbidden": "The caller's roles do not allow the operation.",
    PasswordChangeRequired = "password_change_required": "The account must change its password before anything else.",
    InsufficientScope = "insufficient_scope": "The client's token lacks the scope the operation needs.",
    // Accounts.
    UsernameTaken = "username_taken": "The username is taken.",
    RolesChanged = "roles_changed": "The account's roles changed meanwhile; read it again.",
    LastAdmin = "last_admin": "The last active administrator cannot be disabled or lose the role.",
    LastSecurityAdmin = "last_security_admin": "The last active security administrator cannot be disabled or lose the role.",
    LastAuditAdmin = "last_audit_admin": "The last active audit administrator cannot be disabled or lose the role.",
    OwnRoles = "own_roles": "Administrators do not change their own roles.",
    AdministrativeRolesReserved = "administrative_roles_reserved": "The administrative roles are kept apart from the others and from one another.",
    ConfirmationRequired = "confirmation_required": "The change needs a second administrator's confirmation.",
    SecondAdministratorRequired = "second_administrator_required": "Another administrator, not the one who asked, confirms.",
    NoConfirmationNeeded = "no_confirmation_needed": "The reset needs no confirmation.",
    ResetNotPending = "reset_not_pending": "The password reset was already confirmed or withdrawn.",
    ResetExpired = "reset_expired": "The password reset is past its time.",
    DeputyAlreadyLinked = "deputy_already_linked": "The deputy is linked to another account.",
    DeputyGone = "deputy_gone": "The deputy to link was just deleted.",
    UnitGone = "unit_gone": "The unit to link was just deleted.",
    ClientNameTaken = "client_name_taken": "A service client with that name exists.",
    ClientGone = "client_gone": "The service client was just deleted.",
    // Units, deputies and stations.
    UnitNameTaken = "unit_name_taken": "A unit with that name exists.",
    UnitInUse = "unit_in_use": "Accounts or clients are still linked to the unit.",
    DeputyInUse = "deputy_in_use": "An account is still linked to the deputy.",
    DeputyAtStation = "deputy_at_station": "The deputy is listed at a liaison station.",
    StationCycle = "station_cycle": "A station cannot sit below itself.",
    StationParentGone = "station_parent_gone": "The parent station no longer exists.",
    StationHasChildren = "station_has_children": "Stations still sit below this one.",
    // Congress sessions.
    SessionOpenAtLevel = "session_open_at_level": "Another session of the congress of that level is open.",
    SessionExists = "session_exists": "A session of that level, term and number exists.",
    SessionNotOpen = "session_not_open": "No session of the congress is open: motions are filed during one only.",
    ThresholdNotMet = "threshold_not_met": "Fewer deputies have confirmed than a joint motion at the level needs.",
    KeyListExists = "key_list_exists": "The year has its key-supervision list already.",
    NobodyServing = "nobody_serving": "Nobody serves in that term at that level: there is nothing to change.",
    TermEnded = "term_ended": "The deputy's term has ended: past records stay readable, nothing new is filed.",
    AlreadyRecorded = "already_recorded": "The reception day is recorded already.",
    NotHeldYet = "not_held_yet": "The reception day has not come yet.",
    SystemRecord = "system_record": "A duty record the system wrote cannot be changed by hand.",
    // Suggestions.
    InvalidState = "invalid_state": "The record's status or stage does not allow the operation now.",
    AlreadyEvaluated = "already_evaluated": "The reply is evaluated already.",
    SupervisionNotesMissing = "supervision_notes_missing": "A sign-off needs the leader's supervision notes first.",
    CloseRequirementsUnmet = "close_requirements_unmet": "The colour's closing rule is not met; `errors` names what is missing.",
    RequestPending = "request_pending": "A unit's request waits for a decision.",
    ReassignmentWindowClosed = "reassignment_window_closed": "A re-assignment can be asked for only within 10 days of assignment.",
    RequestDecided = "request_decided": "The request is decided already.",
    CommitmentClosed = "commitment_closed": "The commitment is fulfilled already.",
    CoUnitOpinionsPending = "co_unit_opinions_pending": "The lead unit replies after every co-unit's opinion or deadline; `errors` names the co-units waited for.",
    ConsultationRequired = "consultation_required": "The colour's reply needs a consultation (面商) with the lead deputy recorded first, undisputed.",
    AlreadyAnswered = "already_answered": "The record is answered already (confirmed, disputed or acknowledged).",
    CategoryExists = "category_exists": "The category exists.",
    AlreadyAdvanced = "already_advanced": "The unit is named advanced for the year already.",
    FileTooLarge = "file_too_large": "The attachment is larger than 20 MiB.",
    UnsupportedFileType = "unsupported_file_type": "The attachment is not a PDF, an image or a Word document.",
    // Supervision and observers.
    ConflictOfInterest = "conflict_of_interest": "The observer declared a tie to a supervised body.",
    TieToAssignedItem = "tie_to_assigned_item": "The observer still takes part in an open item supervising that body.",
    AlreadyAssigned = "already_assigned": "The observer is assigned to the item already.",
    ObserverInactive = "observer_inactive": "The observer is not active.",
    AlreadyDecided = "already_decided": "The observation opinion is decided already.",
    AlreadyPublished = "already_published": "The results are published already.",
    MethodNotPlanned = "method_not_planned": "The item's plan does not include that method.",
    VotePlanned = "vote_planned": "The item's plan has a satisfaction vote: it closes by the vote.",
    QuorumNotMet = "quorum_not_met": "Not more than half of the members are present (a supervision vote) or cast a ballot (a livelihood vote): the vote does not stand.",
    NotPresent = "not_present": "The member is not recorded present at the meeting that votes.",
    OpinionMissing = "opinion_missing": "The stage needs the review opinion first.",
    ProblemsOpen = "problems_open": "Problems of the item are still open.",
    FollowUpMissing = "follow_up_missing": "The stage needs the follow-up opinion first.",
    CommitteeMembersMissing = "committee_members_missing": "The evaluation needs the committee members first.",
    ProblemNotOpen = "problem_not_open": "The problem is not open.",
    ProblemNotAnswered = "problem_not_answered": "The problem has no answer to review yet.",
    AlreadyVoted = "already_voted": "The caller voted already.",
    // Livelihood projects.
    CandidatesUndecided = "candidates_undecided": "Candidates still wait for a decision.",
    NothingShortlisted = "nothing_shortlisted": "No candidate is shortlisted.",
    TiePending = "tie_pending": "A tie for the last places waits for the office's decision.",
    NoVotes = "no_votes": "No ballot was cast.",
    AlreadyRated = "already_rated": "The caller rated the project already.",
    // Activities.
    AlreadySignedUp = "already_signed_up": "The deputy signed up already.",
    AlreadyCheckedIn = "already_checked_in": "The deputy checked in already.",
    CheckInClosed = "check_in_closed": "Check-in is closed for the activity.",
    ActivityOver = "activity_over": "The activity is over.",
    ActivityNotHeld = "activity_not_held": "The activity has not been held.",
    AttendanceRecorded = "attendance_recorded": "The attendance is recorded already.",
}

/// The published list (`docs/error-codes.md`), made from [`Code::ALL`].
pub fn published_list() -> String {
    let mut out = String::from(
        "# Error codes\n\n\
         Every problem answer (`application/problem+json`) carries one of these\n\
         codes in `code`, and `type` is `urn:renda:problem:<code>`. A code keeps\n\
         its meaning once published; new ones may be added. The OpenAPI document\n\
         lists them as the `Code` schema. Fields of a `validation_failed` answer\n\
         carry finer codes of their own in `errors[].code` (`blank`, `length`,\n\
         `required`, `not_found`, `deadline`, ...).\n\n\
         This file is generated from the code (`renda_domain::Code`); a test\n\
         fails when the two differ: `UPDATE_ERROR_CODES=1 cargo test -p renda-domain`.\n\n\
         | Code | Meaning |\n|---|---|\n",
    );
    for c in Code::ALL {
        out.push_str(&format!("| `{}` | {} |\n", c.as_str(), c.meaning()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The complete list is pinned: adding, renaming or removing a code
    /// shows in the published file, reviewed with the change.
    #[test]
    fn the_published_list_is_the_list_in_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/error-codes.md");
        let made = published_list();
        if std::env::var_os("UPDATE_ERROR_CODES").is_some() {
            assert!(std::fs::write(path, &made).is_ok(), "cannot write {path}");
        }
        let published = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            published, made,
            "docs/error-codes.md differs from the codes: run UPDATE_ERROR_CODES=1 cargo test -p renda-domain"
        );
    }

    #[test]
    fn codes_are_unique_and_explained() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c} twice");
            assert!(c.meaning().ends_with('.'), "{c}");
        }
    }
}
