//! 产品状态 (product lifecycle): DRAFT → PUBLISHED ⇄ SUSPENDED → ARCHIVED.

use xyd_reasons::Reason;

use crate::DomainError;

/// 产品状态 (lifecycle status of a loan product).
///
/// ```text
/// DRAFT ─publish→ PUBLISHED ─suspend→ SUSPENDED ─publish→ PUBLISHED
///   └──────────────────┴──archive──────────┴──→ ARCHIVED (final)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
pub enum ProductStatus {
    /// 草稿: being prepared, invisible to enterprises.
    #[serde(rename = "DRAFT")]
    Draft,
    /// 已上架: visible in the product supermarket and used in matching.
    #[serde(rename = "PUBLISHED")]
    Published,
    /// 已暂停: temporarily off the shelf; may be published again.
    #[serde(rename = "SUSPENDED")]
    Suspended,
    /// 已归档: withdrawn for good; final, read-only.
    #[serde(rename = "ARCHIVED")]
    Archived,
}

impl ProductStatus {
    /// Every status, in lifecycle order.
    pub const ALL: &[Self] = &[Self::Draft, Self::Published, Self::Suspended, Self::Archived];

    /// The UPPER_SNAKE name used in GraphQL, serde and storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Published => "PUBLISHED",
            Self::Suspended => "SUSPENDED",
            Self::Archived => "ARCHIVED",
        }
    }

    /// The Simplified Chinese label shown to people.
    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Published => "已上架",
            Self::Suspended => "已暂停",
            Self::Archived => "已归档",
        }
    }

    /// Parses the UPPER_SNAKE name or the Chinese label (surrounding whitespace ignored).
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let input = input.trim();
        Self::ALL.iter().copied().find(|s| s.as_str() == input || s.label_zh() == input).ok_or_else(|| {
            DomainError::invalid(
                "status",
                Reason::InvalidEnum {
                    input: input.to_string(),
                    noun: "产品状态",
                    allowed: "DRAFT、PUBLISHED、SUSPENDED、ARCHIVED".to_string(),
                },
            )
        })
    }

    /// 上架: DRAFT or SUSPENDED → PUBLISHED.
    pub fn publish(self) -> Result<Self, DomainError> {
        match self {
            Self::Draft | Self::Suspended => Ok(Self::Published),
            Self::Published | Self::Archived => Err(self.illegal("上架")),
        }
    }

    /// 暂停: PUBLISHED → SUSPENDED.
    pub fn suspend(self) -> Result<Self, DomainError> {
        match self {
            Self::Published => Ok(Self::Suspended),
            Self::Draft | Self::Suspended | Self::Archived => Err(self.illegal("暂停")),
        }
    }

    /// 归档: DRAFT, PUBLISHED or SUSPENDED → ARCHIVED (final).
    pub fn archive(self) -> Result<Self, DomainError> {
        match self {
            Self::Draft | Self::Published | Self::Suspended => Ok(Self::Archived),
            Self::Archived => Err(self.illegal("归档")),
        }
    }

    /// Whether the product's terms may still be edited (every status but ARCHIVED).
    pub const fn can_edit(self) -> bool {
        !matches!(self, Self::Archived)
    }

    /// Whether the product is on the shelf: searchable, matchable and indexed (PUBLISHED only).
    pub const fn is_searchable(self) -> bool {
        matches!(self, Self::Published)
    }

    /// The error for an edit of a product that can no longer be edited, or `Ok` if it can.
    pub fn ensure_editable(self) -> Result<(), DomainError> {
        if self.can_edit() { Ok(()) } else { Err(DomainError::refused(Reason::Archived)) }
    }

    fn illegal(self, action: &'static str) -> DomainError {
        DomainError::refused(match self {
            Self::Archived => Reason::ProductArchived { action },
            _ => Reason::ProductInState { state: self.label_zh(), action },
        })
    }
}

