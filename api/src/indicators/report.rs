//! The indicator report use case: who may ask for which region, how the period and breakdown are read,
//! and the labelled rows.

use chrono::{DateTime, NaiveDate, Utc};
use xyd_divisions::Divisions;
use xyd_domain::indicators::{Counts, DEFINITIONS_VERSION, DEFINITIONS_VERSIONS, Grouping, Period};
use xyd_domain::{IndicatorDimension, InstitutionId, RegionPrefix};
use xyd_reasons::Reason;

use super::registry_quality;
use super::snapshot::Snapshot;
use super::sql::{self, Key, Whole, Window};
use crate::auth::Principal;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::institutions::{InstitutionRepo, Scope};
use crate::state::AppState;

/// What is asked for, as it arrives at the edge.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Region code prefix; the caller's whole jurisdiction when absent.
    pub region: Option<String>,
    pub group_by: Option<IndicatorDimension>,
    /// "v1", "v2" or "v3"; the latest when absent.
    pub definitions_version: Option<String>,
    /// Whether to count the subjects by tax grade (`taxGrades`): a pass over every subject's tax years, run only
    /// when asked for.
    pub tax_grades: bool,
}

/// One labelled row (or the totals).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Region code, bank id, section letter, `YYYY-MM`, or `TOTAL`.
    pub key: String,
    pub label: String,
    pub counts: Counts,
}

/// A computed report.
#[derive(Debug, Clone)]
pub struct Report {
    pub period: Period,
    pub region: Option<RegionPrefix>,
    pub group_by: Option<IndicatorDimension>,
    /// The definitions the figures follow.
    pub definitions_version: &'static str,
    pub totals: Row,
    pub rows: Vec<Row>,
    /// 重错码率 of the latest registry import into the region (not bound to the period).
    pub erroneous_code_rate: Option<f64>,
    /// Every transaction committed before this time is counted (the report may read a standby that is behind);
    /// none when the standby cannot tell.
    pub as_of: Option<DateTime<Utc>>,
}

/// The report for a BUREAU (inside its jurisdiction) or the ADMIN (anywhere); FORBIDDEN for others.
///
/// Who may ask is read on the primary, the figures where `Db::reports` points: an institution disabled or a
/// jurisdiction changed a moment ago must bind at once, and a standby that has not replayed that change yet
/// must not grant what the primary already took away.
pub async fn for_principal(state: &AppState, principal: &Principal, request: ReportRequest) -> AppResult<Report> {
    let scope = Scope::of_official(state.db.conn(), principal).await?;
    compute(&state.db, &scope, request).await
}

/// The report within `scope` (the CLI passes [`Scope::All`]), read in one snapshot.
pub async fn compute(db: &Db, scope: &Scope, request: ReportRequest) -> AppResult<Report> {
    let snapshot = Snapshot::open(db).await?;
    let report = compute_in(&snapshot, scope, request).await?;
    snapshot.close().await?;
    Ok(report)
}

/// A request checked against the caller's `scope`: its period, region and definitions.
pub struct Plan {
    pub period: Period,
    pub region: Option<RegionPrefix>,
    pub definitions_version: &'static str,
}

impl Plan {
    /// BAD_USER_INPUT for a malformed period, region or version; FORBIDDEN for a region outside `scope`.
    pub fn of(scope: &Scope, request: &ReportRequest) -> AppResult<Self> {
        let period = Period::new(request.from, request.to).map_err(AppError::from)?;
        let region = match request.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => Some(xyd_divisions::parse_area(r).map_err(|e| AppError::from(e).at("regionCode"))?),
            None => scope.prefix().cloned(),
        };
        if let (Scope::Within(jurisdiction), Some(asked)) = (scope, &region)
            && !jurisdiction.contains_prefix(asked)
        {
            return Err(AppError::forbidden("统计地区超出本部门辖区"));
        }
        let definitions_version = match request.definitions_version.as_deref().map(str::trim) {
            None => DEFINITIONS_VERSION,
            Some(v) => DEFINITIONS_VERSIONS.into_iter().find(|known| *known == v).ok_or_else(|| {
                AppError::input(
                    "input.definitionsVersion",
                    Reason::UnknownDefinitionsVersion { versions: DEFINITIONS_VERSIONS.join(" 或 ") },
                )
            })?,
        };
        Ok(Self { period, region, definitions_version })
    }
}

