import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EdxError } from '@edx/common';
import { AuditActor } from '@edx/storage';
import { RequireRole, RoleGuard, SignedInAs } from '../auth/role.guard';
import { contactChanges } from './agency-contacts';
import { AgencyContactsService } from './agency-contacts.service';
import { AgencyDirectoryRepository } from './agency-directory.repository';
import { AgencySearch } from './agency-search.query';
import { requiredText as text } from '../http/body-fields';
import { CodeHistoryService } from './code-history.service';
import { OnboardingService } from './onboarding.service';

type Body_ = Record<string, unknown>;

/** `parentCode`: a code, null to remove the parent, absent to keep it. */
const parentOf = (body: Body_): string | null | undefined => {
  const value = body?.parentCode;
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || !value.trim()) throw new EdxError('REQUEST_INVALID', '"parentCode" must be an agency code or null.');
  return value.trim();
};

@ApiTags('onboarding')
@ApiBearerAuth()
@UseGuards(RoleGuard)
@Controller('v1')
export class AgenciesController {
  constructor(
    private readonly onboarding: OnboardingService,
    private readonly directory: AgencyDirectoryRepository,
    private readonly contacts: AgencyContactsService,
    private readonly history: CodeHistoryService,
  ) {}

  @Post('agencies')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Register an agency hosted by a connected system, with its signing certificate (PEM), its parent agency (parentCode) and its contacts (contactPerson, mail, phone, address)' })
  async addAgency(@Body() body: Body_, @SignedInAs() by: AuditActor) {
    const changes = contactChanges(body ?? {});
    const code = text(body, 'code');
    const parentCode = parentOf(body);
    await this.history.assertCurrent(code.trim(), 'register the agency under its current code');
    if (parentCode) await this.history.assertCurrent(parentCode, 'a retired code is nobody\'s parent: name its current code');
    const added = await this.onboarding.addAgency({
      code,
      name: text(body, 'name'),
      systemId: text(body, 'systemId'),
      certificatePem: typeof body.certificatePem === 'string' ? body.certificatePem : undefined,
      parentCode,
    }, by);
    const contacts = Object.keys(changes).length > 0 ? await this.contacts.set(added.code, changes, by) : undefined;
    return { ...added, ...(contacts ? { contacts } : {}) };
  }

  @Get('agencies')
  @RequireRole('operator')
  @ApiOperation({ summary: 'The agency directory, in code order, filtered and paged: { items, total, nextCursor }' })
  @ApiQuery({ name: 'q', required: false, description: 'a code prefix, or words of the name (accents and case ignored: "nghe an" finds "Nghệ An")' })
  @ApiQuery({ name: 'status', required: false, description: 'active | suspended' })
  @ApiQuery({ name: 'parent', required: false, description: 'the parent agency code: its children' })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  async listAgencies(@Query() query: Record<string, unknown>) {
    const page = await this.directory.search(AgencySearch.parse(query));
    return { items: page.items, total: page.total, nextCursor: page.next ?? null };
  }

  @Get('agencies/:code')
  @RequireRole('operator')
  @ApiOperation({ summary: 'One agency of the directory, with its parent and its children' })
  agency(@Param('code') code: string) {
    return this.directory.agency(code);
  }

  @Post('agencies/:code/certificates')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Register another signing certificate for an agency (rotation)' })
  async addCertificate(@Param('code') code: string, @Body() body: Body_, @SignedInAs() by: AuditActor) {
    await this.history.assertCurrent(code, 'register the certificate for its current code');
    return this.onboarding.addCertificate(code, text(body, 'certificatePem'), by);
  }

  @Patch('agencies/:code')
  @RequireRole('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Suspend or resume an agency ({ "status": "suspended" | "active" }) and/or set its contacts ({ contactPerson, mail, phone, address }; null clears one)' })
  async setStatus(@Param('code') code: string, @Body() body: Body_, @SignedInAs() by: AuditActor) {
    const status = body?.status;
    const changes = contactChanges(body ?? {});
    if (status === undefined && Object.keys(changes).length === 0) throw new EdxError('REQUEST_INVALID', 'Send "status" ("active" or "suspended") or contact fields (contactPerson, mail, phone, address).');
    if (status !== undefined && status !== 'active' && status !== 'suspended') throw new EdxError('REQUEST_INVALID', '"status" must be "active" or "suspended".');
    if (Object.keys(changes).length > 0) await this.contacts.set(code, changes, by);
    if (status !== undefined) await this.onboarding.setAgencyStatus(code, status, by);
  }

  @Post('trust/:kind')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Add a trust anchor, an intermediate CA or a CRL (PEM): kind = anchors | intermediates | crls' })
  addTrust(@Param('kind') kind: string, @Body() body: Body_, @SignedInAs() by: AuditActor) {
    const kinds: Record<string, 'anchor' | 'intermediate' | 'crl'> = { anchors: 'anchor', intermediates: 'intermediate', crls: 'crl' };
    if (!kinds[kind]) throw new EdxError('NOT_FOUND', `Unknown trust material "${kind}": use anchors, intermediates or crls.`);
    return this.onboarding.addTrustMaterial(kinds[kind], text(body, 'pem'), by, typeof body.label === 'string' ? body.label : undefined);
  }
}
