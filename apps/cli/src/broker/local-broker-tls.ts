import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { EdxError } from '@edx/common';
import { DevBrokerTlsPaths, devBrokerTlsPaths } from '@edx/messaging';
import { TransportCa } from '@edx/trust';
import { ensureMachineCa, ensureServerCertificate, systemAccount } from '../up/machine-tls';
import { CommandRunner, findTool, runCommand } from '../up/prerequisites';

/** Where the local broker's TLS listener and its HTTPS management API listen. */
export const BROKER_TLS_PORT = 5671;
export const MANAGEMENT_TLS_PORT = 15671;
const BEGIN = '# edx broker tls: begin (written by `edx broker tls`; README, "Transport security")';
const END = '# edx broker tls: end';

/**
 * rabbitmq.conf lines for TLS with client certificates: the listener on 127.0.0.1:5671 asks every
 * client for a certificate from the dev transport CA (`verify_peer`, `fail_if_no_peer_cert`), and
 * the certificate's CN is the broker user (EXTERNAL, `ssl_cert_login_from = common_name`). PLAIN
 * stays for the plain listener (the machine's administrator, guest). The management API also
 * listens over HTTPS on 15671, beside its plain port.
 */
export function brokerTlsConf(paths: DevBrokerTlsPaths): string[] {
  return [
    BEGIN,
    `listeners.ssl.default = 127.0.0.1:${BROKER_TLS_PORT}`,
    `ssl_options.cacertfile = ${paths.caFile}`,
    `ssl_options.certfile = ${paths.certFile}`,
    `ssl_options.keyfile = ${paths.keyFile}`,
    'ssl_options.verify = verify_peer',
    'ssl_options.fail_if_no_peer_cert = true',
    'auth_mechanisms.1 = PLAIN',
    'auth_mechanisms.2 = AMQPLAIN',
    'auth_mechanisms.3 = EXTERNAL',
    'ssl_cert_login_from = common_name',
    'management.tcp.port = 15672',
    `management.ssl.port = ${MANAGEMENT_TLS_PORT}`,
    'management.ssl.ip = 127.0.0.1',
    `management.ssl.cacertfile = ${paths.caFile}`,
    `management.ssl.certfile = ${paths.certFile}`,
    `management.ssl.keyfile = ${paths.keyFile}`,
    END,
  ];
}

/** `conf` with the edx block put in (or replaced), everything else kept as it was. */
export function withBrokerTlsBlock(conf: string, block: readonly string[]): string {
  const lines = conf.split('\n');
  const start = lines.indexOf(BEGIN);
  const end = lines.indexOf(END);
  const kept = start >= 0 && end > start ? [...lines.slice(0, start), ...lines.slice(end + 1)] : lines;
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  return `${[...kept, ...block].join('\n')}\n`;
}

/** The Erlang terms that put the same settings into the running broker (no restart, no dropped connection). */
function runtimeTerms(paths: DevBrokerTlsPaths): { ssl: string; mechanisms: string } {
  const ssl = `[{cacertfile,"${paths.caFile}"},{certfile,"${paths.certFile}"},{keyfile,"${paths.keyFile}"},{verify,verify_peer},{fail_if_no_peer_cert,true}]`;
  return { ssl, mechanisms: "['PLAIN','AMQPLAIN','EXTERNAL']" };
}

export interface BrokerTlsReport {
  /** One line per change, as a person reads it. */
  readonly changed: string[];
  readonly paths: DevBrokerTlsPaths;
}

/**
 * Makes the local broker take TLS connections with client certificates from the machine's dev
 * transport CA, changing only what is not so yet: the CA (made once), the broker's certificate
 * (renewed when it is not this CA's or ends within 30 days; RabbitMQ reloads it after
 * `ssl:clear_pem_cache()`), rabbitmq.conf's edx block (kept across restarts), the EXTERNAL plugin,
 * and, in the running broker, the mechanisms and the listeners (started in place, so no connection
 * of anyone else's drops). Resolves with what it changed; rejects with PREREQUISITE_MISSING when
 * rabbitmqctl is not here or the broker refuses.
 */
