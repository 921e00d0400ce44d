/**
 * What the compose deployment configures through the environment: secrets read from files (Docker
 * secrets) and Worker Versioning, each refused with the variable named and never quoting a secret.
 */
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSettings } from '../../worker/settings';
import { workerOptionsFrom } from '../../worker/workers';
import { useTempDir } from '../support/temp-dir';

const dir = useTempDir('deployment-settings-');
const KEYS = 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
/** What worker/main.ts opens before it derives the workers' options: none of it is read here. */
const OPENED = {} as Parameters<typeof workerOptionsFrom>[1];

async function secretFile(name: string, content: string): Promise<string> {
  const file = path.join(dir.path, name);
  await writeFile(file, content);
  return file;
}

describe('secrets from files', () => {
  test('each <NAME>_FILE gives its variable the file content, without the newline the file ends with', async () => {
    const settings = loadSettings({
      DATABASE_URL_FILE: await secretFile('database_url', 'postgresql://insight_hub:pw@db:5432/insight_hub\n'),
      INSIGHT_HUB_SECRET_KEYS_FILE: await secretFile('secret_keys', `${KEYS}\n`),
      INSIGHT_HUB_PAYLOAD_KEYS_FILE: await secretFile('payload_keys', KEYS),
    });
    expect(settings).toMatchObject({
      databaseUrl: 'postgresql://insight_hub:pw@db:5432/insight_hub',
      secretKeys: KEYS,
      payloadKeys: KEYS,
    });
  });

  test('a file and the variable itself together are refused', async () => {
    const file = await secretFile('both', KEYS);
    expect(() => loadSettings({ INSIGHT_HUB_SECRET_KEYS: KEYS, INSIGHT_HUB_SECRET_KEYS_FILE: file })).toThrow(
      'invalid environment: INSIGHT_HUB_SECRET_KEYS_FILE: set INSIGHT_HUB_SECRET_KEYS or INSIGHT_HUB_SECRET_KEYS_FILE, not both',
    );
  });

  test('a missing, unreadable or empty file is named, its content never quoted', async () => {
    const missing = path.join(dir.path, 'absent');
    expect(() => loadSettings({ DATABASE_URL_FILE: missing })).toThrow(
      `invalid environment: DATABASE_URL_FILE: cannot read ${missing} (ENOENT)`,
    );
    const empty = await secretFile('empty', '\n');
    expect(() => loadSettings({ INSIGHT_HUB_PAYLOAD_KEYS_FILE: empty })).toThrow(`INSIGHT_HUB_PAYLOAD_KEYS_FILE: ${empty} is empty`);
    const notAUrl = await secretFile('not-a-url', 'mysql://root:hunter2secret@db/x');
    let message = '';
    try {
      loadSettings({ DATABASE_URL_FILE: notAUrl });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(message).not.toContain('hunter2secret');
    if (process.getuid?.() !== 0) {
      const locked = await secretFile('locked', KEYS);
      await chmod(locked, 0o000);
      expect(() => loadSettings({ INSIGHT_HUB_SECRET_KEYS_FILE: locked })).toThrow(
        /INSIGHT_HUB_SECRET_KEYS_FILE: cannot read .* \(EACCES\)/,
      );
    }
  });
});

describe('worker versioning', () => {
  test('off without a build id: the demo and the tests run unversioned workers', () => {
    expect(loadSettings({})).toMatchObject({ deploymentVersion: undefined, setCurrentVersion: false });
  });

  test('a build id makes a version of the insight-hub deployment, or of the one named', () => {
    expect(loadSettings({ INSIGHT_HUB_BUILD_ID: '3f2a9c1', INSIGHT_HUB_SET_CURRENT_VERSION: 'true' })).toMatchObject({
      deploymentVersion: { deploymentName: 'insight-hub', buildId: '3f2a9c1' },
      setCurrentVersion: true,
    });
    expect(loadSettings({ INSIGHT_HUB_BUILD_ID: 'v2.1.0', INSIGHT_HUB_DEPLOYMENT_NAME: 'ih-eu' }).deploymentVersion).toEqual({
      deploymentName: 'ih-eu',
      buildId: 'v2.1.0',
    });
  });

  test.each([
    [{ INSIGHT_HUB_BUILD_ID: 'feature/x' }, 'INSIGHT_HUB_BUILD_ID: must be 1 to 128 letters, digits, dots, dashes or underscores'],
    [
      { INSIGHT_HUB_BUILD_ID: 'b1', INSIGHT_HUB_DEPLOYMENT_NAME: 'a.b' },
      'INSIGHT_HUB_DEPLOYMENT_NAME: must be 1 to 128 letters, digits, dashes',
    ],
    [{ INSIGHT_HUB_BUILD_ID: 'b1', INSIGHT_HUB_SET_CURRENT_VERSION: 'yes' }, 'INSIGHT_HUB_SET_CURRENT_VERSION: must be true or false'],
    [{ INSIGHT_HUB_SET_CURRENT_VERSION: 'true' }, 'INSIGHT_HUB_SET_CURRENT_VERSION: needs INSIGHT_HUB_BUILD_ID'],
  ])('%o is refused', (env, message) => {
    expect(() => loadSettings(env)).toThrow(message);
  });
});

describe('the workflow bundle built with the image', () => {
  test('workers bundle the workflow code at start-up unless INSIGHT_HUB_WORKFLOW_BUNDLE names a bundle, which they load', async () => {
    expect(loadSettings({}).workflowBundlePath).toBeUndefined();
    const bundle = await secretFile('workflow-bundle.js', '/* bundled */');
    expect(workerOptionsFrom(loadSettings({ INSIGHT_HUB_WORKFLOW_BUNDLE: bundle }), OPENED).workflowBundle).toEqual({ codePath: bundle });
    expect(workerOptionsFrom(loadSettings({}), OPENED)).not.toHaveProperty('workflowBundle');
  });

  test('a bundle that is not there is refused at start-up, saying how to build it', () => {
    const missing = path.join(dir.path, 'build', 'workflow-bundle.js');
    expect(() => loadSettings({ INSIGHT_HUB_WORKFLOW_BUNDLE: missing })).toThrow(
      `invalid environment: INSIGHT_HUB_WORKFLOW_BUNDLE: no file at ${missing}; build it with \`npx tsx scripts/bundle-workflows.ts ${missing}\``,
    );
    expect(() => loadSettings({ INSIGHT_HUB_WORKFLOW_BUNDLE: '' })).toThrow(
      'INSIGHT_HUB_WORKFLOW_BUNDLE: must be the path of a bundle built by scripts/bundle-workflows.ts',
    );
  });
});
