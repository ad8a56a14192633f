//! 银行响应 (a bank's response to a financing demand) and the demand status it drives.
//!
//! ```text
//! bank response:  (none) ─accept→ ACCEPTED ─grant credit→ CREDIT_GRANTED ─disburse→ DISBURSED
//!                    └───────reject──────┴──────reject───────┘
//! demand:  OPEN → IN_PROGRESS (a bank accepted) → CREDIT_GRANTED → FUNDED (closed)
//!          OPEN/IN_PROGRESS/CREDIT_GRANTED → WITHDRAWN | EXPIRED | UNFUNDED (every responder rejected)
//! ```
//!
//! REJECTED and DISBURSED are final. Every illegal step is refused with a reason of code `ILLEGAL_TRANSITION`.

use xyd_reasons::Reason;

use crate::{DemandStatus, DomainError, ResponseStatus};

/// 同时受理上限: by default at most this many banks may hold (受理 or 授信) one demand at once.
pub const DEFAULT_MAX_HOLDERS: usize = 3;

/// Why a response in a final state cannot move any more.
fn final_state(current: ResponseStatus, action: &'static str) -> DomainError {
    match current {
        ResponseStatus::Rejected => DomainError::refused(Reason::ResponseRejected { action }),
        ResponseStatus::Superseded => DomainError::refused(Reason::ResponseSuperseded { action }),
        _ => DomainError::refused(Reason::ResponseDisbursed { action }),
    }
}

/// 受理: a bank with no response yet (`None`) accepts the demand → ACCEPTED.
///
/// Refused when the bank has already responded (accepted, granted, disbursed or rejected).
pub fn accept(current: Option<ResponseStatus>) -> Result<ResponseStatus, DomainError> {
    match current {
        None => Ok(ResponseStatus::Accepted),
        Some(ResponseStatus::Accepted | ResponseStatus::CreditGranted) => {
            Err(DomainError::refused(Reason::AlreadyAccepted))
        }
        Some(done) => Err(final_state(done, "受理")),
    }
}

/// 拒绝: a bank rejects the demand, before accepting it (`None`), after accepting it or after
/// granting credit → REJECTED. Refused once rejected or disbursed.
pub fn reject(current: Option<ResponseStatus>) -> Result<ResponseStatus, DomainError> {
    match current {
        None | Some(ResponseStatus::Accepted | ResponseStatus::CreditGranted) => Ok(ResponseStatus::Rejected),
        Some(ResponseStatus::Rejected) => Err(DomainError::refused(Reason::AlreadyRejected)),
        Some(ResponseStatus::Disbursed) => Err(DomainError::refused(Reason::RejectAfterDisbursement)),
        Some(ResponseStatus::Superseded) => Err(final_state(ResponseStatus::Superseded, "拒绝")),
    }
}

/// 授信: an ACCEPTED response gets a credit decision → CREDIT_GRANTED.
pub fn grant_credit(current: ResponseStatus) -> Result<ResponseStatus, DomainError> {
    match current {
        ResponseStatus::Accepted => Ok(ResponseStatus::CreditGranted),
        ResponseStatus::CreditGranted => Err(DomainError::refused(Reason::AlreadyGranted)),
        done => Err(final_state(done, "授信")),
    }
}

/// 放款: a CREDIT_GRANTED response is disbursed → DISBURSED (final).
pub fn disburse(current: ResponseStatus) -> Result<ResponseStatus, DomainError> {
    match current {
        ResponseStatus::CreditGranted => Ok(ResponseStatus::Disbursed),
        ResponseStatus::Accepted => Err(DomainError::refused(Reason::DisburseBeforeCredit)),
        ResponseStatus::Disbursed => Err(DomainError::refused(Reason::AlreadyDisbursed)),
        done @ (ResponseStatus::Rejected | ResponseStatus::Superseded) => Err(final_state(done, "放款")),
    }
}

/// 选定: the enterprise may choose only a CREDIT_GRANTED offer (its status stays CREDIT_GRANTED).
pub fn choose(current: ResponseStatus) -> Result<(), DomainError> {
    match current {
        ResponseStatus::CreditGranted => Ok(()),
        ResponseStatus::Accepted => Err(DomainError::refused(Reason::ChooseBeforeCredit)),
        done => Err(final_state(done, "选定")),
    }
}

