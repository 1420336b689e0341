import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../common/validation/page.query';
import { SEND_STATUSES, SendStatus } from './receipt.entity';

export class ListReceiptsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SEND_STATUSES })
  @IsOptional()
  @IsIn(SEND_STATUSES)
  status?: SendStatus;
}

export class DonorPreferencesDto {
  @ApiProperty({
    enum: ['each', 'year_end'],
    description: 'A receipt for every installment, or only the year-end statement',
  })
  @IsIn(['each', 'year_end'])
  installmentReceipts: 'each' | 'year_end';
}

export class DonorPreferencesView {
  @ApiProperty({ enum: ['each', 'year_end'], example: 'year_end' })
  installmentReceipts: 'each' | 'year_end';
}
