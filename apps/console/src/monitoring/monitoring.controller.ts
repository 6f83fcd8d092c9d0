import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireRole, RoleGuard } from '../auth/role.guard';
import { AlarmsService } from './alarms.service';
import { StatisticsService } from './statistics.service';

@ApiTags('monitoring')
@ApiBearerAuth()
@UseGuards(RoleGuard)
@RequireRole('operator')
@Controller('v1')
export class MonitoringController {
  constructor(
    private readonly alarms: AlarmsService,
    private readonly statistics: StatisticsService,
  ) {}

  @Get('alarms')
  @ApiOperation({ summary: 'What needs acting on: overdue deliveries, certificates and CRLs near expiry, growing inbox backlogs; and every queue depth' })
  async current() {
    const { alarms, queues } = await this.alarms.current();
    return { alarms, queues };
  }

  @Get('statistics')
  @ApiOperation({ summary: 'Per sending agency and day (Vietnam time): sent, delivered, rejected by code, time to 01 (median, p95)' })
  @ApiQuery({ name: 'from', required: false, description: 'yyyy-mm-dd (default: 30 days before "to")' })
  @ApiQuery({ name: 'to', required: false, description: 'yyyy-mm-dd (default: today)' })
  @ApiQuery({ name: 'agency', required: false })
  daily(@Query() query: Record<string, unknown>) {
    return this.statistics.daily(query);
  }
}
