import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireRole, RoleGuard } from '../auth/role.guard';
import { ChainAuditService } from './chain-audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@UseGuards(RoleGuard)
@RequireRole('operator')
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: ChainAuditService) {}

  @Get('chain')
  @ApiOperation({ summary: "Walk the event hash chain of every document (or one): { ok, documents, events, broken: each broken document's first bad link }" })
  @ApiQuery({ name: 'document', required: false, description: 'one package id' })
  verify(@Query('document') document?: string) {
    return this.audit.verify(document || undefined);
  }
}
