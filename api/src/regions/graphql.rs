//! GraphQL types and queries of administrative divisions.

use async_graphql::{Enum, Object};
use xyd_divisions::{Division, Divisions, Level};

use crate::error::{AppError, AppResult};

/// 区划级别 (division level): the level a code's length stands for.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "RegionLevel")]
pub enum GqlRegionLevel {
    /// 省级（2位代码）。
    Province,
    /// 地级（4位代码）。
    City,
    /// 县级（6位代码）。
    County,
    /// 乡级：乡镇、街道（9位代码）。
    Town,
}

impl From<Level> for GqlRegionLevel {
    fn from(level: Level) -> Self {
        match level {
            Level::Province => Self::Province,
            Level::City => Self::City,
            Level::County => Self::County,
            Level::Town => Self::Town,
        }
    }
}

pub struct Region(Division<'static>);

/// 行政区划 (administrative division)：省、市、区县或乡镇，依据 2023 年统计用区划代码。
#[Object]
impl Region {
    /// 区划代码：2/4/6/9位（统计用区划代码截取到本级），如 "440882111"。
    async fn code(&self) -> &str {
        self.0.code()
    }

    /// 名称，如“调风镇”。
    async fn name(&self) -> &str {
        self.0.name()
    }

    /// 全称：从省级起的各级名称（略去“市辖区”等占位名），如“广东省湛江市雷州市调风镇”。
    async fn full_name(&self) -> String {
        self.0.full_name()
    }

    /// 级别。
    async fn level(&self) -> GqlRegionLevel {
        self.0.level().into()
    }

    /// 上一级区划；省级为空。
    async fn parent(&self) -> Option<Region> {
        self.0.parent().map(Region)
    }

    /// 下一级区划，按代码排序；乡镇为空列表。
    async fn children(&self) -> Vec<Region> {
        self.0.children().map(Region).collect()
    }
}

#[derive(Default)]
pub struct RegionQuery;

#[Object]
impl RegionQuery {
    /// 按代码查询行政区划（公开）；代码不存在时为空。返回的 `code` 为截取到本级的代码（如湛江市 "4408"）。
    async fn region(
        &self,
        #[graphql(
            desc = "区划代码：截取到本级的2、4、6或9位代码（如 \"4408\"），或6位 GB/T 2260 代码（如 \"440800\"）。"
        )]
        code: String,
    ) -> Option<Region> {
        Divisions::embedded().find(&code).map(Region)
    }

    /// 某一区划的下一级区划（公开）；不给 parentCode 时为全部省级区划。上级代码不存在时为 BAD_USER_INPUT
    /// （UNKNOWN_REGION）。
    async fn regions(
        &self,
        #[graphql(desc = "上级区划代码，两种写法均可（如 \"4408\" 或 \"440800\"）；省略时返回各省级区划。")]
        parent_code: Option<String>,
    ) -> AppResult<Vec<Region>> {
        let table = Divisions::embedded();
        let Some(code) = parent_code else {
            return Ok(table.provinces().map(Region).collect());
        };
        let parent = table.area(&code).map_err(|e| AppError::from(e).at("parentCode"))?;
        Ok(parent.children().map(Region).collect())
    }
}
