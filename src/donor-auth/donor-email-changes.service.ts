import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Environment } from '../common/config/environment';
import { DomainError, invalidField } from '../common/errors/domain-error';
import { normaliseEmail } from '../common/validation/email';
import { DonorsService } from '../donors/donors.service';
import { MailService } from '../mail/mail.service';
import { simpleEmail } from '../mail/templates';
import { DonorEmailChangesRepository } from './donor-email-changes.repository';
import { DonorSessionsRepository } from './donor-sessions.repository';
import { SignInRateLimitService } from './sign-in-rate-limit.service';

/** How long an email change's confirmation link works. */
export const EMAIL_CHANGE_TTL_MINUTES = 60;
export const INVALID_EMAIL_CHANGE_LINK =
  'The email change link is invalid, used, replaced by a newer one or expired';
export const EMAIL_CHANGE_LINK_KIND = 'email-change';
export const EMAIL_CHANGED_NOTICE_KIND = 'email-changed';

/** Tokens are 32 random bytes, base64url, like sign-in tokens. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * An address shown to its former owner without giving it away: the first letter of its name
 * and of its domain, and the domain's ending (`n***@e***.org`).
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const ending = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***${ending}`;
}

/** An email change checked and ready to record. */
export interface EmailChangeRequest {
  donorId: string;
  /** Normalised. */
  email: string;
  /** False past the address's hourly limit of mails: recorded, but no link goes out. */
  mail: boolean;
}

/**
 * A signed-in donor changes their email: the new address gets a single-use link, and only
 * following it (a POST with its token) replaces the old address, which is then told. Only the
 * token's hash is stored. What the requester sees never depends on whether the new address
 * belongs to another donor: the one who owns it finds out on confirming, and nothing changes.
 */
@Injectable()
export class DonorEmailChangesService {
  private readonly logger = new Logger(DonorEmailChangesService.name);

  constructor(
    private readonly env: Environment,
    private readonly changes: DonorEmailChangesRepository,
    private readonly sessions: DonorSessionsRepository,
    private readonly donors: DonorsService,
    private readonly mail: MailService,
    private readonly rateLimit: SignInRateLimitService,
  ) {}

  /**
   * Checks a change before anything is written: 400 when it is the donor's address already,
   * 429 past the donor's hourly limit. The new address's own limit (shared with sign-in links)
   * is counted here too, silently.
   */
  async check(donorId: string, rawEmail: string): Promise<EmailChangeRequest> {
    const email = normaliseEmail(rawEmail);
    const current = (await this.donors.profile(donorId))?.email;
    if (current === email) {
      throw invalidField('email', 'unchanged', 'email is already your email address');
    }
    await this.rateLimit.hitEmailChange(donorId);
    return { donorId, email, mail: await this.rateLimit.hitAddress(email) };
  }

  /**
   * Records the change in the caller's transaction, voiding the donor's earlier pending one,
   * and puts the link's email in the outbox; returns the email's id for `enqueueAfterCommit`.
   */
  async record(em: EntityManager, request: EmailChangeRequest): Promise<string | null> {
    const token = randomBytes(32).toString('base64url');
    const changeId = await this.changes.replacePending(
      em,
      request.donorId,
      request.email,
      hashToken(token),
      EMAIL_CHANGE_TTL_MINUTES * 60,
    );
    if (!request.mail) {
      this.logger.warn({ donorId: request.donorId }, 'email change link not sent: address limit');
      return null;
    }
    const body = this.linkEmail(token);
    return this.mail.add(em, {
      dedupeKey: `${EMAIL_CHANGE_LINK_KIND}:${changeId}`,
      kind: EMAIL_CHANGE_LINK_KIND,
      donorId: request.donorId,
      toAddress: request.email,
      subject: body.subject,
      textBody: body.text,
      htmlBody: body.html,
      purgeAfterSend: true,
    });
  }

