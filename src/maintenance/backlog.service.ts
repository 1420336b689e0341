import { Injectable } from '@nestjs/common';
import { BacklogRepository, OutboxBacklog } from './backlog.repository';

export type { OutboxBacklog } from './backlog.repository';

/** How much work waits in each outbox and for how long: for readiness checks. */
@Injectable()
export class BacklogService {
  constructor(private readonly backlog: BacklogRepository) {}

  /** Each outbox's pending rows and the longest wait among them. */
  read(): Promise<OutboxBacklog[]> {
    return this.backlog.backlog();
  }
}
