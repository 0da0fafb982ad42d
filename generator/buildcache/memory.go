package buildcache

import "sync"

// Memory is an in-memory cache for a long-running process (serve), keyed
// on content hashes. Entries not used since the last Sweep but one are
// dropped by Sweep, so that it holds about what one build uses. Its
// methods are safe for concurrent use; the zero value is not: use
// NewMemory.
type Memory[V any] struct {
	mu        sync.Mutex
	cur, prev map[string]V
}

// NewMemory returns an empty cache.
func NewMemory[V any]() *Memory[V] {
	return &Memory[V]{cur: map[string]V{}, prev: map[string]V{}}
}

// Get returns the value stored for key.
func (m *Memory[V]) Get(key string) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.cur[key]; ok {
		return v, true
	}
	v, ok := m.prev[key]
	if ok {
		m.cur[key] = v
	}
	return v, ok
}

// Put stores v for key.
func (m *Memory[V]) Put(key string, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cur[key] = v
}

// Sweep ends a build: what was used or stored since the last Sweep is
// kept, the rest is dropped at the next Sweep.
func (m *Memory[V]) Sweep() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prev, m.cur = m.cur, map[string]V{}
}

// Len is the number of entries held.
func (m *Memory[V]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cur) + len(m.prev)
}
