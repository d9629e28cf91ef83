// Injected into the node bundles: gives bundled ES modules (web-tree-sitter) a valid `import.meta.url` in CommonJS.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
