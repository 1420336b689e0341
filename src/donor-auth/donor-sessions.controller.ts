import { Body, Controller, Delete, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Request } from 'express';
import { CurrentDonor, DonorOnly } from './donor.guard';
import {
  AuthenticatedDonor,
  DonorSessionsService,
  SIGN_IN_REQUESTED_MESSAGE,
} from './donor-sessions.service';
import { RequestSignInDto, SignInRequestedView } from './request-sign-in.dto';
import { DonorSessionView, VerifySignInDto } from './verify-sign-in.dto';

@ApiTags('donor')
@Controller('v1/donor/sessions')
export class DonorSessionsController {
  constructor(private readonly sessions: DonorSessionsService) {}

  /** Emails a single-use sign-in link to a known donor; the same answer for any address. */
  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: SignInRequestedView })
  @ApiTooManyRequestsResponse({ description: 'Too many requests for this address or client' })
  async request(@Body() dto: RequestSignInDto, @Req() req: Request): Promise<SignInRequestedView> {
    await this.sessions.requestSignIn(dto.email, req.ip);
    return { message: SIGN_IN_REQUESTED_MESSAGE };
  }

  /** Exchanges the link's token (once) for an access token. */
  @Post('verify')
  @HttpCode(200)
  @ApiOkResponse({ type: DonorSessionView })
  @ApiUnauthorizedResponse({ description: 'The sign-in link is invalid, used or expired' })
  async verify(@Body() dto: VerifySignInDto): Promise<DonorSessionView> {
    const { accessToken, expiresAt } = await this.sessions.verify(dto.token);
    return { accessToken, expiresAt: expiresAt.toISOString() };
  }

  /** Signs out: the access token stops working. */
  @Delete('current')
  @DonorOnly()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Signed out' })
  async signOut(@CurrentDonor() donor: AuthenticatedDonor): Promise<void> {
    await this.sessions.signOut(donor.sessionId);
  }
}
