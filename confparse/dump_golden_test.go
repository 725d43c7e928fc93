package confparse

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// updateDump rewrites testdata/dump from the printer's current output:
// go test ./confparse -run TestDumpGolden -update
var updateDump = flag.Bool("update", false, "rewrite the --dump-conf golden files in testdata/dump")

// dumpName maps a corpus file to its golden file: the corpus path with
// slashes turned into "__", so the dump directory stays flat.
func dumpName(file string) string {
	return filepath.Join("testdata", "dump", strings.ReplaceAll(file, "/", "__")+".dump")
}

// TestDumpGolden pins `govrrpd -t -d` output for the whole corpus, so a
// change in what is printed, or in what the semantic pass keeps, shows up
// as a reviewable diff of canonical keepalived.conf.
func TestDumpGolden(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range corpusCases {
		if c.ID != "" {
			continue
		}
		seen[filepath.Base(dumpName(c.File))] = true
		t.Run(c.File, func(t *testing.T) {
			cfg, _ := Load(filepath.Join(corpusDir, c.File), corpusOptions(""))
			var buf bytes.Buffer
			if err := Print(&buf, cfg); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, dumpName(c.File), buf.Bytes())
		})
	}
	// A golden file whose sample is gone is a stale pin.
	stale, _ := filepath.Glob(filepath.Join("testdata", "dump", "*.dump"))
	for _, f := range stale {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s has no corpus file", f)
		}
	}
}

// lineDiff shows the first differing lines, enough to see what changed.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl && shown < 8 {
			b.WriteString(fmt.Sprintf("line %d:\n  want: %s\n  got:  %s\n", i+1, wl, gl))
			shown++
		}
	}
	return b.String()
}

// TestRoundTripCorpus: parse → print → parse gives the same whole Config
// for every corpus file (both config-id variants of conditional_conf too).
// The VRRP and LVS halves test their own parts; this catches anything
// that falls between them, such as a section nobody prints.
func TestRoundTripCorpus(t *testing.T) {
	for _, c := range corpusCases {
		t.Run(c.name(), func(t *testing.T) {
			opts := corpusOptions(c.ID)
			c1, _ := Load(filepath.Join(corpusDir, c.File), opts)
			var buf bytes.Buffer
			if err := Print(&buf, c1); err != nil {
				t.Fatal(err)
			}
			printed := filepath.Join(t.TempDir(), "printed.conf")
			if err := os.WriteFile(printed, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			c2, _ := Load(printed, opts)
			forgetHMACKeys(c1, c2)
			clearSources(reflect.ValueOf(c1))
			clearSources(reflect.ValueOf(c2))
			if !reflect.DeepEqual(c1, c2) {
				t.Errorf("round trip changes the Config: %s\nprinted:\n%s", firstDifference(reflect.ValueOf(*c1), reflect.ValueOf(*c2), "Config"), buf.String())
			}
		})
	}
}

// clearSources zeroes every field named Source, at any depth:
// positions name lines of the original file, which printing renumbers.
func clearSources(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			clearSources(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if !f.CanSet() {
				continue
			}
			if v.Type().Field(i).Name == "Source" {
				f.SetZero()
				continue
			}
			clearSources(f)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			clearSources(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			clearSources(e)
			v.SetMapIndex(k, e)
		}
	}
}

// firstDifference names the first field path where a and b differ, so a
// failure says "Config.Instances[0].Track.Scripts" rather than dumping
// two whole Configs.
func firstDifference(a, b reflect.Value, path string) string {
	if a.Kind() != b.Kind() {
		return path + ": kinds differ"
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path + ": nil on one side only"
			}
			return ""
		}
		return firstDifference(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !a.Type().Field(i).IsExported() {
				continue
			}
			if d := firstDifference(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: length %d vs %d", path, a.Len(), b.Len())
		}
		for i := 0; i < a.Len(); i++ {
			if d := firstDifference(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	}
	if a.CanInterface() && !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return fmt.Sprintf("%s: %#v vs %#v", path, a.Interface(), b.Interface())
	}
	return ""
}
