import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { RateLimitGuard } from '../common/rate-limit/rate-limit.guard';
import { DonorEmailChangesService } from './donor-email-changes.service';
import { ConfirmEmailChangeDto, EmailChangedView } from './email-change.dto';

/**
 * The emailed link of an email change (asked for with `PATCH /v1/donor/profile`). No session is
 * needed: the token proves the new address, and the change was asked for by a signed-in donor.
 */
@ApiTags('donor')
@Controller('v1/donor/email-changes')
export class DonorEmailChangesController {
  constructor(private readonly changes: DonorEmailChangesService) {}

  /** Uses the link's token (once): the donor's email becomes the new address. */
  @Post('confirm')
  @HttpCode(200)
  @UseGuards(RateLimitGuard)
  @ApiOperation({
    operationId: 'confirmDonorEmailChange',
    summary: 'Confirm a new email address with the token of its emailed link',
  })
  @ApiOkResponse({ type: EmailChangedView })
  @ApiErrors({
    400: 'token missing, or unknown, used, replaced or expired (code: `invalid_token`)',
    409: 'Another donor record already uses the address; nothing changed (code: `email_taken`)',
    429: 'Too many requests from this client: see Retry-After',
  })
  async confirm(@Body() dto: ConfirmEmailChangeDto): Promise<EmailChangedView> {
    const { email } = await this.changes.confirm(dto.token);
    return { email, message: 'Your email address is changed. Sign in again with it.' };
  }
}
