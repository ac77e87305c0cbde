const { src, dest } = require('gulp');

/** tsc does not copy assets; n8n loads icons and the codex file from beside the compiled files. */
function buildIcons() {
	return src(['nodes/**/*.svg', 'nodes/**/*.node.json', 'credentials/**/*.svg'], { base: '.' }).pipe(dest('dist'));
}

exports['build:icons'] = buildIcons;
