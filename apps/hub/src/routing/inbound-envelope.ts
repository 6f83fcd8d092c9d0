/** The parts of an AMQP message the hub's use cases read. */
export interface InboundEnvelope {
  readonly messageId: string;
  readonly userId?: string;
  readonly body: Buffer;
  readonly headers: Record<string, unknown>;
}
