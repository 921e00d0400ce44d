import { describeEndToEnd } from './end-to-end';

describeEndToEnd('DuckDB (embedded)', async () => ({ config: { kind: 'duckdb', schema: 'marketing' }, stop: async () => undefined }));
