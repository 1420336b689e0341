import { DynamicModule, Module } from '@nestjs/common';
import { Environment, validateEnvironment } from './environment';

/**
 * The environment, validated once when the app is built (not when this file is imported);
 * services inject the typed `Environment` instead of reading process.env.
 */
@Module({})
export class ConfigModule {
  static forRoot(): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: Environment, useFactory: () => validateEnvironment(process.env) }],
      exports: [Environment],
    };
  }
}
