import { Module } from '@nestjs/common';
import { AdminApiKeysController } from './admin-api-keys.controller';
import { AuthModule } from './auth.module';
import { AdminIdentityController } from './admin-identity.controller';

/** Staff keys over HTTP: admins manage them, any key asks which role it has. */
@Module({
  imports: [AuthModule],
  controllers: [AdminApiKeysController, AdminIdentityController],
})
export class AuthHttpModule {}
