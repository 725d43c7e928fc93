package confparse

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// A reload that finds nothing changed should not pay for reading a
// 660,000-line file again. Inputs is what makes that safe: everything one
// load took from the host — the bytes of every file it read, every include
// pattern's expansion, the host name behind the default -i, ${_ENV}
// values, the verdict of every script check, the key files of auth_hmac,
// and the user database those checks resolved names in. If all of them
// answer as they did, a new load would read the same lines in the same
// order and build the same configuration, so the reload can stop there.
//
// A file's identity is its content: a seeded 64-bit hash of the bytes read
// (hash/maphash, its seed drawn per load and never shown, so no one can
// make two files collide on purpose; SHA-256 took 8 s on the 12.9 MB
// bench file in the emulated VM, a third of a one-line reload). Hashing a
// large file on every SIGHUP is itself slow in a small VM, so a stat
// (device, inode, size, mode, mtime and ctime, nanoseconds) stands in for
// the bytes once it has been seen to do so: an entry is settled when the
// stat was taken more than racyWindow after the file's last change and the
// bytes were hashed after that stat. Any later write moves ctime, which no
// one can set back (touch -d restores mtime, not ctime), so an unchanged
// stat of a settled entry proves unchanged bytes; an unsettled entry, or
// one whose stat moved, is hashed. This is git's "racy clean" rule.

// racyWindow is how long after a file's last change a stat of it is still
// taken as possibly racing a write in the same timestamp tick: the coarse
// kernel clock (a jiffy), and filesystems that keep whole seconds (ext4
// with 128-byte inodes) or two (FAT).
const racyWindow = 2 * time.Second

// Inputs is what one load read from the host. Its methods are safe for
// concurrent use; the zero value and nil record nothing.
type Inputs struct {
	mu       sync.Mutex
	seed     maphash.Seed // of every file hash in this record
	files    []*fileInput
	probes   []probe
	asked    map[string]string // probe answers by question, to ask each once
	volatile string            // why a new load could differ whatever the host says
	// now and hashed are the clock and a count of files hashed, for tests.
	now    func() time.Time
	hashed int
	// inc is what the next load needs to re-read only changed blocks;
	// mem the file an incremental load has read (incremental.go).
	inc *incRecord
	mem *memFile
}

// fileInput is one file a load read.
type fileInput struct {
	path    string
	id      fileID
	sum     uint64
	settled bool
}

// probe is one other answer a load got from the host, with the question
// to ask again.
type probe struct {
	what   string
	answer string
	again  func() string
}

// LoadInputs is Load recording its inputs, for a daemon that will later
// ask whether a reload would read anything new (Inputs.Changed).
func LoadInputs(path string, opts Options) (*Config, Diagnostics, *Inputs) {
	in := newInputs(opts, maphash.MakeSeed())
	o := opts
	o.inputs = nil
	in.inc = &incRecord{path: path, opts: o, recLines: true}
	opts.inputs = in
	cfg, diags := load(path, opts, true)
	if len(in.files) != 1 || in.files[0].path != path {
		in.inc.drop("the last load read other files than this one")
	}
	in.inc.dropIfNothingReusable()
	return cfg, diags, in
}

// newInputs is an empty record for a load with opts, its file hashes
// seeded with seed.
func newInputs(opts Options, seed maphash.Seed) *Inputs {
	in := &Inputs{now: time.Now, seed: seed}
	if opts.CheckInterfaces {
		in.setVolatile("interfaces and namespaces are checked (-t)")
	}
	// User and group names (script_user, a script's own user, the
	// keepalived_script user) are resolved through these files.
	for _, f := range []string{"/etc/passwd", "/etc/group", "/etc/nsswitch.conf"} {
		in.probe("user database "+f, fileState(f), func() string { return fileState(f) })
	}
	return in
}

