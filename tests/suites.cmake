# Every suite and its labels. Labels: shim, lib, threads (also run under
# helgrind in the valgrind preset), review (checks a rule from the v1 review).
sw_suite(lockdep LABELS shim lockdep)
sw_suite(gem_state LABELS lib)
sw_suite(gem_backing LABELS lib review)
sw_suite(harness LABELS shim)
sw_suite(shrinker LABELS lib review)
sw_suite(gem_lru LABELS shim review)
sw_suite(refcount LABELS shim)
sw_suite(sync LABELS lib review threads)
sw_suite(counters LABELS lib review threads)
sw_suite(stress LABELS lib threads stress)