  /** Sends what `record` or `confirm` put in the outbox, once their transaction committed. */
  enqueue(emailIds: (string | null)[]): Promise<void> {
    return this.mail.enqueue(emailIds);
  }

  /** The donor's pending change, while its link works. */
  async pending(donorId: string): Promise<{ email: string; expiresAt: Date } | null> {
    const found = await this.changes.pending(donorId);
    return found && { email: found.newEmail, expiresAt: found.expiresAt };
  }

  /**
   * Uses a link (once): the donor's email becomes the new address, their unused sign-in links
   * (sent to the old one) stop working, every session of theirs ends, and the old address is
   * told, the new one masked. 400 `invalid_token` for an unknown, used, replaced or expired
   * link, or a donor erased since; 409 `email_taken` when another donor row has the address by
   * now (the link is used up, and nothing changes: the two are not merged).
   */
  async confirm(token: string): Promise<{ email: string }> {
    const outcome = TOKEN.test(token)
      ? await this.changes.transaction(async (em) => {
          const change = await this.changes.consume(em, hashToken(token));
          if (!change) return null;
          const donor = await this.donors.lock(em, change.donorId);
          if (!donor || donor.erasedAt || !donor.email) return null;
          if ((await this.donors.replaceEmail(em, donor.id, change.newEmail)) === 'taken')
            return { taken: true as const };
          await this.changes.deleteAllOf(em, donor.id);
          await this.sessions.deleteUnusedSignInTokens(em, donor.id);
          await this.sessions.revokeAllSessions(em, donor.id);
          const notice = this.changedNotice(change.newEmail);
          const emailId = await this.mail.add(em, {
            dedupeKey: `${EMAIL_CHANGED_NOTICE_KIND}:${change.id}`,
            kind: EMAIL_CHANGED_NOTICE_KIND,
            donorId: donor.id,
            toAddress: donor.email,
            subject: notice.subject,
            textBody: notice.text,
            htmlBody: notice.html,
          });
          return { taken: false as const, donorId: donor.id, email: change.newEmail, emailId };
        })
      : null;
    if (!outcome) throw new DomainError('invalid_token', INVALID_EMAIL_CHANGE_LINK);
    if (outcome.taken) {
      throw new DomainError(
        'email_taken',
        'Another donor record already uses this email address, so nothing was changed: sign in with this address to see its gifts',
      );
    }
    await this.mail.enqueue([outcome.emailId]);
    this.logger.log({ donorId: outcome.donorId }, 'donor email changed');
    return { email: outcome.email };
  }

  private get base(): string {
    return this.env.PUBLIC_BASE_URL.replace(/\/+$/, '');
  }

  private linkEmail(token: string) {
    // A fragment never reaches a server: a mail scanner that opens the link cannot use it, and
    // the page uses the token only when its button is pressed.
    const url = `${this.base}/donor/email#token=${token}`;
    const organisation = this.env.ORGANIZATION_NAME;
    return simpleEmail({
      subject: `Confirm your new email address for ${organisation}`,
      paragraphs: [
        `Someone signed in to their donor page at ${organisation} asked to use this address from now on: their receipts and sign-in links would come here.`,
        `If that was you, confirm with the button below. The link works once, for ${EMAIL_CHANGE_TTL_MINUTES} minutes. Until you confirm, nothing changes.`,
        'If it was not you, ignore this email: this address is not used unless the link is followed.',
      ],
      action: { label: 'Confirm this address', url },
      organisation,
    });
  }

  private changedNotice(newEmail: string) {
    const organisation = this.env.ORGANIZATION_NAME;
    return simpleEmail({
      subject: `Your email address for ${organisation} was changed`,
      paragraphs: [
        `The email address of your donor page at ${organisation} was changed to ${maskEmail(newEmail)}, confirmed from that address. Receipts and sign-in links go there from now on; sign-in links sent to this address no longer work, and every session was signed out.`,
        `If you did not make this change, reply to this email or contact ${organisation} right away: someone may have used your sign-in to take over your donor page.`,
      ],
      organisation,
    });
  }
}
