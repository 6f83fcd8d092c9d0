import { Body, CanActivate, Controller, ExecutionContext, Get, HttpCode, Injectable, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EdxError } from '@edx/common';
import { AuditActor } from '@edx/storage';
import { RequireRole, RoleGuard, SignedInAs } from '../auth/role.guard';
import { requiredText } from '../http/body-fields';
import { SystemsService } from './systems.service';

type Body_ = Record<string, unknown>;

/** A connected system's own console token, for its own id only (`GET /v1/systems/:id/directory`). */
@Injectable()
export class SystemTokenGuard implements CanActivate {
  constructor(private readonly systems: SystemsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; params: Record<string, string> }>();
    const header = request.headers.authorization ?? '';
    const systemId = await this.systems.systemOfToken(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
    if (systemId !== request.params.id) throw new EdxError('AUTH_FORBIDDEN', `This token is system ${systemId}'s; it reads only its own directory.`);
    return true;
  }
}

@ApiTags('systems')
@Controller('v1')
export class SystemsController {
  constructor(private readonly systems: SystemsService) {}

  @Post('systems')
  @UseGuards(RoleGuard)
  @RequireRole('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create a connected system (a gateway): its broker user and inbox, and a one-time enrolment token (shown once) for `edx gateway enrol`' })
  createSystem(@Body() body: Body_, @SignedInAs() by: AuditActor) {
    return this.systems.createSystem(requiredText(body, 'id'), requiredText(body, 'name'), by);
  }

  @Get('systems')
  @UseGuards(RoleGuard)
  @RequireRole('operator')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The connected systems: enrolment state and hosted agencies' })
  async list() {
    return { items: await this.systems.list() };
  }

  @Post('systems/:id/enrolment-token')
  @UseGuards(RoleGuard)
  @RequireRole('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A new enrolment token for a system (the previous one stops working): enrol it again, e.g. on a new machine' })
  newToken(@Param('id') id: string, @SignedInAs() by: AuditActor) {
    return this.systems.newEnrolmentToken(id, by);
  }

  @Post('systems/:id/transport/revoke')
  @HttpCode(200)
  @UseGuards(RoleGuard)
  @RequireRole('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Revoke a system's transport certificate: the broker refuses its next connection and closes the open ones (body: reason); it connects again only after a new enrolment" })
  revokeTransport(@Param('id') id: string, @Body() body: Body_, @SignedInAs() by: AuditActor) {
    return this.systems.revokeTransport(id, requiredText(body, 'reason'), by);
  }

  @Post('enrolments')
  @ApiOperation({ summary: "Redeem an enrolment token: { token, csr, hosts? } (a PEM request for the gateway's own key; the names it serves HTTPS on) → the system's broker certificate, console token, trust anchors, hosted agencies and, when this console issues them, its HTTPS certificate" })
  enrol(@Body() body: Body_) {
    const hosts = body?.hosts === undefined ? [] : body.hosts;
    if (!Array.isArray(hosts)) throw new EdxError('REQUEST_INVALID', '"hosts" must be a list of the DNS names and IP addresses the gateway serves HTTPS on.');
    return this.systems.enrol(requiredText(body, 'token'), requiredText(body, 'csr'), hosts as string[]);
  }

  @Get('systems/:id/directory')
  @UseGuards(SystemTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "The agencies a system hosts, each with its registered certificates (the system's console token)" })
  async directory(@Param('id') id: string) {
    return { systemId: id, agencies: await this.systems.hostedAgencies(id) };
  }
}
