package reliability

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// sigJSON is SIGRTMIN+2 on Linux/glibc: keepalived's (and govrrpd's) JSON
// dump to $TMPDIR/keepalived.json.
const sigJSON = syscall.Signal(36)

// dumpJSON asks router i's daemon for its JSON dump and returns it parsed.
func (r *rig) dumpJSON(i int) (any, error) {
	path := filepath.Join(r.tmp[i], "keepalived.json")
	var before time.Time
	if st, err := os.Stat(path); err == nil {
		before = st.ModTime()
	}
	r.signal(i, sigJSON)
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		st, err := os.Stat(path)
		if err != nil || !st.ModTime().After(before) {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			continue // keepalived 2.2.7 writes in place: a partial file
		}
		return v, nil
	}
	return nil, fmt.Errorf("%s on r%d: no JSON dump in %s within 3 s of SIGRTMIN+2", r.impl.name, i+1, path)
}

// counter sums every numeric field named key anywhere in a JSON dump, so a
// counter is found whether it lives in an instance's "stats" (keepalived's
// layout) or in a daemon-wide object (a wrong VRID belongs to no
// instance); ok is false when no field of that name exists at all.
func counter(v any, key string) (sum float64, ok bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if n, isNum := e.(float64); isNum && k == key {
				sum, ok = sum+n, true
				continue
			}
			s, o := counter(e, key)
			sum, ok = sum+s, ok || o
		}
	case []any:
		for _, e := range x {
			s, o := counter(e, key)
			sum, ok = sum+s, ok || o
		}
	}
	return sum, ok
}
