import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Donor, PostalAddress } from './donor.entity';

/** Trimmed and lower-cased: the one spelling of an address we store and look up. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class DonorsRepository {
  /**
   * Finds the donor by email or creates them, in the caller's transaction. A name or address
   * given now replaces the stored one (the latest receipt details win); absent ones are kept.
   */
  async upsertByEmail(
    em: EntityManager,
    donor: { email: string; name?: string | null; address?: PostalAddress | null },
  ): Promise<Donor> {
    const rows: Donor[] = await em.query(
      `INSERT INTO donors (email, name, address) VALUES ($1, $2, $3)
       ON CONFLICT (email) DO UPDATE
         SET name = COALESCE(EXCLUDED.name, donors.name),
             address = COALESCE(EXCLUDED.address, donors.address),
             updated_at = now()
       RETURNING id, email, name, address, stripe_customer_id AS "stripeCustomerId"`,
      [
        normaliseEmail(donor.email),
        donor.name ?? null,
        donor.address ? JSON.stringify(donor.address) : null,
      ],
    );
    return rows[0];
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
