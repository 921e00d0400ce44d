/**
 * A simulated Zendesk account's tickets and the cursor-based incremental export over them: tickets
 * in ascending (updated_at, id) order after a position, leaving out the last minute, with the
 * flaws a real export shows (missing fields, requesters without email, odd statuses, deleted
 * tickets, and tickets updated while an export runs, which then come again on a later page).
 */
import { Random } from '../salesforce/random';
import { CHANNELS, FIRST_NAMES, LAST_NAMES, ODD_STATUSES, PRIORITIES, STATUSES, SUBJECTS, TAGS, TICKET_TYPES } from './vocabulary';

export interface SimUser {
  id: number;
  name: string;
  email: string | null;
}

export interface SimTicket {
  id: number;
  url: string;
  created_at: string;
  updated_at: string;
  status: string;
  subject: string | null;
  description: string | null;
  priority: string | null;
  type: string | null;
  via: { channel: string };
  requester_id: number;
  assignee_id: number | null;
  group_id: number | null;
  organization_id: number | null;
  tags: string[];
  satisfaction_rating: { score: string } | null;
  custom_fields: { id: number; value: string | null }[];
}

export interface FlawRates {
  /** Optional fields (subject, priority, type, assignee, group) left null. */
  missingFields: number;
  /** Requesters who only ever called or chatted: no email. */
  noEmail: number;
  oddStatus: number;
  deleted: number;
  /** Chance that serving a page updates a ticket an export has already passed. */
  updateDuringExport: number;
}

export const DEFAULT_FLAW_RATES: FlawRates = { missingFields: 0.1, noEmail: 0.1, oddStatus: 0.02, deleted: 0.02, updateDuringExport: 0.2 };

export type TicketChanges = Partial<Pick<SimTicket, 'status' | 'subject' | 'priority' | 'tags'>>;

/** A position in the export: after the ticket with this (updated_at ms, id). */
export interface ExportPosition {
  at: number;
  id: number;
}

export interface ExportPage {
  tickets: SimTicket[];
  users: SimUser[];
  after: ExportPosition;
  endOfStream: boolean;
}

const isAfter = (ticket: SimTicket, position: ExportPosition): boolean => {
  const at = Date.parse(ticket.updated_at);
  return at > position.at || (at === position.at && ticket.id > position.id);
};
const byExportOrder = (a: SimTicket, b: SimTicket): number => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id;
const wholeSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

export class HelpDesk {
  private readonly random: Random;
  private readonly tickets = new Map<number, SimTicket>();
  private readonly users: SimUser[] = [];
  private nextTicketId = 1001;
  private latestStamp = 0;

  constructor(
    seed: number,
    private readonly flaws: FlawRates,
    /** Tickets changed this recently are left out of the export. */
    private readonly recentExclusionMs: number,
    private readonly baseUrl: () => string,
  ) {
    this.random = new Random(seed);
  }

  /** `count` tickets created over the 90 days before `now`, all older than the exclusion window. */
  generate(count: number, now: number): void {
    const users = Math.max(1, Math.ceil(count / 3));
    for (let i = 0; i < users; i += 1) this.users.push(this.newUser(i + 1));
    const newest = now - this.recentExclusionMs - 5 * 60_000;
    const created = Array.from({ length: count }, () => wholeSeconds(newest - this.random.int(0, 90 * 86_400_000))).sort((a, b) => a - b);
    for (const at of created) {
      const updated = wholeSeconds(Math.min(newest, at + this.random.int(0, 10 * 86_400_000)));
      this.store(this.newTicket(at, updated));
    }
  }

  /** New tickets, stamped just old enough to be exported right away. */
  add(count: number, now: number): SimTicket[] {
    const at = Math.max(this.freshStamp(now), this.latestStamp);
    return Array.from({ length: count }, () => this.store(this.newTicket(at, at)));
  }

  /** Changes a ticket now, as an agent would: the export serves the change once it is a minute old. */
  update(id: number, changes: TicketChanges, now: number): SimTicket {
    return this.change(id, changes, Math.max(wholeSeconds(now), this.latestStamp + 1000));
  }

  snapshot(): SimTicket[] {
    return [...this.tickets.values()].sort((a, b) => a.id - b.id).map((ticket) => structuredClone(ticket));
  }

