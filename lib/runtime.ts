import type { NativeRuntimeInfo } from './native/binding.js';
import { loadBinding } from './native/loadBinding.js';

/** What this process runs with: libtorch version, BLAS library and threads, CUDA. */
export type RuntimeInfo = NativeRuntimeInfo;

/** Reports the native runtime (loads the addon if needed). */
export function runtimeInfo(): RuntimeInfo {
  return loadBinding().runtimeInfo();
}

/** Whether a model loaded for `device` runs on a GPU (`'auto'` and no device: when CUDA is available). */
export function runsOnGpu(device: string | undefined): boolean {
  const wanted = device ?? 'auto';
  return wanted === 'auto' ? loadBinding().runtimeInfo().cudaAvailable : wanted.startsWith('cuda');
}
