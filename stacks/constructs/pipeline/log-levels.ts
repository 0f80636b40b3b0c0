/**
 * Lambda's log levels, in a module of their own without cdktf, so that the settings
 * (stacks/config/monitoring.ts), which the local runner reads at every start, do not load cdktf.
 */

/** Lambda's application log levels, most verbose first (JSON log format only). */
export const APPLICATION_LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
/** Lambda's system log levels, most verbose first. */
export const SYSTEM_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN'] as const;
