import { ApiProperty } from '@nestjs/swagger';

class PayoutLedgerEntryView {
  @ApiProperty({ example: '1042' }) id: string;
  @ApiProperty({ example: 'charge' }) kind: string;
  @ApiProperty({ description: 'Signed, minor units', example: 2500 }) amount: number;
  @ApiProperty({ example: 'eur' }) currency: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) donationId: string | null;
}

export class PayoutLineView {
  @ApiProperty({ example: 'txn_1Q2w3E4r5T6y7U8i' }) balanceTransactionId: string;
  @ApiProperty({ example: 'charge' }) type: string;
  @ApiProperty({ example: 2500 }) amount: number;
  @ApiProperty({ example: 103 }) fee: number;
  @ApiProperty({ example: 2397 }) net: number;
  @ApiProperty({ example: 'eur' }) currency: string;
  @ApiProperty({ description: 'One of our ledger entries has this balance transaction' })
  matched: boolean;
  @ApiProperty({ type: [PayoutLedgerEntryView] }) ledgerEntries: PayoutLedgerEntryView[];
}

class PayoutView {
  @ApiProperty({ example: 'po_1Q2w3E4r5T6y7U8i' }) id: string;
  @ApiProperty({ example: 238000 }) amount: number;
  @ApiProperty({ example: 'eur' }) currency: string;
  @ApiProperty({ example: 'paid' }) status: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) arrivalDate: string | null;
  @ApiProperty({ type: String, nullable: true }) failureCode: string | null;
}

class PayoutTotalsView {
  @ApiProperty({ description: 'Net of every line of the payout' }) net: number;
  @ApiProperty({ description: 'Net of the lines matched to our ledger' }) matchedNet: number;
}

/** A payout's balance transactions matched to our ledger, and those that do not match. */
export class PayoutReconciliationView {
  @ApiProperty({ type: PayoutView }) payout: PayoutView;
  @ApiProperty({ type: [PayoutLineView] }) lines: PayoutLineView[];
  @ApiProperty({ type: [PayoutLineView], description: 'For finance to chase' })
  unmatched: PayoutLineView[];
  @ApiProperty({ type: PayoutTotalsView }) totals: PayoutTotalsView;
}
