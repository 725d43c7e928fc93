package reliability

import (
	"encoding/json"
	"testing"
)

func TestCounterSumsEveryPlacement(t *testing.T) {
	var v any
	doc := `[{"data":{"iname":"VI_1"},"stats":{"packet_len_err":2,"ip_ttl_err":1}},
		{"data":{"iname":"VI_2"},"stats":{"packet_len_err":3}},
		{"global":{"vrid_err":7}}]`
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key  string
		want float64
		ok   bool
	}{
		{"packet_len_err", 5, true},
		{"vrid_err", 7, true},
		{"ip_ttl_err", 1, true},
		{"chk_err", 0, false},
		{"iname", 0, false}, // not a number
	} {
		got, ok := counter(v, tc.key)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %v %v, want %v %v", tc.key, got, ok, tc.want, tc.ok)
		}
	}
}
