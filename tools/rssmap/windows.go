package main

import (
	"cmp"
	"debug/gosym"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
)

// The kernel maps the pages of a file mapping around a touched one that
// are already in the page cache (fault-around, 64 KiB by default), so the
// binary's resident code is counted in 64 KiB windows: one function run
// once maps its window for good. -windows lists the windows of .text with
// the packages in each and the package initialisers it holds, which says
// what an `init` or a call at start costs and what removing one would
// save only if nothing else in its window runs.

// faultAround is the kernel's default fault_around_bytes.
const faultAround = 64 << 10

// window is one fault-around window of .text.
type window struct {
	start          uint64
	pages, present int
	bytes          map[string]uint64 // function bytes by package
	inits          []string          // packages with an initialiser here
}

// initFunc matches the functions a package runs at start: its init, its
// numbered init functions and its map initialisers (not closures defined
// in them, which run only when called).
var initFunc = regexp.MustCompile(`^(?:map\.)?init(?:\.\d+)?$`)

// isInit reports whether sym is one of its package's initialisers.
func isInit(sym string) bool {
	pkg := packageOf(sym)
	return len(sym) > len(pkg)+1 && initFunc.MatchString(sym[len(pkg)+1:])
}

// textWindows splits [lo, hi) into fault-around windows holding funcs.
func textWindows(funcs []gosym.Func, lo, hi uint64) []*window {
	by := map[uint64]*window{}
	at := func(a uint64) *window {
		s := a &^ (faultAround - 1)
		w := by[s]
		if w == nil {
			w = &window{start: s, bytes: map[string]uint64{}}
			by[s] = w
		}
		return w
	}
	for _, fn := range funcs {
		if fn.Entry < lo || fn.Entry >= hi || fn.End <= fn.Entry {
			continue
		}
		pkg := packageOf(fn.Name)
		if isInit(fn.Name) && !slices.Contains(at(fn.Entry).inits, pkg) {
			at(fn.Entry).inits = append(at(fn.Entry).inits, pkg)
		}
		for a, end := fn.Entry, min(fn.End, hi); a < end; {
			w := at(a)
			n := min(end, w.start+faultAround) - a
			w.bytes[pkg] += n
			a += n
		}
	}
	return slices.SortedFunc(maps.Values(by), func(a, b *window) int { return cmp.Compare(a.start, b.start) })
}

// reportWindows prints every window of the process's .text, resident or
// not, and a summary.
func reportWindows(w io.Writer, pid string) error {
	tx, err := loadText("/proc/" + pid + "/exe")
	if err != nil {
		return err
	}
	pm, err := os.Open("/proc/" + pid + "/pagemap")
	if err != nil {
		return err
	}
	defer pm.Close()
	ws := textWindows(tx.funcs, tx.lo, tx.hi)
	resident, withInit := 0, 0
	fmt.Fprintf(w, "\n%-10s %8s  %s\n", ".text 64K", "resident", "packages (KiB); init: packages initialised here")
	for _, win := range ws {
		for p := max(win.start, tx.lo&^4095); p < win.start+faultAround && p < tx.hi; p += 4096 {
			e, err := entry(pm, p)
			if err != nil {
				return fmt.Errorf("pagemap at %#x: %w", p, err)
			}
			win.pages++
			if e&pagePresent != 0 {
				win.present++
			}
		}
		if win.present > 0 {
			resident++
			if len(win.inits) > 0 {
				withInit++
			}
		}
		fmt.Fprintf(w, "%#-10x %5d/%-2d  %s", win.start, win.present, win.pages, topPackages(win.bytes, 4))
		if len(win.inits) > 0 {
			fmt.Fprintf(w, "; init: %s", strings.Join(win.inits, ", "))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d windows, %d resident, %d of them holding a package initialiser\n", len(ws), resident, withInit)
	return nil
}

// topPackages names the n packages with the most bytes, largest first.
func topPackages(bytes map[string]uint64, n int) string {
	names := slices.SortedFunc(maps.Keys(bytes), func(a, b string) int {
		return cmp.Or(cmp.Compare(bytes[b], bytes[a]), cmp.Compare(a, b))
	})
	var parts []string
	for _, p := range names[:min(n, len(names))] {
		parts = append(parts, fmt.Sprintf("%s %d", p, bytes[p]/1024))
	}
	return strings.Join(parts, ", ")
}