/// The report within `scope`, read in `snapshot`.
async fn compute_in(snapshot: &Snapshot, scope: &Scope, request: ReportRequest) -> AppResult<Report> {
    let Plan { period, region, definitions_version } = Plan::of(scope, &request)?;
    let grouping = Grouping::resolve(request.group_by, region.as_ref()).map_err(AppError::from)?;
    let now = Utc::now();
    let tax_grades = request.tax_grades;
    let window = |p: &Period| Window { tax_grades, ..Window::new(p, region.as_ref(), now) };
    let totals = || async { Ok::<_, AppError>(total(sql::totals(snapshot, &window(&period)).await?)) };
    let (totals, rows) = match grouping {
        Grouping::None => (totals().await?, Vec::new()),
        Grouping::Month => {
            let mut rows = Vec::new();
            for month in period.months() {
                let counts = sql::totals(snapshot, &window(&month)).await?;
                rows.push(Row { key: month.month_key(), label: month.month_label(), counts });
            }
            (totals().await?, rows)
        }
        Grouping::Region { len } => partition(snapshot, &window(&period), Key::Region(len)).await?,
        Grouping::Industry => partition(snapshot, &window(&period), Key::Section).await?,
        Grouping::Bank => {
            let (totals, mut rows) = banks(snapshot, totals(), &window(&period)).await?;
            label_banks(snapshot, &mut rows).await?;
            (totals, rows)
        }
    };
    let erroneous_code_rate = registry_quality::latest_erroneous_code_rate(snapshot.lane(0), region.as_ref()).await?;
    let as_of = snapshot.as_of();
    Ok(Report {
        period,
        region,
        group_by: request.group_by,
        definitions_version,
        totals,
        rows,
        erroneous_code_rate,
        as_of,
    })
}

/// Rows that partition the subjects (regions, sections): the totals are their sum, plus the overall median.
async fn partition(snapshot: &Snapshot, window: &Window, key: Key) -> AppResult<(Row, Vec<Row>)> {
    let mut rows = sql::aggregate(snapshot, window, key, Whole::Median).await?;
    let median = rows.remove(sql::WHOLE).and_then(|whole| whole.median_response_hours);
    let mut counts = Counts::sum_of_partition(rows.values());
    counts.median_response_hours = median;
    Ok((total(counts), labelled(key, rows)))
}

fn labelled(key: Key, rows: sql::Rows) -> Vec<Row> {
    rows.into_iter().map(|(k, counts)| Row { label: label_of(key, &k), key: k, counts }).collect()
}

/// Bank rows do not partition the subjects: the totals are their own pass.
async fn banks(
    snapshot: &Snapshot,
    totals: impl Future<Output = AppResult<Row>>,
    window: &Window,
) -> AppResult<(Row, Vec<Row>)> {
    tokio::try_join!(totals, bank_rows(snapshot, window))
}

/// A row per bank (keyed by its id, not yet labelled with its name).
pub async fn bank_rows(snapshot: &Snapshot, window: &Window) -> AppResult<Vec<Row>> {
    Ok(labelled(Key::Bank, sql::aggregate(snapshot, window, Key::Bank, Whole::Nothing).await?))
}

fn total(counts: Counts) -> Row {
    Row { key: "TOTAL".to_string(), label: "合计".to_string(), counts }
}

fn label_of(key: Key, k: &str) -> String {
    match key {
        Key::Region(_) => Divisions::embedded().get(k).map_or_else(|| k.to_string(), |d| d.name().to_string()),
        Key::Section => match k.chars().next().and_then(xyd_domain::industry::section_name) {
            Some(name) => format!("{k} {name}"),
            None => "未填行业".to_string(),
        },
        _ => k.to_string(),
    }
}

/// Bank rows are labelled with the bank's name, and ordered by it.
async fn label_banks(snapshot: &Snapshot, rows: &mut [Row]) -> AppResult<()> {
    let ids: Vec<InstitutionId> = rows.iter().filter_map(|r| r.key.parse().ok()).collect();
    // Inside the snapshot: a report holding its lanes never waits for another pool connection.
    let banks = InstitutionRepo::find_many(snapshot.lane(0), ids).await?;
    for row in rows.iter_mut() {
        if let Some(bank) = row.key.parse().ok().and_then(|id: InstitutionId| banks.get(&id)) {
            row.label = bank.name.clone();
        }
    }
    rows.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(())
}
