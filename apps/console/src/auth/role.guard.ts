import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { EdxError } from '@edx/common';
import { AuditActor } from '@edx/storage';
import { AccountDirectory } from '../users/account-directory';

export type Role = 'admin' | 'operator';
export const ROLE_TOKENS = Symbol('ROLE_TOKENS');
export const REQUIRED_ROLE = 'edx:role';

/** The least role a route needs: administrators may do everything operators may. */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** The bootstrap tokens of the settings (EDX_CONSOLE_*_TOKEN_SHA256): who they sign in as. */
export const BOOTSTRAP_ACTORS: Readonly<Record<Role, AuditActor>> = {
  admin: { id: null, name: 'bootstrap admin', role: 'admin' },
  operator: { id: null, name: 'bootstrap operator', role: 'operator' },
};

interface GuardedRequest {
  headers: Record<string, string | undefined>;
  edxActor?: AuditActor;
}

const SIGN_IN = 'Send an administrator or operator token as "Authorization: Bearer <token>".';

/**
 * Bearer tokens, compared by SHA-256 in constant time; the tokens themselves are never stored. A
 * token is one of the two bootstrap tokens of the settings or a named account's (`POST /v1/users`),
 * which must be neither expired nor revoked.
 */
@Injectable()
export class RoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ROLE_TOKENS) private readonly tokens: { admin?: string; operator?: string },
    private readonly accounts: AccountDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, [context.getHandler(), context.getClass()]);
    if (!required) return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) throw new EdxError('AUTH_REQUIRED', SIGN_IN);
    const actor = await this.actorOf(createHash('sha256').update(token).digest());
    if (required === 'admin' && actor.role !== 'admin') throw new EdxError('AUTH_FORBIDDEN', 'Only an administrator may do this.');
    request.edxActor = actor;
    return true;
  }

  private async actorOf(hash: Buffer): Promise<AuditActor> {
    const matches = (expected?: string) => expected !== undefined && timingSafeEqual(Buffer.from(expected, 'hex'), hash);
    if (matches(this.tokens.admin)) return BOOTSTRAP_ACTORS.admin;
    if (matches(this.tokens.operator)) return BOOTSTRAP_ACTORS.operator;
    const account = await this.accounts.byTokenHash(hash);
    if (!account) throw new EdxError('AUTH_REQUIRED', SIGN_IN);
    if (account.revokedAt) throw new EdxError('AUTH_TOKEN_REVOKED', `The token of account "${account.name}" was revoked; ask an administrator for a new account.`);
    if (account.expiresAt && account.expiresAt.getTime() <= Date.now()) {
      throw new EdxError('AUTH_TOKEN_EXPIRED', `The token of account "${account.name}" expired at ${account.expiresAt.toISOString()}; ask an administrator for a new account.`);
    }
    return { id: account.id, name: account.name, role: account.role };
  }
}

/** Who is signed in: the account whose token the request carries, for the records of what they did. */
export const SignedInAs = createParamDecorator((_: unknown, context: ExecutionContext): AuditActor => {
  const actor = context.switchToHttp().getRequest<GuardedRequest>().edxActor;
  if (!actor) throw new EdxError('AUTH_REQUIRED', SIGN_IN);
  return actor;
});

/** The role of whoever is signed in. */
export const SignedIn = createParamDecorator((_: unknown, context: ExecutionContext): Role => {
  const actor = context.switchToHttp().getRequest<GuardedRequest>().edxActor;
  if (!actor) throw new EdxError('AUTH_REQUIRED', SIGN_IN);
  return actor.role as Role; // this guard signs in administrators and operators only
});
