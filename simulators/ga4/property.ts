/**
 * The data of one simulated GA4 property: daily facts (a date and a source, medium and page, with
 * their counts) and realtime facts (a minute and an event, platform and country). GA4's own quirks
 * are in it: `(not set)` dimension values, and recent days whose counts keep growing as GA4 settles.
 */
import { Random } from '../salesforce/random';

export interface DailyFact {
  /** YYYYMMDD, as GA4 writes dates. */
  date: string;
  sessionSource: string;
  sessionMedium: string;
  pagePath: string;
  sessions: number;
  activeUsers: number;
  screenPageViews: number;
  keyEvents: number;
}

/** A daily fact with the dimensions and metrics GA4 derives from the same sessions: campaign, channel, device, user counts. */
export interface ReportedDailyFact extends DailyFact {
  sessionCampaignName: string;
  sessionDefaultChannelGroup: string;
  deviceCategory: string;
  totalUsers: number;
  newUsers: number;
  engagedSessions: number;
}

export interface RealtimeFact {
  /** Epoch ms of the minute's start. */
  minute: number;
  eventName: string;
  platform: string;
  country: string;
  eventCount: number;
  activeUsers: number;
}

const SOURCES: readonly [string, string][] = [
  ['google', 'organic'],
  ['google', 'cpc'],
  ['(direct)', '(none)'],
  ['newsletter', 'email'],
  ['linkedin.com', 'social'],
  ['bing', 'organic'],
  ['facebook.com', 'referral'],
  ['(not set)', '(not set)'],
];
const PAGES = ['/', '/pricing', '/features', '/blog', '/contact', '/signup', '/docs/getting-started', '(not set)'];
const EVENTS = ['page_view', 'session_start', 'scroll', 'click', 'form_submit', 'sign_up', 'purchase'] as const;
const PLATFORMS = ['web', 'iOS', 'Android'] as const;
const COUNTRIES = ['United States', 'Germany', 'France', 'United Kingdom', 'India', '(not set)'] as const;

const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
export const ga4Date = (at: number): string => new Date(at).toISOString().slice(0, 10).replaceAll('-', '');
const minuteOf = (at: number): number => Math.floor(at / MINUTE_MS) * MINUTE_MS;

/** `count` instants going back from `now` one period at a time, round again after `periods` periods. */
const spreadBack = (count: number, now: number, periods: number, periodMs: number): number[] =>
  Array.from({ length: count }, (_, i) => now - (i % periods) * periodMs);

/** How many times `key` was used before this use (0 the first time), counted in `used`. */
function nextUse<K>(used: Map<K, number>, key: K): number {
  const n = used.get(key) ?? 0;
  used.set(key, n + 1);
  return n;
}

/** The n-th (source, medium, page) combination; pages beyond the fixed list are blog posts. */
function combination(n: number): { sessionSource: string; sessionMedium: string; pagePath: string } {
  const [sessionSource, sessionMedium] = SOURCES[n % SOURCES.length] ?? ['(direct)', '(none)'];
  const pageIndex = Math.floor(n / SOURCES.length);
  return { sessionSource, sessionMedium, pagePath: PAGES[pageIndex] ?? `/blog/post-${pageIndex - PAGES.length + 1}` };
}

/** The n-th (event, platform, country) combination; past the fixed lists, custom events. */
function realtimeCombination(n: number): { eventName: string; platform: string; country: string } {
  const fixed = EVENTS.length * PLATFORMS.length * COUNTRIES.length;
  if (n >= fixed) return { eventName: `custom_event_${n - fixed + 1}`, platform: 'web', country: '(not set)' };
  const event = EVENTS[n % EVENTS.length] ?? 'page_view';
  const rest = Math.floor(n / EVENTS.length);
  const platform = PLATFORMS[rest % PLATFORMS.length] ?? 'web';
  const country = COUNTRIES[Math.floor(rest / PLATFORMS.length)] ?? '(not set)';
  return { eventName: event, platform, country };
}

