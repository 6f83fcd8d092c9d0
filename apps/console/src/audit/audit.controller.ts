import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditActor } from '@edx/storage';
import { RequireRole, RoleGuard, SignedInAs } from '../auth/role.guard';
import { ChainAuditService } from './chain-audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@UseGuards(RoleGuard)
@RequireRole('operator')
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: ChainAuditService) {}

  @Get('chain')
  @ApiOperation({ summary: "Walk the event hash chain of every document (or one): { ok, documents, events, broken: each broken document's first bad link, checkpoint? }" })
  @ApiQuery({ name: 'document', required: false, description: 'one package id' })
  @ApiQuery({ name: 'checkpoint', required: false, description: 'a signed chain checkpoint\'s number (with head): the records must still make it' })
  @ApiQuery({ name: 'head', required: false, description: "that checkpoint's head (64 hex digits)" })
  verify(@Query('document') document?: string, @Query('checkpoint') checkpoint?: string, @Query('head') head?: string) {
    return this.audit.verify(document || undefined, checkpoint || head ? { seq: Number(checkpoint), head: String(head ?? '') } : undefined);
  }

  @Post('checkpoints')
  @HttpCode(202)
  @ApiOperation({ summary: 'Ask the hub for a chain checkpoint now (it signs one at its next poll and publishes it to every gateway): { id, requestedAt, checkpoint: null }' })
  requestCheckpoint(@SignedInAs() by: AuditActor) {
    return this.audit.requestCheckpoint(by);
  }

  @Get('checkpoints/requests/:id')
  @ApiOperation({ summary: 'A checkpoint request: { id, requestedAt, checkpoint: { seq, at, head, token, publishedAt } or null until the hub took it }' })
  checkpointRequest(@Param('id') id: string) {
    return this.audit.checkpointRequest(id);
  }
}
