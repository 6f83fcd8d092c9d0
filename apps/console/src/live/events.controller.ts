import { Controller, MessageEvent, Sse, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Observable, interval, map, merge } from 'rxjs';
import { RequireRole, RoleGuard } from '../auth/role.guard';
import { ChangeFeed } from './change-feed';

/** Proxies and load balancers close an idle stream; a comment-free ping every 25 s keeps it open. */
const KEEPALIVE_MS = 25_000;

@ApiTags('monitoring')
@ApiBearerAuth()
@UseGuards(RoleGuard)
@RequireRole('operator')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly feed: ChangeFeed) {}

  @Sse()
  @ApiOperation({ summary: 'Server-sent events: "change" { at, changed: ["documents" | "dead-letters"] } when something the dashboard shows moved; "ping" keeps the stream open' })
  events(): Observable<MessageEvent> {
    return merge(
      this.feed.changes().pipe(map((tick): MessageEvent => ({ type: 'change', data: tick }))),
      interval(KEEPALIVE_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: {} }))),
    );
  }
}
