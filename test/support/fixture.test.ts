/** The fixtures' teardown: last set up, first closed, across fixtures and the file's own onTeardown. */
import { onTeardown, useFixture, useTestCleanups } from './fixture';

const log: string[] = [];
let closedGetter: () => string = () => '';

describe('fixtures of one describe block', () => {
  const first = useFixture('first', async (defer) => {
    defer(() => log.push('first'));
    return 'first value';
  });
  const second = useFixture('second', async (defer) => {
    defer(() => log.push('second, opened first'));
    defer(() => log.push('second, opened last'));
    return 'second value';
  });
  closedGetter = first;
  const afterTest = useTestCleanups();
  beforeAll(() => {
    // Still usable here, as the cleanup runs before the fixture closes.
    onTeardown(() => log.push(`the file's own, with ${second()}`));
  });

  test('give their values once set up', () => {
    afterTest(() => log.push('the test'));
    expect([first(), second()]).toEqual(['first value', 'second value']);
  });
});

test('are closed last first, though jest runs after-hooks in the order they were declared', () => {
  expect(log).toEqual(['the test', "the file's own, with second value", 'second, opened last', 'second, opened first', 'first']);
});

test('a getter throws once its fixture is torn down', () => {
  expect(closedGetter).toThrow(/first is not set up/);
});
