package daemon

import (
	"slices"
	"testing"
	"unsafe"
)

// The reserved objects come in chunks of at most slabBytes, each one
// allocation; past the reservation every object is made on its own.
func TestSlabChunks(t *testing.T) {
	slabChunk := (&slab[[48]byte]{}).chunk()
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

// A full chunk fills slabBytes but for less than one object, whatever the
// object's size: the heap rounds a large object up to whole pages, and a
// chunk rounded up wastes what it rounds.
func TestSlabChunkFillsPages(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
		size uintptr
	}{
		{"[48]byte", (&slab[[48]byte]{}).chunk(), 48},
		{"[392]byte", (&slab[[392]byte]{}).chunk(), 392},
		{"instance", (&slab[instance]{}).chunk(), unsafe.Sizeof(instance{})},
		{"[100000]byte", (&slab[[100000]byte]{}).chunk(), 100000},
	} {
		bytes := uintptr(c.n) * c.size
		if c.n < 1 || (c.n > 1 && bytes > slabBytes) || bytes+c.size <= slabBytes {
			t.Errorf("%s: %d objects of %d B in a chunk (%d B), want slabBytes (%d B) less under one object", c.name, c.n, c.size, bytes, slabBytes)
		}
	}
}
