package srcpos

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"unsafe"
)

func TestString(t *testing.T) {
	cases := []struct {
		file string
		line int
		want string
	}{
		{"/etc/keepalived/keepalived.conf", 12, "/etc/keepalived/keepalived.conf:12"},
		{"a.conf", 0, "a.conf"},
		{"", 7, "line 7"},
		{"", 0, ""},
		{"b.conf", -3, "b.conf"},
		{"c.conf", 1 << 40, "c.conf:4294967295"},
	}
	for _, c := range cases {
		p := Make(c.file, c.line)
		if got := p.String(); got != c.want {
			t.Errorf("Make(%q, %d) = %q, want %q", c.file, c.line, got, c.want)
		}
		if got := fmt.Sprintf("%v", p); got != c.want {
			t.Errorf("%%v of Make(%q, %d) = %q, want %q", c.file, c.line, got, c.want)
		}
	}
}

func TestSameFileSameIndex(t *testing.T) {
	a, b := Make("same.conf", 1), Make("same.conf", 2)
	if a.file != b.file || a == b || a.File() != "same.conf" || b.Line() != 2 {
		t.Fatalf("a=%+v b=%+v", a, b)
	}
	if Make("same.conf", 1) != a {
		t.Fatal("equal positions must compare equal")
	}
	if Make("other.conf", 1) == a {
		t.Fatal("different files must differ")
	}
}

// A Pos must stay eight bytes, or the point of the package is lost.
func TestSize(t *testing.T) {
	if s := unsafe.Sizeof(Pos{}); s != 8 {
		t.Fatalf("Pos is %d bytes", s)
	}
}

func TestJSON(t *testing.T) {
	b, err := json.Marshal(struct{ Source Pos }{Make("j.conf", 3)})
	if err != nil || string(b) != `{"Source":"j.conf:3"}` {
		t.Fatalf("%s %v", b, err)
	}
}

// Every Pos reads back as itself, files with a colon in the name too.
func TestTextRoundTrip(t *testing.T) {
	for _, p := range []Pos{{}, Make("", 7), Make("j.conf", 0), Make("j.conf", 3), Make("/etc/a:b.conf", 12)} {
		b, _ := p.MarshalText()
		var q Pos
		if err := q.UnmarshalText(b); err != nil || q != p {
			t.Errorf("%q read back as %q (%v)", p, q, err)
		}
	}
}

// Concurrent loads (a reload while -t runs in tests) share the table.
func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	got := make([]Pos, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				Make(fmt.Sprintf("f%d.conf", j), j)
			}
			got[i] = Make("shared.conf", 5)
		}()
	}
	wg.Wait()
	for _, p := range got {
		if p != got[0] || p.String() != "shared.conf:5" {
			t.Fatalf("%v vs %v", p, got[0])
		}
	}
}

// BenchmarkMake is the per-object cost of naming a line.
func BenchmarkMake(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = Make("/etc/keepalived/keepalived.conf", i)
	}
}

// Lookups alternate between files (an include, then back): the one-entry
// cache in front of the table must follow.
func TestAlternatingFiles(t *testing.T) {
	a, b := "alt-a.conf", "alt-b.conf"
	for i := 1; i < 6; i++ {
		f := a
		if i%2 == 0 {
			f = b
		}
		want := fmt.Sprintf("%s:%d", f, i)
		if got := Make(f, i).String(); got != want {
			t.Errorf("Make(%q, %d) = %s", f, i, got)
		}
	}
	if Make(a, 1).file == Make(b, 1).file {
		t.Errorf("two files share an index")
	}
}
