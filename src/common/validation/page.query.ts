import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?limit=&before=`: newest first, the next page before the oldest time seen. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ description: 'Only items before this time (ISO 8601), to page' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  before?: Date;
}
