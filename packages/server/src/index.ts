export { buildServer, type Switchboard } from './build-server';
export { loadConfig, testConfig, type Config } from './config';
export { signToken } from './auth/token-signer';
export type { Services } from './services';
