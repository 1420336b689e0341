import { api } from './api';

/** What GET /v1/config tells the pages about this deployment (nothing secret). */
export interface PublicConfig {
  stripePublishableKey: string | null;
  simulated: boolean;
  standInUrl?: string;
  /** ORGANIZATION_NAME: who the gifts go to, for page headers. */
  organizationName: string;
}

let config: Promise<PublicConfig> | null = null;

/** Asked once per page load; a failure is asked again next time. */
export function publicConfig(): Promise<PublicConfig> {
  config ??= api<PublicConfig>('/v1/config').catch((error) => {
    config = null;
    throw error;
  });
  return config;
}
