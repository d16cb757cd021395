import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import { messageOf } from './messageOf';

/** A config file that is missing or cannot be read; its message names the file. */
export class ConfigFileError extends Error {
  readonly name = 'ConfigFileError';
}

/** The config a backend started with the same `--config` arguments would read, and the files it came from. */
export interface LoadedConfig {
  config: Config;
  files: string[];
}

/**
 * Reads config files as a Backstage backend does (`@backstage/config-loader`): later files win,
 * `${VAR}` is substituted from `env`, `APP_CONFIG_*` variables apply on top. Without files,
 * `app-config.yaml` in `cwd`, and `app-config.local.yaml` there when present. Nothing is watched.
 *
 * @throws ConfigFileError naming the file that is missing or does not parse.
 */
export async function loadConfigFiles(
  paths: readonly string[],
  options: { cwd: string; env: Record<string, string | undefined> },
): Promise<LoadedConfig> {
  const { cwd, env } = options;
  const files = paths.map(path => resolve(cwd, path));
  if (files.length === 0) {
    const defaultFile = resolve(cwd, 'app-config.yaml');
    if (!existsSync(defaultFile)) {
      throw new ConfigFileError(`No config file: ${defaultFile} does not exist; name one with --config <file>`);
    }
    files.push(defaultFile);
    const localFile = resolve(cwd, 'app-config.local.yaml');
    if (existsSync(localFile)) files.push(localFile);
  }
  for (const file of files) {
    if (!existsSync(file)) throw new ConfigFileError(`Config file ${file} does not exist`);
  }
  const source = ConfigSources.default({
    argv: files.flatMap(file => ['--config', file]),
    env,
    rootDir: cwd,
    watch: false,
    // As the loader's own default, but from the given environment rather than the process's.
    substitutionFunc: async name => env[name]?.trim(),
  });
  let config: Awaited<ReturnType<typeof ConfigSources.toConfig>>;
  try {
    config = await ConfigSources.toConfig(source);
  } catch (error) {
    throw new ConfigFileError(`Could not read ${files.join(', ')}: ${messageOf(error)}`);
  }
  // Read once: nothing is watched, so closing stops nothing the caller needs.
  config.close();
  return { config, files };
}
