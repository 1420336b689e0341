import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError, invalidField } from '../common/errors/domain-error';
import { isUuid } from '../common/validation/is-uuid';
import { DonorEmailChangesService } from '../donor-auth/donor-email-changes.service';
import { DonorProfile, DonorsService, ReceiptIdentity } from '../donors/donors.service';
import { PledgesService } from '../pledges/pledges.service';
import {
  AdminDonorView,
  DonorProfileView,
  ReceiptIdentityDto,
  UpdateDonorProfileDto,
} from './donor-profile.dto';
import { DonorPrivacyRepository } from './donor-privacy.repository';

/** The fields of the body that were sent (null included): those change, the others stay. */
function identityOf(dto: ReceiptIdentityDto): ReceiptIdentity {
  const identity: ReceiptIdentity = {};
  if (dto.name !== undefined) identity.name = dto.name;
  if (dto.address !== undefined) identity.address = dto.address && { ...dto.address };
  return identity;
}

/**
 * A donor's right to correct what is held about them: the name and address for receipts (the
 * donor, signed in, or staff) and the email (the donor only, confirmed by the new address).
 *
 * The name and address go on the donor row and on their pledges that can still bill, whose
 * later installments (and so their receipts) carry them. Nothing already recorded changes: a
 * receipt is made from its own gift's name and address, and a one-off gift still pending keeps
 * the name it was given with (that request named it; it is not the profile's).
 */
@Injectable()
export class DonorProfileService {
  constructor(
    private readonly records: DonorPrivacyRepository,
    private readonly donors: DonorsService,
    private readonly pledges: PledgesService,
    private readonly emailChanges: DonorEmailChangesService,
  ) {}

  async get(donorId: string): Promise<DonorProfileView> {
    const profile = await this.donors.profile(donorId);
    // The guard let a session of a donor not erased through: gone since, as if signed out.
    if (!profile?.email || profile.erasedAt) {
      throw new DomainError(
        'unauthenticated',
        'The access token is unknown or expired: sign in again',
      );
    }
    const pending = await this.emailChanges.pending(donorId);
    return {
      email: profile.email,
      name: profile.name,
      address: profile.address,
      pendingEmail: pending?.email ?? null,
      pendingEmailExpiresAt: pending?.expiresAt.toISOString() ?? null,
    };
  }

  /**
   * The signed-in donor changes their receipt name and address at once, and asks for an email
   * change (mailed to the new address), in one transaction: a refused email (the same address,
   * too many requests) changes nothing.
   */
  async update(donorId: string, dto: UpdateDonorProfileDto): Promise<DonorProfileView> {
    const identity = identityOf(dto);
    if (!Object.keys(identity).length && dto.email === undefined) {
      throw invalidField('name', 'required', 'send name, address, email or several of them');
    }
    const emailChange =
      dto.email === undefined ? null : await this.emailChanges.check(donorId, dto.email);
    const emailId = await this.records.transaction(async (em) => {
      await this.setIdentity(em, donorId, identity);
      return emailChange ? this.emailChanges.record(em, emailChange) : null;
    });
    await this.emailChanges.enqueue([emailId]);
    return this.get(donorId);
  }

  /** Staff's view of a donor, to correct it. */
  async adminGet(id: string): Promise<AdminDonorView> {
    return adminView(await this.found(id));
  }

  /** Staff correct a donor's receipt name and address; 409 for an erased donor. */
  async adminUpdate(id: string, dto: ReceiptIdentityDto): Promise<AdminDonorView> {
    const identity = identityOf(dto);
    if (!Object.keys(identity).length) {
      throw invalidField('name', 'required', 'send name, address or both');
    }
    const before = await this.found(id);
    if (before.erasedAt) throw new DomainError('conflict', `Donor ${id} is erased`);
    await this.records.transaction((em) => this.setIdentity(em, id, identity));
    return adminView(await this.found(id));
  }

  private async setIdentity(
    em: EntityManager,
    donorId: string,
    identity: ReceiptIdentity,
  ): Promise<void> {
    if (!Object.keys(identity).length) return;
    // Under the donor's lock: an erasure waits, or has happened (then nothing is written).
    const donor = await this.donors.lock(em, donorId);
    if (!donor || donor.erasedAt) throw new DomainError('conflict', `Donor ${donorId} is erased`);
    await this.donors.setReceiptIdentity(em, donorId, identity);
    await this.pledges.useDonorIdentity(em, donorId, identity);
  }

  private async found(id: string): Promise<DonorProfile> {
    const profile = isUuid(id) ? await this.donors.profile(id) : null;
    if (!profile) throw new DomainError('not_found', `No donor ${id}`);
    return profile;
  }
}

function adminView(p: DonorProfile): AdminDonorView {
  return {
    id: p.id,
    email: p.email,
    name: p.name,
    address: p.address,
    erasedAt: p.erasedAt?.toISOString() ?? null,
  };
}
