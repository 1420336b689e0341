import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { shutdownState } from '../common/lifecycle/shutdown-state';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { HealthView, ReadinessView } from './health.views';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { RedisHealthIndicator } from './redis.health';
import { BacklogHealthIndicator } from './backlog.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly backlog: BacklogHealthIndicator,
  ) {}

  /** Alive: the process answers. */
  @Get()
  @ApiOperation({ operationId: 'getHealth', summary: 'Alive: the process answers' })
  @ApiOkResponse({ type: HealthView, description: 'The process is alive' })
  alive(): HealthView {
    return { status: 'ok' };
  }

  /**
   * Ready: Postgres and Redis answer, and no Stripe event (`events`) or receipt or email
   * (`outbox`) has waited past READY_MAX_BACKLOG_AGE_SECONDS; 503 naming what is not.
   */
  @Get('ready')
  @ApiErrors({
    503: 'A dependency is down (named in the message and `details`), or shutting down (code: `unavailable`)',
  })
  @HealthCheck()
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Ready: Postgres and Redis answer and no backlog is too old',
  })
  @ApiOkResponse({ type: ReadinessView, description: 'Every dependency is up' })
  ready() {
    if (shutdownState.draining) {
      throw new ServiceUnavailableException('Not ready: shutting down');
    }
    const backlog = this.backlog.read();
    return this.health.check([
      () => this.database.pingCheck('postgres', { timeout: 1500 }),
      () => this.redis.isHealthy('redis'),
      () => this.backlog.events('events', backlog),
      () => this.backlog.outbox('outbox', backlog),
    ]);
  }
}
