import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Environment, validateEnvironment } from './environment';

/**
 * @nestjs/config validates the environment when the app is built (not when this file is
 * imported); services inject the typed `Environment` instead of reading process.env.
 */
@Module({})
export class AppConfigModule {
  static forRoot(): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, cache: true, validate: validateEnvironment }),
      ],
      providers: [{ provide: Environment, useFactory: () => validateEnvironment(process.env) }],
      exports: [Environment],
    };
  }
}