impl std::fmt::Display for ProductStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ProductStatus {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProductStatus::*;
    use proptest::prelude::*;

    #[test]
    fn names_and_labels_round_trip() {
        for &s in ProductStatus::ALL {
            assert_eq!(ProductStatus::parse(s.as_str()).unwrap(), s);
            assert_eq!(ProductStatus::parse(s.label_zh()).unwrap(), s);
            assert_eq!(s.to_string().parse::<ProductStatus>().unwrap(), s);
        }
        assert_eq!(
            ProductStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            ["DRAFT", "PUBLISHED", "SUSPENDED", "ARCHIVED"]
        );
        let err = ProductStatus::parse("published").unwrap_err();
        assert_eq!(err.code(), "INVALID_ENUM");
    }

    #[test]
    fn transition_table() {
        type Op = fn(ProductStatus) -> Result<ProductStatus, DomainError>;
        let ops: [(&str, Op); 3] = [
            ("publish", ProductStatus::publish),
            ("suspend", ProductStatus::suspend),
            ("archive", ProductStatus::archive),
        ];
        let expected: [(ProductStatus, [Option<ProductStatus>; 3]); 4] = [
            (Draft, [Some(Published), None, Some(Archived)]),
            (Published, [None, Some(Suspended), Some(Archived)]),
            (Suspended, [Some(Published), None, Some(Archived)]),
            (Archived, [None, None, None]),
        ];
        for (from, outcomes) in expected {
            for ((name, op), want) in ops.iter().zip(outcomes) {
                match (op(from), want) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{from} {name}"),
                    (Err(err), None) => {
                        assert_eq!(err.code(), "ILLEGAL_TRANSITION", "{from} {name}");
                        assert!(matches!(err, DomainError::Refused(_)));
                    }
                    (got, want) => panic!("{from} {name}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn messages_are_chinese_and_name_the_state() {
        let err = Published.publish().unwrap_err();
        assert_eq!(err.to_string(), "产品当前为“已上架”状态，不能上架");
        assert_eq!(Archived.suspend().unwrap_err().to_string(), "产品已归档，不能暂停");
    }

    #[test]
    fn editability_and_visibility() {
        assert!(Draft.can_edit() && Published.can_edit() && Suspended.can_edit());
        assert!(!Archived.can_edit());
        assert_eq!(Archived.ensure_editable().unwrap_err().code(), "ARCHIVED");
        assert!(Draft.ensure_editable().is_ok());
        let searchable: Vec<_> = ProductStatus::ALL.iter().filter(|s| s.is_searchable()).collect();
        assert_eq!(searchable, [&Published]);
    }

    #[test]
    fn serde_uses_the_graphql_names() {
        use serde::Deserialize;
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        let de: StrDeserializer<'_, Error> = "SUSPENDED".into_deserializer();
        assert_eq!(ProductStatus::deserialize(de).unwrap(), Suspended);
    }

    fn apply(status: ProductStatus, op: u8) -> Result<ProductStatus, DomainError> {
        match op {
            0 => status.publish(),
            1 => status.suspend(),
            _ => status.archive(),
        }
    }

    proptest! {
        #[test]
        fn nothing_leaves_archived(start in 0usize..4, ops in proptest::collection::vec(0u8..3, 0..40)) {
            let mut status = ProductStatus::ALL[start];
            let mut archived = status == Archived;
            for op in ops {
                match apply(status, op) {
                    Ok(next) => {
                        prop_assert!(!archived, "left ARCHIVED via op {} to {}", op, next);
                        prop_assert_ne!(next, Draft, "nothing returns to DRAFT");
                        status = next;
                    }
                    Err(err) => prop_assert_eq!(err.code(), "ILLEGAL_TRANSITION"),
                }
                archived |= status == Archived;
                prop_assert_eq!(status == Archived, archived);
                prop_assert_eq!(status.can_edit(), !archived);
            }
        }
    }
}
