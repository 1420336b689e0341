import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { ApiKey, STAFF_ROLES, StaffRole } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';

/** `pbk_<lookup id>_<secret>`: the lookup id finds the row, the secret is compared by hash. */
const KEY_FORMAT = /^pbk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface AuthenticatedStaff {
  keyId: string;
  name: string;
  role: StaffRole;
}

/** Which roles a role includes: admin may do all that finance may. */
const GRANTS: Record<StaffRole, StaffRole[]> = {
  admin: ['admin', 'finance'],
  finance: ['finance'],
};

export function roleAllows(role: StaffRole, required: StaffRole): boolean {
  return GRANTS[role].includes(required);
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

@Injectable()
export class ApiKeysService {
  constructor(private readonly keys: ApiKeysRepository) {}

  /** Creates a key; the returned `key` is shown once and cannot be recovered. */
  async create(name: string, role: string): Promise<{ apiKey: ApiKey; key: string }> {
    if (!STAFF_ROLES.includes(role as StaffRole)) {
      throw new DomainError('validation_failed', `role must be one of: ${STAFF_ROLES.join(', ')}`);
    }
    if (!name.trim() || name.length > 100) {
      throw new DomainError('validation_failed', 'name must be 1 to 100 characters');
    }
    const lookupId = randomBytes(9)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '0')
      .slice(0, 12);
    const secret = randomBytes(32).toString('base64url');
    const apiKey = await this.keys.create({
      name: name.trim(),
      role: role as StaffRole,
      lookupId,
      secretHash: hashSecret(secret),
    });
    return { apiKey, key: `pbk_${lookupId}_${secret}` };
  }

  list(): Promise<ApiKey[]> {
    return this.keys.list();
  }

  async revoke(idOrLookupId: string): Promise<void> {
    if (!(await this.keys.revoke(idOrLookupId))) {
      throw new DomainError('not_found', `No active API key ${idOrLookupId}`);
    }
  }

  /** The staff member of a key still active, by its id (a session made with it); else null. */
  async stillActive(keyId: string): Promise<AuthenticatedStaff | null> {
    const apiKey = await this.keys.findActiveById(keyId);
    return apiKey ? { keyId: apiKey.id, name: apiKey.name, role: apiKey.role } : null;
  }

  /** Returns the staff member a bearer key belongs to, or null for an unknown or revoked key. */
  async authenticate(presented: string): Promise<AuthenticatedStaff | null> {
    const match = KEY_FORMAT.exec(presented);
    if (!match) return null;
    const apiKey = await this.keys.findActiveByLookupId(match[1]);
    const expected = apiKey?.secretHash ?? Buffer.alloc(32);
    const matches = timingSafeEqual(hashSecret(match[2]), expected);
    if (!apiKey || !matches) return null;
    await this.keys.touch(apiKey.id);
    return { keyId: apiKey.id, name: apiKey.name, role: apiKey.role };
  }
}
