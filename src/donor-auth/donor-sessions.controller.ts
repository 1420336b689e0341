import { Body, Controller, Delete, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { Request, Response } from 'express';
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

  /**
   * Emails a single-use sign-in link to a donor who has given or signed; the same answer for any
   * address, sent before anything is looked up about it (the link is prepared once the answer
   * has gone out).
   */
  @Post()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'requestDonorSignIn',
    summary: 'Email a sign-in link (the same answer for any address)',
  })
  @ApiAcceptedResponse({ type: SignInRequestedView })
  @ApiErrors({ 400: 'email is not an email address', 429: 'Too many requests from this client' })
  async request(
    @Body() dto: RequestSignInDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SignInRequestedView> {
    await this.sessions.checkClient(req.ip);
    res.once('finish', () => void this.sessions.sendSignInLink(dto.email));
    return { message: SIGN_IN_REQUESTED_MESSAGE };
  }

  /** Exchanges the link's token (once) for an access token. */
  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'verifyDonorSignIn',
    summary: 'Exchange a sign-in link’s token for an access token',
  })
  @ApiOkResponse({ type: DonorSessionView })
  @ApiErrors({ 400: 'token is missing', 401: 'The sign-in link is invalid, used or expired' })
  async verify(@Body() dto: VerifySignInDto): Promise<DonorSessionView> {
    const { accessToken, expiresAt } = await this.sessions.verify(dto.token);
    return { accessToken, expiresAt: expiresAt.toISOString() };
  }

  /** Signs out: the access token stops working. */
  @Delete('current')
  @DonorOnly()
  @HttpCode(204)
  @ApiOperation({
    operationId: 'signOutDonor',
    summary: 'Sign out: this access token stops working',
  })
  @ApiNoContentResponse({ description: 'Signed out (no body)' })
  async signOut(@CurrentDonor() donor: AuthenticatedDonor): Promise<void> {
    await this.sessions.signOut(donor.sessionId);
  }

  /** Signs out everywhere: every access token of the donor stops working, and unused links. */
  @Delete()
  @DonorOnly()
  @HttpCode(204)
  @ApiOperation({
    operationId: 'signOutDonorEverywhere',
    summary: 'Sign out everywhere: every access token and unused link of the donor',
  })
  @ApiNoContentResponse({ description: 'Every session of the donor signed out (no body)' })
  async signOutEverywhere(@CurrentDonor() donor: AuthenticatedDonor): Promise<void> {
    await this.sessions.signOutEverywhere(donor.donorId);
  }
}
