package confparse

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

const (
	keywordsDoc    = "../docs/keywords.md"
	keywordsMarker = "<!-- Everything below is generated from confparse.Keywords(): go test ./confparse -run TestKeywordsDoc -update -->\n"
)

// keywordTables renders the registry as docs/keywords.md's tables.
func keywordTables(kws []Keyword) string {
	var b bytes.Buffer
	block := ""
	for _, k := range kws {
		if k.Block != block {
			block = k.Block
			fmt.Fprintf(&b, "\n## %s\n\n| keyword | status | note |\n|---|---|---|\n", block)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", k.Name, k.Status, strings.ReplaceAll(k.Note, "|", `\|`))
	}
	return b.String()
}

// TestKeywordsDoc keeps docs/keywords.md true: its tables are the
// registry's, regenerated with -update.
func TestKeywordsDoc(t *testing.T) {
	doc, err := os.ReadFile(keywordsDoc)
	if err != nil {
		t.Fatal(err)
	}
	head, _, found := strings.Cut(string(doc), keywordsMarker)
	if !found {
		t.Fatalf("%s lacks the marker line %q", keywordsDoc, keywordsMarker)
	}
	want := head + keywordsMarker + keywordTables(Keywords())
	if *updateDump {
		if err := os.WriteFile(keywordsDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(doc) != want {
		t.Errorf("%s is out of date with the keyword registry (run with -update and review the diff)\n%s", keywordsDoc, lineDiff(string(doc), want))
	}
}

// Every note names a keyword the tables have: a note for a keyword that
// was renamed or removed would silently stop applying.
func TestKeywordNotesExist(t *testing.T) {
	have := map[string]bool{}
	for _, k := range Keywords() {
		have[k.Block+" "+k.Name] = true
	}
	for key := range keywordNotes {
		if !have[key] {
			t.Errorf("keywordNotes[%q] names no keyword of the registry", key)
		}
	}
}

// The registry sees through the tables: a keyword installed with notYet is
// warned, one installed with ignored has no effect.
func TestKeywordStatusFromHandlers(t *testing.T) {
	got := map[string]KeywordStatus{}
	for _, k := range Keywords() {
		got[k.Block+" "+k.Name] = k.Status
	}
	for key, want := range map[string]KeywordStatus{
		"top level child_wait_time":   KwNoEffect,
		"top level use_pid_dir":       KwWarned,
		"vrrp_instance state":         KwImplemented,
		"virtual_server quorum_max":   KwWarned,
		"vrrp_instance auth_hmac":     KwImplemented,
		"global_defs json_version":    KwRefused,
		"global_defs lvs_sync_daemon": KwImplemented,
	} {
		if got[key] != want {
			t.Errorf("%s: status %q, want %q", key, got[key], want)
		}
	}
}
