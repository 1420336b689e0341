import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { CreateDonationDto } from '../donations/create-donation.dto';
import { PLEDGE_INTERVALS, PLEDGE_STATUSES, PledgeInterval, PledgeStatus } from './pledge.entity';
import { PageQuery } from '../common/validation/page.query';
import { INTERVAL_MESSAGE } from './pledge-interval';

/** A recurring gift: what a one-off donation takes (but a message or tribute), plus its rhythm. */
export class CreatePledgeDto extends OmitType(CreateDonationDto, ['message', 'tribute'] as const) {
  @ApiProperty({
    enum: PLEDGE_INTERVALS,
    description: 'How often it charges: every week, month, quarter (three months) or year',
  })
  @IsIn(PLEDGE_INTERVALS, { message: INTERVAL_MESSAGE })
  interval: PledgeInterval;

  @ApiPropertyOptional({
    description: 'A fixed number of payments, after which the pledge completes',
    minimum: 1,
  })
  @IsOptional()
  @IsInt({ message: 'installments must be a positive integer' })
  @Min(1, { message: 'installments must be a positive integer' })
  @Max(600)
  installments?: number;
}

export class PledgeCreatedView {
  @ApiProperty() pledgeId: string;
  @ApiProperty() subscriptionId: string;
  @ApiProperty({ description: 'For Stripe.js to confirm the first payment' }) clientSecret: string;
  @ApiProperty({ enum: PLEDGE_STATUSES }) status: PledgeStatus;
  @ApiProperty() amount: number;
  @ApiProperty() currency: string;
  @ApiProperty({ enum: PLEDGE_INTERVALS }) interval: PledgeInterval;
}

export class ChangePledgeAmountDto {
  @ApiProperty({ description: 'New amount per payment, from the next payment on (no proration)' })
  @IsInt({ message: 'amount must be an integer in the currency’s minor unit' })
  amount: number;
}

export class MovePledgeDto {
  @ApiProperty({
    example: 'protect-camp-ashraf',
    description:
      'The slug of the open campaign to give the pledge to from now on (it must take the pledge’s currency)',
  })
  @IsString()
  @Length(1, 80)
  campaign: string;
}

export class PausePledgeDto {
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Resume by itself on this date',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'until must be a date' })
  until?: Date;
}

export class ListPledgesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PLEDGE_STATUSES })
  @IsOptional()
  @IsIn(PLEDGE_STATUSES)
  status?: PledgeStatus;
}
