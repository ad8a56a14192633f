//! Cursor pagination shared by every connection: `first` (1–100) and an opaque `after` cursor over
//! time-ordered UUID v7 ids.

use async_graphql::{OutputType, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

pub const MAX_PAGE: i32 = 100;

/// A validated page request.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub first: u64,
    pub after: Option<Uuid>,
}

impl Page {
    pub fn parse(first: Option<i32>, after: Option<String>) -> AppResult<Self> {
        let first = first.unwrap_or(20);
        if !(1..=MAX_PAGE).contains(&first) {
            return Err(AppError::bad_input("first", "INVALID_PAGE_SIZE", format!("first 须在1到{MAX_PAGE}之间")));
        }
        let after = after.map(|c| decode(&c)).transpose()?;
        Ok(Self { first: first as u64, after })
    }

    /// Fetch one more than `first` to learn whether there is a next page.
    pub fn fetch_limit(&self) -> u64 {
        self.first + 1
    }

    /// The total of `query` and the rows of this page (one more than `first`, see `Connection::from_rows`),
    /// keyed on the time-ordered UUID v7 column `id`.
    pub async fn fetch<E>(
        &self,
        conn: &impl ConnectionTrait,
        query: Select<E>,
        id: E::Column,
        order: Order,
    ) -> AppResult<(i64, Vec<E::Model>)>
    where
        E: EntityTrait,
        E::Model: Sync,
    {
        let total = query.clone().count(conn).await? as i64;
        let mut query = query;
        if let Some(after) = self.after {
            query = query.filter(match order {
                Order::OldestFirst => id.gt(after),
                Order::NewestFirst => id.lt(after),
            });
        }
        let query = match order {
            Order::OldestFirst => query.order_by_asc(id),
            Order::NewestFirst => query.order_by_desc(id),
        };
        Ok((total, query.limit(self.fetch_limit()).all(conn).await?))
    }
}

/// Which way a page runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    OldestFirst,
    NewestFirst,
}

pub fn encode(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode(cursor: &str) -> AppResult<Uuid> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| Uuid::from_slice(&b).ok())
        .ok_or_else(|| AppError::bad_input("after", "INVALID_CURSOR", "分页游标无效"))
}

#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

/// A page of `T`.
#[derive(SimpleObject)]
#[graphql(concrete(name = "SubjectConnection", params(crate::subjects::Subject)))]
#[graphql(concrete(name = "ProductConnection", params(crate::products::LoanProduct)))]
#[graphql(concrete(name = "AccessLogConnection", params(crate::credit::AccessLogEntry)))]
#[graphql(concrete(name = "DemandConnection", params(crate::demands::FinancingDemand)))]
#[graphql(concrete(name = "RenewalConnection", params(crate::renewals::RenewalRequest)))]
pub struct Connection<T: OutputType> {
    pub total_count: i64,
    pub nodes: Vec<T>,
    pub page_info: PageInfo,
}

impl<T: OutputType> Connection<T> {
    /// Build from rows fetched with `page.fetch_limit()`, given each row's id.
    pub fn from_rows<R, K: Into<Uuid>>(
        page: Page,
        total_count: i64,
        mut rows: Vec<R>,
        id_of: impl Fn(&R) -> K,
        convert: impl Fn(R) -> AppResult<T>,
    ) -> AppResult<Self> {
        let has_next_page = rows.len() as u64 > page.first;
        rows.truncate(page.first as usize);
        let end_cursor = rows.last().map(|r| encode(id_of(r).into()));
        let nodes = rows.into_iter().map(convert).collect::<AppResult<Vec<_>>>()?;
        Ok(Self { total_count, nodes, page_info: PageInfo { has_next_page, end_cursor } })
    }
}
