package metrics

import (
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"time"
)

// The Go runtime's series under the names client_golang's Go collector
// gave them (go_memstats_* as it derives them from runtime/metrics, not
// from a stop-the-world ReadMemStats), which dashboards already use.

func goGauge(name, help string, labels ...string) *Desc {
	return newDesc("go_"+name, help, GaugeType, labels)
}

func goCounter(name, help string) *Desc { return newDesc("go_"+name, help, CounterType, nil) }

var (
	goGC       = newDesc("go_gc_duration_seconds", "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.", SummaryType, nil)
	goLastGC   = goGauge("memstats_last_gc_time_seconds", "Number of seconds since 1970 of last garbage collection.")
	goRoutines = goGauge("goroutines", "Number of goroutines that currently exist.")
	goThreads  = goGauge("threads", "Number of OS threads created.")
	goInfo     = goGauge("info", "Information about the Go environment.", "version")
)

// goRead is one series read from runtime/metrics: the sum of the named
// samples.
type goRead struct {
	d     *Desc
	names []string
}

var goReads = []goRead{
	{goGauge("gc_gogc_percent", "Heap size target percentage configured by the user, otherwise 100. This value is set by the GOGC environment variable, and the runtime/debug.SetGCPercent function. Sourced from /gc/gogc:percent."),
		[]string{"/gc/gogc:percent"}},
	{goGauge("gc_gomemlimit_bytes", "Go runtime memory limit configured by the user, otherwise math.MaxInt64. This value is set by the GOMEMLIMIT environment variable, and the runtime/debug.SetMemoryLimit function. Sourced from /gc/gomemlimit:bytes."),
		[]string{"/gc/gomemlimit:bytes"}},
	{goGauge("sched_gomaxprocs_threads", "The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously. Sourced from /sched/gomaxprocs:threads."),
		[]string{"/sched/gomaxprocs:threads"}},
	{goGauge("memstats_alloc_bytes", "Number of bytes allocated in heap and currently in use. Equals to /memory/classes/heap/objects:bytes."),
		[]string{"/memory/classes/heap/objects:bytes"}},
	{goCounter("memstats_alloc_bytes_total", "Total number of bytes allocated in heap until now, even if released already. Equals to /gc/heap/allocs:bytes."),
		[]string{"/gc/heap/allocs:bytes"}},
	{goGauge("memstats_buck_hash_sys_bytes", "Number of bytes used by the profiling bucket hash table. Equals to /memory/classes/profiling/buckets:bytes."),
		[]string{"/memory/classes/profiling/buckets:bytes"}},
	{goCounter("memstats_frees_total", "Total number of heap objects frees. Equals to /gc/heap/frees:objects + /gc/heap/tiny/allocs:objects."),
		[]string{"/gc/heap/frees:objects", "/gc/heap/tiny/allocs:objects"}},
	{goGauge("memstats_gc_sys_bytes", "Number of bytes used for garbage collection system metadata. Equals to /memory/classes/metadata/other:bytes."),
		[]string{"/memory/classes/metadata/other:bytes"}},
	{goGauge("memstats_heap_alloc_bytes", "Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes. Equals to /memory/classes/heap/objects:bytes."),
		[]string{"/memory/classes/heap/objects:bytes"}},
	{goGauge("memstats_heap_idle_bytes", "Number of heap bytes waiting to be used. Equals to /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes."),
		[]string{"/memory/classes/heap/released:bytes", "/memory/classes/heap/free:bytes"}},
	{goGauge("memstats_heap_inuse_bytes", "Number of heap bytes that are in use. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes"),
		[]string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes"}},
	{goGauge("memstats_heap_objects", "Number of currently allocated objects. Equals to /gc/heap/objects:objects."),
		[]string{"/gc/heap/objects:objects"}},
	{goGauge("memstats_heap_released_bytes", "Number of heap bytes released to OS. Equals to /memory/classes/heap/released:bytes."),
		[]string{"/memory/classes/heap/released:bytes"}},
	{goGauge("memstats_heap_sys_bytes", "Number of heap bytes obtained from system. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes + /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes."),
		[]string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes", "/memory/classes/heap/released:bytes", "/memory/classes/heap/free:bytes"}},
	{goCounter("memstats_mallocs_total", "Total number of heap objects allocated, both live and gc-ed. Semantically a counter version for go_memstats_heap_objects gauge. Equals to /gc/heap/allocs:objects + /gc/heap/tiny/allocs:objects."),
		[]string{"/gc/heap/allocs:objects", "/gc/heap/tiny/allocs:objects"}},
	{goGauge("memstats_mcache_inuse_bytes", "Number of bytes in use by mcache structures. Equals to /memory/classes/metadata/mcache/inuse:bytes."),
		[]string{"/memory/classes/metadata/mcache/inuse:bytes"}},
	{goGauge("memstats_mcache_sys_bytes", "Number of bytes used for mcache structures obtained from system. Equals to /memory/classes/metadata/mcache/inuse:bytes + /memory/classes/metadata/mcache/free:bytes."),
		[]string{"/memory/classes/metadata/mcache/inuse:bytes", "/memory/classes/metadata/mcache/free:bytes"}},
	{goGauge("memstats_mspan_inuse_bytes", "Number of bytes in use by mspan structures. Equals to /memory/classes/metadata/mspan/inuse:bytes."),
		[]string{"/memory/classes/metadata/mspan/inuse:bytes"}},
	{goGauge("memstats_mspan_sys_bytes", "Number of bytes used for mspan structures obtained from system. Equals to /memory/classes/metadata/mspan/inuse:bytes + /memory/classes/metadata/mspan/free:bytes."),
		[]string{"/memory/classes/metadata/mspan/inuse:bytes", "/memory/classes/metadata/mspan/free:bytes"}},
	{goGauge("memstats_next_gc_bytes", "Number of heap bytes when next garbage collection will take place. Equals to /gc/heap/goal:bytes."),
		[]string{"/gc/heap/goal:bytes"}},
	{goGauge("memstats_other_sys_bytes", "Number of bytes used for other system allocations. Equals to /memory/classes/other:bytes."),
		[]string{"/memory/classes/other:bytes"}},
	{goGauge("memstats_stack_inuse_bytes", "Number of bytes obtained from system for stack allocator in non-CGO environments. Equals to /memory/classes/heap/stacks:bytes."),
		[]string{"/memory/classes/heap/stacks:bytes"}},
	{goGauge("memstats_stack_sys_bytes", "Number of bytes obtained from system for stack allocator. Equals to /memory/classes/heap/stacks:bytes + /memory/classes/os-stacks:bytes."),
		[]string{"/memory/classes/heap/stacks:bytes", "/memory/classes/os-stacks:bytes"}},
	{goGauge("memstats_sys_bytes", "Number of bytes obtained from system. Equals to /memory/classes/total:byte."),
		[]string{"/memory/classes/total:bytes"}},
}

// goCollector is the Go runtime's series.
type goCollector struct{}

func (goCollector) Describe() []*Desc {
	ds := []*Desc{goGC, goLastGC, goRoutines, goThreads, goInfo}
	for _, r := range goReads {
		ds = append(ds, r.d)
	}
	return ds
}

func (goCollector) Collect(s *Sink) {
	s.Emit(goRoutines, float64(runtime.NumGoroutine()))
	threads, _ := runtime.ThreadCreateProfile(nil)
	s.Emit(goThreads, float64(threads))
	s.Emit(goInfo, 1, runtime.Version())

	// The pause quantiles (minimum, quartiles, maximum) of the last
	// pauses the runtime keeps, the total and count of all of them.
	var gc debug.GCStats
	gc.PauseQuantiles = make([]time.Duration, 5)
	debug.ReadGCStats(&gc)
	q := &distribution{bounds: []float64{0, 0.25, 0.5, 0.75, 1}, values: make([]float64, 5),
		count: uint64(gc.NumGC), sum: gc.PauseTotal.Seconds()}
	for i, p := range gc.PauseQuantiles {
		q.values[i] = p.Seconds()
	}
	s.add(goGC, 0, q, nil)
	s.Emit(goLastGC, float64(gc.LastGC.UnixNano())/1e9)

	samples := goSamples()
	rtmetrics.Read(samples)
	vals := make(map[string]float64, len(samples))
	for _, smp := range samples {
		switch smp.Value.Kind() {
		case rtmetrics.KindUint64:
			vals[smp.Name] = float64(smp.Value.Uint64())
		case rtmetrics.KindFloat64:
			vals[smp.Name] = smp.Value.Float64()
		}
	}
	for _, r := range goReads {
		var v float64
		for _, n := range r.names {
			v += vals[n] // a name this Go does not have reads 0, as client_golang's
		}
		s.Emit(r.d, v)
	}
}

// goSamples are the runtime/metrics samples goReads name, each once.
func goSamples() []rtmetrics.Sample {
	var out []rtmetrics.Sample
	seen := map[string]bool{}
	for _, r := range goReads {
		for _, n := range r.names {
			if !seen[n] {
				seen[n] = true
				out = append(out, rtmetrics.Sample{Name: n})
			}
		}
	}
	return out
}
