package lvscf

import (
	"bytes"
	"testing"
)

// detectWhole is Detect as it was: line ends normalised over the whole
// file first, then lines cut at '\n'. Detect, which cuts lines one at a
// time, must decide the same.
func detectWhole(data []byte) bool {
	data, _ = normaliseCR(data)
	for _, line := range bytes.Split(data, []byte("\n")) {
		if decided, lvs := detectLine(line); decided {
			return lvs
		}
	}
	return false
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"", "\r", "\r\n", "# c\rvirtual www {\r", "primary = 192.0.2.1\r\n",
		"global_defs {\n}\n", "virtual \"a\r b\" {\n", "\n\r\nfailover x {\r\n", "service = lvs\rbackup"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := Detect(data), detectWhole(data); got != want {
			t.Errorf("Detect(%q) = %v, whole-file reading says %v", data, got, want)
		}
	})
}
