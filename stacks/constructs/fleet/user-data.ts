/**
 * The instances' boot script: fetch the API artifact from the artifacts bucket, refuse it unless
 * its SHA-256 is the one this stack was synthesized with, unpack it for a dedicated system user,
 * and run it under a hardened systemd unit that restarts it on failure. The variables are the
 * API's manifest settings, written by the stack (handlers/runtime/env.ts).
 */
export interface UserDataProps {
  readonly region: string;
  readonly artifactBucket: string;
  readonly artifactKey: string;
  readonly artifactSha256Hex: string;
  readonly environment: Readonly<Record<string, string>>;
  /** systemd gives the API this long after SIGTERM before it kills it. */
  readonly stopTimeoutSeconds: number;
}

export const API_USER = 'image-api';
export const INSTALL_DIR = '/opt/image-api';
const ARTIFACT_PATH = '/root/image-api.zip';

/** A value in single quotes for the shell and for an EnvironmentFile (no quote can be in our values). */
function quoted(value: string): string {
  if (/['"\n]/.test(value)) throw new Error(`Expected an environment value without quotes or line breaks, but received ${JSON.stringify(value)}.`);
  return `'${value}'`;
}

export function userDataScript(props: UserDataProps): string {
  const environment = { AWS_REGION: props.region, NODE_OPTIONS: '--enable-source-maps', ...props.environment };
  const envLines = Object.entries(environment).map(([name, value]) => `${name}=${quoted(value)}`);
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    `useradd --system --no-create-home --shell /sbin/nologin ${API_USER} || true`,
    // No double quotes anywhere: Terraform's string functions would take them for its own.
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
    '[Unit]',
    'Description=Image processor API',
    'After=network-online.target',
    'Wants=network-online.target',
    '[Service]',
    `User=${API_USER}`,
    `Group=${API_USER}`,
    'EnvironmentFile=/etc/image-api.env',
    `ExecStart=${INSTALL_DIR}/node/bin/node ${INSTALL_DIR}/api/index.js`,
    'Restart=on-failure',
    'RestartSec=2',
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${props.stopTimeoutSeconds}`,
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectControlGroups=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
    'SystemCallArchitectures=native',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    'systemctl daemon-reload',
    'systemctl enable --now image-api.service',
    '',
  ].join('\n');
}
