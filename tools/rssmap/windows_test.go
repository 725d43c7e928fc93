package main

import (
	"bytes"
	"debug/gosym"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestIsInit(t *testing.T) {
	for sym, want := range map[string]bool{
		"github.com/govrrpd/govrrpd/confparse.init":          true,
		"github.com/govrrpd/govrrpd/confparse.init.12":       true,
		"net/http.map.init.0":                                true,
		"runtime.init":                                       true,
		"github.com/govrrpd/govrrpd/confparse.init.func207":  false, // a closure: runs only when called
		"runtime.(*mheap).init":                              false, // a method named init
		"github.com/govrrpd/govrrpd/internal/console.initAt": false,
		"main.main": false,
	} {
		if got := isInit(sym); got != want {
			t.Errorf("isInit(%q) = %v, want %v", sym, got, want)
		}
	}
}

// TestTextWindows: a function across a window boundary counts in both
// windows, an initialiser marks the window it starts in, and functions
// outside .text are left out.
func TestTextWindows(t *testing.T) {
	const lo = 0x401000
	fn := func(name string, entry, end uint64) gosym.Func {
		return gosym.Func{Sym: &gosym.Sym{Name: name}, Entry: entry, End: end}
	}
	ws := textWindows([]gosym.Func{
		fn("a/b.F", 0x401000, 0x402000),
		fn("a/b.init.0", 0x40f000, 0x411000), // 0x1000 in each window
		fn("c.G", 0x411000, 0x411800),
		fn("c.H", 0x500000, 0x500100), // beyond hi
	}, lo, 0x420000)
	if len(ws) != 2 {
		t.Fatalf("%d windows, want 2: %+v", len(ws), ws)
	}
	w0, w1 := ws[0], ws[1]
	if w0.start != 0x400000 || w0.bytes["a/b"] != 0x2000 || len(w0.inits) != 1 || w0.inits[0] != "a/b" {
		t.Errorf("first window %#x: bytes %v, inits %v", w0.start, w0.bytes, w0.inits)
	}
	if w1.start != 0x410000 || w1.bytes["a/b"] != 0x1000 || w1.bytes["c"] != 0x800 || len(w1.inits) != 0 {
		t.Errorf("second window %#x: bytes %v, inits %v", w1.start, w1.bytes, w1.inits)
	}
}

// TestOwnWindows: the test binary's windows, resident ones among them,
// with the runtime's initialiser where the runtime's code is.
func TestOwnWindows(t *testing.T) {
	var b bytes.Buffer
	if err := reportWindows(&b, strconv.Itoa(os.Getpid())); err != nil {
		t.Skipf("no function table or pagemap here: %v", err)
	}
	out := b.String()
	if !strings.Contains(out, "init: ") || !strings.Contains(out, "runtime") {
		t.Errorf("no window names the runtime or an initialiser:\n%s", out)
	}
	last := out[strings.LastIndex(strings.TrimSuffix(out, "\n"), "\n")+1:]
	var n, res, inits int
	if _, err := fmt.Sscanf(last, "%d windows, %d resident, %d of them holding a package initialiser", &n, &res, &inits); err != nil || res == 0 || res > n || inits > res {
		t.Errorf("summary %q: %d windows, %d resident, %d with an initialiser (%v)", last, n, res, inits, err)
	}
}
