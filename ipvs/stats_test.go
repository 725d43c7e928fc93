package ipvs

import (
	"maps"
	"testing"
)

func TestReconcilerCountsOps(t *testing.T) {
	bad := vs("192.0.2.20:80", rs("198.51.100.1:80", 1))
	bad.Scheduler = "nosuch" // the in-memory backend refuses it, as the kernel does
	steps := []struct {
		name   string
		cfg    Config
		ops    map[string]uint64
		errors uint64
	}{
		{"start", Config{Servers: []VirtualServer{vs("192.0.2.10:80", rs("198.51.100.1:80", 1), rs("198.51.100.2:80", 1))}},
			map[string]uint64{"add-service": 1, "add-dest": 2}, 0},
		{"reweight and remove", Config{Servers: []VirtualServer{vs("192.0.2.10:80", rs("198.51.100.1:80", 5))}},
			map[string]uint64{"add-service": 1, "add-dest": 2, "update-dest": 1, "del-dest": 1}, 0},
		{"refused service", Config{Servers: []VirtualServer{vs("192.0.2.10:80", rs("198.51.100.1:80", 5)), bad}},
			map[string]uint64{"add-service": 2, "add-dest": 2, "update-dest": 1, "del-dest": 1}, 1},
		{"drop it all", Config{},
			map[string]uint64{"add-service": 2, "add-dest": 2, "update-dest": 1, "del-dest": 1, "del-service": 1}, 1},
	}
	r := NewReconciler(NewMemory(), nil)
	for _, st := range steps {
		_, err := r.Load(st.cfg)
		if wantErr := st.name == "refused service"; (err != nil) != wantErr {
			t.Fatalf("%s: err %v, want one: %v", st.name, err, wantErr)
		}
		got := r.Stats()
		if !maps.Equal(got.Map(), st.ops) || got.Errors != st.errors {
			t.Errorf("%s: ops %v errors %d, want %v errors %d", st.name, got.Map(), got.Errors, st.ops, st.errors)
		}
	}
}