export async function ensureLocalBrokerTls(options: { readonly dir?: string; readonly confFile: string; readonly run?: CommandRunner }): Promise<BrokerTlsReport> {
  const run = options.run ?? runCommand;
  const ctl = findTool('rabbitmqctl');
  const plugins = findTool('rabbitmq-plugins');
  if (!ctl || !plugins) throw new EdxError('PREREQUISITE_MISSING', 'rabbitmqctl and rabbitmq-plugins are not on this machine: configure the broker\'s TLS listener by hand (README, "Transport security").');
  const paths = devBrokerTlsPaths(options.dir);
  const changed: string[] = [];
  const rabbit = (what: string, command: string[]) => {
    const result = run(command);
    if (!result.ok) throw new EdxError('PREREQUISITE_MISSING', `The broker refused to ${what} (\`${command.join(' ')}\`): ${result.output.slice(-400)}`);
    return result.output;
  };
  const renewed = ensureBrokerCertificate(ensureMachineCa(paths, changed), paths, changed);
  ensureConf(options.confFile, brokerTlsConf(paths), changed, (candidate) => rabbit('read the new configuration', [ctl, '-q', 'eval', validationTerm(candidate)]));

  const enabled = rabbit('list its plugins', [plugins, 'list', '-E', '-m']);
  for (const plugin of ['rabbitmq_management', 'rabbitmq_auth_mechanism_ssl']) {
    if (!enabled.split('\n').includes(plugin)) {
      rabbit(`enable ${plugin}`, [plugins, 'enable', plugin]);
      changed.push(`enabled the broker plugin ${plugin}`);
    }
  }
  const terms = runtimeTerms(paths);
  const state = rabbit('tell its settings', [ctl, '-q', 'eval', `{application:get_env(rabbit, auth_mechanisms), application:get_env(rabbit, ssl_cert_login_from), [Port || {listener, _, Proto, _, _, Port, _} <- rabbit_networking:active_listeners(), Proto =:= 'amqp/ssl' orelse Proto =:= https]}.`]);
  if (!/EXTERNAL/.test(state) || !/common_name/.test(state)) {
    rabbit('take EXTERNAL logins', [ctl, '-q', 'eval', `ok = application:set_env(rabbit, auth_mechanisms, ${terms.mechanisms}), ok = application:set_env(rabbit, ssl_cert_login_from, common_name).`]);
    changed.push('the running broker takes EXTERNAL logins (certificate CN = broker user)');
  }
  const ports = (/\[([\d,]*)\]\}\s*$/.exec(state.trim())?.[1] ?? '').split(',').filter(Boolean).map(Number);
  if (!ports.includes(BROKER_TLS_PORT)) {
    rabbit('start its TLS listener', [ctl, '-q', 'eval', `ok = application:set_env(rabbit, ssl_options, ${terms.ssl}), ok = application:set_env(rabbit, ssl_listeners, [{"127.0.0.1", ${BROKER_TLS_PORT}}]), rabbit_networking:start_ssl_listener({"127.0.0.1", ${BROKER_TLS_PORT}}, rabbit_networking:ensure_ssl(), 10).`]);
    changed.push(`the running broker listens with TLS on 127.0.0.1:${BROKER_TLS_PORT} (client certificates required)`);
  } else if (renewed) {
    rabbit('reload its certificate', [ctl, '-q', 'eval', 'ssl:clear_pem_cache().']);
    changed.push('the running broker reloaded its certificate (ssl:clear_pem_cache())');
  }
  if (!ports.includes(MANAGEMENT_TLS_PORT)) {
    // The management API reads its listeners when it starts: a restart of that plugin only (about a second of API outage).
    rabbit('serve its management API over HTTPS', [ctl, '-q', 'eval',
      `ok = application:set_env(rabbitmq_management, tcp_config, [{port, 15672}]), ok = application:set_env(rabbitmq_management, ssl_config, [{port, ${MANAGEMENT_TLS_PORT}}, {ip, "127.0.0.1"}, {cacertfile, "${paths.caFile}"}, {certfile, "${paths.certFile}"}, {keyfile, "${paths.keyFile}"}]), ok = application:stop(rabbitmq_management), ok = application:start(rabbitmq_management).`]);
    changed.push(`the management API also listens with HTTPS on 127.0.0.1:${MANAGEMENT_TLS_PORT} (restarted the management plugin)`);
  }
  return { changed, paths };
}

/** The broker's certificate (renewed as ensureServerCertificate says); true when it was issued. */
function ensureBrokerCertificate(ca: TransportCa, paths: DevBrokerTlsPaths, changed: string[]): boolean {
  const rabbitmq = systemAccount('rabbitmq');
  // The broker runs as rabbitmq: its group reads the key, nobody else.
  return ensureServerCertificate(ca, { dir: paths.dir, certFile: paths.certFile, keyFile: paths.keyFile, account: rabbitmq && { ...rabbitmq, reads: 'as-group' } }, 'the broker', changed);
}

/**
 * Erlang that maps a candidate rabbitmq.conf through the running broker's own schemas (rabbit,
 * management), as its next start will: `ok`, or the errors. A file the broker could not start with
 * is never put in place.
 */
function validationTerm(candidate: string): string {
  return (
    'Schemas = lists:append([filelib:wildcard(filename:join([code:priv_dir(App), "schema", "*.schema"])) || App <- [rabbit, rabbitmq_management, rabbitmq_web_dispatch, rabbitmq_management_agent], code:priv_dir(App) =/= {error, bad_name}]), ' +
    `case cuttlefish_generator:map(cuttlefish_schema:files(Schemas), cuttlefish_conf:file("${candidate}")) of {error, _, Errors} -> {invalid, Errors}; _ -> ok end.`
  );
}

function ensureConf(confFile: string, block: readonly string[], changed: string[], validate: (candidate: string) => string): void {
  const before = existsSync(confFile) ? readFileSync(confFile, 'utf8') : '';
  const after = withBrokerTlsBlock(before, block);
  if (after === before) return;
  const candidate = `${confFile}.edx-candidate`;
  writeFileSync(candidate, after);
  try {
    const verdict = validate(candidate);
    if (!/^ok\s*$/.test(verdict.trim())) throw new EdxError('PREREQUISITE_MISSING', `The broker would not start with the new ${confFile} (left as it was): ${verdict.slice(0, 400)}`);
    renameSync(candidate, confFile);
  } finally {
    rmSync(candidate, { force: true });
  }
  changed.push(`${confFile}: wrote the TLS listener, EXTERNAL login and HTTPS management lines (kept across restarts)`);
}
