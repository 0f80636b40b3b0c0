import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { API_USER, systemdUnit, userDataScript } from '../../../../stacks/constructs/fleet/user-data';

const artifact = Buffer.from('the API artifact');
const sha = createHash('sha256').update(artifact).digest('hex');
const script = userDataScript({ region: 'eu-west-1', artifactBucket: 'artifacts', artifactKey: `api/${sha}.zip`, artifactSha256Hex: sha, environment: { API_PORT: '8080' }, stopTimeoutSeconds: 30, logGroupName: '/ec2/image-processor-dev-api' });

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
