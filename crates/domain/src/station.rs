//! Liaison stations (代表之家、代表联络站、代表联系点) and constituent
//! opinions (群众意见) left there or online.

string_enum! {
    /// The kind of a station.
    pub enum StationKind : "station kind" {
        /// 代表之家
        Home = "home",
        /// 代表联络站
        Station = "station",
        /// 代表联系点
        Point = "point",
    }
}

string_enum! {
    /// Where a constituent opinion stands.
    pub enum OpinionStatus : "opinion status" {
        /// Left by a constituent; waiting to be routed.
        Received = "received",
        /// Answered directly by staff or a deputy of the station.
        Answered = "answered",
        /// Forwarded to a unit, which is to reply.
        Forwarded = "forwarded",
        /// The unit replied.
        Replied = "replied",
        /// A deputy took it up as a suggestion.
        TakenUp = "taken_up",
    }
}

/// How an opinion is routed or answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpinionOp {
    Answer,
    Forward,
    UnitReply,
    TakeUp,
}

/// The status an operation leads to, or `None` when the opinion's status
/// does not allow it.
pub fn next_opinion_status(from: OpinionStatus, op: OpinionOp) -> Option<OpinionStatus> {
    use OpinionStatus::*;
    match (from, op) {
        (Received, OpinionOp::Answer) => Some(Answered),
        (Received, OpinionOp::Forward) => Some(Forwarded),
        (Received, OpinionOp::TakeUp) => Some(TakenUp),
        (Forwarded, OpinionOp::UnitReply) => Some(Replied),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opinion_is_routed_once() {
        use OpinionStatus::*;
        assert_eq!(
            next_opinion_status(Received, OpinionOp::Forward),
            Some(Forwarded)
        );
        assert_eq!(
            next_opinion_status(Forwarded, OpinionOp::UnitReply),
            Some(Replied)
        );
        assert_eq!(next_opinion_status(Received, OpinionOp::UnitReply), None);
        for done in [Answered, Replied, TakenUp] {
            for op in [
                OpinionOp::Answer,
                OpinionOp::Forward,
                OpinionOp::UnitReply,
                OpinionOp::TakeUp,
            ] {
                assert_eq!(next_opinion_status(done, op), None);
            }
        }
        assert_eq!(next_opinion_status(Forwarded, OpinionOp::TakeUp), None);
    }
}
