import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { StaffOnly } from '../auth/staff.guard';
import { AuditReads } from '../audit/audit.interceptor';
import { DomainError } from '../common/errors/domain-error';
import { AuthenticatedDonor } from '../donor-auth/donor-sessions.service';
import { CurrentDonor, DonorOnly } from '../donor-auth/donor.guard';
import { DonorPreferencesDto, ListReceiptsQuery } from './receipts.dto';
import { ReceiptsService } from './receipts.service';
import { ReceiptPreferencesService } from './receipt-preferences.service';

function sendPdf(res: Response, file: { filename: string; pdf: Buffer }): void {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(file.pdf);
}

@ApiTags('donor')
@DonorOnly()
@Controller('v1/donor')
export class DonorReceiptsController {
  constructor(
    private readonly receipts: ReceiptsService,
    private readonly preferences: ReceiptPreferencesService,
  ) {}

  @Get('receipts')
  @ApiOkResponse({ description: 'The signed-in donor’s receipts, newest first' })
  async list(@CurrentDonor() donor: AuthenticatedDonor) {
    return { data: await this.receipts.listForDonor(donor.donorId) };
  }

  @Get('receipts/:id/pdf')
  @ApiProduces('application/pdf')
  async pdf(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param('id') id: string,
    @Res() res: Response,
  ) {
    sendPdf(res, await this.receipts.pdfForDonor(donor.donorId, id));
  }

  @Get('statements/:year')
  @ApiProduces('application/pdf')
  async statement(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param(
      'year',
      new ParseIntPipe({
        exceptionFactory: () =>
          new DomainError('validation_failed', 'year must be a year such as 2026'),
      }),
    )
    year: number,
    @Res() res: Response,
  ) {
    if (year < 2000 || year > 2100)
      throw new DomainError('validation_failed', 'year must be a year such as 2026');
    sendPdf(res, await this.receipts.statementForDonor(donor.donorId, year));
  }

  @Patch('preferences')
  @ApiOkResponse({ description: 'The donor’s receipt preferences' })
  setPreferences(@CurrentDonor() donor: AuthenticatedDonor, @Body() dto: DonorPreferencesDto) {
    return this.preferences.set(donor.donorId, dto.installmentReceipts);
  }
}

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/receipts')
export class AdminReceiptsController {
  constructor(private readonly receipts: ReceiptsService) {}

  /** Receipts by sending status; `?status=failed` for those staff must look at. */
  @Get()
  @AuditReads()
  async list(@Query() query: ListReceiptsQuery) {
    return { data: await this.receipts.list(query.status, query.limit, query.before) };
  }

  @Post(':id/resend')
  @HttpCode(202)
  resend(@Param('id') id: string) {
    return this.receipts.resend(id);
  }
}
