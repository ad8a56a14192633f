//! GraphQL types and operations of institutions.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use xyd_domain::Role;

use super::create::{self, NewInstitution};
use crate::auth::principal::require_principal;
use crate::error::AppResult;
use crate::graphql::GqlInstitutionKind;
use crate::graphql::id_arg;
use crate::state::AppState;

/// A bank or a bureau.
#[derive(Clone, Debug, SimpleObject)]
pub struct Institution {
    /// 机构 ID。
    pub id: ID,
    /// 机构类型：银行或主管部门。
    pub kind: GqlInstitutionKind,
    /// 机构名称。
    pub name: String,
    /// A bureau's jurisdiction, or the area a bank serves (region code prefix).
    pub region_code: String,
    /// 统一社会信用代码：机构报送贷款所用的代码；未登记时为 null（平台管理员用 `updateInstitution` 补全）。
    pub uscc: Option<String>,
}

/// 新建机构 (new institution) 及其第一个工作人员账号。
#[derive(InputObject)]
pub struct CreateInstitutionInput {
    /// 机构类型：银行或主管部门。
    pub kind: GqlInstitutionKind,
    /// 机构名称，不超过100个字。
    pub name: String,
    /// 行政区划前缀：主管部门的辖区或银行的服务区域，2、4、6或9位数字（省、市、区县或乡镇），也可写6位 GB/T 2260
    /// 代码（如湛江市 "440800"、广东省 "440000"）；保存并返回截取到本级的代码（"4408"、"44"）。
    pub region_code: String,
    /// 第一个工作人员账号的登录邮箱。
    pub admin_email: String,
    /// 第一个工作人员账号的初始密码：8至128个字符，须同时包含字母和数字。
    pub admin_password: String,
    /// 机构的统一社会信用代码（18位，按 GB 32100 校验）；可暂不填，之后由平台管理员补全。
    pub uscc: Option<String>,
}

/// 修改机构：只改给出的字段。
#[derive(InputObject)]
pub struct InstitutionUpdate {
    /// 统一社会信用代码（18位，按 GB 32100 校验）。
    pub uscc: Option<String>,
    /// 机构名称，不超过100个字。
    pub name: Option<String>,
}

#[derive(Default)]
pub struct InstitutionMutation;

#[Object]
impl InstitutionMutation {
    /// Onboard a bank or bureau together with its first staff account (platform administrator only).
    async fn create_institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "新机构及其第一个工作人员账号。")] input: CreateInstitutionInput,
    ) -> AppResult<Institution> {
        require_principal(ctx)?.require(Role::Admin)?;
        let new = NewInstitution::parse(input)?;
        create::create_institution(ctx.data_unchecked::<AppState>(), new).await
    }

    /// Complete or correct an institution's code or name (platform administrator only).
    async fn update_institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "机构 ID。")] id: ID,
        #[graphql(desc = "要修改的字段。")] input: InstitutionUpdate,
    ) -> AppResult<Institution> {
        require_principal(ctx)?.require(Role::Admin)?;
        let change = create::Change::parse(input)?;
        create::update_institution(ctx.data_unchecked::<AppState>(), id_arg(&id, "id")?, change).await
    }
}
