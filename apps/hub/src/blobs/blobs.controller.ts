import { pipeline } from 'node:stream/promises';
import { Controller, Get, Head, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EdxError, rangeHeaders, requestedRange } from '@edx/common';
import { SHA256_HEX } from '@edx/storage';
import { HubWorker } from '../hub.worker';
import { readableSize } from './blob-access';
import { authenticateSystem } from './system-caller';

/**
 * The claim-check store's HTTP face, for connected systems only (their transport client
 * certificate): a gateway uploads a large attachment's bytes here before it sends the package that
 * names them, and a recipient's gateway reads them, resuming with a Range where a transfer broke.
 */
@Controller('v1/blobs')
export class BlobsController {
  constructor(private readonly worker: HubWorker) {}

  /** Streams the body into the store; `x-edx-sha256`, when sent, is the digest the bytes must have. */
  @Post()
  async upload(@Req() req: Request, @Res() res: Response): Promise<void> {
    const caller = await authenticateSystem(req.socket, this.worker.dataSource, this.worker.asksClientCertificates);
    const type = req.headers['content-type']?.split(';')[0].trim().toLowerCase();
    if (type !== 'application/octet-stream') throw new EdxError('REQUEST_INVALID', `A blob is uploaded as application/octet-stream, not ${type ?? 'without a content type'}.`);
    const max = this.worker.maxAttachmentBytes;
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && declared > max) {
      res.set('connection', 'close');
      throw new EdxError('ATTACHMENT_TOO_LARGE', `The attachment is ${declared} bytes; this exchange takes at most ${max} (EDX_MAX_ATTACHMENT_BYTES).`, { maxBytes: max });
    }
    const expected = req.headers['x-edx-sha256'];
    if (expected !== undefined && (typeof expected !== 'string' || !SHA256_HEX.test(expected))) throw new EdxError('REQUEST_INVALID', 'x-edx-sha256 must be a lower-case hex SHA-256.');
    // A refused upload leaves its body unread: the connection closes with the answer rather than reading on.
    const stored = await this.worker.blobs.put(req, { uploadedBy: caller.systemId, maxBytes: max, expectedSha256: expected }).catch((error: unknown) => {
      res.set('connection', 'close');
      throw error;
    });
    res.status(stored.created ? 201 : 200).json({ sha256: stored.sha256, size: stored.size });
  }

  @Head(':sha256')
  async head(@Param('sha256') sha256: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const size = await this.readable(sha256, req);
    res.set('content-type', 'application/octet-stream');
    rangeHeaders(res, undefined, size);
    res.end();
  }

  /** The blob, or the one range asked for (206): a client that lost its connection resumes from the byte it got to. */
  @Get(':sha256')
  async read(@Param('sha256') sha256: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const size = await this.readable(sha256, req);
    const range = requestedRange(req.headers.range, size);
    const stream = await this.worker.blobs.read(sha256, range);
    res.set('content-type', 'application/octet-stream');
    rangeHeaders(res, range, size);
    // Once bytes are on their way an error can only cut the response short: the client sees fewer bytes than announced and resumes.
    await pipeline(stream, res).catch(() => res.destroy());
  }

  private async readable(sha256: string, req: Request): Promise<number> {
    const caller = await authenticateSystem(req.socket, this.worker.dataSource, this.worker.asksClientCertificates);
    const size = SHA256_HEX.test(sha256) ? await readableSize(this.worker.dataSource, caller.systemId, sha256) : undefined;
    // A blob the caller may not read is answered as one that does not exist: the digest proves nothing.
    if (size === undefined) throw new EdxError('NOT_FOUND', `No blob ${sha256.slice(0, 64)} is stored for ${caller.systemId}.`);
    return size;
  }
}
