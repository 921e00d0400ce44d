/** The control-plane store a test file works on: the embedded one unless the file opens another. */
import { openStore } from '../../activities/store';
import type { Store } from '../../activities/store/store';
import { useFixture, type Defer } from './fixture';

/** How a test opens its store; what it opens for the store (a database) it hands to `defer`. */
export type OpenStore<S extends Store> = (defer: Defer) => Promise<S>;

/** Opens a store with `open` (the embedded, in-memory one by default) and closes it at teardown. */
export function testStore(defer: Defer): Promise<Store>;
export function testStore<S extends Store>(defer: Defer, open: OpenStore<S>): Promise<S>;
export async function testStore(defer: Defer, open: OpenStore<Store> = () => openStore({})): Promise<Store> {
  const store = await open(defer);
  defer(() => store.close());
  return store;
}

export interface StoreHandle<S extends Store> {
  readonly store: S;
}

/** A store for the describe block (or file), opened with `open` (the embedded one by default). */
export function useStore(): StoreHandle<Store>;
export function useStore<S extends Store>(open: OpenStore<S>): StoreHandle<S>;
export function useStore(open: OpenStore<Store> = () => openStore({})): StoreHandle<Store> {
  const store = useFixture('the store', (defer) => testStore(defer, open));
  return {
    get store() {
      return store();
    },
  };
}
