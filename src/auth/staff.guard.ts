import {
  CanActivate,
  ExecutionContext,
  Injectable,
  applyDecorators,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { Request } from 'express';
import { DomainError } from '../common/errors/domain-error';
import { StaffRole } from './api-key.entity';
import { ApiKeysService, AuthenticatedStaff, roleAllows } from './api-keys.service';

const REQUIRED_ROLE = Symbol('required-role');

export type StaffRequest = Request & { staff?: AuthenticatedStaff };

/** `Authorization: Bearer <key>`: no or unknown key → 401, a key without the role → 403. */
@Injectable()
export class StaffGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<StaffRole>(REQUIRED_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const req = context.switchToHttp().getRequest<StaffRequest>();
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    if (!bearer) {
      throw new DomainError('unauthenticated', 'Authorization: Bearer <API key> is required');
    }
    const staff = await this.apiKeys.authenticate(bearer);
    if (!staff) throw new DomainError('unauthenticated', 'The API key is unknown or revoked');
    if (!roleAllows(staff.role, required)) {
      throw new DomainError('forbidden', `This action needs the ${required} role`);
    }
    req.staff = staff;
    return true;
  }
}

/** Staff-only route or controller, for keys with `role` (admin includes finance). */
export const StaffOnly = (role: StaffRole) =>
  applyDecorators(
    SetMetadata(REQUIRED_ROLE, role),
    UseGuards(StaffGuard),
    ApiBearerAuth(),
    ApiErrors({
      401: 'No, unknown or revoked API key',
      403: `The key lacks the ${role} role (code: \`forbidden\`)`,
    }),
  );
