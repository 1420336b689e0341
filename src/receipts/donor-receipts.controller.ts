import { Body, Controller, Get, Param, ParseIntPipe, Patch, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiFile, ListOf } from '../common/openapi/api-errors.decorator';
import { Response } from 'express';
import { invalidField } from '../common/errors/domain-error';
import { AuthenticatedDonor } from '../donor-auth/donor-sessions.service';
import { CurrentDonor, DonorOnly } from '../donor-auth/donor.guard';
import { DonorPreferencesDto, DonorPreferencesView } from './receipts.dto';
import { ReceiptsService, ReceiptView } from './receipts.service';
import { ReceiptPreferencesService } from './receipt-preferences.service';
import { sendPdf } from './send-pdf';

@ApiTags('donor')
@DonorOnly()
@Controller('v1/donor')
export class DonorReceiptsController {
  constructor(
    private readonly receipts: ReceiptsService,
    private readonly preferences: ReceiptPreferencesService,
  ) {}

  @Get('receipts')
  @ApiOperation({
    operationId: 'listDonorReceipts',
    summary: 'The signed-in donor’s receipts, newest first',
  })
  @ApiOkResponse({ type: ListOf(ReceiptView) })
  async list(@CurrentDonor() donor: AuthenticatedDonor): Promise<{ data: ReceiptView[] }> {
    return { data: await this.receipts.listForDonor(donor.donorId) };
  }

  @Get('receipts/:id/pdf')
  @ApiOperation({
    operationId: 'getDonorReceiptPdf',
    summary: 'One of the donor’s receipts as a PDF',
  })
  @ApiFile('application/pdf', 'The receipt')
  @ApiErrors({ 404: 'No such receipt of this donor' })
  async pdf(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param('id') id: string,
    @Res() res: Response,
  ) {
    sendPdf(res, await this.receipts.pdfForDonor(donor.donorId, id));
  }

  @Get('statements/:year')
  @ApiOperation({
    operationId: 'getDonorStatementPdf',
    summary: 'The donor’s year-end statement as a PDF',
  })
  @ApiFile('application/pdf', 'The statement of the year’s gifts')
  @ApiErrors({ 400: 'year is not a year such as 2026', 404: 'No statement for that year' })
  async statement(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param(
      'year',
      new ParseIntPipe({
        exceptionFactory: () =>
          invalidField('year', 'invalid_format', 'year must be a year such as 2026'),
      }),
    )
    year: number,
    @Res() res: Response,
  ) {
    if (year < 2000 || year > 2100)
      throw invalidField('year', 'out_of_range', 'year must be a year such as 2026');
    sendPdf(res, await this.receipts.statementForDonor(donor.donorId, year));
  }

  @Patch('preferences')
  @ApiOperation({
    operationId: 'updateDonorPreferences',
    summary: 'A receipt per installment, or only the year-end statement',
  })
  @ApiOkResponse({ type: DonorPreferencesView, description: 'The donor’s receipt preferences' })
  setPreferences(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Body() dto: DonorPreferencesDto,
  ): Promise<DonorPreferencesView> {
    return this.preferences.set(donor.donorId, dto.installmentReceipts);
  }
}
