import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { EdxError } from '@edx/common';
import { HostedAgencies, HostedAgency } from '../config/hosted-agencies';
import { CallerRequest, authenticateCaller } from './caller';

type AuthenticatedRequest = CallerRequest & { agency?: HostedAgency };

/**
 * Every /v1 call acts as one hosted agency: the one its client certificate names (mutual TLS, when
 * the gateway asks for certificates) or the one whose API key is in `x-api-key`.
 */
@Injectable()
export class AgencyGuard implements CanActivate {
  constructor(private readonly agencies: HostedAgencies) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = authenticateCaller(request, this.agencies);
    if (!caller) throw new EdxError('AUTH_REQUIRED', 'Send the API key of a hosted agency in the x-api-key header (or a client certificate issued for it, where the gateway takes them).');
    request.agency = caller.agency;
    return true;
  }
}

/** The hosted agency the request authenticated as. */
export const CurrentAgency = createParamDecorator((_data: unknown, context: ExecutionContext): HostedAgency => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().agency!;
});
