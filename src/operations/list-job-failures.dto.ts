import { ApiProperty } from '@nestjs/swagger';
import { PageQuery } from '../common/validation/page.query';

export class ListJobFailuresQuery extends PageQuery {}

/** A job that used up its retries, with its last error. */
export class JobFailureView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'receipts' }) queue: string;
  @ApiProperty({ example: 'send-receipt' }) jobName: string;
  @ApiProperty({ example: 'receipt:0b6c…' }) jobId: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Ids only: job payloads never carry personal data',
    example: { receiptId: '0b6c2f0e-8a4b-4d53-9d2b-6f1f0c3e2a11' },
  })
  payload: Record<string, unknown>;

  @ApiProperty({ example: 5 }) attempts: number;
  @ApiProperty({ example: 'SMTP 451: try again later' }) error: string;
  @ApiProperty({ format: 'date-time' }) failedAt: string;
}
