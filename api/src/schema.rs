//! The schema root: each capability's query, mutation and subscription roots merged, with the limits and the
//! error policy of `graphql` (the shared base every capability builds on; this root depends on them, never the
//! other way round).

use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};

use crate::auth::{AuthMutation, AuthQuery};
use crate::config::LimitsConfig;
use crate::consents::{ConsentMutation, ConsentQuery};
use crate::credit::{CreditMutation, CreditQuery};
use crate::demands::{DemandMutation, DemandQuery, DemandSubscription, PreCreditQuery};
use crate::erasure::{ErasureMutation, ErasureQuery};
use crate::imports::{ImportMutation, ImportQuery};
use crate::income_tax::{IncomeTaxMutation, IncomeTaxQuery};
use crate::indicators::IndicatorQueryRoot;
use crate::institutions::InstitutionMutation;
use crate::loans::LoanQuery;
use crate::my_data::{MyDataMutation, MyDataQuery};
use crate::notifications::{NotificationMutation, NotificationQuery, NotificationSubscription};
use crate::products::{ProductMutation, ProductQuery};
use crate::regions::RegionQuery;
use crate::renewals::{RenewalMutation, RenewalQuery};
use crate::reports::{ReportMutation, ReportQuery};
use crate::subjects::{SubjectMutation, SubjectQuery};

/// 查询入口 (Query root)：各业务模块的查询合并于此。
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    AuthQuery,
    SubjectQuery,
    ImportQuery,
    ProductQuery,
    ConsentQuery,
    CreditQuery,
    DemandQuery,
    IndicatorQueryRoot,
    NotificationQuery,
    PreCreditQuery,
    RenewalQuery,
    ReportQuery,
    RegionQuery,
    IncomeTaxQuery,
    MyDataQuery,
    ErasureQuery,
    LoanQuery,
);

/// 变更入口 (Mutation root)：各业务模块的写操作合并于此。
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    AuthMutation,
    InstitutionMutation,
    SubjectMutation,
    ImportMutation,
    ProductMutation,
    ConsentMutation,
    CreditMutation,
    DemandMutation,
    NotificationMutation,
    RenewalMutation,
    ReportMutation,
    IncomeTaxMutation,
    MyDataMutation,
    ErasureMutation,
);

/// 订阅入口 (Subscription root)：通过 WebSocket 推送的实时事件。
#[derive(MergedSubscription, Default)]
#[graphql(name = "Subscription")]
pub struct SubscriptionRoot(DemandSubscription, NotificationSubscription);

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema with its limits, answering introspection (`__schema`, `__type`) only when `introspection`
/// (`Config::introspection_enabled`); the caller adds request-independent data (application state).
pub fn build_schema(
    limits: &LimitsConfig,
    introspection: bool,
) -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    let schema = Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot::default())
        .limit_complexity(limits.query_complexity)
        .limit_recursive_depth(32)
        .limit_directives(16);
    // Without introspection `__schema` and `__type` resolve to null; the SDL is still printed by `sdl()`.
    if introspection { schema } else { schema.disable_introspection() }
}

/// The SDL, as printed by `xinyidai schema`.
pub fn sdl() -> String {
    build_schema(&LimitsConfig::default(), true).finish().sdl()
}
