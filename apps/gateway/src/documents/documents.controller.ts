import { Body, Controller, Get, Header, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Req, Res, Sse, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Observable, map } from 'rxjs';
import { EdxError, isUuid, rangeHeaders, requestedRange } from '@edx/common';
import { parseEdxml } from '@edx/edxml';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AgencyGuard, CurrentAgency } from '../auth/agency.guard';
import { HostedAgency } from '../config/hosted-agencies';
import { GatewayEvents } from '../events/gateway-events';
import { GatewayStore } from '../outbox/gateway.store';
import { PostStatusUseCase } from '../statuses/post-status.usecase';
import { recipientView } from './delivery-view';
import { MULTIPART_LIMITS, MULTIPART_SPILL, MultipartLimits, MultipartSpill, isMultipart, readMultipartDocument } from './multipart-document';
import { HubBlobClient } from '../blobs/hub-blob-client';
import { ExpandedPackage } from '../blobs/expanded-package';
import { PostStatusDto, SendDocumentDto } from './dto/send-document.dto';
import { SendDocumentCommand } from './send-document.command';
import { SendDocumentUseCase } from './send-document.usecase';

/** The most documents one inbox page lists; `next` leads to the rest. */
const INBOX_PAGE_MAX = 1000;

const isXml = (req: Request) => /(^|\/|\+)xml\b|edxml/i.test(req.headers['content-type'] ?? '');

@ApiTags('documents')
@ApiSecurity('apiKey')
@UseGuards(AgencyGuard)
@Controller('v1')
export class DocumentsController {
  constructor(
    private readonly send: SendDocumentUseCase,
    private readonly postStatus: PostStatusUseCase,
    private readonly store: GatewayStore,
    private readonly events: GatewayEvents,
    @Inject(MULTIPART_LIMITS) private readonly multipart: MultipartLimits,
    @Inject(MULTIPART_SPILL) private readonly spill: MultipartSpill,
    private readonly blobs: HubBlobClient,
  ) {}

  @Post('documents')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a document: an edXML package (application/xml), JSON fields and base64 files, or multipart/form-data (a "metadata" JSON part, then the files as they are)' })
  @ApiConsumes('application/xml', 'application/json', 'multipart/form-data')
  @ApiBody({ type: SendDocumentDto })
  async sendDocument(@CurrentAgency() agency: HostedAgency, @Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    if (isMultipart(req)) {
      // A refused upload stops being read: the connection closes with the answer.
      const upload = await readMultipartDocument(req, this.multipart, this.spill).catch((error: unknown) => {
        res.set('connection', 'close');
        throw error;
      });
      return this.send.execute(SendDocumentCommand.fromFields(agency, { ...toFields({ ...upload.metadata, files: [] }), files: upload.files }));
    }
    const command = isXml(req) ? SendDocumentCommand.fromEdxml(agency, body as Buffer) : SendDocumentCommand.fromFields(agency, toFields(body));
    return this.send.execute(command);
  }

  @Get('documents/inbox')
  @ApiOperation({ summary: 'Documents received by this agency (oldest first); ?all=true includes fetched ones; `next` (when the page is full) is the `?after=` of the next page' })
  async inbox(@CurrentAgency() agency: HostedAgency, @Query('all') all?: string, @Query('limit') limit?: string, @Query('since') since?: string, @Query('after') after?: string) {
    const pageSize = Math.min(Math.max(Number(limit) || 100, 1), INBOX_PAGE_MAX);
    const sinceDate = since === undefined ? undefined : new Date(since);
    if (sinceDate && Number.isNaN(sinceDate.getTime())) throw new EdxError('REQUEST_INVALID', `?since=${JSON.stringify(since).slice(0, 60)} is not a date and time (ISO 8601, e.g. 2026-12-01T08:00:00Z).`);
    if (after !== undefined && !isUuid(after)) throw new EdxError('REQUEST_INVALID', '?after= takes the id of the last document of the previous page (a UUID).');
    const items = await this.store.inbox(agency.code, { limit: pageSize, unfetchedOnly: all !== 'true', since: sinceDate, after });
    if (!items) throw new EdxError('NOT_FOUND', `Agency ${agency.code} has no document ${after} to page after.`);
    const next = items.length === pageSize ? items[items.length - 1].packageId : undefined;
    return { items: items.map(({ packageId, ...rest }) => ({ id: packageId, ...rest })), ...(next ? { next } : {}) };
  }

