import { Body, Controller, Delete, Get, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditActor } from '@edx/storage';
import { RequireRole, RoleGuard, SignedInAs } from '../auth/role.guard';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@UseGuards(RoleGuard)
@RequireRole('admin')
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: '{ name, role: "admin" | "operator", expiresInDays? (default 90) }: a named account; its token is in this answer only' })
  add(@Body() body: Record<string, unknown>, @SignedInAs() by: AuditActor) {
    return this.users.add({ name: body?.name, role: body?.role, expiresInDays: body?.expiresInDays }, by);
  }

  @Get()
  @ApiOperation({ summary: 'Every named account with its state (active, expired, revoked); never a token' })
  list() {
    return this.users.list();
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an account: its token is refused by this console at once, by every other copy within EDX_CONSOLE_ACCOUNT_CACHE_MS' })
  revoke(@Param('id') id: string, @SignedInAs() by: AuditActor) {
    return this.users.revoke(id, by);
  }
}
