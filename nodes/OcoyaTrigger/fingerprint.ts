import { sha256Hex } from '../Ocoya/transport/fingerprint';

/**
 * A fingerprint of the credential a trigger's record was made with: SHA-256 of the Base URL and
 * the API key, cut to 96 bits. It tells two credentials apart without holding anything that gives
 * the key back, so it may sit in the workflow's static data (which n8n stores with the workflow).
 */
export function credentialFingerprint(baseUrl: string, apiKey: string): string {
	return sha256Hex(`ocoya-trigger-record\n${baseUrl.replace(/\/+$/, '')}\n${apiKey}`).slice(0, 24);
}
