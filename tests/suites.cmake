# Every suite and its labels. Labels: shim, lib, threads (also run under
# helgrind in the valgrind preset), review (checks a rule from the v1 review).
sw_suite(lockdep LABELS shim lockdep)
sw_suite(context LABELS shim lockdep threads)
sw_suite(pressure LABELS shim lib threads)
sw_suite(gem_state LABELS lib)
sw_suite(gem_backing LABELS lib review)
sw_suite(harness LABELS shim)
sw_suite(shrinker LABELS lib review)
sw_suite(gem_lru LABELS shim review)
sw_suite(refcount LABELS shim)
sw_suite(sync LABELS lib review threads)
sw_suite(counters LABELS lib review threads)
sw_suite(stress LABELS lib threads stress)
sw_suite(exec LABELS shim threads)
sw_suite(gpuvm LABELS shim)
sw_suite(iopgtable LABELS shim)
sw_suite(interval_tree LABELS shim)
sw_suite(gpu LABELS shim threads)
sw_suite(vm LABELS lib review threads)
sw_suite(fault_sweep LABELS lib review)
sw_suite(sysfs LABELS lib threads)
sw_suite(blocking LABELS lib review threads)
sw_suite(races LABELS lib review)
# FUSE: real mounts served by libfuse worker threads that the kernel, not
# the process, synchronises; helgrind can't see that ordering, so the suite is
# not labelled threads (memcheck still runs it). Skips itself without /dev/fuse.
sw_suite(fuse LABELS shim lib)
