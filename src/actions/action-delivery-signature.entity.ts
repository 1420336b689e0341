import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ActionDelivery } from './action-delivery.entity';
import { Signature } from './signature.entity';

/**
 * Which signatures a delivery carries: each confirmed signature goes in one delivery at most
 * (unique `signature_id`), so a signature that commits its confirmation while a delivery is
 * being made is simply carried by the next one, never skipped by a window's edge. Erasing a
 * signature takes its rows here with it.
 */
@Entity('action_delivery_signatures')
@Index('action_delivery_signatures_signature', ['signatureId'], { unique: true })
export class ActionDeliverySignature {
  @PrimaryColumn('uuid', { name: 'delivery_id' })
  deliveryId: string;

  @ManyToOne(() => ActionDelivery, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id' })
  delivery?: ActionDelivery;

  @PrimaryColumn('uuid', { name: 'signature_id' })
  signatureId: string;

  @ManyToOne(() => Signature, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'signature_id' })
  signature?: Signature;
}
