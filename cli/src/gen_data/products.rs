//! `xinyidai gen-data products`: synthetic products of several banks written straight into the database,
//! through the same validation, repository and outbox as the API, so `serve` (or `search reindex`)
//! indexes them.

use chrono::Utc;
use xyd_datagen::products::{ProductOptions, products, service_area};
use xyd_domain::ProductId;
use xyd_domain::product::{ProductSpec, ProductStatus};

use xinyidai::error::{AppError, AppResult};
use xinyidai::outbox;
use xinyidai::products::ProductRepo;
use xinyidai::state::AppState;

const BATCH: usize = 500;

/// Insert the generated products; returns how many were published.
pub async fn seed(state: &AppState, options: &ProductOptions) -> AppResult<u64> {
    let area = service_area(&options.county);
    let rules = state.config.products.rules();
    let banks = super::banks(state, options.banks, &area).await?;
    let mut published = 0u64;
    let mut generated = products(options).peekable();
    while generated.peek().is_some() {
        let txn = state.db.begin_write().await?;
        for product in generated.by_ref().take(BATCH) {
            let spec = ProductSpec::parse(product.spec, &rules, &area).map_err(AppError::from)?;
            let bank = banks.get(product.bank).copied().ok_or_else(|| AppError::internal("seed bank", product.bank))?;
            let row = ProductRepo::insert(&*txn, ProductId::new(), bank, &spec, Utc::now()).await?;
            if product.published {
                let row = ProductRepo::save(&*txn, &row, None, ProductStatus::Published).await?;
                outbox::enqueue(&*txn, outbox::PRODUCT, row.id).await?;
                published += 1;
            }
        }
        txn.commit().await?;
    }
    Ok(published)
}
