import { serializeError } from '../common/errors/describe-error';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Environment } from '../common/config/environment';
import { DomainError } from '../common/errors/domain-error';
import { normaliseEmail } from '../common/validation/email';
import { MailService } from '../mail/mail.service';
import { simpleEmail } from '../mail/templates';
import { DonorEmailChangesRepository } from './donor-email-changes.repository';
import { DonorSessionsRepository } from './donor-sessions.repository';
import { SignInRateLimitService } from './sign-in-rate-limit.service';

/** How long a sign-in link works. */
export const SIGN_IN_TOKEN_TTL_MINUTES = 15;
/** The same answer for every address, known or not. */
export const SIGN_IN_REQUESTED_MESSAGE =
  'If this address has given to or signed for a campaign, a sign-in link is on its way.';
export const INVALID_SIGN_IN_LINK = 'The sign-in link is invalid, used or expired';

/** Sign-in tokens are 32 random bytes, base64url; access tokens the same behind `dst_`. */
const SIGN_IN_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const ACCESS_TOKEN = /^dst_[A-Za-z0-9_-]{43}$/;

export interface AuthenticatedDonor {
  donorId: string;
  sessionId: string;
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Donors have no accounts: they ask for a single-use link by email, and following it gives a
 * short-lived bearer session. Only hashes of links and sessions are stored.
 */
@Injectable()
export class DonorSessionsService {
  private readonly logger = new Logger(DonorSessionsService.name);

  constructor(
    private readonly env: Environment,
    private readonly sessions: DonorSessionsRepository,
    private readonly mail: MailService,
    private readonly rateLimit: SignInRateLimitService,
    private readonly emailChanges: DonorEmailChangesRepository,
  ) {}

  /** Counts a sign-in request from this client: 429 past its hourly limit, whatever the address. */
  checkClient(clientIp: string | undefined): Promise<void> {
    return this.rateLimit.hitClient(clientIp);
  }

  /**
   * Emails a sign-in link when the address belongs to a donor who has given or confirmed a signature (and was not
   * erased); does nothing otherwise. Called once the caller's answer has gone out, so nothing
   * done here (lookups, the per-address limit, the outbox) shows in the answer or its timing.
   * Never throws: a failure is logged by its class only (a message could quote the address).
   * A new link makes the donor's older unused ones invalid.
   */
  async sendSignInLink(rawEmail: string): Promise<void> {
    try {
      const email = normaliseEmail(rawEmail);
      if (!(await this.rateLimit.hitAddress(email))) return;
      const donor = await this.sessions.findSignInDonor(email);
      if (!donor) return;
      const token = newSecret();
      const emailId = await this.sessions.transaction(async (em) => {
        await this.sessions.deleteUnusedSignInTokens(em, donor.id);
        const tokenId = await this.sessions.insertSignInToken(
          em,
          donor.id,
          hashToken(token),
          SIGN_IN_TOKEN_TTL_MINUTES * 60,
        );
        const body = this.signInEmail(token);
        return this.mail.add(em, {
          dedupeKey: `sign-in:${tokenId}`,
          kind: 'sign-in',
          donorId: donor.id,
          toAddress: email,
          subject: body.subject,
          textBody: body.text,
          htmlBody: body.html,
          purgeAfterSend: true,
        });
      });
      await this.mail.enqueue([emailId]);
    } catch (error) {
      this.logger.error({ err: serializeError(error) }, 'sign-in link not sent');
    }
  }

  /** Uses a sign-in token (once) and opens a session; 401 for an unknown, used or expired one. */
  async verify(token: string): Promise<{ accessToken: string; expiresAt: Date }> {
    const donorId = SIGN_IN_TOKEN.test(token)
      ? await this.sessions.consumeSignInToken(hashToken(token))
      : null;
    if (!donorId) throw new DomainError('unauthenticated', INVALID_SIGN_IN_LINK);
    const accessToken = `dst_${newSecret()}`;
    const session = await this.sessions.insertSession(
      donorId,
      hashToken(accessToken),
      this.env.DONOR_SESSION_TTL_MINUTES,
    );
    return { accessToken, expiresAt: session.expiresAt };
  }

  /** The donor a bearer access token belongs to, or null (unknown, expired, signed out, erased). */
  async authenticate(presented: string): Promise<AuthenticatedDonor | null> {
    if (!ACCESS_TOKEN.test(presented)) return null;
    const tokenHash = hashToken(presented);
    const session = await this.sessions.findActiveSession(tokenHash);
    if (!session || !timingSafeEqual(tokenHash, session.tokenHash)) return null;
    return { donorId: session.donorId, sessionId: session.id };
  }

  signOut(sessionId: string): Promise<void> {
    return this.sessions.revokeSession(sessionId);
  }

  /**
   * Signs the donor out everywhere: every session revoked, every unused sign-in link void, and
   * a pending email change's link too (one asked for with a stolen session).
   */
  signOutEverywhere(donorId: string): Promise<number> {
    return this.sessions.transaction(async (em) => {
      await this.sessions.deleteUnusedSignInTokens(em, donorId);
      await this.emailChanges.deleteAllOf(em, donorId);
      return this.sessions.revokeAllSessions(em, donorId);
    });
  }

  /**
   * Donor erasure, in the caller's transaction: the donor's sessions, sign-in links and email
   * changes (with the address asked for) are deleted, not just revoked. Returns how many of
   * each there were.
   */
  async forgetDonor(
    em: EntityManager,
    donorId: string,
  ): Promise<{ sessions: number; signInTokens: number; emailChanges: number }> {
    return {
      ...(await this.sessions.deleteAllOf(em, donorId)),
      emailChanges: await this.emailChanges.deleteAllOf(em, donorId),
    };
  }

  /** Greets without a name: the donor row carries none reliably (each gift keeps its own). */
  private signInEmail(token: string) {
    const base = this.env.PUBLIC_BASE_URL.replace(/\/+$/, '');
    // A fragment never reaches a server: a mail scanner that opens the link cannot use it.
    const url = `${base}/donor/sign-in#token=${token}`;
    const organisation = this.env.ORGANIZATION_NAME;
    return simpleEmail({
      subject: `Your sign-in link for ${organisation}`,
      paragraphs: [
        `Someone, hopefully you, asked to sign in to see your gifts and signatures for ${organisation}.`,
        `The link below works once, for ${SIGN_IN_TOKEN_TTL_MINUTES} minutes. If you did not ask for it, you can ignore this email: nobody can sign in without the link.`,
      ],
      action: { label: 'Sign in', url },
      organisation,
    });
  }
}
