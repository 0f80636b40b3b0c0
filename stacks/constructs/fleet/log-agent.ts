/**
 * How the API's log lines reach CloudWatch Logs: systemd appends the API's stdout and stderr to a
 * file, and the CloudWatch agent (from the AL2023 repositories, which are S3 buckets reached
 * through the S3 gateway endpoint) tails it into the API's log group, one stream per instance,
 * through the logs interface endpoint. EMF lines need nothing more: CloudWatch Logs extracts
 * metrics from EMF events of any log group, so the agent's EMF listener stays off.
 *
 * The directory is made by the boot script, not by LogsDirectory=: systemd opens the output file
 * before it creates a unit's directories (systemd issue #27591), so a unit appending inside its
 * own LogsDirectory fails at its first start. The file is root's; the API only holds the open
 * descriptor systemd hands it and cannot rewrite what it already logged.
 */

export const API_LOG_DIR = '/var/log/image-api';
export const API_LOG_FILE = `${API_LOG_DIR}/api.log`;
export const AGENT_CONFIG_PATH = '/opt/aws/amazon-cloudwatch-agent/etc/image-api.json';
const AGENT_CTL = '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl';

/**
 * The agent's configuration: the one file into the one group. The agent runs as root, its
 * default, because the file is root's. No `retention_in_days`: Terraform owns the retention (the
 * agent would need logs:PutRetentionPolicy), and the group exists, so the agent only creates its
 * stream and puts events.
 */
export function agentConfig(logGroupName: string): Record<string, unknown> {
  return {
    agent: { run_as_user: 'root' },
    logs: {
      force_flush_interval: 5,
      logs_collected: {
        files: { collect_list: [{ file_path: API_LOG_FILE, log_group_name: logGroupName, log_stream_name: '{instance_id}' }] },
      },
    },
  };
}

/** Keeps the file small on the 8 GB root volume; copytruncate suits a file systemd holds open in append mode. */
const LOGROTATE = [`${API_LOG_FILE} {`, '  size 50M', '  rotate 2', '  copytruncate', '  missingok', '  notifempty', '}'];

/**
 * The boot script's lines that install and start the agent, before the API starts so it misses
 * none of its lines. The JSON travels in base64: Terraform reads the user data as a template, in
 * which a double quote or a backslash would be its own (see user-data.ts).
 */
export function logAgentLines(logGroupName: string): string[] {
  const encoded = Buffer.from(`${JSON.stringify(agentConfig(logGroupName), null, 2)}\n`).toString('base64');
  return [
    'dnf install -y amazon-cloudwatch-agent logrotate',
    `install -d -m 0700 ${API_LOG_DIR}`,
    `base64 --decode > ${AGENT_CONFIG_PATH} <<'AGENT'`,
    ...(encoded.match(/.{1,76}/g) ?? []),
    'AGENT',
    `cat > /etc/logrotate.d/image-api <<'LOGROTATE'`,
    ...LOGROTATE,
    'LOGROTATE',
    'systemctl enable --now logrotate.timer',
    `${AGENT_CTL} -a fetch-config -m ec2 -s -c file:${AGENT_CONFIG_PATH}`,
  ];
}
