//! One ID type per entity, each a UUID v7 (time-ordered), so IDs of different entities
//! cannot be mixed up in a signature.

use crate::DomainError;
use uuid::Uuid;

/// Declares `pub struct $name(Uuid)` newtypes with `new` (v7), `from_uuid`, `as_uuid`,
/// `parse`, `Display`, `FromStr` and transparent serde.
macro_rules! entity_ids {
    ($( $(#[$meta:meta])* $name:ident; )+) => {$(
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh time-ordered ID (UUID v7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps an existing UUID (e.g. one read from the database).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The underlying UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// Parses the textual UUID form (surrounding whitespace ignored).
            pub fn parse(input: &str) -> Result<Self, DomainError> {
                parse_uuid(input).map(Self)
            }
        }

        impl Default for $name {
            /// Same as [`Self::new`]: a fresh ID.
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = DomainError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    )+};
}

fn parse_uuid(input: &str) -> Result<Uuid, DomainError> {
    Uuid::parse_str(input.trim()).map_err(|_| DomainError::invalid("id", "INVALID_ID", "ID格式不正确，应为UUID字符串"))
}

entity_ids! {
    /// 用户 (user account) ID.
    UserId;
    /// 机构 (institution: bank or bureau) ID.
    InstitutionId;
    /// 市场主体 (market subject) ID.
    SubjectId;
    /// 金融产品 (loan product) ID.
    ProductId;
    /// 融资需求 (financing demand) ID.
    DemandId;
    /// 银行响应 (bank response to a demand) ID.
    ResponseId;
    /// 授权 (consent) ID.
    ConsentId;
    /// 信用信息 (credit record) ID.
    RecordId;
    /// 异议 (objection to a credit record) ID.
    ObjectionId;
    /// 数据导入任务 (import job) ID.
    ImportJobId;
    /// 刷新令牌 (refresh token) ID.
    RefreshTokenId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_v7_and_time_ordered() {
        let first = DemandId::new();
        let second = DemandId::new();
        assert_eq!(first.as_uuid().get_version_num(), 7);
        assert!(first < second);
    }

    #[test]
    fn display_and_parse_round_trip() {
        let id = SubjectId::new();
        assert_eq!(SubjectId::parse(&format!(" {id} ")).unwrap(), id);
        assert_eq!(id.to_string().parse::<SubjectId>().unwrap(), id);
        assert_eq!(Uuid::from(id), id.as_uuid());
        assert_eq!(SubjectId::from_uuid(id.as_uuid()), id);
    }

    #[test]
    fn malformed_id_is_rejected() {
        let err = UserId::parse("not-a-uuid").unwrap_err();
        assert_eq!(err.code(), "INVALID_ID");
        assert!(matches!(err, DomainError::Invalid { field: "id", .. }));
    }

    #[test]
    fn serde_is_transparent() {
        use serde::Deserialize;
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};

        let text = "0190f1c6-7b1e-7c3a-9a4e-123456789abc";
        let de: StrDeserializer<'_, Error> = text.into_deserializer();
        assert_eq!(ProductId::deserialize(de).unwrap().to_string(), text);
    }
}
