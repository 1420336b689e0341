import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class VerifySignInDto {
  @ApiProperty({ description: 'The token from the sign-in link (after `#token=`)' })
  @Length(1, 512)
  // Decorators run bottom-up: the type check's message comes first.
  @IsString({ message: 'token must be a string' })
  token: string;
}

export class DonorSessionView {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`' })
  accessToken: string;

  @ApiProperty({ example: '2026-11-05T12:00:00.000Z' })
  expiresAt: string;
}
