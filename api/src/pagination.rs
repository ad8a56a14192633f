//! Cursor pagination shared by every connection: `first` (1–100) and an opaque `after` cursor over
//! time-ordered UUID v7 ids.

use std::sync::Arc;

use std::borrow::Cow;

use async_graphql::{OutputType, SimpleObject, TypeName};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;
use xyd_reasons::Reason;

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
            return Err(AppError::input("first", Reason::InvalidPageSize { max: MAX_PAGE }));
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
        .ok_or_else(|| AppError::input("after", Reason::InvalidCursor))
}

/// 分页信息（Relay PageInfo）：只支持向后翻页（forward pagination，`first`/`after`）。
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// 是否还有下一页：为 true 时以 `endCursor` 作为 `after` 取下一页。
    pub has_next_page: bool,
    /// 是否有上一页：只支持向后翻页（forward pagination only），恒为 false。
    pub has_previous_page: bool,
    /// 本页第一条的游标（cursor）；本页为空时为 null。
    pub start_cursor: Option<String>,
    /// 本页最后一条的游标（cursor），作为 `after` 取下一页；本页为空时为 null。
    pub end_cursor: Option<String>,
}

impl PageInfo {
    /// The page info of `edges` (in page order). Forward pagination only: no previous page.
    pub fn of<T: Paged>(edges: &[Edge<T>], has_next_page: bool) -> Self {
        Self {
            has_next_page,
            has_previous_page: false,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        }
    }
}

/// A type listed a page at a time: the GraphQL names of its edge and connection types. Each capability
/// declares this for its own node type, so this module names none of them.
pub trait Paged: OutputType {
    /// The edge type's name, e.g. `SubjectEdge`.
    const EDGE: &'static str;
    /// The connection type's name, e.g. `SubjectConnection`.
    const CONNECTION: &'static str;
}

/// 分页结果中的一条（Relay edge）：`node` 为该条记录，`cursor` 为它的游标。
#[derive(SimpleObject)]
#[graphql(name_type)]
pub struct Edge<T: Paged> {
    /// 该条的游标（不透明字符串）：作为 `after` 传入，从它之后继续取。
    pub cursor: String,
    /// 该条记录本身。
    // Shared with the connection's `nodes`: a page is built once, not copied for each list.
    pub node: Arc<T>,
}

impl<T: Paged> TypeName for Edge<T> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(T::EDGE)
    }
}

/// 分页结果（Relay connection）：totalCount 为总数，edges/nodes 为本页。
#[derive(SimpleObject)]
#[graphql(name_type)]
pub struct Connection<T: Paged> {
    /// 符合条件的总条数（不只本页）；-1 表示未统计。
    pub total_count: i64,
    /// 本页各条及其游标（Relay edges），与 `nodes` 同序。
    pub edges: Vec<Edge<T>>,
    /// 本页各条（与 `edges` 的 node 相同，便于不需要游标的客户端）。
    pub nodes: Vec<Arc<T>>,
    /// 分页信息：是否有下一页及游标。
    pub page_info: PageInfo,
}

impl<T: Paged> TypeName for Connection<T> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(T::CONNECTION)
    }
}

impl<T: Paged> Connection<T> {
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
        let edges = rows
            .into_iter()
            .map(|r| -> AppResult<Edge<T>> {
                let cursor = encode(id_of(&r).into());
                Ok(Edge { cursor, node: Arc::new(convert(r)?) })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(Self::from_edges(total_count, edges, has_next_page))
    }

    /// A page of `edges`, in order; `nodes` holds the same items and `pageInfo` the first and last cursors.
    pub fn from_edges(total_count: i64, edges: Vec<Edge<T>>, has_next_page: bool) -> Self {
        let nodes = edges.iter().map(|e| e.node.clone()).collect();
        let page_info = PageInfo::of(&edges, has_next_page);
        Self { total_count, edges, nodes, page_info }
    }
}
