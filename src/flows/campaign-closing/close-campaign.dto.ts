import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { CampaignView } from '../../campaigns/campaign.views';

export class CloseCampaignDto {
  @ApiPropertyOptional({
    example: 'protect-camp-ashraf',
    description:
      'Another open campaign: its pledge donors are offered to continue the same gift to it',
  })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  successor?: string;

  @ApiPropertyOptional({
    example: 'The seven are free. Thank you for standing with them.',
    description: 'Told to each pledge donor in the closing email and in their donor account',
    maxLength: 2000,
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;
}

export class CampaignClosedView {
  @ApiProperty({ type: CampaignView }) campaign: CampaignView;

  @ApiProperty({ type: String, nullable: true, example: 'protect-camp-ashraf' })
  successor: string | null;

  @ApiProperty({
    example: 42,
    description:
      'Pledges running on it (active, paused, past due): each ends at the end of its paid period unless its donor moves it',
  })
  pledges: number;

  @ApiProperty({
    example: 40,
    description: 'Donors emailed (once each, whatever their number of pledges)',
  })
  donorsEmailed: number;
}
