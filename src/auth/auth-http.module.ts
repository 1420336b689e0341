import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { AuthModule } from './auth.module';
import { StaffIdentityController } from './staff-identity.controller';

/** Staff keys over HTTP: admins manage them, any key asks which role it has. */
@Module({
  imports: [AuthModule],
  controllers: [ApiKeysController, StaffIdentityController],
})
export class AuthHttpModule {}
