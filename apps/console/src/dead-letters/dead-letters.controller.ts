import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditActor } from '@edx/storage';
import { RequireRole, RoleGuard, SignedInAs } from '../auth/role.guard';
import { DeadLetterSearch, parseIds } from './dead-letter-search.query';
import { DeadLettersService } from './dead-letters.service';

@ApiTags('dead letters')
@ApiBearerAuth()
@UseGuards(RoleGuard)
@RequireRole('operator')
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly letters: DeadLettersService) {}

  @Get()
  @ApiOperation({ summary: 'Dead letters, newest first, with the reason, the original header fields and every replay or discard' })
  @ApiQuery({ name: 'code', required: false })
  @ApiQuery({ name: 'queue', required: false, description: 'the queue it died on, e.g. hub.inbound' })
  @ApiQuery({ name: 'sender', required: false, description: 'the connected system that sent it' })
  @ApiQuery({ name: 'state', required: false, enum: ['open', 'replaying', 'replayed', 'discarded'] })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  search(@Query() query: Record<string, unknown>) {
    return this.letters.search(DeadLetterSearch.parse(query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One dead letter with its actions and their outcomes' })
  get(@Param('id') id: string) {
    return this.letters.get(id);
  }

  @Post('replay')
  @HttpCode(202)
  @ApiOperation({ summary: '{ ids: [...] }: replay a selection; each is queued, already replayed/replaying, or refused with its code' })
  replay(@Body() body: unknown, @SignedInAs() by: AuditActor) {
    return this.letters.replay(parseIds(body), by);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Replay one (idempotent: a second request queues nothing); the hub checks it again under its original id' })
  replayOne(@Param('id') id: string, @SignedInAs() by: AuditActor) {
    return this.letters.replayOne(id, by);
  }

  @Post(':id/discard')
  @ApiOperation({ summary: '{ reason }: give up an open dead letter, saying why' })
  discard(@Param('id') id: string, @Body() body: { reason?: unknown }, @SignedInAs() by: AuditActor) {
    return this.letters.discard(id, by, body?.reason);
  }
}
