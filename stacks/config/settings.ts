/**
 * Every setting of a stage, composed from one module per area. A new area (queues, the fleet, the
 * worker, monitoring) is a module exporting its settings and, if it has any, its cross-setting
 * rules, added to {@link SETTINGS} and {@link CROSS_CHECKS} here.
 */
import { checkFleet, FLEET_SETTINGS } from './fleet';
import { FUNCTION_SETTINGS } from './functions';
import { GENERAL_SETTINGS } from './general';
import { MONITORING_SETTINGS } from './monitoring';
import type { Setting, ValueOf } from './kinds';
import { PIPELINE_SETTINGS } from './pipeline';
import { checkPipeline } from './pipeline-checks';
import { QUEUE_SETTINGS } from './queues';
import { checkStorage, STORAGE_SETTINGS } from './storage';
import { checkWorker, WORKER_SETTINGS } from './worker';

/** Every setting, by name. Names are unique across areas: they are also environment variable names. */
export const SETTINGS = Object.freeze({
  ...GENERAL_SETTINGS,
  ...STORAGE_SETTINGS,
  ...PIPELINE_SETTINGS,
  ...FUNCTION_SETTINGS,
  ...MONITORING_SETTINGS,
  ...QUEUE_SETTINGS,
  ...WORKER_SETTINGS,
  ...FLEET_SETTINGS,
});

export type SettingName = keyof typeof SETTINGS;
export type Settings = { readonly [K in SettingName]: ValueOf<(typeof SETTINGS)[K]> };

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** Rules that involve more than one setting, per area; each returns its problems as sentences. */
export const CROSS_CHECKS: readonly ((stage: string, settings: Settings) => string[])[] = [checkStorage, checkPipeline, checkWorker, checkFleet];

export const DEFAULT_STAGES = ['dev', 'prod'] as const;

export const ENV_PREFIX = 'IMAGE_PROCESSOR_';
export const STAGES_VARIABLE = `${ENV_PREFIX}STAGES`;

/** `logRetentionDays` → `LOG_RETENTION_DAYS`. */
export function environmentName(setting: string): string {
  return setting.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The default value of every setting for a stage. */
export function defaultSettings(stage: string): Settings {
  return Object.fromEntries(SETTING_NAMES.map((name) => [name, (SETTINGS[name] as Setting<unknown>).default(stage)])) as Settings;
}
