import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import {
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidationArguments,
} from 'class-validator';
import { CreateDonationDto } from '../../donations/create-donation.dto';
import { PLEDGE_INTERVALS, PledgeInterval } from '../../pledges/pledge.entity';
import { INTERVAL_MESSAGE } from '../../pledges/pledge-interval';
import { Trim } from '../../common/validation/transforms';

/** Hosts a site may send donors back to over plain http, outside production: a developer's machine. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The longest return URL we pass on (Stripe takes up to 5000 characters). */
const RETURN_URL_MAX = 2000;

/**
 * Why a return URL is refused, or null: an absolute https URL (http only to a loopback host),
 * without user:password@. It is passed to Stripe as written, so that a
 * `{CHECKOUT_SESSION_ID}` placeholder in it stays a placeholder for Stripe to fill.
 */
export function returnUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://example.org/thanks';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)))
    return 'must be an https URL (http only for localhost)';
  if (url.username || url.password) return 'must not carry a user name or password';
  return null;
}

const IsReturnUrl = () =>
  ValidateBy({
    name: 'returnUrl',
    validator: {
      validate: (value: unknown) => returnUrlProblem(value) === null,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} ${returnUrlProblem(args?.value)}`,
    },
  });

/**
 * A gift or pledge paid on Stripe's hosted Checkout page, for sites that only want a link:
 * what a one-off donation takes, without receipt name, address, message, tribute or fee cover
 * (Checkout shows the amount it charges), plus where Stripe sends the donor back.
 */
export class CreateCheckoutSessionDto extends PickType(CreateDonationDto, [
  'amount',
  'currency',
  'email',
  'anonymous',
  'displayName',
  'captchaToken',
] as const) {
  @ApiPropertyOptional({
    enum: PLEDGE_INTERVALS,
    description:
      'A recurring gift (a pledge) charged every week, month, quarter (three months) or year; absent: a one-off gift',
  })
  @IsOptional()
  @IsIn(PLEDGE_INTERVALS, { message: INTERVAL_MESSAGE })
  interval?: PledgeInterval;

  @ApiProperty({
    example: 'https://example.org/thanks?session={CHECKOUT_SESSION_ID}',
    description:
      'Where Stripe sends the donor after paying: an absolute https URL (http only for localhost, outside production). Stripe replaces `{CHECKOUT_SESSION_ID}` in it with the session id; nothing is added otherwise',
    maxLength: RETURN_URL_MAX,
  })
  @Trim()
  @IsString({ message: 'successUrl must be a string' })
  @MaxLength(RETURN_URL_MAX, { message: `successUrl must be at most ${RETURN_URL_MAX} characters` })
  @IsReturnUrl()
  successUrl: string;

  @ApiProperty({
    example: 'https://example.org/donate',
    description: 'Where Stripe sends the donor who leaves without paying: same rules as successUrl',
    maxLength: RETURN_URL_MAX,
  })
  @Trim()
  @IsString({ message: 'cancelUrl must be a string' })
  @MaxLength(RETURN_URL_MAX, { message: `cancelUrl must be at most ${RETURN_URL_MAX} characters` })
  @IsReturnUrl()
  cancelUrl: string;
}

export class CheckoutSessionCreatedView {
  @ApiProperty({ example: 'cs_test_a1b2c3', description: 'The Stripe Checkout Session id' })
  sessionId: string;

  @ApiProperty({
    example: 'https://checkout.stripe.com/c/pay/cs_test_a1b2c3',
    description: 'Stripe’s hosted payment page: send the donor there',
  })
  url: string;
}
