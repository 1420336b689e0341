import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Environment } from '../common/config/environment';
import { serializeError } from '../common/errors/describe-error';
import { DomainError } from '../common/errors/domain-error';
import { keyedDigest, mailboxOf } from '../common/rate-limit/abuse-keys';
import { normaliseEmail } from '../common/validation/email';
import { isUuid } from '../common/validation/is-uuid';
import { DonorsService } from '../donors/donors.service';
import { MailService } from '../mail/mail.service';
import { Paragraph, simpleEmail } from '../mail/templates';
import { MetricsService } from '../metrics/metrics.service';
import { SignActionDto, SignerLanguage } from './action.dto';
import { DonorSignatureView, SignatureConfirmedView } from './action.views';
import { ActionRecord, ActionsRepository } from './actions.repository';
import { DonorSignature, SignaturesRepository, Submission } from './signatures.repository';

/** How long a confirmation link works; an unconfirmed signature is deleted once its link has expired. */
export const SIGNATURE_TOKEN_TTL_HOURS = 48;
/** Pending signatures deleted per maintenance run (the next run takes the rest). */
const PURGE_BATCH = 5000;
/** The outbox kind of confirmation emails. */
const CONFIRMATION_EMAIL_KIND = 'signature-confirm';
export const INVALID_CONFIRMATION_LINK = 'The confirmation link is invalid, used or expired';

/** Confirmation tokens are 32 random bytes, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function donorSignatureView(s: DonorSignature): DonorSignatureView {
  return {
    id: s.id,
    campaignSlug: s.campaignSlug,
    campaignTitle: s.campaignTitle,
    actionSlug: s.actionSlug,
    actionTitle: s.actionTitle,
    status: s.status,
    public: s.public,
    displayName: s.displayName,
    country: s.country,
    comment: s.comment,
    signedAt: s.createdAt.toISOString(),
    confirmedAt: s.confirmedAt?.toISOString() ?? null,
    withdrawnAt: s.withdrawnAt?.toISOString() ?? null,
  };
}

const COUNTRY_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** A country's English name and its code, e.g. `Iran (IR)`; the code alone when unknown. */
function countryName(code: string): string {
  const name = COUNTRY_NAMES.of(code);
  return name && name !== code ? `${name} (${code})` : code;
}

function sameSubmission(a: Submission, b: Submission): boolean {
  return (
    a.name === b.name &&
    a.country === b.country &&
    a.comment === b.comment &&
    a.public === b.public &&
    a.displayName === b.displayName
  );
}

/**
 * Signatures: one per email address per action, counted only once confirmed by a single-use
 * emailed link. Signing answers the same whoever signs, and does its work after the answer
 * has gone out. The address is kept only while the signature waits: confirming moves it to the
 * donors row (one person whether they sign or give) and clears it from the signature; an
 * unconfirmed one is deleted once its link has expired.
 */
@Injectable()
export class SignaturesService {
  private readonly logger = new Logger(SignaturesService.name);
  private readonly digest: (mailbox: string) => string;

  constructor(
    private readonly env: Environment,
    private readonly signatures: SignaturesRepository,
    private readonly actions: ActionsRepository,
    private readonly donors: DonorsService,
    private readonly mail: MailService,
    private readonly metrics: MetricsService,
  ) {
    // Stored, so it must stay the same for the deployment's life (see CURSOR_SECRET).
    this.digest = keyedDigest(env.CURSOR_SECRET ?? env.STRIPE_SECRET_KEY, 'signature-email');
  }

  /** The keyed digest of an address's mailbox (trimmed, lower-cased, without a `+tag`). */
  emailDigest(email: string): string {
    return this.digest(mailboxOf(email));
  }

  /** The action a signature may be added to: 404 unknown (or of a draft campaign), 409 not active. */
  async findSignable(campaignSlug: string, actionSlug: string): Promise<ActionRecord> {
    const action = await this.actions.findBySlugs(campaignSlug, actionSlug);
    if (!action || action.campaignStatus === 'draft') {
      throw new DomainError('not_found', `No action "${actionSlug}" in campaign "${campaignSlug}"`);
    }
    if (action.status !== 'active') {
      throw new DomainError(
        'not_active',
        `The action "${actionSlug}" does not take signatures now`,
      );
    }
    return action;
  }

