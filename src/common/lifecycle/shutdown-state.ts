/**
 * Set when the process has been asked to stop. The API then answers readiness with 503 so
 * that load balancers stop sending it requests, while it still serves those already sent.
 */
export const shutdownState = { draining: false };
