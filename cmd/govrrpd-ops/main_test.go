package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestDispatch(t *testing.T) {
	var got []string
	modes["test-echo"] = func(args []string, stdout, _ io.Writer) int {
		got = args
		return 7
	}
	defer delete(modes, "test-echo")
	var errb bytes.Buffer
	if code := dispatch([]string{"test-echo", "a", "b"}, io.Discard, &errb); code != 7 || strings.Join(got, " ") != "a b" {
		t.Fatalf("dispatch = %d with %v, want 7 with [a b]", code, got)
	}
	for _, args := range [][]string{nil, {"no-such-mode"}} {
		errb.Reset()
		if code := dispatch(args, io.Discard, &errb); code != 2 || !strings.Contains(errb.String(), "test-echo") {
			t.Errorf("dispatch(%v) = %d, %q; want 2 and a usage naming the modes", args, code, errb.String())
		}
	}
}
