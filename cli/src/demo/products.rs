//! The product supermarket: generated products of the five demo banks until 40 are published (a few drafts come
//! with them), written like `gen-data products` — through the outbox, so `serve` indexes them. Skipped when
//! the demo banks have products already.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use xyd_datagen::products::{ProductOptions, products};

use xinyidai::products::entity as product;
use xinyidai::state::AppState;

use super::Plan;
use crate::commands::operator;
use crate::gen_data;

pub async fn seed(state: &AppState, plan: &Plan) -> anyhow::Result<()> {
    let banks = gen_data::banks(state, super::BANKS, &plan.service_area).await.map_err(operator)?;
    let existing = product::Entity::find().filter(product::Column::BankId.is_in(banks)).count(state.db.conn()).await?;
    if existing > 0 {
        println!("  已有 {existing} 个产品，跳过");
        return Ok(());
    }
    let options = options(plan, count_for(plan, super::PUBLISHED_PRODUCTS));
    let published = gen_data::products::seed(state, &options).await.map_err(operator)?;
    println!("  {} 个产品，其中已上架 {published} 个", options.count);
    Ok(())
}

fn options(plan: &Plan, count: u64) -> ProductOptions {
    ProductOptions { count, seed: super::SEED, banks: super::BANKS, county: plan.registry.county.clone() }
}

/// How many products to generate for `published` of them to be published (generation is deterministic).
fn count_for(plan: &Plan, published: u64) -> u64 {
    let all = options(plan, published * 2);
    let mut shelved = 0;
    for (index, p) in products(&all).enumerate() {
        shelved += u64::from(p.published);
        if shelved == published {
            return index as u64 + 1;
        }
    }
    all.count
}
