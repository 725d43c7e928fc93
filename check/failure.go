package check

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=Failure -output=failure_string.go

import (
	"context"
	"errors"
	"net"
	"net/textproto"
	"os"
	"syscall"
)

// Failure classes a failed attempt for the failures-by-reason counters.
// The set is fixed so that a metric labelled with it keeps a bounded
// cardinality whatever the probes' error texts say.
type Failure uint8

const (
	FailOther        Failure = iota // error
	FailTimeout                     // timeout
	FailRefused                     // refused
	FailReset                       // reset
	FailUnreachable                 // unreachable
	FailBadStatus                   // bad_status
	FailBadDigest                   // bad_digest
	FailBadContent                  // bad_content
	FailBadReply                    // bad_reply
	FailScriptExit                  // script_exit
	FailScriptKilled                // script_killed
	FailFileValue                   // file_value
	numFailures
)

// classify names the failure an error stands for; errors no class fits
// are FailOther.
func classify(err error) Failure {
	var ne net.Error
	var te *textproto.Error
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return FailTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return FailRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return FailReset
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return FailUnreachable
	case errors.As(err, &te):
		return FailBadReply
	}
	return FailOther
}

// downAs is down for a failure that no error carries (a status code not
// accepted, a script's exit code).
func downAs(f Failure, format string, args ...any) Outcome {
	o := down(format, args...)
	o.Fail = f
	return o
}

// Valid says whether f is one of the classes above (a decoded byte may
// be anything).
func (f Failure) Valid() bool { return f < numFailures }
