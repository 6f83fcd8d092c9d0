import { Controller, Delete, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditActor } from '@edx/storage';
import { RequireRole, RoleGuard, SignedInAs } from '../auth/role.guard';
import { AgencyCertificatesRepository } from './agency-certificates.repository';
import { OnboardingService } from './onboarding.service';

/** The agencies' signing certificates: the register with expiries, and retirement (the end of a rotation). */
@ApiTags('onboarding')
@ApiBearerAuth()
@UseGuards(RoleGuard)
@Controller('v1')
export class CertificatesController {
  constructor(
    private readonly onboarding: OnboardingService,
    private readonly certificates: AgencyCertificatesRepository,
  ) {}

  @Get('certificates')
  @RequireRole('operator')
  @ApiOperation({ summary: "The agencies' signing certificates, soonest expiry first: { items: [{ agencyCode, fingerprint, notAfter, daysToExpiry, status, ... }] }" })
  @ApiQuery({ name: 'agency', required: false, description: 'one agency code' })
  @ApiQuery({ name: 'status', required: false, description: 'active | retired' })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 100' })
  list(@Query() query: Record<string, unknown>) {
    return this.certificates.list(query);
  }

  @Delete('agencies/:code/certificates/:fingerprint')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Retire a signing certificate (after a rotation): the hub refuses what it signs from its next directory read' })
  retire(@Param('code') code: string, @Param('fingerprint') fingerprint: string, @SignedInAs() by: AuditActor) {
    return this.onboarding.retireCertificate(code, fingerprint, by);
  }
}
