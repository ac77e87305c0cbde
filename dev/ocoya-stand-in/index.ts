/** Stand-in for Ocoya's public API, for tests, the demo and benchmarks. See README.md. */
export {
	startStandIn,
	DEFAULT_API_KEY,
	LIST_NAMES,
	type StandIn,
	type StandInOptions,
	type RecordedRequest,
	type CreatedCampaign,
	type ListName,
	type ListItem,
	type ListSeeds,
	type ListShape,
	type WorkspaceListSeed,
} from './server';
export type { Fault, FaultMatch } from './faults';
export type { RateLimitOptions } from './rate-limit';
export { getContract, SPEC_PATH, type CampaignContract } from './contract';
