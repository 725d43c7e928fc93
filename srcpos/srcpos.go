package srcpos

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Pos is a file and line. The zero Pos names nothing and prints as "".
// File names are kept once, in a process-wide table that only grows: a
// daemon reads the same few files again on every reload, so the table
// stays as small as the set of configuration files ever read.
type Pos struct {
	file uint32 // index into files.names, 0 = no file
	line uint32
}

var files struct {
	mu    sync.RWMutex
	names []string
	index map[string]uint32
}

// Make returns the position of line in file. Lines beyond 2^32-1 are
// clamped; keepalived itself counts lines in an int.
func Make(file string, line int) Pos {
	l := uint32(max(0, min(line, 1<<32-1)))
	if file == "" {
		return Pos{line: l}
	}
	return Pos{file: fileIndex(file), line: l}
}

// lastFile is the file most recently looked up: a configuration names the
// same file line after line, and comparing against it (the same string, so
// a pointer comparison) is cheaper than the lock and the map.
var lastFile atomic.Pointer[fileEntry]

type fileEntry struct {
	name  string
	index uint32
}

func fileIndex(file string) uint32 {
	if e := lastFile.Load(); e != nil && e.name == file {
		return e.index
	}
	files.mu.RLock()
	i, ok := files.index[file]
	files.mu.RUnlock()
	if !ok {
		i = addFile(file)
	}
	lastFile.Store(&fileEntry{name: file, index: i})
	return i
}

func addFile(file string) uint32 {
	files.mu.Lock()
	defer files.mu.Unlock()
	if i, ok := files.index[file]; ok {
		return i
	}
	if files.index == nil {
		files.index = map[string]uint32{}
		files.names = []string{""}
	}
	i := uint32(len(files.names))
	files.names = append(files.names, file)
	files.index[file] = i
	return i
}

// File returns the file name, "" if none was given.
func (p Pos) File() string {
	if p.file == 0 {
		return ""
	}
	files.mu.RLock()
	defer files.mu.RUnlock()
	return files.names[p.file]
}

// Line returns the line number.
func (p Pos) Line() int { return int(p.line) }

// IsZero reports whether p names nothing.
func (p Pos) IsZero() bool { return p == Pos{} }

// String formats p the way confparse's diagnostics name a line:
// "FILE:LINE", "line N" without a file, just FILE for line 0.
func (p Pos) String() string {
	f := p.File()
	switch {
	case p.IsZero():
		return ""
	case f == "":
		return "line " + strconv.Itoa(int(p.line))
	case p.line == 0:
		return f
	}
	return f + ":" + strconv.Itoa(int(p.line))
}

// MarshalText makes a Pos read as its string in JSON and slog output.
func (p Pos) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads what MarshalText wrote, so that a Pos survives a
// trip through JSON (govrrpd hands the --bgp-config settings to its BGP
// helper process that way, and the helper names the same file:line).
func (p *Pos) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" {
		*p = Pos{}
		return nil
	}
	if n, ok := strings.CutPrefix(s, "line "); ok {
		if l, err := strconv.Atoi(n); err == nil && l >= 0 {
			*p = Make("", l)
			return nil
		}
	}
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		if l, err := strconv.Atoi(s[i+1:]); err == nil && l > 0 {
			*p = Make(s[:i], l)
			return nil
		}
	}
	*p = Make(s, 0)
	return nil
}
