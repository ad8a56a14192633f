//! Walking the chains: every link recomputed from its row, in order, against the heads and the anchors.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Value};

use super::anchors::{Anchor, stored_anchors};
use super::chain::ChainTables;
use super::chain::{Chain, Chained, GENESIS, head, link_hash};
use super::entity::audit_head;

/// Rows read per query while walking.
const PAGE: u64 = 2_000;

/// What the walk of one chain found.
#[derive(Clone, Debug)]
pub struct ChainReport {
    pub chain: Chain,
    /// Links checked.
    pub rows: u64,
    /// The head's place when the walk began (rows appended during the walk are left to the next one).
    pub head: i64,
    /// Anchors compared with the chain.
    pub anchors: usize,
    /// The first broken link, if any.
    pub broken: Option<Break>,
}

/// Where a chain first fails to hold.
#[derive(Clone, Debug)]
pub struct Break {
    /// The place in the chain, where there is one.
    pub seq: Option<i64>,
    /// The row's id (for a missing row, the id of the next row kept).
    pub id: Option<String>,
    pub code: &'static str,
    pub message: String,
}

/// Walk every chain, comparing it with its head, its stored anchors and the anchors in `kept` (exported
/// earlier and kept outside the database). A chain rewritten from an edited row onwards matches its own
/// links and head, but no longer the anchors taken before the edit.
pub async fn verify<T: ChainTables>(conn: &impl ConnectionTrait, kept: &[Anchor]) -> Result<Vec<ChainReport>, DbErr> {
    let mut reports = Vec::new();
    for chain in Chain::ALL {
        let mut anchors = stored_anchors(conn, chain).await?;
        anchors.extend(kept.iter().filter(|a| a.chain == chain).cloned());
        reports.push(match chain {
            Chain::AccessLog => walk::<T::AccessLog>(conn, &anchors).await?,
            Chain::RecordEvents => walk::<T::RecordEvents>(conn, &anchors).await?,
        });
    }
    Ok(reports)
}

async fn walk<M: Chained>(conn: &impl ConnectionTrait, anchors: &[Anchor]) -> Result<ChainReport, DbErr> {
    let head = head(conn, M::CHAIN).await?;
    let mut report = ChainReport { chain: M::CHAIN, rows: 0, head: head.seq, anchors: anchors.len(), broken: None };
    let mut by_seq: BTreeMap<i64, Vec<&Anchor>> = BTreeMap::new();
    for anchor in anchors {
        by_seq.entry(anchor.seq).or_default().push(anchor);
    }
    if head.sealed
        && let Some(row) =
            M::Entity::find().filter(M::seq_column().is_null()).order_by_asc(M::at_column()).one(conn).await?
    {
        let message = "该行不在审计链中：不是由平台写入的".to_string();
        report.broken = Some(Break { seq: None, id: Some(id_of(&row)), code: "ROW_OUTSIDE_CHAIN", message });
        return Ok(report);
    }
    report.broken = anchor_break(&by_seq, 0, GENESIS, None);
    let mut at = Link { seq: 0, hash: GENESIS.to_string() };
    while report.broken.is_none() {
        let rows = match page::<M>(conn, at.seq, head.seq).await? {
            Ok(rows) if rows.is_empty() => break,
            Ok(rows) => rows,
            Err(broken) => {
                report.broken = Some(broken);
                break;
            }
        };
        for row in rows {
            match at.follow(&row, &by_seq) {
                Ok(true) => report.rows += 1,
                Ok(false) => {}
                Err(broken) => {
                    report.broken = Some(broken);
                    break;
                }
            }
        }
    }
    if report.broken.is_none() {
        report.broken = at.end(&head, &by_seq);
    }
    Ok(report)
}

/// The next rows of the chain after place `after`, up to the head's place `last`; a value edited into something
/// the platform cannot read fails the whole page, so then the row that broke it.
async fn page<M: Chained>(conn: &impl ConnectionTrait, after: i64, last: i64) -> Result<Result<Vec<M>, Break>, DbErr> {
    let page = M::Entity::find()
        .filter(M::seq_column().gt(after))
        .filter(M::seq_column().lte(last))
        .order_by_asc(M::seq_column())
        .limit(PAGE)
        .all(conn)
        .await;
    match page {
        Ok(rows) => Ok(Ok(rows)),
        Err(error) => match unreadable::<M>(conn, after + 1..=last).await? {
            Some(broken) => Ok(Err(broken)),
            None => Err(error),
        },
    }
}

