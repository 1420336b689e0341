import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DonorsModule } from '../donors/donors.module';
import { MailModule } from '../mail/mail.module';
import { ReceiptErasureService } from './receipt-erasure.service';
import { ReceiptIssuerService } from './receipt-issuer.service';
import { Receipt, ReceiptCounter, Statement } from './receipt.entity';
import { ReceiptPreferencesService } from './receipt-preferences.service';
import { ReceiptsRepository } from './receipts.repository';
import { ReceiptsService } from './receipts.service';

/** Issuing, rendering and sending receipts and statements: for the API and the worker. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Receipt, ReceiptCounter, Statement]),
    MailModule,
    DonorsModule,
  ],
  providers: [
    ReceiptsRepository,
    ReceiptIssuerService,
    ReceiptsService,
    ReceiptPreferencesService,
    ReceiptErasureService,
  ],
  exports: [
    ReceiptIssuerService,
    ReceiptsService,
    ReceiptPreferencesService,
    ReceiptErasureService,
  ],
})
export class ReceiptsModule {}
