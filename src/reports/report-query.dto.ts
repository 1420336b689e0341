import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { DONATION_STATUSES, DonationStatus, OFFLINE_METHODS } from '../donations/donation.entity';
import { REPORT_INTERVALS, ReportInterval } from './report-period';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** How a donation was paid: `card` through Stripe, or an offline method staff recorded. */
export const REPORT_METHODS = ['card', ...OFFLINE_METHODS] as const;
export type ReportMethod = (typeof REPORT_METHODS)[number];

export class PeriodQuery {
  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'First day (inclusive), in the organisation’s time zone; default: this month',
  })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a calendar date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-11-30',
    description: 'Last day (inclusive), in the organisation’s time zone',
  })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a calendar date YYYY-MM-DD' })
  to?: string;
}

export class CampaignReportQuery extends PeriodQuery {
  @ApiPropertyOptional({ description: 'Only this campaign (slug)' })
  @IsOptional()
  @Matches(SLUG, { message: 'campaign must be a campaign slug' })
  campaign?: string;
}

/** What a time series counts: money (per currency) or confirmed signatures (per action). */
export const TIMESERIES_METRICS = ['money', 'signatures'] as const;
export type TimeseriesMetric = (typeof TIMESERIES_METRICS)[number];

export class TimeseriesQuery extends PeriodQuery {
  @ApiProperty({ description: 'Campaign slug' })
  @Matches(SLUG, { message: 'campaign must be a campaign slug' })
  campaign: string;

  @ApiPropertyOptional({ enum: REPORT_INTERVALS, default: 'day' })
  @IsOptional()
  @IsIn(REPORT_INTERVALS, { message: 'interval must be day, week or month' })
  interval: ReportInterval = 'day';

  @ApiPropertyOptional({
    enum: TIMESERIES_METRICS,
    default: 'money',
    description:
      '`money`: gross, net and donation count per currency (`totals`); `signatures`: signatures confirmed per action (`signatures`; withdrawn ones no longer count, draft actions left out)',
  })
  @IsOptional()
  @IsIn(TIMESERIES_METRICS, { message: 'metric must be money or signatures' })
  metric: TimeseriesMetric = 'money';
}

export class DonationsReportQuery extends CampaignReportQuery {
  @ApiPropertyOptional({ enum: DONATION_STATUSES, description: 'Status of the donation' })
  @IsOptional()
  @IsIn(DONATION_STATUSES, { message: `status must be one of ${DONATION_STATUSES.join(', ')}` })
  status?: DonationStatus;

  @ApiPropertyOptional({
    enum: REPORT_METHODS,
    description: 'How the donation was paid (donations.method)',
  })
  @IsOptional()
  @IsIn(REPORT_METHODS, { message: `method must be one of ${REPORT_METHODS.join(', ')}` })
  method?: ReportMethod;
}

/** The order of the JSON pages: `asc` oldest first (the CSV's order), `desc` newest first. */
export const REPORT_ORDERS = ['asc', 'desc'] as const;
export type ReportOrder = (typeof REPORT_ORDERS)[number];

export class DonationsPageQuery extends DonationsReportQuery {
  @ApiPropertyOptional({
    enum: REPORT_ORDERS,
    default: 'asc',
    description:
      'By occurrence: `asc` oldest first, `desc` newest first. Pass the same order with each `cursor`.',
  })
  @IsOptional()
  @IsIn(REPORT_ORDERS, { message: 'order must be asc or desc' })
  order: ReportOrder = 'asc';

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer from 1 to 500' })
  @Min(1, { message: 'limit must be an integer from 1 to 500' })
  @Max(500, { message: 'limit must be an integer from 1 to 500' })
  limit = 100;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}
