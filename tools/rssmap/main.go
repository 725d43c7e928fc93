package main

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// section is one allocated ELF section and its resident pages.
type section struct {
	name       string
	size       uint64
	file, anon int // resident pages
}

// Bits of a pagemap entry (Documentation/admin-guide/mm/pagemap.rst).
const (
	pagePresent = 1 << 63
	pageFile    = 1 << 61 // file-backed or shared anonymous
)

func main() {
	pid := flag.Int("pid", 0, "the process")
	pkgs := flag.Int("packages", 0, "also list the `N` packages with the most resident .text")
	wins := flag.Bool("windows", false, "also list .text's 64 KiB fault-around windows: resident pages, packages, initialisers")
	flag.Parse()
	if *pid <= 0 {
		fmt.Fprintln(os.Stderr, "rssmap: -pid is required")
		os.Exit(2)
	}
	err := report(os.Stdout, strconv.Itoa(*pid))
	if err == nil && *pkgs > 0 {
		err = reportPackages(os.Stdout, strconv.Itoa(*pid), *pkgs)
	}
	if err == nil && *wins {
		err = reportWindows(os.Stdout, strconv.Itoa(*pid))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "rssmap: pid %d: %v\n", *pid, err)
		os.Exit(1)
	}
}

func report(w io.Writer, pid string) error {
	secs, err := residentSections("/proc/"+pid+"/exe", "/proc/"+pid+"/pagemap")
	if err != nil {
		return err
	}
	var file, anon int
	fmt.Fprintf(w, "%-18s %10s %10s %10s\n", "section", "size KiB", "file KiB", "anon KiB")
	for _, s := range secs {
		fmt.Fprintf(w, "%-18s %10d %10d %10d\n", s.name, s.size/1024, s.file*4, s.anon*4)
		file, anon = file+s.file, anon+s.anon
	}
	fmt.Fprintf(w, "%-18s %10s %10d %10d\n", "binary", "", file*4, anon*4)
	st, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return err
	}
	for _, k := range []string{"VmRSS", "RssAnon", "RssFile", "Threads"} {
		v, ok := statusField(string(st), k)
		if !ok {
			return fmt.Errorf("status: no %s", k)
		}
		fmt.Fprintf(w, "%-18s %s\n", k, v)
	}
	return nil
}

// residentSections counts the present pages of each allocated section of
// the ELF file exe in the address space whose pagemap is given. A page two
// sections share counts for the first.
func residentSections(exe, pagemap string) ([]section, error) {
	f, err := elf.Open(exe)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pm, err := os.Open(pagemap)
	if err != nil {
		return nil, err
	}
	defer pm.Close()
	seen := map[uint64]bool{}
	var out []section
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_ALLOC == 0 || s.Addr == 0 || s.Size == 0 {
			continue
		}
		r := section{name: s.Name, size: s.Size}
		for p := s.Addr &^ 4095; p < s.Addr+s.Size; p += 4096 {
			if seen[p] {
				continue
			}
			seen[p] = true
			e, err := entry(pm, p)
			if err != nil {
				return nil, fmt.Errorf("pagemap at %#x: %w", p, err)
			}
			switch {
			case e&pagePresent == 0:
			case e&pageFile != 0:
				r.file++
			default:
				r.anon++
			}
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errors.New("no allocated sections: not a static ELF executable")
	}
	return out, nil
}

func entry(pm io.ReaderAt, addr uint64) (uint64, error) {
	var b [8]byte
	if _, err := pm.ReadAt(b[:], int64(addr/4096*8)); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

// statusField is the value of "key:" in /proc/PID/status, spaces folded.
func statusField(status, key string) (string, bool) {
	for l := range strings.Lines(status) {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			return strings.Join(strings.Fields(v), " "), true
		}
	}
	return "", false
}
