import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { StaffGuard } from './staff.guard';
import { StaffIdentityController } from './staff-identity.controller';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey])],
  controllers: [ApiKeysController, StaffIdentityController],
  providers: [ApiKeysRepository, ApiKeysService, StaffGuard],
  exports: [ApiKeysService, StaffGuard],
})
export class AuthModule {}
