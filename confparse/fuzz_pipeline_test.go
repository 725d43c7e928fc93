package confparse

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pipelineDeadline bounds one input: the preprocessor expands sequences and
// includes, so a hang is as much a bug as a panic.
const pipelineDeadline = 10 * time.Second

// FuzzPipeline runs the whole reader (preprocessor, tokenizer, grammar,
// semantic pass) and the printer over arbitrary input, seeded with the
// top-level blocks of every corpus file: whole files made seeds of many
// kilobytes, on which the minimizer stalled (45 execs in 60 s). Beyond "no panic, no hang" it checks what every caller of
// Load relies on: a Config always comes back, the exit code is one of
// keepalived's, every diagnostic names its file (`-t` prints FILE:LINE), and
// the printer's output reads back to the same printout.
func FuzzPipeline(f *testing.F) {
	seen := map[string]bool{}
	for _, c := range corpusFiles(f) {
		b, err := os.ReadFile(filepath.Join(corpusDir, c))
		if err != nil {
			f.Fatal(err)
		}
		for _, blk := range topLevelBlocks(string(b)) {
			if len(blk) <= maxSeed && !seen[blk] {
				seen[blk] = true
				f.Add(blk)
			}
		}
	}
	f.Add("vrrp_instance V {\n@n priority 1\n$X=1\n~SEQ(i,3) track_interface { eth$i }\n")
	f.Add("virtual_server group G {\n}\nvirtual_server_group G {\n192.0.2.1-300 80\n}\n}}{{\n")
	f.Add("global_defs { vrrp_garp_interval 1e308 } vrrp_script s { script \"\\x\" }\n")
	f.Add("track_group G {\n    group {\n        VI_X\n    }\n}\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in string) {
		p := fuzzFile(t, dir, in)
		first := loadWithin(t, p)
		if first == "" {
			return
		}
		// The printout is canonical: reading it and printing again must
		// give the same text (Config equality is TestRoundTripCorpus's).
		p2 := filepath.Join(dir, "printed.conf")
		if err := os.WriteFile(p2, []byte(first), 0o644); err != nil {
			t.Fatal(err)
		}
		if second := loadWithin(t, p2); second != first {
			t.Fatalf("print(load(print(x))) != print(x)\ninput:\n%s\nfirst print:\n%s\nsecond print:\n%s", in, first, second)
		}
	})
}

// maxSeed bounds a seed: small inputs keep the fuzzer executing and the
// minimizer quick.
const maxSeed = 2048

// topLevelBlocks cuts a configuration into its top-level statements (a
// block with its body, or a line), counting braces outside quotes and
// comments; a seed needs no more precision than that.
func topLevelBlocks(text string) []string {
	var out []string
	var cur strings.Builder
	depth := 0
	for line := range strings.Lines(text) {
		cur.WriteString(line)
		code, _, _ := strings.Cut(strings.SplitN(line, "!", 2)[0], "#")
		quoted := false
		for _, r := range code {
			switch {
			case r == '"':
				quoted = !quoted
			case quoted:
			case r == '{':
				depth++
			case r == '}':
				depth = max(depth-1, 0)
			}
		}
		if depth == 0 && strings.TrimSpace(cur.String()) != "" {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}

// loadWithin loads and prints path, failing the input if that takes longer
// than pipelineDeadline or breaks Load's contract.
func loadWithin(t *testing.T, path string) string {
	t.Helper()
	type result struct {
		out    string
		diags  Diagnostics
		nilCfg bool
	}
	done := make(chan result, 1)
	go func() {
		cfg, diags := Load(path, Options{ConfigID: "n"})
		if cfg == nil {
			done <- result{nilCfg: true}
			return
		}
		var b bytes.Buffer
		_ = Print(&b, cfg)
		done <- result{out: b.String(), diags: diags}
	}()
	select {
	case r := <-done:
		if r.nilCfg {
			t.Fatal("Load returned a nil Config")
		}
		switch code := r.diags.ExitCode(); code {
		case 0, int(Fatal), int(Warning), int(Security):
		default:
			t.Fatalf("exit code %d is not one of keepalived's", code)
		}
		for _, d := range r.diags {
			if d.Pos.File == "" {
				t.Fatalf("diagnostic names no file: %v", d)
			}
		}
		return r.out
	case <-time.After(pipelineDeadline):
		t.Fatalf("Load+Print did not finish within %v", pipelineDeadline)
	}
	return ""
}

// fuzzFile writes a fuzz input as dir/fuzz.conf, or skips an input whose
// includes could leave the fuzz directory.
func fuzzFile(t *testing.T, dir, in string) string {
	t.Helper()
	if escapesSandbox(in) {
		t.Skip("include could reach files outside the fuzz directory")
	}
	p := filepath.Join(dir, "fuzz.conf")
	if err := os.WriteFile(p, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// escapesSandbox reports whether an include in the input could name a file
// outside the fuzz directory (an absolute path, a parent directory, or a
// name built by parameter, sequence or brace expansion). Reading the host's
// files would make the fuzzer slow and its findings unreproducible
// (/proc/kcore is a "regular" file of 128 TiB).
func escapesSandbox(in string) bool {
	if !strings.Contains(strings.ToLower(in), "include") {
		return false
	}
	return strings.ContainsAny(in, "/$~{\\") || strings.Contains(in, "..")
}
