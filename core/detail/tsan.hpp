#pragma once
// ThreadSanitizer cannot see oneTBB's hand-offs (libtbb is not instrumented), so it would
// report the hand-off of a task's data to the thread that runs it as a race. These mark the
// hand-offs as release/acquire pairs; they compile to nothing outside TSan builds.
// Every hand-off uses one address: the task's first act is to acquire it, before it reads
// anything the spawning thread wrote (the spawner releases it after the task object is built,
// which is why tasks are made with task_group::defer, then released, then run).
namespace xgrad::detail {
inline char tsan_handoff;
}

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#define XGRAD_TSAN_ACQUIRE(p) __tsan_acquire(const_cast<void*>(static_cast<const void*>(p)))
#define XGRAD_TSAN_RELEASE(p) __tsan_release(const_cast<void*>(static_cast<const void*>(p)))
#else
#define XGRAD_TSAN_ACQUIRE(p) ((void)0)
#define XGRAD_TSAN_RELEASE(p) ((void)0)
#endif
