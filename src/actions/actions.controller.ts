import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { ApiErrors, ListOf } from '../common/openapi/api-errors.decorator';
import { COUNT_WHEN, quietCreation } from '../common/rate-limit/creation-limits.interceptor';
import { StartsSignature } from '../common/rate-limit/gift-creation.decorator';
import { SignActionDto, SignersQuery } from './action.dto';
import { CHECK_EMAIL_MESSAGE, PublicActionView, SignatureAcceptedView } from './action.views';
import { ActionsService } from './actions.service';
import { SignaturesService } from './signatures.service';

@ApiTags('actions')
@Controller('v1/campaigns/:slug/actions')
export class ActionsController {
  constructor(
    private readonly actions: ActionsService,
    private readonly signatures: SignaturesService,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listActions',
    summary: 'A campaign’s actions (active and closed), with their counts',
  })
  @ApiOkResponse({ type: ListOf(PublicActionView), description: 'Without `signers`' })
  @ApiErrors({ 404: 'No such campaign (or a draft)' })
  async list(@Param('slug') slug: string): Promise<{ data: PublicActionView[] }> {
    return { data: await this.actions.listPublic(slug) };
  }

  @Get(':action')
  @ApiOperation({
    operationId: 'getPublicAction',
    summary: 'One action, its letter, its count and a page of its public signers',
  })
  @ApiOkResponse({ type: PublicActionView, description: 'With `signers`' })
  @ApiErrors({
    400: 'A malformed signersLimit or signersCursor',
    404: 'No such action (or a draft)',
  })
  get(
    @Param('slug') slug: string,
    @Param('action') action: string,
    @Query() query: SignersQuery,
  ): Promise<PublicActionView> {
    return this.actions.getPublic(slug, action, query.signersLimit, query.signersCursor);
  }

  /**
   * Signs the action: the same 202 whoever signs (new, repeated, confirmed, withdrawn), sent
   * before anything about the address is looked up; the signature and its confirmation email
   * are written once the answer has gone out.
   */
  @Post(':action/signatures')
  @HttpCode(202)
  @StartsSignature()
  @ApiOperation({
    operationId: 'signAction',
    summary: 'Sign an action: a confirmation link is emailed (the same answer for any address)',
  })
  @ApiAcceptedResponse({ type: SignatureAcceptedView })
  @ApiErrors({
    404: 'No such action (or campaign)',
    409: 'The action does not take signatures (draft or closed; code: `not_active`)',
  })
  async sign(
    @Param('slug') slug: string,
    @Param('action') actionSlug: string,
    @Body() dto: SignActionDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SignatureAcceptedView> {
    const action = await this.signatures.findSignable(slug, actionSlug);
    // Over the address's window: the same answer, and nothing recorded or mailed.
    const quiet = quietCreation(req);
    const mailed = new Promise<boolean>((resolve) => {
      res.once('finish', () => resolve(quiet ? false : this.signatures.record(action, dto)));
    });
    const view: SignatureAcceptedView & { [COUNT_WHEN]: Promise<boolean> } = {
      status: 'check_email',
      message: CHECK_EMAIL_MESSAGE,
      [COUNT_WHEN]: mailed,
    };
    return view;
  }
}
