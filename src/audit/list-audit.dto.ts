import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { invalidField } from '../common/errors/domain-error';
import { Trim } from '../common/validation/transforms';

/** Where a page starts: below an entry's id (exact), or before a time. */
export type AuditCursor = { id: string } | { time: Date };

export class ListAuditQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({
    description:
      'Only entries older than this: the `id` of the last entry seen (exact paging), or a time (ISO 8601)',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 40)
  before?: string;

  @ApiPropertyOptional({
    description: 'Only this action, exactly: method and route pattern',
    example: 'PATCH /v1/admin/campaigns/:slug',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 300)
  action?: string;

  @ApiPropertyOptional({ description: 'Only actions made with this API key (its id)' })
  @IsOptional()
  @IsUUID()
  keyId?: string;
}

/** `before` as an entry id (digits) or a time; anything else is refused, naming the field. */
export function auditCursor(before: string | undefined): AuditCursor | undefined {
  if (before === undefined) return undefined;
  if (/^\d{1,18}$/.test(before)) return { id: before };
  const time = /^\d{4}-\d{2}-\d{2}/.test(before) ? new Date(before) : null;
  if (!time || Number.isNaN(time.getTime())) {
    throw invalidField(
      'before',
      'invalid_format',
      'before must be an audit entry id or an ISO 8601 time',
    );
  }
  return { time };
}

export class AuditEntryView {
  @ApiProperty({
    description: 'Sequence number, as a string (bigint); newer entries have higher ids',
  })
  id: string;
  @ApiProperty({ nullable: true, type: String, description: 'Null for CLI operators' })
  staffKeyId: string | null;
  @ApiProperty({ description: 'The key’s name then; `cli` for operator commands' })
  staffKeyName: string;
  @ApiProperty({ nullable: true, type: String }) role: string | null;
  @ApiProperty({ example: 'PATCH /v1/admin/campaigns/:slug' }) action: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Route parameters',
    example: { slug: 'release-the-seven' },
  })
  target: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Request body, personal data and secrets redacted',
  })
  request: Record<string, unknown> | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The response’s id and status, or the error',
  })
  response: Record<string, unknown> | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Null when the outcome was never recorded (the process stopped mid-action)',
  })
  statusCode: number | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
}
