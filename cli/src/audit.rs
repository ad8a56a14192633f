//! `xinyidai audit`: verify the audit chains, anchor their heads, export the anchors.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use xinyidai::audit::{self, Anchor, ChainReport};
use xinyidai::config::Config;
use xinyidai::db::Db;

use crate::args::AuditAction;

pub async fn run(config: Option<&Path>, action: AuditAction) -> anyhow::Result<()> {
    let config = Config::load(config)?;
    let db = Db::connect(config.database.url.expose(), 2).await?;
    xinyidai::startup::migrate(&db).await?;
    match action {
        AuditAction::Verify { anchors } => {
            print!("{}", verify(&db, anchors.as_deref()).await?);
            Ok(())
        }
        AuditAction::Anchor => {
            print!("{}", csv(&audit::anchor_heads(db.conn(), audit::closed_day()).await?));
            Ok(())
        }
        AuditAction::Anchors => {
            print!("{}", csv(&audit::anchors(db.conn()).await?));
            Ok(())
        }
    }
}

/// Walk the chains (and the anchors kept in `anchors`, a file from `audit anchors`): the report when every chain
/// holds, an error naming the first broken link of each chain otherwise.
pub async fn verify(db: &Db, anchors: Option<&Path>) -> anyhow::Result<String> {
    let kept = match anchors {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            audit::parse_anchor_csv(&text).map_err(anyhow::Error::msg)?
        }
        None => Vec::new(),
    };
    let reports = audit::verify::<xinyidai::credit::Chains>(db.conn(), &kept).await?;
    let text = describe(&reports);
    if reports.iter().any(|r| r.broken.is_some()) {
        bail!("{text}审计链已被破坏");
    }
    Ok(text)
}

fn describe(reports: &[ChainReport]) -> String {
    let mut text = String::new();
    for r in reports {
        let chain = r.chain.name();
        let _ = match &r.broken {
            None => writeln!(text, "{chain}: intact, {} links, head {}, {} anchors checked", r.rows, r.head, r.anchors),
            Some(b) => writeln!(
                text,
                "{chain}: BROKEN at link {} (row {}): {} {}",
                b.seq.map_or_else(|| "-".to_string(), |s| s.to_string()),
                b.id.as_deref().unwrap_or("-"),
                b.code,
                b.message
            ),
        };
    }
    text
}

fn csv(anchors: &[Anchor]) -> String {
    let mut text = format!("{}\n", Anchor::CSV_HEADER);
    for anchor in anchors {
        let _ = writeln!(text, "{}", anchor.csv_line());
    }
    text
}
