//! GraphQL enums mirroring the domain's, so the domain needs no GraphQL derive.

use xyd_domain::product::ProductStatus;
use xyd_domain::{
    AccessPurpose, DataCategory, DemandStatus, ImportKind, IndicatorDimension, InstitutionKind, ObjectionOutcome,
    PreCreditBasis, ProductType, RecordStatus, RejectReason, RenewalKind, RenewalStatus, RepaymentMethod,
    ResponseStatus, Role, SubjectKind, TaxGrade, VerificationStatus,
};

macro_rules! mirror_enum {
    ($(#[$meta:meta])* $gql:ident as $name:literal <=> $domain:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
        #[graphql(name = $name)]
        pub enum $gql { $($variant),+ }

        impl From<$domain> for $gql {
            fn from(v: $domain) -> Self {
                match v { $($domain::$variant => Self::$variant),+ }
            }
        }

        impl From<$gql> for $domain {
            fn from(v: $gql) -> Self {
                match v { $($gql::$variant => Self::$variant),+ }
            }
        }
    };
}

mirror_enum!(GqlRole as "Role" <=> Role { Enterprise, Bank, Bureau, Admin });
mirror_enum!(GqlInstitutionKind as "InstitutionKind" <=> InstitutionKind { Bank, Bureau });
mirror_enum!(GqlSubjectKind as "SubjectKind" <=> SubjectKind { Enterprise, IndividualBusiness, FarmerCooperative });
mirror_enum!(GqlTaxGrade as "TaxGrade" <=> TaxGrade { A, B, M, C, D });
mirror_enum!(GqlProductType as "ProductType" <=> ProductType { Credit, Mortgage, Pledge, Guarantee });
mirror_enum!(GqlAccessPurpose as "AccessPurpose" <=> AccessPurpose { LoanApplication, PostLoan });
mirror_enum!(GqlDataCategory as "DataCategory" <=> DataCategory {
    Registration, AdminLicensing, AdminPenalty, AbnormalOperation, SeriousDishonesty, Judicial, Honor, Commitment,
    Tax, SocialInsurance, HousingFund, Utilities, RealEstate,
});
mirror_enum!(GqlVerificationStatus as "VerificationStatus" <=> VerificationStatus { Pending, Verified, Rejected, Closed });
mirror_enum!(GqlProductStatus as "ProductStatus" <=> ProductStatus { Draft, Published, Suspended, Archived });
mirror_enum!(GqlRecordStatus as "RecordStatus" <=> RecordStatus { Active, Disputed, Repaired, Revoked });
mirror_enum!(GqlObjectionOutcome as "ObjectionOutcome" <=> ObjectionOutcome { Corrected, Upheld });
mirror_enum!(GqlDemandStatus as "DemandStatus" <=> DemandStatus {
    Open, InProgress, CreditGranted, Funded, Withdrawn, Expired, Unfunded,
});
mirror_enum!(GqlResponseStatus as "ResponseStatus" <=> ResponseStatus { Accepted, CreditGranted, Disbursed, Rejected, Superseded });
mirror_enum!(GqlIndicatorDimension as "IndicatorDimension" <=> IndicatorDimension { Region, Bank, Industry, Month });
mirror_enum!(GqlRejectReason as "RejectReason" <=> RejectReason {
    InsufficientCredit, InsufficientRepaymentCapacity, OutsideProductScope, IncompleteInformation, CustomerUnreachable,
    CustomerDeclined, Other,
});
mirror_enum!(
    /// What kind of file an import reads.
    GqlImportKind as "ImportKind" <=> ImportKind { Registry, Credit, Tax });
mirror_enum!(GqlRepaymentMethod as "RepaymentMethod" <=> RepaymentMethod { EqualInstallment, EqualPrincipal, InterestFirst });
mirror_enum!(GqlPreCreditBasis as "PreCreditBasis" <=> PreCreditBasis { TaxPaid, VatSales });
mirror_enum!(GqlRenewalKind as "RenewalKind" <=> RenewalKind { Renewal, Extension });
mirror_enum!(GqlRenewalStatus as "RenewalStatus" <=> RenewalStatus { Requested, Approved, Rejected, Withdrawn });
