import { Global, Module } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerModule } from '@nestjs/throttler';
import { Environment } from '../config/environment';
import { QueueService } from '../queue/queue.service';
import { FailOpenStorage } from './fail-open.storage';
import { RateLimitGuard } from './rate-limit.guard';

/** Named limits, applied per route with `@UseGuards(RateLimitGuard)` and counted in Redis. */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [Environment, QueueService],
      useFactory: (env: Environment, queues: QueueService) => ({
        throttlers: [{ name: 'donations', ttl: 60_000, limit: env.RATE_LIMIT_DONATIONS }],
        storage: new FailOpenStorage(new ThrottlerStorageRedisService(queues.redis)),
      }),
    }),
  ],
  providers: [RateLimitGuard],
  exports: [RateLimitGuard],
})
export class RateLimitModule {}
