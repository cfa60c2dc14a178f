import { afterAll, beforeAll, describe, it } from 'vitest';

import { nativeChecks } from '../helpers/nativeChecks.js';

// CoreShare (native/core/CoreShare.cc) has no libtorch dependency: its checks
// (coreShareChecks.cc) are compiled with the system compiler and run one per test.
const checks = nativeChecks('core-share-checks', ['test/native/coreShareChecks.cc', 'native/core/CoreShare.cc']);

describe('CoreShare, the cores adaptive executors share', () => {
  beforeAll(() => checks.build());
  afterAll(() => checks.remove());

  it('gives a pass alone every core, at most 8', () => checks.run('alone'));
  it('splits the cores between passes that run at once, and widens a pass left alone', () => checks.run('split'));
  it('gives the remainder to the passes that began first', () => checks.run('remainder'));
  it('keeps at least one thread per pass when passes outnumber cores', () => checks.run('more-passes-than-cores'));
  it('stays within the cores when seats begin and end from many threads', () => checks.run('threads'));
});
