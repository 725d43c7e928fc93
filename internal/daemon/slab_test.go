package daemon

import (
	"slices"
	"testing"
	"unsafe"
)

// The reserved objects come in chunks of at most slabChunk, each one
// allocation; past the reservation every object is made on its own.
func TestSlabChunks(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []int
	}{
		{0, nil},
		{1, []int{1}},
		{slabChunk, []int{slabChunk}},
		{2*slabChunk + 44, []int{slabChunk, slabChunk, 44}},
	} {
		var s slab[[48]byte]
		s.reserve(tc.n)
		var chunks []int
		var base *[48]byte
		for i := range tc.n {
			fresh := len(s.free) == 0
			p := s.new()
			if *p != [48]byte{} {
				t.Fatalf("reserve(%d): object %d not zeroed", tc.n, i)
			}
			p[0] = 1
			if fresh {
				chunks, base = append(chunks, len(s.free)+1), p
			} else if want := uintptr(unsafe.Pointer(base)) + uintptr(chunks[len(chunks)-1]-len(s.free)-1)*unsafe.Sizeof(*p); uintptr(unsafe.Pointer(p)) != want {
				t.Fatalf("reserve(%d): object %d not next to the others of its chunk", tc.n, i)
			}
		}
		if !slices.Equal(chunks, tc.want) {
			t.Errorf("reserve(%d): chunks %v, want %v", tc.n, chunks, tc.want)
		}
		if len(s.free) != 0 || s.left != 0 {
			t.Errorf("reserve(%d): %d left in the slab after serving all", tc.n, len(s.free)+s.left)
		}
		a, b := s.new(), s.new()
		if a == b || *a != [48]byte{} || *b != [48]byte{} || len(s.free) != 0 {
			t.Errorf("reserve(%d): objects past the reservation not distinct zeroed ones made alone", tc.n)
		}
	}
}
