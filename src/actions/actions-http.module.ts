import { Module } from '@nestjs/common';
import { ActionsModule } from './actions.module';

/** Staff, public and donor routes of campaign actions. */
@Module({
  imports: [ActionsModule],
})
export class ActionsHttpModule {}
