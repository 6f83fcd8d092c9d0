import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { EdxError } from '@edx/common';

export type Role = 'admin' | 'operator';
export const ROLE_TOKENS = Symbol('ROLE_TOKENS');
const REQUIRED_ROLE = 'edx:role';

/** The least role a route needs: administrators may do everything operators may. */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** Bearer tokens, compared by SHA-256 in constant time; the tokens themselves are never stored. */
@Injectable()
export class RoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ROLE_TOKENS) private readonly tokens: { admin?: string; operator?: string },
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, [context.getHandler(), context.getClass()]);
    if (!required) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; edxRole?: Role }>();
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const role = token ? this.roleOf(token) : undefined;
    if (!role) throw new EdxError('AUTH_REQUIRED', 'Send an administrator or operator token as "Authorization: Bearer <token>".');
    if (required === 'admin' && role !== 'admin') throw new EdxError('AUTH_FORBIDDEN', 'Only an administrator may do this.');
    request.edxRole = role;
    return true;
  }

  private roleOf(token: string): Role | undefined {
    const hash = createHash('sha256').update(token).digest();
    const matches = (expected?: string) => expected !== undefined && timingSafeEqual(Buffer.from(expected, 'hex'), hash);
    if (matches(this.tokens.admin)) return 'admin';
    if (matches(this.tokens.operator)) return 'operator';
    return undefined;
  }
}

/** Who is signed in (the role whose token the request carries), for the records of what they did. */
export const SignedIn = createParamDecorator((_: unknown, context: ExecutionContext): Role => {
  const role = context.switchToHttp().getRequest<{ edxRole?: Role }>().edxRole;
  if (!role) throw new EdxError('AUTH_REQUIRED', 'Send an administrator or operator token as "Authorization: Bearer <token>".');
  return role;
});