  /**
   * Records a signature and mails its confirmation link, once the answer has gone out: a new
   * address gets a pending signature and a link; a pending one signed again with another
   * submission (name, country, comment, public choice or display name) now holds that one and gets a fresh link for it at once, and one signed again the same way
   * gets a fresh link when the last went out over a day ago (either way the older links stop
   * working: the newest submission wins, and its link confirms exactly what its email showed);
   * anything else (the same repeat within the day, a confirmed or withdrawn signer, an action
   * closed meanwhile) changes nothing. True when a link was mailed (the creation limits count
   * it). Never throws: a failure is logged by its class only.
   */
  async record(action: ActionRecord, dto: SignActionDto): Promise<boolean> {
    try {
      const email = normaliseEmail(dto.email);
      const emailDigest = this.emailDigest(email);
      const token = randomBytes(32).toString('base64url');
      const done = await this.signatures.transaction(async (em) => {
        const locked = await this.actions.lock(em, action.id, 'share');
        if (locked?.status !== 'active') return null;
        const submission: Submission = {
          name: dto.name,
          country: dto.country,
          comment: dto.comment || null,
          public: dto.public ?? false,
          displayName: dto.displayName || null,
        };
        const created = await this.signatures.insertPending(em, {
          actionId: action.id,
          letterVersion: locked.letterVersion,
          email,
          emailDigest,
          ...submission,
        });
        let signatureId = created;
        let to = email;
        if (!signatureId) {
          const known = await this.signatures.lockByDigest(em, action.id, emailDigest);
          if (!known || known.status === 'confirmed') return null;
          if (known.status === 'withdrawn') {
            // Withdrawing is not final: signing again asks for a confirmation once more.
            await this.signatures.reopenWithdrawn(em, known.id, email, submission);
          } else if (!known.email) {
            return null;
          } else if (sameSubmission(known, submission)) {
            if (known.mailedToday) return null;
          } else {
            await this.signatures.resubmit(em, known.id, submission);
          }
          signatureId = known.id;
          // The mailbox's first spelling: another spelling of it is the same mailbox.
          to = known.email ?? email;
        }
        const tokenId = await this.signatures.newToken(
          em,
          signatureId,
          hashToken(token),
          SIGNATURE_TOKEN_TTL_HOURS * 3600,
          submission,
        );
        const body = this.confirmationEmail(token, action, submission, dto.lang);
        const emailId = await this.mail.add(em, {
          dedupeKey: `${CONFIRMATION_EMAIL_KIND}:${tokenId}`,
          kind: CONFIRMATION_EMAIL_KIND,
          donorId: null,
          toAddress: to,
          subject: body.subject,
          textBody: body.text,
          htmlBody: body.html,
          purgeAfterSend: true,
        });
        return { emailId, created: !!created };
      });
      if (!done) return false;
      if (done.created) this.metrics.signaturesSigned.inc({ action: action.id });
      await this.mail.enqueue([done.emailId]);
      return true;
    } catch (error) {
      this.logger.error(
        { actionId: action.id, err: serializeError(error) },
        'signature not recorded',
      );
      return false;
    }
  }

  /**
   * Uses a confirmation token (once): the signature counts from now, with the submission that
   * token was mailed for (what its email showed), under the donors row of its address (found or
   * created), and keeps the address no longer; its confirmation emails already sent keep it no
   * longer either. 400 `invalid_token` for an unknown, used, voided or expired token; 409 when
   * the action stopped taking signatures.
   */
  async confirm(token: string): Promise<SignatureConfirmedView> {
    const actionId = TOKEN.test(token)
      ? await this.signatures.transaction(async (em) => {
          const signature = await this.signatures.consumeToken(em, hashToken(token));
          if (!signature) return null;
          const locked = await this.actions.lock(em, signature.actionId, 'share');
          if (locked?.status !== 'active') {
            throw new DomainError('not_active', 'The action does not take signatures any more');
          }
          const donor = await this.donors.findOrCreateByEmail(em, signature.email);
          const tokenIds = await this.signatures.confirm(
            em,
            signature.id,
            donor.id,
            signature.submission,
          );
          await this.mail.forgetSentByKeys(
            em,
            tokenIds.map((id) => `${CONFIRMATION_EMAIL_KIND}:${id}`),
          );
          return signature.actionId;
        })
      : null;
    if (!actionId) throw new DomainError('invalid_token', INVALID_CONFIRMATION_LINK);
    this.metrics.signaturesConfirmed.inc({ action: actionId });
    const action = (await this.actions.findById(actionId))!;
    return {
      campaignSlug: action.campaignSlug,
      actionSlug: action.slug,
      actionTitle: action.title,
      signatures: action.signatures,
    };
  }

