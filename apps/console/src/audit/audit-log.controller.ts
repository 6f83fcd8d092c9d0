import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireRole, RoleGuard } from '../auth/role.guard';
import { AuditLogSearch } from './audit-log-search.query';
import { AuditLogRepository } from './audit-log.repository';

@ApiTags('audit')
@ApiBearerAuth()
@UseGuards(RoleGuard)
@RequireRole('admin')
@Controller('v1/audit')
export class AuditLogController {
  constructor(private readonly log: AuditLogRepository) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first: who did what, when, and the before/after of what it changed' })
  @ApiQuery({ name: 'actor', required: false, description: 'an account name or id ("bootstrap admin" for the bootstrap token)' })
  @ApiQuery({ name: 'action', required: false, description: 'e.g. agency.status, or a noun alone: agency' })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async search(@Query() query: Record<string, unknown>) {
    const page = await this.log.search(AuditLogSearch.parse(query));
    return { items: page.items.map((r) => ({ ...r, at: new Date(r.at).toISOString() })), nextCursor: page.next ?? null };
  }
}
