/**
 * The instances' boot script: fetch the API artifact from the artifacts bucket, refuse it unless
 * its SHA-256 is the one this stack was synthesized with, unpack it for a dedicated system user,
 * and run it under a hardened systemd unit that restarts it on failure, its output appended to a
 * file the CloudWatch agent ships to the API's log group (log-agent.ts). The variables are the
 * API's manifest settings, written by the stack (handlers/runtime/env.ts).
 */
import { API_LOG_FILE, logAgentLines } from './log-agent';

export interface UserDataProps {
  readonly region: string;
  readonly artifactBucket: string;
  readonly artifactKey: string;
  readonly artifactSha256Hex: string;
  readonly environment: Readonly<Record<string, string>>;
  /** systemd gives the API this long after SIGTERM before it kills it. */
  readonly stopTimeoutSeconds: number;
  /** Where the CloudWatch agent ships the API's log file. */
  readonly logGroupName: string;
}

export const API_USER = 'image-api';
export const INSTALL_DIR = '/opt/image-api';
const ARTIFACT_PATH = '/root/image-api.zip';

/** A value in single quotes for the shell and for an EnvironmentFile (no quote can be in our values). */
function quoted(value: string): string {
  if (/['"\n]/.test(value)) throw new Error(`Expected an environment value without quotes or line breaks, but received ${JSON.stringify(value)}.`);
  return `'${value}'`;
}

/**
 * The API's systemd unit: a dedicated user without a shell or capabilities, the file system
 * read-only (ProtectSystem=strict), no privilege gain, the system calls of an ordinary service
 * (others fail with EPERM rather than killing it), and a restart on failure. Its stdout and
 * stderr go to the log file the agent tails (systemd opens it; the API never sees the path).
 * MemoryDenyWriteExecute stays off: V8 compiles code at run time.
 */
export function systemdUnit(stopTimeoutSeconds: number): string {
  return [
    '[Unit]',
    'Description=Image processor API',
    'After=network-online.target',
    'Wants=network-online.target',
    '[Service]',
    `User=${API_USER}`,
    `Group=${API_USER}`,
    'EnvironmentFile=/etc/image-api.env',
    `ExecStart=${INSTALL_DIR}/node/bin/node ${INSTALL_DIR}/api/index.js`,
    `StandardOutput=append:${API_LOG_FILE}`,
    `StandardError=append:${API_LOG_FILE}`,
    'Restart=on-failure',
    'RestartSec=2',
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${stopTimeoutSeconds}`,
    'UMask=0077',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'PrivateUsers=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'ProtectKernelLogs=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectControlGroups=yes',
    'ProtectProc=invisible',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'RemoveIPC=yes',
    'LockPersonality=yes',
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
    'SystemCallArchitectures=native',
    'SystemCallFilter=@system-service',
    'SystemCallFilter=~@privileged',
    'SystemCallErrorNumber=EPERM',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

export function userDataScript(props: UserDataProps): string {
  const environment = { AWS_REGION: props.region, NODE_OPTIONS: '--enable-source-maps', ...props.environment };
  const envLines = Object.entries(environment).map(([name, value]) => `${name}=${quoted(value)}`);
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    `useradd --system --no-create-home --shell /sbin/nologin ${API_USER} || true`,
    // No double quote or backslash anywhere: Terraform reads the script as a template and would take them for its own.
    `aws s3 cp --region ${props.region} ${quoted(`s3://${props.artifactBucket}/${props.artifactKey}`)} ${ARTIFACT_PATH}`,
    `echo ${quoted(`${props.artifactSha256Hex}  ${ARTIFACT_PATH}`)} | sha256sum --check --strict`,
    `rm -rf ${INSTALL_DIR} && mkdir -p ${INSTALL_DIR}`,
    `unzip -q ${ARTIFACT_PATH} -d ${INSTALL_DIR} && rm -f ${ARTIFACT_PATH}`,
    `chmod 0755 ${INSTALL_DIR}/node/bin/node`,
    `cat > /etc/image-api.env <<'ENV'`,
    ...envLines,
    'ENV',
    'chmod 0644 /etc/image-api.env',
    `cat > /etc/systemd/system/image-api.service <<'UNIT'`,
    ...systemdUnit(props.stopTimeoutSeconds).trimEnd().split('\n'),
    'UNIT',
    ...logAgentLines(props.logGroupName),
    'systemctl daemon-reload',
    'systemctl enable --now image-api.service',
    '',
  ].join('\n');
}
