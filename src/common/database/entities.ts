import { ApiKey } from '../../auth/api-key.entity';
import { Campaign } from '../../campaigns/campaign.entity';
import { JobFailure } from '../queue/job-failure.entity';

/** Every entity, listed once for the app, the CLI and TypeORM's migration generator. */
export const ENTITIES = [ApiKey, Campaign, JobFailure];
