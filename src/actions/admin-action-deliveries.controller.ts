import { Body, Controller, Get, HttpCode, Logger, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { AuditReads, recordAuditRows } from '../audit/audit.interceptor';
import { StaffOnly } from '../auth/staff.guard';
import { serializeError } from '../common/errors/describe-error';
import { ApiErrors, ApiFile, ListOf } from '../common/openapi/api-errors.decorator';
import { IdempotencyKey } from '../common/validation/idempotency-key.decorator';
import { ActionDeliveriesService } from './action-deliveries.service';
import { CreateDeliveryDto, DeliveryView } from './delivery.views';

/** Staff send an action's signatures to its target, list the deliveries, export signatures. */
@ApiTags('admin')
@Controller('v1/admin/actions')
export class AdminActionDeliveriesController {
  private readonly logger = new Logger(AdminActionDeliveriesController.name);

  constructor(private readonly deliveries: ActionDeliveriesService) {}

  /** A delivery of the signatures no earlier delivery carried, emailed by the worker. */
  @Post(':id/deliveries')
  @StaffOnly('admin')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'createDelivery',
    summary:
      'Send the target the letter and a PDF list of the confirmed signatures no earlier delivery carried (queued, sent once)',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'The same key and body answer the same delivery; another body is a 409',
  })
  @ApiAcceptedResponse({ type: DeliveryView, description: 'The delivery, queued for sending' })
  @ApiErrors({
    400: 'A field (note), or a malformed Idempotency-Key',
    404: 'No such action',
    409: 'No signature left to deliver (`nothing_to_deliver`), or the Idempotency-Key came with another body',
  })
  create(
    @Param('id') id: string,
    @Body() dto: CreateDeliveryDto,
    @IdempotencyKey() key?: string,
  ): Promise<DeliveryView> {
    return this.deliveries.create(id, dto.note ?? null, key);
  }

  @Get(':id/deliveries')
  @StaffOnly('admin')
  @ApiOperation({
    operationId: 'listDeliveries',
    summary: 'An action’s deliveries to its target, newest first, with counts and send status',
  })
  @ApiOkResponse({ type: ListOf(DeliveryView) })
  @ApiErrors({ 404: 'No such action' })
  async list(@Param('id') id: string): Promise<{ data: DeliveryView[] }> {
    return { data: await this.deliveries.list(id) };
  }

  /**
   * Confirmed and withdrawn signatures, for admins (who manage actions and their deliveries):
   * names and comments of confirmed ones, never an email; withdrawn ones without personal text.
   */
  @Get(':id/signatures.csv')
  @StaffOnly('admin')
  @AuditReads()
  @ApiOperation({
    operationId: 'exportSignaturesCsv',
    summary:
      'An action’s confirmed and withdrawn signatures as CSV: status, name, country, comment, public, display name, dates (no emails; a withdrawn one shows `(withdrawn)` and no personal text)',
  })
  @ApiFile('text/csv', 'UTF-8 CSV with a BOM and a header row')
  @ApiErrors({ 404: 'No such action' })
  async signaturesCsv(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const { filename, csv, rowsSent } = await this.deliveries.signaturesCsv(id);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await pipeline(csv, res);
      recordAuditRows(res, rowsSent(), true);
    } catch (error) {
      recordAuditRows(res, rowsSent(), false);
      this.logger.warn({ err: serializeError(error) }, 'signatures CSV ended early');
    }
  }
}
