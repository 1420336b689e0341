import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
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
  @ApiOperation({
    operationId: 'quoteGift',
    summary: 'What a gift will charge, fees covered or not, before it exists',
  })
  @ApiOkResponse({ type: QuoteView })
  @ApiErrors({
    400: 'A malformed field, a currency the campaign does not take, an amount outside its limits',
    404: 'No such campaign',
    409: 'The campaign does not take gifts now',
  })
  quote(@Param('slug') slug: string, @Query() query: QuoteQuery): Promise<QuoteView> {
    return this.donations.quote(slug, query);
  }
}
