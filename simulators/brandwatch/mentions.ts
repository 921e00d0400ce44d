/**
 * The mentions of a simulated Brandwatch project: social posts, news and forum threads matched by the
 * project's queries, each with a sentiment label. Real feeds are untidy, and so is this one on demand:
 * labels Brandwatch never documents, numeric scores out of bounds, missing sentiment, placeholder
 * update times, mentions delivered twice, mentions without an id.
 */
import { Random } from '../salesforce/random';

export type Mention = Record<string, unknown> & { resourceId?: string; added: string; date: string; queryId: number };

export const MENTION_FLAWS = [
  'unknown-sentiment',
  'out-of-range-sentiment',
  'missing-sentiment',
  'placeholder-updated',
  'duplicate',
  'missing-resource-id',
] as const;
export type MentionFlaw = (typeof MENTION_FLAWS)[number];

export interface SimQuery {
  id: number;
  name: string;
}

interface Site {
  pageType: string;
  domain: string;
}
const PAGE_TYPES: readonly [Site, ...Site[]] = [
  { pageType: 'twitter', domain: 'twitter.com' },
  { pageType: 'news', domain: 'techcrunch.com' },
  { pageType: 'blog', domain: 'medium.com' },
  { pageType: 'forum', domain: 'stackoverflow.com' },
  { pageType: 'reddit', domain: 'reddit.com' },
];
const FIRST_NAMES = ['Alex', 'Sam', 'Jordan', 'Priya', 'Chen', 'Maria', 'Lars', 'Amara'] as const;
const LAST_NAMES = ['Keller', 'Okafor', 'Nguyen', 'Silva', 'Brown', 'Haddad', 'Ito', 'Moreau'] as const;
const TOPICS = ['onboarding', 'pricing', 'the new dashboard', 'support response times', 'the mobile app', 'the API'] as const;
const LANGUAGES: readonly [{ language: string; countryCode: string }, ...{ language: string; countryCode: string }[]] = [
  { language: 'en', countryCode: 'US' },
  { language: 'en', countryCode: 'GB' },
  { language: 'de', countryCode: 'DE' },
  { language: 'fr', countryCode: 'FR' },
];

/** Brandwatch writes times with a colon-less offset: 2024-05-01T12:00:00.000+0000. */
export const brandwatchTime = (at: number): string => new Date(at).toISOString().replace('Z', '+0000');

export class SimulatedProject {
  private readonly random: Random;
  private readonly mentions: Mention[] = [];
  private nextId = 1;
  private lastAdded = 0;

  constructor(
    seed: number,
    readonly queries: readonly [SimQuery, ...SimQuery[]],
    private readonly flawRates: Readonly<Partial<Record<MentionFlaw, number>>>,
  ) {
    this.random = new Random(seed);
  }

  /** `count` mentions added over the `days` days before `now`, oldest first. */
  generate(count: number, days: number, now: number): void {
    const spacing = Math.max(1, Math.floor((days * 86_400_000) / Math.max(count, 1)));
    for (let i = 0; i < count; i += 1) this.add(now - (count - i) * spacing);
  }

  /** New mentions, each added after every mention before. */
  addNew(count: number, now: number): void {
    for (let i = 0; i < count; i += 1) this.add(Math.max(now, this.lastAdded + 1000));
  }

  private add(addedAt: number): void {
    this.lastAdded = Math.max(this.lastAdded, addedAt);
    const mention = this.mention(addedAt);
    this.mentions.push(mention);
    if (this.flawed('duplicate')) this.mentions.push({ ...mention });
  }

  private flawed(flaw: MentionFlaw): boolean {
    return this.random.chance(this.flawRates[flaw] ?? 0);
  }

  private sentiment(): unknown {
    if (this.flawed('unknown-sentiment')) return this.random.pick(['mixed', 'POSITIVE', 'n/a']);
    if (this.flawed('out-of-range-sentiment')) return this.random.pick([1.7, -2.5, 5]);
    if (this.flawed('missing-sentiment')) return null;
    const roll = this.random.next();
    return roll < 0.45 ? 'neutral' : roll < 0.75 ? 'positive' : 'negative';
  }

  private mention(addedAt: number): Mention {
    const id = String(9_000_000_000 + this.nextId);
    this.nextId += 1;
    const query = this.random.pick(this.queries);
    const site = this.random.pick(PAGE_TYPES);
    const locale = this.random.pick(LANGUAGES);
    const first = this.random.pick(FIRST_NAMES);
    const last = this.random.pick(LAST_NAMES);
    const topic = this.random.pick(TOPICS);
    const publishedAt = addedAt - this.random.int(0, 6 * 3_600_000);
    const reach = this.random.int(10, 250_000);
    const mention: Mention = {
      resourceId: id,
      guid: `${site.domain}/${id}`,
      url: `https://${site.domain}/${site.pageType === 'twitter' ? `${first.toLowerCase()}${last.toLowerCase()}/status/` : 'p/'}${id}`,
      title: `${first} on ${topic}`,
      snippet: `What I think about ${topic} after a month of using it.`,
      date: brandwatchTime(publishedAt),
      added: brandwatchTime(addedAt),
      // The one time Brandwatch does not filter on, so a broken one reaches the client.
      updated: this.flawed('placeholder-updated') ? '1970-01-01T00:00:00.000+0000' : brandwatchTime(addedAt),
      sentiment: this.sentiment(),
      language: locale.language,
      countryCode: locale.countryCode,
      pageType: site.pageType,
      domain: site.domain,
      author: `${first.toLowerCase()}_${last.toLowerCase()}`,
      fullname: `${first} ${last}`,
      queryId: query.id,
      queryName: query.name,
      impressions: reach * this.random.int(1, 3),
      reachEstimate: reach,
      impact: Math.round(this.random.next() * 1000) / 10,
    };
    if (this.flawed('missing-resource-id')) delete mention.resourceId;
    return mention;
  }

  all(): Mention[] {
    return this.mentions.map((mention) => ({ ...mention }));
  }
}
