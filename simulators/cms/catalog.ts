/**
 * The simulated CMS's content and its daily view metrics: one row per content item per day,
 * updated through the day, served in ascending (updatedAt, id) order. Flaws a real analytics
 * pipeline shows: titles lost with deleted content, relative URLs, a -1 "unknown" time on page,
 * negative counts after a bad correction, and rows updated while a client pages through them.
 */
import { Random } from '../salesforce/random';

export interface ContentViewRecord {
  id: string;
  contentId: string;
  title: string | null;
  url: string;
  contentType: string;
  day: string;
  views: number;
  uniqueVisitors: number;
  avgTimeOnPageSeconds: number;
  updatedAt: string;
}

export interface CatalogFlawRates {
  missingTitle: number;
  relativeUrl: number;
  unknownTimeOnPage: number;
  negativeViews: number;
  /** Chance that serving a page (not the last) updates a row the client has already passed. */
  updateDuringRead: number;
}

export const DEFAULT_CATALOG_FLAWS: CatalogFlawRates = {
  missingTitle: 0.03,
  relativeUrl: 0.02,
  unknownTimeOnPage: 0.02,
  negativeViews: 0.01,
  updateDuringRead: 0.1,
};

const TYPES = ['article', 'landing_page', 'product_page', 'video'] as const;
const TOPICS = [
  'spring-sale',
  'email-tips',
  'loyalty-programme',
  'product-launch',
  'customer-story',
  'pricing',
  'webinar',
  'how-to',
] as const;
const DAY_MS = 86_400_000;

/** The key rows are ordered and paged by. */
export interface RowKey {
  updatedAt: string;
  id: string;
}

export const compareKeys = (a: RowKey, b: RowKey): number =>
  Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class Catalog {
  private readonly random: Random;
  private readonly rows = new Map<string, ContentViewRecord>();
  private nextContent = 1;
  private latest = 0;

  constructor(
    seed: number,
    private readonly flaws: CatalogFlawRates,
  ) {
    this.random = new Random(seed);
  }

  /** `items` pieces of content, each with a row for each of the `days` days before `now`. */
  generate(items: number, days: number, now: number): void {
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    for (let i = 0; i < items; i += 1) {
      const content = this.newContent();
      for (let d = days; d >= 1; d -= 1) {
        const day = today - d * DAY_MS;
        // Yesterday's figures settle early the next morning; older days were settled then too.
        const settled = Math.min(now - 60_000, day + DAY_MS + this.random.int(1, 6) * 3_600_000);
        this.store(this.newRow(content, day, settled));
      }
    }
  }

  /** Rows for new content, today, stamped now. */
  add(count: number, now: number): ContentViewRecord[] {
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    return Array.from({ length: count }, () => this.store(this.newRow(this.newContent(), today, this.freshStamp(now))));
  }

  /** More views arrived for a row: it is stamped now and moves to the end of the order. */
  addViews(id: string, views: number, now: number): ContentViewRecord {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no content view row ${id}`);
    const visitors = Math.min(views, Math.max(1, Math.round(views * 0.7)));
    return this.store({
      ...row,
      views: row.views + views,
      uniqueVisitors: row.uniqueVisitors + visitors,
      updatedAt: new Date(this.freshStamp(now)).toISOString(),
    });
  }

  snapshot(): ContentViewRecord[] {
    return [...this.rows.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((row) => ({ ...row }));
  }

  /** Rows after `after` (and updated since `updatedSince`, inclusive), in key order. */
  page(
    first: number,
    after: RowKey | null,
    updatedSince: number | null,
    now: number,
  ): { rows: ContentViewRecord[]; hasNextPage: boolean; total: number } {
    const matching = this.matching(after, updatedSince);
    const rows = matching.slice(0, first).map((row) => ({ ...row }));
    const hasNextPage = matching.length > first;
    this.maybeUpdateDuringRead(hasNextPage, rows.at(-1), now);
    return { rows, hasNextPage, total: matching.length };
  }

  /** `limit` rows from the `skip`th of those updated since `updatedSince` (inclusive), in key order: offset paging. */
  slice(skip: number, limit: number, updatedSince: number | null, now: number): { rows: ContentViewRecord[]; total: number } {
    const matching = this.matching(null, updatedSince);
    const rows = matching.slice(skip, skip + limit).map((row) => ({ ...row }));
    this.maybeUpdateDuringRead(skip + limit < matching.length, rows.at(-1), now);
    return { rows, total: matching.length };
  }

  private matching(after: RowKey | null, updatedSince: number | null): ContentViewRecord[] {
    return [...this.rows.values()]
      .filter(
        (row) => (after === null || compareKeys(row, after) > 0) && (updatedSince === null || Date.parse(row.updatedAt) >= updatedSince),
      )
      .sort(compareKeys);
  }

  private maybeUpdateDuringRead(morePages: boolean, last: RowKey | undefined, now: number): void {
    if (morePages && last && this.random.chance(this.flaws.updateDuringRead)) this.updatePassedRow(last, now);
  }

  private updatePassedRow(position: RowKey, now: number): void {
    const passed = [...this.rows.values()].filter((row) => compareKeys(row, position) <= 0);
    const row = passed[this.random.int(0, passed.length - 1)];
    if (row) this.addViews(row.id, this.random.int(1, 20), now);
  }

  private freshStamp(now: number): number {
    this.latest = Math.max(now, this.latest + 1);
    return this.latest;
  }

  private store(row: ContentViewRecord): ContentViewRecord {
    this.rows.set(row.id, row);
    this.latest = Math.max(this.latest, Date.parse(row.updatedAt));
    return row;
  }

  private newContent(): { contentId: string; title: string | null; url: string; contentType: string } {
    const n = this.nextContent;
    this.nextContent += 1;
    const topic = this.random.pick(TOPICS);
    const slug = `${topic}-${n}`;
    const path = `/blog/${slug}`;
    return {
      contentId: `cnt_${String(n).padStart(5, '0')}`,
      title: this.random.chance(this.flaws.missingTitle) ? null : `${topic.replace(/-/g, ' ')} #${n}`,
      url: this.random.chance(this.flaws.relativeUrl) ? path : `https://www.insight-hub-shop.example${path}`,
      contentType: this.random.pick(TYPES),
    };
  }

  private newRow(content: ReturnType<Catalog['newContent']>, day: number, updatedAt: number): ContentViewRecord {
    const views = this.random.int(0, 5000);
    const dayText = new Date(day).toISOString().slice(0, 10);
    return {
      id: `${content.contentId}:${dayText}`,
      ...content,
      day: dayText,
      views: this.random.chance(this.flaws.negativeViews) ? -views - 1 : views,
      uniqueVisitors: Math.round(views * (0.5 + this.random.next() * 0.4)),
      avgTimeOnPageSeconds: this.random.chance(this.flaws.unknownTimeOnPage) ? -1 : Math.round((10 + this.random.next() * 300) * 10) / 10,
      updatedAt: new Date(updatedAt).toISOString(),
    };
  }
}
