import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ActionDelivery, DELIVERY_STATUSES, DeliveryStatus } from './action-delivery.entity';

/** `POST /v1/admin/actions/:id/deliveries`: every field optional. */
export class CreateDeliveryDto {
  @ApiPropertyOptional({
    maxLength: 1000,
    description: 'A few words from staff put above the letter in the email to the target',
    example:
      'Ahead of the Working Group’s session of 8 December, the signatures collected since our last letter.',
  })
  @IsOptional()
  @IsString({ message: 'note must be text' })
  @MaxLength(1000, { message: 'note must be at most 1000 characters' })
  note?: string;
}

/** One delivery of an action's signatures to its target. */
export class DeliveryView {
  @ApiProperty({ format: 'uuid' }) id: string;

  @ApiProperty({
    enum: DELIVERY_STATUSES,
    description:
      '`pending` until the email is accepted by SMTP (`sent`); `failed` once its tries are used up',
  })
  status: DeliveryStatus;

  @ApiProperty({
    description:
      'How many signatures it carries: the confirmed ones no earlier delivery carried (once sent: those the email listed, signers who withdrew before it left out)',
    example: 42,
  })
  signatures: number;

  @ApiProperty({ description: 'The version of the letter the email carries', example: 2 })
  letterVersion: number;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'When the first signature it carries was confirmed',
  })
  confirmedFrom: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'When the last signature it carries was confirmed',
  })
  confirmedTo: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Staff’s note, as sent' })
  note: string | null;

  @ApiProperty({
    enum: ['staff', 'schedule'],
    description: 'Made by staff, or by the action’s `deliveryCron`',
  })
  trigger: 'staff' | 'schedule';

  @ApiProperty({ type: String, nullable: true, description: 'Why the last send failed' })
  lastError: string | null;

  @ApiProperty({ format: 'date-time' }) createdAt: string;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) sentAt: string | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function deliveryView(d: ActionDelivery): DeliveryView {
  return {
    id: d.id,
    status: d.status,
    signatures: d.signatures,
    letterVersion: d.letterVersion,
    confirmedFrom: iso(d.confirmedFrom),
    confirmedTo: iso(d.confirmedTo),
    note: d.note,
    trigger: d.idempotencyKey.startsWith('schedule:') ? 'schedule' : 'staff',
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    sentAt: iso(d.sentAt),
  };
}
