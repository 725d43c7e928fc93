package main

import (
	"debug/elf"
	"debug/gosym"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
)

// A section's resident share says how much of the binary is in memory,
// not which code put it there. Per package, the pages of .text that are
// present tell which parts of the program have run (or sit within the
// kernel's fault-around window of code that has): two processes of the
// same binary, an idle one and one running thousands of instances, differ
// by the packages their work touched.

// pkgText is one package's share of .text.
type pkgText struct {
	name           string
	pages, present int
}

// text is the .text section's bounds and the functions in it.
type text struct {
	lo, hi uint64
	funcs  []gosym.Func
}

// loadText reads the function table of exe. The function table, not the
// symbol table: a binary built with -s (the .deb's) has only the former.
func loadText(exe string) (*text, error) {
	f, err := elf.Open(exe)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ts := f.Section(".text")
	if ts == nil {
		return nil, fmt.Errorf("%s: no .text", exe)
	}
	pcln := f.Section(".gopclntab")
	if pcln == nil {
		return nil, fmt.Errorf("%s: no .gopclntab: not a Go binary", exe)
	}
	data, err := pcln.Data()
	if err != nil {
		return nil, fmt.Errorf("%s: .gopclntab: %w", exe, err)
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, ts.Addr))
	if err != nil {
		return nil, fmt.Errorf("%s: .gopclntab: %w", exe, err)
	}
	return &text{lo: ts.Addr, hi: ts.Addr + ts.Size, funcs: tab.Funcs}, nil
}

// textByPackage attributes every page of .text to the package with the
// most function bytes in it, and counts the pages present.
func textByPackage(exe, pagemap string) ([]pkgText, error) {
	tx, err := loadText(exe)
	if err != nil {
		return nil, err
	}
	pm, err := os.Open(pagemap)
	if err != nil {
		return nil, err
	}
	defer pm.Close()
	owners := pageOwners(tx.funcs, tx.lo, tx.hi)
	by := map[string]*pkgText{}
	for page, pkg := range owners {
		e, err := entry(pm, page)
		if err != nil {
			return nil, fmt.Errorf("pagemap at %#x: %w", page, err)
		}
		p := by[pkg]
		if p == nil {
			p = &pkgText{name: pkg}
			by[pkg] = p
		}
		p.pages++
		if e&pagePresent != 0 {
			p.present++
		}
	}
	out := make([]pkgText, 0, len(by))
	for _, p := range by {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].present != out[j].present {
			return out[i].present > out[j].present
		}
		return out[i].name < out[j].name
	})
	return out, nil
}

// pageOwners maps each page of [lo, hi) that holds functions to the
// package with the most bytes of them there.
func pageOwners(funcs []gosym.Func, lo, hi uint64) map[uint64]string {
	bytes := map[uint64]map[string]uint64{}
	for _, fn := range funcs {
		if fn.Entry < lo || fn.Entry >= hi || fn.End <= fn.Entry {
			continue
		}
		pkg := packageOf(fn.Name)
		for a, end := fn.Entry, min(fn.End, hi); a < end; {
			page := a &^ 4095
			n := min(end, page+4096) - a
			if bytes[page] == nil {
				bytes[page] = map[string]uint64{}
			}
			bytes[page][pkg] += n
			a += n
		}
	}
	owners := make(map[uint64]string, len(bytes))
	for page, m := range bytes {
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		slices.Sort(names) // a tie goes to the first name: the same answer every run
		best := names[0]
		for _, k := range names[1:] {
			if m[k] > m[best] {
				best = k
			}
		}
		owners[page] = best
	}
	return owners
}

// packageOf is the import path of a Go symbol: "net/netip.Addr.String" is
// net/netip, "github.com/a/b.(*T).m" github.com/a/b, "type:.eq.x" and
// other linker names are themselves up to the first dot.
func packageOf(sym string) string {
	slash := strings.LastIndexByte(sym, '/')
	if dot := strings.IndexByte(sym[slash+1:], '.'); dot >= 0 {
		return sym[:slash+1+dot]
	}
	return sym
}

// reportPackages prints the n packages with the most resident .text.
func reportPackages(w io.Writer, pid string, n int) error {
	pk, err := textByPackage("/proc/"+pid+"/exe", "/proc/"+pid+"/pagemap")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%-52s %10s %10s\n", ".text by package", "size KiB", "resident")
	for i, p := range pk {
		if i == n {
			break
		}
		fmt.Fprintf(w, "%-52s %10d %10d\n", p.name, p.pages*4, p.present*4)
	}
	return nil
}
