import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiFile } from '../common/openapi/api-errors.decorator';
import { Response } from 'express';
import { Environment } from '../common/config/environment';
import { DomainError } from '../common/errors/domain-error';
import { metricsScrapeAllowed } from './metrics-token';
import { METRICS_CONTENT_TYPE, MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly env: Environment,
    private readonly metrics: MetricsService,
  ) {}

  /** Prometheus metrics of this API process; `Authorization: Bearer <METRICS_TOKEN>` when one is set. */
  @Get()
  @ApiOperation({
    operationId: 'getMetrics',
    summary: 'Prometheus metrics of this API process',
    description: '`Authorization: Bearer <METRICS_TOKEN>` when one is set.',
  })
  @ApiFile('text/plain', 'Prometheus text format (version 0.0.4)')
  @ApiErrors({ 401: 'METRICS_TOKEN is set and was not presented (code: `unauthenticated`)' })
  async scrape(
    @Res({ passthrough: true }) res: Response,
    @Headers('authorization') authorization?: string,
  ): Promise<string> {
    if (!metricsScrapeAllowed(this.env.METRICS_TOKEN, authorization)) {
      throw new DomainError('unauthenticated', 'Authorization: Bearer <METRICS_TOKEN> is required');
    }
    const body = await this.metrics.render();
    // Set only on success: an error keeps the API's JSON error body and type.
    res.setHeader('Content-Type', METRICS_CONTENT_TYPE);
    res.setHeader('Cache-Control', 'no-store');
    return body;
  }
}
