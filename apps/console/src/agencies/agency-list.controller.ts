import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { EdxError, toEdxError } from '@edx/common';
import { AuditActor } from '@edx/storage';
import { RequireRole, RoleGuard, SignedInAs } from '../auth/role.guard';
import { QueryParams } from '../http/query-params';
import { AgencyDirectoryRepository } from './agency-directory.repository';
import { AgencyImportUseCase, ImportRowResult } from './agency-list/agency-import.usecase';
import { readAgencyList, toAxisAgency, writeAgencyListCsv } from './agency-list/axis-agency-list';
import { CodeHistoryService } from './code-history.service';

export const NDJSON = 'application/x-ndjson';

const formatOf = (value: string | undefined, fallback: 'json' | 'csv'): 'json' | 'csv' => {
  if (value === undefined) return fallback;
  if (value !== 'json' && value !== 'csv') throw new EdxError('REQUEST_INVALID', '"format" must be "json" or "csv".');
  return value;
};

/**
 * The directory as a list in the national axis's shape (export, import) and the history of codes.
 * Registered before AgenciesController so that `agencies/export` is not read as an agency code.
 */
@ApiTags('onboarding')
@ApiBearerAuth()
@UseGuards(RoleGuard)
@Controller('v1')
export class AgencyListController {
  constructor(
    private readonly directory: AgencyDirectoryRepository,
    private readonly imports: AgencyImportUseCase,
    private readonly history: CodeHistoryService,
  ) {}

  @Get('agencies/export')
  @RequireRole('operator')
  @ApiOperation({ summary: "The current agencies in the national axis's agency-list shape: [{ id, pid, code, name, mail, oldCode, code102 }] or CSV" })
  @ApiQuery({ name: 'format', required: false, description: 'json (default) | csv (UTF-8 with a byte order mark, RFC 4180)' })
  async export(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const format = formatOf(new QueryParams(query).one('format'), 'json');
    const agencies = (await this.directory.exportRows()).map(toAxisAgency);
    if (format === 'csv') res.type('text/csv; charset=utf-8').attachment('agencies.csv').send(writeAgencyListCsv(agencies));
    else res.json(agencies);
  }

  @Post('agencies/import')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Import an agency list (a JSON array in the axis shape, or text/csv): one result per row (created, updated, unchanged, refused with code and message), then a summary. ' +
      'With Accept: application/x-ndjson the answer streams one JSON line per row as it is done, and the summary last.',
  })
  @ApiQuery({ name: 'systemId', required: false, description: 'the connected system that hosts the agencies this import creates (absent: they are unhosted)' })
  @ApiQuery({ name: 'format', required: false, description: 'json | csv (default: from the content type)' })
  async import(@Query() query: Record<string, unknown>, @Body() body: unknown, @Req() req: Request, @Res() res: Response, @SignedInAs() by: AuditActor): Promise<void> {
    const params = new QueryParams(query);
    const isCsv = /^text\/csv\b/i.test(req.headers['content-type'] ?? '');
    const format = formatOf(params.one('format'), isCsv ? 'csv' : 'json');
    const rows = readAgencyList(body, format);
    const systemId = params.one('systemId');
    const stream = (req.headers.accept ?? '').includes(NDJSON);
    if (!stream) {
      const results: ImportRowResult[] = [];
      const summary = await this.imports.run(rows, systemId, by, (r) => void results.push(r));
      res.json({ rows: results, summary });
      return;
    }
    res.status(200).type(NDJSON);
    res.flushHeaders();
    try {
      const summary = await this.imports.run(rows, systemId, by, (r) => void res.write(`${JSON.stringify(r)}\n`));
      res.end(`${JSON.stringify({ summary })}\n`);
    } catch (error) {
      // The status line is sent already: the failure is the last line (rows reported before it are done).
      res.end(`${JSON.stringify({ error: toEdxError(error).toJSON() })}\n`);
    }
  }

  @Post('agencies/:code/retire')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retire a code: { successor } registered = a merger, not registered = a rename (a new code for the agency), absent = closed. Documents to it go to its successor.' })
  retire(@Param('code') code: string, @Body() body: Record<string, unknown>, @SignedInAs() by: AuditActor) {
    const successor = body?.successor;
    if (successor !== undefined && successor !== null && (typeof successor !== 'string' || !successor.trim())) throw new EdxError('REQUEST_INVALID', '"successor" must be an agency code, or absent to close the code.');
    return this.history.retire(code, typeof successor === 'string' ? successor.trim() : undefined, by);
  }

  @Get('agencies/:code/history')
  @RequireRole('operator')
  @ApiOperation({ summary: "A code's history (retired, renamed, merged; the codes retired into it and its chain of successors), also for a retired code" })
  codeHistory(@Param('code') code: string) {
    return this.history.history(code);
  }
}
