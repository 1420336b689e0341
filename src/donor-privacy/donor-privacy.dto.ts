import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
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

export class ErasedDonorView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['erased'] }) status: 'erased';
  @ApiProperty({ description: 'When the donor was first erased' }) erasedAt: string;
  @ApiProperty({ description: 'Money records kept, without personal data' })
  kept: KeptRecordsView;
}

type Rows<K extends keyof DonorPrivacyRepository> = Awaited<
  ReturnType<
    DonorPrivacyRepository[K] extends (...a: never[]) => unknown ? DonorPrivacyRepository[K] : never
  >
>;

/** Everything held on a donor (emails without their bodies). */
export interface DonorExport {
  exportedAt: string;
  profile: NonNullable<Rows<'profile'>>;
  donations: Rows<'donations'>;
  pledges: Rows<'pledges'>;
  receipts: Rows<'receipts'>;
  statements: Rows<'statements'>;
  emails: Rows<'emails'>;
  sessions: Rows<'sessionCounts'>;
}
