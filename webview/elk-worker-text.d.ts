// Type of the ELK worker script imported as text (esbuild `with { type: 'text' }`), started from a blob: URL.
declare module 'elkjs/lib/elk-worker.min.js' {
  const source: string;
  export default source;
}
