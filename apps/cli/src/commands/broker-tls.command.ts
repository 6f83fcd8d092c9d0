import { loadCliSettings } from '../cli.env';
import { Command, OptionTable, parseOptions } from '../command';
import { ensureLocalBrokerTls } from '../broker/local-broker-tls';

const options = {} as const satisfies OptionTable;

/** `edx broker tls`: the local RabbitMQ's TLS listener with client certificates (what `edx up` and `.ci/run` run). */
export const brokerTlsCommand: Command = {
  name: 'broker tls',
  summary: "set up the local RabbitMQ's TLS listener (5671) with client certificates from the machine's dev transport CA",
  usage: 'broker tls [--json]',
  description:
    "Makes the local broker take AMQPS connections with client certificates, changing only what is not so yet, and says what it changed: the machine's dev transport CA " +
    '(EDX_BROKER_TLS_DIR/ca, made once), the broker\'s certificate (renewed within 30 days of its end), the edx block of rabbitmq.conf (EDX_RABBITMQ_CONF), ' +
    'the rabbitmq_auth_mechanism_ssl plugin, and in the running broker the EXTERNAL mechanism, the 5671 listener and the HTTPS management API on 15671, started in place (no restart). ' +
    'It needs rabbitmqctl and the right to write those files (root on this kind of machine). `edx up` runs it when the listener is missing; tests issue their clients\' certificates from this CA.',
  options,
  examples: ['edx broker tls', 'edx broker tls --json'],
  async run({ args, print }) {
    parseOptions(args, options);
    const settings = loadCliSettings();
    const report = await ensureLocalBrokerTls({ dir: settings.brokerTlsDir, confFile: settings.rabbitmqConf });
    for (const line of report.changed) print(`changed: ${line}`);
    const message = report.changed.length === 0 ? `The local broker's TLS listener is set up already (${report.paths.dir}); nothing changed.` : `The local broker's TLS listener is set up (${report.changed.length} change(s)).`;
    return { ok: true, message, changed: report.changed, dir: report.paths.dir, caFile: report.paths.caFile };
  },
};
