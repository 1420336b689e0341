import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobFailure } from './job-failure.entity';
import { JobFailuresRepository } from './job-failures.repository';
import { JobFailuresService } from './job-failures.service';
import { QueueService } from './queue.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([JobFailure])],
  providers: [QueueService, JobFailuresRepository, JobFailuresService],
  exports: [QueueService, JobFailuresService],
})
export class QueueModule {}
