import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { EdxError } from '@edx/common';
import { AgencyGuard } from '../auth/agency.guard';
import { GatewayStore } from '../outbox/gateway.store';

@ApiTags('checkpoints')
@ApiSecurity('apiKey')
@UseGuards(AgencyGuard)
@Controller('v1/checkpoints')
export class CheckpointsController {
  constructor(private readonly store: GatewayStore) {}

  @Get('latest')
  @ApiOperation({ summary: "The newest chain checkpoint of the hub this gateway verified and keeps: { seq, at, head, token (the hub's JWS), receivedAt }; `edx audit verify --gateway` checks the hub's event log against it" })
  async latest() {
    const checkpoint = await this.store.latestCheckpoint();
    if (!checkpoint) throw new EdxError('NOT_FOUND', 'This gateway has received no chain checkpoint from the hub yet.');
    return { seq: Number(checkpoint.seq), at: new Date(checkpoint.at).toISOString(), head: checkpoint.head, token: checkpoint.token, receivedAt: new Date(checkpoint.receivedAt).toISOString() };
  }
}
