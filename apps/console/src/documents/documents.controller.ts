import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireRole, RoleGuard } from '../auth/role.guard';
import { DELIVERY_STATES, DocumentSearch } from './document-search.query';
import { DocumentsService } from './documents.service';

@ApiTags('documents')
@ApiBearerAuth()
@UseGuards(RoleGuard)
@RequireRole('operator')
@Controller('v1/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get()
  @ApiOperation({ summary: 'Search documents, newest first: { items (with each recipient), total, nextCursor }' })
  @ApiQuery({ name: 'sender', required: false, description: 'sending agency code' })
  @ApiQuery({ name: 'recipient', required: false, description: 'a recipient agency code' })
  @ApiQuery({ name: 'state', required: false, enum: DELIVERY_STATES, description: "a recipient's delivery state" })
  @ApiQuery({ name: 'statusCode', required: false, description: "a recipient's last status code, e.g. 02" })
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'], description: 'a delivery without 01 in time, or past its DueDate without 06' })
  @ApiQuery({ name: 'from', required: false, description: 'received at or after (ISO 8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'received at or before (ISO 8601)' })
  @ApiQuery({ name: 'q', required: false, description: 'text in the subject, number or notation (e.g. 7816/VPCP-TTĐT)' })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  search(@Query() query: Record<string, unknown>) {
    return this.documents.search(DocumentSearch.parse(query));
  }

  @Get(':id')
  @ApiOperation({ summary: "A document with each recipient's state, why it is there, and its history" })
  get(@Param('id') id: string) {
    return this.documents.get(id);
  }

  @Get(':id/proof')
  @ApiOperation({ summary: 'The proof of delivery (edx-delivery-proof/1): the package as delivered, signature verdicts, the receipt attestation, every signed receipt, the event chain; `edx proof verify` checks it offline' })
  proof(@Param('id') id: string) {
    return this.documents.proof(id);
  }

  @Get(':id/trace')
  @ApiOperation({ summary: 'The journey in time order: sent, verified (each signature), routed, every status and refusal, dead letters' })
  trace(@Param('id') id: string) {
    return this.documents.trace(id);
  }
}
