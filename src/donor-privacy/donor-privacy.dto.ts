import { SignaturesService } from '../actions/signatures.service';
import { ApiProperty } from '@nestjs/swagger';
import { Equals, IsString, Length } from 'class-validator';
import { Trim } from '../common/validation/transforms';
import type { DonorPrivacyRepository } from './donor-privacy.repository';

export class FindDonorQuery {
  @ApiProperty({ description: 'The donor’s email address, exactly (case and spaces ignored)' })
  @Trim()
  @IsString()
  @Length(3, 320)
  email: string;
}

export class DonorIdView {
  @ApiProperty() id: string;
}

class KeptRecordsView {
  @ApiProperty() donations: number;
  @ApiProperty() receipts: number;
}

export class RemovedRecordsView {
  @ApiProperty({ description: 'Stripe customers deleted at Stripe by this erasure' })
  stripeCustomers: number;
  @ApiProperty({
    description: 'Gifts and pledges whose names, address, message, tribute were cleared',
  })
  giftDetails: number;
  @ApiProperty({ description: 'Emails emptied (address, bodies, error text)' }) emails: number;
  @ApiProperty({ description: 'Receipts and statements whose sending error text was cleared' })
  sendingErrors: number;
  @ApiProperty({ description: 'Stored Stripe events about them scrubbed again' })
  stripeEvents: number;
  @ApiProperty({ description: 'Recorded job failures whose error text was cleared' })
  jobFailures: number;
  @ApiProperty({ description: 'Failed or retrying jobs removed from the queues' })
  queuedJobs: number;
  @ApiProperty({ description: 'Sessions ended' }) sessions: number;
  @ApiProperty({ description: 'Sign-in links voided' }) signInTokens: number;
  @ApiProperty({
    description: 'Email changes deleted (pending or expired), with the address asked for',
  })
  emailChanges: number;
  @ApiProperty({
    description: 'Signatures deleted (theirs, and pending ones of their address): counts drop',
  })
  signatures: number;
}

export class ErasedDonorView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['erased'] }) status: 'erased';
  @ApiProperty({ description: 'When the donor was first erased' }) erasedAt: string;
  @ApiProperty({ description: 'Money records kept, without personal data' })
  kept: KeptRecordsView;
  @ApiProperty({ description: 'What this request removed (zeros when erasing again)' })
  removed: RemovedRecordsView;
}

/** A donor erasing themself says so explicitly. */
export class ConfirmErasureDto {
  @ApiProperty({ enum: [true], description: 'Must be exactly true' })
  @Equals(true, { message: 'confirm must be true: erasure cannot be undone' })
  confirm: true;
}

type Rows<K extends keyof DonorPrivacyRepository> = Awaited<
  ReturnType<
    DonorPrivacyRepository[K] extends (...a: never[]) => unknown ? DonorPrivacyRepository[K] : never
  >
>;

const rows = (description: string) =>
  ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description,
  });

/** Everything held on a donor (emails without their bodies). */
export class DonorExport {
  @ApiProperty({ format: 'date-time' }) exportedAt: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The donor’s profile: email, name, address, a pending email change, preferences, dates',
  })
  profile: NonNullable<Rows<'profile'>>;

  @rows('Every gift, with its receipt name and address as sent') donations: Rows<'donations'>;
  @rows('Every pledge') pledges: Rows<'pledges'>;
  @rows('Receipts issued') receipts: Rows<'receipts'>;
  @rows('Year-end statements') statements: Rows<'statements'>;
  @rows('Emails sent (without their bodies)') emails: Rows<'emails'>;
  @ApiProperty({
    type: 'object',
    properties: { count: { type: 'integer' }, active: { type: 'integer' } },
    description: 'Sign-in sessions: how many, and how many still active',
  })
  sessions: Rows<'sessionCounts'>;
  @rows('Signatures of actions, with the name, country and comment signed with')
  signatures: Awaited<ReturnType<SignaturesService['exportForDonor']>>;
  @rows('Stripe events about the donor’s payments (type, status, dates)')
  stripeEvents: Rows<'storedEvents'>;
  @rows('Staff actions on the donor (staff named by role in the donor’s own export)')
  audit: Rows<'auditRows'>;
}
