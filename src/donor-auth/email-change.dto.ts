import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ConfirmEmailChangeDto {
  @ApiProperty({ description: 'The token from the email change link’s fragment (after `#token=`)' })
  @IsString({ message: 'token must be a string' })
  @Length(1, 200, { message: 'token must be 1 to 200 characters' })
  token: string;
}

export class EmailChangedView {
  @ApiProperty({
    example: 'new.address@example.org',
    description: 'The donor’s email from now on (the address that confirmed it)',
  })
  email: string;

  @ApiProperty({
    example: 'Your email address is changed. Sign in again with it.',
    description: 'Every session of the donor ended: they sign in again with the new address',
  })
  message: string;
}
