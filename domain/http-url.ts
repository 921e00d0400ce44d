/** What every endpoint in a config is, one rule for all of them. Workflow-safe. */
import { z } from 'zod';

/** An http(s) URL: a source's API, a warehouse's endpoint override, a channel's receiver. */
export const httpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
