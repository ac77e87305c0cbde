/** Stand-in for Ocoya's public API, for tests, the demo and benchmarks. See README.md. */
export {
	startStandIn,
	DEFAULT_API_KEY,
	LIST_NAMES,
	type StandIn,
	type StandInOptions,
	type ContractReadings,
	type RecordedRequest,
	type CreatedCampaign,
	type ListName,
	type ListItem,
	type ListSeeds,
	type ListShape,
	type ShapedList,
	type WorkspaceListSeed,
} from './server';
export {
	POST_STATUSES,
	DEFAULT_WORKSPACE_ID,
	isPostStatus,
	type PostStatus,
	type AnyPostStatus,
	type PostOrder,
	type PostGroup,
	type PostEntry,
	type Creative,
	type SocialProfile,
	type NewPost,
	type PostSeed,
	type PostChange,
} from './posts';
export type { Fault, FaultMatch } from './faults';
export type { RateLimitOptions } from './rate-limit';
export { getContract, SPEC_PATH, PUBLIC_SPEC_PATH, type CampaignContract } from './contract';
export {
	getPublicContract,
	type PublicContract,
	type OperationContract,
	type OperationMatch,
	type StatusesFormat,
	type Query,
} from './public-contract';
