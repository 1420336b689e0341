import {
  CanActivate,
  ExecutionContext,
  Injectable,
  applyDecorators,
  createParamDecorator,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { Request } from 'express';
import { DomainError } from '../common/errors/domain-error';
import { AuthenticatedDonor, DonorSessionsService } from './donor-sessions.service';

export type DonorRequest = Request & { donor?: AuthenticatedDonor };

/**
 * `Authorization: Bearer <donor access token>` from a sign-in link. No, unknown, expired or
 * signed-out token → 401; so is a staff API key (staff routes likewise refuse donor tokens).
 */
@Injectable()
export class DonorGuard implements CanActivate {
  constructor(private readonly sessions: DonorSessionsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<DonorRequest>();
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    if (!bearer) {
      throw new DomainError('unauthenticated', 'Authorization: Bearer <access token> is required');
    }
    const donor = await this.sessions.authenticate(bearer);
    if (!donor) {
      throw new DomainError(
        'unauthenticated',
        'The access token is unknown or expired: sign in again',
      );
    }
    req.donor = donor;
    return true;
  }
}

/** A route or controller for signed-in donors only. */
export const DonorOnly = () =>
  applyDecorators(
    UseGuards(DonorGuard),
    ApiBearerAuth(),
    ApiErrors({ 401: 'No, unknown, expired or signed-out access token' }),
  );

/** The signed-in donor, `{ donorId, sessionId }`, on a `@DonorOnly()` route. */
export const CurrentDonor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedDonor => {
    const donor = context.switchToHttp().getRequest<DonorRequest>().donor;
    // Only reachable when a route forgot @DonorOnly(): a bug, not a client error.
    if (!donor) throw new Error('@CurrentDonor() used on a route without @DonorOnly()');
    return donor;
  },
);
