/** A campaign straight into the database (as `POST /v1/admin/campaigns` would leave it). */
import { Client } from 'pg';

export async function insertCampaign(
  db: Client,
  slug: string,
  goal = { amount: 100_000_000_000, currency: 'usd' },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO campaigns (slug, title, description, goal_amount, goal_currency, currencies, status)
     VALUES ($1, $2, '', $3, $4::text, ARRAY[$4::text], 'active') RETURNING id`,
    [slug, `Benchmark campaign ${slug}`, goal.amount, goal.currency],
  );
  await db.query(`INSERT INTO campaign_progress (campaign_id) VALUES ($1)`, [rows[0].id]);
  return rows[0].id as string;
}
