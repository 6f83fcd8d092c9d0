import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InboundMessage, Outcome, RethrowRpcErrors } from '@edx/messaging';
import { GatewayRoutes } from '../gateway.routes';
import { GatewayWorker } from '../gateway.worker';

/** The gateway's AMQP edge: documents and statuses for its hosted agencies. */
@Controller()
@UseFilters(RethrowRpcErrors)
export class InboxConsumer {
  constructor(private readonly worker: GatewayWorker) {}

  @MessagePattern(GatewayRoutes.inbox)
  documentsAndStatuses(@Payload() batch: InboundMessage[]): Promise<Outcome[]> {
    return this.worker.handleInbox(batch);
  }
}