/// The last link verified: its place and its hash.
struct Link {
    seq: i64,
    hash: String,
}

impl Link {
    /// Check `row` as the next link: in place, its hash recomputed, and any anchor there. True when it was
    /// a link (rows no link covers are passed over).
    fn follow<M: Chained>(&mut self, row: &M, by_seq: &BTreeMap<i64, Vec<&Anchor>>) -> Result<bool, Break> {
        let (Some(place), stored) = row.link() else { return Ok(false) };
        let broken = |seq: i64, code: &'static str, message: String| Break {
            seq: Some(seq),
            id: Some(id_of(row)),
            code,
            message,
        };
        if place != self.seq + 1 {
            return Err(broken(self.seq + 1, "MISSING_ROW", format!("第 {} 个链节缺失：该行已被删除", self.seq + 1)));
        }
        let expected = link_hash(&self.hash, place, row);
        if stored != Some(expected.as_str()) {
            let message = format!("第 {place} 个链节不符：该行内容或其链节值已被改动");
            return Err(broken(place, "HASH_MISMATCH", message));
        }
        if let Some(broken) = anchor_break(by_seq, place, &expected, Some(id_of(row))) {
            return Err(broken);
        }
        *self = Link { seq: place, hash: expected };
        Ok(true)
    }

    /// Whether the walk ended at the head, and no anchor lies beyond it.
    fn end(&self, head: &audit_head::Model, by_seq: &BTreeMap<i64, Vec<&Anchor>>) -> Option<Break> {
        let seq = self.seq;
        if seq != head.seq || self.hash != head.hash {
            let message = format!("链尾（第 {seq} 个链节）与链头（第 {} 个）不符：末尾的行已被删除", head.seq);
            return Some(Break { seq: Some(seq + 1), id: None, code: "HEAD_MISMATCH", message });
        }
        let (place, anchor) = by_seq.range(seq + 1..).next()?;
        let day = anchor.first().map(|a| a.day.to_string()).unwrap_or_default();
        let message = format!("{day} 的锚点在第 {place} 个链节，链现在只有 {seq} 个：链已被截短");
        Some(Break { seq: Some(*place), id: None, code: "ANCHOR_MISMATCH", message })
    }
}

/// The first row in `places` that cannot be read as a row of its table.
async fn unreadable<M: Chained>(
    conn: &impl ConnectionTrait,
    places: std::ops::RangeInclusive<i64>,
) -> Result<Option<Break>, DbErr> {
    for place in places {
        if M::Entity::find().filter(M::seq_column().eq(place)).one(conn).await.is_err() {
            let id: Option<uuid::Uuid> = M::Entity::find()
                .select_only()
                .column(M::id_column())
                .filter(M::seq_column().eq(place))
                .into_tuple()
                .one(conn)
                .await?;
            return Ok(Some(Break {
                seq: Some(place),
                id: id.map(|id| id.to_string()),
                code: "UNREADABLE_ROW",
                message: format!("第 {place} 个链节无法读取：该行的值已被改为平台不认识的内容"),
            }));
        }
    }
    Ok(None)
}

/// Whether an anchor at `seq` disagrees with the link found there.
fn anchor_break(by_seq: &BTreeMap<i64, Vec<&Anchor>>, seq: i64, hash: &str, id: Option<String>) -> Option<Break> {
    let anchor = by_seq.get(&seq)?.iter().find(|a| a.hash != hash)?;
    Some(Break {
        seq: Some(seq),
        id,
        code: "ANCHOR_MISMATCH",
        message: format!("第 {seq} 个链节与 {} 的锚点不符：链已被改写", anchor.day),
    })
}

fn id_of<M: Chained>(row: &M) -> String {
    match row.get(M::id_column()) {
        Value::Uuid(Some(id)) => id.to_string(),
        other => format!("{other:?}"),
    }
}
