import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DonationsService } from './donations.service';
import { QuoteQuery, QuoteView } from './quote.dto';

@ApiTags('donations')
@Controller('v1/campaigns/:slug/quote')
export class QuoteController {
  constructor(private readonly donations: DonationsService) {}

  /**
   * What a gift of this amount will charge, fees covered or not, checked against the
   * campaign's rules as a donation is: a form shows the exact extra before the donor pays.
   */
  @Get()
  @ApiOkResponse({ type: QuoteView })
  quote(@Param('slug') slug: string, @Query() query: QuoteQuery): Promise<QuoteView> {
    return this.donations.quote(slug, query);
  }
}
