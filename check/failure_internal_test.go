package check

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"syscall"
	"testing"
)

func TestClassify(t *testing.T) {
	op := func(err error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}
	}
	cases := []struct {
		err  error
		want Failure
	}{
		{op(syscall.ECONNREFUSED), FailRefused},
		{syscall.ECONNREFUSED, FailRefused}, // the TCP loop's SO_ERROR
		{op(syscall.ECONNRESET), FailReset},
		{op(syscall.EHOSTUNREACH), FailUnreachable},
		{op(syscall.ENETUNREACH), FailUnreachable},
		{os.ErrDeadlineExceeded, FailTimeout},
		{fmt.Errorf("GET /: %w", context.DeadlineExceeded), FailTimeout},
		{&textproto.Error{Code: 554, Msg: "no"}, FailBadReply},
		{errors.New("something else"), FailOther},
	}
	for _, c := range cases {
		if got := classify(c.err); got != c.want {
			t.Errorf("classify(%v) = %s, want %s", c.err, got, c.want)
		}
	}
	if o := down("TCP connect to %s: %v", "x", op(syscall.ECONNREFUSED)); o.Fail != FailRefused {
		t.Errorf("down with a refused error: %s", o.Fail)
	}
	if o := miscOutcome(3, false); o.Up || o.Fail != FailScriptExit {
		t.Errorf("misc exit 3: %+v", o)
	}
}