  exportPage(position: ExportPosition, perPage: number, excludeDeleted: boolean, now: number): ExportPage {
    const horizon = now - this.recentExclusionMs;
    const eligible = [...this.tickets.values()]
      .filter((ticket) => isAfter(ticket, position) && Date.parse(ticket.updated_at) <= horizon)
      .filter((ticket) => !excludeDeleted || ticket.status !== 'deleted')
      .sort(byExportOrder);
    const tickets = eligible.slice(0, perPage).map((ticket) => structuredClone(ticket));
    const last = tickets.at(-1);
    const after = last ? { at: Date.parse(last.updated_at), id: last.id } : position;
    const endOfStream = eligible.length <= perPage;
    if (!endOfStream && this.random.chance(this.flaws.updateDuringExport)) this.updatePassedTicket(after, now);
    const requesterIds = new Set(tickets.map((ticket) => ticket.requester_id));
    return { tickets, users: this.users.filter((user) => requesterIds.has(user.id)).map((user) => ({ ...user })), after, endOfStream };
  }

  private updatePassedTicket(position: ExportPosition, now: number): void {
    const passed = [...this.tickets.values()].filter((ticket) => !isAfter(ticket, position) && ticket.status !== 'deleted');
    const ticket = passed[this.random.int(0, passed.length - 1)];
    if (!ticket) return;
    // Stamped as settled already, a second after the newest stamp, so this export reaches it again.
    const at = Math.max(this.freshStamp(now), this.latestStamp + 1000);
    this.change(ticket.id, { status: this.random.pick(['open', 'pending', 'solved']) }, at);
  }

  private change(id: number, changes: TicketChanges, at: number): SimTicket {
    const ticket = this.tickets.get(id);
    if (!ticket) throw new Error(`no ticket ${id}`);
    return this.store({ ...ticket, ...changes, updated_at: iso(at) });
  }

  /**
   * Just settled: older than the exclusion window with half a minute to spare, so that a run of
   * changes each a second after the last still falls inside the export.
   */
  private freshStamp(now: number): number {
    return wholeSeconds(now - this.recentExclusionMs - 30_000);
  }

  private store(ticket: SimTicket): SimTicket {
    this.tickets.set(ticket.id, ticket);
    this.latestStamp = Math.max(this.latestStamp, Date.parse(ticket.updated_at));
    return ticket;
  }

  private newUser(id: number): SimUser {
    const first = this.random.pick(FIRST_NAMES);
    const last = this.random.pick(LAST_NAMES);
    const email = this.random.chance(this.flaws.noEmail) ? null : `${first}.${last}.${id}@customers.example`.toLowerCase();
    return { id: 90_000 + id, name: `${first} ${last}`, email };
  }

  private status(): string {
    if (this.random.chance(this.flaws.deleted)) return 'deleted';
    if (this.random.chance(this.flaws.oddStatus)) return this.random.pick(ODD_STATUSES);
    return this.random.pick(STATUSES);
  }

  private newTicket(createdAt: number, updatedAt: number): SimTicket {
    const id = this.nextTicketId;
    this.nextTicketId += 1;
    const missing = (): boolean => this.random.chance(this.flaws.missingFields);
    const status = this.status();
    const requester = this.users[this.random.int(0, this.users.length - 1)];
    const resolved = status === 'solved' || status === 'closed';
    return {
      id,
      url: `${this.baseUrl()}/api/v2/tickets/${id}.json`,
      created_at: iso(createdAt),
      updated_at: iso(updatedAt),
      status,
      subject: missing() ? null : this.random.pick(SUBJECTS),
      description: 'Hello, I need help with my account.',
      priority: missing() ? null : this.random.pick(PRIORITIES),
      type: missing() ? null : this.random.pick(TICKET_TYPES),
      via: { channel: this.random.pick(CHANNELS) },
      requester_id: requester?.id ?? 90_001,
      assignee_id: missing() ? null : 360_000 + this.random.int(1, 12),
      group_id: missing() ? null : 20_000 + this.random.int(1, 4),
      organization_id: this.random.chance(0.5) ? 50_000 + this.random.int(1, 40) : null,
      tags: this.random.shuffled(TAGS).slice(0, this.random.int(0, 3)),
      satisfaction_rating: resolved ? { score: this.random.pick(['good', 'bad', 'offered', 'unoffered']) } : null,
      custom_fields: [{ id: 360_001, value: this.random.chance(0.5) ? 'web_shop' : null }],
    };
  }
}
