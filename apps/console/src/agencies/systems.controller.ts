import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole, RoleGuard } from '../auth/role.guard';
import { ConnectedSystemsRepository } from './connected-systems.repository';

/** The connected systems (gateways) and the agencies each hosts, for operators. */
@ApiTags('onboarding')
@ApiBearerAuth()
@UseGuards(RoleGuard)
@Controller('v1')
export class SystemsController {
  constructor(private readonly systems: ConnectedSystemsRepository) {}

  @Get('systems')
  @RequireRole('operator')
  @ApiOperation({ summary: 'Every connected system with the agencies it hosts: { items: [{ id, name, amqpUser, status, createdAt, agencies: [{ code, name, status }] }] }' })
  list() {
    return this.systems.list();
  }
}
