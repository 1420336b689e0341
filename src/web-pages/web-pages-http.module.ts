import { Module } from '@nestjs/common';
import { PublicConfigController } from './public-config.controller';

/** Configuration the dashboard, donor portal and widget read (the pages are served in bootstrap). */
@Module({ controllers: [PublicConfigController] })
export class WebPagesHttpModule {}
