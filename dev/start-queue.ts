/**
 * `npm run start:queue`: `npm start` in n8n's queue mode (what it does: dev/local-n8n/queue.ts).
 *
 *   tsx dev/start-queue.ts [--workers N] [--concurrency N]
 *
 * An entry point: it parses its arguments and calls runLocalQueue. Nothing imports it.
 */
import { DEFAULT_QUEUE_LAYOUT, runLocalQueue, type QueueLayout } from './local-n8n/queue';
import { StartError, reportStartFailure } from './local-n8n/session';

const USAGE = 'usage: npm run start:queue [-- --workers N] [--concurrency N]';

function parseArgs(argv: string[]): QueueLayout {
	const layout: QueueLayout = { ...DEFAULT_QUEUE_LAYOUT };
	for (let i = 0; i < argv.length; i += 1) {
		const [flag, inline] = argv[i].split('=', 2);
		if (flag !== '--workers' && flag !== '--concurrency') throw new StartError(`unknown argument '${argv[i]}'\n${USAGE}`, 2);
		const raw = inline ?? argv[++i] ?? '';
		const value = Number(raw);
		if (!Number.isInteger(value) || value < 1 || value > 100) throw new StartError(`invalid ${flag} '${raw}'\n${USAGE}`, 2);
		layout[flag === '--workers' ? 'workers' : 'concurrency'] = value;
	}
	return layout;
}

Promise.resolve()
	.then(async () => await runLocalQueue(parseArgs(process.argv.slice(2))))
	.catch((error: unknown) => reportStartFailure('npm run start:queue', error))
	.then((code) => process.exit(code));
