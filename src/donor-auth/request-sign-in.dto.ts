import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';
import { Trim } from '../common/validation/transforms';

export class RequestSignInDto {
  @ApiProperty({ example: 'donor@example.org', description: 'The address the donor gave with' })
  @Trim()
  @MaxLength(254)
  // Decorators run bottom-up: the type check's message comes first.
  @IsEmail({}, { message: 'email must be a valid email address' })
  email: string;
}

export class SignInRequestedView {
  @ApiProperty({
    example: 'If this address has given to or signed for a campaign, a sign-in link is on its way.',
  })
  message: string;
}
