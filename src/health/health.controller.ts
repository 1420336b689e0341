import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { shutdownState } from '../common/lifecycle/shutdown-state';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { RedisHealthIndicator } from './redis.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /** Alive: the process answers. */
  @Get()
  @ApiOkResponse({ description: 'The process is alive' })
  alive() {
    return { status: 'ok' };
  }

  /** Ready: Postgres and Redis answer; 503 naming what is down. */
  @Get('ready')
  @HealthCheck()
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; the message names it' })
  ready() {
    if (shutdownState.draining) {
      throw new ServiceUnavailableException('Not ready: shutting down');
    }
    return this.health.check([
      () => this.database.pingCheck('postgres', { timeout: 1500 }),
      () => this.redis.isHealthy('redis'),
    ]);
  }
}
