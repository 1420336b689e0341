import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Donor } from './donor.entity';

/** Trimmed and lower-cased: the one spelling of an address we store and look up. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class DonorsRepository {
  /**
   * The donor with this email, created (with the email only) when there is none, in the
   * caller's transaction. An existing donor is never written: who gave, under which name and
   * address, belongs to each gift, and a request from anyone who knows an email must not
   * change what is stored about that donor or their earlier gifts.
   */
  async findOrCreateByEmail(em: EntityManager, rawEmail: string): Promise<{ id: string }> {
    const email = normaliseEmail(rawEmail);
    // A concurrent insert of the same email makes ours do nothing, and may not be visible to
    // this statement's snapshot yet: the next statement sees it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const rows: { id: string }[] = await em.query(
        `WITH created AS (
           INSERT INTO donors (email) VALUES ($1) ON CONFLICT (email) DO NOTHING RETURNING id
         )
         SELECT id FROM created UNION ALL SELECT id FROM donors WHERE email = $1 LIMIT 1`,
        [email],
      );
      if (rows[0]) return rows[0];
    }
    throw new Error('donor neither found nor created');
  }

  findById(em: EntityManager, id: string): Promise<Donor | null> {
    return em.findOne(Donor, { where: { id } });
  }

  /** Records the donor's Stripe Customer; the first one recorded wins a race. Returns it. */
  async setStripeCustomer(em: EntityManager, id: string, customerId: string): Promise<string> {
    // TypeORM's postgres driver answers a raw UPDATE with [rows, affected count].
    const [rows]: [{ stripe_customer_id: string }[], number] = await em.query(
      `UPDATE donors SET stripe_customer_id = coalesce(stripe_customer_id, $2), updated_at = now()
        WHERE id = $1 RETURNING stripe_customer_id`,
      [id, customerId],
    );
    return rows[0].stripe_customer_id;
  }
}