/** The campaign and channel GA4 attributes a source/medium pair's sessions to. */
const ATTRIBUTION: Readonly<Record<string, { campaign: string; channel: string }>> = {
  'google/cpc': { campaign: 'spring_sale', channel: 'Paid Search' },
  'google/organic': { campaign: '(organic)', channel: 'Organic Search' },
  'bing/organic': { campaign: '(organic)', channel: 'Organic Search' },
  '(direct)/(none)': { campaign: '(direct)', channel: 'Direct' },
  'newsletter/email': { campaign: 'weekly_digest', channel: 'Email' },
  'linkedin.com/social': { campaign: 'b2b_launch', channel: 'Organic Social' },
  'facebook.com/referral': { campaign: '(referral)', channel: 'Referral' },
};
const DEVICES = ['desktop', 'mobile', 'tablet'] as const;

/**
 * What the base counts imply, derived rather than drawn so that the random sequence (and every
 * existing fact) stays as it was, and so that settling a day moves them together.
 */
function derivedOf(fact: DailyFact): Omit<ReportedDailyFact, keyof DailyFact> {
  const attribution = ATTRIBUTION[`${fact.sessionSource}/${fact.sessionMedium}`] ?? { campaign: '(not set)', channel: 'Unassigned' };
  return {
    sessionCampaignName: attribution.campaign,
    sessionDefaultChannelGroup: attribution.channel,
    deviceCategory: DEVICES[fact.pagePath.length % DEVICES.length] ?? 'desktop',
    totalUsers: fact.activeUsers + Math.floor(fact.activeUsers / 10),
    newUsers: Math.floor(fact.activeUsers / 3),
    engagedSessions: Math.ceil(fact.sessions * 0.6),
  };
}

export class SimulatedProperty {
  private readonly random: Random;
  private readonly daily: DailyFact[] = [];
  /** Combinations used per date, so that every fact of a date is a new combination. */
  private readonly usedPerDate = new Map<string, number>();
  private readonly realtime: RealtimeFact[] = [];
  private readonly usedPerMinute = new Map<number, number>();

  constructor(seed: number) {
    this.random = new Random(seed);
  }

  /** `count` new facts spread over the `days` days up to `now` (today alone by default), each a combination its day did not have yet. */
  addDaily(count: number, now: number, days = 1): void {
    for (const date of spreadBack(count, now, days, DAY_MS).map(ga4Date)) {
      const sessions = this.random.int(1, 400);
      this.daily.push({
        date,
        ...combination(nextUse(this.usedPerDate, date)),
        sessions,
        activeUsers: this.random.int(1, sessions),
        screenPageViews: sessions + this.random.int(0, sessions * 3),
        keyEvents: this.random.int(0, Math.ceil(sessions / 10)),
      });
    }
  }

  /** GA4 revises the last two days for a while: their counts grow. */
  settle(now: number): void {
    const recent = new Set([ga4Date(now), ga4Date(now - DAY_MS)]);
    for (const fact of this.daily) {
      if (!recent.has(fact.date)) continue;
      const more = this.random.int(1, 20);
      fact.sessions += more;
      fact.activeUsers += this.random.int(0, more);
      fact.screenPageViews += more + this.random.int(0, more);
    }
  }

  /** `count` new facts spread over the `minutes` minutes up to `now` (this minute alone by default). */
  addRealtime(count: number, now: number, minutes = 1): void {
    for (const minute of spreadBack(count, now, minutes, MINUTE_MS).map(minuteOf)) {
      const eventCount = this.random.int(1, 50);
      const combination = realtimeCombination(nextUse(this.usedPerMinute, minute));
      this.realtime.push({ minute, ...combination, eventCount, activeUsers: this.random.int(1, eventCount) });
    }
  }

  dailyFacts(): ReportedDailyFact[] {
    return this.daily.map((fact) => ({ ...fact, ...derivedOf(fact) }));
  }

  realtimeFacts(): RealtimeFact[] {
    return this.realtime.map((fact) => ({ ...fact }));
  }
}
