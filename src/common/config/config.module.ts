import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Environment, validateEnvironment } from './environment';

/**
 * @nestjs/config validates the environment at boot; services inject the typed
 * `Environment` instead of reading process.env.
 */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, cache: true, validate: validateEnvironment }),
  ],
  providers: [{ provide: Environment, useFactory: () => validateEnvironment(process.env) }],
  exports: [Environment],
})
export class AppConfigModule {}
