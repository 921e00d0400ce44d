/** Word lists for realistic-looking marketing CRM records. */
type List = readonly [string, ...string[]];

export const FIRST_NAMES: List = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Amelia',
  'Oliver',
  'Sophia',
  'Elijah',
  'Mia',
  'Lucas',
  'Aisha',
  'Mateo',
  'Chloe',
  'Hiroshi',
  'Fatima',
  'Diego',
  'Ingrid',
  'Kwame',
  'Priya',
  'Sven',
  'Yara',
  'Tomasz',
  'Leila',
  'Arjun',
];
export const LAST_NAMES: List = [
  'Smith',
  'Johnson',
  'Garcia',
  'Chen',
  'Okafor',
  'Müller',
  'Rossi',
  'Nguyen',
  'Kowalski',
  'Silva',
  'Haddad',
  'Patel',
  'Andersson',
  'Dubois',
  'Tanaka',
  'Martinez',
  "O'Brien",
  'Kim',
  'Novak',
  'Cohen',
  'Jensen',
  'Moreau',
];
export const EMAIL_DOMAINS: List = ['example.com', 'example.org', 'example.net', 'mail.example', 'corp.example'];
export const TITLES: List = [
  'Marketing Manager',
  'VP Marketing',
  'Growth Lead',
  'CMO',
  'Brand Strategist',
  'Demand Generation Manager',
  'Content Lead',
  'Sales Director',
  'Product Marketing Manager',
  'Digital Campaign Specialist',
];
export const COUNTRIES: List = [
  'United States',
  'Canada',
  'United Kingdom',
  'Germany',
  'France',
  'Japan',
  'Brazil',
  'India',
  'Australia',
  'Spain',
];
export const LEAD_SOURCES: List = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Trade Show', 'Webinar', 'Other'];
export const COMPANIES: List = [
  'Acme Analytics',
  'Globex Media',
  'Initech Retail',
  'Umbrella Health',
  'Stark Outdoor',
  'Wayne Logistics',
  'Hooli Cloud',
  'Vandelay Imports',
  'Soylent Foods',
  'Tyrell Robotics',
  'Cyberdyne Security',
  'Wonka Confections',
];
export const LEAD_STATUSES: List = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'];
export const PRODUCTS: List = ['Annual Plan', 'Enterprise Upgrade', 'Analytics Add-on', 'Pilot', 'Renewal', 'Expansion'];
/** Stage → the probability Salesforce assigns it by default. */
export const STAGES: readonly [readonly [string, number], ...(readonly [string, number])[]] = [
  ['Prospecting', 10],
  ['Qualification', 20],
  ['Needs Analysis', 20],
  ['Value Proposition', 50],
  ['Proposal/Price Quote', 75],
  ['Negotiation/Review', 90],
  ['Closed Won', 100],
  ['Closed Lost', 0],
];
export const MEMBER_STATUSES: List = ['Sent', 'Responded'];
export const CAMPAIGN_THEMES: List = [
  'Spring Launch',
  'Summer Sale',
  'Product Webinar',
  'Partner Summit',
  'Winter Nurture',
  'Loyalty Drive',
];
export const CAMPAIGN_TYPES: List = ['Email', 'Webinar', 'Conference', 'Advertisement', 'Direct Mail', 'Social Media'];
/** A campaign already started is in progress or completed; one still to start is planned. */
export const STARTED_CAMPAIGN_STATUSES: List = ['In Progress', 'Completed'];
export const ACCOUNT_TYPES: List = ['Customer - Direct', 'Customer - Channel', 'Prospect', 'Partner'];
export const INDUSTRIES: List = ['Retail', 'Media', 'Healthcare', 'Technology', 'Manufacturing', 'Food & Beverage', 'Logistics'];
export const CITIES: List = ['Austin', 'Toronto', 'London', 'Berlin', 'Lyon', 'Osaka', 'São Paulo', 'Pune', 'Sydney', 'Madrid'];
