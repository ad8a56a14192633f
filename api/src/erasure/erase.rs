//! What an approved erasure does to a person's data, in one transaction. Erased or irreversibly anonymized:
//! their name, ID number hash and mask, phone, login (email replaced, password unusable, sessions ended),
//! income-tax records, credit reports, notifications and data copies. Kept, each with the duty that keeps it: the consents and
//! collection authorizations (the lawful basis of what was processed), the access log (the record of
//! processing; its hash chain covers ids, categories, purpose and time only, so it still verifies), and the
//! demands and bank responses of loans (credit files banks must keep). Names in kept rows are not copied there:
//! those rows point at the subject, whose personal fields are gone. Each capability erases its own part.

use sea_orm::ConnectionTrait;
use xyd_domain::SubjectId;

use crate::error::AppResult;

/// Erase what may be erased of `person`, each capability its own part; the kinds of data kept, each with the
/// duty that keeps it.
pub async fn erase(conn: &impl ConnectionTrait, person: SubjectId) -> AppResult<Vec<String>> {
    let mut retained = Vec::new();
    let kept = |n: u64, what: &str| (n > 0).then(|| what.to_string());
    let consents = crate::consents::held::count(conn, person).await?
        + crate::income_tax::held::authorizations(conn, person).await?;
    retained.extend(kept(
        consents,
        "授权记录（授权书版本及其SHA-256摘要、授权范围与期限）：证明个人信息处理的合法性基础，依《个人信息保护法》第十三条、第十四条保留",
    ));
    retained.extend(kept(
        crate::credit::held::reads(conn, person).await?,
        "信息查询记录：个人信息处理活动的记录，依《个人信息保护法》第五十五条、第五十六条保存不少于三年；其哈希链只覆盖编号、类别、用途和时间，不含姓名和证件号码",
    ));
    retained.extend(kept(
        crate::demands::held::count(conn, person).await?,
        "融资需求及金融机构响应、授信、放款记录：金融机构依《反洗钱法》等规定须保存客户交易记录不少于五年",
    ));
    let users = crate::auth::held::users_of(conn, person).await?;
    crate::subjects::held::erase_person(conn, person).await?;
    crate::auth::held::disable_logins(conn, &users).await?;
    crate::notifications::held::erase(conn, &users).await?;
    crate::income_tax::held::erase(conn, person).await?;
    crate::reports::held::erase(conn, person).await?;
    crate::my_data::erase(conn, person).await?;
    Ok(retained)
}