  async listForDonor(donorId: string): Promise<DonorSignatureView[]> {
    return (await this.signatures.listForDonor(donorId)).map(donorSignatureView);
  }

  /** Withdraws the donor's signature: it counts no more. Withdrawing again answers the same. */
  async withdraw(donorId: string, id: string): Promise<DonorSignatureView> {
    const notFound = new DomainError('not_found', `No signature ${id} of this donor`);
    if (!isUuid(id)) throw notFound;
    const actionId = await this.signatures.withdraw(donorId, id);
    if (actionId) this.metrics.signaturesWithdrawn.inc({ action: actionId });
    const signature = await this.signatures.findForDonor(donorId, id);
    if (!signature) throw notFound;
    return donorSignatureView(signature);
  }

  /**
   * Donor erasure, in the caller's transaction: the donor's signatures go (their actions'
   * counts drop), and so do pending ones of `email`, the address they had. Returns how many.
   */
  forgetDonor(em: EntityManager, donorId: string, email: string | null): Promise<number> {
    return this.signatures.deleteForDonor(em, donorId, email ? this.emailDigest(email) : null);
  }

  /** The donor's signatures, for their data export. */
  exportForDonor(donorId: string) {
    return this.signatures.exportForDonor(donorId);
  }

  /**
   * Deletes signatures nobody confirmed before their link expired, and empties confirmation
   * emails whose link has expired (their address kept nowhere else once unconfirmed).
   */
  async purgeUnconfirmed(): Promise<{ signatures: number; emails: number }> {
    return {
      signatures: await this.signatures.purgeUnconfirmed(SIGNATURE_TOKEN_TTL_HOURS, PURGE_BATCH),
      emails: await this.mail.forgetSettled(
        CONFIRMATION_EMAIL_KIND,
        SIGNATURE_TOKEN_TTL_HOURS,
        PURGE_BATCH,
      ),
    };
  }

  private confirmationEmail(
    token: string,
    action: ActionRecord,
    signed: Submission,
    lang?: SignerLanguage,
  ) {
    const base = this.env.PUBLIC_BASE_URL.replace(/\/+$/, '');
    // A fragment never reaches a server: a mail scanner that opens the link cannot use it. The
    // page opens in the language the signer signed in.
    const url = `${base}/act/confirm${lang ? `?lang=${lang}` : ''}#token=${token}`;
    const organisation = this.env.ORGANIZATION_NAME;
    // Whoever typed this address may not own it: the owner must see exactly what confirming
    // sends under their name, public or not, before they press the button.
    const details: Paragraph[] = [
      'Confirming signs with these details:',
      ['Name: ', { isolate: signed.name }],
      `Country: ${countryName(signed.country)}`,
      signed.comment ? ['Comment: ', { isolate: signed.comment }] : 'Comment: none',
      'If these are not your details, do not confirm: sign again with your own, and you will get a new link for them (this one then stops working).',
    ];
    const shown = signed.public
      ? [
          'Your signature will be listed publicly as ',
          { isolate: signed.displayName ?? signed.name },
          ` (${signed.country}), with the day you confirm.`,
        ]
      : 'Your name will not be shown publicly: only the number of signatures is.';
    // The letter goes to its target with the signers' list: a signer must know that before
    // confirming, whatever they chose about the public page.
    const delivered = [
      'When the letter is delivered, ',
      { isolate: action.targetName },
      ' receives your name, country and comment with it (never your email address).',
    ];
    return simpleEmail({
      subject: `Confirm your signature: ${action.title}`,
      paragraphs: [
        ['Someone, hopefully you, signed “', { isolate: action.title }, '” with this address.'],
        ...details,
        shown,
        delivered,
        `Your signature counts once you confirm it with the button below. The link works once, for ${SIGNATURE_TOKEN_TTL_HOURS} hours. If you did not sign, ignore this email: the signature and this address are deleted when the link expires.`,
      ],
      action: { label: 'Confirm my signature', url },
      organisation,
    });
  }
}
