import { Module } from '@nestjs/common';
import { JobFailuresController } from './job-failures.controller';

@Module({ controllers: [JobFailuresController] })
export class OperationsModule {}