/// 客户选定他行: when the enterprise chooses another bank's offer, the responses still holding the demand end as
/// REJECTED (客户放弃); `None` means the response stays as it is.
pub fn decline_for_other(current: ResponseStatus) -> Option<ResponseStatus> {
    matches!(current, ResponseStatus::Accepted | ResponseStatus::CreditGranted).then_some(ResponseStatus::Rejected)
}

/// 终止: when a demand closes, every response that still holds it ends as SUPERSEDED, except the lender's
/// (DISBURSED, already final). `None` means the response stays as it is.
pub fn supersede(current: ResponseStatus) -> Option<ResponseStatus> {
    holds(current).then_some(ResponseStatus::Superseded)
}

/// Whether a bank whose response is `status` holds (占用) the demand: ACCEPTED or CREDIT_GRANTED.
pub fn holds(status: ResponseStatus) -> bool {
    matches!(status, ResponseStatus::Accepted | ResponseStatus::CreditGranted)
}

/// How many of `responses` hold the demand (see [`holds`]).
pub fn holder_count(responses: &[ResponseStatus]) -> usize {
    responses.iter().filter(|&&r| holds(r)).count()
}

/// The statuses of an open demand: banks may respond, the enterprise may withdraw it, and it may expire.
pub const OPEN: [DemandStatus; 3] = [DemandStatus::Open, DemandStatus::InProgress, DemandStatus::CreditGranted];

/// The responses under which a bank reads what a demand shares: it holds the demand (ACCEPTED,
/// CREDIT_GRANTED) or lent on it (DISBURSED) — not once it declined or the demand closed under it.
pub const SHARING: [ResponseStatus; 3] =
    [ResponseStatus::Accepted, ResponseStatus::CreditGranted, ResponseStatus::Disbursed];

/// Whether a demand in `status` is still open (see [`OPEN`]).
pub fn is_open(status: DemandStatus) -> bool {
    OPEN.contains(&status)
}

/// Refuses any response to a demand that is no longer open (code `DEMAND_CLOSED`).
pub fn ensure_open(status: DemandStatus) -> Result<(), DomainError> {
    if is_open(status) { Ok(()) } else { Err(DomainError::refused(Reason::DemandClosed { status: status.label_zh() })) }
}

/// Refuses a new acceptance when `holders` banks already hold the demand and the limit is
/// `max_holders` (code `DEMAND_FULL`; the default limit is [`DEFAULT_MAX_HOLDERS`]).
pub fn ensure_capacity(holders: usize, max_holders: usize) -> Result<(), DomainError> {
    if holders < max_holders { Ok(()) } else { Err(DomainError::refused(Reason::DemandFull { holders, max_holders })) }
}

/// The demand status implied by its banks' `responses`, given its `current` status.
///
/// Final statuses (FUNDED, WITHDRAWN, EXPIRED, UNFUNDED) stay. Otherwise: any DISBURSED → FUNDED;
/// else any CREDIT_GRANTED → CREDIT_GRANTED; else any ACCEPTED → IN_PROGRESS; else OPEN — rejections
/// alone leave the demand open for other banks.
pub fn derive_status(current: DemandStatus, responses: &[ResponseStatus]) -> DemandStatus {
    if !is_open(current) {
        return current;
    }
    let any = |status: ResponseStatus| responses.contains(&status);
    if any(ResponseStatus::Disbursed) {
        DemandStatus::Funded
    } else if any(ResponseStatus::CreditGranted) {
        DemandStatus::CreditGranted
    } else if any(ResponseStatus::Accepted) {
        DemandStatus::InProgress
    } else {
        DemandStatus::Open
    }
}

/// The status an open demand takes when it reaches its expiry (到期): UNFUNDED (未获贷) when at least
/// one bank responded and every response is REJECTED, EXPIRED otherwise.
pub fn on_expiry(responses: &[ResponseStatus]) -> DemandStatus {
    if !responses.is_empty() && responses.iter().all(|&r| r == ResponseStatus::Rejected) {
        DemandStatus::Unfunded
    } else {
        DemandStatus::Expired
    }
}

