import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { JobDefinitions } from '../../src/common/queue/job-catalogue';
import { JobFailuresRepository } from '../../src/common/queue/job-failures.repository';
import { JobRunner } from '../../src/common/queue/job-runner';
import { eventually, startTestApp, TestApp } from '../support/harness';

/** The runner with a catalogue of the test's own, against the real Redis and Postgres. */
describe('job runner: retries with backoff, final failure recorded for staff', () => {
  let app: TestApp;
  let connection: IORedis;
  let queue: Queue;
  let runner: JobRunner;
  const calls: Record<string, number> = {};
  const definitions: JobDefinitions = {
    'test.flaky': { queue: 'maintenance', attempts: 3, backoffMs: 20 },
    'test.broken': { queue: 'maintenance', attempts: 3, backoffMs: 20 },
  };

  beforeAll(async () => {
    app = await startTestApp();
    connection = new IORedis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
    queue = new Queue('maintenance', { connection, prefix: app.queuePrefix });
    const count = (id: unknown) => (calls[String(id)] = (calls[String(id)] ?? 0) + 1);
    runner = new JobRunner({
      definitions,
      handlers: new Map([
        [
          'test.flaky',
          async (payload) => {
            if (count(payload.id) < 2) throw new Error('temporary failure');
          },
        ],
        [
          'test.broken',
          async (payload) => {
            count(payload.id);
            throw new Error('permanent failure: no such thing');
          },
        ],
      ]),
      connection,
      prefix: app.queuePrefix,
      concurrency: 2,
      onFinalFailure: (f) => app.api.get(JobFailuresRepository).record(f),
      logger: new Logger('test'),
    });
    runner.start();
  });
  afterAll(async () => {
    await runner?.close();
    await queue?.close();
    connection?.disconnect();
    await app?.close();
  });

  const add = (name: string, id: string) =>
    queue.add(
      name,
      { id },
      {
        jobId: id,
        attempts: definitions[name].attempts,
        backoff: { type: 'exponential', delay: 20 },
      },
    );

  it('retries a failing job until it succeeds, recording nothing', async () => {
    await add('test.flaky', 'flaky-1');
    await eventually(async () => (await queue.getJob('flaky-1'))?.finishedOn);
    expect(calls['flaky-1']).toBe(2);
    const { rows } = await app.db.query(`SELECT * FROM job_failures WHERE job_id = 'flaky-1'`);
    expect(rows).toHaveLength(0);
  });

  it('records the final failure after every attempt, visible to staff', async () => {
    await add('test.broken', 'broken-1');
    const row = await eventually(async () => {
      const { rows } = await app.db.query(`SELECT * FROM job_failures WHERE job_id = 'broken-1'`);
      return rows[0];
    });
    expect(calls['broken-1']).toBe(3);
    expect(row).toMatchObject({
      queue: 'maintenance',
      job_name: 'test.broken',
      attempts: 3,
      error: 'Error: permanent failure: no such thing',
    });

    const key = await app.createKey('admin');
    const res = await app.http
      .get('/v1/admin/job-failures')
      .set('Authorization', `Bearer ${key}`)
      .expect(200);
    expect(res.body.data[0]).toMatchObject({
      jobId: 'broken-1',
      jobName: 'test.broken',
      attempts: 3,
      payload: { id: 'broken-1' },
    });
  });

  it('refuses a catalogue whose jobs do not have exactly one handler', () => {
    expect(() => JobRunner.assertCatalogueCovered(definitions, ['test.flaky'])).toThrow(
      'job "test.broken" has 0 handlers (needs exactly 1)',
    );
    expect(() =>
      JobRunner.assertCatalogueCovered(definitions, ['test.flaky', 'test.broken', 'test.flaky']),
    ).toThrow('job "test.flaky" has 2 handlers');
    expect(() =>
      JobRunner.assertCatalogueCovered(definitions, ['test.flaky', 'test.broken', 'test.other']),
    ).toThrow('handler for unknown job "test.other"');
  });
});
