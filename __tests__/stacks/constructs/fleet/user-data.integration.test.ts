import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Fn, Testing } from 'cdktf';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { only, type TerraformJson } from '../../support';
import { AGENT_CONFIG_PATH, agentConfig, API_LOG_DIR, API_LOG_FILE } from '../../../../stacks/constructs/fleet/log-agent';
import { API_USER, systemdUnit, userDataScript } from '../../../../stacks/constructs/fleet/user-data';

const LOG_GROUP = '/ec2/image-processor-dev-api';
const artifact = Buffer.from('the API artifact');
const sha = createHash('sha256').update(artifact).digest('hex');
const script = userDataScript({ region: 'eu-west-1', artifactBucket: 'artifacts', artifactKey: `api/${sha}.zip`, artifactSha256Hex: sha, environment: { API_PORT: '8080' }, stopTimeoutSeconds: 30, logGroupName: LOG_GROUP });

/** Every directive of the unit's [Service] section, by name (repeated ones in order). */
function serviceDirectives(unit: string): Map<string, string[]> {
  const section = unit.slice(unit.indexOf('[Service]'), unit.indexOf('[Install]')).split('\n').slice(1);
  const directives = new Map<string, string[]>();
  for (const line of section.filter((candidate) => candidate.includes('='))) {
    const [name, ...value] = line.split('=');
    directives.set(name!, [...(directives.get(name!) ?? []), value.join('=')]);
  }
  return directives;
}

describe('the API instances’ systemd unit', () => {
  const directives = serviceDirectives(systemdUnit(30));

  it('runs the API as its own user, without capabilities, privilege gain or a writable system, and restarts it on failure', () => {
    expect(directives.get('User')).toEqual([API_USER]);
    expect(API_USER).not.toBe('root');
    for (const [name, value] of [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['ProtectHome', 'yes'], ['PrivateTmp', 'yes'], ['Restart', 'on-failure'], ['CapabilityBoundingSet', ''], ['AmbientCapabilities', '']]) {
      expect([name, directives.get(name!)]).toEqual([name, [value]]);
    }
    expect(directives.get('SystemCallFilter')).toEqual(['@system-service', '~@privileged']);
  });

  it('gives the API as long to stop after SIGTERM as the load balancer’s deregistration delay', () => {
    expect(directives.get('KillSignal')).toEqual(['SIGTERM']);
    expect(serviceDirectives(systemdUnit(45)).get('TimeoutStopSec')).toEqual(['45']);
  });

  it('rates as well protected by systemd-analyze security (exposure below 3 of 10)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'unit-')), 'image-api.service');
    writeFileSync(file, systemdUnit(30));
    const report = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', file], { encoding: 'utf8' });
    const exposure = /Overall exposure level for image-api\.service: (\d+\.\d)/.exec(report.stdout)?.[1];
    expect(Number(exposure)).toBeLessThan(3);
  });

  it('appends the API’s stdout and stderr to the file the log agent tails', () => {
    expect(directives.get('StandardOutput')).toEqual([`append:${API_LOG_FILE}`]);
    expect(directives.get('StandardError')).toEqual([`append:${API_LOG_FILE}`]);
    expect(directives.has('LogsDirectory')).toBe(false);
  });

  it('is the unit the boot script installs', () => {
    expect(script).toContain(`<<'UNIT'\n${systemdUnit(30)}UNIT\n`);
  });
});

