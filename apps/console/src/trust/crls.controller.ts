import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OnboardingService } from '../agencies/onboarding.service';

/**
 * The uploaded CRLs, published for every verifier (gateways poll it through their revocation
 * service). A CRL is a signed public document, checked against its CA when it was uploaded and again
 * by every reader, so this needs no token.
 */
@ApiTags('trust')
@Controller('v1/trust')
export class CrlsController {
  constructor(private readonly onboarding: OnboardingService) {}

  @Get('crls')
  @Header('content-type', 'application/x-pem-file')
  @Header('cache-control', 'no-cache')
  @ApiOperation({ summary: 'Every uploaded CRL as a PEM bundle (public: gateways poll it)' })
  crls(): Promise<string> {
    return this.onboarding.crlBundle();
  }
}