  @Get('documents/:id')
  @ApiOperation({ summary: "A document sent or received by this agency: each recipient's furthest state with its status history, and every status" })
  async document(@CurrentAgency() agency: HostedAgency, @Param('id', ParseUUIDPipe) id: string) {
    const [outgoing, incoming, statuses] = await Promise.all([this.store.outgoing(agency.code, id), this.store.incoming(agency.code, id), this.store.statuses(id)]);
    if (!outgoing && !incoming) throw new EdxError('NOT_FOUND', `Agency ${agency.code} has no document ${id}.`);
    const timeline = statuses
      .filter((s) => s.agencyCode === agency.code)
      .map((s) => ({ direction: s.direction, from: s.fromCode, statusCode: s.statusCode, description: s.description, at: s.at, ...(s.addressedTo ? { addressedTo: s.addressedTo } : {}) }));
    if (outgoing) {
      // Each recipient's furthest state (the one state machine the hub uses too), with its statuses beside it.
      // A retired recipient code's successor answers for it (the hub says so on its statuses): shown under the code addressed, with who answered.
      const recipients = outgoing.recipients.map((code) => {
        const answers = timeline.filter((s) => s.direction === 'in' && (s.addressedTo ?? s.from) === code);
        const successor = answers.find((s) => s.addressedTo === code)?.from;
        return { ...recipientView(code, answers), ...(successor ? { deliveredTo: successor } : {}) };
      });
      const outbox = outgoing.publishedAt ? undefined : await this.store.outboxStateOf(id);
      return {
        id, direction: 'out', documentId: outgoing.edxmlDocumentId, subject: outgoing.subject, sha256: outgoing.sha256, createdAt: outgoing.createdAt, publishedAt: outgoing.publishedAt,
        // Not sent yet: how often the broker refused it and why; parked = it waits for a person.
        ...(outbox ? { outbox } : {}),
        recipients, statuses: timeline,
      };
    }
    const d = incoming!;
    return {
      id, direction: 'in', from: d.senderCode, documentId: d.edxmlDocumentId, subject: d.subject, sha256: d.sha256, verdict: d.verdict, rejectCode: d.rejectCode, rejectReason: d.rejectReason,
      receivedAt: d.receivedAt, fetchedAt: d.fetchedAt,
      // The sender addressed a code that was retired into this agency; the hub routed it here.
      ...(d.addressedTo ? { addressedTo: d.addressedTo } : {}),
      // Where this agency's own delivery stands, by the statuses it reported (the sender sees the same).
      state: recipientView(agency.code, timeline.filter((s) => s.direction === 'out')).state,
      // The hub's signed receipt attestation (JWS): proof that the package was valid when it arrived.
      receiptAttestation: d.receiptAttestation,
      statuses: timeline,
    };
  }

  @Get('documents/:id/package')
  @ApiOperation({ summary: 'The original signed edXML bytes (claim-checked attachments read from the hub as they stream), or one Range of them; marks a received document as fetched' })
  async package(@CurrentAgency() agency: HostedAgency, @Param('id', ParseUUIDPipe) id: string, @Req() req: Request, @Res() res: Response) {
    const { bytes, received } = await this.storedPackage(agency, id);
    const expanded = ExpandedPackage.of(bytes);
    const range = requestedRange(req.headers.range, expanded.length);
    if (received) await this.store.markFetched(agency.code, id);
    res.setHeader('content-type', 'application/xml');
    res.setHeader('content-disposition', `attachment; filename="${id}.edxml"`);
    rangeHeaders(res, range, expanded.length);
    // Once bytes are on their way a failure (the hub away, a digest that does not hold) can only cut the response short: the DMS sees fewer bytes than announced and resumes.
    await pipeline(Readable.from(expanded.read(this.blobs, range)), res).catch(() => res.destroy());
  }

