import { Injectable } from '@nestjs/common';
import { pipeline, Readable } from 'node:stream';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Environment } from '../common/config/environment';
import { DomainError, invalidField } from '../common/errors/domain-error';
import { spreadsheetCsv } from '../common/csv/csv-safety';
import { assertSeriesSize, ReportPeriod, resolvePeriod } from './report-period';
import {
  CampaignReportQuery,
  DonationsPageQuery,
  DonationsReportQuery,
  TimeseriesQuery,
} from './report-query.dto';
import {
  campaignReportRow,
  CampaignReportView,
  decodeEntryCursor,
  encodeEntryCursor,
  EntriesPageView,
  entryView,
  signatureBuckets,
  timeseriesBuckets,
  TimeseriesView,
} from './report.views';
import { EntryFilters, ReportsRepository } from './reports.repository';

@Injectable()
export class ReportsService {
  private readonly timeZone: string;

  constructor(
    private readonly reports: ReportsRepository,
    private readonly campaigns: CampaignsService,
    env: Environment,
  ) {
    this.timeZone = env.ORGANIZATION_TIMEZONE;
  }

  async campaignReport(query: CampaignReportQuery): Promise<CampaignReportView> {
    const period = resolvePeriod(query, this.timeZone);
    const campaignId = query.campaign ? await this.campaignId(query.campaign) : undefined;
    const [rows, actions, changes] = await Promise.all([
      this.reports.campaignCurrencySums(period, this.timeZone, campaignId),
      this.reports.actionSignatures(period, this.timeZone, campaignId),
      this.reports.pledgeChanges(campaignId),
    ]);
    return {
      ...period,
      timeZone: this.timeZone,
      data: rows.map((row) => campaignReportRow(row, actions, changes)),
    };
  }

  async timeseries(query: TimeseriesQuery): Promise<TimeseriesView> {
    const period = resolvePeriod(query, this.timeZone);
    assertSeriesSize(period, query.interval);
    const campaignId = await this.campaignId(query.campaign);
    const buckets =
      query.metric === 'signatures'
        ? signatureBuckets(
            await this.reports.signatureSeries(campaignId, period, this.timeZone, query.interval),
          )
        : timeseriesBuckets(
            await this.reports.series(campaignId, period, this.timeZone, query.interval),
          );
    return {
      campaign: query.campaign,
      interval: query.interval,
      metric: query.metric,
      ...period,
      timeZone: this.timeZone,
      buckets,
    };
  }

  async donationsPage(query: DonationsPageQuery): Promise<EntriesPageView> {
    const after = query.cursor ? decodeEntryCursor(query.cursor) : undefined;
    if (after === null)
      throw invalidField('cursor', 'invalid_format', 'cursor is not a valid cursor');
    const filters = await this.filters(query);
    const rows = await this.reports.entriesPage(filters, query.limit + 1, query.order, after);
    const page = rows.slice(0, query.limit);
    return {
      ...filters.period,
      timeZone: this.timeZone,
      data: page.map(entryView),
      nextCursor: rows.length > query.limit ? encodeEntryCursor(page[page.length - 1]) : null,
    };
  }

  /**
   * The CSV as a stream: UTF-8 with a BOM (so spreadsheets read the names right), a header,
   * RFC 4180 quoting and CRLF. Rows flow from Postgres's COPY at the pace the client reads.
   */
  async donationsCsv(
    query: DonationsReportQuery,
  ): Promise<{ filename: string; csv: Readable; rowsSent: () => number }> {
    const filters = await this.filters(query);
    const rows = await this.reports.copyEntriesCsv(filters);
    let records = 0;
    // Destroying the CSV stream (the client left) destroys the COPY and frees its connection.
    const csv = pipeline(
      rows,
      spreadsheetCsv(() => records++),
      () => undefined,
    );
    // Data rows so far: the header is the first record.
    return { filename: csvFilename(filters.period), csv, rowsSent: () => Math.max(0, records - 1) };
  }

  private async filters(query: DonationsReportQuery): Promise<EntryFilters> {
    const period = resolvePeriod(query, this.timeZone);
    return {
      period,
      timeZone: this.timeZone,
      campaignId: query.campaign ? await this.campaignId(query.campaign) : undefined,
      status: query.status,
      method: query.method,
    };
  }

  private async campaignId(slug: string): Promise<string> {
    const campaign = await this.campaigns.findBySlug(slug);
    if (!campaign) throw new DomainError('not_found', `No campaign "${slug}"`);
    return campaign.id;
  }
}

export function csvFilename(period: ReportPeriod): string {
  return `donations-${period.from}-${period.to}.csv`;
}
