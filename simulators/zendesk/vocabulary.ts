/** Words the simulated help desk is made of: plausible, and obviously fictitious people. */
export const FIRST_NAMES = ['Ada', 'Bruno', 'Chiara', 'Dmitri', 'Elif', 'Farah', 'Goran', 'Hana', 'Ivo', 'Jun', 'Kofi', 'Lena'] as const;
export const LAST_NAMES = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Novak', 'Haddad', 'Silva', 'Kowalski', 'Byrne', 'Costa'] as const;
export const SUBJECTS = [
  'Cannot log in after password reset',
  'Invoice shows the wrong VAT number',
  'Newsletter unsubscribe link does not work',
  'Order arrived damaged',
  'How do I export my campaign report?',
  'Refund not received yet',
  'Two-factor code never arrives',
  'Feature request: dark mode',
] as const;
export const CHANNELS = ['email', 'web', 'mobile', 'api', 'voice', 'chat'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const;
export const TAGS = ['billing', 'login', 'shipping', 'newsletter', 'vip', 'refund', 'bug'] as const;
/** The status categories Zendesk documents. */
export const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;
/** What a misbehaving integration writes instead. */
export const ODD_STATUSES = ['Open', 'escalated', 'archived'] as const;
