import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiFile } from '../common/openapi/api-errors.decorator';
import { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { StaffOnly } from '../auth/staff.guard';
import { AuditReads, recordAuditRows } from '../audit/audit.interceptor';
import {
  CampaignReportQuery,
  DonationsPageQuery,
  DonationsReportQuery,
  TimeseriesQuery,
} from './report-query.dto';
import { CampaignReportView, EntriesPageView, TimeseriesView } from './report.views';
import { ReportsService } from './reports.service';
import { serializeError } from '../common/errors/describe-error';

@ApiTags('reports')
@StaffOnly('finance')
@ApiErrors({ 400: 'A malformed filter, or from after to (named)', 404: 'No such campaign' })
@Controller('v1/reports')
export class AdminReportsController {
  private readonly logger = new Logger(AdminReportsController.name);

  constructor(private readonly reports: ReportsService) {}

  /** Per campaign and currency: gross, fees, refunds, disputes, net, donors, pledges, progress. */
  @Get('campaigns')
  @ApiOperation({
    operationId: 'getCampaignReport',
    summary: 'Per campaign and currency: gross, fees, refunds, net, donors, pledges, signatures',
  })
  @ApiOkResponse({
    type: CampaignReportView,
    description: 'One row per campaign and currency for the period',
  })
  campaigns(@Query() query: CampaignReportQuery): Promise<CampaignReportView> {
    return this.reports.campaignReport(query);
  }

  /**
   * One campaign's gross, net and donation count per day, week or month, per currency; or with
   * `metric=signatures`, its signatures confirmed per bucket and action.
   */
  @Get('timeseries')
  @ApiOperation({
    operationId: 'getCampaignTimeseries',
    summary:
      'One campaign’s gross, net and count per day, week or month; or (metric=signatures) signatures confirmed per action',
  })
  @ApiOkResponse({
    type: TimeseriesView,
    description: 'Every bucket of the period, zeros included',
  })
  timeseries(@Query() query: TimeseriesQuery): Promise<TimeseriesView> {
    return this.reports.timeseries(query);
  }

  /** Ledger entries with their donation, donor and Stripe ids, a page at a time. */
  @Get('donations')
  @AuditReads()
  @ApiOperation({
    operationId: 'listLedgerEntries',
    summary: 'Ledger entries with their donation, donor and Stripe ids, a page at a time',
  })
  @ApiOkResponse({
    type: EntriesPageView,
    description:
      'A page of entries, oldest first (or newest first: `order=desc`), and the next cursor',
  })
  donations(@Query() query: DonationsPageQuery): Promise<EntriesPageView> {
    return this.reports.donationsPage(query);
  }

  /** The same entries as a CSV download, streamed whatever its size. */
  @Get('donations.csv')
  @AuditReads()
  @ApiOperation({
    operationId: 'exportLedgerEntriesCsv',
    summary: 'The same ledger entries as a CSV download',
  })
  @ApiFile('text/csv', 'UTF-8 CSV with a BOM and a header row')
  async donationsCsv(@Query() query: DonationsReportQuery, @Res() res: Response): Promise<void> {
    const { filename, csv, rowsSent } = await this.reports.donationsCsv(query);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await pipeline(csv, res);
      recordAuditRows(res, rowsSent(), true);
    } catch (error) {
      recordAuditRows(res, rowsSent(), false);
      // Headers are gone by now: the client sees a cut download, the log says why.
      this.logger.warn({ err: serializeError(error) }, 'CSV export ended early');
    }
  }
}
