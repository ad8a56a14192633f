//! Market subjects: registration, USCC validation, registry-matched verification, the review queue within
//! jurisdiction, and who sees what.

use serde_json::json;
use xyd_tests::both_backends;
use xyd_tests::fixtures::{REGISTER, RegistryCsv, broken, registration, uscc};

const SUBJECT: &str =
    "query($id: ID!) { subject(id: $id) { id name legalRepName legalRepIdNumber verified verificationNote } }";
const QUEUE: &str =
    "{ verificationQueue(first: 50) { totalCount nodes { id uscc verificationStatus } pageInfo { hasNextPage } } }";
const VERIFY: &str =
    "mutation($id: ID!) { verifySubject(subjectId: $id) { id verified verifiedAt verificationStatus } }";

both_backends! {
    async fn an_invalid_uscc_names_the_field_and_creates_nothing(app) {
        let r = app.gql(None, REGISTER, registration(&broken(&uscc(1)), "雷州市甲有限公司", "张三", "a@ent.test")).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/field"), "input.uscc");
        assert_eq!(r.str_at("/errors/0/extensions/reason"), "INVALID_USCC");
        assert!(r.str_at("/errors/0/message").contains("校验"), "the message explains in Chinese");
        app.login("a@ent.test", "Owner12345").await.expect_error("UNAUTHENTICATED");

        let mut wrong_kind = registration(&uscc(1), "雷州市甲有限公司", "张三", "a@ent.test");
        wrong_kind["i"]["kind"] = json!("INDIVIDUAL_BUSINESS");
        let r = app.gql(None, REGISTER, wrong_kind).await;
        assert_eq!(r.str_at("/errors/0/extensions/field"), "input.kind");
    }

    async fn a_duplicate_uscc_or_email_is_a_conflict(app) {
        // A code with a verified owner takes no second registration (unverified ones may wait side by side).
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        app.verified_enterprise(&bureau, &uscc(2), "雷州市乙有限公司", "李四").await;
        let r = app.gql(None, REGISTER, registration(&uscc(2), "雷州市乙有限公司", "李四", "other@ent.test")).await;
        r.expect_error("CONFLICT");
        assert_eq!(r.str_at("/errors/0/extensions/reason"), "USCC_REGISTERED");
        app.gql(None, REGISTER, registration(&uscc(3), "雷州市丙有限公司", "王五", "other@ent.test")).await.ok();
        let r = app.gql(None, REGISTER, registration(&uscc(4), "雷州市丁有限公司", "赵六", "other@ent.test")).await;
        r.expect_error("CONFLICT");
        // The rejected registration left no subject behind: its code can register now.
        app.gql(None, REGISTER, registration(&uscc(4), "雷州市丁有限公司", "赵六", "fresh@ent.test")).await.ok();
    }

    async fn a_registration_matching_the_registry_is_verified_at_once(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let file = RegistryCsv::new().row(&uscc(10), "雷州市（海风）食品有限公司", "陈七");
        app.import(&bureau, "REGISTRY", file.bytes()).await.ok();
        let r = app.gql(None, REGISTER, registration(&uscc(10), "雷州市(海风)食品有限公司", "陈七", "hf@ent.test")).await;
        r.ok();
        assert_eq!(r.at("/data/registerSubject/user/subject/verified"), &json!(true));
        assert_eq!(r.str_at("/data/registerSubject/user/subject/verificationStatus"), "VERIFIED");
        assert_eq!(r.str_at("/data/registerSubject/user/role"), "ENTERPRISE");

        // A different legal representative goes to review instead.
        let file = RegistryCsv::new().row(&uscc(11), "雷州市林记商行有限公司", "林八");
        app.import(&bureau, "REGISTRY", file.bytes()).await.ok();
        let r = app.gql(None, REGISTER, registration(&uscc(11), "雷州市林记商行有限公司", "林九", "lj@ent.test")).await;
        assert_eq!(r.at("/data/registerSubject/user/subject/verified"), &json!(false));
        assert!(r.str_at("/data/registerSubject/user/subject/verificationNote").contains("法定代表人"));
    }

    async fn cancelled_or_revoked_subjects_cannot_register(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let file = RegistryCsv::new()
            .row_with(&uscc(20), "雷州市注销有限公司", "甲", "440882100", "注销")
            .row_with(&uscc(21), "雷州市吊销有限公司", "乙", "440882100", "吊销");
        app.import(&bureau, "REGISTRY", file.bytes()).await.ok();
        for (n, reason) in [(20, "REGISTRY_CANCELLED"), (21, "REGISTRY_REVOKED")] {
            let r = app.gql(None, REGISTER, registration(&uscc(n), "雷州市某有限公司", "甲乙", &format!("x{n}@ent.test"))).await;
            r.expect_error("INVALID_STATE");
            assert_eq!(r.str_at("/errors/0/extensions/reason"), reason);
        }
    }

    async fn the_review_queue_is_cleared_within_jurisdiction_only(app) {
        let (_, subject_id) = app.enterprise(&uscc(30), "雷州市待审有限公司", "周十").await;
        let (_, elsewhere) = app.bureau("徐闻县发改局", "440825").await;
        let (_, city) = app.bureau("湛江市金融局", "4408").await;

        let q = app.gql(Some(&elsewhere), QUEUE, json!({})).await;
        q.ok();
        assert_eq!(q.at("/data/verificationQueue/totalCount"), &json!(0), "another county's queue is empty");
        app.gql(Some(&elsewhere), VERIFY, json!({ "id": subject_id })).await.expect_error("FORBIDDEN");
        app.gql(Some(&elsewhere), SUBJECT, json!({ "id": subject_id })).await.expect_error("FORBIDDEN");

        let q = app.gql(Some(&city), QUEUE, json!({})).await;
        assert_eq!(q.at("/data/verificationQueue/totalCount"), &json!(1));
        assert_eq!(q.str_at("/data/verificationQueue/nodes/0/id"), subject_id);

        let (_, bank) = app.bank("某银行", "4408").await;
        app.gql(Some(&bank), VERIFY, json!({ "id": subject_id })).await.expect_error("FORBIDDEN");
        app.gql(None, VERIFY, json!({ "id": subject_id })).await.expect_error("UNAUTHENTICATED");

        let v = app.gql(Some(&city), VERIFY, json!({ "id": subject_id })).await;
        v.ok();
        assert_eq!(v.at("/data/verifySubject/verified"), &json!(true));
        assert!(v.at("/data/verifySubject/verifiedAt").is_string());
        app.gql(Some(&city), VERIFY, json!({ "id": subject_id })).await.expect_error("INVALID_STATE");
        assert_eq!(app.gql(Some(&city), QUEUE, json!({})).await.at("/data/verificationQueue/totalCount"), &json!(0));
    }

    async fn a_rejection_reaches_the_enterprise(app) {
        let (owner, subject_id) = app.enterprise(&uscc(40), "雷州市驳回有限公司", "吴一").await;
        let admin = app.admin_token().await;
        let r = app.gql(Some(&admin), "mutation($id: ID!) { rejectSubjectVerification(subjectId: $id, reason: \"营业执照照片不清晰\") { verificationStatus } }", json!({ "id": subject_id })).await;
        r.ok();
        assert_eq!(r.str_at("/data/rejectSubjectVerification/verificationStatus"), "REJECTED");
        let mine = app.gql(Some(&owner), SUBJECT, json!({ "id": subject_id })).await;
        assert_eq!(mine.str_at("/data/subject/verificationNote"), "营业执照照片不清晰");
    }

    async fn banks_see_the_legal_representative_masked_and_never_the_id_number(app) {
        let (owner, subject_id) = app.enterprise(&uscc(50), "雷州市可见有限公司", "欧阳娜娜").await;
        let mine = app.gql(Some(&owner), SUBJECT, json!({ "id": subject_id })).await;
        mine.ok();
        assert_eq!(mine.str_at("/data/subject/legalRepName"), "欧阳娜娜");
        assert_eq!(mine.str_at("/data/subject/legalRepIdNumber"), "1101**********002X");

        let (_, bank) = app.bank("某银行", "4408").await;
        let seen = app.gql(Some(&bank), SUBJECT, json!({ "id": subject_id })).await;
        seen.ok();
        assert_eq!(seen.str_at("/data/subject/legalRepName"), "欧***");
        assert!(seen.at("/data/subject/legalRepIdNumber").is_null());
        assert!(seen.at("/data/subject/verificationNote").is_null());
        assert!(!seen.body.to_string().contains("19491231"));

        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let seen = app.gql(Some(&bureau), SUBJECT, json!({ "id": subject_id })).await;
        assert_eq!(seen.str_at("/data/subject/legalRepName"), "欧***");

        let (other, _) = app.enterprise(&uscc(51), "雷州市另一家有限公司", "钱二").await;
        app.gql(Some(&other), SUBJECT, json!({ "id": subject_id })).await.expect_error("FORBIDDEN");
        app.gql(None, SUBJECT, json!({ "id": subject_id })).await.expect_error("UNAUTHENTICATED");

        // The ID number is encrypted at rest.
        use sea_orm::{ConnectionTrait, Statement};
        let db = app.db().conn();
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT legal_rep_id_cipher FROM subjects")).await.unwrap().unwrap();
        let sealed: String = row.try_get("", "legal_rep_id_cipher").unwrap();
        assert!(!sealed.contains("1101") && !sealed.is_empty());
    }
}
