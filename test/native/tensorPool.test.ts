import { afterAll, beforeAll, describe, it } from 'vitest';

import { nativeChecks } from '../helpers/nativeChecks.js';

// TensorPool (native/core/TensorPool.cc) has no libtorch dependency: its checks
// (tensorPoolChecks.cc) are compiled here with the system compiler and run one per test.
const checks = nativeChecks('tensor-pool-checks', ['test/native/tensorPoolChecks.cc', 'native/core/TensorPool.cc']);
const runCheck = (name: string) => checks.run(name);

describe('TensorPool, the bounded cache of large tensor blocks', () => {
  beforeAll(() => checks.build());
  afterAll(() => checks.remove());

  it('rounds requests to size classes of whole pages, at most a quarter larger', () => runCheck('size-classes'));
  it('reuses a freed block for the next request of its class, without zeroing it again', () => runCheck('reuse'));
  it('keeps at most its bound of freed blocks and unmaps the longest-unused ones', () => runCheck('bound'));
  it('gives released and trimmed memory back to the system (RSS falls)', () => runCheck('returned'));
  it('hands out 64-byte (page) aligned blocks', () => runCheck('alignment'));
  it('a miss past the peak of live memory gives up cached blocks, longest unused first, resizing one into the new block', () => runCheck('miss-gives-back'));
  it('a miss below the peak of live memory keeps the cache', () => runCheck('miss-below-peak'));
  it('stays consistent when threads allocate and free each other\'s blocks', () => runCheck('threads'));
});
