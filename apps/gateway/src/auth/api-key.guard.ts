import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { EdxError } from '@edx/common';
import { HostedAgencies, HostedAgency } from '../config/hosted-agencies';

type AuthenticatedRequest = { headers: Record<string, string | string[] | undefined>; agency?: HostedAgency };

/** Every /v1 call carries one hosted agency's API key in `x-api-key`; the call acts as that agency. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly agencies: HostedAgencies) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.headers['x-api-key'];
    const agency = typeof key === 'string' ? this.agencies.byApiKey(key) : undefined;
    if (!agency) throw new EdxError('AUTH_REQUIRED', 'Send the API key of a hosted agency in the x-api-key header.');
    request.agency = agency;
    return true;
  }
}

/** The hosted agency the request authenticated as. */
export const CurrentAgency = createParamDecorator((_data: unknown, context: ExecutionContext): HostedAgency => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().agency!;
});
