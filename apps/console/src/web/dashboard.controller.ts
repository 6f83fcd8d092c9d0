import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EdxError } from '@edx/common';

/** The checkout's root: the nearest folder above this file holding package.json (from dist/ and from sources). */
function checkoutRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') {
    const parent = path.dirname(dir);
    if (parent === dir) throw new EdxError('CONFIG_INVALID', 'The dashboard cannot find the checkout (no package.json above the console).');
    dir = parent;
  }
  return dir;
}

const WEB = path.join(checkoutRoot(), 'apps/console/web');

/**
 * Every file the dashboard is made of, by the name the browser asks for: its own modules and the
 * one vendored library (preact with hooks and htm in a single ES module, from the htm package), so
 * it works with no network and no build step. Anything else is NOT_FOUND.
 */
const ASSETS: Readonly<Record<string, string>> = {
  'app.js': path.join(WEB, 'app.js'),
  'api.js': path.join(WEB, 'api.js'),
  'i18n.js': path.join(WEB, 'i18n.js'),
  'pages.js': path.join(WEB, 'pages.js'),
  'dashboard.css': path.join(WEB, 'dashboard.css'),
  // The package's exports map names no file of this folder: found beside its main entry (dist/htm.js).
  'preact-htm.js': path.join(path.dirname(require.resolve('htm')), '..', 'preact', 'standalone.module.js'),
};

@ApiExcludeController()
@Controller()
export class DashboardController {
  @Get()
  index(@Res() res: Response): void {
    res.set('cache-control', 'no-cache').sendFile(path.join(WEB, 'index.html'));
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() res: Response): void {
    const file = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!file) throw new EdxError('NOT_FOUND', `The dashboard has no asset "${name}".`);
    res.set('cache-control', 'no-cache').type(path.extname(name)).sendFile(file);
  }
}
