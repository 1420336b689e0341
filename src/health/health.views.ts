import { ApiProperty } from '@nestjs/swagger';

export class HealthView {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

/** @nestjs/terminus's answer when every check passes. */
export class ReadinessView {
  @ApiProperty({ enum: ['ok'] }) status: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Each check’s state',
    example: {
      postgres: { status: 'up' },
      redis: { status: 'up' },
      events: { status: 'up' },
      outbox: { status: 'up' },
    },
  })
  info: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, example: {} })
  error: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'info and error together',
  })
  details: Record<string, unknown>;
}
