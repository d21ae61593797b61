/**
 * The options of `cachelab grade` and `verify`, for `node:util` parseArgs. Its own module so that
 * prestart.ts reads the arguments exactly as main.ts does, without loading main.ts.
 */

/** Every option `grade` and `verify` accept. */
export const CLI_OPTIONS = {
  lesson: { type: 'string' },
  course: { type: 'string' },
  json: { type: 'boolean' },
  reporter: { type: 'string', multiple: true },
  output: { type: 'string' },
  jobs: { type: 'string' },
  root: { type: 'string' },
  timeout: { type: 'string' },
  watch: { type: 'boolean' },
  redis: { type: 'string' },
  flush: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
