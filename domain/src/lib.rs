//! Pure domain rules of the 信易贷 (Xinyidai) SME financing credit platform.
//!
//! This crate holds value types that can only exist when valid (parse, don't validate):
//! 统一社会信用代码, region and industry codes, money in fen and rates in basis points,
//! entity IDs and credentials; the shared vocabularies (subject kinds, roles, data
//! categories, tax grades …); and the domain error type. It does no I/O and knows no
//! framework — no database, web or search library — so every rule is unit-testable.

#![warn(missing_docs)]

pub mod account;
pub mod consent;
pub mod credit;
pub mod demand;
pub mod error;
pub mod ids;
pub mod indicators;
pub mod industry;
pub mod kinds;
pub mod loan;
pub mod money;
pub mod person;
pub mod product;
pub mod region;
pub mod registry;
pub mod tags;
pub mod uscc;
pub mod written_reason;

mod text_value;

pub use account::{Email, Password};
pub use demand::{DemandFacts, Evaluation, RankInputs, Reason, SubjectFacts, WorkCalendar};
pub use error::DomainError;
pub use ids::{
    AuthorizationId, ConsentId, DemandId, ImportJobId, InstitutionId, NotificationId, ObjectionId, ProductId, RecordId,
    RefreshTokenId, RenewalId, ReportId, ResponseId, SubjectId, UserId,
};
pub use industry::IndustryCode;
pub use kinds::{
    AccessPurpose, DataCategory, DemandStatus, ErasureStatus, FeeKind, FeeTiming, ImportKind, ImportStatus, IncomeKind,
    IndicatorDimension, InstitutionKind, NotificationKind, ObjectionOutcome, PreCreditBasis, ProductType, RecordAction,
    RecordStatus, RegistryStatus, RejectReason, RenewalKind, RenewalStatus, RepaymentMethod, ResponseStatus, Role,
    SubjectKind, TaxGrade, VerificationMethod, VerificationStatus,
};
pub use money::{Money, Rate};
pub use person::IdNumber;
pub use product::{ProductFilter, ProductRules, ProductSpec, ProductSpecInput, ProductStatus};
pub use region::{RegionCode, RegionPrefix};
pub use registry::{RegistryRow, RowError};
pub use tags::TagList;
pub use uscc::Uscc;
