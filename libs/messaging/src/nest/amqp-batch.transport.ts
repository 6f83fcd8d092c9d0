import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Observable, lastValueFrom, throwError } from 'rxjs';
import { EdxError, Logger, createLogger } from '@edx/common';
import type { AmqpConnection } from '../connection/amqp-connection';
import { Consumer, ConsumerOptions, InboundMessage } from '../consumer/consumer';
import type { Outcome } from '../consumer/outcome';
import type { ConfirmedPublisher } from '../publisher/confirmed-publisher';

/** What a `@MessagePattern` handler of this transport receives besides the batch: where it came from. */
export class AmqpBatchContext extends BaseRpcContext<[string]> {
  get queue(): string {
    return this.args[0];
  }
}

/** The broker side a transport consumes with, known only once the app's resources are open. */
export interface AmqpTransportResources {
  readonly connection: AmqpConnection;
  readonly publisher: ConfirmedPublisher;
}

/**
 * A NestJS microservice transport over libs/messaging's Consumer, so AMQP edges are
 * `@MessagePattern(name)` handlers as thin as HTTP controllers. Each pattern names a route (queue,
 * prefetch, batching); its handler gets a batch of messages and returns one Outcome per message.
 * Confirms, batching, backoff and the error-to-outcome mapping stay in the Consumer: a handler that
 * throws reaches it unchanged (see RethrowRpcErrors), so a transient EdxError still means "retry".
 */
export class AmqpBatchTransport extends Server implements CustomTransportStrategy {
  private readonly consumers: Consumer[] = [];

  constructor(
    private readonly resources: () => AmqpTransportResources,
    private readonly routes: Readonly<Record<string, ConsumerOptions>>,
    private readonly log: Logger = createLogger('messaging'),
  ) {
    super();
  }

  /**
   * Starts one consumer per registered pattern; a pattern without a route is a wiring mistake.
   * Resolves when each consumes, or at once for those waiting on a broker that is away.
   */
  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const { connection, publisher } = this.resources();
      for (const [pattern, handler] of this.messageHandlers) {
        const route = this.routes[pattern];
        if (!route) throw new EdxError('CONFIG_INVALID', `No AMQP route for the message pattern "${pattern}".`);
        const consumer = new Consumer(connection, publisher, route, this.log);
        this.consumers.push(consumer);
        const started = consumer.start(async (messages: InboundMessage[]) => {
          const result = await handler(messages, new AmqpBatchContext([route.queue]));
          return lastValueFrom(this.transformToObservable(result) as Observable<Outcome[]>);
        });
        // With the broker away the app still starts (a gateway keeps accepting documents); the
        // consumer subscribes when the connection comes up. On a live connection a failure is fatal.
        if (connection.isConnected) await started;
        else started.catch((error) => this.log.error({ err: (error as Error).message, queue: route.queue }, 'Could not start consuming'));
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops taking messages and waits for the batches in flight (and their acks). */
  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.splice(0).map((c) => c.stop()));
  }

  on(): void {
    // The Consumer reports connection events through the AmqpConnection; nothing to subscribe here.
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }
}

/** Lets a handler's error reach the Consumer as it was thrown (Nest's default filter would hide its code). */
@Catch()
export class RethrowRpcErrors implements RpcExceptionFilter<unknown> {
  catch(error: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => error);
  }
}
