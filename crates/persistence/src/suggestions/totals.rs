//! What the changes of several suggestions in one transaction add to the
//! handling figures and the dashboard's tallies, kept to be written once.

use std::collections::BTreeMap;

use renda_domain::suggestion::Suggestion;
use renda_domain::suggestion::figures::{self, Counts, Key};
use renda_domain::suggestion::tallies::{self, Tallies};
use sea_orm::ConnectionTrait;

use crate::error::StoreResult;

/// What the changes of several suggestions in one transaction add to the
/// handling figures and the dashboard's tallies, written once at its end
/// ([`Totals::write`]). Written change by change, two such transactions
/// could take the same rows' locks in opposite orders (another year's
/// figures, another shard of a tally) and deadlock; written once, in key
/// order, after every suggestion's row, they take them as a single
/// change does.
#[derive(Default)]
pub(crate) struct Totals {
    figures: BTreeMap<Key, Counts>,
    tallies: Tallies,
}

impl Totals {
    pub(super) fn add(&mut self, before: &Suggestion, after: &Suggestion) {
        for (k, d) in figures::delta(Some(before), after) {
            let e = self.figures.entry(k).or_default();
            *e = e.plus(&d);
        }
        self.tallies.add(&tallies::delta(Some(before), after), 1);
    }

    /// Adds what was kept, on `c`: the figures in key order, then the
    /// tallies.
    pub(crate) async fn write<Conn: ConnectionTrait>(self, c: &Conn) -> StoreResult<()> {
        super::figures::add_all(c, &self.figures).await?;
        super::tallies::add(c, &self.tallies).await
    }
}
