package console

import "sync"

// lazy is a value built on its first use. A package variable of this type
// is laid out by the linker, where a sync.OnceValue is a call the package
// makes at start: the console runs no code of its own until a page is
// asked for, so an idle daemon does not map its pages of the binary
// (docs/scale.md, "Session 7: the binary's resident pages").
type lazy[T any] struct {
	build func() T
	once  sync.Once
	v     T
}

func (l *lazy[T]) get() T {
	l.once.Do(func() { l.v = l.build() })
	return l.v
}
