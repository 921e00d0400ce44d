/** INSIGHT_HUB_SOURCE_RATES: the sources' queue rates set at the worker's entry, refused with the variable named. */
import { loadSettings } from '../../worker/settings';

test('unset, every source keeps its documented limit', () => {
  expect(loadSettings({}).sourceRates).toEqual({});
});

test('sources take <requests>/<seconds>s, comma-separated, spaces allowed', () => {
  expect(loadSettings({ INSIGHT_HUB_SOURCE_RATES: 'salesforce=1000/60s, zendesk = 700/60' }).sourceRates).toEqual({
    salesforce: { requests: 1000, perSeconds: 60 },
    zendesk: { requests: 700, perSeconds: 60 },
  });
});

test.each([
  ['salesforce=fast', /INSIGHT_HUB_SOURCE_RATES: "salesforce=fast" is not <source>=<requests>\/<seconds>s, e\.g\. salesforce=1000\/60s/],
  ['hubspot=10/1s', /INSIGHT_HUB_SOURCE_RATES: "hubspot" is not a source; sources: salesforce, /],
  ['sendgrid=10/1s', /INSIGHT_HUB_SOURCE_RATES: sendgrid pushes its events to a webhook: it has no request rate to set/],
  ['salesforce=10/1s,salesforce=20/1s', /INSIGHT_HUB_SOURCE_RATES: salesforce is given twice/],
  ['salesforce=100/0s', /INSIGHT_HUB_SOURCE_RATES: salesforce=100\/0s: the window must be longer than 0 seconds/],
  // One request a window leaves nothing past the burst the queue keeps (domain/sources.ts): nothing would start.
  ['salesforce=1/60s', /INSIGHT_HUB_SOURCE_RATES: salesforce=1\/60s is too low: the queue could start no request/],
])('%s is refused', (spec, message) => {
  expect(() => loadSettings({ INSIGHT_HUB_SOURCE_RATES: spec })).toThrow(message);
});
