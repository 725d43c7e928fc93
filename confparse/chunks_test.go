package confparse

import "testing"

func TestChunked(t *testing.T) {
	for _, n := range []int{0, 1, 3, 4, 5, 13} {
		for _, head := range [][]int{nil, {-2, -1}} {
			c := chunked[int]{size: 4}
			var ptrs []*int
			for i := 0; i < n; i++ {
				ptrs = append(ptrs, c.add(i))
			}
			// Addresses handed out stay valid while more is added.
			for i, p := range ptrs {
				if *p != i {
					t.Fatalf("n=%d: value %d reads %d through its pointer", n, i, *p)
				}
			}
			out := c.join(head)
			if len(out) != len(head)+n || (n > 0 && cap(out) != len(out)) {
				t.Fatalf("n=%d head=%v: len %d cap %d", n, head, len(out), cap(out))
			}
			for i, v := range out {
				want := i - len(head)
				if i < len(head) {
					want = head[i]
				}
				if v != want {
					t.Fatalf("n=%d head=%v: out[%d] = %d, want %d", n, head, i, v, want)
				}
			}
			if len(c.parts) != 0 {
				t.Fatalf("n=%d: chunks kept after join", n)
			}
			if again := c.join(nil); len(again) != 0 {
				t.Fatalf("n=%d: a second join returns %v", n, again)
			}
		}
	}
}
