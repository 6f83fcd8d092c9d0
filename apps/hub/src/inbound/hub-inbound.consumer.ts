import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InboundMessage, Outcome, RethrowRpcErrors } from '@edx/messaging';
import { HubRoutes } from '../hub.routes';
import { HubWorker } from '../hub.worker';

/** The AMQP edges of the hub: each hands its batch to the use case behind it. */
@Controller()
@UseFilters(RethrowRpcErrors)
export class HubInboundConsumer {
  constructor(private readonly worker: HubWorker) {}

  @MessagePattern(HubRoutes.inbound)
  packagesAndStatuses(@Payload() batch: InboundMessage[]): Promise<Outcome[]> {
    return this.worker.handleInbound(batch);
  }

  @MessagePattern(HubRoutes.deadLetters)
  deadLetters(@Payload() batch: InboundMessage[]): Promise<Outcome[]> {
    return this.worker.recordDeadLetters(batch);
  }
}
