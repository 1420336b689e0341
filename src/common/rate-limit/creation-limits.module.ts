import { Global, Module } from '@nestjs/common';
import { CaptchaService } from './captcha.service';
import { CreationLimitsInterceptor } from './creation-limits.interceptor';
import { CreationLimitsService } from './creation-limits.service';

/**
 * Abuse limits on starting gifts, in every process: the API checks them
 * (`@UseInterceptors(CreationLimitsInterceptor)`), the worker counts failed payments.
 */
@Global()
@Module({
  providers: [CreationLimitsService, CaptchaService, CreationLimitsInterceptor],
  exports: [CreationLimitsService, CaptchaService, CreationLimitsInterceptor],
})
export class CreationLimitsModule {}
