/** Response headers as n8n's request helper returns them: lower-cased names. */
export type ResponseHeaders = Record<string, string | string[] | number | undefined>;

const EPOCH_MS_THRESHOLD = 1e12;
const EPOCH_SECONDS_THRESHOLD = 1e9;
const MAX_BACKOFF_MS = 30_000;
const BACKOFF_BASE_MS = 1000;

function header(headers: ResponseHeaders, name: string): string | undefined {
	const value = headers[name];
	if (Array.isArray(value)) return value[0];
	return value === undefined ? undefined : String(value);
}

/**
 * Ocoya's docs do not fix the unit of X-RateLimit-Reset, and proxies rewrite it, so the
 * magnitude decides: epoch milliseconds, epoch seconds, or seconds from now.
 */
export function parseRateLimitReset(value: string | undefined, now: number): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const n = Number(value);
	if (!Number.isFinite(n) || n < 0) return undefined;
	if (n >= EPOCH_MS_THRESHOLD) return n;
	if (n >= EPOCH_SECONDS_THRESHOLD) return n * 1000;
	return now + n * 1000;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return seconds >= 0 ? now + seconds * 1000 : undefined;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : date;
}

/** How long to wait after a 429 before sending the same request again, when the headers say. */
export function retryDelayAfter429Ms(headers: ResponseHeaders, now: number): number | undefined {
	const resumeAt =
		parseRateLimitReset(header(headers, 'x-ratelimit-reset'), now) ??
		parseRetryAfter(header(headers, 'retry-after'), now);
	return resumeAt === undefined ? undefined : Math.max(0, resumeAt - now);
}

/** Exponential backoff with full jitter, for a 429 that says nothing about when to come back. */
export function backoffDelayMs(attempt: number): number {
	const ceiling = Math.min(MAX_BACKOFF_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Remembers the end of a spent rate-limit window, so the next request waits for it instead of
 * provoking a 429.
 */
export class RateLimitGate {
	private resumeAt = 0;

	observe(headers: ResponseHeaders, now: number): void {
		const remaining = header(headers, 'x-ratelimit-remaining');
		if (remaining === undefined || remaining.trim() === '' || Number(remaining) !== 0) return;
		const resetAt = parseRateLimitReset(header(headers, 'x-ratelimit-reset'), now);
		if (resetAt !== undefined) this.resumeAt = Math.max(this.resumeAt, resetAt);
	}

	waitMs(now: number): number {
		return Math.max(0, this.resumeAt - now);
	}
}
