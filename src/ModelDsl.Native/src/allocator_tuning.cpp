// Keeps freed tensor memory in the process for reuse instead of handing it back to the kernel.
//
// libtorch allocates CPU tensors with posix_memalign. With glibc's defaults, blocks of more than
// 128 KiB-32 MiB are mmap'ed and unmapped on free, so every forward pass of a CNN re-faults its
// activations page by page (measured: ~12,700 minor page faults per ResNet-18 batch-8 forward,
// a third of its run time on this machine). Raising the mmap and trim thresholds lets malloc
// recycle those blocks: the same forward then takes ~60 faults. The price is that resident memory
// stays at its peak instead of shrinking between passes. Set MODELDSL_MALLOC_TUNING=0 to keep
// glibc's defaults. See docs/benchmarks.md.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

bool tuning_applied = false;

__attribute__((constructor)) void tune_allocator() {
#if defined(__GLIBC__)
  const char* setting = std::getenv("MODELDSL_MALLOC_TUNING");
  if (setting != nullptr && std::strcmp(setting, "0") == 0) return;
  // Some glibc versions cap the mmap threshold at 32 MiB; try larger first.
  bool mmap_ok = mallopt(M_MMAP_THRESHOLD, 256 << 20) == 1 || mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1;
  bool trim_ok = mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
  tuning_applied = mmap_ok && trim_ok;
#endif
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int32_t mdsl_malloc_tuning_applied() { return tuning_applied ? 1 : 0; }
