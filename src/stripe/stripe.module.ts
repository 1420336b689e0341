import { Global, Module } from '@nestjs/common';
import { StripeGateway } from './stripe-gateway';

@Global()
@Module({ providers: [StripeGateway], exports: [StripeGateway] })
export class StripeModule {}
