/** Scripted OpenAI-compatible model for the AI Agent tests and demo. See README.md. */
export {
	startModelStandIn,
	DEFAULT_MODEL_API_KEY,
	type ModelStandIn,
	type ModelStandInOptions,
	type ModelRequest,
	type ModelTurn,
	type TurnContext,
} from './server';
export type { Conversation, ModelApi, ModelReply, OfferedTool } from './wire';
export { DEMO_SCRIPT, LOCAL_MODEL_CREDENTIAL, demoArguments, listedValues } from './demo';
