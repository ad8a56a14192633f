//! 锚点: each chain's head as each day left it, in a table of its own and exported as CSV to be kept outside the
//! database (with the day's backup, or printed and filed).

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::IntoCondition;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use tokio::sync::watch;
use xyd_domain::demand::local_date;

use super::chain::Chain;
use super::entity::{audit_anchor, audit_head};
use crate::db::Db;

/// A chain's head on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub chain: Chain,
    pub day: NaiveDate,
    pub seq: i64,
    pub hash: String,
}

impl Anchor {
    pub const CSV_HEADER: &'static str = "chain,day,seq,hash";

    pub fn csv_line(&self) -> String {
        format!("{},{},{},{}", self.chain.name(), self.day, self.seq, self.hash)
    }

    fn from_model(model: audit_anchor::Model) -> Option<Anchor> {
        let chain = Chain::parse(&model.chain)?;
        Some(Anchor { chain, day: model.day, seq: model.seq, hash: model.hash })
    }
}

/// Anchors exported by `xinyidai audit anchors`, or why a line cannot be read (with its line number).
pub fn parse_anchor_csv(text: &str) -> Result<Vec<Anchor>, String> {
    let mut anchors = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line == Anchor::CSV_HEADER {
            continue;
        }
        let bad = || format!("锚点文件第 {} 行无法识别：{line}", n + 1);
        let [chain, day, seq, hash] = line.split(',').collect::<Vec<_>>()[..] else { return Err(bad()) };
        let anchor = Anchor {
            chain: Chain::parse(chain).ok_or_else(bad)?,
            day: day.parse().map_err(|_| bad())?,
            seq: seq.parse().map_err(|_| bad())?,
            hash: hash.to_string(),
        };
        if anchor.hash.len() != 64 || !anchor.hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        anchors.push(anchor);
    }
    Ok(anchors)
}

/// Anchor every chain's current head for `day`, unless that day is anchored already (so any number of
/// replicas may run this), and return the day's anchors.
pub async fn anchor_heads(conn: &impl ConnectionTrait, day: NaiveDate) -> Result<Vec<Anchor>, DbErr> {
    let heads = audit_head::Entity::find().all(conn).await?;
    let rows = heads.into_iter().map(|head| audit_anchor::ActiveModel {
        chain: Set(head.chain),
        day: Set(day),
        seq: Set(head.seq),
        hash: Set(head.hash),
        anchored_at: Set(Utc::now()),
    });
    audit_anchor::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([audit_anchor::Column::Chain, audit_anchor::Column::Day])
        .exec_without_returning(conn)
        .await?;
    find(conn, audit_anchor::Column::Day.eq(day)).await
}

/// Every anchor, by chain and day.
pub async fn anchors(conn: &impl ConnectionTrait) -> Result<Vec<Anchor>, DbErr> {
    find(conn, Condition::all()).await
}

pub(super) async fn stored_anchors(conn: &impl ConnectionTrait, chain: Chain) -> Result<Vec<Anchor>, DbErr> {
    find(conn, audit_anchor::Column::Chain.eq(chain.name())).await
}

/// The anchors that meet `condition`, by chain and day.
async fn find(conn: &impl ConnectionTrait, condition: impl IntoCondition) -> Result<Vec<Anchor>, DbErr> {
    let rows = audit_anchor::Entity::find()
        .filter(condition)
        .order_by_asc(audit_anchor::Column::Chain)
        .order_by_asc(audit_anchor::Column::Day)
        .all(conn)
        .await?;
    Ok(rows.into_iter().filter_map(Anchor::from_model).collect())
}

/// How often the server looks whether the last day (Asia/Shanghai) is anchored.
const EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// The day whose anchor is due: yesterday in Asia/Shanghai, anchored on the first look after midnight with the
/// head as the day left it.
pub fn closed_day() -> NaiveDate {
    let today = local_date(Utc::now());
    today.pred_opt().unwrap_or(today)
}

/// Anchor each day once it has ended, until `shutdown`.
pub fn spawn_anchoring(db: Db, shutdown: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    crate::jobs::spawn_every("audit anchoring", EVERY, db, shutdown, |db| async move {
        Ok(anchor_heads(db.conn(), closed_day()).await?)
    })
}