describe('the instances’ boot script', () => {
  it('is valid bash that stops at the first failing command', () => {
    expect(() => execFileSync('bash', ['-n'], { input: script })).not.toThrow();
    expect(script.split('\n').slice(0, 2)).toEqual(['#!/bin/bash', 'set -euo pipefail']);
  });

  it('refuses an artifact whose SHA-256 is not the one synthesized, before unpacking anything', () => {
    const lines = script.split('\n');
    const check = lines.findIndex((line) => line.includes('sha256sum --check'));
    expect(check).toBeLessThan(lines.findIndex((line) => line.startsWith('unzip')));
    const directory = mkdtempSync(join(tmpdir(), 'artifact-'));
    const run = (bytes: Buffer) => {
      writeFileSync(join(directory, 'image-api.zip'), bytes);
      return spawnSync('bash', ['-c', `set -euo pipefail\n${lines[check]!.replaceAll('/root/image-api.zip', join(directory, 'image-api.zip'))}`], { encoding: 'utf8' }).status;
    };
    expect(run(artifact)).toBe(0);
    expect(run(Buffer.from('a tampered artifact'))).not.toBe(0);
  });
});

describe('the boot script’s log agent', () => {
  const lines = script.split('\n');
  const at = (prefix: string) => lines.findIndex((line) => line.startsWith(prefix));

  it('writes an agent configuration that is JSON and ships the API’s file into the API’s group, one stream per instance', () => {
    const start = lines.findIndex((line) => line.includes(`> ${AGENT_CONFIG_PATH} <<'AGENT'`));
    const end = lines.indexOf('AGENT', start);
    const directory = mkdtempSync(join(tmpdir(), 'agent-'));
    const heredoc = lines.slice(start, end + 1).join('\n').replace(AGENT_CONFIG_PATH, join(directory, 'agent.json'));
    execFileSync('bash', ['-c', `set -euo pipefail\n${heredoc}`]);
    const written = JSON.parse(readFileSync(join(directory, 'agent.json'), 'utf8'));
    expect(written).toEqual(agentConfig(LOG_GROUP));
    expect(written.logs.logs_collected.files.collect_list).toEqual([{ file_path: API_LOG_FILE, log_group_name: LOG_GROUP, log_stream_name: '{instance_id}' }]);
    expect(API_LOG_FILE.startsWith(`${API_LOG_DIR}/`)).toBe(true);
  });

  it('installs the agent from the AL2023 repositories, makes the log directory and starts the agent before the API', () => {
    expect(at('dnf install -y amazon-cloudwatch-agent')).toBeGreaterThan(-1);
    expect(at(`install -d -m 0700 ${API_LOG_DIR}`)).toBeGreaterThan(at('dnf install'));
    const agent = lines.findIndex((line) => line.includes('amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s') && line.endsWith(`file:${AGENT_CONFIG_PATH}`));
    expect(agent).toBeGreaterThan(lines.indexOf('AGENT'));
    expect(agent).toBeLessThan(at('systemctl enable --now image-api.service'));
  });

  it('rotates the file by copying and truncating it, since systemd holds it open', () => {
    const start = lines.indexOf(`cat > /etc/logrotate.d/image-api <<'LOGROTATE'`);
    expect(lines.slice(start, lines.indexOf('LOGROTATE', start))).toEqual(expect.arrayContaining([`${API_LOG_FILE} {`, '  copytruncate']));
    expect(at('systemctl enable --now logrotate.timer')).toBeGreaterThan(start);
  });

  it('holds no double quote or backslash, which Terraform would take for its own', () => {
    expect(script).not.toMatch(/["\\]/);
  });
});

describe('the boot script as the launch template carries it', () => {
  it('is what Terraform reads back from the synthesized configuration, byte for byte', () => {
    const synthesized = JSON.parse(Testing.synthScope((scope) => new LaunchTemplate(scope, 'template', { userData: Fn.base64encode(script) }))) as TerraformJson;
    const directory = mkdtempSync(join(tmpdir(), 'user-data-'));
    writeFileSync(join(directory, 'main.tf.json'), JSON.stringify({ locals: { user_data: only(synthesized, 'aws_launch_template').user_data } }));
    const read = spawnSync('terraform', ['console'], { cwd: directory, input: 'sha256(base64decode(local.user_data))\n', encoding: 'utf8', timeout: 60_000 });
    expect([read.status, read.stdout.trim()]).toEqual([0, JSON.stringify(createHash('sha256').update(script).digest('hex'))]);
  });
});
