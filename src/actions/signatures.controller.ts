import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { RateLimitGuard } from '../common/rate-limit/rate-limit.guard';
import { ConfirmSignatureDto } from './action.dto';
import { SignatureConfirmedView } from './action.views';
import { SignaturesService } from './signatures.service';

@ApiTags('actions')
@Controller('v1/signatures')
export class SignaturesController {
  constructor(private readonly signatures: SignaturesService) {}

  /** Confirms a signature with its emailed link's token (once): it counts from now. */
  @Post('confirm')
  @HttpCode(200)
  @UseGuards(RateLimitGuard)
  @ApiOperation({
    operationId: 'confirmSignature',
    summary: 'Confirm a signature with the token of its emailed link',
  })
  @ApiOkResponse({ type: SignatureConfirmedView })
  @ApiErrors({
    400: 'token missing, or unknown, used, replaced or expired (code: `invalid_token`)',
    409: 'The action no longer takes signatures (code: `not_active`)',
    429: 'Too many requests from this client: see Retry-After',
  })
  confirm(@Body() dto: ConfirmSignatureDto): Promise<SignatureConfirmedView> {
    return this.signatures.confirm(dto.token);
  }
}
