import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DONATION_STATUSES } from '../donations/donation.entity';

export class DonorDonationCampaignView {
  @ApiProperty() slug: string;
  @ApiProperty() title: string;
}

export class DonorDonationView {
  @ApiProperty() id: string;

  @ApiProperty({ type: DonorDonationCampaignView, nullable: true })
  campaign: DonorDonationCampaignView | null;

  @ApiProperty({ enum: ['one_off', 'installment', 'offline'] })
  kind: string;

  @ApiProperty({ description: 'Charged, in the currency’s minor unit' })
  amount: number;

  @ApiProperty({ example: 'usd' })
  currency: string;

  @ApiProperty({ enum: DONATION_STATUSES })
  status: string;

  @ApiProperty({ description: 'Refunded so far, in the same minor unit' })
  refundedAmount: number;

  @ApiProperty() createdAt: string;

  @ApiProperty({ nullable: true, type: String })
  succeededAt: string | null;

  @ApiPropertyOptional({ description: 'The pledge an instalment belongs to' })
  pledgeId?: string;
}

export class DonorDonationsPage {
  @ApiProperty({ type: [DonorDonationView] })
  data: DonorDonationView[];
}
