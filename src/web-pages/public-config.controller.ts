import { Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Environment } from '../common/config/environment';
import { captchaRequired } from '../common/rate-limit/captcha.service';
import { stripeSimulated } from './web-pages';

export class PublicConfigView {
  @ApiProperty({ nullable: true, type: String, description: 'For Stripe.js; null when unset' })
  stripePublishableKey: string | null;

  @ApiProperty({ description: 'Payments go to a Stripe stand-in: card forms are simulated' })
  simulated: boolean;

  @ApiPropertyOptional({ description: 'The stand-in’s URL, when simulated' })
  standInUrl?: string;

  @ApiProperty({ description: 'Starting a donation or pledge needs a `captchaToken`' })
  captchaRequired: boolean;

  @ApiProperty({ nullable: true, type: String, description: 'The CAPTCHA widget’s site key' })
  captchaSiteKey: string | null;

  @ApiProperty({ description: 'The organisation’s name (ORGANIZATION_NAME), for page headers' })
  organizationName: string;
}

/** What the web pages need to know about this deployment; nothing secret. */
@ApiTags('config')
@Controller('v1/config')
export class PublicConfigController {
  constructor(private readonly env: Environment) {}

  @Get()
  @ApiOperation({
    operationId: 'getConfig',
    summary: 'What the web pages need to know (nothing secret)',
  })
  @ApiOkResponse({ type: PublicConfigView })
  get(): PublicConfigView {
    const simulated = stripeSimulated(this.env);
    return {
      stripePublishableKey: this.env.STRIPE_PUBLISHABLE_KEY ?? null,
      simulated,
      ...(simulated ? { standInUrl: new URL(this.env.STRIPE_API_URL).origin } : {}),
      captchaRequired: captchaRequired(this.env),
      captchaSiteKey: this.env.CAPTCHA_SITE_KEY ?? null,
      organizationName: this.env.ORGANIZATION_NAME,
    };
  }
}
