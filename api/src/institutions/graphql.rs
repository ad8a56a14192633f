//! GraphQL types and operations of institutions.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use xyd_domain::Role;

use super::create::{self, NewInstitution};
use crate::auth::principal::require_principal;
use crate::error::AppResult;
use crate::graphql::GqlInstitutionKind;
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
}
