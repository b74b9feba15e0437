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

pub use crate::opinion::OpinionStatus;