  @Get('documents/:id/attachments/:n')
  @ApiOperation({ summary: "One attachment's bytes as they are (the n-th, from 1), or one Range of them: a large file without base64, resumable" })
  async attachment(@CurrentAgency() agency: HostedAgency, @Param('id', ParseUUIDPipe) id: string, @Param('n') n: string, @Req() req: Request, @Res() res: Response) {
    const { bytes } = await this.storedPackage(agency, id);
    const parsed = parseEdxml(bytes, undefined, { claims: true });
    const index = Number(n);
    const a = parsed.kind === 'package' && Number.isInteger(index) && index >= 1 ? parsed.attachments[index - 1] : undefined;
    if (!a) throw new EdxError('NOT_FOUND', `Document ${id} has no attachment ${String(n).slice(0, 12)} (they are numbered from 1).`);
    const size = a.claim ? a.claim.size : a.bytes.length;
    const range = requestedRange(req.headers.range, size);
    res.setHeader('content-type', a.contentType || 'application/octet-stream');
    res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.name)}`);
    res.setHeader('x-edx-sha256', a.sha256);
    rangeHeaders(res, range, size);
    const start = range?.start ?? 0;
    const end = range?.end ?? size;
    const source = a.claim ? cut(await this.blobs.read(a.sha256, { start }), end - start) : [a.bytes.subarray(start, end)];
    await pipeline(Readable.from(source), res).catch(() => res.destroy());
  }

  /** The package of a document this agency received or sent, as this gateway keeps it. */
  private async storedPackage(agency: HostedAgency, id: string): Promise<{ bytes: Buffer; received: boolean }> {
    const incoming = await this.store.incoming(agency.code, id, true);
    const bytes = incoming?.package ?? (await this.store.outgoing(agency.code, id, true))?.package;
    if (!bytes) throw new EdxError('NOT_FOUND', `Agency ${agency.code} has no document ${id}.`);
    return { bytes, received: Boolean(incoming) };
  }

  @Post('documents/:id/statuses')
  @HttpCode(202)
  @ApiOperation({ summary: 'Report a status about a document (03 accepted ... 06 completed; 13 recall by the sender)' })
  statuses(@CurrentAgency() agency: HostedAgency, @Param('id', ParseUUIDPipe) id: string, @Body() body: PostStatusDto) {
    if (!body || typeof body.statusCode !== 'string') throw new EdxError('REQUEST_INVALID', 'Send { "statusCode": "03", "description": "..." }.');
    return this.postStatus.execute({ agency, packageId: id, statusCode: body.statusCode, description: body.description, staff: body.staff });
  }

  @Get('documents/:id/statuses')
  @ApiOperation({ summary: 'Every status sent or received about a document' })
  async statusList(@CurrentAgency() agency: HostedAgency, @Param('id', ParseUUIDPipe) id: string) {
    const statuses = (await this.store.statuses(id)).filter((s) => s.agencyCode === agency.code);
    return { items: statuses.map((s) => ({ id: s.id, direction: s.direction, from: s.fromCode, statusCode: s.statusCode, description: s.description, at: s.at, ...(s.addressedTo ? { addressedTo: s.addressedTo } : {}) })) };
  }

  @Sse('events')
  // The stream ends at shutdown (GatewayEvents.close); its connection must close with it, not linger
  // as a keep-alive socket the HTTP server waits for.
  @Header('connection', 'close')
  @ApiOperation({ summary: 'Live stream (Server-Sent Events) of new documents and statuses for this agency' })
  stream(@CurrentAgency() agency: HostedAgency): Observable<{ type: string; data: Record<string, unknown> }> {
    return this.events.forAgency(agency.code).pipe(map((e) => ({ type: e.type, data: e.data })));
  }
}

function toFields(body: unknown) {
  const dto = (body ?? {}) as Partial<SendDocumentDto>;
  const files = Array.isArray(dto.files) ? dto.files : [];
  return {
    to: Array.isArray(dto.to) ? dto.to.map((t) => (typeof t === 'string' ? { organId: t } : t)) : [],
    subject: dto.subject ?? '',
    codeNumber: dto.codeNumber ?? '',
    codeNotation: dto.codeNotation ?? '',
    typeName: dto.typeName,
    content: dto.content,
    place: dto.place,
    priority: dto.priority,
    files: files.map((f) => ({ name: f.name, contentType: f.contentType ?? 'application/pdf', description: f.description, bytes: Buffer.from(f.base64 ?? '', 'base64') })),
  };
}

/** The first `length` bytes of a stream. */
async function* cut(source: AsyncIterable<Uint8Array>, length: number): AsyncGenerator<Uint8Array> {
  let left = length;
  for await (const piece of source) {
    if (left <= 0) return;
    const part = piece.length > left ? piece.subarray(0, left) : piece;
    left -= part.length;
    yield part;
  }
}
