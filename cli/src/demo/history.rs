//! A few hundred registered subjects and their financing history: demands and the banks' responses (accept,
//! grant, disburse, reject) from before the last 12 whole months up to now, as they stand now — the latest
//! demands are still open or in progress, so the banks' opportunities show something. The posters are
//! registered (verified) a week before their first demand; the other existing subjects of the same registry
//! rows register over the year, most of them verified. Skipped when there are demands already.

use sea_orm::{EntityTrait, PaginatorTrait};

use xinyidai::demands::entity::demand;
use xinyidai::state::AppState;

use super::Plan;
use crate::commands::operator;
use crate::gen_data;

/// Months over which the subjects that post no demand register.
const REGISTRATION_MONTHS: u32 = 12;

pub async fn seed(state: &AppState, plan: &Plan) -> anyhow::Result<()> {
    let existing = demand::Entity::find().count(state.db.conn()).await?;
    if existing > 0 {
        println!("  已有 {existing} 笔融资需求，跳过");
        return Ok(());
    }
    let options = plan.demands();
    let seeded = gen_data::demands::seed(state, &options).await.map_err(operator)?;
    let subjects = plan.subject_registry();
    gen_data::subjects::seed(state, &subjects, REGISTRATION_MONTHS).await.map_err(operator)?;
    println!(
        "  {} 笔融资需求（{} 条银行响应），发布需求的主体 {} 个；名录前 {} 行的其他存续主体已注册",
        seeded.demands, seeded.responses, seeded.subjects_created, subjects.rows
    );
    Ok(())
}