// Files lists the files the load read, in the order it read them.
func (in *Inputs) Files() []string {
	if in == nil {
		return nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make([]string, len(in.files))
	for i, f := range in.files {
		out[i] = f.path
	}
	return out
}

// Changed asks every input again and returns the first that answers
// differently ("" when none does: a new load would build the same
// configuration). Files whose bytes it had to hash and found unchanged are
// settled on the way, so the next call can trust their stat.
func (in *Inputs) Changed() string {
	if in == nil {
		return "no record of the last load"
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.volatile != "" {
		return in.volatile
	}
	for _, f := range in.files {
		if what := in.fileChanged(f); what != "" {
			return what
		}
	}
	for _, p := range in.probes {
		if a := p.again(); a != p.answer {
			return p.what + ": " + answerChange(p.answer, a)
		}
	}
	return ""
}

// SettleIn says whether a file read is not yet settled and how long
// until all can be (0: now). A daemon calls Changed then, off its loop, so
// that the first SIGHUP after a start or a reload finds settled entries
// and hashes nothing: a file written just before a long parse is past its
// racy window when the parse ends, but still unsettled.
func (in *Inputs) SettleIn() (wait time.Duration, unsettled bool) {
	if in == nil {
		return 0, false
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, f := range in.files {
		if !f.settled {
			unsettled = true
			wait = max(wait, f.id.changed().Add(racyWindow).Sub(in.now()))
		}
	}
	return max(wait, 0), unsettled
}

// fileChanged compares one file with its record; in.mu is held.
func (in *Inputs) fileChanged(f *fileInput) string {
	at := in.now()
	st, err := os.Stat(f.path)
	if err != nil {
		return fmt.Sprintf("%s: %v", f.path, err)
	}
	if v := matchVerdict(st); v != "" {
		return f.path + ": " + v
	}
	id := idOf(st)
	if id == f.id && f.settled {
		return ""
	}
	if id.size != f.id.size {
		return f.path + ": size changed"
	}
	sum, err := in.hashFile(f.path)
	if err != nil {
		return fmt.Sprintf("%s: %v", f.path, err)
	}
	if sum != f.sum {
		return f.path + ": content changed"
	}
	f.id, f.settled = id, id.settledAt(at)
	return ""
}

func (in *Inputs) hashFile(path string) (uint64, error) {
	in.hashed++
	fh, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	h := in.newHash()
	if _, err := io.Copy(h, fh); err != nil {
		return 0, err
	}
	return h.Sum64(), nil
}

// newHash is a file hash of this record's seed.
func (in *Inputs) newHash() *maphash.Hash {
	var h maphash.Hash
	h.SetSeed(in.seed)
	return &h
}

// readFile records a file the preprocessor read: st is its stat taken
// before the first byte was read, at is when, sum the bytes' hash
// (newHash).
func (in *Inputs) readFile(path string, st os.FileInfo, at time.Time, sum uint64) {
	if in == nil {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	f := &fileInput{path: path, id: idOf(st), sum: sum}
	f.settled = f.id.settledAt(at)
	in.files = append(in.files, f)
}

// probe records one answer from the host and how to ask for it again.
func (in *Inputs) probe(what, answer string, again func() string) {
	if in == nil {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if prev, ok := in.asked[what]; ok {
		// Asked twice in one load (one script checked for two
		// instances): the host must have answered the same both times.
		if prev != answer && in.volatile == "" {
			in.volatile = what + " changed while the configuration was read"
		}
		return
	}
	if in.asked == nil {
		in.asked = map[string]string{}
	}
	in.asked[what] = answer
	in.probes = append(in.probes, probe{what: what, answer: answer, again: again})
}

// setVolatile marks the load as one a new load could not repeat (the
// first reason stays).
func (in *Inputs) setVolatile(why string) {
	if in == nil {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.volatile == "" {
		in.volatile = why
	}
}

// clock is in.now, or time.Now without a record.
func (in *Inputs) clock() time.Time {
	if in == nil || in.now == nil {
		return time.Now()
	}
	return in.now()
}

// fileState is a small file's whole state for a probe: its mode and
// owner-visible stat fields are left out, its bytes are what counts.
func fileState(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return "missing"
		}
		return "error: " + err.Error()
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// keyFileState is what readKeyFile saw of a key file: whether group or
// others may read it, and its bytes' hash.
func keyFileState(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("perm %o %s", st.Mode().Perm()&0o077, fileState(path))
}

// globAnswer is one include pattern's expansion as a probe answer.
func globAnswer(g globResult) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "missing=%t wildcards=%t [", g.missing, g.wildcards)
	b.WriteString(strings.Join(g.matches, "\x00"))
	b.WriteByte(']')
	return b.String()
}

// hashingReader hashes what the preprocessor reads of a file, so the
// recorded identity is exactly the bytes parsed.
type hashingReader struct {
	r io.Reader
	h *maphash.Hash
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	return n, err
}

// answerChange says how a probe's answer moved, in a word when the
// answers are long (an include's whole expansion).
func answerChange(was, now string) string {
	if len(was)+len(now) > 120 || strings.ContainsRune(was+now, 0) {
		return "changed"
	}
	return fmt.Sprintf("was %q, now %q", was, now)
}

// secretAnswer stands for a value that may be a secret (an environment
// variable) in a probe, whose answers reach the log when they differ.
func secretAnswer(v string) string { return fmt.Sprintf("sha256 %x", sha256.Sum256([]byte(v))) }

// checkProgram is the script check, its verdict recorded: a script made
// executable, moved or made unsafe since the last load changes what a new
// load keeps.
func (a *analyzer) checkProgram(argv0 string, who runAs, security bool) scriptFlags {
	f := checkProgram(argv0, who, security)
	if a.opts.inputs != nil {
		again := func() string { return fmt.Sprint(uint8(checkProgram(argv0, who, security))) }
		a.opts.inputs.probe(fmt.Sprintf("script %s (uid %d, gid %d, security %t)", argv0, who.uid, who.gid, security), fmt.Sprint(uint8(f)), again)
	}
	return f
}
