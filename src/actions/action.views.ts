import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActionStatus, ACTION_STATUSES } from './action.entity';
import { SignatureStatus, SIGNATURE_STATUSES } from './signature.entity';

export class ActionTargetView {
  @ApiProperty({ example: 'UN Special Rapporteur on Iraq' }) name: string;
  @ApiProperty({ example: 'office@example.org' }) email: string;
}

export class PublicActionTargetView {
  @ApiProperty({ example: 'UN Special Rapporteur on Iraq' }) name: string;
}

/** An action as staff see it. */
export class AdminActionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'free-the-seven' }) campaignSlug: string;
  @ApiProperty({ example: 'write-to-the-un' }) slug: string;
  @ApiProperty({ example: 'Ask the UN to act' }) title: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: ActionTargetView }) target: ActionTargetView;
  @ApiProperty({ description: 'The current version’s subject' }) letterSubject: string;
  @ApiProperty({ description: 'The current version’s body' }) letterBody: string;

  @ApiProperty({
    example: 1,
    description:
      'The current letter version: a letter edit after the first signature makes a new one',
  })
  letterVersion: number;

  @ApiProperty({ example: 1000 }) goal: number;
  @ApiProperty({ enum: ACTION_STATUSES, example: 'active' }) status: ActionStatus;
  @ApiProperty({ type: String, nullable: true, example: '0 9 * * 1' }) deliveryCron: string | null;

  @ApiProperty({ example: 412, description: 'Confirmed signatures (not withdrawn)' })
  signatures: number;

  @ApiProperty({ example: 12, description: 'Signatures waiting for their email confirmation' })
  pendingSignatures: number;

  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) closedAt: string | null;
}

export class PublicLetterView {
  @ApiProperty() subject: string;
  @ApiProperty() body: string;
  @ApiProperty({ example: 1 }) version: number;
}

/** One public signer: what they chose to show, and the day only. */
export class SignerView {
  @ApiProperty({ example: 'Maryam R.' }) displayName: string;
  @ApiProperty({ example: 'FR', description: 'Two-letter country code' }) country: string;

  @ApiProperty({
    example: '2026-12-07',
    description:
      'The day of the confirmation (YYYY-MM-DD, organisation’s time zone): never the time',
  })
  date: string;
}

export class SignersPageView {
  @ApiProperty({ type: [SignerView] }) data: SignerView[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `signersCursor` for the next page; null on the last',
  })
  nextCursor: string | null;
}

/** An action as the public sees it. */
export class PublicActionView {
  @ApiProperty({ example: 'write-to-the-un' }) slug: string;
  @ApiProperty({ example: 'Ask the UN to act' }) title: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: ['active', 'closed'], example: 'active' }) status: ActionStatus;
  @ApiProperty({ type: PublicActionTargetView }) target: PublicActionTargetView;
  @ApiProperty({ type: PublicLetterView }) letter: PublicLetterView;
  @ApiProperty({ example: 1000 }) goal: number;
  @ApiProperty({ example: 412, description: 'Confirmed signatures' }) signatures: number;

  @ApiPropertyOptional({
    type: SignersPageView,
    description:
      'On `GET /v1/campaigns/{slug}/actions/{action}` only: confirmed signers who chose to be public, newest first',
  })
  signers?: SignersPageView;
}

export const CHECK_EMAIL_MESSAGE = 'If the address is right, a confirmation link is on its way';

/** The one answer to signing, whoever signs. */
export class SignatureAcceptedView {
  @ApiProperty({ enum: ['check_email'], example: 'check_email' }) status: 'check_email';
  @ApiProperty({ example: CHECK_EMAIL_MESSAGE }) message: string;
}

export class SignatureConfirmedView {
  @ApiProperty({ example: 'free-the-seven' }) campaignSlug: string;
  @ApiProperty({ example: 'write-to-the-un' }) actionSlug: string;
  @ApiProperty({ example: 'Ask the UN to act' }) actionTitle: string;
  @ApiProperty({ example: 413, description: 'Confirmed signatures, this one included' })
  signatures: number;
}

/** A signature in the signer's own donor portal. */
export class DonorSignatureView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() campaignSlug: string;
  @ApiProperty() campaignTitle: string;
  @ApiProperty() actionSlug: string;
  @ApiProperty() actionTitle: string;
  @ApiProperty({ enum: SIGNATURE_STATUSES.filter((s) => s !== 'pending') })
  status: SignatureStatus;
  @ApiProperty() public: boolean;
  @ApiProperty({ type: String, nullable: true }) displayName: string | null;
  @ApiProperty({ example: 'FR' }) country: string;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
  @ApiProperty({ format: 'date-time' }) signedAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) confirmedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) withdrawnAt: string | null;
}
