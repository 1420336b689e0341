/** Campaign progress as SQL, shared by the ledger's writes and reads and by reports. */

/**
 * The progress sums, as SQL over ledger rows `e` joined to their campaign `c`: used both to
 * add new entries to the totals and to recompute them from scratch, so the two cannot differ.
 */
export const PROGRESS_RAISED = `CASE WHEN e.kind IN ('charge', 'refund', 'refund_reversal', 'dispute') THEN
    CASE WHEN e.currency = c.goal_currency THEN e.amount
         WHEN e.settled_currency = c.goal_currency THEN e.settled_amount ELSE 0 END
  ELSE 0 END`;
export const PROGRESS_FEES = `CASE WHEN e.kind IN ('fee', 'dispute_fee') AND e.settled_currency = c.goal_currency
  THEN -e.settled_amount ELSE 0 END`;

/**
 * Each campaign's progress now, as a derived table (campaign_id, slug, raised, fees,
 * donation_count, donor_count): its folded totals plus its entries still pending. A filter on
 * campaign_id or slug outside is pushed down to the primary key or the slug's index.
 */
export const PROGRESS_NOW = `
  SELECT p.campaign_id, c.slug, p.raised + q.raised AS raised, p.fees + q.fees AS fees,
         p.donation_count + q.donation_count AS donation_count, p.donor_count + q.donor_count AS donor_count
    FROM campaign_progress p JOIN campaigns c ON c.id = p.campaign_id
   CROSS JOIN LATERAL (
     SELECT coalesce(sum(${PROGRESS_RAISED}), 0) AS raised, coalesce(sum(${PROGRESS_FEES}), 0) AS fees,
            count(*) FILTER (WHERE e.kind = 'charge') AS donation_count,
            coalesce(sum(u.new_donors), 0) AS donor_count
       FROM ledger_unfolded u JOIN ledger_entries e ON e.id = u.entry_id
      WHERE u.campaign_id = p.campaign_id) q`;
