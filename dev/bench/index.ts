/**
 * `npm run bench [-- --only get-many,burst]`: parses the arguments and runs the bench (run.ts),
 * which prints the tables as Markdown and writes them to reports/ for the README to quote.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

import { log } from './common';
import { BENCH_TABLES, runBench, type BenchTable } from './run';

const USAGE = `Usage: npm run bench [-- --only ${BENCH_TABLES.join(',')}]`;

function tablesFrom(argv: string[]): BenchTable[] {
	const { values } = parseArgs({ args: argv, options: { only: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
	if (values.help) {
		process.stdout.write(`${USAGE}\n`);
		process.exit(0);
	}
	if (values.only === undefined) return [...BENCH_TABLES];
	const asked = values.only.split(',').map((t) => t.trim()).filter(Boolean);
	const unknown = asked.filter((t) => !(BENCH_TABLES as readonly string[]).includes(t));
	if (unknown.length > 0 || asked.length === 0) throw new Error(`unknown table(s) ${unknown.join(', ') || '(none given)'}. ${USAGE}`);
	return asked as BenchTable[];
}

Promise.resolve()
	.then(async () => await runBench(tablesFrom(process.argv.slice(2))))
	.then(({ markdown, reportFile }) => {
		process.stdout.write(`${markdown}\n\n`);
		log(`written to ${path.relative(process.cwd(), reportFile)}`);
	})
	.catch((error: unknown) => {
		process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exitCode = 1;
	});