/// 撤回: the enterprise withdraws its demand → WITHDRAWN; only while it is open.
pub fn withdraw(current: DemandStatus) -> Result<DemandStatus, DomainError> {
    if is_open(current) {
        Ok(DemandStatus::Withdrawn)
    } else {
        Err(DomainError::refused(Reason::WithdrawClosed { status: current.label_zh() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ResponseStatus::{Accepted, CreditGranted, Disbursed, Rejected};
    use proptest::prelude::*;

    #[test]
    fn happy_path() {
        let accepted = accept(None).unwrap();
        assert_eq!(accepted, Accepted);
        let granted = grant_credit(accepted).unwrap();
        assert_eq!(granted, CreditGranted);
        assert_eq!(disburse(granted).unwrap(), Disbursed);
    }

    #[test]
    fn a_closing_demand_supersedes_only_the_responses_that_hold_it() {
        assert_eq!(supersede(Accepted), Some(ResponseStatus::Superseded));
        assert_eq!(supersede(CreditGranted), Some(ResponseStatus::Superseded));
        assert_eq!(supersede(Disbursed), None);
        assert_eq!(supersede(Rejected), None);
        let superseded = ResponseStatus::Superseded;
        assert!(
            grant_credit(superseded).is_err() && disburse(superseded).is_err() && reject(Some(superseded)).is_err()
        );
        assert!(!holds(superseded));
    }

    #[test]
    fn reject_from_none_accepted_or_granted() {
        for from in [None, Some(Accepted), Some(CreditGranted)] {
            assert_eq!(reject(from).unwrap(), Rejected, "{from:?}");
        }
        for from in [Some(Rejected), Some(Disbursed)] {
            assert_eq!(reject(from).unwrap_err().code(), "ILLEGAL_TRANSITION", "{from:?}");
        }
    }

    #[test]
    fn illegal_transitions_explain_themselves() {
        let err = disburse(Accepted).unwrap_err();
        assert_eq!(err.code(), "ILLEGAL_TRANSITION");
        assert_eq!(err.to_string(), "须先授信才能放款");
        assert!(matches!(err, DomainError::Refused(_)));
        assert_eq!(accept(Some(Accepted)).unwrap_err().to_string(), "已受理该需求，不能重复受理");
        assert_eq!(accept(Some(Rejected)).unwrap_err().to_string(), "已拒绝该需求，不能再受理");
        assert_eq!(grant_credit(CreditGranted).unwrap_err().to_string(), "已授信，不能重复授信");
        assert_eq!(grant_credit(Disbursed).unwrap_err().to_string(), "已放款，业务已办结，不能再授信");
        assert_eq!(disburse(Disbursed).unwrap_err().to_string(), "已放款，不能重复放款");
        assert_eq!(disburse(Rejected).unwrap_err().to_string(), "已拒绝该需求，不能再放款");
    }

    #[test]
    fn holding_and_openness() {
        assert!(holds(Accepted) && holds(CreditGranted));
        assert!(!holds(Disbursed) && !holds(Rejected));
        assert_eq!(holder_count(&[Accepted, Rejected, CreditGranted, Disbursed]), 2);
        let open: Vec<_> = DemandStatus::ALL.iter().copied().filter(|&s| is_open(s)).collect();
        assert_eq!(open, [DemandStatus::Open, DemandStatus::InProgress, DemandStatus::CreditGranted]);
        assert!(ensure_open(DemandStatus::InProgress).is_ok());
        assert_eq!(ensure_open(DemandStatus::Funded).unwrap_err().code(), "DEMAND_CLOSED");
        assert!(ensure_capacity(2, DEFAULT_MAX_HOLDERS).is_ok());
        assert_eq!(ensure_capacity(3, DEFAULT_MAX_HOLDERS).unwrap_err().code(), "DEMAND_FULL");
    }

    #[test]
    fn derive_status_takes_the_furthest_response() {
        use DemandStatus as D;
        let cases: &[(&[ResponseStatus], DemandStatus)] = &[
            (&[], D::Open),
            (&[Rejected], D::Open),
            (&[Rejected, Accepted], D::InProgress),
            (&[Accepted, CreditGranted], D::CreditGranted),
            (&[Rejected, CreditGranted, Disbursed], D::Funded),
            (&[Disbursed], D::Funded),
        ];
        for &(responses, want) in cases {
            assert_eq!(derive_status(D::Open, responses), want, "{responses:?}");
            assert_eq!(derive_status(D::InProgress, responses), want, "{responses:?}");
        }
        // A bank that granted credit and then rejected leaves the demand open for others.
        assert_eq!(derive_status(D::CreditGranted, &[Rejected]), D::Open);
        for terminal in [D::Funded, D::Withdrawn, D::Expired, D::Unfunded] {
            assert_eq!(derive_status(terminal, &[Accepted]), terminal);
            assert_eq!(derive_status(terminal, &[]), terminal);
        }
    }

    #[test]
    fn expiry_is_unfunded_only_when_every_responder_rejected() {
        assert_eq!(on_expiry(&[]), DemandStatus::Expired);
        assert_eq!(on_expiry(&[Rejected]), DemandStatus::Unfunded);
        assert_eq!(on_expiry(&[Rejected, Rejected]), DemandStatus::Unfunded);
        assert_eq!(on_expiry(&[Rejected, Accepted]), DemandStatus::Expired);
        assert_eq!(on_expiry(&[CreditGranted]), DemandStatus::Expired);
    }

    #[test]
    fn withdraw_only_while_open() {
        for &status in DemandStatus::ALL {
            let result = withdraw(status);
            if is_open(status) {
                assert_eq!(result.unwrap(), DemandStatus::Withdrawn);
            } else {
                let err = result.unwrap_err();
                assert_eq!(err.code(), "ILLEGAL_TRANSITION");
                assert!(err.to_string().contains(status.label_zh()), "{err}");
            }
        }
    }

    #[derive(Debug, Clone, Copy)]
    enum Action {
        Accept,
        Reject,
        Grant,
        Disburse,
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![Just(Action::Accept), Just(Action::Reject), Just(Action::Grant), Just(Action::Disburse)]
    }

    /// Applies `action` to one bank's response; a step with no response yet only accepts or rejects.
    fn apply(current: Option<ResponseStatus>, action: Action) -> Result<ResponseStatus, DomainError> {
        match (action, current) {
            (Action::Accept, c) => accept(c),
            (Action::Reject, c) => reject(c),
            (Action::Grant, Some(c)) => grant_credit(c),
            (Action::Disburse, Some(c)) => disburse(c),
            (_, None) => Err(DomainError::refused(Reason::DisburseBeforeCredit)),
        }
    }

    proptest! {
        #[test]
        fn random_responses_never_reach_an_illegal_state(
            steps in prop::collection::vec((0usize..4, action()), 0..60),
            withdraw_at in prop::option::of(0usize..60),
        ) {
            let mut banks: [Option<ResponseStatus>; 4] = [None; 4];
            let mut demand = DemandStatus::Open;
            for (i, (bank, act)) in steps.into_iter().enumerate() {
                if withdraw_at == Some(i) && is_open(demand) {
                    demand = withdraw(demand).unwrap();
                }
                let before = banks[bank];
                match apply(before, act) {
                    Ok(after) => {
                        // Final states never move.
                        prop_assert!(!matches!(before, Some(Rejected | Disbursed)), "{before:?} moved");
                        // Only the drawn edges exist.
                        let legal = matches!(
                            (before, after),
                            (None, Accepted | Rejected)
                                | (Some(Accepted), CreditGranted | Rejected)
                                | (Some(CreditGranted), Disbursed | Rejected)
                        );
                        prop_assert!(legal, "{before:?} -> {after:?}");
                        banks[bank] = Some(after);
                    }
                    Err(err) => {
                        prop_assert_eq!(err.code(), "ILLEGAL_TRANSITION");
                        prop_assert_eq!(banks[bank], before);
                    }
                }
                let responses: Vec<_> = banks.iter().flatten().copied().collect();
                demand = derive_status(demand, &responses);
                if demand == DemandStatus::Withdrawn {
                    continue;
                }
                let disbursed = responses.contains(&Disbursed);
                prop_assert_eq!(demand == DemandStatus::Funded, disbursed, "{:?} {:?}", demand, responses);
                if !disbursed {
                    prop_assert_eq!(demand == DemandStatus::CreditGranted, responses.contains(&CreditGranted));
                    prop_assert_eq!(
                        demand == DemandStatus::InProgress,
                        !responses.contains(&CreditGranted) && responses.contains(&Accepted)
                    );
                }
            }
        }
    }
}
