import { Body, Controller, Get, Param, ParseIntPipe, Patch, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { invalidField } from '../common/errors/domain-error';
import { AuthenticatedDonor } from '../donor-auth/donor-sessions.service';
import { CurrentDonor, DonorOnly } from '../donor-auth/donor.guard';
import { DonorPreferencesDto } from './receipts.dto';
import { ReceiptsService } from './receipts.service';
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
  @ApiOkResponse({ description: 'The donor’s receipt preferences' })
  setPreferences(@CurrentDonor() donor: AuthenticatedDonor, @Body() dto: DonorPreferencesDto) {
    return this.preferences.set(donor.donorId, dto.installmentReceipts);
  }
}
