import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DonorAuthModule } from '../donor-auth/donor-auth.module';
import { MailModule } from '../mail/mail.module';
import { ReceiptIssuerService } from './receipt-issuer.service';
import { Receipt, ReceiptCounter, Statement } from './receipt.entity';
import { ReceiptPreferencesService } from './receipt-preferences.service';
import { AdminReceiptsController, DonorReceiptsController } from './receipts.controller';
import { ReceiptsProcessor } from './receipts.processor';
import { ReceiptsRepository } from './receipts.repository';
import { ReceiptsService } from './receipts.service';

/** Issuing, rendering and sending receipts: what both the API and the worker need. */
@Module({
  imports: [TypeOrmModule.forFeature([Receipt, ReceiptCounter, Statement]), MailModule],
  providers: [ReceiptsRepository, ReceiptIssuerService, ReceiptsService],
  exports: [ReceiptIssuerService, ReceiptsService, MailModule],
})
export class ReceiptsCoreModule {}

/** Donors' and staff's receipt endpoints. */
@Module({
  imports: [ReceiptsCoreModule, DonorAuthModule],
  controllers: [DonorReceiptsController, AdminReceiptsController],
  providers: [ReceiptPreferencesService],
})
export class ReceiptsModule {}

/** The worker side: sends receipts and statements, relays pending ones. */
@Module({ imports: [ReceiptsCoreModule], providers: [ReceiptsProcessor] })
export class ReceiptsWorkerModule {}
