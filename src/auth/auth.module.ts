import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { StaffGuard } from './staff.guard';

/** Staff API keys and the guard every staff route uses (`@StaffOnly`), in every process. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey])],
  providers: [ApiKeysRepository, ApiKeysService, StaffGuard],
  exports: [ApiKeysService, StaffGuard],
})
export class AuthModule {}
