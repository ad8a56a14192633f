-- Hand-written SQL for the same figures as indicators(regionCode: "440882", groupBy: REGION) over the event
-- tables only (no summary tables, no denormalized demand columns), for the benchmark's comparison.
-- psql -v from=YYYY-MM-DD -v to=YYYY-MM-DD -f bench/sql/indicators_by_town.sql
WITH p AS (
  SELECT (DATE :'from')::timestamp AT TIME ZONE 'Asia/Shanghai' AS s,
         (DATE :'to')::timestamp AT TIME ZONE 'Asia/Shanghai' AS e,
         LEAST((DATE :'to')::timestamp AT TIME ZONE 'Asia/Shanghai', now()) AS a,
         DATE :'to' AS to_day
), latest AS (
  SELECT substr(region_code, 1, 6) AS county, MAX(snapshot_date) AS d
  FROM registry_entries, p WHERE snapshot_date <= p.to_day AND region_code LIKE '440882%' GROUP BY 1
), existing AS (
  SELECT substr(r.region_code, 1, 9) AS k, COUNT(*) AS existing
  FROM registry_entries r JOIN latest l ON substr(r.region_code, 1, 6) = l.county AND r.snapshot_date = l.d
  WHERE r.status = 'ACTIVE' AND r.region_code LIKE '440882%' GROUP BY 1
), subj AS (
  SELECT substr(region_code, 1, 9) AS k, COUNT(*) FILTER (WHERE registered_at < p.e) AS registered,
         COUNT(*) FILTER (WHERE verified_at < p.e) AS verified
  FROM subjects, p WHERE region_code LIKE '440882%' GROUP BY 1
), firsts AS (
  SELECT demand_id, MIN(first_responded_at) AS f FROM bank_responses GROUP BY demand_id
), dem AS (
  SELECT substr(s.region_code, 1, 9) AS k, COUNT(*) AS posted, SUM(d.amount) AS amount,
         COUNT(*) FILTER (WHERE f.f < p.e) AS responded,
         COUNT(*) FILTER (WHERE f.f < p.e AND f.f <= d.first_response_due_at) AS within_sla,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM f.f - d.posted_at) / 3600)
           FILTER (WHERE f.f < p.e) AS median_hours
  FROM demands d JOIN subjects s ON s.id = d.subject_id LEFT JOIN firsts f ON f.demand_id = d.id, p
  WHERE d.posted_at >= p.s AND d.posted_at < p.e AND s.region_code LIKE '440882%' GROUP BY 1
), loans AS (
  SELECT substr(s.region_code, 1, 9) AS k,
         COUNT(*) FILTER (WHERE r.credit_granted_at >= p.s AND r.credit_granted_at < p.e) AS granted,
         SUM(r.credit_amount) FILTER (WHERE r.credit_granted_at >= p.s AND r.credit_granted_at < p.e) AS granted_amount,
         COUNT(*) FILTER (WHERE r.disbursed_at >= p.s AND r.disbursed_at < p.e) AS disbursed,
         SUM(r.disbursed_amount) FILTER (WHERE r.disbursed_at >= p.s AND r.disbursed_at < p.e) AS disbursed_amount,
         COUNT(DISTINCT d.subject_id) FILTER (WHERE r.disbursed_at >= p.s AND r.disbursed_at < p.e) AS loan_subjects,
         SUM(r.disbursed_amount) FILTER (WHERE r.disbursed_at >= p.s AND r.disbursed_at < p.e
                                         AND pr.product_type = 'CREDIT') AS credit_amount,
         COUNT(DISTINCT d.subject_id) FILTER (WHERE r.disbursed_at >= p.s AND r.disbursed_at < p.e
                                              AND r.first_loan) AS first_loan_subjects,
         COUNT(*) FILTER (WHERE r.disbursed_at >= p.s AND r.disbursed_at < p.e AND pr.tax_based) AS tax_count,
         SUM(r.disbursed_amount) FILTER (WHERE r.disbursed_at >= p.s AND r.disbursed_at < p.e AND pr.tax_based)
           AS tax_amount,
         SUM(r.disbursed_amount::numeric * r.credit_rate) FILTER (WHERE r.disbursed_at >= p.s AND r.disbursed_at < p.e)
           / NULLIF(SUM(r.disbursed_amount) FILTER (WHERE r.disbursed_at >= p.s AND r.disbursed_at < p.e
                                                    AND r.credit_rate IS NOT NULL), 0) AS rate_bp
  FROM bank_responses r JOIN demands d ON d.id = r.demand_id JOIN subjects s ON s.id = d.subject_id
       LEFT JOIN products pr ON pr.id = r.product_id, p
  WHERE ((r.credit_granted_at >= p.s AND r.credit_granted_at < p.e) OR (r.disbursed_at >= p.s AND r.disbursed_at < p.e))
    AND s.region_code LIKE '440882%' GROUP BY 1
), late AS (
  SELECT k, COUNT(*) AS overdue FROM (
    SELECT substr(s.region_code, 1, 9) AS k FROM demands d JOIN subjects s ON s.id = d.subject_id
      LEFT JOIN firsts f ON f.demand_id = d.id, p
    WHERE d.first_response_due_at >= p.s AND d.first_response_due_at < p.a AND s.region_code LIKE '440882%'
      AND (f.f IS NULL OR f.f > d.first_response_due_at)
      AND (d.closed_at IS NULL OR d.closed_at > d.first_response_due_at)
    UNION ALL
    SELECT substr(s.region_code, 1, 9) FROM bank_responses r JOIN demands d ON d.id = r.demand_id
      JOIN subjects s ON s.id = d.subject_id, p
    WHERE r.credit_due_at >= p.s AND r.credit_due_at < p.a AND s.region_code LIKE '440882%'
      AND (r.credit_granted_at IS NULL OR r.credit_granted_at > r.credit_due_at)
      AND (r.rejected_at IS NULL OR r.rejected_at > r.credit_due_at)
      AND (d.closed_at IS NULL OR d.closed_at > r.credit_due_at)
  ) x GROUP BY k
), obj AS (
  SELECT substr(s.region_code, 1, 9) AS k,
         COUNT(*) FILTER (WHERE o.resolved_at IS NULL OR o.resolved_at >= p.a) AS open,
         COUNT(*) FILTER (WHERE (o.resolved_at IS NULL OR o.resolved_at >= p.a) AND o.due_at < p.a) AS overdue
  FROM objections o JOIN subjects s ON s.id = o.subject_id, p
  WHERE o.filed_at < p.a AND s.region_code LIKE '440882%' GROUP BY 1
)
SELECT k, existing, registered, verified, posted, amount, responded, within_sla, round(median_hours::numeric, 2) AS median_hours,
       granted, granted_amount, disbursed, disbursed_amount, loan_subjects, credit_amount, first_loan_subjects,
       tax_count, tax_amount, round(rate_bp) AS rate_bp, late.overdue AS overdue_responses, obj.open, obj.overdue
FROM existing FULL JOIN subj USING (k) FULL JOIN dem USING (k) FULL JOIN loans USING (k) FULL JOIN late USING (k)
     FULL JOIN obj USING (k)
ORDER BY k;
