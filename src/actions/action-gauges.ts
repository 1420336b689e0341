import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { SignaturesRepository } from './signatures.repository';

/** Registered once per process (its registry would refuse a second gauge of the name). */
const registered = new WeakSet<MetricsService>();

/**
 * The confirmed signatures of each action (drafts left out), read when Prometheus scrapes: one
 * grouped count. Labelled by action id only.
 */
@Injectable()
export class ActionGauges implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly signatures: SignaturesRepository,
  ) {}

  onModuleInit(): void {
    if (registered.has(this.metrics)) return;
    registered.add(this.metrics);
    this.metrics.gauge(
      {
        name: 'pledge_action_signatures_confirmed',
        help: 'Confirmed signatures (not withdrawn) of each action that is not a draft, by action id',
        labelNames: ['action'] as const,
      },
      async (gauge) => {
        for (const { actionId, count } of await this.signatures.confirmedCounts()) {
          gauge.set({ action: actionId }, count);
        }
      },
    );
  }
}
