/** Where staging is (STAGING_URL and its S3 settings), validated with the rest of the settings (settings.ts). */
import path from 'node:path';
import { z } from 'zod';
import { parseStagingUrl, type StagingLocation } from '../activities/staging/location';

export const stagingVariables = {
  /** A folder (DATA_DIR/staging by default), or s3://bucket/prefix: what several worker hosts share. */
  STAGING_URL: z.string().min(1).optional(),
  /** An S3-compatible server other than AWS, e.g. http://minio:9000. */
  STAGING_S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://minio:9000' }).optional(),
  STAGING_S3_REGION: z.string().min(1).optional(),
  /** Path-style addressing (endpoint/bucket/key): on by default with an endpoint, off for AWS. */
  STAGING_S3_FORCE_PATH_STYLE: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
};

type StagingEnvironment = z.infer<z.ZodObject<typeof stagingVariables>>;

export function stagingLocation(env: StagingEnvironment, dataDir: string): StagingLocation {
  const s3 = {
    endpoint: env.STAGING_S3_ENDPOINT,
    region: env.STAGING_S3_REGION,
    forcePathStyle: env.STAGING_S3_FORCE_PATH_STYLE === undefined ? undefined : env.STAGING_S3_FORCE_PATH_STYLE === 'true',
  };
  let location: StagingLocation;
  try {
    location = parseStagingUrl(env.STAGING_URL ?? path.join(dataDir, 'staging'), s3);
  } catch (error) {
    throw new Error(`invalid environment: STAGING_URL: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (location.kind === 'folder' && (s3.endpoint ?? s3.region ?? s3.forcePathStyle) !== undefined) {
    throw new Error(
      'invalid environment: STAGING_S3_ENDPOINT, STAGING_S3_REGION and STAGING_S3_FORCE_PATH_STYLE apply to an s3:// STAGING_URL only',
    );
  }
  return location;
}
