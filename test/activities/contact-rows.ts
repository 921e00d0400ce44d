/** Salesforce contacts as the stream holds them, for activity tests over a real warehouse. */
import type { Row } from '../../activities/sources/types';

export const contactRow = (id: string): Row => ({
  id,
  customer_id: `C-${id}`,
  first_name: 'Test',
  last_name: id,
  email: `${id}@example.com`,
  is_active: true,
  has_opted_out_of_email: false,
  created_at: '2026-11-01T00:00:00.000Z',
  system_modstamp: '2026-11-01T00:00:00.000Z',
  last_modified_at: '2026-11-01T00:00:00.000Z',
  is_deleted: false,
});
