package check

import (
	"context"
	"fmt"
)

// Result is what the IPVS side needs to know about one real server: whether
// it is alive (every checker up) and which weight it should carry now.
// A Result is sent only when one of these changes, so the consumer can apply
// it without diffing.
type Result struct {
	Target Target
	// Up is true when every checker of Target is up.
	Up bool
	// Weight overrides the configured weight when WeightSet (MISC_CHECK with
	// misc_dynamic exiting 2..255 sets it to code-2; exit 0 clears it).
	Weight    int
	WeightSet bool
	// WeightDelta is the sum of FILE_CHECK adjustments (value × weight,
	// negated with reverse); the consumer adds it to the weight and clamps.
	WeightDelta int
	// Checker names the checker whose change produced this result
	// ("HTTP_GET at keepalived.conf:12").
	Checker string
	// Reason is the probe's explanation of the latest outcome.
	Reason string
}

func (r Result) String() string {
	state := "DOWN"
	if r.Up {
		state = "UP"
	}
	return fmt.Sprintf("%s %s %s (%s: %s)", r.Target.Service, r.Target.Real, state, r.Checker, r.Reason)
}

// Sink receives results. Report is called from checker goroutines, one
// call at a time per target; it must not block for long because the
// scheduler's Stop waits for in-flight reports.
type Sink interface {
	Report(Result)
}

// SinkFunc adapts a function to Sink.
type SinkFunc func(Result)

// Report calls f.
func (f SinkFunc) Report(r Result) { f(r) }

// ChanSink delivers results on C; a report is dropped once Done is closed so
// that a consumer that has gone away cannot wedge the scheduler's shutdown.
type ChanSink struct {
	C    chan<- Result
	Done <-chan struct{}
}

// Report sends r on C unless Done is closed first.
func (s ChanSink) Report(r Result) {
	select {
	case s.C <- r:
	case <-s.Done:
	}
}

// Outcome is one probe's verdict.
type Outcome struct {
	Up     bool
	Reason string
	// Weight/WeightSet carry misc_dynamic; WeightDelta carries FILE_CHECK.
	Weight      int
	WeightSet   bool
	WeightDelta int
	// Fail classes a down outcome for the failures-by-reason counters.
	Fail Failure
	// NoVerdict says the attempt could not be made for a reason that is
	// ours, not the server's (the govrrpd-check helper is down or did not
	// answer): the scheduler changes no state, counts nothing and tries
	// again after delay_loop.
	NoVerdict bool
}

// noVerdict is an attempt that says nothing about the server.
func noVerdict(format string, args ...any) Outcome {
	return Outcome{Reason: fmt.Sprintf(format, args...), NoVerdict: true}
}

// NoVerdict is an attempt that says nothing about the server (see
// Outcome.NoVerdict), for probers outside this package.
func NoVerdict(format string, args ...any) Outcome { return noVerdict(format, args...) }

func up(reason string) Outcome { return Outcome{Up: true, Reason: reason} }

// down is a failed attempt, classed by the first error among args.
func down(format string, args ...any) Outcome {
	o := Outcome{Reason: fmt.Sprintf(format, args...)}
	for _, a := range args {
		if err, ok := a.(error); ok {
			o.Fail = classify(err)
			break
		}
	}
	return o
}

// Prober runs one attempt of a checker. Implementations honour ctx's
// deadline and release every resource before returning.
type Prober interface {
	Probe(ctx context.Context) Outcome
}

// ProberFunc adapts a function to Prober.
type ProberFunc func(ctx context.Context) Outcome

// Probe calls f.
func (f ProberFunc) Probe(ctx context.Context) Outcome { return f(ctx) }
